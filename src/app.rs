//! The application layer: command-line values → validated requests → library calls → output.

pub mod analysis;
pub mod returns;

pub use returns::{returns_levels, returns_request, ReturnsRequest};

use crate::calc::{
    Action, CalcError, DayOutput, Engine, IndexSpec, MemberList, Method, Notice, Rebalance,
    SharesSchedule,
};
use crate::check::detect::{SplitEvent, SplitWatch};
use crate::cli::{
    Cli, Command, ComputeArgs, FormatArg, InputArgs, MethodArg, OutputArgs, RebalanceArg,
};
use crate::error::{DataError, Error};
use crate::input::{self, ColumnNames, DateParser, PriceData, Source, Symbols};
use crate::output::{self, Cell, Format, Table};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Where and how to read constituent data, and what index to compute from it.
#[derive(Debug, Clone)]
pub struct InputRequest {
    /// The prices file.
    pub prices: Source,
    /// Column names chosen on the command line.
    pub columns: ColumnNames,
    /// How to parse dates.
    pub dates: DateParser,
    /// `--constituents FILE`.
    pub constituents: Option<Source>,
    /// `--shares FILE`.
    pub shares: Option<Source>,
    /// `--actions FILE`.
    pub actions: Option<Source>,
    /// `--divisors FILE`.
    pub divisors: Option<Source>,
    /// The index (its member list and share schedule are filled in when the files are read).
    pub spec: IndexSpec,
    /// Whether to keep warnings off stderr.
    pub quiet: bool,
    /// `--strict`: a move that makes the levels wrong (an unrecorded split) is an error.
    pub strict: bool,
    /// `--infer-splits`: apply the splits that the prices show as split actions.
    pub infer_splits: bool,
}

/// Where and how to write data.
#[derive(Debug, Clone)]
pub struct OutputRequest {
    /// Decimals for levels.
    pub decimals: u32,
    /// CSV or JSON.
    pub format: Format,
    /// A file to write atomically; `None`: stdout.
    pub path: Option<PathBuf>,
}

/// A validated `idx compute`.
#[derive(Debug, Clone)]
pub struct ComputeRequest {
    /// The input and the index.
    pub input: InputRequest,
    /// First date written.
    pub from: Option<NaiveDate>,
    /// Last date written.
    pub to: Option<NaiveDate>,
    /// The output.
    pub output: OutputRequest,
    /// `--group-by COLUMN`: one index per value of the column.
    pub group_by: Option<String>,
    /// `--check`: refuse input in which idx check finds anything.
    pub check: bool,
}

/// The computed index: one [`DayOutput`] per index date.
#[derive(Debug, Clone)]
pub struct IndexRun {
    /// The methods, in the order of the values of each day.
    pub methods: Vec<Method>,
    /// Whether each value carries a total-return level.
    pub total_return: bool,
    /// The index dates from the base date on.
    pub days: Vec<DayOutput>,
    /// The symbol table of the run.
    pub symbols: Symbols,
}

/// Runs a parsed command line. Warnings go to `warn`; data goes to stdout or the output file.
pub fn run(cli: Cli, warn: &mut dyn FnMut(&str)) -> Result<(), Error> {
    match cli.command {
        Command::Compute(args) => {
            let req = compute_request(args)?;
            if req.check {
                check_input(&req.input, warn)?;
            }
            let table = match &req.group_by {
                Some(column) => analysis::compute_groups(&req, column, warn)?,
                None => {
                    let run = compute_index(&req.input, warn)?;
                    compute_table(&run, req.output.decimals, req.from, req.to)
                }
            };
            output::emit(&table.render(req.output.format), req.output.path.as_deref())
        }
        Command::Weights(args) => analysis::run_weights(args, warn),
        Command::Share(args) => analysis::run_share(args, warn),
        Command::Relative(args) => analysis::run_relative(args, warn),
        Command::Returns(args) => {
            let req = returns_request(args)?;
            let levels = returns_levels(&req, warn)?;
            let reports = returns::reports(&levels, req.as_of)?;
            let bytes = returns::render(&reports, &req);
            output::emit(&bytes, req.path.as_deref())
        }
        Command::Chart(args) => {
            let req = crate::chart::chart_request(args)?;
            crate::chart::run(&req)
        }
        Command::Check(args) => crate::check::run(args),
    }
}

fn method(m: MethodArg) -> Method {
    match m {
        MethodArg::PriceWeighted => Method::PriceWeighted,
        MethodArg::CapWeighted => Method::CapWeighted,
        MethodArg::EqualWeighted => Method::EqualWeighted,
    }
}

