//! `idx relative`: the ratio of two level series, rebased to 100.

use super::args::{date_range, input_request, output_request, Numbers, OutputRequest};
use crate::cli::RelativeArgs;
use crate::error::{DataError, Error};
use crate::input::{self, LevelColumns, LevelSeries, Source};
use crate::output::{self, Cell, Table};
use crate::pipeline::compute_index;
use crate::report::weights;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// `idx relative`.
pub fn run(args: RelativeArgs, warn: &mut dyn FnMut(&str)) -> Result<(), Error> {
    let range = date_range(args.range)?;
    let mut silent = |_: &str| {};
    let warn: &mut dyn FnMut(&str) = if args.input.quiet { &mut silent } else { warn };
    let out = output_request(args.output, Numbers::Levels)?;
    let rebase = args.input.base_date;
    let (a, ai, b, bi) = if !args.input.method.is_empty() {
        if args.input.method.len() != 2 {
            return Err(Error::usage(
                "idx relative --method takes exactly two methods (A,B)",
                "e.g. --method equal-weighted,cap-weighted",
            ));
        }
        if args.other.is_some() || !args.column.is_empty() {
            return Err(Error::usage(
                "with --method, idx relative reads one prices file and no --column",
                "drop the second file and --column",
            ));
        }
        let input = input_request(args.input)?;
        let run = compute_index(&input, warn)?;
        let table = run.level_table(2, None, None);
        let computed = input::Computed {
            labels: run.level_labels(),
            decimals: 2,
            need: "the ratios of idx relative".into(),
            hint: "compute the index with a larger --base-value (idx relative --method reads the \
                   levels with 2 decimals, as idx compute writes them)"
                .into(),
        };
        let levels = input::levels_from_values(
            &table,
            &input.prices.name(),
            &LevelColumns::default(),
            Some(&computed),
        )?;
        (levels.clone(), 0, levels, 1)
    } else {
        let dates = input::DateParser::new(args.input.columns.date_format.clone());
        let date_col = args.input.columns.date_col.clone();
        let first = Source::from_arg(args.input.prices.as_deref().unwrap_or("-"));
        let cols = |c: Option<&String>| LevelColumns {
            date: date_col.clone(),
            series: c.into_iter().cloned().collect(),
        };
        match &args.other {
            Some(other) => {
                if args.column.len() > 2 {
                    return Err(Error::usage(
                        "--column names one column per file",
                        "give --column A_COLUMN,B_COLUMN",
                    ));
                }
                let second = Source::from_arg(other);
                let a = input::read_levels(&first, &cols(args.column.first()), &dates)?;
                let b_col = args.column.get(1).or(args.column.first());
                let b = input::read_levels(&second, &cols(b_col), &dates)?;
                for (s, src) in [(&a, &first), (&b, &second)] {
                    if s.series.len() != 1 {
                        return Err(Error::usage(
                            format!(
                                "{} has {} level columns; choose one with --column",
                                src.name(),
                                s.series.len()
                            ),
                            "give --column A_COLUMN,B_COLUMN",
                        ));
                    }
                }
                (a, 0, b, 0)
            }
            None => {
                let levels = input::read_levels(
                    &first,
                    &LevelColumns {
                        date: date_col.clone(),
                        series: args.column.clone(),
                    },
                    &dates,
                )?;
                if levels.series.len() != 2 {
                    return Err(Error::usage(
                        format!(
                            "{} has {} level columns; idx relative needs two",
                            first.name(),
                            levels.series.len()
                        ),
                        "choose them with --column A,B, or give two files",
                    ));
                }
                (levels.clone(), 0, levels, 1)
            }
        }
    };
    let table = relative_table(&a, ai, &b, bi, rebase, args.common_dates, warn, &out)?;
    let table = Table {
        rows: table
            .rows
            .into_iter()
            .filter(|r| {
                r[0].text()
                    .parse::<NaiveDate>()
                    .is_ok_and(|d| range.contains(d))
            })
            .collect(),
        ..table
    };
    output::emit(&table.render(out.format), out.path.as_deref())
}

#[allow(clippy::too_many_arguments)]
fn relative_table(
    a: &LevelSeries,
    ai: usize,
    b: &LevelSeries,
    bi: usize,
    rebase: Option<NaiveDate>,
    common_dates: bool,
    warn: &mut dyn FnMut(&str),
    out: &OutputRequest,
) -> Result<Table, Error> {
    let (pa, pb) = (a.points(ai), b.points(bi));
    let bmap: BTreeMap<NaiveDate, Decimal> = pb.iter().copied().collect();
    let amap: BTreeMap<NaiveDate, Decimal> = pa.iter().copied().collect();
    let pairs: Vec<(NaiveDate, Decimal, Decimal)> = pa
        .iter()
        .filter_map(|&(d, x)| bmap.get(&d).map(|&y| (d, x, y)))
        .collect();
    let only_a: Vec<NaiveDate> = pa
        .iter()
        .map(|p| p.0)
        .filter(|d| !bmap.contains_key(d))
        .collect();
    let only_b: Vec<NaiveDate> = pb
        .iter()
        .map(|p| p.0)
        .filter(|d| !amap.contains_key(d))
        .collect();
    let (an, bn) = (&a.series[ai].0, &b.series[bi].0);
    for (only, this, other) in [(&only_a, an, bn), (&only_b, bn, an)] {
        if only.is_empty() {
            continue;
        }
        let msg = format!(
            "{} date(s) of {this} are not dates of {other} (the first: {})",
            only.len(),
            only[0]
        );
        if common_dates {
            warn(&format!("{msg}; they are left out"));
        } else {
            return Err(DataError::new(msg)
                .hint("pass --common-dates to use only the dates both series have")
                .into());
        }
    }
    if pairs.is_empty() {
        return Err(
            DataError::new(format!("{an} and {bn} have no date in common"))
                .hint("check that the two series cover the same period")
                .into(),
        );
    }
    let base = match rebase {
        None => pairs[0],
        Some(d) => *pairs.iter().find(|p| p.0 == d).ok_or_else(|| {
            Error::from(
                DataError::new(format!("the base date {d} is not a date of both series"))
                    .hint("choose a date both series have with --base-date"),
            )
        })?,
    };
    let rel = weights::relative(&pairs, (base.1, base.2))
        .map_err(|e| Error::from(DataError::new(e.to_string()).hint("check the levels")))?;
    Ok(Table {
        headers: vec!["date".into(), "relative".into()],
        rows: rel
            .into_iter()
            .filter(|(d, _)| *d >= base.0)
            .map(|(d, r)| {
                vec![
                    Cell::Text(d.to_string()),
                    Cell::Number(output::fixed(r, out.decimals)),
                ]
            })
            .collect(),
    })
}
