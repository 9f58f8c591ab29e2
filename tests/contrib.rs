//! `idx contrib`: point contributions.
//!
//! - Golden cases under `tests/data/contrib_*/`, computed by hand with exact fractions: a
//!   price-weighted index with a split on a date, and a cap-weighted one with a share change on
//!   one date and a replacement (an announced addition with a previous close, a deletion and an
//!   entrant at its first close) on the next.
//! - On the sample, for every date and method, the written contributions, percentages and
//!   weights add up to the index row.
//! - A property test: on random markets with splits, share changes, entrants and leavers, the
//!   unrounded contributions add up to the engine's level change exactly, for every method.
//! - Errors: located data errors (exit 1) and usage errors (exit 2).

use chrono::{Days, NaiveDate};
use idx::calc::{Action, ActionKind, DayInput, Engine, IndexSpec, Method, Quote, Rebalance};
use idx::report::contrib::{contributions, round_to_sum, written};
use proptest::prelude::*;
use rust_decimal::Decimal;

mod common;
use common::{d, data, fails, idx, outputs_of, path_str, sample, Scratch};

fn case(dir: &str, file: &str) -> String {
    path_str(&data(&format!("{dir}/{file}")))
}

const HEADER: &str = "date,rank,symbol,contribution,contribution_pct,return_pct,weight_pct\n";

#[test]
fn price_weighted_with_a_split() {
    // AAA, BBB, CCC at 10, 40, 30 on 2024-01-02: Σp = 80, divisor 3, L = 80/3 (26.67).
    // 2024-01-03: BBB splits 2-for-1, so p̃ = 10, 20, 30 and S = 60; D_A = 3·60/80 = 9/4.
    //   Closes 10.5, 20.5, 29.8: L = 60.8/(9/4) = 1216/45 (27.02), change 16/45; written
    //   27.02 − 26.67 = 0.35.
    //   c = (p − p̃)/D_A: AAA 0.5·4/9 = 2/9 (0.2222), BBB 2/9, CCC −0.2·4/9 = −4/45 (−0.0889):
    //   floors 0.22 + 0.22 − 0.09 = 0.35, nothing missing.
    //   Percent of L': 100·c/(80/3) = 5/6 % (0.8333), 5/6 %, −1/3 % (−0.3333); the change is
    //   4/3 % (1.33): floors 0.83 + 0.83 − 0.34 = 1.32, the missing unit goes to the largest
    //   remainder, CCC's 0.00667: −0.33.
    //   Returns 0.5/10 = 5%, 0.5/20 = 2.5%, −0.2/30 = −2/3 % (−0.67). Weights p̃/S: 1/6
    //   (16.667%), 1/3 (33.333%), 1/2 (50%): floors add up to 99.99 and AAA's remainder
    //   (0.00667) is the largest: 16.67.
    // 2024-01-04: no action, D = 9/4. Closes 10.8, 20.8, 30.1, each +0.3: c = 0.3·4/9 = 2/15
    //   (0.1333) each, L = 61.7/(9/4) = 1234/45 (27.42), change 18/45 = 0.4; written 0.40.
    //   Floors 3 × 0.13 = 0.39: one unit missing, and the three remainders are equal; carried
    //   at the change's 26 decimals the extra 10^−26 went to the first (AAA), so AAA has the
    //   largest exact contribution, ranks first and takes the written unit: 0.14.
    //   Percent: the change is 0.4/(1216/45) = 18/1216 = 1.4803% (1.48), each member a third
    //   of it, 0.4934%: floors 1.47, AAA takes the unit: 0.50.
    //   Returns 0.3/10.5 = 2.857%, 0.3/20.5 = 1.463%, 0.3/29.8 = 1.007%. Weights 10.5/60.8 =
    //   17.270%, 20.5/60.8 = 33.717%, 29.8/60.8 = 49.013%: floors 99.98, AAA and BBB take
    //   the units.
    let expected = [
        "2024-01-03,,(index),0.35,1.33,1.33,100.00",
        "2024-01-03,1,AAA,0.22,0.83,5.00,16.67",
        "2024-01-03,2,BBB,0.22,0.83,2.50,33.33",
        "2024-01-03,3,CCC,-0.09,-0.33,-0.67,50.00",
        "2024-01-04,,(index),0.40,1.48,1.48,100.00",
        "2024-01-04,1,AAA,0.14,0.50,2.86,17.27",
        "2024-01-04,2,BBB,0.13,0.49,1.46,33.72",
        "2024-01-04,3,CCC,0.13,0.49,1.01,49.01",
    ];
    let (out, err) = outputs_of(idx().args([
        "contrib",
        "-m",
        "pw",
        "--actions",
        &case("contrib_pw_split", "actions.csv"),
        &case("contrib_pw_split", "prices.csv"),
    ]));
    assert_eq!(out, format!("{HEADER}{}\n", expected.join("\n")));
    assert_eq!(err, "");
}