/// Validates the input flags.
pub fn input_request(args: InputArgs) -> Result<InputRequest, Error> {
    let mut methods: Vec<Method> = Vec::new();
    for m in args.method.iter().copied().map(method) {
        if methods.contains(&m) {
            return Err(Error::usage(
                format!("--method names {} twice", m.name()),
                "list each method once",
            ));
        }
        methods.push(m);
    }
    let equal = methods.contains(&Method::EqualWeighted);
    if !equal && (args.rebalance.is_some() || !args.rebalance_dates.is_empty()) {
        return Err(Error::usage(
            "--rebalance and --rebalance-dates apply only to --method equal-weighted",
            "drop the rebalance flag or add equal-weighted to --method",
        ));
    }
    let given_divisor = args.divisor.is_some() || args.divisors.is_some();
    if given_divisor {
        check_divisor_methods(&methods, "--divisor/--divisors")?;
    }
    if let Some(d) = args.divisor {
        if d <= Decimal::ZERO {
            return Err(Error::usage(
                format!("--divisor must be greater than 0, got {d}"),
                "give the divisor in force on the base date",
            ));
        }
        if args.base_value.is_some() {
            return Err(Error::usage(
                "--divisor and --base-value both set the base level",
                "give one of them",
            ));
        }
    }
    if let Some(v) = args.base_value {
        if v <= Decimal::ZERO {
            return Err(Error::usage(
                format!("--base-value must be greater than 0, got {v}"),
                "give a positive level such as 100 or 1000",
            ));
        }
    }
    let rebalance = if !args.rebalance_dates.is_empty() {
        let mut dates = args.rebalance_dates.clone();
        dates.sort_unstable();
        dates.dedup();
        Rebalance::Dates(dates)
    } else {
        match args.rebalance.unwrap_or(RebalanceArg::Quarterly) {
            RebalanceArg::Quarterly => Rebalance::Quarterly,
            RebalanceArg::ThirdFriday => Rebalance::ThirdFriday,
            RebalanceArg::Monthly => Rebalance::Monthly,
            RebalanceArg::Daily => Rebalance::Daily,
            RebalanceArg::None => Rebalance::None,
        }
    };
    let prices = Source::from_arg(args.prices.as_deref().unwrap_or("-"));
    let aux = |a: &Option<String>| a.as_deref().map(Source::from_arg);
    let (constituents, shares, actions, divisors) = (
        aux(&args.constituents),
        aux(&args.shares),
        aux(&args.actions),
        aux(&args.divisors),
    );
    let stdin_users = [
        &Some(prices.clone()),
        &constituents,
        &shares,
        &actions,
        &divisors,
    ]
    .iter()
    .filter(|s| matches!(s, Some(Source::Stdin)))
    .count();
    if stdin_users > 1 {
        return Err(Error::usage(
            "more than one input reads stdin ('-' or no prices file)",
            "give the other inputs as files",
        ));
    }
    if prices == Source::Stdin && std::io::stdin().is_terminal() {
        return Err(Error::usage(
            "no prices file given and stdin is a terminal",
            "give a prices file, or pipe one in: cat prices.csv | idx compute --method cap-weighted",
        ));
    }
    let mut columns = column_names(&args.columns)?;
    columns.skip_bad_rows = args.skip_bad_rows;
    Ok(InputRequest {
        prices,
        columns,
        dates: DateParser::new(args.columns.date_format),
        constituents,
        shares,
        actions,
        divisors,
        spec: IndexSpec {
            methods,
            base_date: args.base_date,
            base_value: args.base_value,
            base_divisor: args.divisor,
            rebalance,
            total_return: args.total_return,
            members: None,
            shares: None,
        },
        quiet: args.quiet,
        strict: args.strict,
        infer_splits: args.infer_splits,
    })
}

/// How to read a prices file, from the column flags every reading command shares (the column
/// map, if any, is read here).
pub fn column_names(c: &crate::cli::ColumnArgs) -> Result<ColumnNames, Error> {
    let aliases = match &c.column_map {
        Some(file) => input::read_column_map(&Source::from_arg(file))?,
        None => Vec::new(),
    };
    Ok(ColumnNames {
        date: c.date_col.clone(),
        symbol: c.symbol_col.clone(),
        price: c.price_col.clone(),
        shares: c.shares_col.clone(),
        group: None,
        text: input::TextFormat {
            encoding: c.encoding.map(|e| match e {
                crate::cli::EncodingArg::Utf8 => input::TextEncoding::Utf8,
                crate::cli::EncodingArg::ShiftJis => input::TextEncoding::ShiftJis,
            }),
            thousands: c.thousands,
            aliases,
        },
        skip_bad_rows: false,
        wide: c.wide,
    })
}

fn check_divisor_methods(methods: &[Method], what: &str) -> Result<(), Error> {
    if methods.len() > 1 {
        return Err(Error::usage(
            format!("{what} gives one index's divisor, but several methods were asked for"),
            "run one method at a time with a given divisor",
        ));
    }
    if methods == [Method::EqualWeighted] {
        return Err(Error::usage(
            format!("{what} cannot apply to equal-weighted: its index shares are idx's own"),
            "use a given divisor with price-weighted or cap-weighted only",
        ));
    }
    Ok(())
}

/// Validates the output flags.
pub fn output_request(args: OutputArgs) -> OutputRequest {
    OutputRequest {
        decimals: args.decimals,
        format: match args.format {
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
        },
        path: args.output,
    }
}

/// Validates `idx compute`'s flags.
pub fn compute_request(args: ComputeArgs) -> Result<ComputeRequest, Error> {
    if args.input.method.is_empty() {
        return Err(Error::usage(
            "--method is required",
            "choose price-weighted, cap-weighted or equal-weighted (or several, comma-separated)",
        ));
    }
    if let (Some(from), Some(to)) = (args.from, args.to) {
        if from > to {
            return Err(Error::usage(
                format!("--from {from} is after --to {to}"),
                "swap the dates",
            ));
        }
    }
    Ok(ComputeRequest {
        input: input_request(args.input)?,
        from: args.from,
        to: args.to,
        output: output_request(args.output),
        group_by: args.group_by,
        check: args.check,
    })
}

/// The input files of a run, read and checked.
#[derive(Debug)]
pub struct Loaded {
    /// The symbol table.
    pub symbols: Symbols,
    /// The prices file.
    pub prices: PriceData,
    /// Corporate actions, by date.
    pub actions: Vec<Action>,
    /// Divisors from `--divisors`: date → (divisor, line).
    pub file_divisors: BTreeMap<NaiveDate, (Decimal, u64)>,
    /// The member list.
    pub members: Option<MemberList>,
    /// The shares schedule.
    pub shares: Option<SharesSchedule>,
}

impl Loaded {
    /// The group of each symbol on or before `day` (its last row's group), by symbol id.
    pub fn groups_through(&self, day: usize) -> Vec<Option<u32>> {
        let mut g = vec![None; self.symbols.len()];
        if self.prices.group_names.is_empty() {
            return g;
        }
        for d in &self.prices.days[..=day.min(self.prices.days.len().saturating_sub(1))] {
            for i in d.quotes.clone() {
                g[self.prices.symbol(i) as usize] = self.prices.group(i);
            }
        }
        g
    }
}

