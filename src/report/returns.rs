//! Returns of a level series: period-to-date, trailing, calendar years, months, drawdown and
//! volatility. Every figure is compounded from levels (`end / base − 1`), never summed.
//!
//! # Definitions
//!
//! Let `E` be the last date of the series on or before the as-of date `A`.
//!
//! * **Period to date** (MTD, QTD, YTD): `L(E) / L(base) − 1`, with `base` the last level before
//!   the period's first day. When the series starts inside the period, `base` is the first level
//!   and the figure is marked partial.
//! * **Complete periods.** A month, quarter or year is complete as of `E` when no trading day
//!   of it remains after `E`: the series shows it (its next date is after the period), or an
//!   exchange calendar does ([`Options::exchange`]); only at the end of a series without a
//!   calendar does the rule fall back to weekdays (`E` on or after the period's last weekday).
//! * **Trailing** (1M, 3M, 6M, 1Y, 3Y, 5Y, 10Y): when `E` ends a complete month (a month-end
//!   as-of date, as factsheets are), `base` is the last level of the month N months before
//!   `E`'s month, so that 1Y as of a year's last trading day is that calendar year; otherwise the
//!   last level on or before the same calendar date N months earlier than `A` (a day that does
//!   not exist, such as 29 February in a common year, becomes the month's last day). A period
//!   that starts before the series, or on or after its last level (an as-of date past the
//!   data), is not available, never silently shortened. **Since inception**: `base` is the
//!   first level.
//! * **Annualised**: N-year figures (3Y, 5Y, 10Y) as `(1 + r)^(1/N) − 1`; since inception (a
//!   year or more) as `(1 + r)^(365.25 / days) − 1`, `days` being the calendar days from the
//!   base date to `E`. A 1-year figure is its own annual return and is not annualised again.
//! * **Calendar year** Y: last level of Y / last level of Y−1 − 1. The first year (no level in
//!   the year before) starts from its first level and is partial (not available when that is
//!   its only level); the year of `E` is partial unless it is complete.
//! * **Monthly**: last level of the month / last level of the previous month − 1, the first
//!   and last months partial in the same way.
//! * **Maximum drawdown**: the lowest `L(t) / max_{s≤t} L(s) − 1`, with the peak, the trough and
//!   the first later date at or above the peak (the recovery), if any.
//! * **Volatility**: the sample standard deviation (n − 1) of the daily log returns
//!   `ln(L(t)/L(t−1))`, times `√(observations per year)`, where observations per year is the
//!   number of returns divided by the calendar years they span (days / 365.25). No 252-day
//!   assumption.

use super::calendar::Exchange;
pub use super::compound::{annualize, annualize_years, ret, Points, ReturnsError};
use chrono::{Datelike, Months, NaiveDate, Weekday};
use rust_decimal::{Decimal, MathematicalOps};

/// How to read a series' periods.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The exchange whose trading days decide whether a period is complete at the end of the
    /// series (`None`: the series' own dates, then weekdays).
    pub exchange: Option<Exchange>,
    /// Observations per year for the daily volatility (`None`: measured on the series).
    pub periods_per_year: Option<Decimal>,
}

/// Whether periods are complete as of `end`: the series' next date, or the exchange, says.
#[derive(Clone, Copy, Debug)]
struct Completeness {
    end: NaiveDate,
    next: Option<NaiveDate>,
    exchange: Option<Exchange>,
}

impl Completeness {
    /// Whether no trading day remains after `end` up to `period_end` (the period's last day).
    fn complete(&self, period_end: NaiveDate) -> bool {
        if period_end <= self.end {
            return true;
        }
        match (self.next, self.exchange) {
            (Some(next), _) => next > period_end,
            (None, Some(x)) => !x.trades_between(self.end, period_end),
            (None, None) => last_weekday_on_or_before(period_end).is_some_and(|d| self.end >= d),
        }
    }
}

