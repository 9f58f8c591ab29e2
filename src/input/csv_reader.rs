//! The one CSV reader of idx. Every input (the prices file, the auxiliary files, `idx check`,
//! `idx chart` and `idx share --members-file`) is read through [`CsvReader`]: the source is
//! opened through the one decoding path ([`Source::open`]: UTF-16 refused, Shift_JIS detected,
//! lone-\r line ends read as \n), records are split with the one set of csv settings
//! ([`csv_builder`], which the parallel prices reader uses too), and the header row is cleaned
//! by the one rule ([`clean_headers`]).
//!
//! What a caller does with a record (refuse it, report it and go on, trim it) is its own
//! policy, on top of these records.

use super::{csv_error, Source, TextEncoding};
use crate::error::DataError;
use std::io::Read;

/// The csv settings of every reader of idx. Records end at \n, so lines are counted right in
/// CRLF files too (the \r is trimmed with the last field); fields are not trimmed (each reader
/// trims cells as it reads them); a record may have any number of fields (a reader that needs
/// one field per header column says so with [`CsvReader::read_full`] or [`width_error`]); the
/// first record is the header.
pub(crate) fn csv_builder() -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .terminator(csv::Terminator::Any(b'\n'))
        .has_headers(true)
        .flexible(true);
    builder
}

/// A header row as idx reads it: invalid UTF-8 replaced, a byte-order mark before the first
/// header removed, and every header without surrounding whitespace.
pub(crate) fn clean_headers(record: &csv::ByteRecord) -> Vec<String> {
    record
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = String::from_utf8_lossy(h);
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                &h
            };
            h.trim().to_string()
        })
        .collect()
}

/// The error for a record of `fields` fields under a header of `header_fields`, at `line` of
/// the file `name`.
pub(crate) fn width_error(name: &str, fields: usize, header_fields: usize, line: u64) -> DataError {
    DataError::new(format!(
        "the row has {fields} fields but the header has {header_fields}"
    ))
    .hint("every row needs one field per header column; quote fields that contain commas")
    .file(name)
    .line(line)
}

/// The 1-based line of the file where `record` (read by a [`CsvReader`]) starts.
pub(crate) fn line_of(record: &csv::ByteRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

/// A CSV input being read: opened, its header read and cleaned, its records read one by one
/// with their lines.
pub(crate) struct CsvReader {
    name: String,
    transcoded: bool,
    header_utf8: bool,
    headers: Vec<String>,
    reader: csv::Reader<Box<dyn Read + Send>>,
}

impl CsvReader {
    /// Opens `source` as text in `encoding` (`None`: UTF-8, or Shift_JIS when the start of the
    /// file is Shift_JIS) and reads its header row. A file without a header (empty, or only
    /// empty headers) is not an error here: see [`CsvReader::has_header`].
    pub(crate) fn open(
        source: &Source,
        encoding: Option<TextEncoding>,
    ) -> Result<CsvReader, DataError> {
        let name = source.name();
        let (input, transcoded) = source.open(encoding)?;
        let mut reader = csv_builder().from_reader(input);
        let raw = reader.byte_headers().map_err(|e| csv_error(&name, e))?;
        let header_utf8 = raw.iter().all(|h| std::str::from_utf8(h).is_ok());
        let headers = clean_headers(raw);
        Ok(CsvReader {
            name,
            transcoded,
            header_utf8,
            headers,
            reader,
        })
    }

    /// The file's name for messages (`<stdin>` for stdin).
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The header row, cleaned (see [`clean_headers`]).
    pub(crate) fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Whether the header row has a non-empty header (an empty file has none).
    pub(crate) fn has_header(&self) -> bool {
        self.headers.iter().any(|h| !h.is_empty())
    }

    /// The error for a file without a header row; `hint` says what the file should hold.
    pub(crate) fn empty_error(&self, hint: &str) -> DataError {
        DataError::new("the file is empty")
            .file(&self.name)
            .hint(hint)
    }

    /// Whether the header row, as written, is valid UTF-8 (its cleaned form replaces what is
    /// not).
    pub(crate) fn header_is_utf8(&self) -> bool {
        self.header_utf8
    }

    /// Whether the text is transcoded (from Shift_JIS, or from \r line ends), so that byte
    /// offsets are not the file's.
    pub(crate) fn transcoded(&self) -> bool {
        self.transcoded
    }

    /// Where the reading is: after [`CsvReader::open`], the byte offset and line of the first
    /// record after the header.
    pub(crate) fn position(&self) -> &csv::Position {
        self.reader.position()
    }

    /// Reads the next record, whatever its number of fields, into `record` (its line:
    /// [`line_of`]); `false` at the end.
    pub(crate) fn read(&mut self, record: &mut csv::ByteRecord) -> Result<bool, DataError> {
        self.reader
            .read_byte_record(record)
            .map_err(|e| csv_error(&self.name, e))
    }

    /// Like [`CsvReader::read`], but a record must have one field per header column.
    pub(crate) fn read_full(&mut self, record: &mut csv::ByteRecord) -> Result<bool, DataError> {
        let more = self.read(record)?;
        if more && record.len() != self.headers.len() {
            return Err(width_error(
                &self.name,
                record.len(),
                self.headers.len(),
                line_of(record),
            ));
        }
        Ok(more)
    }
}
