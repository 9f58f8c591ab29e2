//! A tolerant reader of the prices file: a row that `compute` would refuse becomes a finding,
//! and reading goes on.

use super::{CheckRequest, Finding, Kind, Severity};
use crate::calc::{SharesSchedule, SymbolId};
use crate::error::{quote, DataError, Error};
use crate::input::{
    line_of, parse_decimal, strip_thousands, CsvReader, DateParser, Header, Symbols,
};
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

/// A price (or price × shares) from which sums may overflow 28-digit decimals.
const HUGE: f64 = 1e25;

/// One row that has a date and a symbol. Missing or bad values are NaN.
#[derive(Clone, Copy, Debug)]
pub(super) struct Obs {
    pub date: NaiveDate,
    pub symbol: SymbolId,
    /// The price, NaN if empty, unparsable or ≤ 0.
    pub price: f64,
    /// The share count in force (the `--shares` file's, else the row's), NaN if none.
    pub shares: f64,
    pub line: u64,
}

/// Empty cells of one row, in the columns idx does not use.
#[derive(Clone, Debug)]
pub(super) struct Empties {
    pub line: u64,
    pub date: NaiveDate,
    pub symbol: SymbolId,
    /// Bit `k`: the `k`-th of [`Sheet::other_columns`] is empty.
    pub mask: u64,
}

/// What the reader kept of the prices file.
pub(super) struct Sheet {
    pub name: String,
    /// Data records read (good or bad).
    pub records: u64,
    /// The rows that have a date and a symbol, in file order.
    pub obs: Vec<Obs>,
    /// Distinct symbols in the prices file.
    pub symbol_count: usize,
    /// The headers of the columns idx does not use (at most 64), with their positions.
    pub other_columns: Vec<(usize, String)>,
    /// How many rows had each of `other_columns` empty.
    pub other_empty: Vec<u64>,
    /// Rows with empty cells in `other_columns`.
    pub empties: Vec<Empties>,
}

struct Columns {
    date: usize,
    symbol: usize,
    price: usize,
    shares: Option<usize>,
    float: Option<usize>,
    divisor: Option<usize>,
}

/// The trimmed text of a cell, or why it has none.
fn cell(record: &csv::ByteRecord, col: usize) -> Result<&str, &'static str> {
    std::str::from_utf8(record.get(col).unwrap_or_default().trim_ascii())
        .map_err(|_| "the value is not valid UTF-8")
}

/// The value as written, quoted for messages (invalid UTF-8 replaced, long values cut).
fn shown(record: &csv::ByteRecord, col: usize) -> String {
    quote(&String::from_utf8_lossy(
        record.get(col).unwrap_or_default().trim_ascii(),
    ))
}

/// Collects findings about one row.
struct RowFindings<'a> {
    file: &'a str,
    line: u64,
    date: Option<NaiveDate>,
    symbol: Option<String>,
    out: &'a mut Vec<Finding>,
}

impl RowFindings<'_> {
    fn add(&mut self, severity: Severity, kind: Kind, message: String, hint: &str) {
        self.out.push(Finding {
            file: self.file.to_string(),
            line: Some(self.line),
            date: self.date,
            symbol: self.symbol.clone(),
            severity,
            kind,
            message,
            hint: Some(hint.to_string()),
        });
    }
}

/// A long file made from a wide one (`idx check --wide`): the wide file's name, and for line
/// `k` of the long file the wide file's line `lines[k - 2]`, so that every finding and error
/// names the wide file and its own lines.
#[derive(Clone, Copy)]
pub(super) struct WideOrigin<'a> {
    pub name: &'a str,
    pub lines: &'a [u64],
}

impl WideOrigin<'_> {
    fn line(&self, long: u64) -> u64 {
        (long as usize)
            .checked_sub(2)
            .and_then(|k| self.lines.get(k).copied())
            .unwrap_or(1)
    }
}

/// Numbers as compute reads them: with `--thousands`, the separator is removed first.
fn number(thousands: Option<u8>, text: &str) -> Result<Decimal, String> {
    match thousands {
        Some(sep) => parse_decimal(&strip_thousands(text, sep)?),
        None => parse_decimal(text),
    }
}

/// Opens the prices file of `req` through the reader every command uses, exactly as compute
/// does; `name` names it in messages (the wide file's name under `--wide`).
fn open(req: &CheckRequest, name: &str) -> Result<CsvReader, Error> {
    let reader = CsvReader::open(&req.prices, req.text.encoding)?;
    if !reader.has_header() {
        return Err(reader
            .empty_error("give a CSV file with a header row and data rows")
            .file(name)
            .into());
    }
    Ok(reader)
}

