//! `--method capped`: the hand-worked golden case `tests/data/capped_quarterly/` and the
//! flags' errors.

mod common;

use common::{data, fails, idx, path_str, stdout_of};

fn prices() -> String {
    path_str(&data("capped_quarterly/prices.csv"))
}

// Four members, no float column (float 1), cap 0.4, quarterly rebalance after the close of
// 2024-06-28 (the last index date of June).
//
// 2024-06-27 (base): caps A 50·10 = 500, B 300, C 100, D 100 (total 1000): weights 0.5, 0.3,
//   0.1, 0.1. A → 0.4; its excess 0.1 goes pro rata to B, C, D: 0.36, 0.12, 0.12.
//   K = 100: q = w·100/10 = 4, 3.6, 1.2, 1.2. MV = 100, level 100, divisor 1.
// 2024-06-28: A 15: MV = 4·15 + 3.6·10 + 1.2·10 + 1.2·10 = 60 + 36 + 12 + 12 = 120, level 120.
//   Rebalance after the close: K = 120; caps A 50·15 = 750, B 300, C 100, D 100 (1250):
//   0.6, 0.24, 0.08, 0.08. A → 0.4; B, C, D share 0.6 pro rata (300:100:100): 0.36, 0.12,
//   0.12. q = w·120/p: A 0.4·120/15 = 3.2, B 0.36·120/10 = 4.32, C 1.44, D 1.44
//   (Σ q·p(06-28) = 48 + 43.2 + 14.4 + 14.4 = 120: the divisor stays 1).
// 2024-07-01: C 13, D 9: MV = 3.2·15 + 4.32·10 + 1.44·13 + 1.44·9 = 48 + 43.2 + 18.72 + 12.96
//   = 122.88, level 122.88. (Uncapped cap-weighted: 1000 → 1220 / 10 = 122, and the 06-28
//   shares held: 60 + 36 + 15.6 + 10.8 = 122.4.)
#[test]
fn golden_quarterly_levels() {
    let out = stdout_of(
        idx()
            .args(["compute", "-m", "capped", "--cap", "0.4", "-q"])
            .args(["--decimals", "6", &prices()]),
    );
    assert_eq!(
        out,
        "date,level,divisor,constituents\n\
         2024-06-27,100.000000,1,4\n\
         2024-06-28,120.000000,1,4\n\
         2024-07-01,122.880000,1,4\n"
    );
}

#[test]
fn weights_show_the_capped_shares() {
    // On the base date the shares are set from that date's caps: exactly the capped weights.
    let out = stdout_of(
        idx()
            .args(["weights", "-m", "capped", "--cap", "0.4", "-q"])
            .args(["--date", "2024-06-27", &prices()]),
    );
    assert_eq!(
        out,
        "date,rank,symbol,price,index_shares,value,weight,cumulative\n\
         2024-06-27,1,A,10,4,40,0.4000000000,0.4000000000\n\
         2024-06-27,2,B,10,3.6,36,0.3600000000,0.7600000000\n\
         2024-06-27,3,C,10,1.2,12,0.1200000000,0.8800000000\n\
         2024-06-27,4,D,10,1.2,12,0.1200000000,1.0000000000\n"
    );
    // After the 06-28 rebalance the index shares are 3.2, 4.32, 1.44, 1.44.
    let out = stdout_of(
        idx()
            .args(["weights", "-m", "capped", "--cap", "0.4", "-q"])
            .args(["--date", "2024-07-01", &prices()]),
    );
    assert!(out.contains(",A,15,3.2,48,"), "{out}");
    assert!(out.contains(",B,10,4.32,43.2,"), "{out}");
}

#[test]
fn a_cap_below_one_over_n_names_the_date_and_count() {
    fails(
        idx().args(["compute", "-m", "capped", "--cap", "0.2", &prices()]),
        1,
        &["2024-06-27", "4 constituents", "0.2"],
    );
}

#[test]
fn flag_errors_are_usage_errors() {
    let p = prices();
    for (args, needle) in [
        (vec!["-m", "cw", "--cap", "0.4"], "only to --method capped"),
        (vec!["-m", "capped"], "needs --cap"),
        (vec!["-m", "capped", "--cap", "0"], "(0, 1]"),
        (vec!["-m", "capped", "--cap", "1.1"], "(0, 1]"),
        (
            vec![
                "-m",
                "capped",
                "--cap",
                "0.3",
                "--cap-threshold",
                "0.3",
                "--cap-aggregate",
                "0.5",
            ],
            "below --cap",
        ),
        (
            vec![
                "-m",
                "capped",
                "--cap",
                "0.3",
                "--cap-threshold",
                "0.1",
                "--cap-aggregate",
                "1.5",
            ],
            "--cap-aggregate must be in (0, 1]",
        ),
    ] {
        fails(idx().arg("compute").args(&args).arg(&p), 2, &[needle]);
    }
}

// The aggregate rule (S&P Select Sector style) on tests/data/capped_aggregate/: five members at
// 10 with caps 40, 30, 15, 10, 5 (weights 0.40, 0.30, 0.15, 0.10, 0.05), `--cap 0.4
// --cap-threshold 0.2 --cap-aggregate 0.5`.
// - Step 1: no member above 0.4 (A's 0.4 is not above it).
// - Step 2: A and B are above 0.2 and hold 0.70 > 0.5: the smaller, B, is set to 0.2; A stays
//   fixed at 0.4; the free C, D, E share the rest, 0.4, pro rata to 15:10:5: 0.2, 0.1333…,
//   0.0666…. C at 0.2 is not above the threshold: A alone is above it, 0.4 ≤ 0.5. Done.
// - Index shares at the base, w·100/10: 4, 2, 2, 1.33333333333333, 0.666666666666667 (15
//   significant digits, as equal weight's).
// - 2024-07-01: A 11: the level is (44 + 20 + 20 + 20) / 1 = 104 (to the shares' rounding).
#[test]
fn golden_aggregate_rule() {
    let prices = path_str(&data("capped_aggregate/prices.csv"));
    let rule = [
        "-m",
        "capped",
        "--cap",
        "0.4",
        "--cap-threshold",
        "0.2",
        "--cap-aggregate",
        "0.5",
        "-q",
    ];
    let out = stdout_of(idx().arg("weights").args(rule).args([
        "--date",
        "2024-06-27",
        "--decimals",
        "4",
        &prices,
    ]));
    assert_eq!(
        out,
        "date,rank,symbol,price,index_shares,value,weight,cumulative\n\
         2024-06-27,1,A,10,4,40,0.4000,0.4000\n\
         2024-06-27,2,B,10,2,20,0.2000,0.6000\n\
         2024-06-27,3,C,10,2,20,0.2000,0.8000\n\
         2024-06-27,4,D,10,1.33333333333333,13.3333333333333,0.1333,0.9333\n\
         2024-06-27,5,E,10,0.666666666666667,6.66666666666667,0.0667,1.0000\n"
    );
    let out = stdout_of(
        idx()
            .arg("compute")
            .args(rule)
            .args(["--decimals", "6", &prices]),
    );
    let levels: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(levels, ["100.000000", "104.000000"]);
}
