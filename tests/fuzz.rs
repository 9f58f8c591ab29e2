//! A mutation fuzzer over every command of idx, in-process, on stable Rust (a test target with
//! `harness = false`, so that it parses its own flags).
//!
//! ```sh
//! cargo test --release --test fuzz -- --secs 600 --seed 7 --commands compute,returns,chart
//! ```
//!
//! - `--secs N` (or `--secs=N`): fuzz for N seconds. Without it (and without `IDX_FUZZ_SECS`),
//!   a short deterministic smoke run of [`SMOKE_INPUTS`] inputs, which `cargo test` runs.
//! - `--seed N`: the generator's seed (default 1, or `IDX_FUZZ_SEED`); the same seed gives the
//!   same inputs.
//! - `--commands a,b`: only these commands (compute, returns, weights, share, relative, check,
//!   chart; default all).
//! - `--verbose`: print every run with its error (to see what the mutants reach).
//!
//! Flags of the libtest harness that `cargo test -- ...` passes to every test binary
//! (`--nocapture`, `--test-threads N`, `-q`, a name filter ...) are ignored.
//!
//! Seeds: tests/malformed/*.csv, data/*.csv and tests/data/*/*.csv. Each input is a seed (or
//! two spliced) with 1 to 8 random mutations (bit flips, bytes and tokens inserted, ranges
//! deleted, lines duplicated, deleted, moved or given a bad field, numbers scaled or digits
//! changed, truncation). Beside it the fuzzer writes an actions file, a member list and a
//! divisors file made from the mutant's own rows, and two level files: one computed from a
//! valid seed (or a level-file seed) and then mutated, and the same one unmutated. Three random
//! configurations (a command picked at random, then one of its [`CONFIGS`]) run on it through
//! `idx::cmd::run`, the binary's own entry point, each on its own thread and writing to a
//! temporary directory (`-o`), never to stdout.
//!
//! A panic, or a run that does not end within 30 s, fails the run; the input is saved as
//! tests/malformed/fuzz_panic_<seed>_<n>.csv or fuzz_hang_<seed>_<n>.csv, with the command and
//! the other files in a .args file beside it.

use clap::Parser;
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

mod common;
use common::{corpus, root};

/// Inputs of the smoke run (`cargo test`): about 4 s in a debug build.
const SMOKE_INPUTS: u64 = 120;

/// A run that takes longer than this is taken to hang.
const HANG: Duration = Duration::from_secs(30);

/// The commands, in the order of the report.
const COMMANDS: &[&str] = &[
    "compute", "returns", "weights", "share", "contrib", "relative", "check", "chart",
];

/// One configuration: the command line after `idx` (split on spaces; placeholders below) and
/// the extension of its `-o` file.
///
/// Placeholders: `{p}` the mutant (constituent prices, or a level file for `returns`/`chart`
/// without `--method`), `{a}` actions, `{c}` members (symbol,start,end), `{d}` divisors
/// (date,divisor), `{x}` FX rates (date,rate), `{f}` Nikkei-style factors, `{l}` a level file (computed from a valid seed, then mutated), `{l2}` the
/// same level file unmutated, `{lc}`/`{lc2}` two of `{l}`'s columns and `{l2c}` one of
/// `{l2}`'s, `{w}` the mutant's rows laid out wide (then mutated), `{date}` a date of the mutant's rows, `{m}` some of its symbols (comma-separated).
struct Config {
    args: &'static str,
    ext: &'static str,
}

const fn c(args: &'static str, ext: &'static str) -> Config {
    Config { args, ext }
}

