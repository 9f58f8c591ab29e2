//! The one shared calculation module: index levels, divisors and total return.
//!
//! Everything here is pure: no I/O, no printing, no clock. Inputs arrive one date at a time
//! ([`DayInput`]) and the [`Engine`] answers with that date's [`DayOutput`], so a caller can
//! stream date-sorted data with memory proportional to the number of constituents.
//! All arithmetic is exact `rust_decimal::Decimal` with checked operations; an overflow is a
//! [`CalcError::Overflow`], never a wrap or a panic.
//!
//! # Notation
//!
//! * `p(i,t)` the close of constituent *i* on index date *t*; `t−1` the previous date of the data.
//! * `q(i,t)` index shares: price-weighted `1`; cap-weighted `shares × float`;
//!   equal-weighted set at each rebalance (below) and then held, so weights drift.
//! * `C(t)` the constituents of *t*; `A(t)` those of them that have a price at `t−1`
//!   (whether members then or not, so an announced addition enters at its previous close).
//! * `p̃(i,t−1) = (p(i,t−1) − special_dividend(i,t)) / split_ratio(i,t)`: the previous close
//!   restated for the corporate actions effective at the open of *t*.
//! * `MV(t) = Σ_{i∈C(t)} q(i,t)·p(i,t)`, the index market value (the price sum for price-weighted).
//!
//! # Levels and divisor continuity
//!
//! On the base date `level = base value` (default 100 for cap- and equal-weighted). For
//! price-weighted without a base value the base divisor is the number of constituents, so the
//! level starts as their average price. The divisor is `D = MV / level`.
//!
//! On every later date the divisor is first carried over the events effective at the open of *t*
//! (splits, special dividends, share changes, additions with a previous close, deletions,
//! equal-weight rebalances):
//!
//! ```text
//! D_A(t)   = D(t−1) · Σ_{i∈A(t)} q(i,t)·p̃(i,t−1) / MV(t−1)
//! level(t) = Σ_{i∈A(t)} q(i,t)·p(i,t) / D_A(t)
//! ```
//!
//! which is the chain `level(t) = level(t−1) · Σ_A q(i,t)·p(i,t) / Σ_A q(i,t)·p̃(i,t−1)`:
//! none of those events moves the level. A constituent with no price at `t−1` enters at its
//! first close, after which `D(t) = MV(t) / level(t)`. On a day without events `D_A = D(t−1)`
//! exactly, so a divisor only changes when something happens. (A difference between
//! `Σ_A q·p̃` and `MV(t−1)` below 1e-24 of their size is the residue of 28-digit arithmetic,
//! as after an equal-weight rebalance, and is not treated as an event.)
//!
//! On a date with a given divisor (a published one) `level(t) = MV(t) / D_given` exactly, as
//! the DJIA is published: the sum of the closes divided by the divisor in force.
//!
//! # Total return
//!
//! S&P's form, with ordinary dividends reinvested on the ex-date:
//!
//! ```text
//! IDIV(t) = Σ_{i∈A(t)} q(i,t)·dividend(i,t) / D_A(t)        (index dividend points)
//! TR(t)   = TR(t−1) · (level(t) + IDIV(t)) / level(t−1)
//! ```
//!
//! The net total return reinvests the dividends after a withholding tax at rate `w` (S&P's
//! and MSCI's net indices): `NTR(t) = NTR(t−1) · (level(t) + (1 − w)·IDIV(t)) / level(t−1)`,
//! with `(1 − w)·IDIV(t) = (1 − w) · Σ q·dividend / D_A(t)`. With `w = 0` it is the gross
//! index exactly. Special dividends are price adjustments (they restate `p̃`), not reinvested.
//!
//! # Equal weight
//!
//! At a rebalance effective after the close of date `e` with reference closes of date `r`
//! (`r = e` except for [`Rebalance::ThirdFriday`], where `r` is the Friday a week earlier):
//! `q(i) = K / (N · p(i,r))` for the `N` constituents of `e`, with `K = Σ_i q_old(i)·p(i,r)`
//! (on the base date, `K` is the base value). Index shares are rounded to 15 significant
//! digits, as a provider holds rounded shares; the divisor absorbs that rounding, so it sits
//! within about 1e-14 of 1 at the base and moves by about that much at a rebalance with
//! `r = e`. With the one-week lag the weights right after a rebalance are not exactly `1/N`
//! and the divisor moves. Splits multiply `q` by the split ratio; share counts are ignored. A
//! constituent added between rebalances gets the average value of the others at its entry
//! close (its previous close if it has one, else its first close).