/// The last day of `d`'s month.
fn month_end(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1)
        .and_then(|m| m.checked_add_months(Months::new(1)))
        .and_then(|m| m.pred_opt())
        .unwrap_or(d)
}

/// A trailing period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trailing {
    /// N months back.
    Months(u32),
    /// Since the first level.
    Inception,
}

impl Trailing {
    /// The standard set: 1M, 3M, 6M, 1Y, 3Y, 5Y, 10Y and since inception.
    pub const ALL: [Trailing; 8] = [
        Trailing::Months(1),
        Trailing::Months(3),
        Trailing::Months(6),
        Trailing::Months(12),
        Trailing::Months(36),
        Trailing::Months(60),
        Trailing::Months(120),
        Trailing::Inception,
    ];

    /// Its label: `1M`, `1Y`, `inception`.
    pub fn label(self) -> String {
        match self {
            Trailing::Months(m) if m % 12 == 0 => format!("{}Y", m / 12),
            Trailing::Months(m) => format!("{m}M"),
            Trailing::Inception => "inception".to_string(),
        }
    }
}

/// A period-to-date span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToDate {
    /// Month to date.
    Month,
    /// Quarter to date.
    Quarter,
    /// Year to date.
    Year,
}

impl ToDate {
    /// All three, in order.
    pub const ALL: [ToDate; 3] = [ToDate::Month, ToDate::Quarter, ToDate::Year];

    /// `MTD`, `QTD`, `YTD`.
    pub fn label(self) -> &'static str {
        match self {
            ToDate::Month => "MTD",
            ToDate::Quarter => "QTD",
            ToDate::Year => "YTD",
        }
    }

    fn first_day(self, d: NaiveDate) -> NaiveDate {
        let month = match self {
            ToDate::Month => d.month(),
            ToDate::Quarter => (d.month0() / 3) * 3 + 1,
            ToDate::Year => 1,
        };
        NaiveDate::from_ymd_opt(d.year(), month, 1).unwrap_or(d)
    }
}

/// A return over a span of the series.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodReturn {
    /// The period's label (`YTD`, `1Y`, `2024`, `2024-03`).
    pub label: String,
    /// The base date (whose level the return starts from) and the end date; `None` when the
    /// period is not available.
    pub span: Option<(NaiveDate, NaiveDate)>,
    /// `end / base − 1`; `None` when not available.
    pub value: Option<Decimal>,
    /// The annualised return, for periods of a year or more.
    pub annualized: Option<Decimal>,
    /// Whether the series starts (or ends) inside the period.
    pub partial: bool,
}

/// The deepest fall from a peak.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drawdown {
    /// `trough / peak − 1` (≤ 0).
    pub value: Decimal,
    /// The peak's date.
    pub peak: NaiveDate,
    /// The trough's date.
    pub trough: NaiveDate,
    /// The first date on or after the trough with a level at or above the peak's.
    pub recovery: Option<NaiveDate>,
}

/// Annualised volatility of daily log returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volatility {
    /// `stdev · √(observations per year)`.
    pub annualized: Decimal,
    /// Observations per year, measured on the series.
    pub per_year: Decimal,
    /// The number of returns.
    pub observations: usize,
}

/// One year of monthly returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthRow {
    /// The year.
    pub year: i32,
    /// January to December; `None` where the series has no level.
    pub months: [Option<PeriodReturn>; 12],
    /// The calendar-year return.
    pub total: PeriodReturn,
}

/// The full report of one series.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The as-of date asked for.
    pub as_of: NaiveDate,
    /// The last date of the series on or before it.
    pub end: NaiveDate,
    /// MTD, QTD, YTD.
    pub to_date: Vec<PeriodReturn>,
    /// 1M ... 10Y, inception.
    pub trailing: Vec<PeriodReturn>,
    /// One per calendar year.
    pub calendar: Vec<PeriodReturn>,
    /// The monthly table.
    pub monthly: Vec<MonthRow>,
    /// The maximum drawdown; `None` if the series never falls.
    pub drawdown: Option<Drawdown>,
    /// Volatility; `None` with fewer than two returns.
    pub volatility: Option<Volatility>,
    /// Best and worst days and months, up and down months, risk and streaks.
    pub stats: super::stats::Stats,
}

