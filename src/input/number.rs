//! Number parsing: exact decimals from their text (never through `f64`) and the one rule
//! for thousands separators.

use rust_decimal::Decimal;

/// `1,234,567.89` written with the thousands separator `sep` (with `.` as the separator, the
/// number has no fractional part).
pub(super) fn grouped_example(sep: u8) -> String {
    if sep == b'.' {
        "1.234.567".to_string()
    } else {
        let s = char::from(sep);
        format!("1{s}234{s}567.89")
    }
}

/// Removes the thousands separator `sep` from the number `text`, the one rule of every reader
/// of `--thousands` (the prices file's readers, parallel or not, and `idx check`). Where `text`
/// has the separator, its digits before the decimal point (or the exponent) must be grouped in
/// threes: a first group of 1 to 3 digits, then groups of exactly 3 digits; no separator
/// leads, trails, is doubled, or stands after the decimal point. `"20,5"` and `"2,0,0.0"` are
/// refused, not read as 205 and 200. Text without the separator is returned as it is.
pub(crate) fn strip_thousands(text: &str, sep: u8) -> Result<std::borrow::Cow<'_, str>, String> {
    use std::borrow::Cow;
    if !text.as_bytes().contains(&sep) {
        return Ok(Cow::Borrowed(text));
    }
    let misplaced = || {
        format!(
            "misplaced thousands separator {:?}: the digits before the decimal point must be \
             grouped in threes, as in {}",
            char::from(sep),
            grouped_example(sep)
        )
    };
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let end = body
        .bytes()
        .position(|c| c == b'e' || c == b'E' || (c == b'.' && sep != b'.'))
        .unwrap_or(body.len());
    let (integer, rest) = body.split_at(end);
    if rest.as_bytes().contains(&sep) {
        return Err(misplaced());
    }
    for (i, group) in integer.split(char::from(sep)).enumerate() {
        if !group.bytes().all(|c| c.is_ascii_digit()) {
            return Err("not a decimal number".to_string());
        }
        let ok = if i == 0 {
            (1..=3).contains(&group.len())
        } else {
            group.len() == 3
        };
        if !ok {
            return Err(misplaced());
        }
    }
    Ok(Cow::Owned(text.replace(char::from(sep), "")))
}

/// Parses a plain decimal of at most 18 digits (`-123.45`) straight from its bytes.
pub(super) fn parse_small_decimal(b: &[u8]) -> Option<Decimal> {
    let (negative, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let (mut mantissa, mut scale, mut seen_dot, mut count) = (0i64, 0u32, false, 0);
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + i64::from(c - b'0');
                count += 1;
                if seen_dot {
                    scale += 1;
                }
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => return None,
        }
    }
    if count == 0 || count > 18 {
        return None;
    }
    Some(Decimal::new(
        if negative { -mantissa } else { mantissa },
        scale,
    ))
}

/// Parses a decimal exactly from its text.
///
/// ```
/// use idx::input::parse_decimal;
/// assert_eq!(parse_decimal("101.10").unwrap().to_string(), "101.10");
/// assert_eq!(parse_decimal("1.5e3").unwrap().to_string(), "1500");
/// assert!(parse_decimal("NaN").is_err());
/// assert!(parse_decimal("1,234.50").is_err()); // needs --thousands
/// ```
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    if let Some(d) = parse_small_decimal(text.as_bytes()) {
        return Ok(d);
    }
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let plain = mantissa
        .bytes()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == b'.' || (i == 0 && (c == b'-' || c == b'+')));
    let dots = mantissa.bytes().filter(|&c| c == b'.').count();
    if !plain || dots > 1 || !mantissa.bytes().any(|c| c.is_ascii_digit()) {
        return Err("not a decimal number".to_string());
    }
    let too_long =
        "the number cannot be represented exactly (more than 28 significant digits or too large)";
    let Some(exponent) = exponent else {
        return Decimal::from_str_exact(text).map_err(|_| too_long.to_string());
    };
    // 1.5e3: the mantissa's digits, shifted by the exponent, exactly.
    let e: i64 = exponent
        .parse()
        .map_err(|_| "not a decimal number (bad exponent)".to_string())?;
    let m = Decimal::from_str_exact(mantissa).map_err(|_| too_long.to_string())?;
    let scale = i64::from(m.scale()) - e;
    if scale >= 0 {
        let scale = u32::try_from(scale).map_err(|_| too_long.to_string())?;
        Decimal::try_from_i128_with_scale(m.mantissa(), scale).map_err(|_| too_long.to_string())
    } else {
        let factor = 10i128
            .checked_pow(u32::try_from(-scale).map_err(|_| too_long.to_string())?)
            .ok_or_else(|| too_long.to_string())?;
        m.mantissa()
            .checked_mul(factor)
            .and_then(|v| Decimal::try_from_i128_with_scale(v, 0).ok())
            .ok_or_else(|| too_long.to_string())
    }
}
