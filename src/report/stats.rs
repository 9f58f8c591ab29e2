//! The factsheet figures of a level series beside its returns: best and worst day and month,
//! the number of up and down months, risk as index providers publish it, and streaks.
//!
//! # Definitions
//!
//! * **Best / worst day**: the largest and smallest `L(t) / L(t−1) − 1` over consecutive levels
//!   of the series (the first one on a tie), with both dates.
//! * **Best / worst month, up / down months**: over the complete months of the monthly table
//!   (a partial first or last month does not count); a month of exactly 0 is neither up nor
//!   down.
//! * **Risk** (3, 5 and 10 years): the sample standard deviation (n − 1) of the N·12 monthly
//!   returns ending at the last complete month-end, times √12, as S&P Dow Jones Indices
//!   factsheets publish "annualized risk"; not available without N·12 months. **Return/risk**:
//!   the annualised return over the same months, `(L_end / L_start)^(1/N) − 1`, divided by the
//!   risk.
//! * **Streaks**: runs of closes above (up) or below (down) the previous close; an unchanged
//!   close ends a run. The current streak is the run that ends at the last level; the longest
//!   up and down streaks are the longest runs of the series (the most recent on a tie), with the
//!   dates of their first and last closes.

use super::compound::{annualize_years, ret, Points, ReturnsError};
use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, MathematicalOps};

/// A return over a span: a day or a month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extreme {
    /// `end / base − 1`.
    pub value: Decimal,
    /// The base date (the level it starts from).
    pub base: NaiveDate,
    /// The end date.
    pub end: NaiveDate,
    /// `2024-03` for a month, the end date for a day.
    pub label: String,
}

/// Risk over the last N years of complete months.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Risk {
    /// N.
    pub years: u32,
    /// The first and last month-end of the window; `None` when the series is too short.
    pub span: Option<(NaiveDate, NaiveDate)>,
    /// Annualised standard deviation of the monthly returns.
    pub value: Option<Decimal>,
    /// The annualised return over the window.
    pub annual_return: Option<Decimal>,
    /// `annual_return / value` (`None` with no risk).
    pub ratio: Option<Decimal>,
}

/// A run of closes moving the same way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Streak {
    /// Up (higher closes) or down.
    pub up: bool,
    /// The number of closes in the run.
    pub length: usize,
    /// The first close of the run.
    pub start: NaiveDate,
    /// The last close of the run.
    pub end: NaiveDate,
}

/// A complete month of the monthly table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Month {
    /// `2024-03`.
    pub label: String,
    /// The previous month's last level's date.
    pub base: NaiveDate,
    /// The month's last level's date.
    pub end: NaiveDate,
    /// `end / base − 1`.
    pub value: Decimal,
}

/// Every figure of this module for one series.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// The best day.
    pub best_day: Option<Extreme>,
    /// The worst day.
    pub worst_day: Option<Extreme>,
    /// The best complete month.
    pub best_month: Option<Extreme>,
    /// The worst complete month.
    pub worst_month: Option<Extreme>,
    /// Complete months with a rise.
    pub up_months: usize,
    /// Complete months with a fall.
    pub down_months: usize,
    /// 3, 5 and 10 years.
    pub risk: Vec<Risk>,
    /// The run that ends at the last level, if the last close moved.
    pub current_streak: Option<Streak>,
    /// The longest run of higher closes.
    pub longest_up: Option<Streak>,
    /// The longest run of lower closes.
    pub longest_down: Option<Streak>,
}

/// The years of [`Stats::risk`].
pub const RISK_YEARS: [u32; 3] = [3, 5, 10];

/// The figures of `points` (ascending, positive, up to the report's last level), with its
/// complete months and their month-end levels (oldest first).
pub fn stats(
    points: Points<'_>,
    monthly: &[Month],
    month_ends: &[(NaiveDate, Decimal)],
) -> Result<Stats, ReturnsError> {
    let mut s = Stats::default();
    days(points, &mut s)?;
    months(monthly, &mut s);
    s.risk = RISK_YEARS
        .iter()
        .map(|&n| risk(month_ends, n))
        .collect::<Result<_, _>>()?;
    streaks(points, &mut s);
    Ok(s)
}

