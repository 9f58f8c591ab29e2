//! Reading the prices file row by row: its columns, the checks of every value and the
//! progress bar.

use super::{ColumnNames, Row};
use crate::calc::{MemberList, Quote, SymbolId};
use crate::error::DataError;
use crate::input::{Cells, DateParser, Source, Symbols, Table};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The prices file's columns, found in its header.
#[derive(Clone, Copy)]
struct PriceColumns {
    date: usize,
    symbol: usize,
    price: usize,
    shares: Option<usize>,
    float: Option<usize>,
    divisor: Option<usize>,
    group: Option<usize>,
    currency: Option<usize>,
}

/// A progress bar of the bytes read, on stderr, for a file of 32 MB or more when stderr is a
/// terminal; hidden otherwise (pipes, CI).
fn progress_bar(source: &Source) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    let len = match source {
        Source::Path(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
        Source::Stdin => 0,
    };
    if len < 32 << 20 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    styled_bar(len, indicatif::ProgressDrawTarget::stderr())
}

/// The progress bar drawn to `target`. indicatif drops the errors of drawing (a terminal that
/// went away): the bar never panics and never fails the run.
fn styled_bar(len: u64, target: indicatif::ProgressDrawTarget) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(Some(len), target);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "reading {bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Reads the prices file row by row, checking every value.
pub(crate) struct PriceReader {
    t: Table,
    parser: RowParser,
    records: u64,
    progress: indicatif::ProgressBar,
}

impl PriceReader {
    /// Opens the prices file and finds its columns.
    pub(crate) fn open(
        source: &Source,
        columns: &ColumnNames,
        need_shares: bool,
    ) -> Result<Self, DataError> {
        let t = Table::open_with(source, &columns.text)?;
        let date = t.require(&["date"], columns.date.as_deref(), Some("--date-col"), "")?;
        let symbol = t.require(
            &["symbol", "ticker", "code"],
            columns.symbol.as_deref(),
            Some("--symbol-col"),
            "",
        )?;
        let price = t.require(
            &["price", "close"],
            columns.price.as_deref(),
            Some("--price-col"),
            "",
        )?;
        let shares = if need_shares {
            Some(t.require(
                &["shares"],
                columns.shares.as_deref(),
                Some("--shares-col"),
                " (cap-weighted needs share counts: add a shares column or give --shares FILE)",
            )?)
        } else {
            match columns.shares.as_deref() {
                Some(c) => Some(t.require(&["shares"], Some(c), Some("--shares-col"), "")?),
                None => t.column(&["shares"], None)?,
            }
        };
        let float = t.column(&["float", "iwf"], None)?;
        let divisor = t.column(&["divisor"], None)?;
        let group = match columns.group.as_deref() {
            Some(c) => Some(t.require(&["group"], Some(c), None, " (named by --group-by/--by)")?),
            None => t.column(&["group", "sector"], None)?,
        };
        let currency = match &columns.currencies {
            Some((fx, _)) => Some(t.require(
                &["currency"],
                None,
                None,
                &format!(" (the FX file {fx} gives rates by currency)"),
            )?),
            None => None,
        };
        Ok(PriceReader {
            t,
            parser: RowParser {
                cols: PriceColumns {
                    date,
                    symbol,
                    price,
                    shares,
                    float,
                    divisor,
                    group,
                    currency,
                },
                currencies: columns.currencies.clone().unwrap_or_default(),
                group_names: Vec::new(),
                last_date: None,
                ids: Vec::new(),
                prev_ids: Vec::new(),
                skip_bad_rows: columns.skip_bad_rows,
                skipped: Vec::new(),
            },
            records: 0,
            progress: progress_bar(source),
        })
    }

    /// The file's name for messages.
    pub(crate) fn name(&self) -> &str {
        self.t.name()
    }

    /// The header row.
    pub(crate) fn headers(&self) -> &[String] {
        self.t.headers()
    }

    /// Messages for the rows skipped so far (`--skip-bad-rows`), taken.
    pub(crate) fn take_skipped(&mut self) -> Vec<String> {
        self.parser.take_skipped()
    }

