//! The checks that look at a symbol's history: order, duplicates, gaps, splits, bad prints,
//! stale prices and share counts; and the checks across symbols: sparse dates, empty cells,
//! actions without a price row.

use super::detect::{self, num, percent, SplitFacts, UnneededFacts};
use super::read::{Obs, Sheet};
use super::{Finding, Kind, Severity, Thresholds};
use crate::calc::{Action, ActionKind, SymbolId};
use crate::input::Symbols;
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rustc_hash::FxHashMap;

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

/// The step from one row of a symbol to the next.
#[derive(Clone, Default)]
struct Step<'a> {
    /// Raw price ratio.
    raw: f64,
    /// Log of the price ratio after the actions of the step (NaN if it cannot be taken).
    ret: f64,
    /// Product of the split values in force at the step's open.
    split: f64,
    /// The split actions of the step.
    splits: Vec<&'a Action>,
    /// A special dividend of the step.
    dividend: Option<&'a Action>,
    /// Whether something already explains the step (a split found, an action mismatch).
    explained: bool,
}

/// One symbol's history: its rows with a price, sorted by date, one per date.
struct History<'c, 'a> {
    ctx: &'c Context<'a>,
    rows: Vec<Obs>,
    /// `steps[k]`: from `rows[k - 1]` to `rows[k]` (`steps[0]` is unused).
    steps: Vec<Step<'a>>,
}

