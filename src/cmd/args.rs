//! Raw flags → validated requests, in one place.

use crate::calc::{CapRule, IndexSpec, Method, Rebalance, TotalReturn, WeightCap};
use crate::cli::{
    ComputeArgs, FormatArg, InputArgs, MethodArg, OutputArgs, RangeArgs, RebalanceArg,
};
use crate::error::Error;
use crate::input::{self, ColumnNames, DateParser, Source};
use crate::output::Format;
use crate::pipeline::{check_divisor_methods, FxDate, FxRequest, InputRequest};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Where and how to write data.
#[derive(Debug, Clone)]
pub struct OutputRequest {
    /// Decimals of the numbers written.
    pub decimals: u32,
    /// The format.
    pub format: Format,
    /// A file to write atomically; `None`: stdout.
    pub path: Option<PathBuf>,
}

/// A validated `idx compute`.
#[derive(Debug, Clone)]
pub struct ComputeRequest {
    /// The input and the index.
    pub input: InputRequest,
    /// The dates written.
    pub range: DateRange,
    /// The output.
    pub output: OutputRequest,
    /// `--group-by COLUMN`: one index per value of the column.
    pub group_by: Option<String>,
    /// `--check`: refuse input in which idx check finds anything.
    pub check: bool,
}

fn method(m: MethodArg, rule: Option<CapRule>) -> Result<Method, Error> {
    Ok(match m {
        MethodArg::PriceWeighted => Method::PriceWeighted,
        MethodArg::CapWeighted => Method::CapWeighted,
        MethodArg::EqualWeighted => Method::EqualWeighted,
        MethodArg::Capped => Method::Capped(rule.ok_or_else(|| {
            Error::usage(
                "--method capped needs --cap",
                "give the largest weight a member may have, e.g. --cap 0.10",
            )
        })?),
    })
}

/// `--cap`, `--cap-threshold`, `--cap-aggregate`: in range, and only with `--method capped`.
fn cap_rule(args: &InputArgs) -> Result<Option<CapRule>, Error> {
    let capped = args.method.contains(&MethodArg::Capped);
    let Some(cap) = args.cap else {
        if !capped && args.cap_threshold.is_some() {
            return Err(Error::usage(
                "--cap-threshold and --cap-aggregate apply only to --method capped",
                "add --method capped with --cap, or drop them",
            ));
        }
        return Ok(None);
    };
    if !capped {
        return Err(Error::usage(
            "--cap, --cap-threshold and --cap-aggregate apply only to --method capped",
            "add --method capped, or drop the cap flags",
        ));
    }
    let unit = |v: Decimal| v > Decimal::ZERO && v <= Decimal::ONE;
    if !unit(cap) {
        return Err(Error::usage(
            format!("--cap must be in (0, 1], got {cap}"),
            "give the cap as a fraction: 0.10 for 10%",
        ));
    }
    if let Some(t) = args.cap_threshold {
        if t <= Decimal::ZERO || t >= cap {
            return Err(Error::usage(
                format!("--cap-threshold must be above 0 and below --cap ({cap}), got {t}"),
                "the threshold is the weight above which members count toward --cap-aggregate",
            ));
        }
    }
    if let Some(a) = args.cap_aggregate {
        if !unit(a) {
            return Err(Error::usage(
                format!("--cap-aggregate must be in (0, 1], got {a}"),
                "give the aggregate as a fraction: 0.48 for 48%",
            ));
        }
    }
    Ok(Some(CapRule {
        cap,
        threshold: args.cap_threshold,
        aggregate: args.cap_aggregate,
    }))
}

/// `--total-return` takes an optional KIND, so clap hands it the word that follows: in
/// `--total-return prices.csv`, written before KIND existed, that word is the prices file. A
/// value that is not a list of kinds is therefore the first positional argument, and the
/// positionals clap filled (`prices`, then `next`: relative's second file) move one place on,
/// so that the plain flag means gross total return exactly as it did.
pub fn settle_total_return(input: &mut InputArgs, next: Option<&mut Option<String>>) {
    let Some(value) = &input.total_return else {
        return;
    };
    if total_return_kinds(value).is_some() {
        return;
    }
    match (input.prices.is_none(), next) {
        (true, _) => {}
        (false, Some(next)) if next.is_none() => *next = input.prices.take(),
        _ => return,
    }
    input.prices = input.total_return.replace("gross".into());
}

