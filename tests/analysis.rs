//! Command-line tests of issue 4: `idx weights`, `idx share`, `idx relative` and
//! `idx compute --group-by`.
//!
//! Every expected number is worked out by hand in the comment next to it, copied from the shared
//! vectors named in the issue, or computed here independently from the input (with `Decimal`
//! arithmetic on the raw prices, share counts and market caps), never from idx's own library.
//! Fixtures are in tests/data/analysis/; the sample is data/ at the crate root.

use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use tempfile::TempDir;

mod common;
use common::{d, data, fails_loosely, idx, outputs_of_no_panic, path_str, sample};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// `tests/data/analysis/<name>`.
fn fixture(name: &str) -> String {
    path_str(&data("analysis").join(name))
}

/// `tests/data/readme/<name>`.
fn readme(name: &str) -> String {
    path_str(&data("readme").join(name))
}

/// The sample's input flags: `--actions data/actions.csv --constituents data/constituents.csv`.
fn sample_flags() -> Vec<String> {
    vec![
        "--actions".into(),
        sample("actions.csv"),
        "--constituents".into(),
        sample("constituents.csv"),
    ]
}

/// A CSV written by idx (no quoting needed in these tests): header and rows.
fn table(csv: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = csv.lines();
    let header = lines
        .next()
        .expect("a header")
        .split(',')
        .map(String::from)
        .collect::<Vec<_>>();
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(String::from).collect::<Vec<_>>())
        .collect();
    for r in &rows {
        assert_eq!(r.len(), header.len(), "ragged row {r:?} under {header:?}");
    }
    (header, rows)
}

/// The rows of a table as maps from column name to cell.
fn records(csv: &str) -> Vec<BTreeMap<String, String>> {
    let (h, rows) = table(csv);
    rows.into_iter()
        .map(|r| h.iter().cloned().zip(r).collect())
        .collect()
}

/// One row of `idx weights`' default output.
#[derive(Debug, Clone, PartialEq)]
struct W {
    date: String,
    rank: usize,
    symbol: String,
    price: Decimal,
    index_shares: Decimal,
    value: Decimal,
    weight: Decimal,
    cumulative: Decimal,
}

fn weights_rows(csv: &str) -> Vec<W> {
    let (h, rows) = table(csv);
    assert_eq!(
        h.join(","),
        "date,rank,symbol,price,index_shares,value,weight,cumulative"
    );
    rows.into_iter()
        .map(|r| W {
            date: r[0].clone(),
            rank: r[1].parse().unwrap(),
            symbol: r[2].clone(),
            price: d(&r[3]),
            index_shares: d(&r[4]),
            value: d(&r[5]),
            weight: d(&r[6]),
            cumulative: d(&r[7]),
        })
        .collect()
}

