//! `idx contrib`: each constituent's contribution to the change of the index level, per date.
//!
//! The calculation is [`crate::report::contrib`]; this file picks the dates, ranks, rounds (so
//! that the written contributions add up to the written change) and lays out the rows.

use super::args::{date_range, input_request, one_method, output_request, Numbers};
use super::weights::nearest;
use crate::calc::Holding;
use crate::cli::ContribArgs;
use crate::error::{DataError, Error};
use crate::output::{self, Cell, Table};
use crate::pipeline::{load_input, run_index, Loaded};
use crate::report::contrib::{self, round_to_sum, written, ContribError, DayContributions};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The columns written.
const HEADERS: [&str; 7] = [
    "date",
    "rank",
    "symbol",
    "contribution",
    "contribution_pct",
    "return_pct",
    "weight_pct",
];

/// The symbol cell of each date's first row, the index itself.
const INDEX_ROW: &str = "(index)";

fn contrib_error(e: ContribError, date: NaiveDate) -> Error {
    DataError::new(format!("{e} on {date}"))
        .hint("check the prices and share counts of that date and the day before")
        .into()
}

/// The levels of one date: `L'` and `L`.
struct Levels {
    previous: Decimal,
    level: Decimal,
}

/// The rows of one date: the index row, then one row per constituent ranked by contribution
/// (descending, then symbol), keeping with `top` the N largest up and N largest down.
fn day_rows(
    loaded: &Loaded,
    date: NaiveDate,
    levels: Levels,
    holdings: &[Holding],
    decimals: u32,
    top: Option<usize>,
) -> Result<Vec<Vec<Cell>>, Error> {
    let day: DayContributions = contrib::contributions(levels.previous, levels.level, holdings)
        .map_err(|e| contrib_error(e, date))?;
    let err = |e| contrib_error(e, date);
    // The written change is the change of the written levels; the written percentages add up
    // to the written percentage change and the written weights (percent) to 100.
    let change = written(levels.level, decimals) - written(levels.previous, decimals);
    let pct = written(day.percent, decimals);
    let in_a: Vec<usize> = (0..holdings.len())
        .filter(|&i| day.members[i].return_weight.is_some())
        .collect();
    let pick = |f: &dyn Fn(usize) -> Decimal| in_a.iter().map(|&i| f(i)).collect::<Vec<_>>();
    let points = round_to_sum(&pick(&|i| day.members[i].points), change, decimals).map_err(err)?;
    let pcts = round_to_sum(&pick(&|i| day.members[i].percent), pct, decimals).map_err(err)?;
    let raw_weights = pick(&|i| {
        day.members[i]
            .return_weight
            .map_or(Decimal::ZERO, |(_, w)| w * Decimal::ONE_HUNDRED)
    });
    let weights = if raw_weights.iter().all(|w| w.is_zero()) {
        raw_weights
    } else {
        round_to_sum(&raw_weights, Decimal::ONE_HUNDRED, decimals).map_err(err)?
    };
    // Written (contribution, contribution_pct, weight_pct) per holding; None outside A.
    let mut out: Vec<Option<(Decimal, Decimal, Decimal)>> = vec![None; holdings.len()];
    for (k, &i) in in_a.iter().enumerate() {
        out[i] = Some((points[k], pcts[k], weights[k]));
    }
    let name = |i: usize| loaded.symbols.name(holdings[i].symbol);
    let mut order: Vec<usize> = (0..holdings.len()).collect();
    order.sort_by(|&a, &b| {
        let (ca, cb) = (day.members[a].points, day.members[b].points);
        cb.cmp(&ca).then_with(|| name(a).cmp(name(b)))
    });
    let num = |x: Decimal| Cell::Number(output::fixed(x, decimals));
    let hundred = Decimal::ONE_HUNDRED;
    let mut rows = vec![vec![
        Cell::Text(date.to_string()),
        Cell::Empty,
        Cell::Text(INDEX_ROW.into()),
        num(change),
        num(pct),
        num(pct),
        num(hundred),
    ]];
    let n = order.len();
    for (r, &i) in order.iter().enumerate() {
        let exact = day.members[i].points;
        let kept = top.is_none_or(|t| {
            (r < t && exact > Decimal::ZERO) || (r + t >= n && exact < Decimal::ZERO)
        });
        if !kept {
            continue;
        }
        // Outside A: 0 points, no return and no weight.
        let (points, pct, ret, weight) = match (day.members[i].return_weight, out[i]) {
            (Some((ret, _)), Some((points, pct, weight))) => {
                let ret = ret
                    .checked_mul(hundred)
                    .ok_or_else(|| err(ContribError::Overflow("a return")))?;
                (points, pct, num(ret), num(weight))
            }
            _ => (Decimal::ZERO, Decimal::ZERO, Cell::Empty, Cell::Empty),
        };
        rows.push(vec![
            Cell::Text(date.to_string()),
            Cell::Number((r + 1).to_string()),
            Cell::Text(name(i).to_string()),
            num(points),
            num(pct),
            ret,
            weight,
        ]);
    }
    Ok(rows)
}

