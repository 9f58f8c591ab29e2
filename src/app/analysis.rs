//! `idx weights`, `idx share`, `idx relative` and `idx compute --group-by`: views of the same
//! index, computed through the same path as `idx compute` ([`super::run_index`]).

use super::{
    compute_table, input_request, load_input, output_request, run_index, IndexRun, InputRequest,
    Loaded, OutputRequest,
};
use crate::calc::{Holding, SymbolId};
use crate::cli::{FormatArg, RelativeArgs, ShareArgs, WeightsArgs};
use crate::error::{DataError, Error};
use crate::input::{self, LevelColumns, LevelSeries, Source};
use crate::output::{self, Cell, Format, Table};
use crate::report::weights::{self, WeightsError};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

fn format(f: FormatArg) -> Format {
    match f {
        FormatArg::Csv => Format::Csv,
        FormatArg::Json => Format::Json,
    }
}

fn check_range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<(), Error> {
    match (from, to) {
        (Some(f), Some(t)) if f > t => Err(Error::usage(
            format!("--from {f} is after --to {t}"),
            "swap the dates",
        )),
        _ => Ok(()),
    }
}

fn one_method(input: &InputRequest, command: &str) -> Result<(), Error> {
    if input.spec.methods.len() != 1 {
        return Err(Error::usage(
            format!("idx {command} takes exactly one --method"),
            "choose price-weighted, cap-weighted or equal-weighted",
        ));
    }
    Ok(())
}

fn weights_error(e: WeightsError, date: NaiveDate) -> Error {
    DataError::new(format!("{e} on {date}"))
        .hint("check the share counts of that date")
        .into()
}

/// The exact weights of `holdings`, ordered by weight (descending) then symbol name, and
/// rounded to `decimals` so that they add up to exactly 1: `(holding, weight)`.
fn ranked<'h>(
    holdings: &'h [Holding],
    loaded: &Loaded,
    date: NaiveDate,
    decimals: u32,
) -> Result<Vec<(&'h Holding, Decimal)>, Error> {
    let exact = weights::weights(holdings).map_err(|e| weights_error(e, date))?;
    let mut order: Vec<usize> = (0..holdings.len()).collect();
    let name = |i: usize| loaded.symbols.name(holdings[i].symbol);
    order.sort_by(|&a, &b| exact[b].cmp(&exact[a]).then_with(|| name(a).cmp(name(b))));
    let sorted: Vec<Decimal> = order.iter().map(|&i| exact[i]).collect();
    let rounded = weights::round_to_one(&sorted, decimals);
    Ok(order
        .iter()
        .zip(rounded)
        .map(|(&i, w)| (&holdings[i], w))
        .collect())
}

/// The date of an index run closest to `date` on each side, for messages.
fn nearest(run: &IndexRun, date: NaiveDate) -> String {
    let i = run.days.partition_point(|d| d.date < date);
    let near: Vec<String> = [i.checked_sub(1), Some(i)]
        .into_iter()
        .flatten()
        .filter_map(|k| run.days.get(k).map(|d| d.date.to_string()))
        .collect();
    if near.is_empty() {
        "the index has no dates".into()
    } else {
        format!("the nearest index dates are {}", near.join(" and "))
    }
}

/// `idx weights`.
pub fn run_weights(args: WeightsArgs, warn: &mut dyn FnMut(&str)) -> Result<(), Error> {
    let mut input = input_request(args.input)?;
    one_method(&input, "weights")?;
    input.columns.group = args.by.clone();
    let loaded = load_input(&input, warn)?;
    let target = args.date;
    let mut found: Option<(NaiveDate, usize, Vec<Holding>)> = None;
    let run = run_index(
        &input,
        &loaded,
        None,
        warn,
        Some(&mut |_: &Loaded,
                   k: usize,
                   out: &crate::calc::DayOutput,
                   engine: &crate::calc::Engine| {
            if target.is_none_or(|t| t == out.date) {
                found = Some((out.date, k, engine.holdings(0).to_vec()));
            }
            Ok(())
        }),
    )?;
    let Some((date, day, holdings)) = found else {
        let date = target.unwrap_or_default();
        return Err(DataError::new(format!(
            "{date} is not an index date (a date from the base date on with a constituent)"
        ))
        .file(input.prices.name())
        .hint(nearest(&run, date))
        .into());
    };
    let ranked = ranked(&holdings, &loaded, date, args.output.decimals)?;
    let full = |d: Decimal| Cell::Number(output::full(d));
    let fixed = |d: Decimal| Cell::Number(output::fixed(d, args.output.decimals));
    let mut table = Table::default();
    match &args.by {
        None => {
            table.headers = [
                "date",
                "rank",
                "symbol",
                "price",
                "index_shares",
                "value",
                "weight",
                "cumulative",
            ]
            .map(String::from)
            .to_vec();
            let mut cumulative = Decimal::ZERO;
            for (rank, (h, w)) in ranked.iter().enumerate() {
                cumulative += *w;
                table.rows.push(vec![
                    Cell::Text(date.to_string()),
                    Cell::Number((rank + 1).to_string()),
                    Cell::Text(loaded.symbols.name(h.symbol).to_string()),
                    full(h.price),
                    full(h.index_shares),
                    full(h.value),
                    fixed(*w),
                    fixed(cumulative),
                ]);
            }
        }
        Some(column) => {
            let groups = loaded.groups_through(day);
            let mut sums: BTreeMap<String, (Decimal, usize)> = BTreeMap::new();
            for (h, w) in &ranked {
                let g = groups[h.symbol as usize].map_or("(none)".to_string(), |g| {
                    loaded.prices.group_names[g as usize].clone()
                });
                let e = sums.entry(g).or_default();
                e.0 += *w;
                e.1 += 1;
            }
            let mut rows: Vec<(String, Decimal, usize)> =
                sums.into_iter().map(|(g, (w, n))| (g, w, n)).collect();
            rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            table.headers = [
                "date",
                "rank",
                column.as_str(),
                "constituents",
                "weight",
                "cumulative",
            ]
            .map(String::from)
            .to_vec();
            let mut cumulative = Decimal::ZERO;
            for (rank, (g, w, n)) in rows.into_iter().enumerate() {
                cumulative += w;
                table.rows.push(vec![
                    Cell::Text(date.to_string()),
                    Cell::Number((rank + 1).to_string()),
                    Cell::Text(g),
                    Cell::Number(n.to_string()),
                    fixed(w),
                    fixed(cumulative),
                ]);
            }
        }
    }
    if let Some(n) = args.top {
        table.rows.truncate(n);
    }
    output::emit(
        &table.render(format(args.output.format)),
        args.output.output.as_deref(),
    )
}

