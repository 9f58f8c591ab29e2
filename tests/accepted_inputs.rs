//! Inputs that used to be accepted silently and are now refused with a located message
//! (issue 12, class 3): duplicate actions, malformed thousands grouping, a wide file's unnamed
//! column. Each test checks the exact stderr and exit code, and that `compute` and `check`
//! agree.

use assert_cmd::Command;

mod common;
use common::{Scratch, BIN, CHECK_HEADER};

const PRICES: &str = "date,symbol,price,shares
2024-01-02,AAA,10.00,100
2024-01-02,BBB,20.00,200
2024-01-03,AAA,5.00,200
2024-01-03,BBB,21.00,200
";

// ---------------------------------------------------------------------------------------------
// 3a: duplicate actions
// ---------------------------------------------------------------------------------------------

#[test]
fn a_duplicated_split_row_is_an_error_naming_both_lines_not_a_4_for_1_split() {
    let s = Scratch::with(&[
        ("p.csv", PRICES),
        (
            "a.csv",
            "date,symbol,action,value\n2024-01-03,AAA,split,2\n2024-01-03,AAA,split,2\n",
        ),
    ]);
    let (code, stdout, stderr) = s.run(&["compute", "-m", "pw", "--actions", "a.csv", "p.csv"]);
    assert_eq!(code, 1);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "error: a.csv, line 3, column 'action': a second split for AAA on 2024-01-03 (also on \
         line 2) (value: \"split\")\n  hint: keep one row per symbol, date and action; if two \
         events really happened that day, combine them into one row whose value is the product \
         of the split ratios\n"
    );
    // One row of the split is the 2-for-1 the prices show: AAA 10 → 5 restates the previous
    // close to 5, so the divisor becomes 2 · (5 + 20) / 30 = 1.6666... and the level is
    // (5 + 21) / 1.6666... = 15.60 (a 4-for-1 would have restated it to 2.5).
    let one = Scratch::with(&[
        ("p.csv", PRICES),
        (
            "a.csv",
            "date,symbol,action,value\n2024-01-03,AAA,split,2\n",
        ),
    ]);
    let (code, stdout, _) = one.run(&["compute", "-m", "pw", "--actions", "a.csv", "p.csv"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "date,level,divisor,constituents\n2024-01-02,15.00,2,2\n\
         2024-01-03,15.60,1.6666666666666666666666666667,2\n"
    );
}

#[test]
fn duplicate_dividends_are_errors_whose_hint_is_the_sum_of_the_amounts() {
    for (kind, label) in [
        ("special_dividend", "special dividend"),
        ("dividend", "dividend"),
    ] {
        let s = Scratch::with(&[
            ("p.csv", PRICES),
            (
                "a.csv",
                &format!(
                    "date,symbol,action,value\n2024-01-03,BBB,{kind},0.5\n\
                     2024-01-03,AAA,split,2\n2024-01-03,BBB,{kind},0.25\n"
                ),
            ),
        ]);
        let (code, stdout, stderr) = s.run(&[
            "compute",
            "-m",
            "pw",
            "--total-return",
            "--actions",
            "a.csv",
            "p.csv",
        ]);
        assert_eq!(code, 1, "{kind}");
        assert_eq!(stdout, "");
        assert_eq!(
            stderr,
            format!(
                "error: a.csv, line 4, column 'action': a second {label} for BBB on 2024-01-03 \
                 (also on line 2) (value: \"{kind}\")\n  hint: keep one row per symbol, date \
                 and action; if two events really happened that day, combine them into one row \
                 whose value is the sum of the amounts per share\n"
            )
        );
    }
}