/// Index of the last point on or before `d`.
fn last_on_or_before(points: Points<'_>, d: NaiveDate) -> Option<usize> {
    points.partition_point(|p| p.0 <= d).checked_sub(1)
}

fn last_weekday_on_or_before(mut d: NaiveDate) -> Option<NaiveDate> {
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d = d.pred_opt()?;
    }
    Some(d)
}

/// The return from the last level before `start` (or the first level, partial) to the last
/// level on or before `end`, over the points of the series.
fn span_return(
    label: String,
    points: Points<'_>,
    start: NaiveDate,
    end_idx: usize,
) -> Result<PeriodReturn, ReturnsError> {
    let (base_idx, partial) = match points.partition_point(|p| p.0 < start).checked_sub(1) {
        Some(i) => (i, false),
        None => (0, true),
    };
    let (b, e) = (points[base_idx], points[end_idx]);
    // A period whose only level is the series' first has no return (not a return of 0).
    let value = if partial && base_idx == end_idx {
        None
    } else {
        Some(ret(e.1, b.1)?)
    };
    Ok(PeriodReturn {
        label,
        span: Some((b.0, e.0)),
        value,
        annualized: None,
        partial,
    })
}

/// Builds the report of `points` (ascending, positive) as of `as_of` (default: the last date),
/// with the default [`Options`].
pub fn report(points: Points<'_>, as_of: Option<NaiveDate>) -> Result<Report, ReturnsError> {
    report_with(points, as_of, &Options::default())
}

/// Builds the report of `points` (ascending, positive) as of `as_of` (default: the last date).
pub fn report_with(
    points: Points<'_>,
    as_of: Option<NaiveDate>,
    options: &Options,
) -> Result<Report, ReturnsError> {
    let first = points.first().ok_or(ReturnsError::Empty)?.0;
    let as_of = as_of.unwrap_or(points[points.len() - 1].0);
    let end_idx =
        last_on_or_before(points, as_of).ok_or(ReturnsError::AsOfBeforeStart { as_of, first })?;
    let periods = Completeness {
        end: points[end_idx].0,
        next: points.get(end_idx + 1).map(|p| p.0),
        exchange: options.exchange,
    };
    let points = &points[..=end_idx];
    let end = points[end_idx].0;

    let to_date = to_date_returns(points, as_of, end, end_idx)?;
    let trailing = trailing_returns(points, as_of, &periods)?;
    let (calendar, monthly) = calendar_returns(points, &periods)?;
    let months = complete_months(&monthly);
    let stats = super::stats::stats(points, &months, &periods_month_ends(points, &periods))?;

    Ok(Report {
        as_of,
        end,
        to_date,
        trailing,
        calendar,
        monthly,
        drawdown: drawdown(points)?,
        volatility: volatility_with(points, options.periods_per_year)?,
        stats,
    })
}

/// The complete months of the monthly table (a partial first or last month, or one without a
/// return, is left out).
fn complete_months(monthly: &[MonthRow]) -> Vec<super::stats::Month> {
    monthly
        .iter()
        .flat_map(|row| row.months.iter().flatten())
        .filter_map(|p| match (p.value, p.span, p.partial) {
            (Some(value), Some((base, end)), false) => Some(super::stats::Month {
                label: p.label.clone(),
                base,
                end,
                value,
            }),
            _ => None,
        })
        .collect()
}

/// The month-end levels of `points` that close complete months, oldest first: the series'
/// last level of each month whose last trading day it has.
fn periods_month_ends(points: Points<'_>, periods: &Completeness) -> Vec<(NaiveDate, Decimal)> {
    let mut out: Vec<(NaiveDate, Decimal)> = Vec::new();
    for (k, &(d, l)) in points.iter().enumerate() {
        let last_of_month = points.get(k + 1).is_none_or(|n| month_end(d) < n.0);
        if last_of_month && (k + 1 < points.len() || periods.complete(month_end(d))) {
            out.push((d, l));
        }
    }
    out
}

