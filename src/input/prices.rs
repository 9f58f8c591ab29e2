//! The prices file: one row per constituent per date.

use super::{Cells, DateParser, Source, Symbols, Table};
use crate::calc::{MemberList, Quote, SymbolId};
use crate::error::DataError;
use chrono::Datelike;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::ops::Range;

/// Column names chosen on the command line (`--date-col` ...); `None`: the standard names.
#[derive(Clone, Debug, Default)]
pub struct ColumnNames {
    /// The date column (default `date`).
    pub date: Option<String>,
    /// The symbol column (default `symbol`, `ticker` or `code`).
    pub symbol: Option<String>,
    /// The price column (default `price` or `close`).
    pub price: Option<String>,
    /// The shares column (default `shares`).
    pub shares: Option<String>,
    /// The group column (default `group` or `sector`; when set, it must exist).
    pub group: Option<String>,
    /// How the file's text is read (encoding, thousands separator, column aliases).
    pub text: super::TextFormat,
    /// Skip rows with a bad value (reported) instead of failing.
    pub skip_bad_rows: bool,
    /// Wide layout: `date` and one price column per symbol.
    pub wide: bool,
}

/// One date of the prices file.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceDay {
    /// The date.
    pub date: NaiveDate,
    /// Its rows in [`PriceData::quotes`], sorted by symbol.
    pub quotes: Range<usize>,
    /// The divisor given on that date's rows, if any.
    pub divisor: Option<Decimal>,
}

/// The prices file, grouped by date in ascending order, stored compactly (32 bytes a row;
/// the rare values that do not fit, and float, divisor and group cells, in a side table).
#[derive(Clone, Debug, Default)]
pub struct PriceData {
    /// The dates.
    pub days: Vec<PriceDay>,
    /// Whether the file has a `shares` column.
    pub has_shares: bool,
    /// Line of the first row that gives each day's divisor (parallel to `days`).
    pub divisor_lines: Vec<u64>,
    /// The distinct group labels, in order of first appearance.
    pub group_names: Vec<String>,
    /// Rows skipped for a bad value (`--skip-bad-rows`), as messages.
    pub skipped: Vec<String>,
    rows: Vec<Packed>,
    side: FxHashMap<u32, Side>,
}

impl PriceData {
    /// The quote of row `i` (rows of a date are `PriceDay::quotes`, sorted by symbol).
    pub fn quote(&self, i: usize) -> Quote {
        let r = &self.rows[i];
        let side = (r.flags & SIDE != 0)
            .then(|| self.side.get(&r.line))
            .flatten();
        let price = match side.and_then(|s| s.price) {
            Some(p) => p,
            None => Decimal::new(r.price, u32::from(r.price_scale)),
        };
        let shares = if r.flags & NO_SHARES != 0 {
            None
        } else {
            Some(match side.and_then(|s| s.shares) {
                Some(v) => v,
                None => Decimal::new(r.shares, u32::from(r.shares_scale)),
            })
        };
        Quote {
            symbol: r.symbol,
            price,
            shares,
            float: side.and_then(|s| s.float),
            line: u64::from(r.line),
        }
    }

    /// The symbol of row `i`.
    pub fn symbol(&self, i: usize) -> SymbolId {
        self.rows[i].symbol
    }

    /// The group of row `i`, if the file has a group column and the cell is filled.
    pub fn group(&self, i: usize) -> Option<u32> {
        let r = &self.rows[i];
        (r.flags & SIDE != 0)
            .then(|| self.side.get(&r.line).and_then(|s| s.group))
            .flatten()
    }

