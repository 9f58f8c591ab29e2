//! A silently wrong index (issue 12, class 0): a move that looks like an unrecorded split is
//! reported by every command that computes levels, is an error with `--strict`, and is applied
//! as a split action with `--infer-splits`; `idx check` and compute find the same moves.
//!
//! Every expected level is worked out by hand in the comment beside it.

use assert_cmd::Command;
use std::fs;
use std::path::Path;

mod common;
use common::{repo, run, Scratch, BIN};

/// A 2-for-1 split of A on 01-04 with no split action: 102 → 51, shares 10 → 20.
const SPLIT: &str = "\
date,symbol,price,shares
2024-01-02,A,100,10
2024-01-02,B,50,10
2024-01-03,A,102,10
2024-01-03,B,50,10
2024-01-04,A,51,20
2024-01-04,B,55,10
2024-01-05,A,52,20
2024-01-05,B,55,10
";

/// The warning for SPLIT's move (line 6 of the file), with its hint.
const SPLIT_WARNING: &str = "\
warning: prices.csv, line 6, column 'price': A on 2024-01-04: the price ratio 0.5000 (51 after \
102 of 2024-01-03) is close to 1/2, as after a 2-for-1 split, and the share count changes \
inversely, 10 to 20; there is no split action: every level from 2024-01-04 on is likely wrong \
(value: \"51\")
  hint: add to the actions file: 2024-01-04,A,split,2, or run with --infer-splits to apply it
";

/// The level column of a single-method compute output.
fn levels(csv: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).expect("a level").to_string())
        .collect()
}

#[test]
fn compute_warns_once_with_checks_hint_and_keeps_its_output() {
    let dir = Scratch::with(&[("prices.csv", SPLIT)]);
    // Without the split the price-weighted divisor stays 2: (51 + 55) / 2 = 53 on 01-04; the
    // output is unchanged, but it no longer goes unsaid.
    let (code, out, err) = run(dir.path(), &["compute", "-m", "pw", "prices.csv"]);
    assert_eq!(code, 0);
    assert_eq!(levels(&out), ["75.00", "76.00", "53.00", "53.50"]);
    assert_eq!(err, SPLIT_WARNING);
    // Several methods (one thread each): still one warning.
    let (code, _, err) = run(dir.path(), &["compute", "-m", "pw,cw,ew", "prices.csv"]);
    assert_eq!(code, 0);
    assert_eq!(err, SPLIT_WARNING);
    // stdin (read whole) says the same, naming <stdin>.
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .args(["compute", "-m", "cw"])
        .write_stdin(SPLIT)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        SPLIT_WARNING.replace("prices.csv", "<stdin>")
    );
    // -q silences it.
    let (code, _, err) = run(dir.path(), &["compute", "-m", "pw", "-q", "prices.csv"]);
    assert_eq!((code, err.as_str()), (0, ""));
}

