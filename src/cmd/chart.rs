//! `idx chart`: draw level series as SVG or PNG.

use crate::chart::{read, render, ChartFormat, ChartRequest, ReadOptions, Style};
use crate::cli::{ChartArgs, FormatArg};
use crate::error::Error;
use crate::input::{DateParser, Source};
use rust_decimal::Decimal;
use std::io::IsTerminal;

/// Validates `idx chart`'s flags.
pub fn request(args: ChartArgs) -> Result<ChartRequest, Error> {
    if args.output.decimals.is_some() {
        return Err(Error::usage(
            "idx chart draws the values as they are: --decimals does not apply",
            "drop --decimals",
        ));
    }
    let Some(output) = args.output.output.clone() else {
        return Err(Error::usage(
            "idx chart needs --output FILE (.svg or .png)",
            "give -o chart.svg, or -o - to write the image to stdout",
        ));
    };
    let flag = match args.output.format {
        None => None,
        Some(FormatArg::Svg) => Some(ChartFormat::Svg),
        Some(FormatArg::Png) => Some(ChartFormat::Png),
        Some(_) => {
            return Err(Error::usage(
                "idx chart writes images: --format svg or png",
                "drop --format to take it from the file's extension",
            ))
        }
    };
    let to_stdout = output.as_os_str() == "-";
    let format = if to_stdout {
        let format = flag.unwrap_or(ChartFormat::Svg);
        if format == ChartFormat::Png && std::io::stdout().is_terminal() {
            return Err(Error::usage(
                "refusing to write a PNG image to the terminal",
                "write it to a file with -o chart.png, or pipe stdout into a file or program",
            ));
        }
        format
    } else {
        let ext = output
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase());
        let from_ext = match ext.as_deref() {
            Some("svg") => Some(ChartFormat::Svg),
            Some("png") => Some(ChartFormat::Png),
            _ => None,
        };
        match (from_ext, flag) {
            (Some(e), Some(f)) if e != f => {
                return Err(Error::usage(
                    format!(
                        "--format {} contradicts the extension of {}",
                        f.name(),
                        output.display()
                    ),
                    format!("name the file .{} or drop --format", f.name()),
                ))
            }
            (Some(e), _) => e,
            (None, Some(f)) => f,
            (None, None) => {
                return Err(Error::usage(
                    format!(
                        "cannot tell the image format from the name {}: it needs the extension \
                         .svg or .png",
                        output.display()
                    ),
                    "name the file chart.svg or chart.png, or give --format svg|png",
                ))
            }
        }
    };
    if let Some(base) = args.rebase {
        if base <= Decimal::ZERO {
            return Err(Error::usage(
                format!("--rebase must be greater than 0, got {base}"),
                "give the value every series starts from, such as 100",
            ));
        }
    }
    let source = Source::from_arg(args.file.as_deref().unwrap_or("-"));
    super::args::not_a_terminal(
        &source,
        "no input file given",
        "give a CSV file, or pipe one in: idx compute -m cw prices.csv | idx chart -o chart.svg",
    )?;
    Ok(ChartRequest {
        read: ReadOptions {
            source,
            date_col: args.date_col,
            dates: DateParser::new(args.date_format),
            columns: args
                .column
                .into_iter()
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect(),
            log: args.log,
            rebase: args.rebase,
        },
        style: Style {
            title: args.title,
            y_label: args.y_label,
            log: args.log,
            width: args.width,
            height: args.height,
        },
        format,
        output: (!to_stdout).then_some(output),
    })
}

/// Runs `idx chart` from its flags.
pub fn run(args: ChartArgs) -> Result<(), Error> {
    draw(&request(args)?)
}

/// Runs `idx chart`: reads the data, draws it and writes the image.
pub fn draw(req: &ChartRequest) -> Result<(), Error> {
    let data = read(&req.read)?;
    let mut style = req.style.clone();
    if style.y_label.is_none() {
        if let Some(base) = req.read.rebase {
            style.y_label = Some(format!(
                "rebased to {} on {}",
                base.normalize(),
                data.dates[0]
            ));
        }
    }
    let bytes = render(&data, &style, req.format)?;
    crate::output::emit(&bytes, req.output.as_deref())
}
