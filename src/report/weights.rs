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
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn holding(symbol: u32, q: i64, p: &str) -> Holding {
        Holding {
            symbol,
            price: d(p),
            index_shares: Decimal::from(q),
            value: Decimal::from(q) * d(p),
        }
    }

    #[test]
    fn weights_are_values_over_their_sum() {
        // The weights_and_share vector on 2024-11-08: AAA 54×1000, BBB 21×2500, EEE 48×3000;
        // total 250500.
        let h = [
            holding(0, 1000, "54"),
            holding(1, 2500, "21"),
            holding(2, 3000, "48"),
        ];
        let w = weights(&h).unwrap();
        assert_eq!(w[0], d("0.2155688622754491017964071856")); // 54000/250500
        assert_eq!(w[1], d("0.2095808383233532934131736527")); // 52500/250500
        assert_eq!(w[2], d("0.5748502994011976047904191617")); // 144000/250500
        let zero = [holding(0, 0, "10")];
        assert_eq!(weights(&zero), Err(WeightsError::ZeroValue));
    }

    #[test]
    fn rounded_weights_add_up_to_one() {
        // Thirds: 0.3333 ×3 = 0.9999; the largest remainder gives one of them the last unit.
        let third = Decimal::ONE / Decimal::from(3);
        let r = round_to_one(&[third, third, third], 4);
        assert_eq!(r, vec![d("0.3334"), d("0.3333"), d("0.3333")]);
        assert_eq!(r.iter().sum::<Decimal>(), Decimal::ONE);
        // 0.2155688622754… 0.2095808383233… 0.5748502994011… at 4 decimals: floors 0.2155,
        // 0.2095, 0.5748 (sum 0.9998); remainders .0000688, .0000808, .0000502: BBB and AAA
        // get the two missing units.
        let w = [
            d("0.2155688622754491017964071856"),
            d("0.2095808383233532934131736527"),
            d("0.5748502994011976047904191617"),
        ];
        assert_eq!(
            round_to_one(&w, 4),
            vec![d("0.2156"), d("0.2096"), d("0.5748")]
        );
    }

    #[test]
    fn relative_rebases_the_ratio_to_100() {
        // The relative_ew_cw vector: ew 100, 102.5, 106.25; cw 1000, 1025, 1000.
        let day = |s: &str| NaiveDate::from_str(s).unwrap();
        let pairs = [
            (day("2024-01-02"), d("100"), d("1000")),
            (day("2024-01-03"), d("102.5"), d("1025")),
            (day("2024-01-04"), d("106.25"), d("1000")),
        ];
        let r = relative(&pairs, (d("100"), d("1000"))).unwrap();
        assert_eq!(r[0].1, d("100"));
        assert_eq!(r[1].1, d("100"));
        assert_eq!(r[2].1, d("106.25"));
    }
}