/// The kinds of a `--total-return` value: `gross`, `net` or both, comma-separated (gross,
/// net); `None` if it is not such a list.
fn total_return_kinds(value: &str) -> Option<(bool, bool)> {
    let (mut gross, mut net) = (false, false);
    for kind in value.split(',') {
        let seen = match kind.trim() {
            "gross" => &mut gross,
            "net" => &mut net,
            _ => return None,
        };
        if *seen {
            return None;
        }
        *seen = true;
    }
    Some((gross, net))
}

/// Validates `--total-return KIND` and `--withholding RATE`.
fn total_return(kinds: Option<&str>, withholding: Option<Decimal>) -> Result<TotalReturn, Error> {
    let (gross, net) = match kinds {
        None => (false, false),
        Some(value) => total_return_kinds(value).ok_or_else(|| {
            Error::usage(
                format!("--total-return takes gross, net or gross,net, got '{value}'"),
                "give --total-return (gross), --total-return net or --total-return gross,net, \
                 each kind once",
            )
        })?,
    };
    if let Some(w) = withholding {
        if w < Decimal::ZERO || w >= Decimal::ONE {
            return Err(Error::usage(
                format!("--withholding must be at least 0 and below 1, got {w}"),
                "give the withholding tax rate as a fraction: 0.30 for 30%",
            ));
        }
        if !net {
            return Err(Error::usage(
                "--withholding applies only to the net total return",
                "add --total-return net (or gross,net), or drop --withholding",
            ));
        }
    } else if net {
        return Err(Error::usage(
            "--total-return net needs --withholding RATE",
            "give the withholding tax rate, e.g. --withholding 0.30 to reinvest 70% of each \
             dividend (or --withholding 0 for none)",
        ));
    }
    Ok(TotalReturn {
        gross,
        net: if net { withholding } else { None },
    })
}

/// Validates the input flags.
pub fn input_request(args: InputArgs) -> Result<InputRequest, Error> {
    let total_return = total_return(args.total_return.as_deref(), args.withholding)?;
    let mut methods: Vec<Method> = Vec::new();
    let rule = cap_rule(&args)?;
    for m in args.method.iter().copied() {
        let m = method(m, rule)?;
        if methods.contains(&m) {
            return Err(Error::usage(
                format!("--method names {} twice", m.name()),
                "list each method once",
            ));
        }
        methods.push(m);
    }
    let equal = methods.iter().any(|m| m.holds_shares());
    if !equal && (args.rebalance.is_some() || !args.rebalance_dates.is_empty()) {
        return Err(Error::usage(
            "--rebalance and --rebalance-dates apply only to --method equal-weighted or capped",
            "drop the rebalance flag or add equal-weighted or capped to --method",
        ));
    }
    let given_divisor = args.divisor.is_some() || args.divisors.is_some();
    if given_divisor {
        check_divisor_methods(&methods, "--divisor/--divisors")?;
    }
    base_flags(&args)?;
    if args.factors.is_some() && methods != [Method::PriceWeighted] {
        return Err(Error::usage(
            "--factors applies only to --method price-weighted (alone)",
            "factors and capping ratios are a price-weighted index's index shares: run \
             --method price-weighted, or drop --factors",
        ));
    }
    let weight_cap = weight_cap(&args)?;
    let rebalance = rebalance(&args);
    let fx = fx_request(&args)?;
    let prices = Source::from_arg(args.prices.as_deref().unwrap_or("-"));
    let aux = |a: &Option<String>| a.as_deref().map(Source::from_arg);
    let (constituents, shares, actions, divisors, factors) = (
        aux(&args.constituents),
        aux(&args.shares),
        aux(&args.actions),
        aux(&args.divisors),
        aux(&args.factors),
    );
    one_stdin(&[
        Some(&prices),
        constituents.as_ref(),
        shares.as_ref(),
        actions.as_ref(),
        divisors.as_ref(),
        factors.as_ref(),
        fx.as_ref().map(|f| &f.source),
    ])?;
    not_a_terminal(
        &prices,
        "no prices file given",
        "give a prices file, or pipe one in: cat prices.csv | idx compute --method cap-weighted",
    )?;
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
        factors,
        spec: IndexSpec {
            methods,
            base_date: args.base_date,
            base_value: args.base_value,
            base_divisor: args.divisor,
            rebalance,
            total_return,
            members: None,
            shares: None,
            factors: None,
            weight_cap,
        },
        quiet: args.quiet,
        strict: args.strict,
        infer_splits: args.infer_splits,
        fx,
    })
}

