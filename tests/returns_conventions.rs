//! `idx returns` as index providers publish returns (issue 14): trailing periods from
//! month-end closes as of a month-end, years complete by the exchange's last session, 1-year
//! figures not annualised, a single level is no return, and the factsheet figures (best and
//! worst, risk, streaks). The levels are typed in from the official closes named beside them.

use assert_cmd::Command;
use std::fs;
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_idx");

fn run(files: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let dir = TempDir::new().unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The CSV record `series,metric,...` of `metric`, split.
fn record(csv: &str, metric: &str) -> Vec<String> {
    csv.lines()
        .map(|l| l.split(',').map(String::from).collect::<Vec<_>>())
        .find(|f| f.get(1).map(String::as_str) == Some(metric))
        .unwrap_or_else(|| panic!("no {metric} in\n{csv}"))
}

/// S&P 500 closes (S&P Dow Jones Indices via FRED series SP500) around the June month-ends of
/// 2023 and 2024.
const SP500: &str = "\
date,sp500
2023-06-27,4378.41
2023-06-28,4376.86
2023-06-29,4396.44
2023-06-30,4450.38
2024-06-26,5477.90
2024-06-27,5482.87
2024-06-28,5460.48
2024-07-01,5475.09
";

#[test]
fn one_year_as_of_a_month_end_starts_from_the_month_end_a_year_before() {
    // As of Friday 28 June 2024, June's last session (the series goes on on 1 July): from the
    // close of 30 June 2023, 5460.48 / 4450.38 − 1 = +22.70% (the factsheet figure), not from
    // 28 June 2023 (+24.76%).
    let (code, out, err) = run(
        &[("sp500.csv", SP500)],
        &[
            "returns",
            "--as-of",
            "2024-06-28",
            "--period",
            "1y",
            "--format",
            "csv",
            "sp500.csv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        record(&out, "1y"),
        [
            "sp500",
            "1y",
            "0.2269693823898183975300985534",
            "2023-06-30",
            "2024-06-28",
            "false",
            ""
        ]
    );
    // Not annualised: a 1-year figure is its own annual return.
    assert!(!out.contains("1y_annualized"), "{out}");
    // As of Thursday 27 June 2024 (not a month-end): the same date a year earlier,
    // 5482.87 / 4378.41 − 1 = +25.23%.
    let (_, out, _) = run(
        &[("sp500.csv", SP500)],
        &[
            "returns",
            "--as-of",
            "2024-06-27",
            "--period",
            "1y",
            "--format",
            "table",
            "sp500.csv",
        ],
    );
    assert!(out.contains("  1Y  +25.23%"), "{out}");
}

/// Nikkei 225 closes (Nikkei Indexes): Tokyo's last sessions of 2023 and 2024 (29 and 30
/// December), and the first of 2025 (6 January).
const NIKKEI: &str = "\
date,nikkei
2023-12-28,33539.62
2023-12-29,33464.17
2024-12-30,39894.54
";

#[test]
fn a_tokyo_year_ending_on_30_december_is_complete() {
    let args = [
        "returns", "--period", "calendar", "--format", "table", "n.csv",
    ];
    // 39894.54 / 33464.17 − 1 = +19.22% (Nikkei's published 2024 return).
    let with_2025 = format!("{NIKKEI}2025-01-06,39307.05\n");
    let (_, out, _) = run(&[("n.csv", &with_2025)], &args);
    assert!(out.contains("  2024  +19.22%\n"), "{out}");
    // Ending on 30 December, the series cannot tell: weekdays say 31 December is left
    // (partial, *), the JPX calendar says the year is over.
    let (_, out, _) = run(&[("n.csv", NIKKEI)], &args);
    assert!(out.contains("  2024  +19.22%*\n"), "{out}");
    let mut jpx = args.to_vec();
    jpx.insert(1, "--calendar");
    jpx.insert(2, "jpx");
    let (code, out, err) = run(&[("n.csv", NIKKEI)], &jpx);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  2024  +19.22%\n"), "{out}");
    // 2023 has two levels here but no level before it: partial, 33464.17 / 33539.62 − 1.
    assert!(out.contains("  2023  -0.22%*\n"), "{out}");
}

#[test]
fn a_year_with_a_single_level_has_no_return() {
    let (_, out, _) = run(
        &[("n.csv", "date,x\n2023-12-29,100\n2024-12-31,110\n")],
        &[
            "returns", "--period", "calendar", "--format", "table", "n.csv",
        ],
    );
    assert!(out.contains("  2023      n/a\n"), "{out}");
    assert!(out.contains("  2024  +10.00%\n"), "{out}");
}

#[test]
fn periods_per_year_overrides_the_measured_count() {
    let file = "date,x\n2024-01-02,100\n2024-01-03,101\n2024-01-04,100\n2024-01-05,102\n";
    let (_, out, _) = run(
        &[("x.csv", file)],
        &[
            "returns",
            "--period",
            "volatility",
            "--periods-per-year",
            "252",
            "--format",
            "csv",
            "x.csv",
        ],
    );
    assert_eq!(record(&out, "observations_per_year")[2], "252");
    let (code, _, err) = run(
        &[("x.csv", file)],
        &["returns", "--periods-per-year", "0", "x.csv"],
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn best_worst_and_streaks_are_reported_with_their_dates() {
    // +1% (01-03), −0.990099% (01-04), +2% (01-05), +1.960784% (01-08): best day 01-05 (+2%),
    // worst 01-04; the current streak is 2 up closes (01-05 to 01-08).
    let file =
        "date,x\n2024-01-02,100\n2024-01-03,101\n2024-01-04,100\n2024-01-05,102\n2024-01-08,104\n";
    let (_, out, _) = run(
        &[("x.csv", file)],
        &[
            "returns",
            "--period",
            "best,streaks",
            "--format",
            "csv",
            "x.csv",
        ],
    );
    assert_eq!(
        record(&out, "best_day")[2..5],
        ["0.02", "2024-01-04", "2024-01-05"]
    );
    assert_eq!(
        record(&out, "worst_day")[3..5],
        ["2024-01-03", "2024-01-04"]
    );
    assert_eq!(
        record(&out, "streak_current")[2..7],
        ["2", "2024-01-05", "2024-01-08", "false", "up closes"]
    );
    assert_eq!(record(&out, "streak_longest_down")[2], "1");
    // Too short for the risk figures: not available, said so.
    let (_, out, _) = run(
        &[("x.csv", file)],
        &["returns", "--period", "risk", "--format", "csv", "x.csv"],
    );
    assert_eq!(
        record(&out, "risk_3y")[6],
        "not available: fewer than 36 complete months"
    );
}

/// Nasdaq-100 closes (Yahoo ^NDX, rounded to the cent) at the 2016 and 2017 year-ends.
const NDX: &str = "\
date,ndx
2016-12-28,4926.29
2016-12-29,4918.28
2016-12-30,4863.62
2017-12-28,6441.42
2017-12-29,6396.42
2018-01-02,6511.34
";

#[test]
fn one_year_as_of_a_years_last_session_is_that_calendar_year() {
    // As of 2017-12-29, the year's last session: 1Y from 2016-12-30 is 6396.42 / 4863.62 − 1 =
    // +31.52%, the calendar 2017 return (the same-date rule gave +30.05% from 2016-12-29).
    let (_, out, _) = run(
        &[("ndx.csv", NDX)],
        &[
            "returns",
            "--as-of",
            "2017-12-29",
            "--period",
            "1y,calendar",
            "--format",
            "table",
            "ndx.csv",
        ],
    );
    assert!(out.contains("  1Y  +31.52%\n"), "{out}");
    assert!(out.contains("  2017  +31.52%\n"), "{out}");
}
