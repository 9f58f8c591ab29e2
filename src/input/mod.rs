//! Reading input files: the prices file and the auxiliary files (actions, constituents, shares,
//! divisors). Every value is parsed from its text (never through `f64`) and every problem is
//! reported with its file, line, column and value.

mod aux;
mod csv_reader;
mod levels;
mod number;
mod parallel;
mod prices;
mod symbols;
mod text;

pub use aux::{
    read_actions, read_actions_with_duplicates, read_column_map, read_constituents, read_divisors,
    read_factors, read_fx, read_shares, DuplicateAction, FxRate, FxTable,
};
pub(crate) use csv_reader::{line_of, CsvReader};
pub use levels::{
    levels_from_values, read_levels, Computed, LevelColumns, LevelSeries, NOT_SERIES,
};
pub use number::parse_decimal;
pub(crate) use number::strip_thousands;
pub(crate) use parallel::{read_parallel, Chunk};
pub(crate) use prices::{check_day, wide_symbols, PriceReader, Row, RowParser};
pub use prices::{read_prices, ColumnNames, PriceData, PriceDay};
pub use symbols::Symbols;
pub use text::{TextEncoding, TextFormat};

use crate::error::DataError;
use chrono::NaiveDate;
use number::{grouped_example, parse_small_decimal};
use rust_decimal::Decimal;
use std::path::PathBuf;

/// Where an input comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Standard input (`-` or no file on the command line).
    Stdin,
    /// A file.
    Path(PathBuf),
}

impl Source {
    /// `-` means stdin; anything else is a path.
    pub fn from_arg(arg: &str) -> Self {
        if arg == "-" {
            Source::Stdin
        } else {
            Source::Path(PathBuf::from(arg))
        }
    }

    /// The name used in messages.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_string(),
            Source::Path(p) => p.display().to_string(),
        }
    }
}

/// Parses dates: ISO `YYYY-MM-DD` always, and an optional strftime pattern (`--date-format`).
#[derive(Clone, Debug, Default)]
pub struct DateParser {
    format: Option<String>,
}

impl DateParser {
    /// A parser that also accepts `format` (a chrono strftime pattern such as `%m/%d/%Y`).
    pub fn new(format: Option<String>) -> Self {
        DateParser { format }
    }

    /// Parses `text`.
    pub fn parse(&self, text: &str) -> Option<NaiveDate> {
        if let Some(d) = parse_iso(text.as_bytes()) {
            return Some(d);
        }
        self.format
            .as_deref()
            .and_then(|f| NaiveDate::parse_from_str(text, f).ok())
    }

    /// The strftime pattern given, if any.
    pub fn format(&self) -> Option<&str> {
        self.format.as_deref()
    }

    fn expected(&self) -> String {
        match &self.format {
            Some(f) => format!("a date in the format {f:?} or YYYY-MM-DD"),
            None => "a date as YYYY-MM-DD".to_string(),
        }
    }
}

/// Fast path for `YYYY-MM-DD`.
fn parse_iso(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &[u8]| -> Option<u32> {
        s.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(&b[0..4])? as i32, num(&b[5..7])?, num(&b[8..10])?)
}

/// A header row, to find columns by name as every reader of idx does.
#[derive(Clone, Copy)]
pub(crate) struct Header<'a> {
    /// The file's name for messages.
    pub(crate) file: &'a str,
    /// The header row, trimmed.
    pub(crate) headers: &'a [String],
    /// `--column-map`: (standard name, header).
    pub(crate) aliases: &'a [(String, String)],
}

