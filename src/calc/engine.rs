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
mod tests;
