//! Hand-made series; every expected value is worked out in the comment beside it.
use super::*;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn series(rows: &[(&str, &str)]) -> Vec<(NaiveDate, Decimal)> {
    rows.iter().map(|(t, l)| (day(t), d(l))).collect()
}

fn span(a: &str, b: &str) -> Option<(NaiveDate, NaiveDate)> {
    Some((day(a), day(b)))
}

/// `|a − b| ≤ tol`.
fn assert_close(a: Decimal, b: Decimal, tol: &str, what: &str) {
    assert!(
        (a - b).abs() <= d(tol),
        "{what}: {a} is not within {tol} of {b}"
    );
}

fn to_date(r: &Report, t: ToDate) -> &PeriodReturn {
    r.to_date.iter().find(|p| p.label == t.label()).unwrap()
}

fn trailing(r: &Report, label: &str) -> PeriodReturn {
    r.trailing
        .iter()
        .find(|p| p.label == label)
        .unwrap()
        .clone()
}

/// A year that ends on Friday 29 December, a quarter that ends on Thursday 28 March (Good
/// Friday), a month that ends on 30 April; levels after the as-of date must be ignored.
fn to_date_series() -> Vec<(NaiveDate, Decimal)> {
    series(&[
        ("2023-12-28", "80"),
        ("2023-12-29", "100"), // last level of 2023: the YTD base
        ("2024-01-02", "105"),
        ("2024-03-28", "110"), // last level of Q1: the QTD base
        ("2024-04-01", "115"),
        ("2024-04-30", "120"), // last level of April: the MTD base
        ("2024-05-02", "132"), // E
        ("2024-05-06", "500"), // after the as-of date
    ])
}

#[test]
fn period_to_date_bases_are_the_last_levels_of_the_previous_period() {
    let r = report(&to_date_series(), Some(day("2024-05-02"))).unwrap();
    assert_eq!(r.end, day("2024-05-02"));
    // MTD 132 / 120 − 1 = 0.1; QTD 132 / 110 − 1 = 0.2; YTD 132 / 100 − 1 = 0.32.
    let mtd = to_date(&r, ToDate::Month);
    assert_eq!(mtd.value, Some(d("0.1")));
    assert_eq!(mtd.span, span("2024-04-30", "2024-05-02"));
    assert!(!mtd.partial);
    let qtd = to_date(&r, ToDate::Quarter);
    assert_eq!(qtd.value, Some(d("0.2")));
    assert_eq!(qtd.span, span("2024-03-28", "2024-05-02"));
    assert!(!qtd.partial);
    let ytd = to_date(&r, ToDate::Year);
    assert_eq!(ytd.value, Some(d("0.32")));
    assert_eq!(ytd.span, span("2023-12-29", "2024-05-02"));
    assert!(!ytd.partial);
    assert!(ytd.annualized.is_none());
}

#[test]
fn the_fourth_quarter_starts_on_1_october() {
    let points = series(&[
        ("2024-06-28", "100"),
        ("2024-09-30", "110"),   // last level of Q3: the QTD base
        ("2024-10-01", "500"),   // inside Q4
        ("2024-11-29", "121"),   // last level of November: the MTD base
        ("2024-12-31", "133.1"), // E
    ]);
    let r = report(&points, None).unwrap();
    // QTD 133.1 / 110 − 1 = 0.21; MTD 133.1 / 121 − 1 = 0.1; YTD from the first level
    // (the series starts in June): 133.1 / 100 − 1 = 0.331, partial.
    assert_eq!(to_date(&r, ToDate::Quarter).value, Some(d("0.21")));
    assert_eq!(
        to_date(&r, ToDate::Quarter).span,
        span("2024-09-30", "2024-12-31")
    );
    assert_eq!(to_date(&r, ToDate::Month).value, Some(d("0.1")));
    let ytd = to_date(&r, ToDate::Year);
    assert_eq!((ytd.value, ytd.partial), (Some(d("0.331")), true));
}

