//! Checked arithmetic for the engine: every overflow is a [`CalcError::Overflow`] naming the
//! date and the quantity, sums that do not depend on the order of the rows, and the rounding
//! of equal-weight index shares.

use super::EQUAL_WEIGHT_SHARE_DIGITS;
use crate::calc::CalcError;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The overflow error for `what` on `date`.
pub(super) fn overflow(date: NaiveDate, what: &'static str) -> CalcError {
    CalcError::Overflow { date, what }
}

/// `a · b`, or an overflow error for `what` on `date`.
pub(super) fn mul(
    a: Decimal,
    b: Decimal,
    date: NaiveDate,
    what: &'static str,
) -> Result<Decimal, CalcError> {
    a.checked_mul(b).ok_or_else(|| overflow(date, what))
}

/// `a / b`, or an overflow error (division by zero included) for `what` on `date`.
pub(super) fn div(
    a: Decimal,
    b: Decimal,
    date: NaiveDate,
    what: &'static str,
) -> Result<Decimal, CalcError> {
    a.checked_div(b).ok_or_else(|| overflow(date, what))
}

/// `a + b`, or an overflow error for `what` on `date`.
pub(super) fn add(
    a: Decimal,
    b: Decimal,
    date: NaiveDate,
    what: &'static str,
) -> Result<Decimal, CalcError> {
    a.checked_add(b).ok_or_else(|| overflow(date, what))
}

/// Sums non-negative terms so that the result does not depend on their order (and so not on the
/// order of the input rows). Terms with at most [`EXACT_SCALE`] decimals are added exactly as
/// integer mantissas; the others (28-digit quotients such as a price divided by a split ratio
/// of 3) are then added one by one in ascending order. Either way the order is fixed by the
/// values alone.
pub(super) fn canonical_sum(
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

/// Rounds equal-weight index shares `K / (N·p)` to [`EQUAL_WEIGHT_SHARE_DIGITS`] significant
/// digits, as a provider holds a rounded number of shares: values then differ from exactly
/// equal by under 1e-14 relative, the divisor absorbs the rounding, and every `q·p` is a short
/// exact decimal (fast, exact sums).
pub(super) fn index_shares_rounded(q: Decimal) -> Decimal {
    q.round_sf(EQUAL_WEIGHT_SHARE_DIGITS).unwrap_or(q)
}

/// Whether two market values are equal up to the residue of 28-digit arithmetic (1e-24
/// relative): far below any real event, which moves a market value by a whole share or cent.
pub(super) fn same_value(a: Decimal, b: Decimal) -> bool {
    a == b || (a - b).abs() <= b.abs() * Decimal::new(1, 24)
}

/// `a · b / c`, multiplying first for exactness and dividing first if that overflows.
pub(super) fn mul_div(
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
