//! The date-by-date index engine: one pass over the dates computes every requested method.

use super::{
    Action, ActionKind, CalcError, DayInput, DayOutput, MemberList, Method, MethodValue, Notice,
    Quote, Rebalance, SharesSchedule, SymbolId,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

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
    /// Whether to compute the total-return index as well.
    pub total_return: bool,
    /// The member list; `None`: the rows of a date are its constituents.
    pub members: Option<MemberList>,
    /// Share counts that override the prices file's `shares` column.
    pub shares: Option<SharesSchedule>,
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
}

/// Today's combined actions of one symbol.
#[derive(Clone, Copy, Debug)]
struct Adj {
    symbol: SymbolId,
    split: Decimal,
    special: Decimal,
    dividend: Decimal,
    special_line: u64,
}

#[derive(Clone, Debug)]
struct MethodState {
    method: Method,
    level: Decimal,
    divisor: Decimal,
    /// `MV(t−1)`: the index market value at the previous close.
    mv: Decimal,
    total_return: Option<Decimal>,
    /// Equal-weighted index shares of the previous date's constituents, by symbol.
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
    notices: Vec<Notice>,
    cons: Vec<Cons>,
    q: Vec<Decimal>,
    keep_holdings: bool,
    holdings: Vec<Vec<Holding>>,
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
}

fn overflow(date: NaiveDate, what: &'static str) -> CalcError {
    CalcError::Overflow { date, what }
}

fn mul(a: Decimal, b: Decimal, date: NaiveDate, what: &'static str) -> Result<Decimal, CalcError> {
    a.checked_mul(b).ok_or_else(|| overflow(date, what))
}

fn div(a: Decimal, b: Decimal, date: NaiveDate, what: &'static str) -> Result<Decimal, CalcError> {
    a.checked_div(b).ok_or_else(|| overflow(date, what))
}

fn add(a: Decimal, b: Decimal, date: NaiveDate, what: &'static str) -> Result<Decimal, CalcError> {
    a.checked_add(b).ok_or_else(|| overflow(date, what))
}

/// Sums non-negative terms so that the result does not depend on their order (and so not on the
/// order of the input rows). Terms with at most [`EXACT_SCALE`] decimals are added exactly as
/// integer mantissas; the others (28-digit quotients such as a price divided by a split ratio
/// of 3) are then added one by one in ascending order. Either way the order is fixed by the
/// values alone.
fn canonical_sum(
    terms: &mut [Decimal],
    date: NaiveDate,
    what: &'static str,
) -> Result<Decimal, CalcError> {
    if let Some(sum) = exact_sum(terms.iter().copied()) {
        return Ok(sum);
    }
    let short = |t: &Decimal| t.scale() <= EXACT_SCALE;
    let (mut total, rest): (Decimal, &mut [Decimal]) =
        match exact_sum(terms.iter().copied().filter(short)) {
            Some(sum) => {
                // Move the long terms to the front and add them after the short ones.
                let mut k = 0;
                for i in 0..terms.len() {
                    if !short(&terms[i]) {
                        terms.swap(i, k);
                        k += 1;
                    }
                }
                (sum, &mut terms[..k])
            }
            None => (Decimal::ZERO, terms),
        };
    rest.sort_unstable();
    for t in rest.iter() {
        total = add(total, *t, date, what)?;
    }
    Ok(total)
}

/// Terms with at most this many decimals are summed exactly by [`canonical_sum`].
const EXACT_SCALE: u32 = 12;

/// The exact sum of `terms` as integer mantissas at their largest scale, if it fits.
fn exact_sum(terms: impl Iterator<Item = Decimal> + Clone) -> Option<Decimal> {
    let scale = terms.clone().map(|t| t.scale()).max().unwrap_or(0);
    let mut total: i128 = 0;
    for t in terms {
        let m = t.mantissa();
        let m = match scale - t.scale() {
            0 => m,
            k => m.checked_mul(10i128.checked_pow(k)?)?,
        };
        total = total.checked_add(m)?;
    }
    // A Decimal's mantissa has 96 bits.
    (total.unsigned_abs() < (1u128 << 96)).then(|| Decimal::from_i128_with_scale(total, scale))
}

/// Significant digits of equal-weight index shares.
pub const EQUAL_WEIGHT_SHARE_DIGITS: u32 = 15;

/// Rounds equal-weight index shares `K / (N·p)` to [`EQUAL_WEIGHT_SHARE_DIGITS`] significant
/// digits, as a provider holds a rounded number of shares: values then differ from exactly
/// equal by under 1e-14 relative, the divisor absorbs the rounding, and every `q·p` is a short
/// exact decimal (fast, exact sums).
fn index_shares_rounded(q: Decimal) -> Decimal {
    q.round_sf(EQUAL_WEIGHT_SHARE_DIGITS).unwrap_or(q)
}

/// Whether two market values are equal up to the residue of 28-digit arithmetic (1e-24
/// relative): far below any real event, which moves a market value by a whole share or cent.
fn same_value(a: Decimal, b: Decimal) -> bool {
    a == b || (a - b).abs() <= b.abs() * Decimal::new(1, 24)
}

