//! Currency-converted indices (`--fx FILE`, `--fx-date`, `--fx-carry`).
//!
//! The golden case `tests/data/fx_usdjpy/` is worked by hand with exact fractions: two members,
//! XXX (50, 51, 52, 50.5 × 1000 shares) and YYY (25, 24.75, 25.5, 25 × 2000 shares), on
//! Thursday 2024-05-02 to Tuesday 2024-05-07, cap-weighted. In dollars `MV = 100000, 100500,
//! 103000, 100500` and `D = 1000`: levels 100, 100.5, 103, 100.5. In yen at USD/JPY 160, 152,
//! 156, 164 every `MV` is multiplied by its date's rate and `D = 160 · 1000 = 160000`, so the
//! levels are `100 · f_t / 160` times the dollar ones: 100, 100.5 · 0.95 = 95.475,
//! 103 · 0.975 = 100.425, 100.5 · 1.025 = 103.0125, exactly (the quotients terminate).
//!
//! The property tests state their invariants on their own doc comments.

use proptest::prelude::*;
use rust_decimal::Decimal;
use std::fmt::Write as _;

mod common;
use common::{d, data, fails, idx, outputs_of, path_str, sample, stdout_of, Scratch};

fn case(name: &str) -> String {
    path_str(&data("fx_usdjpy").join(name))
}

/// `idx compute -m cw --decimals 4` in the golden case's folder with `args`.
fn cw(args: &[&str]) -> (String, String) {
    outputs_of(
        idx()
            .current_dir(data("fx_usdjpy"))
            .args(["compute", "-m", "cw", "--decimals", "4"])
            .args(args),
    )
}

const USD: &str = "date,level,divisor,constituents
2024-05-02,100.0000,1000,2
2024-05-03,100.5000,1000,2
2024-05-06,103.0000,1000,2
2024-05-07,100.5000,1000,2
";

const JPY: &str = "date,level,divisor,constituents
2024-05-02,100.0000,160000,2
2024-05-03,95.4750,160000,2
2024-05-06,100.4250,160000,2
2024-05-07,103.0125,160000,2
";

#[test]
fn golden_usd_and_jpy_levels_written_exactly() {
    assert_eq!(cw(&["prices.csv"]), (USD.to_string(), String::new()));
    assert_eq!(
        cw(&["--fx", "usdjpy.csv", "prices.csv"]),
        (JPY.to_string(), String::new())
    );
    // Read whole from stdin (not streamed): the same conversion.
    let prices = std::fs::read_to_string(case("prices.csv")).unwrap();
    let piped = stdout_of(
        idx()
            .current_dir(data("fx_usdjpy"))
            .args([
                "compute",
                "-m",
                "cw",
                "--decimals",
                "4",
                "--fx",
                "usdjpy.csv",
            ])
            .write_stdin(prices),
    );
    assert_eq!(piped, JPY);
}

#[test]
fn golden_jpy_level_is_usd_level_times_fx_t_over_fx_base() {
    let rows = |s: &str| -> Vec<Vec<String>> {
        s.lines()
            .skip(1)
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    };
    let rates = [d("160"), d("152"), d("156"), d("164")];
    for (k, (u, j)) in rows(USD).iter().zip(rows(JPY)).enumerate() {
        assert_eq!(d(&j[1]), d(&u[1]) * rates[k] / rates[0], "{}", u[0]);
        assert_eq!(d(&j[2]), d(&u[2]) * rates[0], "the divisor is f_base · D");
    }
}

#[test]
fn fx_date_next_pairs_friday_with_monday_morning() {
    // usdjpy_tokyo.csv holds Tokyo-morning rates: 05-02 999 (never used with next), 05-03 160,
    // 05-06 152 (Monday, paired with Friday's close), 05-07 156, 05-08 164.
    assert_eq!(
        cw(&[
            "--fx",
            "usdjpy_tokyo.csv",
            "--fx-date",
            "next",
            "prices.csv"
        ]),
        (JPY.to_string(), String::new())
    );
    // `previous`: the last rate before the date; Thursday 05-02 has none.
    fails(
        idx().current_dir(data("fx_usdjpy")).args([
            "compute",
            "-m",
            "cw",
            "--fx",
            "usdjpy.csv",
            "--fx-date",
            "previous",
            "prices.csv",
        ]),
        1,
        &["usdjpy.csv: no rate for the index date 2024-05-02 (--fx-date previous)"],
    );
}