/// Reads and checks the input files of `req`; with `--infer-splits`, the splits the prices
/// show are added to the actions (each reported through `warn`).
pub fn load_input(req: &InputRequest, warn: &mut dyn FnMut(&str)) -> Result<Loaded, Error> {
    let mut symbols = Symbols::new();
    let dates = &req.dates;
    let members = match &req.constituents {
        Some(src) => Some(input::read_constituents(src, dates, &mut symbols)?),
        None => None,
    };
    let shares = match &req.shares {
        Some(src) => Some(input::read_shares(src, dates, &mut symbols)?),
        None => None,
    };
    let need_shares = req.spec.methods.contains(&Method::CapWeighted) && shares.is_none();
    let prices = input::read_prices(
        &req.prices,
        &req.columns,
        dates,
        &mut symbols,
        members.as_ref(),
        need_shares,
    )?;
    let actions = match &req.actions {
        Some(src) => input::read_actions(src, dates, &mut symbols, members.as_ref())?,
        None => Vec::new(),
    };
    let file_divisors = match &req.divisors {
        Some(src) => input::read_divisors(src, dates)?,
        None => BTreeMap::new(),
    };
    let prices_name = req.prices.name();
    let actions_name = req.actions.as_ref().map(Source::name).unwrap_or_default();

    if prices.days.iter().any(|d| d.divisor.is_some()) {
        check_divisor_methods(&req.spec.methods, "the prices file's divisor column")?;
    }
    // Divisors from the file must agree with the prices file's divisor column.
    for (day, &line) in prices.days.iter().zip(&prices.divisor_lines) {
        if let (Some(d), Some(&(fd, fline))) = (day.divisor, file_divisors.get(&day.date)) {
            if d != fd {
                return Err(DataError::new(format!(
                    "two divisors on {}: {d} here and {fd} on line {fline} of {}",
                    day.date,
                    req.divisors.as_ref().map(Source::name).unwrap_or_default()
                ))
                .file(&prices_name)
                .line(line)
                .column("divisor")
                .hint("a date has one divisor: make the two inputs agree")
                .into());
            }
        }
    }
    // An action inside the data's date range needs a price row for its symbol on its date.
    if let (Some(first), Some(last)) = (prices.days.first(), prices.days.last()) {
        for a in &actions {
            if a.date < first.date || a.date > last.date {
                continue;
            }
            let priced = prices
                .days
                .binary_search_by_key(&a.date, |d| d.date)
                .is_ok_and(|i| {
                    let day = prices.days[i].quotes.clone();
                    let symbols: Vec<u32> = day.map(|k| prices.symbol(k)).collect();
                    symbols.binary_search(&a.symbol).is_ok()
                });
            if !priced {
                return Err(calc_error(
                    CalcError::ActionWithoutPrice {
                        date: a.date,
                        symbol: a.symbol,
                        line: a.line,
                    },
                    &symbols,
                    &prices_name,
                    &actions_name,
                ));
            }
        }
    }
    let mut loaded = Loaded {
        symbols,
        prices,
        actions,
        file_divisors,
        members,
        shares,
    };
    if req.infer_splits {
        infer_splits(req, &mut loaded, warn);
    }
    Ok(loaded)
}

/// `--infer-splits`: runs the split detection over the whole history (as [`DayRunner`] does
/// on the fly) and adds a split action for every move that looks like a split and has none.
/// A heuristic: a genuine fall of 50% with an unchanged share count would be taken for a
/// 2-for-1 split. Moves where a split action is recorded but does not fit are left to the
/// warnings.
fn infer_splits(req: &InputRequest, loaded: &mut Loaded, warn: &mut dyn FnMut(&str)) {
    let prices = &loaded.prices;
    let mut watch = SplitWatch::default();
    let mut quotes = Vec::new();
    let mut next = 0;
    for day in &prices.days {
        quotes.clear();
        quotes.extend(day.quotes.clone().map(|i| prices.quote(i)));
        while next < loaded.actions.len() && loaded.actions[next].date < day.date {
            next += 1;
        }
        let start = next;
        while next < loaded.actions.len() && loaded.actions[next].date == day.date {
            next += 1;
        }
        watch.day(day.date, &quotes, &loaded.actions[start..next]);
    }
    watch.finish();
    let mut added = Vec::new();
    for event in watch.take_events() {
        let (
            Some(value),
            SplitEvent::Split {
                symbol,
                line,
                facts,
                ..
            },
        ) = (event.inferred_split(), &event)
        else {
            continue;
        };
        if !req.quiet {
            let name = loaded.symbols.name(*symbol);
            let (message, _) = facts.text(name, "");
            warn(&format!(
                "{}, line {line}: {name} on {}: applying a {} (split,{value}) inferred from the \
                 prices (--infer-splits): {message}",
                req.prices.name(),
                facts.date,
                facts.candidate.label(),
            ));
        }
        added.push(Action {
            date: facts.date,
            symbol: *symbol,
            kind: crate::calc::ActionKind::Split(value),
            line: *line,
        });
    }
    loaded.actions.extend(added);
    loaded.actions.sort_by_key(|a| (a.date, a.symbol, a.line));
}

/// Called after each index date with the loaded input, the date's position in
/// `loaded.prices.days`, its output and the engine (for [`Engine::holdings`]).
pub type Observer<'a> = dyn FnMut(&Loaded, usize, &DayOutput, &Engine) -> Result<(), Error> + 'a;

/// Reads the input files and computes the index: the one path every command uses.
///
/// A prices file sorted by date is streamed one date at a time (memory for one date's rows);
/// a file in any other order, or stdin, is read whole and sorted first. Both feed the same
/// [`DayRunner`].
pub fn compute_index(req: &InputRequest, warn: &mut dyn FnMut(&str)) -> Result<IndexRun, Error> {
    if matches!(req.prices, Source::Path(_)) && !req.infer_splits {
        if let Some(run) = stream_index(req, warn)? {
            return Ok(run);
        }
    }
    let loaded = load_input(req, warn)?;
    report_skipped(&loaded.prices.skipped, warn);
    run_index(req, &loaded, None, warn, None)
}

/// Reports the rows skipped by `--skip-bad-rows`, one line each, then their count.
fn report_skipped(skipped: &[String], warn: &mut dyn FnMut(&str)) {
    for s in skipped {
        warn(s);
    }
    if !skipped.is_empty() {
        warn(&format!(
            "{} bad row(s) skipped (--skip-bad-rows)",
            skipped.len()
        ));
    }
}

