//! Writing results: rounding, CSV and JSON rendering, and atomic output files.
//!
//! Rounding happens here and only here: half away from zero to the requested number of
//! decimals (`--decimals`), with trailing zeros kept so a column lines up (`1000.00`).

pub mod index;
pub mod returns;
pub mod text;

pub use index::{compute_table, level_labels};

use crate::error::Error;
use rust_decimal::{Decimal, RoundingStrategy};
use std::io::Write;
use std::path::Path;

/// An output format for data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects, one per row; numbers are JSON numbers written exactly.
    Json,
}

/// One cell of a result table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Text (a date, a symbol); quoted in JSON.
    Text(String),
    /// A number already formatted as plain decimal text; bare in JSON.
    Number(String),
    /// No value (empty in CSV, `null` in JSON).
    Empty,
}

impl Cell {
    /// The cell as CSV text (empty for [`Cell::Empty`]).
    pub fn text(&self) -> &str {
        match self {
            Cell::Text(s) | Cell::Number(s) => s,
            Cell::Empty => "",
        }
    }
}

/// A rectangular result: a header and rows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Column names.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<Cell>>,
}

/// Rounds half away from zero to `decimals` places and writes exactly that many decimals.
///
/// ```
/// use rust_decimal::Decimal;
/// // 12487.7494… (1650 / 0.132129493, the DJIA arithmetic) to the cent:
/// let level = Decimal::new(1650, 0) / Decimal::new(132129493, 9);
/// assert_eq!(idx::output::fixed(level, 2), "12487.75");
/// assert_eq!(idx::output::fixed(Decimal::new(2345, 3), 2), "2.35");
/// assert_eq!(idx::output::fixed(Decimal::new(1000, 0), 2), "1000.00");
/// ```
pub fn fixed(value: Decimal, decimals: u32) -> String {
    let r = value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    format!("{:.*}", decimals as usize, r)
}

/// Writes a value with all its precision and no trailing zeros (`400`, `1.4`).
pub fn full(value: Decimal) -> String {
    value.normalize().to_string()
}

impl Table {
    /// Renders the table in `format`.
    pub fn render(&self, format: Format) -> Vec<u8> {
        match format {
            Format::Csv => self.csv(),
            Format::Json => self.json(),
        }
    }

    fn csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&self.headers);
        for row in &self.rows {
            let _ = w.write_record(row.iter().map(Cell::text));
        }
        w.into_inner().unwrap_or_default()
    }

    fn json(&self) -> Vec<u8> {
        let keys: Vec<String> = self
            .headers
            .iter()
            .map(|h| serde_json::to_string(h).unwrap_or_default())
            .collect();
        let mut out = String::from("[");
        for (i, row) in self.rows.iter().enumerate() {
            out.push_str(if i == 0 { "\n  {" } else { ",\n  {" });
            for (j, (k, c)) in keys.iter().zip(row).enumerate() {
                if j > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(": ");
                match c {
                    Cell::Text(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
                    Cell::Number(s) => out.push_str(s),
                    Cell::Empty => out.push_str("null"),
                }
            }
            out.push('}');
        }
        out.push_str(if self.rows.is_empty() { "]\n" } else { "\n]\n" });
        out.into_bytes()
    }
}

/// Writes `bytes` to stdout, or atomically to `path` (a temporary file beside it, then a
/// rename), so a failed run never leaves a partial file behind.
pub fn emit(bytes: &[u8], path: Option<&Path>) -> Result<(), Error> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|_| out.flush())
                .map_err(|source| Error::Write {
                    target: "stdout".into(),
                    source,
                })
        }
        Some(path) => {
            let write_err = |source| Error::Write {
                target: path.display().to_string(),
                source,
            };
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            let mut tmp = tempfile::Builder::new()
                .prefix(".idx-")
                .tempfile_in(dir)
                .map_err(write_err)?;
            tmp.write_all(bytes)
                .and_then(|_| tmp.flush())
                .map_err(write_err)?;
            // A temporary file is private (0600): give the result the permissions of the file
            // it replaces, or the usual 0644.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
                tmp.as_file()
                    .set_permissions(std::fs::Permissions::from_mode(mode))
                    .map_err(write_err)?;
            }
            tmp.persist(path).map_err(|e| write_err(e.error))?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[cfg(unix)]
    #[test]
    fn output_files_are_not_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        emit(b"x\n", Some(&path)).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
        // Replacing a file keeps its permissions.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        emit(b"y\n", Some(&path)).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read(&path).unwrap(), b"y\n");
    }

    #[test]
    fn rounding_is_half_away_from_zero_and_padded() {
        assert_eq!(fixed(d("12487.7494"), 2), "12487.75");
        assert_eq!(fixed(d("2.345"), 2), "2.35");
        assert_eq!(fixed(d("-2.345"), 2), "-2.35");
        assert_eq!(fixed(d("2.344999"), 2), "2.34");
        assert_eq!(fixed(d("1000"), 2), "1000.00");
        assert_eq!(fixed(d("0.5"), 0), "1");
        assert_eq!(full(d("400.0000")), "400");
        assert_eq!(full(d("1.40")), "1.4");
    }

    #[test]
    fn csv_and_json_render_the_same_table() {
        let t = Table {
            headers: vec!["date".into(), "level".into(), "note".into()],
            rows: vec![
                vec![
                    Cell::Text("2024-01-02".into()),
                    Cell::Number("100.00".into()),
                    Cell::Empty,
                ],
                vec![
                    Cell::Text("2024-01-03".into()),
                    Cell::Number("101.50".into()),
                    Cell::Text("a \"b\"".into()),
                ],
            ],
        };
        assert_eq!(
            String::from_utf8(t.render(Format::Csv)).unwrap(),
            "date,level,note\n2024-01-02,100.00,\n2024-01-03,101.50,\"a \"\"b\"\"\"\n"
        );
        let json = String::from_utf8(t.render(Format::Json)).unwrap();
        assert_eq!(
            json,
            "[\n  {\"date\": \"2024-01-02\", \"level\": 100.00, \"note\": null},\n  \
             {\"date\": \"2024-01-03\", \"level\": 101.50, \"note\": \"a \\\"b\\\"\"}\n]\n"
        );
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v[1]["level"], serde_json::json!(101.5));
    }
}
