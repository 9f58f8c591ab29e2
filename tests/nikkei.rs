//! Nikkei 225 style price weighting (`--factors FILE`): `level = Σ p·PAF·CR / D`.
//!
//! The golden cases `tests/data/nikkei_*/` are worked by hand below, each number with its
//! fraction. Price-weighted without a base value starts with the divisor `D = N` (the number of
//! constituents); every change of the index shares `q = PAF × CR` keeps the level continuous
//! through the divisor: `D_A(t) = D(t−1) · Σ q(t)·p̃(t−1) / MV(t−1)`.
//!
//! The property tests state their invariants on their own doc comments.

use proptest::prelude::*;
use std::fmt::Write as _;

mod common;
use common::{data, fails, idx, outputs_of, stdout_of, Scratch};

/// `idx compute -m pw --factors factors.csv ARGS prices.csv` in golden case `case`.
fn nikkei(case: &str, args: &[&str]) -> String {
    let (out, err) = outputs_of(
        idx()
            .current_dir(data(case))
            .args(["compute", "-m", "pw", "--factors", "factors.csv"])
            .args(args)
            .arg("prices.csv"),
    );
    assert_eq!(err, "");
    out
}

/// A PAF change from the file: BBB's PAF goes 1 → 2 at the open of 01-03.
/// - 01-02: `MV = 100 + 100 = 200`, `D = 2`, level 100.
/// - 01-03: `Σ q(t)·p(t−1) = 100 + 2·100 = 300`, so `D = 2·300/200 = 3`; the level is
///   `(105 + 2·99)/3 = 303/3 = 101` = `100 · 303/300`: continuous.
/// - 01-04: `(110 + 2·95)/3 = 300/3 = 100`, `D = 3` unchanged.
#[test]
fn a_paf_change_moves_the_divisor_not_the_level() {
    assert_eq!(
        nikkei("nikkei_paf_change", &[]),
        "date,level,divisor,constituents
2024-01-02,100.00,2,2
2024-01-03,101.00,3,2
2024-01-04,100.00,3,2
"
    );
}

/// A 3-for-1 split of AAA at the open of 01-03 under Nikkei rules: its PAF becomes 3.
/// - 01-02: `MV = 300 + 100 = 400`, `D = 2`, level 200.
/// - 01-03: `Σ q·p̃ = 3·(300/3) + 100 = 400 = MV(t−1)`, so `D = 2` unchanged; the level is
///   `(3·102 + 104)/2 = 410/2 = 205`.
/// - 01-04: `(3·100 + 100)/2 = 200`.
///
/// Without `--factors` (the Dow's rule) the divisor absorbs the split instead:
/// `D = 2·(100 + 100)/400 = 1`, and the levels are `102 + 104 = 206`, then `200`.
#[test]
fn a_split_multiplies_the_paf_and_keeps_the_divisor() {
    assert_eq!(
        nikkei("nikkei_split", &["--actions", "actions.csv"]),
        "date,level,divisor,constituents
2024-01-02,200.00,2,2
2024-01-03,205.00,2,2
2024-01-04,200.00,2,2
"
    );
    let dow = stdout_of(idx().current_dir(data("nikkei_split")).args([
        "compute",
        "-m",
        "pw",
        "--actions",
        "actions.csv",
        "prices.csv",
    ]));
    assert_eq!(
        dow,
        "date,level,divisor,constituents
2024-01-02,200.00,2,2
2024-01-03,206.00,1,2
2024-01-04,200.00,1,2
"
    );
}

/// The index shares `q = PAF × CR` after the split: AAA's are 3, BBB's 1; weights
/// `300/400 = 0.75` and `100/400 = 0.25`.
#[test]
fn weights_show_paf_times_cap_ratio() {
    let out = stdout_of(idx().current_dir(data("nikkei_split")).args([
        "weights",
        "-m",
        "pw",
        "--factors",
        "factors.csv",
        "--actions",
        "actions.csv",
        "prices.csv",
    ]));
    assert_eq!(
        out,
        "date,rank,symbol,price,index_shares,value,weight,cumulative
2024-01-04,1,AAA,100,3,300,0.7500000000,0.7500000000
2024-01-04,2,BBB,100,1,100,0.2500000000,1.0000000000
"
    );
    // With a capping ratio of 0.5 AAA's index shares are 1 × 0.5.
    let out = stdout_of(idx().current_dir(data("nikkei_cap_ratio")).args([
        "weights",
        "-m",
        "pw",
        "--factors",
        "factors.csv",
        "prices.csv",
    ]));
    assert!(out.contains(",AAA,220,0.5,110,"), "{out}");
}

