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

/// `idx ARGS` in `nikkei_weight_cap` with the factors, a base value of 100, a weight cap of 0.4
/// and a review after the close of 01-03.
fn weight_cap(command: &str, args: &[&str]) -> (String, String) {
    outputs_of(
        idx()
            .current_dir(data("nikkei_weight_cap"))
            .args([command, "-m", "pw", "--factors", "factors.csv"])
            .args(["--base-value", "100", "--weight-cap", "0.4"])
            .args(["--cap-review-dates", "2024-01-03"])
            .args(args)
            .arg("prices.csv"),
    )
}

/// A weight-cap review: cap 0.4, three members with PAF 1 and CR 1, review after 01-03.
/// - 01-02: `MV = 500 + 300 + 200 = 1000`, base value 100, so `D = 1000/100 = 10`.
/// - 01-03: `MV = 520 + 290 + 190 = 1000`, level `1000/10 = 100`. The review: AAA's weight is
///   `520/1000 = 0.52 > 0.4`, so its CR steps down, every weight recomputed after each step:
///   - CR 0.9: `468/(468 + 480) = 468/948 ≈ 0.4937 > 0.4`;
///   - CR 0.8: `416/896 ≈ 0.4643 > 0.4`;
///   - CR 0.7: `364/844 ≈ 0.4313 > 0.4`;
///   - CR 0.6: `312/792 ≈ 0.3939 ≤ 0.4`: done. BBB's `290/792 ≈ 0.3662` and CCC's
///     `190/792 ≈ 0.2399` are within the cap.
/// - 01-04 (CR 0.6 in force, prices unchanged): `Σ q(t)·p(t−1) = 0.6·520 + 290 + 190 = 792`,
///   `D = 10·792/1000 = 7.92`, level `792/7.92 = 100`: the review does not move the level.
/// - 01-05: `MV = 0.6·540 + 300 + 200 = 824`, level `824/7.92 = 104.0404… → 104.04`.
#[test]
fn a_weight_cap_review_lowers_the_cap_ratio_in_steps_of_a_tenth() {
    let (out, err) = weight_cap("compute", &[]);
    assert_eq!(err, "");
    assert_eq!(
        out,
        "date,level,divisor,constituents
2024-01-02,100.00,10,3
2024-01-03,100.00,10,3
2024-01-04,100.00,7.92,3
2024-01-05,104.04,7.92,3
"
    );
}

/// On 01-03 (the review's date) AAA still has CR 1 and weight `520/1000 = 0.52`; on 01-04 its
/// index shares are `PAF × CR = 1 × 0.6`, value `0.6·520 = 312`, weight `312/792`
/// `= 0.393939…`, BBB `290/792 = 0.366161…`, CCC `190/792 = 0.239898…`.
#[test]
fn weights_after_a_review_show_the_lowered_cap_ratio() {
    let (out, _) = weight_cap("weights", &["--date", "2024-01-03"]);
    assert!(
        out.contains("2024-01-03,1,AAA,520,1,520,0.5200000000,"),
        "{out}"
    );
    let (out, err) = weight_cap("weights", &["--date", "2024-01-04"]);
    assert_eq!(err, "");
    assert_eq!(
        out,
        "date,rank,symbol,price,index_shares,value,weight,cumulative
2024-01-04,1,AAA,520,0.6,312,0.3939393939,0.3939393939
2024-01-04,2,BBB,290,1,290,0.3661616162,0.7601010101
2024-01-04,3,CCC,190,1,190,0.2398989899,1.0000000000
"
    );
}

/// A review date that is not an index date reviews the last index date before it, as equal
/// weight's rebalance dates do: the data skip 01-03 and 01-04, so a review dated 01-03 is of
/// 01-02's close. A review date before the base date or after the last date does nothing.
#[test]
fn a_review_date_off_the_index_dates_uses_the_last_index_date_before_it() {
    let s = Scratch::with(&[
        (
            "prices.csv",
            "date,symbol,price\n\
             2024-01-02,AAA,500\n2024-01-02,BBB,300\n2024-01-02,CCC,200\n\
             2024-01-05,AAA,500\n2024-01-05,BBB,300\n2024-01-05,CCC,200\n",
        ),
        ("factors.csv", "symbol,factor\nAAA,1\nBBB,1\nCCC,1\n"),
    ]);
    let run = |review: &str| {
        stdout_of(s.cmd().args([
            "weights",
            "-m",
            "pw",
            "--factors",
            "factors.csv",
            "--weight-cap",
            "0.4",
            "--cap-review-dates",
            review,
            "--date",
            "2024-01-05",
            "prices.csv",
        ]))
    };
    // 01-03 is no index date: the review is of 01-02's close (AAA 500/1000 = 0.5; CR 0.9:
    // 450/950; 0.8: 400/900; 0.7: 350/850 ≈ 0.4118; 0.6: 300/800 = 0.375).
    assert!(run("2024-01-03").contains(",AAA,500,0.6,300,0.3750000000,"));
    // Before the base date, or after the last date: no review.
    assert!(run("2024-01-01").contains(",AAA,500,1,500,0.5000000000,"));
    assert!(run("2024-01-06").contains(",AAA,500,1,500,0.5000000000,"));
}

