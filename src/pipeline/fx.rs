//! Currency-converted indices (`--fx FILE`): each date's prices, and the cash of its dividends,
//! are converted to the target currency before they reach the engine, so every method computes
//! the index in the target currency (the S&P 500 in yen, 円換算).
//!
//! # Conversion
//!
//! `f(c,t)` is the rate paired with index date `t` for currency `c` (target units per unit of
//! `c`; `--fx-date` chooses which rate pairs with `t`). The engine is given
//!
//! * `p'(i,t) = p(i,t)·f(c_i,t)`: every close, at its own date's rate;
//! * `dividend'(i,t) = dividend(i,t)·f(c_i,t)`: an ordinary dividend at its ex-date's rate (it
//!   is paid on `t` and reinvested at `t`'s converted close);
//! * `special'(i,t) = special(i,t)·f(c_i,t−1)`: a special dividend at the rate of the previous
//!   date, because it restates the previous close `p'(i,t−1) = p(i,t−1)·f(c_i,t−1)`, so that
//!   `p̃'(i,t−1) = p̃(i,t−1)·f(c_i,t−1)`;
//! * a member carried at its last close (a halt, with `--constituents`) at its last *local*
//!   close times `f(c_i,t)`, as a converted index values a halted stock (its notice is given
//!   here, once per symbol, as the engine would).
//!
//! # The invariant (one currency)
//!
//! With one currency, `f_t = f(c,t)`, and no given divisor, for every method
//!
//! ```text
//! level'(t) = level(t) · f_t / f_b     (and TR'(t) = TR(t) · f_t / f_b)
//! ```
//!
//! where `b` is the base date, except for price-weighted without `--base-value`, whose base
//! divisor is the number of constituents: there `level'(t) = level(t) · f_t` (the level starts
//! as the average converted price). Write `k = 1/f_b` (or `k = 1`) and prove
//! `level'(t) = k·f_t·level(t)` and `D'(t) = D(t)/k` by induction over the dates:
//!
//! * **Base.** `MV'(b) = f_b·MV(b)`. Cap-weighted, equal-weighted and price-weighted with a base
//!   value set `D' = MV'/base value = f_b·D`, so `level'(b) = base value = level(b)`: `k = 1/f_b`.
//!   Price-weighted's default sets `D' = N = D`, so `level'(b) = f_b·level(b)`: `k = 1`.
//! * **Index shares.** Price-weighted `q = 1` and cap-weighted `q = shares × float` do not
//!   depend on prices: `q' = q`. Equal weight sets `q'(i) = K'/(N·p'(i,r))`; on the base date
//!   `K' = base value`, so `q' = q/f_b = k·q`; at a later rebalance
//!   `K' = Σ q'_old·p'(i,r) = k·f_r·K`, so again `q' = k·q`. A constituent added between
//!   rebalances gets the others' average value: `k·q` too.
//! * **Step.** With `D'(t−1) = D(t−1)/k` (cap-weighted and price-weighted, where `q' = q`; for
//!   equal weight `q' = k·q` and `D' = D`, and the same lines hold with `k` moved into the sums):
//!   `D'_A(t) = D'(t−1)·Σ_A q·p̃'(t−1)/MV'(t−1) = (D(t−1)/k)·f_{t−1}Σ_A q·p̃(t−1)/(f_{t−1}MV(t−1))
//!   = D_A(t)/k`, so `level'(t) = Σ_A q·f_t·p(t)/(D_A(t)/k) = k·f_t·level(t)`. This holds because
//!   every term of one date carries the same rate: the previous closes and the special dividends
//!   that restate them `f_{t−1}`, today's closes `f_t`.
//! * **Total return.** `IDIV'(t) = Σ q·f_t·dividend/(D_A/k) = k·f_t·IDIV(t)`, so
//!   `TR'(t) = TR'(t−1)·(level'(t) + IDIV'(t))/level'(t−1) = k·f_t·TR(t)` when
//!   `TR'(t−1) = k·f_{t−1}·TR(t−1)`.
//!
//! Two limits: equal weight rounds its index shares to 15 significant digits, and `k·q` rounds
//! differently from `q`, so there the identity holds to about 1e-14 of the level, not to the
//! last digit. A given divisor (`--divisor`, `--divisors`, a divisor column) is in the target
//! currency: on its date `level' = MV'/D`, which is `f_t` times the local `MV/D` (the DJIA in
//! yen is the DJIA times USD/JPY).