const CONFIGS: &[Config] = &[
    // compute: every method, alone and together, and the input flags.
    c("compute -m pw {p}", "csv"),
    c("compute -m cw {p}", "csv"),
    c("compute -m ew {p}", "csv"),
    c("compute -m pw,cw,ew --total-return {p}", "csv"),
    c("compute -m ew --rebalance monthly {p}", "csv"),
    c("compute -m ew --rebalance daily --format json {p}", "json"),
    c(
        "compute -m ew,cw --rebalance third-friday --infer-splits {p}",
        "csv",
    ),
    c("compute -m cw --actions {a} {p}", "csv"),
    c("compute -m cw --total-return --actions {a} {p}", "csv"),
    c(
        "compute -m pw,cw,ew --total-return gross,net --withholding 0.15 --actions {a} {p}",
        "csv",
    ),
    c(
        "compute -m pw,ew --actions {a} --constituents {c} {p}",
        "csv",
    ),
    c("compute -m pw --divisors {d} {p}", "csv"),
    c("compute -m cw --fx {x} --fx-carry {p}", "csv"),
    c(
        "compute -m pw,ew --fx {x} --fx-date next --fx-carry --actions {a} {p}",
        "csv",
    ),
    c("compute -m pw --factors {f} --actions {a} {p}", "csv"),
    c(
        "compute -m pw --factors {f} --weight-cap 0.2 --cap-review-dates={date} {p}",
        "csv",
    ),
    c("compute -m capped --cap 0.3 --rebalance monthly {p}", "csv"),
    c(
        "compute -m capped --cap 0.25 --cap-threshold 0.1 --cap-aggregate 0.5 --actions {a} {p}",
        "csv",
    ),
    c("weights -m capped --cap 0.3 --date={date} {p}", "csv"),
    c("contrib -m pw --factors {f} --fx {x} --fx-carry {p}", "csv"),
    c(
        "compute -m pw --divisor 0.5 --date-format %m/%d/%Y {p}",
        "csv",
    ),
    c(
        "compute -m pw,cw --base-date={date} --base-value 1000 {p}",
        "csv",
    ),
    c("compute -m cw,ew --group-by group {p}", "csv"),
    c("compute -m pw,cw --infer-splits {p}", "csv"),
    c("compute -m cw --strict --actions {a} {p}", "csv"),
    c("compute -m cw --check --from={date} {p}", "csv"),
    c("compute -m pw,ew --wide {w}", "csv"),
    c("compute -m pw,cw --skip-bad-rows --thousands , {p}", "csv"),
    c("compute -m pw --encoding shift_jis {p}", "csv"),
    // returns: computed with each method, and on level files (the mutant itself too).
    c("returns -m pw {p}", "csv"),
    c("returns -m cw --period all --actions {a} {p}", "csv"),
    c(
        "returns -m ew --rebalance monthly --format json {p}",
        "json",
    ),
    c(
        "returns -m pw,cw,ew --as-of={date} --format markdown {p}",
        "md",
    ),
    c("returns {p}", "csv"),
    c("returns {l}", "csv"),
    c(
        "returns --period ytd,calendar,drawdown,volatility --format table {l}",
        "txt",
    ),
    c("returns --column={lc} --period monthly,trailing {l}", "csv"),
    // weights
    c("weights -m cw {p}", "csv"),
    c("weights -m cw --date={date} {p}", "csv"),
    c("weights -m pw --top 3 --format json {p}", "json"),
    c("weights -m ew --date={date} --by group {p}", "csv"),
    c("weights -m cw --actions {a} --constituents {c} {p}", "csv"),
    // share
    c("share -m cw --members={m} {p}", "csv"),
    c(
        "share -m cw --members={m} --allow-missing --actions {a} {p}",
        "csv",
    ),
    c(
        "share -m pw --members={m} --constituents {c} --from={date} {p}",
        "csv",
    ),
    c("share -m ew --members-file {c} --allow-missing {p}", "csv"),
    // contrib: every date, one date's top movers, and with actions and members.
    c("contrib -m cw {p}", "csv"),
    c(
        "contrib -m pw --date={date} --top 3 --format json {p}",
        "json",
    ),
    c("contrib -m ew --actions {a} --constituents {c} {p}", "csv"),
    // relative: two methods, two level files, two columns of one file.
    c("relative -m ew,cw {p}", "csv"),
    c("relative -m pw,cw --actions {a} --common-dates {p}", "csv"),
    c("relative --column={lc},{l2c} {l} {l2}", "csv"),
    c(
        "relative --common-dates --column={lc},{l2c} {l} {l2}",
        "csv",
    ),
    c("relative --column={lc},{lc2} {l}", "csv"),
    // check
    c("check {p}", "csv"),
    c("check --actions {a} {p}", "csv"),
    c("check --wide --format json {w}", "json"),
    c("check --strict --format table {p}", "txt"),
    c(
        "check --stale-days 2 --date-col date --symbol-col symbol {p}",
        "csv",
    ),
    c("check --thousands , --encoding shift_jis {p}", "csv"),
    // chart: on level files, SVG and PNG.
    c("chart {l}", "svg"),
    c("chart {l}", "png"),
    c("chart --log {l}", "svg"),
    c("chart --rebase 100 {l}", "png"),
    c("chart --log --rebase 100 --title fuzz {l}", "svg"),
    c("chart {p}", "svg"),
];

// ---------------------------------------------------------------------------------------------
// Flags
// ---------------------------------------------------------------------------------------------

struct Options {
    /// None: the smoke run.
    secs: Option<u64>,
    seed: u64,
    commands: Vec<&'static str>,
    /// Print every run and its error.
    verbose: bool,
    list: bool,
}

fn options() -> Result<Options, String> {
    let mut secs = std::env::var("IDX_FUZZ_SECS")
        .ok()
        .map(|s| {
            s.parse()
                .map_err(|_| format!("IDX_FUZZ_SECS={s}: not a number"))
        })
        .transpose()?;
    let mut seed = std::env::var("IDX_FUZZ_SEED")
        .ok()
        .map(|s| {
            s.parse()
                .map_err(|_| format!("IDX_FUZZ_SEED={s}: not a number"))
        })
        .transpose()?
        .unwrap_or(1);
    let mut commands: Vec<&'static str> = COMMANDS.to_vec();
    let mut list = false;
    let mut verbose = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--secs" => {
                let v = value("--secs")?;
                secs = Some(v.parse().map_err(|_| format!("--secs {v}: not a number"))?);
            }
            "--seed" => {
                let v = value("--seed")?;
                seed = v.parse().map_err(|_| format!("--seed {v}: not a number"))?;
            }
            "--commands" => {
                let v = value("--commands")?;
                commands = Vec::new();
                for name in v.split(',').filter(|n| !n.is_empty()) {
                    let Some(&known) = COMMANDS.iter().find(|&&c| c == name) else {
                        return Err(format!(
                            "--commands: unknown command {name:?} (known: {})",
                            COMMANDS.join(",")
                        ));
                    };
                    if !commands.contains(&known) {
                        commands.push(known);
                    }
                }
                if commands.is_empty() {
                    return Err("--commands names no command".into());
                }
            }
            "--list" => list = true,
            "--verbose" => verbose = true,
            // libtest flags with a value: skip the value too.
            "--test-threads" | "--skip" | "--color" | "--format" | "--logfile" | "-Z"
            | "--shuffle-seed"
                if inline.is_none() =>
            {
                args.next();
            }
            // Anything else (--nocapture, -q, --ignored, a name filter ...): not ours.
            _ => {}
        }
    }
    Ok(Options {
        secs,
        seed,
        commands,
        verbose,
        list,
    })
}