/// `compute --check`: runs idx check on the input (strictly) and refuses it if anything is
/// found; the findings go to stderr.
fn check_input(req: &InputRequest, warn: &mut dyn FnMut(&str)) -> Result<(), Error> {
    let check_req = crate::check::CheckRequest {
        prices: req.prices.clone(),
        columns: crate::check::CheckColumns {
            date: req.columns.date.clone(),
            symbol: req.columns.symbol.clone(),
            price: req.columns.price.clone(),
            shares: req.columns.shares.clone(),
        },
        date_format: req.dates.format().map(str::to_string),
        text: req.columns.text.clone(),
        actions: req.actions.clone(),
        shares: req.shares.clone(),
        thresholds: crate::check::Thresholds::default(),
        strict: true,
        wide: req.columns.wide,
        format: crate::check::CheckFormat::Csv,
        output: None,
    };
    let report = crate::check::check(&check_req)?;
    if report.findings.is_empty() {
        return Ok(());
    }
    for f in &report.findings {
        let mut place = vec![f.file.clone()];
        place.extend(f.line.map(|l| format!("line {l}")));
        place.extend(f.date.map(|d| d.to_string()));
        place.extend(f.symbol.clone());
        warn(&format!(
            "{}: {}: {}",
            place.join(", "),
            f.kind.name(),
            f.message
        ));
    }
    Err(DataError::new(format!(
        "--check: the input fails idx check ({})",
        report.summary()
    ))
    .file(req.prices.name())
    .hint("fix the rows listed above, or run without --check (idx check FILE lists them too)")
    .into())
}

/// The divisor of `date` from the prices file must agree with the divisors file's.
fn check_file_divisor(
    req: &InputRequest,
    date: NaiveDate,
    column: Option<(Decimal, u64)>,
    file_divisors: &BTreeMap<NaiveDate, (Decimal, u64)>,
) -> Result<(), Error> {
    if let (Some((d, line)), Some(&(fd, fline))) = (column, file_divisors.get(&date)) {
        if d != fd {
            return Err(DataError::new(format!(
                "two divisors on {date}: {d} here and {fd} on line {fline} of {}",
                req.divisors.as_ref().map(Source::name).unwrap_or_default()
            ))
            .file(req.prices.name())
            .line(line)
            .column("divisor")
            .hint("a date has one divisor: make the two inputs agree")
            .into());
        }
    }
    Ok(())
}

/// The engines of a streamed run: one [`DayRunner`] on this thread, or with several methods one
/// per method, each on its own thread, fed the same dates (one pass over the data, the methods
/// computed side by side on both cores).
enum Runners<'a> {
    One(Box<DayRunner<'a>>),
    Pool(MethodPool),
}

/// A date for the method threads, with the symbols first seen since the previous one.
struct PoolDay {
    date: NaiveDate,
    quotes: std::sync::Arc<Vec<crate::calc::Quote>>,
    divisor: Option<Decimal>,
    names: Vec<String>,
}

/// How a method thread ended: its run and warnings, or its first error and that error's date.
type PoolOutcome = Result<(IndexRun, Vec<String>), (NaiveDate, Error)>;

struct MethodPool {
    senders: Vec<std::sync::mpsc::SyncSender<std::sync::Arc<PoolDay>>>,
    handles: Vec<std::thread::JoinHandle<PoolOutcome>>,
    sent_names: usize,
}

impl MethodPool {
    #[allow(clippy::too_many_arguments)]
    fn start(
        req: &InputRequest,
        members: &Option<MemberList>,
        shares: &Option<SharesSchedule>,
        actions: &[Action],
        file_divisors: &BTreeMap<NaiveDate, (Decimal, u64)>,
        symbols: &Symbols,
    ) -> MethodPool {
        let mut pool = MethodPool {
            senders: Vec::new(),
            handles: Vec::new(),
            sent_names: symbols.len(),
        };
        for (i, &method) in req.spec.methods.iter().enumerate() {
            let (tx, rx) = std::sync::mpsc::sync_channel::<std::sync::Arc<PoolDay>>(256);
            let mut one = req.clone();
            one.spec.methods = vec![method];
            // Notices (halts) are the same for every method: the first thread reports them.
            one.quiet = req.quiet || i > 0;
            let (members, shares) = (members.clone(), shares.clone());
            let (actions, file_divisors) = (actions.to_vec(), file_divisors.clone());
            let mut symbols = symbols.clone();
            pool.handles.push(std::thread::spawn(move || {
                let mut runner =
                    DayRunner::new(&one, members, shares, &actions, &file_divisors, false);
                // Split moves are the same for every method: the first thread looks for them.
                runner.watch_splits(i == 0);
                let mut warnings = Vec::new();
                let mut failure = None;
                for day in rx {
                    for n in &day.names {
                        symbols.intern(n);
                    }
                    if failure.is_some() {
                        continue;
                    }
                    let mut held = |m: &str| warnings.push(m.to_string());
                    if let Err(e) = runner.day(
                        day.date,
                        &day.quotes,
                        day.divisor,
                        &symbols,
                        &mut held,
                        false,
                    ) {
                        failure = Some((day.date, e));
                    }
                }
                if let Some(f) = failure {
                    return Err(f);
                }
                let mut held = |m: &str| warnings.push(m.to_string());
                match runner.finish(&symbols, &mut held, i == 0) {
                    Ok(run) => Ok((run, warnings)),
                    Err(e) => Err((NaiveDate::MAX, e)),
                }
            }));
            pool.senders.push(tx);
        }
        pool
    }

    fn day(
        &mut self,
        date: NaiveDate,
        quotes: &[crate::calc::Quote],
        divisor: Option<Decimal>,
        symbols: &Symbols,
    ) {
        let names = (self.sent_names..symbols.len())
            .map(|i| symbols.name(i as u32).to_string())
            .collect();
        self.sent_names = symbols.len();
        let day = std::sync::Arc::new(PoolDay {
            date,
            quotes: std::sync::Arc::new(quotes.to_vec()),
            divisor,
            names,
        });
        for tx in &self.senders {
            // A thread that stopped reports why when it is joined.
            let _ = tx.send(day.clone());
        }
    }

