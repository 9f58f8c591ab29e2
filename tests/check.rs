//! Command-line tests of `idx check`: each kind of finding on a small input made here, the
//! known bad rows of the real S&P 500 file, formats, exit codes, `--actions`, `--shares`,
//! `--stale-days`, `--strict`, stdin and `-o`.

use assert_cmd::Command;
use std::fs;

mod common;
use common::{root, run_lossy, Scratch, BIN, CHECK_HEADER};

/// Weekdays from 2024-01-01, as ISO dates.
fn weekdays(n: usize) -> Vec<String> {
    let mut d = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let mut v = Vec::new();
    while v.len() < n {
        use chrono::Datelike;
        if d.weekday().number_from_monday() <= 5 {
            v.push(d.to_string());
        }
        d = d.succ_opt().unwrap();
    }
    v
}

/// A price path of `n` closes starting at `start` with small deterministic moves (about
/// ±0.6% a day, never the same close twice in a row).
fn walk(n: usize, start: f64, seed: u64) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut p = start;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = ((s >> 33) as f64 / (1u64 << 31) as f64) - 0.5; // -0.5 .. 0.5
            let step = if u.abs() < 0.05 { 0.003 } else { u * 0.012 };
            p *= 1.0 + step;
            (p * 100.0).round() / 100.0
        })
        .collect()
}

/// A long prices file (`date,symbol,price,shares`) of the given symbols' paths.
fn prices(series: &[(&str, Vec<f64>, Vec<u64>)]) -> String {
    let n = series[0].1.len();
    let dates = weekdays(n);
    let mut s = String::from("date,symbol,price,shares\n");
    for (i, date) in dates.iter().enumerate() {
        for (sym, p, q) in series {
            if p[i].is_nan() {
                continue;
            }
            s.push_str(&format!("{date},{sym},{:.2},{}\n", p[i], q[i]));
        }
    }
    s
}

/// The CSV rows of the findings (without the header), as (line, date, symbol, severity, kind).
fn findings(stdout: &str) -> Vec<(String, String, String, String, String)> {
    let mut r = csv::Reader::from_reader(stdout.as_bytes());
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[1].to_string(),
                rec[2].to_string(),
                rec[3].to_string(),
                rec[4].to_string(),
                rec[5].to_string(),
            )
        })
        .collect()
}

fn kinds(stdout: &str) -> Vec<String> {
    findings(stdout).into_iter().map(|f| f.4).collect()
}

// ---------------------------------------------------------------------------------------------
// The sample data and the real file
// ---------------------------------------------------------------------------------------------

#[test]
fn sample_data_without_actions_shows_its_two_splits_and_the_halt() {
    let (code, out, err) = run_lossy(root(), &["check", "data/prices.csv"]);
    assert_eq!(code, 0, "{err}");
    let f = findings(&out);
    assert_eq!(
        f,
        vec![
            s5("1322", "2024-06-10", "ZALF", "warning", "split"),
            s5("2272", "2024-10-01", "ZKLO", "warning", "split"),
            s5("2653", "2024-11-12", "ZJUL", "warning", "gap"),
        ]
    );
    assert!(out.contains("add to the actions file: 2024-06-10,ZALF,split,4"));
    assert!(out.contains("add to the actions file: 2024-10-01,ZKLO,split,0.1"));
    assert!(out.contains("is close to 1/4, as after a 4-for-1 split"));
    assert!(out.contains("is close to 10, as after a 1-for-10 reverse split"));
    assert!(out.contains("no row on 2 dates, 2024-11-12 to 2024-11-13"));
}

fn s5(a: &str, b: &str, c: &str, d: &str, e: &str) -> (String, String, String, String, String) {
    (a.into(), b.into(), c.into(), d.into(), e.into())
}

#[test]
fn sample_data_with_its_actions_leaves_only_the_halt() {
    let (code, out, _) = run_lossy(
        root(),
        &["check", "--actions", "data/actions.csv", "data/prices.csv"],
    );
    assert_eq!(code, 0);
    assert_eq!(kinds(&out), vec!["gap"]);
}

