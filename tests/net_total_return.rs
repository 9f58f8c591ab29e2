//! Net total return: `--total-return gross|net|gross,net` with `--withholding RATE`.
//!
//! The golden case `tests/data/net_total_return/` (two members, cap-weighted) is worked out by
//! hand with exact fractions below; the properties (net = gross exactly at withholding 0, net ≤
//! gross) are in `properties.rs`.

use std::fs;

mod common;
use common::{data, fails, idx, stdout_of, Scratch};

/// `idx compute` in the golden case's directory with `args`, cap-weighted, its actions file.
fn compute(args: &[&str]) -> String {
    stdout_of(
        idx()
            .current_dir(data("net_total_return"))
            .args([
                "compute",
                "--method",
                "cap-weighted",
                "--actions",
                "actions.csv",
            ])
            .args(args)
            .arg("prices.csv"),
    )
}

/// The golden case, gross and net at 30% side by side, 5 decimals (every value is exact):
///
/// - 05-01 base: MV = 50·1000 + 25·2000 = 100000, level 100, so D = 100000/100 = 1000;
///   TR = NTR = 100.
/// - 05-02 A goes ex an ordinary dividend of 1 (prices unchanged): no divisor change, level
///   100000/1000 = 100. Gross points = 1000·1/1000 = 1: TR = 100·(100 + 1)/100 = 101.
///   Net points = (1 − 0.30)·1 = 0.7: NTR = 100·(100 + 0.7)/100 = 100.7.
/// - 05-03 B's special dividend of 1.25 is a price adjustment, not reinvested: B's previous
///   close is restated to 25 − 1.25 = 23.75, so D = 1000·(50000 + 47500)/100000 = 975. Closes
///   51.45 and 24: level (51450 + 48000)/975 = 99450/975 = 102, no points:
///   TR = 101·102/100 = 103.02, NTR = 100.7·102/100 = 102.714.
/// - 05-06 B goes ex an ordinary dividend of 0.39 (prices unchanged, level 102). Gross points =
///   2000·0.39/975 = 780/975 = 0.8: TR = 103.02·(102 + 0.8)/102 = 1.01·102.8 = 103.828.
///   Net points = 0.7·0.8 = 0.56: NTR = 102.714·(102 + 0.56)/102 = 1.007·102.56 = 103.27792.
const GOLDEN: &str = "\
date,level,divisor,constituents,total_return,net_total_return
2024-05-01,100.00000,1000,2,100.00000,100.00000
2024-05-02,100.00000,1000,2,101.00000,100.70000
2024-05-03,102.00000,975,2,103.02000,102.71400
2024-05-06,102.00000,975,2,103.82800,103.27792
";

#[test]
fn golden_gross_and_net_side_by_side() {
    let out = compute(&[
        "--total-return",
        "gross,net",
        "--withholding",
        "0.30",
        "--decimals",
        "5",
    ]);
    assert_eq!(out, GOLDEN);
    let expected = fs::read_to_string(data("net_total_return").join("expected.csv")).unwrap();
    assert_eq!(expected, GOLDEN, "expected.csv is the output above");
}

#[test]
fn net_alone_writes_only_the_net_column() {
    // The same net values; `net,gross` is the same request as `gross,net` (gross first).
    let out = compute(&[
        "--total-return",
        "net",
        "--withholding",
        "0.3",
        "--decimals",
        "5",
    ]);
    assert_eq!(
        out,
        "date,level,divisor,constituents,net_total_return\n\
         2024-05-01,100.00000,1000,2,100.00000\n\
         2024-05-02,100.00000,1000,2,100.70000\n\
         2024-05-03,102.00000,975,2,102.71400\n\
         2024-05-06,102.00000,975,2,103.27792\n"
    );
    let swapped = compute(&[
        "--total-return",
        "net,gross",
        "--withholding",
        "0.30",
        "--decimals",
        "5",
    ]);
    assert_eq!(swapped, GOLDEN);
}

#[test]
fn several_methods_write_a_gross_and_a_net_column_each() {
    // Price-weighted: D = 2 (two members), level (50 + 25)/2 = 37.5; on 05-02 gross points
    // 1/2 = 0.5: TR = 37.5·38/37.5 = 38, net points 0.7·0.5 = 0.35: NTR = 37.85.
    // Cap-weighted as in GOLDEN.
    let out = stdout_of(
        idx()
            .current_dir(data("net_total_return"))
            .args(["compute", "-m", "pw,cw", "--actions", "actions.csv"])
            .args(["--total-return", "gross,net", "--withholding", "0.30"])
            .args(["--to", "2024-05-02", "prices.csv"]),
    );
    assert_eq!(
        out,
        "date,price-weighted,cap-weighted,price-weighted_total_return,cap-weighted_total_return,\
         price-weighted_net_total_return,cap-weighted_net_total_return\n\
         2024-05-01,37.50,100.00,37.50,100.00,37.50,100.00\n\
         2024-05-02,37.50,100.00,38.00,101.00,37.85,100.70\n"
    );
}

