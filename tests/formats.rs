//! Input formats users actually have (issue 6): Shift_JIS, column aliases, thousands
//! separators, exponents, a byte-order mark, CRLF, quoted fields, wide files, skipped bad rows,
//! and the same output from a file and from stdin. Expected levels are worked out by hand.

use std::fs;

mod common;
use common::{idx, outputs_of_lossy, path_str, Scratch};

/// Writes `bytes` to `name` in `dir`; returns its path as an argument.
fn write(dir: &Scratch, name: &str, bytes: &[u8]) -> String {
    path_str(&dir.write(name, bytes))
}

/// Two stocks, cap-weighted: 2500·100 + 1200·200 = 490000 → 100; then 2550·100 + 1212·200 =
/// 497400 → 100 · 497400 / 490000 = 101.5102… → 101.51; the divisor 490000 / 100 = 4900.
const TWO_STOCKS: &str = "date,level,divisor,constituents\n\
                          2024-01-04,100.00,4900,2\n2024-01-05,101.51,4900,2\n";

/// A Japanese file in Shift_JIS (cp932), with Japanese headers and CRLF line ends.
fn shift_jis_file(dir: &Scratch) -> String {
    let text = "日付,銘柄コード,終値,発行済株式数\r\n2024-01-04,7203,2500,100\r\n\
                2024-01-04,8306,1200,200\r\n2024-01-05,7203,2550,100\r\n2024-01-05,8306,1212,200\r\n";
    // Encode by hand-picked bytes: the headers in Shift_JIS.
    let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!bad);
    write(dir, "sjis.csv", &bytes)
}

fn column_map(dir: &Scratch) -> String {
    write(
        dir,
        "map.csv",
        "column,alias\ndate,日付\nsymbol,銘柄コード\nprice,終値\nshares,発行済株式数\n".as_bytes(),
    )
}

