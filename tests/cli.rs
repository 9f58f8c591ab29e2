//! Command-line tests of `idx compute`: the golden vectors, input handling, every flag, every
//! error with its exit code and location, atomic output, a closed pipe, help and version.
//!
//! Every expected number is either copied from the golden vectors (tests/data/<case>/, copies of
//! ../shared/vectors) or worked out by hand in the comment next to it.

use assert_cmd::Command;
use rust_decimal::Decimal;
use std::fs;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::str::FromStr;

mod common;
use common::{data, fails, fails_unhinted, idx, outputs_of, stdout_of, Scratch, BIN};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The data lines of a CSV text (without the header), and the header.
fn split_csv(text: &str) -> (&str, Vec<&str>) {
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    (header, lines.filter(|l| !l.is_empty()).collect())
}

/// The rows of `text` in a deterministic pseudo-random order (Fisher-Yates with an LCG).
fn shuffled(text: &str, seed: u64) -> String {
    let (header, mut rows) = split_csv(text);
    let mut state = seed;
    for i in (1..rows.len()).rev() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = ((state >> 33) % (i as u64 + 1)) as usize;
        rows.swap(i, j);
    }
    if rows == split_csv(text).1 {
        // A short file may come back in its own order: force a change.
        rows.rotate_left(1);
    }
    format!("{header}\n{}\n", rows.join("\n"))
}

/// The rows of `text` grouped by symbol (as when per-ticker files are concatenated), each
/// symbol's rows in their original order; symbols in descending order so the result is not
/// merely the original order.
fn grouped_by_symbol(text: &str) -> String {
    let (header, mut rows) = split_csv(text);
    let col = header
        .split(',')
        .position(|h| h.trim().eq_ignore_ascii_case("symbol"))
        .expect("symbol column");
    rows.sort_by(|a, b| {
        let ka = a.split(',').nth(col).unwrap();
        let kb = b.split(',').nth(col).unwrap();
        kb.cmp(ka)
    });
    format!("{header}\n{}\n", rows.join("\n"))
}

// ---------------------------------------------------------------------------------------------
// A small data set used by many tests, with its results worked out by hand.
// ---------------------------------------------------------------------------------------------

/// Two stocks over three dates.
const BASIC: &str = "\
date,symbol,price,shares
2024-01-02,A,10,300
2024-01-02,B,20,100
2024-01-03,A,12,300
2024-01-03,B,20,100
2024-01-04,A,6,300
2024-01-04,B,30,100
";

/// Cap-weighted on BASIC:
/// MV(01-02) = 10·300 + 20·100 = 5000, base level 100 → divisor 50;
/// MV(01-03) = 12·300 + 20·100 = 5600 → 5600/50 = 112;
/// MV(01-04) =  6·300 + 30·100 = 4800 → 4800/50 = 96. No event, so the divisor stays 50.
const BASIC_CW: &str = "\
date,level,divisor,constituents
2024-01-02,100.00,50,2
2024-01-03,112.00,50,2
2024-01-04,96.00,50,2
";

fn basic_cw_cmd(s: &Scratch) -> Command {
    let mut c = s.cmd();
    c.args(["compute", "--method", "cap-weighted"]);
    c
}

// ---------------------------------------------------------------------------------------------
// 1. Golden cases
// ---------------------------------------------------------------------------------------------

/// The arguments of a golden case: `compute`, its `args` file, and `--decimals 10` unless the
/// args set decimals.
fn golden_args(case: &str) -> Vec<String> {
    let text = fs::read_to_string(data(case).join("args")).expect("args file");
    let mut args = vec!["compute".to_string()];
    args.extend(text.split_whitespace().map(String::from));
    if !args.iter().any(|a| a == "--decimals") {
        args.extend(["--decimals".to_string(), "10".to_string()]);
    }
    args
}

/// Asserts the columns of the case's `expected.csv` (a copy of the vector's) equal, as exact
/// decimals, the same columns of `output`, date by date.
fn matches_vector(case: &str, output: &str) {
    let expected = fs::read_to_string(data(case).join("expected.csv")).unwrap();
    let (eh, erows) = split_csv(&expected);
    let (oh, orows) = split_csv(output);
    let ocols: Vec<&str> = oh.split(',').collect();
    assert_eq!(erows.len(), orows.len(), "{case}: number of dates");
    for (e, o) in erows.iter().zip(&orows) {
        let o: Vec<&str> = o.split(',').collect();
        for (name, want) in eh.split(',').zip(e.split(',')) {
            let at = ocols
                .iter()
                .position(|c| c == &name)
                .unwrap_or_else(|| panic!("{case}: output has no column {name}"));
            let got = o[at];
            if name == "date" {
                assert_eq!(got, want, "{case}: date");
            } else {
                assert_eq!(
                    Decimal::from_str(got).unwrap(),
                    Decimal::from_str(want).unwrap(),
                    "{case}: {name} on {}",
                    o[0]
                );
            }
        }
    }
}

/// Runs a golden case from its folder and checks the whole stdout, then its columns against the
/// vector's expected.csv.
fn golden(case: &str, expected: &str) {
    let out = stdout_of(idx().current_dir(data(case)).args(golden_args(case)));
    assert_eq!(out, expected, "{case}");
    matches_vector(case, &out);
}

#[test]
fn golden_pw_split_divisor() {
    // Divisor 2: 116+63+19 = 198 → 99; 120+60+20 = 200 → 100.
    // 02-26, AAA splits 2-for-1: restated sum 60+60+20 = 140, divisor 2·140/200 = 1.4;
    // 64+60+23 = 147 → 147/1.4 = 105; 02-27: 62.35+60.2+22 = 144.55 → 103.25.
    golden(
        "pw_split_divisor",
        "date,level,divisor,constituents\n\
         2024-02-22,99.0000000000,2,3\n\
         2024-02-23,100.0000000000,2,3\n\
         2024-02-26,105.0000000000,1.4,3\n\
         2024-02-27,103.2500000000,1.4,3\n",
    );
}

#[test]
fn golden_pw_replacement() {
    // 11-07 members AAA, BBB, CCC: 60+30+10 = 100 / 0.5 = 200 (EEE not a member yet).
    // 11-08 CCC out, EEE in at its previous close 70: 60+30+70 = 160, divisor 0.5·160/100 = 0.8;
    // 61+30+73 = 164 / 0.8 = 205.
    golden(
        "pw_replacement",
        "date,level,divisor,constituents\n\
         2024-11-07,200.0000000000,0.5,3\n\
         2024-11-08,205.0000000000,0.8,3\n",
    );
}

#[test]
fn golden_cw_replacement_base1000() {
    // MV 50000+50000+100000 = 200000, level 1000 → divisor 200; 55000+47500+105000 = 207500
    // → 1037.5; 54250+50000+102000 = 206250 → 1031.25. 11-08: CCC out, EEE in at 47.75·3000:
    // 54250+50000+143250 = 247500, divisor 200·247500/206250 = 240;
    // 54000+52500+144000 = 250500 / 240 = 1043.75.
    golden(
        "cw_replacement_base1000",
        "date,level,divisor,constituents\n\
         2024-11-05,1000.0000000000,200,3\n\
         2024-11-06,1037.5000000000,200,3\n\
         2024-11-07,1031.2500000000,200,3\n\
         2024-11-08,1043.7500000000,240,3\n",
    );
}

#[test]
fn golden_cw_corporate_actions() {
    // 03-01: 100000+100000+200000 = 400000, level 1000 → divisor 400.
    // 03-04 split AAA 2:1 (shares 2000, previous close 50): restated MV unchanged → 400;
    //   104000+102400+203200 = 409600 → 1024.
    // 03-05 BBB shares 2400: 104000+122880+203200 = 430080 → divisor 400·430080/409600 = 420;
    //   105000+123600+204000 = 432600 → 1030.
    // 03-06 CCC special dividend 1.03: 105000+123600+8000·24.47 = 424360
    //   → divisor 420·424360/432600 = 412; 105000+124200+199280 = 428480 → 1040.
    golden(
        "cw_corporate_actions",
        "date,level,divisor,constituents\n\
         2024-03-01,1000.0000000000,400,3\n\
         2024-03-04,1024.0000000000,400,3\n\
         2024-03-05,1030.0000000000,420,3\n\
         2024-03-06,1040.0000000000,412,3\n",
    );
}

#[test]
fn golden_cw_halt_carry_forward() {
    // 1000+3000+0 = 4000 → divisor 40; 07-02 BBB carried at 30: 1100+3000+0 = 4100 → 102.5.
    // CCC has 0 shares: a constituent with weight zero, still counted.
    golden(
        "cw_halt_carry_forward",
        "date,level,divisor,constituents\n\
         2024-07-01,100.0000000000,40,3\n\
         2024-07-02,102.5000000000,40,3\n",
    );
}

#[test]
fn golden_cw_topix_offering() {
    // 1000·1000 = 1e6 → divisor 10000; 3e6 → 300; offering 1000 → 1100 shares:
    // 3000·1100 = 3.3e6 → divisor 11000; 3100·1100 = 3.41e6 → 310.
    golden(
        "cw_topix_offering",
        "date,level,divisor,constituents\n\
         2000-01-04,100.0000000000,10000,1\n\
         2004-03-03,300.0000000000,10000,1\n\
         2004-03-04,310.0000000000,11000,1\n",
    );
}

#[test]
fn golden_cw_total_return() {
    // Divisor 100: 50000+50000 → 1000; 05-02 dividend 0.50 on XXX's 1000 shares = 5 points:
    // TR = 1000·(1000+5)/1000 = 1005; 05-03 51000+49500 = 100500 → 1005, TR = 1005·1005/1000.
    golden(
        "cw_total_return",
        "date,level,divisor,constituents,total_return\n\
         2024-05-01,1000.0000000000,100,2,1000.0000000000\n\
         2024-05-02,1000.0000000000,100,2,1005.0000000000\n\
         2024-05-03,1005.0000000000,100,2,1010.0250000000\n",
    );
}