#[test]
fn as_of_on_a_weekend_uses_the_last_level_before_it() {
    // Saturday 4 May 2024: E is Thursday 2 May; the level of Monday 6 May (500) is later.
    let r = report(&to_date_series(), Some(day("2024-05-04"))).unwrap();
    assert_eq!(r.as_of, day("2024-05-04"));
    assert_eq!(r.end, day("2024-05-02"));
    assert_eq!(to_date(&r, ToDate::Month).value, Some(d("0.1")));
    assert_eq!(to_date(&r, ToDate::Quarter).value, Some(d("0.2")));
    assert_eq!(to_date(&r, ToDate::Year).value, Some(d("0.32")));
    // Since inception 132 / 80 − 1 = 0.65 (not 500 / 80 − 1).
    assert_eq!(trailing(&r, "inception").value, Some(d("0.65")));
    assert_eq!(
        trailing(&r, "inception").span,
        span("2023-12-28", "2024-05-02")
    );
}

#[test]
fn the_default_as_of_is_the_last_date() {
    let r = report(&to_date_series(), None).unwrap();
    assert_eq!(r.as_of, day("2024-05-06"));
    assert_eq!(r.end, day("2024-05-06"));
    // YTD 500 / 100 − 1 = 4.
    assert_eq!(to_date(&r, ToDate::Year).value, Some(d("4")));
}

#[test]
fn as_of_before_the_start_is_an_error_and_an_empty_series_too() {
    assert_eq!(
        report(&to_date_series(), Some(day("2023-12-27"))),
        Err(ReturnsError::AsOfBeforeStart {
            as_of: day("2023-12-27"),
            first: day("2023-12-28"),
        })
    );
    assert_eq!(report(&[], None), Err(ReturnsError::Empty));
    // The first date itself is fine, but a period whose only level is the first has no
    // return: not available (issue 14), rather than +0.00%.
    let r = report(&to_date_series(), Some(day("2023-12-28"))).unwrap();
    assert_eq!(r.end, day("2023-12-28"));
    assert_eq!(to_date(&r, ToDate::Year).value, None);
    assert_eq!(
        to_date(&r, ToDate::Year).span,
        span("2023-12-28", "2023-12-28")
    );
}

/// Starts on 1 July 2024 (a Monday), ends on Tuesday 15 October 2024; months ×1.05, ×1.1,
/// ×1.1, ×1.1.
fn mid_year_series() -> Vec<(NaiveDate, Decimal)> {
    series(&[
        ("2024-07-01", "200"),
        ("2024-07-31", "210"),
        ("2024-08-30", "231"),
        ("2024-09-30", "254.1"),
        ("2024-10-15", "279.51"),
    ])
}

#[test]
fn a_series_that_starts_mid_year_gives_a_partial_ytd_from_its_first_level() {
    let r = report(&mid_year_series(), None).unwrap();
    // YTD: no level in 2023, so from the first level: 279.51 / 200 − 1 = 0.39755, partial.
    let ytd = to_date(&r, ToDate::Year);
    assert_eq!(ytd.value, Some(d("0.39755")));
    assert_eq!(ytd.span, span("2024-07-01", "2024-10-15"));
    assert!(ytd.partial);
    // QTD and MTD from 30 September: 279.51 / 254.1 − 1 = 0.1, complete.
    for t in [ToDate::Quarter, ToDate::Month] {
        let p = to_date(&r, t);
        assert_eq!(p.value, Some(d("0.1")), "{}", t.label());
        assert_eq!(p.span, span("2024-09-30", "2024-10-15"));
        assert!(!p.partial);
    }
    // 1M: 15 September → last level on or before it is 30 August: 279.51 / 231 − 1 = 0.21.
    let m1 = trailing(&r, "1M");
    assert_eq!(m1.value, Some(d("0.21")));
    assert_eq!(m1.span, span("2024-08-30", "2024-10-15"));
    assert!(m1.annualized.is_none());
    // 3M: 15 July → 1 July: 0.39755.
    assert_eq!(trailing(&r, "3M").value, Some(d("0.39755")));
    assert_eq!(trailing(&r, "3M").span, span("2024-07-01", "2024-10-15"));
    // 6M: 15 April is before the series: not available, never shortened to inception.
    for label in ["6M", "1Y", "3Y", "5Y", "10Y"] {
        let p = trailing(&r, label);
        assert_eq!(p.value, None, "{label}");
        assert_eq!(p.span, None, "{label}");
        assert_eq!(p.annualized, None, "{label}");
    }
    // Since inception: 0.39755 over 106 days (< a year): not annualised.
    let inc = trailing(&r, "inception");
    assert_eq!(inc.value, Some(d("0.39755")));
    assert_eq!(inc.annualized, None);
    // The calendar year 2024 is partial at both ends.
    assert_eq!(r.calendar.len(), 1);
    assert_eq!(r.calendar[0].label, "2024");
    assert_eq!(r.calendar[0].value, Some(d("0.39755")));
    assert!(r.calendar[0].partial);
}

