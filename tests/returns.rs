//! Command-line tests of `idx returns`: published calendar-year returns from real year-end
//! closes, `idx compute | idx returns` against `idx returns --method`, every format and flag,
//! and every input error with its exit code and location.
//!
//! Fixtures (tests/data/returns/):
//! * `year_end_closes.csv`: the official closes of the S&P 500, the NASDAQ Composite and the
//!   DJIA on 29 December 2023 and 31 December 2024, typed in by hand.
//! * `two_series.csv`: two hand-made series from Monday 1 July 2024 to Tuesday 15 October 2024.
//!   `alpha` moves ×1.05, ×1.1, ×1.1, ×1.1 (200, 210, 231, 254.1, 279.51); `beta` ×0.9, ×1.1,
//!   ×1.1, ×0.8 (100, 90, 99, 108.9, 87.12).
//! * `yahoo_style.csv`: a downloaded-history layout (`Date,Open,High,Low,Close,Adj Close,Volume`)
//!   whose Close goes 100, 110, 121 and Adj Close 50, 56, 70.
//! * `us_dates.csv`: the S&P 500 closes above with `%m/%d/%Y` dates.
//!
//! Every expected number is either a published figure or worked out in the comment beside it.

use rust_decimal::Decimal;
use std::fs;
use std::path::PathBuf;

mod common;
use common::{d, data, fails, idx, sample, stdout_of, Scratch};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// `tests/data/returns/<name>`.
fn fixture(name: &str) -> PathBuf {
    data("returns").join(name)
}

/// One CSV record of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rec {
    series: String,
    metric: String,
    value: String,
    start: String,
    end: String,
    partial: String,
    note: String,
}

/// Parses the report's CSV, checking its header.
fn records(csv_text: &str) -> Vec<Rec> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        headers,
        ["series", "metric", "value", "start", "end", "partial", "note"]
    );
    r.records()
        .map(|row| {
            let row = row.unwrap();
            assert_eq!(row.len(), 7, "{row:?}");
            Rec {
                series: row[0].to_string(),
                metric: row[1].to_string(),
                value: row[2].to_string(),
                start: row[3].to_string(),
                end: row[4].to_string(),
                partial: row[5].to_string(),
                note: row[6].to_string(),
            }
        })
        .collect()
}

/// The record of `series` and `metric`, exactly one.
fn rec<'a>(recs: &'a [Rec], series: &str, metric: &str) -> &'a Rec {
    let found: Vec<&Rec> = recs
        .iter()
        .filter(|r| r.series == series && r.metric == metric)
        .collect();
    assert_eq!(found.len(), 1, "{series}/{metric} in {recs:#?}");
    found[0]
}

/// `(value, start, end, partial)` of a record.
fn vsep(r: &Rec) -> (&str, &str, &str, &str) {
    (&r.value, &r.start, &r.end, &r.partial)
}