#[test]
fn golden_djia_2011_real() {
    // Sum of the 30 closes / 0.132129493, e.g. 1557.46/0.132129493 = 11787.3758..., rounded to
    // 2 decimals as the args ask; the published closes are in expected.csv.
    golden(
        "djia_2011_real",
        "date,level,divisor,constituents\n\
         2011-01-14,11787.38,0.132129493,30\n\
         2011-03-11,12044.40,0.132129493,30\n\
         2011-03-18,11858.52,0.132129493,30\n\
         2011-03-25,12220.59,0.132129493,30\n\
         2011-04-01,12376.72,0.132129493,30\n\
         2011-04-08,12380.05,0.132129493,30\n\
         2011-05-06,12638.74,0.132129493,30\n\
         2011-05-13,12595.75,0.132129493,30\n\
         2011-05-27,12441.58,0.132129493,30\n",
    );
}

#[test]
fn golden_ew_daily() {
    // q = 100/(2·100) = 0.5 each; 0.5·200+0.5·100 = 150; rebalanced after the close:
    // q = 150/(2·200) = 0.375 and 150/(2·100) = 0.75 → 37.5+75 = 112.5. Divisor stays 1.
    golden(
        "ew_daily",
        "date,level,divisor,constituents\n\
         2024-01-02,100.0000000000,1,2\n\
         2024-01-03,150.0000000000,1,2\n\
         2024-01-04,112.5000000000,1,2\n",
    );
}

#[test]
fn golden_ew_none() {
    // q = 0.5 each, held: 150, then 0.5·100+0.5·100 = 100.
    golden(
        "ew_none",
        "date,level,divisor,constituents\n\
         2024-01-02,100.0000000000,1,2\n\
         2024-01-03,150.0000000000,1,2\n\
         2024-01-04,100.0000000000,1,2\n",
    );
}

#[test]
fn golden_ew_rebalance_dates() {
    // q = 25/p: 2.5, 1.25, 1, 0.5. 04-15: 27.5+22.5+30+22.5 = 102.5; 06-21: 106.25.
    // Rebalance after 06-21: q = 106.25/(4p) = 2.125, 1.328125, 1.0625, 0.53125;
    // 06-24: 27.625+25.234375+27.625+26.03125 = 106.515625. Divisor stays 1.
    golden(
        "ew_rebalance_dates",
        "date,level,divisor,constituents\n\
         2024-03-15,100.0000000000,1,4\n\
         2024-04-15,102.5000000000,1,4\n\
         2024-06-21,106.2500000000,1,4\n\
         2024-06-24,106.5156250000,1,4\n",
    );
}

#[test]
fn golden_ew_third_friday() {
    // q = 2.5, 1.25, 1, 0.5 held to 06-21: 30.5+24.625+25.05+19.95 = 100.125.
    // Rebalance after the close of 06-21 with the closes of 06-14: K = 31.25+25+25+20 = 101.25,
    // q = 25.3125/p(06-14) = 2.025, 1.265625, 1.0125, 0.6328125. At the 06-21 closes these are
    // worth 100.25015625, so the divisor becomes 100.25015625/100.125 = 1.00125;
    // 06-24: 23.6925+25.3125+26.02125+25.787109375 = 100.813359375 / 1.00125 = 100.6875.
    golden(
        "ew_third_friday",
        "date,level,divisor,constituents\n\
         2024-03-15,100.0000000000,1,4\n\
         2024-04-15,102.5000000000,1,4\n\
         2024-06-14,101.2500000000,1,4\n\
         2024-06-21,100.1250000000,1,4\n\
         2024-06-24,100.6875000000,1.00125,4\n",
    );
}

const GOLDEN_CASES: &[&str] = &[
    "cw_corporate_actions",
    "cw_halt_carry_forward",
    "cw_replacement_base1000",
    "cw_topix_offering",
    "cw_total_return",
    "djia_2011_real",
    "ew_daily",
    "ew_none",
    "ew_rebalance_dates",
    "ew_third_friday",
    "pw_replacement",
    "pw_split_divisor",
];

