//! The checks that look at a symbol's history: order, duplicates, gaps, splits, bad prints,
//! stale prices and share counts; and the checks across symbols: sparse dates, empty cells,
//! actions without a price row.
//!
//! The checks of a symbol's prices (special dividends, splits, bad prints, share counts, stale
//! prices) are in `history.rs`.

use super::detect::num;
use super::read::{Obs, Sheet};
use super::{Finding, Kind, Severity, Thresholds};
use crate::calc::{Action, SymbolId};
use crate::input::Symbols;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;

mod history;

use history::History;

/// Everything the checks read.
pub(super) struct Context<'a> {
    pub sheet: &'a Sheet,
    pub symbols: &'a Symbols,
    pub actions: &'a [Action],
    pub actions_file: &'a str,
    pub thresholds: &'a Thresholds,
}

/// The dates of the file, with how many symbols have a row on each.
struct Calendar {
    dates: Vec<NaiveDate>,
    /// Whether far fewer symbols have rows on the date than on the dates around it.
    sparse: Vec<bool>,
    /// `dense_before[i]`: the number of dates before `dates[i]` that are not sparse.
    dense_before: Vec<usize>,
}

impl Calendar {
    fn index(&self, date: NaiveDate) -> usize {
        self.dates.binary_search(&date).unwrap_or_else(|i| i)
    }
}

/// Runs every check; returns the number of distinct dates.
pub(super) fn check_all(ctx: &Context<'_>, out: &mut Vec<Finding>) -> usize {
    let obs = &ctx.sheet.obs;
    // The rows of each symbol, in file order.
    let mut order: Vec<u32> = (0..obs.len() as u32).collect();
    order.sort_by_key(|&i| obs[i as usize].symbol);

    let calendar = calendar(ctx, &order, out);
    empty_cells(ctx, out);

    let mut by_symbol: FxHashMap<SymbolId, Vec<&Action>> = FxHashMap::default();
    for a in ctx.actions {
        by_symbol.entry(a.symbol).or_default().push(a);
    }
    let mut present: FxHashMap<SymbolId, Vec<NaiveDate>> = FxHashMap::default();
    let mut start = 0;
    while start < order.len() {
        let symbol = obs[order[start] as usize].symbol;
        let mut end = start;
        while end < order.len() && obs[order[end] as usize].symbol == symbol {
            end += 1;
        }
        let mut rows: Vec<Obs> = order[start..end].iter().map(|&i| obs[i as usize]).collect();
        start = end;
        out_of_order(ctx, &rows, out);
        // Stable: rows of one date stay in file order.
        rows.sort_by_key(|r| r.date);
        let rows = duplicates(ctx, rows, out);
        gaps(ctx, &calendar, &rows, out);
        let actions = by_symbol.get(&symbol).map_or(&[][..], |v| &v[..]);
        History::new(ctx, &rows, actions).check(out);
        if !ctx.actions.is_empty() {
            present.insert(symbol, rows.iter().map(|r| r.date).collect());
        }
    }
    actions_without_price(ctx, &calendar, &present, out);
    calendar.dates.len()
}

fn finding(
    ctx: &Context<'_>,
    row: &Obs,
    severity: Severity,
    kind: Kind,
    message: String,
    hint: impl Into<String>,
) -> Finding {
    Finding {
        file: ctx.sheet.name.clone(),
        line: Some(row.line),
        date: Some(row.date),
        symbol: Some(ctx.symbols.name(row.symbol).to_string()),
        severity,
        kind,
        message,
        hint: Some(hint.into()),
    }
}