use super::messages::notice_text;
use crate::calc::{Action, ActionKind, MemberList, Notice, Quote};
use crate::error::{DataError, Error};
use crate::input::{FxRate, FxTable, Source, Symbols};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Which rate pairs with an index date (`--fx-date`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FxDate {
    /// The rate dated the index date.
    #[default]
    Same,
    /// The first rate dated after the index date (a US close at the next Tokyo morning's TTM).
    Next,
    /// The last rate dated before the index date.
    Previous,
}

impl FxDate {
    fn name(self) -> &'static str {
        match self {
            FxDate::Same => "same",
            FxDate::Next => "next",
            FxDate::Previous => "previous",
        }
    }
}

/// `--fx FILE`, `--fx-date`, `--fx-carry`.
#[derive(Clone, Debug)]
pub struct FxRequest {
    /// The FX file.
    pub source: Source,
    /// Which rate pairs with each index date.
    pub date: FxDate,
    /// Carry the last rate over a date without one (one warning per gap).
    pub carry: bool,
}

/// The rate paired with `date` in `series`, and the rate to carry when there is none.
fn lookup(series: &[FxRate], date: NaiveDate, mode: FxDate) -> (Option<&FxRate>, Option<&FxRate>) {
    match mode {
        FxDate::Same => {
            let i = series.partition_point(|r| r.0 < date);
            match series.get(i).filter(|r| r.0 == date) {
                Some(r) => (Some(r), None),
                None => (None, i.checked_sub(1).map(|j| &series[j])),
            }
        }
        FxDate::Next => {
            let i = series.partition_point(|r| r.0 <= date);
            (series.get(i), i.checked_sub(1).map(|j| &series[j]))
        }
        FxDate::Previous => {
            let i = series.partition_point(|r| r.0 < date);
            (i.checked_sub(1).map(|j| &series[j]), None)
        }
    }
}

/// Converts each date's quotes and actions before they reach the engine.
pub(super) struct FxConverter {
    table: FxTable,
    mode: FxDate,
    carry: bool,
    quiet: bool,
    base_date: Option<NaiveDate>,
    members: Option<MemberList>,
    /// The rates of the date being converted and of the previous one, by series.
    today: Vec<Option<Decimal>>,
    previous: Vec<Option<Decimal>>,
    /// Per series, the line of the carried rate last warned of (one warning per gap).
    warned: Vec<Option<u64>>,
    /// Per symbol: its last local quote, its currency and its date; whether its halt was told.
    last: Vec<Option<(Quote, u32, NaiveDate)>>,
    halt_told: Vec<bool>,
    /// The converted quotes and actions of the date.
    pub(super) quotes: Vec<Quote>,
    pub(super) actions: Vec<Action>,
}

impl FxConverter {
    /// A converter for `table` as `req` asks (its member list for halted members).
    pub(super) fn new(
        table: FxTable,
        req: &super::InputRequest,
        members: Option<MemberList>,
    ) -> Option<Self> {
        let fx = req.fx.as_ref()?;
        let n = table.series.len();
        Some(FxConverter {
            table,
            mode: fx.date,
            carry: fx.carry,
            quiet: req.quiet,
            base_date: req.spec.base_date,
            members,
            today: vec![None; n],
            previous: vec![None; n],
            warned: vec![None; n],
            last: Vec::new(),
            halt_told: Vec::new(),
            quotes: Vec::new(),
            actions: Vec::new(),
        })
    }

    /// The rate of series `s` paired with `date` (cached for the date).
    fn rate(
        &mut self,
        s: usize,
        date: NaiveDate,
        warn: &mut dyn FnMut(&str),
    ) -> Result<Decimal, Error> {
        if let Some(r) = self.today[s] {
            return Ok(r);
        }
        let series = &self.table.series[s];
        let code = &self.table.currencies[s];
        let of = if code.is_empty() {
            String::new()
        } else {
            format!(" {code}")
        };
        let mode = self.mode.name();
        let rate = match lookup(series, date, self.mode) {
            (Some(r), _) => r.1,
            (None, Some(&(d, r, line))) if self.carry => {
                if self.warned[s] != Some(line) && !self.quiet {
                    warn(&format!(
                        "{}: no{of} rate for the index date {date} (--fx-date {mode}): carrying \
                         the rate {r} of {d} (line {line}) over the gap (--fx-carry; reported \
                         once per gap)",
                        self.table.name
                    ));
                }
                self.warned[s] = Some(line);
                r
            }
            (None, carry) => {
                let hint = match (carry, self.mode) {
                    (Some(_), _) => "add the rate, or run with --fx-carry to carry the last rate \
                                     over the gap"
                        .to_string(),
                    (None, FxDate::Previous) => {
                        "add a rate dated before it: --fx-date previous pairs each date with the \
                         last rate before it"
                            .to_string()
                    }
                    (None, _) => {
                        "add a rate for that date: there is no earlier rate to carry".to_string()
                    }
                };
                return Err(DataError::new(format!(
                    "no{of} rate for the index date {date} (--fx-date {mode})"
                ))
                .file(self.table.name.clone())
                .hint(hint)
                .into());
            }
        };
        self.today[s] = Some(rate);
        Ok(rate)
    }

