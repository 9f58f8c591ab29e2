//! The one loop that feeds dates to the engine, with the checks that need the actions, the given
//! divisors and the split watch.

use super::fx::FxConverter;
use super::messages::{calc_error, notice_text};
use super::{IndexRun, InputRequest, Loaded, Observer};
use crate::calc::{Action, CalcError, DayOutput, Engine, MemberList};
use crate::check::detect::{SplitEvent, SplitWatch};
use crate::error::{DataError, Error};
use crate::input::{FxTable, Source, Symbols};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Computes the index of `loaded`, or with `group` the index of that group's rows only, calling
/// `observe` after each index date (with holdings kept for it).
pub fn run_index(
    req: &InputRequest,
    loaded: &Loaded,
    group: Option<u32>,
    warn: &mut dyn FnMut(&str),
    mut observe: Option<&mut Observer<'_>>,
) -> Result<IndexRun, Error> {
    let prices = &loaded.prices;
    let members = match group {
        Some(g) => loaded
            .members
            .as_ref()
            .map(|m| members_of_group(m, loaded, g)),
        None => loaded.members.clone(),
    };
    let mut runner = DayRunner::new(
        req,
        members,
        super::Schedules {
            shares: loaded.shares.clone(),
            factors: loaded.factors.clone(),
        },
        &loaded.actions,
        &loaded.file_divisors,
        observe.is_some(),
        loaded.fx.as_ref(),
    );
    let mut quotes = Vec::new();
    let mut currencies = Vec::new();
    for (k, day) in prices.days.iter().enumerate() {
        quotes.clear();
        quotes.extend(
            day.quotes
                .clone()
                .filter(|&i| group.is_none() || prices.group(i) == group)
                .map(|i| prices.quote(i)),
        );
        currencies.clear();
        if loaded.fx.as_ref().is_some_and(|f| f.by_currency) {
            currencies.extend(
                day.quotes
                    .clone()
                    .filter(|&i| group.is_none() || prices.group(i) == group)
                    .map(|i| prices.currency(i)),
            );
        }
        let day_quotes = &quotes[..];
        let produced = runner.day(
            day.date,
            day_quotes,
            &currencies,
            day.divisor,
            &loaded.symbols,
            warn,
            group.is_some(),
        )?;
        if let (true, Some(f), Some(out)) = (produced, observe.as_mut(), runner.days.last()) {
            f(loaded, k, out, &runner.engine)?;
        }
    }
    runner.finish(&loaded.symbols, warn, group.is_none())
}

/// Feeds dates to the engine: the one loop of every path (buffered or streaming), with the
/// checks that need the actions and the given divisors.
pub struct DayRunner<'a> {
    req: &'a InputRequest,
    engine: Engine,
    actions: &'a [Action],
    next_action: usize,
    file_divisors: &'a BTreeMap<NaiveDate, (Decimal, u64)>,
    first_date: Option<NaiveDate>,
    base_given_divisor: Option<Decimal>,
    days: Vec<DayOutput>,
    day_actions: Vec<Action>,
    watch: Option<SplitWatch>,
    fx: Option<FxConverter>,
}

impl<'a> DayRunner<'a> {
    /// A runner for `req` with its member list, share schedule and factors, actions and
    /// divisors.
    pub fn new(
        req: &'a InputRequest,
        members: Option<MemberList>,
        schedules: super::Schedules,
        actions: &'a [Action],
        file_divisors: &'a BTreeMap<NaiveDate, (Decimal, u64)>,
        keep_holdings: bool,
        fx: Option<&FxTable>,
    ) -> Self {
        let mut spec = req.spec.clone();
        let fx = fx.and_then(|t| FxConverter::new(t.clone(), req, members.clone()));
        spec.members = members;
        spec.shares = schedules.shares;
        spec.factors = schedules.factors;
        let mut engine = Engine::new(spec);
        engine.keep_holdings(keep_holdings);
        DayRunner {
            req,
            engine,
            actions,
            next_action: 0,
            file_divisors,
            first_date: None,
            base_given_divisor: None,
            days: Vec::new(),
            day_actions: Vec::new(),
            watch: Some(SplitWatch::default()),
            fx,
        }
    }

    /// Whether to look for moves that make the levels wrong (on by default).
    pub fn watch_splits(&mut self, on: bool) {
        if !on {
            self.watch = None;
        } else if self.watch.is_none() {
            self.watch = Some(SplitWatch::default());
        }
    }

