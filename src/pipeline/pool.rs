//! Several methods in one pass: one engine thread per method, fed the same dates.

use super::{DayRunner, IndexRun, InputRequest};
use crate::calc::{Action, MemberList};
use crate::error::{DataError, Error};
use crate::input::{FxTable, Symbols};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The engines of a streamed run: one [`DayRunner`] on this thread, or with several methods one
/// per method, each on its own thread, fed the same dates (one pass over the data, the methods
/// computed side by side on both cores).
pub(super) enum Runners<'a> {
    One(Box<DayRunner<'a>>),
    Pool(MethodPool),
}

/// A date for the method threads, with the symbols first seen since the previous one.
struct PoolDay {
    date: NaiveDate,
    quotes: std::sync::Arc<Vec<crate::calc::Quote>>,
    currencies: Vec<u32>,
    divisor: Option<Decimal>,
    names: Vec<String>,
}

/// How a method thread ended: its run and warnings, or its first error and that error's date.
type PoolOutcome = Result<(IndexRun, Vec<String>), (NaiveDate, Error)>;

pub(super) struct MethodPool {
    senders: Vec<std::sync::mpsc::SyncSender<std::sync::Arc<PoolDay>>>,
    handles: Vec<std::thread::JoinHandle<PoolOutcome>>,
    sent_names: usize,
}

impl MethodPool {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn start(
        req: &InputRequest,
        members: &Option<MemberList>,
        shares: &super::Schedules,
        actions: &[Action],
        file_divisors: &BTreeMap<NaiveDate, (Decimal, u64)>,
        symbols: &Symbols,
        fx: Option<&FxTable>,
    ) -> MethodPool {
        let mut pool = MethodPool {
            senders: Vec::new(),
            handles: Vec::new(),
            sent_names: symbols.len(),
        };
        for (i, &method) in req.spec.methods.iter().enumerate() {
            let (tx, rx) = std::sync::mpsc::sync_channel::<std::sync::Arc<PoolDay>>(256);
            let mut one = req.clone();
            one.spec.methods = vec![method];
            // Notices (halts) are the same for every method: the first thread reports them.
            one.quiet = req.quiet || i > 0;
            let (members, shares) = (members.clone(), shares.clone());
            let (actions, file_divisors) = (actions.to_vec(), file_divisors.clone());
            let mut symbols = symbols.clone();
            let fx = fx.cloned();
            pool.handles.push(std::thread::spawn(move || {
                let mut runner = DayRunner::new(
                    &one,
                    members,
                    shares,
                    &actions,
                    &file_divisors,
                    false,
                    fx.as_ref(),
                );
                // Split moves are the same for every method: the first thread looks for them.
                runner.watch_splits(i == 0);
                let mut warnings = Vec::new();
                let mut failure = None;
                for day in rx {
                    for n in &day.names {
                        symbols.intern(n);
                    }
                    if failure.is_some() {
                        continue;
                    }
                    let mut held = |m: &str| warnings.push(m.to_string());
                    if let Err(e) = runner.day(
                        day.date,
                        &day.quotes,
                        &day.currencies,
                        day.divisor,
                        &symbols,
                        &mut held,
                        false,
                    ) {
                        failure = Some((day.date, e));
                    }
                }
                if let Some(f) = failure {
                    return Err(f);
                }
                let mut held = |m: &str| warnings.push(m.to_string());
                match runner.finish(&symbols, &mut held, i == 0) {
                    Ok(run) => Ok((run, warnings)),
                    Err(e) => Err((NaiveDate::MAX, e)),
                }
            }));
            pool.senders.push(tx);
        }
        pool
    }

    pub(super) fn day(
        &mut self,
        date: NaiveDate,
        quotes: &[crate::calc::Quote],
        currencies: &[u32],
        divisor: Option<Decimal>,
        symbols: &Symbols,
    ) {
        let names = (self.sent_names..symbols.len())
            .map(|i| symbols.name(i as u32).to_string())
            .collect();
        self.sent_names = symbols.len();
        let day = std::sync::Arc::new(PoolDay {
            date,
            quotes: std::sync::Arc::new(quotes.to_vec()),
            currencies: currencies.to_vec(),
            divisor,
            names,
        });
        for tx in &self.senders {
            // A thread that stopped reports why when it is joined.
            let _ = tx.send(day.clone());
        }
    }

    /// Waits for every method and puts their runs side by side; the first error by date (then
    /// by method) wins, as in a single engine.
    pub(super) fn finish(self, warn: &mut dyn FnMut(&str)) -> Result<IndexRun, Error> {
        drop(self.senders);
        let mut runs = Vec::new();
        let mut first_error: Option<(NaiveDate, Error)> = None;
        for handle in self.handles {
            match handle.join() {
                Ok(Ok((run, warnings))) => {
                    for w in &warnings {
                        warn(w);
                    }
                    runs.push(run);
                }
                Ok(Err((date, e))) => {
                    if first_error.as_ref().is_none_or(|(d, _)| date < *d) {
                        first_error = Some((date, e));
                    }
                }
                Err(_) => {
                    return Err(DataError::new("a calculation thread stopped unexpectedly")
                        .hint("please report this with the input that caused it")
                        .into())
                }
            }
        }
        if let Some((_, e)) = first_error {
            return Err(e);
        }
        let mut runs = runs.into_iter();
        let Some(mut merged) = runs.next() else {
            return Err(DataError::new("no method to compute").into());
        };
        for run in runs {
            merged.methods.extend(run.methods);
            for (day, other) in merged.days.iter_mut().zip(run.days) {
                day.values.extend(other.values);
            }
        }
        Ok(merged)
    }
}

impl Runners<'_> {
    pub(super) fn day(
        &mut self,
        date: NaiveDate,
        quotes: &[crate::calc::Quote],
        currencies: &[u32],
        divisor: Option<Decimal>,
        symbols: &Symbols,
        warn: &mut dyn FnMut(&str),
    ) -> Result<(), Error> {
        match self {
            Runners::One(runner) => runner
                .day(date, quotes, currencies, divisor, symbols, warn, false)
                .map(|_| ()),
            Runners::Pool(pool) => {
                pool.day(date, quotes, currencies, divisor, symbols);
                Ok(())
            }
        }
    }

    pub(super) fn finish(
        self,
        symbols: &Symbols,
        warn: &mut dyn FnMut(&str),
    ) -> Result<IndexRun, Error> {
        match self {
            Runners::One(runner) => runner.finish(symbols, warn, true),
            Runners::Pool(pool) => pool.finish(warn),
        }
    }
}