/// `idx contrib`.
pub fn run(args: ContribArgs, warn: &mut dyn FnMut(&str)) -> Result<(), Error> {
    let range = date_range(args.range)?;
    if args.input.total_return.is_some() || args.input.withholding.is_some() {
        return Err(Error::usage(
            "--total-return does not apply to idx contrib",
            "contributions are to the price level: drop --total-return",
        ));
    }
    if args.input.divisors.is_some() {
        return Err(Error::usage(
            "--divisors does not apply to idx contrib",
            "a given divisor resets the level instead of chaining it: drop --divisors",
        ));
    }
    let out = output_request(args.output, Numbers::Levels)?;
    let input = input_request(args.input)?;
    one_method(&input, "contrib")?;
    let loaded = load_input(&input, warn)?;
    let (decimals, top) = (out.decimals, args.top.map(|t| t as usize));
    let wanted = |d: NaiveDate| match args.date {
        Some(t) => d == t,
        None => range.contains(d),
    };
    let prices_name = input.prices.name();
    let mut previous: Option<Decimal> = None;
    let mut base: Option<NaiveDate> = None;
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut found = false;
    let run = run_index(
        &input,
        &loaded,
        None,
        warn,
        Some(&mut |l: &Loaded,
                   k: usize,
                   o: &crate::calc::DayOutput,
                   engine: &crate::calc::Engine| {
            let level = o.values[0].level;
            let Some(prev) = previous.replace(level) else {
                base = Some(o.date);
                return Ok(());
            };
            if !wanted(o.date) {
                return Ok(());
            }
            found = true;
            if l.prices.days.get(k).is_some_and(|d| d.divisor.is_some()) {
                return Err(DataError::new(format!(
                    "{} has a divisor in the prices file: the level there is not chained from \
                     the day before, so it has no contributions",
                    o.date
                ))
                .file(prices_name.clone())
                .hint("drop the divisor column, or choose other dates")
                .into());
            }
            let levels = Levels {
                previous: prev,
                level,
            };
            rows.extend(day_rows(
                l,
                o.date,
                levels,
                engine.holdings(0),
                decimals,
                top,
            )?);
            Ok(())
        }),
    )?;
    if let (Some(date), false) = (args.date, found) {
        let (message, hint) = if base == Some(date) {
            (
                format!("{date} is the base date: the index has no change on it"),
                "choose a later date".to_string(),
            )
        } else {
            (
                format!(
                    "{date} is not an index date (a date from the base date on with a constituent)"
                ),
                nearest(&run, date),
            )
        };
        return Err(DataError::new(message)
            .file(input.prices.name())
            .hint(hint)
            .into());
    }
    let table = Table {
        headers: HEADERS.map(String::from).to_vec(),
        rows,
    };
    output::emit(&table.render(out.format), out.path.as_deref())
}