#[test]
fn the_monthly_table_of_a_mid_year_series() {
    let r = report(&mid_year_series(), None).unwrap();
    assert_eq!(r.monthly.len(), 1);
    let row = &r.monthly[0];
    assert_eq!(row.year, 2024);
    for m in [0, 1, 2, 3, 4, 5, 10, 11] {
        assert!(row.months[m].is_none(), "month {}", m + 1);
    }
    let month = |m: usize| row.months[m].clone().unwrap();
    // July: from the first level, 210 / 200 − 1 = 0.05, partial.
    assert_eq!(month(6).label, "2024-07");
    assert_eq!(month(6).value, Some(d("0.05")));
    assert_eq!(month(6).span, span("2024-07-01", "2024-07-31"));
    assert!(month(6).partial);
    // August 231 / 210 − 1 = 0.1; September 254.1 / 231 − 1 = 0.1; both complete.
    assert_eq!(month(7).value, Some(d("0.1")));
    assert_eq!(month(7).span, span("2024-07-31", "2024-08-30"));
    assert!(!month(7).partial);
    assert_eq!(month(8).value, Some(d("0.1")));
    assert!(!month(8).partial);
    // October: 279.51 / 254.1 − 1 = 0.1, ends on the 15th (before Thursday 31 October):
    // partial.
    assert_eq!(month(9).value, Some(d("0.1")));
    assert!(month(9).partial);
    // Year total 1.05 · 1.1³ − 1 = 0.39755.
    assert_eq!(row.total.value, Some(d("0.39755")));
    assert!(row.total.partial);
}

#[test]
fn the_monthly_table_across_two_years() {
    let points = series(&[
        ("2023-11-15", "100"),
        ("2023-11-30", "104"), // Nov 2023: 104 / 100 − 1 = 0.04, partial (first)
        ("2023-12-29", "117"), // Dec 2023: 117 / 104 − 1 = 0.125
        ("2024-01-31", "128.7"), // Jan 2024: ×1.1
        ("2024-02-29", "115.83"), // Feb 2024: ×0.9
        ("2024-03-15", "121.6215"), // Mar 2024: ×1.05, partial (month of E)
    ]);
    let r = report(&points, None).unwrap();
    assert_eq!(r.monthly.len(), 2);
    let (y23, y24) = (&r.monthly[0], &r.monthly[1]);
    assert_eq!((y23.year, y24.year), (2023, 2024));
    let nov = y23.months[10].clone().unwrap();
    assert_eq!(
        (nov.label.as_str(), nov.value, nov.partial),
        ("2023-11", Some(d("0.04")), true)
    );
    let dec = y23.months[11].clone().unwrap();
    assert_eq!(
        (dec.value, dec.partial, dec.span),
        (Some(d("0.125")), false, span("2023-11-30", "2023-12-29"))
    );
    // 2023 total: 117 / 100 − 1 = 0.17, partial (first year).
    assert_eq!(y23.total.value, Some(d("0.17")));
    assert!(y23.total.partial);
    let jan = y24.months[0].clone().unwrap();
    assert_eq!(
        (jan.value, jan.partial, jan.span),
        (Some(d("0.1")), false, span("2023-12-29", "2024-01-31"))
    );
    let feb = y24.months[1].clone().unwrap();
    assert_eq!(
        (feb.value, feb.partial, feb.span),
        (Some(d("-0.1")), false, span("2024-01-31", "2024-02-29"))
    );
    let mar = y24.months[2].clone().unwrap();
    assert_eq!((mar.value, mar.partial), (Some(d("0.05")), true));
    assert!(y24.months[3..].iter().all(Option::is_none));
    // 2024 total: 1.1 · 0.9 · 1.05 − 1 = 0.0395, partial (ends in March); the total equals
    // the calendar entry.
    assert_eq!(y24.total.value, Some(d("0.0395")));
    assert_eq!(y24.total.span, span("2023-12-29", "2024-03-15"));
    assert!(y24.total.partial);
    assert_eq!(r.calendar, vec![y23.total.clone(), y24.total.clone()]);
}

