//! The one path from constituent data to index levels, used by every command: read the input
//! files ([`load_input`], or streamed), feed the engine date by date ([`DayRunner`]), and collect
//! the run ([`IndexRun`]).
//!
//! - [`compute_index`]: a date-sorted prices file is streamed one date at a time
//!   (`stream`); any other order, or stdin, is read whole and sorted first ([`run_index`]).
//! - Several methods are computed side by side, one thread each (`pool`).
//! - Every path feeds the same [`DayRunner`], which also watches for moves that make the
//!   levels wrong (unrecorded splits).

mod fx;
mod messages;
mod pool;
mod runner;
mod stream;

use stream::stream_index;

pub use fx::{FxDate, FxRequest};
pub use messages::calc_error;
pub use runner::{run_index, DayRunner};

use crate::calc::{
    Action, CalcError, DayOutput, Engine, FactorSchedule, IndexSpec, MemberList, Method,
    SharesSchedule, TotalReturn,
};
use crate::check::detect::{SplitEvent, SplitWatch};
use crate::error::{DataError, Error};
use crate::input::{self, ColumnNames, DateParser, FxTable, PriceData, Source, Symbols};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

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
    /// `--factors FILE`: Nikkei-style price adjustment factors and capping ratios.
    pub factors: Option<Source>,
    /// The index (its member list and share schedule are filled in when the files are read).
    pub spec: IndexSpec,
    /// Whether to keep warnings off stderr.
    pub quiet: bool,
    /// `--strict`: a move that makes the levels wrong (an unrecorded split) is an error.
    pub strict: bool,
    /// `--infer-splits`: apply the splits that the prices show as split actions.
    pub infer_splits: bool,
    /// `--fx FILE` and its flags: convert the prices to another currency before the engine.
    pub fx: Option<FxRequest>,
}

/// The computed index: one [`DayOutput`] per index date.
#[derive(Debug, Clone)]
pub struct IndexRun {
    /// The methods, in the order of the values of each day.
    pub methods: Vec<Method>,
    /// The total-return levels each value carries.
    pub total_return: TotalReturn,
    /// The index dates from the base date on.
    pub days: Vec<DayOutput>,
    /// The symbol table of the run.
    pub symbols: Symbols,
}

