//! The commands: one file each over the library, and [`run`] to dispatch a parsed command line.
//! Only this layer (with `cli` and `main`) sees clap's types: it turns flags into typed
//! requests ([`args`]) and calls the library with them.

pub mod args;
pub mod chart;
pub mod check;
pub mod compute;
pub mod contrib;
pub mod relative;
pub mod returns;
pub mod share;
pub mod weights;

use crate::cli::{Cli, Command};
use crate::error::Error;

/// Runs a parsed command line. Warnings go to `warn`; data goes to stdout or the output file.
pub fn run(cli: Cli, warn: &mut dyn FnMut(&str)) -> Result<(), Error> {
    let mut cli = cli;
    match &mut cli.command {
        Command::Compute(a) => args::settle_total_return(&mut a.input, None),
        Command::Returns(a) => args::settle_total_return(&mut a.input, None),
        Command::Weights(a) => args::settle_total_return(&mut a.input, None),
        Command::Share(a) => args::settle_total_return(&mut a.input, None),
        Command::Contrib(a) => args::settle_total_return(&mut a.input, None),
        Command::Relative(a) => args::settle_total_return(&mut a.input, Some(&mut a.other)),
        Command::Chart(_) | Command::Check(_) => {}
    }
    match cli.command {
        Command::Compute(args) => compute::run(args, warn),
        Command::Returns(args) => returns::run(args, warn),
        Command::Weights(args) => weights::run(args, warn),
        Command::Share(args) => share::run(args, warn),
        Command::Contrib(args) => contrib::run(args, warn),
        Command::Relative(args) => relative::run(args, warn),
        Command::Chart(args) => chart::run(args),
        Command::Check(args) => check::run(args),
    }
}
