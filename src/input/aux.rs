//! Auxiliary input files: corporate actions, member lists, share counts and divisors.

use super::{DateParser, Source, Symbols, Table};
use crate::calc::{
    Action, ActionKind, FactorEntry, FactorSchedule, MemberList, ShareEntry, SharesSchedule,
};
use crate::error::DataError;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

const SYMBOL: &[&str] = &["symbol", "ticker", "code"];

/// Reads `--actions FILE` (`date,symbol,action,value`), sorted by date then symbol.
///
/// With `members`, actions of symbols that are not on the list are skipped: they cannot affect
/// the index. Two actions of the same kind for the same symbol and date are an error (see
/// [`read_actions_with_duplicates`]).
pub fn read_actions(
    source: &Source,
    dates: &DateParser,
    symbols: &mut Symbols,
    members: Option<&MemberList>,
) -> Result<Vec<Action>, DataError> {
    read_actions_inner(source, dates, symbols, members, None)
}

/// A second action of the same kind for the same symbol and date: the later row, and the
/// error [`read_actions`] gives for it.
pub type DuplicateAction = (Action, DataError);

/// Like [`read_actions`], but a second action of the same kind for the same symbol and date is
/// not an error: it is returned beside the actions (the later row, with the error
/// [`read_actions`] would give), and left out of them. For `idx check`, which lists it as a
/// finding.
pub fn read_actions_with_duplicates(
    source: &Source,
    dates: &DateParser,
    symbols: &mut Symbols,
) -> Result<(Vec<Action>, Vec<DuplicateAction>), DataError> {
    let mut duplicates = Vec::new();
    let actions = read_actions_inner(source, dates, symbols, None, Some(&mut duplicates))?;
    Ok((actions, duplicates))
}

fn read_actions_inner(
    source: &Source,
    dates: &DateParser,
    symbols: &mut Symbols,
    members: Option<&MemberList>,
    mut duplicates: Option<&mut Vec<DuplicateAction>>,
) -> Result<Vec<Action>, DataError> {
    let mut t = Table::open(source)?;
    let date_col = t.require(&["date"], None, None, "")?;
    let sym_col = t.require(SYMBOL, None, None, "")?;
    let kind_col = t.require(&["action", "type"], None, None, "")?;
    let value_col = t.require(&["value", "ratio", "amount"], None, None, "")?;
    let mut actions = Vec::new();
    // (date, symbol, kind) → the line of its first row.
    let mut seen: BTreeMap<(NaiveDate, u32, u8), u64> = BTreeMap::new();
    while t.next()? {
        let name = t.symbol(sym_col)?;
        let symbol = match members {
            Some(list) => match symbols.get(name).filter(|&s| list.contains(s)) {
                Some(s) => s,
                None => continue,
            },
            None => symbols.intern(name),
        };
        let date = t.date(date_col, dates)?;
        let value = t.decimal(value_col)?;
        let kind = t.text(kind_col)?.to_ascii_lowercase();
        let kind = match kind.as_str() {
            "split" => ActionKind::Split(value),
            "special_dividend" => ActionKind::SpecialDividend(value),
            "dividend" => ActionKind::Dividend(value),
            _ => {
                return Err(t
                    .error(kind_col, "unknown action")
                    .hint("use split, special_dividend or dividend"))
            }
        };
        if value <= Decimal::ZERO {
            let (what, hint) = match kind {
                ActionKind::Split(_) => (
                    "a split ratio must be greater than 0",
                    "a split's value is new shares per old share: 2 for 2-for-1, 0.1 for 1-for-10",
                ),
                ActionKind::SpecialDividend(_) => (
                    "a special dividend must be greater than 0",
                    "a special dividend's value is the cash paid per share, a positive amount \
                     such as 1.25",
                ),
                ActionKind::Dividend(_) => (
                    "a dividend must be greater than 0",
                    "a dividend's value is the cash paid per share, a positive amount such as \
                     0.25",
                ),
            };
            return Err(t.error(value_col, what).hint(hint));
        }
        let (code, label, combined) = match kind {
            ActionKind::Split(_) => (0, "split", "the product of the split ratios"),
            ActionKind::SpecialDividend(_) => {
                (1, "special dividend", "the sum of the amounts per share")
            }
            ActionKind::Dividend(_) => (2, "dividend", "the sum of the amounts per share"),
        };
        let action = Action {
            date,
            symbol,
            kind,
            line: t.line(),
        };
        if let Some(&first) = seen.get(&(date, symbol, code)) {
            let e = t
                .error(
                    kind_col,
                    format!(
                        "a second {label} for {} on {date} (also on line {first})",
                        symbols.name(symbol)
                    ),
                )
                .hint(format!(
                    "keep one row per symbol, date and action; if two events really happened \
                     that day, combine them into one row whose value is {combined}"
                ));
            match duplicates.as_deref_mut() {
                Some(list) => {
                    list.push((action, e));
                    continue;
                }
                None => return Err(e),
            }
        }
        seen.insert((date, symbol, code), action.line);
        actions.push(action);
    }
    actions.sort_by_key(|a| (a.date, a.symbol, a.line));
    Ok(actions)
}