fn main() -> ExitCode {
    let opts = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("fuzz: {e}");
            return ExitCode::from(2);
        }
    };
    if opts.list {
        println!("fuzz: test");
        return ExitCode::SUCCESS;
    }
    println!("\nrunning 1 test");
    let start = Instant::now();
    let result = panic::catch_unwind(|| fuzz(&opts));
    let ok = matches!(result, Ok(true));
    if result.is_err() {
        eprintln!("fuzz: the fuzzer itself panicked");
    }
    println!("test fuzz ... {}", if ok { "ok" } else { "FAILED" });
    let (word, passed, failed) = if ok { ("ok", 1, 0) } else { ("FAILED", 0, 1) };
    println!(
        "\ntest result: {word}. {passed} passed; {failed} failed; 0 ignored; 0 measured; 0 \
         filtered out; finished in {:.2}s\n",
        start.elapsed().as_secs_f64()
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// A small, fast, seeded generator (SplitMix64): the same seed gives the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const BYTES: &[u8] = b",\n\r\"-.09 e+\0\xff\xef\xbb\xbf\t;:/";

const TOKENS: &[&str] = &[
    "NaN",
    "inf",
    "-inf",
    "1e5",
    "-0",
    "0",
    "0.0",
    "-1",
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "0.0000000000000000000000000001",
    "1234567890123456789012345678901234567890",
    "99999999999999999999",
    "2023-02-29",
    "2024-02-29",
    "9999-12-31",
    "0000-01-01",
    "2024-13-01",
    "1/7/2011",
    "\"",
    ",,",
    "\r\n",
    "\u{feff}",
    "\"1,234.5\"",
    " ",
    "split",
    "special_dividend",
    "dividend",
    "date,symbol,price,shares\n",
    "\u{e9}",
];

/// Positions of the starts of lines.
fn line_starts(d: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            d.iter()
                .enumerate()
                .filter(|(_, &c)| c == b'\n')
                .map(|(i, _)| i + 1),
        )
        .filter(|&i| i < d.len())
        .collect()
}

