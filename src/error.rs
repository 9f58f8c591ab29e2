//! Errors and exit codes.

use std::fmt;

/// Exit code of a successful run.
pub const EXIT_OK: i32 = 0;
/// Exit code for bad data (input files) or a failed calculation.
pub const EXIT_DATA: i32 = 1;
/// Exit code for a bad command line.
pub const EXIT_USAGE: i32 = 2;

/// Anything that stops a run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line asks for something impossible (exit 2).
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// What to do about it.
        hint: Option<String>,
    },
    /// An input file holds something idx cannot accept, or the calculation cannot go on (exit 1).
    #[error("{0}")]
    Data(#[from] DataError),
    /// Writing the output failed (exit 1), except for a closed pipe, which is success.
    #[error("cannot write {target}: {source}")]
    Write {
        /// Where the output was going.
        target: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl Error {
    /// A usage error with a hint.
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage { .. } => EXIT_USAGE,
            Error::Write { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe => {
                EXIT_OK
            }
            _ => EXIT_DATA,
        }
    }

    /// Whether this is a closed output pipe (to exit quietly).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Write { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// The hint printed under the message, if any.
    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::Usage { hint, .. } => hint.as_deref(),
            Error::Data(e) => e.located().hint.as_deref(),
            Error::Write { source, .. } if source.kind() == std::io::ErrorKind::InvalidInput => {
                Some("name a file to write, not a directory")
            }
            Error::Write { .. } => Some("check that the output's directory exists and is writable"),
        }
    }
}

/// A problem in the data, located as precisely as possible: file, line, column and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError(Box<Located>);

/// The parts of a [`DataError`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Located {
    /// The file (as named on the command line, or `<stdin>`).
    pub file: Option<String>,
    /// 1-based line in that file.
    pub line: Option<u64>,
    /// The column's header.
    pub column: Option<String>,
    /// The offending value.
    pub value: Option<String>,
    /// What is wrong.
    pub problem: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl DataError {
    /// A new error saying `problem`.
    pub fn new(problem: impl Into<String>) -> Self {
        DataError(Box::new(Located {
            problem: problem.into(),
            ..Located::default()
        }))
    }

    /// The parts of the error.
    pub fn located(&self) -> &Located {
        &self.0
    }

    /// Names the file.
    pub fn file(mut self, file: impl Into<String>) -> Self {
        self.0.file = Some(file.into());
        self
    }

    /// Names the line.
    pub fn line(mut self, line: u64) -> Self {
        self.0.line = Some(line);
        self
    }

    /// Names the column.
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.0.column = Some(column.into());
        self
    }

    /// Quotes the offending value.
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.0.value = Some(value.into());
        self
    }

    /// Says what to do about it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.0.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        let mut place = Vec::new();
        if let Some(file) = &e.file {
            place.push(file.clone());
        }
        if let Some(line) = e.line {
            place.push(format!("line {line}"));
        }
        if let Some(column) = &e.column {
            place.push(format!("column '{}'", escape_name(column)));
        }
        if !place.is_empty() {
            write!(f, "{}: ", place.join(", "))?;
        }
        write!(f, "{}", e.problem)?;
        if let Some(value) = &e.value {
            write!(f, " (value: {})", quote(value))?;
        }
        Ok(())
    }
}

impl std::error::Error for DataError {}

/// Characters of a value shown in a message; a longer value is cut (see [`quote`]).
pub const SHOWN_CHARS: usize = 80;

/// A value as messages quote it: in double quotes with control characters escaped (`{:?}`),
/// and cut after [`SHOWN_CHARS`] characters, with a note of its length in bytes:
/// `"AAAA…" [10485760 bytes]`.
///
/// ```
/// use idx::error::quote;
/// assert_eq!(quote("-5"), "\"-5\"");
/// assert_eq!(quote("a\0b"), "\"a\\0b\"");
/// let long = "A".repeat(100);
/// assert_eq!(quote(&long), format!("\"{}…\" [100 bytes]", "A".repeat(80)));
/// ```
pub fn quote(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        None => format!("{value:?}"),
        Some((cut, _)) => format!(
            "{:?} [{} bytes]",
            format!("{}…", &value[..cut]),
            value.len()
        ),
    }
}