#[test]
fn shift_jis_is_detected_read_explicitly_and_from_stdin() {
    let dir = Scratch::new();
    let (file, map) = (shift_jis_file(&dir), column_map(&dir));
    let (auto, _) =
        outputs_of_lossy(idx().args(["compute", "-m", "cw", "--column-map", &map, &file]));
    assert_eq!(auto, TWO_STOCKS);
    let (explicit, _) = outputs_of_lossy(idx().args([
        "compute",
        "-m",
        "cw",
        "--encoding",
        "shift_jis",
        "--column-map",
        &map,
        &file,
    ]));
    assert_eq!(explicit, TWO_STOCKS);
    let (piped, _) = outputs_of_lossy(
        idx()
            .args(["compute", "-m", "cw", "--column-map", &map, "-"])
            .write_stdin(fs::read(&file).unwrap()),
    );
    assert_eq!(piped, TWO_STOCKS);
    // Read as UTF-8, the headers do not match: the error lists what it found.
    let out = idx()
        .args([
            "compute",
            "-m",
            "cw",
            "--encoding",
            "utf-8",
            "--column-map",
            &map,
            &file,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_column_map_names_unknown_columns_as_errors() {
    let dir = Scratch::new();
    let map = write(&dir, "map.csv", b"column,alias\nticker_name,Name\n");
    let prices = write(&dir, "p.csv", b"date,symbol,price\n2024-01-02,A,1\n");
    let out = idx()
        .args(["compute", "-m", "pw", "--column-map", &map, &prices])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("map.csv, line 2, column 'column'"), "{err}");
    assert!(err.contains("ticker_name"), "{err}");
}

#[test]
fn thousands_separators_only_with_the_flag_and_exponents_always() {
    let dir = Scratch::new();
    // 1,234.50 × 1e3 = 1234500 → 100; 1,300.00 × 1000 = 1300000 → 105.3058… → 105.31.
    let p = write(
        &dir,
        "p.csv",
        b"date,symbol,price,shares\n2024-01-04,A,\"1,234.50\",1e3\n2024-01-05,A,\"1,300.00\",1000\n",
    );
    let out = idx().args(["compute", "-m", "cw", &p]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2, column 'price'")
            && err.contains("1,234.50")
            && err.contains("--thousands"),
        "{err}"
    );
    let (levels, _) = outputs_of_lossy(idx().args(["compute", "-m", "cw", "--thousands", ",", &p]));
    assert_eq!(
        levels,
        "date,level,divisor,constituents\n2024-01-04,100.00,12345,1\n2024-01-05,105.31,12345,1\n"
    );
}

#[test]
fn bad_rows_fail_or_are_skipped_and_counted() {
    let dir = Scratch::new();
    let p = write(
        &dir,
        "p.csv",
        b"date,symbol,price\n2024-01-04,A,10\n2024-01-04,B,NaN\n2024-01-05,A,11\n\
          2024-01-05,B,inf\n2024-01-06,A,12\n2024-01-06,B,\n",
    );
    let out = idx().args(["compute", "-m", "pw", &p]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("p.csv, line 3, column 'price'"));
    // Skipped: only A remains, 10 → 11 → 12.
    let (levels, err) =
        outputs_of_lossy(idx().args(["compute", "-m", "pw", "--skip-bad-rows", &p]));
    assert_eq!(
        levels,
        "date,level,divisor,constituents\n2024-01-04,10.00,1,1\n2024-01-05,11.00,1,1\n2024-01-06,12.00,1,1\n"
    );
    for line in ["line 3", "line 5", "line 7"] {
        assert!(err.contains(line), "{line} not reported:\n{err}");
    }
    assert!(err.contains("3 bad row(s) skipped"), "{err}");
}

#[test]
fn a_byte_order_mark_crlf_and_quoted_fields_are_read_as_usual() {
    let dir = Scratch::new();
    let plain = write(
        &dir,
        "plain.csv",
        b"date,symbol,price\n2024-01-02,A,10\n2024-01-02,B,30\n2024-01-03,A,11\n2024-01-03,B,31\n",
    );
    let messy = write(
        &dir,
        "messy.csv",
        b"\xEF\xBB\xBF\"date\",\"symbol\",\"price\"\r\n\"2024-01-02\",\"A\",\"10\"\r\n\
          2024-01-02,\"B\",30\r\n2024-01-03,A,\" 11 \"\r\n2024-01-03,B,31\r\n",
    );
    let (a, _) = outputs_of_lossy(idx().args(["compute", "-m", "pw", &plain]));
    let (b, _) = outputs_of_lossy(idx().args(["compute", "-m", "pw", &messy]));
    // (10 + 30) / 2 = 20, then 20 · 42 / 40 = 21.
    assert_eq!(
        a,
        "date,level,divisor,constituents\n2024-01-02,20.00,2,2\n2024-01-03,21.00,2,2\n"
    );
    assert_eq!(a, b);
}

#[test]
fn wide_files_have_one_price_column_per_symbol() {
    let dir = Scratch::new();
    let wide = write(
        &dir,
        "wide.csv",
        b"date,AAA,BBB,CCC\n2024-01-02,10,20,\n2024-01-03,11,21,30\n2024-01-04,12,,31\n",
    );
    // Price-weighted: (10 + 20)/2 = 15; CCC enters at its first close: 15 · 32/30 = 16,
    // divisor 62/16 = 3.875; BBB leaves: 16 · 43/41 = 16.780… , divisor 43/16.780… = 2.5625.
    let (pw, _) = outputs_of_lossy(idx().args(["compute", "-m", "pw", "--wide", &wide]));
    assert_eq!(
        pw,
        "date,level,divisor,constituents\n2024-01-02,15.00,2,2\n2024-01-03,16.00,3.875,3\n\
         2024-01-04,16.78,2.5625,2\n"
    );
    // The same rows in long form give the same index.
    let long = write(
        &dir,
        "long.csv",
        b"date,symbol,price\n2024-01-02,AAA,10\n2024-01-02,BBB,20\n2024-01-03,AAA,11\n\
          2024-01-03,BBB,21\n2024-01-03,CCC,30\n2024-01-04,AAA,12\n2024-01-04,CCC,31\n",
    );
    let (from_long, _) = outputs_of_lossy(idx().args(["compute", "-m", "pw", &long]));
    assert_eq!(pw, from_long);
    // Cap-weighted needs --shares.
    let out = idx()
        .args(["compute", "-m", "cw", "--wide", &wide])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--shares"));
    let shares = write(
        &dir,
        "shares.csv",
        b"symbol,shares\nAAA,100\nBBB,50\nCCC,10\n",
    );
    // 10·100 + 20·50 = 2000 → 100; 11·100 + 21·50 = 2150 → 107.5 (CCC enters at its close).
    let (cw, _) =
        outputs_of_lossy(idx().args(["compute", "-m", "cw", "--wide", "--shares", &shares, &wide]));
    assert!(cw.starts_with(
        "date,level,divisor,constituents\n2024-01-02,100.00,20,2\n2024-01-03,107.50,"
    ));
}

#[test]
fn a_file_and_stdin_give_the_same_output() {
    let root = env!("CARGO_MANIFEST_DIR");
    let prices = format!("{root}/data/prices.csv");
    let flags = [
        "compute",
        "-m",
        "pw,cw,ew",
        "-q",
        "--decimals",
        "8",
        "--actions",
        "data/actions.csv",
        "--constituents",
        "data/constituents.csv",
    ];
    let (from_file, _) = outputs_of_lossy(idx().current_dir(root).args(flags).arg(&prices));
    let (from_stdin, _) = outputs_of_lossy(
        idx()
            .current_dir(root)
            .args(flags)
            .arg("-")
            .write_stdin(fs::read(&prices).unwrap()),
    );
    assert_eq!(from_file, from_stdin);
    assert_eq!(from_file.lines().count(), 313);
}

#[test]
fn bytes_that_are_neither_utf8_nor_shift_jis_are_an_error_with_their_line() {
    let dir = Scratch::new();
    let p = write(
        &dir,
        "p.csv",
        b"date,symbol,price\n2024-01-02,B\xff\xfeB,10\n",
    );
    let out = idx().args(["compute", "-m", "pw", &p]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("p.csv, line 2, column 'symbol'") && err.contains("not valid UTF-8"),
        "{err}"
    );
}

#[test]
fn compute_check_refuses_input_with_findings_and_accepts_clean_input() {
    let dir = Scratch::new();
    let clean = write(
        &dir,
        "clean.csv",
        b"date,symbol,price,shares\n2024-01-02,A,10,100\n2024-01-03,A,11,100\n2024-01-04,A,12,100\n",
    );
    let (levels, _) = outputs_of_lossy(idx().args(["compute", "-m", "cw", "--check", &clean]));
    // 10·100/10 = 100 → 110 → 120.
    assert_eq!(
        levels,
        "date,level,divisor,constituents\n2024-01-02,100.00,10,1\n2024-01-03,110.00,10,1\n\
         2024-01-04,120.00,10,1\n"
    );
    // The sample has a two-day halt: a gap finding, so --check refuses it.
    let root = env!("CARGO_MANIFEST_DIR");
    let out = idx()
        .current_dir(root)
        .args([
            "compute",
            "-m",
            "cw",
            "--check",
            "--actions",
            "data/actions.csv",
            "data/prices.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ZJUL") && err.contains("gap"), "{err}");
    assert!(err.contains("--check"), "{err}");
}

/// Regression: in a CRLF file every reported line was one too low (the csv crate counted a
/// record's line before the \n of the previous one).
#[test]
fn errors_in_crlf_files_name_the_right_line() {
    let dir = Scratch::new();
    let p = write(
        &dir,
        "p.csv",
        b"date,symbol,price\r\n2024-01-02,A,1\r\n2024-01-03,A,-5\r\n2024-01-04,A,3\r\n",
    );
    let out = idx().args(["compute", "-m", "pw", &p]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("p.csv, line 3, column 'price'"), "{err}");
    // The same through stdin (read whole, on one thread).
    let out = idx()
        .args(["compute", "-m", "pw", "-"])
        .write_stdin(fs::read(&p).unwrap())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("<stdin>, line 3, column 'price'"));
    // And in idx check.
    let out = idx()
        .args(["check", "--format", "csv", &p])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.lines().any(|l| l.starts_with(&format!("{p},3,"))),
        "{report}"
    );
}