fn days(points: Points<'_>, s: &mut Stats) -> Result<(), ReturnsError> {
    for w in points.windows(2) {
        let r = ret(w[1].1, w[0].1)?;
        let day = || Extreme {
            value: r,
            base: w[0].0,
            end: w[1].0,
            label: w[1].0.to_string(),
        };
        if s.best_day.as_ref().is_none_or(|b| r > b.value) {
            s.best_day = Some(day());
        }
        if s.worst_day.as_ref().is_none_or(|b| r < b.value) {
            s.worst_day = Some(day());
        }
    }
    Ok(())
}

fn months(monthly: &[Month], s: &mut Stats) {
    for m in monthly {
        if s.best_month.as_ref().is_none_or(|b| m.value > b.value) {
            s.best_month = Some(extreme(m));
        }
        if s.worst_month.as_ref().is_none_or(|b| m.value < b.value) {
            s.worst_month = Some(extreme(m));
        }
        if m.value > Decimal::ZERO {
            s.up_months += 1;
        } else if m.value < Decimal::ZERO {
            s.down_months += 1;
        }
    }
}

fn extreme(m: &Month) -> Extreme {
    Extreme {
        value: m.value,
        base: m.base,
        end: m.end,
        label: m.label.clone(),
    }
}

/// The months from `a` to `b`.
fn months_between(a: NaiveDate, b: NaiveDate) -> i32 {
    (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32
}

fn risk(month_ends: &[(NaiveDate, Decimal)], years: u32) -> Result<Risk, ReturnsError> {
    let none = Risk {
        years,
        span: None,
        value: None,
        annual_return: None,
        ratio: None,
    };
    let n = years as usize * 12;
    if month_ends.len() < n + 1 {
        return Ok(none);
    }
    let window = &month_ends[month_ends.len() - n - 1..];
    // Every month of the window must be there.
    if months_between(window[0].0, window[n].0) != n as i32 {
        return Ok(none);
    }
    let overflow = || ReturnsError::Overflow("the risk");
    let monthly = window
        .windows(2)
        .map(|w| ret(w[1].1, w[0].1))
        .collect::<Result<Vec<_>, _>>()?;
    let count = Decimal::from(n);
    let mean = monthly
        .iter()
        .try_fold(Decimal::ZERO, |a, x| a.checked_add(*x))
        .and_then(|t| t.checked_div(count))
        .ok_or_else(overflow)?;
    let var = monthly
        .iter()
        .try_fold(Decimal::ZERO, |a, x| {
            let d = x.checked_sub(mean)?;
            a.checked_add(d.checked_mul(d)?)
        })
        .and_then(|t| t.checked_div(count - Decimal::ONE))
        .ok_or_else(overflow)?;
    let value = var
        .checked_mul(Decimal::from(12))
        .and_then(|v| v.sqrt())
        .ok_or_else(overflow)?;
    let total = ret(window[n].1, window[0].1)?;
    let annual_return = annualize_years(total, years)?;
    let ratio = if value.is_zero() {
        None
    } else {
        Some(annual_return.checked_div(value).ok_or_else(overflow)?)
    };
    Ok(Risk {
        years,
        span: Some((window[0].0, window[n].0)),
        value: Some(value),
        annual_return: Some(annual_return),
        ratio,
    })
}

fn streaks(points: Points<'_>, s: &mut Stats) {
    let mut run: Option<Streak> = None;
    let close = |run: &Option<Streak>, s: &mut Stats| {
        let Some(r) = run else { return };
        let longest = if r.up {
            &mut s.longest_up
        } else {
            &mut s.longest_down
        };
        if longest.as_ref().is_none_or(|l| r.length >= l.length) {
            *longest = Some(r.clone());
        }
    };
    for w in points.windows(2) {
        let up = match w[1].1.cmp(&w[0].1) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => {
                close(&run, s);
                run = None;
                continue;
            }
        };
        match run.as_mut() {
            Some(r) if r.up == up => {
                r.length += 1;
                r.end = w[1].0;
            }
            _ => {
                close(&run, s);
                run = Some(Streak {
                    up,
                    length: 1,
                    start: w[1].0,
                    end: w[1].0,
                });
            }
        }
    }
    close(&run, s);
    s.current_streak = run;
}

#[cfg(test)]
mod tests;
