//! Nikkei-style price adjustment factors (PAF) and capping ratios (CR): with `--factors` a
//! price-weighted constituent's index shares are `q = PAF × CR`.
//!
//! The PAF in force on date *t* is the factor of the file's row that takes effect at the open of
//! *t*, if there is one; otherwise it is `PAF(t−1) × split_ratio(t)`, starting from the row in
//! force before the symbol's first date (an undated row, or 1). So a 3-for-1 split turns PAF 1
//! into 3: `q·p̃(t−1) = 3·p(t−1)/3` is unchanged and the divisor does not move. A file row dated
//! on a split's date gives the PAF after the split (it is not multiplied again). The capping
//! ratio is the row's, unaffected by splits. A change of either from the file changes `q`, and
//! the divisor carries the level over it like any other event (the continuity rule of
//! [`crate::calc`]).

use super::arith::mul;
use super::weight_cap::cap_ratio;
use super::{actions::Adj, Engine};
use crate::calc::{CalcError, FactorSchedule, SymbolId};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A symbol's PAF in force.
#[derive(Clone, Copy, Debug)]
pub(super) struct Paf {
    /// The date of the file row it derives from (`None`: an undated row or no row at all).
    from: Option<Option<NaiveDate>>,
    /// The PAF.
    paf: Decimal,
    /// The engine day it was last brought up to date.
    day: u32,
}

impl Engine {
    /// Sets today's `factor` (`PAF × CR`) of every constituent, bringing the PAF of every symbol
    /// that is a constituent or splits today up to date.
    pub(super) fn apply_factors(&mut self, date: NaiveDate, adjs: &[Adj]) -> Result<(), CalcError> {
        let Some(schedule) = &self.spec.factors else {
            return Ok(());
        };
        let day = self.day;
        for a in adjs.iter().filter(|a| a.split != Decimal::ONE) {
            paf_today(&mut self.paf, schedule, a.symbol, date, day, a.split)?;
        }
        for c in &mut self.cons {
            let paf = paf_today(&mut self.paf, schedule, c.symbol, date, day, c.split)?;
            let cr = cap_ratio(schedule, &self.review_cr, c.symbol, date);
            c.factor = if cr == Decimal::ONE {
                paf
            } else {
                mul(paf, cr, date, "index shares (PAF × capping ratio)")?
            };
        }
        Ok(())
    }

    /// The PAF of `symbol` as last brought up to date.
    pub(super) fn paf_of(&self, symbol: SymbolId) -> Option<Decimal> {
        self.paf
            .get(symbol as usize)
            .copied()
            .flatten()
            .map(|p| p.paf)
    }
}

/// The PAF of `symbol` on `date` (engine day `day`), with today's `split` ratio.
fn paf_today(
    pafs: &mut Vec<Option<Paf>>,
    schedule: &FactorSchedule,
    symbol: SymbolId,
    date: NaiveDate,
    day: u32,
    split: Decimal,
) -> Result<Decimal, CalcError> {
    let i = symbol as usize;
    if i >= pafs.len() {
        pafs.resize(i + 1, None);
    }
    let entry = schedule.lookup(symbol, date);
    let from = entry.map(|e| e.from);
    let split_it = |paf: Decimal| -> Result<Decimal, CalcError> {
        if split == Decimal::ONE {
            Ok(paf)
        } else {
            mul(paf, split, date, "a price adjustment factor after a split")
        }
    };
    let paf = match pafs[i] {
        Some(st) if st.from == from && st.day == day => st.paf,
        Some(st) if st.from == from => split_it(st.paf)?,
        _ => {
            let factor = entry.map_or(Decimal::ONE, |e| e.factor);
            if entry.and_then(|e| e.from) == Some(date) {
                factor
            } else {
                split_it(factor)?
            }
        }
    };
    pafs[i] = Some(Paf { from, paf, day });
    Ok(paf)
}