pub mod capping;
mod engine;
mod schedule;

pub use engine::{Engine, Holding, IndexSpec, TotalReturn, WeightCap};

pub use capping::CapRule;
pub use schedule::Rebalance;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Dense identifier of an interned symbol (index into the caller's symbol table).
pub type SymbolId = u32;

/// An index weighting method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// Dow-style: `Σ p / divisor`.
    PriceWeighted,
    /// S&P 500 style: `Σ shares·float·p / divisor`.
    CapWeighted,
    /// S&P 500 Equal Weight style: equal values at each rebalance, then held.
    EqualWeighted,
    /// Capped market-cap weights (Nasdaq-100, S&P capped and sector indices) set at each
    /// rebalance, then held.
    Capped(CapRule),
}

impl Method {
    /// The method's name as written on the command line and in output headers.
    pub fn name(self) -> &'static str {
        match self {
            Method::PriceWeighted => "price-weighted",
            Method::CapWeighted => "cap-weighted",
            Method::EqualWeighted => "equal-weighted",
            Method::Capped(_) => "capped",
        }
    }

    /// Whether the method holds index shares set at each rebalance (equal-weighted, capped).
    pub fn holds_shares(self) -> bool {
        matches!(self, Method::EqualWeighted | Method::Capped(_))
    }

    /// Whether the method needs share counts (cap-weighted, capped).
    pub fn needs_shares(self) -> bool {
        matches!(self, Method::CapWeighted | Method::Capped(_))
    }
}

/// One constituent price row of one date.
#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    /// The symbol.
    pub symbol: SymbolId,
    /// The close, `> 0`.
    pub price: Decimal,
    /// Shares outstanding (`≥ 0`), if the row has them.
    pub shares: Option<Decimal>,
    /// Investable-weight factor in `(0, 1]`, if the row has one.
    pub float: Option<Decimal>,
    /// Line of the row in the prices file (for messages).
    pub line: u64,
}

/// What a corporate action does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    /// New shares per old share (`2` for 2-for-1, `0.1` for 1-for-10).
    Split(Decimal),
    /// Cash per share; the previous close is reduced by it.
    SpecialDividend(Decimal),
    /// Ordinary cash per share; only the total-return index reinvests it.
    Dividend(Decimal),
}

/// A corporate action effective at the open of `date`.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    /// Effective date (the ex-date).
    pub date: NaiveDate,
    /// The symbol it applies to.
    pub symbol: SymbolId,
    /// What it does.
    pub kind: ActionKind,
    /// Line in the actions file (for messages).
    pub line: u64,
}

/// Everything the engine needs for one date of data.
#[derive(Clone, Copy, Debug)]
pub struct DayInput<'a> {
    /// The date.
    pub date: NaiveDate,
    /// The price rows of that date, sorted by symbol, one per symbol.
    pub quotes: &'a [Quote],
    /// Corporate actions effective at the open of that date.
    pub actions: &'a [Action],
    /// A divisor given for that date, if any.
    pub divisor: Option<Decimal>,
}

/// One method's figures for one date.
#[derive(Clone, Debug, PartialEq)]
pub struct MethodValue {
    /// The index level, unrounded.
    pub level: Decimal,
    /// The divisor in force after the close: `MV / level`.
    pub divisor: Decimal,
    /// The (gross) total-return level, when asked for.
    pub total_return: Option<Decimal>,
    /// The net total-return level (dividends reinvested after withholding tax), when asked for.
    pub net_total_return: Option<Decimal>,
}

/// The index on one date, one value per method in the order of [`IndexSpec::methods`].
#[derive(Clone, Debug, PartialEq)]
pub struct DayOutput {
    /// The index date.
    pub date: NaiveDate,
    /// Number of constituents (including a halted one carried at its last price).
    pub constituents: usize,
    /// One entry per method.
    pub values: Vec<MethodValue>,
}