#[test]
fn strict_makes_it_an_error_and_writes_nothing() {
    let dir = Scratch::with(&[("prices.csv", SPLIT)]);
    let (code, out, err) = run(
        dir.path(),
        &[
            "compute",
            "-m",
            "cw",
            "--strict",
            "-o",
            "out.csv",
            "prices.csv",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(err, SPLIT_WARNING.replacen("warning", "error", 1));
    assert!(!dir.path().join("out.csv").exists());
    // A recorded split satisfies --strict.
    fs::write(
        dir.path().join("actions.csv"),
        "date,symbol,action,value\n2024-01-04,A,split,2\n",
    )
    .unwrap();
    let (code, _, err) = run(
        dir.path(),
        &[
            "compute",
            "-m",
            "cw",
            "--strict",
            "--actions",
            "actions.csv",
            "prices.csv",
        ],
    );
    assert_eq!((code, err.as_str()), (0, ""));
}

#[test]
fn infer_splits_applies_the_split_and_says_so() {
    let dir = Scratch::with(&[("prices.csv", SPLIT)]);
    // Price-weighted: base (100 + 50) / 2 = 75, then 76. On 01-04 the split restates A's
    // previous close to 51: divisor 2 · (51 + 50) / (102 + 50) = 101/76, level
    // 106 · 76 / 101 = 79.7624 → 79.76; 01-05: 107 · 76 / 101 = 80.5149 → 80.51.
    let (code, out, err) = run(
        dir.path(),
        &["compute", "-m", "pw", "--infer-splits", "prices.csv"],
    );
    assert_eq!(code, 0);
    assert_eq!(levels(&out), ["75.00", "76.00", "79.76", "80.51"]);
    assert_eq!(
        err,
        "warning: prices.csv, line 6: A on 2024-01-04: applying a 2-for-1 split (split,2) \
         inferred from the prices (--infer-splits): the price ratio 0.5000 (51 after 102 of \
         2024-01-03) is close to 1/2, as after a 2-for-1 split, and the share count changes \
         inversely, 10 to 20; there is no split action\n"
    );
    // Cap-weighted: MV 1500 → divisor 15; 1520/15 = 101.33; with the split and the new share
    // count the restated MV is 51·20 + 50·10 = 1520, divisor stays 15: 1570/15 = 104.67,
    // then 1590/15 = 106.00. (Without it the divisor would take the doubled share count at
    // the old price: 1570 · 1520 / (2540 · 15) = 62.64.)
    let (_, out, _) = run(
        dir.path(),
        &["compute", "-m", "cw", "--infer-splits", "-q", "prices.csv"],
    );
    assert_eq!(levels(&out), ["100.00", "101.33", "104.67", "106.00"]);
    let (_, out, _) = run(dir.path(), &["compute", "-m", "cw", "-q", "prices.csv"]);
    assert_eq!(levels(&out), ["100.00", "101.33", "62.64", "63.43"]);
}

#[test]
fn the_sample_data_without_actions_is_no_longer_silently_wrong() {
    let data = repo("data");
    // The two splits of data/actions.csv, found from the prices alone.
    let (code, _, err) = run(&data, &["compute", "-m", "pw,cw,ew", "prices.csv"]);
    assert_eq!(code, 0);
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 2, "{err}");
    assert!(warnings[0].starts_with(
        "warning: prices.csv, line 1322, column 'price': ZALF on 2024-06-10: the price ratio \
         0.2463 (158.19 after 642.17 of 2024-06-07) is close to 1/4"
    ));
    assert!(warnings[1].starts_with(
        "warning: prices.csv, line 2272, column 'price': ZKLO on 2024-10-01: the price ratio \
         9.6572 (95.51 after 9.89 of 2024-09-30) is close to 10"
    ));
    assert!(err.contains("hint: add to the actions file: 2024-06-10,ZALF,split,4"));
    assert!(err.contains("hint: add to the actions file: 2024-10-01,ZKLO,split,0.1"));
    // --infer-splits gives exactly the levels of an actions file with those two splits.
    let dir = Scratch::with(&[(
        "splits.csv",
        "date,symbol,action,value\n2024-06-10,ZALF,split,4\n2024-10-01,ZKLO,split,0.1\n",
    )]);
    let splits = dir.path().join("splits.csv");
    let prices = data.join("prices.csv");
    let (p, s) = (prices.to_str().unwrap(), splits.to_str().unwrap());
    let (_, inferred, _) = run(&data, &["compute", "-m", "pw,cw,ew", "--infer-splits", p]);
    let (code, given, err) = run(&data, &["compute", "-m", "pw,cw,ew", "--actions", s, p]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(inferred, given);
    // With the sample's own actions file nothing is said.
    let (code, _, err) = run(
        &data,
        &[
            "compute",
            "-m",
            "pw,cw,ew",
            "--actions",
            "actions.csv",
            "prices.csv",
        ],
    );
    assert_eq!((code, err.as_str()), (0, ""));
}

#[test]
fn every_command_that_computes_levels_warns() {
    let dir = Scratch::with(&[("prices.csv", SPLIT)]);
    let runs: [&[&str]; 6] = [
        &["returns", "--method", "cw", "prices.csv"],
        &["weights", "--method", "cw", "prices.csv"],
        &["share", "--method", "cw", "--members", "A", "prices.csv"],
        &["relative", "--method", "ew,cw", "prices.csv"],
        &["compute", "-m", "cw", "--group-by", "symbol", "prices.csv"],
        &["compute", "-m", "cw", "--from", "2024-01-05", "prices.csv"],
    ];
    for args in runs {
        let (code, _, err) = run(dir.path(), args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert_eq!(
            err.matches("A on 2024-01-04: the price ratio 0.5000")
                .count(),
            1,
            "{args:?}: {err}"
        );
        let mut strict = args.to_vec();
        strict.insert(1, "--strict");
        let (code, out, err) = run(dir.path(), &strict);
        assert_eq!((code, out.as_str()), (1, ""), "{strict:?}: {err}");
        assert!(
            err.starts_with("error: prices.csv, line 6, column 'price'"),
            "{err}"
        );
    }
}

#[test]
fn a_split_action_on_adjusted_prices_is_reported_with_its_line() {
    // The prices are split-adjusted (no move on 01-04) but the actions file splits A 2-for-1:
    // the split would restate 102 to 51 and double the price-weighted level's A term.
    let adjusted = SPLIT.replace("2024-01-04,A,51,20", "2024-01-04,A,102,20");
    let adjusted = adjusted.replace("2024-01-05,A,52,20", "2024-01-05,A,104,20");
    let dir = Scratch::with(&[
        ("prices.csv", &adjusted),
        (
            "actions.csv",
            "date,symbol,action,value\n2024-01-04,A,split,2\n",
        ),
    ]);
    let (code, _, err) = run(
        dir.path(),
        &[
            "compute",
            "-m",
            "pw",
            "--actions",
            "actions.csv",
            "prices.csv",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(
        err,
        "warning: actions.csv, line 2, column 'value': split 2 of A on 2024-01-04, but the \
         price hardly moves (102 after 102 of 2024-01-03, +0.0%): the prices look \
         split-adjusted already, and the split would restate the previous close to 51: every \
         level from 2024-01-04 on is likely wrong\n  hint: remove the action if the prices are \
         split-adjusted, or use unadjusted prices\n"
    );
    // idx check reports the same move on the same line.
    let (_, out, _) = run(
        dir.path(),
        &[
            "check",
            "--format",
            "csv",
            "--actions",
            "actions.csv",
            "prices.csv",
        ],
    );
    assert!(
        out.contains("actions.csv,2,2024-01-04,A,warning,action,\"split 2 of A on 2024-01-04"),
        "{out}"
    );
}

#[test]
fn help_examples_give_the_actions() {
    for cmd in ["compute", "chart"] {
        let (_, out, _) = run(Path::new("."), &[cmd, "--help"]);
        let examples = out.split("Examples:\n").nth(1).expect("examples");
        for line in examples.lines() {
            // One example a line: none wraps.
            assert!(
                line.starts_with("  idx ") || line.starts_with("  cat "),
                "{line}"
            );
        }
        for line in out.lines().filter(|l| l.contains("data/prices.csv")) {
            assert!(
                line.contains("--actions data/actions.csv") || line.contains("--infer-splits"),
                "{line}"
            );
        }
    }
}

mod agreement {
    //! `idx check` and every computing command find the same moves: one rule, two feeds.
    use super::*;
    use proptest::prelude::*;

    /// A day's move of one symbol: (price factor numerator, denominator, shares factor, whether
    /// a split action of the price move's inverse is recorded, a recorded value that is off).
    #[derive(Clone, Debug)]
    enum Move {
        /// An ordinary move of `pct` tenths of a percent.
        Plain(i32),
        /// A split `n`-for-`d` in the prices (price × d/n, shares × n/d when `shares`).
        Split {
            n: u32,
            d: u32,
            shares: bool,
            action: Option<&'static str>,
        },
        /// A split action on a day the price does not move.
        AdjustedAction,
    }

    fn a_move() -> impl Strategy<Value = Move> {
        prop_oneof![
            6 => (-80i32..80).prop_map(Move::Plain),
            2 => (
                prop::sample::select(vec![(2u32, 1u32), (1, 2), (4, 1), (1, 10), (3, 2), (5, 4)]),
                any::<bool>(),
                prop::sample::select(vec![None, Some("right"), Some("2")]),
            )
                .prop_map(|((n, d), shares, action)| Move::Split { n, d, shares, action }),
            1 => Just(Move::AdjustedAction),
        ]
    }

    /// Prices (in cents), shares and actions files for three symbols over `moves`.
    fn files(moves: &[Vec<Move>]) -> (String, String) {
        let days = moves[0].len();
        let mut prices = String::from("date,symbol,price,shares\n");
        let mut actions = String::from("date,symbol,action,value\n");
        let mut state: Vec<(i64, i64)> = vec![(100_000, 1000), (5_000, 3000), (20_000, 700)];
        let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        for t in 0..days {
            let date = start + chrono::Duration::days(t as i64);
            for (s, m) in moves.iter().enumerate() {
                let (p, q) = &mut state[s];
                if t > 0 {
                    match &m[t] {
                        Move::Plain(pct) => *p = (*p * (1000 + *pct as i64) / 1000).max(1),
                        Move::Split {
                            n,
                            d,
                            shares,
                            action,
                        } => {
                            *p = (*p * *d as i64 / *n as i64).max(1);
                            if *shares {
                                *q = *q * *n as i64 / *d as i64;
                            }
                            let value = match action {
                                None => None,
                                Some("right") => Some(format!("{}", *n as f64 / *d as f64)),
                                Some(v) => Some(v.to_string()),
                            };
                            if let Some(v) = value {
                                actions.push_str(&format!("{date},S{s},split,{v}\n"));
                            }
                        }
                        Move::AdjustedAction => {
                            actions.push_str(&format!("{date},S{s},split,2\n"));
                        }
                    }
                }
                prices.push_str(&format!("{date},S{s},{}.{:02},{q}\n", *p / 100, *p % 100));
            }
        }
        (prices, actions)
    }

    /// (file, line) of every move a command reports.
    fn compute_lines(err: &str) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = err
            .lines()
            .filter_map(|l| l.strip_prefix("warning: "))
            .filter(|l| l.contains("likely wrong"))
            .map(|l| {
                let (file, rest) = l.split_once(", line ").unwrap();
                let line = rest.split(',').next().unwrap().parse().unwrap();
                (file.to_string(), line)
            })
            .collect();
        v.sort();
        v
    }

    /// (file, line) of every split finding of `idx check --format csv`.
    fn check_lines(out: &str) -> Vec<(String, u64)> {
        let mut r = csv::Reader::from_reader(out.as_bytes());
        let mut v: Vec<(String, u64)> = r
            .records()
            .map(|x| x.unwrap())
            .filter(|x| x[5] == *"split" || (x[5] == *"action" && x[6].contains("hardly moves")))
            .map(|x| (x[0].to_string(), x[1].parse().unwrap()))
            .collect();
        v.sort();
        v
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        #[test]
        fn check_and_compute_report_the_same_moves(
            moves in prop::collection::vec(prop::collection::vec(a_move(), 10), 3)
        ) {
            let (prices, actions) = files(&moves);
            let dir = Scratch::with(&[("prices.csv", &prices), ("actions.csv", &actions)]);
            let (code, _, err) = run(
                dir.path(),
                &["compute", "-m", "pw,ew", "--actions", "actions.csv", "prices.csv"],
            );
            prop_assume!(code == 0); // e.g. a special case compute refuses
            let (_, out, _) = run(
                dir.path(),
                &["check", "--format", "csv", "--actions", "actions.csv", "prices.csv"],
            );
            prop_assert_eq!(compute_lines(&err), check_lines(&out), "{}\n{}", prices, actions);
        }
    }
}

#[test]
fn the_documented_example_is_real_output() {
    // The example of docs/commands.md ("Unrecorded splits"): stdout, then the two warnings.
    let readme = fs::read_to_string(repo("docs/commands.md")).unwrap();
    let start = readme
        .find("$ idx compute -m cw data/prices.csv --from 2025-03-31\n")
        .expect("the example");
    let block = &readme[start..];
    let block = &block[..block.find("```").unwrap()];
    let mut lines = block.lines();
    let command = lines.next().unwrap().strip_prefix("$ idx ").unwrap();
    let expected: Vec<&str> = lines.collect();
    let (code, out, err) = run(&repo(""), &command.split(' ').collect::<Vec<_>>());
    assert_eq!(code, 0);
    let actual: Vec<&str> = out.lines().chain(err.lines()).collect();
    assert_eq!(actual, expected);
}
