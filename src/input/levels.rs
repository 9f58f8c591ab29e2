//! Level series: `date` plus one or more numeric columns, each a series (the output of
//! `idx compute`, or a downloaded index history).

use super::{parse_decimal, DateParser, Source, Table};
use crate::error::DataError;
use crate::output;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Columns of idx's own outputs that are not level series: `compute`'s divisor and
/// constituent count, `share`'s member count.
pub const NOT_SERIES: [&str; 3] = ["divisor", "constituents", "members"];

/// One or more level series on common dates (ascending, unique; every level > 0).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LevelSeries {
    /// The dates.
    pub dates: Vec<NaiveDate>,
    /// `(name, levels)`, each parallel to `dates`.
    pub series: Vec<(String, Vec<Decimal>)>,
}

impl LevelSeries {
    /// The points `(date, level)` of series `i`.
    pub fn points(&self, i: usize) -> Vec<(NaiveDate, Decimal)> {
        self.dates
            .iter()
            .copied()
            .zip(self.series[i].1.iter().copied())
            .collect()
    }
}

/// Which columns to read.
#[derive(Clone, Debug, Default)]
pub struct LevelColumns {
    /// The date column (default `date`).
    pub date: Option<String>,
    /// The series columns; empty: every column but the date and [`NOT_SERIES`].
    pub series: Vec<String>,
}

/// Where the levels of a result table come from, when it was computed rather than read: a
/// level of 0 is then a level rounded to 0 as written, and the message says so (naming the
/// date and the series, as the table has no file lines).
#[derive(Clone, Debug, Default)]
pub struct Computed {
    /// `(column header, what the column is)`, e.g. `("level", "price-weighted level")`.
    pub labels: Vec<(String, String)>,
    /// The decimals the levels are rounded to.
    pub decimals: u32,
    /// What needs levels above 0, e.g. `returns`.
    pub need: String,
    /// What to do about it.
    pub hint: String,
}

struct Builder<'a> {
    file: String,
    headers: Vec<String>,
    date_col: usize,
    cols: Vec<usize>,
    dates: &'a DateParser,
    out: LevelSeries,
    computed: Option<&'a Computed>,
}