#[test]
fn wide_files_are_checked_with_their_own_lines() {
    let dir = Scratch::new();
    let wide = write(
        &dir,
        "wide.csv",
        b"date,AAA,BBB,CCC\n2024-01-02,10,20,\n2024-01-03,11,abc,30\n2024-01-04,12,21,31\n\
          2024-01-05,5.5,22,32\n2024-01-08,11.5,,33\n2024-01-09,12,23,34\n",
    );
    let out = idx()
        .args(["check", "--wide", "--format", "csv", &wide])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a bad price is an error");
    let report = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = report.lines().skip(1).collect();
    // BBB's "abc" on line 3; AAA's 5.5 between 12 and 11.5 on line 5 (a bad print); BBB has no
    // price on 2024-01-08 (line 7) between two that it has (a gap). CCC's first empty cell is
    // not a gap.
    assert_eq!(rows.len(), 3, "{report}");
    assert!(
        rows[0].starts_with(&format!("{wide},3,2024-01-03,BBB,error,bad_price")),
        "{report}"
    );
    assert!(
        rows[1].starts_with(&format!("{wide},5,2024-01-05,AAA,warning,outlier")),
        "{report}"
    );
    assert!(
        rows[2].starts_with(&format!("{wide},7,2024-01-08,BBB,warning,gap")),
        "{report}"
    );
    // The summary counts the wide file's 6 rows (not the 16 filled cells).
    let out = idx()
        .args(["check", "--wide", "--format", "table", &wide])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("(6 rows, 3 symbols, 6 dates)"), "{table}");
}