/// `a · b / c`, multiplying first for exactness and dividing first if that overflows.
fn mul_div(
    a: Decimal,
    b: Decimal,
    c: Decimal,
    date: NaiveDate,
    what: &'static str,
) -> Result<Decimal, CalcError> {
    match a.checked_mul(b) {
        Some(ab) => div(ab, c, date, what),
        None => mul(a, div(b, c, date, what)?, date, what),
    }
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
            notices: Vec::new(),
            cons: Vec::new(),
            q: Vec::new(),
            keep_holdings: false,
            holdings: Vec::new(),
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

        // Rebalances effective after the previous close (equal weight only).
        let equal = self
            .methods
            .iter()
            .any(|m| m.method == Method::EqualWeighted);
        if let (Some(prev), true) = (self.prev_date, self.started && equal) {
            if self.spec.rebalance.reference_between(prev, date) {
                self.snapshot = Some(self.yesterday_prices());
            }
            if self.spec.rebalance.effective_between(prev, date) {
                self.rebalance_equal_weight(prev)?;
                self.snapshot = None;
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

        self.collect_constituents(&input, &adjs)?;
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

    /// Builds `self.cons` for today: who is in the index and at what price.
    fn collect_constituents(
        &mut self,
        input: &DayInput<'_>,
        adjs: &[Adj],
    ) -> Result<(), CalcError> {
        let date = input.date;
        let mut cons = std::mem::take(&mut self.cons);
        cons.clear();
        let announce = self.started || self.spec.base_date.is_none_or(|b| date >= b);
        let members = self.spec.members.take();
        match &members {
            None => {
                for q in input.quotes {
                    cons.push(self.constituent(q.symbol, q.price, q.shares, q.float, q.line));
                }
            }
            Some(list) => {
                let mut quotes = input.quotes.iter().peekable();
                for &s in list.symbols() {
                    while quotes.next_if(|q| q.symbol < s).is_some() {}
                    let quote = quotes.next_if(|q| q.symbol == s);
                    if !list.is_member(s, date) {
                        continue;
                    }
                    if let Some(q) = quote {
                        cons.push(self.constituent(s, q.price, q.shares, q.float, q.line));
                        continue;
                    }
                    let st = self.syms.get(s as usize).cloned().unwrap_or_default();
                    if st.seen != 0 {
                        if announce && !st.noticed_halt {
                            self.sym(s).noticed_halt = true;
                            self.notices.push(Notice::CarriedForward {
                                symbol: s,
                                date,
                                since: st.price_date.unwrap_or(date),
                            });
                        }
                        cons.push(self.constituent(s, st.price, st.shares, st.float, st.line));
                    } else if announce && !st.noticed_unpriced {
                        self.sym(s).noticed_unpriced = true;
                        self.notices.push(Notice::NotYetPriced { symbol: s, date });
                    }
                }
            }
        }
        self.spec.members = members;
        for c in &mut cons {
            if let Ok(i) = adjs.binary_search_by_key(&c.symbol, |a| a.symbol) {
                let a = adjs[i];
                c.split = a.split;
                c.acted = true;
                c.dividend = a.dividend;
                if let Some(p) = c.prev {
                    if a.special >= p {
                        return Err(CalcError::DividendExceedsPrice {
                            date,
                            symbol: c.symbol,
                            line: a.special_line,
                            previous_close: p,
                        });
                    }
                    c.prev = Some(
                        (p - a.special)
                            .checked_div(a.split)
                            .ok_or_else(|| overflow(date, "a restated previous close"))?,
                    );
                }
            }
        }
        self.cons = cons;
        Ok(())
    }

    fn constituent(
        &self,
        symbol: SymbolId,
        price: Decimal,
        shares: Option<Decimal>,
        float: Option<Decimal>,
        line: u64,
    ) -> Cons {
        Cons {
            symbol,
            price,
            prev: self.had_price_yesterday(symbol),
            split: Decimal::ONE,
            acted: false,
            dividend: Decimal::ZERO,
            shares,
            float,
            line,
        }
    }

    /// Fills `self.q` with today's index shares of method `m` for the constituents that already
    /// have them; returns whether some (equal-weight entrants) still need theirs.
    fn index_shares(&mut self, m: usize, date: NaiveDate) -> Result<bool, CalcError> {
        let method = self.methods[m].method;
        self.q.clear();
        let mut pending = false;
        for c in &self.cons {
            let q =
                match method {
                    Method::PriceWeighted => Decimal::ONE,
                    Method::CapWeighted => {
                        let entry = self
                            .spec
                            .shares
                            .as_ref()
                            .and_then(|s| s.lookup(c.symbol, date));
                        let shares = entry.map(|e| e.shares).or(c.shares).ok_or(
                            CalcError::MissingShares {
                                date,
                                symbol: c.symbol,
                                line: c.line,
                            },
                        )?;
                        match entry.and_then(|e| e.float).or(c.float) {
                            Some(float) => mul(shares, float, date, "index shares")?,
                            None => shares,
                        }
                    }
                    Method::EqualWeighted => {
                        match self.methods[m].q.get(c.symbol as usize).copied().flatten() {
                            Some(q) if !c.acted || c.split == Decimal::ONE => q,
                            Some(q) => mul(q, c.split, date, "index shares after a split")?,
                            None => {
                                pending = true;
                                Decimal::ZERO
                            }
                        }
                    }
                };
            self.q.push(q);
        }
        Ok(pending)
    }

    fn start_method(
        &mut self,
        m: usize,
        date: NaiveDate,
        given: Option<Decimal>,
    ) -> Result<MethodValue, CalcError> {
        let method = self.methods[m].method;
        let base_value = self.spec.base_value;
        if method == Method::EqualWeighted {
            let k = base_value.unwrap_or(Decimal::ONE_HUNDRED);
            let n = Decimal::from(self.cons.len());
            self.q.clear();
            for c in &self.cons {
                let q = div(
                    k,
                    mul(n, c.price, date, "equal-weight shares")?,
                    date,
                    "equal-weight shares",
                )?;
                self.q.push(index_shares_rounded(q));
            }
        } else {
            self.index_shares(m, date)?;
        }
        let mv = self.market_value(date)?;
        let (level, divisor) = match (given.or(self.spec.base_divisor), method, base_value) {
            (Some(d), _, _) => (div(mv, d, date, "the level")?, d),
            (None, Method::PriceWeighted, None) => {
                let n = Decimal::from(self.cons.len());
                (div(mv, n, date, "the level")?, n)
            }
            (None, _, bv) => {
                let level = bv.unwrap_or(Decimal::ONE_HUNDRED);
                (level, div(mv, level, date, "the divisor")?)
            }
        };
        self.record_holdings(m, date)?;
        self.store_equal_weight_shares(m);
        let st = &mut self.methods[m];
        st.level = level;
        st.divisor = divisor;
        st.mv = mv;
        st.total_return = self.spec.total_return.then_some(level);
        Ok(MethodValue {
            level,
            divisor,
            total_return: st.total_return,
        })
    }

    fn market_value(&self, date: NaiveDate) -> Result<Decimal, CalcError> {
        let mut terms = Vec::with_capacity(self.cons.len());
        for (c, q) in self.cons.iter().zip(&self.q) {
            terms.push(mul(*q, c.price, date, "the market value")?);
        }
        let mv = canonical_sum(&mut terms, date, "the market value")?;
        if mv.is_zero() {
            return Err(CalcError::ZeroMarketValue { date });
        }
        Ok(mv)
    }

    fn store_equal_weight_shares(&mut self, m: usize) {
        if self.methods[m].method != Method::EqualWeighted {
            return;
        }
        let st = &mut self.methods[m];
        for &s in &self.prev_cons {
            if let Some(slot) = st.q.get_mut(s as usize) {
                *slot = None;
            }
        }
        for (c, q) in self.cons.iter().zip(&self.q) {
            let i = c.symbol as usize;
            if i >= st.q.len() {
                st.q.resize(i + 1, None);
            }
            st.q[i] = Some(*q);
        }
    }

    /// Gives equal-weight entrants the average value of the constituents carried over.
    fn price_entrants(&mut self, m: usize, date: NaiveDate) -> Result<(), CalcError> {
        let has_q = |s: SymbolId| {
            self.methods[m]
                .q
                .get(s as usize)
                .copied()
                .flatten()
                .is_some()
        };
        let (mut prev_terms, mut now_terms) = (Vec::new(), Vec::new());
        for (c, q) in self.cons.iter().zip(&self.q) {
            if !has_q(c.symbol) {
                continue;
            }
            now_terms.push(mul(*q, c.price, date, "entry value")?);
            if let Some(p) = c.prev {
                prev_terms.push(mul(*q, p, date, "entry value")?);
            }
        }
        let (n_prev, n_now) = (prev_terms.len(), now_terms.len());
        let sum_prev = canonical_sum(&mut prev_terms, date, "entry value")?;
        let sum_now = canonical_sum(&mut now_terms, date, "entry value")?;
        // Without constituents carried over, spread the previous market value evenly.
        let fallback = div(
            self.methods[m].mv,
            Decimal::from(self.cons.len()),
            date,
            "entry value",
        )?;
        let avg_prev = if n_prev > 0 {
            div(sum_prev, Decimal::from(n_prev), date, "entry value")?
        } else {
            fallback
        };
        let avg_now = if n_now > 0 {
            div(sum_now, Decimal::from(n_now), date, "entry value")?
        } else {
            fallback
        };
        for i in 0..self.cons.len() {
            let c = &self.cons[i];
            if has_q(c.symbol) {
                continue;
            }
            self.q[i] = match c.prev {
                Some(p) => index_shares_rounded(div(avg_prev, p, date, "entry shares")?),
                None => index_shares_rounded(div(avg_now, c.price, date, "entry shares")?),
            };
        }
        Ok(())
    }

    fn step_method(
        &mut self,
        m: usize,
        date: NaiveDate,
        given: Option<Decimal>,
    ) -> Result<MethodValue, CalcError> {
        if self.index_shares(m, date)? {
            self.price_entrants(m, date)?;
        }
        let n = self.cons.len();
        let (mut num, mut den, mut dividends) =
            (Vec::with_capacity(n), Vec::with_capacity(n), Vec::new());
        let mut all_in_a = true;
        let unit_shares = self.methods[m].method == Method::PriceWeighted;
        for (c, &q) in self.cons.iter().zip(&self.q) {
            let Some(prev) = c.prev else {
                all_in_a = false;
                continue;
            };
            if unit_shares {
                num.push(c.price);
                den.push(prev);
            } else {
                num.push(mul(q, c.price, date, "the index value")?);
                den.push(mul(q, prev, date, "the index value")?);
            }
            if c.acted && !c.dividend.is_zero() {
                dividends.push(mul(q, c.dividend, date, "index dividends")?);
            }
        }
        let num = canonical_sum(&mut num, date, "the index value")?;
        let den = canonical_sum(&mut den, date, "the index value")?;
        let dividends = canonical_sum(&mut dividends, date, "index dividends")?;
        let mv = if all_in_a {
            num
        } else {
            self.market_value(date)?
        };
        if mv.is_zero() {
            return Err(CalcError::ZeroMarketValue { date });
        }
        let st = &self.methods[m];
        let (level, divisor, carried_divisor) = if let Some(d) = given {
            (div(mv, d, date, "the level")?, d, d)
        } else if den.is_zero() {
            // No constituent has a previous close: nothing to measure a return with.
            (
                st.level,
                div(mv, st.level, date, "the divisor")?,
                st.divisor,
            )
        } else {
            let d_a = if same_value(den, st.mv) {
                st.divisor
            } else {
                mul_div(st.divisor, den, st.mv, date, "the divisor")?
            };
            let level = div(num, d_a, date, "the level")?;
            let divisor = if all_in_a {
                d_a
            } else {
                div(mv, level, date, "the divisor")?
            };
            (level, divisor, d_a)
        };
        let total_return = match st.total_return {
            Some(tr) => {
                let points = if dividends.is_zero() {
                    Decimal::ZERO
                } else {
                    div(dividends, carried_divisor, date, "index dividend points")?
                };
                let top = add(level, points, date, "the total return")?;
                Some(mul_div(tr, top, st.level, date, "the total return")?)
            }
            None => None,
        };
        self.record_holdings(m, date)?;
        self.store_equal_weight_shares(m);
        let st = &mut self.methods[m];
        st.level = level;
        st.divisor = divisor;
        st.mv = mv;
        st.total_return = total_return;
        Ok(MethodValue {
            level,
            divisor,
            total_return,
        })
    }

    /// Resets equal-weighted index shares after the close of `prev` (the effective date).
    fn rebalance_equal_weight(&mut self, prev: NaiveDate) -> Result<(), CalcError> {
        if self.prev_cons.is_empty() {
            return Ok(());
        }
        let n = Decimal::from(self.prev_cons.len());
        let refs: Vec<Decimal> = self
            .prev_cons
            .iter()
            .map(|&s| {
                self.snapshot
                    .as_ref()
                    .and_then(|snap| {
                        snap.binary_search_by_key(&s, |x| x.0)
                            .ok()
                            .map(|i| snap[i].1)
                    })
                    .unwrap_or(self.syms[s as usize].price)
            })
            .collect();
        for st in self
            .methods
            .iter_mut()
            .filter(|st| st.method == Method::EqualWeighted)
        {
            let mut terms = Vec::with_capacity(refs.len());
            for (&s, &r) in self.prev_cons.iter().zip(&refs) {
                let q = st.q.get(s as usize).copied().flatten().unwrap_or_default();
                terms.push(mul(q, r, prev, "the rebalance")?);
            }
            let k = canonical_sum(&mut terms, prev, "the rebalance")?;
            for (&s, &r) in self.prev_cons.iter().zip(&refs) {
                let q = div(k, mul(n, r, prev, "the rebalance")?, prev, "the rebalance")?;
                let q = index_shares_rounded(q);
                if let Some(slot) = st.q.get_mut(s as usize) {
                    *slot = Some(q);
                }
            }
        }
        Ok(())
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

/// Checks that every action has a price row and combines a symbol's actions of the day.
fn combine_actions(quotes: &[Quote], actions: &[Action]) -> Result<Vec<Adj>, CalcError> {
    let mut adjs: Vec<Adj> = Vec::with_capacity(actions.len());
    for a in actions {
        if quotes
            .binary_search_by_key(&a.symbol, |q| q.symbol)
            .is_err()
        {
            return Err(CalcError::ActionWithoutPrice {
                date: a.date,
                symbol: a.symbol,
                line: a.line,
            });
        }
        let i = match adjs.binary_search_by_key(&a.symbol, |x| x.symbol) {
            Ok(i) => i,
            Err(i) => {
                adjs.insert(
                    i,
                    Adj {
                        symbol: a.symbol,
                        split: Decimal::ONE,
                        special: Decimal::ZERO,
                        dividend: Decimal::ZERO,
                        special_line: a.line,
                    },
                );
                i
            }
        };
        let adj = &mut adjs[i];
        let ovf = || overflow(a.date, "combined corporate actions");
        match a.kind {
            ActionKind::Split(r) => adj.split = adj.split.checked_mul(r).ok_or_else(ovf)?,
            ActionKind::SpecialDividend(x) => {
                adj.special = adj.special.checked_add(x).ok_or_else(ovf)?;
                adj.special_line = a.line;
            }
            ActionKind::Dividend(x) => {
                adj.dividend = adj.dividend.checked_add(x).ok_or_else(ovf)?
            }
        }
    }
    Ok(adjs)
}

#[cfg(test)]
mod tests {
    //! One test per formula or rule of the module docs, on hand-made data. Every expected
    //! number is worked out by hand in the comment next to it and compared exactly.

    use super::*;
    use crate::calc::DayInput;

    const A: SymbolId = 0;
    const B: SymbolId = 1;
    const C: SymbolId = 2;
    const X: SymbolId = 3;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn n(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn spec(methods: &[Method]) -> IndexSpec {
        IndexSpec {
            methods: methods.to_vec(),
            base_date: None,
            base_value: None,
            base_divisor: None,
            rebalance: Rebalance::Quarterly,
            total_return: false,
            members: None,
            shares: None,
        }
    }

    fn ew(rebalance: Rebalance) -> Engine {
        Engine::new(IndexSpec {
            rebalance,
            ..spec(&[Method::EqualWeighted])
        })
    }

    /// A price row without shares; its line is `100 + symbol`.
    fn px(symbol: SymbolId, price: &str) -> Quote {
        Quote {
            symbol,
            price: n(price),
            shares: None,
            float: None,
            line: 100 + u64::from(symbol),
        }
    }

    /// A price row with shares.
    fn cap(symbol: SymbolId, price: &str, shares: &str) -> Quote {
        Quote {
            shares: Some(n(shares)),
            ..px(symbol, price)
        }
    }

    fn act(date: &str, symbol: SymbolId, kind: ActionKind, line: u64) -> Action {
        Action {
            date: d(date),
            symbol,
            kind,
            line,
        }
    }

    fn push_full(
        e: &mut Engine,
        date: &str,
        quotes: &[Quote],
        actions: &[Action],
        divisor: Option<&str>,
    ) -> Result<Option<DayOutput>, CalcError> {
        e.push(DayInput {
            date: d(date),
            quotes,
            actions,
            divisor: divisor.map(n),
        })
    }

    /// Pushes a date that must produce an index value.
    fn day(e: &mut Engine, date: &str, quotes: &[Quote], actions: &[Action]) -> DayOutput {
        push_full(e, date, quotes, actions, None)
            .unwrap()
            .expect("an index date")
    }

    /// (level, divisor) of method `m`.
    fn ld(out: &DayOutput, m: usize) -> (Decimal, Decimal) {
        (out.values[m].level, out.values[m].divisor)
    }

    fn split(r: &str) -> ActionKind {
        ActionKind::Split(n(r))
    }

    #[test]
    fn price_weighted_base_divisor_is_the_number_of_constituents() {
        let mut e = Engine::new(spec(&[Method::PriceWeighted]));
        // ΣP = 10 + 20 + 30 = 60, D = N = 3, level = 60 / 3 = 20 (the average price).
        let out = day(
            &mut e,
            "2024-01-02",
            &[px(A, "10"), px(B, "20"), px(C, "30")],
            &[],
        );
        assert_eq!(ld(&out, 0), (n("20"), n("3")));
        assert_eq!(out.constituents, 3);
        assert_eq!(out.values[0].total_return, None);
    }

    #[test]
    fn cap_weighted_base_value_is_100() {
        let mut e = Engine::new(spec(&[Method::CapWeighted]));
        // q = shares × float: A 100 × 1 = 100, B 50 × 0.5 = 25.
        // MV = 100·10 + 25·20 = 1500; level 100; D = 1500 / 100 = 15.
        let mut b = cap(B, "20", "50");
        b.float = Some(n("0.5"));
        let out = day(&mut e, "2024-01-02", &[cap(A, "10", "100"), b.clone()], &[]);
        assert_eq!(ld(&out, 0), (n("100"), n("15")));
        // --base-value 1000: D = 1500 / 1000 = 1.5. Price-weighted with a base value too:
        // D = ΣP / 1000 = 30 / 1000 = 0.03.
        let mut e = Engine::new(IndexSpec {
            base_value: Some(n("1000")),
            ..spec(&[Method::CapWeighted, Method::PriceWeighted])
        });
        let out = day(&mut e, "2024-01-02", &[cap(A, "10", "100"), b], &[]);
        assert_eq!(ld(&out, 0), (n("1000"), n("1.5")));
        assert_eq!(ld(&out, 1), (n("1000"), n("0.03")));
    }

    #[test]
    fn divisor_is_unchanged_on_a_day_without_events() {
        let mut e = Engine::new(spec(&[Method::PriceWeighted, Method::CapWeighted]));
        // Day 1: PW ΣP = 30, D = 2, level 15. CW MV = 100·10 + 25·20 = 1500, D = 15, level 100.
        let out = day(
            &mut e,
            "2024-01-02",
            &[cap(A, "10", "100"), cap(B, "20", "25")],
            &[],
        );
        assert_eq!(ld(&out, 0), (n("15"), n("2")));
        assert_eq!(ld(&out, 1), (n("100"), n("15")));
        // Day 2, no event: PW 33 / 2 = 16.5; CW (100·13 + 25·20) / 15 = 1800 / 15 = 120.
        let out = day(
            &mut e,
            "2024-01-03",
            &[cap(A, "13", "100"), cap(B, "20", "25")],
            &[],
        );
        assert_eq!(ld(&out, 0), (n("16.5"), n("2")));
        assert_eq!(ld(&out, 1), (n("120"), n("15")));
        // Day 3, no event, a level that does not terminate: the divisor stays exactly 15.
        let out = day(
            &mut e,
            "2024-01-04",
            &[cap(A, "12", "100"), cap(B, "22", "25")],
            &[],
        );
        // CW (1200 + 550) / 15 = 116.666…
        assert_eq!(ld(&out, 1), (n("1750") / n("15"), n("15")));
        assert_eq!(out.values[1].divisor.to_string(), "15");
    }

    #[test]
    fn price_weighted_split_changes_the_divisor() {
        let mut e = Engine::new(spec(&[Method::PriceWeighted]));
        // ΣP = 100 + 60 + 30 + 10 = 200, D = 4, level 50.
        day(
            &mut e,
            "2024-02-23",
            &[px(A, "100"), px(B, "60"), px(C, "30"), px(X, "10")],
            &[],
        );
        // A splits 2-for-1: p̃(A) = 100 / 2 = 50, ΣP_post = 150.
        // D_new = D_old · ΣP_post / ΣP_pre = 4 · 150 / 200 = 3.
        // Level = (53 + 60 + 30 + 10) / 3 = 153 / 3 = 51 (the old divisor would give 38.25).
        let out = day(
            &mut e,
            "2024-02-26",
            &[px(A, "53"), px(B, "60"), px(C, "30"), px(X, "10")],
            &[act("2024-02-26", A, split("2"), 7)],
        );
        assert_eq!(ld(&out, 0), (n("51"), n("3")));
    }

    #[test]
    fn cap_weighted_split_with_multiplied_shares_keeps_the_divisor() {
        let mut e = Engine::new(spec(&[Method::CapWeighted]));
        // MV = 10·100 + 20·50 = 2000, D = 20, level 100.
        day(
            &mut e,
            "2024-01-02",
            &[cap(A, "100", "10"), cap(B, "50", "20")],
            &[],
        );
        // A 2-for-1: shares 10 → 20, p̃(A) = 50; Σ q·p̃ = 20·50 + 20·50 = 2000 = MV(t−1),
        // so D stays 20. Level = (20·51 + 20·50) / 20 = 2020 / 20 = 101.
        let out = day(
            &mut e,
            "2024-01-03",
            &[cap(A, "51", "20"), cap(B, "50", "20")],
            &[act("2024-01-03", A, split("2"), 2)],
        );
        assert_eq!(ld(&out, 0), (n("101"), n("20")));
    }

    #[test]
    fn share_change_moves_the_divisor_not_the_level() {
        let mut e = Engine::new(spec(&[Method::CapWeighted]));
        // MV = 10·100 + 20·50 = 2000, D = 20, level 100.
        day(
            &mut e,
            "2024-01-02",
            &[cap(A, "100", "10"), cap(B, "50", "20")],
            &[],
        );
        // A issues shares, 10 → 15, price unchanged: Σ q(t)·p(t−1) = 15·100 + 20·50 = 2500,
        // D = 20 · 2500 / 2000 = 25, level = 2500 / 25 = 100 (not 2500 / 20 = 125).
        let out = day(
            &mut e,
            "2024-01-03",
            &[cap(A, "100", "15"), cap(B, "50", "20")],
            &[],
        );
        assert_eq!(ld(&out, 0), (n("100"), n("25")));
        // The same change on a day the price moves: D = 25 as well, level = (15·110 + 20·50) / 25
        // = 2650 / 25 = 106 (the old divisor would give 132.5).
        let mut e = Engine::new(spec(&[Method::CapWeighted]));
        day(
            &mut e,
            "2024-01-02",
            &[cap(A, "100", "10"), cap(B, "50", "20")],
            &[],
        );
        let out = day(
            &mut e,
            "2024-01-03",
            &[cap(A, "110", "15"), cap(B, "50", "20")],
            &[],
        );
        assert_eq!(ld(&out, 0), (n("106"), n("25")));
        // The same change from a shares schedule (--shares FILE: A 10 always, 15 from 01-03),
        // with price rows that carry no shares.
        let mut shares = SharesSchedule::new();
        let entry = |from: Option<&str>, n_: &str| crate::calc::ShareEntry {
            from: from.map(d),
            shares: n(n_),
            float: None,
        };
        shares.add(A, entry(None, "10"));
        shares.add(A, entry(Some("2024-01-03"), "15"));
        shares.add(B, entry(None, "20"));
        let mut e = Engine::new(IndexSpec {
            shares: Some(shares),
            ..spec(&[Method::CapWeighted])
        });
        day(&mut e, "2024-01-02", &[px(A, "100"), px(B, "50")], &[]);
        let out = day(&mut e, "2024-01-03", &[px(A, "110"), px(B, "50")], &[]);
        assert_eq!(ld(&out, 0), (n("106"), n("25")));
    }

    #[test]
    fn special_dividend_restates_the_previous_close() {
        let mut e = Engine::new(spec(&[Method::PriceWeighted, Method::CapWeighted]));
        // PW ΣP = 160, D = 2, level 80. CW MV = 10·100 + 10·60 = 1600, D = 16, level 100.
        day(
            &mut e,
            "2024-01-02",
            &[cap(A, "100", "10"), cap(B, "60", "10")],
            &[],
        );
        // Special dividend of 20 on A: p̃(A) = 100 − 20 = 80, and A opens at 80.
        // PW: D = 2 · (80 + 60) / 160 = 1.75, level = 140 / 1.75 = 80 (no drop).
        // CW: D = 16 · (800 + 600) / 1600 = 14, level = 1400 / 14 = 100.
        let out = day(
            &mut e,
            "2024-01-03",
            &[cap(A, "80", "10"), cap(B, "60", "10")],
            &[act(
                "2024-01-03",
                A,
                ActionKind::SpecialDividend(n("20")),
                3,
            )],
        );
        assert_eq!(ld(&out, 0), (n("80"), n("1.75")));
        assert_eq!(ld(&out, 1), (n("100"), n("14")));
        // Next day A 87: PW (87 + 60) / 1.75 = 84; CW (870 + 600) / 14 = 105.
        let out = day(
            &mut e,
            "2024-01-04",
            &[cap(A, "87", "10"), cap(B, "60", "10")],
            &[],
        );
        assert_eq!(ld(&out, 0), (n("84"), n("1.75")));
        assert_eq!(ld(&out, 1), (n("105"), n("14")));
    }

    #[test]
    fn replacement_uses_the_entrants_previous_close() {
        let mut members = MemberList::new();
        members.add(A, None, Some(d("2024-01-02")));
        members.add(B, None, None);
        members.add(C, Some(d("2024-01-03")), None);
        let mut e = Engine::new(IndexSpec {
            members: Some(members),
            ..spec(&[Method::PriceWeighted])
        });
        // 01-02: members A, B (C trades but is not a member yet). ΣP = 160, D = 2, level 80.
        let out = day(
            &mut e,
            "2024-01-02",
            &[px(A, "100"), px(B, "60"), px(C, "40")],
            &[],
        );
        assert_eq!((ld(&out, 0), out.constituents), ((n("80"), n("2")), 2));
        // 01-03: C replaces A. D = D_old · (ΣP − P_A + P_C) / ΣP = 2 · (160 − 100 + 40) / 160
        // = 1.25; level = (60 + 50) / 1.25 = 88. A's row of the day is ignored.
        let out = day(
            &mut e,
            "2024-01-03",
            &[px(A, "101"), px(B, "60"), px(C, "50")],
            &[],
        );
        assert_eq!((ld(&out, 0), out.constituents), ((n("88"), n("1.25")), 2));
        assert!(e.take_notices().is_empty());
    }

    #[test]
    fn entrant_without_previous_close_enters_at_its_first_close() {
        let mut e = Engine::new(spec(&[Method::PriceWeighted]));
        // ΣP = 160, D = 2, level 80.
        day(&mut e, "2024-01-02", &[px(A, "100"), px(B, "60")], &[]);
        // C has no previous close: A(t) = {A, B}, level = 80 · (104 + 60) / 160 = 82.
        // Then D = MV / level = (104 + 60 + 41) / 82 = 205 / 82 = 2.5.
        let out = day(
            &mut e,
            "2024-01-03",
            &[px(A, "104"), px(B, "60"), px(C, "41")],
            &[],
        );
        assert_eq!((ld(&out, 0), out.constituents), ((n("82"), n("2.5")), 3));
        // Next day C moves: (104 + 60 + 45.1) / 2.5 = 83.64.
        let out = day(
            &mut e,
            "2024-01-04",
            &[px(A, "104"), px(B, "60"), px(C, "45.1")],
            &[],
        );
        assert_eq!(ld(&out, 0), (n("83.64"), n("2.5")));
    }

    #[test]
    fn given_divisor_sets_the_level_exactly() {
        // On the base date: --divisor 0.132129493, ΣP = 160 → level = 160 / 0.132129493.
        let mut e = Engine::new(IndexSpec {
            base_divisor: Some(n("0.132129493")),
            ..spec(&[Method::PriceWeighted])
        });
        let out = day(&mut e, "2024-01-02", &[px(A, "100"), px(B, "60")], &[]);
        assert_eq!(ld(&out, 0), (n("160") / n("0.132129493"), n("0.132129493")));
        // The same divisor given in the data for the base date.
        let mut e = Engine::new(spec(&[Method::PriceWeighted]));
        let out = push_full(
            &mut e,
            "2024-01-02",
            &[px(A, "100"), px(B, "60")],
            &[],
            Some("0.132129493"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(ld(&out, 0), (n("160") / n("0.132129493"), n("0.132129493")));

        let mut e = Engine::new(spec(&[Method::PriceWeighted, Method::CapWeighted]));
        // Day 1: PW D = 2, level 80. CW MV = 1000 + 600 = 1600, D = 16, level 100.
        day(
            &mut e,
            "2024-01-02",
            &[cap(A, "100", "10"), cap(B, "60", "10")],
            &[],
        );
        // Day 2, divisor 1.6 given: PW level = 160 / 1.6 = 100; CW level = 1600 / 1.6 = 1000.
        let out = push_full(
            &mut e,
            "2024-01-03",
            &[cap(A, "100", "10"), cap(B, "60", "10")],
            &[],
            Some("1.6"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(ld(&out, 0), (n("100"), n("1.6")));
        assert_eq!(ld(&out, 1), (n("1000"), n("1.6")));
        // Day 3, none given: the divisors carry on. PW (110 + 60) / 1.6 = 106.25;
        // CW (1100 + 600) / 1.6 = 1062.5.
        let out = day(
            &mut e,
            "2024-01-04",
            &[cap(A, "110", "10"), cap(B, "60", "10")],
            &[],
        );
        assert_eq!(ld(&out, 0), (n("106.25"), n("1.6")));
        assert_eq!(ld(&out, 1), (n("1062.5"), n("1.6")));
        // Day 4, a given divisor overrides even a split: level = (55 + 60) / 0.5 = 230.
        let out = push_full(
            &mut e,
            "2024-01-05",
            &[cap(A, "55", "20"), cap(B, "60", "10")],
            &[act("2024-01-05", A, split("2"), 2)],
            Some("0.5"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(ld(&out, 0), (n("230"), n("0.5")));
    }

    #[test]
    fn total_return_reinvests_ordinary_dividends() {
        let mut e = Engine::new(IndexSpec {
            total_return: true,
            ..spec(&[Method::CapWeighted, Method::PriceWeighted])
        });
        // CW MV = 10·100 + 20·50 = 2000, D = 20, PR = TR = 100. PW D = 2, PR = TR = 75.
        let out = day(
            &mut e,
            "2024-01-02",
            &[cap(A, "100", "10"), cap(B, "50", "20")],
            &[],
        );
        assert_eq!(out.values[0].total_return, Some(n("100")));
        assert_eq!(out.values[1].total_return, Some(n("75")));
        // A pays 2 per share (ex-date), prices unchanged: no divisor change, PR unchanged.
        // CW: IDIV = 10·2 / 20 = 1, TR = 100 · (100 + 1) / 100 = 101.
        // PW: IDIV = 1·2 / 2 = 1, TR = 75 · (75 + 1) / 75 = 76.
        let out = day(
            &mut e,
            "2024-01-03",
            &[cap(A, "100", "10"), cap(B, "50", "20")],
            &[act("2024-01-03", A, ActionKind::Dividend(n("2")), 4)],
        );
        assert_eq!(ld(&out, 0), (n("100"), n("20")));
        assert_eq!(out.values[0].total_return, Some(n("101")));
        assert_eq!(ld(&out, 1), (n("75"), n("2")));
        assert_eq!(out.values[1].total_return, Some(n("76")));
        // A 130: CW PR = (1300 + 1000) / 20 = 115, TR = 101 · 115 / 100 = 116.15.
        // PW PR = 180 / 2 = 90, TR = 76 · 90 / 75 = 91.2.
        let out = day(
            &mut e,
            "2024-01-04",
            &[cap(A, "130", "10"), cap(B, "50", "20")],
            &[],
        );
        assert_eq!(out.values[0].level, n("115"));
        assert_eq!(out.values[0].total_return, Some(n("116.15")));
        assert_eq!(out.values[1].level, n("90"));
        assert_eq!(out.values[1].total_return, Some(n("91.2")));
    }

    #[test]
    fn equal_weight_rebalances_after_the_last_index_date_of_a_quarter() {
        let mut e = ew(Rebalance::Quarterly);
        // Base: q = 100 / (2·p): q_A = 100 / 20 = 5, q_B = 100 / 40 = 2.5; level 100, D = 1.
        let out = day(&mut e, "2024-03-26", &[px(A, "10"), px(B, "20")], &[]);
        assert_eq!(ld(&out, 0), (n("100"), n("1")));
        // Drift: 5·20 + 2.5·20 = 150.
        let out = day(&mut e, "2024-03-27", &[px(A, "20"), px(B, "20")], &[]);
        assert_eq!(ld(&out, 0), (n("150"), n("1")));
        // No rebalance inside the quarter: 5·40 + 2.5·20 = 250 (a rebalance after 03-27 would
        // give 3.75·40 + 3.75·20 = 225).
        let out = day(&mut e, "2024-03-28", &[px(A, "40"), px(B, "20")], &[]);
        assert_eq!(ld(&out, 0), (n("250"), n("1")));
        // 03-28 is the last index date of March (03-29 is Good Friday): rebalance after its
        // close, K = 250, q_A = 250 / (2·40) = 3.125, q_B = 250 / (2·20) = 6.25; Σ q·p(03-28)
        // = 250 = MV, so D stays 1. 04-01: 3.125·80 + 6.25·20 = 375 (without: 5·80 + 2.5·20 = 450).
        let out = day(&mut e, "2024-04-01", &[px(A, "80"), px(B, "20")], &[]);
        assert_eq!(ld(&out, 0), (n("375"), n("1")));
    }

    #[test]
    fn equal_weight_daily_is_the_mean_of_returns_and_none_is_buy_and_hold() {
        let quotes = [
            [px(A, "10"), px(B, "20"), px(C, "40"), px(X, "50")],
            // Returns +25%, −20%, +25%, −20%: mean +2.5%.
            [px(A, "12.5"), px(B, "16"), px(C, "50"), px(X, "40")],
            // Returns +20%, 0, −20%, +25%: mean +6.25%.
            [px(A, "15"), px(B, "16"), px(C, "40"), px(X, "50")],
        ];
        let dates = ["2024-01-02", "2024-01-03", "2024-01-04"];
        // Daily: 100 → 100 · 1.025 = 102.5 → 102.5 · 1.0625 = 108.90625.
        // (Rebalance after 01-03: q = 102.5 / (4·p) = 2.05, 1.6015625, 0.5125, 0.640625.)
        let mut e = ew(Rebalance::Daily);
        let levels: Vec<Decimal> = dates
            .iter()
            .zip(&quotes)
            .map(|(dt, q)| day(&mut e, dt, q, &[]).values[0].level)
            .collect();
        assert_eq!(levels, [n("100"), n("102.5"), n("108.90625")]);
        // None: q = 25 / p = 2.5, 1.25, 0.625, 0.5 held:
        // 01-03: 31.25 + 20 + 31.25 + 20 = 102.5; 01-04: 37.5 + 20 + 25 + 25 = 107.5.
        let mut e = ew(Rebalance::None);
        let levels: Vec<Decimal> = dates
            .iter()
            .zip(&quotes)
            .map(|(dt, q)| day(&mut e, dt, q, &[]).values[0].level)
            .collect();
        assert_eq!(levels, [n("100"), n("102.5"), n("107.5")]);

        // The methodology's example, A 100 → 200 → 100, B flat: daily 100 → 150 → 112.5,
        // buy and hold 100 → 150 → 100.
        for (rebalance, last) in [(Rebalance::Daily, "112.5"), (Rebalance::None, "100")] {
            let mut e = ew(rebalance);
            let levels: Vec<Decimal> = [("2024-01-02", "100"), ("2024-01-03", "200")]
                .into_iter()
                .chain([("2024-01-04", "100")])
                .map(|(dt, a)| day(&mut e, dt, &[px(A, a), px(B, "100")], &[]).values[0].level)
                .collect();
            assert_eq!(levels, [n("100"), n("150"), n(last)]);
        }
    }

    #[test]
    fn equal_weight_third_friday_uses_the_closes_of_the_week_before() {
        let mut e = ew(Rebalance::ThirdFriday);
        // Base 06-13: q_A = 5, q_B = 2.5, level 100, D = 1.
        day(&mut e, "2024-06-13", &[px(A, "10"), px(B, "20")], &[]);
        // 06-14 (the Friday before the third Friday, the reference): 100 + 50 = 150.
        let out = day(&mut e, "2024-06-14", &[px(A, "20"), px(B, "20")], &[]);
        assert_eq!(ld(&out, 0), (n("150"), n("1")));
        day(&mut e, "2024-06-17", &[px(A, "20"), px(B, "20")], &[]);
        // 06-21, the third Friday: 5·40 + 2.5·20 = 250.
        let out = day(&mut e, "2024-06-21", &[px(A, "40"), px(B, "20")], &[]);
        assert_eq!(ld(&out, 0), (n("250"), n("1")));
        // Rebalance after 06-21 from the 06-14 closes: K = 5·20 + 2.5·20 = 150,
        // q_A = q_B = 150 / (2·20) = 3.75. At the 06-21 closes that is 3.75·40 + 3.75·20 = 225,
        // so D = 1 · 225 / 250 = 0.9 and the level stays 225 / 0.9 = 250. A's weight right
        // after is 150 / 225 = 2/3, not 1/2.
        let out = day(&mut e, "2024-06-24", &[px(A, "40"), px(B, "20")], &[]);
        assert_eq!(ld(&out, 0), (n("250"), n("0.9")));
        // 06-25: (3.75·49 + 3.75·20) / 0.9 = 258.75 / 0.9 = 287.5.
        let out = day(&mut e, "2024-06-25", &[px(A, "49"), px(B, "20")], &[]);
        assert_eq!(ld(&out, 0), (n("287.5"), n("0.9")));
    }

    #[test]
    fn equal_weight_entrant_gets_the_average_value() {
        // Without a previous close: the average value at its first close.
        let mut e = ew(Rebalance::Quarterly);
        // q_A = 5, q_B = 2.5; 01-03: 5·20 + 2.5·20 = 150.
        day(&mut e, "2024-01-02", &[px(A, "10"), px(B, "20")], &[]);
        day(&mut e, "2024-01-03", &[px(A, "20"), px(B, "20")], &[]);
        // C enters on 01-04 at 25: average value (100 + 50) / 2 = 75, q_C = 75 / 25 = 3.
        // Level 150 (A, B unchanged), D = (100 + 50 + 75) / 150 = 1.5.
        let out = day(
            &mut e,
            "2024-01-04",
            &[px(A, "20"), px(B, "20"), px(C, "25")],
            &[],
        );
        assert_eq!((ld(&out, 0), out.constituents), ((n("150"), n("1.5")), 3));
        // 01-05, C doubles: (100 + 50 + 3·50) / 1.5 = 200.
        let out = day(
            &mut e,
            "2024-01-05",
            &[px(A, "20"), px(B, "20"), px(C, "50")],
            &[],
        );
        assert_eq!(ld(&out, 0), (n("200"), n("1.5")));

        // With a previous close (announced addition): the average value at that close.
        let mut members = MemberList::new();
        members.add(A, None, None);
        members.add(B, None, None);
        members.add(C, Some(d("2024-01-04")), None);
        let mut e = Engine::new(IndexSpec {
            members: Some(members),
            ..spec(&[Method::EqualWeighted])
        });
        day(
            &mut e,
            "2024-01-02",
            &[px(A, "10"), px(B, "20"), px(C, "24")],
            &[],
        );
        day(
            &mut e,
            "2024-01-03",
            &[px(A, "20"), px(B, "20"), px(C, "25")],
            &[],
        );
        // At the 01-03 closes A, B are worth 100 and 50: q_C = 75 / 25 = 3.
        // D = 1 · (100 + 50 + 75) / 150 = 1.5; level = (100 + 50 + 3·30) / 1.5 = 240 / 1.5 = 160
        // (= 150 · (1 + 20%/3): C's 20% counts for a third).
        let out = day(
            &mut e,
            "2024-01-04",
            &[px(A, "20"), px(B, "20"), px(C, "30")],
            &[],
        );
        assert_eq!((ld(&out, 0), out.constituents), ((n("160"), n("1.5")), 3));
    }

    #[test]
    fn equal_weight_split_multiplies_index_shares() {
        let mut e = ew(Rebalance::Quarterly);
        // q_A = 5, q_B = 2.5, level 100.
        day(&mut e, "2024-01-02", &[px(A, "10"), px(B, "20")], &[]);
        // A 2-for-1: q_A = 10, p̃ = 5, Σ q·p̃ = 50 + 50 = 100 = MV: D stays 1, level 100.
        let out = day(
            &mut e,
            "2024-01-03",
            &[px(A, "5"), px(B, "20")],
            &[act("2024-01-03", A, split("2"), 2)],
        );
        assert_eq!(ld(&out, 0), (n("100"), n("1")));
        // A 6 (+20%): 10·6 + 2.5·20 = 110 (q_A not multiplied would give 80).
        let out = day(&mut e, "2024-01-04", &[px(A, "6"), px(B, "20")], &[]);
        assert_eq!(ld(&out, 0), (n("110"), n("1")));
    }

    #[test]
    fn halted_member_is_carried_forward_and_reported_once() {
        let mut members = MemberList::new();
        members.add(A, None, None);
        members.add(B, None, None);
        let mut e = Engine::new(IndexSpec {
            members: Some(members),
            ..spec(&[Method::PriceWeighted])
        });
        // ΣP = 30, D = 2, level 15.
        day(&mut e, "2024-01-02", &[px(A, "10"), px(B, "20")], &[]);
        assert!(e.take_notices().is_empty());
        // B has no price: it keeps 20. (12 + 20) / 2 = 16.
        let out = day(&mut e, "2024-01-03", &[px(A, "12")], &[]);
        assert_eq!((ld(&out, 0), out.constituents), ((n("16"), n("2")), 2));
        assert_eq!(
            e.take_notices(),
            [Notice::CarriedForward {
                symbol: B,
                date: d("2024-01-03"),
                since: d("2024-01-02"),
            }]
        );
        // Still halted: (14 + 20) / 2 = 17, no second notice.
        let out = day(&mut e, "2024-01-04", &[px(A, "14")], &[]);
        assert_eq!(ld(&out, 0), (n("17"), n("2")));
        assert!(e.take_notices().is_empty());
        // B trades again: (14 + 22) / 2 = 18.
        let out = day(&mut e, "2024-01-05", &[px(A, "14"), px(B, "22")], &[]);
        assert_eq!(ld(&out, 0), (n("18"), n("2")));
        // Halted again: (14 + 22) / 2 = 18, and still no second notice for B.
        let out = day(&mut e, "2024-01-08", &[px(A, "14")], &[]);
        assert_eq!(ld(&out, 0), (n("18"), n("2")));
        assert!(e.take_notices().is_empty());
    }

    #[test]
    fn member_without_a_price_yet_is_left_out_and_reported_once() {
        let mut members = MemberList::new();
        for s in [A, B, C] {
            members.add(s, None, None);
        }
        let mut e = Engine::new(IndexSpec {
            members: Some(members),
            ..spec(&[Method::PriceWeighted])
        });
        // C has no price yet: left out. ΣP = 30, D = 2, level 15.
        let out = day(&mut e, "2024-01-02", &[px(A, "10"), px(B, "20")], &[]);
        assert_eq!((ld(&out, 0), out.constituents), ((n("15"), n("2")), 2));
        assert_eq!(
            e.take_notices(),
            [Notice::NotYetPriced {
                symbol: C,
                date: d("2024-01-02"),
            }]
        );
        let out = day(&mut e, "2024-01-03", &[px(A, "10"), px(B, "20")], &[]);
        assert_eq!(ld(&out, 0), (n("15"), n("2")));
        assert!(e.take_notices().is_empty());
        // C's first close 30: level = 15 · (12 + 20) / 30 = 16, D = (12 + 20 + 30) / 16 = 3.875.
        let out = day(
            &mut e,
            "2024-01-04",
            &[px(A, "12"), px(B, "20"), px(C, "30")],
            &[],
        );
        assert_eq!((ld(&out, 0), out.constituents), ((n("16"), n("3.875")), 3));
        assert!(e.take_notices().is_empty());
    }

    #[test]
    fn error_missing_shares() {
        let mut e = Engine::new(spec(&[Method::CapWeighted]));
        let err = push_full(
            &mut e,
            "2024-01-02",
            &[cap(A, "10", "5"), px(B, "20")],
            &[],
            None,
        )
        .unwrap_err();
        assert_eq!(
            err,
            CalcError::MissingShares {
                date: d("2024-01-02"),
                symbol: B,
                line: 101,
            }
        );
        // Price-weighted does not need shares.
        let mut e = Engine::new(spec(&[Method::PriceWeighted]));
        assert!(push_full(&mut e, "2024-01-02", &[px(B, "20")], &[], None).is_ok());
    }

    #[test]
    fn error_zero_market_value() {
        // On the base date.
        let mut e = Engine::new(spec(&[Method::CapWeighted]));
        let err = push_full(
            &mut e,
            "2024-01-02",
            &[cap(A, "10", "0"), cap(B, "20", "0")],
            &[],
            None,
        )
        .unwrap_err();
        assert_eq!(
            err,
            CalcError::ZeroMarketValue {
                date: d("2024-01-02")
            }
        );
        // On a later date; one zero weight alone is fine.
        let mut e = Engine::new(spec(&[Method::CapWeighted]));
        let out = day(
            &mut e,
            "2024-01-02",
            &[cap(A, "10", "0"), cap(B, "20", "5")],
            &[],
        );
        // MV = 0 + 100 = 100, D = 1.
        assert_eq!(ld(&out, 0), (n("100"), n("1")));
        let err = push_full(
            &mut e,
            "2024-01-03",
            &[cap(A, "10", "0"), cap(B, "20", "0")],
            &[],
            None,
        )
        .unwrap_err();
        assert_eq!(
            err,
            CalcError::ZeroMarketValue {
                date: d("2024-01-03")
            }
        );
    }

    #[test]
    fn error_action_without_price() {
        let mut e = Engine::new(spec(&[Method::PriceWeighted]));
        let err = push_full(
            &mut e,
            "2024-01-02",
            &[px(A, "10"), px(B, "20")],
            &[act("2024-01-02", C, split("2"), 9)],
            None,
        )
        .unwrap_err();
        assert_eq!(
            err,
            CalcError::ActionWithoutPrice {
                date: d("2024-01-02"),
                symbol: C,
                line: 9,
            }
        );
    }

    #[test]
    fn error_special_dividend_not_below_the_previous_close() {
        let mut e = Engine::new(spec(&[Method::PriceWeighted]));
        day(&mut e, "2024-01-02", &[px(A, "10"), px(B, "20")], &[]);
        let err = push_full(
            &mut e,
            "2024-01-03",
            &[px(A, "1"), px(B, "20")],
            &[act(
                "2024-01-03",
                A,
                ActionKind::SpecialDividend(n("10")),
                5,
            )],
            None,
        )
        .unwrap_err();
        assert_eq!(
            err,
            CalcError::DividendExceedsPrice {
                date: d("2024-01-03"),
                symbol: A,
                line: 5,
                previous_close: n("10"),
            }
        );
        // Just below is fine: p̃ = 0.01, D = 2 · 20.01 / 30 = 1.334, level = 20.5 / 1.334.
        let mut e = Engine::new(spec(&[Method::PriceWeighted]));
        day(&mut e, "2024-01-02", &[px(A, "10"), px(B, "20")], &[]);
        let out = day(
            &mut e,
            "2024-01-03",
            &[px(A, "0.5"), px(B, "20")],
            &[act(
                "2024-01-03",
                A,
                ActionKind::SpecialDividend(n("9.99")),
                5,
            )],
        );
        assert_eq!(ld(&out, 0), (n("20.5") / n("1.334"), n("1.334")));
    }

    #[test]
    fn error_base_date_not_an_index_date() {
        // The base date falls between two dates of the data.
        let mut e = Engine::new(IndexSpec {
            base_date: Some(d("2024-01-03")),
            ..spec(&[Method::PriceWeighted])
        });
        assert_eq!(
            push_full(&mut e, "2024-01-02", &[px(A, "10")], &[], None),
            Ok(None)
        );
        let err = push_full(&mut e, "2024-01-04", &[px(A, "10")], &[], None).unwrap_err();
        assert_eq!(
            err,
            CalcError::BaseDateNotIndexDate {
                base: d("2024-01-03"),
                before: Some(d("2024-01-02")),
                after: Some(d("2024-01-04")),
            }
        );
        // The base date is after the data: reported by finish().
        let mut e = Engine::new(IndexSpec {
            base_date: Some(d("2024-02-01")),
            ..spec(&[Method::PriceWeighted])
        });
        assert_eq!(
            push_full(&mut e, "2024-01-02", &[px(A, "10")], &[], None),
            Ok(None)
        );
        assert_eq!(
            e.finish(),
            Err(CalcError::BaseDateNotIndexDate {
                base: d("2024-02-01"),
                before: Some(d("2024-01-02")),
                after: None,
            })
        );
        // A date of the data on which no member has a price.
        let mut members = MemberList::new();
        members.add(A, Some(d("2024-01-03")), None);
        let mut e = Engine::new(IndexSpec {
            base_date: Some(d("2024-01-02")),
            members: Some(members),
            ..spec(&[Method::PriceWeighted])
        });
        let err = push_full(&mut e, "2024-01-02", &[px(A, "10")], &[], None).unwrap_err();
        assert_eq!(
            err,
            CalcError::BaseDateNotIndexDate {
                base: d("2024-01-02"),
                before: None,
                after: None,
            }
        );
        // A base date on the data works and earlier dates give no output.
        let mut e = Engine::new(IndexSpec {
            base_date: Some(d("2024-01-03")),
            ..spec(&[Method::PriceWeighted])
        });
        assert_eq!(
            push_full(&mut e, "2024-01-02", &[px(A, "10")], &[], None),
            Ok(None)
        );
        let out = day(&mut e, "2024-01-03", &[px(A, "12")], &[]);
        assert_eq!(ld(&out, 0), (n("12"), n("1")));
        assert_eq!(e.finish(), Ok(()));
        // No data at all.
        let e = Engine::new(spec(&[Method::PriceWeighted]));
        assert_eq!(e.finish(), Err(CalcError::NoIndexDate));
    }

    #[test]
    fn error_overflow_instead_of_a_panic() {
        let huge = Decimal::MAX / Decimal::TEN;
        let big = |s: SymbolId| Quote {
            symbol: s,
            price: huge,
            shares: Some(huge),
            float: None,
            line: 1,
        };
        // Cap-weighted: q·p = (MAX/10)² overflows.
        let mut e = Engine::new(spec(&[Method::CapWeighted]));
        let err = push_full(&mut e, "2024-01-02", &[big(A)], &[], None).unwrap_err();
        assert_eq!(
            err,
            CalcError::Overflow {
                date: d("2024-01-02"),
                what: "the market value"
            }
        );
        // Price-weighted: eleven prices of MAX/10 overflow their sum.
        let mut e = Engine::new(spec(&[Method::PriceWeighted]));
        let quotes: Vec<Quote> = (0..11).map(big).collect();
        let err = push_full(&mut e, "2024-01-02", &quotes, &[], None).unwrap_err();
        assert_eq!(
            err,
            CalcError::Overflow {
                date: d("2024-01-02"),
                what: "the market value"
            }
        );
        // A later day: the base is fine (ΣP = 1 + MAX/10, D = 2), then ten entrants at MAX/10
        // cannot be summed into the market value.
        let mut e = Engine::new(spec(&[Method::PriceWeighted]));
        let out = day(&mut e, "2024-01-02", &[px(A, "1"), big(B)], &[]);
        assert_eq!(out.values[0].divisor, n("2"));
        let quotes: Vec<Quote> = std::iter::once(px(A, "1"))
            .chain((1..12).map(big))
            .collect();
        let err = push_full(&mut e, "2024-01-03", &quotes, &[], None).unwrap_err();
        assert_eq!(
            err,
            CalcError::Overflow {
                date: d("2024-01-03"),
                what: "the market value"
            }
        );
        // A split ratio that makes the restated previous close unrepresentable.
        let mut e = Engine::new(spec(&[Method::PriceWeighted]));
        day(&mut e, "2024-01-02", &[big(A)], &[]);
        let err = push_full(
            &mut e,
            "2024-01-03",
            &[big(A)],
            &[act("2024-01-03", A, split("0.000001"), 3)],
            None,
        )
        .unwrap_err();
        assert_eq!(
            err,
            CalcError::Overflow {
                date: d("2024-01-03"),
                what: "a restated previous close"
            }
        );
    }
}