    /// Waits for every method and puts their runs side by side; the first error by date (then
    /// by method) wins, as in a single engine.
    fn finish(self, warn: &mut dyn FnMut(&str)) -> Result<IndexRun, Error> {
        drop(self.senders);
        let mut runs = Vec::new();
        let mut first_error: Option<(NaiveDate, Error)> = None;
        for handle in self.handles {
            match handle.join() {
                Ok(Ok((run, warnings))) => {
                    for w in &warnings {
                        warn(w);
                    }
                    runs.push(run);
                }
                Ok(Err((date, e))) => {
                    if first_error.as_ref().is_none_or(|(d, _)| date < *d) {
                        first_error = Some((date, e));
                    }
                }
                Err(_) => {
                    return Err(DataError::new("a calculation thread stopped unexpectedly")
                        .hint("please report this with the input that caused it")
                        .into())
                }
            }
        }
        if let Some((_, e)) = first_error {
            return Err(e);
        }
        let mut runs = runs.into_iter();
        let Some(mut merged) = runs.next() else {
            return Err(DataError::new("no method to compute").into());
        };
        for run in runs {
            merged.methods.extend(run.methods);
            for (day, other) in merged.days.iter_mut().zip(run.days) {
                day.values.extend(other.values);
            }
        }
        Ok(merged)
    }
}

impl Runners<'_> {
    fn day(
        &mut self,
        date: NaiveDate,
        quotes: &[crate::calc::Quote],
        divisor: Option<Decimal>,
        symbols: &Symbols,
        warn: &mut dyn FnMut(&str),
    ) -> Result<(), Error> {
        match self {
            Runners::One(runner) => runner
                .day(date, quotes, divisor, symbols, warn, false)
                .map(|_| ()),
            Runners::Pool(pool) => {
                pool.day(date, quotes, divisor, symbols);
                Ok(())
            }
        }
    }

    fn finish(self, symbols: &Symbols, warn: &mut dyn FnMut(&str)) -> Result<IndexRun, Error> {
        match self {
            Runners::One(runner) => runner.finish(symbols, warn, true),
            Runners::Pool(pool) => pool.finish(warn),
        }
    }
}

/// The symbol order of the previous date's rows and the permutation that sorted them.
#[derive(Default)]
struct DayOrder {
    symbols: Vec<u32>,
    perm: Vec<u32>,
    scratch: Vec<Option<input::Row>>,
}

/// Sorts a date's rows by symbol (then line), reusing the previous date's permutation when the
/// rows list the same symbols in the same order, as date-sorted files usually do.
fn sort_like_yesterday(rows: &mut Vec<input::Row>, order: &mut DayOrder) {
    if rows.is_sorted_by_key(|r| r.quote.symbol) {
        return;
    }
    let same = rows.len() == order.symbols.len()
        && rows
            .iter()
            .zip(&order.symbols)
            .all(|(r, &s)| r.quote.symbol == s);
    if !same {
        order.symbols.clear();
        order.symbols.extend(rows.iter().map(|r| r.quote.symbol));
        order.perm.clear();
        order.perm.extend(0..rows.len() as u32);
        order.perm.sort_unstable_by_key(|&i| {
            (rows[i as usize].quote.symbol, rows[i as usize].quote.line)
        });
    }
    order.scratch.clear();
    order.scratch.extend(rows.drain(..).map(Some));
    rows.extend(
        order
            .perm
            .iter()
            .filter_map(|&i| order.scratch[i as usize].take()),
    );
}