#[test]
fn trailing_one_month_from_31_march_2024_starts_on_the_leap_day() {
    let points = series(&[
        ("2024-01-31", "90"),
        ("2024-02-28", "95"),
        ("2024-02-29", "100"),
        ("2024-03-01", "105"),
        ("2024-03-28", "110"),
    ]);
    // As of Sunday 31 March: E = 28 March; 1M target 29 February: 110 / 100 − 1 = 0.1.
    let r = report(&points, Some(day("2024-03-31"))).unwrap();
    let m1 = trailing(&r, "1M");
    assert_eq!(m1.value, Some(d("0.1")));
    assert_eq!(m1.span, span("2024-02-29", "2024-03-28"));
    // MTD base: the last level of February, also 29 February.
    assert_eq!(to_date(&r, ToDate::Month).value, Some(d("0.1")));
    // Without a level on 29 February the base is 28 February: 110 / 95 − 1.
    let no_leap: Vec<_> = points
        .iter()
        .copied()
        .filter(|p| p.0 != day("2024-02-29"))
        .collect();
    let r = report(&no_leap, Some(day("2024-03-31"))).unwrap();
    assert_eq!(trailing(&r, "1M").span, span("2024-02-28", "2024-03-28"));
}

#[test]
fn one_year_from_29_february_starts_on_28_february() {
    let points = series(&[
        ("2023-02-27", "80"),
        ("2023-02-28", "100"),
        ("2023-03-01", "120"),
        ("2024-02-28", "121"),
        ("2024-02-29", "125"),
    ]);
    let r = report(&points, None).unwrap();
    // 1Y target: 29 February 2023 does not exist → 28 February 2023: 125 / 100 − 1 = 0.25.
    let y1 = trailing(&r, "1Y");
    assert_eq!(y1.value, Some(d("0.25")));
    assert_eq!(y1.span, span("2023-02-28", "2024-02-29"));
    // A 1-year figure is its own annual return: not annualised again (issue 14; it was
    // 1.25^(365.25 / 366) − 1 over these 366 days).
    assert_eq!(y1.annualized, None);
}

#[test]
fn one_year_from_28_february_2025_starts_on_28_february_2024_not_the_leap_day() {
    let points = series(&[
        ("2024-02-27", "50"),
        ("2024-02-28", "100"),
        ("2024-02-29", "200"),
        ("2025-02-28", "110"),
    ]);
    // As of Thursday 27 February 2025 (not a month-end): the same calendar date a year
    // earlier, 27 February 2024 → 110 / 50 − 1 = 1.2.
    let mut mid = points.clone();
    mid[3].0 = day("2025-02-27");
    let r = report(&mid, None).unwrap();
    assert_eq!(trailing(&r, "1Y").value, Some(d("1.2")));
    // As of Friday 28 February 2025, February's last weekday, which ends the series: a
    // month-end, so 1Y starts from February 2024's last close, 29 February (issue 14: the
    // factsheet convention), 110 / 200 − 1 = −0.45, not from 28 February 2024.
    let r = report(&points, None).unwrap();
    let y1 = trailing(&r, "1Y");
    assert_eq!(y1.value, Some(d("-0.45")));
    assert_eq!(y1.span, span("2024-02-29", "2025-02-28"));
}