#[test]
fn plain_total_return_is_gross_as_before() {
    // `--total-return` with no kind, before the prices file (which clap first takes as the
    // flag's value), after it, and `--total-return=gross` all write the gross column only.
    let gross = "date,level,divisor,constituents,total_return\n\
                 2024-05-01,100.00,1000,2,100.00\n\
                 2024-05-02,100.00,1000,2,101.00\n\
                 2024-05-03,102.00,975,2,103.02\n\
                 2024-05-06,102.00,975,2,103.83\n";
    let run = |args: &[&str]| {
        stdout_of(
            idx()
                .current_dir(data("net_total_return"))
                .args(["compute", "-m", "cw", "--actions", "actions.csv"])
                .args(args),
        )
    };
    assert_eq!(run(&["--total-return", "prices.csv"]), gross);
    assert_eq!(run(&["prices.csv", "--total-return"]), gross);
    assert_eq!(run(&["--total-return=gross", "prices.csv"]), gross);
    assert_eq!(run(&["--total-return", "gross", "prices.csv"]), gross);
    // From stdin: `-` after the flag is the prices file too.
    let prices = fs::read_to_string(data("net_total_return").join("prices.csv")).unwrap();
    let piped = stdout_of(
        idx()
            .current_dir(data("net_total_return"))
            .args(["compute", "-m", "cw", "--actions", "actions.csv"])
            .args(["--total-return", "-"])
            .write_stdin(prices),
    );
    assert_eq!(piped, gross);
}

#[test]
fn withholding_zero_makes_net_equal_to_gross() {
    let out = compute(&["--total-return", "gross,net", "--withholding", "0"]);
    for line in out.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[4], cells[5], "{line}");
    }
}

#[test]
fn returns_reads_the_net_column() {
    // Inception of the net index: 103.27792/100 − 1 = 0.0327792 (levels read with 5 decimals).
    let out = stdout_of(
        idx()
            .current_dir(data("net_total_return"))
            .args(["returns", "--method", "cw", "--actions", "actions.csv"])
            .args(["--total-return", "gross,net", "--withholding", "0.30"])
            .args(["--column", "net_total_return", "--period", "inception"])
            .args(["--format", "csv", "--level-decimals", "5", "prices.csv"]),
    );
    assert_eq!(
        out,
        "series,metric,value,start,end,partial,note\n\
         net_total_return,inception,0.0327792,2024-05-01,2024-05-06,false,\n"
    );
    // Piped from compute, the column is there to choose as well.
    let levels = compute(&["--total-return", "gross,net", "--withholding", "0.30"]);
    let s = Scratch::with(&[("levels.csv", &levels)]);
    let out = stdout_of(s.cmd().args([
        "returns",
        "--column",
        "net_total_return",
        "--period",
        "inception",
        "--format",
        "csv",
        "levels.csv",
    ]));
    // 103.28/100 − 1 = 0.0328 (the levels as written, with 2 decimals).
    assert_eq!(
        out,
        "series,metric,value,start,end,partial,note\n\
         net_total_return,inception,0.0328,2024-05-01,2024-05-06,false,\n"
    );
}

#[test]
fn bad_total_return_flags_are_usage_errors() {
    let case = |args: &[&str], needles: &[&str]| {
        let stderr = fails(
            idx()
                .current_dir(data("net_total_return"))
                .args(["compute", "-m", "cw", "--actions", "actions.csv"])
                .args(args)
                .arg("prices.csv"),
            2,
            needles,
        );
        assert!(stderr.contains("\n  hint: "), "no hint:\n{stderr}");
    };
    // Outside [0, 1).
    for w in ["1", "1.5", "-0.1", "-1"] {
        case(
            &["--total-return", "net", "--withholding", w],
            &[&format!(
                "--withholding must be at least 0 and below 1, got {w}"
            )],
        );
    }
    // Without net.
    case(
        &["--withholding", "0.30"],
        &[
            "--withholding applies only to the net total return",
            "--total-return net",
        ],
    );
    case(
        &["--total-return", "--withholding", "0.30"],
        &["--withholding applies only to the net total return"],
    );
    case(
        &["--total-return", "gross", "--withholding", "0.30"],
        &["--withholding applies only to the net total return"],
    );
    // Net needs a rate.
    case(
        &["--total-return", "net"],
        &["--total-return net needs --withholding RATE", "0.30"],
    );
    // Unknown or repeated kinds.
    case(
        &["--total-return", "grosss"],
        &["--total-return takes gross, net or gross,net, got 'grosss'"],
    );
    case(
        &["--total-return", "net,net", "--withholding", "0.3"],
        &["got 'net,net'"],
    );
    // `idx returns` on level files: the flags describe constituent data.
    fails(
        idx().current_dir(data("net_total_return")).args([
            "returns",
            "--withholding",
            "0.3",
            "prices.csv",
        ]),
        2,
        &["--withholding needs --method"],
    );
}
