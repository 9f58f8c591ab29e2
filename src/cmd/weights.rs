//! `idx weights`: each constituent's weight on a date (or each group's).

use super::args::{input_request, one_method, output_request, Numbers};
use crate::calc::Holding;
use crate::cli::WeightsArgs;
use crate::error::{DataError, Error};
use crate::output::{self, Cell, Table};
use crate::pipeline::{load_input, run_index, IndexRun, Loaded};
use crate::report::weights::{self, WeightsError};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn weights_error(e: WeightsError, date: NaiveDate) -> Error {
    DataError::new(format!("{e} on {date}"))
        .hint("check the share counts of that date")
        .into()
}

/// The exact weights of `holdings`, ordered by weight (descending) then symbol name, and
/// rounded to `decimals` so that they add up to exactly 1: `(holding, weight)`.
pub(crate) fn ranked<'h>(
    holdings: &'h [Holding],
    loaded: &Loaded,
    date: NaiveDate,
    decimals: u32,
) -> Result<Vec<(&'h Holding, Decimal)>, Error> {
    let exact = weights::weights(holdings).map_err(|e| weights_error(e, date))?;
    let mut order: Vec<usize> = (0..holdings.len()).collect();
    let name = |i: usize| loaded.symbols.name(holdings[i].symbol);
    order.sort_by(|&a, &b| exact[b].cmp(&exact[a]).then_with(|| name(a).cmp(name(b))));
    let sorted: Vec<Decimal> = order.iter().map(|&i| exact[i]).collect();
    let rounded = weights::round_to_one(&sorted, decimals);
    Ok(order
        .iter()
        .zip(rounded)
        .map(|(&i, w)| (&holdings[i], w))
        .collect())
}

/// The date of an index run closest to `date` on each side, for messages.
pub(crate) fn nearest(run: &IndexRun, date: NaiveDate) -> String {
    let i = run.days.partition_point(|d| d.date < date);
    let near: Vec<String> = [i.checked_sub(1), Some(i)]
        .into_iter()
        .flatten()
        .filter_map(|k| run.days.get(k).map(|d| d.date.to_string()))
        .collect();
    if near.is_empty() {
        "the index has no dates".into()
    } else {
        format!("the nearest index dates are {}", near.join(" and "))
    }
}

/// `idx weights`.
pub fn run(args: WeightsArgs, warn: &mut dyn FnMut(&str)) -> Result<(), Error> {
    let out = output_request(args.output, Numbers::Fractions)?;
    let mut input = input_request(args.input)?;
    one_method(&input, "weights")?;
    input.columns.group = args.by.clone();
    let loaded = load_input(&input, warn)?;
    let target = args.date;
    let mut found: Option<(NaiveDate, usize, Vec<Holding>)> = None;
    let run = run_index(
        &input,
        &loaded,
        None,
        warn,
        Some(&mut |_: &Loaded,
                   k: usize,
                   out: &crate::calc::DayOutput,
                   engine: &crate::calc::Engine| {
            if target.is_none_or(|t| t == out.date) {
                found = Some((out.date, k, engine.holdings(0).to_vec()));
            }
            Ok(())
        }),
    )?;
    let Some((date, day, holdings)) = found else {
        let date = target.unwrap_or_default();
        return Err(DataError::new(format!(
            "{date} is not an index date (a date from the base date on with a constituent)"
        ))
        .file(input.prices.name())
        .hint(nearest(&run, date))
        .into());
    };
    let ranked = ranked(&holdings, &loaded, date, out.decimals)?;
    let full = |d: Decimal| Cell::Number(output::full(d));
    let fixed = |d: Decimal| Cell::Number(output::fixed(d, out.decimals));
    let mut table = Table::default();
    match &args.by {
        None => {
            table.headers = [
                "date",
                "rank",
                "symbol",
                "price",
                "index_shares",
                "value",
                "weight",
                "cumulative",
            ]
            .map(String::from)
            .to_vec();
            let mut cumulative = Decimal::ZERO;
            for (rank, (h, w)) in ranked.iter().enumerate() {
                cumulative += *w;
                table.rows.push(vec![
                    Cell::Text(date.to_string()),
                    Cell::Number((rank + 1).to_string()),
                    Cell::Text(loaded.symbols.name(h.symbol).to_string()),
                    full(h.price),
                    full(h.index_shares),
                    full(h.value),
                    fixed(*w),
                    fixed(cumulative),
                ]);
            }
        }
        Some(column) => {
            let groups = loaded.groups_through(day);
            let mut sums: BTreeMap<String, (Decimal, usize)> = BTreeMap::new();
            for (h, w) in &ranked {
                let g = groups[h.symbol as usize].map_or("(none)".to_string(), |g| {
                    loaded.prices.group_names[g as usize].clone()
                });
                let e = sums.entry(g).or_default();
                e.0 += *w;
                e.1 += 1;
            }
            let mut rows: Vec<(String, Decimal, usize)> =
                sums.into_iter().map(|(g, (w, n))| (g, w, n)).collect();
            rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            table.headers = [
                "date",
                "rank",
                column.as_str(),
                "constituents",
                "weight",
                "cumulative",
            ]
            .map(String::from)
            .to_vec();
            let mut cumulative = Decimal::ZERO;
            for (rank, (g, w, n)) in rows.into_iter().enumerate() {
                cumulative += w;
                table.rows.push(vec![
                    Cell::Text(date.to_string()),
                    Cell::Number((rank + 1).to_string()),
                    Cell::Text(g),
                    Cell::Number(n.to_string()),
                    fixed(w),
                    fixed(cumulative),
                ]);
            }
        }
    }
    if let Some(n) = args.top {
        table.rows.truncate(n);
    }
    output::emit(&table.render(out.format), out.path.as_deref())
}
