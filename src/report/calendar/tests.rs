//! Holiday lists typed from the exchanges' published calendars (each test cites its source),
//! compared with the weekdays the rules close: the rule-derived lists must equal them.
use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn days(list: &[&str]) -> Vec<NaiveDate> {
    list.iter().map(|s| day(s)).collect()
}

/// The weekdays of `year` on which `ex` does not trade, in order.
fn closed_weekdays(ex: Exchange, year: i32) -> Vec<NaiveDate> {
    let mut d = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
    let mut out = Vec::new();
    while d.year() == year {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !ex.is_trading_day(d) {
            out.push(d);
        }
        d = d.succ_opt().unwrap();
    }
    out
}

fn trading_days(ex: Exchange, year: i32) -> usize {
    let mut d = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
    let mut n = 0;
    while d.year() == year {
        n += usize::from(ex.is_trading_day(d));
        d = d.succ_opt().unwrap();
    }
    n
}

#[test]
fn names() {
    assert_eq!(Exchange::Nyse.name(), "nyse");
    assert_eq!(Exchange::Jpx.name(), "jpx");
}

/// NYSE Group's 2024 holiday calendar (press release of 27 December 2021, "NYSE Group
/// announces 2022, 2023 and 2024 holiday and early closings calendar"; nyse.com "Holidays &
/// Trading Hours").
#[test]
fn nyse_2024_holidays() {
    let published = days(&[
        "2024-01-01", // New Year's Day
        "2024-01-15", // Martin Luther King, Jr. Day
        "2024-02-19", // Washington's Birthday
        "2024-03-29", // Good Friday
        "2024-05-27", // Memorial Day
        "2024-06-19", // Juneteenth
        "2024-07-04", // Independence Day
        "2024-09-02", // Labor Day
        "2024-11-28", // Thanksgiving Day
        "2024-12-25", // Christmas Day
    ]);
    assert_eq!(closed_weekdays(Exchange::Nyse, 2024), published);
}

/// NYSE's 2025 holidays (nyse.com "Holidays & Trading Hours"), with the closure of 9 January
/// 2025 for the national day of mourning for President Carter (NYSE notice of 30 December
/// 2024).
#[test]
fn nyse_2025_holidays() {
    let published = days(&[
        "2025-01-01", // New Year's Day
        "2025-01-09", // national day of mourning, President Carter
        "2025-01-20", // Martin Luther King, Jr. Day
        "2025-02-17", // Washington's Birthday
        "2025-04-18", // Good Friday
        "2025-05-26", // Memorial Day
        "2025-06-19", // Juneteenth
        "2025-07-04", // Independence Day
        "2025-09-01", // Labor Day
        "2025-11-27", // Thanksgiving Day
        "2025-12-25", // Christmas Day
    ]);
    assert_eq!(closed_weekdays(Exchange::Nyse, 2025), published);
}

/// NYSE's 2022 and 2023 calendars (the same press release): no holiday for New Year's Day 2022
/// (a Saturday; "no holiday observed, pursuant to NYSE Rule 7.2"), Juneteenth observed on
/// Monday 20 June 2022, Christmas on Monday 26 December 2022, New Year's Day on Monday
/// 2 January 2023.
#[test]
fn nyse_2022_and_2023_holidays() {
    let y2022 = days(&[
        "2022-01-17",
        "2022-02-21",
        "2022-04-15",
        "2022-05-30",
        "2022-06-20",
        "2022-07-04",
        "2022-09-05",
        "2022-11-24",
        "2022-12-26",
    ]);
    assert_eq!(closed_weekdays(Exchange::Nyse, 2022), y2022);
    let y2023 = days(&[
        "2023-01-02",
        "2023-01-16",
        "2023-02-20",
        "2023-04-07",
        "2023-05-29",
        "2023-06-19",
        "2023-07-04",
        "2023-09-04",
        "2023-11-23",
        "2023-12-25",
    ]);
    assert_eq!(closed_weekdays(Exchange::Nyse, 2023), y2023);
}