    /// Sorts the rows by date and symbol, groups them into days and checks each day.
    fn finish(&mut self, name: &str, symbols: &Symbols) -> Result<(), DataError> {
        let key = |r: &Packed| (r.date, r.symbol, r.line);
        if !self.rows.is_sorted_by_key(key) {
            sort_rows(&mut self.rows);
        }
        self.rows.shrink_to_fit();
        let mut i = 0;
        while i < self.rows.len() {
            let start = i;
            let day = self.rows[i].date;
            while i < self.rows.len() && self.rows[i].date == day {
                i += 1;
            }
            let date = NaiveDate::from_num_days_from_ce_opt(day).unwrap_or_default();
            let divisor = check_rows(
                i - start,
                |k| {
                    let r = &self.rows[start + k];
                    let d = (r.flags & SIDE != 0)
                        .then(|| self.side.get(&r.line).and_then(|s| s.divisor))
                        .flatten();
                    (r.symbol, u64::from(r.line), d)
                },
                date,
                name,
                symbols,
            )?;
            self.days.push(PriceDay {
                date,
                quotes: start..i,
                divisor: divisor.map(|d| d.0),
            });
            self.divisor_lines.push(divisor.map_or(0, |d| d.1));
        }
        Ok(())
    }

    /// Replaces `out` with the quotes of `day`.
    pub fn day_quotes(&self, day: &PriceDay, out: &mut Vec<Quote>) {
        out.clear();
        out.extend(day.quotes.clone().map(|i| self.quote(i)));
    }
}

/// Sorts rows by date, symbol and line, in place, on two threads: the rows are split at a
/// middle date (one pass, no second buffer) and the two halves are sorted side by side.
fn sort_rows(rows: &mut [Packed]) {
    let key = |r: &Packed| (r.date, r.symbol, r.line);
    if rows.len() < 1 << 16 {
        rows.sort_unstable_by_key(key);
        return;
    }
    // A middle date from a sample of the rows.
    let step = rows.len() / 1024;
    let mut sample: Vec<i32> = rows.iter().step_by(step.max(1)).map(|r| r.date).collect();
    sample.sort_unstable();
    let split = sample[sample.len() / 2];
    // Rows dated before `split` to the front.
    let mut front = 0;
    for i in 0..rows.len() {
        if rows[i].date < split {
            rows.swap(i, front);
            front += 1;
        }
    }
    let (low, high) = rows.split_at_mut(front);
    std::thread::scope(|s| {
        s.spawn(|| low.sort_unstable_by_key(key));
        high.sort_unstable_by_key(key);
    });
}

const NO_SHARES: u8 = 1;
const SIDE: u8 = 2;

/// A row in 32 bytes: decimals as 64-bit mantissas with their scales.
#[derive(Clone, Copy, Debug)]
struct Packed {
    price: i64,
    shares: i64,
    date: i32,
    symbol: SymbolId,
    line: u32,
    price_scale: u8,
    shares_scale: u8,
    flags: u8,
}

/// What a [`Packed`] row cannot hold.
#[derive(Clone, Debug, Default)]
struct Side {
    price: Option<Decimal>,
    shares: Option<Decimal>,
    float: Option<Decimal>,
    divisor: Option<Decimal>,
    group: Option<u32>,
}

fn small(d: Decimal) -> Option<(i64, u8)> {
    Some((
        i64::try_from(d.mantissa()).ok()?,
        u8::try_from(d.scale()).ok()?,
    ))
}

fn pack(row: Row, side: &mut FxHashMap<u32, Side>) -> Packed {
    let q = row.quote;
    let line = u32::try_from(q.line).unwrap_or(u32::MAX);
    let price = small(q.price);
    let shares = q.shares.map(small);
    let mut extra = Side::default();
    if price.is_none() {
        extra.price = Some(q.price);
    }
    if let Some(None) = shares {
        extra.shares = q.shares;
    }
    extra.float = q.float;
    extra.divisor = row.divisor;
    extra.group = row.group;
    let needs_side = extra.price.is_some()
        || extra.shares.is_some()
        || extra.float.is_some()
        || extra.divisor.is_some()
        || extra.group.is_some();
    let (p, ps) = price.unwrap_or((0, 0));
    let (s, ss) = shares.flatten().unwrap_or((0, 0));
    let mut flags = 0;
    if q.shares.is_none() {
        flags |= NO_SHARES;
    }
    if needs_side {
        flags |= SIDE;
        side.insert(line, extra);
    }
    Packed {
        price: p,
        shares: s,
        date: row.date.num_days_from_ce(),
        symbol: q.symbol,
        line,
        price_scale: ps,
        shares_scale: ss,
        flags,
    }
}

