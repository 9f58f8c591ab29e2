//! Compounding: the return between two levels and annualised rates (pure, exact decimals),
//! shared by the returns report and its factsheet figures.

use chrono::NaiveDate;
use rust_decimal::{Decimal, MathematicalOps};

/// A calculation that cannot be done.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReturnsError {
    /// The as-of date precedes the series.
    #[error("the as-of date {as_of} is before the first date of the series ({first})")]
    AsOfBeforeStart {
        /// The requested as-of date.
        as_of: NaiveDate,
        /// The series' first date.
        first: NaiveDate,
    },
    /// The series is empty.
    #[error("the series has no levels")]
    Empty,
    /// A number left the range of 28-digit decimals.
    #[error("arithmetic overflow while computing {0}")]
    Overflow(&'static str),
}

/// A level series: ascending dates, positive levels.
pub type Points<'a> = &'a [(NaiveDate, Decimal)];

/// `end / base − 1`.
pub fn ret(end: Decimal, base: Decimal) -> Result<Decimal, ReturnsError> {
    end.checked_div(base)
        .and_then(|r| r.checked_sub(Decimal::ONE))
        .ok_or(ReturnsError::Overflow("a return"))
}

/// `(1 + r)^(365.25 / days) − 1`.
///
/// ```
/// use rust_decimal::Decimal;
/// use idx::report::returns::annualize;
/// // +46.41% over 1461 days (4 × 365.25) is +10% a year: 1.1⁴ = 1.4641.
/// let a = annualize(Decimal::new(4641, 4), 1461).unwrap();
/// assert!((a - Decimal::new(1, 1)).abs() < Decimal::new(1, 20));
/// ```
pub fn annualize(r: Decimal, days: i64) -> Result<Decimal, ReturnsError> {
    if days <= 0 {
        return Err(ReturnsError::Overflow("an annualised return"));
    }
    let exponent = Decimal::new(36525, 2)
        .checked_div(Decimal::from(days))
        .ok_or(ReturnsError::Overflow("an annualised return"))?;
    (Decimal::ONE + r)
        .checked_powd(exponent)
        .and_then(|g| g.checked_sub(Decimal::ONE))
        .ok_or(ReturnsError::Overflow("an annualised return"))
}

/// `(1 + r)^(1/years) − 1`: the annual rate of an N-year return.
///
/// ```
/// use rust_decimal::Decimal;
/// use idx::report::returns::annualize_years;
/// // +33.1% over 3 years is +10% a year: 1.1³ = 1.331.
/// let a = annualize_years(Decimal::new(331, 3), 3).unwrap();
/// assert!((a - Decimal::new(1, 1)).abs() < Decimal::new(1, 20));
/// ```
pub fn annualize_years(r: Decimal, years: u32) -> Result<Decimal, ReturnsError> {
    let overflow = || ReturnsError::Overflow("an annualised return");
    let exponent = Decimal::ONE
        .checked_div(Decimal::from(years.max(1)))
        .ok_or_else(overflow)?;
    (Decimal::ONE + r)
        .checked_powd(exponent)
        .and_then(|g| g.checked_sub(Decimal::ONE))
        .ok_or_else(overflow)
}
