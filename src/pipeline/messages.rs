//! Calculation errors and notices as located messages.

use crate::calc::{CalcError, Notice};
use crate::error::{DataError, Error};
use crate::input::Symbols;

/// A notice of the engine (a carried or not yet priced member) as a warning.
pub(super) fn notice_text(n: &Notice, symbols: &Symbols) -> String {
    match n {
        Notice::CarriedForward {
            symbol,
            date,
            since,
        } => format!(
            "{} has no price on {date}: it keeps its last close (of {since}) while it has none \
             (reported once per symbol)",
            symbols.name(*symbol)
        ),
        Notice::NotYetPriced { symbol, date } => format!(
            "{} is a member on {date} but has no price yet: it is left out until its first price \
             (reported once per symbol)",
            symbols.name(*symbol)
        ),
        Notice::WeightCapUnmet { symbol, date } => format!(
            "{}'s weight stays above --weight-cap after the review of {date}: its capping ratio \
             cannot go lower than 0.1 in steps of 0.1, and it keeps the lowest one",
            symbols.name(*symbol)
        ),
    }
}

/// Turns a calculation error into a located data error.
pub fn calc_error(e: CalcError, symbols: &Symbols, prices: &str, actions: &str) -> Error {
    let err = match e {
        CalcError::Overflow { date, what } => DataError::new(format!(
            "arithmetic overflow on {date} while computing {what}"
        ))
        .file(prices)
        .hint("the numbers exceed 28-digit decimals: check for a misplaced decimal point"),
        CalcError::ZeroMarketValue { date } => DataError::new(format!(
            "the index market value is zero on {date}: every constituent has 0 shares"
        ))
        .file(prices)
        .hint("give at least one constituent a positive share count on that date"),
        CalcError::MissingShares { date, symbol, line } => DataError::new(format!(
            "no share count for {} on {date}: cap-weighted needs one for every constituent",
            symbols.name(symbol)
        ))
        .file(prices)
        .line(line)
        .column("shares")
        .hint("fill in the shares cell, or list the symbol in a --shares file"),
        CalcError::ActionWithoutPrice { date, symbol, line } => DataError::new(format!(
            "action for {} on {date}, but the prices have no row for it on that date",
            symbols.name(symbol)
        ))
        .file(actions)
        .line(line)
        .hint("an action is effective at the open of a date the symbol trades: fix its date or symbol"),
        CalcError::DividendExceedsPrice {
            date,
            symbol,
            line,
            previous_close,
        } => DataError::new(format!(
            "special dividend for {} on {date} is not below its previous close {previous_close}",
            symbols.name(symbol)
        ))
        .file(actions)
        .line(line)
        .column("value")
        .hint("check the amount: it is cash per share"),
        CalcError::BaseDateNotIndexDate {
            base,
            before,
            after,
        } => {
            let near: Vec<String> = [before, after]
                .iter()
                .flatten()
                .map(|d| d.to_string())
                .collect();
            DataError::new(format!(
                "the base date {base} is not an index date: no constituent has a price on it"
            ))
            .file(prices)
            .hint(if near.is_empty() {
                "choose a date of the data with --base-date".to_string()
            } else {
                format!("the nearest index dates are {}", near.join(" and "))
            })
        }
        CalcError::CapInfeasible {
            date,
            members,
            cap,
            aggregate: false,
        } => DataError::new(format!(
            "the cap {cap} cannot be met on {date}: the index has {members} constituents with a \
             market cap, and weights of at most {cap} need at least 1/cap"
        ))
        .file(prices)
        .hint("raise --cap, or give the index more constituents"),
        CalcError::CapInfeasible {
            date,
            members,
            aggregate: true,
            ..
        } => DataError::new(format!(
            "the aggregate cap rule cannot be met on {date} with {members} constituents: the \
             members at or below --cap-threshold cannot hold the rest of the weight"
        ))
        .file(prices)
        .hint("raise --cap-aggregate or --cap-threshold, or give the index more constituents"),
        CalcError::NoIndexDate => DataError::new(
            "no index date: no constituent has a price on or after the base date",
        )
        .file(prices)
        .hint("check the member list's dates, the symbols and --base-date"),
    };
    err.into()
}
