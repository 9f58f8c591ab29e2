//! Point contributions (寄与度): how much each constituent moved the index level on a date.
//!
//! # Definition
//!
//! On an index date *t* after the base date, with `L' = level(t−1)` and `L = level(t)` the
//! engine's levels, `A` the constituents with a close at `t−1` and `p̃` their previous closes
//! restated for the date's splits and special dividends (see [`crate::calc`]), let
//! `S = Σ_{j∈A} q_j·p̃_j`. The contribution of constituent *i* is its weight at the previous
//! close times its return times the previous level:
//!
//! ```text
//! w_i = q_i·p̃_i / S                  r_i = p_i / p̃_i − 1
//! c_i = L' · w_i · r_i = L' · q_i·(p_i − p̃_i) / S
//! ```
//!
//! for every method. For price-weighted (`q = 1`) this is `(p_i − p̃_i) / D_A`, the Dow's and
//! the Nikkei 225's "price change over the divisor", since `L' / S = 1 / D_A`. A constituent
//! outside `A` (entering at its first close) contributes 0; one that left after `t−1` is not a
//! constituent of *t*. The divisor absorbs the change of composition, so neither moves the level.
//!
//! # The contributions add up to the level change exactly
//!
//! In exact arithmetic, `Σ_{i∈A} c_i = L'·(Σ_A q·p − S)/S = L'·Σ_A q·p / S − L'`, which is the
//! engine's chain `level(t) = level(t−1) · Σ_A q·p(t) / Σ_A q·p̃(t−1)` minus `L'`: the raw
//! contributions decompose the change. In 28-digit decimals the quotients are rounded (the
//! engine's level and divisor, and each `c_i`), and the engine keeps the divisor when `S` and
//! the previous market value differ by less than 1e-24 of their size, so the raw sum and the
//! engine's change `T = L − L'` differ by a residue far below 1e-20 of the level. That residue
//! is carried explicitly by [`round_to_sum`]: with `u = 10^−s`, `s` the larger of the scale of
//! `T` and [`POINTS_SCALE`] (20; the scale of `T` alone if a contribution does not fit in 28
//! digits at 20 decimals, a level above about 10^8), each raw
//! contribution is floored to a multiple of `u`, `f_i = ⌊r_i/u⌋`, and the integer
//! `k = T/u − Σ f_i` is split as `k = m·n + ρ` with `0 ≤ ρ < n` (`n = |A|`): every member gets
//! `m` units and the `ρ` with the largest remainders one more. Then
//! `Σ c_i / u = Σ f_i + m·n + ρ = T/u`, an identity of integers computed without rounding, so
//! **`Σ c_i = L − L'` exactly**, the engine's own change. (`T` is the decimal `L − L'`, exact
//! unless it needs more than 28 digits, which takes a level moving tenfold in a day.)
//!
//! Percentages of the previous level, `100·c_i / L'`, are carried the same way (at
//! [`PERCENT_SCALE`] decimals) to add up to exactly `P = 100·T / L'` rounded to 24 decimals; a
//! move of thousands of percent, whose units at 24 decimals exceed 96 bits, is carried at 18, 12,
//! 6 or 0 decimals instead, `P` rounded the same way.
//!
//! # Written at D decimals
//!
//! The written contributions of a date add up to the written change `W = round(L) − round(L')`
//! (the difference of the levels as `idx compute` writes them), by the same rule with `u = 10^−D`
//! and the exact `c_i` as raw values. Levels are positive and rounded half away from zero, so
//! `|W − T| < u`; with `Σ c_i = T` that gives `k ∈ [0, n]` and `m = 0`: each written
//! contribution is its exact value floored or floored plus one unit (within one unit), and the
//! largest remainders take the extra units. The written percentages add up to `round(P)` and the
//! written weights (in percent) of `A` to exactly 100, likewise.

use crate::calc::Holding;
use rust_decimal::{Decimal, RoundingStrategy};