/// `--weight-cap` and `--cap-review-dates`: together, with `--factors`, the cap in (0, 1].
fn weight_cap(args: &InputArgs) -> Result<Option<WeightCap>, Error> {
    let Some(cap) = args.weight_cap else {
        if !args.cap_review_dates.is_empty() {
            return Err(Error::usage(
                "--cap-review-dates applies only with --weight-cap",
                "add --weight-cap WEIGHT (and --factors FILE), or drop --cap-review-dates",
            ));
        }
        return Ok(None);
    };
    if args.factors.is_none() {
        return Err(Error::usage(
            "--weight-cap needs --factors",
            "the cap lowers the capping ratios of a price-weighted index with --factors FILE",
        ));
    }
    if args.cap_review_dates.is_empty() {
        return Err(Error::usage(
            "--weight-cap needs --cap-review-dates",
            "give the review dates, e.g. --cap-review-dates 2024-09-30,2025-03-31",
        ));
    }
    if cap <= Decimal::ZERO || cap > Decimal::ONE {
        return Err(Error::usage(
            format!("--weight-cap must be in (0, 1], got {cap}"),
            "give the cap as a fraction: 0.10 for 10%",
        ));
    }
    let mut review_dates = args.cap_review_dates.clone();
    review_dates.sort_unstable();
    review_dates.dedup();
    Ok(Some(WeightCap { cap, review_dates }))
}

/// `--divisor` and `--base-value`: positive, and not both.
fn base_flags(args: &InputArgs) -> Result<(), Error> {
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
    Ok(())
}

/// The equal-weight schedule: `--rebalance-dates`, else `--rebalance` (quarterly by default).
fn rebalance(args: &InputArgs) -> Rebalance {
    if !args.rebalance_dates.is_empty() {
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
    }
}

/// `--fx FILE` with `--fx-date` and `--fx-carry` (which need it).
fn fx_request(args: &InputArgs) -> Result<Option<FxRequest>, Error> {
    if args.fx.is_none() && (args.fx_date.is_some() || args.fx_carry) {
        return Err(Error::usage(
            "--fx-date and --fx-carry apply only with --fx FILE",
            "give the FX rates with --fx FILE, or drop the flag",
        ));
    }
    Ok(args.fx.as_deref().map(|f| FxRequest {
        source: Source::from_arg(f),
        date: match args.fx_date {
            None | Some(crate::cli::FxDateArg::Same) => FxDate::Same,
            Some(crate::cli::FxDateArg::Next) => FxDate::Next,
            Some(crate::cli::FxDateArg::Previous) => FxDate::Previous,
        },
        carry: args.fx_carry,
    }))
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
        currencies: None,
    })
}

/// Validates the output flags.
pub fn output_request(args: OutputArgs, numbers: Numbers) -> Result<OutputRequest, Error> {
    let decimals = match (numbers, args.decimals) {
        (Numbers::Fractions, Some(0)) => {
            return Err(Error::usage(
                "--decimals must be at least 1 for weights and shares",
                "give 1 to 20 decimals (10 by default)",
            ))
        }
        (Numbers::Fractions, d) => d.unwrap_or(10),
        (_, d) => d.unwrap_or(2),
    };
    let format = match args.format {
        None | Some(FormatArg::Csv) => Format::Csv,
        Some(FormatArg::Json) => Format::Json,
        Some(FormatArg::Table) => Format::Table,
        Some(FormatArg::Markdown) => Format::Markdown,
        Some(f @ (FormatArg::Svg | FormatArg::Png)) => return Err(image_format(f)),
    };
    Ok(OutputRequest {
        decimals,
        format,
        path: args.output,
    })
}

