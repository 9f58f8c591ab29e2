//! idx: compute stock index levels (price-, cap- and equal-weighted) from daily constituent data.
//!
//! The crate is a library with a thin binary. [`cli`] holds the clap definitions, [`app`] turns
//! them into validated requests and drives the library: [`input`] reads files, [`calc`] is the
//! one shared calculation module (pure: no I/O, no clock), [`output`] rounds and writes.
#![forbid(unsafe_code)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub mod calc;
pub mod chart;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod error;
pub mod input;
pub mod output;
pub mod pipeline;
pub mod report;

pub use error::{DataError, Error};
