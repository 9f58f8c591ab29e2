//! Reading the series to chart from a `date,value...` CSV (such as `idx compute`'s output).
//!
//! Values are parsed exactly with [`crate::input::parse_decimal`] and checked before anything is
//! drawn; they become `f64` only as drawing coordinates. Every problem is reported with its
//! file, line, column and value.

use crate::error::DataError;
use crate::input::{line_of, parse_decimal, CsvReader, DateParser, Source};
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

// Columns of idx's outputs that are not series: the list `idx returns` uses too.
use crate::input::NOT_SERIES;

/// How to read the input.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// The input file or stdin.
    pub source: Source,
    /// `--date-col` [default: date].
    pub date_col: Option<String>,
    /// How to parse dates (`--date-format`).
    pub dates: DateParser,
    /// `--column`: the series to draw, in this order [default: every numeric column].
    pub columns: Vec<String>,
    /// `--log`: every value must be greater than 0.
    pub log: bool,
    /// `--rebase VALUE`: every series is scaled to this value at the first date.
    pub rebase: Option<Decimal>,
}

/// One line of the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The column's header.
    pub name: String,
    /// One value per date (rebased if asked).
    pub values: Vec<f64>,
}

/// The data of a chart: increasing dates and one or more series over them.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    /// The dates, strictly increasing; at least two.
    pub dates: Vec<NaiveDate>,
    /// The series, each with one value per date.
    pub series: Vec<Series>,
}

/// A record that is not valid UTF-8 (chart reads text only), at `line` of `name`.
fn not_utf8(name: &str, line: u64) -> DataError {
    DataError::new("the row is not valid UTF-8")
        .hint("save the file as UTF-8")
        .file(name)
        .line(line)
}

/// Finds the one header equal to `wanted` (case-insensitive).
fn find(
    headers: &[String],
    wanted: &str,
    name: &str,
    flag: &str,
) -> Result<Option<usize>, DataError> {
    let wanted = wanted.trim().to_lowercase();
    let found: Vec<usize> = (0..headers.len())
        .filter(|&i| headers[i].to_lowercase() == wanted)
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [i] => Ok(Some(*i)),
        [a, b, ..] => Err(DataError::new(format!(
            "columns {} ('{}') and {} ('{}') both have the name '{wanted}'",
            a + 1,
            crate::error::escape_name(&headers[*a]),
            b + 1,
            crate::error::escape_name(&headers[*b]),
        ))
        .file(name)
        .line(1)
        .hint(format!(
            "rename one of them, or choose another column with {flag}"
        ))),
    }
}

/// Opens the input through the reader every command uses (UTF-8, or Shift_JIS when the start
/// of the file is Shift_JIS; lone-\r line ends read as \n); its header must be valid UTF-8.
fn open(source: &Source) -> Result<CsvReader, DataError> {
    let reader = CsvReader::open(source, None)?;
    if !reader.header_is_utf8() {
        return Err(not_utf8(reader.name(), 1));
    }
    if !reader.has_header() {
        return Err(reader.empty_error(
            "give a CSV file with a header row (date and one column per series) and data rows",
        ));
    }
    Ok(reader)
}

/// The data rows, each with its line: every row has one field per header column and is valid
/// UTF-8, its cells without surrounding whitespace (Unicode's too).
fn read_rows(reader: &mut CsvReader) -> Result<Vec<(u64, csv::StringRecord)>, DataError> {
    let mut rows: Vec<(u64, csv::StringRecord)> = Vec::new();
    let mut record = csv::ByteRecord::new();
    while reader.read_full(&mut record)? {
        let line = line_of(&record);
        let mut text = csv::StringRecord::from_byte_record(record.clone())
            .map_err(|_| not_utf8(reader.name(), line))?;
        text.trim();
        rows.push((line, text));
    }
    Ok(rows)
}