    /// Whether the file is transcoded, so that it cannot be cut into chunks by byte offsets.
    pub(crate) fn transcoded(&self) -> bool {
        self.t.transcoded()
    }

    /// The thousands separator removed from numbers, if any.
    pub(crate) fn thousands(&self) -> Option<u8> {
        self.t.thousands()
    }

    /// The row parser (to copy for other threads).
    pub(crate) fn parser(&self) -> &RowParser {
        &self.parser
    }

    /// The byte offset and line where the data rows start (after the header).
    pub(crate) fn data_start(&self) -> (u64, u64) {
        self.t.after_header()
    }

    /// The progress bar (hidden unless stderr is a terminal and the file is large).
    pub(crate) fn progress(&self) -> &indicatif::ProgressBar {
        &self.progress
    }

    /// Whether the file has a shares column.
    pub(crate) fn has_shares(&self) -> bool {
        self.parser.cols.shares.is_some()
    }

    /// The group labels seen so far.
    pub(crate) fn group_names(&self) -> &[String] {
        self.parser.group_names()
    }

    /// Records read so far (including skipped ones).
    pub(crate) fn records(&self) -> u64 {
        self.records
    }

    /// The next row, checked; rows of symbols not on `members` are skipped unchecked.
    pub(crate) fn next_row(
        &mut self,
        dates: &DateParser,
        symbols: &mut Symbols,
        members: Option<&MemberList>,
    ) -> Result<Option<Row>, DataError> {
        loop {
            if !self.t.next()? {
                self.progress.finish_and_clear();
                return Ok(None);
            }
            self.records += 1;
            if self.records % 65536 == 0 {
                self.progress.set_position(self.t.byte());
            }
            if let Some(row) = self.parser.parse(self.t.cells(), dates, symbols, members)? {
                return Ok(Some(row));
            }
        }
    }

    /// The error for a file without data rows.
    pub(crate) fn header_only(&self) -> DataError {
        DataError::new("no data rows: the file has only a header")
            .file(self.name())
            .hint("give at least one row of date, symbol and price")
    }
}

/// Checks and converts records of the prices file into rows.
#[derive(Clone)]
pub(crate) struct RowParser {
    cols: PriceColumns,
    /// The FX file's name and currency codes (with a currency column).
    currencies: (String, Vec<String>),
    group_names: Vec<String>,
    last_date: Option<(Vec<u8>, NaiveDate)>,
    /// Symbol ids of the rows of the current and of the previous date, in file order.
    ids: Vec<SymbolId>,
    prev_ids: Vec<SymbolId>,
    skip_bad_rows: bool,
    skipped: Vec<String>,
}

impl RowParser {
    /// Messages for the rows skipped so far (`--skip-bad-rows`), taken.
    pub(crate) fn take_skipped(&mut self) -> Vec<String> {
        std::mem::take(&mut self.skipped)
    }
    /// Forgets what earlier records taught it (caches, group labels): for a new chunk.
    pub(crate) fn reset(&mut self) {
        self.group_names.clear();
        self.last_date = None;
        self.ids.clear();
        self.prev_ids.clear();
    }

    /// The group labels seen so far.
    pub(crate) fn group_names(&self) -> &[String] {
        &self.group_names
    }

    /// The currency of the row: its index among the FX file's currencies.
    fn currency(&self, t: &Cells<'_>, col: usize) -> Result<u32, DataError> {
        let code = t.text(col)?.trim().to_ascii_uppercase();
        let (fx, codes) = &self.currencies;
        if code.is_empty() {
            return Err(t
                .error(col, "the currency is empty")
                .hint("write the currency code of the price, e.g. USD"));
        }
        match codes.iter().position(|c| *c == code) {
            Some(i) => Ok(i as u32),
            None => Err(t
                .error(col, format!("the FX file {fx} has no rates for {code}"))
                .hint(format!(
                    "add {code}'s rates to {fx} (date,currency,rate; a member already in the \
                     target currency needs rate 1 on each date); it has {}",
                    codes.join(", ")
                ))),
        }
    }

