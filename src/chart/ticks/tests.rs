use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn labels(step: DateStep, ticks: &[NaiveDate]) -> Vec<String> {
    ticks.iter().map(|&t| step.label(t)).collect()
}

#[test]
fn a_few_days_get_daily_ticks() {
    let (step, ticks) = date_ticks(d("2024-01-02"), d("2024-01-05"), 900.0, 7.5);
    assert_eq!(step, DateStep::Days(1));
    assert_eq!(
        labels(step, &ticks),
        ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]
    );
}

#[test]
fn a_few_weeks_get_ticks_on_mondays() {
    let (step, ticks) = date_ticks(d("2024-01-02"), d("2024-02-09"), 900.0, 7.5);
    assert!(matches!(step, DateStep::Weeks(_)), "{step:?}");
    assert!(ticks.iter().all(|t| t.weekday() == chrono::Weekday::Mon));
    assert_eq!(ticks[0], d("2024-01-08"));
    assert!(ticks.len() >= 3 && ticks.len() <= 9, "{ticks:?}");
}

#[test]
fn a_year_or_so_gets_month_ticks() {
    // The sample: 15 months of trading days.
    let (step, ticks) = date_ticks(d("2024-01-02"), d("2025-03-31"), 900.0, 7.5);
    assert_eq!(step, DateStep::Months(2));
    assert_eq!(
        labels(step, &ticks),
        ["Mar 2024", "May 2024", "Jul 2024", "Sep 2024", "Nov 2024", "Jan 2025", "Mar 2025"]
    );
    // Narrower: quarters, aligned to January, April, July, October.
    let (step, ticks) = date_ticks(d("2024-01-02"), d("2025-03-31"), 500.0, 7.5);
    assert_eq!(step, DateStep::Months(3));
    assert_eq!(ticks[0], d("2024-04-01"));
    assert_eq!(ticks[1], d("2024-07-01"));
}

#[test]
fn decades_get_year_ticks() {
    let (step, ticks) = date_ticks(d("1950-01-03"), d("2026-02-13"), 900.0, 7.5);
    assert_eq!(step, DateStep::Years(10));
    assert_eq!(ticks.first(), Some(&d("1960-01-01")));
    assert_eq!(ticks.last(), Some(&d("2020-01-01")));
    let (step, ticks) = date_ticks(d("2018-05-01"), d("2025-06-30"), 900.0, 7.5);
    assert_eq!(step, DateStep::Years(1));
    assert_eq!(ticks.len(), 7);
}

#[test]
fn ticks_include_the_ends_when_they_fall_on_a_step() {
    assert_eq!(
        DateStep::Months(1).ticks(d("2024-01-01"), d("2024-03-01")),
        [d("2024-01-01"), d("2024-02-01"), d("2024-03-01")]
    );
    assert_eq!(
        DateStep::Years(5).ticks(d("2000-01-01"), d("2010-01-01")),
        [d("2000-01-01"), d("2005-01-01"), d("2010-01-01")]
    );
    assert_eq!(
        DateStep::Days(2)
            .ticks(d("2024-01-01"), d("2024-01-01"))
            .len(),
        usize::from(d("2024-01-01").num_days_from_ce() % 2 == 0)
    );
}

#[test]
fn linear_ticks_are_round_and_cover_the_data() {
    let t = linear_ticks(100.0, 200.0, 10);
    assert_eq!((t.lo, t.hi), (100.0, 200.0));
    assert_eq!(t.labels, ["100", "120", "140", "160", "180", "200"]);

    let t = linear_ticks(97.3, 163.8, 10);
    assert_eq!((t.lo, t.hi), (90.0, 170.0));
    assert_eq!(t.labels.len(), 9);

    let t = linear_ticks(0.012, 0.049, 8);
    assert_eq!(t.labels, ["0.01", "0.02", "0.03", "0.04", "0.05"]);

    let t = linear_ticks(-12.0, 7.0, 10);
    assert_eq!(t.labels, ["-15", "-10", "-5", "0", "5", "10"]);

    let t = linear_ticks(0.0, 2.3, 10);
    assert_eq!(t.labels, ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"]);

    let t = linear_ticks(1000.0, 26000.0, 6);
    assert_eq!(t.labels, ["0", "10000", "20000", "30000"]);
}

#[test]
fn a_flat_line_gets_room() {
    let t = linear_ticks(100.0, 100.0, 10);
    assert!(t.lo < 100.0 && t.hi > 100.0);
    let t = linear_ticks(0.0, 0.0, 10);
    assert!(t.lo < 0.0 && t.hi > 0.0);
}

#[test]
fn log_ticks_pick_the_richest_set_that_fits() {
    // S&P 500 1950-2026: 16.66 to about 7000.
    let t = log_ticks(16.66, 6940.0, 12);
    assert_eq!(
        t.labels,
        ["10", "20", "50", "100", "200", "500", "1000", "2000", "5000", "10000"]
    );
    assert_eq!((t.lo, t.hi), (10.0, 10000.0));
    assert!(t.minor.contains(&30.0) && t.minor.contains(&9000.0));
    assert!(!t.minor.contains(&20.0));

    let t = log_ticks(16.66, 6940.0, 6);
    assert_eq!(t.labels, ["10", "100", "1000", "10000"]);
    assert_eq!(t.minor.len(), 3 * 8);

    let t = log_ticks(0.003, 40.0, 12);
    assert_eq!(t.labels, ["0.001", "0.01", "0.1", "1", "10", "100"]);

    let t = log_ticks(85.0, 420.0, 12);
    assert_eq!(t.labels, ["80", "90", "100", "200", "300", "400", "500"]);
}

#[test]
fn log_ticks_over_many_decades_skip_powers() {
    let t = log_ticks(1e-3, 1e12, 6);
    assert_eq!(t.labels.len(), 6);
    assert_eq!(t.labels[0], "0.001");
    assert_eq!(t.labels[5], "1000000000000");
    assert_eq!((t.lo, t.hi), (1e-3, 1e12));
}

#[test]
fn a_narrow_log_range_gets_linear_ticks() {
    let t = log_ticks(101.0, 128.0, 10);
    assert_eq!((t.lo, t.hi), (100.0, 130.0));
    assert_eq!(t.labels, ["100", "105", "110", "115", "120", "125", "130"]);
}
