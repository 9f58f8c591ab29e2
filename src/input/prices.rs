//! The prices file: one row per constituent per date.

use super::{DateParser, Source, Symbols};
use crate::calc::{MemberList, Quote, SymbolId};
use crate::error::DataError;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::ops::Range;

mod packed;
mod reader;
mod wide;

use packed::{pack, sort_rows, Packed, Side, NO_SHARES, SIDE};
pub(crate) use reader::{PriceReader, RowParser};
use wide::read_wide;
pub(crate) use wide::wide_symbols;

/// Column names chosen on the command line (`--date-col` ...); `None`: the standard names.
#[derive(Clone, Debug, Default)]
pub struct ColumnNames {
    /// The date column (default `date`).
    pub date: Option<String>,
    /// The symbol column (default `symbol`, `ticker` or `code`).
    pub symbol: Option<String>,
    /// The price column (default `price` or `close`).
    pub price: Option<String>,
    /// The shares column (default `shares`).
    pub shares: Option<String>,
    /// The group column (default `group` or `sector`; when set, it must exist).
    pub group: Option<String>,
    /// How the file's text is read (encoding, thousands separator, column aliases).
    pub text: super::TextFormat,
    /// Skip rows with a bad value (reported) instead of failing.
    pub skip_bad_rows: bool,
    /// Wide layout: `date` and one price column per symbol.
    pub wide: bool,
    /// `--fx` with a `currency` column: the FX file's name and its currency codes. The prices
    /// file then needs a `currency` column, and each row's currency must be one of them.
    pub currencies: Option<(String, Vec<String>)>,
}

/// One date of the prices file.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceDay {
    /// The date.
    pub date: NaiveDate,
    /// Its rows in [`PriceData::quotes`], sorted by symbol.
    pub quotes: Range<usize>,
    /// The divisor given on that date's rows, if any.
    pub divisor: Option<Decimal>,
}

/// The prices file, grouped by date in ascending order, stored compactly (32 bytes a row;
/// the rare values that do not fit, and float, divisor and group cells, in a side table).
#[derive(Clone, Debug, Default)]
pub struct PriceData {
    /// The dates.
    pub days: Vec<PriceDay>,
    /// Whether the file has a `shares` column.
    pub has_shares: bool,
    /// Line of the first row that gives each day's divisor (parallel to `days`).
    pub divisor_lines: Vec<u64>,
    /// The distinct group labels, in order of first appearance.
    pub group_names: Vec<String>,
    /// Rows skipped for a bad value (`--skip-bad-rows`), as messages.
    pub skipped: Vec<String>,
    rows: Vec<Packed>,
    side: FxHashMap<u32, Side>,
}

impl PriceData {
    /// The quote of row `i` (rows of a date are `PriceDay::quotes`, sorted by symbol).
    pub fn quote(&self, i: usize) -> Quote {
        let r = &self.rows[i];
        let side = (r.flags & SIDE != 0)
            .then(|| self.side.get(&r.line))
            .flatten();
        let price = match side.and_then(|s| s.price) {
            Some(p) => p,
            None => Decimal::new(r.price, u32::from(r.price_scale)),
        };
        let shares = if r.flags & NO_SHARES != 0 {
            None
        } else {
            Some(match side.and_then(|s| s.shares) {
                Some(v) => v,
                None => Decimal::new(r.shares, u32::from(r.shares_scale)),
            })
        };
        Quote {
            symbol: r.symbol,
            price,
            shares,
            float: side.and_then(|s| s.float),
            line: u64::from(r.line),
        }
    }

    /// The symbol of row `i`.
    pub fn symbol(&self, i: usize) -> SymbolId {
        self.rows[i].symbol
    }

    /// The currency of row `i`: its index in [`ColumnNames::currencies`] (0 without them).
    pub fn currency(&self, i: usize) -> u32 {
        let r = &self.rows[i];
        (r.flags & SIDE != 0)
            .then(|| self.side.get(&r.line).map(|s| s.currency))
            .flatten()
            .unwrap_or(0)
    }

    /// The group of row `i`, if the file has a group column and the cell is filled.
    pub fn group(&self, i: usize) -> Option<u32> {
        let r = &self.rows[i];
        (r.flags & SIDE != 0)
            .then(|| self.side.get(&r.line).and_then(|s| s.group))
            .flatten()
    }

    /// Sorts the rows by date and symbol, groups them into days and checks each day.
    fn finish(&mut self, name: &str, symbols: &Symbols) -> Result<(), DataError> {
        let key = |r: &Packed| (r.date, r.symbol, r.line);
        if !self.rows.is_sorted_by_key(key) {
            sort_rows(&mut self.rows);
        }
        self.rows.shrink_to_fit();
        let mut i = 0;
        while i < self.rows.len() {
            let start = i;
            let day = self.rows[i].date;
            while i < self.rows.len() && self.rows[i].date == day {
                i += 1;
            }
            let date = NaiveDate::from_num_days_from_ce_opt(day).unwrap_or_default();
            let divisor = check_rows(
                i - start,
                |k| {
                    let r = &self.rows[start + k];
                    let d = (r.flags & SIDE != 0)
                        .then(|| self.side.get(&r.line).and_then(|s| s.divisor))
                        .flatten();
                    (r.symbol, u64::from(r.line), d)
                },
                date,
                name,
                symbols,
            )?;
            self.days.push(PriceDay {
                date,
                quotes: start..i,
                divisor: divisor.map(|d| d.0),
            });
            self.divisor_lines.push(divisor.map_or(0, |d| d.1));
        }
        Ok(())
    }

