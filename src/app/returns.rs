//! `idx returns`: validated request → level series → reports → output.

use super::{compute_index, compute_table, input_request, InputRequest};
use crate::cli::{PeriodArg, ReportFormatArg, ReturnsArgs};
use crate::error::{DataError, Error};
use crate::input::{self, DateParser, LevelColumns, LevelSeries, Source};
use crate::output::text::{self, TextTable};
use crate::output::{Cell, Format, Table};
use crate::report::returns::{self as calc, PeriodReturn, Report, ReturnsError, ToDate, Trailing};
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use std::io::IsTerminal;
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

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Aligned text.
    Table,
    /// Markdown tables.
    Markdown,
    /// Records as CSV or JSON.
    Records(Format),
}

/// The parts of the report to include.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parts {
    /// Period-to-date figures.
    pub to_date: Vec<ToDate>,
    /// Trailing periods.
    pub trailing: Vec<Trailing>,
    /// Calendar-year returns.
    pub calendar: bool,
    /// The monthly table.
    pub monthly: bool,
    /// Maximum drawdown.
    pub drawdown: bool,
    /// Volatility.
    pub volatility: bool,
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
            PeriodArg::All => {}
        }
    }
    p
}

/// Validates `idx returns`'s flags.
pub fn returns_request(args: ReturnsArgs) -> Result<ReturnsRequest, Error> {
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
            (i.divisor.is_some(), "--divisor"),
            (i.base_value.is_some(), "--base-value"),
            (i.base_date.is_some(), "--base-date"),
            (i.rebalance.is_some(), "--rebalance"),
            (!i.rebalance_dates.is_empty(), "--rebalance-dates"),
            (i.total_return, "--total-return"),
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
        if source == Source::Stdin && std::io::stdin().is_terminal() {
            return Err(Error::usage(
                "no file given and stdin is a terminal",
                "give a level series file, or pipe one in: idx compute ... | idx returns",
            ));
        }
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
    let format = match args.format {
        Some(ReportFormatArg::Table) => ReportFormat::Table,
        Some(ReportFormatArg::Markdown) => ReportFormat::Markdown,
        Some(ReportFormatArg::Csv) => ReportFormat::Records(Format::Csv),
        Some(ReportFormatArg::Json) => ReportFormat::Records(Format::Json),
        None if args.output.is_none() && std::io::stdout().is_terminal() => ReportFormat::Table,
        None => ReportFormat::Records(Format::Csv),
    };
    Ok(ReturnsRequest {
        source,
        columns,
        as_of: args.as_of,
        parts: parts(&args.period),
        decimals: args.decimals,
        format,
        path: args.output,
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
            let table = compute_table(&run, *level_decimals, None, None);
            let computed = input::Computed {
                labels: super::level_labels(&run),
                decimals: *level_decimals,
                need: "returns".into(),
                hint: "raise --level-decimals, or compute the index with a larger --base-value"
                    .into(),
            };
            input::levels_from_computed(
                &table,
                &input.prices.name(),
                &req.columns,
                Some(&computed),
            )?
        }
    })
}

