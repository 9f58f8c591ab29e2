//! Equal weight: the rebalance, entrants between rebalances and the index shares kept from
//! one date to the next.

use super::arith::{canonical_sum, div, index_shares_rounded, mul};
use super::Engine;
use crate::calc::{CalcError, Method, SymbolId};
use chrono::NaiveDate;
use rust_decimal::Decimal;

impl Engine {
    /// Resets equal-weighted index shares after the close of `prev` (the effective date).
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
}
