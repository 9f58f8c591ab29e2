//! One definition of `--decimals`, `--format` and `-o` for every command (issue 13): the data
//! commands also write aligned text and Markdown; a flag that does not apply to a command is a
//! usage error (exit 2), never ignored.

mod common;
use common::{outcome_allowing_panics, Scratch};

/// Cap-weighted: 10·300 + 20·100 = 5000 → 100 (divisor 50); 12·300 + 20·100 = 5600 → 112.
/// Weights on 01-03: 3600/5600 = 0.642857… → 0.643, 2000/5600 = 0.357142… → 0.357.
const PRICES: &str = "\
date,symbol,price,shares
2024-01-02,A,10,300
2024-01-02,B,20,100
2024-01-03,A,12,300
2024-01-03,B,20,100
";

/// Runs idx with `args` in a fresh directory holding PRICES as p.csv: (exit code, stdout,
/// stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let s = Scratch::with(&[("p.csv", PRICES)]);
    outcome_allowing_panics(s.cmd().args(args))
}

#[test]
fn data_commands_write_aligned_text_and_markdown() {
    assert_eq!(
        run(&["compute", "-m", "cw", "--format", "table", "p.csv"]),
        (
            0,
            "  date         level  divisor  constituents\n\
             \x20 2024-01-02  100.00       50             2\n\
             \x20 2024-01-03  112.00       50             2\n"
                .to_string(),
            String::new()
        )
    );
    assert_eq!(
        run(&["compute", "-m", "cw", "--format", "markdown", "p.csv"]).1,
        "| date       |  level | divisor | constituents |\n\
         | ---------- | -----: | ------: | -----------: |\n\
         | 2024-01-02 | 100.00 |      50 |            2 |\n\
         | 2024-01-03 | 112.00 |      50 |            2 |\n"
    );
    assert_eq!(
        run(&[
            "weights",
            "-m",
            "cw",
            "--format",
            "table",
            "--decimals",
            "3",
            "p.csv"
        ])
        .1,
        "  date        rank  symbol  price  index_shares  value  weight  cumulative\n\
         \x20 2024-01-03     1       A     12           300   3600   0.643       0.643\n\
         \x20 2024-01-03     2       B     20           100   2000   0.357       1.000\n"
    );
}

#[test]
fn the_defaults_are_as_documented() {
    // Levels: 2 decimals, CSV when piped.
    let (_, out, _) = run(&["compute", "-m", "cw", "p.csv"]);
    assert!(out.ends_with("2024-01-03,112.00,50,2\n"), "{out}");
    // Weights: 10 decimals.
    let (_, out, _) = run(&["weights", "-m", "cw", "p.csv"]);
    assert!(out.contains(",0.6428571429,0.6428571429\n"), "{out}");
    // Returns: percentages with 2 decimals in a table.
    let (_, out, _) = run(&[
        "returns", "-m", "cw", "--period", "ytd", "--format", "table", "p.csv",
    ]);
    assert!(out.contains("+12.00%"), "{out}");
}

#[test]
fn a_flag_that_does_not_apply_is_a_usage_error() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["compute", "-m", "cw", "--format", "png", "p.csv"],
            "error: --format png is an image format: only idx chart writes images",
        ),
        (
            &["check", "--decimals", "2", "p.csv"],
            "error: idx check writes no computed numbers: --decimals does not apply",
        ),
        (
            &["chart", "p.csv"],
            "error: idx chart needs --output FILE (.svg or .png)",
        ),
        (
            &["chart", "--format", "csv", "-o", "x.svg", "p.csv"],
            "error: idx chart writes images: --format svg or png",
        ),
        (
            &["weights", "-m", "cw", "--decimals", "0", "p.csv"],
            "error: --decimals must be at least 1 for weights and shares",
        ),
    ];
    for (args, message) in cases {
        let (code, out, err) = run(args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}: {err}");
        assert!(err.starts_with(message), "{args:?}: {err}");
        assert!(err.contains("\n  hint: "), "{err}");
    }
}
