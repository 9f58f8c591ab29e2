//! The day step: today's constituents and index shares, the base date and the chained level,
//! divisor and total return of every later date (the formulas of the module docs of
//! [`crate::calc`]).

use super::actions::Adj;
use super::arith::{
    add, canonical_sum, div, index_shares_rounded, mul, mul_div, overflow, same_value,
};
use super::rebalance::capped_weights;
use super::{Cons, Engine};
use crate::calc::{CalcError, DayInput, Method, MethodValue, Notice, SymbolId};
use chrono::NaiveDate;
use rust_decimal::Decimal;

impl Engine {
    /// Builds `self.cons` for today: who is in the index and at what price.
    pub(super) fn collect_constituents(
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
            factor: Decimal::ONE,
        }
    }

    /// Fills `self.q` with today's index shares of method `m` for the constituents that already
    /// have them; returns whether some (equal-weight entrants) still need theirs.
    fn index_shares(&mut self, m: usize, date: NaiveDate) -> Result<bool, CalcError> {
        let method = self.methods[m].method;
        self.q.clear();
        let mut pending = false;
        for c in &self.cons {
            let q = match method {
                Method::PriceWeighted => c.factor,
                Method::CapWeighted => {
                    self.float_shares(c.symbol, c.shares, c.float, c.line, date)?
                }
                Method::EqualWeighted | Method::Capped(_) => {
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

    pub(super) fn start_method(
        &mut self,
        m: usize,
        date: NaiveDate,
        given: Option<Decimal>,
    ) -> Result<MethodValue, CalcError> {
        let method = self.methods[m].method;
        let base_value = self.spec.base_value;
        if method.holds_shares() {
            let k = base_value.unwrap_or(Decimal::ONE_HUNDRED);
            let n = Decimal::from(self.cons.len());
            let weights = match method {
                Method::Capped(rule) => {
                    let mut caps = Vec::with_capacity(self.cons.len());
                    for c in &self.cons {
                        let fs = self.float_shares(c.symbol, c.shares, c.float, c.line, date)?;
                        caps.push(mul(fs, c.price, date, "a market cap")?);
                    }
                    Some(capped_weights(&caps, &rule, date)?)
                }
                _ => None,
            };
            self.q.clear();
            for (i, c) in self.cons.iter().enumerate() {
                let q = match &weights {
                    // q = w·K / p
                    Some(w) => div(
                        mul(k, w[i], date, "capped shares")?,
                        c.price,
                        date,
                        "capped shares",
                    )?,
                    None => div(
                        k,
                        mul(n, c.price, date, "equal-weight shares")?,
                        date,
                        "equal-weight shares",
                    )?,
                };
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
        st.total_return = self.spec.total_return.gross.then_some(level);
        st.net_total_return = self.spec.total_return.net.map(|_| level);
        Ok(MethodValue {
            level,
            divisor,
            total_return: st.total_return,
            net_total_return: st.net_total_return,
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

    pub(super) fn step_method(
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
        let unit_shares =
            self.methods[m].method == Method::PriceWeighted && self.spec.factors.is_none();
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
        let (total_return, net_total_return) =
            self.total_returns(m, level, dividends, carried_divisor, date)?;
        self.record_holdings(m, date)?;
        self.store_equal_weight_shares(m);
        let st = &mut self.methods[m];
        st.level = level;
        st.divisor = divisor;
        st.mv = mv;
        st.total_return = total_return;
        st.net_total_return = net_total_return;
        Ok(MethodValue {
            level,
            divisor,
            total_return,
            net_total_return,
        })
    }

    /// Today's gross and net total-return levels of method `m` (those asked for), from today's
    /// `level`, the index dividends `Σ q·dividend` of today's ex-dates and the divisor they are
    /// divided by: `TR(t) = TR(t−1) · (level(t) + points) / level(t−1)`, with
    /// `points = dividends / divisor` (gross) or `(1 − w) · dividends / divisor` (net).
    fn total_returns(
        &self,
        m: usize,
        level: Decimal,
        dividends: Decimal,
        divisor: Decimal,
        date: NaiveDate,
    ) -> Result<(Option<Decimal>, Option<Decimal>), CalcError> {
        let previous_level = self.methods[m].level;
        let chain = |tr: Decimal, dividends: Decimal| -> Result<Decimal, CalcError> {
            let points = if dividends.is_zero() {
                Decimal::ZERO
            } else {
                div(dividends, divisor, date, "index dividend points")?
            };
            let top = add(level, points, date, "the total return")?;
            mul_div(tr, top, previous_level, date, "the total return")
        };
        let st = &self.methods[m];
        let gross = st.total_return.map(|tr| chain(tr, dividends)).transpose()?;
        let net = match (st.net_total_return, self.spec.total_return.net) {
            (Some(tr), Some(w)) => {
                // With no withholding the net index is the gross one, exactly: the same
                // dividends go through the same operations.
                let reinvested = if w.is_zero() || dividends.is_zero() {
                    dividends
                } else {
                    mul(dividends, Decimal::ONE - w, date, "net index dividends")?
                };
                Some(chain(tr, reinvested)?)
            }
            _ => None,
        };
        Ok((gross, net))
    }
}
