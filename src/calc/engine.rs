//! The date-by-date index engine: one pass over the dates computes every requested method.

use super::{
    CalcError, DayInput, DayOutput, FactorSchedule, MemberList, Method, Notice, Rebalance,
    SharesSchedule, SymbolId,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

mod actions;
mod arith;
mod day;
mod factors;
mod rebalance;
mod weight_cap;

use actions::combine_actions;
use arith::{mul, overflow};

/// Significant digits of equal-weight index shares.
pub const EQUAL_WEIGHT_SHARE_DIGITS: u32 = 15;

/// What to compute.
#[derive(Clone, Debug)]
pub struct IndexSpec {
    /// The methods, computed side by side in this order.
    pub methods: Vec<Method>,
    /// The base date; `None`: the first date with a constituent.
    pub base_date: Option<NaiveDate>,
    /// The level on the base date; `None`: 100 (cap/equal), the average price (price-weighted).
    pub base_value: Option<Decimal>,
    /// A divisor given for the base date (`--divisor`): the base level is then `MV / divisor`.
    pub base_divisor: Option<Decimal>,
    /// Equal-weight rebalancing schedule.
    pub rebalance: Rebalance,
    /// Which total-return indices to compute as well (gross, net, both or none).
    pub total_return: TotalReturn,
    /// The member list; `None`: the rows of a date are its constituents.
    pub members: Option<MemberList>,
    /// Share counts that override the prices file's `shares` column.
    pub shares: Option<SharesSchedule>,
    /// Nikkei-style price adjustment factors and capping ratios (`--factors`; price-weighted
    /// only): `q = PAF × capping ratio`, and a split multiplies the PAF instead of moving the
    /// divisor. `None`: `q = 1` and the divisor absorbs a split (the Dow's rule).
    pub factors: Option<FactorSchedule>,
    /// Nikkei-style weight cap on the `--factors` capping ratios (`--weight-cap`), lowered at
    /// each review date in steps of 0.1; `None`: capping ratios come only from the file.
    pub weight_cap: Option<WeightCap>,
}

impl IndexSpec {
    /// `methods` with every option at its default: base on the first date (100, or the average
    /// price for price-weighted), quarterly equal-weight rebalancing, no total return, the rows of
    /// a date as its constituents, the prices file's shares, no factors.
    pub fn new(methods: Vec<Method>) -> Self {
        IndexSpec {
            methods,
            base_date: None,
            base_value: None,
            base_divisor: None,
            rebalance: Rebalance::Quarterly,
            total_return: TotalReturn::NONE,
            members: None,
            shares: None,
            factors: None,
            weight_cap: None,
        }
    }
}

/// A weight cap reviewed on given dates ([`IndexSpec::weight_cap`], in `weight_cap.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightCap {
    /// The largest price weight a member may keep, in `(0, 1]`.
    pub cap: Decimal,
    /// The review dates, ascending: each reviews the last index date on or before it, after
    /// its close.
    pub review_dates: Vec<NaiveDate>,
}

/// Which total-return indices to compute beside the price index. Both reinvest ordinary
/// dividends on the ex-date (S&P's form, in the module docs of [`crate::calc`]); they differ in
/// how much of each dividend they reinvest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TotalReturn {
    /// Gross total return: every ordinary dividend reinvested in full.
    pub gross: bool,
    /// Net total return with this withholding tax rate `w` (in `[0, 1)`): `(1 − w)` of every
    /// ordinary dividend reinvested, as S&P and MSCI compute their net indices.
    pub net: Option<Decimal>,
}

impl TotalReturn {
    /// No total-return index.
    pub const NONE: TotalReturn = TotalReturn {
        gross: false,
        net: None,
    };
    /// The gross total-return index only (`--total-return`).
    pub const GROSS: TotalReturn = TotalReturn {
        gross: true,
        net: None,
    };
}

/// Per-symbol state carried from one date to the next.
#[derive(Clone, Debug, Default)]
struct SymState {
    /// Number (1-based) of the last date this symbol had a price (actual or carried); 0: never.
    seen: u32,
    /// Its last price.
    price: Decimal,
    /// Date of its last actual price row.
    price_date: Option<NaiveDate>,
    shares: Option<Decimal>,
    float: Option<Decimal>,
    line: u64,
    noticed_halt: bool,
    noticed_unpriced: bool,
}

/// A constituent of the date being computed.
#[derive(Clone, Debug)]
struct Cons {
    symbol: SymbolId,
    price: Decimal,
    /// The previous close restated for today's actions, if it had a price at t−1.
    prev: Option<Decimal>,
    split: Decimal,
    /// Whether an action of today touches it (split, dividends).
    acted: bool,
    dividend: Decimal,
    shares: Option<Decimal>,
    float: Option<Decimal>,
    line: u64,
    /// Nikkei-style index shares `PAF × capping ratio` (1 without `--factors`).
    factor: Decimal,
}

