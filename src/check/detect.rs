//! Split detection: the one rule that `idx check` applies to whole histories and that every
//! command computing levels applies on the fly ([`SplitWatch`]), so the two cannot disagree.
//!
//! A step is a symbol's move from one row to its next, `r = ln(p₁ / p̃₀)` with the previous close
//! restated for the step's actions, `p̃₀ = (p₀ − cash) / split`. A step **looks like a split**
//! when, after the recorded splits,
//! - its price ratio `e^r` is within `tolerance` (2%) of a split's price ratio `1/n` or `n`
//!   (n = 2, 3, 4, 5, 6, 8, 10, 15, 20, 25, 30, 50, 100) and the share count is unknown or
//!   unchanged; or
//! - the share count changes inversely (within 3%) and the price ratio is within five times the
//!   tolerance of that split's (the weak ratios 3:2, 4:3 and 5:4 count only then),
//!
//! and neither this step nor the one before it is undone by the next (a bad print that reverts
//! is not a split). A split action on a step whose raw price hardly moves (`|ln raw| <
//! ½ |ln split|`) is **unneeded**: the prices look split-adjusted already.
//!
//! Each of these makes every level from that date on wrong, not merely suspicious: the divisor
//! absorbs what it is told about (a recorded split, a share change), so an unrecorded split
//! passes into the level as a price move of −50% or +900%, and an unneeded one restates the
//! previous close and moves the level by the split's ratio. (A bad print that reverts moves
//! the level on one date only, and a stale price or a gap is merely suspicious: those stay
//! `idx check`'s.)
//!
//! The heuristics work on `f64` ratios: detection is a filter for a human, not the calculation
//! path.

use crate::calc::{Action, ActionKind, Quote, SymbolId};
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// A split: `new` shares for `old` (2-for-1 is (2, 1), 1-for-10 is (1, 10)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    /// New shares.
    pub new: u32,
    /// Old shares.
    pub old: u32,
    /// Only with share counts that change inversely (a 3-for-2 split's 33% drop is also a
    /// plausible crash).
    weak: bool,
}

/// A share count changes inversely to a split when it is within this relative distance of the
/// old count times the split (share counts also move a little for other reasons).
const INVERSE_SHARES: f64 = 0.03;

const STRONG: [u32; 13] = [2, 3, 4, 5, 6, 8, 10, 15, 20, 25, 30, 50, 100];
const WEAK: [(u32, u32); 3] = [(3, 2), (4, 3), (5, 4)];

/// Every split looked for, strong ones first.
pub fn ratios() -> Vec<Ratio> {
    let mut v = Vec::new();
    for n in STRONG {
        v.push(Ratio {
            new: n,
            old: 1,
            weak: false,
        });
        v.push(Ratio {
            new: 1,
            old: n,
            weak: false,
        });
    }
    for (a, b) in WEAK {
        v.push(Ratio {
            new: a,
            old: b,
            weak: true,
        });
        v.push(Ratio {
            new: b,
            old: a,
            weak: true,
        });
    }
    v
}

impl Ratio {
    /// New shares per old share, as written in an actions file (`4`, `0.1`, `1.5`).
    pub fn value(self) -> Decimal {
        (Decimal::from(self.new) / Decimal::from(self.old)).normalize()
    }

    /// The price ratio the split causes.
    pub fn price_ratio(self) -> f64 {
        f64::from(self.old) / f64::from(self.new)
    }

    /// `4-for-1 split`, `1-for-10 reverse split`.
    pub fn label(self) -> String {
        if self.new > self.old {
            format!("{}-for-{} split", self.new, self.old)
        } else {
            format!("{}-for-{} reverse split", self.new, self.old)
        }
    }

    /// The price ratio as a fraction (`1/4`, `10`, `2/3`).
    pub fn fraction(self) -> String {
        if self.new == 1 {
            format!("{}", self.old)
        } else {
            format!("{}/{}", self.old, self.new)
        }
    }
}