#[test]
fn actions_of_different_kinds_on_one_day_are_not_duplicates() {
    // A split and a special dividend of AAA on the same day, and the same split of another
    // symbol: all accepted. AAA's previous close 10 is restated to (10 - 1) / 2 = 4.5.
    let s = Scratch::with(&[
        ("p.csv", PRICES),
        (
            "a.csv",
            "date,symbol,action,value\n2024-01-03,AAA,split,2\n\
             2024-01-03,AAA,special_dividend,1\n2024-01-03,BBB,dividend,0.1\n",
        ),
    ]);
    let (code, stdout, stderr) = s.run(&["compute", "-m", "pw", "--actions", "a.csv", "p.csv"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    // D_A = 2 · (4.5 + 20) / 30 = 1.6333...; level = 26 / D_A = 15.918...
    assert_eq!(
        stdout,
        "date,level,divisor,constituents\n2024-01-02,15.00,2,2\n\
         2024-01-03,15.92,1.6333333333333333333333333333,2\n"
    );
}

#[test]
fn check_lists_a_duplicate_action_as_an_error_finding_with_computes_message() {
    let s = Scratch::with(&[
        ("p.csv", PRICES),
        (
            "a.csv",
            "date,symbol,action,value\n2024-01-03,AAA,split,2\n2024-01-03,AAA,SPLIT,2\n",
        ),
    ]);
    let (code, stdout, stderr) =
        s.run(&["check", "--format", "csv", "--actions", "a.csv", "p.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        format!(
            "{CHECK_HEADER}a.csv,3,2024-01-03,AAA,error,action,a second split for AAA on \
             2024-01-03 (also on line 2),\"keep one row per symbol, date and action; if two \
             events really happened that day, combine them into one row whose value is the \
             product of the split ratios\"\n"
        )
    );
    assert_eq!(
        stderr,
        "error: p.csv: 1 error and 0 warnings found (listed on stdout)\n  hint: compute refuses \
         the rows with errors: fix or remove them\n"
    );
}

// ---------------------------------------------------------------------------------------------
// 3b: thousands grouping
// ---------------------------------------------------------------------------------------------

const GROUPED: &str = "date,symbol,price
2024-01-02,AAA,\"1,234.50\"
2024-01-02,BBB,\"20,5\"
";

#[test]
fn thousands_groups_that_are_not_three_digits_are_refused() {
    let hint = "  hint: group the digits before the decimal point in threes (1,234,567.89), or \
                write the number without separators\n";
    for (value, line) in [
        ("20,5", 3),
        ("2,0,0.0", 3),
        (",200", 3),
        ("200,", 3),
        ("1,,200", 3),
    ] {
        let s = Scratch::with(&[(
            "p.csv",
            &format!(
                "date,symbol,price\n2024-01-02,AAA,\"1,234.50\"\n2024-01-02,BBB,\"{value}\"\n"
            ),
        )]);
        let (code, stdout, stderr) = s.run(&["compute", "-m", "pw", "--thousands", ",", "p.csv"]);
        assert_eq!((code, stdout.as_str()), (1, ""), "{value}");
        assert_eq!(
            stderr,
            format!(
                "error: p.csv, line {line}, column 'price': misplaced thousands separator ',': \
                 the digits before the decimal point must be grouped in threes, as in \
                 1,234,567.89 (value: \"{value}\")\n{hint}"
            ),
            "{value}"
        );
    }
    // A separator after the decimal point.
    let s = Scratch::with(&[("p.csv", "date,symbol,price\n2024-01-02,AAA,\"1,234.5,0\"\n")]);
    let (code, _, stderr) = s.run(&["compute", "-m", "pw", "--thousands", ",", "p.csv"]);
    assert_eq!(code, 1);
    assert!(
        stderr
            .starts_with("error: p.csv, line 2, column 'price': misplaced thousands separator ','")
            && stderr.contains("(value: \"1,234.5,0\")"),
        "{stderr}"
    );
}

#[test]
fn check_applies_the_same_grouping_rule() {
    let s = Scratch::with(&[("p.csv", GROUPED)]);
    let (code, stdout, _) = s.run(&["check", "--format", "csv", "--thousands", ",", "p.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        format!(
            "{CHECK_HEADER}p.csv,3,2024-01-02,BBB,error,bad_price,\"misplaced thousands \
             separator ',': the digits before the decimal point must be grouped in threes, as \
             in 1,234,567.89 (value: \"\"20,5\"\")\",\"write a plain decimal number such as \
             101.25 or 1.5e3; for \"\"1,234.50\"\" pass --thousands ,\"\n"
        )
    );
}

#[test]
fn well_grouped_numbers_are_still_read() {
    let s = Scratch::with(&[(
        "p.csv",
        "date,symbol,price\n2024-01-02,AAA,\"1,234.50\"\n2024-01-02,BBB,\"-1\"\n",
    )]);
    // -1 is read (and refused as a price ≤ 0): the rule leaves numbers without a separator.
    let (code, _, stderr) = s.run(&["compute", "-m", "pw", "--thousands", ",", "p.csv"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("the price must be greater than 0 (value: \"-1\")"));
    let s = Scratch::with(&[(
        "p.csv",
        "date,symbol,price\n2024-01-02,AAA,\"1,234.50\"\n2024-01-02,BBB,\"12,345,678\"\n\
         2024-01-03,AAA,\"1,234.50\"\n2024-01-03,BBB,765.5\n",
    )]);
    let (code, stdout, _) = s.run(&["compute", "-m", "pw", "--thousands", ",", "p.csv"]);
    assert_eq!(code, 0);
    // (1234.50 + 12345678) / 2 = 6173456.25; (1234.50 + 765.5) / 2 = 1000.
    assert_eq!(
        stdout,
        "date,level,divisor,constituents\n2024-01-02,6173456.25,2,2\n2024-01-03,1000.00,2,2\n"
    );
}

#[test]
fn a_dot_separator_is_never_read_as_a_decimal_point() {
    // With --thousands . the fast path used to read "1.234" as 1.234; it is 1234, and 101.25
    // is malformed grouping.
    let s = Scratch::with(&[("p.csv", "date,symbol,price\n2024-01-02,AAA,1.234\n")]);
    let (code, stdout, _) = s.run(&["compute", "-m", "pw", "--thousands", ".", "p.csv"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "date,level,divisor,constituents\n2024-01-02,1234.00,1,1\n"
    );
    let s = Scratch::with(&[("p.csv", "date,symbol,price\n2024-01-02,AAA,101.25\n")]);
    let (code, _, stderr) = s.run(&["compute", "-m", "pw", "--thousands", ".", "p.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "error: p.csv, line 2, column 'price': misplaced thousands separator '.': the digits \
         before the decimal point must be grouped in threes, as in 1.234.567 (value: \
         \"101.25\")\n  hint: group the digits before the decimal point in threes (1.234.567), \
         or write the number without separators\n"
    );
}

#[test]
fn the_parallel_reader_stdin_and_wide_files_share_the_rule() {
    // A file of about 800 KB is read on two threads in chunks; the bad cell is at its end.
    let mut big = String::from("date,symbol,price\n");
    let mut line = 1;
    for day in 0..300 {
        let date = format!("2024-{:02}-{:02}", 1 + day / 28, 1 + day % 28);
        for k in 0..100 {
            big.push_str(&format!("{date},S{k:03},\"1,234.50\"\n"));
            line += 1;
        }
    }
    big.push_str("2024-12-01,S000,\"1,23.50\"\n");
    line += 1;
    assert!(big.len() > 3 << 18, "several chunks of 256 KB");
    let s = Scratch::with(&[
        ("big.csv", &big),
        (
            "wide.csv",
            "date,AAA,BBB\n2024-01-02,\"1,000\",\"2,000\"\n2024-01-03,\"1,000\",\"20,00\"\n",
        ),
    ]);
    let message = |file: &str, line: u64, column: &str, value: &str| {
        format!(
            "error: {file}, line {line}, column '{column}': misplaced thousands separator ',': \
             the digits before the decimal point must be grouped in threes, as in 1,234,567.89 \
             (value: \"{value}\")\n  hint: group the digits before the decimal point in threes \
             (1,234,567.89), or write the number without separators\n"
        )
    };
    let (code, _, stderr) = s.run(&["compute", "-m", "pw", "--thousands", ",", "big.csv"]);
    assert_eq!(
        (code, stderr),
        (1, message("big.csv", line, "price", "1,23.50"))
    );
    // The same file on stdin goes through the one-thread reader.
    let out = Command::new(BIN)
        .current_dir(s.path())
        .args(["compute", "-m", "pw", "--thousands", ",", "-"])
        .write_stdin(big.clone())
        .output()
        .expect("idx runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        message("<stdin>", line, "price", "1,23.50")
    );
    let (code, _, stderr) = s.run(&[
        "compute",
        "-m",
        "pw",
        "--wide",
        "--thousands",
        ",",
        "wide.csv",
    ]);
    assert_eq!((code, stderr), (1, message("wide.csv", 3, "BBB", "20,00")));
}

// ---------------------------------------------------------------------------------------------
// 3c: a wide file's unnamed column
// ---------------------------------------------------------------------------------------------

#[test]
fn a_wide_column_without_a_name_is_an_error_in_compute_and_check() {
    let s = Scratch::with(&[(
        "w.csv",
        "date,AAA,,BBB\n2024-01-02,10,5,20\n2024-01-03,11,5,21\n",
    )]);
    let expected = "error: w.csv, line 1: column 3 of the header has no name: in a wide file \
                    every column after the date holds one symbol's prices\n  hint: write the \
                    symbol in the header, or remove the column\n";
    let (code, stdout, stderr) = s.run(&["compute", "-m", "pw", "--wide", "w.csv"]);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (1, "", expected));
    let (code, stdout, stderr) = s.run(&["check", "--wide", "--format", "csv", "w.csv"]);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (1, "", expected));
    // The date column may be anywhere; a name of spaces only is no name either.
    let s = Scratch::with(&[("w.csv", "AAA,date,  \n10,2024-01-02,5\n")]);
    let (code, _, stderr) = s.run(&["compute", "-m", "pw", "--wide", "w.csv"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("error: w.csv, line 1: column 3 of the header has no name"),
        "{stderr}"
    );
    // Named columns are read as before: (10 + 20) / 2 = 15.
    let s = Scratch::with(&[("w.csv", "date,AAA,BBB\n2024-01-02,10,20\n")]);
    let (code, stdout, _) = s.run(&["compute", "-m", "pw", "--wide", "w.csv"]);
    assert_eq!(
        (code, stdout.as_str()),
        (0, "date,level,divisor,constituents\n2024-01-02,15.00,2,2\n")
    );
}