#[derive(Clone, Debug)]
struct MethodState {
    method: Method,
    level: Decimal,
    divisor: Decimal,
    /// `MV(t−1)`: the index market value at the previous close.
    mv: Decimal,
    total_return: Option<Decimal>,
    net_total_return: Option<Decimal>,
    /// Equal-weighted or capped index shares of the previous date's constituents, by symbol.
    q: Vec<Option<Decimal>>,
}

/// The engine. Feed it every date of the data in ascending order with [`Engine::push`].
#[derive(Debug)]
pub struct Engine {
    spec: IndexSpec,
    day: u32,
    prev_date: Option<NaiveDate>,
    last_constituent_date: Option<NaiveDate>,
    started: bool,
    syms: Vec<SymState>,
    methods: Vec<MethodState>,
    prev_cons: Vec<SymbolId>,
    snapshot: Option<Vec<(SymbolId, Decimal)>>,
    /// Float-adjusted market caps of `prev_cons` at the reference date (capped, with a lag).
    snapshot_caps: Option<Vec<(SymbolId, Decimal)>>,
    notices: Vec<Notice>,
    cons: Vec<Cons>,
    q: Vec<Decimal>,
    keep_holdings: bool,
    holdings: Vec<Vec<Holding>>,
    /// Each symbol's price adjustment factor in force, with `--factors`.
    paf: Vec<Option<factors::Paf>>,
    /// Capping ratios set by weight-cap reviews, by symbol (see `weight_cap.rs`).
    review_cr: Vec<Option<weight_cap::ReviewedCr>>,
    /// The last index date's members for the next weight-cap review.
    review_basis: Option<weight_cap::Basis>,
}

/// A constituent's position in the index on a date (see [`Engine::holdings`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holding {
    /// The constituent.
    pub symbol: SymbolId,
    /// Its close (or the last close it is carried at).
    pub price: Decimal,
    /// Its index shares `q`.
    pub index_shares: Decimal,
    /// Its value in the index, `q · p`; its weight is this over the sum of all values.
    pub value: Decimal,
    /// Its previous close restated for the date's splits and special dividends, `p̃(t−1)`, if
    /// it had a close at `t−1` (a member of `A(t)`); `None` for a constituent entering at its
    /// first close.
    pub previous: Option<Decimal>,
}

impl Engine {
    /// A new engine for `spec`.
    pub fn new(spec: IndexSpec) -> Self {
        let methods = spec
            .methods
            .iter()
            .map(|&method| MethodState {
                method,
                level: Decimal::ZERO,
                divisor: Decimal::ZERO,
                mv: Decimal::ZERO,
                total_return: None,
                net_total_return: None,
                q: Vec::new(),
            })
            .collect();
        Engine {
            spec,
            day: 0,
            prev_date: None,
            last_constituent_date: None,
            started: false,
            syms: Vec::new(),
            methods,
            prev_cons: Vec::new(),
            snapshot: None,
            snapshot_caps: None,
            notices: Vec::new(),
            cons: Vec::new(),
            q: Vec::new(),
            keep_holdings: false,
            holdings: Vec::new(),
            paf: Vec::new(),
            review_cr: Vec::new(),
            review_basis: None,
        }
    }

    /// Keeps each date's [`Holding`]s so that [`Engine::holdings`] can answer (for weights).
    pub fn keep_holdings(&mut self, keep: bool) {
        self.keep_holdings = keep;
        self.holdings = vec![Vec::new(); self.methods.len()];
    }

    /// The constituents of method `m` (index into [`IndexSpec::methods`]) on the last date
    /// [`Engine::push`] returned an output for, when [`Engine::keep_holdings`] is on; sorted
    /// by symbol id.
    pub fn holdings(&self, m: usize) -> &[Holding] {
        self.holdings.get(m).map_or(&[], |h| h.as_slice())
    }

    fn record_holdings(&mut self, m: usize, date: NaiveDate) -> Result<(), CalcError> {
        if !self.keep_holdings {
            return Ok(());
        }
        let mut h = std::mem::take(&mut self.holdings[m]);
        h.clear();
        for (c, &q) in self.cons.iter().zip(&self.q) {
            h.push(Holding {
                symbol: c.symbol,
                price: c.price,
                index_shares: q,
                value: mul(q, c.price, date, "a constituent's value")?,
                previous: c.prev,
            });
        }
        self.holdings[m] = h;
        Ok(())
    }

    /// The specification being computed.
    pub fn spec(&self) -> &IndexSpec {
        &self.spec
    }

    /// Takes the notices produced so far.
    pub fn take_notices(&mut self) -> Vec<Notice> {
        std::mem::take(&mut self.notices)
    }