/// A price or share count as written (shortest form that reads back the same).
pub(crate) fn num(x: f64) -> String {
    if x.is_finite() && x.abs() < 1e16 && x == x.trunc() {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

/// A ratio as a signed percentage change (`-50.0%`).
pub(crate) fn percent(ratio: f64) -> String {
    format!("{:+.1}%", (ratio - 1.0) * 100.0)
}

/// The log return of a step from `p0` to `p1` with `split` (product of the split values) and
/// `cash` (special dividends) effective at its open; NaN if the restated close is not positive.
pub fn step_return(p0: f64, p1: f64, split: f64, cash: f64) -> f64 {
    let adjusted = (p0 - cash) / split;
    if adjusted > 0.0 && split > 0.0 {
        (p1 / adjusted).ln()
    } else {
        f64::NAN
    }
}

/// Whether a move `a` is undone by the next move `b`: opposite signs, and the price after `b`
/// back within half of `a`.
pub fn reverses(a: f64, b: f64) -> bool {
    a.is_finite() && b.is_finite() && a * b < 0.0 && (a + b).abs() < 0.5 * a.abs()
}

/// Whether a step with split actions (product `split`) and raw price ratio `raw` hardly moves:
/// the prices look split-adjusted already.
pub fn unneeded(raw: f64, split: f64) -> bool {
    split != 1.0 && raw.is_finite() && raw.ln().abs() < 0.5 * split.ln().abs()
}

/// What the share counts say about a split candidate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SharesEvidence {
    /// No share counts on one of the two rows.
    Unknown,
    /// The count changes inversely to the split: from, to.
    Inverse(f64, f64),
    /// The count is unchanged (or changed as the recorded splits make it).
    Unchanged,
}

/// The split a step of log return `ret` looks like, after the recorded splits (`split`), with
/// share counts `s0` then `s1` (NaN when unknown); `None` if it looks like none.
pub fn match_split(
    candidates: &[Ratio],
    ret: f64,
    s0: f64,
    s1: f64,
    split: f64,
    tolerance: f64,
) -> Option<(Ratio, f64, SharesEvidence)> {
    if !ret.is_finite() {
        return None;
    }
    let ratio = ret.exp();
    let shares_known = s0.is_finite() && s1.is_finite() && s0 > 0.0;
    // The share count's change after the recorded splits.
    let q = s1 / s0 / split;
    // On price alone a ratio must be close to a split's; a share count that changes inversely
    // is strong evidence, so the price may then be further off.
    let &c = candidates.iter().find(|c| {
        let off = (ratio / c.price_ratio() - 1.0).abs();
        let n = 1.0 / c.price_ratio();
        let inverse = shares_known && (q / n - 1.0).abs() <= INVERSE_SHARES;
        // Unchanged, or as the recorded splits make it.
        let unchanged = shares_known && ((q - 1.0).abs() <= 0.02 || (s1 / s0 - 1.0).abs() <= 0.02);
        if inverse {
            off <= 5.0 * tolerance
        } else {
            off <= tolerance && !c.weak && (!shares_known || unchanged)
        }
    })?;
    let n = 1.0 / c.price_ratio();
    let evidence = if !shares_known {
        SharesEvidence::Unknown
    } else if (q / n - 1.0).abs() <= INVERSE_SHARES {
        SharesEvidence::Inverse(s0, s1)
    } else {
        SharesEvidence::Unchanged
    };
    Some((c, ratio, evidence))
}

/// A step that looks like a split, with what the message needs.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitFacts {
    /// The symbol's date and close after the step.
    pub date: NaiveDate,
    /// The close after the step.
    pub price: f64,
    /// The previous row's date.
    pub before_date: NaiveDate,
    /// The previous row's close.
    pub before_price: f64,
    /// The price ratio after the recorded splits.
    pub ratio: f64,
    /// The split it looks like.
    pub candidate: Ratio,
    /// What the share counts say.
    pub shares: SharesEvidence,
    /// The first recorded split action of the step (its line), and the product of the step's
    /// split values: the recorded split's value is then wrong.
    pub recorded: Option<(u64, f64)>,
}