/// The to-date returns of the report ([`ToDate::ALL`]) as of `as_of`; `end` is the date of
/// the last level on or before it, at `end_idx` of `points`.
fn to_date_returns(
    points: Points<'_>,
    as_of: NaiveDate,
    end: NaiveDate,
    end_idx: usize,
) -> Result<Vec<PeriodReturn>, ReturnsError> {
    // A period that starts after the last level (an as-of date past the end of the data) has
    // no level in it: not available rather than a return of 0.
    let unavailable = |label: String| PeriodReturn {
        label,
        span: None,
        value: None,
        annualized: None,
        partial: false,
    };
    ToDate::ALL
        .iter()
        .map(|p| {
            let start = p.first_day(as_of);
            if start > end {
                Ok(unavailable(p.label().to_string()))
            } else {
                span_return(p.label().to_string(), points, start, end_idx)
            }
        })
        .collect::<Result<Vec<_>, _>>()
}

/// The trailing returns of the report ([`Trailing::ALL`]) up to `E` (`periods.end`), the last
/// level on or before `as_of`: from month-end closes when `E` ends a complete month, else from
/// the same calendar date N months before `as_of`.
fn trailing_returns(
    points: Points<'_>,
    as_of: NaiveDate,
    periods: &Completeness,
) -> Result<Vec<PeriodReturn>, ReturnsError> {
    let (first, end) = (points[0].0, periods.end);
    let end_level = points[points.len() - 1].1;
    let month_end_rule = periods.complete(month_end(end));
    let mut trailing = Vec::new();
    for t in Trailing::ALL {
        let base = match t {
            Trailing::Inception => Some(0),
            Trailing::Months(m) if month_end_rule => end
                .checked_sub_months(Months::new(m))
                .map(month_end)
                .and_then(|target| last_on_or_before(points, target))
                .filter(|&i| i + 1 < points.len()),
            Trailing::Months(m) => as_of
                .checked_sub_months(Months::new(m))
                .filter(|target| *target >= first && *target < end)
                .and_then(|target| last_on_or_before(points, target)),
        };
        trailing.push(match base {
            None => PeriodReturn {
                label: t.label(),
                span: None,
                value: None,
                annualized: None,
                partial: false,
            },
            Some(i) => {
                let (bd, bl) = points[i];
                let value = ret(end_level, bl)?;
                let days = (end - bd).num_days();
                let annualized = match t {
                    Trailing::Months(m) if m >= 24 && m % 12 == 0 => {
                        Some(annualize_years(value, m / 12)?)
                    }
                    Trailing::Inception if days >= 365 => Some(annualize(value, days)?),
                    _ => None,
                };
                PeriodReturn {
                    label: t.label(),
                    span: Some((bd, end)),
                    value: Some(value),
                    annualized,
                    partial: false,
                }
            }
        });
    }
    Ok(trailing)
}

/// The calendar-year returns and the monthly table of the report, from the year of `first`
/// to the year of `end` (the last level, at `end_idx` of `points`).
fn calendar_returns(
    points: Points<'_>,
    periods: &Completeness,
) -> Result<(Vec<PeriodReturn>, Vec<MonthRow>), ReturnsError> {
    let (first, end, end_idx) = (points[0].0, periods.end, points.len() - 1);
    let complete_year =
        |y: i32| NaiveDate::from_ymd_opt(y, 12, 31).is_some_and(|d| periods.complete(d));
    let mut calendar = Vec::new();
    let mut monthly: Vec<MonthRow> = Vec::new();
    for year in first.year()..=end.year() {
        let Some(last) =
            last_on_or_before(points, NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(end))
                .filter(|&i| points[i].0.year() == year)
        else {
            continue;
        };
        let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(first);
        let mut total = span_return(year.to_string(), points, start, last)?;
        total.partial |= year == end.year() && !complete_year(year);
        let mut months: [Option<PeriodReturn>; 12] = Default::default();
        for (m, slot) in months.iter_mut().enumerate() {
            let month_start = NaiveDate::from_ymd_opt(year, m as u32 + 1, 1).unwrap_or(start);
            let month_end = month_start
                .checked_add_months(Months::new(1))
                .and_then(|d| d.pred_opt())
                .unwrap_or(month_start);
            let Some(i) =
                last_on_or_before(points, month_end).filter(|&i| points[i].0 >= month_start)
            else {
                continue;
            };
            let mut r = span_return(format!("{year}-{:02}", m + 1), points, month_start, i)?;
            // The month of E is partial unless it is complete.
            r.partial |= i == end_idx && !periods.complete(month_end);
            *slot = Some(r);
        }
        calendar.push(total.clone());
        monthly.push(MonthRow {
            year,
            months,
            total,
        });
    }
    Ok((calendar, monthly))
}

