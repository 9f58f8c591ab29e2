//! `idx compute`: index levels and divisors from constituent prices (and `--group-by`: one
//! index per group, side by side).

use super::args::{compute_request, ComputeRequest};
use crate::cli::ComputeArgs;
use crate::error::{DataError, Error};
use crate::input::{self};
use crate::output::{self, Cell, Table};
use crate::pipeline::{compute_index, load_input, run_index, InputRequest};
use std::collections::BTreeMap;

/// Runs `idx compute`.
pub fn run(args: ComputeArgs, warn: &mut dyn FnMut(&str)) -> Result<(), Error> {
    let req = compute_request(args)?;
    if req.check {
        check_input(&req.input, warn)?;
    }
    let table = match &req.group_by {
        Some(column) => compute_groups(&req, column, warn)?,
        None => {
            let run = compute_index(&req.input, warn)?;
            run.table(req.output.decimals, req.range.from, req.range.to)
        }
    };
    output::emit(&table.render(req.output.format), req.output.path.as_deref())
}

/// `compute --check`: runs idx check on the input (strictly) and refuses it if anything is
/// found; the findings go to stderr.
fn check_input(req: &InputRequest, warn: &mut dyn FnMut(&str)) -> Result<(), Error> {
    let check_req = crate::check::CheckRequest {
        prices: req.prices.clone(),
        columns: crate::check::CheckColumns {
            date: req.columns.date.clone(),
            symbol: req.columns.symbol.clone(),
            price: req.columns.price.clone(),
            shares: req.columns.shares.clone(),
        },
        date_format: req.dates.format().map(str::to_string),
        text: req.columns.text.clone(),
        actions: req.actions.clone(),
        shares: req.shares.clone(),
        thresholds: crate::check::Thresholds::default(),
        strict: true,
        wide: req.columns.wide,
        format: crate::check::CheckFormat::Csv,
        output: None,
    };
    let report = crate::check::check(&check_req)?;
    if report.findings.is_empty() {
        return Ok(());
    }
    for f in &report.findings {
        let mut place = vec![f.file.clone()];
        place.extend(f.line.map(|l| format!("line {l}")));
        place.extend(f.date.map(|d| d.to_string()));
        place.extend(f.symbol.clone());
        warn(&format!(
            "{}: {}: {}",
            place.join(", "),
            f.kind.name(),
            f.message
        ));
    }
    Err(DataError::new(format!(
        "--check: the input fails idx check ({})",
        report.summary()
    ))
    .file(req.prices.name())
    .hint("fix the rows listed above, or run without --check (idx check FILE lists them too)")
    .into())
}

/// `idx compute --group-by COLUMN`: one index per group, side by side.
pub fn compute_groups(
    req: &ComputeRequest,
    column: &str,
    warn: &mut dyn FnMut(&str),
) -> Result<Table, Error> {
    if req.input.divisors.is_some() || req.input.spec.base_divisor.is_some() {
        return Err(Error::usage(
            "--group-by computes one index per group: a given divisor cannot apply to them all",
            "drop --divisor/--divisors",
        ));
    }
    let mut input = req.input.clone();
    input.columns.group = Some(column.to_string());
    let loaded = load_input(&input, warn)?;
    if loaded.prices.group_names.is_empty() {
        return Err(
            DataError::new(format!("the column '{column}' is empty on every row"))
                .file(input.prices.name())
                .hint("fill in the group of each row")
                .into(),
        );
    }
    let mut names: Vec<(String, u32)> = loaded
        .prices
        .group_names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i as u32))
        .collect();
    names.sort();
    let mut runs = Vec::new();
    for (name, g) in &names {
        let run = run_index(&input, &loaded, Some(*g), warn, None)?;
        runs.push((
            name.clone(),
            run.table(req.output.decimals, req.range.from, req.range.to),
        ));
    }
    let methods = &req.input.spec.methods;
    let mut headers = vec!["date".to_string()];
    let mut picks: Vec<(usize, usize)> = Vec::new(); // (run, column in its table)
    for (r, (name, t)) in runs.iter().enumerate() {
        for (c, h) in t.headers.iter().enumerate().skip(1) {
            if input::NOT_SERIES.contains(&h.as_str()) {
                continue;
            }
            let label = match (methods.len(), h.as_str()) {
                (1, "level") => name.clone(),
                (1, other) => format!("{name}_{other}"),
                (_, other) => format!("{name}:{other}"),
            };
            headers.push(label);
            picks.push((r, c));
        }
    }
    let mut by_date: BTreeMap<String, Vec<Cell>> = BTreeMap::new();
    for (k, &(r, c)) in picks.iter().enumerate() {
        for row in &runs[r].1.rows {
            let cells = by_date
                .entry(row[0].text().to_string())
                .or_insert_with(|| vec![Cell::Empty; picks.len()]);
            cells[k] = row[c].clone();
        }
    }
    Ok(Table {
        headers,
        rows: by_date
            .into_iter()
            .map(|(d, cells)| std::iter::once(Cell::Text(d)).chain(cells).collect())
            .collect(),
    })
}