/// The cells of the line of a plain-text table that starts with `label` (split on runs of two or
/// more spaces, so a label such as `1Y annualised` stays whole).
fn table_row(text: &str, label: &str) -> Vec<String> {
    let found: Vec<Vec<String>> = text
        .lines()
        .map(|l| {
            l.trim()
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .filter(|cells| cells.first().map(String::as_str) == Some(label))
        .collect();
    assert_eq!(found.len(), 1, "one row {label:?} in:\n{text}");
    found[0].clone()
}

/// The trimmed cells of the Markdown table lines that start with `| label `.
fn markdown_rows(text: &str, label: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|cells| cells[0] == label)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Published calendar-year returns
// ---------------------------------------------------------------------------------------------

/// 2024 calendar-year price returns as published: S&P 500 +23.31%, NASDAQ Composite +28.64%,
/// Dow Jones Industrial Average +12.88%, from the official closes of 29 December 2023 (the last
/// trading day of 2023) and 31 December 2024.
///   5881.63 / 4769.83 − 1  = 0.23309006819949…
///   19310.79 / 15011.35 − 1 = 0.28641261445506…
///   42544.22 / 37689.54 − 1 = 0.12880709077372…
const PUBLISHED_2024: [(&str, &str, &str); 3] = [
    ("S&P 500", "0.2330900682", "+23.31%"),
    ("NASDAQ Composite", "0.2864126145", "+28.64%"),
    ("DJIA", "0.1288070908", "+12.88%"),
];

#[test]
fn year_end_closes_reproduce_the_published_2024_returns_in_csv() {
    let out = stdout_of(
        idx()
            .args(["returns", "--format", "csv", "--period", "calendar,ytd"])
            .arg(fixture("year_end_closes.csv")),
    );
    let recs = records(&out);
    for (series, ten_dp, _) in PUBLISHED_2024 {
        for metric in ["calendar_2024", "ytd"] {
            let r = rec(&recs, series, metric);
            assert_eq!(
                d(&r.value).round_dp(10),
                d(ten_dp),
                "{series} {metric}: {}",
                r.value
            );
            // Full precision, not rounded to the displayed decimals.
            assert!(r.value.len() > 20, "{series}: {}", r.value);
            assert_eq!(
                (r.start.as_str(), r.end.as_str(), r.partial.as_str()),
                ("2023-12-29", "2024-12-31", "false"),
                "{series} {metric}"
            );
        }
        // 2023 holds one level (no level before it): a partial year with no return (issue
        // 14: not available, not 0).
        let y23 = rec(&recs, series, "calendar_2023");
        assert_eq!(y23.value, "");
        assert_eq!(y23.note, "not available: a single level in the period");
        assert_eq!(y23.partial, "true");
    }
    // Three series × (YTD + two years).
    assert_eq!(recs.len(), 9);
}

#[test]
fn year_end_closes_reproduce_the_published_2024_returns_in_the_table() {
    let out = stdout_of(
        idx()
            .args(["returns", "--format", "table", "--period", "calendar,ytd"])
            .arg(fixture("year_end_closes.csv")),
    );
    // Series side by side, in file order.
    assert_eq!(
        table_row(&out, "2024"),
        ["2024", "+23.31%", "+28.64%", "+12.88%"]
    );
    assert_eq!(
        table_row(&out, "YTD"),
        ["YTD", "+23.31%", "+28.64%", "+12.88%"]
    );
    // 2023 holds one level: not available (issue 14), not +0.00%*.
    assert_eq!(table_row(&out, "2023"), ["2023", "n/a", "n/a", "n/a"]);
    let md = stdout_of(
        idx()
            .args(["returns", "--format", "markdown", "--period", "calendar"])
            .arg(fixture("year_end_closes.csv")),
    );
    let expected: Vec<String> = std::iter::once("2024")
        .chain(PUBLISHED_2024.iter().map(|p| p.2))
        .map(String::from)
        .collect();
    assert_eq!(markdown_rows(&md, "2024"), vec![expected]);
}

#[test]
fn date_format_reads_us_dates() {
    // The same S&P 500 closes with 12/29/2023-style dates; the date column `Date` is found
    // case-insensitively without --date-col.
    let out = stdout_of(
        idx()
            .args(["returns", "--format", "csv", "--period", "calendar"])
            .args(["--date-format", "%m/%d/%Y"])
            .arg(fixture("us_dates.csv")),
    );
    let recs = records(&out);
    let r = rec(&recs, "Close", "calendar_2024");
    assert_eq!(d(&r.value).round_dp(10), d("0.2330900682"));
    assert_eq!(
        (r.start.as_str(), r.end.as_str()),
        ("2023-12-29", "2024-12-31")
    );
    // Without the format the first date is rejected, with its line.
    fails(
        idx().args(["returns"]).arg(fixture("us_dates.csv")),
        1,
        &[
            "line 2",
            "column 'Date'",
            "\"12/29/2023\"",
            "not a valid date",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// One calculation path: idx compute | idx returns == idx returns --method
// ---------------------------------------------------------------------------------------------

fn constituent_args() -> Vec<String> {
    vec![
        sample("prices.csv"),
        "--actions".into(),
        sample("actions.csv"),
        "--constituents".into(),
        sample("constituents.csv"),
        "-q".into(),
    ]
}

/// `idx compute --method <methods> <extra>` piped into `idx returns <report>`, and
/// `idx returns --method <methods> <extra> <report>`: both outputs.
fn pipeline_and_direct(methods: &str, extra: &[&str], report: &[&str]) -> (String, String) {
    let levels = stdout_of(
        idx()
            .args(["compute", "--method", methods])
            .args(constituent_args())
            .args(extra),
    );
    let piped = stdout_of(idx().arg("returns").args(report).write_stdin(levels));
    let direct = stdout_of(
        idx()
            .args(["returns", "--method", methods])
            .args(constituent_args())
            .args(extra)
            .args(report),
    );
    (piped, direct)
}

#[test]
fn compute_piped_into_returns_equals_returns_with_method() {
    for methods in [
        "cap-weighted",
        "price-weighted",
        "equal-weighted",
        "price-weighted,cap-weighted,equal-weighted",
    ] {
        for format in ["csv", "table", "json", "markdown"] {
            let (piped, direct) = pipeline_and_direct(methods, &[], &["--format", format]);
            assert_eq!(piped, direct, "--method {methods} --format {format}");
        }
        // The report is not trivially empty: all months from January 2024 to March 2025.
        let (piped, _) = pipeline_and_direct(methods, &[], &["--format", "csv"]);
        let recs = records(&piped);
        let series = methods.split(',').count();
        let months = recs
            .iter()
            .filter(|r| r.metric.starts_with("month_"))
            .count();
        assert_eq!(months, 15 * series, "--method {methods}");
    }
    // With --total-return, an as-of date and a selection of parts.
    let (piped, direct) = pipeline_and_direct(
        "cap-weighted,equal-weighted",
        &["--total-return"],
        &[
            "--format",
            "csv",
            "--as-of",
            "2024-12-31",
            "--period",
            "ytd,calendar,1y",
        ],
    );
    assert_eq!(piped, direct);
    let mut series: Vec<String> = records(&piped).into_iter().map(|r| r.series).collect();
    series.dedup();
    assert_eq!(
        series,
        [
            "cap-weighted",
            "equal-weighted",
            "cap-weighted_total_return",
            "equal-weighted_total_return"
        ]
    );
}

#[test]
fn returns_with_method_matches_the_levels_idx_compute_prints() {
    // Independently of idx returns: read the cap-weighted levels idx compute prints and form the
    // calendar-year returns by hand (last level of the year / last level of the year before).
    let levels = stdout_of(
        idx()
            .args(["compute", "--method", "cap-weighted"])
            .args(constituent_args()),
    );
    let mut rows: Vec<(String, Decimal)> = Vec::new();
    let mut r = csv::Reader::from_reader(levels.as_bytes());
    let h = r.headers().unwrap().clone();
    let (di, li) = (
        h.iter().position(|c| c == "date").unwrap(),
        h.iter().position(|c| c == "level").unwrap(),
    );
    for row in r.records() {
        let row = row.unwrap();
        rows.push((row[di].to_string(), d(&row[li])));
    }
    let last_of = |year: &str| {
        rows.iter()
            .rev()
            .find(|(t, _)| t.starts_with(year))
            .unwrap()
            .clone()
    };
    let (first_date, first) = rows[0].clone();
    let (end24_date, end24) = last_of("2024");
    let (end25_date, end25) = last_of("2025");
    let out = stdout_of(
        idx()
            .args(["returns", "--method", "cap-weighted", "--format", "csv"])
            .args(["--period", "calendar,inception"])
            .args(constituent_args()),
    );
    let recs = records(&out);
    let y24 = rec(&recs, "level", "calendar_2024");
    assert_eq!(d(&y24.value), end24 / first - Decimal::ONE);
    assert_eq!(
        (y24.start.as_str(), y24.end.as_str()),
        (first_date.as_str(), end24_date.as_str())
    );
    // The series starts on 2 January 2024: 2024 is partial.
    assert_eq!(y24.partial, "true");
    let y25 = rec(&recs, "level", "calendar_2025");
    assert_eq!(d(&y25.value), end25 / end24 - Decimal::ONE);
    // The data end on 31 March 2025: 2025 is partial.
    assert_eq!(y25.partial, "true");
    let inc = rec(&recs, "level", "inception");
    assert_eq!(d(&inc.value), end25 / first - Decimal::ONE);
    assert_eq!(inc.end, end25_date);
}

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

#[test]
fn csv_is_the_default_when_piped_with_full_precision_fractions() {
    let out = stdout_of(idx().arg("returns").arg(fixture("two_series.csv")));
    assert!(out.starts_with("series,metric,value,start,end,partial,note\n"));
    let recs = records(&out);
    // alpha: YTD from the first level (the series starts in July): 279.51 / 200 − 1 = 0.39755,
    // partial. QTD = MTD from 30 September: 279.51 / 254.1 − 1 = 0.1. 1M: 15 September → 30
    // August: 279.51 / 231 − 1 = 0.21. 3M: 15 July → 1 July: 0.39755.
    let a = |m: &str| vsep(rec(&recs, "alpha", m));
    assert_eq!(a("ytd"), ("0.39755", "2024-07-01", "2024-10-15", "true"));
    assert_eq!(a("qtd"), ("0.1", "2024-09-30", "2024-10-15", "false"));
    assert_eq!(a("mtd"), ("0.1", "2024-09-30", "2024-10-15", "false"));
    assert_eq!(a("1m"), ("0.21", "2024-08-30", "2024-10-15", "false"));
    assert_eq!(a("3m"), ("0.39755", "2024-07-01", "2024-10-15", "false"));
    assert_eq!(
        a("inception"),
        ("0.39755", "2024-07-01", "2024-10-15", "false")
    );
    // 6M (15 April) and longer start before the series: empty value and dates, with a note.
    for m in ["6m", "1y", "3y", "5y", "10y"] {
        let r = rec(&recs, "alpha", m);
        assert_eq!(vsep(r), ("", "", "", "false"), "{m}");
        assert!(r.note.starts_with("not available"), "{m}: {}", r.note);
    }
    // No annualised rows: nothing of a year or more (inception is 106 days).
    assert!(!recs.iter().any(|r| r.metric.ends_with("_annualized")));
    // Calendar and months: July 210 / 200 − 1 = 0.05 (partial, first month), August and
    // September 0.1, October 0.1 (partial: ends on the 15th).
    assert_eq!(
        a("calendar_2024"),
        ("0.39755", "2024-07-01", "2024-10-15", "true")
    );
    assert_eq!(
        a("month_2024-07"),
        ("0.05", "2024-07-01", "2024-07-31", "true")
    );
    assert_eq!(
        a("month_2024-08"),
        ("0.1", "2024-07-31", "2024-08-30", "false")
    );
    assert_eq!(
        a("month_2024-09"),
        ("0.1", "2024-08-30", "2024-09-30", "false")
    );
    assert_eq!(
        a("month_2024-10"),
        ("0.1", "2024-09-30", "2024-10-15", "true")
    );
    // alpha never falls.
    let dd = rec(&recs, "alpha", "max_drawdown");
    assert_eq!(d(&dd.value), Decimal::ZERO);
    assert!(dd.note.contains("never falls"), "{}", dd.note);

    // beta: YTD 87.12 / 100 − 1 = −0.1288 (partial); MTD 87.12 / 108.9 − 1 = −0.2; 1M
    // 87.12 / 99 − 1 = −0.12; July 90 / 100 − 1 = −0.1.
    let b = |m: &str| vsep(rec(&recs, "beta", m));
    assert_eq!(b("ytd"), ("-0.1288", "2024-07-01", "2024-10-15", "true"));
    assert_eq!(b("mtd"), ("-0.2", "2024-09-30", "2024-10-15", "false"));
    assert_eq!(b("1m"), ("-0.12", "2024-08-30", "2024-10-15", "false"));
    assert_eq!(
        b("month_2024-07"),
        ("-0.1", "2024-07-01", "2024-07-31", "true")
    );
    // Drawdown: peak 108.9 on 30 September, trough 87.12 on 15 October: −0.2, not recovered
    // (the 10% fall in July was recovered and is smaller).
    let dd = rec(&recs, "beta", "max_drawdown");
    assert_eq!(vsep(dd), ("-0.2", "2024-09-30", "2024-10-15", "false"));
    assert_eq!(dd.note, "not recovered");

    // Volatility. alpha's log returns are ln 1.05 and three times ln 1.1: mean
    // (ln 1.05 + 3 ln 1.1) / 4, deviations −¾δ and ¼δ three times with δ = ln(1.1 / 1.05),
    // squared sum ¾δ², sample variance ¾δ² / 3 = δ²/4, stdev δ/2 = 0.0232600078174…
    // Observations per year: 4 returns over 106 days = 4 · 365.25 / 106 = 1461 / 106
    // = 13.7830188679245283018867924528…; × √13.783… → 0.0863539149738230891861526735823
    // (50-digit decimal arithmetic). beta (ln 0.9, ln 1.1, ln 1.1, ln 0.8), same way:
    // 0.584294976067656747379485502064.
    for (series, hand) in [
        ("alpha", "0.0863539149738230891861526735823"),
        ("beta", "0.584294976067656747379485502064"),
    ] {
        let v = rec(&recs, series, "volatility");
        assert!(
            (d(&v.value) - d(hand)).abs() < d("1e-20"),
            "{series}: {}",
            v.value
        );
        assert_eq!(
            (v.start.as_str(), v.end.as_str()),
            ("2024-07-01", "2024-10-15")
        );
        assert_eq!(v.note, "4 daily log returns");
        let n = rec(&recs, series, "observations_per_year");
        assert!(
            (d(&n.value) - d("13.78301886792452830188679245283")).abs() < d("1e-20"),
            "{series}: {}",
            n.value
        );
    }
}

#[test]
fn json_has_numbers_booleans_and_nulls() {
    let out = stdout_of(
        idx()
            .args(["returns", "--format", "json"])
            .arg(fixture("two_series.csv")),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let arr = v.as_array().expect("an array");
    // The same records as the CSV.
    let csv_out = stdout_of(
        idx()
            .args(["returns", "--format", "csv"])
            .arg(fixture("two_series.csv")),
    );
    let recs = records(&csv_out);
    assert_eq!(arr.len(), recs.len());
    for (o, r) in arr.iter().zip(&recs) {
        assert_eq!(o["series"], serde_json::json!(r.series));
        assert_eq!(o["metric"], serde_json::json!(r.metric));
        assert_eq!(o.as_object().unwrap().len(), 7);
    }
    let find = |series: &str, metric: &str| {
        arr.iter()
            .find(|o| o["series"] == series && o["metric"] == metric)
            .unwrap_or_else(|| panic!("{series}/{metric}"))
    };
    // A number (not a string), a boolean, dates as strings, no note.
    let ytd = find("alpha", "ytd");
    assert!(ytd["value"].is_number());
    assert_eq!(ytd["value"].as_f64(), Some(0.39755));
    assert_eq!(ytd["partial"], serde_json::json!(true));
    assert_eq!(ytd["start"], serde_json::json!("2024-07-01"));
    assert_eq!(ytd["end"], serde_json::json!("2024-10-15"));
    assert!(ytd["note"].is_null());
    assert_eq!(find("beta", "mtd")["value"].as_f64(), Some(-0.2));
    assert_eq!(find("beta", "mtd")["partial"], serde_json::json!(false));
    // Not available: nulls and a note.
    let y1 = find("alpha", "1y");
    assert!(y1["value"].is_null() && y1["start"].is_null() && y1["end"].is_null());
    assert_eq!(y1["partial"], serde_json::json!(false));
    assert!(y1["note"].as_str().unwrap().starts_with("not available"));
    // The exact decimal text of the number is kept in the JSON text (full precision).
    assert!(
        out.contains("\"value\": 0.0863539149738230891861526"),
        "{out}"
    );
}

#[test]
fn the_table_shows_percentages_side_by_side() {
    let out = stdout_of(
        idx()
            .args(["returns", "--format", "table"])
            .arg(fixture("two_series.csv")),
    );
    assert!(out.contains("Period to date, as of 2024-10-15"), "{out}");
    // 0.39755 = 39.755% → 39.76% (half away from zero); −0.1288 → −12.88%; partial: *.
    assert_eq!(table_row(&out, "YTD"), ["YTD", "+39.76%*", "-12.88%*"]);
    assert_eq!(table_row(&out, "MTD"), ["MTD", "+10.00%", "-20.00%"]);
    assert_eq!(table_row(&out, "1M"), ["1M", "+21.00%", "-12.00%"]);
    assert_eq!(table_row(&out, "6M"), ["6M", "n/a", "n/a"]);
    assert_eq!(
        table_row(&out, "inception"),
        ["inception", "+39.76%", "-12.88%"]
    );
    assert_eq!(table_row(&out, "drawdown"), ["drawdown", "0", "-20.00%"]);
    assert_eq!(table_row(&out, "recovery"), ["recovery", "not recovered"]);
    // Volatility 8.6354% and 58.4295%; observations per year 13.783 → 13.8.
    assert_eq!(
        table_row(&out, "annualised"),
        ["annualised", "8.64%", "58.43%"]
    );
    assert_eq!(
        table_row(&out, "observations per year"),
        ["observations per year", "13.8", "13.8"]
    );
    // Calendar years (alone: the monthly tables also have a row 2024).
    let cal = stdout_of(
        idx()
            .args(["returns", "--format", "table", "--period", "calendar"])
            .arg(fixture("two_series.csv")),
    );
    assert_eq!(table_row(&cal, "2024"), ["2024", "+39.76%*", "-12.88%*"]);
    // The monthly tables, one per series: header Jan … Dec, Year.
    assert!(out.contains("Monthly returns: alpha"));
    assert!(out.contains("Monthly returns: beta"));
    let months: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with("2024") && l.contains("+5.00%*"))
        .collect();
    assert_eq!(months.len(), 1, "{out}");
    let cells: Vec<&str> = months[0].split_whitespace().collect();
    assert_eq!(
        cells,
        ["2024", "+5.00%*", "+10.00%", "+10.00%", "+10.00%*", "+39.76%*"]
    );
}

#[test]
fn markdown_tables() {
    let out = stdout_of(
        idx()
            .args([
                "returns",
                "--format",
                "markdown",
                "--period",
                "ytd,1m,drawdown",
            ])
            .arg(fixture("two_series.csv")),
    );
    assert!(
        out.contains("### Period to date, as of 2024-10-15"),
        "{out}"
    );
    assert!(out.contains("### Trailing, as of 2024-10-15"), "{out}");
    assert!(out.contains("### Maximum drawdown"), "{out}");
    assert_eq!(
        markdown_rows(&out, ""),
        vec![vec!["", "alpha", "beta"]; 3],
        "one header per table"
    );
    assert_eq!(
        markdown_rows(&out, "YTD"),
        vec![vec!["YTD", "+39.76%*", "-12.88%*"]]
    );
    assert_eq!(
        markdown_rows(&out, "1M"),
        vec![vec!["1M", "+21.00%", "-12.00%"]]
    );
    assert_eq!(
        markdown_rows(&out, "peak"),
        vec![vec!["peak", "", "2024-09-30"]]
    );
    // Alignment rows: first column left, series right.
    assert!(out.contains("| --- | ") && out.contains(": |"), "{out}");
}

#[test]
fn decimals_sets_the_percentages_of_table_and_markdown_only() {
    let table = |dp: &str| {
        stdout_of(
            idx()
                .args(["returns", "--format", "table", "--period", "ytd,volatility"])
                .args(["--decimals", dp])
                .arg(fixture("two_series.csv")),
        )
    };
    // 39.755% → 39.8% / 39.755%; −12.88% → −12.9% / −12.880%; 8.6354% → 9% (0 decimals).
    assert_eq!(table_row(&table("1"), "YTD"), ["YTD", "+39.8%*", "-12.9%*"]);
    assert_eq!(
        table_row(&table("3"), "YTD"),
        ["YTD", "+39.755%*", "-12.880%*"]
    );
    assert_eq!(table_row(&table("0"), "YTD"), ["YTD", "+40%*", "-13%*"]);
    assert_eq!(
        table_row(&table("0"), "annualised"),
        ["annualised", "9%", "58%"]
    );
    let md = stdout_of(
        idx()
            .args(["returns", "--format", "markdown", "--period", "ytd"])
            .args(["--decimals", "4"])
            .arg(fixture("two_series.csv")),
    );
    assert_eq!(
        markdown_rows(&md, "YTD"),
        vec![vec!["YTD", "+39.7550%*", "-12.8800%*"]]
    );
    // CSV keeps full precision whatever --decimals says.
    let csv_out = |dp: &str| {
        stdout_of(
            idx()
                .args(["returns", "--format", "csv", "--decimals", dp])
                .arg(fixture("two_series.csv")),
        )
    };
    assert_eq!(csv_out("0"), csv_out("2"));
    // Out of range: a usage error.
    fails(
        idx()
            .args(["returns", "--decimals", "21"])
            .arg(fixture("two_series.csv")),
        2,
        &["--decimals"],
    );
}

// ---------------------------------------------------------------------------------------------
// Flags
// ---------------------------------------------------------------------------------------------

#[test]
fn period_selects_parts() {
    let run = |period: &str| {
        records(&stdout_of(
            idx()
                .args(["returns", "--format", "csv", "--period", period])
                .arg(fixture("two_series.csv")),
        ))
    };
    // One figure per series.
    let ytd = run("ytd");
    assert_eq!(ytd.len(), 2);
    assert_eq!(
        ytd.iter()
            .map(|r| (r.series.as_str(), r.metric.as_str(), r.value.as_str()))
            .collect::<Vec<_>>(),
        [("alpha", "ytd", "0.39755"), ("beta", "ytd", "-0.1288")]
    );
    // Several parts, comma-separated; a part listed twice is reported once.
    let metrics = |recs: &[Rec], series: &str| {
        recs.iter()
            .filter(|r| r.series == series)
            .map(|r| r.metric.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        metrics(&run("ytd,calendar,ytd"), "alpha"),
        ["ytd", "calendar_2024"]
    );
    assert_eq!(metrics(&run("to-date"), "beta"), ["mtd", "qtd", "ytd"]);
    assert_eq!(metrics(&run("1m,inception"), "beta"), ["1m", "inception"]);
    assert_eq!(
        metrics(&run("trailing"), "alpha"),
        ["1m", "3m", "6m", "1y", "3y", "5y", "10y", "inception"]
    );
    assert_eq!(
        metrics(&run("monthly"), "alpha"),
        [
            "month_2024-07",
            "month_2024-08",
            "month_2024-09",
            "month_2024-10"
        ]
    );
    assert_eq!(metrics(&run("drawdown"), "beta"), ["max_drawdown"]);
    assert_eq!(
        metrics(&run("volatility"), "beta"),
        ["volatility", "observations_per_year"]
    );
    // `all` and no --period are the same.
    let all = stdout_of(
        idx()
            .args(["returns", "--format", "csv", "--period", "all"])
            .arg(fixture("two_series.csv")),
    );
    let default = stdout_of(
        idx()
            .args(["returns", "--format", "csv"])
            .arg(fixture("two_series.csv")),
    );
    assert_eq!(all, default);
    // The table holds only the chosen parts.
    let t = stdout_of(
        idx()
            .args(["returns", "--format", "table", "--period", "ytd"])
            .arg(fixture("two_series.csv")),
    );
    assert!(t.contains("Period to date"));
    for absent in [
        "Trailing",
        "Calendar",
        "Monthly",
        "drawdown",
        "Volatility",
        "MTD",
    ] {
        assert!(!t.contains(absent), "{absent} in:\n{t}");
    }
}

#[test]
fn column_picks_the_series_of_a_yahoo_style_file() {
    let run = |args: &[&str]| {
        records(&stdout_of(
            idx()
                .args(["returns", "--format", "csv", "--period", "ytd"])
                .args(args)
                .arg(fixture("yahoo_style.csv")),
        ))
    };
    // Close 100 → 121: YTD from the first level (2 January) 121 / 100 − 1 = 0.21, partial.
    let close = run(&["--date-col", "Date", "--column", "Close"]);
    assert_eq!(close.len(), 1);
    assert_eq!(close[0].series, "Close");
    assert_eq!(
        vsep(&close[0]),
        ("0.21", "2024-01-02", "2024-02-29", "true")
    );
    // Names match case-insensitively; the date column is found without --date-col.
    assert_eq!(run(&["--column", "close"]), close.clone());
    // Adj Close 50 → 70: 0.4; both columns side by side.
    let both = run(&["--column", "Close,Adj Close"]);
    assert_eq!(
        both.iter()
            .map(|r| (r.series.as_str(), r.value.as_str()))
            .collect::<Vec<_>>(),
        [("Close", "0.21"), ("Adj Close", "0.4")]
    );
    // Without --column every column but the date is a series.
    let every = run(&[]);
    assert_eq!(
        every.iter().map(|r| r.series.as_str()).collect::<Vec<_>>(),
        ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
    );
    // The monthly table of Close: January 110 / 100 − 1 (partial), February 121 / 110 − 1, not
    // partial (29 February 2024, a Thursday, is the month's last weekday).
    let m = records(&stdout_of(
        idx()
            .args(["returns", "--format", "csv", "--period", "monthly"])
            .args(["--column", "Close"])
            .arg(fixture("yahoo_style.csv")),
    ));
    assert_eq!(
        vsep(rec(&m, "Close", "month_2024-01")),
        ("0.1", "2024-01-02", "2024-01-31", "true")
    );
    assert_eq!(
        vsep(rec(&m, "Close", "month_2024-02")),
        ("0.1", "2024-01-31", "2024-02-29", "false")
    );
}

#[test]
fn compute_output_columns_divisor_and_constituents_are_not_series() {
    let s = Scratch::with(&[(
        "levels.csv",
        "date,level,divisor,constituents\n\
         2024-06-28,100.00,16690250000,12\n\
         2024-07-31,105.00,16690250000,12\n",
    )]);
    let recs = records(&stdout_of(s.cmd().args([
        "returns",
        "--format",
        "csv",
        "--period",
        "mtd",
        "levels.csv",
    ])));
    // MTD 105 / 100 − 1 = 0.05 for `level` only.
    assert_eq!(recs.len(), 1);
    assert_eq!(
        (recs[0].series.as_str(), recs[0].value.as_str()),
        ("level", "0.05")
    );
}

#[test]
fn as_of_reports_an_earlier_date() {
    let run = |as_of: &str| {
        records(&stdout_of(
            idx()
                .args(["returns", "--format", "csv", "--period", "ytd,mtd"])
                .args(["--as-of", as_of])
                .arg(fixture("two_series.csv")),
        ))
    };
    // As of 30 September: alpha YTD 254.1 / 200 − 1 = 0.2705, MTD 254.1 / 231 − 1 = 0.1;
    // beta YTD 108.9 / 100 − 1 = 0.089.
    let r = run("2024-09-30");
    assert_eq!(
        vsep(rec(&r, "alpha", "ytd")),
        ("0.2705", "2024-07-01", "2024-09-30", "true")
    );
    assert_eq!(
        vsep(rec(&r, "alpha", "mtd")),
        ("0.1", "2024-08-30", "2024-09-30", "false")
    );
    assert_eq!(rec(&r, "beta", "ytd").value, "0.089");
    // As of Saturday 5 October: the last level is 30 September; October has no level, so
    // MTD is not available (rather than a return of 0 from 30 September to itself).
    let r = run("2024-10-05");
    assert_eq!(
        vsep(rec(&r, "alpha", "ytd")),
        ("0.2705", "2024-07-01", "2024-09-30", "true")
    );
    assert_eq!(rec(&r, "alpha", "mtd").value, "");
    let t = stdout_of(
        idx()
            .args(["returns", "--format", "table", "--period", "ytd"])
            .args(["--as-of", "2024-10-05"])
            .arg(fixture("two_series.csv")),
    );
    assert!(
        t.contains("as of 2024-10-05 (last level 2024-09-30)"),
        "{t}"
    );
    assert_eq!(table_row(&t, "YTD"), ["YTD", "+27.05%*", "+8.90%*"]);
}

#[test]
fn output_file_receives_the_report() {
    let s = Scratch::with(&[]);
    let out = s.join("report.csv");
    let stdout = stdout_of(
        idx()
            .args(["returns", "--period", "ytd", "-o"])
            .arg(&out)
            .arg(fixture("two_series.csv")),
    );
    assert_eq!(stdout, "");
    // Without --format a file gets CSV.
    let written = fs::read_to_string(&out).unwrap();
    assert_eq!(
        written,
        "series,metric,value,start,end,partial,note\n\
         alpha,ytd,0.39755,2024-07-01,2024-10-15,true,\n\
         beta,ytd,-0.1288,2024-07-01,2024-10-15,true,\n"
    );
    // --output with a format; the file is replaced.
    stdout_of(
        idx()
            .args([
                "returns", "--period", "ytd", "--format", "markdown", "--output",
            ])
            .arg(&out)
            .arg(fixture("two_series.csv")),
    );
    let md = fs::read_to_string(&out).unwrap();
    assert_eq!(
        markdown_rows(&md, "YTD"),
        vec![vec!["YTD", "+39.76%*", "-12.88%*"]]
    );
}

#[test]
fn stdin_is_read_without_a_file_or_with_dash() {
    let text = fs::read_to_string(fixture("two_series.csv")).unwrap();
    let from_file = stdout_of(
        idx()
            .args(["returns", "--format", "csv"])
            .arg(fixture("two_series.csv")),
    );
    let no_arg = stdout_of(
        idx()
            .args(["returns", "--format", "csv"])
            .write_stdin(text.clone()),
    );
    let dash = stdout_of(
        idx()
            .args(["returns", "--format", "csv", "-"])
            .write_stdin(text),
    );
    assert_eq!(no_arg, from_file);
    assert_eq!(dash, from_file);
    // Errors in stdin name it.
    fails(
        idx()
            .arg("returns")
            .write_stdin("date,level\n2024-01-02,100\n2024-01-03,x\n"),
        1,
        &["<stdin>", "line 3", "column 'level'", "(value: \"x\")"],
    );
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Runs `idx returns <args> levels.csv` on `text` and expects exit 1 with `needles`.
fn bad_levels(text: &str, args: &[&str], needles: &[&str]) {
    let s = Scratch::with(&[("levels.csv", text)]);
    fails(
        s.cmd().arg("returns").args(args).arg("levels.csv"),
        1,
        needles,
    );
}

#[test]
fn a_non_numeric_level_is_an_error_with_its_place() {
    bad_levels(
        "date,level\n2024-01-02,100\n2024-01-03,abc\n",
        &[],
        &[
            "levels.csv",
            "line 3",
            "column 'level'",
            "(value: \"abc\")",
            "not a decimal",
        ],
    );
    // In the second series of two.
    bad_levels(
        "date,a,b\n2024-01-02,100,100\n2024-01-03,101,NaN\n",
        &[],
        &["levels.csv", "line 3", "column 'b'", "(value: \"NaN\")"],
    );
}

#[test]
fn an_empty_level_is_an_error() {
    bad_levels(
        "date,level\n2024-01-02,100\n2024-01-03,\n",
        &[],
        &[
            "levels.csv",
            "line 3",
            "column 'level'",
            "(value: \"\")",
            "empty",
        ],
    );
}

#[test]
fn a_zero_or_negative_level_is_an_error() {
    for v in ["0", "-1.5", "0.00"] {
        bad_levels(
            &format!("date,level\n2024-01-02,100\n2024-01-03,101\n2024-01-04,{v}\n"),
            &[],
            &[
                "levels.csv",
                "line 4",
                "column 'level'",
                &format!("(value: \"{v}\")"),
                "greater than 0",
            ],
        );
    }
}

#[test]
fn duplicate_and_unsorted_dates_are_errors() {
    bad_levels(
        "date,level\n2024-01-02,100\n2024-01-03,101\n2024-01-03,102\n",
        &[],
        &[
            "levels.csv",
            "line 4",
            "column 'date'",
            "(value: \"2024-01-03\")",
            "duplicate date",
        ],
    );
    bad_levels(
        "date,level\n2024-01-03,100\n2024-01-02,101\n",
        &[],
        &[
            "levels.csv",
            "line 3",
            "column 'date'",
            "(value: \"2024-01-02\")",
            "out of order",
        ],
    );
    bad_levels(
        "date,level\n2024-02-30,100\n",
        &[],
        &[
            "levels.csv",
            "line 2",
            "column 'date'",
            "(value: \"2024-02-30\")",
            "not a valid date",
        ],
    );
}

#[test]
fn missing_columns_are_errors_on_line_1() {
    bad_levels(
        "day,level\n2024-01-02,100\n",
        &[],
        &[
            "levels.csv",
            "line 1",
            "missing column 'date'",
            "--date-col",
            "day, level",
        ],
    );
    bad_levels(
        "date,level\n2024-01-02,100\n",
        &["--date-col", "Date2"],
        &["levels.csv", "line 1", "missing column 'Date2'"],
    );
    bad_levels(
        "date,level\n2024-01-02,100\n",
        &["--column", "Close"],
        &[
            "levels.csv",
            "line 1",
            "missing column 'Close'",
            "--column",
            "date, level",
        ],
    );
    bad_levels(
        "date\n2024-01-02\n",
        &[],
        &["levels.csv", "line 1", "no level column"],
    );
}

#[test]
fn a_header_without_rows_is_an_error() {
    bad_levels("date,level\n", &[], &["levels.csv", "no data rows"]);
}

#[test]
fn as_of_before_the_start_is_an_error() {
    bad_levels(
        "date,level\n2024-01-02,100\n2024-01-03,101\n",
        &["--as-of", "2024-01-01"],
        &[
            "2024-01-01",
            "before the first date",
            "2024-01-02",
            "'level'",
        ],
    );
}

#[test]
fn a_missing_file_is_an_error() {
    let s = Scratch::with(&[]);
    fails(s.cmd().args(["returns", "nope.csv"]), 1, &["nope.csv"]);
}

#[test]
fn usage_errors_exit_2() {
    let f = fixture("two_series.csv");
    // Constituent-data flags need --method.
    fails(
        idx().args(["returns", "--actions", "actions.csv"]).arg(&f),
        2,
        &["--actions", "--method"],
    );
    fails(
        idx().args(["returns", "--total-return"]).arg(&f),
        2,
        &["--total-return", "--method"],
    );
    // An unknown part.
    fails(
        idx().args(["returns", "--period", "2y"]).arg(&f),
        2,
        &["'2y'", "--period"],
    );
    fails(
        idx().args(["returns", "--period", "ytd,weekly"]).arg(&f),
        2,
        &["'weekly'"],
    );
    // A bad date, an unknown format.
    fails(
        idx().args(["returns", "--as-of", "2024-13-01"]).arg(&f),
        2,
        &["--as-of"],
    );
    fails(
        idx().args(["returns", "--format", "xml"]).arg(&f),
        2,
        &["'xml'"],
    );
    // --date-col with --method: the computed levels always have `date`.
    fails(
        idx()
            .args(["returns", "--method", "cap-weighted", "--date-col", "Date"])
            .arg(sample("prices.csv")),
        2,
        &["--date-col"],
    );
}

#[test]
fn help_documents_the_definitions() {
    let help = stdout_of(idx().args(["returns", "--help"]));
    for needle in [
        "365.25",
        "29 February becomes 28 February",
        "n/a",
        "--period",
        "--as-of",
        "--decimals",
        "no 252-day assumption",
    ] {
        assert!(help.contains(needle), "help lacks {needle:?}");
    }
}
