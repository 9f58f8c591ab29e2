//! Kernel benchmark of the calculation engine alone (no CSV): `cargo bench --bench engine`.
//!
//! Generates a deterministic market in memory (500 constituents, 2,520 dates, splits and a
//! replacement every 20 dates, like ../shared/bench/gen.py) and times `Engine::push` over it
//! for each method and for all three in one pass. Prints rows per second and the ratio of
//! the three-method pass to one method, and the cost of the split watch that every computing
//! command runs beside the engine (`idx::check::detect::SplitWatch`) as a share of one method.

use chrono::{Days, NaiveDate};
use idx::calc::{Action, ActionKind, DayInput, Engine, IndexSpec, Method, Quote};
use rust_decimal::Decimal;
use std::hint::black_box;
use std::time::Instant;

/// A small deterministic generator (64-bit LCG), enough for benchmark data.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// Uniform in [0, n).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Day {
    date: NaiveDate,
    quotes: Vec<Quote>,
    actions: Vec<Action>,
}

fn market(symbols: u32, dates: usize) -> Vec<Day> {
    let mut rng = Lcg(7);
    // Prices in cents and share counts.
    let mut members: Vec<(u32, i64, i64)> = (0..symbols)
        .map(|s| {
            (
                s,
                1_000 + rng.below(30_000) as i64,
                50_000_000 + rng.below(5_000_000_000) as i64,
            )
        })
        .collect();
    let mut next_symbol = symbols;
    let start = NaiveDate::from_ymd_opt(1990, 1, 2).unwrap_or_default();
    let mut out = Vec::with_capacity(dates);
    for t in 0..dates {
        let date = start + Days::new(t as u64);
        let mut actions = Vec::new();
        if t > 0 && t % 20 == 0 {
            let i = rng.below(members.len() as u64) as usize;
            members[i] = (next_symbol, 1_000 + rng.below(30_000) as i64, 100_000_000);
            next_symbol += 1;
        }
        for m in &mut members {
            if t > 0 {
                // A move of −2% .. +2%.
                m.1 = (m.1 * (9_800 + rng.below(401) as i64) / 10_000).max(1);
                if m.1 > 40_000 && rng.below(5) == 0 {
                    m.1 /= 2;
                    m.2 *= 2;
                    actions.push(Action {
                        date,
                        symbol: m.0,
                        kind: ActionKind::Split(Decimal::TWO),
                        line: 0,
                    });
                }
            }
        }
        let mut quotes: Vec<Quote> = members
            .iter()
            .map(|&(symbol, cents, shares)| Quote {
                symbol,
                price: Decimal::new(cents, 2),
                shares: Some(Decimal::from(shares)),
                float: None,
                line: 0,
            })
            .collect();
        quotes.sort_by_key(|q| q.symbol);
        actions.sort_by_key(|a| a.symbol);
        out.push(Day {
            date,
            quotes,
            actions,
        });
    }
    out
}

/// Times the engine over `days` for `methods`; with `watch`, the split watch is fed each date
/// just before the engine, as the commands run it (the date's quotes hot in cache).
fn timed(days: &[Day], methods: &[Method], watch: bool) -> f64 {
    let started = Instant::now();
    let mut engine = Engine::new(IndexSpec::new(methods.to_vec()));
    let mut w = idx::check::detect::SplitWatch::default();
    for d in days {
        if watch {
            w.day(d.date, &d.quotes, &d.actions);
        }
        let out = engine.push(DayInput {
            date: d.date,
            quotes: &d.quotes,
            actions: &d.actions,
            divisor: None,
        });
        black_box(out.expect("the benchmark market is valid"));
    }
    w.finish();
    black_box(w.take_events());
    started.elapsed().as_secs_f64()
}

fn run(days: &[Day], methods: &[Method]) -> f64 {
    timed(days, methods, false)
}

fn main() {
    let days = market(500, 2520);
    let rows: usize = days.iter().map(|d| d.quotes.len()).sum();
    println!("engine kernel: {rows} rows, {} dates", days.len());
    let best = |methods: &[Method]| (0..5).map(|_| run(&days, methods)).fold(f64::MAX, f64::min);
    let mut one = f64::MAX;
    for m in [
        Method::PriceWeighted,
        Method::CapWeighted,
        Method::EqualWeighted,
    ] {
        let t = best(&[m]);
        one = one.min(t);
        println!(
            "  {:<15} {:>7.1} ms  {:>6.1} M rows/s",
            m.name(),
            t * 1e3,
            rows as f64 / t / 1e6
        );
    }
    let all = best(&[
        Method::PriceWeighted,
        Method::CapWeighted,
        Method::EqualWeighted,
    ]);
    println!(
        "  all three      {:>7.1} ms  {:>6.1} M rows/s  ({:.2}x the fastest single method)",
        all * 1e3,
        rows as f64 / all / 1e6,
        all / one
    );
    // Alternate the two so that drift hits both alike.
    let (mut plain, mut with) = (f64::MAX, f64::MAX);
    for _ in 0..7 {
        plain = plain.min(run(&days, &[Method::CapWeighted]));
        with = with.min(timed(&days, &[Method::CapWeighted], true));
    }
    println!(
        "  cap-weighted with the split watch {:>7.1} ms against {:.1} ms: {:.3}x",
        with * 1e3,
        plain * 1e3,
        with / plain
    );
}
