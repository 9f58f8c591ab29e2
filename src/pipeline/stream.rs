//! Streaming a date-sorted prices file through the engine, one date at a time.

use super::pool::{MethodPool, Runners};
use super::{
    check_divisor_methods, check_file_divisor, read_actions_and_divisors, read_fx,
    read_members_and_shares, report_skipped, DayRunner, IndexRun, InputRequest,
};
use crate::error::{DataError, Error};
use crate::input::{self, Source, Symbols};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The symbol order of the previous date's rows and the permutation that sorted them.
#[derive(Default)]
struct DayOrder {
    symbols: Vec<u32>,
    perm: Vec<u32>,
    scratch: Vec<Option<input::Row>>,
}

/// Sorts a date's rows by symbol (then line), reusing the previous date's permutation when the
/// rows list the same symbols in the same order, as date-sorted files usually do.
fn sort_like_yesterday(rows: &mut Vec<input::Row>, order: &mut DayOrder) {
    if rows.is_sorted_by_key(|r| r.quote.symbol) {
        return;
    }
    let same = rows.len() == order.symbols.len()
        && rows
            .iter()
            .zip(&order.symbols)
            .all(|(r, &s)| r.quote.symbol == s);
    if !same {
        order.symbols.clear();
        order.symbols.extend(rows.iter().map(|r| r.quote.symbol));
        order.perm.clear();
        order.perm.extend(0..rows.len() as u32);
        order.perm.sort_unstable_by_key(|&i| {
            (rows[i as usize].quote.symbol, rows[i as usize].quote.line)
        });
    }
    order.scratch.clear();
    order.scratch.extend(rows.drain(..).map(Some));
    rows.extend(
        order
            .perm
            .iter()
            .filter_map(|&i| order.scratch[i as usize].take()),
    );
}

/// The dates being assembled from the parsed chunks and fed to the engines.
struct Assembly<'r> {
    req: &'r InputRequest,
    name: String,
    file_divisors: &'r BTreeMap<NaiveDate, (Decimal, u64)>,
    runner: Runners<'r>,
    /// The rows of the date being assembled.
    rows: Vec<input::Row>,
    quotes: Vec<crate::calc::Quote>,
    currencies: Vec<u32>,
    /// Whether rows carry currencies (`--fx` by currency).
    by_currency: bool,
    order: DayOrder,
    divisor_checked: bool,
    /// An error is only final once the file is known to be sorted by date: a later row dated
    /// earlier means the dates seen so far were not the first ones.
    pending: Option<Error>,
    /// Warnings, held back until the file is known to be sorted (so nothing is said twice).
    warnings: Vec<String>,
}

impl Assembly<'_> {
    /// Adds a row; `false` if it is dated before the date being assembled (the file is not
    /// sorted by date).
    fn push(&mut self, row: input::Row, symbols: &Symbols) -> bool {
        if let Some(first) = self.rows.first() {
            if row.date < first.date {
                return false;
            }
            if row.date != first.date {
                self.flush(symbols);
            }
        }
        self.rows.push(row);
        true
    }

    /// Computes the assembled date (once an error is pending, the rest is only read).
    fn flush(&mut self, symbols: &Symbols) {
        if self.rows.is_empty() || self.pending.is_some() {
            self.rows.clear();
            return;
        }
        sort_like_yesterday(&mut self.rows, &mut self.order);
        if let Err(e) = self.step(symbols) {
            self.pending = Some(e);
        }
        self.rows.clear();
    }

    fn step(&mut self, symbols: &Symbols) -> Result<(), Error> {
        let req = self.req;
        let divisor = input::check_day(&self.rows, &self.name, symbols)?;
        let date = self.rows[0].date;
        if divisor.is_some() && !self.divisor_checked {
            check_divisor_methods(&req.spec.methods, "the prices file's divisor column")?;
            self.divisor_checked = true;
        }
        check_file_divisor(req, date, divisor, self.file_divisors)?;
        self.currencies.clear();
        if self.by_currency {
            self.currencies.extend(self.rows.iter().map(|r| r.currency));
        }
        self.quotes.clear();
        self.quotes.extend(self.rows.drain(..).map(|r| r.quote));
        let warnings = &mut self.warnings;
        let mut held = |m: &str| warnings.push(m.to_string());
        self.runner.day(
            date,
            &self.quotes,
            &self.currencies,
            divisor.map(|d| d.0),
            symbols,
            &mut held,
        )
    }
}