/// Something the user should hear about that is not an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A listed member had no price on `date` and keeps its last close (reported once per symbol).
    CarriedForward {
        /// The member.
        symbol: SymbolId,
        /// The first date it was carried.
        date: NaiveDate,
        /// The date of the close it keeps.
        since: NaiveDate,
    },
    /// A listed member has no price yet on `date` and is left out until its first price
    /// (reported once per symbol).
    NotYetPriced {
        /// The member.
        symbol: SymbolId,
        /// The first index date it was missing.
        date: NaiveDate,
    },
    /// At the weight-cap review after the close of `date`, a member's weight stays above the
    /// cap even with its capping ratio at the floor of 0.1 (reported once per symbol and date).
    WeightCapUnmet {
        /// The member.
        symbol: SymbolId,
        /// The index date of the review.
        date: NaiveDate,
    },
}

/// A calculation that cannot go on. Symbols are ids; the caller names them.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CalcError {
    /// A checked decimal operation overflowed.
    #[error("arithmetic overflow on {date} while computing {what}")]
    Overflow {
        /// The date being computed.
        date: NaiveDate,
        /// Which quantity.
        what: &'static str,
    },
    /// Every constituent has zero index shares (or a given divisor is zero).
    #[error("the index market value is zero on {date}: every constituent has 0 shares")]
    ZeroMarketValue {
        /// The date.
        date: NaiveDate,
    },
    /// Cap-weighted needs shares for every constituent.
    #[error("no share count for a constituent on {date} (line {line})")]
    MissingShares {
        /// The date.
        date: NaiveDate,
        /// The constituent.
        symbol: SymbolId,
        /// Line of its price row.
        line: u64,
    },
    /// An action names a symbol that has no price row on its date.
    #[error("action for a symbol with no price on {date} (actions line {line})")]
    ActionWithoutPrice {
        /// The action's date.
        date: NaiveDate,
        /// The symbol.
        symbol: SymbolId,
        /// Line in the actions file.
        line: u64,
    },
    /// A special dividend at least as large as the previous close.
    #[error("special dividend not below the previous close on {date} (actions line {line})")]
    DividendExceedsPrice {
        /// The action's date.
        date: NaiveDate,
        /// The symbol.
        symbol: SymbolId,
        /// Line in the actions file.
        line: u64,
        /// The previous close.
        previous_close: Decimal,
    },
    /// `--base-date` names a date on which the index has no constituent.
    #[error("the base date {base} is not an index date")]
    BaseDateNotIndexDate {
        /// The requested base date.
        base: NaiveDate,
        /// The last index date before it, if any.
        before: Option<NaiveDate>,
        /// The first index date after it, if any.
        after: Option<NaiveDate>,
    },
    /// No capped weighting meets the cap rule on a rebalance date.
    #[error("no weighting of the {members} constituents of {date} meets the cap rule")]
    CapInfeasible {
        /// The rebalance (or base) date.
        date: NaiveDate,
        /// Constituents with a positive market cap.
        members: usize,
        /// The cap.
        cap: Decimal,
        /// Whether the single cap could be met and the aggregate rule could not.
        aggregate: bool,
    },
    /// No date on or after the base date has a constituent.
    #[error("no index date: no constituent has a price on or after the base date")]
    NoIndexDate,
}

/// A membership period: start and end, inclusive, `None` open.
pub type Period = (Option<NaiveDate>, Option<NaiveDate>);

/// Periods of index membership: `symbol → [start, end]` ranges, dates inclusive, `None` open.
#[derive(Clone, Debug, Default)]
pub struct MemberList {
    periods: HashMap<SymbolId, Vec<Period>>,
    order: Vec<SymbolId>,
}

impl MemberList {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a membership period for `symbol` (several periods per symbol are allowed).
    pub fn add(&mut self, symbol: SymbolId, start: Option<NaiveDate>, end: Option<NaiveDate>) {
        let periods = self.periods.entry(symbol).or_default();
        if periods.is_empty() {
            self.order.push(symbol);
            self.order.sort_unstable();
        }
        periods.push((start, end));
    }

    /// Whether `symbol` appears on the list at all.
    pub fn contains(&self, symbol: SymbolId) -> bool {
        self.periods.contains_key(&symbol)
    }

