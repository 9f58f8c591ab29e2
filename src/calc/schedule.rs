//! Equal-weight rebalancing schedules.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// When an equal-weighted index resets its index shares to equal values.
///
/// A rebalance is effective after the close of the last index date on or before its scheduled
/// date (so a holiday moves it to the previous trading day).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Rebalance {
    /// After the close of the last index date of March, June, September and December.
    #[default]
    Quarterly,
    /// The S&P 500 Equal Weight schedule: after the close of the third Friday of March, June,
    /// September and December, with index shares from the closes of the Friday a week earlier.
    ThirdFriday,
    /// After the close of the last index date of every month.
    Monthly,
    /// After every close (the level is then the mean of the constituents' returns).
    Daily,
    /// Never: buy and hold from the base date.
    None,
    /// After the close of each of these dates (sorted, unique).
    Dates(Vec<NaiveDate>),
}

fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

fn third_friday(month_index: i32) -> Option<NaiveDate> {
    let year = month_index.div_euclid(12);
    let month = month_index.rem_euclid(12) as u32 + 1;
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Fri, 3)
}

impl Rebalance {
    /// Whether a rebalance is scheduled in `[prev, next)`, i.e. effective after the close of the
    /// index date `prev` whose next index date is `next`.
    pub fn effective_between(&self, prev: NaiveDate, next: NaiveDate) -> bool {
        match self {
            Rebalance::Daily => true,
            Rebalance::None => false,
            // The last day of month m lies in [prev, next) iff m is in [month(prev), month(next)).
            Rebalance::Monthly => month_index(prev) < month_index(next),
            Rebalance::Quarterly => {
                (month_index(prev)..month_index(next)).any(|m| m.rem_euclid(12) % 3 == 2)
            }
            Rebalance::ThirdFriday => self.third_friday_in(prev, next, 0),
            Rebalance::Dates(dates) => {
                let i = dates.partition_point(|d| *d < prev);
                dates.get(i).is_some_and(|d| *d < next)
            }
        }
    }

    /// Whether a reference date (whose closes set the next rebalance's index shares) lies in
    /// `[prev, next)` and differs from the effective date. Only [`Rebalance::ThirdFriday`] has
    /// such a lag: its reference is the Friday a week before the third Friday.
    pub fn reference_between(&self, prev: NaiveDate, next: NaiveDate) -> bool {
        matches!(self, Rebalance::ThirdFriday) && self.third_friday_in(prev, next, 7)
    }

    fn third_friday_in(&self, prev: NaiveDate, next: NaiveDate, days_before: u64) -> bool {
        // A reference a week before a third Friday may fall in the previous month's range too.
        (month_index(prev)..=month_index(next) + 1)
            .filter(|m| m.rem_euclid(12) % 3 == 2)
            .filter_map(third_friday)
            .filter_map(|f| f.checked_sub_days(Days::new(days_before)))
            .any(|f| prev <= f && f < next)
    }
}

#[cfg(test)]
mod tests;
