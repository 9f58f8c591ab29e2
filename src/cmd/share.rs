//! `idx share`: a set of constituents' share of the index over time.

use super::args::{date_range, input_request, one_method, output_request, Numbers};
use super::weights::ranked;
use crate::calc::SymbolId;
use crate::cli::ShareArgs;
use crate::error::{DataError, Error};
use crate::input::{line_of, CsvReader, Source};
use crate::output::{self, Cell, Table};
use crate::pipeline::{load_input, run_index, Loaded};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// The set's symbols from `--members` and `--members-file`.
fn members(args: &ShareArgs) -> Result<Vec<String>, Error> {
    let mut names: Vec<String> = args
        .members
        .iter()
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    if let Some(file) = &args.members_file {
        let source = Source::from_arg(file);
        let input = &args.input;
        let stdin = |a: &Option<String>| a.as_deref() == Some("-");
        let others_read_stdin = input.prices.as_deref().is_none_or(|p| p == "-")
            || [
                &input.constituents,
                &input.shares,
                &input.actions,
                &input.divisors,
                &input.factors,
            ]
            .into_iter()
            .any(stdin);
        if source == Source::Stdin && others_read_stdin {
            return Err(Error::usage(
                "more than one input reads stdin ('-' or no prices file)",
                "give the other inputs as files",
            ));
        }
        names.extend(read_members(&source)?);
    }
    let mut seen = BTreeSet::new();
    names.retain(|n| seen.insert(n.clone()));
    if names.is_empty() {
        return Err(Error::usage(
            "the set has no members",
            "list them with --members AAPL,MSFT or --members-file FILE",
        ));
    }
    Ok(names)
}

/// The symbols listed in a members file, read as every input is (UTF-8 or Shift_JIS, a
/// byte-order mark, CRLF or lone-\r line ends, quoted fields): a header naming a symbol
/// column (`symbol`, `ticker` or `code`) picks that column; otherwise the file is one symbol
/// per line (the first column), its first line included. Empty cells are left out.
fn read_members(source: &Source) -> Result<Vec<String>, Error> {
    let mut reader = CsvReader::open(source, None)?;
    if !reader.header_is_utf8() {
        return Err(DataError::new("the row is not valid UTF-8")
            .file(reader.name())
            .line(1)
            .hint("save the file as UTF-8")
            .into());
    }
    let headers = reader.headers();
    let col = headers.iter().position(|h| {
        ["symbol", "ticker", "code"]
            .iter()
            .any(|n| h.eq_ignore_ascii_case(n))
    });
    let mut names: Vec<String> = Vec::new();
    if col.is_none() {
        names.extend(headers.first().filter(|c| !c.is_empty()).cloned());
    }
    let col = col.unwrap_or(0);
    let mut record = csv::ByteRecord::new();
    while reader.read(&mut record)? {
        let Some(cell) = record.get(col) else {
            continue;
        };
        let cell = std::str::from_utf8(cell).map_err(|_| {
            DataError::new("the value is not valid UTF-8")
                .file(reader.name())
                .line(line_of(&record))
                .column(reader.headers().get(col).cloned().unwrap_or_default())
                .value(String::from_utf8_lossy(cell.trim_ascii()))
                .hint("save the file as UTF-8")
        })?;
        let cell = cell.trim();
        if !cell.is_empty() {
            names.push(cell.to_string());
        }
    }
    Ok(names)
}

/// `idx share`.
pub fn run(args: ShareArgs, warn: &mut dyn FnMut(&str)) -> Result<(), Error> {
    let range = date_range(args.range)?;
    let names = members(&args)?;
    let out = output_request(args.output, Numbers::Fractions)?;
    let input = input_request(args.input)?;
    let mut silent = |_: &str| {};
    let warn: &mut dyn FnMut(&str) = if input.quiet { &mut silent } else { warn };
    one_method(&input, "share")?;
    let loaded = load_input(&input, warn)?;
    let mut ids: Vec<(String, SymbolId)> = Vec::new();
    for n in &names {
        match loaded.symbols.get(n) {
            Some(id) => ids.push((n.clone(), id)),
            None if args.allow_missing => {
                warn(&format!("{n} is not in the prices file; it counts as 0"))
            }
            None => {
                return Err(
                    DataError::new(format!("set member {n} is not in the prices file"))
                        .file(input.prices.name())
                        .hint("check the symbol, or pass --allow-missing to count it as 0")
                        .into(),
                )
            }
        }
    }
    let set: BTreeSet<SymbolId> = ids.iter().map(|x| x.1).collect();
    let mut present: BTreeMap<SymbolId, usize> = BTreeMap::new();
    let mut rows: Vec<(NaiveDate, Decimal, usize)> = Vec::new();
    let decimals = out.decimals;
    run_index(
        &input,
        &loaded,
        None,
        warn,
        Some(&mut |l: &Loaded,
                   _k: usize,
                   out: &crate::calc::DayOutput,
                   engine: &crate::calc::Engine| {
            let ranked = ranked(engine.holdings(0), l, out.date, decimals)?;
            let (mut share, mut n) = (Decimal::ZERO, 0);
            for (h, w) in ranked {
                if set.contains(&h.symbol) {
                    share += w;
                    n += 1;
                    *present.entry(h.symbol).or_default() += 1;
                }
            }
            rows.push((out.date, share, n));
            Ok(())
        }),
    )?;
    for (name, id) in &ids {
        match present.get(id) {
            None if !args.allow_missing => {
                return Err(DataError::new(format!(
                    "set member {name} is never a constituent of the index"
                ))
                .file(input.prices.name())
                .hint("check the symbol and the member list, or pass --allow-missing")
                .into())
            }
            None => warn(&format!(
                "{name} is never a constituent of the index; it counts as 0"
            )),
            Some(&n) if n < rows.len() => warn(&format!(
                "{name} is a constituent on {n} of {} index dates; it counts as 0 on the others",
                rows.len()
            )),
            Some(_) => {}
        }
    }
    let table = Table {
        headers: ["date", "share", "members"].map(String::from).to_vec(),
        rows: rows
            .into_iter()
            .filter(|r| range.contains(r.0))
            .map(|(d, s, n)| {
                vec![
                    Cell::Text(d.to_string()),
                    Cell::Number(output::fixed(s, decimals)),
                    Cell::Number(n.to_string()),
                ]
            })
            .collect(),
    };
    output::emit(&table.render(out.format), out.path.as_deref())
}
