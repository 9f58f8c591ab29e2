//! idx: compute stock index levels (price-, cap- and equal-weighted) from daily constituent data.
//!
//! The crate is a library with a thin binary, in layers (each imports only the ones below it):
//! - [`cli`] holds the clap definitions and [`cmd`] one file per command: it turns flags into
//!   typed requests and calls the library (the only layer that sees clap);
//! - [`pipeline`] is the one path from constituent data to levels (read, stream, feed the engine
//!   date by date), used by every command;
//! - [`check`] (validation and the split detection every computing command shares), [`chart`]
//!   (drawing) and [`report`] (returns, weights: pure) are the domain modules;
//! - [`input`] is the one reader of every file, [`output`] the one place that rounds and writes;
//! - [`calc`] is the one shared calculation module (pure: no I/O, no clock).
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