/// One report per series.
pub fn reports(
    levels: &LevelSeries,
    as_of: Option<NaiveDate>,
) -> Result<Vec<(String, Report)>, Error> {
    (0..levels.series.len())
        .map(|i| {
            let name = levels.series[i].0.clone();
            calc::report(&levels.points(i), as_of)
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

/// Renders the reports in the requested format.
pub fn render(reports: &[(String, Report)], req: &ReturnsRequest) -> Vec<u8> {
    match req.format {
        ReportFormat::Records(f) => records(reports, &req.parts).render(f),
        ReportFormat::Table => {
            let (tables, notes) = human(reports, req);
            text::plain(&tables, &notes).into_bytes()
        }
        ReportFormat::Markdown => {
            let (tables, notes) = human(reports, req);
            text::markdown(&tables, &notes).into_bytes()
        }
    }
}

fn full(d: Decimal) -> Cell {
    Cell::Number(crate::output::full(d))
}

fn date_cell(d: Option<NaiveDate>) -> Cell {
    d.map_or(Cell::Empty, |d| Cell::Text(d.to_string()))
}

/// One record per series and metric: `series,metric,value,start,end,partial,note`.
fn records(reports: &[(String, Report)], parts: &Parts) -> Table {
    let headers = [
        "series", "metric", "value", "start", "end", "partial", "note",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = Vec::new();
    for (name, r) in reports {
        let push_period = |metric: String, p: &PeriodReturn, rows: &mut Vec<Vec<Cell>>| {
            let (start, end) = p.span.map_or((None, None), |(s, e)| (Some(s), Some(e)));
            let note = if p.value.is_none() {
                Cell::Text("not available: the period starts before the series".into())
            } else {
                Cell::Empty
            };
            rows.push(vec![
                Cell::Text(name.clone()),
                Cell::Text(metric.clone()),
                p.value.map_or(Cell::Empty, full),
                date_cell(start),
                date_cell(end),
                Cell::Number(p.partial.to_string()),
                note,
            ]);
            if let Some(a) = p.annualized {
                rows.push(vec![
                    Cell::Text(name.clone()),
                    Cell::Text(format!("{metric}_annualized")),
                    full(a),
                    date_cell(start),
                    date_cell(end),
                    Cell::Number(p.partial.to_string()),
                    Cell::Empty,
                ]);
            }
        };
        for t in &parts.to_date {
            let i = ToDate::ALL.iter().position(|x| x == t).unwrap_or(0);
            push_period(t.label().to_lowercase(), &r.to_date[i], &mut rows);
        }
        for t in &parts.trailing {
            let i = Trailing::ALL.iter().position(|x| x == t).unwrap_or(0);
            push_period(t.label().to_lowercase(), &r.trailing[i], &mut rows);
        }
        if parts.calendar {
            for p in &r.calendar {
                push_period(format!("calendar_{}", p.label), p, &mut rows);
            }
        }
        if parts.monthly {
            for row in &r.monthly {
                for p in row.months.iter().flatten() {
                    push_period(format!("month_{}", p.label), p, &mut rows);
                }
            }
        }
        if parts.drawdown {
            match &r.drawdown {
                Some(d) => rows.push(vec![
                    Cell::Text(name.clone()),
                    Cell::Text("max_drawdown".into()),
                    full(d.value),
                    date_cell(Some(d.peak)),
                    date_cell(Some(d.trough)),
                    Cell::Number("false".into()),
                    Cell::Text(match d.recovery {
                        Some(rec) => format!("recovered {rec}"),
                        None => "not recovered".into(),
                    }),
                ]),
                None => rows.push(vec![
                    Cell::Text(name.clone()),
                    Cell::Text("max_drawdown".into()),
                    Cell::Number("0".into()),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Number("false".into()),
                    Cell::Text("the series never falls below a previous peak".into()),
                ]),
            }
        }
        if parts.volatility {
            let first = r.calendar.first().and_then(|p| p.span.map(|s| s.0));
            match &r.volatility {
                Some(v) => {
                    rows.push(vec![
                        Cell::Text(name.clone()),
                        Cell::Text("volatility".into()),
                        full(v.annualized),
                        date_cell(first),
                        date_cell(Some(r.end)),
                        Cell::Number("false".into()),
                        Cell::Text(format!("{} daily log returns", v.observations)),
                    ]);
                    rows.push(vec![
                        Cell::Text(name.clone()),
                        Cell::Text("observations_per_year".into()),
                        full(v.per_year),
                        date_cell(first),
                        date_cell(Some(r.end)),
                        Cell::Number("false".into()),
                        Cell::Empty,
                    ]);
                }
                None => rows.push(vec![
                    Cell::Text(name.clone()),
                    Cell::Text("volatility".into()),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Number("false".into()),
                    Cell::Text("not available: fewer than two returns".into()),
                ]),
            }
        }
    }
    Table { headers, rows }
}

/// `r` as a percentage rounded half away from zero, with a sign when `signed`.
pub fn percent(r: Decimal, decimals: u32, signed: bool) -> String {
    let p = (r * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    let body = format!("{:.*}%", decimals as usize, p.abs());
    if p.is_sign_negative() && !p.is_zero() {
        format!("-{body}")
    } else if signed {
        format!("+{body}")
    } else {
        body
    }
}

fn period_cell(p: &PeriodReturn, dp: u32) -> String {
    match p.value {
        None => "n/a".into(),
        Some(v) => format!(
            "{}{}",
            percent(v, dp, true),
            if p.partial { "*" } else { "" }
        ),
    }
}

/// The human report: one table per part, series side by side.
fn human(reports: &[(String, Report)], req: &ReturnsRequest) -> (Vec<TextTable>, Vec<String>) {
    let dp = req.decimals;
    let parts = &req.parts;
    let names: Vec<String> = reports.iter().map(|(n, _)| n.clone()).collect();
    let header = |first: &str| {
        std::iter::once(first.to_string())
            .chain(names.iter().cloned())
            .collect::<Vec<_>>()
    };
    let Some((_, r0)) = reports.first() else {
        return (Vec::new(), Vec::new());
    };
    let as_of = if r0.end == r0.as_of {
        format!("as of {}", r0.end)
    } else {
        format!("as of {} (last level {})", r0.as_of, r0.end)
    };
    let mut tables = Vec::new();
    if !parts.to_date.is_empty() {
        let rows = parts
            .to_date
            .iter()
            .map(|t| {
                let i = ToDate::ALL.iter().position(|x| x == t).unwrap_or(0);
                std::iter::once(t.label().to_string())
                    .chain(reports.iter().map(|(_, r)| period_cell(&r.to_date[i], dp)))
                    .collect()
            })
            .collect();
        tables.push(TextTable {
            title: format!("Period to date, {as_of}"),
            headers: header(""),
            rows,
        });
    }
    if !parts.trailing.is_empty() {
        let mut rows = Vec::new();
        for t in &parts.trailing {
            let i = Trailing::ALL.iter().position(|x| x == t).unwrap_or(0);
            rows.push(
                std::iter::once(t.label())
                    .chain(reports.iter().map(|(_, r)| period_cell(&r.trailing[i], dp)))
                    .collect(),
            );
            if reports
                .iter()
                .any(|(_, r)| r.trailing[i].annualized.is_some())
            {
                rows.push(
                    std::iter::once(format!("{} annualised", t.label()))
                        .chain(reports.iter().map(|(_, r)| {
                            r.trailing[i]
                                .annualized
                                .map_or("n/a".to_string(), |a| percent(a, dp, true))
                        }))
                        .collect(),
                );
            }
        }
        tables.push(TextTable {
            title: format!("Trailing, {as_of}"),
            headers: header(""),
            rows,
        });
    }
    if parts.calendar {
        let mut years: Vec<String> = reports
            .iter()
            .flat_map(|(_, r)| r.calendar.iter().map(|p| p.label.clone()))
            .collect();
        years.sort();
        years.dedup();
        let rows = years
            .iter()
            .map(|y| {
                std::iter::once(y.clone())
                    .chain(reports.iter().map(|(_, r)| {
                        r.calendar
                            .iter()
                            .find(|p| &p.label == y)
                            .map_or(String::new(), |p| period_cell(p, dp))
                    }))
                    .collect()
            })
            .collect();
        tables.push(TextTable {
            title: "Calendar years".into(),
            headers: header(""),
            rows,
        });
    }
    if parts.monthly {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        for (name, r) in reports {
            let headers = std::iter::once(String::new())
                .chain(MONTHS.iter().map(|m| m.to_string()))
                .chain(std::iter::once("Year".to_string()))
                .collect();
            let rows = r
                .monthly
                .iter()
                .map(|row| {
                    std::iter::once(row.year.to_string())
                        .chain(
                            row.months
                                .iter()
                                .map(|m| m.as_ref().map_or(String::new(), |p| period_cell(p, dp))),
                        )
                        .chain(std::iter::once(period_cell(&row.total, dp)))
                        .collect()
                })
                .collect();
            tables.push(TextTable {
                title: format!("Monthly returns: {name}"),
                headers,
                rows,
            });
        }
    }
    if parts.drawdown {
        let cell = |f: &dyn Fn(&calc::Drawdown) -> String, none: &str| -> Vec<String> {
            reports
                .iter()
                .map(|(_, r)| r.drawdown.as_ref().map_or(none.to_string(), f))
                .collect()
        };
        let row = |label: &str, cells: Vec<String>| {
            std::iter::once(label.to_string()).chain(cells).collect()
        };
        tables.push(TextTable {
            title: "Maximum drawdown".into(),
            headers: header(""),
            rows: vec![
                row("drawdown", cell(&|d| percent(d.value, dp, true), "0")),
                row("peak", cell(&|d| d.peak.to_string(), "")),
                row("trough", cell(&|d| d.trough.to_string(), "")),
                row(
                    "recovery",
                    cell(
                        &|d| d.recovery.map_or("not recovered".into(), |x| x.to_string()),
                        "",
                    ),
                ),
            ],
        });
    }
    if parts.volatility {
        let vol = |f: &dyn Fn(&calc::Volatility) -> String| -> Vec<String> {
            reports
                .iter()
                .map(|(_, r)| r.volatility.as_ref().map_or("n/a".to_string(), f))
                .collect()
        };
        tables.push(TextTable {
            title: "Volatility of daily log returns".into(),
            headers: header(""),
            rows: vec![
                std::iter::once("annualised".to_string())
                    .chain(vol(&|v| percent(v.annualized, dp, false)))
                    .collect(),
                std::iter::once("observations per year".to_string())
                    .chain(vol(&|v| {
                        v.per_year
                            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
                            .to_string()
                    }))
                    .collect(),
            ],
        });
    }
    let notes = vec![
        "* partial: the series starts or ends inside the period. n/a: the period is longer than \
         the series."
            .to_string(),
    ];
    (tables, notes)
}