/// Streams a date-sorted prices file through the engine, parsing it on two threads while this
/// one assembles the dates and computes; `None` if the file turns out not to be sorted by date
/// (warnings are held back until the end, so nothing is said twice).
fn stream_index(req: &InputRequest, warn: &mut dyn FnMut(&str)) -> Result<Option<IndexRun>, Error> {
    let Source::Path(path) = &req.prices else {
        return Ok(None);
    };
    if req.columns.wide {
        return Ok(None);
    }
    let mut symbols = Symbols::new();
    let dates = &req.dates;
    let members = match &req.constituents {
        Some(src) => Some(input::read_constituents(src, dates, &mut symbols)?),
        None => None,
    };
    let shares = match &req.shares {
        Some(src) => Some(input::read_shares(src, dates, &mut symbols)?),
        None => None,
    };
    let actions = match &req.actions {
        Some(src) => input::read_actions(src, dates, &mut symbols, members.as_ref())?,
        None => Vec::new(),
    };
    let file_divisors = match &req.divisors {
        Some(src) => input::read_divisors(src, dates)?,
        None => BTreeMap::new(),
    };
    let need_shares = req.spec.methods.contains(&Method::CapWeighted) && shares.is_none();
    let reader = input::PriceReader::open(&req.prices, &req.columns, need_shares)?;
    if reader.transcoded() {
        return Ok(None);
    }
    let name = reader.name().to_string();
    let (offset, first_line) = reader.data_start();
    let mut skipped: Vec<String> = Vec::new();
    let mut runner = if req.spec.methods.len() > 1 {
        Runners::Pool(MethodPool::start(
            req,
            &members,
            &shares,
            &actions,
            &file_divisors,
            &symbols,
        ))
    } else {
        Runners::One(Box::new(DayRunner::new(
            req,
            members.clone(),
            shares,
            &actions,
            &file_divisors,
            false,
        )))
    };
    let mut warnings: Vec<String> = Vec::new();
    let mut held = |m: &str| warnings.push(m.to_string());

    // The workers see the symbols known before the prices; the chunks' new ones are added
    // here, in file order, so ids are the same as with one thread.
    let initial = symbols.clone();
    let first_new = initial.len() as u32;
    let mut group_names: Vec<String> = Vec::new();
    let mut rows: Vec<input::Row> = Vec::new();
    let mut quotes: Vec<crate::calc::Quote> = Vec::new();
    let mut records = 0u64;
    let mut divisor_checked = false;
    let mut unsorted = false;
    // An error is only final once the file is known to be sorted by date: a later row dated
    // earlier means the dates seen so far were not the first ones.
    let mut pending: Option<Error> = None;
    let mut failed: Option<DataError> = None;
    let mut order = DayOrder::default();
    let mut flush = |rows: &mut Vec<input::Row>,
                     symbols: &Symbols,
                     pending: &mut Option<Error>,
                     held: &mut dyn FnMut(&str)| {
        if rows.is_empty() || pending.is_some() {
            rows.clear();
            return;
        }
        sort_like_yesterday(rows, &mut order);
        let step = (|| -> Result<(), Error> {
            let divisor = input::check_day(rows, &name, symbols)?;
            let date = rows[0].date;
            if divisor.is_some() && !divisor_checked {
                check_divisor_methods(&req.spec.methods, "the prices file's divisor column")?;
                divisor_checked = true;
            }
            check_file_divisor(req, date, divisor, &file_divisors)?;
            quotes.clear();
            quotes.extend(rows.drain(..).map(|r| r.quote));
            runner.day(date, &quotes, divisor.map(|d| d.0), symbols, held)?;
            Ok(())
        })();
        rows.clear();
        if let Err(e) = step {
            *pending = Some(e);
        }
    };
    let progress = reader.progress().clone();
    let mut consume = |chunk: Result<input::Chunk, DataError>| -> bool {
        let mut chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                failed = Some(e);
                return false;
            }
        };
        records += chunk.records;
        let end = chunk.end;
        skipped.append(&mut chunk.skipped);
        for row in chunk.into_global(&mut symbols, first_new, &mut group_names) {
            if let Some(first) = rows.first() {
                if row.date < first.date {
                    unsorted = true;
                    return false;
                }
                if row.date != first.date {
                    flush(&mut rows, &symbols, &mut pending, &mut held);
                }
            }
            rows.push(row);
        }
        progress.set_position(end);
        true
    };
    input::read_parallel(
        path,
        offset,
        first_line,
        &name,
        reader.headers(),
        reader.parser(),
        &initial,
        dates,
        members.as_ref(),
        reader.thousands(),
        2,
        &mut consume,
    )?;
    progress.finish_and_clear();
    if unsorted {
        return Ok(None);
    }
    if let Some(e) = pending {
        return Err(e);
    }
    if let Some(e) = failed {
        return Err(e.into());
    }
    flush(&mut rows, &symbols, &mut pending, &mut held);
    if let Some(e) = pending {
        return Err(e);
    }
    if records == 0 {
        return Err(reader.header_only().into());
    }
    let run = runner.finish(&symbols, &mut held)?;
    report_skipped(&skipped, warn);
    for w in &warnings {
        warn(w);
    }
    Ok(Some(run))
}

/// Computes the index of `loaded`, or with `group` the index of that group's rows only, calling
/// `observe` after each index date (with holdings kept for it).
pub fn run_index(
    req: &InputRequest,
    loaded: &Loaded,
    group: Option<u32>,
    warn: &mut dyn FnMut(&str),
    mut observe: Option<&mut Observer<'_>>,
) -> Result<IndexRun, Error> {
    let prices = &loaded.prices;
    let members = match group {
        Some(g) => loaded
            .members
            .as_ref()
            .map(|m| members_of_group(m, loaded, g)),
        None => loaded.members.clone(),
    };
    let mut runner = DayRunner::new(
        req,
        members,
        loaded.shares.clone(),
        &loaded.actions,
        &loaded.file_divisors,
        observe.is_some(),
    );
    let mut quotes = Vec::new();
    for (k, day) in prices.days.iter().enumerate() {
        quotes.clear();
        quotes.extend(
            day.quotes
                .clone()
                .filter(|&i| group.is_none() || prices.group(i) == group)
                .map(|i| prices.quote(i)),
        );
        let day_quotes = &quotes[..];
        let produced = runner.day(
            day.date,
            day_quotes,
            day.divisor,
            &loaded.symbols,
            warn,
            group.is_some(),
        )?;
        if let (true, Some(f), Some(out)) = (produced, observe.as_mut(), runner.days.last()) {
            f(loaded, k, out, &runner.engine)?;
        }
    }
    runner.finish(&loaded.symbols, warn, group.is_none())
}

/// Feeds dates to the engine: the one loop of every path (buffered or streaming), with the
/// checks that need the actions and the given divisors.
pub struct DayRunner<'a> {
    req: &'a InputRequest,
    engine: Engine,
    actions: &'a [Action],
    next_action: usize,
    file_divisors: &'a BTreeMap<NaiveDate, (Decimal, u64)>,
    first_date: Option<NaiveDate>,
    base_given_divisor: Option<Decimal>,
    days: Vec<DayOutput>,
    day_actions: Vec<Action>,
    watch: Option<SplitWatch>,
}

impl<'a> DayRunner<'a> {
    /// A runner for `req` with its member list, share schedule, actions and divisors.
    pub fn new(
        req: &'a InputRequest,
        members: Option<MemberList>,
        shares: Option<SharesSchedule>,
        actions: &'a [Action],
        file_divisors: &'a BTreeMap<NaiveDate, (Decimal, u64)>,
        keep_holdings: bool,
    ) -> Self {
        let mut spec = req.spec.clone();
        spec.members = members;
        spec.shares = shares;
        let mut engine = Engine::new(spec);
        engine.keep_holdings(keep_holdings);
        DayRunner {
            req,
            engine,
            actions,
            next_action: 0,
            file_divisors,
            first_date: None,
            base_given_divisor: None,
            days: Vec::new(),
            day_actions: Vec::new(),
            watch: Some(SplitWatch::default()),
        }
    }

    /// Whether to look for moves that make the levels wrong (on by default).
    pub fn watch_splits(&mut self, on: bool) {
        if !on {
            self.watch = None;
        } else if self.watch.is_none() {
            self.watch = Some(SplitWatch::default());
        }
    }

    fn error(&self, e: CalcError, symbols: &Symbols) -> Error {
        calc_error(
            e,
            symbols,
            &self.req.prices.name(),
            &self
                .req
                .actions
                .as_ref()
                .map(Source::name)
                .unwrap_or_default(),
        )
    }

