//! `idx check`: validate constituent data and list what looks wrong, one finding per line.
//!
//! The prices file is read tolerantly ([`read`]): a row that `compute` would refuse becomes a
//! finding (an error) and reading goes on, so one run lists every problem with its line. The
//! rows that could be read are then checked symbol by symbol ([`series`]) for what compute
//! accepts but what is probably wrong (warnings): dates out of order, gaps, unrecorded splits,
//! bad prints, stale prices and share counts that jump.
//!
//! Values are parsed with idx's own parsers ([`crate::input::parse_decimal`],
//! [`crate::input::DateParser`]). The heuristics then work on `f64` ratios: check is a
//! filter for a human, not the calculation path.

pub mod detect;
mod read;
mod render;
mod series;

use crate::calc::SharesSchedule;
use crate::error::{DataError, Error};
use crate::input::{self, DateParser, Source, Symbols, TextFormat};
use chrono::NaiveDate;
use std::path::PathBuf;

pub use render::{render, CheckFormat};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// `compute` would refuse the input (exit 1 from check).
    Error,
    /// `compute` accepts it, but it is probably wrong (exit 0, or 1 with `--strict`).
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// What a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A row with a wrong number of fields (or otherwise unreadable).
    BadRow,
    /// An empty or unparsable date.
    BadDate,
    /// An empty symbol.
    MissingSymbol,
    /// An empty price.
    MissingPrice,
    /// An unparsable price, or one ≤ 0.
    BadPrice,
    /// An empty share count (the file has a shares column).
    MissingShares,
    /// An unparsable or negative share count.
    BadShares,
    /// An unparsable float factor, or one outside (0, 1].
    BadFloat,
    /// An unparsable divisor, or one ≤ 0.
    BadDivisor,
    /// Two different divisors on one date.
    DivisorConflict,
    /// A second row for the same (date, symbol).
    Duplicate,
    /// A row dated before the symbol's previous row.
    OutOfOrder,
    /// A date on which far fewer symbols have rows than on the dates around it.
    SparseDate,
    /// A symbol without rows on dates between two dates on which it has rows.
    Gap,
    /// A price ratio that looks like an unrecorded split or reverse split.
    Split,
    /// An action that does not fit the prices (no row on its date, no price move, ...).
    Action,
    /// A one-day move far beyond the symbol's volatility that reverses the next day.
    Outlier,
    /// The same price on many consecutive dates.
    Stale,
    /// A share count that changes a lot from one date to the next without a split.
    SharesJump,
    /// A split action that the share count does not follow.
    SplitShares,
    /// Empty cells in columns that are filled on (almost) every other row.
    EmptyCells,
    /// A price or market value so large that compute's sums may overflow.
    HugeValue,
    /// A date on which every row has 0 shares (cap-weighted's market value is zero).
    ZeroShares,
}

impl Kind {
    /// The name written in the `kind` column.
    pub fn name(self) -> &'static str {
        match self {
            Kind::BadRow => "bad_row",
            Kind::BadDate => "bad_date",
            Kind::MissingSymbol => "missing_symbol",
            Kind::MissingPrice => "missing_price",
            Kind::BadPrice => "bad_price",
            Kind::MissingShares => "missing_shares",
            Kind::BadShares => "bad_shares",
            Kind::BadFloat => "bad_float",
            Kind::BadDivisor => "bad_divisor",
            Kind::DivisorConflict => "divisor_conflict",
            Kind::Duplicate => "duplicate",
            Kind::OutOfOrder => "out_of_order",
            Kind::SparseDate => "sparse_date",
            Kind::Gap => "gap",
            Kind::Split => "split",
            Kind::Action => "action",
            Kind::Outlier => "outlier",
            Kind::Stale => "stale",
            Kind::SharesJump => "shares_jump",
            Kind::SplitShares => "split_shares",
            Kind::EmptyCells => "empty_cells",
            Kind::HugeValue => "huge_value",
            Kind::ZeroShares => "zero_shares",
        }
    }
}

/// One thing that looks wrong, located in a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The file (as named on the command line).
    pub file: String,
    /// 1-based line in that file.
    pub line: Option<u64>,
    /// The date concerned.
    pub date: Option<NaiveDate>,
    /// The symbol concerned.
    pub symbol: Option<String>,
    /// Error or warning.
    pub severity: Severity,
    /// What it is.
    pub kind: Kind,
    /// Why it is suspicious, with the values.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

