//! `idx chart`: line charts of level series (index levels, relative performance, shares) as SVG
//! or PNG.
//!
//! The input is any `date,value...` CSV, such as `idx compute`'s output: one line per numeric
//! column (the counts `divisor`, `constituents` and `members` are not series). Values are parsed
//! and checked exactly ([`read`]); ticks are chosen by pure functions ([`ticks`]); `plotters`
//! draws the chart in memory ([`svg()`], [`png()`]) and [`crate::output::emit`] writes it
//! atomically.

mod bitmap;
mod data;
mod draw;
pub mod ticks;

pub use data::{read, ChartData, ReadOptions, Series};
pub use draw::{png, svg, Style};

use crate::error::{DataError, Error};
use std::path::PathBuf;

/// The image format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartFormat {
    /// Scalable vector graphics (text).
    Svg,
    /// A PNG image.
    Png,
}

impl ChartFormat {
    /// `svg` or `png`, as a file extension.
    pub fn name(self) -> &'static str {
        match self {
            ChartFormat::Svg => "svg",
            ChartFormat::Png => "png",
        }
    }
}

/// A validated `idx chart`.
#[derive(Clone, Debug)]
pub struct ChartRequest {
    /// What to read and how.
    pub read: ReadOptions,
    /// How the chart looks.
    pub style: Style,
    /// SVG or PNG.
    pub format: ChartFormat,
    /// The file to write atomically; `None`: stdout (`-o -`).
    pub output: Option<PathBuf>,
}

/// Draws the chart in `format`.
pub fn render(data: &ChartData, style: &Style, format: ChartFormat) -> Result<Vec<u8>, Error> {
    let bytes = match format {
        ChartFormat::Svg => svg(data, style),
        ChartFormat::Png => png(data, style),
    };
    bytes.map_err(|e| {
        DataError::new(format!("cannot draw the chart: {e}"))
            .hint("this is a bug in idx: please report it with the input")
            .into()
    })
}