/// Issue 13: every command reads its input through the one reader. The same quirky file (a
/// Japanese symbol in Shift_JIS with lone-\r line ends; a byte-order mark, CRLF and quoted
/// fields in UTF-8) is read as its plain UTF-8 form by compute, check, chart and as a members
/// file.
#[test]
fn compute_check_chart_and_members_files_read_quirky_files_alike() {
    let text = "date,symbol,price,shares\n2024-01-04,トヨタ,2500,100\n\
                2024-01-05,トヨタ,2550,100\n2024-01-09,トヨタ,2600,100\n";
    let cr = text.replace('\n', "\r");
    let (sjis, _, bad) = encoding_rs::SHIFT_JIS.encode(&cr);
    assert!(!bad);
    let mut bom_crlf = b"\xEF\xBB\xBF".to_vec();
    bom_crlf.extend(
        text.replace("トヨタ", "\"トヨタ\"")
            .replace('\n', "\r\n")
            .bytes(),
    );
    let runs: [&[&str]; 4] = [
        &["compute", "-m", "cw"],
        &["check"],
        &["chart", "-o", "-"],
        &["share", "-m", "cw", "--members-file", "p.csv"],
    ];
    // Each form in a directory of its own, under the same name, so that messages match too.
    let output = |bytes: &[u8], args: &[&str]| {
        let dir = Scratch::new();
        fs::write(dir.path().join("p.csv"), bytes).unwrap();
        let out = idx()
            .current_dir(dir.path())
            .args(args)
            .arg("p.csv")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (out.stdout, out.stderr)
    };
    for args in runs {
        let plain = output(text.as_bytes(), args);
        assert!(!plain.0.is_empty(), "{args:?}");
        assert_eq!(output(&sjis, args), plain, "Shift_JIS, \\r: {args:?}");
        assert_eq!(
            output(&bom_crlf, args),
            plain,
            "BOM, CRLF, quotes: {args:?}"
        );
    }
    // The members file's symbol is the prices file's: the set is the whole index.
    let (share, _) = output(&sjis, runs[3]);
    assert!(
        String::from_utf8(share)
            .unwrap()
            .ends_with("2024-01-09,1.0000000000,1\n"),
        "share"
    );
}
