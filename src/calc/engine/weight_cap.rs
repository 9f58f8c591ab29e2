//! Nikkei-style weight cap (`--weight-cap W --cap-review-dates D1,D2,...` with `--factors`).
//!
//! After the close of each review date (or of the last index date before it, if it is not an
//! index date) every member's price weight `p·PAF·CR / Σ p·PAF·CR` is compared with the cap `W`.
//! While some member is above it, the one with the largest weight among those whose capping
//! ratio can still be lowered has its CR lowered by 0.1 (never below 0.1), and every weight is
//! computed again. A member still above the cap when nothing can be lowered any more keeps CR
//! 0.1 (or its lower ratio from the file) and is reported once ([`Notice::WeightCapUnmet`]).
//! The new ratios take effect at the open of the next index date, where they change `q` like a
//! capping ratio from the file and the divisor keeps the level continuous. A ratio set by a
//! review holds until a file row for the symbol dated after the review date. Ratios are never
//! raised back.

use super::arith::{canonical_sum, mul, overflow};
use super::Engine;
use crate::calc::{CalcError, FactorSchedule, Notice, SymbolId};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A capping ratio set by the review of the index date `date` (effective after its close).
#[derive(Clone, Copy, Debug)]
pub(super) struct ReviewedCr {
    cr: Decimal,
    date: NaiveDate,
}

/// The members of an index date, for a review after its close.
#[derive(Clone, Debug)]
pub(super) struct Basis {
    date: NaiveDate,
    /// Symbol, close, PAF and capping ratio of each member.
    members: Vec<(SymbolId, Decimal, Decimal, Decimal)>,
}

/// The capping ratio of `symbol` in force on `date`: one set by a review before `date`, unless
/// a file row dated after that review is in force; else the file's (1 without a row).
pub(super) fn cap_ratio(
    schedule: &FactorSchedule,
    reviewed: &[Option<ReviewedCr>],
    symbol: SymbolId,
    date: NaiveDate,
) -> Decimal {
    let entry = schedule.lookup(symbol, date);
    if let Some(Some(r)) = reviewed.get(symbol as usize) {
        if r.date < date && entry.and_then(|e| e.from).is_none_or(|f| f <= r.date) {
            return r.cr;
        }
    }
    entry.map_or(Decimal::ONE, |e| e.cap_ratio)
}

impl Engine {
    /// Keeps the members of the index date `date` for a review after its close.
    pub(super) fn keep_review_basis(&mut self, date: NaiveDate) -> Result<(), CalcError> {
        let (Some(_), Some(schedule)) = (&self.spec.weight_cap, &self.spec.factors) else {
            return Ok(());
        };
        let mut members = Vec::with_capacity(self.cons.len());
        for c in &self.cons {
            let paf = self.paf_of(c.symbol).unwrap_or(Decimal::ONE);
            let cr = cap_ratio(schedule, &self.review_cr, c.symbol, date);
            members.push((c.symbol, c.price, paf, cr));
        }
        self.review_basis = Some(Basis { date, members });
        Ok(())
    }

    /// Runs the review due after the close of the last index date, if a review date lies
    /// between it (inclusive) and `date` (exclusive).
    pub(super) fn review_weight_cap(&mut self, date: NaiveDate) -> Result<(), CalcError> {
        let (Some(wc), Some(basis)) = (&self.spec.weight_cap, &self.review_basis) else {
            return Ok(());
        };
        let i = wc.review_dates.partition_point(|d| *d < basis.date);
        if wc.review_dates.get(i).is_none_or(|d| *d >= date) {
            return Ok(());
        }
        let cap = wc.cap;
        let Some(basis) = self.review_basis.take() else {
            return Ok(());
        };
        let (crs, unmet) = lower_cap_ratios(&basis, cap)?;
        for (&(s, _, _, old), cr) in basis.members.iter().zip(crs) {
            if cr != old {
                let k = s as usize;
                if k >= self.review_cr.len() {
                    self.review_cr.resize(k + 1, None);
                }
                self.review_cr[k] = Some(ReviewedCr {
                    cr,
                    date: basis.date,
                });
            }
        }
        for symbol in unmet {
            self.notices.push(Notice::WeightCapUnmet {
                symbol,
                date: basis.date,
            });
        }
        Ok(())
    }
}

/// The capping ratios after a review of `basis` with cap `cap`, and the members still above
/// the cap.
fn lower_cap_ratios(
    basis: &Basis,
    cap: Decimal,
) -> Result<(Vec<Decimal>, Vec<SymbolId>), CalcError> {
    let date = basis.date;
    let step = Decimal::new(1, 1);
    let what = "a weight-cap review";
    let mut crs: Vec<Decimal> = basis.members.iter().map(|m| m.3).collect();
    let mut values = Vec::with_capacity(crs.len());
    for &(_, p, paf, cr) in &basis.members {
        values.push(mul(mul(p, paf, date, what)?, cr, date, what)?);
    }
    loop {
        let total = canonical_sum(&mut values.clone(), date, what)?;
        let limit = mul(cap, total, date, what)?;
        // The largest value above the cap whose ratio can still be lowered (first on ties).
        let mut pick: Option<usize> = None;
        for (i, v) in values.iter().enumerate() {
            let lowerable = crs[i] - step >= step;
            if *v > limit && lowerable && pick.is_none_or(|j| *v > values[j]) {
                pick = Some(i);
            }
        }
        let Some(i) = pick else {
            let unmet = (0..values.len())
                .filter(|&i| values[i] > limit)
                .map(|i| basis.members[i].0)
                .collect();
            return Ok((crs, unmet));
        };
        crs[i] = crs[i]
            .checked_sub(step)
            .ok_or_else(|| overflow(date, what))?;
        let (_, p, paf, _) = basis.members[i];
        values[i] = mul(mul(p, paf, date, what)?, crs[i], date, what)?;
    }
}
