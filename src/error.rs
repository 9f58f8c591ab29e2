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
            place.push(format!("column '{column}'"));
        }
        if !place.is_empty() {
            write!(f, "{}: ", place.join(", "))?;
        }
        write!(f, "{}", e.problem)?;
        if let Some(value) = &e.value {
            write!(f, " (value: {value:?})")?;
        }
        Ok(())
    }
}

impl std::error::Error for DataError {}

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
