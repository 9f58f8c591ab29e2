//! Diagnostics never change the outcome (issue 12): a warning or an error message that cannot be
//! written to stderr (stderr is /dev/full, or a pipe whose reader has gone: EPIPE, as Rust
//! ignores SIGPIPE) is dropped. The run still writes its output and keeps its exit code; it
//! never panics (exit 101).

#![cfg(unix)]

use std::fs;
use std::process::{Command, Output, Stdio};

mod common;
use common::{std_command, Scratch, HALT_MEMBERS, HALT_PRICES, HALT_PW};

const PRICES: &str = HALT_PRICES;
const MEMBERS: &str = HALT_MEMBERS;
const LEVELS: &str = HALT_PW;
const WARNING: &str = "warning: B has no price on 2024-01-03: it keeps its last close (of \
                       2024-01-02) while it has none (reported once per symbol)\n";
const WARN_ARGS: &[&str] = &["compute", "-m", "pw", "--constituents", "m.csv", "p.csv"];

/// A negative price: a data error (exit 1).
const BAD: &str = "date,symbol,price\n2024-01-02,A,10\n2024-01-03,A,-5\n";
const BAD_ARGS: &[&str] = &["compute", "-m", "pw", "bad.csv"];
const BAD_ERROR: &str = "error: bad.csv, line 3, column 'price': the price must be greater \
                         than 0 (value: \"-5\")\n  hint: fix the price or remove the row\n";

/// A scratch directory holding PRICES (p.csv), MEMBERS (m.csv) and BAD (bad.csv).
fn scratch() -> Scratch {
    Scratch::with(&[("p.csv", PRICES), ("m.csv", MEMBERS), ("bad.csv", BAD)])
}

fn dev_full() -> Stdio {
    Stdio::from(fs::File::options().write(true).open("/dev/full").unwrap())
}

/// Where stderr goes.
#[derive(Clone, Copy, Debug)]
enum Stderr {
    /// /dev/full: every write fails with ENOSPC.
    Full,
    /// A pipe whose read end is closed before idx writes: every write fails with EPIPE.
    ClosedPipe,
}

const BROKEN: [Stderr; 2] = [Stderr::Full, Stderr::ClosedPipe];

/// Runs `cmd` with stdout captured and stderr broken as `how`.
fn run_broken(mut cmd: Command, how: Stderr) -> Output {
    cmd.stdout(Stdio::piped());
    match how {
        Stderr::Full => {
            cmd.stderr(dev_full());
            cmd.spawn().unwrap().wait_with_output().unwrap()
        }
        Stderr::ClosedPipe => {
            cmd.stderr(Stdio::piped());
            let mut child = cmd.spawn().unwrap();
            drop(child.stderr.take());
            child.wait_with_output().unwrap()
        }
    }
}

#[test]
fn the_fixtures_warn_and_fail_as_expected_with_a_working_stderr() {
    let dir = scratch();
    let out = std_command(dir.path(), WARN_ARGS).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), LEVELS);
    assert_eq!(String::from_utf8_lossy(&out.stderr), WARNING);
    let out = std_command(dir.path(), BAD_ARGS).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stdout, b"");
    assert_eq!(String::from_utf8_lossy(&out.stderr), BAD_ERROR);
}

#[test]
fn a_warning_that_cannot_be_written_does_not_stop_the_output_file() {
    for how in BROKEN {
        let dir = scratch();
        let mut args = WARN_ARGS.to_vec();
        args.extend(["-o", "out.csv"]);
        let out = run_broken(std_command(dir.path(), &args), how);
        assert_eq!(out.status.code(), Some(0), "{how:?}: {out:?}");
        assert_eq!(out.stdout, b"", "{how:?}");
        assert_eq!(
            fs::read_to_string(dir.path().join("out.csv")).unwrap(),
            LEVELS,
            "{how:?}"
        );
    }
}

#[test]
fn a_warning_that_cannot_be_written_does_not_stop_stdout() {
    for how in BROKEN {
        let dir = scratch();
        let out = run_broken(std_command(dir.path(), WARN_ARGS), how);
        assert_eq!(out.status.code(), Some(0), "{how:?}: {out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), LEVELS, "{how:?}");
    }
}

#[test]
fn a_data_error_that_cannot_be_reported_still_exits_1() {
    for how in BROKEN {
        let dir = scratch();
        let out = run_broken(
            std_command(dir.path(), &[BAD_ARGS, &["-o", "out.csv"]].concat()),
            how,
        );
        assert_eq!(out.status.code(), Some(1), "{how:?}: {out:?}");
        assert_eq!(out.stdout, b"", "{how:?}");
        assert!(!dir.path().join("out.csv").exists(), "{how:?}");
    }
}

#[test]
fn check_findings_listed_on_a_broken_stderr_still_fail_compute_check() {
    // --check lists each finding as a warning, then fails (exit 1): an unrecorded 1-for-2
    // reverse split (10 → 20).
    let dir = scratch();
    fs::write(
        dir.path().join("split.csv"),
        "date,symbol,price\n2024-01-02,A,10\n2024-01-03,A,20\n",
    )
    .unwrap();
    let args = ["compute", "-m", "pw", "--check", "split.csv"];
    let out = std_command(dir.path(), &args).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("warning: split.csv, line 3, 2024-01-03, A: split: "),
        "{err}"
    );
    assert!(
        err.contains("error: split.csv: --check: the input fails idx check"),
        "{err}"
    );
    for how in BROKEN {
        let out = run_broken(std_command(dir.path(), &args), how);
        assert_eq!(out.status.code(), Some(1), "{how:?}: {out:?}");
        assert_eq!(out.stdout, b"", "{how:?}");
    }
}

#[test]
fn a_write_error_with_stderr_broken_too_still_exits_1() {
    // The output fails (-o /dev/full) and so does the message saying so.
    for how in BROKEN {
        let dir = scratch();
        let mut args = WARN_ARGS.to_vec();
        args.extend(["-o", "/dev/full"]);
        let out = run_broken(std_command(dir.path(), &args), how);
        assert_eq!(out.status.code(), Some(1), "{how:?}: {out:?}");
    }
    // stdout and stderr both /dev/full.
    let dir = scratch();
    let out = std_command(dir.path(), WARN_ARGS)
        .stdout(dev_full())
        .stderr(dev_full())
        .status()
        .unwrap();
    assert_eq!(out.code(), Some(1));
}

#[test]
fn clap_usage_errors_and_help_cannot_panic() {
    let dir = scratch();
    for how in BROKEN {
        // A usage error printed by clap to a broken stderr: still exit 2.
        let out = run_broken(
            std_command(dir.path(), &["compute", "--no-such-flag", "p.csv"]),
            how,
        );
        assert_eq!(out.status.code(), Some(2), "{how:?}: {out:?}");
        // A usage error of idx's own.
        let out = run_broken(
            std_command(
                dir.path(),
                &["compute", "-m", "cw", "--rebalance", "daily", "p.csv"],
            ),
            how,
        );
        assert_eq!(out.status.code(), Some(2), "{how:?}: {out:?}");
    }
    // Help and version to a full stdout: exit 0 as with a closed pipe (nothing to report).
    for args in [&["--help"][..], &["compute", "--help"], &["--version"]] {
        let out = std_command(dir.path(), args)
            .stdout(dev_full())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
}