impl Header<'_> {
    /// The index of the column named `chosen` (if the user named one) or else any of `names`
    /// (case-insensitive). Two columns matching is an error.
    pub(crate) fn column(
        &self,
        names: &[&str],
        chosen: Option<&str>,
    ) -> Result<Option<usize>, DataError> {
        let mut wanted: Vec<String> = match chosen {
            Some(c) => vec![c.trim().to_lowercase()],
            None => names.iter().map(|n| n.to_lowercase()).collect(),
        };
        if chosen.is_none() {
            let standard = names.first().copied().unwrap_or_default();
            wanted.extend(
                self.aliases
                    .iter()
                    .filter(|(s, _)| s.eq_ignore_ascii_case(standard))
                    .map(|(_, alias)| alias.trim().to_lowercase()),
            );
        }
        let found: Vec<usize> = (0..self.headers.len())
            .filter(|&i| wanted.contains(&self.headers[i].to_lowercase()))
            .collect();
        match found.as_slice() {
            [] => Ok(None),
            [i] => Ok(Some(*i)),
            [a, b, ..] => Err(DataError::new(format!(
                "columns {} ('{}') and {} ('{}') both name the {} column",
                a + 1,
                crate::error::escape_name(&self.headers[*a]),
                b + 1,
                crate::error::escape_name(&self.headers[*b]),
                names[0]
            ))
            .file(self.file)
            .line(1)
            .hint("rename or remove one of them, or choose one with the matching --*-col flag")),
        }
    }

    /// Like [`Table::column`], but the column must exist; `flag` is the option that names it.
    pub(crate) fn require(
        &self,
        names: &[&str],
        chosen: Option<&str>,
        flag: Option<&str>,
        why: &str,
    ) -> Result<usize, DataError> {
        self.column(names, chosen)?.ok_or_else(|| {
            let wanted = match chosen {
                Some(c) => format!("'{c}'"),
                None => names
                    .iter()
                    .map(|n| format!("'{n}'"))
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            let hint = match flag {
                Some(flag) => format!(
                    "rename the column in the header, or name it with {flag} (columns found: {})",
                    crate::error::escape_names(self.headers)
                ),
                None => format!(
                    "add the column to the header (columns found: {})",
                    crate::error::escape_names(self.headers)
                ),
            };
            DataError::new(format!("missing required column {wanted}{why}"))
                .file(self.file)
                .line(1)
                .hint(hint)
        })
    }
}

/// A CSV file being read record by record, with located errors.
pub(crate) struct Table {
    thousands: Option<u8>,
    aliases: Vec<(String, String)>,
    reader: CsvReader,
    record: csv::ByteRecord,
}

impl Table {
    /// Opens `source` (UTF-8) and reads its header row.
    pub(crate) fn open(source: &Source) -> Result<Table, DataError> {
        Table::open_with(source, &TextFormat::default())
    }

    /// Opens `source` read as `text` says and reads its header row.
    pub(crate) fn open_with(source: &Source, text: &TextFormat) -> Result<Table, DataError> {
        let reader = CsvReader::open(source, text.encoding)?;
        if !reader.has_header() {
            return Err(reader.empty_error("give a CSV file with a header row and data rows"));
        }
        Ok(Table {
            thousands: text.thousands,
            aliases: text.aliases.clone(),
            reader,
            record: csv::ByteRecord::new(),
        })
    }

    /// The header row, trimmed.
    pub(crate) fn headers(&self) -> &[String] {
        self.reader.headers()
    }

    /// Whether the file is transcoded (its byte offsets are not the text's).
    pub(crate) fn transcoded(&self) -> bool {
        self.reader.transcoded()
    }

    /// The thousands separator removed from numbers, if any.
    pub(crate) fn thousands(&self) -> Option<u8> {
        self.thousands
    }

    /// The file's name for messages.
    pub(crate) fn name(&self) -> &str {
        self.reader.name()
    }