#[test]
fn every_golden_case_has_a_test_and_its_inputs() {
    // Guards against a case folder added without a test above, or a test whose folder is gone.
    let mut on_disk: Vec<String> = fs::read_dir(data(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("args").is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, GOLDEN_CASES);
    // The real DJIA case keeps all its 270 rows (9 weeks × 30 members).
    let djia = fs::read_to_string(data("djia_2011_real").join("prices.csv")).unwrap();
    assert_eq!(split_csv(&djia).1.len(), 270);
}

// ---------------------------------------------------------------------------------------------
// 2. Input handling
// ---------------------------------------------------------------------------------------------

#[test]
fn stdin_via_dash_and_via_no_argument_equals_the_file() {
    let s = Scratch::with(&[("prices.csv", BASIC)]);
    let from_file = stdout_of(basic_cw_cmd(&s).arg("prices.csv"));
    assert_eq!(from_file, BASIC_CW);
    let dash = stdout_of(basic_cw_cmd(&s).arg("-").write_stdin(BASIC));
    assert_eq!(dash, BASIC_CW);
    let none = stdout_of(basic_cw_cmd(&s).write_stdin(BASIC));
    assert_eq!(none, BASIC_CW);
}

#[test]
fn golden_cases_read_from_stdin_give_the_same_output() {
    for case in GOLDEN_CASES {
        let args = golden_args(case);
        let from_file = stdout_of(idx().current_dir(data(case)).args(&args));
        let prices = fs::read_to_string(data(case).join("prices.csv")).unwrap();
        let piped: Vec<String> = args
            .iter()
            .map(|a| {
                if a == "prices.csv" {
                    "-".into()
                } else {
                    a.clone()
                }
            })
            .collect();
        let out = stdout_of(
            idx()
                .current_dir(data(case))
                .args(&piped)
                .write_stdin(prices),
        );
        assert_eq!(out, from_file, "{case}");
    }
}

#[test]
fn columns_are_found_case_insensitively_trimmed_in_any_order_others_ignored() {
    // BASIC with the columns shuffled, odd case, spaces around names and values, and two extra
    // columns (one named like a near-miss, "prices") that must be ignored.
    let text = " Shares , PRICE,Extra, Symbol ,DATE ,prices\n\
                300,10,x,A,2024-01-02,999\n \
                100 , 20 ,y, B ,2024-01-02,999\n\
                300,12,,A,2024-01-03,\n\
                100,20,,B,2024-01-03,abc\n\
                300,6,z,A,2024-01-04,-1\n\
                100,30,,B,2024-01-04,0\n";
    let out = stdout_of(basic_cw_cmd(&Scratch::new()).write_stdin(text));
    assert_eq!(out, BASIC_CW);
}

#[test]
fn column_aliases_ticker_code_and_close() {
    for (sym, price) in [("ticker", "close"), ("code", "Close"), ("TICKER", "price")] {
        let text = BASIC.replacen(
            "date,symbol,price,shares",
            &format!("date,{sym},{price},shares"),
            1,
        );
        let out = stdout_of(basic_cw_cmd(&Scratch::new()).write_stdin(text));
        assert_eq!(out, BASIC_CW, "{sym}/{price}");
    }
}

#[test]
fn column_flags_name_differently_headed_columns() {
    // A real-download style header: Day, Name, Price:D-1, Outstanding, plus a `Close` column
    // that --price-col must override (it holds nonsense).
    let text = "Day,Name,Close,Price:D-1,Outstanding\n\
                2024-01-02,A,-1,10,300\n\
                2024-01-02,B,-1,20,100\n\
                2024-01-03,A,-1,12,300\n\
                2024-01-03,B,-1,20,100\n\
                2024-01-04,A,-1,6,300\n\
                2024-01-04,B,-1,30,100\n";
    let out = stdout_of(
        basic_cw_cmd(&Scratch::new())
            .args(["--date-col", "day", "--symbol-col", "NAME"])
            .args(["--price-col", "Price:D-1", "--shares-col", "outstanding"])
            .write_stdin(text),
    );
    assert_eq!(out, BASIC_CW);
}

#[test]
fn date_format_reads_us_dates() {
    // 1/7/2011-style dates (with and without leading zeros); output dates are ISO.
    let text = "date,symbol,price,shares\n\
                1/2/2024,A,10,300\n\
                01/02/2024,B,20,100\n\
                1/3/2024,A,12,300\n\
                1/3/2024,B,20,100\n\
                1/4/2024,A,6,300\n\
                1/4/2024,B,30,100\n";
    let out = stdout_of(
        basic_cw_cmd(&Scratch::new())
            .args(["--date-format", "%m/%d/%Y"])
            .write_stdin(text),
    );
    assert_eq!(out, BASIC_CW);
    // Without the flag the same file is an error on its first data line.
    fails(
        basic_cw_cmd(&Scratch::new()).write_stdin(text),
        1,
        &[
            "<stdin>, line 2, column 'date'",
            "not a valid date",
            "(value: \"1/2/2024\")",
        ],
    );
}

#[test]
fn shuffled_rows_give_identical_output() {
    for case in GOLDEN_CASES {
        let args = golden_args(case);
        let expected = stdout_of(idx().current_dir(data(case)).args(&args));
        let prices = fs::read_to_string(data(case).join("prices.csv")).unwrap();
        let piped: Vec<String> = args
            .iter()
            .map(|a| {
                if a == "prices.csv" {
                    "-".into()
                } else {
                    a.clone()
                }
            })
            .collect();
        for seed in [1, 2, 3] {
            let input = shuffled(&prices, seed);
            assert_ne!(input, prices, "{case}: the shuffle must change the order");
            let out = stdout_of(
                idx()
                    .current_dir(data(case))
                    .args(&piped)
                    .write_stdin(input),
            );
            assert_eq!(out, expected, "{case}, seed {seed}");
        }
    }
}

#[test]
fn rows_grouped_by_symbol_give_identical_output() {
    for case in GOLDEN_CASES {
        let args = golden_args(case);
        let expected = stdout_of(idx().current_dir(data(case)).args(&args));
        let prices = fs::read_to_string(data(case).join("prices.csv")).unwrap();
        let piped: Vec<String> = args
            .iter()
            .map(|a| {
                if a == "prices.csv" {
                    "-".into()
                } else {
                    a.clone()
                }
            })
            .collect();
        let out = stdout_of(
            idx()
                .current_dir(data(case))
                .args(&piped)
                .write_stdin(grouped_by_symbol(&prices)),
        );
        assert_eq!(out, expected, "{case}");
    }
}

#[test]
fn divisor_column_in_the_prices_file_equals_a_divisors_file() {
    // The DJIA case with the divisor on each price row instead of --divisors.
    let prices = fs::read_to_string(data("djia_2011_real").join("prices.csv")).unwrap();
    let (header, rows) = split_csv(&prices);
    let mut text = format!("{header},divisor\n");
    for r in rows {
        text.push_str(r);
        text.push_str(",0.132129493\n");
    }
    let out = stdout_of(
        idx()
            .args([
                "compute",
                "--method",
                "price-weighted",
                "--decimals",
                "2",
                "-",
            ])
            .write_stdin(text),
    );
    let expected = stdout_of(
        idx()
            .current_dir(data("djia_2011_real"))
            .args(golden_args("djia_2011_real")),
    );
    assert_eq!(out, expected);
    assert!(out.contains("2011-01-14,11787.38,0.132129493,30\n"));
}

#[test]
fn float_column_scales_cap_weights() {
    // A's float 0.5 → index shares 150: MV 1500+2000 = 3500 → divisor 35;
    // 1800+2000 = 3800 / 35 = 108.571428... → 108.57; 900+3000 = 3900 / 35 = 111.428571... → 111.43.
    let text = BASIC
        .replace("price,shares", "price,shares,float")
        .replace(",300\n", ",300,0.5\n")
        .replace(",100\n", ",100,\n");
    let out = stdout_of(basic_cw_cmd(&Scratch::new()).write_stdin(text));
    assert_eq!(
        out,
        "date,level,divisor,constituents\n\
         2024-01-02,100.00,35,2\n\
         2024-01-03,108.57,35,2\n\
         2024-01-04,111.43,35,2\n"
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Flags
// ---------------------------------------------------------------------------------------------

#[test]
fn from_and_to_limit_the_rows_not_the_levels() {
    let dir = data("cw_corporate_actions");
    let base = [
        "compute",
        "--method",
        "cap-weighted",
        "--base-value",
        "1000",
        "--actions",
        "actions.csv",
        "prices.csv",
    ];
    // The full run is 1000, 1024, 1030, 1040 (see golden_cw_corporate_actions).
    let out = stdout_of(idx().current_dir(&dir).args(base).args([
        "--from",
        "2024-03-04",
        "--to",
        "2024-03-05",
    ]));
    assert_eq!(
        out,
        "date,level,divisor,constituents\n\
         2024-03-04,1024.00,400,3\n\
         2024-03-05,1030.00,420,3\n"
    );
    let out = stdout_of(
        idx()
            .current_dir(&dir)
            .args(base)
            .args(["--from", "2024-03-05"]),
    );
    assert_eq!(
        out,
        "date,level,divisor,constituents\n\
         2024-03-05,1030.00,420,3\n\
         2024-03-06,1040.00,412,3\n"
    );
    let out = stdout_of(
        idx()
            .current_dir(&dir)
            .args(base)
            .args(["--to", "2024-03-01"]),
    );
    assert_eq!(
        out,
        "date,level,divisor,constituents\n2024-03-01,1000.00,400,3\n"
    );
    // Dates between index dates are fine as bounds.
    let out = stdout_of(idx().current_dir(&dir).args(base).args([
        "--from",
        "2024-03-02",
        "--to",
        "2024-03-04",
    ]));
    assert_eq!(
        out,
        "date,level,divisor,constituents\n2024-03-04,1024.00,400,3\n"
    );
}

#[test]
fn decimals_0_and_4_round_half_away_from_zero() {
    let s = Scratch::with(&[("prices.csv", BASIC)]);
    // Base 01-03: MV 5600 → divisor 56; 01-04: 4800/56 = 85.714285...
    let args = ["--base-date", "2024-01-03", "prices.csv"];
    let out = stdout_of(basic_cw_cmd(&s).args(args).args(["--decimals", "4"]));
    assert_eq!(
        out,
        "date,level,divisor,constituents\n\
         2024-01-03,100.0000,56,2\n\
         2024-01-04,85.7143,56,2\n"
    );
    let out = stdout_of(basic_cw_cmd(&s).args(args).args(["--decimals", "0"]));
    assert_eq!(
        out,
        "date,level,divisor,constituents\n\
         2024-01-03,100,56,2\n\
         2024-01-04,86,56,2\n"
    );
    // Exact halves: 102.5 → 103 (not the banker's 102) ...
    let out = stdout_of(
        idx()
            .current_dir(data("cw_halt_carry_forward"))
            .args(["compute", "-q", "--method", "cap-weighted"])
            .args(["--constituents", "constituents.csv", "prices.csv"])
            .args(["--decimals", "0"]),
    );
    assert_eq!(
        out,
        "date,level,divisor,constituents\n\
         2024-07-01,100,40,3\n\
         2024-07-02,103,40,3\n"
    );
    // ... and with the default 2 decimals, total return 1010.025 → 1010.03 (not 1010.02).
    let out = stdout_of(
        idx()
            .current_dir(data("cw_total_return"))
            .args(["compute", "--method", "cap-weighted", "--divisor", "100"])
            .args(["--actions", "actions.csv", "--total-return", "prices.csv"]),
    );
    assert_eq!(
        out,
        "date,level,divisor,constituents,total_return\n\
         2024-05-01,1000.00,100,2,1000.00\n\
         2024-05-02,1000.00,100,2,1005.00\n\
         2024-05-03,1005.00,100,2,1010.03\n"
    );
}

#[test]
fn format_json_holds_the_same_values() {
    let out = stdout_of(
        idx()
            .current_dir(data("cw_corporate_actions"))
            .args([
                "compute",
                "--method",
                "cap-weighted",
                "--base-value",
                "1000",
            ])
            .args(["--actions", "actions.csv", "prices.csv"])
            .args(["--format", "json", "--decimals", "3"]),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let rows = v.as_array().expect("an array");
    // 1000, 1024, 1030, 1040 with divisors 400, 400, 420, 412 (golden_cw_corporate_actions).
    let want = [
        ("2024-03-01", 1000.0, 400.0),
        ("2024-03-04", 1024.0, 400.0),
        ("2024-03-05", 1030.0, 420.0),
        ("2024-03-06", 1040.0, 412.0),
    ];
    assert_eq!(rows.len(), want.len());
    for (row, (date, level, divisor)) in rows.iter().zip(want) {
        let obj = row.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["constituents", "date", "divisor", "level"]);
        assert_eq!(row["date"], date);
        assert_eq!(row["level"].as_f64(), Some(level));
        assert_eq!(row["divisor"].as_f64(), Some(divisor));
        assert_eq!(row["constituents"].as_u64(), Some(3));
    }
    // Levels are written with the requested decimals, as bare JSON numbers.
    assert!(out.contains("\"level\": 1024.000"), "{out}");

    // Several methods and a fractional value.
    let s = Scratch::with(&[("prices.csv", BASIC)]);
    let out = stdout_of(s.cmd().args([
        "compute",
        "--method",
        "pw,cw",
        "--format",
        "json",
        "--base-date",
        "2024-01-03",
        "prices.csv",
    ]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    // pw: base 01-03 (12+20)/2 = 16, then 36/2 = 18; cw: 100 then 4800/56 = 85.71.
    assert_eq!(
        v,
        serde_json::json!([
            {"date": "2024-01-03", "price-weighted": 16.0, "cap-weighted": 100.0},
            {"date": "2024-01-04", "price-weighted": 18.0, "cap-weighted": 85.71},
        ])
    );
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let s = Scratch::with(&[("prices.csv", BASIC)]);
    let out = s
        .cmd()
        .args([
            "compute",
            "-m",
            "cw",
            "-q",
            "-o",
            "levels.csv",
            "prices.csv",
        ])
        .output();
    let out = out.unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert!(out.stderr.is_empty());
    assert_eq!(
        fs::read_to_string(s.path().join("levels.csv")).unwrap(),
        BASIC_CW
    );
    // Overwrites an existing file, in a subdirectory, with the long flag and JSON.
    fs::create_dir(s.path().join("sub")).unwrap();
    s.write("sub/levels.json", "old");
    let (stdout, _) = outputs_of(s.cmd().args([
        "compute",
        "--method",
        "cap-weighted",
        "--output",
        "sub/levels.json",
        "--format",
        "json",
        "prices.csv",
    ]));
    assert_eq!(stdout, "");
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(s.path().join("sub/levels.json")).unwrap())
            .unwrap();
    assert_eq!(v[2]["level"].as_f64(), Some(96.0));
    // No temporary file is left beside it.
    assert_eq!(s.listing(), ["levels.csv", "prices.csv", "sub"]);
    let sub: Vec<_> = fs::read_dir(s.path().join("sub")).unwrap().collect();
    assert_eq!(sub.len(), 1);
}

#[test]
fn several_methods_side_by_side() {
    let s = Scratch::with(&[("prices.csv", BASIC)]);
    // price-weighted: base divisor = 2 constituents: (10+20)/2 = 15, (12+20)/2 = 16, (6+30)/2 = 18.
    // cap-weighted: 100, 112, 96 (BASIC_CW).
    // equal-weighted: q = 100/(2·10) = 5 and 100/(2·20) = 2.5, held (no quarter end):
    //   5·12+2.5·20 = 110, 5·6+2.5·30 = 105.
    let expected = "date,price-weighted,cap-weighted,equal-weighted\n\
                    2024-01-02,15.00,100.00,100.00\n\
                    2024-01-03,16.00,112.00,110.00\n\
                    2024-01-04,18.00,96.00,105.00\n";
    let out = stdout_of(s.cmd().args([
        "compute",
        "--method",
        "price-weighted,cap-weighted,equal-weighted",
        "prices.csv",
    ]));
    assert_eq!(out, expected);
    // The aliases name the same methods.
    let out = stdout_of(s.cmd().args(["compute", "-m", "pw,cw,ew", "prices.csv"]));
    assert_eq!(out, expected);
    // Each column equals that method computed alone.
    let alone = stdout_of(
        s.cmd()
            .args(["compute", "-m", "equal-weighted", "prices.csv"]),
    );
    assert_eq!(
        alone,
        "date,level,divisor,constituents\n\
         2024-01-02,100.00,1,2\n\
         2024-01-03,110.00,1,2\n\
         2024-01-04,105.00,1,2\n"
    );
    // The order of --method is the order of the columns.
    let out = stdout_of(s.cmd().args(["compute", "-m", "ew,pw", "prices.csv"]));
    assert_eq!(
        out,
        "date,equal-weighted,price-weighted\n\
         2024-01-02,100.00,15.00\n\
         2024-01-03,110.00,16.00\n\
         2024-01-04,105.00,18.00\n"
    );
}

#[test]
fn splits_of_every_constituent_with_their_actions_move_no_level() {
    // BASIC restated from 01-03 on as if every stock had split r-for-1 at that open: prices
    // divided by r, shares multiplied by r, with the split actions. Every method's level is
    // the unsplit one (15/100/100, 16/112/110, 18/96/105, see several_methods_side_by_side).
    let expected = "date,price-weighted,cap-weighted,equal-weighted\n\
                    2024-01-02,15.00,100.00,100.00\n\
                    2024-01-03,16.00,112.00,110.00\n\
                    2024-01-04,18.00,96.00,105.00\n";
    // (r, restated rows of 01-03 and 01-04)
    let variants = [
        (
            "2",
            "2024-01-03,A,6,600\n2024-01-03,B,10,200\n2024-01-04,A,3,600\n2024-01-04,B,15,200\n",
        ),
        (
            "0.1",
            "2024-01-03,A,120,30\n2024-01-03,B,200,10\n2024-01-04,A,60,30\n2024-01-04,B,300,10\n",
        ),
    ];
    for (r, rows) in variants {
        let prices =
            format!("date,symbol,price,shares\n2024-01-02,A,10,300\n2024-01-02,B,20,100\n{rows}");
        let actions =
            format!("date,symbol,action,value\n2024-01-03,A,split,{r}\n2024-01-03,B,split,{r}\n");
        let s = Scratch::with(&[("prices.csv", &prices), ("actions.csv", &actions)]);
        let out = stdout_of(s.cmd().args([
            "compute",
            "-m",
            "pw,cw,ew",
            "--actions",
            "actions.csv",
            "prices.csv",
        ]));
        assert_eq!(out, expected, "split {r}");
        // Price-weighted alone: the divisor follows the split, 2 → 2/r.
        let out = stdout_of(s.cmd().args([
            "compute",
            "-m",
            "pw",
            "--actions",
            "actions.csv",
            "prices.csv",
        ]));
        let d = if r == "2" { "1" } else { "20" };
        assert_eq!(
            out,
            format!(
                "date,level,divisor,constituents\n\
                 2024-01-02,15.00,2,2\n\
                 2024-01-03,16.00,{d},2\n\
                 2024-01-04,18.00,{d},2\n"
            ),
            "split {r}"
        );
        // Without the actions the same prices read as a crash or a jump: (6+10)/2 = 8 and
        // (120+200)/2 = 160 on the unchanged divisor 2.
        let out = stdout_of(s.cmd().args(["compute", "-m", "pw", "prices.csv"]));
        let jump = if r == "2" { "8.00" } else { "160.00" };
        assert_eq!(
            out.lines().nth(2),
            Some(format!("2024-01-03,{jump},2,2").as_str()),
            "split {r}"
        );
    }
}

#[test]
fn total_return_with_several_methods() {
    // A dividend of 1 on A at the open of 01-03 (BASIC's prices).
    // pw: 1 point / divisor 2 = 0.5: TR = 15·(16+0.5)/15 = 16.5; then 16.5·18/16 = 18.5625 → 18.56.
    // cw: 300·1/50 = 6 points: TR = 100·(112+6)/100 = 118; then 118·96/112 = 101.142857 → 101.14.
    // ew: 5·1/1 = 5 points: TR = 100·(110+5)/100 = 115; then 115·105/110 = 109.7727 → 109.77.
    let s = Scratch::with(&[
        ("prices.csv", BASIC),
        (
            "actions.csv",
            "date,symbol,action,value\n2024-01-03,A,dividend,1\n",
        ),
    ]);
    let out = stdout_of(s.cmd().args([
        "compute",
        "-m",
        "pw,cw,ew",
        "--total-return",
        "--actions",
        "actions.csv",
        "prices.csv",
    ]));
    assert_eq!(
        out,
        "date,price-weighted,cap-weighted,equal-weighted,\
         price-weighted_total_return,cap-weighted_total_return,equal-weighted_total_return\n\
         2024-01-02,15.00,100.00,100.00,15.00,100.00,100.00\n\
         2024-01-03,16.00,112.00,110.00,16.50,118.00,115.00\n\
         2024-01-04,18.00,96.00,105.00,18.56,101.14,109.77\n"
    );
    // Without --total-return the dividend changes nothing.
    let out = stdout_of(s.cmd().args([
        "compute",
        "-m",
        "cw",
        "--actions",
        "actions.csv",
        "prices.csv",
    ]));
    assert_eq!(out, BASIC_CW);
}

#[test]
fn base_date_starts_the_index_there() {
    let s = Scratch::with(&[("prices.csv", BASIC)]);
    // MV(01-03) = 5600 → divisor 56; 4800/56 = 85.714... → 85.71.
    let out = stdout_of(basic_cw_cmd(&s).args(["--base-date", "2024-01-03", "prices.csv"]));
    assert_eq!(
        out,
        "date,level,divisor,constituents\n\
         2024-01-03,100.00,56,2\n\
         2024-01-04,85.71,56,2\n"
    );
    // The base date must be an index date.
    fails(
        basic_cw_cmd(&s).args(["--base-date", "2024-01-05", "prices.csv"]),
        1,
        &["prices.csv", "2024-01-05", "2024-01-04"],
    );
    fails(
        basic_cw_cmd(&s).args(["--base-date", "2023-12-29", "prices.csv"]),
        1,
        &["prices.csv", "2023-12-29", "2024-01-02"],
    );
}

#[test]
fn base_value_sets_the_first_level() {
    let s = Scratch::with(&[("prices.csv", BASIC)]);
    // cap-weighted: 5000/1000 → divisor 5: 1000, 5600/5 = 1120, 4800/5 = 960.
    let out = stdout_of(basic_cw_cmd(&s).args(["--base-value", "1000", "prices.csv"]));
    assert_eq!(
        out,
        "date,level,divisor,constituents\n\
         2024-01-02,1000.00,5,2\n\
         2024-01-03,1120.00,5,2\n\
         2024-01-04,960.00,5,2\n"
    );
    // price-weighted: 30/100 → divisor 0.3: 100, 32/0.3 = 106.666... → 106.67, 36/0.3 = 120.
    let out = stdout_of(s.cmd().args([
        "compute",
        "-m",
        "price-weighted",
        "--base-value",
        "100",
        "prices.csv",
    ]));
    assert_eq!(
        out,
        "date,level,divisor,constituents\n\
         2024-01-02,100.00,0.3,2\n\
         2024-01-03,106.67,0.3,2\n\
         2024-01-04,120.00,0.3,2\n"
    );
    // equal-weighted: 1000 · 110/100 = 1100, 1000 · 105/100 = 1050.
    let out =
        stdout_of(
            s.cmd()
                .args(["compute", "-m", "ew", "--base-value", "1000", "prices.csv"]),
        );
    assert_eq!(
        out,
        "date,level,divisor,constituents\n\
         2024-01-02,1000.00,1,2\n\
         2024-01-03,1100.00,1,2\n\
         2024-01-04,1050.00,1,2\n"
    );
}

#[test]
fn divisor_sets_the_base_divisor() {
    let s = Scratch::with(&[("prices.csv", BASIC)]);
    // 30/0.5 = 60, 32/0.5 = 64, 36/0.5 = 72.
    let out = stdout_of(s.cmd().args([
        "compute",
        "-m",
        "price-weighted",
        "--divisor",
        "0.5",
        "prices.csv",
    ]));
    assert_eq!(
        out,
        "date,level,divisor,constituents\n\
         2024-01-02,60.00,0.5,2\n\
         2024-01-03,64.00,0.5,2\n\
         2024-01-04,72.00,0.5,2\n"
    );
    // cap-weighted: 5000/40 = 125, 5600/40 = 140, 4800/40 = 120.
    let out = stdout_of(basic_cw_cmd(&s).args(["--divisor", "40", "prices.csv"]));
    assert_eq!(
        out,
        "date,level,divisor,constituents\n\
         2024-01-02,125.00,40,2\n\
         2024-01-03,140.00,40,2\n\
         2024-01-04,120.00,40,2\n"
    );
}

#[test]
fn divisors_file_sets_the_divisor_on_its_dates() {
    let s = Scratch::with(&[
        ("prices.csv", BASIC),
        ("divisors.csv", "date,divisor\n2024-01-03,1\n2023-06-30,5\n"),
    ]);
    // 01-02: no divisor given → the number of constituents, 2: 30/2 = 15.
    // 01-03: given 1 → exactly 32/1 = 32. 01-04: no event, divisor stays 1 → 36.
    let expected = "date,level,divisor,constituents\n\
                    2024-01-02,15.00,2,2\n\
                    2024-01-03,32.00,1,2\n\
                    2024-01-04,36.00,1,2\n";
    let (out, err) = outputs_of(s.cmd().args([
        "compute",
        "-m",
        "pw",
        "--divisors",
        "divisors.csv",
        "prices.csv",
    ]));
    assert_eq!(out, expected);
    // The divisor for a date before the data is reported as unused, naming its line; A's fall
    // from 12 to 6 with unchanged shares looks like an unrecorded 2-for-1 split.
    assert_eq!(err.matches("warning:").count(), 2, "{err}");
    assert!(
        err.contains("prices.csv, line 6, column 'price': A on 2024-01-04: the price ratio 0.5000"),
        "{err}"
    );
    assert!(err.contains("divisors.csv line 3"), "{err}");
    assert!(err.contains("2023-06-30"), "{err}");
    // --quiet drops the warning, not the result.
    let (out, err) = outputs_of(s.cmd().args([
        "compute",
        "-q",
        "-m",
        "pw",
        "--divisors",
        "divisors.csv",
        "prices.csv",
    ]));
    assert_eq!(out, expected);
    assert_eq!(err, "");
}

/// A member list over a prices file with more symbols: B halts from 01-03, C joins on 01-03 but
/// trades only from 01-04, Z is not a member (its row is garbage and must be skipped).
const MEMBERS_PRICES: &str = "\
date,symbol,price,shares
2024-01-02,A,10,300
2024-01-02,B,20,100
2024-01-02,Z,-5,oops
2024-01-03,A,12,300
2024-01-03,Z,abc,
2024-01-04,A,6,300
2024-01-04,C,5,152
";
const MEMBERS: &str = "symbol,start,end\nA,,\nB,,\nC,2024-01-03,\n";

/// 01-02: 3000+2000 = 5000 → divisor 50. 01-03: B carried at 20: 3600+2000 = 5600 → 112
/// (C not priced yet: left out). 01-04: A and B (carried) had a close at 01-03: the chain gives
/// 112·(1800+2000)/(3600+2000) = 76; C enters at its first close: divisor
/// (1800+2000+760)/76 = 4560/76 = 60.
const MEMBERS_CW: &str = "\
date,level,divisor,constituents
2024-01-02,100.00,50,2
2024-01-03,112.00,50,2
2024-01-04,76.00,60,3
";

#[test]
fn constituents_carry_a_halted_member_forward_and_warn_once() {
    let s = Scratch::with(&[("prices.csv", MEMBERS_PRICES), ("members.csv", MEMBERS)]);
    let (out, err) =
        outputs_of(basic_cw_cmd(&s).args(["--constituents", "members.csv", "prices.csv"]));
    assert_eq!(out, MEMBERS_CW);
    // B misses two dates but is reported once, with the close it keeps.
    assert_eq!(err.matches("B has no price").count(), 1, "{err}");
    assert!(
        err.contains("B has no price on 2024-01-03") && err.contains("2024-01-02"),
        "{err}"
    );
    // C is reported once as not yet priced.
    assert_eq!(err.matches("C is a member").count(), 1, "{err}");
    assert!(err.contains("C is a member on 2024-01-03"), "{err}");
    // A's fall from 12 to 6 with unchanged shares looks like an unrecorded 2-for-1 split: a
    // warning and its hint.
    assert!(
        err.contains("line 7, column 'price': A on 2024-01-04"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 4, "{err}");
    assert!(!err.contains('Z'), "{err}");
}

#[test]
fn quiet_suppresses_warnings() {
    let s = Scratch::with(&[("prices.csv", MEMBERS_PRICES), ("members.csv", MEMBERS)]);
    for flag in ["-q", "--quiet"] {
        let (out, err) = outputs_of(basic_cw_cmd(&s).args([
            flag,
            "--constituents",
            "members.csv",
            "prices.csv",
        ]));
        assert_eq!(out, MEMBERS_CW);
        assert_eq!(err, "", "{flag}");
    }
    // The halt case too: same levels, nothing on stderr.
    let (out, err) = outputs_of(
        idx()
            .current_dir(data("cw_halt_carry_forward"))
            .args(["compute", "--quiet", "--method", "cap-weighted"])
            .args(["--constituents", "constituents.csv", "prices.csv"]),
    );
    assert!(out.contains("2024-07-02,102.50,40,3"), "{out}");
    assert_eq!(err, "");
}

#[test]
fn shares_file_counts_are_effective_from_their_date() {
    let prices = "date,symbol,price\n\
                  2024-01-02,A,10\n2024-01-02,B,20\n\
                  2024-01-03,A,12\n2024-01-03,B,20\n\
                  2024-01-04,A,6\n2024-01-04,B,30\n";
    // A: 300 always, 600 from 01-03; B: 100.
    let s = Scratch::with(&[
        ("prices.csv", prices),
        (
            "shares.csv",
            "symbol,shares,date\nA,300,\nB,100,\nA,600,2024-01-03\n",
        ),
    ]);
    // 01-02: 3000+2000 = 5000 → divisor 50. 01-03 A's 600 shares at the open, at the previous
    // close: 6000+2000 = 8000 → divisor 50·8000/5000 = 80; 7200+2000 = 9200 / 80 = 115.
    // 01-04: 3600+3000 = 6600 / 80 = 82.5.
    let out = stdout_of(basic_cw_cmd(&s).args(["--shares", "shares.csv", "prices.csv"]));
    assert_eq!(
        out,
        "date,level,divisor,constituents\n\
         2024-01-02,100.00,50,2\n\
         2024-01-03,115.00,80,2\n\
         2024-01-04,82.50,80,2\n"
    );
    // The shares file takes precedence over a shares column; without a date column a count
    // holds always: A 300 and B 100 reproduce BASIC_CW despite the column's 1s.
    let s = Scratch::with(&[
        (
            "prices.csv",
            &BASIC.replace(",300\n", ",1\n").replace(",100\n", ",1\n"),
        ),
        ("shares.csv", "symbol,shares\nB,100\nA,300\n"),
    ]);
    let out = stdout_of(basic_cw_cmd(&s).args(["--shares", "shares.csv", "prices.csv"]));
    assert_eq!(out, BASIC_CW);
}

/// Equal weight around a month end: A doubles on 01-31 and halves back on 02-01, then doubles
/// again on 02-02; B stays at 10.
const JAN: &str = "\
date,symbol,price
2024-01-30,A,10
2024-01-30,B,10
2024-01-31,A,20
2024-01-31,B,10
2024-02-01,A,10
2024-02-01,B,10
2024-02-02,A,20
2024-02-02,B,10
";

fn ew_levels(prices: &str, flags: &[&str]) -> String {
    let out = stdout_of(
        idx()
            .args(["compute", "--method", "equal-weighted"])
            .args(flags)
            .write_stdin(prices.to_string()),
    );
    // Every schedule here rebalances at the reference closes, so the divisor stays 1.
    out.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!((f[2], f[3]), ("1", "2"), "{l}");
            f[1]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn rebalance_schedules() {
    // Start: q = 100/(2·10) = 5 each. 01-31: 5·20+5·10 = 150.
    // Held (none, quarterly: no quarter end here): 02-01 5·10+5·10 = 100, 02-02 150.
    assert_eq!(
        ew_levels(JAN, &["--rebalance", "none"]),
        "100.00 150.00 100.00 150.00"
    );
    assert_eq!(ew_levels(JAN, &[]), "100.00 150.00 100.00 150.00");
    assert_eq!(
        ew_levels(JAN, &["--rebalance", "quarterly"]),
        "100.00 150.00 100.00 150.00"
    );
    // third-friday: the March third Friday is outside the data: held.
    assert_eq!(
        ew_levels(JAN, &["--rebalance", "third-friday"]),
        "100.00 150.00 100.00 150.00"
    );
    // monthly: after the close of 01-31, q = 150/(2·20) = 3.75 and 150/(2·10) = 7.5:
    // 02-01 37.5+75 = 112.5; no rebalance after 02-01 (same month): 02-02 75+75 = 150.
    assert_eq!(
        ew_levels(JAN, &["--rebalance", "monthly"]),
        "100.00 150.00 112.50 150.00"
    );
    // daily: as monthly to 02-01, then q = 112.5/(2·10) = 5.625 each: 02-02 5.625·30 = 168.75.
    assert_eq!(
        ew_levels(JAN, &["--rebalance", "daily"]),
        "100.00 150.00 112.50 168.75"
    );
    // explicit dates: 01-31 alone is monthly; both dates (in any order) is daily.
    assert_eq!(
        ew_levels(JAN, &["--rebalance-dates", "2024-01-31"]),
        "100.00 150.00 112.50 150.00"
    );
    assert_eq!(
        ew_levels(JAN, &["--rebalance-dates", "2024-02-01,2024-01-31"]),
        "100.00 150.00 112.50 168.75"
    );
}

#[test]
fn quarterly_is_the_default_and_rebalances_at_a_quarter_end() {
    // The same moves across the end of March: quarterly (the default) rebalances after the
    // close of 03-28, the last index date of March: q = 3.75 and 7.5 → 112.5 on 04-01.
    let mar = JAN
        .replace("2024-01-30", "2024-03-27")
        .replace("2024-01-31", "2024-03-28")
        .replace("2024-02-01", "2024-04-01")
        .replace("2024-02-02", "2024-04-02");
    assert_eq!(ew_levels(&mar, &[]), "100.00 150.00 112.50 150.00");
    assert_eq!(
        ew_levels(&mar, &["--rebalance", "quarterly"]),
        "100.00 150.00 112.50 150.00"
    );
    assert_eq!(
        ew_levels(&mar, &["--rebalance", "none"]),
        "100.00 150.00 100.00 150.00"
    );
}

#[test]
fn rebalance_third_friday_differs_from_quarterly() {
    // On the ew_third_friday case, quarterly rebalances only after 03-15 (the base, the last
    // index date of March: weights are already equal, no effect); no later quarter end falls
    // between two index dates, so it holds q = 2.5, 1.25, 1, 0.5 throughout:
    // 06-24 = 29.25+25+25.7+20.375 = 100.325, where third-friday gives 100.6875.
    let out = stdout_of(idx().current_dir(data("ew_third_friday")).args([
        "compute",
        "-m",
        "ew",
        "--decimals",
        "4",
        "prices.csv",
    ]));
    assert!(out.ends_with("2024-06-24,100.3250,1,4\n"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// 4. Errors
// ---------------------------------------------------------------------------------------------

/// Runs `compute <args>` in a scratch directory holding `files` and expects exit `code`.
fn error_case(files: &[(&str, &str)], args: &[&str], code: i32, needles: &[&str]) -> String {
    let s = Scratch::with(files);
    fails(s.cmd().arg("compute").args(args), code, needles)
}

#[test]
fn error_missing_required_column_lists_the_columns_found() {
    error_case(
        &[("prices.csv", "date,symbol,cost\n2024-01-02,A,1\n")],
        &["-m", "pw", "prices.csv"],
        1,
        &[
            "prices.csv, line 1",
            "missing required column 'price' or 'close'",
            "columns found: date, symbol, cost",
        ],
    );
    error_case(
        &[("prices.csv", "Datum,symbol,price\n2024-01-02,A,1\n")],
        &["-m", "pw", "prices.csv"],
        1,
        &[
            "prices.csv, line 1",
            "'date'",
            "columns found: Datum, symbol, price",
        ],
    );
    // In the auxiliary files.
    error_case(
        &[
            ("prices.csv", BASIC),
            ("actions.csv", "date,symbol,action\n2024-01-03,A,split\n"),
        ],
        &["-m", "pw", "--actions", "actions.csv", "prices.csv"],
        1,
        &[
            "actions.csv, line 1",
            "missing required column 'value'",
            "columns found: date, symbol, action",
        ],
    );
    error_case(
        &[
            ("prices.csv", BASIC),
            ("divisors.csv", "date,value\n2024-01-03,1\n"),
        ],
        &["-m", "pw", "--divisors", "divisors.csv", "prices.csv"],
        1,
        &[
            "divisors.csv, line 1",
            "missing required column 'divisor'",
            "columns found: date, value",
        ],
    );
    // A column named with a flag that is not there.
    error_case(
        &[("prices.csv", "date,symbol,price\n2024-01-02,A,1\n")],
        &["-m", "pw", "--price-col", "Last", "prices.csv"],
        1,
        &[
            "prices.csv, line 1",
            "'Last'",
            "columns found: date, symbol, price",
        ],
    );
}

#[test]
fn error_unparsable_date() {
    error_case(
        &[(
            "prices.csv",
            "date,symbol,price\n2024-01-02,A,1\n2024-13-02,A,1\n",
        )],
        &["-m", "pw", "prices.csv"],
        1,
        &[
            "prices.csv, line 3, column 'date'",
            "not a valid date",
            "(value: \"2024-13-02\")",
        ],
    );
    // In an auxiliary file, and a US date without --date-format.
    error_case(
        &[
            ("prices.csv", BASIC),
            (
                "actions.csv",
                "date,symbol,action,value\n1/3/2024,A,split,2\n",
            ),
        ],
        &["-m", "pw", "--actions", "actions.csv", "prices.csv"],
        1,
        &[
            "actions.csv, line 2, column 'date'",
            "not a valid date",
            "(value: \"1/3/2024\")",
        ],
    );
    error_case(
        &[("prices.csv", "date,symbol,price\n2023-02-29,A,1\n")],
        &["-m", "pw", "prices.csv"],
        1,
        &[
            "prices.csv, line 2, column 'date'",
            "(value: \"2023-02-29\")",
        ],
    );
}

#[test]
fn error_unparsable_number() {
    // (Exponents such as 1e5 are numbers: tests/formats.rs.)
    for bad in ["abc", "NaN", "inf", "1,000", "1e"] {
        let text = format!("date,symbol,price\n2024-01-02,A,1\n2024-01-03,A,\"{bad}\"\n");
        error_case(
            &[("prices.csv", &text)],
            &["-m", "pw", "prices.csv"],
            1,
            &[
                "prices.csv, line 3, column 'price'",
                &format!("(value: {bad:?})"),
            ],
        );
    }
    // In the shares column too.
    error_case(
        &[(
            "prices.csv",
            "date,symbol,price,shares\n2024-01-02,A,1,many\n",
        )],
        &["-m", "cw", "prices.csv"],
        1,
        &["prices.csv, line 2, column 'shares'", "(value: \"many\")"],
    );
}

#[test]
fn error_price_not_positive() {
    for bad in ["0", "-1.5", "0.000"] {
        let text = format!("date,symbol,price\n2024-01-02,A,1\n2024-01-02,B,{bad}\n");
        error_case(
            &[("prices.csv", &text)],
            &["-m", "pw", "prices.csv"],
            1,
            &[
                "prices.csv, line 3, column 'price'",
                "greater than 0",
                &format!("(value: {bad:?})"),
            ],
        );
    }
}

#[test]
fn error_negative_shares() {
    error_case(
        &[(
            "prices.csv",
            "date,symbol,price,shares\n2024-01-02,A,1,5\n2024-01-02,B,1,-3\n",
        )],
        &["-m", "cw", "prices.csv"],
        1,
        &[
            "prices.csv, line 3, column 'shares'",
            "negative",
            "(value: \"-3\")",
        ],
    );
    // In a shares file.
    error_case(
        &[
            ("prices.csv", "date,symbol,price\n2024-01-02,A,1\n"),
            ("shares.csv", "symbol,shares\nA,-1\n"),
        ],
        &["-m", "cw", "--shares", "shares.csv", "prices.csv"],
        1,
        &["shares.csv, line 2, column 'shares'", "(value: \"-1\")"],
    );
}

#[test]
fn error_duplicate_date_and_symbol() {
    // Not adjacent: the duplicate is found whatever the order.
    error_case(
        &[(
            "prices.csv",
            "date,symbol,price\n2024-01-02,A,1\n2024-01-02,B,1\n2024-01-02,A,2\n",
        )],
        &["-m", "pw", "prices.csv"],
        1,
        &[
            "prices.csv, line 4",
            "duplicate",
            "A",
            "2024-01-02",
            "line 2",
        ],
    );
}

#[test]
fn error_two_divisors_on_one_date() {
    // In the prices file's divisor column.
    error_case(
        &[(
            "prices.csv",
            "date,symbol,price,divisor\n2024-01-02,A,1,0.5\n2024-01-02,B,1,0.6\n",
        )],
        &["-m", "pw", "prices.csv"],
        1,
        &[
            "prices.csv, line 3, column 'divisor'",
            "two divisors on 2024-01-02",
            "line 2",
            "(value: \"0.6\")",
        ],
    );
    // In a divisors file.
    error_case(
        &[
            ("prices.csv", BASIC),
            ("divisors.csv", "date,divisor\n2024-01-03,1\n2024-01-03,2\n"),
        ],
        &["-m", "pw", "--divisors", "divisors.csv", "prices.csv"],
        1,
        &[
            "divisors.csv, line 3, column 'divisor'",
            "two divisors on 2024-01-03",
            "(value: \"2\")",
        ],
    );
    // The column and the file disagree.
    error_case(
        &[
            (
                "prices.csv",
                "date,symbol,price,divisor\n2024-01-02,A,1,2\n",
            ),
            ("divisors.csv", "date,divisor\n2024-01-02,3\n"),
        ],
        &["-m", "pw", "--divisors", "divisors.csv", "prices.csv"],
        1,
        &[
            "prices.csv, line 2, column 'divisor'",
            "two divisors on 2024-01-02",
            "divisors.csv",
        ],
    );
}

#[test]
fn error_divisor_zero() {
    error_case(
        &[(
            "prices.csv",
            "date,symbol,price,divisor\n2024-01-02,A,1,\n2024-01-03,A,1,0\n",
        )],
        &["-m", "pw", "prices.csv"],
        1,
        &[
            "prices.csv, line 3, column 'divisor'",
            "greater than 0",
            "(value: \"0\")",
        ],
    );
    error_case(
        &[
            ("prices.csv", BASIC),
            (
                "divisors.csv",
                "date,divisor\n2024-01-02,1\n2024-01-03,0.00\n",
            ),
        ],
        &["-m", "pw", "--divisors", "divisors.csv", "prices.csv"],
        1,
        &[
            "divisors.csv, line 3, column 'divisor'",
            "greater than 0",
            "(value: \"0.00\")",
        ],
    );
}

#[test]
fn error_cap_weighted_without_shares() {
    // An empty shares cell for a constituent.
    error_case(
        &[(
            "prices.csv",
            "date,symbol,price,shares\n2024-01-02,A,1,5\n2024-01-02,B,1,\n",
        )],
        &["-m", "cw", "prices.csv"],
        1,
        &[
            "prices.csv, line 3, column 'shares'",
            "no share count for B on 2024-01-02",
        ],
    );
    // On a later date.
    error_case(
        &[(
            "prices.csv",
            "date,symbol,price,shares\n2024-01-02,A,1,5\n2024-01-03,A,1,\n",
        )],
        &["-m", "cw", "prices.csv"],
        1,
        &["prices.csv, line 3, column 'shares'", "A on 2024-01-03"],
    );
    // No shares column at all.
    error_case(
        &[("prices.csv", "date,symbol,price\n2024-01-02,A,1\n")],
        &["-m", "price-weighted,cap-weighted", "prices.csv"],
        1,
        &[
            "prices.csv, line 1",
            "missing required column 'shares'",
            "columns found: date, symbol, price",
        ],
    );
    // A shares file that lacks a constituent.
    error_case(
        &[
            (
                "prices.csv",
                "date,symbol,price\n2024-01-02,A,1\n2024-01-02,B,1\n",
            ),
            ("shares.csv", "symbol,shares\nA,10\n"),
        ],
        &["-m", "cw", "--shares", "shares.csv", "prices.csv"],
        1,
        &["prices.csv, line 3", "no share count for B"],
    );
}

#[test]
fn error_empty_input_and_header_only() {
    error_case(
        &[("prices.csv", "")],
        &["-m", "pw", "prices.csv"],
        1,
        &["prices.csv", "empty"],
    );
    error_case(
        &[("prices.csv", "date,symbol,price\n")],
        &["-m", "pw", "prices.csv"],
        1,
        &["prices.csv", "only a header"],
    );
    // The same through stdin.
    fails(
        idx().args(["compute", "-m", "pw"]).write_stdin(""),
        1,
        &["<stdin>", "empty"],
    );
    fails(
        idx()
            .args(["compute", "-m", "pw", "-"])
            .write_stdin("date,symbol,price\n"),
        1,
        &["<stdin>", "only a header"],
    );
}

#[test]
fn error_arithmetic_overflow() {
    // 1e20 · 1e20 = 1e40 exceeds a 28-digit decimal (max about 7.9e28).
    let big = "100000000000000000000";
    error_case(
        &[(
            "prices.csv",
            &format!("date,symbol,price,shares\n2024-01-02,A,{big},{big}\n"),
        )],
        &["-m", "cw", "prices.csv"],
        1,
        &["prices.csv", "overflow", "2024-01-02"],
    );
    // Price-weighted: the sum of prices overflows on the second date.
    let huge = "50000000000000000000000000000"; // 5e28
    error_case(
        &[(
            "prices.csv",
            &format!(
                "date,symbol,price\n2024-01-02,A,1\n2024-01-03,A,{huge}\n2024-01-03,B,{huge}\n"
            ),
        )],
        &["-m", "pw", "prices.csv"],
        1,
        &["prices.csv", "overflow", "2024-01-03"],
    );
}

#[test]
fn error_unknown_action() {
    error_case(
        &[
            ("prices.csv", BASIC),
            (
                "actions.csv",
                "date,symbol,action,value\n2024-01-03,A,merger,1\n",
            ),
        ],
        &["-m", "pw", "--actions", "actions.csv", "prices.csv"],
        1,
        &[
            "actions.csv, line 2, column 'action'",
            "unknown action",
            "(value: \"merger\")",
        ],
    );
}

#[test]
fn error_non_positive_split_ratio() {
    for bad in ["0", "-2"] {
        let text =
            format!("date,symbol,action,value\n2024-01-03,B,split,2\n2024-01-04,A,split,{bad}\n");
        error_case(
            &[("prices.csv", BASIC), ("actions.csv", &text)],
            &["-m", "pw", "--actions", "actions.csv", "prices.csv"],
            1,
            &[
                "actions.csv, line 3, column 'value'",
                "split ratio",
                &format!("(value: {bad:?})"),
            ],
        );
    }
}

#[test]
fn error_action_for_a_symbol_without_a_price_that_day() {
    // The date has prices, but not for C.
    error_case(
        &[
            ("prices.csv", BASIC),
            (
                "actions.csv",
                "date,symbol,action,value\n2024-01-03,C,split,2\n",
            ),
        ],
        &["-m", "pw", "--actions", "actions.csv", "prices.csv"],
        1,
        &["actions.csv, line 2", "action for C on 2024-01-03"],
    );
    // A date inside the data with no prices at all.
    error_case(
        &[
            (
                "prices.csv",
                "date,symbol,price\n2024-01-02,A,10\n2024-01-04,A,10\n",
            ),
            (
                "actions.csv",
                "date,symbol,action,value\n2024-01-02,A,dividend,1\n2024-01-03,A,split,2\n",
            ),
        ],
        &["-m", "pw", "--actions", "actions.csv", "prices.csv"],
        1,
        &["actions.csv, line 3", "action for A on 2024-01-03"],
    );
}

#[test]
fn error_wrong_number_of_fields() {
    for row in ["2024-01-03,A", "2024-01-03,A,1,2"] {
        let text = format!("date,symbol,price\n2024-01-02,A,1\n{row}\n");
        error_case(
            &[("prices.csv", &text)],
            &["-m", "pw", "prices.csv"],
            1,
            &["prices.csv, line 3", "fields"],
        );
    }
    // In an auxiliary file.
    error_case(
        &[
            ("prices.csv", BASIC),
            (
                "actions.csv",
                "date,symbol,action,value\n2024-01-03,A,split\n",
            ),
        ],
        &["-m", "pw", "--actions", "actions.csv", "prices.csv"],
        1,
        &["actions.csv, line 2", "fields"],
    );
}

#[test]
fn error_nonexistent_file() {
    error_case(
        &[],
        &["-m", "pw", "missing.csv"],
        1,
        &["missing.csv", "cannot open"],
    );
    error_case(
        &[("prices.csv", BASIC)],
        &["-m", "pw", "--actions", "nope.csv", "prices.csv"],
        1,
        &["nope.csv", "cannot open"],
    );
    error_case(
        &[("prices.csv", BASIC)],
        &["-m", "cw", "--constituents", "nope.csv", "prices.csv"],
        1,
        &["nope.csv", "cannot open"],
    );
}

#[test]
fn error_on_stdin_names_stdin() {
    fails(
        idx()
            .args(["compute", "-m", "pw"])
            .write_stdin("date,symbol,price\n2024-01-02,A,0\n"),
        1,
        &["<stdin>, line 2, column 'price'", "(value: \"0\")"],
    );
}

#[test]
fn error_on_the_last_line_still_leaves_stdout_empty() {
    // An error on the last line of a long file still leaves stdout empty (no partial output).
    let mut text = String::from("date,symbol,price\n");
    for day in 1..=28 {
        for sym in ["A", "B", "C"] {
            text.push_str(&format!("2024-02-{day:02},{sym},10\n"));
        }
    }
    text.push_str("2024-02-29,A,ten\n");
    error_case(
        &[("prices.csv", &text)],
        &["-m", "pw", "prices.csv"],
        1,
        &["prices.csv, line 86, column 'price'", "(value: \"ten\")"],
    );
}

// Usage errors: exit 2.

#[test]
fn usage_unknown_method() {
    error_case(
        &[("prices.csv", BASIC)],
        &["--method", "value-weighted", "prices.csv"],
        2,
        &["value-weighted", "--method"],
    );
    error_case(
        &[("prices.csv", BASIC)],
        &["--method", "pw,foo", "prices.csv"],
        2,
        &["foo"],
    );
}

#[test]
fn usage_no_method() {
    error_case(&[("prices.csv", BASIC)], &["prices.csv"], 2, &["--method"]);
}

#[test]
fn usage_rebalance_without_equal_weighted() {
    error_case(
        &[("prices.csv", BASIC)],
        &["-m", "cap-weighted", "--rebalance", "monthly", "prices.csv"],
        2,
        &["--rebalance", "equal-weighted"],
    );
    error_case(
        &[("prices.csv", BASIC)],
        &["-m", "pw", "--rebalance-dates", "2024-01-03", "prices.csv"],
        2,
        &["--rebalance", "equal-weighted"],
    );
}

#[test]
fn usage_divisor_with_several_methods() {
    error_case(
        &[("prices.csv", BASIC)],
        &["-m", "pw,cw", "--divisor", "2", "prices.csv"],
        2,
        &["--divisor", "several methods"],
    );
    error_case(
        &[
            ("prices.csv", BASIC),
            ("divisors.csv", "date,divisor\n2024-01-02,2\n"),
        ],
        &["-m", "pw,cw", "--divisors", "divisors.csv", "prices.csv"],
        2,
        &["several methods"],
    );
}

#[test]
fn usage_divisor_with_base_value() {
    error_case(
        &[("prices.csv", BASIC)],
        &[
            "-m",
            "pw",
            "--divisor",
            "2",
            "--base-value",
            "100",
            "prices.csv",
        ],
        2,
        &["--divisor", "--base-value"],
    );
}

#[test]
fn usage_from_after_to() {
    error_case(
        &[("prices.csv", BASIC)],
        &[
            "-m",
            "pw",
            "--from",
            "2024-01-04",
            "--to",
            "2024-01-03",
            "prices.csv",
        ],
        2,
        &["--from 2024-01-04", "--to 2024-01-03"],
    );
}

#[test]
fn usage_decimals_out_of_range() {
    error_case(
        &[("prices.csv", BASIC)],
        &["-m", "pw", "--decimals", "99", "prices.csv"],
        2,
        &["--decimals", "99"],
    );
}

#[test]
fn usage_other_bad_flags() {
    // Not a date, not a number, an unknown schedule, two inputs on stdin, a bad divisor.
    for args in [
        &["-m", "pw", "--from", "yesterday", "prices.csv"][..],
        &["-m", "pw", "--divisor", "two", "prices.csv"],
        &["-m", "pw", "--divisor", "0", "prices.csv"],
        &["-m", "ew", "--rebalance", "weekly", "prices.csv"],
        &["-m", "ew", "--divisor", "2", "prices.csv"],
        &["-m", "pw", "--actions", "-", "-"],
        &["-m", "pw,pw", "prices.csv"],
        &["-m", "pw", "--format", "xml", "prices.csv"],
    ] {
        error_case(&[("prices.csv", BASIC)], args, 2, &[]);
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Atomic --output
// ---------------------------------------------------------------------------------------------

#[test]
fn failing_run_leaves_no_output_file_behind() {
    let bad = "date,symbol,price\n2024-01-02,A,1\n2024-01-03,A,-1\n";
    let s = Scratch::with(&[("prices.csv", bad)]);
    fails(
        s.cmd().args([
            "compute",
            "-m",
            "pw",
            "--output",
            "levels.csv",
            "prices.csv",
        ]),
        1,
        &["prices.csv, line 3"],
    );
    assert_eq!(s.listing(), ["prices.csv"]);
    // A calculation error (after the whole file was read) likewise.
    s.write(
        "big.csv",
        "date,symbol,price,shares\n2024-01-02,A,100000000000000000000,100000000000000000000\n",
    );
    fails(
        s.cmd()
            .args(["compute", "-m", "cw", "-o", "levels.csv", "big.csv"]),
        1,
        &["overflow"],
    );
    assert_eq!(s.listing(), ["big.csv", "prices.csv"]);
    // A usage error too.
    fails(
        s.cmd().args([
            "compute",
            "-m",
            "pw",
            "--from",
            "2024-02-01",
            "--to",
            "2024-01-01",
            "-o",
            "levels.csv",
            "prices.csv",
        ]),
        2,
        &[],
    );
    assert_eq!(s.listing(), ["big.csv", "prices.csv"]);
    // An existing output file is left as it was.
    s.write("levels.csv", "previous results\n");
    fails(
        s.cmd().args([
            "compute",
            "-m",
            "pw",
            "--output",
            "levels.csv",
            "prices.csv",
        ]),
        1,
        &["prices.csv, line 3"],
    );
    assert_eq!(
        fs::read_to_string(s.path().join("levels.csv")).unwrap(),
        "previous results\n"
    );
    assert_eq!(s.listing(), ["big.csv", "levels.csv", "prices.csv"]);
}

#[test]
fn output_that_cannot_be_written_fails_without_leftovers() {
    // The target is a directory: the rename fails; the temporary file must not stay behind.
    let s = Scratch::with(&[("prices.csv", BASIC)]);
    fs::create_dir(s.path().join("out")).unwrap();
    fails_unhinted(
        s.cmd()
            .args(["compute", "-m", "cw", "-q", "--output", "out", "prices.csv"]),
        1,
        &["cannot write out"],
    );
    assert_eq!(s.listing(), ["out", "prices.csv"]);
    assert_eq!(fs::read_dir(s.path().join("out")).unwrap().count(), 0);
    // The target's directory does not exist.
    fails_unhinted(
        s.cmd().args([
            "compute",
            "-m",
            "cw",
            "-q",
            "--output",
            "no/such/dir/x.csv",
            "prices.csv",
        ]),
        1,
        &["cannot write no/such/dir/x.csv"],
    );
    assert_eq!(s.listing(), ["out", "prices.csv"]);
}

// ---------------------------------------------------------------------------------------------
// 6. Closed pipe
// ---------------------------------------------------------------------------------------------

#[test]
fn closed_stdout_pipe_exits_zero_quietly() {
    // 5000 dates; with two methods and 20 decimals each row is about 60 bytes, so the output
    // (~300 KB) is far larger than a pipe buffer and idx must still be writing when the reader
    // goes away.
    let s = Scratch::new();
    let mut text = String::from("date,symbol,price\n");
    let mut date = chrono::NaiveDate::from_ymd_opt(2000, 1, 3).unwrap();
    for i in 0..5000 {
        text.push_str(&format!("{date},A,{}\n", 100 + i % 7));
        date = date.succ_opt().unwrap();
    }
    s.write("prices.csv", &text);
    let args = ["compute", "-m", "pw,ew", "--decimals", "20", "prices.csv"];
    // The full output really is large.
    let full = stdout_of(s.cmd().args(args));
    assert_eq!(full.lines().count(), 5001);
    assert!(
        full.len() > 256 * 1024,
        "output is only {} bytes",
        full.len()
    );

    let mut child = std::process::Command::new(BIN)
        .current_dir(s.path())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn idx");
    {
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert_eq!(line, "date,price-weighted,equal-weighted\n");
    } // the read end is closed here
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

// ---------------------------------------------------------------------------------------------
// 7. Help and version
// ---------------------------------------------------------------------------------------------

#[test]
fn help_and_version() {
    let out = stdout_of(idx().arg("--help"));
    assert!(out.contains("compute"), "{out}");
    assert!(out.contains("Usage: idx"), "{out}");
    let out = stdout_of(idx().args(["compute", "--help"]));
    for flag in [
        "--method",
        "--constituents",
        "--shares",
        "--actions",
        "--divisors",
        "--date-format",
        "--date-col",
        "--symbol-col",
        "--price-col",
        "--shares-col",
        "--divisor",
        "--base-value",
        "--base-date",
        "--rebalance",
        "--rebalance-dates",
        "--total-return",
        "--quiet",
        "--decimals",
        "--format",
        "--output",
        "--from",
        "--to",
    ] {
        assert!(out.contains(flag), "compute --help lacks {flag}");
    }
    let out = stdout_of(idx().arg("--version"));
    assert_eq!(out, format!("idx {}\n", env!("CARGO_PKG_VERSION")));
    let out = stdout_of(idx().arg("-V"));
    assert_eq!(out, format!("idx {}\n", env!("CARGO_PKG_VERSION")));
}

// ---------------------------------------------------------------------------------------------
// Regressions found in review
// ---------------------------------------------------------------------------------------------

/// `--divisor` and a divisors file that disagree on the base date are refused, not overridden.
#[test]
fn divisor_flag_contradicting_the_divisors_file_is_a_usage_error() {
    let s = Scratch::with(&[
        (
            "p.csv",
            "date,symbol,price\n2024-01-02,A,10\n2024-01-03,A,11\n",
        ),
        ("d.csv", "date,divisor\n2024-01-02,1\n"),
    ]);
    let mut c = s.cmd();
    c.args([
        "compute",
        "-m",
        "pw",
        "--divisor",
        "0.5",
        "--divisors",
        "d.csv",
        "p.csv",
    ]);
    fails_unhinted(&mut c, 2, &["--divisor 0.5", "2024-01-02"]);
    // When they agree, the run goes ahead: 10 / 0.5 = 20, then 11 / 0.5 = 22.
    let s2 = Scratch::with(&[
        (
            "p.csv",
            "date,symbol,price\n2024-01-02,A,10\n2024-01-03,A,11\n",
        ),
        ("d.csv", "date,divisor\n2024-01-02,0.5\n"),
    ]);
    let mut c = s2.cmd();
    c.args([
        "compute",
        "-m",
        "pw",
        "--divisor",
        "0.5",
        "--divisors",
        "d.csv",
        "p.csv",
    ]);
    assert_eq!(
        stdout_of(&mut c),
        "date,level,divisor,constituents\n2024-01-02,20.00,0.5,1\n2024-01-03,22.00,0.5,1\n"
    );
}

/// A number with two decimal points is "not a decimal number", not a precision problem.
#[test]
fn two_decimal_points_are_not_a_number() {
    let s = Scratch::with(&[("p.csv", "date,symbol,price\n2024-01-02,A,12.3.4\n")]);
    let mut c = s.cmd();
    c.args(["compute", "-m", "pw", "p.csv"]);
    fails(
        &mut c,
        1,
        &[
            "p.csv, line 2, column 'price'",
            "not a decimal number",
            "12.3.4",
        ],
    );
}

/// With several methods each engine runs on its own thread: an error in one of them (here
/// cap-weighted, without shares on line 5) still stops the run with its location.
#[test]
fn several_methods_an_error_in_one_stops_the_run() {
    let s = Scratch::with(&[(
        "p.csv",
        "date,symbol,price,shares\n2024-01-02,A,10,100\n2024-01-02,B,20,50\n\
         2024-01-03,A,11,100\n2024-01-03,B,21,\n",
    )]);
    let mut c = s.cmd();
    c.args(["compute", "-m", "pw,cw,ew", "p.csv"]);
    fails(
        &mut c,
        1,
        &["p.csv, line 5, column 'shares'", "no share count for B"],
    );
}

/// A halted member is reported once, not once per method.
#[test]
fn several_methods_report_a_halt_once() {
    let s = Scratch::with(&[
        (
            "p.csv",
            "date,symbol,price,shares\n2024-01-02,A,10,100\n2024-01-02,B,20,50\n\
             2024-01-03,A,11,100\n2024-01-04,A,12,100\n2024-01-04,B,22,50\n",
        ),
        ("m.csv", "symbol\nA\nB\n"),
    ]);
    let mut c = s.cmd();
    c.args([
        "compute",
        "-m",
        "pw,cw,ew",
        "--constituents",
        "m.csv",
        "p.csv",
    ]);
    let (out, err) = outputs_of(&mut c);
    assert_eq!(
        err.matches("B has no price on 2024-01-03").count(),
        1,
        "{err}"
    );
    // Price-weighted: (10+20)/2 = 15; 15·31/30 = 15.5 (B carried at 20); 15.5·34/31 = 17.
    assert!(out.starts_with("date,price-weighted,cap-weighted,equal-weighted\n2024-01-02,15.00,"));
    assert!(out.contains("\n2024-01-04,17.00,"), "{out}");
}