/// Thresholds of the heuristics.
#[derive(Clone, Debug, PartialEq)]
pub struct Thresholds {
    /// A run of at least this many consecutive dates with the same price is stale (0: off).
    pub stale_days: usize,
    /// A split candidate's price ratio must be within this relative distance of 1/n or n.
    pub split_tolerance: f64,
    /// An outlier's log return exceeds this many robust standard deviations...
    pub outlier_sigmas: f64,
    /// ... and this absolute log return.
    pub outlier_floor: f64,
    /// The number of previous daily returns the robust standard deviation is taken over.
    pub volatility_window: usize,
    /// A relative change of the share count above this, without a split, is a jump.
    pub shares_jump: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            stale_days: 5,
            split_tolerance: 0.02,
            outlier_sigmas: 8.0,
            outlier_floor: 0.12,
            volatility_window: 60,
            shares_jump: 0.25,
        }
    }
}

/// Column names chosen on the command line (`None`: the standard names and aliases).
#[derive(Clone, Debug, Default)]
pub struct CheckColumns {
    /// `--date-col` (default `date`).
    pub date: Option<String>,
    /// `--symbol-col` (default `symbol`, `ticker` or `code`).
    pub symbol: Option<String>,
    /// `--price-col` (default `price` or `close`).
    pub price: Option<String>,
    /// `--shares-col` (default `shares`; optional unless named).
    pub shares: Option<String>,
}

/// A validated `idx check`.
#[derive(Clone, Debug)]
pub struct CheckRequest {
    /// The prices file.
    pub prices: Source,
    /// Column names.
    pub columns: CheckColumns,
    /// `--date-format`, also used for the message of an unparsable date.
    pub date_format: Option<String>,
    /// `--encoding`, `--thousands` and `--column-map`: how the prices file's text is read.
    pub text: TextFormat,
    /// `--actions FILE`.
    pub actions: Option<Source>,
    /// `--shares FILE`.
    pub shares: Option<Source>,
    /// The heuristics' thresholds.
    pub thresholds: Thresholds,
    /// `--strict`: warnings also fail the run.
    pub strict: bool,
    /// `--wide`: the prices file has one price column per symbol.
    pub wide: bool,
    /// The output format.
    pub format: CheckFormat,
    /// `--output FILE`; `None`: stdout.
    pub output: Option<PathBuf>,
}

/// The result of a check.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The prices file's name.
    pub file: String,
    /// Data rows read (every record after the header).
    pub rows: u64,
    /// Distinct symbols.
    pub symbols: usize,
    /// Distinct dates.
    pub dates: usize,
    /// The findings, in file order (prices file first, then the actions file), by line.
    pub findings: Vec<Finding>,
}

impl Report {
    /// The number of findings of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// `(kind, count)` for every kind found, in the order of [`Kind`].
    pub fn by_kind(&self) -> Vec<(Kind, usize)> {
        let mut counts: std::collections::BTreeMap<Kind, usize> = Default::default();
        for f in &self.findings {
            *counts.entry(f.kind).or_default() += 1;
        }
        counts.into_iter().collect()
    }