    /// The header for finding columns.
    pub(crate) fn header(&self) -> Header<'_> {
        Header {
            file: self.reader.name(),
            headers: self.reader.headers(),
            aliases: &self.aliases,
        }
    }

    /// The index of the column named `chosen` or else any of `names` (see [`Header::column`]).
    pub(crate) fn column(
        &self,
        names: &[&str],
        chosen: Option<&str>,
    ) -> Result<Option<usize>, DataError> {
        self.header().column(names, chosen)
    }

    /// Like [`Table::column`], but the column must exist (see [`Header::require`]).
    pub(crate) fn require(
        &self,
        names: &[&str],
        chosen: Option<&str>,
        flag: Option<&str>,
        why: &str,
    ) -> Result<usize, DataError> {
        self.header().require(names, chosen, flag, why)
    }

    /// Reads the next record; `false` at the end.
    pub(crate) fn next(&mut self) -> Result<bool, DataError> {
        self.reader.read_full(&mut self.record)
    }

    /// The byte offset and line of the first record after the header.
    pub(crate) fn after_header(&self) -> (u64, u64) {
        let p = self.reader.position();
        (p.byte(), p.line())
    }

    /// Bytes read so far.
    pub(crate) fn byte(&self) -> u64 {
        self.record.position().map_or(0, |p| p.byte())
    }

    /// Line of the current record.
    pub(crate) fn line(&self) -> u64 {
        line_of(&self.record)
    }

    /// The current record's cells.
    pub(crate) fn cells(&self) -> Cells<'_> {
        Cells {
            name: self.reader.name(),
            headers: self.reader.headers(),
            record: &self.record,
            line: self.line(),
            thousands: self.thousands,
        }
    }

    /// The bytes of column `col`, without surrounding spaces.
    #[allow(dead_code)]
    pub(crate) fn raw(&self, col: usize) -> &[u8] {
        self.cells().raw(col)
    }

    /// An error about the value in column `col` of the current record.
    pub(crate) fn error(&self, col: usize, problem: impl Into<String>) -> DataError {
        self.cells().error(col, problem)
    }

    /// The text of column `col`.
    pub(crate) fn text(&self, col: usize) -> Result<&str, DataError> {
        self.cells().text(col)
    }

    /// A non-empty decimal in column `col`.
    pub(crate) fn decimal(&self, col: usize) -> Result<Decimal, DataError> {
        self.cells().decimal(col)
    }

    /// A decimal in column `col`, `None` if the cell is empty.
    pub(crate) fn opt_decimal(&self, col: usize) -> Result<Option<Decimal>, DataError> {
        self.cells().opt_decimal(col)
    }

    /// A non-empty date in column `col`.
    pub(crate) fn date(&self, col: usize, dates: &DateParser) -> Result<NaiveDate, DataError> {
        self.cells().date(col, dates)
    }

    /// A date in column `col`, `None` if the cell is empty.
    pub(crate) fn opt_date(
        &self,
        col: usize,
        dates: &DateParser,
    ) -> Result<Option<NaiveDate>, DataError> {
        self.cells().opt_date(col, dates)
    }

    /// A non-empty symbol in column `col`.
    pub(crate) fn symbol(&self, col: usize) -> Result<&str, DataError> {
        self.cells().symbol(col)
    }
}

/// The cells of one CSV record, with located errors.
#[derive(Clone, Copy)]
pub(crate) struct Cells<'a> {
    /// The file's name for messages.
    pub(crate) name: &'a str,
    /// The header row, trimmed.
    pub(crate) headers: &'a [String],
    /// The record.
    pub(crate) record: &'a csv::ByteRecord,
    /// Its line in the file.
    pub(crate) line: u64,
    /// A thousands separator to remove from numbers.
    pub(crate) thousands: Option<u8>,
}

