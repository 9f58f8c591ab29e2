//! `idx check`: validate constituent data and list what looks wrong.

use super::args::column_names;
use super::args::{not_a_terminal, one_stdin, report_format};
use crate::check::{check, render, verdict, CheckColumns, CheckFormat, CheckRequest, Thresholds};
use crate::cli::CheckArgs;
use crate::error::Error;
use crate::input::Source;
use crate::output::Format;

/// Validates `idx check`'s flags.
pub fn request(args: CheckArgs) -> Result<CheckRequest, Error> {
    if args.stale_days == 1 {
        return Err(Error::usage(
            "--stale-days must be 0 (off) or at least 2",
            "a price is stale when it is the same on N consecutive dates, e.g. --stale-days 5",
        ));
    }
    let prices = Source::from_arg(args.prices.as_deref().unwrap_or("-"));
    let aux = |a: &Option<String>| a.as_deref().map(Source::from_arg);
    let (actions, shares) = (aux(&args.actions), aux(&args.shares));
    one_stdin(&[Some(&prices), actions.as_ref(), shares.as_ref()])?;
    not_a_terminal(
        &prices,
        "no prices file given",
        "give a prices file, or pipe one in: cat prices.csv | idx check",
    )?;
    if args.output.decimals.is_some() {
        return Err(Error::usage(
            "idx check writes no computed numbers: --decimals does not apply",
            "drop --decimals",
        ));
    }
    let format = match report_format(&args.output)? {
        Format::Table => CheckFormat::Table,
        Format::Markdown => CheckFormat::Markdown,
        Format::Csv => CheckFormat::Csv,
        Format::Json => CheckFormat::Json,
    };
    let names = column_names(&args.columns)?;
    Ok(CheckRequest {
        text: names.text,
        prices,
        columns: CheckColumns {
            date: names.date,
            symbol: names.symbol,
            price: names.price,
            shares: names.shares,
        },
        date_format: args.columns.date_format,
        wide: names.wide,
        actions,
        shares,
        thresholds: Thresholds {
            stale_days: args.stale_days,
            ..Thresholds::default()
        },
        strict: args.strict,
        format,
        output: args.output.output,
    })
}

/// Runs `idx check`: writes the report, then fails (exit 1) if it holds errors, or anything
/// with `--strict`.
pub fn run(args: CheckArgs) -> Result<(), Error> {
    let req = request(args)?;
    let report = check(&req)?;
    let bytes = render(&report, req.format);
    crate::output::emit(&bytes, req.output.as_deref())?;
    verdict(&report, req.strict, req.output.as_deref())
}
