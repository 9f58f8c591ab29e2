//! `idx returns`: validated request → level series → reports → output.

use super::args::input_request;
use super::args::{not_a_terminal, report_format};
use crate::cli::{CalendarArg, PeriodArg, ReturnsArgs};
use crate::error::{DataError, Error};
use crate::input::{self, DateParser, LevelColumns, LevelSeries, Source};
use crate::output::returns::{Parts, ReportFormat};
use crate::output::Format;
use crate::pipeline::{compute_index, InputRequest};
use crate::report::calendar::Exchange;
use crate::report::returns::{self as calc, Report, ReturnsError, ToDate, Trailing};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::path::PathBuf;

/// Where the levels come from.
#[derive(Debug, Clone)]
pub enum LevelSource {
    /// A level series CSV.
    Levels {
        /// The file.
        source: Source,
        /// How to parse its dates.
        dates: DateParser,
    },
    /// Constituent data: compute the index first, and round its levels as `idx compute` writes
    /// them.
    Index {
        /// The input and the index.
        input: Box<InputRequest>,
        /// Decimals of the levels.
        level_decimals: u32,
    },
}

/// A validated `idx returns`.
#[derive(Debug, Clone)]
pub struct ReturnsRequest {
    /// The levels.
    pub source: LevelSource,
    /// Which columns are series.
    pub columns: LevelColumns,
    /// The as-of date.
    pub as_of: Option<NaiveDate>,
    /// The exchange calendar and the observations per year.
    pub options: calc::Options,
    /// The parts to report.
    pub parts: Parts,
    /// Decimals of percentages (table and markdown).
    pub decimals: u32,
    /// The output format.
    pub format: ReportFormat,
    /// A file to write atomically; `None`: stdout.
    pub path: Option<PathBuf>,
}

fn parts(periods: &[PeriodArg]) -> Parts {
    let mut p = Parts::default();
    let all = periods.is_empty() || periods.contains(&PeriodArg::All);
    let to_date = |t: ToDate, p: &mut Parts| {
        if !p.to_date.contains(&t) {
            p.to_date.push(t);
        }
    };
    let trailing = |t: Trailing, p: &mut Parts| {
        if !p.trailing.contains(&t) {
            p.trailing.push(t);
        }
    };
    let chosen: Vec<PeriodArg> = if all {
        vec![
            PeriodArg::ToDate,
            PeriodArg::Trailing,
            PeriodArg::Calendar,
            PeriodArg::Monthly,
            PeriodArg::Drawdown,
            PeriodArg::Volatility,
            PeriodArg::Best,
            PeriodArg::Risk,
            PeriodArg::Streaks,
        ]
    } else {
        periods.to_vec()
    };
    for a in chosen {
        match a {
            PeriodArg::Mtd => to_date(ToDate::Month, &mut p),
            PeriodArg::Qtd => to_date(ToDate::Quarter, &mut p),
            PeriodArg::Ytd => to_date(ToDate::Year, &mut p),
            PeriodArg::ToDate => ToDate::ALL.iter().for_each(|t| to_date(*t, &mut p)),
            PeriodArg::M1 => trailing(Trailing::Months(1), &mut p),
            PeriodArg::M3 => trailing(Trailing::Months(3), &mut p),
            PeriodArg::M6 => trailing(Trailing::Months(6), &mut p),
            PeriodArg::Y1 => trailing(Trailing::Months(12), &mut p),
            PeriodArg::Y3 => trailing(Trailing::Months(36), &mut p),
            PeriodArg::Y5 => trailing(Trailing::Months(60), &mut p),
            PeriodArg::Y10 => trailing(Trailing::Months(120), &mut p),
            PeriodArg::Inception => trailing(Trailing::Inception, &mut p),
            PeriodArg::Trailing => Trailing::ALL.iter().for_each(|t| trailing(*t, &mut p)),
            PeriodArg::Calendar => p.calendar = true,
            PeriodArg::Monthly => p.monthly = true,
            PeriodArg::Drawdown => p.drawdown = true,
            PeriodArg::Volatility => p.volatility = true,
            PeriodArg::Best => p.best = true,
            PeriodArg::Risk => p.risk = true,
            PeriodArg::Streaks => p.streaks = true,
            PeriodArg::All => {}
        }
    }
    p
}

