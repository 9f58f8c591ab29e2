//! Helpers shared by the integration tests (`mod common;` in each test file).
//!
//! - Where things are: [`BIN`], [`root`], [`repo`], [`data`], [`corpus`], [`sample`],
//!   [`path_str`].
//! - Making a command: [`idx`] (an `assert_cmd` command), [`std_command`] (a `std::process`
//!   one, for tests that wire stdin, stdout or stderr themselves), [`Scratch`] (a temporary
//!   directory holding fixtures, with commands run inside it so messages name the files as
//!   given).
//! - Running one and checking how it went, in three families:
//!   - any exit code, returned with both streams: [`outcome`], [`outcome_lossy`],
//!     [`outcome_allowing_panics`], [`run`], [`run_lossy`], [`Scratch::run`],
//!     [`Scratch::output`];
//!   - success required: [`stdout_of`], [`outputs_of`], [`outputs_of_lossy`],
//!     [`outputs_of_no_panic`];
//!   - failure required: [`fails`], [`fails_unhinted`], [`fails_loosely`].
//!
//!   The variants differ only in what they assert besides the exit code (no "panicked" on
//!   stderr; stderr valid UTF-8 or decoded lossily; the shape of an error message), so each test
//!   keeps exactly the checks it was written with. Every helper that decodes stdout requires it
//!   to be UTF-8.
//! - Small values: [`d`] (a `Decimal`), [`CHECK_HEADER`].
//!
//! Each test binary uses a subset, hence the `dead_code` allowance.

#![allow(dead_code)]

use assert_cmd::Command;
use rust_decimal::Decimal;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::str::FromStr;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Where things are
// ---------------------------------------------------------------------------------------------

/// The idx binary Cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_idx");

/// The crate root (where Cargo.toml, data/ and tests/ are).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `path` under the crate root, e.g. `repo("data/prices.csv")`; `repo("")` is the root itself.
pub fn repo(path: &str) -> PathBuf {
    root().join(path)
}

/// `tests/data/<path>`: a golden case's directory (`data("pw_split_divisor")`) or a fixture
/// (`data("returns/two_series.csv")`).
pub fn data(path: &str) -> PathBuf {
    root().join("tests").join("data").join(path)
}

/// `tests/malformed/`: the malformed-input corpus (its manifest, files and expected outputs),
/// which the fuzzer also takes its seeds from and saves its finds to.
pub fn corpus() -> PathBuf {
    root().join("tests").join("malformed")
}

/// `data/<name>` (the sample data at the crate root) as a command-line argument.
pub fn sample(name: &str) -> String {
    path_str(&root().join("data").join(name))
}

/// A path as a command-line argument (the paths here are all UTF-8).
pub fn path_str(p: &Path) -> String {
    p.to_str().expect("UTF-8 path").to_string()
}

// ---------------------------------------------------------------------------------------------
// Making a command
// ---------------------------------------------------------------------------------------------

/// A command running idx, to be given its arguments (and a directory, stdin...).
pub fn idx() -> Command {
    Command::new(BIN)
}

/// A `std::process::Command` running idx in `dir` with `args` and an empty stdin, for tests
/// that spawn it or connect its streams themselves (a FIFO, /dev/full, a closed pipe).
pub fn std_command(dir: &Path, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(BIN);
    c.current_dir(dir).args(args).stdin(Stdio::null());
    c
}

/// A temporary directory holding input files (removed when dropped); [`Scratch::cmd`] runs idx
/// inside it, so messages name the files exactly as the test gave them.
pub struct Scratch {
    dir: TempDir,
}

impl Scratch {
    /// An empty scratch directory.
    pub fn new() -> Self {
        Scratch {
            dir: TempDir::new().expect("temp dir"),
        }
    }

    /// A scratch directory holding `files`: (name, text).
    pub fn with(files: &[(&str, &str)]) -> Self {
        let s = Scratch::new();
        for (name, text) in files {
            s.write(name, text);
        }
        s
    }

    /// A scratch directory holding `files`: (name, bytes), for files that are not UTF-8.
    pub fn with_bytes(files: &[(&str, &[u8])]) -> Self {
        let s = Scratch::new();
        for (name, bytes) in files {
            s.write(name, bytes);
        }
        s
    }

