//! Streaming a date-sorted prices file through the engine, one date at a time.

use super::pool::{MethodPool, Runners};
use super::{
    check_divisor_methods, check_file_divisor, report_skipped, DayRunner, IndexRun, InputRequest,
};
use crate::calc::Method;
use crate::error::{DataError, Error};
use crate::input::{self, Source, Symbols};
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
    let dates = &req.dates;
    let members = match &req.constituents {
        Some(src) => Some(input::read_constituents(src, dates, &mut symbols)?),
        None => None,
    };
    let shares = match &req.shares {
        Some(src) => Some(input::read_shares(src, dates, &mut symbols)?),
        None => None,
    };
    let actions = match &req.actions {
        Some(src) => input::read_actions(src, dates, &mut symbols, members.as_ref())?,
        None => Vec::new(),
    };
    let file_divisors = match &req.divisors {
        Some(src) => input::read_divisors(src, dates)?,
        None => BTreeMap::new(),
    };
    let need_shares = req.spec.methods.contains(&Method::CapWeighted) && shares.is_none();
    let reader = input::PriceReader::open(&req.prices, &req.columns, need_shares)?;
    if reader.transcoded() {
        return Ok(None);
    }
    let name = reader.name().to_string();
    let (offset, first_line) = reader.data_start();
    let mut skipped: Vec<String> = Vec::new();
    let mut runner = if req.spec.methods.len() > 1 {
        Runners::Pool(MethodPool::start(
            req,
            &members,
            &shares,
            &actions,
            &file_divisors,
            &symbols,
        ))
    } else {
        Runners::One(Box::new(DayRunner::new(
            req,
            members.clone(),
            shares,
            &actions,
            &file_divisors,
            false,
        )))
    };
    let mut warnings: Vec<String> = Vec::new();
    let mut held = |m: &str| warnings.push(m.to_string());

    // The workers see the symbols known before the prices; the chunks' new ones are added
    // here, in file order, so ids are the same as with one thread.
    let initial = symbols.clone();
    let first_new = initial.len() as u32;
    let mut group_names: Vec<String> = Vec::new();
    let mut rows: Vec<input::Row> = Vec::new();
    let mut quotes: Vec<crate::calc::Quote> = Vec::new();
    let mut records = 0u64;
    let mut divisor_checked = false;
    let mut unsorted = false;
    // An error is only final once the file is known to be sorted by date: a later row dated
    // earlier means the dates seen so far were not the first ones.
    let mut pending: Option<Error> = None;
    let mut failed: Option<DataError> = None;
    let mut order = DayOrder::default();
    let mut flush = |rows: &mut Vec<input::Row>,
                     symbols: &Symbols,
                     pending: &mut Option<Error>,
                     held: &mut dyn FnMut(&str)| {
        if rows.is_empty() || pending.is_some() {
            rows.clear();
            return;
        }
        sort_like_yesterday(rows, &mut order);
        let step = (|| -> Result<(), Error> {
            let divisor = input::check_day(rows, &name, symbols)?;
            let date = rows[0].date;
            if divisor.is_some() && !divisor_checked {
                check_divisor_methods(&req.spec.methods, "the prices file's divisor column")?;
                divisor_checked = true;
            }
            check_file_divisor(req, date, divisor, &file_divisors)?;
            quotes.clear();
            quotes.extend(rows.drain(..).map(|r| r.quote));
            runner.day(date, &quotes, divisor.map(|d| d.0), symbols, held)?;
            Ok(())
        })();
        rows.clear();
        if let Err(e) = step {
            *pending = Some(e);
        }
    };
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
            if let Some(first) = rows.first() {
                if row.date < first.date {
                    unsorted = true;
                    return false;
                }
                if row.date != first.date {
                    flush(&mut rows, &symbols, &mut pending, &mut held);
                }
            }
            rows.push(row);
        }
        progress.set_position(end);
        true
    };
    input::read_parallel(
        path,
        offset,
        first_line,
        &name,
        reader.headers(),
        reader.parser(),
        &initial,
        dates,
        members.as_ref(),
        reader.thousands(),
        2,
        &mut consume,
    )?;
    progress.finish_and_clear();
    if unsorted {
        return Ok(None);
    }
    if let Some(e) = pending {
        return Err(e);
    }
    if let Some(e) = failed {
        return Err(e.into());
    }
    flush(&mut rows, &symbols, &mut pending, &mut held);
    if let Some(e) = pending {
        return Err(e);
    }
    if records == 0 {
        return Err(reader.header_only().into());
    }
    let run = runner.finish(&symbols, &mut held)?;
    report_skipped(&skipped, warn);
    for w in &warnings {
        warn(w);
    }
    Ok(Some(run))
}