fn line_at(d: &[u8], starts: &[usize], k: usize) -> (usize, usize) {
    let s = starts[k];
    let e = d[s..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(d.len(), |p| s + p + 1);
    (s, e)
}

/// How much a mutation may break.
#[derive(Clone, Copy)]
enum Strength {
    /// A number scaled or a line deleted: the file mostly stays valid, so that the
    /// calculation sees many inputs.
    Mild,
    /// Also lines duplicated or moved, a field replaced by a token.
    Gentle,
    /// Anything, bytes included.
    Any,
}

impl Strength {
    fn pick(rng: &mut Rng) -> Strength {
        *rng.pick(&[
            Strength::Mild,
            Strength::Gentle,
            Strength::Any,
            Strength::Any,
        ])
    }
}

/// Applies one random mutation to `d`, using `other` for splices.
fn mutate(rng: &mut Rng, d: &mut Vec<u8>, other: &[u8], strength: Strength) {
    let len = d.len();
    let gentle = !matches!(strength, Strength::Any);
    let op = match strength {
        Strength::Mild => *rng.pick(&[11, 11, 13]),
        Strength::Gentle => *rng.pick(&[5, 11, 11]),
        Strength::Any => rng.below(13),
    };
    match op {
        0 if len > 0 => {
            let i = rng.below(len);
            d[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            d[i] = *rng.pick(BYTES);
        }
        2 => {
            let i = rng.below(len + 1);
            let b = *rng.pick(BYTES);
            d.insert(i, b);
        }
        3 => {
            let i = rng.below(len + 1);
            let t = rng.pick(TOKENS).as_bytes();
            d.splice(i..i, t.iter().copied());
        }
        4 if len > 0 => {
            let i = rng.below(len);
            let n = 1 + rng.below(16);
            d.drain(i..(i + n).min(len));
        }
        5..=7 => {
            let starts = line_starts(d);
            if starts.len() < 2 {
                return;
            }
            let k = 1 + rng.below(starts.len() - 1);
            let (s, e) = line_at(d, &starts, k);
            let line = d[s..e].to_vec();
            match rng.below(if gentle { 3 } else { 4 }) {
                // Duplicate the line (sometimes many times).
                0 => {
                    let times = if rng.below(8) == 0 { 50 } else { 1 };
                    for _ in 0..times {
                        d.splice(e..e, line.iter().copied());
                    }
                }
                // Delete it.
                1 => {
                    d.drain(s..e);
                }
                // Move it elsewhere.
                2 => {
                    d.drain(s..e);
                    let starts = line_starts(d);
                    let at = if starts.is_empty() {
                        0
                    } else {
                        *rng.pick(&starts)
                    };
                    d.splice(at..at, line.iter().copied());
                }
                // Replace a field with a token.
                _ => {
                    let fields: Vec<&[u8]> = line.split(|&c| c == b',').collect();
                    let j = rng.below(fields.len());
                    let mut out: Vec<u8> = Vec::new();
                    for (i, f) in fields.iter().enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        if i == j {
                            let t = rng.pick(TOKENS).as_bytes();
                            out.extend_from_slice(t);
                            if i + 1 == fields.len() && f.ends_with(b"\n") {
                                out.push(b'\n');
                            }
                        } else {
                            out.extend_from_slice(f);
                        }
                    }
                    d.splice(s..e, out);
                }
            }
        }
        8 if !other.is_empty() => {
            let a = rng.below(other.len());
            let n = 1 + rng.below(256);
            let chunk = &other[a..(a + n).min(other.len())];
            let i = rng.below(len + 1);
            d.splice(i..i, chunk.iter().copied());
        }
        9 if len > 0 => {
            d.truncate(rng.below(len));
        }
        10 => {
            // Change a digit of a date or number: out-of-order dates, gaps, price jumps.
            let digits: Vec<usize> = (0..len).filter(|&i| d[i].is_ascii_digit()).collect();
            if !digits.is_empty() {
                let i = *rng.pick(&digits);
                d[i] = b'0' + rng.below(10) as u8;
            }
        }
        11 => {
            // Scale a number: a split-like or outlier move.
            let starts = line_starts(d);
            if starts.len() < 2 {
                return;
            }
            let k = 1 + rng.below(starts.len() - 1);
            let (s, e) = line_at(d, &starts, k);
            let text = String::from_utf8_lossy(&d[s..e]).into_owned();
            let factor = *rng.pick(&[0.5, 2.0, 0.1, 10.0, 0.25, 1.3, 0.7, 3.0]);
            let out: Vec<String> = text
                .trim_end_matches('\n')
                .split(',')
                .map(|f| match f.parse::<f64>() {
                    Ok(v) if f.contains('.') => format!("{:.2}", v * factor),
                    _ => f.to_string(),
                })
                .collect();
            let mut new = out.join(",");
            if text.ends_with('\n') {
                new.push('\n');
            }
            d.splice(s..e, new.into_bytes());
        }
        13 => {
            // Delete a line (not the header).
            let starts = line_starts(d);
            if starts.len() >= 2 {
                let k = 1 + rng.below(starts.len() - 1);
                let (s, e) = line_at(d, &starts, k);
                d.drain(s..e);
            }
        }
        _ => {
            // Swap two bytes.
            if len > 1 {
                let (i, j) = (rng.below(len), rng.below(len));
                d.swap(i, j);
            }
        }
    }
}

/// The rows of a CSV as fields (split on commas; quotes are not understood) and the index of
/// its symbol column (by name, else the second).
fn rows(d: &[u8]) -> (Vec<Vec<String>>, usize) {
    let text = String::from_utf8_lossy(d);
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or("")
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    let sym = header
        .iter()
        .position(|h| h == "symbol" || h == "ticker" || h == "code")
        .unwrap_or(1);
    let rows = lines
        .map(|l| l.split(',').map(String::from).collect::<Vec<_>>())
        .filter(|f| f.len() > sym)
        .collect();
    (rows, sym)
}

fn is_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// The files and values made from a mutant's own rows, so that they name its dates and
/// symbols: actions, members (symbol,start,end), divisors, a date and a set of symbols.
struct Derived {
    actions: Vec<u8>,
    members: Vec<u8>,
    divisors: Vec<u8>,
    /// FX rates (date,rate) for every date of the mutant.
    fx: Vec<u8>,
    /// Nikkei-style factors (symbol,factor,cap_ratio[,date]) of some of its symbols.
    factors: Vec<u8>,
    date: String,
    symbols: String,
}

fn derived(rng: &mut Rng, prices: &[u8]) -> Derived {
    let (rows, sym) = rows(prices);
    let mut actions = String::from("date,symbol,action,value\n");
    let mut members = String::from("symbol,start,end\n");
    let mut divisors = String::from("date,divisor\n");
    let dated: Vec<&Vec<String>> = rows.iter().filter(|f| is_date(&f[0])).collect();
    if rows.is_empty() {
        return Derived {
            actions: actions.into_bytes(),
            members: members.into_bytes(),
            divisors: divisors.into_bytes(),
            fx: b"date,rate\n".to_vec(),
            factors: b"symbol,factor\n".to_vec(),
            date: "2024-01-02".into(),
            symbols: "ZALF".into(),
        };
    }
    let mut picked: Vec<&Vec<String>> = (0..1 + rng.below(4)).map(|_| rng.pick(&rows)).collect();
    picked.sort_by_key(|f| (f[0].clone(), f[sym].clone()));
    picked.dedup_by_key(|f| (f[0].clone(), f[sym].clone()));
    for f in &picked {
        let (kind, value) = *rng.pick(&[
            ("split", "2"),
            ("split", "0.1"),
            ("split", "3"),
            ("special_dividend", "0.5"),
            ("dividend", "1.25"),
        ]);
        actions.push_str(&format!("{},{},{kind},{value}\n", f[0], f[sym]));
    }
    for _ in 0..1 + rng.below(6) {
        let f = rng.pick(&rows);
        let mut start = if rng.below(2) == 0 {
            String::new()
        } else {
            f[0].clone()
        };
        let mut end = if rng.below(3) == 0 {
            rng.pick(&rows)[0].clone()
        } else {
            String::new()
        };
        // Mostly a valid range: the end on or after the start.
        if !start.is_empty() && end < start && rng.below(8) != 0 {
            std::mem::swap(&mut start, &mut end);
        }
        members.push_str(&format!("{},{start},{end}\n", f[sym]));
    }
    let mut days: Vec<&str> = (0..1 + rng.below(3))
        .map(|_| rng.pick(&rows)[0].as_str())
        .collect();
    days.sort();
    days.dedup();
    for day in days {
        let v = rng.pick(&["1", "0.5", "0.15571590501117", "123.456", "1e-9"]);
        divisors.push_str(&format!("{day},{v}\n"));
    }
    let date = if dated.is_empty() {
        "2024-01-02".to_string()
    } else {
        rng.pick(&dated)[0].clone()
    };
    let mut set: Vec<String> = (0..1 + rng.below(7))
        .map(|_| rng.pick(&rows)[sym].clone())
        .filter(|s| !s.is_empty() && !s.contains(','))
        .collect();
    set.dedup();
    let symbols = if set.is_empty() {
        "ZALF".to_string()
    } else {
        set.join(",")
    };
    let mut fx = String::from("date,rate\n");
    let mut fx_days: Vec<&str> = dated.iter().map(|f| f[0].as_str()).collect();
    fx_days.sort();
    fx_days.dedup();
    // One currency pair per file (a yen rate, a dollar rate, parity), moving a little each day.
    let base = *rng.pick(&[15000i64, 91, 100]);
    for day in fx_days {
        // Mostly every date; sometimes a gap (an error, or carried with --fx-carry).
        if rng.below(50) != 0 {
            let cents = base * 100 + rng.below(41) as i64 - 20;
            fx.push_str(&format!("{day},{}.{:02}\n", cents / 100, cents % 100));
        }
    }
    let mut factors = String::from("symbol,factor,cap_ratio,date\n");
    for _ in 0..1 + rng.below(3) {
        let f = rng.pick(&rows);
        let factor = rng.pick(&["1", "0.5", "2", "3", "0.1"]);
        let ratio = rng.pick(&["1", "0.9", "0.5"]);
        let day = if rng.below(2) == 0 { "" } else { f[0].as_str() };
        factors.push_str(&format!("{},{factor},{ratio},{day}\n", f[sym]));
    }
    Derived {
        actions: actions.into_bytes(),
        members: members.into_bytes(),
        divisors: divisors.into_bytes(),
        fx: fx.into_bytes(),
        factors: factors.into_bytes(),
        date,
        symbols,
    }
}

/// The level columns of a level file's header (every column but the first).
fn level_columns(d: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(d);
    let header = text.lines().next().unwrap_or("");
    let cols: Vec<String> = header
        .split(',')
        .skip(1)
        .map(|s| s.trim_start_matches('\u{feff}').to_string())
        .filter(|s| !s.is_empty() && !s.contains(','))
        .collect();
    if cols.is_empty() {
        vec!["level".to_string()]
    } else {
        cols
    }
}

/// The mutant's rows laid out wide (`date` then one price column per symbol, at most 40), as
/// `--wide` reads them; None if it has no rows with a date, a symbol and a price.
fn widen(d: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(d);
    let header: Vec<String> = text
        .lines()
        .next()?
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    let (rows, sym) = rows(d);
    let price = header
        .iter()
        .position(|h| h == "price" || h == "close")
        .unwrap_or(2);
    let mut symbols: Vec<&str> = Vec::new();
    let mut dates: BTreeMap<&str, HashMap<&str, &str>> = BTreeMap::new();
    for f in &rows {
        let (Some(s), Some(p)) = (f.get(sym), f.get(price)) else {
            continue;
        };
        if !symbols.contains(&s.as_str()) {
            if symbols.len() == 40 {
                continue;
            }
            symbols.push(s);
        }
        dates.entry(&f[0]).or_default().insert(s, p);
    }
    if dates.is_empty() {
        return None;
    }
    let mut out = format!("date,{}\n", symbols.join(","));
    for (date, prices) in dates {
        out.push_str(date);
        for s in &symbols {
            out.push(',');
            out.push_str(prices.get(s).copied().unwrap_or(""));
        }
        out.push('\n');
    }
    Some(out.into_bytes())
}

/// The seed files: (path, contents).
fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    let mut add_dir = |dir: PathBuf| {
        if let Ok(entries) = fs::read_dir(&dir) {
            let mut names: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            names.sort();
            for p in names {
                if p.extension().is_some_and(|e| e == "csv") {
                    if let Ok(d) = fs::read(&p) {
                        v.push((p.display().to_string(), d));
                    }
                }
            }
        }
    };
    add_dir(corpus());
    add_dir(root().join("data"));
    if let Ok(cases) = fs::read_dir(root().join("tests").join("data")) {
        let mut dirs: Vec<PathBuf> = cases.filter_map(|e| e.ok().map(|e| e.path())).collect();
        dirs.sort();
        for d in dirs {
            add_dir(d);
        }
    }
    v
}