/// A name (a column header, a symbol) as messages show it without quotes: control characters
/// escaped as `{:?}` escapes them (`\0`, `\u{1b}`), everything else as it is, and cut after
/// [`SHOWN_CHARS`] characters like [`quote`].
///
/// ```
/// use idx::error::escape_name;
/// assert_eq!(escape_name("price"), "price");
/// assert_eq!(escape_name("pri\0ce\t"), "pri\\0ce\\t");
/// assert_eq!(escape_name("終値 'x'"), "終値 'x'");
/// ```
pub fn escape_name(name: &str) -> String {
    let (shown, cut) = match name.char_indices().nth(SHOWN_CHARS) {
        None => (name, false),
        Some((i, _)) => (&name[..i], true),
    };
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    if cut {
        out.push_str(&format!("… [{} bytes]", name.len()));
    }
    out
}

/// Names as messages list them (`columns found: a, b, c`), each escaped with [`escape_name`].
pub fn escape_names(names: &[String]) -> String {
    names
        .iter()
        .map(|n| escape_name(n))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_error_names_file_line_column_and_value() {
        let e = DataError::new("price must be greater than 0")
            .file("prices.csv")
            .line(14)
            .column("price")
            .value("-3.5")
            .hint("fix the price or delete the row");
        assert_eq!(
            e.to_string(),
            "prices.csv, line 14, column 'price': price must be greater than 0 (value: \"-3.5\")"
        );
        let err = Error::from(e);
        assert_eq!(err.exit_code(), EXIT_DATA);
        assert_eq!(err.hint(), Some("fix the price or delete the row"));
    }

    #[test]
    fn long_values_are_cut_on_a_char_boundary_with_their_length() {
        // 10 MB of one letter: 80 characters are shown, and the length.
        let big = "A".repeat(10 << 20);
        let e = DataError::new("not a decimal number")
            .file("p.csv")
            .line(2)
            .column("price")
            .value(big);
        assert_eq!(
            e.to_string(),
            format!(
                "p.csv, line 2, column 'price': not a decimal number (value: \"{}…\" \
                 [10485760 bytes])",
                "A".repeat(80)
            )
        );
        // Multi-byte characters are never split: 81 three-byte characters keep 80.
        let wide = "値".repeat(81);
        assert_eq!(
            quote(&wide),
            format!("\"{}…\" [243 bytes]", "値".repeat(80))
        );
        // Exactly 80 characters are shown whole, with no note.
        let edge = "é".repeat(80);
        assert_eq!(quote(&edge), format!("{edge:?}"));
        // Control characters are escaped, in values and names.
        assert_eq!(quote("1\u{1b}[31m"), "\"1\\u{1b}[31m\"");
        assert_eq!(
            escape_name(&"x".repeat(81)),
            format!("{}… [81 bytes]", "x".repeat(80))
        );
    }

    #[test]
    fn column_names_are_escaped() {
        let e = DataError::new("the value is empty")
            .file("p.csv")
            .line(3)
            .column("pr\0ice")
            .value("");
        assert_eq!(
            e.to_string(),
            "p.csv, line 3, column 'pr\\0ice': the value is empty (value: \"\")"
        );
        assert_eq!(
            escape_names(&["date".into(), "sym\u{7}bol".into()]),
            "date, sym\\u{7}bol"
        );
    }

    #[test]
    fn broken_pipe_is_success() {
        let e = Error::Write {
            target: "stdout".into(),
            source: std::io::Error::from(std::io::ErrorKind::BrokenPipe),
        };
        assert!(e.is_broken_pipe());
        assert_eq!(e.exit_code(), EXIT_OK);
        assert_eq!(Error::usage("x", "y").exit_code(), EXIT_USAGE);
    }
}