#[test]
fn real_excerpt_finds_the_mrk_bad_print_and_the_incomplete_bhf_row() {
    let (code, out, _) = run_lossy(
        &root().join("tests/malformed"),
        &[
            "check",
            "--symbol-col",
            "Name",
            "--format",
            "csv",
            "real_sp500_excerpt.csv",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(
        findings(&out),
        vec![
            s5("23", "2017-07-26", "BHF", "warning", "empty_cells"),
            s5("129", "2017-09-14", "EFX", "warning", "outlier"),
            s5("130", "2017-09-14", "MRK", "warning", "outlier"),
        ]
    );
    assert!(out.contains(
        "the close 56.23 is -14.1% from 65.45 of 2017-09-13 (22 times the robust standard \
         deviation 0.69% of its last daily moves), and the next close 66.16 of 2017-09-15 is \
         back within 1.1% of 65.45: a probable bad print on 2017-09-14"
    ));
    assert!(out.contains("empty open, high, low"));
}

/// The whole public file, when it is there (../shared/data/market/): the known bad rows are
/// found, in well under a second, without a flood of false positives.
#[test]
fn real_sp500_file_known_bad_rows_and_no_flood() {
    let file =
        root().join("../shared/data/market/sp500_5yr_iex/sp500_stocks_2017-01-03_2018-02-07.csv");
    if !file.exists() {
        eprintln!("skipped: {} is not there", file.display());
        return;
    }
    let t = std::time::Instant::now();
    let (code, out, _) = run_lossy(
        root(),
        &["check", "--symbol-col", "Name", file.to_str().unwrap()],
    );
    let took = t.elapsed();
    assert_eq!(code, 0);
    let f = findings(&out);
    assert!(f.contains(&s5("88534", "2017-09-14", "MRK", "warning", "outlier")));
    assert!(f.contains(&s5("70669", "2017-07-26", "BHF", "warning", "empty_cells")));
    let outliers = f.iter().filter(|x| x.4 == "outlier").count();
    let empties = f.iter().filter(|x| x.4 == "empty_cells").count();
    assert_eq!((outliers, empties, f.len()), (10, 1, 11), "{out}");
    // 9 of the 10 bad prints are on 2017-09-14, the data set's bad day.
    assert_eq!(
        f.iter()
            .filter(|x| x.4 == "outlier" && x.1 == "2017-09-14")
            .count(),
        9
    );
    assert!(took.as_secs() < 20, "took {took:?}");
}

// ---------------------------------------------------------------------------------------------
// Each kind of finding
// ---------------------------------------------------------------------------------------------

#[test]
fn row_errors_are_all_listed_with_their_lines_and_exit_1() {
    let text = "date,symbol,price,shares\n\
                2024-01-02,AAA,10,100\n\
                2024-01-02,AAA,10.5,100\n\
                2024-01-02,BBB,-1,100\n\
                2024-01-02,CCC,,100\n\
                2024-02-30,DDD,5,100\n\
                2024-01-02,EEE,inf,100\n\
                2024-01-02,FFF,5,-3\n\
                2024-01-02,GGG,5\n\
                2024-01-02,,5,100\n\
                2024-01-02,HHH,5,\n";
    let dir = Scratch::with(&[("p.csv", text)]);
    let (code, out, err) = run_lossy(dir.path(), &["check", "p.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: p.csv: 8 errors and 1 warning found (listed on stdout)\n  hint: compute refuses \
         the rows with errors: fix or remove them\n"
    );
    assert_eq!(
        findings(&out),
        vec![
            s5("3", "2024-01-02", "AAA", "error", "duplicate"),
            s5("4", "2024-01-02", "BBB", "error", "bad_price"),
            s5("5", "2024-01-02", "CCC", "error", "missing_price"),
            s5("6", "", "DDD", "error", "bad_date"),
            s5("7", "2024-01-02", "EEE", "error", "bad_price"),
            s5("8", "2024-01-02", "FFF", "error", "bad_shares"),
            s5("9", "2024-01-02", "GGG", "error", "bad_row"),
            s5("10", "", "", "error", "missing_symbol"),
            s5("11", "2024-01-02", "HHH", "warning", "missing_shares"),
        ]
    );
    assert!(out.contains(
        "duplicate row for AAA on 2024-01-02 (also on line 2, price 10 there, 10.5 here)"
    ));
    assert!(
        out.contains("not a valid date: expected a date as YYYY-MM-DD (value: \"\"2024-02-30\"\")")
    );
}

#[test]
fn an_unrecorded_split_is_reported_with_the_action_to_add() {
    let n = 40;
    let mut b = walk(n, 80.0, 2);
    for p in b.iter_mut().skip(25) {
        *p = (*p / 2.0 * 100.0).round() / 100.0;
    }
    let text = prices(&[
        ("AAA", walk(n, 50.0, 1), vec![1000; n]),
        ("BBB", b.clone(), vec![2000; n]),
    ]);
    let dir = Scratch::with(&[("p.csv", &text)]);
    let (code, out, _) = run_lossy(dir.path(), &["check", "p.csv"]);
    assert_eq!(code, 0);
    let date = &weekdays(n)[25];
    assert_eq!(
        findings(&out),
        vec![s5("53", date, "BBB", "warning", "split")]
    );
    assert!(out.contains(
        "as after a 2-for-1 split, and the share count is unchanged; there is no split action"
    ));
    assert!(out.contains(&format!("add to the actions file: {date},BBB,split,2")));

    // With the action, the price move is explained, but the share count should follow it.
    let actions = format!("date,symbol,action,value\n{date},BBB,split,2\n");
    fs::write(dir.path().join("a.csv"), actions).unwrap();
    let (code, out, _) = run_lossy(dir.path(), &["check", "--actions", "a.csv", "p.csv"]);
    assert_eq!(code, 0);
    assert_eq!(
        findings(&out),
        vec![s5("53", date, "BBB", "warning", "split_shares")]
    );
    assert!(out.contains(
        "the share count goes from 2000 on 2024-02-02 to 2000 here, but the split on line 2 of \
         a.csv (value 2) makes it about 4000"
    ));
    // With the new count from the split date, nothing is left.
    let q: Vec<u64> = (0..n).map(|i| if i < 25 { 2000 } else { 4000 }).collect();
    let fixed = prices(&[
        ("AAA", walk(n, 50.0, 1), vec![1000; n]),
        ("BBB", b.clone(), q),
    ]);
    fs::write(dir.path().join("p.csv"), fixed).unwrap();
    let (code, out, _) = run_lossy(dir.path(), &["check", "--actions", "a.csv", "p.csv"]);
    assert_eq!((code, out.as_str()), (0, CHECK_HEADER));
    fs::write(dir.path().join("p.csv"), &text).unwrap();

    // With a wrong value, the rest of the move is reported.
    fs::write(
        dir.path().join("a.csv"),
        format!("date,symbol,action,value\n{date},BBB,split,0.5\n"),
    )
    .unwrap();
    let (_, out, _) = run_lossy(dir.path(), &["check", "--actions", "a.csv", "p.csv"]);
    assert_eq!(kinds(&out), vec!["split"]);
    assert!(out.contains(
        "after the split action on line 2 of a.csv (value 0.5), the price ratio is still"
    ));
    assert!(out.contains("check the split's value: the move suggests 2"));
}

#[test]
fn a_split_whose_shares_change_inversely_is_found_even_for_three_for_two() {
    let n = 30;
    let mut p = walk(n, 90.0, 3);
    let mut q = vec![1_000_000u64; n];
    for i in 20..n {
        p[i] = (p[i] * 2.0 / 3.0 * 100.0).round() / 100.0;
        q[i] = 1_500_000;
    }
    let text = prices(&[("AAA", p.clone(), q)]);
    let dir = Scratch::with(&[("p.csv", &text)]);
    let (_, out, _) = run_lossy(dir.path(), &["check", "p.csv"]);
    assert_eq!(kinds(&out), vec!["split"]);
    assert!(out.contains(
        "as after a 3-for-2 split, and the share count changes inversely, 1000000 to 1500000"
    ));
    assert!(out.contains(",AAA,split,1.5"));

    // Without share counts, a 33% drop is a plausible crash: not reported as a split.
    let text = text
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect::<String>();
    fs::write(dir.path().join("p.csv"), text).unwrap();
    let (_, out, _) = run_lossy(dir.path(), &["check", "p.csv"]);
    assert_eq!(out, CHECK_HEADER);
}

#[test]
fn a_split_action_on_split_adjusted_prices_is_reported() {
    let n = 20;
    let text = prices(&[("AAA", walk(n, 50.0, 4), vec![1000; n])]);
    let date = &weekdays(n)[10];
    let dir = Scratch::with(&[
        ("p.csv", &text),
        (
            "a.csv",
            &format!("date,symbol,action,value\n{date},AAA,split,4\n"),
        ),
    ]);
    let (code, out, _) = run_lossy(dir.path(), &["check", "--actions", "a.csv", "p.csv"]);
    assert_eq!(code, 0);
    // One finding, in the actions file: not also a price move, nor a share count that does
    // not follow the split.
    assert_eq!(
        findings(&out),
        vec![s5("2", date, "AAA", "warning", "action")]
    );
    assert!(out.contains(&format!(
        "split 4 of AAA on {date}, but the price hardly moves"
    )));
    assert!(out.contains("the prices look split-adjusted already"));
}

#[test]
fn actions_without_a_price_row_are_errors_in_the_actions_file() {
    let n = 5;
    let text = prices(&[("AAA", walk(n, 50.0, 4), vec![1000; n])]);
    let date = &weekdays(n)[2];
    let dir = Scratch::with(&[
        ("p.csv", &text),
        (
            "a.csv",
            &format!("date,symbol,action,value\n{date},ZZZ,dividend,1\n"),
        ),
    ]);
    let (code, out, _) = run_lossy(dir.path(), &["check", "--actions", "a.csv", "p.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "{CHECK_HEADER}a.csv,2,{date},ZZZ,error,action,\"action for ZZZ on {date}, but the prices \
             have no row for it on that date\",an action is effective at the open of a date the \
             symbol trades: fix its date or symbol\n"
        )
    );
}

#[test]
fn a_bad_print_that_reverses_is_an_outlier_and_a_lasting_move_is_not() {
    let n = 60;
    let mut a = walk(n, 100.0, 5);
    a[40] = (a[40] * 0.8 * 100.0).round() / 100.0; // one bad close
    let mut b = walk(n, 100.0, 6);
    for p in b.iter_mut().skip(40) {
        *p = (*p * 0.8 * 100.0).round() / 100.0; // a lasting 20% fall
    }
    let text = prices(&[("AAA", a, vec![1; n]), ("BBB", b, vec![1; n])]);
    let dir = Scratch::with(&[("p.csv", &text)]);
    let (code, out, _) = run_lossy(dir.path(), &["check", "p.csv"]);
    assert_eq!(code, 0);
    let d = weekdays(n);
    assert_eq!(
        findings(&out),
        vec![s5("82", &d[40], "AAA", "warning", "outlier")]
    );
    assert!(out.contains(&format!("of {}", d[39])) && out.contains(&format!("of {}", d[41])));
    assert!(out.contains(&format!("a probable bad print on {}", d[40])));
}

#[test]
fn gaps_stale_prices_and_share_jumps() {
    let n = 30;
    let mut a = walk(n, 100.0, 7);
    a[10] = f64::NAN; // no row on one date
    a[11] = f64::NAN;
    let mut b = walk(n, 40.0, 8);
    for p in b.iter_mut().take(21).skip(15) {
        *p = 41.25; // the same close on six dates
    }
    let mut q = vec![1000u64; n];
    for s in q.iter_mut().skip(20) {
        *s = 1500;
    }
    let text = prices(&[
        ("AAA", a, vec![1000; n]),
        ("BBB", b, vec![1000; n]),
        ("CCC", walk(n, 20.0, 9), q),
    ]);
    let dir = Scratch::with(&[("p.csv", &text)]);
    let d = weekdays(n);
    let (code, out, _) = run_lossy(dir.path(), &["check", "p.csv"]);
    assert_eq!(code, 0);
    assert_eq!(
        findings(&out),
        vec![
            s5("36", &d[10], "AAA", "warning", "gap"),
            s5("46", &d[15], "BBB", "warning", "stale"),
            s5("62", &d[20], "CCC", "warning", "shares_jump"),
        ]
    );
    assert!(out.contains(&format!(
        "no row on 2 dates, {} to {}, between its rows of {} and {}",
        d[10], d[11], d[9], d[12]
    )));
    assert!(out.contains(&format!(
        "the price 41.25 is the same on 6 consecutive dates, {} to {}",
        d[15], d[20]
    )));
    assert!(out.contains("the share count changes by +50.0% (1000 on"));

    // --stale-days 7 is longer than the run; 0 turns the check off.
    for days in ["7", "0"] {
        let (_, out, _) = run_lossy(dir.path(), &["check", "--stale-days", days, "p.csv"]);
        assert!(!kinds(&out).contains(&"stale".to_string()), "{days}");
    }
    let (code, _, err) = run_lossy(dir.path(), &["check", "--stale-days", "1", "p.csv"]);
    assert_eq!(code, 2, "{err}");

    // A --shares file that gives the new count from that date is the same jump.
    fs::write(
        dir.path().join("s.csv"),
        format!("symbol,shares,date\nCCC,1000,\nCCC,1500,{}\n", d[20]),
    )
    .unwrap();
    let (_, out, _) = run_lossy(dir.path(), &["check", "--shares", "s.csv", "p.csv"]);
    assert!(kinds(&out).contains(&"shares_jump".to_string()));
}

#[test]
fn a_shares_file_covers_empty_share_cells() {
    let text = "date,symbol,price,shares\n2024-01-02,AAA,10,\n2024-01-03,AAA,11,\n";
    let dir = Scratch::with(&[("p.csv", text), ("s.csv", "symbol,shares\nAAA,500\n")]);
    let (_, out, _) = run_lossy(dir.path(), &["check", "p.csv"]);
    assert_eq!(kinds(&out), vec!["missing_shares", "missing_shares"]);
    let (code, out, _) = run_lossy(dir.path(), &["check", "--shares", "s.csv", "p.csv"]);
    assert_eq!((code, out.as_str()), (0, CHECK_HEADER));
}

#[test]
fn rows_out_of_order_are_reported_once_each_and_a_descending_file_is_fine() {
    let text = "date,symbol,price\n\
                2024-01-02,AAA,10\n\
                2024-01-03,AAA,10.1\n\
                2024-01-09,AAA,10.2\n\
                2024-01-04,AAA,10.3\n\
                2024-01-05,AAA,10.4\n\
                2024-01-08,AAA,10.5\n";
    let dir = Scratch::with(&[("p.csv", text)]);
    let (_, out, _) = run_lossy(dir.path(), &["check", "p.csv"]);
    assert_eq!(
        findings(&out),
        vec![s5("5", "2024-01-04", "AAA", "warning", "out_of_order")]
    );
    assert!(out.contains(
        "dated 2024-01-04, before 2024-01-09, the date of the symbol's previous row (line 4)"
    ));
    let descending =
        "date,symbol,price\n2024-01-05,AAA,10\n2024-01-04,AAA,10.1\n2024-01-03,AAA,10.2\n";
    fs::write(dir.path().join("p.csv"), descending).unwrap();
    let (_, out, _) = run_lossy(dir.path(), &["check", "p.csv"]);
    assert_eq!(out, CHECK_HEADER);
}

#[test]
fn a_date_with_few_rows_is_one_finding_not_a_gap_for_every_symbol() {
    let n = 15;
    let mut series: Vec<(String, Vec<f64>, Vec<u64>)> = (0..8)
        .map(|k| (format!("S{k}"), walk(n, 30.0 + k as f64, k), vec![10; n]))
        .collect();
    // On date 7 only S0 has a row.
    for s in series.iter_mut().skip(1) {
        s.1[7] = f64::NAN;
    }
    let refs: Vec<(&str, Vec<f64>, Vec<u64>)> = series
        .iter()
        .map(|(s, p, q)| (s.as_str(), p.clone(), q.clone()))
        .collect();
    let dir = Scratch::with(&[("p.csv", &prices(&refs))]);
    let (_, out, _) = run_lossy(dir.path(), &["check", "p.csv"]);
    assert_eq!(
        findings(&out),
        vec![s5("58", &weekdays(n)[7], "", "warning", "sparse_date")]
    );
    assert!(out.contains("only 1 symbol has a row on"));
}

// ---------------------------------------------------------------------------------------------
// Formats, exit codes, inputs and outputs
// ---------------------------------------------------------------------------------------------

const SMALL: &str =
    "date,symbol,price\n2024-01-02,AAA,10\n2024-01-03,AAA,-1\n2024-01-04,AAA,10.2\n";

#[test]
fn formats_table_json_markdown_and_csv() {
    let dir = Scratch::with(&[("p.csv", SMALL)]);
    let (code, table, _) = run_lossy(dir.path(), &["check", "--format", "table", "p.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        table,
        "file   line  date        symbol  severity  kind       message                                         hint\n\
         p.csv     3  2024-01-03  AAA     error     bad_price  the price must be greater than 0 (value: \"-1\")  fix the price or remove the row\n\
         \n\
         p.csv: 1 error and 0 warnings (3 rows, 1 symbols, 3 dates): bad_price 1\n"
    );
    let (_, json, _) = run_lossy(dir.path(), &["check", "--format", "json", "p.csv"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["line"], serde_json::json!(3));
    assert_eq!(v[0]["kind"], "bad_price");
    assert_eq!(v[0]["severity"], "error");
    assert_eq!(v[0]["symbol"], "AAA");
    let (_, md, _) = run_lossy(dir.path(), &["check", "--format", "markdown", "p.csv"]);
    assert!(md.starts_with("### Findings\n\n| file "));
    assert!(
        md.ends_with("p.csv: 1 error and 0 warnings (3 rows, 1 symbols, 3 dates): bad_price 1\n")
    );
    // Piped, the default is CSV.
    let (_, csv, _) = run_lossy(dir.path(), &["check", "p.csv"]);
    assert!(csv.starts_with(CHECK_HEADER));

    let clean = Scratch::with(&[("p.csv", "date,symbol,price\n2024-01-02,AAA,10\n")]);
    let (code, table, _) = run_lossy(clean.path(), &["check", "--format", "table", "p.csv"]);
    assert_eq!(
        (code, table.as_str()),
        (0, "p.csv: no findings (1 rows, 1 symbols, 1 dates)\n")
    );
    let (_, json, _) = run_lossy(clean.path(), &["check", "--format", "json", "p.csv"]);
    assert_eq!(json, "[]\n");
}

#[test]
fn strict_fails_on_warnings_and_output_files_are_written_either_way() {
    let text = "date,symbol,price,shares\n2024-01-02,AAA,10,\n";
    let dir = Scratch::with(&[("p.csv", text)]);
    let (code, _, err) = run_lossy(dir.path(), &["check", "p.csv"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let (code, out, err) = run_lossy(dir.path(), &["check", "--strict", "-o", "f.csv", "p.csv"]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(err.starts_with("error: p.csv: 1 warning found and --strict is set (listed in f.csv)"));
    let written = fs::read_to_string(dir.path().join("f.csv")).unwrap();
    assert!(written.starts_with(CHECK_HEADER) && written.contains("missing_shares"));
}

#[test]
fn fatal_problems_exit_1_with_nothing_on_stdout() {
    let dir = Scratch::with(&[("p.csv", "date,ticker,last\n2024-01-02,AAA,10\n")]);
    let (code, out, err) = run_lossy(dir.path(), &["check", "p.csv"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("p.csv, line 1: missing required column 'price' or 'close'"));
    let (code, out, _) = run_lossy(dir.path(), &["check", "--price-col", "last", "p.csv"]);
    assert_eq!((code, out.as_str()), (0, CHECK_HEADER));
    let (code, out, err) = run_lossy(dir.path(), &["check", "missing.csv"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("missing.csv: cannot open the file"));
}

#[test]
fn stdin_gives_the_same_findings_as_the_file() {
    let dir = Scratch::with(&[("p.csv", SMALL)]);
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .args(["check", "-"])
        .write_stdin(SMALL)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (_, from_file, _) = run_lossy(dir.path(), &["check", "p.csv"]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        from_file.replace("p.csv", "<stdin>")
    );
}

#[test]
fn help_lists_the_flags() {
    let (code, out, _) = run_lossy(root(), &["check", "--help"]);
    assert_eq!(code, 0);
    for flag in [
        "--actions",
        "--shares",
        "--stale-days",
        "--strict",
        "--format",
        "--symbol-col",
        "--date-format",
    ] {
        assert!(out.contains(flag), "{flag}");
    }
}