/// One checked row of the prices file.
pub(crate) struct Row {
    pub(crate) date: NaiveDate,
    pub(crate) quote: Quote,
    pub(crate) divisor: Option<Decimal>,
    pub(crate) group: Option<u32>,
}

/// The prices file's columns, found in its header.
#[derive(Clone, Copy)]
struct PriceColumns {
    date: usize,
    symbol: usize,
    price: usize,
    shares: Option<usize>,
    float: Option<usize>,
    divisor: Option<usize>,
    group: Option<usize>,
}

/// A progress bar of the bytes read, on stderr, for a file of 32 MB or more when stderr is a
/// terminal; hidden otherwise (pipes, CI).
fn progress_bar(source: &Source) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    let len = match source {
        Source::Path(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
        Source::Stdin => 0,
    };
    if len < 32 << 20 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "reading {bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Reads the prices file row by row, checking every value.
pub(crate) struct PriceReader {
    t: Table,
    parser: RowParser,
    records: u64,
    progress: indicatif::ProgressBar,
}

impl PriceReader {
    /// Opens the prices file and finds its columns.
    pub(crate) fn open(
        source: &Source,
        columns: &ColumnNames,
        need_shares: bool,
    ) -> Result<Self, DataError> {
        let t = Table::open_with(source, &columns.text)?;
        let date = t.require(&["date"], columns.date.as_deref(), Some("--date-col"), "")?;
        let symbol = t.require(
            &["symbol", "ticker", "code"],
            columns.symbol.as_deref(),
            Some("--symbol-col"),
            "",
        )?;
        let price = t.require(
            &["price", "close"],
            columns.price.as_deref(),
            Some("--price-col"),
            "",
        )?;
        let shares = if need_shares {
            Some(t.require(
                &["shares"],
                columns.shares.as_deref(),
                Some("--shares-col"),
                " (cap-weighted needs share counts: add a shares column or give --shares FILE)",
            )?)
        } else {
            match columns.shares.as_deref() {
                Some(c) => Some(t.require(&["shares"], Some(c), Some("--shares-col"), "")?),
                None => t.column(&["shares"], None)?,
            }
        };
        let float = t.column(&["float", "iwf"], None)?;
        let divisor = t.column(&["divisor"], None)?;
        let group = match columns.group.as_deref() {
            Some(c) => Some(t.require(&["group"], Some(c), None, " (named by --group-by/--by)")?),
            None => t.column(&["group", "sector"], None)?,
        };
        Ok(PriceReader {
            t,
            parser: RowParser {
                cols: PriceColumns {
                    date,
                    symbol,
                    price,
                    shares,
                    float,
                    divisor,
                    group,
                },
                group_names: Vec::new(),
                last_date: None,
                ids: Vec::new(),
                prev_ids: Vec::new(),
                skip_bad_rows: columns.skip_bad_rows,
                skipped: Vec::new(),
            },
            records: 0,
            progress: progress_bar(source),
        })
    }

    /// The file's name for messages.
    pub(crate) fn name(&self) -> &str {
        self.t.name()
    }

    /// The header row.
    pub(crate) fn headers(&self) -> &[String] {
        self.t.headers()
    }

    /// Messages for the rows skipped so far (`--skip-bad-rows`), taken.
    pub(crate) fn take_skipped(&mut self) -> Vec<String> {
        self.parser.take_skipped()
    }

    /// Whether the file is transcoded, so that it cannot be cut into chunks by byte offsets.
    pub(crate) fn transcoded(&self) -> bool {
        self.t.transcoded()
    }

    /// The thousands separator removed from numbers, if any.
    pub(crate) fn thousands(&self) -> Option<u8> {
        self.t.thousands()
    }

    /// The row parser (to copy for other threads).
    pub(crate) fn parser(&self) -> &RowParser {
        &self.parser
    }

    /// The byte offset and line where the data rows start (after the header).
    pub(crate) fn data_start(&self) -> (u64, u64) {
        self.t.after_header()
    }

    /// The progress bar (hidden unless stderr is a terminal and the file is large).
    pub(crate) fn progress(&self) -> &indicatif::ProgressBar {
        &self.progress
    }

    /// Whether the file has a shares column.
    pub(crate) fn has_shares(&self) -> bool {
        self.parser.cols.shares.is_some()
    }

    /// The group labels seen so far.
    pub(crate) fn group_names(&self) -> &[String] {
        self.parser.group_names()
    }

    /// Records read so far (including skipped ones).
    pub(crate) fn records(&self) -> u64 {
        self.records
    }

    /// The next row, checked; rows of symbols not on `members` are skipped unchecked.
    pub(crate) fn next_row(
        &mut self,
        dates: &DateParser,
        symbols: &mut Symbols,
        members: Option<&MemberList>,
    ) -> Result<Option<Row>, DataError> {
        loop {
            if !self.t.next()? {
                self.progress.finish_and_clear();
                return Ok(None);
            }
            self.records += 1;
            if self.records % 65536 == 0 {
                self.progress.set_position(self.t.byte());
            }
            if let Some(row) = self.parser.parse(self.t.cells(), dates, symbols, members)? {
                return Ok(Some(row));
            }
        }
    }

    /// The error for a file without data rows.
    pub(crate) fn header_only(&self) -> DataError {
        DataError::new("no data rows: the file has only a header")
            .file(self.name())
            .hint("give at least one row of date, symbol and price")
    }
}

/// Checks and converts records of the prices file into rows.
#[derive(Clone)]
pub(crate) struct RowParser {
    cols: PriceColumns,
    group_names: Vec<String>,
    last_date: Option<(Vec<u8>, NaiveDate)>,
    /// Symbol ids of the rows of the current and of the previous date, in file order.
    ids: Vec<SymbolId>,
    prev_ids: Vec<SymbolId>,
    skip_bad_rows: bool,
    skipped: Vec<String>,
}

impl RowParser {
    /// Messages for the rows skipped so far (`--skip-bad-rows`), taken.
    pub(crate) fn take_skipped(&mut self) -> Vec<String> {
        std::mem::take(&mut self.skipped)
    }
    /// Forgets what earlier records taught it (caches, group labels): for a new chunk.
    pub(crate) fn reset(&mut self) {
        self.group_names.clear();
        self.last_date = None;
        self.ids.clear();
        self.prev_ids.clear();
    }

    /// The group labels seen so far.
    pub(crate) fn group_names(&self) -> &[String] {
        &self.group_names
    }

    /// The row of record `t`, checked; `None` for a row of a symbol not on `members` (skipped
    /// unchecked), or a row with a bad value when skipping those (noted for the report).
    pub(crate) fn parse(
        &mut self,
        t: Cells<'_>,
        dates: &DateParser,
        symbols: &mut Symbols,
        members: Option<&MemberList>,
    ) -> Result<Option<Row>, DataError> {
        match self.parse_row(t, dates, symbols, members) {
            Err(e) if self.skip_bad_rows => {
                self.skipped.push(format!("skipped: {e}"));
                Ok(None)
            }
            other => other,
        }
    }

    fn parse_row(
        &mut self,
        t: Cells<'_>,
        dates: &DateParser,
        symbols: &mut Symbols,
        members: Option<&MemberList>,
    ) -> Result<Option<Row>, DataError> {
        let c = &self.cols;
        let raw_date = t.raw(c.date);
        let new_date = !matches!(&self.last_date, Some((bytes, _)) if bytes.as_slice() == raw_date);
        if new_date {
            // Rows of consecutive dates usually list the symbols in the same order.
            std::mem::swap(&mut self.prev_ids, &mut self.ids);
            self.ids.clear();
        }
        let raw_symbol = t.raw(c.symbol);
        let predicted = self
            .prev_ids
            .get(self.ids.len())
            .copied()
            .filter(|&id| symbols.name(id).as_bytes() == raw_symbol);
        let symbol = match (predicted, members) {
            (Some(id), None) => id,
            (_, Some(list)) => match symbols
                .get(t.symbol(c.symbol)?)
                .filter(|&s| list.contains(s))
            {
                Some(s) => s,
                None => return Ok(None),
            },
            (None, None) => symbols.intern(t.symbol(c.symbol)?),
        };
        if members.is_none() {
            self.ids.push(symbol);
        }
        let date = match (&self.last_date, new_date) {
            (Some((_, d)), false) => *d,
            _ => {
                let d = t.date(c.date, dates)?;
                self.last_date = Some((raw_date.to_vec(), d));
                d
            }
        };
        let price = t.decimal(c.price)?;
        if price <= Decimal::ZERO {
            return Err(t
                .error(c.price, "the price must be greater than 0")
                .hint("fix the price or remove the row"));
        }
        let shares = match c.shares {
            Some(col) => t.opt_decimal(col)?,
            None => None,
        };
        if shares.is_some_and(|s| s < Decimal::ZERO) {
            return Err(t
                .error(c.shares.unwrap_or_default(), "shares cannot be negative")
                .hint("fix the share count (0 is allowed: a weight of zero)"));
        }
        let float = match c.float {
            Some(col) => t.opt_decimal(col)?,
            None => None,
        };
        if float.is_some_and(|f| f <= Decimal::ZERO || f > Decimal::ONE) {
            return Err(t
                .error(
                    c.float.unwrap_or_default(),
                    "the float factor must be in (0, 1]",
                )
                .hint("write the investable-weight factor as a fraction, e.g. 0.85"));
        }
        let divisor = match c.divisor {
            Some(col) => t.opt_decimal(col)?,
            None => None,
        };
        if divisor.is_some_and(|d| d <= Decimal::ZERO) {
            return Err(t
                .error(
                    c.divisor.unwrap_or_default(),
                    "the divisor must be greater than 0",
                )
                .hint("fix the divisor or leave the cell empty"));
        }
        let group = match c.group {
            Some(col) => {
                let g = t.text(col)?;
                if g.is_empty() {
                    None
                } else {
                    Some(match self.group_names.iter().position(|n| n == g) {
                        Some(i) => i as u32,
                        None => {
                            self.group_names.push(g.to_string());
                            self.group_names.len() as u32 - 1
                        }
                    })
                }
            }
            None => None,
        };
        Ok(Some(Row {
            group,
            date,
            quote: Quote {
                symbol,
                price,
                shares,
                float,
                line: t.line,
            },
            divisor,
        }))
    }
}

/// Checks the rows of one date (sorted by symbol, then line): no symbol twice, at most one
/// divisor. Returns the date's divisor and the line that gives it.
pub(crate) fn check_day(
    rows: &[Row],
    file: &str,
    symbols: &Symbols,
) -> Result<Option<(Decimal, u64)>, DataError> {
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    check_rows(
        rows.len(),
        |k| (rows[k].quote.symbol, rows[k].quote.line, rows[k].divisor),
        first.date,
        file,
        symbols,
    )
}

/// [`check_day`] over rows given by `get(k) = (symbol, line, divisor)`.
fn check_rows(
    len: usize,
    get: impl Fn(usize) -> (SymbolId, u64, Option<Decimal>),
    date: NaiveDate,
    file: &str,
    symbols: &Symbols,
) -> Result<Option<(Decimal, u64)>, DataError> {
    let mut divisor: Option<(Decimal, u64)> = None;
    let mut previous: Option<(SymbolId, u64)> = None;
    for k in 0..len {
        let (symbol, line, d) = get(k);
        if let Some((s0, line0)) = previous.filter(|p| p.0 == symbol) {
            return Err(DataError::new(format!(
                "duplicate row for {} on {date} (also on line {line0})",
                crate::error::escape_name(symbols.name(s0))
            ))
            .file(file)
            .line(line)
            .hint("keep one row per symbol and date"));
        }
        previous = Some((symbol, line));
        if let Some(d) = d {
            match divisor {
                Some((d0, line0)) if d0 != d => {
                    return Err(DataError::new(format!(
                        "two divisors on {date}: {d0} on line {line0} and {d} here"
                    ))
                    .file(file)
                    .line(line)
                    .column("divisor")
                    .value(d.to_string())
                    .hint("a date has one divisor: make the rows of that date agree"));
                }
                Some(_) => {}
                None => divisor = Some((d, line)),
            }
        }
    }
    Ok(divisor)
}

/// The symbol columns of a wide file: every column but the date column, with its header. A
/// column without a name is an error (its prices would belong to no symbol).
pub(crate) fn wide_symbols(t: &Table, date_col: usize) -> Result<Vec<(usize, String)>, DataError> {
    let mut out = Vec::new();
    for (i, h) in t.headers().iter().enumerate() {
        if i == date_col {
            continue;
        }
        if h.is_empty() {
            return Err(DataError::new(format!(
                "column {} of the header has no name: in a wide file every column after the \
                 date holds one symbol's prices",
                i + 1
            ))
            .file(t.name())
            .line(1)
            .hint("write the symbol in the header, or remove the column"));
        }
        out.push((i, h.clone()));
    }
    Ok(out)
}

/// Reads a wide prices file: `date` and one price column per symbol (other known columns:
/// none). An empty cell is a symbol without a price that date; shares come from `--shares`.
fn read_wide(
    source: &Source,
    columns: &ColumnNames,
    dates: &DateParser,
    symbols: &mut Symbols,
    members: Option<&MemberList>,
) -> Result<PriceData, DataError> {
    let mut t = Table::open_with(source, &columns.text)?;
    let date_col = t.require(&["date"], columns.date.as_deref(), Some("--date-col"), "")?;
    let mut cols: Vec<(usize, SymbolId)> = Vec::new();
    for (i, h) in wide_symbols(&t, date_col)? {
        let id = match members {
            Some(list) => match symbols.get(&h).filter(|&s| list.contains(s)) {
                Some(s) => s,
                None => continue,
            },
            None => symbols.intern(&h),
        };
        if cols.iter().any(|c| c.1 == id) {
            return Err(DataError::new(format!(
                "the symbol {} heads two columns",
                crate::error::escape_name(&h)
            ))
            .file(t.name())
            .line(1)
            .hint("keep one price column per symbol"));
        }
        cols.push((i, id));
    }
    if cols.is_empty() && members.is_none() {
        return Err(
            DataError::new("a wide file needs one price column per symbol")
                .file(t.name())
                .line(1)
                .hint("write the header as date,SYMBOL1,SYMBOL2,..."),
        );
    }
    cols.sort_by_key(|c| c.1);
    let mut data = PriceData::default();
    let mut records = 0u64;
    let mut rows: Vec<Row> = Vec::new();
    while t.next()? {
        records += 1;
        let cells = t.cells();
        let date = match cells.date(date_col, dates) {
            Ok(d) => d,
            Err(e) if columns.skip_bad_rows => {
                data.skipped.push(format!("skipped: {e}"));
                continue;
            }
            Err(e) => return Err(e),
        };
        for &(col, symbol) in &cols {
            let price = match cells.opt_decimal(col) {
                Ok(None) => continue,
                Ok(Some(p)) if p > Decimal::ZERO => p,
                Ok(Some(_)) => {
                    let e = cells
                        .error(col, "the price must be greater than 0")
                        .hint("fix the price or leave the cell empty");
                    if !columns.skip_bad_rows {
                        return Err(e);
                    }
                    data.skipped.push(format!("skipped: {e}"));
                    continue;
                }
                Err(e) if columns.skip_bad_rows => {
                    data.skipped.push(format!("skipped: {e}"));
                    continue;
                }
                Err(e) => return Err(e),
            };
            rows.push(Row {
                date,
                quote: Quote {
                    symbol,
                    price,
                    shares: None,
                    float: None,
                    line: cells.line,
                },
                divisor: None,
                group: None,
            });
        }
    }
    if records == 0 {
        return Err(DataError::new("no data rows: the file has only a header")
            .file(t.name())
            .hint("give at least one row of prices"));
    }
    for row in rows {
        data.rows.push(pack(row, &mut data.side));
    }
    let name = t.name().to_string();
    data.finish(&name, symbols)?;
    Ok(data)
}

/// Reads the whole prices file, in any row order.
///
/// With `members`, rows of symbols that are not on the list are skipped without being checked
/// (they cannot affect the index). `need_shares` makes a missing `shares` column an error.
pub fn read_prices(
    source: &Source,
    columns: &ColumnNames,
    dates: &DateParser,
    symbols: &mut Symbols,
    members: Option<&MemberList>,
    need_shares: bool,
) -> Result<PriceData, DataError> {
    if columns.wide {
        if need_shares {
            return Err(DataError::new(
                "a wide prices file holds prices only, and cap-weighted needs share counts",
            )
            .file(source.name())
            .hint("give the share counts with --shares FILE"));
        }
        return read_wide(source, columns, dates, symbols, members);
    }
    let mut reader = PriceReader::open(source, columns, need_shares)?;
    let mut data = PriceData {
        has_shares: reader.has_shares(),
        ..PriceData::default()
    };
    let mut records = 0;
    match source {
        // A file is parsed on two threads, in chunks handed back in file order.
        Source::Path(path) if !reader.transcoded() => {
            let (offset, first_line) = reader.data_start();
            let initial = symbols.clone();
            let first_new = initial.len() as u32;
            let mut failed = None;
            let progress = reader.progress().clone();
            let mut consume = |chunk: Result<super::Chunk, DataError>| match chunk {
                Ok(mut chunk) => {
                    records += chunk.records;
                    progress.set_position(chunk.end);
                    data.skipped.append(&mut chunk.skipped);
                    for row in chunk.into_global(symbols, first_new, &mut data.group_names) {
                        data.rows.push(pack(row, &mut data.side));
                    }
                    true
                }
                Err(e) => {
                    failed = Some(e);
                    false
                }
            };
            super::read_parallel(
                path,
                offset,
                first_line,
                reader.name(),
                reader.headers(),
                reader.parser(),
                &initial,
                dates,
                members,
                reader.thousands(),
                2,
                &mut consume,
            )?;
            progress.finish_and_clear();
            if let Some(e) = failed {
                return Err(e);
            }
        }
        _ => {
            while let Some(row) = reader.next_row(dates, symbols, members)? {
                data.rows.push(pack(row, &mut data.side));
            }
            records = reader.records();
            data.group_names = reader.group_names().to_vec();
            data.skipped = reader.take_skipped();
        }
    }
    if records == 0 {
        return Err(reader.header_only());
    }
    let name = reader.name().to_string();
    data.finish(&name, symbols)?;
    Ok(data)
}

#[cfg(test)]
mod sort_tests;