/// `(symbol, weight as written)` of each row, in order.
fn sym_weights(csv: &str) -> Vec<(String, String)> {
    let (_, rows) = table(csv);
    rows.into_iter()
        .map(|r| (r[2].clone(), r[6].clone()))
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Every distinct value of the `date` column of a prices file, sorted.
fn file_dates(prices: &str) -> Vec<String> {
    let text = fs::read_to_string(prices).unwrap();
    let set: BTreeSet<String> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    set.into_iter().collect()
}

/// `10^-decimals`.
fn ulp(decimals: u32) -> Decimal {
    Decimal::new(1, decimals)
}

// ---------------------------------------------------------------------------------------------
// 1. idx weights: hand-computed weights for each method, rank, cumulative and the flags
// ---------------------------------------------------------------------------------------------

// tests/data/analysis/three.csv:
//   2024-03-01  AAA p=10 shares 300 float 1    BBB p=20 shares 200 float 0.5    CCC p=40 shares 125
//   2024-03-04  AAA p=20                       BBB p=20                         CCC p=40

#[test]
fn weights_cap_weighted_are_float_adjusted_caps_over_their_sum() {
    let three = fixture("three.csv");
    // 2024-03-01: q = shares × float: AAA 300, BBB 200×0.5 = 100, CCC 125.
    // Values 300×10 = 3000, 100×20 = 2000, 125×40 = 5000; total 10000 → 0.3, 0.2, 0.5.
    let out =
        outputs_of_no_panic(idx().args(["weights", "-m", "cw", "--date", "2024-03-01", &three])).0;
    assert_eq!(
        out,
        "date,rank,symbol,price,index_shares,value,weight,cumulative\n\
         2024-03-01,1,CCC,40,125,5000,0.5000000000,0.5000000000\n\
         2024-03-01,2,AAA,10,300,3000,0.3000000000,0.8000000000\n\
         2024-03-01,3,BBB,20,100,2000,0.2000000000,1.0000000000\n"
    );
    // 2024-03-04 (the default: the last index date): values 6000, 2000, 5000; total 13000.
    //   AAA 6/13 = 0.4615384615|38…   CCC 5/13 = 0.3846153846|15…   BBB 2/13 = 0.1538461538|46…
    // Floors add up to 0.9999999999; the one missing unit goes to the largest remainder, BBB's
    // (.46 > .38 > .15), so BBB is written 0.1538461539 although plain rounding gives …538 (and
    // plain rounding's three weights add up to 0.9999999999).
    let out = outputs_of_no_panic(idx().args(["weights", "-m", "cw", &three])).0;
    assert_eq!(
        out,
        "date,rank,symbol,price,index_shares,value,weight,cumulative\n\
         2024-03-04,1,AAA,20,300,6000,0.4615384615,0.4615384615\n\
         2024-03-04,2,CCC,40,125,5000,0.3846153846,0.8461538461\n\
         2024-03-04,3,BBB,20,100,2000,0.1538461539,1.0000000000\n"
    );
    let plain: Decimal = ["6", "5", "2"]
        .iter()
        .map(|n| (d(n) / d("13")).round_dp(10))
        .sum();
    assert_eq!(
        plain,
        d("0.9999999999"),
        "the case where plain rounding fails"
    );
}

#[test]
fn weights_price_weighted_are_prices_over_their_sum() {
    let three = fixture("three.csv");
    // 2024-03-01: q = 1; prices 10, 20, 40, sum 70.
    //   CCC 4/7 = 0.5714285714|29   BBB 2/7 = 0.2857142857|14   AAA 1/7 = 0.1428571428|57
    // Floors add up to 0.9999999999; AAA has the largest remainder and gets the unit.
    let out =
        outputs_of_no_panic(idx().args(["weights", "-m", "pw", "--date", "2024-03-01", &three])).0;
    assert_eq!(
        out,
        "date,rank,symbol,price,index_shares,value,weight,cumulative\n\
         2024-03-01,1,CCC,40,1,40,0.5714285714,0.5714285714\n\
         2024-03-01,2,BBB,20,1,20,0.2857142857,0.8571428571\n\
         2024-03-01,3,AAA,10,1,10,0.1428571429,1.0000000000\n"
    );
    // 2024-03-04: 20, 20, 40 of 80 → 0.25, 0.25, 0.5; the tie is ranked by symbol. Share counts
    // and float do not matter to price weight.
    let out = outputs_of_no_panic(idx().args(["weights", "-m", "price-weighted", &three])).0;
    assert_eq!(
        sym_weights(&out),
        pairs(&[
            ("CCC", "0.5000000000"),
            ("AAA", "0.2500000000"),
            ("BBB", "0.2500000000"),
        ])
    );
    let rows = weights_rows(&out);
    assert_eq!(
        rows.iter().map(|r| r.rank).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert!(rows
        .iter()
        .all(|r| r.index_shares == Decimal::ONE && r.value == r.price));
}

#[test]
fn weights_equal_weighted_drift_after_the_last_rebalance() {
    let drift = fixture("drift.csv");
    // tests/data/analysis/drift.csv: AAA 10 → 20 → 20, BBB 25 → 25 → 50.
    // Base 2024-03-01, base value 100: q = K / (N·p) = 100/(2·10) = 5 for AAA, 100/(2·25) = 2
    // for BBB; values 50 and 50: weights 1/2, 1/2.
    let base = ["weights", "-m", "ew", "--rebalance-dates", "2024-03-04"];
    let out =
        outputs_of_no_panic(idx().args([&base[..], &["--date", "2024-03-01", &drift]].concat())).0;
    assert_eq!(
        out,
        "date,rank,symbol,price,index_shares,value,weight,cumulative\n\
         2024-03-01,1,AAA,10,5,50,0.5000000000,0.5000000000\n\
         2024-03-01,2,BBB,25,2,50,0.5000000000,1.0000000000\n"
    );
    // 2024-03-04: AAA doubles; buy and hold: values 5×20 = 100 and 2×25 = 50: 2/3 and 1/3. The
    // rebalance is effective after this close, so today's weights have still drifted.
    let out =
        outputs_of_no_panic(idx().args([&base[..], &["--date", "2024-03-04", &drift]].concat())).0;
    assert_eq!(
        out,
        "date,rank,symbol,price,index_shares,value,weight,cumulative\n\
         2024-03-04,1,AAA,20,5,100,0.6666666667,0.6666666667\n\
         2024-03-04,2,BBB,25,2,50,0.3333333333,1.0000000000\n"
    );
    // Rebalanced after the close of 2024-03-04: K = 100 + 50 = 150, q = 150/(2·20) = 3.75 for
    // AAA and 150/(2·25) = 3 for BBB. 2024-03-05: BBB doubles: values 3.75×20 = 75 and
    // 3×50 = 150: BBB 2/3, AAA 1/3.
    let out = outputs_of_no_panic(idx().args([&base[..], &[&drift[..]]].concat())).0;
    assert_eq!(
        out,
        "date,rank,symbol,price,index_shares,value,weight,cumulative\n\
         2024-03-05,1,BBB,50,3,150,0.6666666667,0.6666666667\n\
         2024-03-05,2,AAA,20,3.75,75,0.3333333333,1.0000000000\n"
    );
    // Never rebalanced: still q = 5 and 2: values 100 and 100: 1/2 each.
    let out =
        outputs_of_no_panic(idx().args(["weights", "-m", "ew", "--rebalance", "none", &drift])).0;
    assert_eq!(
        sym_weights(&out),
        pairs(&[("AAA", "0.5000000000"), ("BBB", "0.5000000000")])
    );
    assert_eq!(
        weights_rows(&out)
            .iter()
            .map(|r| r.value)
            .collect::<Vec<_>>(),
        vec![d("100"), d("100")]
    );
    // three.csv, buy and hold from equal values: AAA doubled, BBB and CCC unchanged: 2:1:1.
    let out = outputs_of_no_panic(idx().args([
        "weights",
        "-m",
        "ew",
        "--rebalance",
        "none",
        &fixture("three.csv"),
    ]))
    .0;
    assert_eq!(
        sym_weights(&out),
        pairs(&[
            ("AAA", "0.5000000000"),
            ("BBB", "0.2500000000"),
            ("CCC", "0.2500000000"),
        ])
    );
}

#[test]
fn weights_top_keeps_the_largest_with_ranks_and_cumulative_of_all() {
    let three = fixture("three.csv");
    let out = outputs_of_no_panic(idx().args(["weights", "-m", "cw", "--top", "2", &three])).0;
    // The first two rows of the full table (see the cap-weighted test).
    assert_eq!(
        out,
        "date,rank,symbol,price,index_shares,value,weight,cumulative\n\
         2024-03-04,1,AAA,20,300,6000,0.4615384615,0.4615384615\n\
         2024-03-04,2,CCC,40,125,5000,0.3846153846,0.8461538461\n"
    );
    // --top larger than the index: every constituent.
    let all = outputs_of_no_panic(idx().args(["weights", "-m", "cw", &three])).0;
    assert_eq!(
        outputs_of_no_panic(idx().args(["weights", "-m", "cw", "--top", "50", &three])).0,
        all
    );
    // --top with the sample: the 3 largest of 12 are the first 3 rows of the full table, the
    // cumulative weight of rank 3 is below 1 (others follow).
    let mut args = vec!["weights".to_string(), "-m".into(), "cw".into(), "-q".into()];
    args.extend(sample_flags());
    args.push(sample("prices.csv"));
    let full = outputs_of_no_panic(idx().args(&args)).0;
    let mut top = args.clone();
    top.insert(1, "3".into());
    top.insert(1, "--top".into());
    let top3 = outputs_of_no_panic(idx().args(&top)).0;
    let first4: Vec<&str> = full.lines().take(4).collect();
    assert_eq!(top3, format!("{}\n", first4.join("\n")));
    assert!(weights_rows(&top3)[2].cumulative < Decimal::ONE);
    assert_eq!(weights_rows(&full).len(), 12);
}

#[test]
fn weights_date_selects_the_day_and_a_non_index_date_names_the_nearest() {
    let prices = sample("prices.csv");
    let mut args = vec!["weights".to_string(), "-m".into(), "pw".into(), "-q".into()];
    args.extend(sample_flags());
    // 2024-01-02 is the first date; price weight = p / Σ p over its 12 constituents, computed
    // here from the prices file's rows of that date.
    let text = fs::read_to_string(&prices).unwrap();
    let day: Vec<(String, Decimal)> = text
        .lines()
        .filter(|l| l.starts_with("2024-01-02,"))
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[1].to_string(), d(c[2]))
        })
        .collect();
    assert_eq!(day.len(), 12);
    let total: Decimal = day.iter().map(|x| x.1).sum();
    let out = outputs_of_no_panic(
        idx().args(
            [
                &args[..],
                &["--date".into(), "2024-01-02".into(), prices.clone()],
            ]
            .concat(),
        ),
    )
    .0;
    let rows = weights_rows(&out);
    assert_eq!(rows.len(), 12);
    for r in &rows {
        assert_eq!(r.date, "2024-01-02");
        let p = day.iter().find(|x| x.0 == r.symbol).unwrap().1;
        assert_eq!(r.price, p);
        assert!((r.weight - p / total).abs() < ulp(10), "{r:?}");
    }
    // 2024-01-06 is a Saturday: the nearest index dates are Friday 2024-01-05 and Monday
    // 2024-01-08.
    fails_loosely(
        idx().args(
            [
                &args[..],
                &["--date".into(), "2024-01-06".into(), prices.clone()],
            ]
            .concat(),
        ),
        1,
        &[
            "2024-01-06",
            "not an index date",
            "2024-01-05",
            "2024-01-08",
        ],
    );
    // Before the first and after the last date: one neighbour each.
    fails_loosely(
        idx().args(
            [
                &args[..],
                &["--date".into(), "2023-12-29".into(), prices.clone()],
            ]
            .concat(),
        ),
        1,
        &["2023-12-29", "2024-01-02"],
    );
    fails_loosely(
        idx().args(
            [
                &args[..],
                &["--date".into(), "2025-04-01".into(), prices.clone()],
            ]
            .concat(),
        ),
        1,
        &["2025-04-01", "2025-03-31"],
    );
}