/// Rewrites a reading error so that it names `name` and the line `line_of` gives.
fn relocated(e: DataError, name: &str, line_of: impl Fn(u64) -> u64) -> Error {
    let e = e.file(name);
    match e.located().line {
        Some(line) => e.line(line_of(line)).into(),
        None => e.into(),
    }
}

/// The columns of the header, found as compute finds them, and the optional group column.
fn columns(req: &CheckRequest, head: &Header<'_>) -> Result<(Columns, Option<usize>), DataError> {
    let c = &req.columns;
    let cols = Columns {
        date: head.require(&["date"], c.date.as_deref(), Some("--date-col"), "")?,
        symbol: head.require(
            &["symbol", "ticker", "code"],
            c.symbol.as_deref(),
            Some("--symbol-col"),
            "",
        )?,
        price: head.require(
            &["price", "close"],
            c.price.as_deref(),
            Some("--price-col"),
            "",
        )?,
        shares: match c.shares.as_deref() {
            Some(s) => Some(head.require(&["shares"], Some(s), Some("--shares-col"), "")?),
            None => head.column(&["shares"], None)?,
        },
        float: head.column(&["float", "iwf"], None)?,
        divisor: head.column(&["divisor"], None)?,
    };
    let optional = head.column(&["group", "sector"], None)?;
    Ok((cols, optional))
}

/// The headers of the columns idx does not use (at most 64), with their positions.
fn other_columns(
    headers: &[String],
    cols: &Columns,
    optional: Option<usize>,
) -> Vec<(usize, String)> {
    let used = [
        Some(cols.date),
        Some(cols.symbol),
        Some(cols.price),
        cols.shares,
        cols.float,
        cols.divisor,
        optional,
    ];
    headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !h.is_empty() && !used.contains(&Some(*i)))
        .map(|(i, h)| (i, h.clone()))
        .take(64)
        .collect()
}

/// The reading of the data rows: what is kept, and what the whole-file errors need.
struct Rows<'a> {
    headers: &'a [String],
    cols: Columns,
    dates: &'a DateParser,
    symbols: &'a mut Symbols,
    shares_file: Option<&'a SharesSchedule>,
    thousands: Option<u8>,
    expected_date: String,
    sheet: Sheet,
    divisors: FxHashMap<NaiveDate, (Decimal, u64)>,
    seen_symbols: FxHashMap<SymbolId, ()>,
    /// When no date at all can be read, the dates are in another format: one error, not one
    /// finding per row.
    good_dates: u64,
    first_bad_date: Option<(u64, String)>,
    /// The same for prices: when none is a number, the column or its format is wrong.
    numeric_prices: u64,
    first_bad_price: Option<(u64, String, String)>,
}