    /// One line: how many findings of which kind, out of how many rows.
    pub fn summary(&self) -> String {
        let (e, w) = (self.count(Severity::Error), self.count(Severity::Warning));
        let what = format!(
            "{} rows, {} symbols, {} dates",
            self.rows, self.symbols, self.dates
        );
        if e + w == 0 {
            return format!("{}: no findings ({what})", self.file);
        }
        let kinds: Vec<String> = self
            .by_kind()
            .iter()
            .map(|(k, n)| format!("{} {n}", k.name()))
            .collect();
        format!(
            "{}: {} and {} ({what}): {}",
            self.file,
            plural(e, "error"),
            plural(w, "warning"),
            kinds.join(", ")
        )
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Checks the input files of `req`. An `Err` is a problem that prevents reading at all (a
/// missing file or column, an empty file, a bad actions or shares file); everything else is a
/// finding in the report.
pub fn check(req: &CheckRequest) -> Result<Report, Error> {
    if req.wide {
        return check_wide(req);
    }
    check_long(req, None)
}

/// `--wide`: the wide file becomes long rows (`date,symbol,price`, one per filled cell) in a
/// temporary file, which is checked as usual; every finding then names the wide file's line.
fn check_wide(req: &CheckRequest) -> Result<Report, Error> {
    let mut t = input::Table::open_with(&req.prices, &req.text)?;
    let name = t.name().to_string();
    let date_col = t.require(
        &["date"],
        req.columns.date.as_deref(),
        Some("--date-col"),
        "",
    )?;
    let symbols = input::wide_symbols(&t, date_col)?;
    let dir = tempfile::tempdir().map_err(|e| {
        DataError::new(format!("cannot create a temporary file: {e}")).hint("check TMPDIR")
    })?;
    let long = dir.path().join("long.csv");
    let mut w = csv::Writer::from_path(&long).map_err(|e| {
        DataError::new(format!("cannot write a temporary file: {e}")).hint("check TMPDIR")
    })?;
    let write_err = |e: csv::Error| DataError::new(format!("cannot write a temporary file: {e}"));
    w.write_record(["date", "symbol", "price"])
        .map_err(write_err)?;
    // Line k of the long file stands for wide_lines[k - 2] of the wide file.
    let mut wide_lines: Vec<u64> = Vec::new();
    let mut records = 0;
    while t.next()? {
        records += 1;
        let cells = t.cells();
        let date = cells.raw(date_col);
        for (col, symbol) in &symbols {
            let price = cells.raw(*col);
            if price.is_empty() {
                continue;
            }
            w.write_record([date, symbol.as_bytes(), price])
                .map_err(write_err)?;
            wide_lines.push(cells.line);
        }
    }
    w.flush()
        .map_err(|e| DataError::new(format!("cannot write a temporary file: {e}")))?;
    let mut long_req = req.clone();
    long_req.wide = false;
    long_req.prices = Source::Path(long.clone());
    long_req.columns = CheckColumns::default();
    long_req.text = TextFormat {
        thousands: req.text.thousands,
        ..TextFormat::default()
    };
    // The long file is read as if it were the wide file: every finding (and the lines that
    // messages cite, such as a duplicate's first row) names the wide file's lines.
    let origin = read::WideOrigin {
        name: &name,
        lines: &wide_lines,
    };
    let mut report = check_long(&long_req, Some(origin))?;
    report.rows = records;
    Ok(report)
}

fn check_long(req: &CheckRequest, wide: Option<read::WideOrigin<'_>>) -> Result<Report, Error> {
    let mut symbols = Symbols::new();
    let dates = DateParser::new(req.date_format.clone());
    let shares: Option<SharesSchedule> = match &req.shares {
        Some(src) => Some(input::read_shares(src, &dates, &mut symbols)?),
        None => None,
    };
    let mut findings = Vec::new();
    let actions = match &req.actions {
        Some(src) => {
            // A duplicate action is an error of compute's, but it does not stop the reading:
            // it is a finding, and the later row is left out of the checks.
            let (actions, duplicates) =
                input::read_actions_with_duplicates(src, &dates, &mut symbols)?;
            for (a, e) in duplicates {
                let e = e.located();
                findings.push(Finding {
                    file: src.name(),
                    line: Some(a.line),
                    date: Some(a.date),
                    symbol: Some(symbols.name(a.symbol).to_string()),
                    severity: Severity::Error,
                    kind: Kind::Action,
                    message: e.problem.clone(),
                    hint: e.hint.clone(),
                });
            }
            actions
        }
        None => Vec::new(),
    };
    let sheet = read::read(
        req,
        wide,
        &dates,
        &mut symbols,
        shares.as_ref(),
        &mut findings,
    )?;
    let actions_name = req.actions.as_ref().map(Source::name).unwrap_or_default();
    let ctx = series::Context {
        sheet: &sheet,
        symbols: &symbols,
        actions: &actions,
        actions_file: &actions_name,
        thresholds: &req.thresholds,
    };
    let dates_count = series::check_all(&ctx, &mut findings);
    let prices_name = sheet.name.clone();
    findings.sort_by(|a, b| {
        (a.file != prices_name, &a.file, a.line, a.kind, a.date).cmp(&(
            b.file != prices_name,
            &b.file,
            b.line,
            b.kind,
            b.date,
        ))
    });
    Ok(Report {
        file: prices_name,
        rows: sheet.records,
        symbols: sheet.symbol_count,
        dates: dates_count,
        findings,
    })
}

/// The run's outcome for a written report: an error if it holds errors, or any finding with
/// `strict`.
pub fn verdict(
    report: &Report,
    strict: bool,
    output: Option<&std::path::Path>,
) -> Result<(), Error> {
    let (e, w) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
    );
    let listed = match output {
        Some(p) => format!("listed in {}", p.display()),
        None => "listed on stdout".to_string(),
    };
    if e > 0 {
        return Err(DataError::new(format!(
            "{} and {} found ({listed})",
            plural(e, "error"),
            plural(w, "warning")
        ))
        .file(&report.file)
        .hint("compute refuses the rows with errors: fix or remove them")
        .into());
    }
    if strict && w > 0 {
        return Err(DataError::new(format!(
            "{} found and --strict is set ({listed})",
            plural(w, "warning")
        ))
        .file(&report.file)
        .hint("check the rows listed, or drop --strict to accept warnings")
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Checks `csv` (and `actions`) with the default thresholds.
    fn check_text(csv: &str, actions: Option<&str>) -> Report {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.csv");
        std::fs::File::create(&p)
            .unwrap()
            .write_all(csv.as_bytes())
            .unwrap();
        let actions = actions.map(|a| {
            let path = dir.path().join("a.csv");
            std::fs::write(&path, a).unwrap();
            Source::Path(path)
        });
        let req = CheckRequest {
            prices: Source::Path(p),
            columns: CheckColumns::default(),
            date_format: None,
            text: TextFormat::default(),
            actions,
            shares: None,
            thresholds: Thresholds::default(),
            strict: false,
            wide: false,
            format: CheckFormat::Csv,
            output: None,
        };
        check(&req).unwrap()
    }

    fn kinds(r: &Report) -> Vec<(&'static str, Option<String>)> {
        r.findings
            .iter()
            .map(|f| (f.kind.name(), f.date.map(|d| d.to_string())))
            .collect()
    }

    /// One symbol's closes on consecutive days from 2024-01-01 (calendar days: check does not
    /// care about weekends).
    fn series(closes: &[f64]) -> String {
        let mut s = String::from("date,symbol,price\n");
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        for (i, p) in closes.iter().enumerate() {
            let d = start + chrono::Days::new(i as u64);
            s.push_str(&format!("{d},AAA,{p:.2}\n"));
        }
        s
    }

    /// Closes that move ±0.5% a day, alternately.
    fn calm(n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| 100.0 * if i % 2 == 0 { 1.0 } else { 1.005 } * (1.0 + i as f64 * 0.001))
            .collect()
    }

    #[test]
    fn of_two_neighbouring_reversals_the_bad_print_is_reported() {
        // A real fall on day 30 (-15%), then a bad print on day 31 above the level before the
        // fall, undone on day 32 (as EFX on 2017-09-13 to 15): day 30 also looks undone by
        // day 31, but day 31 is further from both its neighbours.
        let mut p = calm(40);
        for x in p.iter_mut().skip(30) {
            *x *= 0.85;
        }
        p[31] = p[29] * 1.05;
        let r = check_text(&series(&p), None);
        assert_eq!(kinds(&r), vec![("outlier", Some("2024-02-01".into()))]);
    }

    #[test]
    fn a_move_below_the_floor_is_not_an_outlier_even_in_a_calm_series() {
        let mut p = calm(40);
        p[30] *= 0.9; // -10%, undone: below the 12% floor
        assert!(check_text(&series(&p), None).findings.is_empty());
        p[30] *= 0.95; // about -14.5%
        assert_eq!(kinds(&check_text(&series(&p), None))[0].0, "outlier");
    }

    #[test]
    fn split_ratios_and_values() {
        let r = series::ratio_names();
        assert!(r.contains(&(
            "4-for-1 split".to_string(),
            "4".to_string(),
            "1/4".to_string()
        )));
        assert!(r.contains(&(
            "1-for-10 reverse split".to_string(),
            "0.1".to_string(),
            "10".to_string()
        )));
        assert!(r.contains(&(
            "3-for-2 split".to_string(),
            "1.5".to_string(),
            "2/3".to_string()
        )));
        assert!(r.contains(&(
            "1-for-3 reverse split".to_string(),
            "0.3333333333333333333333333333".to_string(),
            "3".to_string()
        )));
    }

    #[test]
    fn a_halving_is_a_split_unless_it_reverses() {
        let mut p = calm(20);
        for x in p.iter_mut().skip(10) {
            *x /= 2.0;
        }
        let r = check_text(&series(&p), None);
        assert_eq!(kinds(&r), vec![("split", Some("2024-01-11".into()))]);
        assert_eq!(
            r.findings[0].hint.as_deref(),
            Some("add to the actions file: 2024-01-11,AAA,split,2")
        );
        let a = "date,symbol,action,value\n2024-01-11,AAA,split,2\n";
        assert!(check_text(&series(&p), Some(a)).findings.is_empty());
        // Halved for one day only: a bad print.
        let mut q = calm(20);
        q[10] /= 2.0;
        assert_eq!(kinds(&check_text(&series(&q), None))[0].0, "outlier");
    }

    #[test]
    fn summary_and_verdict() {
        let r = check_text(
            "date,symbol,price\n2024-01-01,AAA,0\n2024-01-01,AAA,1\n",
            None,
        );
        assert_eq!(
            r.summary(),
            format!(
                "{}: 2 errors and 0 warnings (2 rows, 1 symbols, 1 dates): bad_price 1, \
                 duplicate 1",
                r.file
            )
        );
        assert!(verdict(&r, false, None).is_err());
        let ok = check_text("date,symbol,price,shares\n2024-01-01,AAA,1,\n", None);
        assert!(verdict(&ok, false, None).is_ok());
        let e = verdict(&ok, true, None).unwrap_err();
        assert_eq!(e.exit_code(), 1);
        assert!(e
            .to_string()
            .contains("1 warning found and --strict is set"));
    }
}