/// The calendar of dates, and a finding for each sparse date.
fn calendar(ctx: &Context<'_>, order: &[u32], out: &mut Vec<Finding>) -> Calendar {
    let obs = &ctx.sheet.obs;
    // date → (symbols with a row, first line, whether every row has 0 shares); the rows of a
    // symbol are together in `order`.
    let mut per_date: FxHashMap<NaiveDate, (usize, u64, bool)> = FxHashMap::default();
    let mut last: Option<(SymbolId, NaiveDate)> = None;
    let mut seen: FxHashMap<NaiveDate, SymbolId> = FxHashMap::default();
    for &i in order {
        let r = &obs[i as usize];
        if last.is_some_and(|l| l.0 != r.symbol) {
            seen.clear();
        }
        last = Some((r.symbol, r.date));
        let e = per_date.entry(r.date).or_insert((0, r.line, true));
        e.1 = e.1.min(r.line);
        e.2 &= r.shares == 0.0;
        if seen.insert(r.date, r.symbol).is_none() {
            e.0 += 1;
        }
    }
    let mut dates: Vec<NaiveDate> = per_date.keys().copied().collect();
    dates.sort_unstable();
    let counts: Vec<usize> = dates.iter().map(|d| per_date[d].0).collect();
    for date in &dates {
        let (_, line, zero) = per_date[date];
        if zero {
            out.push(Finding {
                file: ctx.sheet.name.clone(),
                line: Some(line),
                date: Some(*date),
                symbol: None,
                severity: Severity::Warning,
                kind: Kind::ZeroShares,
                message: format!(
                    "every row of {date} has 0 shares: a cap-weighted index has a market value \
                     of zero on that date"
                ),
                hint: Some("give at least one constituent a positive share count".into()),
            });
        }
    }
    let mut sparse = vec![false; dates.len()];
    const SIDE: usize = 5;
    for i in 0..dates.len() {
        let mut around: Vec<usize> = (i.saturating_sub(SIDE)..(i + SIDE + 1).min(dates.len()))
            .filter(|&j| j != i)
            .map(|j| counts[j])
            .collect();
        if around.len() < 4 {
            continue;
        }
        around.sort_unstable();
        let median = around[around.len() / 2];
        if counts[i] * 2 < median {
            sparse[i] = true;
            let date = dates[i];
            out.push(Finding {
                file: ctx.sheet.name.clone(),
                line: Some(per_date[&date].1),
                date: Some(date),
                symbol: None,
                severity: Severity::Warning,
                kind: Kind::SparseDate,
                message: format!(
                    "only {} on {date}, against about {median} on the dates around it: \
                     the date is left out of the gap check",
                    if counts[i] == 1 {
                        "1 symbol has a row".to_string()
                    } else {
                        format!("{} symbols have rows", counts[i])
                    }
                ),
                hint: Some(
                    "a stray date or an incomplete download? compute treats it as an index \
                     date with only these constituents"
                        .into(),
                ),
            });
        }
    }
    let mut dense_before = Vec::with_capacity(dates.len() + 1);
    let mut n = 0;
    for &s in &sparse {
        dense_before.push(n);
        if !s {
            n += 1;
        }
    }
    dense_before.push(n);
    Calendar {
        dates,
        sparse,
        dense_before,
    }
}

/// Rows with empty cells in columns idx does not use but that are filled on nearly every row
/// (such as a missing open, high and low beside a close).
fn empty_cells(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let sheet = ctx.sheet;
    let rows = sheet.obs.len() as u64;
    let limit = (sheet.records / 100).max(1);
    let mut flagged = 0u64;
    for (k, &n) in sheet.other_empty.iter().enumerate() {
        if n > 0 && n <= limit && n < rows {
            flagged |= 1 << k;
        }
    }
    if flagged == 0 {
        return;
    }
    for e in &sheet.empties {
        let mask = e.mask & flagged;
        if mask == 0 {
            continue;
        }
        let names: Vec<&str> = (0..sheet.other_columns.len())
            .filter(|k| mask & (1 << k) != 0)
            .map(|k| sheet.other_columns[k].1.as_str())
            .collect();
        let filled = (0..sheet.other_columns.len())
            .filter(|k| mask & (1 << k) != 0)
            .map(|k| rows - sheet.other_empty[k])
            .min()
            .unwrap_or(0);
        let row = Obs {
            date: e.date,
            symbol: e.symbol,
            price: f64::NAN,
            shares: f64::NAN,
            line: e.line,
        };
        out.push(finding(
            ctx,
            &row,
            Severity::Warning,
            Kind::EmptyCells,
            format!(
                "empty {} ({} filled on {filled} of {rows} rows): the row looks incomplete, \
                 so its price is doubtful",
                names.join(", "),
                if names.len() == 1 {
                    "the column is"
                } else {
                    "each is"
                }
            ),
            "check the row against another source",
        ));
    }
}

/// Rows dated against the order of the symbol's other rows (in file order).
fn out_of_order(ctx: &Context<'_>, rows: &[Obs], out: &mut Vec<Finding>) {
    let (mut up, mut down) = (0usize, 0usize);
    for w in rows.windows(2) {
        match w[1].date.cmp(&w[0].date) {
            std::cmp::Ordering::Greater => up += 1,
            std::cmp::Ordering::Less => down += 1,
            std::cmp::Ordering::Equal => {}
        }
    }
    let ascending = up >= down;
    for w in rows.windows(2) {
        let wrong = if ascending {
            w[1].date < w[0].date
        } else {
            w[1].date > w[0].date
        };
        if wrong {
            out.push(finding(
                ctx,
                &w[1],
                Severity::Warning,
                Kind::OutOfOrder,
                format!(
                    "dated {}, {} {}, the date of the symbol's previous row (line {}), while \
                     its rows are otherwise in {} date order",
                    w[1].date,
                    if ascending { "before" } else { "after" },
                    w[0].date,
                    w[0].line,
                    if ascending { "ascending" } else { "descending" }
                ),
                "fix the date if it is a typo (compute accepts rows in any order)",
            ));
        }
    }
}