/// A cap that no capping ratio can meet (three members, cap 0.2: at most 0.6 in all) leaves
/// the members above it at CR 0.1 and warns once for each, naming it and the date.
#[test]
fn an_unmeetable_cap_keeps_a_tenth_and_warns() {
    let (out, err) = outputs_of(
        idx()
            .current_dir(data("nikkei_weight_cap"))
            .args(["weights", "-m", "pw", "--factors", "factors.csv"])
            .args(["--weight-cap", "0.2", "--cap-review-dates", "2024-01-03"])
            .args(["--date", "2024-01-04", "prices.csv"]),
    );
    // All three step down to 0.1; AAA (52/100) and BBB (29/100) stay above 0.2, CCC (0.19)
    // is within it.
    assert!(out.contains(",AAA,520,0.1,52,0.5200000000,"), "{out}");
    assert!(out.contains(",CCC,190,0.1,19,0.1900000000,"), "{out}");
    assert_eq!(err.matches("warning:").count(), 2, "{err}");
    for needle in ["AAA", "BBB", "2024-01-03", "0.1"] {
        assert!(err.contains(needle), "{err}");
    }
    assert!(!err.contains("CCC"), "{err}");
}

#[test]
fn weight_cap_flags_are_usage_errors_when_wrong() {
    let s = Scratch::with(&[
        ("prices.csv", PRICES),
        ("factors.csv", "symbol,factor\nAAA,1\nBBB,1\n"),
    ]);
    let cases: [(&[&str], &str); 6] = [
        (
            &["--weight-cap", "0.1", "--cap-review-dates", "2024-01-02"],
            "--weight-cap needs --factors",
        ),
        (
            &["--factors", "factors.csv", "--weight-cap", "0.1"],
            "--weight-cap needs --cap-review-dates",
        ),
        (
            &[
                "--factors",
                "factors.csv",
                "--weight-cap",
                "0",
                "--cap-review-dates",
                "2024-01-02",
            ],
            "--weight-cap must be in (0, 1], got 0",
        ),
        (
            &[
                "--factors",
                "factors.csv",
                "--weight-cap",
                "1.5",
                "--cap-review-dates",
                "2024-01-02",
            ],
            "--weight-cap must be in (0, 1], got 1.5",
        ),
        (
            &[
                "--factors",
                "factors.csv",
                "--weight-cap=-0.1",
                "--cap-review-dates",
                "2024-01-02",
            ],
            "--weight-cap must be in (0, 1]",
        ),
        (
            &[
                "--factors",
                "factors.csv",
                "--cap-review-dates",
                "2024-01-02",
            ],
            "--cap-review-dates applies only with --weight-cap",
        ),
    ];
    for (args, needle) in cases {
        fails(
            s.cmd()
                .args(["compute", "-m", "pw"])
                .args(args)
                .arg("prices.csv"),
            2,
            &[needle],
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A weight-cap review never moves the level on the review's next date: with that date's
    /// prices equal to the review date's, the level is unchanged (to 12 decimals), whatever the
    /// prices, the factors and the cap.
    #[test]
    fn a_weight_cap_review_never_moves_the_level(
        prices in prop::array::uniform3(100u32..100_000),
        pafs in prop::array::uniform3(1u32..=40),
        crs in prop::array::uniform3(1u32..=10),
        cap in 1u32..=100,
    ) {
        let mut f = String::from("symbol,factor,cap_ratio\n");
        for (i, sym) in ["AAA", "BBB", "CCC"].iter().enumerate() {
            let cr = if crs[i] == 10 { "1".to_string() } else { format!("0.{}", crs[i]) };
            writeln!(f, "{sym},{}.{},{cr}", pafs[i] / 4, pafs[i] % 4 * 25).unwrap();
        }
        let cap = if cap == 100 { "1".to_string() } else { format!("0.{cap:02}") };
        let s = Scratch::with(&[("prices.csv", &flat_prices(&prices)), ("factors.csv", &f)]);
        let (out, _) = outputs_of(s.cmd().args([
            "compute", "-m", "pw", "--decimals", "12", "--factors", "factors.csv",
            "--weight-cap", &cap, "--cap-review-dates", "2024-01-02", "prices.csv",
        ]));
        let levels: Vec<&str> = out.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
        prop_assert_eq!(levels.len(), 2);
        prop_assert_eq!(levels[0], levels[1], "{}\n{}", f, out);
    }
}
