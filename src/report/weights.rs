//! Constituent weights, the share of a set of constituents, and relative performance.
//!
//! * Weight of constituent *i* on a date: `w_i = q_i·p_i / Σ_j q_j·p_j`, the same `q` as the
//!   index itself (cap-weighted: `shares × float`, so `w_i` is its share of the index market
//!   cap; price-weighted: `q = 1`, so `w_i = p_i / Σ p`; equal-weighted: the index shares of the
//!   last rebalance, so the weights have drifted since).
//! * Rounding: weights written with `D` decimals are rounded by the largest-remainder method,
//!   so that the written weights of a date add up to exactly 1; each differs from the exact
//!   weight by less than one unit of the last decimal.
//! * Share of a set `S`: `Σ_{i∈S} w_i`, the sum of the members' written weights (so the share
//!   equals the sum of its members' weights exactly, at the written decimals).
//! * Relative performance of `A` against `B`: `R_t = 100 · (A_t / A_0) / (B_t / B_0)` on their
//!   common dates, `0` the base date: the ratio of their growth since the base.

use crate::calc::Holding;
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// A calculation that cannot be done.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WeightsError {
    /// The index has no value (every constituent has zero index shares).
    #[error("the index market value is zero")]
    ZeroValue,
    /// A number left the range of 28-digit decimals.
    #[error("arithmetic overflow while computing {0}")]
    Overflow(&'static str),
}

/// The exact weights of `holdings`, parallel to them.
pub fn weights(holdings: &[Holding]) -> Result<Vec<Decimal>, WeightsError> {
    let mut values: Vec<Decimal> = holdings.iter().map(|h| h.value).collect();
    // Sum in ascending order: the total does not depend on the order of the holdings.
    values.sort_unstable();
    let total = values
        .iter()
        .try_fold(Decimal::ZERO, |a, v| a.checked_add(*v))
        .ok_or(WeightsError::Overflow("the index value"))?;
    if total.is_zero() {
        return Err(WeightsError::ZeroValue);
    }
    holdings
        .iter()
        .map(|h| {
            h.value
                .checked_div(total)
                .ok_or(WeightsError::Overflow("a weight"))
        })
        .collect()
}

/// Rounds non-negative `weights` (which add up to 1) to `decimals` places by the
/// largest-remainder method, so that the results add up to exactly 1. Ties go to the larger
/// weight, then to the earlier position.
pub fn round_to_one(weights: &[Decimal], decimals: u32) -> Vec<Decimal> {
    let ulp = Decimal::new(1, decimals);
    let floors: Vec<Decimal> = weights
        .iter()
        .map(|w| w.round_dp_with_strategy(decimals, RoundingStrategy::ToZero))
        .collect();
    let sum: Decimal = floors.iter().sum();
    let missing = ((Decimal::ONE - sum) / ulp).round().to_usize().unwrap_or(0);
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (weights[a] - floors[a], weights[b] - floors[b]);
        rb.cmp(&ra)
            .then(weights[b].cmp(&weights[a]))
            .then(a.cmp(&b))
    });
    let mut out = floors;
    for &i in order.iter().take(missing) {
        out[i] += ulp;
    }
    out
}

/// `100 · (a_t / a_0) / (b_t / b_0)` for each pair of levels, `(a_0, b_0)` the base.
pub fn relative(
    pairs: &[(NaiveDate, Decimal, Decimal)],
    base: (Decimal, Decimal),
) -> Result<Vec<(NaiveDate, Decimal)>, WeightsError> {
    let overflow = || WeightsError::Overflow("a relative level");
    pairs
        .iter()
        .map(|&(d, a, b)| {
            let ga = a.checked_div(base.0).ok_or_else(overflow)?;
            let gb = b.checked_div(base.1).ok_or_else(overflow)?;
            let r = ga
                .checked_div(gb)
                .and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED))
                .ok_or_else(overflow)?;
            Ok((d, r))
        })
        .collect()
}

#[cfg(test)]
mod tests;