/// The maximum drawdown of `points`; `None` if it never falls below a previous peak.
pub fn drawdown(points: Points<'_>) -> Result<Option<Drawdown>, ReturnsError> {
    let Some(&(d0, l0)) = points.first() else {
        return Ok(None);
    };
    let (mut peak, mut peak_date) = (l0, d0);
    let mut worst: Option<(Decimal, NaiveDate, Decimal, NaiveDate)> = None; // dd, peak date, peak level, trough date
    for &(d, l) in points {
        if l > peak {
            peak = l;
            peak_date = d;
        }
        let dd = ret(l, peak)?;
        if dd < Decimal::ZERO && worst.is_none_or(|w| dd < w.0) {
            worst = Some((dd, peak_date, peak, d));
        }
    }
    Ok(worst.map(|(value, peak, peak_level, trough)| Drawdown {
        value,
        peak,
        trough,
        recovery: points
            .iter()
            .find(|p| p.0 > trough && p.1 >= peak_level)
            .map(|p| p.0),
    }))
}

/// Annualised volatility of the daily log returns of `points`; `None` with fewer than two
/// returns.
pub fn volatility(points: Points<'_>) -> Result<Option<Volatility>, ReturnsError> {
    volatility_with(points, None)
}

/// [`volatility`] with `per_year` observations per year instead of those measured on the
/// series (e.g. 252, `--periods-per-year`).
pub fn volatility_with(
    points: Points<'_>,
    per_year: Option<Decimal>,
) -> Result<Option<Volatility>, ReturnsError> {
    let n = points.len().saturating_sub(1);
    if n < 2 {
        return Ok(None);
    }
    let overflow = || ReturnsError::Overflow("the volatility");
    let logs = points
        .windows(2)
        .map(|w| {
            w[1].1
                .checked_div(w[0].1)
                .and_then(|r| r.checked_ln())
                .ok_or_else(overflow)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let count = Decimal::from(n);
    let mean = logs
        .iter()
        .try_fold(Decimal::ZERO, |a, x| a.checked_add(*x))
        .and_then(|s| s.checked_div(count))
        .ok_or_else(overflow)?;
    let var = logs
        .iter()
        .try_fold(Decimal::ZERO, |a, x| {
            let dev = x.checked_sub(mean)?;
            a.checked_add(dev.checked_mul(dev)?)
        })
        .and_then(|s| s.checked_div(count - Decimal::ONE))
        .ok_or_else(overflow)?;
    let days = (points[n].0 - points[0].0).num_days();
    let per_year = match per_year {
        Some(p) => p,
        None => count
            .checked_mul(Decimal::new(36525, 2))
            .and_then(|x| x.checked_div(Decimal::from(days.max(1))))
            .ok_or_else(overflow)?,
    };
    let annualized = var
        .checked_mul(per_year)
        .and_then(|v| v.sqrt())
        .ok_or_else(overflow)?;
    Ok(Some(Volatility {
        annualized,
        per_year,
        observations: n,
    }))
}

#[cfg(test)]
mod tests;