    /// The row of record `t`, checked; `None` for a row of a symbol not on `members` (skipped
    /// unchecked), or a row with a bad value when skipping those (noted for the report).
    pub(crate) fn parse(
        &mut self,
        t: Cells<'_>,
        dates: &DateParser,
        symbols: &mut Symbols,
        members: Option<&MemberList>,
    ) -> Result<Option<Row>, DataError> {
        match self.parse_row(t, dates, symbols, members) {
            Err(e) if self.skip_bad_rows => {
                self.skipped.push(format!("skipped: {e}"));
                Ok(None)
            }
            other => other,
        }
    }

    fn parse_row(
        &mut self,
        t: Cells<'_>,
        dates: &DateParser,
        symbols: &mut Symbols,
        members: Option<&MemberList>,
    ) -> Result<Option<Row>, DataError> {
        let c = &self.cols;
        let raw_date = t.raw(c.date);
        let new_date = !matches!(&self.last_date, Some((bytes, _)) if bytes.as_slice() == raw_date);
        if new_date {
            // Rows of consecutive dates usually list the symbols in the same order.
            std::mem::swap(&mut self.prev_ids, &mut self.ids);
            self.ids.clear();
        }
        let raw_symbol = t.raw(c.symbol);
        let predicted = self
            .prev_ids
            .get(self.ids.len())
            .copied()
            .filter(|&id| symbols.name(id).as_bytes() == raw_symbol);
        let symbol = match (predicted, members) {
            (Some(id), None) => id,
            (_, Some(list)) => match symbols
                .get(t.symbol(c.symbol)?)
                .filter(|&s| list.contains(s))
            {
                Some(s) => s,
                None => return Ok(None),
            },
            (None, None) => symbols.intern(t.symbol(c.symbol)?),
        };
        if members.is_none() {
            self.ids.push(symbol);
        }
        let date = match (&self.last_date, new_date) {
            (Some((_, d)), false) => *d,
            _ => {
                let d = t.date(c.date, dates)?;
                self.last_date = Some((raw_date.to_vec(), d));
                d
            }
        };
        let price = t.decimal(c.price)?;
        if price <= Decimal::ZERO {
            return Err(t
                .error(c.price, "the price must be greater than 0")
                .hint("fix the price or remove the row"));
        }
        let shares = match c.shares {
            Some(col) => t.opt_decimal(col)?,
            None => None,
        };
        if shares.is_some_and(|s| s < Decimal::ZERO) {
            return Err(t
                .error(c.shares.unwrap_or_default(), "shares cannot be negative")
                .hint("fix the share count (0 is allowed: a weight of zero)"));
        }
        let float = match c.float {
            Some(col) => t.opt_decimal(col)?,
            None => None,
        };
        if float.is_some_and(|f| f <= Decimal::ZERO || f > Decimal::ONE) {
            return Err(t
                .error(
                    c.float.unwrap_or_default(),
                    "the float factor must be in (0, 1]",
                )
                .hint("write the investable-weight factor as a fraction, e.g. 0.85"));
        }
        let divisor = match c.divisor {
            Some(col) => t.opt_decimal(col)?,
            None => None,
        };
        if divisor.is_some_and(|d| d <= Decimal::ZERO) {
            return Err(t
                .error(
                    c.divisor.unwrap_or_default(),
                    "the divisor must be greater than 0",
                )
                .hint("fix the divisor or leave the cell empty"));
        }
        let group = match c.group {
            Some(col) => {
                let g = t.text(col)?;
                if g.is_empty() {
                    None
                } else {
                    Some(match self.group_names.iter().position(|n| n == g) {
                        Some(i) => i as u32,
                        None => {
                            self.group_names.push(g.to_string());
                            self.group_names.len() as u32 - 1
                        }
                    })
                }
            }
            None => None,
        };
        let currency = match c.currency {
            Some(col) => self.currency(&t, col)?,
            None => 0,
        };
        Ok(Some(Row {
            group,
            currency,
            date,
            quote: Quote {
                symbol,
                price,
                shares,
                float,
                line: t.line,
            },
            divisor,
        }))
    }
}

#[cfg(test)]
mod tests;
