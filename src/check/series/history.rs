//! The checks of one symbol's history: special dividends, unneeded and missing splits, bad
//! prints (outliers), share counts and stale prices.

use super::{finding, Context};
use crate::calc::{Action, ActionKind};
use crate::check::detect::{self, num, percent, SplitFacts, UnneededFacts};
use crate::check::read::Obs;
use crate::check::{Finding, Kind, Severity};
use rust_decimal::prelude::ToPrimitive;

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
pub(super) struct History<'c, 'a> {
    ctx: &'c Context<'a>,
    rows: Vec<Obs>,
    /// `steps[k]`: from `rows[k - 1]` to `rows[k]` (`steps[0]` is unused).
    steps: Vec<Step<'a>>,
}

impl<'c, 'a> History<'c, 'a> {
    pub(super) fn new(ctx: &'c Context<'a>, all: &[Obs], actions: &[&'a Action]) -> Self {
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

    pub(super) fn check(mut self, out: &mut Vec<Finding>) {
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
