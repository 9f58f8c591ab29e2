//! Messages that used to mislead or flood (issue 12, class 4): long values cut, control bytes
//! escaped, UTF-16 files named as such, `check --wide` lines, levels that round to 0, negative
//! dividends. Each test checks the exact stderr (or finding) and the exit code.

use assert_cmd::Command;
use std::fs;

mod common;
use common::{outcome, Scratch, BIN, CHECK_HEADER};

const PRICES: &[u8] = b"date,symbol,price
2024-01-02,AAA,10.00
2024-01-02,BBB,20.00
2024-01-03,AAA,11.00
2024-01-03,BBB,21.00
";

// ---------------------------------------------------------------------------------------------
// 4a: long values are cut
// ---------------------------------------------------------------------------------------------

#[test]
fn a_10_mb_cell_is_quoted_in_80_characters_with_its_length() {
    let cell = "A".repeat(10 << 20);
    let file = format!("date,symbol,price\n2024-01-02,AAA,1\n2024-01-02,BBB,{cell}\n");
    let s = Scratch::with_bytes(&[("p.csv", file.as_bytes())]);
    let shown = format!("\"{}…\" [10485760 bytes]", "A".repeat(80));
    let (code, stdout, stderr) = s.run(&["compute", "-m", "pw", "p.csv"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        format!(
            "error: p.csv, line 3, column 'price': not a decimal number (value: {shown})\n  \
             hint: write a plain decimal number such as 101.25 or 1.5e3; for \"1,234.50\" pass \
             --thousands , (--skip-bad-rows skips such rows)\n"
        )
    );
    // check's finding quotes it the same way.
    let (code, stdout, _) = s.run(&["check", "--format", "csv", "p.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        format!(
            "{CHECK_HEADER}p.csv,3,2024-01-02,BBB,error,bad_price,\"not a decimal number \
             (value: {})\",\"write a plain decimal number such as 101.25 or 1.5e3; for \
             \"\"1,234.50\"\" pass --thousands ,\"\n",
            shown.replace('"', "\"\"")
        )
    );
}

#[test]
fn long_values_are_cut_on_a_character_boundary_in_auxiliary_files_too() {
    // 100 three-byte characters: 80 are shown, the length is in bytes.
    let kind = "合".repeat(100);
    let actions = format!("date,symbol,action,value\n2024-01-03,AAA,{kind},2\n");
    let s = Scratch::with_bytes(&[("p.csv", PRICES), ("a.csv", actions.as_bytes())]);
    let (code, _, stderr) = s.run(&["compute", "-m", "pw", "--actions", "a.csv", "p.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        format!(
            "error: a.csv, line 2, column 'action': unknown action (value: \"{}…\" [300 \
             bytes])\n  hint: use split, special_dividend or dividend\n",
            "合".repeat(80)
        )
    );
}

// ---------------------------------------------------------------------------------------------
// 4b: control bytes in headers are escaped
// ---------------------------------------------------------------------------------------------

#[test]
fn control_bytes_in_a_header_are_escaped_in_columns_found() {
    let s = Scratch::with_bytes(&[("p.csv", b"date,sym\x00bol,pri\x1b[2Jce\n2024-01-02,AAA,1\n")]);
    let expected = "error: p.csv, line 1: missing required column 'symbol' or 'ticker' or \
                    'code'\n  hint: rename the column in the header, or name it with \
                    --symbol-col (columns found: date, sym\\0bol, pri\\u{1b}[2Jce)\n";
    for cmd in ["compute", "check"] {
        let args: &[&str] = if cmd == "compute" {
            &["compute", "-m", "pw", "p.csv"]
        } else {
            &["check", "p.csv"]
        };
        let (code, stdout, stderr) = s.run(args);
        assert_eq!(
            (code, stdout.as_str(), stderr.as_str()),
            (1, "", expected),
            "{cmd}"
        );
    }
}

#[test]
fn control_bytes_in_a_column_name_are_escaped_where_the_column_is_named() {
    // A wide file's symbol column with a BEL in its name, and a bad price in it.
    let s = Scratch::with_bytes(&[("w.csv", b"date,AA\x07A\n2024-01-02,x\n")]);
    let (code, _, stderr) = s.run(&["compute", "-m", "pw", "--wide", "w.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "error: w.csv, line 2, column 'AA\\u{7}A': not a decimal number (value: \"x\")\n  hint: \
         write a plain decimal number such as 101.25 or 1.5e3; for \"1,234.50\" pass \
         --thousands , (--skip-bad-rows skips such rows)\n"
    );
    // The same name in a duplicate's message (the symbols of a wide file are its headers).
    let s = Scratch::with_bytes(&[("w.csv", b"date,AA\x07A\n2024-01-02,1\n2024-01-02,2\n")]);
    let (code, _, stderr) = s.run(&["compute", "-m", "pw", "--wide", "w.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "error: w.csv, line 3: duplicate row for AA\\u{7}A on 2024-01-02 (also on line 2)\n  \
         hint: keep one row per symbol and date\n"
    );
    // A level file's header, and a value with a NUL in it.
    let s = Scratch::with_bytes(&[(
        "l.csv",
        b"date,lev\x00el\n2024-01-02,100\n2024-01-03,1\x002\n",
    )]);
    let (code, _, stderr) = s.run(&["returns", "l.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "error: l.csv, line 3, column 'lev\\0el': not a decimal number (value: \"1\\02\")\n  \
         hint: choose the level columns with --column\n"
    );
}

// ---------------------------------------------------------------------------------------------
// 4c: UTF-16
// ---------------------------------------------------------------------------------------------

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = (if bom { "\u{feff}" } else { "" }).to_string() + text;
    for u in units.encode_utf16() {
        out.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

fn utf16_error(file: &str, form: &str, converted: &str) -> String {
    format!(
        "error: {file}: UTF-16 is not supported: convert the file to UTF-8\n  hint: convert it, \
         e.g. with: iconv -f {form} -t UTF-8 {file} > {converted}\n"
    )
}

#[test]
fn utf16_prices_files_are_refused_with_a_hint_whatever_their_byte_order() {
    let text = std::str::from_utf8(PRICES).unwrap();
    let s = Scratch::with_bytes(&[
        ("le.csv", &utf16(text, false, true)),
        ("be.csv", &utf16(text, true, true)),
        ("le_nobom.csv", &utf16(text, false, false)),
        ("be_nobom.txt", &utf16(text, true, false)),
    ]);
    for (file, form, converted) in [
        ("le.csv", "UTF-16", "le.utf8.csv"),
        ("be.csv", "UTF-16", "be.utf8.csv"),
        ("le_nobom.csv", "UTF-16LE", "le_nobom.utf8.csv"),
        ("be_nobom.txt", "UTF-16BE", "be_nobom.txt.utf8.csv"),
    ] {
        let expected = utf16_error(file, form, converted);
        for args in [
            vec!["compute", "-m", "pw", file],
            vec!["compute", "-m", "pw", "--encoding", "shift_jis", file],
            vec!["check", file],
            vec!["check", "--wide", file],
            vec!["returns", "-m", "pw", file],
        ] {
            let (code, stdout, stderr) = s.run(&args);
            assert_eq!(
                (code, stdout.as_str(), stderr.as_str()),
                (1, "", expected.as_str()),
                "{args:?}"
            );
        }
    }
    // On stdin the hint names no file.
    let (code, _, stderr) = outcome(
        s.cmd()
            .args(["compute", "-m", "pw"])
            .write_stdin(utf16(text, false, true)),
    );
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "error: <stdin>: UTF-16 is not supported: convert the file to UTF-8\n  hint: convert it, \
         e.g. with: iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8.csv\n"
    );
}

#[test]
fn utf16_auxiliary_and_level_files_are_refused_the_same_way() {
    let s = Scratch::with_bytes(&[
        ("p.csv", PRICES),
        (
            "a.csv",
            &utf16(
                "date,symbol,action,value\n2024-01-03,AAA,split,2\n",
                false,
                true,
            ),
        ),
        ("m.csv", &utf16("symbol\nAAA\n", false, true)),
        ("s.csv", &utf16("symbol,shares\nAAA,100\n", true, true)),
        (
            "d.csv",
            &utf16("date,divisor\n2024-01-02,2\n", false, false),
        ),
        (
            "levels.csv",
            &utf16("date,level\n2024-01-02,100\n2024-01-03,101\n", false, true),
        ),
    ]);
    for (args, file, form) in [
        (
            vec!["compute", "-m", "pw", "--actions", "a.csv", "p.csv"],
            "a",
            "UTF-16",
        ),
        (vec!["check", "--actions", "a.csv", "p.csv"], "a", "UTF-16"),
        (
            vec!["compute", "-m", "pw", "--constituents", "m.csv", "p.csv"],
            "m",
            "UTF-16",
        ),
        (
            vec!["compute", "-m", "cw", "--shares", "s.csv", "p.csv"],
            "s",
            "UTF-16",
        ),
        (vec!["check", "--shares", "s.csv", "p.csv"], "s", "UTF-16"),
        (
            vec!["compute", "-m", "pw", "--divisors", "d.csv", "p.csv"],
            "d",
            "UTF-16LE",
        ),
        (vec!["returns", "levels.csv"], "levels", "UTF-16"),
        (
            vec!["relative", "levels.csv", "levels.csv"],
            "levels",
            "UTF-16",
        ),
        (
            vec!["chart", "-o", "c.svg", "levels.csv"],
            "levels",
            "UTF-16",
        ),
    ] {
        let expected = utf16_error(&format!("{file}.csv"), form, &format!("{file}.utf8.csv"));
        let (code, stdout, stderr) = s.run(&args);
        assert_eq!(
            (code, stdout.as_str(), stderr.as_str()),
            (1, "", expected.as_str()),
            "{args:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 4d: check --wide names each row's own line
// ---------------------------------------------------------------------------------------------

#[test]
fn check_wide_duplicates_name_each_rows_own_wide_line() {
    // Two rows for 2024-01-03 on lines 3 and 4: the duplicates are on line 4, and the first
    // row of the date is line 3 (the long file's line numbers used to leak into the message).
    let s = Scratch::with_bytes(&[(
        "w.csv",
        b"date,AAA,BBB,CCC\n2024-01-02,10,20,30\n2024-01-03,11,21,31\n2024-01-03,11,22,\n",
    )]);
    let (code, stdout, _) = s.run(&["check", "--wide", "--format", "csv", "w.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        format!(
            "{CHECK_HEADER}w.csv,4,2024-01-03,AAA,error,duplicate,\"duplicate row for AAA on \
             2024-01-03 (also on line 3, the same price)\",keep one row per symbol and date\n\
             w.csv,4,2024-01-03,BBB,error,duplicate,\"duplicate row for BBB on 2024-01-03 \
             (also on line 3, price 21 there, 22 here)\",keep one row per symbol and date\n"
        )
    );
    // compute names the same lines.
    let (code, _, stderr) = s.run(&["compute", "-m", "pw", "--wide", "w.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "error: w.csv, line 4: duplicate row for AAA on 2024-01-03 (also on line 3)\n  hint: \
         keep one row per symbol and date\n"
    );
}

#[test]
fn check_wide_errors_that_stop_the_reading_name_the_wide_file() {
    // No date can be read: the error names the wide file and its line, not a temporary file.
    let s = Scratch::with_bytes(&[("w.csv", b"date,AAA\n01/02/2024,10\n01/03/2024,11\n")]);
    let (code, _, stderr) = s.run(&["check", "--wide", "w.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "error: w.csv, line 2, column 'date': no date in the file can be read: expected a date \
         as YYYY-MM-DD (value: \"01/02/2024\")\n  hint: give the dates' format with \
         --date-format (e.g. %m/%d/%Y), or name the date column with --date-col\n"
    );
}

// ---------------------------------------------------------------------------------------------
// 4e: levels that round to 0
// ---------------------------------------------------------------------------------------------

const SMALL: &[u8] = b"date,symbol,price
2024-01-02,AAA,0.4
2024-01-03,AAA,0.41
2024-01-04,AAA,0.43
";

#[test]
fn returns_method_names_the_date_and_method_of_a_level_that_rounds_to_0() {
    let s = Scratch::with_bytes(&[("p.csv", SMALL)]);
    let (code, stdout, stderr) = s.run(&["returns", "-m", "pw", "--level-decimals", "0", "p.csv"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        "error: p.csv: the price-weighted level on 2024-01-02 is 0 when rounded to 0 decimals, \
         and returns need levels greater than 0\n  hint: raise --level-decimals, or compute the \
         index with a larger --base-value\n"
    );
    // Several methods: the column is the method's.
    let (code, _, stderr) = s.run(&["returns", "-m", "pw,ew", "--base-value", "0.004", "p.csv"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with(
            "error: p.csv: the price-weighted level on 2024-01-02 is 0.00 when rounded to 2 \
             decimals"
        ),
        "{stderr}"
    );
    // Raising the decimals, as the hint says, works: 0.4 → 0.43 is +7.50%.
    let (code, stdout, _) = s.run(&[
        "returns",
        "-m",
        "pw",
        "--level-decimals",
        "2",
        "--period",
        "inception",
        "--format",
        "csv",
        "p.csv",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "series,metric,value,start,end,partial,note\n\
         level,inception,0.075,2024-01-02,2024-01-04,false,\n"
    );
}

#[test]
fn relative_method_names_the_date_and_method_of_a_level_that_rounds_to_0() {
    let s = Scratch::with_bytes(&[("p.csv", SMALL)]);
    let (code, stdout, stderr) =
        s.run(&["relative", "-m", "pw,ew", "--base-value", "0.001", "p.csv"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        "error: p.csv: the price-weighted level on 2024-01-02 is 0.00 when rounded to 2 \
         decimals, and the ratios of idx relative need levels greater than 0\n  hint: compute \
         the index with a larger --base-value (idx relative --method reads the levels with 2 \
         decimals, as idx compute writes them)\n"
    );
}

// ---------------------------------------------------------------------------------------------
// 4f: negative dividends
// ---------------------------------------------------------------------------------------------

#[test]
fn a_negative_special_dividend_gets_a_cash_per_share_hint_not_a_split_hint() {
    let s = Scratch::with_bytes(&[
        ("p.csv", PRICES),
        (
            "sd.csv",
            b"date,symbol,action,value\n2024-01-03,AAA,special_dividend,-0.5\n",
        ),
        (
            "d.csv",
            b"date,symbol,action,value\n2024-01-03,AAA,dividend,0\n",
        ),
        (
            "s.csv",
            b"date,symbol,action,value\n2024-01-03,AAA,split,-2\n",
        ),
    ]);
    let (code, _, stderr) = s.run(&["compute", "-m", "pw", "--actions", "sd.csv", "p.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "error: sd.csv, line 2, column 'value': a special dividend must be greater than 0 \
         (value: \"-0.5\")\n  hint: a special dividend's value is the cash paid per share, a \
         positive amount such as 1.25\n"
    );
    // check refuses the file with the same message.
    let (code, _, check_stderr) = s.run(&["check", "--actions", "sd.csv", "p.csv"]);
    assert_eq!((code, check_stderr), (1, stderr));
    let (code, _, stderr) = s.run(&["compute", "-m", "pw", "--actions", "d.csv", "p.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "error: d.csv, line 2, column 'value': a dividend must be greater than 0 (value: \
         \"0\")\n  hint: a dividend's value is the cash paid per share, a positive amount such \
         as 0.25\n"
    );
    // A split keeps its split hint.
    let (code, _, stderr) = s.run(&["compute", "-m", "pw", "--actions", "s.csv", "p.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "error: s.csv, line 2, column 'value': a split ratio must be greater than 0 (value: \
         \"-2\")\n  hint: a split's value is new shares per old share: 2 for 2-for-1, 0.1 for \
         1-for-10\n"
    );
}

// ---------------------------------------------------------------------------------------------
// The documented error examples (docs/errors.md)
// ---------------------------------------------------------------------------------------------

#[test]
fn the_documented_error_examples_of_issue_12_are_real() {
    // Each example's two lines (error and hint) in docs/errors.md are compared here, run where
    // the examples' fixtures are (tests/readme.rs also runs them, from the repository root).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("docs/errors.md")).expect("docs/errors.md");
    let lines: Vec<&str> = readme.lines().collect();
    for example in [
        "$ idx compute -m pw --actions actions_twice.csv prices.csv",
        "$ idx compute -m pw --thousands , grouping.csv",
        "$ idx compute -m pw prices_utf16.csv",
    ] {
        let at = lines
            .iter()
            .position(|l| *l == example)
            .unwrap_or_else(|| panic!("docs/errors.md lacks {example}"));
        let expected = format!("{}\n{}\n", lines[at + 1], lines[at + 2]);
        let args: Vec<&str> = example.split(' ').skip(2).collect();
        let (code, stdout, stderr) = outcome(
            Command::new(BIN)
                .current_dir(root.join("tests/data/readme"))
                .args(&args),
        );
        assert_eq!(
            (code, stdout.as_str(), stderr.as_str()),
            (1, "", expected.as_str()),
            "{example}"
        );
    }
}