/// Reports the second and later rows of a (date, symbol); returns the rows without them.
fn duplicates(ctx: &Context<'_>, rows: Vec<Obs>, out: &mut Vec<Finding>) -> Vec<Obs> {
    let mut kept: Vec<Obs> = Vec::with_capacity(rows.len());
    for r in rows {
        match kept.last() {
            Some(first) if first.date == r.date => {
                let same = first.price == r.price || (first.price.is_nan() && r.price.is_nan());
                let prices = if same {
                    "the same price".to_string()
                } else {
                    let shown = |x: f64| {
                        if x.is_nan() {
                            "none".to_string()
                        } else {
                            num(x)
                        }
                    };
                    format!(
                        "price {} there, {} here",
                        shown(first.price),
                        shown(r.price)
                    )
                };
                out.push(finding(
                    ctx,
                    &r,
                    Severity::Error,
                    Kind::Duplicate,
                    format!(
                        "duplicate row for {} on {} (also on line {}, {prices})",
                        ctx.symbols.name(r.symbol),
                        r.date,
                        first.line
                    ),
                    "keep one row per symbol and date",
                ));
            }
            _ => kept.push(r),
        }
    }
    kept
}

/// Dates of the file missing from a symbol's history between two dates it has.
fn gaps(ctx: &Context<'_>, cal: &Calendar, rows: &[Obs], out: &mut Vec<Finding>) {
    for w in rows.windows(2) {
        let (i0, i1) = (cal.index(w[0].date), cal.index(w[1].date));
        if i1 <= i0 + 1 {
            continue;
        }
        let missing = cal.dense_before[i1] - cal.dense_before[i0 + 1];
        if missing == 0 {
            continue;
        }
        let dense = |i: &usize| !cal.sparse[*i];
        let (Some(first), Some(last)) = (
            (i0 + 1..i1).find(dense).map(|i| cal.dates[i]),
            (i0 + 1..i1).rev().find(dense).map(|i| cal.dates[i]),
        ) else {
            continue;
        };
        let span = if first == last {
            format!("on {first}")
        } else {
            format!("on {missing} dates, {first} to {last}")
        };
        let mut f = finding(
            ctx,
            &w[1],
            Severity::Warning,
            Kind::Gap,
            format!(
                "no row {span}, between its rows of {} and {}, while other symbols have rows \
                 then",
                w[0].date, w[1].date
            ),
            "add the missing rows if it traded (compute leaves it out on those dates, or keeps \
             its last close with --constituents)",
        );
        f.date = Some(first);
        out.push(f);
    }
}

/// An action that is not in force on a date the symbol has a row: compute refuses it.
fn actions_without_price(
    ctx: &Context<'_>,
    cal: &Calendar,
    present: &FxHashMap<SymbolId, Vec<NaiveDate>>,
    out: &mut Vec<Finding>,
) {
    let (Some(&first), Some(&last)) = (cal.dates.first(), cal.dates.last()) else {
        return;
    };
    for a in ctx.actions {
        if a.date < first || a.date > last {
            continue;
        }
        let priced = present
            .get(&a.symbol)
            .is_some_and(|d| d.binary_search(&a.date).is_ok());
        if !priced {
            out.push(Finding {
                file: ctx.actions_file.to_string(),
                line: Some(a.line),
                date: Some(a.date),
                symbol: Some(ctx.symbols.name(a.symbol).to_string()),
                severity: Severity::Error,
                kind: Kind::Action,
                message: format!(
                    "action for {} on {}, but the prices have no row for it on that date",
                    ctx.symbols.name(a.symbol),
                    a.date
                ),
                hint: Some(
                    "an action is effective at the open of a date the symbol trades: fix its \
                     date or symbol"
                        .into(),
                ),
            });
        }
    }
}

/// (label, action value, price ratio) of every split looked for (for tests).
#[cfg(test)]
pub(super) fn ratio_names() -> Vec<(String, String, String)> {
    super::detect::ratios()
        .into_iter()
        .map(|r| (r.label(), r.value().to_string(), r.fraction()))
        .collect()
}