/// Reads `--constituents FILE` (`symbol[,start][,end]`, dates inclusive, empty = open).
pub fn read_constituents(
    source: &Source,
    dates: &DateParser,
    symbols: &mut Symbols,
) -> Result<MemberList, DataError> {
    let mut t = Table::open(source)?;
    let sym_col = t.require(SYMBOL, None, None, "")?;
    let start_col = t.column(&["start", "from", "added"], None)?;
    let end_col = t.column(&["end", "to", "removed"], None)?;
    let mut list = MemberList::new();
    let mut rows = 0;
    while t.next()? {
        let symbol = symbols.intern(t.symbol(sym_col)?);
        let start = match start_col {
            Some(c) => t.opt_date(c, dates)?,
            None => None,
        };
        let end = match end_col {
            Some(c) => t.opt_date(c, dates)?,
            None => None,
        };
        if let (Some(s), Some(e), Some(c)) = (start, end, end_col) {
            if e < s {
                return Err(t
                    .error(c, format!("the end date is before the start date {s}"))
                    .hint("swap the dates or fix the end date"));
            }
        }
        list.add(symbol, start, end);
        rows += 1;
    }
    if rows == 0 {
        return Err(DataError::new("the member list has no rows")
            .file(t.name())
            .hint("list one symbol per row under the header symbol,start,end"));
    }
    Ok(list)
}

/// Reads `--shares FILE` (`symbol,shares[,date][,float]`).
pub fn read_shares(
    source: &Source,
    dates: &DateParser,
    symbols: &mut Symbols,
) -> Result<SharesSchedule, DataError> {
    let mut t = Table::open(source)?;
    let sym_col = t.require(SYMBOL, None, None, "")?;
    let shares_col = t.require(&["shares"], None, None, "")?;
    let date_col = t.column(&["date"], None)?;
    let float_col = t.column(&["float", "iwf"], None)?;
    let mut schedule = SharesSchedule::new();
    let mut seen: BTreeMap<(u32, Option<NaiveDate>), u64> = BTreeMap::new();
    while t.next()? {
        let symbol = symbols.intern(t.symbol(sym_col)?);
        let shares = t.decimal(shares_col)?;
        if shares < Decimal::ZERO {
            return Err(t
                .error(shares_col, "shares cannot be negative")
                .hint("fix the share count (0 is allowed: a weight of zero)"));
        }
        let from = match date_col {
            Some(c) => t.opt_date(c, dates)?,
            None => None,
        };
        let float = match float_col {
            Some(c) => t.opt_decimal(c)?,
            None => None,
        };
        if float.is_some_and(|f| f <= Decimal::ZERO || f > Decimal::ONE) {
            return Err(t
                .error(
                    float_col.unwrap_or_default(),
                    "the float factor must be in (0, 1]",
                )
                .hint("write the investable-weight factor as a fraction, e.g. 0.85"));
        }
        if let Some(first) = seen.insert((symbol, from), t.line()) {
            return Err(DataError::new(format!(
                "a second share count for {} from the same date (first on line {first})",
                symbols.name(symbol)
            ))
            .file(t.name())
            .line(t.line())
            .hint("keep one row per symbol and date"));
        }
        schedule.add(
            symbol,
            ShareEntry {
                from,
                shares,
                float,
            },
        );
    }
    Ok(schedule)
}