    /// Replaces `out` with the quotes of `day`.
    pub fn day_quotes(&self, day: &PriceDay, out: &mut Vec<Quote>) {
        out.clear();
        out.extend(day.quotes.clone().map(|i| self.quote(i)));
    }
}

/// One checked row of the prices file.
pub(crate) struct Row {
    pub(crate) date: NaiveDate,
    pub(crate) quote: Quote,
    pub(crate) divisor: Option<Decimal>,
    pub(crate) group: Option<u32>,
    /// The index of the row's currency in [`ColumnNames::currencies`] (0 without them).
    pub(crate) currency: u32,
}

/// Checks the rows of one date (sorted by symbol, then line): no symbol twice, at most one
/// divisor. Returns the date's divisor and the line that gives it.
pub(crate) fn check_day(
    rows: &[Row],
    file: &str,
    symbols: &Symbols,
) -> Result<Option<(Decimal, u64)>, DataError> {
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    check_rows(
        rows.len(),
        |k| (rows[k].quote.symbol, rows[k].quote.line, rows[k].divisor),
        first.date,
        file,
        symbols,
    )
}

/// [`check_day`] over rows given by `get(k) = (symbol, line, divisor)`.
fn check_rows(
    len: usize,
    get: impl Fn(usize) -> (SymbolId, u64, Option<Decimal>),
    date: NaiveDate,
    file: &str,
    symbols: &Symbols,
) -> Result<Option<(Decimal, u64)>, DataError> {
    let mut divisor: Option<(Decimal, u64)> = None;
    let mut previous: Option<(SymbolId, u64)> = None;
    for k in 0..len {
        let (symbol, line, d) = get(k);
        if let Some((s0, line0)) = previous.filter(|p| p.0 == symbol) {
            return Err(DataError::new(format!(
                "duplicate row for {} on {date} (also on line {line0})",
                crate::error::escape_name(symbols.name(s0))
            ))
            .file(file)
            .line(line)
            .hint("keep one row per symbol and date"));
        }
        previous = Some((symbol, line));
        if let Some(d) = d {
            match divisor {
                Some((d0, line0)) if d0 != d => {
                    return Err(DataError::new(format!(
                        "two divisors on {date}: {d0} on line {line0} and {d} here"
                    ))
                    .file(file)
                    .line(line)
                    .column("divisor")
                    .value(d.to_string())
                    .hint("a date has one divisor: make the rows of that date agree"));
                }
                Some(_) => {}
                None => divisor = Some((d, line)),
            }
        }
    }
    Ok(divisor)
}

/// Reads the whole prices file, in any row order.
///
/// With `members`, rows of symbols that are not on the list are skipped without being checked
/// (they cannot affect the index). `need_shares` makes a missing `shares` column an error.
pub fn read_prices(
    source: &Source,
    columns: &ColumnNames,
    dates: &DateParser,
    symbols: &mut Symbols,
    members: Option<&MemberList>,
    need_shares: bool,
) -> Result<PriceData, DataError> {
    if columns.wide {
        if need_shares {
            return Err(DataError::new(
                "a wide prices file holds prices only, and cap-weighted needs share counts",
            )
            .file(source.name())
            .hint("give the share counts with --shares FILE"));
        }
        return read_wide(source, columns, dates, symbols, members);
    }
    let mut reader = PriceReader::open(source, columns, need_shares)?;
    let mut data = PriceData {
        has_shares: reader.has_shares(),
        ..PriceData::default()
    };
    let mut records = 0;
    match source {
        // A file is parsed on two threads, in chunks handed back in file order.
        Source::Path(path) if !reader.transcoded() => {
            let (offset, first_line) = reader.data_start();
            let initial = symbols.clone();
            let first_new = initial.len() as u32;
            let mut failed = None;
            let progress = reader.progress().clone();
            let mut consume = |chunk: Result<super::Chunk, DataError>| match chunk {
                Ok(mut chunk) => {
                    records += chunk.records;
                    progress.set_position(chunk.end);
                    data.skipped.append(&mut chunk.skipped);
                    for row in chunk.into_global(symbols, first_new, &mut data.group_names) {
                        data.rows.push(pack(row, &mut data.side));
                    }
                    true
                }
                Err(e) => {
                    failed = Some(e);
                    false
                }
            };
            super::read_parallel(
                path,
                offset,
                first_line,
                reader.name(),
                reader.headers(),
                reader.parser(),
                &initial,
                dates,
                members,
                reader.thousands(),
                2,
                &mut consume,
            )?;
            progress.finish_and_clear();
            if let Some(e) = failed {
                return Err(e);
            }
        }
        _ => {
            while let Some(row) = reader.next_row(dates, symbols, members)? {
                data.rows.push(pack(row, &mut data.side));
            }
            records = reader.records();
            data.group_names = reader.group_names().to_vec();
            data.skipped = reader.take_skipped();
        }
    }
    if records == 0 {
        return Err(reader.header_only());
    }
    let name = reader.name().to_string();
    data.finish(&name, symbols)?;
    Ok(data)
}

#[cfg(test)]
mod sort_tests;