impl SplitFacts {
    /// The finding's message and hint, naming `symbol` and the actions file.
    pub fn text(&self, symbol: &str, actions_file: &str) -> (String, String) {
        let shares = match self.shares {
            SharesEvidence::Unknown => "no share counts to compare".to_string(),
            SharesEvidence::Inverse(s0, s1) => format!(
                "the share count changes inversely, {} to {}",
                num(s0),
                num(s1)
            ),
            SharesEvidence::Unchanged => "the share count is unchanged".to_string(),
        };
        let c = self.candidate;
        match self.recorded {
            None => (
                format!(
                    "the price ratio {:.4} ({} after {} of {}) is close to {}, as after a {}, \
                     and {shares}; there is no split action",
                    self.ratio,
                    num(self.price),
                    num(self.before_price),
                    self.before_date,
                    c.fraction(),
                    c.label()
                ),
                format!(
                    "add to the actions file: {},{},split,{}",
                    self.date,
                    symbol,
                    c.value()
                ),
            ),
            Some((line, split)) => {
                let total = Decimal::try_from(split).unwrap_or(Decimal::ONE) * c.value();
                (
                    format!(
                        "after the split action on line {line} of {actions_file} (value {}), \
                         the price ratio is still {:.4} ({} after {} of {}), close to {}; \
                         {shares}",
                        num(split),
                        self.ratio,
                        num(self.price),
                        num(self.before_price),
                        self.before_date,
                        c.fraction()
                    ),
                    format!(
                        "check the split's value: the move suggests {}",
                        total.round_dp(6).normalize()
                    ),
                )
            }
        }
    }
}

/// A split action on a step whose price hardly moves.
#[derive(Clone, Debug, PartialEq)]
pub struct UnneededFacts {
    /// The action's date.
    pub date: NaiveDate,
    /// The action's line in the actions file.
    pub line: u64,
    /// The close on the action's date.
    pub price: f64,
    /// The previous row's date.
    pub before_date: NaiveDate,
    /// The previous row's close.
    pub before_price: f64,
    /// The product of the step's split values.
    pub split: f64,
}

impl UnneededFacts {
    /// The finding's message and hint, naming `symbol`.
    pub fn text(&self, symbol: &str) -> (String, String) {
        (
            format!(
                "split {} of {} on {}, but the price hardly moves ({} after {} of {}, {}): the \
                 prices look split-adjusted already, and the split would restate the previous \
                 close to {}",
                num(self.split),
                symbol,
                self.date,
                num(self.price),
                num(self.before_price),
                self.before_date,
                percent(self.price / self.before_price),
                num(self.before_price / self.split)
            ),
            "remove the action if the prices are split-adjusted, or use unadjusted prices".into(),
        )
    }
}

/// What [`SplitWatch`] found.
#[derive(Clone, Debug, PartialEq)]
pub enum SplitEvent {
    /// A move that looks like a split with no split action (or a wrong one).
    Split {
        /// The symbol.
        symbol: SymbolId,
        /// The prices file's line of the row after the move.
        line: u64,
        /// The close as written on that row.
        price: Decimal,
        /// The facts for the message.
        facts: SplitFacts,
    },
    /// A split action where the price hardly moves.
    Unneeded {
        /// The symbol.
        symbol: SymbolId,
        /// The facts for the message.
        facts: UnneededFacts,
    },
}

impl SplitEvent {
    /// The date the levels go wrong from.
    pub fn date(&self) -> NaiveDate {
        match self {
            SplitEvent::Split { facts, .. } => facts.date,
            SplitEvent::Unneeded { facts, .. } => facts.date,
        }
    }

    /// The symbol.
    pub fn symbol(&self) -> SymbolId {
        match self {
            SplitEvent::Split { symbol, .. } | SplitEvent::Unneeded { symbol, .. } => *symbol,
        }
    }

    /// The split action that would explain an unrecorded split, as `(value)`: only for a move
    /// with no split action at all.
    pub fn inferred_split(&self) -> Option<Decimal> {
        match self {
            SplitEvent::Split { facts, .. } if facts.recorded.is_none() => {
                Some(facts.candidate.value())
            }
            _ => None,
        }
    }
}

/// A close as `mantissa / 10^scale`, the mantissa as `f64` (exact below 2^53).
#[derive(Clone, Copy, Debug)]
struct Px {
    m: f64,
    scale: u32,
}