/// Reads `--factors FILE` (`symbol,factor[,cap_ratio][,date]`): Nikkei-style price adjustment
/// factors and capping ratios. A factor must be greater than 0, a capping ratio in `(0, 1]` (1
/// when the cell or the column is missing); a symbol has one row per date (one undated row). With
/// `members`, a symbol must be on the member list; without, the caller checks that each one has
/// prices ([`FactorSchedule::first_lines`]).
pub fn read_factors(
    source: &Source,
    dates: &DateParser,
    symbols: &mut Symbols,
    members: Option<&MemberList>,
) -> Result<FactorSchedule, DataError> {
    let mut t = Table::open(source)?;
    let sym_col = t.require(SYMBOL, None, None, "")?;
    let factor_col = t.require(&["factor", "paf"], None, None, "")?;
    let cap_col = t.column(&["cap_ratio", "capping_ratio", "cr"], None)?;
    let date_col = t.column(&["date"], None)?;
    let mut schedule = FactorSchedule::new();
    let mut seen: BTreeMap<(u32, Option<NaiveDate>), u64> = BTreeMap::new();
    let mut rows = 0;
    while t.next()? {
        let symbol = symbols.intern(t.symbol(sym_col)?);
        if members.is_some_and(|m| !m.contains(symbol)) {
            return Err(t
                .error(
                    sym_col,
                    "a factor for a symbol that is not on the member list",
                )
                .hint("fix the symbol, or add it to the --constituents file"));
        }
        let factor = t.decimal(factor_col)?;
        if factor <= Decimal::ZERO {
            return Err(t
                .error(
                    factor_col,
                    "the price adjustment factor must be greater than 0",
                )
                .hint("write the factor the price is multiplied by, e.g. 1, 0.5 or 3"));
        }
        let cap_ratio = match cap_col {
            Some(c) => t.opt_decimal(c)?.unwrap_or(Decimal::ONE),
            None => Decimal::ONE,
        };
        if cap_ratio <= Decimal::ZERO || cap_ratio > Decimal::ONE {
            return Err(t
                .error(
                    cap_col.unwrap_or_default(),
                    "the capping ratio must be greater than 0 and at most 1",
                )
                .hint(
                    "write the capping ratio as a fraction, e.g. 0.9; 1 (or empty) is uncapped",
                ));
        }
        let from = match date_col {
            Some(c) => t.opt_date(c, dates)?,
            None => None,
        };
        if let Some(first) = seen.insert((symbol, from), t.line()) {
            let when = from.map_or("without a date".to_string(), |d| format!("for {d}"));
            return Err(t
                .error(
                    date_col.unwrap_or(sym_col),
                    format!(
                        "a second factor row for {} {when} (first on line {first})",
                        symbols.name(symbol)
                    ),
                )
                .hint("keep one row per symbol and date"));
        }
        schedule.add(
            symbol,
            FactorEntry {
                from,
                factor,
                cap_ratio,
            },
            t.line(),
        );
        rows += 1;
    }
    if rows == 0 {
        return Err(DataError::new("the factors file has no rows")
            .file(t.name())
            .hint("give one row per symbol under the header symbol,factor,cap_ratio,date"));
    }
    Ok(schedule)
}

/// Reads `--divisors FILE` (`date,divisor`): date → (divisor, line).
pub fn read_divisors(
    source: &Source,
    dates: &DateParser,
) -> Result<BTreeMap<NaiveDate, (Decimal, u64)>, DataError> {
    let mut t = Table::open(source)?;
    let date_col = t.require(&["date"], None, None, "")?;
    let div_col = t.require(&["divisor"], None, None, "")?;
    let mut out = BTreeMap::new();
    while t.next()? {
        let date = t.date(date_col, dates)?;
        let d = t.decimal(div_col)?;
        if d <= Decimal::ZERO {
            return Err(t
                .error(div_col, "the divisor must be greater than 0")
                .hint("fix the divisor"));
        }
        if let Some((d0, line0)) = out.insert(date, (d, t.line())) {
            if d0 != d {
                return Err(t
                    .error(
                        div_col,
                        format!("two divisors on {date}: {d0} on line {line0} and this one"),
                    )
                    .hint("a date has one divisor: keep one row per date"));
            }
        }
    }
    Ok(out)
}

