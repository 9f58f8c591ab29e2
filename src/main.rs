//! The `idx` binary: parse the command line, run it, map errors to exit codes.

use clap::Parser;
use idx::error::{EXIT_OK, EXIT_USAGE};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match idx::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            // Help and version go to stdout; a closed pipe there is not worth reporting.
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    let mut warn = |msg: &str| eprintln!("warning: {msg}");
    match idx::cmd::run(cli, &mut warn) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(hint) = e.hint() {
                eprintln!("  hint: {hint}");
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