/// Whether a seed is constituent data: its header names a date, a symbol and a price.
fn is_prices_file(d: &[u8]) -> bool {
    let header: Vec<String> = String::from_utf8_lossy(d)
        .lines()
        .next()
        .unwrap_or("")
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    let has = |names: &[&str]| header.iter().any(|h| names.contains(&h.as_str()));
    has(&["date"]) && has(&["symbol", "ticker", "code"]) && has(&["price", "close"])
}

/// Whether a seed is a level file (date plus level columns) rather than constituent data.
fn is_level_file(name: &str, d: &[u8]) -> bool {
    let header = String::from_utf8_lossy(d)
        .lines()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    name.contains("expected")
        || (!header.contains("symbol") && !header.contains("ticker") && !name.contains("wide"))
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

/// The file paths and values that fill a configuration's placeholders.
struct Fill {
    p: PathBuf,
    a: PathBuf,
    c: PathBuf,
    d: PathBuf,
    x: PathBuf,
    f: PathBuf,
    l: PathBuf,
    l2: PathBuf,
    w: PathBuf,
    lc: String,
    lc2: String,
    l2c: String,
    date: String,
    m: String,
}

/// The command line of a configuration, `-o out` added.
fn command_line(config: &Config, fill: &Fill, out: &Path) -> Vec<String> {
    let path = |p: &PathBuf| p.display().to_string();
    std::iter::once("idx".to_string())
        .chain(config.args.split(' ').map(|s| {
            s.replace("{p}", &path(&fill.p))
                .replace("{a}", &path(&fill.a))
                .replace("{c}", &path(&fill.c))
                .replace("{d}", &path(&fill.d))
                .replace("{x}", &path(&fill.x))
                .replace("{f}", &path(&fill.f))
                .replace("{l2}", &path(&fill.l2))
                .replace("{l}", &path(&fill.l))
                .replace("{w}", &path(&fill.w))
                .replace("{lc2}", &fill.lc2)
                .replace("{l2c}", &fill.l2c)
                .replace("{lc}", &fill.lc)
                .replace("{date}", &fill.date)
                .replace("{m}", &fill.m)
        }))
        .chain(["-o".to_string(), path(&out.to_path_buf())])
        .collect()
}

/// Runs one command line in-process through the binary's entry point, warnings dropped.
/// Returns whether it went through without an error (a command line clap refuses is an error).
fn run_in_process(args: &[String]) -> Result<(), String> {
    let cli = idx::cli::Cli::try_parse_from(args).map_err(|e| e.to_string())?;
    let mut warn = |_: &str| {};
    idx::cmd::run(cli, &mut warn).map_err(|e| e.to_string())
}

enum Outcome {
    /// The run ended: without an error, or with this one.
    Ok(Result<(), String>),
    Panic(String),
    Hang,
}

/// Panics so far, on any thread, and the last one's message (with its place): the library
/// turns a panic of one of its own calculation threads into an error, which must count too.
static PANICS: AtomicU64 = AtomicU64::new(0);
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// Counts panics instead of printing them.
fn count_panics(info: &panic::PanicHookInfo) {
    PANICS.fetch_add(1, Ordering::SeqCst);
    if let Ok(mut last) = LAST_PANIC.lock() {
        *last = info.to_string();
    }
}

/// Runs a command line on its own thread, so that a run that never ends is found (and left
/// behind) and a panic is caught, on that thread or on one it starts.
fn run_guarded(args: Vec<String>) -> (Outcome, Duration) {
    let t = Instant::now();
    let panics = PANICS.load(Ordering::SeqCst);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(|| {
            run_in_process(&args)
        })));
    });
    let outcome = match rx.recv_timeout(HANG) {
        Ok(Ok(ok)) => Outcome::Ok(ok),
        Ok(Err(payload)) => Outcome::Panic(
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
        ),
        Err(_) => Outcome::Hang,
    };
    let outcome = match outcome {
        Outcome::Hang => Outcome::Hang,
        _ if PANICS.load(Ordering::SeqCst) != panics => {
            Outcome::Panic(LAST_PANIC.lock().map(|m| m.clone()).unwrap_or_default())
        }
        other => other,
    };
    (outcome, t.elapsed())
}

