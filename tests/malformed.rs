//! Malformed and messy inputs: every file of tests/malformed/ is run through `idx compute` and
//! `idx check` as its manifest says, and must give the documented exit code and message (with
//! its line), never a panic, and nothing on stdout when compute fails.
//!
//! `tests/malformed/manifest.csv` has one row per run: `file,args,exit,stderr,stdout`.
//! - `args`: the command line after `idx`, split on spaces; `{}` is the file. Runs start in
//!   tests/malformed/, so messages name the file as it is written there.
//! - `exit`: the expected exit code.
//! - `stderr`: `|`-separated texts that stderr must contain (a failure's stderr must also start
//!   with `error: `).
//! - `stdout`: `@NAME` for the exact contents of tests/malformed/expected/NAME, otherwise
//!   `|`-separated texts that stdout must contain. Empty: any stdout on success, and none at all
//!   on failure.
//!
//! The ignored test `fuzz` is a mutation fuzzer over the whole read-and-compute path (see its
//! comment and the README's `idx check` section).

use assert_cmd::Command;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_idx");

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("malformed")
}

#[derive(Debug, serde::Deserialize)]
struct Case {
    file: String,
    args: String,
    exit: i32,
    stderr: String,
    stdout: String,
}

fn cases() -> Vec<Case> {
    let mut r = csv::Reader::from_path(corpus().join("manifest.csv")).expect("manifest");
    r.deserialize().map(|c| c.expect("manifest row")).collect()
}

fn needles(s: &str) -> impl Iterator<Item = &str> {
    s.split('|').filter(|n| !n.is_empty())
}

/// Runs one manifest row; returns what is wrong, if anything.
fn run_case(row: usize, case: &Case) -> Option<String> {
    let args: Vec<String> = case
        .args
        .split(' ')
        .filter(|a| !a.is_empty())
        .map(|a| a.replace("{}", &case.file))
        .collect();
    let out = Command::new(BIN)
        .current_dir(corpus())
        .args(&args)
        .output()
        .expect("idx runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code().unwrap_or(-1);
    let mut problems = Vec::new();
    if stderr.contains("panicked") || code == 101 {
        problems.push("idx panicked".to_string());
    }
    if code != case.exit {
        problems.push(format!("exit code {code}, expected {}", case.exit));
    }
    if code != 0 && !stderr.starts_with("error: ") {
        problems.push("a failure's stderr does not start with 'error: '".into());
    }
    for n in needles(&case.stderr) {
        if !stderr.contains(n) {
            problems.push(format!("stderr lacks {n:?}"));
        }
    }
    if let Some(name) = case.stdout.strip_prefix('@') {
        let expected = fs::read_to_string(corpus().join("expected").join(name))
            .unwrap_or_else(|e| panic!("expected/{name}: {e}"));
        if stdout != expected {
            problems.push(format!("stdout differs from expected/{name}"));
        }
    } else if case.stdout.is_empty() {
        if code != 0 && !stdout.is_empty() {
            problems.push("stdout is not empty on failure".into());
        }
    } else {
        for n in needles(&case.stdout) {
            if !stdout.contains(n) {
                problems.push(format!("stdout lacks {n:?}"));
            }
        }
    }
    if problems.is_empty() {
        return None;
    }
    Some(format!(
        "manifest line {}: idx {}\n  {}\n  --- stdout:\n{stdout}  --- stderr:\n{stderr}",
        row + 2,
        args.join(" "),
        problems.join("\n  ")
    ))
}

#[test]
fn every_malformed_input_gets_its_documented_outcome() {
    let cases = cases();
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, c)| run_case(i, c))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} runs failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_corpus_is_large_and_every_file_is_in_the_manifest() {
    let cases = cases();
    let mut files: Vec<String> = fs::read_dir(corpus())
        .expect("corpus")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv") && n != "manifest.csv")
        .collect();
    files.sort();
    assert!(files.len() >= 40, "only {} corpus files", files.len());
    for f in &files {
        assert!(
            cases.iter().any(|c| &c.file == f),
            "{f} is not in manifest.csv"
        );
    }
    for c in &cases {
        assert!(
            corpus().join(&c.file).exists(),
            "manifest names {} which does not exist",
            c.file
        );
    }
}