#[test]
fn weights_by_group_sum_the_weights_of_each_group() {
    let three = fixture("three.csv");
    // Cap-weighted on 2024-03-04: Tech = AAA 0.4615384615 + BBB 0.1538461539 = 0.6153846154
    // (8/13 = 0.61538461538…), Banks = CCC 0.3846153846.
    let out = outputs_of_no_panic(idx().args(["weights", "-m", "cw", "--by", "group", &three])).0;
    assert_eq!(
        out,
        "date,rank,group,constituents,weight,cumulative\n\
         2024-03-04,1,Tech,2,0.6153846154,0.6153846154\n\
         2024-03-04,2,Banks,1,0.3846153846,1.0000000000\n"
    );
    // Price-weighted on 2024-03-01: Tech (10 + 20)/70 = 3/7, Banks 40/70 = 4/7. Written weights:
    // AAA 0.1428571429 + BBB 0.2857142857 = 0.4285714286; CCC 0.5714285714.
    let out = outputs_of_no_panic(idx().args([
        "weights",
        "-m",
        "pw",
        "--by",
        "group",
        "--date",
        "2024-03-01",
        &three,
    ]))
    .0;
    assert_eq!(
        out,
        "date,rank,group,constituents,weight,cumulative\n\
         2024-03-01,1,Banks,1,0.5714285714,0.5714285714\n\
         2024-03-01,2,Tech,2,0.4285714286,1.0000000000\n"
    );
    // The sample: each group's weight is the sum of its members' rows of `idx weights` (groups
    // read here from the prices file), on a date after ZHTL left and ZMKE joined.
    let prices = sample("prices.csv");
    let text = fs::read_to_string(&prices).unwrap();
    let group_of: BTreeMap<String, String> = text
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[1].to_string(), c[4].to_string())
        })
        .collect();
    for date in ["2024-06-10", "2025-03-31"] {
        let mut args = vec!["weights".to_string(), "-m".into(), "cw".into(), "-q".into()];
        args.extend(sample_flags());
        args.extend(["--date".to_string(), date.to_string()]);
        let rows = weights_rows(
            &outputs_of_no_panic(idx().args([&args[..], std::slice::from_ref(&prices)].concat())).0,
        );
        let mut sums: BTreeMap<String, (Decimal, usize)> = BTreeMap::new();
        for r in &rows {
            let e = sums.entry(group_of[&r.symbol].clone()).or_default();
            e.0 += r.weight;
            e.1 += 1;
        }
        let by = records(
            &outputs_of_no_panic(
                idx().args([&args[..], &["--by".into(), "group".into(), prices.clone()]].concat()),
            )
            .0,
        );
        assert_eq!(by.len(), sums.len());
        let mut cumulative = Decimal::ZERO;
        let mut last = Decimal::ONE;
        for (k, r) in by.iter().enumerate() {
            let (w, n) = sums[&r["group"]];
            assert_eq!(d(&r["weight"]), w, "{date} {}", r["group"]);
            assert_eq!(r["constituents"], n.to_string());
            assert_eq!(r["rank"], (k + 1).to_string());
            assert!(w <= last, "groups are sorted by weight, descending");
            last = w;
            cumulative += w;
            assert_eq!(d(&r["cumulative"]), cumulative);
            assert_eq!(r["date"], date);
        }
        assert_eq!(cumulative, Decimal::ONE);
    }
}

#[test]
fn weights_decimals_round_by_largest_remainder() {
    let three = fixture("three.csv");
    // 3 decimals, 2024-03-04 cap-weighted: 6/13 = 0.461|538, 5/13 = 0.384|615, 2/13 = 0.153|846.
    // Floors add up to 0.998: the two missing units go to BBB (.846) and CCC (.615). AAA stays
    // 0.461 (plain rounding would write 0.462, and 0.462 + 0.385 + 0.154 = 1.001).
    let out = outputs_of_no_panic(idx().args(["weights", "-m", "cw", "--decimals", "3", &three])).0;
    assert_eq!(
        out,
        "date,rank,symbol,price,index_shares,value,weight,cumulative\n\
         2024-03-04,1,AAA,20,300,6000,0.461,0.461\n\
         2024-03-04,2,CCC,40,125,5000,0.385,0.846\n\
         2024-03-04,3,BBB,20,100,2000,0.154,1.000\n"
    );
    // 20 decimals: 6/13 = 0.46153846153846153846|15…, 5/13 = 0.38461538461538461538|46…,
    // 2/13 = 0.15384615384615384615|38…: floors add up to 1 − 1e-20; CCC's remainder (.46) is
    // the largest.
    let out =
        outputs_of_no_panic(idx().args(["weights", "-m", "cw", "--decimals", "20", &three])).0;
    assert_eq!(
        sym_weights(&out),
        pairs(&[
            ("AAA", "0.46153846153846153846"),
            ("CCC", "0.38461538461538461539"),
            ("BBB", "0.15384615384615384615"),
        ])
    );
    // Out of range: 0 and 21 are refused as usage errors.
    fails_loosely(
        idx().args(["weights", "-m", "cw", "--decimals", "0", &three]),
        2,
        &[],
    );
    fails_loosely(
        idx().args(["weights", "-m", "cw", "--decimals", "21", &three]),
        2,
        &[],
    );
}

#[test]
fn weights_json_and_output_file() {
    let three = fixture("three.csv");
    let out =
        outputs_of_no_panic(idx().args(["weights", "-m", "cw", "--format", "json", &three])).0;
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let arr = v.as_array().expect("an array of rows");
    assert_eq!(arr.len(), 3);
    let expect = [
        ("AAA", 1, "0.4615384615", "0.4615384615"),
        ("CCC", 2, "0.3846153846", "0.8461538461"),
        ("BBB", 3, "0.1538461539", "1.0000000000"),
    ];
    for (row, (sym, rank, w, c)) in arr.iter().zip(expect) {
        assert_eq!(row["date"], "2024-03-04");
        assert_eq!(row["symbol"], sym);
        assert_eq!(row["rank"], rank);
        // Numbers, written with the output decimals.
        assert!(row["weight"].is_number() && row["cumulative"].is_number());
        assert!(out.contains(&format!("\"weight\": {w}")), "{out}");
        assert!(out.contains(&format!("\"cumulative\": {c}")), "{out}");
    }
    // -o writes the same bytes to the file and nothing to stdout.
    let dir = TempDir::new().unwrap();
    for format in ["csv", "json"] {
        let file = dir.path().join(format!("w.{format}"));
        let file = path_str(&file);
        let stdout =
            outputs_of_no_panic(idx().args(["weights", "-m", "cw", "--format", format, &three])).0;
        let written = outputs_of_no_panic(idx().args([
            "weights", "-m", "cw", "--format", format, "-o", &file, &three,
        ]))
        .0;
        assert_eq!(written, "");
        assert_eq!(fs::read_to_string(&file).unwrap(), stdout);
    }
    // A failing run leaves no file behind.
    let file = path_str(&dir.path().join("none.csv"));
    fails_loosely(
        idx().args([
            "weights",
            "-m",
            "cw",
            "--date",
            "2024-03-02",
            "-o",
            &file,
            &three,
        ]),
        1,
        &["2024-03-01", "2024-03-04"],
    );
    assert!(!Path::new(&file).exists());
}

#[test]
fn weights_and_share_take_exactly_one_method() {
    let three = fixture("three.csv");
    fails_loosely(
        idx().args(["weights", "-m", "cw,pw", &three]),
        2,
        &["one --method"],
    );
    fails_loosely(idx().args(["weights", &three]), 2, &["one --method"]);
    fails_loosely(
        idx().args(["share", "-m", "cw,ew", "--members", "AAA", &three]),
        2,
        &["one --method"],
    );
}

// ---------------------------------------------------------------------------------------------
// 2. The written weights of every date add up to exactly 1
// ---------------------------------------------------------------------------------------------

