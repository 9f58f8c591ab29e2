//! The compact storage of the prices file: 32 bytes a row, with a side table for the rare
//! values that do not fit, and the two-thread sort by date, symbol and line.

use super::Row;
use crate::calc::SymbolId;
use chrono::Datelike;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

/// Sorts rows by date, symbol and line, in place, on two threads: the rows are split at a
/// middle date (one pass, no second buffer) and the two halves are sorted side by side.
pub(super) fn sort_rows(rows: &mut [Packed]) {
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

/// A [`Packed`] flag: the row has no shares cell value.
pub(super) const NO_SHARES: u8 = 1;

/// A [`Packed`] flag: the row has an entry in the side table (see [`Side`]).
pub(super) const SIDE: u8 = 2;

/// A row in 32 bytes: decimals as 64-bit mantissas with their scales.
#[derive(Clone, Copy, Debug)]
pub(super) struct Packed {
    pub(super) price: i64,
    pub(super) shares: i64,
    pub(super) date: i32,
    pub(super) symbol: SymbolId,
    pub(super) line: u32,
    pub(super) price_scale: u8,
    pub(super) shares_scale: u8,
    pub(super) flags: u8,
}

/// What a [`Packed`] row cannot hold.
#[derive(Clone, Debug, Default)]
pub(super) struct Side {
    pub(super) price: Option<Decimal>,
    pub(super) shares: Option<Decimal>,
    pub(super) float: Option<Decimal>,
    pub(super) divisor: Option<Decimal>,
    pub(super) group: Option<u32>,
    pub(super) currency: u32,
}

fn small(d: Decimal) -> Option<(i64, u8)> {
    Some((
        i64::try_from(d.mantissa()).ok()?,
        u8::try_from(d.scale()).ok()?,
    ))
}

pub(super) fn pack(row: Row, side: &mut FxHashMap<u32, Side>) -> Packed {
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
    extra.currency = row.currency;
    let needs_side = extra.price.is_some()
        || extra.shares.is_some()
        || extra.float.is_some()
        || extra.divisor.is_some()
        || extra.group.is_some()
        || extra.currency != 0;
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