#[test]
fn a_period_longer_than_the_series_is_not_available() {
    // First level Friday 30 June 2023.
    let points = series(&[
        ("2023-06-30", "100"),
        ("2023-12-29", "110"),
        ("2024-06-28", "120"),
    ]);
    // As of Sunday 30 June 2024 the 1Y target is 30 June 2023, the first date: available,
    // 120 / 100 − 1 = 0.2 over 364 days.
    let r = report(&points, Some(day("2024-06-30"))).unwrap();
    let y1 = trailing(&r, "1Y");
    assert_eq!(y1.value, Some(d("0.2")));
    assert_eq!(y1.span, span("2023-06-30", "2024-06-28"));
    assert_eq!(y1.annualized, None);
    for label in ["3Y", "5Y", "10Y"] {
        assert_eq!(trailing(&r, label).value, None, "{label}");
        assert_eq!(trailing(&r, label).span, None, "{label}");
    }
    // As of Saturday 29 June 2024 the last level, Friday 28 June, ends June (its last
    // weekday): month-end closes, so 1Y is the same 0.2 from 30 June 2023 (issue 14).
    let r = report(&points, Some(day("2024-06-29"))).unwrap();
    assert_eq!(trailing(&r, "1Y").span, span("2023-06-30", "2024-06-28"));
    // 6M from December 2023's last close, 29 December: 120 / 110 − 1.
    assert_eq!(trailing(&r, "6M").span, span("2023-12-29", "2024-06-28"));
    // With a level on Thursday 27 June 2024 and the next on the 28th, as of the 27th is not a
    // month-end: the same date rule, and its target (27 June 2023) is before the series: not
    // available, not shortened to 30 June 2023.
    let mut later = points.clone();
    later.insert(2, (day("2024-06-27"), d("119")));
    let r = report(&later, Some(day("2024-06-27"))).unwrap();
    let y1 = trailing(&r, "1Y");
    assert_eq!((y1.value, y1.span, y1.annualized), (None, None, None));
    assert!(!y1.partial);
}

#[test]
fn annualize_compounds_over_calendar_days() {
    // 1461 days = 4 years of 365.25: (1.4641)^(1/4) − 1 = 1.1 − 1 = 0.1.
    assert_close(
        annualize(d("0.4641"), 1461).unwrap(),
        d("0.1"),
        "1e-20",
        "4 years",
    );
    // 730 days: 1.21^(365.25 / 730) − 1 = 0.100071811383510589525252767440 (50-digit
    // decimal arithmetic); not 0.1, which 730.5 days would give.
    assert_close(
        annualize(d("0.21"), 730).unwrap(),
        d("0.100071811383510589525252767440"),
        "1e-18",
        "730 days",
    );
    // A loss over 4 years: 0.6561 = 0.9⁴ → 0.9 − 1 = −0.1.
    assert_close(
        annualize(d("-0.3439"), 1461).unwrap(),
        d("-0.1"),
        "1e-20",
        "4-year loss",
    );
    assert!(annualize(d("0.1"), 0).is_err());
}

#[test]
fn since_inception_is_annualised_from_a_year() {
    // 1 January 2020 to 1 January 2024 = 1461 days; 146.41 / 100 − 1 = 0.4641 → 10% a year.
    let points = series(&[
        ("2020-01-01", "100"),
        ("2022-01-03", "121"),
        ("2024-01-01", "146.41"),
    ]);
    let r = report(&points, None).unwrap();
    let inc = trailing(&r, "inception");
    assert_eq!(inc.value, Some(d("0.4641")));
    assert_close(inc.annualized.unwrap(), d("0.1"), "1e-20", "inception");
    // 3Y: target 1 January 2021 → base 1 January 2020 (last on or before): also 0.4641, a
    // 3-year figure annualised over 3 years (issue 14): 1.4641^(1/3) − 1 =
    // 0.13550812700200387513494374751 (50-digit decimal arithmetic).
    let y3 = trailing(&r, "3Y");
    assert_eq!(y3.span, span("2020-01-01", "2024-01-01"));
    assert_close(
        y3.annualized.unwrap(),
        d("0.13550812700200387513494374751"),
        "1e-20",
        "3Y",
    );
    // 1Y: target 1 January 2023 → base 3 January 2022 (121): 146.41 / 121 − 1 = 0.21 over
    // 728 days.
    let y1 = trailing(&r, "1Y");
    assert_eq!(y1.value, Some(d("0.21")));
    assert_eq!(y1.span, span("2022-01-03", "2024-01-01"));
    // 5Y and 10Y start before 2020: not available.
    assert_eq!(trailing(&r, "5Y").value, None);
    assert_eq!(trailing(&r, "10Y").value, None);
}

