//! Text decoding: opening a source as UTF-8 text with `\n` line ends, from Shift_JIS or
//! old-Mac `\r` files, and refusing UTF-16 with a conversion hint.

use super::Source;
use crate::error::DataError;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};

impl Source {
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
pub(super) fn utf16(head: &[u8]) -> Option<&'static str> {
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
