//! Equal weight: the rebalance, entrants between rebalances and the index shares kept from
//! one date to the next.

use super::arith::{canonical_sum, div, index_shares_rounded, mul};
use super::Engine;
use crate::calc::capping::{cap_weights, CapError};
use crate::calc::{CalcError, CapRule, Method, SymbolId};
use chrono::NaiveDate;
use rust_decimal::Decimal;

impl Engine {
    /// Resets equal-weighted and capped index shares after the close of `prev` (the effective
    /// date).
    pub(super) fn rebalance_equal_weight(&mut self, prev: NaiveDate) -> Result<(), CalcError> {
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
        let caps = self.rebalance_caps(prev)?;
        for st in self
            .methods
            .iter_mut()
            .filter(|st| st.method.holds_shares())
        {
            let mut terms = Vec::with_capacity(refs.len());
            for (&s, &r) in self.prev_cons.iter().zip(&refs) {
                let q = st.q.get(s as usize).copied().flatten().unwrap_or_default();
                terms.push(mul(q, r, prev, "the rebalance")?);
            }
            let k = canonical_sum(&mut terms, prev, "the rebalance")?;
            let weights = match (st.method, &caps) {
                (Method::Capped(rule), Some(caps)) => Some(capped_weights(caps, &rule, prev)?),
                _ => None,
            };
            for (i, (&s, &r)) in self.prev_cons.iter().zip(&refs).enumerate() {
                let q = match &weights {
                    // q = w·K / p(r)
                    Some(w) => div(
                        mul(k, w[i], prev, "the rebalance")?,
                        r,
                        prev,
                        "the rebalance",
                    )?,
                    None => div(k, mul(n, r, prev, "the rebalance")?, prev, "the rebalance")?,
                };
                let q = index_shares_rounded(q);
                if let Some(slot) = st.q.get_mut(s as usize) {
                    *slot = Some(q);
                }
            }
        }
        Ok(())
    }

    /// The float-adjusted market caps of `prev_cons` for a rebalance after the close of `prev`:
    /// those of the reference date when it was earlier, else those of `prev`; `None` without a
    /// capped method.
    fn rebalance_caps(&mut self, prev: NaiveDate) -> Result<Option<Vec<Decimal>>, CalcError> {
        let Some(now) = self.reference_caps(prev)? else {
            return Ok(None);
        };
        let Some(snap) = self.snapshot_caps.take() else {
            return Ok(Some(now));
        };
        Ok(Some(
            self.prev_cons
                .iter()
                .zip(now)
                .map(|(&s, c)| {
                    snap.binary_search_by_key(&s, |x| x.0)
                        .map_or(c, |i| snap[i].1)
                })
                .collect(),
        ))
    }

    /// `shares × float × price` of each of `prev_cons` at the close of `date` (their last
    /// rows), if a method is capped.
    pub(super) fn reference_caps(
        &self,
        date: NaiveDate,
    ) -> Result<Option<Vec<Decimal>>, CalcError> {
        if !self
            .methods
            .iter()
            .any(|m| matches!(m.method, Method::Capped(_)))
        {
            return Ok(None);
        }
        let mut caps = Vec::with_capacity(self.prev_cons.len());
        for &s in &self.prev_cons {
            let st = &self.syms[s as usize];
            let fs = self.float_shares(s, st.shares, st.float, st.line, date)?;
            caps.push(mul(fs, st.price, date, "a market cap")?);
        }
        Ok(Some(caps))
    }

    /// A constituent's float-adjusted shares on `date`: the `--shares` entry in force, else
    /// its row's shares, times the float (1 without one).
    pub(super) fn float_shares(
        &self,
        symbol: SymbolId,
        shares: Option<Decimal>,
        float: Option<Decimal>,
        line: u64,
        date: NaiveDate,
    ) -> Result<Decimal, CalcError> {
        let entry = self
            .spec
            .shares
            .as_ref()
            .and_then(|s| s.lookup(symbol, date));
        let shares = entry
            .map(|e| e.shares)
            .or(shares)
            .ok_or(CalcError::MissingShares { date, symbol, line })?;
        match entry.and_then(|e| e.float).or(float) {
            Some(float) => mul(shares, float, date, "index shares"),
            None => Ok(shares),
        }
    }

    /// Gives equal-weight entrants the average value of the constituents carried over.
    pub(super) fn price_entrants(&mut self, m: usize, date: NaiveDate) -> Result<(), CalcError> {
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

    pub(super) fn store_equal_weight_shares(&mut self, m: usize) {
        if !self.methods[m].method.holds_shares() {
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
}

/// The capped weights of `caps` on `date`, with the routine's errors as [`CalcError`]s.
pub(super) fn capped_weights(
    caps: &[Decimal],
    rule: &CapRule,
    date: NaiveDate,
) -> Result<Vec<Decimal>, CalcError> {
    cap_weights(caps, rule).map_err(|e| match e {
        CapError::TooFewMembers { members } => CalcError::CapInfeasible {
            date,
            members,
            cap: rule.cap,
            aggregate: false,
        },
        CapError::AggregateInfeasible { members } => CalcError::CapInfeasible {
            date,
            members,
            cap: rule.cap,
            aggregate: true,
        },
        CapError::Degenerate => CalcError::ZeroMarketValue { date },
    })
}