    /// Computes one date (ascending); returns whether it is an index date. `quotes` are sorted
    /// by symbol; with `filter_actions` (a group's index) actions of symbols without a quote
    /// here belong to another group.
    pub fn day(
        &mut self,
        date: NaiveDate,
        quotes: &[crate::calc::Quote],
        column_divisor: Option<Decimal>,
        symbols: &Symbols,
        warn: &mut dyn FnMut(&str),
        filter_actions: bool,
    ) -> Result<bool, Error> {
        // Actions dated between two dates of the data have no price row on their date.
        while let Some(a) = self.actions.get(self.next_action).filter(|a| a.date < date) {
            if self.first_date.is_some() && !filter_actions {
                let e = CalcError::ActionWithoutPrice {
                    date: a.date,
                    symbol: a.symbol,
                    line: a.line,
                };
                return Err(self.error(e, symbols));
            }
            self.next_action += 1;
        }
        self.first_date.get_or_insert(date);
        let start = self.next_action;
        while self
            .actions
            .get(self.next_action)
            .is_some_and(|a| a.date == date)
        {
            self.next_action += 1;
        }
        let mut todays = &self.actions[start..self.next_action];
        if filter_actions {
            self.day_actions.clear();
            self.day_actions.extend(
                todays
                    .iter()
                    .filter(|a| quotes.binary_search_by_key(&a.symbol, |q| q.symbol).is_ok())
                    .cloned(),
            );
            todays = &self.day_actions;
        }
        if let Some(watch) = self.watch.as_mut() {
            watch.day(date, quotes, todays);
            report_splits(watch, self.req, symbols, warn)?;
        }
        let divisor = column_divisor.or_else(|| self.file_divisors.get(&date).map(|d| d.0));
        let result = self.engine.push(crate::calc::DayInput {
            date,
            quotes,
            actions: todays,
            divisor,
        });
        if !self.req.quiet {
            for notice in self.engine.take_notices() {
                warn(&notice_text(&notice, symbols));
            }
        }
        match result {
            Ok(Some(out)) => {
                if self.days.is_empty() {
                    self.base_given_divisor = divisor;
                }
                self.days.push(out);
                Ok(true)
            }
            Ok(None) => Ok(false),
            Err(e) => Err(self.error(e, symbols)),
        }
    }

    /// Ends the run: checks the base date and the given divisors.
    pub fn finish(
        mut self,
        symbols: &Symbols,
        warn: &mut dyn FnMut(&str),
        report_unused_divisors: bool,
    ) -> Result<IndexRun, Error> {
        if let Some(watch) = self.watch.as_mut() {
            watch.finish();
            report_splits(watch, self.req, symbols, warn)?;
        }
        self.engine.finish().map_err(|e| self.error(e, symbols))?;
        let req = self.req;
        // `--divisor` and a divisor given for the base date by a file must agree.
        if let (Some(flag), Some(base), Some(d)) = (
            req.spec.base_divisor,
            self.days.first(),
            self.base_given_divisor,
        ) {
            if d != flag {
                return Err(Error::usage(
                    format!(
                        "--divisor {flag} contradicts the divisor {d} given for the base date {}",
                        base.date
                    ),
                    "drop --divisor or make the inputs agree",
                ));
            }
        }
        if !req.quiet && report_unused_divisors {
            let first = self.days.first().map(|d| d.date);
            for (date, (_, line)) in self.file_divisors {
                let used = first.is_some_and(|f| *date >= f)
                    && self.days.binary_search_by_key(date, |d| d.date).is_ok();
                if !used {
                    warn(&format!(
                        "{} line {line}: the divisor for {date} is not used: it is not an index \
                         date on or after the base date",
                        req.divisors.as_ref().map(Source::name).unwrap_or_default()
                    ));
                }
            }
        }
        Ok(IndexRun {
            methods: req.spec.methods.clone(),
            total_return: req.spec.total_return,
            days: self.days,
            symbols: symbols.clone(),
        })
    }
}

/// The member list restricted to group `g`: each membership period is cut to the dates from a
/// symbol's first to its last row in the group.
fn members_of_group(list: &MemberList, loaded: &Loaded, g: u32) -> MemberList {
    let mut span: BTreeMap<u32, (NaiveDate, NaiveDate)> = BTreeMap::new();
    for day in &loaded.prices.days {
        for i in day.quotes.clone() {
            if loaded.prices.group(i) == Some(g) {
                let s = loaded.prices.symbol(i);
                let e = span.entry(s).or_insert((day.date, day.date));
                e.1 = day.date;
            }
        }
    }
    let mut out = MemberList::new();
    for (&s, &(first, last)) in &span {
        for &(start, end) in list.periods(s) {
            let start = start.map_or(first, |d| d.max(first));
            let end = end.map_or(last, |d| d.min(last));
            if start <= end {
                out.add(s, Some(start), Some(end));
            }
        }
    }
    out
}

/// Reports the split moves `watch` found so far: a warning each, or with `--strict` an error.
fn report_splits(
    watch: &mut SplitWatch,
    req: &InputRequest,
    symbols: &Symbols,
    warn: &mut dyn FnMut(&str),
) -> Result<(), Error> {
    if !watch.has_events() {
        return Ok(());
    }
    let prices = req.prices.name();
    let actions = req.actions.as_ref().map(Source::name).unwrap_or_default();
    for event in watch.take_events() {
        let e = split_error(&event, symbols, &prices, &actions);
        if req.strict {
            return Err(e.into());
        }
        if !req.quiet {
            warn(&warning_text(&e));
        }
    }
    Ok(())
}