    fn error(&self, e: CalcError, symbols: &Symbols) -> Error {
        calc_error(
            e,
            symbols,
            &self.req.prices.name(),
            &self
                .req
                .actions
                .as_ref()
                .map(Source::name)
                .unwrap_or_default(),
        )
    }

    /// Computes one date (ascending); returns whether it is an index date. `quotes` are sorted
    /// by symbol, in the prices' currencies (`currencies`, parallel to them, or empty for one);
    /// with `--fx` they and the actions are converted here, before the engine (`fx`). With
    /// `filter_actions` (a group's index) actions of symbols without a quote here belong to
    /// another group.
    #[allow(clippy::too_many_arguments)]
    pub fn day(
        &mut self,
        date: NaiveDate,
        quotes: &[crate::calc::Quote],
        currencies: &[u32],
        column_divisor: Option<Decimal>,
        symbols: &Symbols,
        warn: &mut dyn FnMut(&str),
        filter_actions: bool,
    ) -> Result<bool, Error> {
        // Actions dated between two dates of the data have no price row on their date.
        while let Some(a) = self.actions.get(self.next_action).filter(|a| a.date < date) {
            if self.first_date.is_some() && !filter_actions {
                let e = CalcError::ActionWithoutPrice {
                    date: a.date,
                    symbol: a.symbol,
                    line: a.line,
                };
                return Err(self.error(e, symbols));
            }
            self.next_action += 1;
        }
        self.first_date.get_or_insert(date);
        let start = self.next_action;
        while self
            .actions
            .get(self.next_action)
            .is_some_and(|a| a.date == date)
        {
            self.next_action += 1;
        }
        let mut todays = &self.actions[start..self.next_action];
        if filter_actions {
            self.day_actions.clear();
            self.day_actions.extend(
                todays
                    .iter()
                    .filter(|a| quotes.binary_search_by_key(&a.symbol, |q| q.symbol).is_ok())
                    .cloned(),
            );
            todays = &self.day_actions;
        }
        if let Some(watch) = self.watch.as_mut() {
            watch.day(date, quotes, todays);
            report_splits(watch, self.req, symbols, warn)?;
        }
        let divisor = column_divisor.or_else(|| self.file_divisors.get(&date).map(|d| d.0));
        let (quotes, todays) = match self.fx.as_mut() {
            Some(fx) => {
                fx.convert(date, quotes, currencies, todays, symbols, warn)?;
                (&fx.quotes[..], &fx.actions[..])
            }
            None => (quotes, todays),
        };
        let result = self.engine.push(crate::calc::DayInput {
            date,
            quotes,
            actions: todays,
            divisor,
        });
        if !self.req.quiet {
            for notice in self.engine.take_notices() {
                warn(&notice_text(&notice, symbols));
            }
        }
        match result {
            Ok(Some(out)) => {
                if self.days.is_empty() {
                    self.base_given_divisor = divisor;
                }
                self.days.push(out);
                Ok(true)
            }
            Ok(None) => Ok(false),
            Err(e) => Err(self.error(e, symbols)),
        }
    }

    /// Ends the run: checks the base date and the given divisors.
    pub fn finish(
        mut self,
        symbols: &Symbols,
        warn: &mut dyn FnMut(&str),
        report_unused_divisors: bool,
    ) -> Result<IndexRun, Error> {
        if let Some(watch) = self.watch.as_mut() {
            watch.finish();
            report_splits(watch, self.req, symbols, warn)?;
        }
        self.engine.finish().map_err(|e| self.error(e, symbols))?;
        let req = self.req;
        if report_unused_divisors {
            self.check_factor_symbols(symbols)?;
        }
        // `--divisor` and a divisor given for the base date by a file must agree.
        if let (Some(flag), Some(base), Some(d)) = (
            req.spec.base_divisor,
            self.days.first(),
            self.base_given_divisor,
        ) {
            if d != flag {
                return Err(Error::usage(
                    format!(
                        "--divisor {flag} contradicts the divisor {d} given for the base date {}",
                        base.date
                    ),
                    "drop --divisor or make the inputs agree",
                ));
            }
        }
        if !req.quiet && report_unused_divisors {
            let first = self.days.first().map(|d| d.date);
            for (date, (_, line)) in self.file_divisors {
                let used = first.is_some_and(|f| *date >= f)
                    && self.days.binary_search_by_key(date, |d| d.date).is_ok();
                if !used {
                    warn(&format!(
                        "{} line {line}: the divisor for {date} is not used: it is not an index \
                         date on or after the base date",
                        req.divisors.as_ref().map(Source::name).unwrap_or_default()
                    ));
                }
            }
        }
        Ok(IndexRun {
            methods: req.spec.methods.clone(),
            total_return: req.spec.total_return,
            days: self.days,
            symbols: symbols.clone(),
        })
    }
}