impl<'a> Builder<'a> {
    fn new(
        file: String,
        headers: Vec<String>,
        columns: &LevelColumns,
        dates: &'a DateParser,
    ) -> Result<Self, DataError> {
        let find = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
        };
        let missing = |what: String, flag: &str| {
            DataError::new(format!("missing column {what}"))
                .file(&file)
                .line(1)
                .hint(format!(
                    "{flag} (columns found: {})",
                    crate::error::escape_names(&headers)
                ))
        };
        let date_name = columns.date.as_deref().unwrap_or("date");
        let date_col = find(date_name).ok_or_else(|| {
            missing(
                format!("'{date_name}'"),
                "name the date column with --date-col",
            )
        })?;
        let cols: Vec<usize> = if columns.series.is_empty() {
            (0..headers.len())
                .filter(|&i| {
                    i != date_col
                        && !NOT_SERIES
                            .iter()
                            .any(|n| headers[i].trim().eq_ignore_ascii_case(n))
                })
                .collect()
        } else {
            columns
                .series
                .iter()
                .map(|c| find(c).ok_or_else(|| missing(format!("'{c}'"), "check --column")))
                .collect::<Result<_, _>>()?
        };
        if cols.is_empty() {
            return Err(
                DataError::new("no level column: the file has only a date column")
                    .file(&file)
                    .line(1)
                    .hint("give a file with date and one or more level columns"),
            );
        }
        let out = LevelSeries {
            dates: Vec::new(),
            series: cols
                .iter()
                .map(|&i| (headers[i].trim().to_string(), Vec::new()))
                .collect(),
        };
        Ok(Builder {
            file,
            headers,
            date_col,
            cols,
            dates,
            out,
            computed: None,
        })
    }

    fn error(&self, line: u64, col: usize, value: &str, problem: impl Into<String>) -> DataError {
        DataError::new(problem)
            .file(&self.file)
            .line(line)
            .column(self.headers[col].trim())
            .value(value)
    }

    fn row(&mut self, line: u64, cells: &[&str]) -> Result<(), DataError> {
        let cell = |i: usize| cells.get(i).copied().unwrap_or("");
        let text = cell(self.date_col);
        let date = self.dates.parse(text).ok_or_else(|| {
            self.error(line, self.date_col, text, "not a valid date")
                .hint("fix the date, or give its format with --date-format")
        })?;
        if let Some(&prev) = self.out.dates.last() {
            if date == prev {
                return Err(self
                    .error(line, self.date_col, text, "duplicate date")
                    .hint("keep one row per date"));
            }
            if date < prev {
                return Err(self
                    .error(
                        line,
                        self.date_col,
                        text,
                        format!("date out of order: it follows {prev}"),
                    )
                    .hint("sort the file by date, oldest first"));
            }
        }
        self.out.dates.push(date);
        for k in 0..self.cols.len() {
            let col = self.cols[k];
            let text = cell(col);
            let level = self.level(line, col, date, parse_decimal(text), text)?;
            self.out.series[k].1.push(level);
        }
        Ok(())
    }

    /// The level of a cell (`parsed` from `text`): greater than 0, or an error saying why not.
    fn level(
        &self,
        line: u64,
        col: usize,
        date: NaiveDate,
        parsed: Result<Decimal, String>,
        text: &str,
    ) -> Result<Decimal, DataError> {
        match (parsed, self.computed) {
            (Ok(v), _) if v > Decimal::ZERO => Ok(v),
            (Ok(_), Some(c)) => {
                let header = self.headers[col].trim();
                let label = c
                    .labels
                    .iter()
                    .find(|(h, _)| h == header)
                    .map_or(header, |(_, l)| l.as_str());
                Err(DataError::new(format!(
                    "the {label} on {date} is {text} when rounded to {} decimals, and {} need \
                     levels greater than 0",
                    c.decimals, c.need
                ))
                .file(&self.file)
                .hint(c.hint.clone()))
            }
            (Ok(_), None) => Err(self
                .error(line, col, text, "a level must be greater than 0")
                .hint("fix the level, or choose the level columns with --column")),
            (Err(_), _) if text.is_empty() => Err(self
                .error(line, col, text, "the level is empty")
                .hint("fill in the level or remove the row; choose columns with --column")),
            (Err(why), _) => Err(self
                .error(line, col, text, why)
                .hint("choose the level columns with --column")),
        }
    }

    /// A row of values (a computed table's): the checks of [`Builder::row`] on numbers
    /// rather than text.
    fn values(
        &mut self,
        line: u64,
        date: NaiveDate,
        values: &[Option<Decimal>],
    ) -> Result<(), DataError> {
        self.out.dates.push(date);
        for k in 0..self.cols.len() {
            let col = self.cols[k];
            // Column 0 is the date.
            let value = values.get(col - 1).copied().flatten();
            let text = value.map(|v| v.to_string()).unwrap_or_default();
            let parsed = value.ok_or_else(String::new);
            let level = self.level(line, col, date, parsed, &text)?;
            self.out.series[k].1.push(level);
        }
        Ok(())
    }

    fn finish(self) -> Result<LevelSeries, DataError> {
        if self.out.dates.is_empty() {
            return Err(DataError::new("no data rows: the file has only a header")
                .file(&self.file)
                .hint("give at least one row of levels"));
        }
        Ok(self.out)
    }
}

/// Reads a level series CSV.
pub fn read_levels(
    source: &Source,
    columns: &LevelColumns,
    dates: &DateParser,
) -> Result<LevelSeries, DataError> {
    let mut t = Table::open(source)?;
    let mut b = Builder::new(t.name().to_string(), t.headers().to_vec(), columns, dates)?;
    while t.next()? {
        let cells: Vec<&str> = (0..b.headers.len())
            .map(|i| t.text(i))
            .collect::<Result<_, _>>()?;
        b.row(t.line(), &cells)?;
    }
    b.finish()
}

/// The level series of a computed [`output::LevelTable`], exactly as [`read_levels`] would read
/// the same table written as CSV, but from its values (`name` is the prices file): a level that
/// rounds to 0 is reported with its date and series, as `computed` says.
pub fn levels_from_values(
    table: &output::LevelTable,
    name: &str,
    columns: &LevelColumns,
    computed: Option<&Computed>,
) -> Result<LevelSeries, DataError> {
    let dates = DateParser::default();
    let mut b = Builder::new(name.to_string(), table.headers.clone(), columns, &dates)?;
    b.computed = computed;
    for (i, (date, values)) in table.rows.iter().enumerate() {
        b.values(i as u64 + 2, *date, values)?;
    }
    b.finish()
}