#[test]
fn a_missing_date_fails_and_fx_carry_warns_once_per_gap() {
    let e = fails(
        idx().current_dir(data("fx_usdjpy")).args([
            "compute",
            "-m",
            "cw",
            "--fx",
            "usdjpy_gap.csv",
            "prices.csv",
        ]),
        1,
        &["error: usdjpy_gap.csv: no rate for the index date 2024-05-06 (--fx-date same)"],
    );
    assert!(e.contains("--fx-carry"), "{e}");
    let (out, err) = cw(&["--fx", "usdjpy_gap.csv", "--fx-carry", "prices.csv"]);
    assert_eq!(
        out,
        "date,level,divisor,constituents
2024-05-02,100.0000,160000,2
2024-05-03,95.4750,160000,2
2024-05-06,97.8500,160000,2
2024-05-07,103.0125,160000,2
"
    );
    assert_eq!(
        err,
        "warning: usdjpy_gap.csv: no rate for the index date 2024-05-06 (--fx-date same): \
         carrying the rate 152 of 2024-05-03 (line 3) over the gap (--fx-carry; reported once \
         per gap)\n"
    );
    let (_, quiet) = cw(&["--fx", "usdjpy_gap.csv", "--fx-carry", "-q", "prices.csv"]);
    assert_eq!(quiet, "");
}

#[test]
fn per_member_currencies_convert_at_their_own_rates() {
    // XXX in USD (160, 152, 156, 164), YYY in EUR (160, 168, 170, 166), ZZZ in JPY (rate 1).
    // MV = 20,000,000, 20,268,000, 20,682,000, 20,582,000 yen; D = 200000.
    let (out, err) = cw(&["--fx", "fx_ccy.csv", "prices_ccy.csv"]);
    assert_eq!(
        out,
        "date,level,divisor,constituents
2024-05-02,100.0000,200000,3
2024-05-03,101.3400,200000,3
2024-05-06,103.4100,200000,3
2024-05-07,102.9100,200000,3
"
    );
    assert_eq!(err, "");
    // Several methods at once (one thread each) convert too.
    let (out, _) = outputs_of(
        idx()
            .current_dir(data("fx_usdjpy"))
            .args(["compute", "-m", "cw,pw", "--decimals", "4"])
            .args(["--fx", "fx_ccy.csv", "prices_ccy.csv"]),
    );
    assert!(out.contains("2024-05-03,101.3400,"), "{out}");
}

#[test]
fn errors_name_the_file_line_and_value() {
    let s = Scratch::with(&[
        ("prices.csv", "date,symbol,price,shares\n2024-05-02,XXX,50,1000\n"),
        ("zero.csv", "date,rate\n2024-05-01,150\n2024-05-02,0\n"),
        ("neg.csv", "date,rate\n2024-05-02,-1.5\n"),
        ("text.csv", "date,rate\n2024-05-02,abc\n"),
        ("twice.csv", "date,rate\n2024-05-02,150\n2024-05-02,151\n"),
        (
            "ccy.csv",
            "date,symbol,price,shares,currency\n2024-05-02,XXX,50,1000,USD\n2024-05-02,YYY,5,1000,GBP\n",
        ),
        ("fxc.csv", "date,currency,rate\n2024-05-02,USD,150\n2024-05-02,EUR,160\n"),
    ]);
    let run = |fx: &str, prices: &str| {
        let mut c = s.cmd();
        c.args(["compute", "-m", "cw", "--fx", fx, prices]);
        c
    };
    fails(
        &mut run("zero.csv", "prices.csv"),
        1,
        &["zero.csv, line 3, column 'rate': the rate must be greater than 0 (value: \"0\")"],
    );
    fails(
        &mut run("neg.csv", "prices.csv"),
        1,
        &["neg.csv, line 2, column 'rate'", "(value: \"-1.5\")"],
    );
    fails(
        &mut run("text.csv", "prices.csv"),
        1,
        &["text.csv, line 2, column 'rate'", "\"abc\""],
    );
    fails(
        &mut run("twice.csv", "prices.csv"),
        1,
        &["twice.csv, line 3, column 'rate': two rates on 2024-05-02: 150 on line 2"],
    );
    fails(
        &mut run("fxc.csv", "ccy.csv"),
        1,
        &["ccy.csv, line 3, column 'currency': the FX file fxc.csv has no rates for GBP (value: \"GBP\")"],
    );
    fails(
        &mut run("fxc.csv", "prices.csv"),
        1,
        &["prices.csv", "currency", "fxc.csv"],
    );
    // --fx-date and --fx-carry need --fx.
    fails(
        s.cmd()
            .args(["compute", "-m", "cw", "--fx-carry", "prices.csv"]),
        2,
        &["--fx"],
    );
}