/// A calculation that cannot be done.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContribError {
    /// A number left the range of 28-digit decimals.
    #[error("arithmetic overflow while computing {0}")]
    Overflow(&'static str),
}

/// The fewest decimals the unrounded points are carried at (the most `--decimals` allows), so
/// that a change that happens to be a short decimal does not make the contributions coarse.
pub const POINTS_SCALE: u32 = 20;

/// Decimals of the unrounded percentages: `P` and the members' shares of it, carried at one
/// fixed scale at which any percentage below 79,000% fits in 28 digits.
pub const PERCENT_SCALE: u32 = 24;

/// One constituent's contribution on a date (parallel to the holdings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
    /// `c_i`, in index points; they add up to exactly [`DayContributions::change`].
    pub points: Decimal,
    /// `100·c_i / L'`, in percent; they add up to exactly [`DayContributions::percent`].
    pub percent: Decimal,
    /// `r_i = p_i / p̃_i − 1` and `w_i = q_i·p̃_i / S`; `None` outside `A`.
    pub return_weight: Option<(Decimal, Decimal)>,
}

/// The contributions of one date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayContributions {
    /// `L − L'`, the engine's level change.
    pub change: Decimal,
    /// `100·(L − L') / L'`, to [`PERCENT_SCALE`] decimals.
    pub percent: Decimal,
    /// One per holding, in the holdings' order.
    pub members: Vec<Contribution>,
}

fn overflow(what: &'static str) -> ContribError {
    ContribError::Overflow(what)
}

/// The contributions of `holdings` (the engine's holdings of date *t*, with their restated
/// previous closes) to the change from `previous` (`L'`) to `level` (`L`).
pub fn contributions(
    previous: Decimal,
    level: Decimal,
    holdings: &[Holding],
) -> Result<DayContributions, ContribError> {
    let ovf = || overflow("the contributions");
    let change = level.checked_sub(previous).ok_or_else(ovf)?;
    let percent = mul_div(change, Decimal::ONE_HUNDRED, previous)
        .ok_or_else(ovf)?
        .round_dp(PERCENT_SCALE);
    // (index into holdings, q·p̃, q·(p − p̃)) of the members of A.
    let mut a: Vec<(usize, Decimal, Decimal)> = Vec::new();
    for (i, h) in holdings.iter().enumerate() {
        if let Some(prev) = h.previous {
            let base = h.index_shares.checked_mul(prev).ok_or_else(ovf)?;
            let moved = h.value.checked_sub(base).ok_or_else(ovf)?;
            a.push((i, base, moved));
        }
    }
    let mut bases: Vec<Decimal> = a.iter().map(|x| x.1).collect();
    bases.sort_unstable();
    let s = bases
        .iter()
        .try_fold(Decimal::ZERO, |t, b| t.checked_add(*b))
        .ok_or_else(ovf)?;
    let mut members = vec![
        Contribution {
            points: Decimal::ZERO,
            percent: Decimal::ZERO,
            return_weight: None,
        };
        holdings.len()
    ];
    if a.is_empty() {
        return Ok(DayContributions {
            change,
            percent,
            members,
        });
    }
    let mut raw = Vec::with_capacity(a.len());
    for &(_, _, moved) in &a {
        raw.push(if s.is_zero() {
            Decimal::ZERO
        } else {
            mul_div(previous, moved, s).ok_or_else(ovf)?
        });
    }
    let points = round_to_sum(&raw, change, change.scale().max(POINTS_SCALE))
        .or_else(|_| round_to_sum(&raw, change, change.scale()))?;
    let mut raw_pct = Vec::with_capacity(a.len());
    for c in &points {
        raw_pct.push(mul_div(*c, Decimal::ONE_HUNDRED, previous).ok_or_else(ovf)?);
    }
    // A move of thousands of percent in a day does not fit 24 decimals in 96 bits: then fewer
    // decimals, the index's own percentage rounded the same way so that the sum stays exact.
    let (percent, percents) = [PERCENT_SCALE, 18, 12, 6, 0]
        .iter()
        .find_map(|&scale| {
            let target = percent.round_dp(scale);
            round_to_sum(&raw_pct, target, scale)
                .ok()
                .map(|p| (target, p))
        })
        .ok_or_else(|| overflow("the rounding of the contributions"))?;
    for (k, &(i, base, _)) in a.iter().enumerate() {
        let h = &holdings[i];
        let prev = h.previous.unwrap_or(Decimal::ONE);
        let ret = (h.price - prev).checked_div(prev).ok_or_else(ovf)?;
        let weight = if s.is_zero() {
            Decimal::ZERO
        } else {
            base.checked_div(s).ok_or_else(ovf)?
        };
        members[i] = Contribution {
            points: points[k],
            percent: percents[k],
            return_weight: Some((ret, weight)),
        };
    }
    Ok(DayContributions {
        change,
        percent,
        members,
    })
}