#[test]
fn stdin_and_file_give_the_same_result_for_accepted_inputs() {
    for file in ["plain.csv", "bom.csv", "crlf.csv", "bom_crlf_quoted.csv"] {
        let data = fs::read(corpus().join(file)).unwrap();
        let from_stdin = Command::new(BIN)
            .args(["compute", "-m", "cw", "-"])
            .write_stdin(data)
            .output()
            .unwrap();
        assert!(from_stdin.status.success(), "{file} from stdin");
        let expected = fs::read(corpus().join("expected").join("cw.out")).unwrap();
        assert_eq!(from_stdin.stdout, expected, "{file} from stdin");
    }
}

/// Found by the fuzzer: an unsorted file makes the parallel reader stop while a worker is at
/// the end of the file; the worker's release must not undo the stop, or the other worker waits
/// for room forever. A race: many runs, in parallel, make it likely to show.
#[test]
fn the_parallel_reader_stops_cleanly_on_an_unsorted_file() {
    let file = corpus().join("fuzz_hang_parallel_reader_stop.csv");
    let (tx, rx) = std::sync::mpsc::channel();
    for _ in 0..4 {
        let tx = tx.clone();
        let file = file.display().to_string();
        std::thread::spawn(move || {
            for _ in 0..300 {
                let args = ["idx", "compute", "-m", "pw", file.as_str()].map(String::from);
                assert!(run_in_process(&args));
            }
            let _ = tx.send(());
        });
    }
    for k in 0..4 {
        assert!(
            rx.recv_timeout(Duration::from_secs(60)).is_ok(),
            "{k} of 4 threads finished: a run of compute on {} hangs",
            file.display()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The fuzzer
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

/// Applies one random mutation to `d`, using `other` for splices. A `gentle` mutation keeps
/// the file valid more often (lines deleted, moved or duplicated, numbers scaled), so that
/// the calculation, not only the reader, sees many inputs.
fn mutate(rng: &mut Rng, d: &mut Vec<u8>, other: &[u8], gentle: bool) {
    let len = d.len();
    let op = if gentle {
        *rng.pick(&[5, 11, 11])
    } else {
        rng.below(13)
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
        _ => {
            // Swap two bytes.
            if len > 1 {
                let (i, j) = (rng.below(len), rng.below(len));
                d.swap(i, j);
            }
        }
    }
}

/// The in-process runs made on each mutant (`{p}`: prices, `{a}`: actions, `{c}`: members).
const CONFIGS: &[&str] = &[
    "compute -m pw {p}",
    "compute -m cw {p}",
    "compute -m pw,cw,ew --total-return {p}",
    "compute -m ew --rebalance monthly {p}",
    "compute -m cw --actions {a} {p}",
    "compute -m pw,ew --actions {a} --constituents {c} {p}",
    "compute -m pw --divisor 0.5 --date-format %m/%d/%Y {p}",
    "compute -m pw,cw --skip-bad-rows --thousands , {p}",
    "compute -m pw,ew --wide {p}",
    "compute -m pw --encoding shift_jis {p}",
    "check {p}",
    "check --actions {a} {p}",
    "check --stale-days 2 --symbol-col Name {p}",
    "check --thousands , --encoding shift_jis {p}",
];

/// Runs one configuration in-process: the library's whole read-and-compute (or check) path,
/// without writing anything. Returns whether it went through without an error.
fn run_in_process(args: &[String]) -> bool {
    use clap::Parser;
    let Ok(cli) = idx::cli::Cli::try_parse_from(args) else {
        return false;
    };
    let mut warn = |_: &str| {};
    match cli.command {
        idx::cli::Command::Compute(a) => {
            if let Ok(req) = idx::cmd::args::compute_request(a) {
                if let Ok(run) = idx::pipeline::compute_index(&req.input, &mut warn) {
                    let t = idx::output::compute_table(&run, 2, None, None);
                    let _ = t.render(idx::output::Format::Json);
                    return true;
                }
            }
            false
        }
        idx::cli::Command::Check(a) => {
            if let Ok(req) = idx::cmd::check::request(a) {
                if let Ok(report) = idx::check::check(&req) {
                    let _ = idx::check::render(&report, idx::check::CheckFormat::Table);
                    let _ = idx::check::render(&report, idx::check::CheckFormat::Json);
                    return idx::check::verdict(&report, false, None).is_ok();
                }
            }
            false
        }
        _ => false,
    }
}

/// An actions file and a member list made from random rows of `prices` (date in the first
/// field, symbol in the second, as in most seeds).
fn derived(rng: &mut Rng, prices: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let text = String::from_utf8_lossy(prices);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f.len() >= 2)
        .collect();
    let mut actions = String::from("date,symbol,action,value\n");
    let mut members = String::from("symbol,start,end\n");
    if rows.is_empty() {
        return (actions.into_bytes(), members.into_bytes());
    }
    let mut picked: Vec<&Vec<&str>> = (0..1 + rng.below(4)).map(|_| rng.pick(&rows)).collect();
    picked.sort_by_key(|f| f[0]);
    for f in &picked {
        let (kind, value) = *rng.pick(&[
            ("split", "2"),
            ("split", "0.1"),
            ("split", "3"),
            ("special_dividend", "0.5"),
            ("dividend", "1.25"),
        ]);
        actions.push_str(&format!("{},{},{kind},{value}\n", f[0], f[1]));
    }
    for _ in 0..1 + rng.below(6) {
        let f = rng.pick(&rows);
        let start = if rng.below(2) == 0 { "" } else { f[0] };
        let end = if rng.below(3) == 0 {
            rng.pick(&rows)[0]
        } else {
            ""
        };
        members.push_str(&format!("{},{start},{end}\n", f[1]));
    }
    (actions.into_bytes(), members.into_bytes())
}

/// A run that takes longer than this is taken to hang.
const HANG: Duration = Duration::from_secs(30);

/// What to save beside an input that panicked or hung: the configuration (`{p}` is the input)
/// and the actions and members files it was run with.
fn repro(config: &str, actions: &[u8], members: &[u8]) -> String {
    format!(
        "idx {config}\n\n--- {{a}} (actions):\n{}\n--- {{c}} (members):\n{}",
        String::from_utf8_lossy(actions),
        String::from_utf8_lossy(members)
    )
}

fn seeds() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
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
    add_dir(root.join("data"));
    if let Ok(cases) = fs::read_dir(root.join("tests").join("data")) {
        let mut dirs: Vec<PathBuf> = cases.filter_map(|e| e.ok().map(|e| e.path())).collect();
        dirs.sort();
        for d in dirs {
            add_dir(d);
        }
    }
    v
}

/// A mutation fuzzer over the whole read-and-compute path, in-process, on stable Rust.
///
/// Seeds: tests/malformed/*.csv, data/*.csv and tests/data/*/*.csv. Each input is a seed (or
/// two spliced) with 1 to 8 random mutations (bit flips, bytes and tokens inserted, ranges
/// deleted, lines duplicated, deleted, moved or given a bad field, numbers scaled or digits
/// changed, truncation), written to a temporary file and run through three random
/// configurations of `compute` and `check`, each on its own thread. A panic, or a run that does
/// not end within 30 s, fails the test; the input is saved as
/// tests/malformed/fuzz_panic_<seed>_<n>.csv or fuzz_hang_<seed>_<n>.csv, with the command
/// and the actions and members files in a .args file beside it.
///
/// `IDX_FUZZ_SECS` (default 60) sets the duration and `IDX_FUZZ_SEED` (default 1) the seed:
/// `IDX_FUZZ_SECS=600 cargo test --release --test malformed -- --ignored fuzz --nocapture`.
#[test]
#[ignore = "long: IDX_FUZZ_SECS=600 cargo test --release --test malformed -- --ignored fuzz --nocapture"]
fn fuzz() {
    let secs: u64 = std::env::var("IDX_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed: u64 = std::env::var("IDX_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let seeds = seeds();
    let valid: Vec<(String, Vec<u8>)> = seeds
        .iter()
        .filter(|(n, _)| !n.contains("malformed"))
        .cloned()
        .collect();
    assert!(!valid.is_empty());
    let actions = fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/actions.csv"))
        .expect("data/actions.csv");
    let members = fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/constituents.csv"))
        .expect("data/constituents.csv");
    let dir = tempfile::tempdir().expect("temp dir");
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed);
    let start = Instant::now();
    let (mut inputs, mut runs, mut passed) = (0u64, 0u64, 0u64);
    let mut slowest = (Duration::ZERO, String::new());
    let (mut panics, mut hangs): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    while start.elapsed() < Duration::from_secs(secs) {
        // Half the time a seed that is valid as it is (data/, tests/data/), so that mutants
        // reach the calculation.
        let pool = if rng.below(2) == 0 {
            &seeds[..]
        } else {
            &valid[..]
        };
        let (name, base) = rng.pick(pool);
        let (_, other) = rng.pick(&seeds);
        let mut d = base.clone();
        let gentle = rng.below(2) == 0;
        let n = if rng.below(2) == 0 {
            1
        } else {
            1 + rng.below(8)
        };
        for _ in 0..n {
            mutate(&mut rng, &mut d, other, gentle);
        }
        d.truncate(1 << 20);
        // Actions and members: the sample's, or made from the mutant's own rows (so that they
        // name its dates and symbols), sometimes mutated too.
        let (mut act, mem) = if name.ends_with("data/prices.csv") && rng.below(2) == 0 {
            (actions.clone(), members.clone())
        } else {
            derived(&mut rng, &d)
        };
        if rng.below(4) == 0 {
            for _ in 0..1 + rng.below(4) {
                mutate(&mut rng, &mut act, &d, false);
            }
        }
        // Fresh files for each input: a run that hangs keeps its own.
        let (p, a, c) = (
            dir.path().join(format!("prices_{inputs}.csv")),
            dir.path().join(format!("actions_{inputs}.csv")),
            dir.path().join(format!("members_{inputs}.csv")),
        );
        fs::write(&p, &d).expect("write prices");
        fs::write(&a, &act).expect("write actions");
        fs::write(&c, &mem).expect("write members");
        inputs += 1;
        let mut hung = false;
        for _ in 0..3 {
            let config = *rng.pick(CONFIGS);
            let args: Vec<String> = std::iter::once("idx".to_string())
                .chain(config.split(' ').map(|s| {
                    s.replace("{p}", &p.display().to_string())
                        .replace("{a}", &a.display().to_string())
                        .replace("{c}", &c.display().to_string())
                }))
                .collect();
            let t = Instant::now();
            // On its own thread, so that a run that never ends is found (and left behind).
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(|| {
                    run_in_process(&args)
                })));
            });
            let outcome = match rx.recv_timeout(HANG) {
                Ok(outcome) => outcome,
                Err(_) => {
                    let save = corpus().join(format!("fuzz_hang_{seed}_{}.csv", hangs.len()));
                    let _ = fs::write(&save, &d);
                    let _ = fs::write(save.with_extension("args"), repro(config, &act, &mem));
                    hangs.push(format!(
                        "{config} on a mutant of {name} did not end within {HANG:?} (saved as \
                         {})",
                        save.display()
                    ));
                    hung = true;
                    break;
                }
            };
            runs += 1;
            passed += u64::from(outcome.as_ref().is_ok_and(|&ok| ok));
            if t.elapsed() > slowest.0 {
                slowest = (t.elapsed(), format!("{config} on a mutant of {name}"));
            }
            if let Err(payload) = outcome {
                let msg = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                let save = corpus().join(format!("fuzz_panic_{seed}_{}.csv", panics.len()));
                let _ = fs::write(&save, &d);
                let _ = fs::write(save.with_extension("args"), repro(config, &act, &mem));
                panics.push(format!(
                    "{config} on a mutant of {name}: {msg} (saved as {})",
                    save.display()
                ));
            }
        }
        if !hung {
            for f in [&p, &a, &c] {
                let _ = fs::remove_file(f);
            }
        }
    }
    panic::set_hook(default_hook);
    println!(
        "fuzz: seed {seed}, {inputs} inputs, {runs} runs ({passed} without an error) in {:.0} s; \
         slowest run {:.3} s ({}); {} panics, {} hangs",
        start.elapsed().as_secs_f64(),
        slowest.0.as_secs_f64(),
        slowest.1,
        panics.len(),
        hangs.len()
    );
    assert!(
        panics.is_empty() && hangs.is_empty(),
        "panics:\n{}\nhangs:\n{}",
        panics.join("\n"),
        hangs.join("\n")
    );
}