/// What `--decimals` rounds in a command's output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbers {
    /// Index levels (and percentages): 2 decimals by default.
    Levels,
    /// Weights and shares: 10 decimals by default, at least 1.
    Fractions,
}

/// The usage error for an image format given to a command that writes data.
pub(crate) fn image_format(f: FormatArg) -> Error {
    let name = if f == FormatArg::Svg { "svg" } else { "png" };
    Error::usage(
        format!("--format {name} is an image format: only idx chart writes images"),
        "choose csv, json, table or markdown, or pipe the data into idx chart",
    )
}

/// The report format of `idx returns` and `idx check`: `--format`, or a table on a terminal
/// (without `-o`) and CSV otherwise.
pub(crate) fn report_format(args: &OutputArgs) -> Result<Format, Error> {
    Ok(match args.format {
        Some(FormatArg::Table) => Format::Table,
        Some(FormatArg::Markdown) => Format::Markdown,
        Some(FormatArg::Csv) => Format::Csv,
        Some(FormatArg::Json) => Format::Json,
        Some(f @ (FormatArg::Svg | FormatArg::Png)) => return Err(image_format(f)),
        None if args.output.is_none() && std::io::stdout().is_terminal() => Format::Table,
        None => Format::Csv,
    })
}

/// Validates `idx compute`'s flags.
pub fn compute_request(args: ComputeArgs) -> Result<ComputeRequest, Error> {
    if args.input.method.is_empty() {
        return Err(Error::usage(
            "--method is required",
            "choose price-weighted, cap-weighted or equal-weighted (or several, comma-separated)",
        ));
    }
    let range = date_range(args.range)?;
    Ok(ComputeRequest {
        input: input_request(args.input)?,
        range,
        output: output_request(args.output, Numbers::Levels)?,
        group_by: args.group_by,
        check: args.check,
    })
}

/// The dates a command writes, from `--from` to `--to` (inclusive, either open).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DateRange {
    /// First date written.
    pub from: Option<NaiveDate>,
    /// Last date written.
    pub to: Option<NaiveDate>,
}

impl DateRange {
    /// Whether `date` is written.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| date >= f) && self.to.is_none_or(|t| date <= t)
    }
}

/// `--from` and `--to`, the first not after the second.
pub(crate) fn date_range(r: RangeArgs) -> Result<DateRange, Error> {
    match (r.from, r.to) {
        (Some(f), Some(t)) if f > t => Err(Error::usage(
            format!("--from {f} is after --to {t}"),
            "swap the dates",
        )),
        _ => Ok(DateRange {
            from: r.from,
            to: r.to,
        }),
    }
}

/// A command that reads one index's holdings takes one method.
pub(crate) fn one_method(input: &InputRequest, command: &str) -> Result<(), Error> {
    if input.spec.methods.len() != 1 {
        return Err(Error::usage(
            format!("idx {command} takes exactly one --method"),
            "choose price-weighted, cap-weighted or equal-weighted",
        ));
    }
    Ok(())
}

/// At most one input of a command reads stdin (`-`, or no prices file).
pub(crate) fn one_stdin(inputs: &[Option<&Source>]) -> Result<(), Error> {
    let users = inputs
        .iter()
        .filter(|s| matches!(s, Some(Source::Stdin)))
        .count();
    if users > 1 {
        return Err(Error::usage(
            "more than one input reads stdin ('-' or no prices file)",
            "give the other inputs as files",
        ));
    }
    Ok(())
}

/// An input read from stdin must not be a terminal (the run would wait for typing):
/// `missing` says what was not given, `hint` how to give it.
pub(crate) fn not_a_terminal(source: &Source, missing: &str, hint: &str) -> Result<(), Error> {
    if *source == Source::Stdin && std::io::stdin().is_terminal() {
        return Err(Error::usage(
            format!("{missing} and stdin is a terminal"),
            hint,
        ));
    }
    Ok(())
}