/// `a·b / c`, multiplying first for exactness and dividing first if that overflows.
fn mul_div(a: Decimal, b: Decimal, c: Decimal) -> Option<Decimal> {
    match a.checked_mul(b) {
        Some(ab) => ab.checked_div(c),
        None => a.checked_mul(b.checked_div(c)?),
    }
}

/// `x` as a whole number of units `10^−scale`, if it has at most `scale` decimals.
fn units(x: Decimal, scale: u32) -> Option<i128> {
    let k = scale.checked_sub(x.scale())?;
    x.mantissa().checked_mul(10i128.checked_pow(k)?)
}

/// Rounds `raw` to `scale` decimals so that the results add up to exactly `target` (which has
/// at most `scale` decimals): each value is floored to a multiple of `u = 10^−scale`, and the
/// `k` units still missing (`k = target/u − Σ floors`, any integer) are handed out as
/// `k = m·n + ρ`, `0 ≤ ρ < n`: `m` units to every value and one more to the `ρ` with the largest
/// remainders (ties: the larger value, then the earlier position). All in integers, so the sum
/// is exact. With no values the target must be 0.
pub fn round_to_sum(
    raw: &[Decimal],
    target: Decimal,
    scale: u32,
) -> Result<Vec<Decimal>, ContribError> {
    let ovf = || overflow("the rounding of the contributions");
    let floors: Vec<Decimal> = raw
        .iter()
        .map(|x| x.round_dp_with_strategy(scale, RoundingStrategy::ToNegativeInfinity))
        .collect();
    let mut total: i128 = units(target, scale).ok_or_else(ovf)?;
    let mut out: Vec<i128> = Vec::with_capacity(raw.len());
    for f in &floors {
        let u = units(*f, scale).ok_or_else(ovf)?;
        total = total.checked_sub(u).ok_or_else(ovf)?;
        out.push(u);
    }
    let n = raw.len() as i128;
    if n == 0 {
        return if total == 0 {
            Ok(Vec::new())
        } else {
            Err(ovf())
        };
    }
    let (m, rho) = (total.div_euclid(n), total.rem_euclid(n) as usize);
    let mut order: Vec<usize> = (0..raw.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (raw[a] - floors[a], raw[b] - floors[b]);
        rb.cmp(&ra).then(raw[b].cmp(&raw[a])).then(a.cmp(&b))
    });
    for (rank, &i) in order.iter().enumerate() {
        let extra = m + i128::from(rank < rho);
        out[i] = out[i].checked_add(extra).ok_or_else(ovf)?;
    }
    out.into_iter()
        .map(|u| Decimal::try_from_i128_with_scale(u, scale).map_err(|_| ovf()))
        .collect()
}

/// Rounds half away from zero to `decimals` places, as every written number is.
pub fn written(x: Decimal, decimals: u32) -> Decimal {
    x.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests;