#[test]
fn cap_weighted_with_a_share_change_and_a_replacement() {
    // 2024-03-01: AAA 10 × 100, BBB 20 × 50, DDD 5 × 400: MV 4000, L = 100, D = 40.
    // 2024-03-04: BBB's shares become 60, so S = Σ q·p̃ = 1000 + 1200 + 2000 = 4200.
    //   Closes 10.35, 19.8, 5.1: Σ q·p = 1035 + 1188 + 2040 = 4263, L = 100·4263/4200 = 101.5.
    //   c = 100·q·(p − p̃)/4200: AAA 3500/4200 = 5/6 (0.8333), BBB −1200/4200 = −2/7
    //   (−0.2857), DDD 4000/4200 = 20/21 (0.9524); they add up to 1.5. Floors 0.83 − 0.29 +
    //   0.95 = 1.49 (plain rounding would write 1.49 too): BBB's remainder 0.00429 is the
    //   largest, so BBB is written −0.28. L' = 100, so the percentages are the same numbers.
    //   Returns 3.5%, −1%, 2%. Weights 1000/4200 = 23.810%, 1200/4200 = 28.571%,
    //   2000/4200 = 47.619%: floors 99.98, AAA and DDD take the units.
    // 2024-03-05: DDD left after 2024-03-04; EEE joins with a close of 8 on 2024-03-04 (so it
    //   is in A and enters at that close); FFF joins at its first close (not in A: 0).
    //   S = 100·10.35 + 60·19.8 + 250·8 = 4223; Σ_A q·p = 1050 + 1170 + 2100 = 4320;
    //   L = 101.5·4320/4223 = 438480/4223 (103.8314), change 19691/8446 (2.3314); written
    //   103.83 − 101.50 = 2.33.
    //   c = 101.5·q·(p − p̃)/4223: AAA 3045/8446 (0.36053), BBB −1827/4223 (−0.43263), EEE
    //   10150/4223 (2.40350): floors 0.36 − 0.44 + 2.40 = 2.32, BBB's remainder 0.00737 is the
    //   largest: −0.43.
    //   Percent of 101.5: 0.35520, −0.42624, 2.36798, the change 2.29695% (2.30): floors
    //   2.28, EEE (0.00798) and AAA (0.00520) take the units.
    //   Returns 0.15/10.35 = 1.449%, −0.3/19.8 = −1.515%, 0.4/8 = 5%. Weights 1035/4223 =
    //   24.509%, 1188/4223 = 28.132%, 2000/4223 = 47.360%: floors 99.98, EEE and AAA take the
    //   units. FFF ranks between the rises and the fall with 0 and no return or weight.
    let expected = [
        "2024-03-04,,(index),1.50,1.50,1.50,100.00",
        "2024-03-04,1,DDD,0.95,0.95,2.00,47.62",
        "2024-03-04,2,AAA,0.83,0.83,3.50,23.81",
        "2024-03-04,3,BBB,-0.28,-0.28,-1.00,28.57",
        "2024-03-05,,(index),2.33,2.30,2.30,100.00",
        "2024-03-05,1,EEE,2.40,2.37,5.00,47.36",
        "2024-03-05,2,AAA,0.36,0.36,1.45,24.51",
        "2024-03-05,3,FFF,0.00,0.00,,",
        "2024-03-05,4,BBB,-0.43,-0.43,-1.52,28.13",
    ];
    let run = |extra: &[&str]| {
        let mut args = vec![
            "contrib".to_string(),
            "-m".into(),
            "cw".into(),
            "--constituents".into(),
            case("contrib_cw_replacement", "constituents.csv"),
            case("contrib_cw_replacement", "prices.csv"),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        outputs_of(idx().args(&args))
    };
    let (out, err) = run(&[]);
    assert_eq!(out, format!("{HEADER}{}\n", expected.join("\n")));
    assert_eq!(err, "");
    // --date, and --top 1: the largest rise and the largest fall (FFF's 0 is neither).
    let (out, _) = run(&["--date", "2024-03-05", "--top", "1"]);
    let top = [expected[4], expected[5], expected[8]];
    assert_eq!(out, format!("{HEADER}{}\n", top.join("\n")));
    // --from/--to, and JSON through the shared render (FFF's empty cells are null).
    let (out, _) = run(&["--from", "2024-03-05", "--format", "json"]);
    assert!(out.contains(r#""symbol": "FFF""#), "{out}");
    assert!(out.contains(r#""return_pct": null"#), "{out}");
    assert!(!out.contains("2024-03-04"), "{out}");
}

/// Sums `values` exactly (as integers at 28 decimals).
fn exact_sum(values: impl Iterator<Item = Decimal>) -> i128 {
    values.map(at28).sum()
}

fn at28(v: Decimal) -> i128 {
    v.mantissa() * 10i128.pow(28 - v.scale())
}

#[test]
fn written_contributions_add_up_on_every_date_of_the_sample() {
    for m in ["pw", "cw", "ew"] {
        let (out, _) = outputs_of(idx().args([
            "contrib",
            "-m",
            m,
            "-q",
            "--actions",
            &sample("actions.csv"),
            "--constituents",
            &sample("constituents.csv"),
            &sample("prices.csv"),
        ]));
        let mut dates = 0;
        let mut sums = [Decimal::ZERO; 3];
        let mut index: Option<[Decimal; 3]> = None;
        let check = |index: Option<[Decimal; 3]>, sums: [Decimal; 3]| {
            if let Some(total) = index {
                assert_eq!(sums, total, "{m}");
            }
        };
        for line in out.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let num = |i: usize| {
                if f[i].is_empty() {
                    Decimal::ZERO
                } else {
                    d(f[i])
                }
            };
            if f[2] == "(index)" {
                check(index, sums);
                dates += 1;
                index = Some([num(3), num(4), d("100")]);
                sums = [Decimal::ZERO; 3];
            } else {
                sums[0] += num(3);
                sums[1] += num(4);
                sums[2] += num(6);
            }
        }
        check(index, sums);
        assert_eq!(dates, 311, "{m}");
    }
}

// ---------------------------------------------------------------------------------------------
// Property: the unrounded contributions add up to the engine's level change exactly.
// ---------------------------------------------------------------------------------------------

/// One symbol's random path: its first and last day, daily moves in basis points, a split
/// (day, ratio index) and a share change (day, new shares).
#[derive(Clone, Debug)]
struct Path {
    first: usize,
    len: usize,
    cents: i64,
    moves: Vec<i64>,
    split: Option<(usize, usize)>,
    shares: (i64, Option<(usize, i64)>),
}

const RATIOS: [&str; 5] = ["2", "3", "0.5", "1.5", "4"];

fn path() -> impl Strategy<Value = Path> {
    (
        0usize..6,
        4usize..25,
        100i64..20_000,
        prop::collection::vec(-1500i64..1500, 25),
        prop::option::of((1usize..25, 0usize..RATIOS.len())),
        (1i64..100_000, prop::option::of((1usize..25, 1i64..100_000))),
    )
        .prop_map(|(first, len, cents, moves, split, shares)| Path {
            first,
            len,
            cents,
            moves,
            split,
            shares,
        })
}

/// Runs the engine over the random market and checks every date's contributions.
fn check_market(paths: &[Path], method: Method, rebalance: Rebalance) -> Result<(), TestCaseError> {
    let mut engine = Engine::new(IndexSpec {
        rebalance,
        ..IndexSpec::new(vec![method])
    });
    engine.keep_holdings(true);
    let start = NaiveDate::from_ymd_opt(2024, 3, 20).unwrap();
    let mut cents: Vec<i64> = paths.iter().map(|p| p.cents).collect();
    let mut previous: Option<Decimal> = None;
    for day in 0..30 {
        let date = start + Days::new(day as u64);
        let (mut quotes, mut actions) = (Vec::new(), Vec::new());
        for (s, p) in paths.iter().enumerate() {
            if day < p.first || day >= p.first + p.len {
                continue;
            }
            let k = day - p.first;
            if k > 0 {
                cents[s] = (cents[s] * (10_000 + p.moves[k])).div_euclid(10_000).max(1);
            }
            if let Some((_, r)) = p.split.filter(|&(at, _)| at == k) {
                let ratio = d(RATIOS[r]);
                actions.push(Action {
                    date,
                    symbol: s as u32,
                    kind: ActionKind::Split(ratio),
                    line: 1,
                });
                let c = (Decimal::from(cents[s]) / ratio).round().max(Decimal::ONE);
                cents[s] = c.try_into().unwrap();
            }
            let shares = match p.shares.1 {
                Some((at, n)) if k >= at => n,
                _ => p.shares.0,
            };
            quotes.push(Quote {
                symbol: s as u32,
                price: Decimal::new(cents[s], 2),
                shares: Some(Decimal::from(shares)),
                float: None,
                line: 1,
            });
        }
        let out = engine
            .push(DayInput {
                date,
                quotes: &quotes,
                actions: &actions,
                divisor: None,
            })
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let Some(out) = out else { continue };
        let level = out.values[0].level;
        if let Some(prev) = previous {
            let c = contributions(prev, level, engine.holdings(0))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let points = c.members.iter().map(|m| m.points);
            prop_assert_eq!(exact_sum(points), at28(level) - at28(prev), "{}", date);
            let pct = c.members.iter().map(|m| m.percent);
            prop_assert_eq!(exact_sum(pct), at28(c.percent));
            // Written at 2 decimals: they add up to the change of the written levels, each
            // within one unit of its exact value.
            let change = written(level, 2) - written(prev, 2);
            let exact: Vec<Decimal> = c
                .members
                .iter()
                .filter(|m| m.return_weight.is_some())
                .map(|m| m.points)
                .collect();
            if !exact.is_empty() {
                let w = round_to_sum(&exact, change, 2).unwrap();
                prop_assert_eq!(w.iter().sum::<Decimal>(), change);
                for (a, b) in w.iter().zip(&exact) {
                    prop_assert!((*a - *b).abs() < d("0.01"), "{} {}", a, b);
                }
            }
        }
        previous = Some(level);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn contributions_add_up_to_the_level_change_exactly(
        paths in prop::collection::vec(path(), 1..6),
        daily in any::<bool>(),
    ) {
        check_market(&paths, Method::PriceWeighted, Rebalance::Quarterly)?;
        check_market(&paths, Method::CapWeighted, Rebalance::Quarterly)?;
        let rebalance = if daily { Rebalance::Daily } else { Rebalance::Monthly };
        check_market(&paths, Method::EqualWeighted, rebalance)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

fn pw_args(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["contrib", "-m", "pw", "--actions"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push(case("contrib_pw_split", "actions.csv"));
    args.push(case("contrib_pw_split", "prices.csv"));
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

#[test]
fn usage_errors_exit_2() {
    for (extra, needle) in [
        (&["--top", "0"][..], "--top"),
        (&["--date", "2024-01-03", "--from", "2024-01-03"], "--from"),
        (&["--from", "2024-01-04", "--to", "2024-01-03"], "after"),
        (&["-m", "cw"], "exactly one --method"),
        (&["--total-return"], "--total-return does not apply"),
        (&["--divisors", "d.csv"], "--divisors does not apply"),
        (&["--format", "svg"], "image format"),
    ] {
        fails(idx().args(pw_args(extra)), 2, &[needle]);
    }
}

#[test]
fn dates_that_have_no_contributions_are_located_errors() {
    let err = fails(
        idx().args(pw_args(&["--date", "2024-01-06"])),
        1,
        &["not an index date"],
    );
    assert!(
        err.contains("the nearest index dates are 2024-01-04"),
        "{err}"
    );
    fails(
        idx().args(pw_args(&["--date", "2024-01-02"])),
        1,
        &["2024-01-02 is the base date", "choose a later date"],
    );
}

#[test]
fn bad_input_is_a_located_error() {
    let s = Scratch::with(&[
        (
            "bad.csv",
            "date,symbol,price\n2024-01-02,AAA,10\n2024-01-03,AAA,-5\n",
        ),
        (
            "div.csv",
            "date,symbol,price,divisor\n2024-01-02,AAA,10,1\n2024-01-03,AAA,11,1\n",
        ),
    ]);
    fails(
        s.cmd().args(["contrib", "-m", "pw", "bad.csv"]),
        1,
        &["bad.csv, line 3, column 'price'", "\"-5\""],
    );
    fails(
        s.cmd().args(["contrib", "-m", "pw", "div.csv"]),
        1,
        &["div.csv", "2024-01-03 has a divisor in the prices file"],
    );
}