/// Validates `idx returns`'s flags.
pub fn returns_request(args: ReturnsArgs) -> Result<ReturnsRequest, Error> {
    if args.periods_per_year.is_some_and(|p| p <= Decimal::ZERO) {
        return Err(Error::usage(
            "--periods-per-year must be greater than 0",
            "give the number of observations in a year, e.g. 252 for daily closes",
        ));
    }
    let columns = LevelColumns {
        date: args.input.columns.date_col.clone(),
        series: args.column.iter().map(|c| c.trim().to_string()).collect(),
    };
    let source = if args.input.method.is_empty() {
        let i = &args.input;
        let index_only = [
            (i.constituents.is_some(), "--constituents"),
            (i.shares.is_some(), "--shares"),
            (i.actions.is_some(), "--actions"),
            (i.divisors.is_some(), "--divisors"),
            (i.factors.is_some(), "--factors"),
            (i.divisor.is_some(), "--divisor"),
            (i.base_value.is_some(), "--base-value"),
            (i.base_date.is_some(), "--base-date"),
            (i.rebalance.is_some(), "--rebalance"),
            (!i.rebalance_dates.is_empty(), "--rebalance-dates"),
            (i.total_return.is_some(), "--total-return"),
            (i.withholding.is_some(), "--withholding"),
            (i.columns.symbol_col.is_some(), "--symbol-col"),
            (i.columns.price_col.is_some(), "--price-col"),
            (i.columns.shares_col.is_some(), "--shares-col"),
        ];
        if let Some((_, flag)) = index_only.iter().find(|(set, _)| *set) {
            return Err(Error::usage(
                format!("{flag} needs --method: it describes constituent data, not levels"),
                "add --method to compute the index from constituent data, or drop the flag",
            ));
        }
        let source = Source::from_arg(i.prices.as_deref().unwrap_or("-"));
        not_a_terminal(
            &source,
            "no file given",
            "give a level series file, or pipe one in: idx compute ... | idx returns",
        )?;
        LevelSource::Levels {
            source,
            dates: DateParser::new(args.input.columns.date_format.clone()),
        }
    } else {
        if args.input.columns.date_col.is_some() {
            return Err(Error::usage(
                "--date-col with --method names the prices file's date column; the computed \
                 levels always have 'date'",
                "drop --date-col, or rename the prices file's column",
            ));
        }
        LevelSource::Index {
            input: Box::new(input_request(args.input)?),
            level_decimals: args.level_decimals,
        }
    };
    let format = match report_format(&args.output)? {
        Format::Table => ReportFormat::Table,
        Format::Markdown => ReportFormat::Markdown,
        f => ReportFormat::Records(f),
    };
    Ok(ReturnsRequest {
        source,
        columns,
        as_of: args.as_of,
        options: calc::Options {
            exchange: args.calendar.map(|c| match c {
                CalendarArg::Nyse => Exchange::Nyse,
                CalendarArg::Jpx => Exchange::Jpx,
            }),
            periods_per_year: args.periods_per_year,
        },
        parts: parts(&args.period),
        decimals: args.output.decimals.unwrap_or(2),
        format,
        path: args.output.output,
    })
}

/// The level series of the request: read from the file, or computed through the one path
/// (`compute_index`) and written as `idx compute` writes them.
pub fn returns_levels(
    req: &ReturnsRequest,
    warn: &mut dyn FnMut(&str),
) -> Result<LevelSeries, Error> {
    Ok(match &req.source {
        LevelSource::Levels { source, dates } => input::read_levels(source, &req.columns, dates)?,
        LevelSource::Index {
            input,
            level_decimals,
        } => {
            let run = compute_index(input, warn)?;
            let table = run.level_table(*level_decimals, None, None);
            let computed = input::Computed {
                labels: run.level_labels(),
                decimals: *level_decimals,
                need: "returns".into(),
                hint: "raise --level-decimals, or compute the index with a larger --base-value"
                    .into(),
            };
            input::levels_from_values(&table, &input.prices.name(), &req.columns, Some(&computed))?
        }
    })
}

/// One report per series.
pub fn reports(
    levels: &LevelSeries,
    as_of: Option<NaiveDate>,
    options: &calc::Options,
) -> Result<Vec<(String, Report)>, Error> {
    (0..levels.series.len())
        .map(|i| {
            let name = levels.series[i].0.clone();
            calc::report_with(&levels.points(i), as_of, options)
                .map(|r| (name.clone(), r))
                .map_err(|e| returns_error(e, &name))
        })
        .collect()
}

fn returns_error(e: ReturnsError, series: &str) -> Error {
    let hint = match &e {
        ReturnsError::AsOfBeforeStart { first, .. } => {
            format!("choose an --as-of date on or after {first}")
        }
        ReturnsError::Empty => "give at least one level".to_string(),
        ReturnsError::Overflow(_) => "check the levels for a misplaced decimal point".to_string(),
    };
    DataError::new(format!("series '{series}': {e}"))
        .hint(hint)
        .into()
}

/// Runs `idx returns`.
pub fn run(args: ReturnsArgs, warn: &mut dyn FnMut(&str)) -> Result<(), Error> {
    let req = returns_request(args)?;
    let levels = returns_levels(&req, warn)?;
    let reports = reports(&levels, req.as_of, &req.options)?;
    let bytes = crate::output::returns::render(&reports, &req.parts, req.decimals, req.format);
    crate::output::emit(&bytes, req.path.as_deref())
}
