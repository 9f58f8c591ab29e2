//! Reading input files: the prices file and the auxiliary files (actions, constituents, shares,
//! divisors). Every value is parsed from its text (never through `f64`) and every problem is
//! reported with its file, line, column and value.

mod aux;
mod csv_reader;
mod levels;
mod parallel;
mod prices;

pub use aux::{
    read_actions, read_actions_with_duplicates, read_column_map, read_constituents, read_divisors,
    read_shares, DuplicateAction,
};
pub(crate) use csv_reader::{line_of, CsvReader};
pub use levels::{
    levels_from_computed, levels_from_table, read_levels, Computed, LevelColumns, LevelSeries,
    NOT_SERIES,
};
pub(crate) use parallel::{read_parallel, Chunk};
pub(crate) use prices::{check_day, wide_symbols, PriceReader, Row, RowParser};
pub use prices::{read_prices, ColumnNames, PriceData, PriceDay};

use crate::calc::SymbolId;
use crate::error::DataError;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
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

    /// Opens the source as UTF-8 text with \n line ends; returns whether it is transcoded
    /// (from Shift_JIS, or from \r line ends), so that its byte offsets are not the file's.
    pub(crate) fn open(
        &self,
        encoding: Option<TextEncoding>,
    ) -> Result<(Box<dyn Read + Send>, bool), DataError> {
        let raw: Box<dyn Read + Send> = match self {
            Source::Stdin => Box::new(io::stdin()),
            Source::Path(p) => Box::new(File::open(p).map_err(|e| {
                DataError::new(format!("cannot open the file: {e}"))
                    .file(self.name())
                    .hint("check the path")
            })?),
        };
        let mut buffered = BufReader::with_capacity(1 << 16, raw);
        {
            let head = buffered.fill_buf().map_err(|e| {
                DataError::new(format!("cannot read the file: {e}")).file(self.name())
            })?;
            if let Some(form) = utf16(head) {
                return Err(self.utf16_error(form));
            }
        }
        // Old Mac files end lines with a lone \r: read them as \n.
        let cr_only = {
            let head = buffered.fill_buf().map_err(|e| {
                DataError::new(format!("cannot read the file: {e}")).file(self.name())
            })?;
            memchr::memchr(b'\n', head).is_none() && memchr::memchr(b'\r', head).is_some()
        };
        let shift_jis = match encoding {
            Some(TextEncoding::ShiftJis) => true,
            Some(TextEncoding::Utf8) => false,
            None => {
                // Detect: a start that is not UTF-8 (not merely cut in the middle of a
                // character) is read as Shift_JIS.
                let head = buffered.fill_buf().map_err(|e| {
                    DataError::new(format!("cannot read the file: {e}")).file(self.name())
                })?;
                // Judge whole lines only, so a character cut at the end is not a fault; a start
                // that is neither UTF-8 nor Shift_JIS stays UTF-8, whose invalid bytes are then
                // reported with their line.
                let whole = memchr::memrchr(b'\n', head).map_or(head, |i| &head[..=i]);
                std::str::from_utf8(whole).is_err()
                    && encoding_rs::SHIFT_JIS
                        .decode_without_bom_handling_and_without_replacement(whole)
                        .is_some()
            }
        };
        let text: Box<dyn Read + Send> = if shift_jis {
            let decoder = encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding_rs::SHIFT_JIS))
                .build(buffered);
            Box::new(BufReader::with_capacity(1 << 16, decoder))
        } else {
            Box::new(buffered)
        };
        if cr_only {
            Ok((Box::new(CrToLf(text)), true))
        } else {
            Ok((text, shift_jis))
        }
    }
}

impl Source {
    /// The error for a UTF-16 file: `form` is the `iconv` name of its encoding.
    fn utf16_error(&self, form: &str) -> DataError {
        let (file, converted) = match self {
            Source::Stdin => ("FILE".to_string(), "FILE.utf8.csv".to_string()),
            Source::Path(p) => {
                let name = p.display().to_string();
                let converted = match name.strip_suffix(".csv") {
                    Some(stem) => format!("{stem}.utf8.csv"),
                    None => format!("{name}.utf8.csv"),
                };
                (name, converted)
            }
        };
        DataError::new("UTF-16 is not supported: convert the file to UTF-8")
            .file(self.name())
            .hint(format!(
                "convert it, e.g. with: iconv -f {form} -t UTF-8 {file} > {converted}"
            ))
    }
}

/// Whether `head`, the start of a file, is UTF-16 text: it starts with a UTF-16 byte-order
/// mark, or its first line has a NUL byte in every other position (ASCII text in UTF-16
/// without a mark). Returns the encoding's name for `iconv`: `UTF-16` when the mark says the
/// byte order, else `UTF-16LE` or `UTF-16BE`.
fn utf16(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Some("UTF-16");
    }
    let line = &head[..memchr::memchr(b'\n', head).unwrap_or(head.len()).min(256)];
    if line.len() < 4 {
        return None;
    }
    let zero_at = |parity: usize| {
        line.iter()
            .enumerate()
            .all(|(i, &b)| (b == 0) == (i % 2 == parity))
    };
    if zero_at(1) {
        Some("UTF-16LE")
    } else if zero_at(0) {
        Some("UTF-16BE")
    } else {
        None
    }
}

/// Reads a file whose lines end with a lone \r as if they ended with \n.
struct CrToLf<R>(R);

impl<R: Read> Read for CrToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        for b in &mut buf[..n] {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
        Ok(n)
    }
}

/// A text encoding of input files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 (a byte-order mark is skipped).
    Utf8,
    /// Shift_JIS, as Japanese brokers' and exchanges' files often are.
    ShiftJis,
}

/// How an input file's text is read.
#[derive(Clone, Debug, Default)]
pub struct TextFormat {
    /// The encoding; `None`: UTF-8, or Shift_JIS when the start of the file is not UTF-8.
    pub encoding: Option<TextEncoding>,
    /// A thousands separator to remove from numbers (`"1,234.50"`), if any.
    pub thousands: Option<u8>,
    /// Column aliases: `(standard name, header in the file)`, e.g. `("price", "終値")`.
    pub aliases: Vec<(String, String)>,
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

/// Symbol interning: names ↔ dense ids.
#[derive(Clone, Debug, Default)]
pub struct Symbols {
    ids: FxHashMap<Box<str>, SymbolId>,
    names: Vec<Box<str>>,
}

impl Symbols {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of `name`, adding it if new.
    pub fn intern(&mut self, name: &str) -> SymbolId {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as SymbolId;
        self.names.push(name.into());
        self.ids.insert(name.into(), id);
        id
    }

    /// The id of `name`, if known.
    pub fn get(&self, name: &str) -> Option<SymbolId> {
        self.ids.get(name).copied()
    }

    /// The name of `id`.
    pub fn name(&self, id: SymbolId) -> &str {
        self.names.get(id as usize).map_or("?", |n| n)
    }

    /// Number of symbols.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
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

/// `1,234,567.89` written with the thousands separator `sep` (with `.` as the separator, the
/// number has no fractional part).
fn grouped_example(sep: u8) -> String {
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
fn parse_small_decimal(b: &[u8]) -> Option<Decimal> {
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
mod tests {
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
}
