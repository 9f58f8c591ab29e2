use super::text::utf16;
use super::*;

#[test]
fn decimals_parse_exactly_or_not_at_all() {
    assert_eq!(parse_decimal("101.10").unwrap().to_string(), "101.10");
    assert_eq!(parse_decimal("-0.5").unwrap().to_string(), "-0.5");
    assert_eq!(parse_decimal("+7").unwrap().to_string(), "7");
    assert_eq!(parse_decimal("5.").unwrap().to_string(), "5");
    assert_eq!(parse_decimal(".25").unwrap().to_string(), "0.25");
    assert_eq!(
        parse_decimal("123456789012345678.9").unwrap().to_string(),
        "123456789012345678.9"
    );
    assert_eq!(
        parse_decimal("-999999999999999999").unwrap().to_string(),
        "-999999999999999999"
    );
    assert!(parse_decimal("abc").is_err());
    assert!(parse_decimal("1,5").is_err());
    assert!(parse_decimal("NaN").is_err());
    assert!(parse_decimal("1_000").is_err());
    assert_eq!(parse_decimal("1.5e3").unwrap(), Decimal::from(1500));
    assert_eq!(parse_decimal("25E-2").unwrap().to_string(), "0.25");
    assert_eq!(parse_decimal("-2.5e+1").unwrap(), Decimal::from(-25));
    assert!(parse_decimal("1e").is_err());
    assert!(parse_decimal("e5").is_err());
    assert!(parse_decimal("1e40").is_err());
    assert!(parse_decimal("1e-40").is_err());
    assert!(parse_decimal("inf").is_err());
    assert!(parse_decimal(".").is_err());
    assert_eq!(parse_decimal("12.3.4").unwrap_err(), "not a decimal number");
    assert!(parse_decimal("1234567890123456789012345678901234567890").is_err());
}

#[test]
fn thousands_groups_are_three_digits() {
    let ok = |t: &str, sep: u8| strip_thousands(t, sep).map(|c| c.into_owned());
    assert_eq!(ok("1,234.50", b','), Ok("1234.50".into()));
    assert_eq!(ok("-12,345,678", b','), Ok("-12345678".into()));
    assert_eq!(ok("+999,000.125", b','), Ok("+999000.125".into()));
    assert_eq!(ok("1,234e3", b','), Ok("1234e3".into()));
    assert_eq!(ok("101.25", b','), Ok("101.25".into()));
    assert_eq!(ok("1.234.567", b'.'), Ok("1234567".into()));
    assert_eq!(ok("1 234,5", b' '), Err("not a decimal number".into()));
    assert_eq!(ok("1'234.5", b'\''), Ok("1234.5".into()));
    let misplaced = "misplaced thousands separator ',': the digits before the decimal point \
                     must be grouped in threes, as in 1,234,567.89";
    for bad in [
        "20,5",
        "2,0,0.0",
        ",123",
        "123,",
        "1,,234",
        "1234,567",
        "1,23",
        "1,2345",
        "1,234.5,6",
        "1,234.567,8",
        "-,123",
        "12,345e1,0",
    ] {
        assert_eq!(ok(bad, b','), Err(misplaced.into()), "{bad}");
    }
    assert_eq!(ok("1,2a4", b','), Err("not a decimal number".into()));
    // With '.' as the separator there is no fractional part: 101.25 is refused.
    assert!(ok("101.25", b'.').unwrap_err().contains("as in 1.234.567"));
}

#[test]
fn dates_iso_and_custom() {
    let p = DateParser::new(Some("%m/%d/%Y".into()));
    assert_eq!(p.parse("1/7/2011"), NaiveDate::from_ymd_opt(2011, 1, 7));
    assert_eq!(p.parse("2011-01-07"), NaiveDate::from_ymd_opt(2011, 1, 7));
    assert_eq!(DateParser::default().parse("2023-02-29"), None);
    assert_eq!(DateParser::default().parse("1/7/2011"), None);
}

#[test]
fn utf16_is_recognised_by_its_mark_or_its_nul_bytes() {
    assert_eq!(utf16(b"\xFF\xFEd\0a\0"), Some("UTF-16"));
    assert_eq!(utf16(b"\xFE\xFF\0d\0a"), Some("UTF-16"));
    // No mark: NUL in every odd position is little-endian, every even one big-endian.
    assert_eq!(utf16(b"d\0a\0t\0e\0\n\0"), Some("UTF-16LE"));
    assert_eq!(utf16(b"\0d\0a\0t\0e\0\n"), Some("UTF-16BE"));
    // UTF-8, a stray NUL in the header, a NUL on a later line, or a line too short to
    // judge: not UTF-16.
    assert_eq!(utf16(b"date,symbol,price\n"), None);
    assert_eq!(utf16(b"date,sym\0bol,price\n"), None);
    assert_eq!(utf16(b"date,symbol\nx\0y\0z\0"), None);
    assert_eq!(utf16(b"d\0\n"), None);
    assert_eq!(utf16(b"\xEF\xBB\xBFdate\n"), None);
}

#[test]
fn symbols_intern_densely() {
    let mut s = Symbols::new();
    assert_eq!(s.intern("AAA"), 0);
    assert_eq!(s.intern("BBB"), 1);
    assert_eq!(s.intern("AAA"), 0);
    assert_eq!(s.get("BBB"), Some(1));
    assert_eq!(s.name(1), "BBB");
    assert_eq!(s.len(), 2);
}