/// The columns to draw: those named with `--column`, or every numeric column (whose first
/// value is a number).
fn series_columns(
    opts: &ReadOptions,
    name: &str,
    headers: &[String],
    date_col: usize,
    rows: &[(u64, csv::StringRecord)],
) -> Result<Vec<usize>, DataError> {
    let found = || crate::error::escape_names(headers);
    let mut columns: Vec<usize> = Vec::new();
    if opts.columns.is_empty() {
        for (i, h) in headers.iter().enumerate() {
            if i == date_col || NOT_SERIES.contains(&h.to_lowercase().as_str()) {
                continue;
            }
            let first = rows
                .iter()
                .map(|(_, r)| r.get(i).unwrap_or(""))
                .find(|v| !v.is_empty());
            if first.is_some_and(|v| parse_decimal(v).is_ok()) {
                columns.push(i);
            }
        }
        if columns.is_empty() {
            return Err(DataError::new("no numeric column to chart")
                .file(name)
                .line(1)
                .hint(format!(
                    "give a CSV with a date column and one or more columns of numbers \
                     ({} are not series; columns found: {})",
                    NOT_SERIES.join(", "),
                    found()
                )));
        }
    } else {
        for wanted in &opts.columns {
            let i = find(headers, wanted, name, "--column")?.ok_or_else(|| {
                DataError::new(format!("no column '{}' to chart", wanted.trim()))
                    .file(name)
                    .line(1)
                    .hint(format!(
                        "name a column of the header with --column (columns found: {})",
                        found()
                    ))
            })?;
            if i == date_col {
                return Err(DataError::new(format!(
                    "--column names the date column '{}'",
                    crate::error::escape_name(&headers[i])
                ))
                .file(name)
                .line(1)
                .hint("name the columns of values to draw"));
            }
            if !columns.contains(&i) {
                columns.push(i);
            }
        }
    }
    Ok(columns)
}

/// The dates of the rows, strictly increasing, and the values of `columns` in them, checked;
/// with the first value of every column.
#[allow(clippy::type_complexity)]
fn parse_rows(
    opts: &ReadOptions,
    name: &str,
    headers: &[String],
    date_col: usize,
    columns: &[usize],
    rows: &[(u64, csv::StringRecord)],
) -> Result<(Vec<NaiveDate>, Vec<Vec<f64>>, Vec<Decimal>), DataError> {
    let mut dates: Vec<NaiveDate> = Vec::with_capacity(rows.len());
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(rows.len()); columns.len()];
    let mut firsts: Vec<Decimal> = Vec::with_capacity(columns.len());
    for (row, (line, r)) in rows.iter().enumerate() {
        let at = |col: usize, problem: String| {
            DataError::new(problem)
                .file(name)
                .line(*line)
                .column(&headers[col])
                .value(r.get(col).unwrap_or(""))
        };
        let text = r.get(date_col).unwrap_or("");
        if text.is_empty() {
            return Err(
                at(date_col, "the date is empty".into()).hint("fill in the date or remove the row")
            );
        }
        let date = opts.dates.parse(text).ok_or_else(|| {
            at(
                date_col,
                "not a valid date: expected a date as YYYY-MM-DD or in the --date-format".into(),
            )
            .hint("fix the date, or give its format with --date-format (e.g. %m/%d/%Y)")
        })?;
        if let Some(&prev) = dates.last() {
            if date == prev {
                return Err(at(
                    date_col,
                    format!("duplicate date {date} (also on line {})", rows[row - 1].0),
                )
                .hint("keep one row per date"));
            }
            if date < prev {
                return Err(at(
                    date_col,
                    format!("the dates are not in increasing order: {date} comes after {prev} (line {})", rows[row - 1].0),
                )
                .hint("sort the file by date"));
            }
        }
        dates.push(date);
        for (k, &col) in columns.iter().enumerate() {
            let text = r.get(col).unwrap_or("");
            if text.is_empty() {
                return Err(at(col, "the value is empty".into()).hint(
                    "fill in the value or remove the row; choose other series with --column",
                ));
            }
            let v = parse_decimal(text).map_err(|why| {
                at(col, why)
                    .hint("write a plain decimal number such as 101.25 (no thousands separators)")
            })?;
            if opts.log && v <= Decimal::ZERO {
                return Err(at(col, "--log needs values greater than 0".into())
                    .hint("drop --log, or choose other series with --column"));
            }
            if row == 0 {
                if opts.rebase.is_some() && v <= Decimal::ZERO {
                    return Err(
                        at(col, "--rebase needs a first value greater than 0".into())
                            .hint("drop --rebase, or choose other series with --column"),
                    );
                }
                firsts.push(v);
            }
            values[k].push(v.to_f64().unwrap_or(f64::NAN));
        }
    }
    Ok((dates, values, firsts))
}