/// The set's symbols from `--members` and `--members-file`.
fn members(args: &ShareArgs) -> Result<Vec<String>, Error> {
    let mut names: Vec<String> = args
        .members
        .iter()
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    if let Some(file) = &args.members_file {
        let text = std::fs::read_to_string(file).map_err(|e| {
            DataError::new(format!("cannot read the file: {e}"))
                .file(file)
                .hint("check the path; the file lists one symbol per line")
        })?;
        let mut lines = text.lines().map(|l| l.trim_start_matches('\u{feff}'));
        let cells = |line: &str| -> Vec<String> {
            line.split(',')
                .map(|c| c.trim().trim_matches('"').to_string())
                .collect()
        };
        // A header naming a symbol column picks that column; otherwise the first column.
        let first = lines.next().map(cells).unwrap_or_default();
        let col = first.iter().position(|h| {
            ["symbol", "ticker", "code"]
                .iter()
                .any(|n| h.eq_ignore_ascii_case(n))
        });
        if col.is_none() {
            names.extend(first.first().filter(|c| !c.is_empty()).cloned());
        }
        for line in lines {
            let row = cells(line);
            if let Some(c) = row.get(col.unwrap_or(0)).filter(|c| !c.is_empty()) {
                names.push(c.clone());
            }
        }
    }
    let mut seen = BTreeSet::new();
    names.retain(|n| seen.insert(n.clone()));
    if names.is_empty() {
        return Err(Error::usage(
            "the set has no members",
            "list them with --members AAPL,MSFT or --members-file FILE",
        ));
    }
    Ok(names)
}

/// `idx share`.
pub fn run_share(args: ShareArgs, warn: &mut dyn FnMut(&str)) -> Result<(), Error> {
    check_range(args.from, args.to)?;
    let names = members(&args)?;
    let input = input_request(args.input)?;
    let mut silent = |_: &str| {};
    let warn: &mut dyn FnMut(&str) = if input.quiet { &mut silent } else { warn };
    one_method(&input, "share")?;
    let loaded = load_input(&input, warn)?;
    let mut ids: Vec<(String, SymbolId)> = Vec::new();
    for n in &names {
        match loaded.symbols.get(n) {
            Some(id) => ids.push((n.clone(), id)),
            None if args.allow_missing => {
                warn(&format!("{n} is not in the prices file; it counts as 0"))
            }
            None => {
                return Err(
                    DataError::new(format!("set member {n} is not in the prices file"))
                        .file(input.prices.name())
                        .hint("check the symbol, or pass --allow-missing to count it as 0")
                        .into(),
                )
            }
        }
    }
    let set: BTreeSet<SymbolId> = ids.iter().map(|x| x.1).collect();
    let mut present: BTreeMap<SymbolId, usize> = BTreeMap::new();
    let mut rows: Vec<(NaiveDate, Decimal, usize)> = Vec::new();
    let decimals = args.output.decimals;
    run_index(
        &input,
        &loaded,
        None,
        warn,
        Some(&mut |l: &Loaded,
                   _k: usize,
                   out: &crate::calc::DayOutput,
                   engine: &crate::calc::Engine| {
            let ranked = ranked(engine.holdings(0), l, out.date, decimals)?;
            let (mut share, mut n) = (Decimal::ZERO, 0);
            for (h, w) in ranked {
                if set.contains(&h.symbol) {
                    share += w;
                    n += 1;
                    *present.entry(h.symbol).or_default() += 1;
                }
            }
            rows.push((out.date, share, n));
            Ok(())
        }),
    )?;
    for (name, id) in &ids {
        match present.get(id) {
            None if !args.allow_missing => {
                return Err(DataError::new(format!(
                    "set member {name} is never a constituent of the index"
                ))
                .file(input.prices.name())
                .hint("check the symbol and the member list, or pass --allow-missing")
                .into())
            }
            None => warn(&format!(
                "{name} is never a constituent of the index; it counts as 0"
            )),
            Some(&n) if n < rows.len() => warn(&format!(
                "{name} is a constituent on {n} of {} index dates; it counts as 0 on the others",
                rows.len()
            )),
            Some(_) => {}
        }
    }
    let table = Table {
        headers: ["date", "share", "members"].map(String::from).to_vec(),
        rows: rows
            .into_iter()
            .filter(|r| args.from.is_none_or(|f| r.0 >= f) && args.to.is_none_or(|t| r.0 <= t))
            .map(|(d, s, n)| {
                vec![
                    Cell::Text(d.to_string()),
                    Cell::Number(output::fixed(s, decimals)),
                    Cell::Number(n.to_string()),
                ]
            })
            .collect(),
    };
    output::emit(
        &table.render(format(args.output.format)),
        args.output.output.as_deref(),
    )
}