#[test]
fn every_command_with_input_flags_accepts_fx() {
    let base = [
        "--actions",
        &sample("actions.csv"),
        "--constituents",
        &sample("constituents.csv"),
        "--fx",
        &sample("usdjpy.csv"),
        "-q",
    ]
    .map(str::to_string);
    for cmd in [
        vec!["returns", "-m", "cw", "--period", "ytd"],
        vec!["weights", "-m", "cw", "--top", "2"],
        vec!["share", "-m", "cw", "--members", "ZALF"],
        vec!["relative", "-m", "ew,cw"],
    ] {
        let out = stdout_of(idx().args(&cmd).args(&base).arg(sample("prices.csv")));
        assert!(!out.is_empty(), "{cmd:?}");
    }
    // Weights are shares of the converted value: with one currency, the same as in dollars.
    let plain: Vec<String> = ["--actions", &sample("actions.csv"), "-q"]
        .map(str::to_string)
        .to_vec();
    let w = |extra: &[String]| {
        stdout_of(
            idx()
                .args(["weights", "-m", "cw", "--top", "3"])
                .args(extra)
                .arg(sample("prices.csv")),
        )
        .lines()
        .map(|l| l.split(',').nth(6).unwrap_or("").to_string())
        .collect::<Vec<_>>()
    };
    let mut with_fx = plain.clone();
    with_fx.extend(["--fx".to_string(), sample("usdjpy.csv")]);
    assert_eq!(w(&plain), w(&with_fx));
}