impl Rows<'_> {
    /// A row whose number of fields is not the header's: its date and symbol, if they can be
    /// read, name the finding and still place the row (no gap, and a second row of the date
    /// is a duplicate); its values are not used.
    fn short_row(&mut self, record: &csv::ByteRecord, row: &mut RowFindings<'_>) {
        let date = cell(record, self.cols.date)
            .ok()
            .and_then(|t| self.dates.parse(t));
        let symbol = cell(record, self.cols.symbol)
            .ok()
            .filter(|s| !s.is_empty());
        row.date = date;
        row.symbol = symbol.map(str::to_string);
        row.add(
            Severity::Error,
            Kind::BadRow,
            format!(
                "the row has {} fields but the header has {}",
                record.len(),
                self.headers.len()
            ),
            "every row needs one field per header column; quote fields that contain commas",
        );
        if let (Some(date), Some(symbol)) = (date, symbol) {
            let symbol = self.symbols.intern(symbol);
            self.seen_symbols.insert(symbol, ());
            self.sheet.obs.push(Obs {
                date,
                symbol,
                price: f64::NAN,
                shares: f64::NAN,
                line: row.line,
            });
        }
    }

    /// One row of the header's width: findings for what compute would refuse, and the row
    /// kept if it has a date and a symbol.
    fn row(&mut self, record: &csv::ByteRecord, row: &mut RowFindings<'_>) {
        // The symbol first, so that a bad date's finding names it.
        let symbol = symbol(record, self.cols.symbol, row);
        row.symbol = symbol.map(str::to_string);
        let date = self.date(record, row);
        row.date = date;
        let symbol_id = symbol.map(|s| self.symbols.intern(s));
        let price = self.price(record, row);
        let in_file = match (self.shares_file, symbol_id, date) {
            (Some(s), Some(id), Some(d)) => s.lookup(id, d).map(|e| e.shares),
            _ => None,
        };
        let row_shares = self.shares(record, in_file.is_some(), row);
        self.float(record, row);
        self.divisor(record, date, row);
        let (Some(date), Some(symbol)) = (date, symbol_id) else {
            return;
        };
        let f = |d: Option<Decimal>| d.and_then(|d| d.to_f64()).unwrap_or(f64::NAN);
        self.keep(
            record,
            date,
            symbol,
            f(price),
            f(in_file.or(row_shares)),
            row,
        );
    }

    /// The row's date, with a finding if it has none that can be read.
    fn date(&mut self, record: &csv::ByteRecord, row: &mut RowFindings<'_>) -> Option<NaiveDate> {
        match cell(record, self.cols.date) {
            Ok("") => {
                row.add(
                    Severity::Error,
                    Kind::BadDate,
                    "the date is empty".into(),
                    "fill in the date or remove the row",
                );
                None
            }
            Ok(text) => {
                let d = self.dates.parse(text);
                if d.is_some() {
                    self.good_dates += 1;
                } else if self.first_bad_date.is_none() {
                    self.first_bad_date = Some((row.line, text.to_string()));
                }
                if d.is_none() {
                    row.add(
                        Severity::Error,
                        Kind::BadDate,
                        format!(
                            "not a valid date: expected {} (value: {})",
                            self.expected_date,
                            quote(text)
                        ),
                        "fix the date, or give its format with --date-format (e.g. %m/%d/%Y)",
                    );
                }
                d
            }
            Err(why) => {
                row.add(
                    Severity::Error,
                    Kind::BadDate,
                    format!("{why} (value: {})", shown(record, self.cols.date)),
                    "save the file as UTF-8",
                );
                None
            }
        }
    }

    /// The row's price if it is a number greater than 0, with a finding if not.
    fn price(&mut self, record: &csv::ByteRecord, row: &mut RowFindings<'_>) -> Option<Decimal> {
        let text = match cell(record, self.cols.price) {
            Ok(text) => text,
            Err(why) => {
                row.add(
                    Severity::Error,
                    Kind::BadPrice,
                    format!("{why} (value: {})", shown(record, self.cols.price)),
                    "save the file as UTF-8",
                );
                return None;
            }
        };
        if text.is_empty() {
            row.add(
                Severity::Error,
                Kind::MissingPrice,
                "the price is empty".into(),
                "fill in the price or remove the row",
            );
            return None;
        }
        match number(self.thousands, text) {
            Ok(p) if p > Decimal::ZERO => {
                self.numeric_prices += 1;
                Some(p)
            }
            Ok(_) => {
                self.numeric_prices += 1;
                row.add(
                    Severity::Error,
                    Kind::BadPrice,
                    format!("the price must be greater than 0 (value: {})", quote(text)),
                    "fix the price or remove the row",
                );
                None
            }
            Err(why) => {
                self.first_bad_price
                    .get_or_insert((row.line, text.to_string(), why.clone()));
                row.add(
                    Severity::Error,
                    Kind::BadPrice,
                    format!("{why} (value: {})", quote(text)),
                    "write a plain decimal number such as 101.25 or 1.5e3; for \"1,234.50\" pass \
                     --thousands ,",
                );
                None
            }
        }
    }

    /// The row's share count, if it has a column and a count that can be used; `in_file`:
    /// the `--shares` file gives the symbol one on the date.
    fn shares(
        &self,
        record: &csv::ByteRecord,
        in_file: bool,
        row: &mut RowFindings<'_>,
    ) -> Option<Decimal> {
        let col = self.cols.shares?;
        match cell(record, col) {
            Ok("") if !in_file => row.add(
                Severity::Warning,
                Kind::MissingShares,
                "the share count is empty: cap-weighted needs one for every constituent".into(),
                "fill in the shares cell, or list the symbol in a --shares file",
            ),
            Ok("") => {}
            Ok(text) => match number(self.thousands, text) {
                Ok(s) if s < Decimal::ZERO => row.add(
                    Severity::Error,
                    Kind::BadShares,
                    format!("shares cannot be negative (value: {})", quote(text)),
                    "fix the share count (0 is allowed: a weight of zero)",
                ),
                Ok(s) => return Some(s),
                Err(why) => row.add(
                    Severity::Error,
                    Kind::BadShares,
                    format!("{why} (value: {})", quote(text)),
                    "write a plain decimal number such as 1500000; for \"1,500,000\" pass \
                     --thousands ,",
                ),
            },
            Err(why) => row.add(
                Severity::Error,
                Kind::BadShares,
                format!("{why} (value: {})", shown(record, col)),
                "save the file as UTF-8",
            ),
        }
        None
    }

    /// A finding if the row's float factor is not in (0, 1].
    fn float(&self, record: &csv::ByteRecord, row: &mut RowFindings<'_>) {
        let Some(col) = self.cols.float else {
            return;
        };
        match cell(record, col).map(|t| (t, number(self.thousands, t))) {
            Ok(("", _)) => {}
            Ok((_, Ok(f))) if f > Decimal::ZERO && f <= Decimal::ONE => {}
            Ok((text, parsed)) => row.add(
                Severity::Error,
                Kind::BadFloat,
                match parsed {
                    Ok(_) => format!(
                        "the float factor must be in (0, 1] (value: {})",
                        quote(text)
                    ),
                    Err(why) => format!("{why} (value: {})", quote(text)),
                },
                "write the investable-weight factor as a fraction, e.g. 0.85",
            ),
            Err(why) => row.add(
                Severity::Error,
                Kind::BadFloat,
                format!("{why} (value: {})", shown(record, col)),
                "save the file as UTF-8",
            ),
        }
    }

    /// A finding if the row's divisor is not greater than 0, or differs from another row's
    /// of the same date.
    fn divisor(
        &mut self,
        record: &csv::ByteRecord,
        date: Option<NaiveDate>,
        row: &mut RowFindings<'_>,
    ) {
        let Some(col) = self.cols.divisor else {
            return;
        };
        match cell(record, col).map(|t| (t, number(self.thousands, t))) {
            Ok(("", _)) => {}
            Ok((text, Ok(d))) if d > Decimal::ZERO => {
                if let Some(date) = date {
                    match self.divisors.get(&date) {
                        Some(&(d0, line0)) if d0 != d => row.add(
                            Severity::Error,
                            Kind::DivisorConflict,
                            format!("two divisors on {date}: {d0} on line {line0} and {text} here"),
                            "a date has one divisor: make the rows of that date agree",
                        ),
                        Some(_) => {}
                        None => {
                            self.divisors.insert(date, (d, row.line));
                        }
                    }
                }
            }
            Ok((text, parsed)) => row.add(
                Severity::Error,
                Kind::BadDivisor,
                match parsed {
                    Ok(_) => format!(
                        "the divisor must be greater than 0 (value: {})",
                        quote(text)
                    ),
                    Err(why) => format!("{why} (value: {})", quote(text)),
                },
                "fix the divisor or leave the cell empty",
            ),
            Err(why) => row.add(
                Severity::Error,
                Kind::BadDivisor,
                format!("{why} (value: {})", shown(record, col)),
                "save the file as UTF-8",
            ),
        }
    }

    /// Keeps a row that has a date and a symbol: its empty cells, and a warning if its value
    /// is huge.
    fn keep(
        &mut self,
        record: &csv::ByteRecord,
        date: NaiveDate,
        symbol: SymbolId,
        price: f64,
        shares: f64,
        row: &mut RowFindings<'_>,
    ) {
        self.seen_symbols.insert(symbol, ());
        let sheet = &mut self.sheet;
        let mut mask = 0u64;
        for (k, (col, _)) in sheet.other_columns.iter().enumerate() {
            if record.get(*col).unwrap_or_default().trim_ascii().is_empty() {
                mask |= 1 << k;
                sheet.other_empty[k] += 1;
            }
        }
        if mask != 0 {
            sheet.empties.push(Empties {
                line: row.line,
                date,
                symbol,
                mask,
            });
        }
        // Sums of q·p over the constituents must stay within 28-digit decimals (about 7.9e28).
        let value = if shares.is_finite() {
            price * shares
        } else {
            price
        };
        if value >= HUGE {
            row.add(
                Severity::Warning,
                Kind::HugeValue,
                format!(
                    "{} is {value:.3e}: sums of such values can exceed idx's 28-digit \
                     decimals (at most 7.9e28), so compute may overflow",
                    if shares.is_finite() {
                        "price × shares"
                    } else {
                        "the price"
                    }
                ),
                "check for a misplaced decimal point or a value in the wrong unit",
            );
        }
        sheet.obs.push(Obs {
            date,
            symbol,
            price,
            shares,
            line: row.line,
        });
    }

    /// The sheet, or the error for a file whose dates or prices cannot be read at all, or
    /// that has no data rows.
    fn finish(mut self) -> Result<Sheet, Error> {
        let name = &self.sheet.name;
        if self.good_dates == 0 {
            if let Some((line, value)) = self.first_bad_date {
                return Err(DataError::new(format!(
                    "no date in the file can be read: expected {}",
                    self.expected_date
                ))
                .file(name)
                .line(line)
                .column(&self.headers[self.cols.date])
                .value(value)
                .hint(
                    "give the dates' format with --date-format (e.g. %m/%d/%Y), or name the date \
                   column with --date-col",
                )
                .into());
            }
        }
        if let (0, Some((line, value, why))) = (self.numeric_prices, self.first_bad_price) {
            return Err(
                DataError::new(format!("no price in the file can be read: {why}"))
                    .file(name)
                    .line(line)
                    .column(&self.headers[self.cols.price])
                    .value(value)
                    .hint(
                        "write plain decimal numbers such as 101.25, or name the price column with \
             --price-col",
                    )
                    .into(),
            );
        }
        if self.sheet.records == 0 {
            return Err(DataError::new("no data rows: the file has only a header")
                .file(name)
                .hint("give at least one row of date, symbol and price")
                .into());
        }
        self.sheet.symbol_count = self.seen_symbols.len();
        Ok(self.sheet)
    }
}