    /// Converts the quotes (sorted by symbol; `currencies` parallel to them, or empty for one
    /// currency) and the actions of `date` into [`FxConverter::quotes`] and
    /// [`FxConverter::actions`].
    pub(super) fn convert(
        &mut self,
        date: NaiveDate,
        quotes: &[Quote],
        currencies: &[u32],
        actions: &[Action],
        symbols: &Symbols,
        warn: &mut dyn FnMut(&str),
    ) -> Result<(), Error> {
        self.previous = std::mem::replace(&mut self.today, vec![None; self.table.series.len()]);
        let currency = |k: usize| currencies.get(k).copied().unwrap_or(0);
        self.quotes.clear();
        for (k, q) in quotes.iter().enumerate() {
            let c = currency(k);
            let rate = self.rate(c as usize, date, warn)?;
            let mut converted = q.clone();
            converted.price = mul(q.price, rate, date)?;
            self.quotes.push(converted);
            let s = q.symbol as usize;
            if self.last.len() <= s {
                self.last.resize(s + 1, None);
                self.halt_told.resize(s + 1, false);
            }
            self.last[s] = Some((q.clone(), c, date));
        }
        self.carry_halted(date, quotes, symbols, warn)?;
        self.actions.clear();
        for a in actions {
            let c = quotes
                .binary_search_by_key(&a.symbol, |q| q.symbol)
                .map_or(0, currency) as usize;
            let mut converted = a.clone();
            converted.kind = match a.kind {
                ActionKind::Split(r) => ActionKind::Split(r),
                ActionKind::Dividend(v) => {
                    ActionKind::Dividend(mul(v, self.rate(c, date, warn)?, date)?)
                }
                ActionKind::SpecialDividend(v) => {
                    let rate = match self.previous[c] {
                        Some(r) => r,
                        None => self.rate(c, date, warn)?,
                    };
                    ActionKind::SpecialDividend(mul(v, rate, date)?)
                }
            };
            self.actions.push(converted);
        }
        Ok(())
    }

    /// Members without a quote on `date` that had one: their last local close at today's rate.
    fn carry_halted(
        &mut self,
        date: NaiveDate,
        quotes: &[Quote],
        symbols: &Symbols,
        warn: &mut dyn FnMut(&str),
    ) -> Result<(), Error> {
        let Some(list) = self.members.take() else {
            return Ok(());
        };
        let announce = self.base_date.is_none_or(|b| date >= b);
        let mut added = false;
        for &s in list.symbols() {
            let i = s as usize;
            if !list.is_member(s, date) || quotes.binary_search_by_key(&s, |q| q.symbol).is_ok() {
                continue;
            }
            let Some((q, c, since)) = self.last.get(i).cloned().flatten() else {
                continue;
            };
            let rate = match self.rate(c as usize, date, warn) {
                Ok(r) => r,
                Err(e) => {
                    self.members = Some(list);
                    return Err(e);
                }
            };
            let mut carried = q;
            carried.price = mul(carried.price, rate, date)?;
            self.quotes.push(carried);
            added = true;
            if announce && !self.halt_told[i] {
                self.halt_told[i] = true;
                if !self.quiet {
                    let notice = Notice::CarriedForward {
                        symbol: s,
                        date,
                        since,
                    };
                    warn(&notice_text(&notice, symbols));
                }
            }
        }
        self.members = Some(list);
        if added {
            self.quotes.sort_by_key(|q| q.symbol);
        }
        Ok(())
    }
}

/// `v · rate`, checked.
fn mul(v: Decimal, rate: Decimal, date: NaiveDate) -> Result<Decimal, Error> {
    v.checked_mul(rate).ok_or_else(|| {
        DataError::new(format!(
            "arithmetic overflow on {date} while converting a price"
        ))
        .hint("the numbers exceed 28-digit decimals: check the FX rates")
        .into()
    })
}