/// Reads `--column-map FILE` (`column,alias`): idx's column names and the headers that stand
/// for them in the user's files.
pub fn read_column_map(source: &Source) -> Result<Vec<(String, String)>, DataError> {
    const KNOWN: [&str; 7] = [
        "date", "symbol", "price", "shares", "float", "divisor", "group",
    ];
    let mut t = Table::open_with(source, &super::TextFormat::default())?;
    let col = t.require(&["column"], None, None, "")?;
    let alias = t.require(&["alias"], None, None, "")?;
    let mut out = Vec::new();
    while t.next()? {
        let name = t.text(col)?.to_lowercase();
        if !KNOWN.contains(&name.as_str()) {
            return Err(t
                .error(col, "unknown column name")
                .hint(format!("use one of {}", KNOWN.join(", "))));
        }
        out.push((name, t.text(alias)?.to_string()));
    }
    Ok(out)
}

/// One rate of an FX file: its date, the rate and its line.
pub type FxRate = (NaiveDate, Decimal, u64);

/// An FX file (`--fx FILE`): rates in target-currency units per unit of the prices' currency.
#[derive(Clone, Debug, Default)]
pub struct FxTable {
    /// The file's name, for messages.
    pub name: String,
    /// Whether the file has a `currency` column (one series per currency).
    pub by_currency: bool,
    /// The currency codes (upper case), one per series; `[""]` without a currency column.
    pub currencies: Vec<String>,
    /// The rates of each currency, sorted by date, one per date.
    pub series: Vec<Vec<FxRate>>,
}

/// Reads `--fx FILE`: `date,rate`, or `date,currency,rate` for prices in several currencies.
/// A rate must be greater than 0; a currency has one rate per date (a second, different one is
/// an error naming both lines). Currency codes are compared without regard to case.
pub fn read_fx(source: &Source, dates: &DateParser) -> Result<FxTable, DataError> {
    let mut t = Table::open(source)?;
    let date_col = t.require(&["date"], None, None, "")?;
    let rate_col = t.require(&["rate", "fx", "close"], None, None, "")?;
    let cur_col = t.column(&["currency"], None)?;
    let mut by: BTreeMap<String, BTreeMap<NaiveDate, (Decimal, u64)>> = BTreeMap::new();
    while t.next()? {
        let date = t.date(date_col, dates)?;
        let currency = match cur_col {
            Some(c) => {
                let code = t.text(c)?.trim().to_ascii_uppercase();
                if code.is_empty() {
                    return Err(t.error(c, "the currency is empty").hint(
                        "write the currency code of the prices the rate converts, e.g. USD",
                    ));
                }
                code
            }
            None => String::new(),
        };
        let rate = t.decimal(rate_col)?;
        if rate <= Decimal::ZERO {
            return Err(t
                .error(rate_col, "the rate must be greater than 0")
                .hint("write the target-currency units per unit of the prices' currency, e.g. 149.52 JPY per USD"));
        }
        let series = by.entry(currency.clone()).or_default();
        if let Some(&(r0, line0)) = series.get(&date) {
            if r0 != rate {
                let of = if currency.is_empty() {
                    String::new()
                } else {
                    format!(" {currency}")
                };
                return Err(t
                    .error(
                        rate_col,
                        format!("two{of} rates on {date}: {r0} on line {line0} and this one"),
                    )
                    .hint("a currency has one rate per date: keep one row per date"));
            }
            continue;
        }
        series.insert(date, (rate, t.line()));
    }
    if by.is_empty() {
        return Err(DataError::new("the FX file has no rates")
            .file(t.name())
            .hint("give one row of date,rate per date"));
    }
    let mut table = FxTable {
        name: t.name().to_string(),
        by_currency: cur_col.is_some(),
        ..FxTable::default()
    };
    for (code, rates) in by {
        table.currencies.push(code);
        table
            .series
            .push(rates.into_iter().map(|(d, (r, l))| (d, r, l)).collect());
    }
    Ok(table)
}