/// A capping-ratio change: AAA's CR goes 1 → 0.5 at the open of 01-03.
/// - 01-02: `MV = 200 + 200 = 400`, `D = 2`, level 200.
/// - 01-03: `Σ q(t)·p(t−1) = 0.5·200 + 200 = 300`, `D = 2·300/400 = 1.5`; the level is
///   `(0.5·220 + 196)/1.5 = 306/1.5 = 204` = `200 · 306/300`.
/// - 01-04: unchanged prices, unchanged level 204.
#[test]
fn a_cap_ratio_change_moves_the_divisor_not_the_level() {
    assert_eq!(
        nikkei("nikkei_cap_ratio", &[]),
        "date,level,divisor,constituents
2024-01-02,200.00,2,2
2024-01-03,204.00,1.5,2
2024-01-04,204.00,1.5,2
"
    );
}

/// A member replacement: BBB (PAF 2) leaves after 01-03, CCC (PAF 0.5) joins on 01-04.
/// - 01-02: `MV = 100 + 2·50 = 200`, `D = 2`, level 100.
/// - 01-03: `(104 + 2·49)/2 = 202/2 = 101`.
/// - 01-04: CCC enters at its previous close: `Σ q·p(t−1) = 104 + 0.5·600 = 404`,
///   `D = 2·404/202 = 4`; the level is `(106 + 0.5·606)/4 = 409/4 = 102.25` = `101 · 409/404`.
/// - 01-05: `(100 + 0.5·604)/4 = 402/4 = 100.5`.
#[test]
fn a_member_replacement_keeps_the_level() {
    assert_eq!(
        nikkei(
            "nikkei_replacement",
            &["--constituents", "constituents.csv"]
        ),
        "date,level,divisor,constituents
2024-01-02,100.00,2,2
2024-01-03,101.00,2,2
2024-01-04,102.25,4,2
2024-01-05,100.50,4,2
"
    );
}

const PRICES: &str = "date,symbol,price
2024-01-02,AAA,100
2024-01-02,BBB,50
2024-01-03,AAA,101
2024-01-03,BBB,51
";

/// Runs `compute -m pw --factors factors.csv prices.csv` on the given factors file.
fn bad_factors(factors: &str, needles: &[&str]) {
    let s = Scratch::with(&[("prices.csv", PRICES), ("factors.csv", factors)]);
    fails(
        s.cmd().args([
            "compute",
            "-m",
            "pw",
            "--factors",
            "factors.csv",
            "prices.csv",
        ]),
        1,
        needles,
    );
}

#[test]
fn bad_factors_are_located_errors() {
    bad_factors(
        "symbol,factor\nAAA,1\nBBB,0\n",
        &["factors.csv", "line 3", "factor", "0", "greater than 0"],
    );
    bad_factors(
        "symbol,factor\nAAA,-2\n",
        &["factors.csv", "line 2", "factor", "-2", "greater than 0"],
    );
    bad_factors(
        "symbol,factor,cap_ratio\nAAA,1,0\n",
        &["factors.csv", "line 2", "cap_ratio", "capping ratio"],
    );
    bad_factors(
        "symbol,factor,cap_ratio\nAAA,1,-0.5\n",
        &["factors.csv", "line 2", "cap_ratio", "-0.5"],
    );
    bad_factors(
        "symbol,factor,cap_ratio\nAAA,1,1.2\n",
        &["factors.csv", "line 2", "cap_ratio", "1.2", "at most 1"],
    );
    bad_factors(
        "symbol,factor,date\nAAA,1,2024-01-03\nBBB,1,\nAAA,2,2024-01-03\n",
        &["factors.csv", "line 4", "date", "2024-01-03", "line 2"],
    );
    bad_factors(
        "symbol,factor\nAAA,1\nAAA,2\n",
        &["factors.csv", "line 3", "first on line 2"],
    );
    // Unknown: no price anywhere in the prices file.
    bad_factors(
        "symbol,factor\nAAA,1\nZZZ,2\n",
        &["factors.csv", "line 3", "symbol", "ZZZ", "no price"],
    );
    // Unknown: not on the member list.
    let s = Scratch::with(&[
        ("prices.csv", PRICES),
        ("factors.csv", "symbol,factor\nAAA,1\nCCC,2\n"),
        ("members.csv", "symbol\nAAA\nBBB\n"),
    ]);
    fails(
        s.cmd().args([
            "compute",
            "-m",
            "pw",
            "--constituents",
            "members.csv",
            "--factors",
            "factors.csv",
            "prices.csv",
        ]),
        1,
        &["factors.csv", "line 3", "symbol", "CCC", "member list"],
    );
}