#[test]
fn calendar_years_with_partial_first_and_last_years() {
    let points = series(&[
        ("2021-06-30", "100"),
        ("2021-12-31", "120"), // 2021: 120 / 100 − 1 = 0.2, partial (first year)
        ("2022-12-30", "90"),  // 2022: 90 / 120 − 1 = −0.25 (31 Dec 2022 is a Saturday)
        ("2023-12-29", "99"),  // 2023: 99 / 90 − 1 = 0.1
        ("2024-06-28", "118.8"), // 2024: 118.8 / 99 − 1 = 0.2, partial (ends in June)
    ]);
    let r = report(&points, None).unwrap();
    let got: Vec<_> = r
        .calendar
        .iter()
        .map(|p| (p.label.as_str(), p.value, p.span, p.partial))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "2021",
                Some(d("0.2")),
                span("2021-06-30", "2021-12-31"),
                true
            ),
            (
                "2022",
                Some(d("-0.25")),
                span("2021-12-31", "2022-12-30"),
                false
            ),
            (
                "2023",
                Some(d("0.1")),
                span("2022-12-30", "2023-12-29"),
                false
            ),
            (
                "2024",
                Some(d("0.2")),
                span("2023-12-29", "2024-06-28"),
                true
            ),
        ]
    );
    // As of Friday 30 December 2022, the last weekday of 2022: the year is complete.
    let r = report(&points, Some(day("2022-12-30"))).unwrap();
    assert_eq!(r.calendar.len(), 2);
    assert_eq!(r.calendar[1].value, Some(d("-0.25")));
    assert!(!r.calendar[1].partial);
    // As of Thursday 29 December 2022, E = 31 December 2021 (no level in 2022 until the
    // 30th): 2022 is not listed; 2021 is still partial (its start).
    let r = report(&points, Some(day("2022-12-29"))).unwrap();
    assert_eq!(r.calendar.len(), 1);
    assert!(r.calendar[0].partial);
}

#[test]
fn the_last_year_is_partial_when_the_series_ends_before_the_last_weekday() {
    // 2024 ends on Tuesday 31 December; a series ending on Monday 30 December is partial.
    let points = series(&[
        ("2023-12-29", "100"),
        ("2024-12-30", "110"),
        ("2024-12-31", "121"),
    ]);
    let r = report(&points, Some(day("2024-12-30"))).unwrap();
    assert_eq!(r.calendar[1].value, Some(d("0.1")));
    assert!(r.calendar[1].partial);
    let r = report(&points, None).unwrap();
    assert_eq!(r.calendar[1].value, Some(d("0.21")));
    assert!(!r.calendar[1].partial);
    // The first year (one level, no level before it) is partial and has no return (issue 14:
    // n/a, not +0.00%).
    assert_eq!(r.calendar[0].value, None);
    assert!(r.calendar[0].partial);
}

fn drawdown_series() -> Vec<(NaiveDate, Decimal)> {
    series(&[
        ("2024-01-01", "100"),
        ("2024-01-02", "80"),  // −20% from 100
        ("2024-01-03", "120"), // new peak
        ("2024-01-04", "90"),
        ("2024-01-05", "60"), // 60 / 120 − 1 = −0.5: the trough
        ("2024-01-08", "110"),
        ("2024-01-09", "120"), // back at the peak: the recovery
        ("2024-01-10", "130"),
        ("2024-01-11", "104"), // 104 / 130 − 1 = −0.2: smaller
    ])
}

#[test]
fn drawdown_with_peak_trough_and_recovery() {
    let dd = drawdown(&drawdown_series()).unwrap().unwrap();
    assert_eq!(
        dd,
        Drawdown {
            value: d("-0.5"),
            peak: day("2024-01-03"),
            trough: day("2024-01-05"),
            recovery: Some(day("2024-01-09")),
        }
    );
}