/// Saturday and Sunday holidays under Rule 7.2, and the special closures since 1990.
#[test]
fn nyse_observed_days_and_special_closures() {
    let nyse = Exchange::Nyse;
    // Christmas 2021 on a Saturday: closed Friday 24 December; New Year's Day 2022 on a
    // Saturday: open Friday 31 December 2021.
    assert!(!nyse.is_trading_day(day("2021-12-24")));
    assert!(nyse.is_trading_day(day("2021-12-31")));
    // Independence Day 2020 on a Saturday, 2021 on a Sunday.
    assert!(!nyse.is_trading_day(day("2020-07-03")));
    assert!(!nyse.is_trading_day(day("2021-07-05")));
    // Juneteenth: not before 2022; on a Saturday in 2027, observed Friday 18 June.
    assert!(nyse.is_trading_day(day("2021-06-18")));
    assert!(!nyse.is_trading_day(day("2027-06-18")));
    // MLK Day from 1998 only.
    assert!(nyse.is_trading_day(day("1997-01-20")));
    assert!(!nyse.is_trading_day(day("1998-01-19")));
    for closed in [
        "1994-04-27",
        "2001-09-11",
        "2001-09-12",
        "2001-09-13",
        "2001-09-14",
        "2004-06-11",
        "2007-01-02",
        "2012-10-29",
        "2012-10-30",
        "2018-12-05",
        "2025-01-09",
        "1985-09-27",
        "1973-01-25",
        "1972-12-28",
    ] {
        assert!(!nyse.is_trading_day(day(closed)), "{closed}");
    }
    assert!(nyse.is_trading_day(day("2001-09-17")));
}

#[test]
fn easter_by_the_computus() {
    for (year, sunday) in [
        (1961, "1961-04-02"),
        (2000, "2000-04-23"),
        (2008, "2008-03-23"),
        (2019, "2019-04-21"),
        (2024, "2024-03-31"),
        (2025, "2025-04-20"),
        (2038, "2038-04-25"),
    ] {
        assert_eq!(easter(year), Some(day(sunday)));
    }
}

/// JPX market holidays for 2024 ("Market holidays", jpx.co.jp): weekdays only.
#[test]
fn jpx_2024_holidays() {
    let published = days(&[
        "2024-01-01", // New Year's Day
        "2024-01-02", // year-end/new-year closure
        "2024-01-03", // year-end/new-year closure
        "2024-01-08", // Coming of Age Day
        "2024-02-12", // substitute for National Foundation Day (Sunday 11 February)
        "2024-02-23", // Emperor's Birthday
        "2024-03-20", // Vernal Equinox Day
        "2024-04-29", // Showa Day
        "2024-05-03", // Constitution Memorial Day
        "2024-05-06", // substitute for Children's Day (Sunday 5 May)
        "2024-07-15", // Marine Day
        "2024-08-12", // substitute for Mountain Day (Sunday 11 August)
        "2024-09-16", // Respect for the Aged Day
        "2024-09-23", // substitute for Autumnal Equinox Day (Sunday 22 September)
        "2024-10-14", // Sports Day
        "2024-11-04", // substitute for Culture Day (Sunday 3 November)
        "2024-12-31", // year-end/new-year closure
    ]);
    assert_eq!(closed_weekdays(Exchange::Jpx, 2024), published);
}

/// JPX market holidays for 2025 ("Market holidays", jpx.co.jp): weekdays only.
#[test]
fn jpx_2025_holidays() {
    let published = days(&[
        "2025-01-01", // New Year's Day
        "2025-01-02", // year-end/new-year closure
        "2025-01-03", // year-end/new-year closure
        "2025-01-13", // Coming of Age Day
        "2025-02-11", // National Foundation Day
        "2025-02-24", // substitute for the Emperor's Birthday (Sunday 23 February)
        "2025-03-20", // Vernal Equinox Day
        "2025-04-29", // Showa Day
        "2025-05-05", // Children's Day
        "2025-05-06", // substitute for Greenery Day (Sunday 4 May)
        "2025-07-21", // Marine Day
        "2025-08-11", // Mountain Day
        "2025-09-15", // Respect for the Aged Day
        "2025-09-23", // Autumnal Equinox Day
        "2025-10-13", // Sports Day
        "2025-11-03", // Culture Day
        "2025-11-24", // substitute for Labour Thanksgiving Day (Sunday 23 November)
        "2025-12-31", // year-end/new-year closure
    ]);
    assert_eq!(closed_weekdays(Exchange::Jpx, 2025), published);
}

/// Equinox days from the Cabinet Office's list of national holidays (syukujitsu.csv).
#[test]
fn equinox_days() {
    for (year, march, september) in [
        (1960, 20, 23),
        (1979, 21, 24),
        (1980, 20, 23),
        (1999, 21, 23),
        (2012, 20, 22),
        (2024, 20, 22),
        (2025, 20, 23),
    ] {
        assert_eq!(equinox_day(year, true), march, "{year}");
        assert_eq!(equinox_day(year, false), september, "{year}");
    }
}

