//! Hand-made series; every expected value is worked out in the comment beside it.
use super::*;
use crate::report::returns::report;
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

#[test]
fn best_and_worst_days_and_streaks() {
    // Moves: +10% (01-03), +10% (01-04), −50% (01-05), 0 (01-08), −10% (01-09), −10% (01-10).
    let points = series(&[
        ("2024-01-02", "100"),
        ("2024-01-03", "110"),
        ("2024-01-04", "121"),
        ("2024-01-05", "60.5"),
        ("2024-01-08", "60.5"),
        ("2024-01-09", "54.45"),
        ("2024-01-10", "49.005"),
    ]);
    let s = report(&points, None).unwrap().stats;
    // The first of two equal best days.
    let best = s.best_day.unwrap();
    assert_eq!(
        (best.value, best.base, best.end),
        (d("0.1"), day("2024-01-02"), day("2024-01-03"))
    );
    let worst = s.worst_day.unwrap();
    assert_eq!((worst.value, worst.end), (d("-0.5"), day("2024-01-05")));
    // Up 01-03..01-04 (2 closes); down 01-05 (1, ended by the unchanged close); down
    // 01-09..01-10 (2), the current one and, on the tie, the longest down.
    let up = s.longest_up.unwrap();
    assert_eq!(
        (up.up, up.length, up.start, up.end),
        (true, 2, day("2024-01-03"), day("2024-01-04"))
    );
    let down = s.longest_down.unwrap();
    assert_eq!(
        (down.length, down.start, down.end),
        (2, day("2024-01-09"), day("2024-01-10"))
    );
    assert_eq!(s.current_streak, Some(down));
}

#[test]
fn an_unchanged_last_close_ends_the_current_streak() {
    let points = series(&[
        ("2024-01-02", "100"),
        ("2024-01-03", "101"),
        ("2024-01-04", "101"),
    ]);
    let s = report(&points, None).unwrap().stats;
    assert_eq!(s.current_streak, None);
    assert_eq!(s.longest_up.unwrap().length, 1);
    assert_eq!(s.longest_down, None);
}

#[test]
fn months_count_only_when_complete() {
    // Month-end closes: Jan 100 (the series starts on 31 January: January has one level, no
    // return), Feb 110 (+10%), Mar 99 (−10%), Apr 99 (0), and 2 May 120 (May partial: the
    // series ends on its 2nd).
    let points = series(&[
        ("2024-01-31", "100"),
        ("2024-02-29", "110"),
        ("2024-03-29", "99"),
        ("2024-04-30", "99"),
        ("2024-05-02", "120"),
    ]);
    let s = report(&points, None).unwrap().stats;
    assert_eq!((s.up_months, s.down_months), (1, 1));
    let best = s.best_month.unwrap();
    assert_eq!((best.value, best.label.as_str()), (d("0.1"), "2024-02"));
    let worst = s.worst_month.unwrap();
    assert_eq!((worst.value, worst.label.as_str()), (d("-0.1"), "2024-03"));
}

#[test]
fn risk_is_the_annualised_deviation_of_36_monthly_returns() {
    // 37 month-ends from December 2020 to December 2023, the monthly return alternating
    // +10% and −10% from the first month: mean 0 (18 of each), sample variance
    // 36 · 0.01 / 35, risk √(0.36/35 · 12) = √(4.32/35) = 0.35132402626147194456757846905
    // (40-digit decimal arithmetic); the level ends at
    // 100 · (1.1 · 0.9)^18 = 100 · 0.99^18, so the annual return is 0.99^(18/3) − 1 =
    // 0.99^6 − 1 = −0.058519850599.
    let mut rows = Vec::new();
    let mut level = d("100");
    let mut date = day("2020-12-31");
    for k in 0..=36 {
        rows.push((date, level));
        level *= if k % 2 == 0 { d("1.1") } else { d("0.9") };
        date = date
            .checked_add_months(chrono::Months::new(2))
            .and_then(|m| NaiveDate::from_ymd_opt(m.year(), m.month(), 1))
            .and_then(|m| m.pred_opt())
            .unwrap();
    }
    let s = report(&rows, None).unwrap().stats;
    let r3 = &s.risk[0];
    assert_eq!(r3.years, 3);
    assert_eq!(r3.span, Some((day("2020-12-31"), day("2023-12-31"))));
    let expected = d("0.35132402626147194456757846905");
    assert!(
        (r3.value.unwrap() - expected).abs() < d("1e-20"),
        "{:?}",
        r3.value
    );
    assert_eq!(r3.annual_return.unwrap().round_dp(12), d("-0.058519850599"));
    let ratio = r3.annual_return.unwrap() / r3.value.unwrap();
    assert_eq!(r3.ratio.unwrap(), ratio);
    // 5 and 10 years: not enough months.
    assert_eq!((s.risk[1].value, s.risk[2].value), (None, None));
}