#[test]
fn drawdown_not_recovered() {
    let points = drawdown_series();
    let dd = drawdown(&points[..6]).unwrap().unwrap();
    assert_eq!(dd.value, d("-0.5"));
    assert_eq!((dd.peak, dd.trough), (day("2024-01-03"), day("2024-01-05")));
    assert_eq!(dd.recovery, None);
    // The report uses the levels up to the as-of date only.
    let r = report(&points, Some(day("2024-01-08"))).unwrap();
    assert_eq!(r.drawdown, Some(dd));
    // A series that never falls has no drawdown.
    let up = series(&[
        ("2024-01-01", "100"),
        ("2024-01-02", "100"),
        ("2024-01-03", "101"),
    ]);
    assert_eq!(drawdown(&up).unwrap(), None);
}

#[test]
fn volatility_of_log_returns_with_observed_observations_per_year() {
    // Levels 100·e^0, 100·e^0.01, 100·e^0.03, 100·e^0.06 (50-digit decimal arithmetic,
    // rounded to 28 digits): log returns 0.01, 0.02, 0.03; mean 0.02; sample variance
    // (0.0001 + 0 + 0.0001) / (3 − 1) = 0.0001; stdev 0.01.
    // Friday 5 January to Wednesday 10 January 2024: 3 returns over 5 calendar days →
    // 3 · 365.25 / 5 = 219.15 a year; 0.01 · √219.15 = 0.148037157497703933723513733637.
    let points = series(&[
        ("2024-01-05", "100"),
        ("2024-01-08", "101.0050167084168057542165457"),
        ("2024-01-09", "103.0454533953516855612439954"),
        ("2024-01-10", "106.1836546545359622224684877"),
    ]);
    let v = volatility(&points).unwrap().unwrap();
    assert_eq!(v.observations, 3);
    assert_eq!(v.per_year, d("219.15"));
    assert_close(
        v.annualized,
        d("0.148037157497703933723513733637"),
        "1e-15",
        "volatility",
    );
    // The report carries the same figure.
    assert_eq!(report(&points, None).unwrap().volatility, Some(v));
}

#[test]
fn volatility_uses_the_sample_standard_deviation() {
    // Log returns 0.03, 0.03, 0.03, −0.01 (levels 100·e^{0, 0.03, 0.06, 0.09, 0.08}): mean
    // 0.02, squared deviations 3 · 0.0001 + 0.0009 = 0.0012, / (4 − 1) = 0.0004, stdev
    // 0.02 (dividing by n would give √0.0003 = 0.01732…). 1 January 2020 to 1 January 2024
    // is 1461 days: 4 · 365.25 / 1461 = 1 observation a year, so the annualised figure is
    // the stdev itself.
    let points = series(&[
        ("2020-01-01", "100"),
        ("2021-01-01", "103.0454533953516855612439954"),
        ("2022-01-01", "106.1836546545359622224684877"),
        ("2023-01-01", "109.4174283705210357872897645"),
        ("2024-01-01", "108.3287067674958554435987759"),
    ]);
    let v = volatility(&points).unwrap().unwrap();
    assert_eq!(v.observations, 4);
    assert_eq!(v.per_year, Decimal::ONE);
    assert_close(v.annualized, d("0.02"), "1e-15", "volatility");
}

#[test]
fn volatility_needs_two_returns() {
    let two = series(&[("2024-01-02", "100"), ("2024-01-03", "110")]);
    assert_eq!(volatility(&two).unwrap(), None);
    assert_eq!(report(&two, None).unwrap().volatility, None);
    // A constant series has zero volatility.
    let flat = series(&[
        ("2024-01-02", "100"),
        ("2024-01-03", "100"),
        ("2024-01-04", "100"),
    ]);
    assert_eq!(
        volatility(&flat).unwrap().unwrap().annualized,
        Decimal::ZERO
    );
}

#[test]
fn labels() {
    let labels: Vec<String> = Trailing::ALL.iter().map(|t| t.label()).collect();
    assert_eq!(
        labels,
        ["1M", "3M", "6M", "1Y", "3Y", "5Y", "10Y", "inception"]
    );
    let to_date: Vec<&str> = ToDate::ALL.iter().map(|t| t.label()).collect();
    assert_eq!(to_date, ["MTD", "QTD", "YTD"]);
}