impl IndexRun {
    /// The numbers `idx compute` writes, from `from` to `to`, levels rounded to `dp` decimals.
    pub fn level_table(
        &self,
        dp: u32,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> crate::output::LevelTable {
        crate::output::LevelTable::of(&self.methods, self.total_return, &self.days, dp, from, to)
    }

    /// The table `idx compute` writes.
    pub fn table(
        &self,
        dp: u32,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> crate::output::Table {
        self.level_table(dp, from, to).table()
    }

    /// What each level column of [`IndexRun::table`] is, for messages.
    pub fn level_labels(&self) -> Vec<(String, String)> {
        crate::output::level_labels(&self.methods)
    }
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
    /// The factors of `--factors`.
    pub factors: Option<FactorSchedule>,
    /// The FX rates of `--fx`.
    pub fx: Option<FxTable>,
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

/// The share counts and the factors a run's engines are given.
#[derive(Debug, Clone, Default)]
pub struct Schedules {
    /// `--shares`.
    pub shares: Option<SharesSchedule>,
    /// `--factors`.
    pub factors: Option<FactorSchedule>,
}

/// The member list, the share schedule and the factors of `req`, read in that order (their
/// symbols are interned first).
pub(super) fn read_members_and_shares(
    req: &InputRequest,
    symbols: &mut Symbols,
) -> Result<(Option<MemberList>, Schedules), Error> {
    let members = match &req.constituents {
        Some(src) => Some(input::read_constituents(src, &req.dates, symbols)?),
        None => None,
    };
    let shares = match &req.shares {
        Some(src) => Some(input::read_shares(src, &req.dates, symbols)?),
        None => None,
    };
    let factors = match &req.factors {
        Some(src) => Some(input::read_factors(
            src,
            &req.dates,
            symbols,
            members.as_ref(),
        )?),
        None => None,
    };
    Ok((members, Schedules { shares, factors }))
}

/// The FX file of `req`, if any, and the prices file's columns (with a currency column when the
/// FX file gives rates by currency).
pub(super) fn read_fx(req: &InputRequest) -> Result<(Option<FxTable>, ColumnNames), Error> {
    let mut columns = req.columns.clone();
    let Some(fx) = &req.fx else {
        return Ok((None, columns));
    };
    let table = input::read_fx(&fx.source, &req.dates)?;
    if table.by_currency {
        if columns.wide {
            return Err(DataError::new(format!(
                "the FX file {} gives rates by currency, and a wide prices file has no currency \
                 column",
                table.name
            ))
            .file(req.prices.name())
            .hint("use the long layout with a currency column, or an FX file of date,rate")
            .into());
        }
        columns.currencies = Some((table.name.clone(), table.currencies.clone()));
    }
    Ok((Some(table), columns))
}

/// The actions (sorted by date, then symbol) and the given divisors of `req`.
pub(super) fn read_actions_and_divisors(
    req: &InputRequest,
    symbols: &mut Symbols,
    members: &Option<MemberList>,
) -> Result<(Vec<Action>, FileDivisors), Error> {
    let actions = match &req.actions {
        Some(src) => input::read_actions(src, &req.dates, symbols, members.as_ref())?,
        None => Vec::new(),
    };
    let divisors = match &req.divisors {
        Some(src) => input::read_divisors(src, &req.dates)?,
        None => BTreeMap::new(),
    };
    Ok((actions, divisors))
}

/// Divisors from `--divisors`: date → (divisor, line).
pub type FileDivisors = BTreeMap<NaiveDate, (Decimal, u64)>;

/// Reads and checks the input files of `req`; with `--infer-splits`, the splits the prices
/// show are added to the actions (each reported through `warn`).
pub fn load_input(req: &InputRequest, warn: &mut dyn FnMut(&str)) -> Result<Loaded, Error> {
    let mut symbols = Symbols::new();
    let (fx, columns) = read_fx(req)?;
    let (members, Schedules { shares, factors }) = read_members_and_shares(req, &mut symbols)?;
    let need_shares = req.spec.methods.iter().any(|m| m.needs_shares()) && shares.is_none();
    let prices = input::read_prices(
        &req.prices,
        &columns,
        &req.dates,
        &mut symbols,
        members.as_ref(),
        need_shares,
    )?;
    let (actions, file_divisors) = read_actions_and_divisors(req, &mut symbols, &members)?;
    let prices_name = req.prices.name();
    let actions_name = req.actions.as_ref().map(Source::name).unwrap_or_default();

    if prices.days.iter().any(|d| d.divisor.is_some()) {
        check_divisor_methods(&req.spec.methods, "the prices file's divisor column")?;
    }
    // Divisors from the file must agree with the prices file's divisor column.
    for (day, &line) in prices.days.iter().zip(&prices.divisor_lines) {
        check_file_divisor(
            req,
            day.date,
            day.divisor.map(|d| (d, line)),
            &file_divisors,
        )?;
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
        factors,
        fx,
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

/// A given divisor (flag, file or column) sets one index's divisor: one method, not
/// equal-weighted.
pub(crate) fn check_divisor_methods(methods: &[Method], what: &str) -> Result<(), Error> {
    if methods.len() > 1 {
        return Err(Error::usage(
            format!("{what} gives one index's divisor, but several methods were asked for"),
            "run one method at a time with a given divisor",
        ));
    }
    if let [m] = methods {
        if !m.holds_shares() {
            return Ok(());
        }
        return Err(Error::usage(
            format!(
                "{what} cannot apply to {}: its index shares are idx's own",
                m.name()
            ),
            "use a given divisor with price-weighted or cap-weighted only",
        ));
    }
    Ok(())
}