/// Levels computed from a valid constituent seed with `idx compute` (all three methods if it
/// can, else fewer), once per seed.
fn computed_levels(
    cache: &mut HashMap<String, Option<Vec<u8>>>,
    name: &str,
    data: &[u8],
    dir: &Path,
) -> Option<Vec<u8>> {
    if let Some(v) = cache.get(name) {
        return v.clone();
    }
    let input = dir.join("levels_seed_input.csv");
    let out = dir.join("levels_seed.csv");
    let mut result = None;
    if fs::write(&input, data).is_ok() {
        for methods in ["pw,cw,ew", "pw,ew", "pw", "ew"] {
            let args: Vec<String> = [
                "idx",
                "compute",
                "-q",
                "-m",
                methods,
                &input.display().to_string(),
                "-o",
                &out.display().to_string(),
            ]
            .map(String::from)
            .to_vec();
            if let (Outcome::Ok(Ok(())), _) = run_guarded(args) {
                result = fs::read(&out).ok();
                break;
            }
        }
    }
    let _ = fs::remove_file(&input);
    let _ = fs::remove_file(&out);
    cache.insert(name.to_string(), result.clone());
    result
}

/// Every configuration, its placeholders filled with plain values, must be a valid command
/// line (clap accepts it), name its input files, and write to `-o`.
fn configs_parse() -> Result<(), String> {
    let fill = Fill {
        p: "p.csv".into(),
        a: "a.csv".into(),
        c: "c.csv".into(),
        d: "d.csv".into(),
        x: "x.csv".into(),
        f: "f.csv".into(),
        l: "l.csv".into(),
        l2: "l2.csv".into(),
        w: "w.csv".into(),
        lc: "level".into(),
        lc2: "cw".into(),
        l2c: "level".into(),
        date: "2024-01-02".into(),
        m: "AAA,BBB".into(),
    };
    let mut bad = Vec::new();
    for config in CONFIGS {
        if !COMMANDS.contains(&config.args.split(' ').next().unwrap_or("")) {
            bad.push(format!("{}: not one of the commands", config.args));
        }
        if !["{p}", "{l}", "{w}"]
            .iter()
            .any(|f| config.args.contains(f))
        {
            bad.push(format!(
                "{}: names no input (it would read stdin)",
                config.args
            ));
        }
        let args = command_line(config, &fill, Path::new(&format!("out.{}", config.ext)));
        if let Err(e) = idx::cli::Cli::try_parse_from(&args) {
            bad.push(format!("{}: {}", config.args, e.to_string().trim()));
        }
    }
    for &command in COMMANDS {
        if !CONFIGS
            .iter()
            .any(|c| c.args.split(' ').next() == Some(command))
        {
            bad.push(format!("no configuration runs {command}"));
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(bad.join("\n"))
    }
}

/// The rows of a CSV whose first field is a date from `from` to `to` (ISO dates compare as
/// text), with the header.
fn window(d: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(d);
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap_or(""));
    for line in lines {
        let date = line.split(',').next().unwrap_or("");
        if (from..=to).contains(&date) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.into_bytes()
}

/// The configurations that fail on the unmutated sample, as they should: `--check` and
/// `check --strict` refuse its unrecorded split, and the prices file is not a level file.
const FAILING_ON_SAMPLE: &[&str] = &[
    "compute -m cw --check --from={date} {p}",
    "returns {p}",
    "check --strict --format table {p}",
    "chart {p}",
];

/// Every configuration on the unmutated sample (two months of data/prices.csv, with a split,
/// dividends and a member that leaves, and the levels computed from it): the runs that fail
/// but for [`FAILING_ON_SAMPLE`], and those of it that do not fail. A configuration that fails
/// on valid input tests little but the error paths.
fn sample_failures(dir: &Path) -> Vec<String> {
    let (from, to) = ("2024-05-01", "2024-06-28");
    let read = |f: &str| fs::read(root().join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    let prices = window(&read("data/prices.csv"), from, to);
    let here = dir.join("sample");
    fs::create_dir_all(&here).expect("sample dir");
    let mut cache = HashMap::new();
    let levels = computed_levels(&mut cache, "sample", &prices, &here).expect("levels");
    let der = derived(&mut Rng(0), &prices);
    let cols = level_columns(&levels);
    let fill = Fill {
        p: here.join("prices.csv"),
        a: here.join("actions.csv"),
        c: root().join("data/constituents.csv"),
        d: here.join("divisors.csv"),
        x: here.join("fx.csv"),
        f: here.join("factors.csv"),
        l: here.join("levels.csv"),
        l2: here.join("levels2.csv"),
        w: here.join("wide.csv"),
        lc: cols[0].clone(),
        lc2: cols[1].clone(),
        l2c: cols[2].clone(),
        date: "2024-06-03".into(),
        m: "ZALF,ZBRV,ZHTL".into(),
    };
    fs::write(&fill.p, &prices).expect("prices");
    fs::write(&fill.a, window(&read("data/actions.csv"), from, to)).expect("actions");
    fs::write(&fill.d, &der.divisors).expect("divisors");
    fs::write(&fill.x, &der.fx).expect("fx");
    fs::write(&fill.f, &der.factors).expect("factors");
    fs::write(&fill.l, &levels).expect("levels");
    fs::write(&fill.l2, &levels).expect("levels");
    fs::write(&fill.w, widen(&prices).expect("wide")).expect("wide");
    let mut failures = Vec::new();
    for (k, config) in CONFIGS.iter().enumerate() {
        let out = here.join(format!("out_{k}.{}", config.ext));
        let args = command_line(config, &fill, &out);
        let expected = FAILING_ON_SAMPLE.contains(&config.args);
        match run_guarded(args) {
            (Outcome::Ok(Ok(())), _) if expected => {
                failures.push(format!("{}: does not fail", config.args))
            }
            (Outcome::Ok(Ok(())), _) => {}
            (Outcome::Ok(Err(_)), _) if expected => {}
            (Outcome::Ok(Err(e)), _) => failures.push(format!("{}: {e}", config.args)),
            (Outcome::Panic(msg), _) => failures.push(format!("{}: panic: {msg}", config.args)),
            (Outcome::Hang, _) => failures.push(format!("{}: hangs", config.args)),
        }
    }
    let _ = fs::remove_dir_all(&here);
    failures
}

/// Per-command counts.
#[derive(Default)]
struct Counts {
    runs: u64,
    ok: u64,
}

/// What to save beside an input that panicked or hung.
fn repro(args: &[String], files: &[(&str, &Path)]) -> String {
    let mut s = format!("{}\n", args.join(" "));
    for (what, path) in files {
        let text = fs::read(path)
            .map(|d| String::from_utf8_lossy(&d).into_owned())
            .unwrap_or_default();
        s.push_str(&format!("\n--- {what} ({}):\n{text}", path.display()));
    }
    s
}

/// The fuzzing run; true if nothing panicked or hung.
fn fuzz(opts: &Options) -> bool {
    if let Err(e) = configs_parse() {
        eprintln!("fuzz: configurations that are not valid command lines:\n{e}");
        return false;
    }
    let seed = opts.seed;
    let seeds = seeds();
    let valid: Vec<&(String, Vec<u8>)> = seeds
        .iter()
        .filter(|(n, _)| !n.contains("malformed"))
        .collect();
    let prices: Vec<&(String, Vec<u8>)> = valid
        .iter()
        .copied()
        .filter(|(_, d)| is_prices_file(d))
        .collect();
    let level_seeds: Vec<&(String, Vec<u8>)> = valid
        .iter()
        .copied()
        .filter(|(n, d)| is_level_file(n, d))
        .collect();
    assert!(!prices.is_empty() && !level_seeds.is_empty());
    let sample_actions = fs::read(root().join("data/actions.csv")).expect("data/actions.csv");
    let sample_members =
        fs::read(root().join("data/constituents.csv")).expect("data/constituents.csv");
    let configs: Vec<Vec<&Config>> = opts
        .commands
        .iter()
        .map(|&cmd| {
            CONFIGS
                .iter()
                .filter(|c| c.args.split(' ').next() == Some(cmd))
                .collect()
        })
        .collect();

    let dir = tempfile::tempdir().expect("temp dir");
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(count_panics));
    let t = Instant::now();
    let failures = sample_failures(dir.path());
    if !failures.is_empty() {
        panic::set_hook(default_hook);
        eprintln!(
            "fuzz: configurations that do not run as expected on the unmutated sample:\n{}",
            failures.join("\n")
        );
        return false;
    }
    println!(
        "fuzz: all {} configurations are valid command lines and run as expected on the \
         unmutated sample ({:.2} s)",
        CONFIGS.len(),
        t.elapsed().as_secs_f64()
    );
    let mut level_cache: HashMap<String, Option<Vec<u8>>> = HashMap::new();
    let mut rng = Rng(seed);
    let start = Instant::now();
    let budget = opts.secs.map(Duration::from_secs);
    let mut inputs = 0u64;
    let mut counts: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut slowest = (Duration::ZERO, String::new());
    let (mut panics, mut hangs): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    loop {
        match budget {
            Some(b) if start.elapsed() >= b => break,
            None if inputs >= SMOKE_INPUTS => break,
            _ => {}
        }
        // Two times in three a valid constituent seed (data/, tests/data/), so that mutants
        // reach the calculation.
        let (name, base) = if rng.below(3) == 0 {
            rng.pick(&seeds)
        } else {
            *rng.pick(&prices)
        };
        let (_, other) = rng.pick(&seeds);
        let mut d = base.clone();
        let strength = Strength::pick(&mut rng);
        let n = if rng.below(2) == 0 {
            1
        } else {
            1 + rng.below(8)
        };
        for _ in 0..n {
            mutate(&mut rng, &mut d, other, strength);
        }
        d.truncate(1 << 20);
        // Actions and members: the sample's, or made from the mutant's own rows, sometimes
        // mutated too.
        let mut der = derived(&mut rng, &d);
        if name.ends_with("data/prices.csv") && rng.below(2) == 0 {
            der.actions = sample_actions.clone();
            der.members = sample_members.clone();
        }
        if rng.below(4) == 0 {
            for _ in 0..1 + rng.below(4) {
                mutate(&mut rng, &mut der.actions, &d, Strength::Any);
            }
        }
        // A level file: computed from a valid constituent seed, or a level-file seed; then
        // mutated (or not).
        let computed = if rng.below(2) == 0 {
            let (lname, ldata) = *rng.pick(&prices);
            computed_levels(&mut level_cache, lname, ldata, dir.path())
                .map(|l| (format!("the levels of {lname}"), l))
        } else {
            None
        };
        let (level_name, level) = computed.unwrap_or_else(|| (*rng.pick(&level_seeds)).clone());
        let mut l = level.clone();
        for _ in 0..rng.below(4) {
            let strength = Strength::pick(&mut rng);
            mutate(&mut rng, &mut l, &level, strength);
        }
        let cols = level_columns(&l);
        let cols2 = level_columns(&level);
        let mut w = widen(&d).unwrap_or_else(|| l.clone());
        for _ in 0..rng.below(3) {
            let strength = Strength::pick(&mut rng);
            mutate(&mut rng, &mut w, &d, strength);
        }
        let here = dir.path().join(format!("in_{inputs}"));
        fs::create_dir_all(&here).expect("input dir");
        let fill = Fill {
            p: here.join("prices.csv"),
            a: here.join("actions.csv"),
            c: here.join("members.csv"),
            d: here.join("divisors.csv"),
            x: here.join("fx.csv"),
            f: here.join("factors.csv"),
            l: here.join("levels.csv"),
            l2: here.join("levels2.csv"),
            w: here.join("wide.csv"),
            lc: rng.pick(&cols).clone(),
            lc2: rng.pick(&cols).clone(),
            l2c: rng.pick(&cols2).clone(),
            date: der.date.clone(),
            m: der.symbols.clone(),
        };
        for (path, data) in [
            (&fill.p, &d),
            (&fill.a, &der.actions),
            (&fill.c, &der.members),
            (&fill.d, &der.divisors),
            (&fill.x, &der.fx),
            (&fill.f, &der.factors),
            (&fill.l, &l),
            (&fill.l2, &level),
            (&fill.w, &w),
        ] {
            fs::write(path, data).expect("write input");
        }
        inputs += 1;
        let mut hung = false;
        for k in 0..3 {
            let list = rng.pick(&configs);
            let config = *rng.pick(list);
            let command = config.args.split(' ').next().unwrap_or("");
            let out = here.join(format!("out_{k}.{}", config.ext));
            let args = command_line(config, &fill, &out);
            let (outcome, took) = run_guarded(args.clone());
            // The main input of the run: the mutant, its wide layout or the level file.
            let (main, what) = if config.args.contains("{p}") {
                (&fill.p, format!("a mutant of {name}"))
            } else if config.args.contains("{w}") {
                (&fill.w, format!("the wide layout of a mutant of {name}"))
            } else {
                (&fill.l, format!("a mutant of {level_name}"))
            };
            let files = [
                ("{a} actions", fill.a.as_path()),
                ("{c} members", fill.c.as_path()),
                ("{d} divisors", fill.d.as_path()),
                ("{x} fx", fill.x.as_path()),
                ("{f} factors", fill.f.as_path()),
                ("{l} levels", fill.l.as_path()),
                ("{l2} levels", fill.l2.as_path()),
                ("{w} wide", fill.w.as_path()),
            ];
            let save = |kind: &str, n: usize| {
                let save = corpus().join(format!("fuzz_{kind}_{seed}_{n}.csv"));
                let _ = fs::copy(main, &save);
                let _ = fs::write(save.with_extension("args"), repro(&args, &files));
                save
            };
            match outcome {
                Outcome::Hang => {
                    let saved = save("hang", hangs.len());
                    hangs.push(format!(
                        "idx {} on {what} did not end within {HANG:?} (saved as {})",
                        config.args,
                        saved.display()
                    ));
                    hung = true;
                    break;
                }
                Outcome::Panic(ref msg) => {
                    let saved = save("panic", panics.len());
                    panics.push(format!(
                        "idx {} on {what}: {msg} (saved as {})",
                        config.args,
                        saved.display()
                    ));
                }
                Outcome::Ok(ref r) => {
                    if opts.verbose {
                        let e = r.as_ref().err().map_or("ok", |e| e.as_str());
                        println!("  idx {} on {what}: {}", config.args, e.trim());
                    }
                }
            }
            let count = counts.entry(command).or_default();
            count.runs += 1;
            count.ok += u64::from(matches!(outcome, Outcome::Ok(Ok(()))));
            if took > slowest.0 {
                slowest = (took, format!("idx {} on {what}", config.args));
            }
        }
        // A run that hangs keeps its files; the temporary directory goes at the end.
        if !hung {
            let _ = fs::remove_dir_all(&here);
        }
    }
    panic::set_hook(default_hook);
    let elapsed = start.elapsed();
    let runs: u64 = counts.values().map(|c| c.runs).sum();
    let ok: u64 = counts.values().map(|c| c.ok).sum();
    println!(
        "fuzz: {}, seed {seed}: {inputs} inputs, {runs} runs ({ok} without an error) in {:.2} s",
        match opts.secs {
            Some(s) => format!("{s} s budget"),
            None => format!("smoke run of {SMOKE_INPUTS} inputs"),
        },
        elapsed.as_secs_f64()
    );
    for &cmd in &opts.commands {
        let c = counts.get(cmd).map_or((0, 0), |c| (c.runs, c.ok));
        println!("  {cmd:<9} {:>8} runs {:>8} without an error", c.0, c.1);
    }
    println!(
        "  slowest run: {:.3} s ({})",
        slowest.0.as_secs_f64(),
        slowest.1
    );
    println!("  {} panics, {} hangs", panics.len(), hangs.len());
    for p in panics.iter().chain(&hangs) {
        println!("  {p}");
    }
    // With a hung run still going, the directory may not go; that is fine.
    drop(dir);
    panics.is_empty() && hangs.is_empty()
}