/// The row's symbol, with a finding if it is empty or not UTF-8.
fn symbol<'r>(
    record: &'r csv::ByteRecord,
    col: usize,
    row: &mut RowFindings<'_>,
) -> Option<&'r str> {
    match cell(record, col) {
        Ok("") => {
            row.add(
                Severity::Error,
                Kind::MissingSymbol,
                "the symbol is empty".into(),
                "fill in the symbol or remove the row",
            );
            None
        }
        Ok(s) => Some(s),
        Err(why) => {
            row.add(
                Severity::Error,
                Kind::MissingSymbol,
                format!("{why} (symbol: {})", shown(record, col)),
                "save the file as UTF-8",
            );
            None
        }
    }
}

/// Reads the prices file of `req`, adding a finding for every row compute would refuse.
pub(super) fn read(
    req: &CheckRequest,
    wide: Option<WideOrigin<'_>>,
    dates: &DateParser,
    symbols: &mut Symbols,
    shares_file: Option<&SharesSchedule>,
    findings: &mut Vec<Finding>,
) -> Result<Sheet, Error> {
    let name = wide.map_or_else(|| req.prices.name(), |w| w.name.to_string());
    let line_in = |long: u64| wide.map_or(long, |w| w.line(long));
    let mut reader = open(req, &name)?;
    let headers = reader.headers().to_vec();
    // Columns are found as compute finds them.
    let head = Header {
        headers: &headers,
        file: &name,
        aliases: &req.text.aliases,
    };
    let (cols, optional) = columns(req, &head)?;
    let other_columns = other_columns(&headers, &cols, optional);
    let mut rows = Rows {
        headers: &headers,
        cols,
        dates,
        symbols,
        shares_file,
        thousands: req.text.thousands,
        expected_date: match &req.date_format {
            Some(f) => format!("a date in the format {f:?} or YYYY-MM-DD"),
            None => "a date as YYYY-MM-DD".to_string(),
        },
        sheet: Sheet {
            name: name.clone(),
            records: 0,
            obs: Vec::new(),
            symbol_count: 0,
            other_empty: vec![0; other_columns.len()],
            other_columns,
            empties: Vec::new(),
        },
        divisors: FxHashMap::default(),
        seen_symbols: FxHashMap::default(),
        good_dates: 0,
        first_bad_date: None,
        numeric_prices: 0,
        first_bad_price: None,
    };
    let mut record = csv::ByteRecord::new();
    while reader
        .read(&mut record)
        .map_err(|e| relocated(e, &name, line_in))?
    {
        rows.sheet.records += 1;
        let mut row = RowFindings {
            file: &name,
            line: line_in(line_of(&record)),
            date: None,
            symbol: None,
            out: findings,
        };
        if record.len() == headers.len() {
            rows.row(&record, &mut row);
        } else {
            rows.short_row(&record, &mut row);
        }
    }
    rows.finish()
}