/// Special days: JPX's notice "JPX Markets to Close for 10-day Golden Week" (2019), the
/// special laws of 1989, 1990 and 1993, the Olympic moves of 2020 and 2021, citizens'
/// holidays in September, the 2007 change of the substitute-holiday rule, the 2019 gap in
/// the Emperor's Birthday and the trading halt of 1 October 2020.
#[test]
fn jpx_special_days() {
    let jpx = Exchange::Jpx;
    let closed = [
        "2019-04-30",
        "2019-05-01",
        "2019-05-02",
        "2019-05-06",
        "2019-10-22",
        "1989-02-24",
        "1990-11-12",
        "1993-06-09",
        "2020-07-23",
        "2020-07-24",
        "2020-08-10",
        "2021-07-22",
        "2021-07-23",
        "2021-08-09",
        "2009-09-22",
        "2015-09-22",
        "2026-09-22",
        "2009-05-06",
        "2018-12-24",
        "2020-10-01",
    ];
    for d in closed {
        assert!(!jpx.is_trading_day(day(d)), "{d}");
    }
    let open = [
        "2020-07-20", // the third Monday of July 2020, not Marine Day
        "2020-10-12", // the second Monday of October 2020, not Sports Day
        "2021-07-19",
        "2021-08-11",
        "2021-10-11",
        "2019-12-23", // no Emperor's Birthday in 2019
        "1998-05-06", // before 2007 only the day after a Sunday holiday is a substitute
    ];
    for d in open {
        assert!(jpx.is_trading_day(day(d)), "{d}");
    }
}

/// Year ends: Tokyo closes on 31 December, New York trades on it unless it is a Saturday or
/// Sunday.
#[test]
fn last_sessions_of_the_year() {
    let last = |ex: Exchange, s| ex.last_trading_day_on_or_before(day(s));
    assert_eq!(last(Exchange::Jpx, "2024-12-31"), day("2024-12-30"));
    assert_eq!(last(Exchange::Jpx, "2023-12-31"), day("2023-12-29"));
    assert_eq!(last(Exchange::Nyse, "2022-12-31"), day("2022-12-30"));
    assert_eq!(last(Exchange::Nyse, "2024-12-31"), day("2024-12-31"));
    // A trading day is its own last trading day; Golden Week 2019 goes back to 26 April.
    assert_eq!(last(Exchange::Nyse, "2024-06-18"), day("2024-06-18"));
    assert_eq!(last(Exchange::Jpx, "2019-05-06"), day("2019-04-26"));
}

#[test]
fn trades_between_cases() {
    let (nyse, jpx) = (Exchange::Nyse, Exchange::Jpx);
    // 2024 is complete in Tokyo as of 30 December, not in New York.
    assert!(!jpx.trades_between(day("2024-12-30"), day("2024-12-31")));
    assert!(nyse.trades_between(day("2024-12-30"), day("2024-12-31")));
    assert!(!nyse.trades_between(day("2024-12-31"), day("2024-12-31")));
    // 2022 ended on a Saturday: complete in New York as of Friday 30 December.
    assert!(!nyse.trades_between(day("2022-12-30"), day("2022-12-31")));
    // Q1 2024: Good Friday 29 March closes New York, Tokyo trades.
    assert!(!nyse.trades_between(day("2024-03-28"), day("2024-03-31")));
    assert!(jpx.trades_between(day("2024-03-28"), day("2024-03-31")));
    // April 2019 is complete in Tokyo as of 26 April.
    assert!(!jpx.trades_between(day("2019-04-26"), day("2019-04-30")));
    // `until` before or equal to `after`.
    assert!(!nyse.trades_between(day("2024-06-20"), day("2024-06-18")));
    assert!(!nyse.trades_between(day("2024-06-18"), day("2024-06-18")));
    // A trading day on `until` itself counts.
    assert!(nyse.trades_between(day("2024-06-17"), day("2024-06-18")));
}

/// Every year from 1990 to 2030 has between 240 and 255 sessions on each exchange.
#[test]
fn sessions_per_year_are_plausible() {
    for ex in [Exchange::Nyse, Exchange::Jpx] {
        for year in 1990..=2030 {
            let n = trading_days(ex, year);
            assert!((240..=255).contains(&n), "{} {year}: {n}", ex.name());
        }
    }
}
