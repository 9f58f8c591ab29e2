//! The `idx` binary: parse the command line, run it, map errors to exit codes.
#![deny(clippy::print_stdout, clippy::print_stderr)]

use clap::Parser;
use idx::error::{EXIT_OK, EXIT_USAGE};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match idx::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            // Help and version go to stdout, errors to stderr; clap's print returns write
            // errors instead of panicking, and one there (a closed pipe, a full device) is not
            // worth reporting.
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    // Diagnostics never change the outcome: one that cannot be written (stderr full or
    // closed) is dropped, where eprintln! would panic (exit 101).
    let mut warn = |msg: &str| {
        idx::output::diagnostic(&format!("warning: {msg}"));
    };
    match idx::cmd::run(cli, &mut warn) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            let mut text = format!("error: {e}");
            if let Some(hint) = e.hint() {
                text.push_str(&format!("\n  hint: {hint}"));
            }
            idx::output::diagnostic(&text);
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
