//! The corporate actions of a date, combined per symbol.

use super::arith::overflow;
use crate::calc::{Action, ActionKind, CalcError, Quote, SymbolId};
use rust_decimal::Decimal;

/// Today's combined actions of one symbol.
#[derive(Clone, Copy, Debug)]
pub(super) struct Adj {
    pub(super) symbol: SymbolId,
    pub(super) split: Decimal,
    pub(super) special: Decimal,
    pub(super) dividend: Decimal,
    pub(super) special_line: u64,
}

/// Checks that every action has a price row and combines a symbol's actions of the day.
pub(super) fn combine_actions(quotes: &[Quote], actions: &[Action]) -> Result<Vec<Adj>, CalcError> {
    let mut adjs: Vec<Adj> = Vec::with_capacity(actions.len());
    for a in actions {
        if quotes
            .binary_search_by_key(&a.symbol, |q| q.symbol)
            .is_err()
        {
            return Err(CalcError::ActionWithoutPrice {
                date: a.date,
                symbol: a.symbol,
                line: a.line,
            });
        }
        let i = match adjs.binary_search_by_key(&a.symbol, |x| x.symbol) {
            Ok(i) => i,
            Err(i) => {
                adjs.insert(
                    i,
                    Adj {
                        symbol: a.symbol,
                        split: Decimal::ONE,
                        special: Decimal::ZERO,
                        dividend: Decimal::ZERO,
                        special_line: a.line,
                    },
                );
                i
            }
        };
        let adj = &mut adjs[i];
        let ovf = || overflow(a.date, "combined corporate actions");
        match a.kind {
            ActionKind::Split(r) => adj.split = adj.split.checked_mul(r).ok_or_else(ovf)?,
            ActionKind::SpecialDividend(x) => {
                adj.special = adj.special.checked_add(x).ok_or_else(ovf)?;
                adj.special_line = a.line;
            }
            ActionKind::Dividend(x) => {
                adj.dividend = adj.dividend.checked_add(x).ok_or_else(ovf)?
            }
        }
    }
    Ok(adjs)
}