    /// Writes the file `name` (replacing it); returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.join(name);
        fs::write(&p, contents).expect("write fixture");
        p
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `name` in the directory.
    pub fn join(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    /// The contents of the file `name` (an output file).
    pub fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.join(name)).expect("output file")
    }

    /// An idx command that runs in the directory.
    pub fn cmd(&self) -> Command {
        let mut c = idx();
        c.current_dir(self.path());
        c
    }

    /// Runs idx here with `args`: [`run`] in this directory.
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        run(self.path(), args)
    }

    /// Runs idx here with `args` and an empty stdin, with no checks: the raw output.
    pub fn output(&self, args: &[&str]) -> Output {
        std_command(self.path(), args).output().expect("idx runs")
    }

    /// The sorted names of the files in the directory (to check that a failed run leaves
    /// nothing behind).
    pub fn listing(&self) -> Vec<String> {
        self.listing_of("")
    }

    /// The sorted names of the files in its subdirectory `sub` (`""`: the directory itself).
    pub fn listing_of(&self, sub: &str) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(self.join(sub))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

// ---------------------------------------------------------------------------------------------
// Running a command: any exit code
// ---------------------------------------------------------------------------------------------

/// The exit code (-1 if killed by a signal) and stdout of `out`, with `stderr` decoded.
fn split(out: Output, stderr: String) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr,
    )
}

/// Asserts that idx did not panic (its stderr does not say "panicked").
pub fn assert_no_panic(stderr: &str) {
    assert!(!stderr.contains("panicked"), "idx panicked:\n{stderr}");
}

/// Runs `cmd`; asserts no panic and that stdout and stderr are UTF-8; returns (exit code,
/// stdout, stderr).
pub fn outcome(cmd: &mut Command) -> (i32, String, String) {
    let mut out = cmd.output().expect("idx runs");
    let stderr = String::from_utf8(std::mem::take(&mut out.stderr)).expect("stderr is UTF-8");
    assert_no_panic(&stderr);
    split(out, stderr)
}

/// [`outcome`] with stderr decoded lossily (invalid UTF-8 becomes U+FFFD) instead of required
/// to be UTF-8.
pub fn outcome_lossy(cmd: &mut Command) -> (i32, String, String) {
    let mut out = cmd.output().expect("idx runs");
    let stderr = String::from_utf8_lossy(&std::mem::take(&mut out.stderr)).into_owned();
    assert_no_panic(&stderr);
    split(out, stderr)
}

/// [`outcome`] without the check for a panic (for tests that compare the whole of stderr, or
/// ignore it).
pub fn outcome_allowing_panics(cmd: &mut Command) -> (i32, String, String) {
    let mut out = cmd.output().expect("idx runs");
    let stderr = String::from_utf8(std::mem::take(&mut out.stderr)).expect("stderr is UTF-8");
    split(out, stderr)
}

/// Runs idx in `dir` with `args`: [`outcome`] (exit code, stdout, stderr; no panic; UTF-8).
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    outcome(idx().current_dir(dir).args(args))
}

/// Runs idx in `dir` with `args`: [`outcome_lossy`] (stderr decoded lossily).
pub fn run_lossy(dir: &Path, args: &[&str]) -> (i32, String, String) {
    outcome_lossy(idx().current_dir(dir).args(args))
}

// ---------------------------------------------------------------------------------------------
// Running a command: success required
// ---------------------------------------------------------------------------------------------

/// Runs `cmd`; asserts exit 0 and, decoding stderr lossily, that it did not panic; returns
/// stdout.
pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().expect("idx runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "idx failed with {:?}:\n{stderr}",
        out.status
    );
    assert_no_panic(&stderr);
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// Runs `cmd`; asserts exit 0 and that stderr is UTF-8; returns (stdout, stderr).
pub fn outputs_of(cmd: &mut Command) -> (String, String) {
    let out = cmd.output().expect("idx runs");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert!(
        out.status.success(),
        "idx failed with {:?}:\n{stderr}",
        out.status
    );
    (
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr,
    )
}