/// The engines of a streamed run: one, or with several methods a pool of one per method.
fn start_runners<'r>(
    req: &'r InputRequest,
    members: &Option<crate::calc::MemberList>,
    shares: super::Schedules,
    actions: &'r [crate::calc::Action],
    file_divisors: &'r BTreeMap<NaiveDate, (Decimal, u64)>,
    symbols: &Symbols,
    fx: &Option<input::FxTable>,
) -> Runners<'r> {
    if req.spec.methods.len() > 1 {
        Runners::Pool(MethodPool::start(
            req,
            members,
            &shares,
            actions,
            file_divisors,
            symbols,
            fx.as_ref(),
        ))
    } else {
        Runners::One(Box::new(DayRunner::new(
            req,
            members.clone(),
            shares,
            actions,
            file_divisors,
            false,
            fx.as_ref(),
        )))
    }
}

/// Streams a date-sorted prices file through the engine, parsing it on two threads while this
/// one assembles the dates and computes; `None` if the file turns out not to be sorted by date
/// (warnings are held back until the end, so nothing is said twice).
pub(super) fn stream_index(
    req: &InputRequest,
    warn: &mut dyn FnMut(&str),
) -> Result<Option<IndexRun>, Error> {
    let Source::Path(path) = &req.prices else {
        return Ok(None);
    };
    if req.columns.wide {
        return Ok(None);
    }
    let mut symbols = Symbols::new();
    let (fx, columns) = read_fx(req)?;
    let (members, shares) = read_members_and_shares(req, &mut symbols)?;
    let (actions, file_divisors) = read_actions_and_divisors(req, &mut symbols, &members)?;
    let need_shares = req.spec.methods.iter().any(|m| m.needs_shares()) && shares.shares.is_none();
    let reader = input::PriceReader::open(&req.prices, &columns, need_shares)?;
    if reader.transcoded() {
        return Ok(None);
    }
    let runner = start_runners(
        req,
        &members,
        shares,
        &actions,
        &file_divisors,
        &symbols,
        &fx,
    );
    let mut day = Assembly {
        req,
        name: reader.name().to_string(),
        file_divisors: &file_divisors,
        runner,
        rows: Vec::new(),
        quotes: Vec::new(),
        currencies: Vec::new(),
        by_currency: fx.as_ref().is_some_and(|f| f.by_currency),
        order: DayOrder::default(),
        divisor_checked: false,
        pending: None,
        warnings: Vec::new(),
    };
    // The workers see the symbols known before the prices; the chunks' new ones are added
    // here, in file order, so ids are the same as with one thread.
    let initial = symbols.clone();
    let first_new = initial.len() as u32;
    let mut group_names: Vec<String> = Vec::new();
    let (mut records, mut unsorted) = (0u64, false);
    let mut skipped: Vec<String> = Vec::new();
    let mut failed: Option<DataError> = None;
    let progress = reader.progress().clone();
    let mut consume = |chunk: Result<input::Chunk, DataError>| -> bool {
        let mut chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                failed = Some(e);
                return false;
            }
        };
        records += chunk.records;
        let end = chunk.end;
        skipped.append(&mut chunk.skipped);
        for row in chunk.into_global(&mut symbols, first_new, &mut group_names) {
            if !day.push(row, &symbols) {
                unsorted = true;
                return false;
            }
        }
        progress.set_position(end);
        true
    };
    let (offset, first_line) = reader.data_start();
    input::read_parallel(
        path,
        offset,
        first_line,
        reader.name(),
        reader.headers(),
        reader.parser(),
        &initial,
        &req.dates,
        members.as_ref(),
        reader.thousands(),
        2,
        &mut consume,
    )?;
    progress.finish_and_clear();
    if unsorted {
        return Ok(None);
    }
    if let Some(e) = day.pending.take() {
        return Err(e);
    }
    if let Some(e) = failed {
        return Err(e.into());
    }
    day.flush(&symbols);
    if let Some(e) = day.pending {
        return Err(e);
    }
    if records == 0 {
        return Err(reader.header_only().into());
    }
    let mut warnings = day.warnings;
    let mut held = |m: &str| warnings.push(m.to_string());
    let run = day.runner.finish(&symbols, &mut held)?;
    report_skipped(&skipped, warn);
    for w in &warnings {
        warn(w);
    }
    Ok(Some(run))
}
