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
//! The mutation fuzzer that found some of these files is tests/fuzz.rs (`cargo test --release
//! --test fuzz -- --secs 600`; see its comment and docs/development.md, "Malformed input and
//! fuzzing").

use assert_cmd::Command;
use std::fs;
use std::time::Duration;

mod common;
use common::{corpus, BIN};

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

/// Runs `idx compute` in-process through the binary's entry point, writing to a temporary
/// file; returns whether it went through without an error.
fn run_in_process(args: &[String]) -> bool {
    use clap::Parser;
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out.csv").display().to_string();
    let args = args.iter().cloned().chain(["-o".to_string(), out]);
    let Ok(cli) = idx::cli::Cli::try_parse_from(args) else {
        return false;
    };
    idx::cmd::run(cli, &mut |_: &str| {}).is_ok()
}