/// Reads and checks the chart's data.
pub fn read(opts: &ReadOptions) -> Result<ChartData, DataError> {
    let name = opts.source.name();
    let mut reader = open(&opts.source)?;
    let headers = reader.headers().to_vec();
    let date_name = opts.date_col.as_deref().unwrap_or("date");
    let date_col = find(&headers, date_name, &name, "--date-col")?.ok_or_else(|| {
        DataError::new(format!("missing required column '{date_name}'"))
            .file(&name)
            .line(1)
            .hint(format!(
                "rename the column in the header, or name it with --date-col (columns found: {})",
                crate::error::escape_names(&headers)
            ))
    })?;
    let rows = read_rows(&mut reader)?;
    if rows.len() < 2 {
        return Err(DataError::new(format!(
            "a chart needs at least two rows of data, but the file has {}",
            rows.len()
        ))
        .file(&name)
        .hint("give a file with a header row and two or more dates"));
    }
    let columns = series_columns(opts, &name, &headers, date_col, &rows)?;
    let (dates, values, firsts) = parse_rows(opts, &name, &headers, date_col, &columns, &rows)?;
    let series = columns
        .iter()
        .zip(values)
        .zip(&firsts)
        .map(|((&col, mut values), first)| {
            if let Some(base) = opts.rebase {
                let factor = base.to_f64().unwrap_or(f64::NAN) / first.to_f64().unwrap_or(f64::NAN);
                for v in &mut values {
                    *v *= factor;
                }
                // Exactly the base at the first date, whatever the rounding above.
                values[0] = base.to_f64().unwrap_or(f64::NAN);
            }
            Series {
                name: headers[col].clone(),
                values,
            }
        })
        .collect();
    Ok(ChartData { dates, series })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_text(text: &str, f: impl FnOnce(&mut ReadOptions)) -> Result<ChartData, DataError> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        let mut opts = ReadOptions {
            source: Source::Path(file.path().to_path_buf()),
            date_col: None,
            dates: DateParser::default(),
            columns: Vec::new(),
            log: false,
            rebase: None,
        };
        f(&mut opts);
        read(&opts)
    }

    #[test]
    fn compute_output_gives_its_level_columns() {
        let data = read_text(
            "date,price-weighted,cap-weighted,divisor,constituents\n\
             2024-01-02,100.00,100.00,12,12\n2024-01-03,101.50,99.25,12,12\n",
            |_| {},
        )
        .unwrap();
        let names: Vec<&str> = data.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["price-weighted", "cap-weighted"]);
        assert_eq!(data.series[1].values, [100.0, 99.25]);
        assert_eq!(data.dates.len(), 2);
    }

    #[test]
    fn text_columns_are_not_series_and_columns_can_be_chosen() {
        let text = "Day,note,a,b\n2024-01-02,x,1,2\n2024-01-03,y,3,4\n";
        let data = read_text(text, |o| o.date_col = Some("day".into())).unwrap();
        assert_eq!(data.series.len(), 2);
        let data = read_text(text, |o| {
            o.date_col = Some("day".into());
            o.columns = vec!["B".into(), "a".into(), "b".into()];
        })
        .unwrap();
        let names: Vec<&str> = data.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["b", "a"]);
    }

    #[test]
    fn rebase_scales_every_series_to_the_value_at_the_first_date() {
        let data = read_text("date,a,b\n2024-01-02,50,400\n2024-01-03,55,300\n", |o| {
            o.rebase = Some(Decimal::ONE_HUNDRED)
        })
        .unwrap();
        assert_eq!(data.series[0].values, [100.0, 110.0]);
        assert_eq!(data.series[1].values, [100.0, 75.0]);
    }

    #[test]
    fn errors_are_located() {
        let e = read_text("date,a\n2024-01-02,1\n2024-01-03,x\n", |_| {}).unwrap_err();
        let l = e.located();
        assert_eq!(
            (l.line, l.column.as_deref(), l.value.as_deref()),
            (Some(3), Some("a"), Some("x"))
        );
        let e = read_text("date,a\n2024-01-03,1\n2024-01-02,2\n", |_| {}).unwrap_err();
        assert!(e.to_string().contains("line 3"), "{e}");
        assert!(e.to_string().contains("not in increasing order"), "{e}");
        let e = read_text("date,a\n2024-01-02,1\n2024-01-03,0\n", |o| o.log = true).unwrap_err();
        assert!(e.to_string().contains("--log"), "{e}");
    }
}