const POW10: [f64; 29] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28,
];

impl Px {
    fn of(d: Decimal) -> Px {
        let m = d.mantissa();
        Px {
            // Through i64: one instruction rather than i128's routine.
            m: if m.unsigned_abs() < 1 << 63 {
                (m as i64) as f64
            } else {
                m as f64
            },
            scale: d.scale(),
        }
    }

    /// The value: correctly rounded for up to 15 digits, and so equal to parsing its text.
    fn value(self) -> f64 {
        self.m / POW10[self.scale.min(28) as usize]
    }
}

/// One symbol's last row and the move that ended there.
#[derive(Clone, Copy, Debug)]
struct Last {
    date: NaiveDate,
    price: Px,
    shares: Option<Decimal>,
    /// The close before, when the move to this row had no actions (its log return is then
    /// `ln(price / before)`, worked out only when needed).
    before: Option<Px>,
    /// The log return of the move to this row when it had actions (NaN otherwise).
    ret: f64,
}

impl Last {
    /// The log return of the move that ended at this row (NaN: none).
    fn ret(&self) -> f64 {
        match self.before {
            Some(b) => (self.price.value() / b.value()).ln(),
            None => self.ret,
        }
    }
}

/// A move that looks like a split, waiting for the symbol's next row: a bad print that the
/// next move undoes is not a split.
#[derive(Clone, Debug)]
struct Pending {
    ret: f64,
    event: SplitEvent,
}

#[derive(Clone, Debug, Default)]
struct State {
    last: Option<Last>,
    /// Boxed: rare, and the state of every symbol stays small.
    pending: Option<Box<Pending>>,
}

/// The split detection of [`match_split`] and [`unneeded`], fed one date at a time by the
/// commands that compute levels: a move is reported once the symbol's next row shows that it
/// is not undone (or at [`SplitWatch::finish`]).
///
/// Cost: two multiplications and two comparisons per row for the usual daily move; the
/// logarithms and the share counts are looked at only for moves of more than about 12%.
#[derive(Clone, Debug)]
pub struct SplitWatch {
    states: Vec<State>,
    candidates: Vec<Ratio>,
    tolerance: f64,
    /// Raw price ratios strictly between these cannot look like any split.
    quiet_band: (f64, f64),
    events: Vec<SplitEvent>,
}

impl Default for SplitWatch {
    fn default() -> Self {
        SplitWatch::new(0.02)
    }
}

/// A decimal as `f64`, equal to parsing its text for up to 15 digits.
fn approx(d: Decimal) -> f64 {
    Px::of(d).value()
}

impl SplitWatch {
    /// A watch with a split candidate's `tolerance` (check's `--split-tolerance`, 0.02).
    pub fn new(tolerance: f64) -> Self {
        let candidates = ratios();
        let reach = 5.0 * tolerance;
        let lo = candidates
            .iter()
            .map(|c| c.price_ratio())
            .filter(|&p| p < 1.0)
            .map(|p| p * (1.0 + reach))
            .fold(0.0, f64::max);
        let hi = candidates
            .iter()
            .map(|c| c.price_ratio())
            .filter(|&p| p > 1.0)
            .map(|p| p * (1.0 - reach))
            .fold(f64::INFINITY, f64::min);
        // The band is only a shortcut: it must stay inside every candidate's reach.
        // Narrowed by a hair, so a ratio at a reach's edge takes the exact path.
        let (lo, hi) = (lo * (1.0 + 1e-9), hi * (1.0 - 1e-9));
        let quiet_band = if lo < 1.0 && hi > 1.0 {
            (lo, hi)
        } else {
            (1.0, 1.0)
        };
        SplitWatch {
            states: Vec::new(),
            candidates,
            tolerance,
            quiet_band,
            events: Vec::new(),
        }
    }