/// `idx relative`.
pub fn run_relative(args: RelativeArgs, warn: &mut dyn FnMut(&str)) -> Result<(), Error> {
    check_range(args.from, args.to)?;
    let mut silent = |_: &str| {};
    let warn: &mut dyn FnMut(&str) = if args.input.quiet { &mut silent } else { warn };
    let out = output_request(args.output);
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
        let run = super::compute_index(&input, warn)?;
        let table = compute_table(&run, 2, None, None);
        let computed = input::Computed {
            labels: super::level_labels(&run),
            decimals: 2,
            need: "the ratios of idx relative".into(),
            hint: "compute the index with a larger --base-value (idx relative --method reads the \
                   levels with 2 decimals, as idx compute writes them)"
                .into(),
        };
        let levels = input::levels_from_computed(
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
                let d = r[0].text();
                args.from.is_none_or(|f| d >= f.to_string().as_str())
                    && args.to.is_none_or(|t| d <= t.to_string().as_str())
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

/// `idx compute --group-by COLUMN`: one index per group, side by side.
pub fn compute_groups(
    req: &super::ComputeRequest,
    column: &str,
    warn: &mut dyn FnMut(&str),
) -> Result<Table, Error> {
    if req.input.divisors.is_some() || req.input.spec.base_divisor.is_some() {
        return Err(Error::usage(
            "--group-by computes one index per group: a given divisor cannot apply to them all",
            "drop --divisor/--divisors",
        ));
    }
    let mut input = req.input.clone();
    input.columns.group = Some(column.to_string());
    let loaded = load_input(&input, warn)?;
    if loaded.prices.group_names.is_empty() {
        return Err(
            DataError::new(format!("the column '{column}' is empty on every row"))
                .file(input.prices.name())
                .hint("fill in the group of each row")
                .into(),
        );
    }
    let mut names: Vec<(String, u32)> = loaded
        .prices
        .group_names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i as u32))
        .collect();
    names.sort();
    let mut runs = Vec::new();
    for (name, g) in &names {
        let run = run_index(&input, &loaded, Some(*g), warn, None)?;
        runs.push((
            name.clone(),
            compute_table(&run, req.output.decimals, req.from, req.to),
        ));
    }
    let methods = &req.input.spec.methods;
    let mut headers = vec!["date".to_string()];
    let mut picks: Vec<(usize, usize)> = Vec::new(); // (run, column in its table)
    for (r, (name, t)) in runs.iter().enumerate() {
        for (c, h) in t.headers.iter().enumerate().skip(1) {
            if input::NOT_SERIES.contains(&h.as_str()) {
                continue;
            }
            let label = match (methods.len(), h.as_str()) {
                (1, "level") => name.clone(),
                (1, other) => format!("{name}_{other}"),
                (_, other) => format!("{name}:{other}"),
            };
            headers.push(label);
            picks.push((r, c));
        }
    }
    let mut by_date: BTreeMap<String, Vec<Cell>> = BTreeMap::new();
    for (k, &(r, c)) in picks.iter().enumerate() {
        for row in &runs[r].1.rows {
            let cells = by_date
                .entry(row[0].text().to_string())
                .or_insert_with(|| vec![Cell::Empty; picks.len()]);
            cells[k] = row[c].clone();
        }
    }
    Ok(Table {
        headers,
        rows: by_date
            .into_iter()
            .map(|(d, cells)| std::iter::once(Cell::Text(d)).chain(cells).collect())
            .collect(),
    })
}