impl<'c, 'a> History<'c, 'a> {
    fn new(ctx: &'c Context<'a>, all: &[Obs], actions: &[&'a Action]) -> Self {
        let rows: Vec<Obs> = all
            .iter()
            .copied()
            .filter(|r| r.price.is_finite())
            .collect();
        let mut steps: Vec<Step<'a>> = vec![Step::default(); rows.len()];
        let mut next = 0;
        if let Some(first) = rows.first() {
            while next < actions.len() && actions[next].date <= first.date {
                next += 1;
            }
        }
        for k in 1..rows.len() {
            let (p0, p1) = (rows[k - 1].price, rows[k].price);
            let mut split = 1.0;
            let mut cash = 0.0;
            let mut splits = Vec::new();
            let mut dividend = None;
            while next < actions.len() && actions[next].date <= rows[k].date {
                let a = actions[next];
                match a.kind {
                    ActionKind::Split(v) => {
                        split *= v.to_f64().unwrap_or(1.0);
                        splits.push(a);
                    }
                    ActionKind::SpecialDividend(d) => {
                        cash += d.to_f64().unwrap_or(0.0);
                        dividend = Some(a);
                    }
                    ActionKind::Dividend(_) => {}
                }
                next += 1;
            }
            let ret = detect::step_return(p0, p1, split, cash);
            steps[k] = Step {
                raw: p1 / p0,
                ret,
                split,
                splits,
                dividend,
                explained: false,
            };
        }
        History { ctx, rows, steps }
    }

    fn check(mut self, out: &mut Vec<Finding>) {
        self.special_dividends(out);
        self.unneeded_splits(out);
        let outliers = self.outliers(out);
        self.splits(&outliers, out);
        self.shares(out);
        self.stale(out);
    }

    fn name(&self) -> &str {
        self.ctx.symbols.name(self.rows[0].symbol)
    }

    /// Whether the move of step `k` is undone by step `k + 1`: opposite signs, and the price
    /// after it is back within half of the move.
    fn reverses(&self, k: usize) -> bool {
        let (Some(a), Some(b)) = (self.steps.get(k), self.steps.get(k + 1)) else {
            return false;
        };
        k >= 1 && detect::reverses(a.ret, b.ret)
    }

    /// A special dividend that is not below the previous close (compute refuses it).
    fn special_dividends(&mut self, out: &mut Vec<Finding>) {
        for k in 1..self.rows.len() {
            let Some(a) = self.steps[k]
                .dividend
                .filter(|_| self.steps[k].ret.is_nan())
            else {
                continue;
            };
            let before = self.rows[k - 1];
            out.push(Finding {
                file: self.ctx.actions_file.to_string(),
                line: Some(a.line),
                date: Some(a.date),
                symbol: Some(self.name().to_string()),
                severity: Severity::Error,
                kind: Kind::Action,
                message: format!(
                    "special dividend for {} on {} is not below its previous close {} of {}",
                    self.name(),
                    a.date,
                    num(before.price),
                    before.date
                ),
                hint: Some("check the amount: it is cash per share".into()),
            });
            self.steps[k].explained = true;
        }
    }

    /// A split action on a date where the price does not move: the prices already look
    /// split-adjusted.
    fn unneeded_splits(&mut self, out: &mut Vec<Finding>) {
        for k in 1..self.rows.len() {
            let s = &self.steps[k];
            if s.splits.is_empty() || s.split == 1.0 || !s.raw.is_finite() {
                continue;
            }
            if detect::unneeded(s.raw, s.split) {
                let a = s.splits[0];
                let facts = UnneededFacts {
                    date: a.date,
                    line: a.line,
                    price: self.rows[k].price,
                    before_date: self.rows[k - 1].date,
                    before_price: self.rows[k - 1].price,
                    split: s.split,
                };
                let (message, hint) = facts.text(self.name());
                out.push(Finding {
                    file: self.ctx.actions_file.to_string(),
                    line: Some(a.line),
                    date: Some(a.date),
                    symbol: Some(self.name().to_string()),
                    severity: Severity::Warning,
                    kind: Kind::Action,
                    message,
                    hint: Some(hint),
                });
                self.steps[k].explained = true;
            }
        }
    }

    /// The robust standard deviation (1.4826 × median absolute deviation) of the returns
    /// before step `k` (the window after `k + 1` fills in when the history is short).
    fn volatility(&self, k: usize) -> f64 {
        let window = self.ctx.thresholds.volatility_window;
        let mut v: Vec<f64> = (1..k)
            .rev()
            .map(|j| self.steps[j].ret)
            .filter(|r| r.is_finite())
            .take(window)
            .collect();
        if v.len() < window / 3 {
            v.extend(
                (k + 2..self.steps.len())
                    .map(|j| self.steps[j].ret)
                    .filter(|r| r.is_finite())
                    .take(window - v.len()),
            );
        }
        if v.len() < 5 {
            return 0.0;
        }
        let median = |v: &mut Vec<f64>| {
            let mid = v.len() / 2;
            *v.select_nth_unstable_by(mid, f64::total_cmp).1
        };
        let m = median(&mut v);
        let mut dev: Vec<f64> = v.iter().map(|x| (x - m).abs()).collect();
        1.4826 * median(&mut dev)
    }

    /// Bad prints: a move beyond the symbol's volatility that the next step undoes. Returns
    /// the rows found.
    fn outliers(&mut self, out: &mut Vec<Finding>) -> Vec<usize> {
        let t = self.ctx.thresholds;
        let mut found: Vec<(usize, f64, f64)> = Vec::new();
        for k in 1..self.rows.len().saturating_sub(1) {
            let r = self.steps[k].ret;
            if r.is_nan()
                || r.abs() <= t.outlier_floor
                || !self.reverses(k)
                || self.steps[k].explained
            {
                continue;
            }
            let sigma = self.volatility(k);
            if r.abs() <= t.outlier_sigmas * sigma {
                continue;
            }
            let deviation = (r - self.steps[k + 1].ret).abs() / 2.0;
            // Of two neighbouring candidates, the bad print is the one further from both
            // neighbours.
            if let Some(last) = found.last_mut() {
                if last.0 + 1 == k {
                    if deviation > last.2 {
                        *last = (k, sigma, deviation);
                    }
                    continue;
                }
            }
            found.push((k, sigma, deviation));
        }
        for &(k, sigma, _) in &found {
            let (before, row, after) = (self.rows[k - 1], self.rows[k], self.rows[k + 1]);
            let r = self.steps[k].ret;
            let back = (self.steps[k].ret + self.steps[k + 1].ret).exp();
            let size = if sigma > 0.0 {
                format!(
                    "{:.0} times the robust standard deviation {:.2}% of its last daily moves",
                    r.abs() / sigma,
                    sigma * 100.0
                )
            } else {
                "far beyond its usual daily moves".to_string()
            };
            out.push(finding(
                self.ctx,
                &row,
                Severity::Warning,
                Kind::Outlier,
                format!(
                    "the close {} is {} from {} of {} ({size}), and the next close {} of {} is \
                     back within {:.1}% of {}: a probable bad print on {}",
                    num(row.price),
                    percent(r.exp()),
                    num(before.price),
                    before.date,
                    num(after.price),
                    after.date,
                    (back - 1.0).abs() * 100.0,
                    num(before.price),
                    row.date
                ),
                format!(
                    "check the close of {} {} against another source",
                    self.name(),
                    row.date
                ),
            ));
            self.steps[k].explained = true;
            self.steps[k + 1].explained = true;
        }
        found.iter().map(|f| f.0).collect()
    }

    /// Price ratios close to a split's, with no split action (or a wrong one).
    fn splits(&mut self, outliers: &[usize], out: &mut Vec<Finding>) {
        let t = self.ctx.thresholds;
        let candidates = detect::ratios();
        for k in 1..self.rows.len() {
            let s = &self.steps[k];
            if s.explained || !s.ret.is_finite() || outliers.contains(&k) {
                continue;
            }
            if self.reverses(k) || self.reverses(k - 1) {
                continue;
            }
            let (before, row) = (self.rows[k - 1], self.rows[k]);
            let Some((candidate, ratio, shares)) = detect::match_split(
                &candidates,
                s.ret,
                before.shares,
                row.shares,
                s.split,
                t.split_tolerance,
            ) else {
                continue;
            };
            let facts = SplitFacts {
                date: row.date,
                price: row.price,
                before_date: before.date,
                before_price: before.price,
                ratio,
                candidate,
                shares,
                recorded: s.splits.first().map(|a| (a.line, s.split)),
            };
            let (message, hint) = facts.text(self.name(), self.ctx.actions_file);
            out.push(finding(
                self.ctx,
                &row,
                Severity::Warning,
                Kind::Split,
                message,
                hint,
            ));
            self.steps[k].explained = true;
        }
    }

    /// Share counts that change by more than the threshold without a split.
    fn shares(&self, out: &mut Vec<Finding>) {
        let limit = self.ctx.thresholds.shares_jump;
        for k in 1..self.rows.len() {
            let s = &self.steps[k];
            let (before, row) = (self.rows[k - 1], self.rows[k]);
            let (s0, s1) = (before.shares, row.shares);
            if s.explained || !(s0 > 0.0 && s1 > 0.0) {
                continue;
            }
            let q = s1 / s0 / s.split;
            if (q - 1.0).abs() <= limit {
                continue;
            }
            let (kind, message, hint) = match s.splits.first() {
                None => (
                    Kind::SharesJump,
                    format!(
                        "the share count changes by {} ({} on {} to {} here) with no split action",
                        percent(s1 / s0),
                        num(s0),
                        before.date,
                        num(s1)
                    ),
                    "check the share count (a split needs a split action)",
                ),
                Some(a) => (
                    Kind::SplitShares,
                    format!(
                        "the share count goes from {} on {} to {} here, but the split on line {} \
                         of {} (value {}) makes it about {}",
                        num(s0),
                        before.date,
                        num(s1),
                        a.line,
                        self.ctx.actions_file,
                        num(s.split),
                        num((s0 * s.split).round())
                    ),
                    "cap-weighted expects the new share count from the split date on: fix the \
                     count or the split",
                ),
            };
            out.push(finding(
                self.ctx,
                &row,
                Severity::Warning,
                kind,
                message,
                hint,
            ));
        }
    }

    /// The same price on at least `stale_days` consecutive rows.
    fn stale(&self, out: &mut Vec<Finding>) {
        let n = self.ctx.thresholds.stale_days;
        if n < 2 {
            return;
        }
        let mut start = 0;
        for k in 1..=self.rows.len() {
            if k < self.rows.len() && self.rows[k].price == self.rows[start].price {
                continue;
            }
            let len = k - start;
            if len >= n {
                let (first, last) = (self.rows[start], self.rows[k - 1]);
                out.push(finding(
                    self.ctx,
                    &first,
                    Severity::Warning,
                    Kind::Stale,
                    format!(
                        "the price {} is the same on {len} consecutive dates, {} to {}: a \
                         stale or carried-forward price?",
                        num(first.price),
                        first.date,
                        last.date
                    ),
                    "check whether the symbol traded then (a halted stock keeps its price; a \
                     stale feed needs fixing)",
                ));
            }
            start = k;
        }
    }
}

/// (label, action value, price ratio) of every split looked for (for tests).
#[cfg(test)]
pub(super) fn ratio_names() -> Vec<(String, String, String)> {
    detect::ratios()
        .into_iter()
        .map(|r| (r.label(), r.value().to_string(), r.fraction()))
        .collect()
}