impl<'a> Cells<'a> {
    /// The bytes of column `col`, without surrounding spaces.
    pub(crate) fn raw(&self, col: usize) -> &'a [u8] {
        self.record.get(col).unwrap_or_default().trim_ascii()
    }

    /// An error about the value in column `col` of the current record.
    pub(crate) fn error(&self, col: usize, problem: impl Into<String>) -> DataError {
        DataError::new(problem)
            .file(self.name)
            .line(self.line)
            .column(self.headers.get(col).cloned().unwrap_or_default())
            .value(String::from_utf8_lossy(self.raw(col)))
    }

    /// The text of column `col`.
    pub(crate) fn text(&self, col: usize) -> Result<&'a str, DataError> {
        std::str::from_utf8(self.raw(col)).map_err(|_| {
            self.error(col, "the value is not valid UTF-8")
                .hint("save the file as UTF-8")
        })
    }

    /// A non-empty decimal in column `col`.
    pub(crate) fn decimal(&self, col: usize) -> Result<Decimal, DataError> {
        self.opt_decimal(col)?.ok_or_else(|| {
            self.error(col, "the value is empty")
                .hint("fill in the value or remove the row")
        })
    }

    /// A decimal in column `col`, `None` if the cell is empty.
    pub(crate) fn opt_decimal(&self, col: usize) -> Result<Option<Decimal>, DataError> {
        let raw = self.raw(col);
        // The fast path only for cells without the separator (with `--thousands .`, "1.234"
        // is 1234, not 1.234).
        if !self.thousands.is_some_and(|sep| raw.contains(&sep)) {
            if let Some(d) = parse_small_decimal(raw) {
                return Ok(Some(d));
            }
        }
        let text = self.text(col)?;
        let text = match self.thousands {
            Some(sep) => strip_thousands(text, sep).map_err(|why| {
                self.error(col, why).hint(format!(
                    "group the digits before the decimal point in threes ({}), or write the \
                     number without separators",
                    grouped_example(sep)
                ))
            })?,
            None => std::borrow::Cow::Borrowed(text),
        };
        let text = text.as_ref();
        if text.is_empty() {
            return Ok(None);
        }
        parse_decimal(text).map(Some).map_err(|why| {
            self.error(col, why).hint(
                "write a plain decimal number such as 101.25 or 1.5e3; for \"1,234.50\" pass \
                     --thousands , (--skip-bad-rows skips such rows)",
            )
        })
    }

    /// A non-empty date in column `col`.
    pub(crate) fn date(&self, col: usize, dates: &DateParser) -> Result<NaiveDate, DataError> {
        self.opt_date(col, dates)?.ok_or_else(|| {
            self.error(col, "the date is empty")
                .hint("fill in the date or remove the row")
        })
    }

    /// A date in column `col`, `None` if the cell is empty.
    pub(crate) fn opt_date(
        &self,
        col: usize,
        dates: &DateParser,
    ) -> Result<Option<NaiveDate>, DataError> {
        let text = self.text(col)?;
        if text.is_empty() {
            return Ok(None);
        }
        dates.parse(text).map(Some).ok_or_else(|| {
            self.error(
                col,
                format!("not a valid date: expected {}", dates.expected()),
            )
            .hint("fix the date, or give its format with --date-format (e.g. %m/%d/%Y)")
        })
    }

    /// A non-empty symbol in column `col`.
    pub(crate) fn symbol(&self, col: usize) -> Result<&'a str, DataError> {
        let s = self.text(col)?;
        if s.is_empty() {
            return Err(self
                .error(col, "the symbol is empty")
                .hint("fill in the symbol or remove the row"));
        }
        Ok(s)
    }
}

fn csv_error(name: &str, e: csv::Error) -> DataError {
    let line = e.position().map(|p| p.line());
    let mut err = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => DataError::new(format!(
            "the row has {len} fields but the header has {expected_len}"
        ))
        .hint("every row needs one field per header column; quote fields that contain commas"),
        csv::ErrorKind::Io(io) => DataError::new(format!("cannot read the file: {io}")),
        _ => DataError::new(format!("malformed CSV: {e}")),
    }
    .file(name);
    if let Some(line) = line {
        err = err.line(line);
    }
    err
}

#[cfg(test)]
mod tests;