#[test]
fn factors_need_price_weighted_alone() {
    for m in ["cw", "ew", "pw,cw"] {
        let s = Scratch::with(&[
            ("prices.csv", PRICES),
            ("factors.csv", "symbol,factor\nAAA,1\n"),
        ]);
        fails(
            s.cmd()
                .args(["compute", "-m", m, "--factors", "factors.csv", "prices.csv"]),
            2,
            &["--factors applies only to --method price-weighted"],
        );
    }
}

/// Prices of three symbols on two dates, the second date's equal to the first's.
fn flat_prices(p: &[u32; 3]) -> String {
    let mut s = String::from("date,symbol,price\n");
    for date in ["2024-01-02", "2024-01-03"] {
        for (sym, price) in ["AAA", "BBB", "CCC"].iter().zip(p) {
            writeln!(s, "{date},{sym},{}.{:02}", price / 100, price % 100).unwrap();
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A PAF or capping-ratio change never moves the level on its date: with the second date's
    /// prices equal to the first's, the level is unchanged (to 12 decimals), whatever the old and
    /// new factors.
    #[test]
    fn a_factor_change_never_moves_the_level(
        prices in prop::array::uniform3(100u32..100_000),
        old in prop::array::uniform3((1u32..=40, 1u32..=10)),
        new in prop::array::uniform3((1u32..=40, 1u32..=10)),
    ) {
        let mut f = String::from("symbol,factor,cap_ratio,date\n");
        for (i, sym) in ["AAA", "BBB", "CCC"].iter().enumerate() {
            let (p0, c0) = old[i];
            let (p1, c1) = new[i];
            writeln!(f, "{sym},{}.{},0.{c0:02},", p0 / 4, p0 % 4 * 25).unwrap();
            writeln!(f, "{sym},{}.{},0.{c1:02},2024-01-03", p1 / 4, p1 % 4 * 25).unwrap();
        }
        let f = f.replace("0.10,", "1,");
        let s = Scratch::with(&[("prices.csv", &flat_prices(&prices)), ("factors.csv", &f)]);
        let out = stdout_of(s.cmd().args([
            "compute", "-m", "pw", "--decimals", "12", "--factors", "factors.csv", "prices.csv",
        ]));
        let levels: Vec<&str> = out.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
        prop_assert_eq!(levels.len(), 2);
        prop_assert_eq!(levels[0], levels[1], "{}\n{}", f, out);
    }

    /// A factors file of PAF 1 and capping ratio 1 for every symbol (no splits) writes exactly
    /// what no factors file writes.
    #[test]
    fn unit_factors_change_nothing(
        p0 in prop::array::uniform3(100u32..100_000),
        p1 in prop::array::uniform3(100u32..100_000),
    ) {
        let mut prices = flat_prices(&p0);
        let tail: Vec<String> = ["AAA", "BBB", "CCC"].iter().zip(p1)
            .map(|(s, p)| format!("2024-01-04,{s},{}.{:02}\n", p / 100, p % 100))
            .collect();
        prices.push_str(&tail.concat());
        let s = Scratch::with(&[
            ("prices.csv", &prices),
            ("factors.csv", "symbol,factor,cap_ratio\nAAA,1,1\nBBB,1,\nCCC,1,1\n"),
        ]);
        let plain = stdout_of(s.cmd().args(["compute", "-m", "pw", "prices.csv"]));
        let with = stdout_of(s.cmd().args([
            "compute", "-m", "pw", "--factors", "factors.csv", "prices.csv",
        ]));
        prop_assert_eq!(plain, with);
    }
}