/// [`outputs_of`] with stderr decoded lossily instead of required to be UTF-8.
pub fn outputs_of_lossy(cmd: &mut Command) -> (String, String) {
    let out = cmd.output().expect("idx runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "failed: {stderr}");
    (
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr,
    )
}

/// The strictest success check: [`outputs_of`] (exit 0, stderr UTF-8) that also asserts no
/// panic; returns (stdout, stderr).
pub fn outputs_of_no_panic(cmd: &mut Command) -> (String, String) {
    let (stdout, stderr) = outputs_of(cmd);
    assert_no_panic(&stderr);
    (stdout, stderr)
}

// ---------------------------------------------------------------------------------------------
// Running a command: failure required
// ---------------------------------------------------------------------------------------------

/// Runs `cmd`; asserts exit `code`, an empty stdout, that stderr starts with `error`, holds every
/// one of `needles` and, for a data error (exit 1), a hint; no panic. Returns stderr.
pub fn fails(cmd: &mut Command, code: i32, needles: &[&str]) -> String {
    let stderr = fails_unhinted(cmd, code, needles);
    if code == 1 {
        // Every data error also says what to do.
        assert!(stderr.contains("\n  hint: "), "no hint:\n{stderr}");
    }
    stderr
}

/// [`fails`] without requiring a hint (write errors have none).
pub fn fails_unhinted(cmd: &mut Command, code: i32, needles: &[&str]) -> String {
    let stderr = failed(cmd, code);
    assert!(
        stderr.starts_with("error"),
        "stderr should start with an error:\n{stderr}"
    );
    assert_contains_all(&stderr, needles);
    stderr
}

/// [`fails_unhinted`] without checking that stderr starts with `error`: exit `code`, an empty
/// stdout, no panic and every one of `needles` in stderr (decoded lossily). Returns stderr.
pub fn fails_loosely(cmd: &mut Command, code: i32, needles: &[&str]) -> String {
    let stderr = failed(cmd, code);
    assert_contains_all(&stderr, needles);
    stderr
}

/// Runs `cmd`; asserts exit `code`, an empty stdout and no panic; returns stderr (decoded
/// lossily).
fn failed(cmd: &mut Command, code: i32) -> String {
    let out = cmd.output().expect("idx runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "wrong exit status; stderr:\n{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "stdout should be empty on failure, got:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_no_panic(&stderr);
    stderr
}

/// Asserts that `stderr` holds every one of `needles`.
fn assert_contains_all(stderr: &str, needles: &[&str]) {
    for n in needles {
        assert!(stderr.contains(n), "stderr lacks {n:?}:\n{stderr}");
    }
}

// ---------------------------------------------------------------------------------------------
// Small values
// ---------------------------------------------------------------------------------------------

/// `s` as a `Decimal`.
pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("{s:?} is not a decimal: {e}"))
}

/// The header of `idx check --format csv`.
pub const CHECK_HEADER: &str = "file,line,date,symbol,severity,kind,message,hint\n";

/// A halted member (the fixture of the output-target and diagnostics tests): B has no price on
/// 2024-01-03 and is carried with `--constituents` ([`HALT_MEMBERS`]), with one warning.
/// Price-weighted: 01-02 (10+20)/2 = 15; 01-03 (12+20)/2 = 16; 01-04 (12+21)/2 = 16.5 — the
/// levels of [`HALT_PW`].
pub const HALT_PRICES: &str = "\
date,symbol,price
2024-01-02,A,10
2024-01-02,B,20
2024-01-03,A,12
2024-01-04,A,12
2024-01-04,B,21
";

/// The member list of [`HALT_PRICES`].
pub const HALT_MEMBERS: &str = "symbol,start,end\nA,,\nB,,\n";

/// `idx compute -m pw --constituents HALT_MEMBERS HALT_PRICES`, worked out on [`HALT_PRICES`].
pub const HALT_PW: &str = "\
date,level,divisor,constituents
2024-01-02,15.00,2,2
2024-01-03,16.00,2,2
2024-01-04,16.50,2,2
";