impl DayRunner<'_> {
    /// With `--factors` and no member list, every symbol of the factors file must have prices.
    fn check_factor_symbols(&self, symbols: &Symbols) -> Result<(), Error> {
        let (Some(factors), None) = (&self.engine.spec().factors, &self.engine.spec().members)
        else {
            return Ok(());
        };
        for &(s, line) in factors.first_lines() {
            if !self.engine.priced(s) {
                return Err(DataError::new(
                    "a factor for a symbol that has no price in the prices file",
                )
                .file(
                    self.req
                        .factors
                        .as_ref()
                        .map(Source::name)
                        .unwrap_or_default(),
                )
                .line(line)
                .column("symbol")
                .value(symbols.name(s))
                .hint("fix the symbol, or drop its rows from the factors file")
                .into());
            }
        }
        Ok(())
    }
}

/// The member list restricted to group `g`: each membership period is cut to the dates from a
/// symbol's first to its last row in the group.
fn members_of_group(list: &MemberList, loaded: &Loaded, g: u32) -> MemberList {
    let mut span: BTreeMap<u32, (NaiveDate, NaiveDate)> = BTreeMap::new();
    for day in &loaded.prices.days {
        for i in day.quotes.clone() {
            if loaded.prices.group(i) == Some(g) {
                let s = loaded.prices.symbol(i);
                let e = span.entry(s).or_insert((day.date, day.date));
                e.1 = day.date;
            }
        }
    }
    let mut out = MemberList::new();
    for (&s, &(first, last)) in &span {
        for &(start, end) in list.periods(s) {
            let start = start.map_or(first, |d| d.max(first));
            let end = end.map_or(last, |d| d.min(last));
            if start <= end {
                out.add(s, Some(start), Some(end));
            }
        }
    }
    out
}

/// Reports the split moves `watch` found so far: a warning each, or with `--strict` an error.
fn report_splits(
    watch: &mut SplitWatch,
    req: &InputRequest,
    symbols: &Symbols,
    warn: &mut dyn FnMut(&str),
) -> Result<(), Error> {
    if !watch.has_events() {
        return Ok(());
    }
    let prices = req.prices.name();
    let actions = req.actions.as_ref().map(Source::name).unwrap_or_default();
    for event in watch.take_events() {
        let e = split_error(&event, symbols, &prices, &actions);
        if req.strict {
            return Err(e.into());
        }
        if !req.quiet {
            warn(&warning_text(&e));
        }
    }
    Ok(())
}

/// A move that makes the levels wrong, as a located data error (the `--strict` error; its text
/// is also the warning's).
fn split_error(event: &SplitEvent, symbols: &Symbols, prices: &str, actions: &str) -> DataError {
    let name = symbols.name(event.symbol());
    let wrong = format!("every level from {} on is likely wrong", event.date());
    match event {
        SplitEvent::Split {
            line, price, facts, ..
        } => {
            let (message, hint) = facts.text(name, actions);
            let hint = if facts.recorded.is_none() {
                format!("{hint}, or run with --infer-splits to apply it")
            } else {
                hint
            };
            DataError::new(format!("{name} on {}: {message}: {wrong}", facts.date))
                .file(prices)
                .line(*line)
                .column("price")
                .value(price.to_string())
                .hint(hint)
        }
        SplitEvent::Unneeded { facts, .. } => {
            let (message, hint) = facts.text(name);
            DataError::new(format!("{message}: {wrong}"))
                .file(actions)
                .line(facts.line)
                .column("value")
                .hint(hint)
        }
    }
}

/// A data error as a warning: its message, then its hint on the next line.
fn warning_text(e: &DataError) -> String {
    match &e.located().hint {
        Some(hint) => format!("{e}\n  hint: {hint}"),
        None => e.to_string(),
    }
}