/// A move that makes the levels wrong, as a located data error (the `--strict` error; its text
/// is also the warning's).
fn split_error(event: &SplitEvent, symbols: &Symbols, prices: &str, actions: &str) -> DataError {
    let name = symbols.name(event.symbol());
    let wrong = format!("every level from {} on is likely wrong", event.date());
    match event {
        SplitEvent::Split {
            line, price, facts, ..
        } => {
            let (message, hint) = facts.text(name, actions);
            let hint = if facts.recorded.is_none() {
                format!("{hint}, or run with --infer-splits to apply it")
            } else {
                hint
            };
            DataError::new(format!("{name} on {}: {message}: {wrong}", facts.date))
                .file(prices)
                .line(*line)
                .column("price")
                .value(price.to_string())
                .hint(hint)
        }
        SplitEvent::Unneeded { facts, .. } => {
            let (message, hint) = facts.text(name);
            DataError::new(format!("{message}: {wrong}"))
                .file(actions)
                .line(facts.line)
                .column("value")
                .hint(hint)
        }
    }
}

/// A data error as a warning: its message, then its hint on the next line.
fn warning_text(e: &DataError) -> String {
    match &e.located().hint {
        Some(hint) => format!("{e}\n  hint: {hint}"),
        None => e.to_string(),
    }
}

fn notice_text(n: &Notice, symbols: &Symbols) -> String {
    match n {
        Notice::CarriedForward {
            symbol,
            date,
            since,
        } => format!(
            "{} has no price on {date}: it keeps its last close (of {since}) while it has none \
             (reported once per symbol)",
            symbols.name(*symbol)
        ),
        Notice::NotYetPriced { symbol, date } => format!(
            "{} is a member on {date} but has no price yet: it is left out until its first price \
             (reported once per symbol)",
            symbols.name(*symbol)
        ),
    }
}

/// Turns a calculation error into a located data error.
pub fn calc_error(e: CalcError, symbols: &Symbols, prices: &str, actions: &str) -> Error {
    let err = match e {
        CalcError::Overflow { date, what } => DataError::new(format!(
            "arithmetic overflow on {date} while computing {what}"
        ))
        .file(prices)
        .hint("the numbers exceed 28-digit decimals: check for a misplaced decimal point"),
        CalcError::ZeroMarketValue { date } => DataError::new(format!(
            "the index market value is zero on {date}: every constituent has 0 shares"
        ))
        .file(prices)
        .hint("give at least one constituent a positive share count on that date"),
        CalcError::MissingShares { date, symbol, line } => DataError::new(format!(
            "no share count for {} on {date}: cap-weighted needs one for every constituent",
            symbols.name(symbol)
        ))
        .file(prices)
        .line(line)
        .column("shares")
        .hint("fill in the shares cell, or list the symbol in a --shares file"),
        CalcError::ActionWithoutPrice { date, symbol, line } => DataError::new(format!(
            "action for {} on {date}, but the prices have no row for it on that date",
            symbols.name(symbol)
        ))
        .file(actions)
        .line(line)
        .hint("an action is effective at the open of a date the symbol trades: fix its date or symbol"),
        CalcError::DividendExceedsPrice {
            date,
            symbol,
            line,
            previous_close,
        } => DataError::new(format!(
            "special dividend for {} on {date} is not below its previous close {previous_close}",
            symbols.name(symbol)
        ))
        .file(actions)
        .line(line)
        .column("value")
        .hint("check the amount: it is cash per share"),
        CalcError::BaseDateNotIndexDate {
            base,
            before,
            after,
        } => {
            let near: Vec<String> = [before, after]
                .iter()
                .flatten()
                .map(|d| d.to_string())
                .collect();
            DataError::new(format!(
                "the base date {base} is not an index date: no constituent has a price on it"
            ))
            .file(prices)
            .hint(if near.is_empty() {
                "choose a date of the data with --base-date".to_string()
            } else {
                format!("the nearest index dates are {}", near.join(" and "))
            })
        }
        CalcError::NoIndexDate => DataError::new(
            "no index date: no constituent has a price on or after the base date",
        )
        .file(prices)
        .hint("check the member list's dates, the symbols and --base-date"),
    };
    err.into()
}

/// What each level column of [`compute_table`]'s table is, for messages: with one method,
/// `level` is its level and `total_return` its total-return level; with several, each method's
/// column and its `_total_return` column.
pub fn level_labels(run: &IndexRun) -> Vec<(String, String)> {
    let labels = |m: &str, column: &str| {
        [
            (column.to_string(), format!("{m} level")),
            (
                if column == "level" {
                    "total_return".to_string()
                } else {
                    format!("{column}_total_return")
                },
                format!("{m} total-return level"),
            ),
        ]
    };
    match run.methods.as_slice() {
        [m] => labels(m.name(), "level").to_vec(),
        methods => methods
            .iter()
            .flat_map(|m| labels(m.name(), m.name()))
            .collect(),
    }
}

/// The table `idx compute` writes.
pub fn compute_table(
    run: &IndexRun,
    dp: u32,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Table {
    let single = run.methods.len() == 1;
    let mut headers = vec!["date".to_string()];
    if single {
        headers.extend(["level", "divisor", "constituents"].map(String::from));
        if run.total_return {
            headers.push("total_return".into());
        }
    } else {
        headers.extend(run.methods.iter().map(|m| m.name().to_string()));
        if run.total_return {
            headers.extend(
                run.methods
                    .iter()
                    .map(|m| format!("{}_total_return", m.name())),
            );
        }
    }
    let rows = run
        .days
        .iter()
        .filter(|d| from.is_none_or(|f| d.date >= f) && to.is_none_or(|t| d.date <= t))
        .map(|d| {
            let mut row = vec![Cell::Text(d.date.to_string())];
            if single {
                let v = &d.values[0];
                row.push(Cell::Number(output::fixed(v.level, dp)));
                row.push(Cell::Number(output::full(v.divisor)));
                row.push(Cell::Number(d.constituents.to_string()));
                if let Some(tr) = v.total_return {
                    row.push(Cell::Number(output::fixed(tr, dp)));
                }
            } else {
                row.extend(
                    d.values
                        .iter()
                        .map(|v| Cell::Number(output::fixed(v.level, dp))),
                );
                if run.total_return {
                    row.extend(d.values.iter().map(|v| {
                        v.total_return
                            .map_or(Cell::Empty, |tr| Cell::Number(output::fixed(tr, dp)))
                    }));
                }
            }
            row
        })
        .collect();
    Table { headers, rows }
}