/// Thirds: three equal values. Plain rounding writes 0.3333333333 three times (0.9999999999);
/// the largest remainder gives the tie's first (by weight, then symbol) the missing unit.
#[test]
fn weights_of_thirds_add_up_to_one() {
    let thirds = fixture("thirds.csv");
    // Cap-weighted: values 10×600 = 20×300 = 30×200 = 6000.
    let out = outputs_of_no_panic(idx().args(["weights", "-m", "cw", &thirds])).0;
    assert_eq!(
        out,
        "date,rank,symbol,price,index_shares,value,weight,cumulative\n\
         2024-03-01,1,AAA,10,600,6000,0.3333333334,0.3333333334\n\
         2024-03-01,2,BBB,20,300,6000,0.3333333333,0.6666666667\n\
         2024-03-01,3,CCC,30,200,6000,0.3333333333,1.0000000000\n"
    );
    let plain = (Decimal::ONE / d("3")).round_dp(10) * d("3");
    assert_eq!(plain, d("0.9999999999"), "plain rounding does not add up");
    // Equal-weighted on its base date: 1/3 each, too.
    let out = outputs_of_no_panic(idx().args(["weights", "-m", "ew", &thirds])).0;
    let mut ws: Vec<String> = sym_weights(&out).into_iter().map(|x| x.1).collect();
    ws.sort();
    assert_eq!(ws, ["0.3333333333", "0.3333333333", "0.3333333334"]);
    // At every number of decimals, for every method: n − 1 weights of 0.33…3 and one 0.33…4
    // (price-weighted: 1/6, 1/3, 1/2), adding up to exactly 1.
    for decimals in 1..=20u32 {
        for m in ["cw", "pw", "ew"] {
            let out = outputs_of_no_panic(idx().args([
                "weights",
                "-m",
                m,
                "--decimals",
                &decimals.to_string(),
                &thirds,
            ]))
            .0;
            let rows = weights_rows(&out);
            let sum: Decimal = rows.iter().map(|r| r.weight).sum();
            assert_eq!(sum, Decimal::ONE, "{m} at {decimals} decimals:\n{out}");
            assert_eq!(rows[2].cumulative, Decimal::ONE);
            let total: Decimal = rows.iter().map(|r| r.value).sum();
            for r in &rows {
                assert_eq!(r.weight.scale(), decimals, "{out}");
                assert!((r.weight - r.value / total).abs() < ulp(decimals), "{out}");
            }
        }
    }
}