    /// Looks at one date's quotes (sorted by symbol) with the date's actions (sorted by
    /// symbol).
    pub fn day(&mut self, date: NaiveDate, quotes: &[Quote], actions: &[Action]) {
        let mut next = 0;
        for q in quotes {
            let mut split = 1.0;
            let mut cash = 0.0;
            let mut first_split: Option<u64> = None;
            while next < actions.len() && actions[next].symbol < q.symbol {
                next += 1;
            }
            while next < actions.len() && actions[next].symbol == q.symbol {
                let a = &actions[next];
                match a.kind {
                    ActionKind::Split(v) => {
                        split *= v.to_f64().unwrap_or(1.0);
                        first_split.get_or_insert(a.line);
                    }
                    ActionKind::SpecialDividend(d) => cash += d.to_f64().unwrap_or(0.0),
                    ActionKind::Dividend(_) => {}
                }
                next += 1;
            }
            self.observe(date, q, split, cash, first_split);
        }
    }

    fn observe(&mut self, date: NaiveDate, q: &Quote, split: f64, cash: f64, action: Option<u64>) {
        let i = q.symbol as usize;
        if i >= self.states.len() {
            self.states.resize_with(i + 1, State::default);
        }
        let px = Px::of(q.price);
        let plain = split == 1.0 && cash == 0.0;
        let st = &mut self.states[i];
        let Some(last) = st.last.as_mut() else {
            st.last = Some(Last {
                date,
                price: px,
                shares: q.shares,
                before: None,
                ret: f64::NAN,
            });
            return;
        };
        // The usual daily move: no action, nothing pending, the same number of decimals, and
        // a ratio that cannot look like a split. Two multiplications, no division.
        if plain && st.pending.is_none() && px.scale == last.price.scale {
            let m0 = last.price.m;
            if px.m > self.quiet_band.0 * m0 && px.m < self.quiet_band.1 * m0 {
                *last = Last {
                    date,
                    price: px,
                    shares: q.shares,
                    before: Some(last.price),
                    ret: f64::NAN,
                };
                return;
            }
        }
        let last = *last;
        let (p0, p1) = (last.price.value(), px.value());
        let raw = p1 / p0;
        let quiet = plain && raw > self.quiet_band.0 && raw < self.quiet_band.1;
        let ret = if plain {
            raw.ln()
        } else {
            step_return(p0, p1, split, cash)
        };
        if let Some(p) = st.pending.take() {
            if !reverses(p.ret, ret) {
                self.events.push(p.event);
            }
        }
        let mut explained = false;
        if let (Some(line), false) = (action, split == 1.0) {
            if unneeded(raw, split) {
                self.events.push(SplitEvent::Unneeded {
                    symbol: q.symbol,
                    facts: UnneededFacts {
                        date,
                        line,
                        price: p1,
                        before_date: last.date,
                        before_price: p0,
                        split,
                    },
                });
                explained = true;
            }
        }
        if !quiet && !explained && !reverses(last.ret(), ret) {
            let s0 = last.shares.map_or(f64::NAN, approx);
            let s1 = q.shares.map_or(f64::NAN, approx);
            if let Some((candidate, ratio, shares)) =
                match_split(&self.candidates, ret, s0, s1, split, self.tolerance)
            {
                st.pending = Some(Box::new(Pending {
                    ret,
                    event: SplitEvent::Split {
                        symbol: q.symbol,
                        line: q.line,
                        price: q.price,
                        facts: SplitFacts {
                            date,
                            price: p1,
                            before_date: last.date,
                            before_price: p0,
                            ratio,
                            candidate,
                            shares,
                            recorded: action.map(|l| (l, split)),
                        },
                    },
                }));
            }
        }
        st.last = Some(Last {
            date,
            price: px,
            shares: q.shares,
            before: if plain { Some(last.price) } else { None },
            ret: if plain { f64::NAN } else { ret },
        });
    }

    /// The moves found so far (those still waiting for the symbol's next row are not among
    /// them), in the order they were confirmed.
    pub fn take_events(&mut self) -> Vec<SplitEvent> {
        std::mem::take(&mut self.events)
    }

    /// Whether a move was found and not yet taken.
    pub fn has_events(&self) -> bool {
        !self.events.is_empty()
    }

    /// Ends the data: the moves still waiting are reported (no next row undoes them).
    pub fn finish(&mut self) {
        for st in &mut self.states {
            if let Some(p) = st.pending.take() {
                self.events.push(p.event);
            }
        }
    }
}

#[cfg(test)]
mod tests;