    /// Checks, after the last date, that the index had a base date.
    pub fn finish(&self) -> Result<(), CalcError> {
        if self.started {
            return Ok(());
        }
        match self.spec.base_date {
            Some(base) => Err(CalcError::BaseDateNotIndexDate {
                base,
                before: self.last_constituent_date,
                after: None,
            }),
            None => Err(CalcError::NoIndexDate),
        }
    }

    /// Whether `symbol` has had a price row so far.
    pub fn priced(&self, symbol: SymbolId) -> bool {
        self.syms
            .get(symbol as usize)
            .is_some_and(|st| st.price_date.is_some())
    }

    fn sym(&mut self, s: SymbolId) -> &mut SymState {
        let i = s as usize;
        if i >= self.syms.len() {
            self.syms.resize(i + 1, SymState::default());
        }
        &mut self.syms[i]
    }

    fn had_price_yesterday(&self, s: SymbolId) -> Option<Decimal> {
        self.syms
            .get(s as usize)
            .filter(|st| st.seen != 0 && st.seen + 1 == self.day)
            .map(|st| st.price)
    }

    /// Computes one date. Dates must come in ascending order. Returns `None` for a date before
    /// the base date or without constituents.
    pub fn push(&mut self, input: DayInput<'_>) -> Result<Option<DayOutput>, CalcError> {
        let date = input.date;
        self.day += 1;
        let adjs = combine_actions(input.quotes, input.actions)?;

        // Rebalances effective after the previous close (equal weight and capped).
        let held = self.methods.iter().any(|m| m.method.holds_shares());
        if let (Some(prev), true) = (self.prev_date, self.started && held) {
            if self.spec.rebalance.reference_between(prev, date) {
                self.snapshot = Some(self.yesterday_prices());
                self.snapshot_caps = self
                    .reference_caps(prev)?
                    .map(|caps| self.prev_cons.iter().copied().zip(caps).collect());
            }
            if self.spec.rebalance.effective_between(prev, date) {
                self.rebalance_equal_weight(prev)?;
                self.snapshot = None;
                self.snapshot_caps = None;
            }
        }
        if let Some(snap) = &mut self.snapshot {
            for a in &adjs {
                if let Ok(i) = snap.binary_search_by_key(&a.symbol, |x| x.0) {
                    let p = (snap[i].1 - a.special)
                        .checked_div(a.split)
                        .ok_or_else(|| overflow(date, "a reference close"))?;
                    snap[i].1 = p;
                }
            }
        }

        self.review_weight_cap(date)?;
        self.collect_constituents(&input, &adjs)?;
        self.apply_factors(date, &adjs)?;
        let starting = !self.started
            && match self.spec.base_date {
                Some(base) if date > base => {
                    return Err(CalcError::BaseDateNotIndexDate {
                        base,
                        before: self.last_constituent_date,
                        after: (!self.cons.is_empty()).then_some(date),
                    })
                }
                Some(base) if date == base && self.cons.is_empty() => {
                    return Err(CalcError::BaseDateNotIndexDate {
                        base,
                        before: self.last_constituent_date,
                        after: None,
                    })
                }
                Some(base) => date == base,
                None => !self.cons.is_empty(),
            };
        if !self.cons.is_empty() {
            self.last_constituent_date = Some(date);
        }

        let output = if starting {
            self.started = true;
            let mut values = Vec::with_capacity(self.methods.len());
            for m in 0..self.methods.len() {
                values.push(self.start_method(m, date, input.divisor)?);
            }
            Some(DayOutput {
                date,
                constituents: self.cons.len(),
                values,
            })
        } else if self.started && !self.cons.is_empty() {
            let mut values = Vec::with_capacity(self.methods.len());
            for m in 0..self.methods.len() {
                values.push(self.step_method(m, date, input.divisor)?);
            }
            Some(DayOutput {
                date,
                constituents: self.cons.len(),
                values,
            })
        } else {
            None
        };

        if output.is_some() {
            self.keep_review_basis(date)?;
        }
        self.commit(&input);
        Ok(output)
    }

    fn yesterday_prices(&self) -> Vec<(SymbolId, Decimal)> {
        self.syms
            .iter()
            .enumerate()
            .filter(|(_, st)| st.seen != 0 && st.seen + 1 == self.day)
            .map(|(i, st)| (i as SymbolId, st.price))
            .collect()
    }

    /// Records today's prices and constituents for tomorrow.
    fn commit(&mut self, input: &DayInput<'_>) {
        let day = self.day;
        let carried: Vec<SymbolId> = self.cons.iter().map(|c| c.symbol).collect();
        for q in input.quotes {
            let st = self.sym(q.symbol);
            st.seen = day;
            st.price = q.price;
            st.price_date = Some(input.date);
            st.shares = q.shares;
            st.float = q.float;
            st.line = q.line;
        }
        for &s in &carried {
            self.sym(s).seen = day;
        }
        if self.started && !carried.is_empty() {
            self.prev_cons = carried;
        }
        self.prev_date = Some(input.date);
    }
}

#[cfg(test)]
mod tests;