/// Every date of the sample, every method: the written weights add up to exactly 1, each is
/// within one unit of the last decimal of its exact weight value / Σ value (computed here), the
/// rows are ranked by weight with a running cumulative column; and the share of a set equals,
/// date by date, the sum of its members' rows.
#[test]
fn weights_on_every_date_add_up_to_one_and_shares_are_sums_of_weights() {
    let prices = sample("prices.csv");
    let dates = file_dates(&prices);
    assert_eq!(dates.len(), 312, "the sample's trading days");
    // A set with a member that leaves (ZHTL after 2024-09-20) and one that joins (ZMKE from
    // 2024-09-23).
    let set = ["ZALF", "ZKLO", "ZHTL", "ZMKE"];
    let mut plain_fails = 0usize;
    for method in ["cw", "pw", "ew"] {
        let mut base = vec!["-m".to_string(), method.into(), "-q".into()];
        base.extend(sample_flags());
        // The index dates and constituent counts, from compute.
        let compute = records(
            &outputs_of_no_panic(
                idx().args(
                    [
                        &["compute".to_string()][..],
                        &base[..],
                        std::slice::from_ref(&prices),
                    ]
                    .concat(),
                ),
            )
            .0,
        );
        let index_dates: Vec<String> = compute.iter().map(|r| r["date"].clone()).collect();
        assert_eq!(
            index_dates, dates,
            "{method}: every trading day is an index date"
        );
        // The share of the set, one row per date.
        let (share_out, share_err) = outputs_of_no_panic(
            idx().args(
                [
                    &["share".to_string(), "--members".into(), set.join(",")][..],
                    &base[..],
                    std::slice::from_ref(&prices),
                ]
                .concat(),
            ),
        );
        let shares = records(&share_out);
        assert_eq!(shares.len(), dates.len());
        // -q silences the partial-membership warnings (ZHTL leaves, ZMKE joins).
        assert!(share_err.is_empty(), "{method}: -q and still:\n{share_err}");
        // Weights of each date, on two threads.
        let results: Vec<(String, Vec<W>)> = std::thread::scope(|s| {
            let handles: Vec<_> = dates
                .chunks(dates.len().div_ceil(2))
                .map(|chunk| {
                    let base = &base;
                    let prices = &prices;
                    s.spawn(move || {
                        chunk
                            .iter()
                            .map(|date| {
                                let out = outputs_of_no_panic(
                                    idx().args(
                                        [
                                            &["weights".to_string()][..],
                                            &base[..],
                                            &["--date".to_string(), date.clone(), prices.clone()],
                                        ]
                                        .concat(),
                                    ),
                                )
                                .0;
                                (date.clone(), weights_rows(&out))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        assert_eq!(results.len(), dates.len());
        for (k, (date, rows)) in results.iter().enumerate() {
            let ctx = format!("{method} {date}");
            assert_eq!(
                rows.len().to_string(),
                compute[k]["constituents"],
                "{ctx}: one row per constituent"
            );
            let total: Decimal = rows.iter().map(|r| r.value).sum();
            let mut sum = Decimal::ZERO;
            let mut plain = Decimal::ZERO;
            for (i, r) in rows.iter().enumerate() {
                assert_eq!(&r.date, date, "{ctx}");
                assert_eq!(r.rank, i + 1, "{ctx}");
                assert_eq!(r.weight.scale(), 10, "{ctx}: 10 decimals");
                if i > 0 {
                    assert!(r.weight <= rows[i - 1].weight, "{ctx}: not sorted");
                }
                let exact = r.value / total;
                assert!(
                    (r.weight - exact).abs() < ulp(10),
                    "{ctx}: {} written {} exact {exact}",
                    r.symbol,
                    r.weight
                );
                sum += r.weight;
                assert_eq!(r.cumulative, sum, "{ctx}: cumulative of {}", r.symbol);
                plain += exact.round_dp_with_strategy(10, RoundingStrategy::MidpointAwayFromZero);
            }
            assert_eq!(sum, Decimal::ONE, "{ctx}: the weights add up to {sum}");
            if plain != Decimal::ONE {
                plain_fails += 1;
            }
            // The share of the set on this date = the sum of its members' written weights.
            let members: Vec<&W> = rows
                .iter()
                .filter(|r| set.contains(&r.symbol.as_str()))
                .collect();
            let expect: Decimal = members.iter().map(|r| r.weight).sum();
            let srow = &shares[k];
            assert_eq!(&srow["date"], date);
            assert_eq!(d(&srow["share"]), expect, "{ctx}: share");
            assert_eq!(srow["share"].split('.').nth(1).unwrap().len(), 10);
            assert_eq!(srow["members"], members.len().to_string(), "{ctx}");
        }
    }
    // The test is not vacuous: plain rounding misses 1 on many of these dates.
    assert!(
        plain_fails > 100,
        "plain rounding failed on only {plain_fails} dates"
    );
}

// ---------------------------------------------------------------------------------------------
// 3. idx share
// ---------------------------------------------------------------------------------------------

fn replacement_share(members: &str, extra: &[&str]) -> (String, String) {
    outputs_of_no_panic(
        idx().args(
            [
                &[
                    "share",
                    "-m",
                    "cw",
                    "--members",
                    members,
                    "--constituents",
                    &readme("members.csv"),
                ][..],
                extra,
                &[readme("replacement.csv").as_str()],
            ]
            .concat(),
        ),
    )
}

/// The shared vector of the replacement case, at 20 decimals: within one unit of the 20th
/// decimal of the exact values.
#[test]
fn share_matches_the_replacement_vector() {
    let within = |written: &str, exact: &str| {
        let w = d(written);
        assert_eq!(w.scale(), 20, "{written}");
        assert!((w - d(exact)).abs() < ulp(20), "{written} vs {exact}");
    };
    let at = |members: &str, date: &str| -> (String, String) {
        let (out, _) = replacement_share(members, &["--decimals", "20"]);
        let r = records(&out)
            .into_iter()
            .find(|r| r["date"] == date)
            .unwrap();
        (r["share"].clone(), r["members"].clone())
    };
    // 2024-11-08: AAA 54×1000, BBB 21×2500, EEE 48×3000; total 250500.
    let (s, n) = at("AAA", "2024-11-08");
    within(&s, "0.2155688622754491017964071856"); // 54000/250500
    assert_eq!(n, "1");
    within(&at("BBB", "2024-11-08").0, "0.2095808383233532934131736527"); // 52500/250500
    within(&at("EEE", "2024-11-08").0, "0.5748502994011976047904191617"); // 144000/250500
    let (s, n) = at("AAA,BBB", "2024-11-08");
    within(&s, "0.4251497005988023952095808383"); // 106500/250500
    assert_eq!(n, "2");
    // 2024-11-07: AAA 54.25×1000, BBB 20×2500, CCC 10.2×10000 (EEE joins only on 11-08);
    // total 206250; CCC 102000/206250.
    within(&at("CCC", "2024-11-07").0, "0.4945454545454545454545454545");
    // The whole docs/commands.md example at the default 10 decimals. 2024-11-06: AAA 55000 + BBB 47500
    // of 207500 = 0.4939759036…; 2024-11-07: 104250/206250 = 0.50545454545…, written as the
    // sum of the written weights AAA 0.2630303030 + BBB 0.2424242424 (CCC took the rounding
    // unit: 0.4945454546).
    let (out, _) = replacement_share("AAA,BBB", &[]);
    assert_eq!(
        out,
        "date,share,members\n\
         2024-11-05,0.5000000000,2\n\
         2024-11-06,0.4939759036,2\n\
         2024-11-07,0.5054545454,2\n\
         2024-11-08,0.4251497006,2\n"
    );
}

#[test]
fn share_equals_the_sum_of_weights_on_every_date_of_the_replacement() {
    let members = readme("members.csv");
    let prices = readme("replacement.csv");
    let dates = ["2024-11-05", "2024-11-06", "2024-11-07", "2024-11-08"];
    for decimals in ["10", "4", "20"] {
        let weights: Vec<Vec<W>> = dates
            .iter()
            .map(|date| {
                weights_rows(
                    &outputs_of_no_panic(idx().args([
                        "weights",
                        "-m",
                        "cw",
                        "--decimals",
                        decimals,
                        "--date",
                        date,
                        "--constituents",
                        &members,
                        &prices,
                    ]))
                    .0,
                )
            })
            .collect();
        for set in ["AAA", "AAA,BBB", "BBB,CCC", "CCC,EEE", "AAA,BBB,CCC,EEE"] {
            let (out, _) = replacement_share(set, &["--decimals", decimals]);
            let rows = records(&out);
            assert_eq!(rows.len(), 4);
            for (k, r) in rows.iter().enumerate() {
                assert_eq!(r["date"], dates[k]);
                let expect: Decimal = weights[k]
                    .iter()
                    .filter(|w| set.split(',').any(|m| m == w.symbol))
                    .map(|w| w.weight)
                    .sum();
                assert_eq!(
                    d(&r["share"]),
                    expect,
                    "{set} on {} at {decimals}",
                    dates[k]
                );
            }
        }
    }
    // The whole index is 1 on every date.
    let (out, _) = replacement_share("AAA,BBB,CCC,EEE", &[]);
    assert!(records(&out).iter().all(|r| r["share"] == "1.0000000000"));
}

#[test]
fn share_missing_member_is_an_error_or_with_allow_missing_a_warning() {
    // ZZZ is not in the prices file at all.
    fails_loosely(
        idx().args([
            "share",
            "-m",
            "cw",
            "--members",
            "AAA,ZZZ,BBB",
            "--constituents",
            &readme("members.csv"),
            &readme("replacement.csv"),
        ]),
        1,
        &["ZZZ", "--allow-missing"],
    );
    let (with, err) = replacement_share("AAA,ZZZ,BBB", &["--allow-missing"]);
    assert!(err.contains("warning") && err.contains("ZZZ"), "{err}");
    let (without, _) = replacement_share("AAA,BBB", &[]);
    assert_eq!(with, without, "ZZZ counts as 0");
    // A member in the prices file that is never a constituent: CCC, with a member list that
    // does not list it, is also an error (and a warning with --allow-missing).
    let dir = TempDir::new().unwrap();
    let list = path_str(&dir.path().join("no_ccc.csv"));
    fs::write(&list, "symbol,start,end\nAAA,,\nBBB,,\nEEE,2024-11-08,\n").unwrap();
    let replacement = readme("replacement.csv");
    fails_loosely(
        idx().args([
            "share",
            "-m",
            "cw",
            "--members",
            "AAA,CCC",
            "--constituents",
            &list,
            &replacement,
        ]),
        1,
        &["CCC"],
    );
    let (out, err) = outputs_of_no_panic(idx().args([
        "share",
        "-m",
        "cw",
        "--members",
        "AAA,CCC",
        "--allow-missing",
        "--constituents",
        &list,
        &replacement,
    ]));
    assert!(err.contains("CCC"), "{err}");
    // 2024-11-05 without CCC: AAA 50000 of AAA + BBB = 100000: 0.5.
    assert!(out.contains("2024-11-05,0.5000000000,1\n"), "{out}");
}

#[test]
fn share_member_present_on_some_dates_is_reported() {
    // CCC is a member until 2024-11-07 (3 of 4 dates), EEE from 2024-11-08 (1 of 4).
    let (out, err) = replacement_share("CCC,EEE", &[]);
    assert!(err.contains("CCC") && err.contains('3'), "{err}");
    assert!(err.contains("EEE") && err.contains('1'), "{err}");
    // 11-05: CCC 100000 of 200000; 11-06: 105000 of 207500 = 0.50602409638…;
    // 11-07: CCC 0.4945454546 (written, with the rounding unit); 11-08: EEE 0.5748502994.
    assert_eq!(
        out,
        "date,share,members\n\
         2024-11-05,0.5000000000,1\n\
         2024-11-06,0.5060240964,1\n\
         2024-11-07,0.4945454546,1\n\
         2024-11-08,0.5748502994,1\n"
    );
    // A member on every date: no warning.
    let (_, err) = replacement_share("AAA,BBB", &[]);
    assert_eq!(err, "");
    // --from/--to limit the rows, not the calculation.
    let (out, _) = replacement_share("CCC,EEE", &["--from", "2024-11-06", "--to", "2024-11-07"]);
    assert_eq!(
        out,
        "date,share,members\n\
         2024-11-06,0.5060240964,1\n\
         2024-11-07,0.4945454546,1\n"
    );
}

#[test]
fn share_members_file_with_and_without_header() {
    let dir = TempDir::new().unwrap();
    let (expect, _) = replacement_share("AAA,BBB", &[]);
    for (name, text) in [
        ("plain.txt", "AAA\nBBB\n"),
        ("header.csv", "symbol\nAAA\nBBB\n"),
        ("header_extra.csv", "symbol,note\nAAA,apple\nBBB,\n"),
        ("crlf.txt", "AAA\r\nBBB\r\n\r\n"),
    ] {
        let file = path_str(&dir.path().join(name));
        fs::write(&file, text).unwrap();
        let out = outputs_of_no_panic(idx().args([
            "share",
            "-m",
            "cw",
            "--members-file",
            &file,
            "--constituents",
            &readme("members.csv"),
            &readme("replacement.csv"),
        ]))
        .0;
        assert_eq!(out, expect, "{name}");
    }
    // A file symbol missing from the prices file is an error like --members'.
    let file = path_str(&dir.path().join("bad.txt"));
    fs::write(&file, "AAA\nQQQ\n").unwrap();
    fails_loosely(
        idx().args([
            "share",
            "-m",
            "cw",
            "--members-file",
            &file,
            &readme("replacement.csv"),
        ]),
        1,
        &["QQQ"],
    );
}

#[test]
fn share_members_file_reads_the_symbol_column() {
    let dir = TempDir::new().unwrap();
    let file = path_str(&dir.path().join("m.csv"));
    fs::write(&file, "name,symbol\nFirst,AAA\nSecond,BBB\n").unwrap();
    let (expect, _) = replacement_share("AAA,BBB", &[]);
    let out = outputs_of_no_panic(idx().args([
        "share",
        "-m",
        "cw",
        "--members-file",
        &file,
        "--constituents",
        &readme("members.csv"),
        &readme("replacement.csv"),
    ]))
    .0;
    assert_eq!(out, expect);
}

// ---------------------------------------------------------------------------------------------
// 4. idx relative
// ---------------------------------------------------------------------------------------------

#[test]
fn relative_of_a_series_against_itself_is_100() {
    // Two columns of one file with identical values.
    let out = outputs_of_no_panic(idx().args([
        "relative",
        "--column",
        "first,second",
        &fixture("same.csv"),
    ]))
    .0;
    assert_eq!(
        out,
        "date,relative\n\
         2024-02-01,100.00\n\
         2024-02-02,100.00\n\
         2024-02-05,100.00\n\
         2024-02-06,100.00\n\
         2024-02-07,100.00\n"
    );
    let out = outputs_of_no_panic(idx().args([
        "relative",
        "--column",
        "first,second",
        "--decimals",
        "20",
        &fixture("same.csv"),
    ]))
    .0;
    for r in records(&out) {
        assert_eq!(d(&r["relative"]), d("100"), "exactly 100: {r:?}");
    }
    // `idx relative A.csv A.csv` with the sample's cap-weighted levels (the divisor and
    // constituents columns are not series).
    let dir = TempDir::new().unwrap();
    let levels = path_str(&dir.path().join("levels.csv"));
    let mut args = vec![
        "compute".to_string(),
        "-m".into(),
        "cw".into(),
        "-q".into(),
        "-o".into(),
        levels.clone(),
    ];
    args.extend(sample_flags());
    args.push(sample("prices.csv"));
    outputs_of_no_panic(idx().args(&args));
    let out = outputs_of_no_panic(idx().args(["relative", &levels, &levels])).0;
    let rows = records(&out);
    assert_eq!(rows.len(), 312);
    assert!(rows.iter().all(|r| r["relative"] == "100.00"), "{out}");
    // And a method against itself, computed twice from the same data (through a file with the
    // same column twice): 100 everywhere.
    let out = outputs_of_no_panic(idx().args(["relative", "--column", "level,level", &levels])).0;
    assert!(records(&out).iter().all(|r| r["relative"] == "100.00"));
}

#[test]
fn relative_matches_the_shared_vector() {
    // ew 100, 102.5, 106.25 vs cw 1000, 1025, 1000:
    //   100·(102.5/100)/(1025/1000) = 100·1.025/1.025 = 100;
    //   100·(106.25/100)/(1000/1000) = 106.25.
    let out =
        outputs_of_no_panic(idx().args(["relative", "--column", "ew,cw", &readme("ew_cw.csv")])).0;
    assert_eq!(
        out,
        "date,relative\n2024-01-02,100.00\n2024-01-03,100.00\n2024-01-04,106.25\n"
    );
    // The other way round: 100/1.0625 = 94.117647058823…
    let out = outputs_of_no_panic(idx().args([
        "relative",
        "--column",
        "cw,ew",
        "--decimals",
        "6",
        &readme("ew_cw.csv"),
    ]))
    .0;
    assert_eq!(
        out,
        "date,relative\n2024-01-02,100.000000\n2024-01-03,100.000000\n2024-01-04,94.117647\n"
    );
    // JSON.
    let out = outputs_of_no_panic(idx().args([
        "relative",
        "--column",
        "ew,cw",
        "--format",
        "json",
        &readme("ew_cw.csv"),
    ]))
    .0;
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[2]["date"], "2024-01-04");
    assert!(out.contains("106.25"));
}

#[test]
fn relative_base_date_rebases() {
    // rebase.csv: a 100, 110, 121; b 200, 200, 210.
    // Default base 2024-01-02: 100; 100·1.1/1 = 110; 100·1.21/1.05 = 115.238095… → 115.24.
    let rebase = fixture("rebase.csv");
    let out = outputs_of_no_panic(idx().args(["relative", "--column", "a,b", &rebase])).0;
    assert_eq!(
        out,
        "date,relative\n2024-01-02,100.00\n2024-01-03,110.00\n2024-01-04,115.24\n"
    );
    // Base 2024-01-03: 100 there; 2024-01-04: 100·(121/110)/(210/200) = 100·1.1/1.05
    // = 104.761904…; like compute's --base-date, the series starts at the base date.
    let out = outputs_of_no_panic(idx().args([
        "relative",
        "--column",
        "a,b",
        "--base-date",
        "2024-01-03",
        &rebase,
    ]))
    .0;
    assert_eq!(out, "date,relative\n2024-01-03,100.00\n2024-01-04,104.76\n");
    let out = outputs_of_no_panic(idx().args([
        "relative",
        "--column",
        "a,b",
        "--base-date",
        "2024-01-03",
        "--decimals",
        "10",
        &rebase,
    ]))
    .0;
    assert!(out.ends_with("2024-01-04,104.7619047619\n"), "{out}");
    // A base date that is not a common date.
    fails_loosely(
        idx().args([
            "relative",
            "--column",
            "a,b",
            "--base-date",
            "2024-01-05",
            &rebase,
        ]),
        1,
        &["2024-01-05"],
    );
}

/// Regression: a `--rebase-date` flag once existed and did nothing; `--base-date` is the one
/// way to rebase, and an unknown flag is a usage error.
#[test]
fn relative_has_no_rebase_date_flag() {
    fails_loosely(
        idx().args([
            "relative",
            "--column",
            "a,b",
            "--rebase-date",
            "2024-01-03",
            &fixture("rebase.csv"),
        ]),
        2,
        &["--rebase-date"],
    );
}

#[test]
fn relative_dates_of_one_series_only() {
    // a.csv: 01-02 100, 01-03 104, 01-04 102, 01-05 108.
    // b.csv: 01-02 50, 01-03 51, 01-05 54, 01-08 55.
    let (a, b) = (fixture("a.csv"), fixture("b.csv"));
    fails_loosely(
        idx().args(["relative", &a, &b]),
        1,
        &["2024-01-04", "--common-dates"],
    );
    fails_loosely(idx().args(["relative", &b, &a]), 1, &["--common-dates"]);
    // --common-dates: 01-02, 01-03, 01-05, and a warning for 01-04 and 01-08.
    // 01-03: 100·1.04/1.02 = 101.960784… → 101.96; 01-05: 100·1.08/1.08 = 100.
    let (out, err) = outputs_of_no_panic(idx().args(["relative", "--common-dates", &a, &b]));
    assert_eq!(
        out,
        "date,relative\n2024-01-02,100.00\n2024-01-03,101.96\n2024-01-05,100.00\n"
    );
    assert!(err.contains("warning"), "{err}");
    assert!(
        err.contains("2024-01-04") && err.contains("2024-01-08"),
        "{err}"
    );
    // The column names given one per file.
    let (out2, _) = outputs_of_no_panic(idx().args([
        "relative",
        "--common-dates",
        "--column",
        "level,close",
        &a,
        &b,
    ]));
    assert_eq!(out2, out);
}

#[test]
fn relative_of_two_methods_equals_the_compute_pipeline() {
    for (methods, columns, extra) in [
        ("ew,cw", "equal-weighted,cap-weighted", vec![]),
        ("pw,cw", "price-weighted,cap-weighted", vec![]),
        (
            "cw,ew",
            "cap-weighted,equal-weighted",
            vec!["--rebalance".to_string(), "third-friday".into()],
        ),
    ] {
        let mut input = vec!["-m".to_string(), methods.into(), "-q".into()];
        input.extend(sample_flags());
        input.extend(extra.clone());
        input.push(sample("prices.csv"));
        let direct =
            outputs_of_no_panic(idx().args([&["relative".to_string()][..], &input[..]].concat())).0;
        let levels =
            outputs_of_no_panic(idx().args([&["compute".to_string()][..], &input[..]].concat())).0;
        let piped = idx()
            .args(["relative", "--column", columns])
            .write_stdin(levels)
            .output()
            .unwrap();
        assert!(piped.status.success());
        assert_eq!(
            direct.as_bytes(),
            &piped.stdout[..],
            "{methods} {extra:?}: relative --method differs from the pipeline"
        );
        assert_eq!(records(&direct).len(), 312);
    }
}

#[test]
fn relative_needs_exactly_two_series() {
    let same = fixture("same.csv");
    let a = fixture("a.csv");
    // One file: three columns, or one.
    let three = TempDir::new().unwrap();
    let f3 = path_str(&three.path().join("three.csv"));
    fs::write(&f3, "date,x,y,z\n2024-01-02,1,2,3\n2024-01-03,2,3,4\n").unwrap();
    fails_loosely(idx().args(["relative", &f3]), 2, &["3"]);
    fails_loosely(idx().args(["relative", "--column", "x,y,z", &f3]), 2, &[]);
    fails_loosely(idx().args(["relative", "--column", "first", &same]), 2, &[]);
    fails_loosely(idx().args(["relative", &a]), 2, &["1"]);
    // Two files: one of them with two level columns and no --column.
    fails_loosely(idx().args(["relative", &same, &a]), 2, &["--column"]);
    // More than one column per file.
    fails_loosely(
        idx().args(["relative", "--column", "level,level,level", &a, &a]),
        2,
        &[],
    );
    // --method with one or three methods.
    let p = sample("prices.csv");
    fails_loosely(
        idx().args(["relative", "-m", "cw", "-q", &p]),
        2,
        &["two methods"],
    );
    fails_loosely(
        idx().args(["relative", "-m", "cw,pw,ew", "-q", &p]),
        2,
        &["two methods"],
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Group indices: compute --group-by
// ---------------------------------------------------------------------------------------------

/// The sample with every row in the one group `All`.
fn one_group_sample(dir: &TempDir) -> String {
    let text = fs::read_to_string(sample("prices.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert_eq!(header, "date,symbol,price,shares,group");
    let mut out = format!("{header}\n");
    for l in lines {
        let (rest, _) = l.rsplit_once(',').unwrap();
        out.push_str(&format!("{rest},All\n"));
    }
    let file = path_str(&dir.path().join("all.csv"));
    fs::write(&file, out).unwrap();
    file
}

#[test]
fn group_index_over_a_single_group_equals_the_whole_index() {
    let dir = TempDir::new().unwrap();
    let all = one_group_sample(&dir);
    let mut input = vec!["-q".to_string()];
    input.extend(sample_flags());
    // One method: the group's column is the level column.
    for method in ["pw", "cw", "ew"] {
        let whole = records(
            &outputs_of_no_panic(
                idx().args(
                    [
                        &["compute".to_string(), "-m".into(), method.into()][..],
                        &input[..],
                        std::slice::from_ref(&all),
                    ]
                    .concat(),
                ),
            )
            .0,
        );
        let (h, rows) = table(
            &outputs_of_no_panic(
                idx().args(
                    [
                        &[
                            "compute".to_string(),
                            "-m".into(),
                            method.into(),
                            "--group-by".into(),
                            "group".into(),
                        ][..],
                        &input[..],
                        std::slice::from_ref(&all),
                    ]
                    .concat(),
                ),
            )
            .0,
        );
        assert_eq!(h, ["date", "All"]);
        assert_eq!(rows.len(), whole.len());
        for (r, w) in rows.iter().zip(&whole) {
            assert_eq!(r[0], w["date"]);
            assert_eq!(r[1], w["level"], "{method} on {}", r[0]);
        }
    }
    // Several methods with total return, at 6 decimals: the columns are group:method.
    let args = |group: bool| {
        let mut a = vec![
            "compute".to_string(),
            "-m".into(),
            "pw,cw,ew".into(),
            "--total-return".into(),
            "--decimals".into(),
            "6".into(),
        ];
        if group {
            a.extend(["--group-by".to_string(), "group".into()]);
        }
        a.extend(input.clone());
        a.push(all.clone());
        a
    };
    let whole = outputs_of_no_panic(idx().args(args(false))).0;
    let grouped = outputs_of_no_panic(idx().args(args(true))).0;
    let (wh, wrows) = table(&whole);
    let (gh, grows) = table(&grouped);
    assert_eq!(
        gh,
        [
            "date",
            "All:price-weighted",
            "All:cap-weighted",
            "All:equal-weighted",
            "All:price-weighted_total_return",
            "All:cap-weighted_total_return",
            "All:equal-weighted_total_return",
        ]
    );
    assert_eq!(wh.len(), gh.len());
    assert_eq!(
        wrows, grows,
        "the single group's levels are the whole index's"
    );
}

#[test]
fn group_indices_each_keep_their_own_continuity() {
    // tests/data/analysis/groups.csv:
    //   05-01  AAA 10×100 G1, BBB 20×100 G1, CCC 50×100 G2, DDD 25×40 G2
    //   05-02  AAA 11, BBB 20, CCC 55, DDD 25
    //   05-03  same prices; BBB moves to G2
    //   05-06  AAA 12 (G1), BBB 22 (G2), CCC 55, DDD 30
    // Cap-weighted:
    //   G1: base 1000 + 2000 = 3000 → 100. 05-02: 3100/30 = 103.333…
    //       05-03: BBB leaves at its last close: AAA alone, 1100 → 1100 at unchanged prices:
    //       103.33. 05-06: 103.333… · 1200/1100 = 112.7272… → 112.73.
    //   G2: base 5000 + 1000 = 6000 → 100. 05-02: 6500/60 = 108.333…
    //       05-03: BBB enters at its previous close 20: 8500 → 8500: 108.33.
    //       05-06: 108.333… · (2200 + 5500 + 1200)/8500 = 325/3 · 89/85 = 113.431372… → 113.43.
    // Price-weighted (base divisor = number of constituents, so the average price):
    //   G1: (10 + 20)/2 = 15; 05-02 31/2 = 15.5; 05-03 15.5; 05-06 15.5 · 12/11 = 16.9090… → 16.91
    //   G2: (50 + 25)/2 = 37.5; 05-02 80/2 = 40; 05-03 40 (BBB enters: 100/2.5);
    //       05-06 40 · (22 + 55 + 30)/100 = 42.8
    let groups = fixture("groups.csv");
    let out =
        outputs_of_no_panic(idx().args(["compute", "-m", "cw,pw", "--group-by", "group", &groups]))
            .0;
    assert_eq!(
        out,
        "date,G1:cap-weighted,G1:price-weighted,G2:cap-weighted,G2:price-weighted\n\
         2024-05-01,100.00,15.00,100.00,37.50\n\
         2024-05-02,103.33,15.50,108.33,40.00\n\
         2024-05-03,103.33,15.50,108.33,40.00\n\
         2024-05-06,112.73,16.91,113.43,42.80\n"
    );
    let out = outputs_of_no_panic(idx().args([
        "compute",
        "-m",
        "cw",
        "--group-by",
        "group",
        "--decimals",
        "6",
        &groups,
    ]))
    .0;
    assert_eq!(
        out,
        "date,G1,G2\n\
         2024-05-01,100.000000,100.000000\n\
         2024-05-02,103.333333,108.333333\n\
         2024-05-03,103.333333,108.333333\n\
         2024-05-06,112.727273,113.431373\n"
    );
    // --from/--to apply to the group table too.
    let out = outputs_of_no_panic(idx().args([
        "compute",
        "-m",
        "cw",
        "--group-by",
        "group",
        "--from",
        "2024-05-03",
        &groups,
    ]))
    .0;
    assert_eq!(
        out,
        "date,G1,G2\n2024-05-03,103.33,108.33\n2024-05-06,112.73,113.43\n"
    );
    // And --by group in weights sees BBB in its new group: 05-06 cap weights of 10100:
    // AAA 1200 (G1) = 0.1188118812 (0.11881188118…); G2 8900/10100 = 0.8811881188…
    let out = outputs_of_no_panic(idx().args(["weights", "-m", "cw", "--by", "group", &groups])).0;
    assert_eq!(
        out,
        "date,rank,group,constituents,weight,cumulative\n\
         2024-05-06,1,G2,3,0.8811881188,0.8811881188\n\
         2024-05-06,2,G1,1,0.1188118812,1.0000000000\n"
    );
}

#[test]
fn group_by_refuses_given_divisors() {
    let groups = fixture("groups.csv");
    fails_loosely(
        idx().args([
            "compute",
            "-m",
            "cw",
            "--group-by",
            "group",
            "--divisor",
            "30",
            &groups,
        ]),
        2,
        &["--group-by"],
    );
    let dir = TempDir::new().unwrap();
    let divisors = path_str(&dir.path().join("divisors.csv"));
    fs::write(&divisors, "date,divisor\n2024-05-01,90\n").unwrap();
    fails_loosely(
        idx().args([
            "compute",
            "-m",
            "pw",
            "--group-by",
            "group",
            "--divisors",
            &divisors,
            &groups,
        ]),
        2,
        &["--group-by"],
    );
}

#[test]
fn group_by_a_missing_column_names_the_columns_found() {
    fails_loosely(
        idx().args([
            "compute",
            "-m",
            "cw",
            "--group-by",
            "sector",
            &fixture("groups.csv"),
        ]),
        1,
        &["sector", "date, symbol, price, shares, group"],
    );
    fails_loosely(
        idx().args([
            "weights",
            "-m",
            "cw",
            "--by",
            "sector",
            &fixture("groups.csv"),
        ]),
        1,
        &["sector", "date, symbol, price, shares, group"],
    );
}

// ---------------------------------------------------------------------------------------------
// 6. A real snapshot: the largest S&P 500 members' market caps
// ---------------------------------------------------------------------------------------------

/// Price and Market Cap of twelve of the largest S&P 500 members (single share class in the
/// index, so Market Cap is this line's own), typed in from
/// ../shared/data/market/sp500_financials_snapshots/constituents-financials_2024-12-01T0148Z.csv
/// (closes of Friday 2024-11-29). tests/data/analysis/sp500_2024-11-29.csv gives each
/// shares = Market Cap / Price, written to 28 significant digits.
const SNAPSHOT: [(&str, &str, &str); 12] = [
    ("AAPL", "237.33", "3587432775680"), // Apple Inc.
    ("NVDA", "138.25", "3385742589952"), // Nvidia
    ("MSFT", "423.46", "3148374343680"), // Microsoft
    ("AMZN", "207.89", "2185963372544"), // Amazon
    ("META", "574.32", "1436937093120"), // Meta Platforms
    ("TSLA", "345.16", "1107984384000"), // Tesla, Inc.
    ("AVGO", "162.08", "757007646720"),  // Broadcom
    ("WMT", "92.5", "743538098176"),     // Walmart
    ("LLY", "795.35", "715270914048"),   // Lilly (Eli)
    ("JPM", "249.72", "703244009472"),   // JPMorgan Chase
    ("V", "315.08", "608999178240"),     // Visa Inc.
    ("UNH", "610.2", "561557340160"),    // UnitedHealth Group
];

fn snapshot_ratio(symbol: &str) -> Decimal {
    let total: Decimal = SNAPSHOT.iter().map(|x| d(x.2)).sum();
    // Σ = 18942051745792 (AAPL 0.189390…, UNH 0.029646…).
    assert_eq!(total, d("18942051745792"));
    let cap = SNAPSHOT.iter().find(|x| x.0 == symbol).unwrap().2;
    d(cap) / total
}

#[test]
fn snapshot_cap_weights_are_market_cap_shares() {
    let prices = fixture("sp500_2024-11-29.csv");
    // The fixture holds the typed-in prices and shares whose value is the market cap.
    let text = fs::read_to_string(&prices).unwrap();
    for (l, (sym, price, cap)) in text.lines().skip(1).zip(SNAPSHOT) {
        let c: Vec<&str> = l.split(',').collect();
        assert_eq!((c[0], c[1], c[2]), ("2024-11-29", sym, price));
        assert!((d(c[3]) * d(price) - d(cap)).abs() < d("0.000001"), "{l}");
    }
    let out = outputs_of_no_panic(idx().args(["weights", "-m", "cw", &prices])).0;
    let rows = weights_rows(&out);
    assert_eq!(rows.len(), 12);
    // Ranked as by market cap (the constant is in descending order).
    assert_eq!(
        rows.iter().map(|r| r.symbol.as_str()).collect::<Vec<_>>(),
        SNAPSHOT.iter().map(|x| x.0).collect::<Vec<_>>()
    );
    for r in &rows {
        let expect = snapshot_ratio(&r.symbol);
        let rel = ((r.weight - expect) / expect).abs();
        assert!(
            rel < d("0.000001"),
            "{}: {} vs {expect}",
            r.symbol,
            r.weight
        );
        let cap = d(SNAPSHOT.iter().find(|x| x.0 == r.symbol).unwrap().2);
        assert!(((r.value - cap) / cap).abs() < d("0.000001"), "{r:?}");
    }
    // Apple's weight by hand: 3587432775680 / 18942051745792 = 0.18939…
    assert!(
        out.contains(",AAPL,237.33,") && out.contains(",0.1893"),
        "{out}"
    );
    // Also at the finest output, 20 decimals.
    let fine = weights_rows(
        &outputs_of_no_panic(idx().args(["weights", "-m", "cw", "--decimals", "20", &prices])).0,
    );
    for r in &fine {
        let expect = snapshot_ratio(&r.symbol);
        assert!(
            ((r.weight - expect) / expect).abs() < d("0.000001"),
            "{r:?}"
        );
    }
}

#[test]
fn snapshot_share_of_a_subset_is_the_sum_of_its_ratios() {
    let prices = fixture("sp500_2024-11-29.csv");
    let weights =
        weights_rows(&outputs_of_no_panic(idx().args(["weights", "-m", "cw", &prices])).0);
    for set in [
        // The Magnificent Seven without Alphabet (two share classes): 0.7841 of these twelve.
        vec!["AAPL", "MSFT", "NVDA", "AMZN", "META", "TSLA"],
        vec!["JPM", "V", "UNH"],
        vec!["LLY"],
    ] {
        let out = outputs_of_no_panic(idx().args([
            "share",
            "-m",
            "cw",
            "--members",
            &set.join(","),
            &prices,
        ]))
        .0;
        let rows = records(&out);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["date"], "2024-11-29");
        assert_eq!(rows[0]["members"], set.len().to_string());
        let share = d(&rows[0]["share"]);
        let expect: Decimal = set.iter().map(|s| snapshot_ratio(s)).sum();
        assert!(
            ((share - expect) / expect).abs() < d("0.000001"),
            "{set:?}: {share} vs {expect}"
        );
        // And exactly the sum of the members' written weights.
        let sum: Decimal = weights
            .iter()
            .filter(|w| set.contains(&w.symbol.as_str()))
            .map(|w| w.weight)
            .sum();
        assert_eq!(share, sum, "{set:?}");
    }
    // The six: (3587432775680 + 3148374343680 + 3385742589952 + 2185963372544 + 1436937093120
    // + 1107984384000) / 18942051745792 = 14852434558976 / 18942051745792 = 0.78409851…
    let out = outputs_of_no_panic(idx().args([
        "share",
        "-m",
        "cw",
        "--members",
        "AAPL,MSFT,NVDA,AMZN,META,TSLA",
        "--decimals",
        "8",
        &prices,
    ]))
    .0;
    let share = d(&records(&out)[0]["share"]);
    assert!((share - d("0.78409851")).abs() <= ulp(8), "{out}");
}

// ---------------------------------------------------------------------------------------------
// Warnings and --quiet
// ---------------------------------------------------------------------------------------------

#[test]
fn quiet_silences_the_warnings_of_share_and_relative() {
    let (_, err) = outputs_of_no_panic(idx().args([
        "share",
        "-q",
        "-m",
        "cw",
        "--members",
        "AAA,ZZZ,EEE",
        "--allow-missing",
        &readme("replacement.csv"),
    ]));
    assert_eq!(err, "");
    let (_, err) = outputs_of_no_panic(idx().args([
        "relative",
        "-q",
        "--common-dates",
        &fixture("a.csv"),
        &fixture("b.csv"),
    ]));
    assert_eq!(err, "");
}