    /// Whether `symbol` is a member on `date`.
    pub fn is_member(&self, symbol: SymbolId, date: NaiveDate) -> bool {
        self.periods.get(&symbol).is_some_and(|ps| {
            ps.iter()
                .any(|&(s, e)| s.is_none_or(|s| s <= date) && e.is_none_or(|e| date <= e))
        })
    }

    /// The membership periods of `symbol`.
    pub fn periods(&self, symbol: SymbolId) -> &[Period] {
        self.periods.get(&symbol).map_or(&[], |v| v.as_slice())
    }

    /// All listed symbols, ascending.
    pub fn symbols(&self) -> &[SymbolId] {
        &self.order
    }
}

/// Share counts effective from a date until the symbol's next entry (the `--shares` file).
#[derive(Clone, Debug, Default)]
pub struct SharesSchedule {
    entries: HashMap<SymbolId, Vec<ShareEntry>>,
}

/// One entry of a [`SharesSchedule`].
#[derive(Clone, Debug, PartialEq)]
pub struct ShareEntry {
    /// Effective from this date; `None`: always.
    pub from: Option<NaiveDate>,
    /// Shares outstanding.
    pub shares: Decimal,
    /// Investable-weight factor, if given.
    pub float: Option<Decimal>,
}

impl SharesSchedule {
    /// An empty schedule.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an entry. Entries of a symbol may be added in any order.
    pub fn add(&mut self, symbol: SymbolId, entry: ShareEntry) {
        let v = self.entries.entry(symbol).or_default();
        let at = v.partition_point(|e| e.from <= entry.from);
        v.insert(at, entry);
    }

    /// The entry in force for `symbol` on `date`: the last one whose date is on or before it.
    pub fn lookup(&self, symbol: SymbolId, date: NaiveDate) -> Option<&ShareEntry> {
        let v = self.entries.get(&symbol)?;
        let n = v.partition_point(|e| e.from.is_none_or(|f| f <= date));
        n.checked_sub(1).map(|i| &v[i])
    }

    /// Whether two entries of `symbol` share the same effective date.
    pub fn duplicate_dates(&self) -> Option<(SymbolId, Option<NaiveDate>)> {
        self.entries.iter().find_map(|(&s, v)| {
            v.windows(2)
                .find(|w| w[0].from == w[1].from)
                .map(|w| (s, w[0].from))
        })
    }
}

/// Nikkei-style price adjustment factors and capping ratios (the `--factors` file): for each
/// symbol, rows in force from their date (or from the start) until the symbol's next row.
#[derive(Clone, Debug, Default)]
pub struct FactorSchedule {
    entries: HashMap<SymbolId, Vec<FactorEntry>>,
    first_lines: Vec<(SymbolId, u64)>,
}

/// One row of a [`FactorSchedule`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FactorEntry {
    /// In force from the open of this date; `None`: from the start.
    pub from: Option<NaiveDate>,
    /// The price adjustment factor (PAF), `> 0`.
    pub factor: Decimal,
    /// The capping ratio, in `(0, 1]`.
    pub cap_ratio: Decimal,
}

impl FactorSchedule {
    /// An empty schedule.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a row, read from line `line` of its file. Rows of a symbol may be added in any
    /// order.
    pub fn add(&mut self, symbol: SymbolId, entry: FactorEntry, line: u64) {
        let v = self.entries.entry(symbol).or_default();
        if v.is_empty() {
            self.first_lines.push((symbol, line));
        }
        let at = v.partition_point(|e| e.from <= entry.from);
        v.insert(at, entry);
    }

    /// Each symbol of the schedule with the line of its first row, in file order.
    pub fn first_lines(&self) -> &[(SymbolId, u64)] {
        &self.first_lines
    }

    /// The row in force for `symbol` on `date`: the last one whose date is on or before it.
    pub fn lookup(&self, symbol: SymbolId, date: NaiveDate) -> Option<&FactorEntry> {
        let v = self.entries.get(&symbol)?;
        let n = v.partition_point(|e| e.from.is_none_or(|f| f <= date));
        n.checked_sub(1).map(|i| &v[i])
    }
}

#[cfg(test)]
mod tests;