#[test]
fn a_given_divisor_is_in_the_target_currency() {
    // --divisor 1000 in yen: the level is MV_yen / 1000 = f_t · (the dollar level at D = 1000).
    let (out, _) = cw(&["--divisor", "1000", "--fx", "usdjpy.csv", "prices.csv"]);
    assert_eq!(
        out,
        "date,level,divisor,constituents
2024-05-02,16000.0000,1000,2
2024-05-03,15276.0000,1000,2
2024-05-06,16068.0000,1000,2
2024-05-07,16482.0000,1000,2
"
    );
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/// A random prices file: 3 symbols over `days` weekdays from 2024-03-25, prices with 2 decimals,
/// shares fixed, one ordinary and one special dividend; and its dates.
fn random_prices(steps: &[(i64, i64, i64)]) -> (String, String, Vec<String>) {
    let mut prices = String::from("date,symbol,price,shares\n");
    let mut dates = Vec::new();
    let mut p = [5000i64, 12000, 800];
    let mut day = chrono::NaiveDate::from_ymd_opt(2024, 3, 25).unwrap();
    for (a, b, c) in steps {
        while matches!(
            chrono::Datelike::weekday(&day),
            chrono::Weekday::Sat | chrono::Weekday::Sun
        ) {
            day = day.succ_opt().unwrap();
        }
        for (k, m) in [*a, *b, *c].into_iter().enumerate() {
            p[k] = (p[k] + m * p[k] / 1000).max(100);
        }
        for (k, (sym, sh)) in [("AAA", 100), ("BBB", 50), ("CCC", 700)].iter().enumerate() {
            let _ = writeln!(prices, "{day},{sym},{},{sh}", Decimal::new(p[k], 2));
        }
        dates.push(day.to_string());
        day = day.succ_opt().unwrap();
    }
    let actions = format!(
        "date,symbol,action,value\n{},AAA,dividend,0.35\n{},BBB,special_dividend,1.5\n",
        dates[1],
        dates[dates.len() - 1]
    );
    (prices, actions, dates)
}

fn fx_file(dates: &[String], rate: impl Fn(usize) -> Decimal) -> String {
    let mut s = String::from("date,rate\n");
    for (k, d) in dates.iter().enumerate() {
        let _ = writeln!(s, "{d},{}", rate(k));
    }
    s
}

fn steps() -> impl Strategy<Value = Vec<(i64, i64, i64)>> {
    prop::collection::vec((-60i64..60, -60i64..60, -60i64..60), 4..12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// A constant rate of 1 gives the unconverted output byte for byte, for every method (each
    /// alone, with --total-return, and all three side by side), streamed and from stdin.
    #[test]
    fn a_rate_of_one_changes_nothing(steps in steps()) {
        let (prices, actions, dates) = random_prices(&steps);
        let s = Scratch::with(&[
            ("p.csv", &prices),
            ("a.csv", &actions),
            ("one.csv", &fx_file(&dates, |_| Decimal::ONE)),
        ]);
        for m in ["pw", "cw", "ew", "pw,cw,ew"] {
            let args = ["compute", "-m", m, "--total-return", "--decimals", "12", "--actions", "a.csv"];
            let plain = s.output(&[&args[..], &["p.csv"]].concat());
            let fx = s.output(&[&args[..], &["--fx", "one.csv", "p.csv"]].concat());
            prop_assert_eq!(&plain.stdout, &fx.stdout);
            prop_assert_eq!(&plain.stderr, &fx.stderr);
            let piped = stdout_of(s.cmd().args(args).args(["--fx", "one.csv"]).write_stdin(prices.clone()));
            prop_assert_eq!(String::from_utf8_lossy(&plain.stdout), piped);
        }
    }

    /// A constant rate k: cap-weighted, equal-weighted and price-weighted with --base-value
    /// write the same levels and total-return levels as without --fx, at 8 decimals (the base
    /// level is the base value either way, and every later level is level · k/k); the
    /// cap-weighted divisor is k times the unconverted one (to 1e-25 of it: 28-digit
    /// division). Price-weighted without a base value keeps its divisor (the number of
    /// constituents) exactly, and its level is k times the unconverted one (to 1e-20 of it).
    #[test]
    fn a_constant_rate_k_gives_the_same_levels(steps in steps(), k in 1i64..100_000) {
        let k = Decimal::new(k, 2);
        let (prices, actions, dates) = random_prices(&steps);
        let s = Scratch::with(&[
            ("p.csv", &prices),
            ("a.csv", &actions),
            ("k.csv", &fx_file(&dates, |_| k)),
        ]);
        let table = |args: &[&str]| -> Vec<Vec<Decimal>> {
            let out = stdout_of(s.cmd().args(["compute", "--total-return", "--actions", "a.csv"]).args(args));
            out.lines().skip(1).map(|l| l.split(',').skip(1).map(d).collect()).collect()
        };
        for m in [&["-m", "cw"][..], &["-m", "ew"], &["-m", "pw", "--base-value", "100"]] {
            let args = [m, &["--decimals", "8", "p.csv"]].concat();
            let plain = table(&args);
            let fx = table(&[&args[..], &["--fx", "k.csv"]].concat());
            for (a, b) in plain.iter().zip(&fx) {
                prop_assert_eq!(a[0], b[0], "level, {:?}", m);
                prop_assert_eq!(a[3], b[3], "total return, {:?}", m);
                if m[1] == "cw" {
                    prop_assert!((a[1] * k - b[1]).abs() <= b[1] * Decimal::new(1, 25));
                }
            }
        }
        let plain = table(&["-m", "pw", "--decimals", "20", "p.csv"]);
        let fx = table(&["-m", "pw", "--decimals", "20", "--fx", "k.csv", "p.csv"]);
        for (a, b) in plain.iter().zip(&fx) {
            prop_assert_eq!(a[1], b[1], "the divisor");
            prop_assert!((a[0] * k - b[0]).abs() <= b[0] * Decimal::new(1, 20));
        }
    }
}
