//! The level table `idx compute` writes, and the same numbers as values for the commands that
//! compute levels and go on with them (returns, relative with `--method`).

use super::{fixed, full, Cell, Table};
use crate::calc::{DayOutput, Method, TotalReturn};
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

/// What each level column of `idx compute`'s table is, for messages: with one method,
/// `level` is its level, `total_return` its total-return level and `net_total_return` its net
/// total-return level; with several, each method's column and its `_total_return` and
/// `_net_total_return` columns.
pub fn level_labels(methods: &[Method]) -> Vec<(String, String)> {
    let labels = |m: &str, column: &str| {
        let prefix = if column == "level" {
            String::new()
        } else {
            format!("{column}_")
        };
        [
            (column.to_string(), format!("{m} level")),
            (
                format!("{prefix}total_return"),
                format!("{m} total-return level"),
            ),
            (
                format!("{prefix}net_total_return"),
                format!("{m} net total-return level"),
            ),
        ]
    };
    match methods {
        [m] => labels(m.name(), "level").to_vec(),
        methods => methods
            .iter()
            .flat_map(|m| labels(m.name(), m.name()))
            .collect(),
    }
}

/// How a column of a [`LevelTable`] is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// Rounded to the table's decimals (levels).
    Rounded,
    /// With all its precision (the divisor, the count of constituents).
    Full,
}

/// The numbers `idx compute` writes, as values: the levels already rounded half away from zero
/// to `decimals` (the one rounding, here in `output`), so that a command reading them (returns,
/// relative with `--method`) gets exactly what a pipeline from `idx compute` would, without
/// writing and parsing text.
#[derive(Clone, Debug, PartialEq)]
pub struct LevelTable {
    /// `date`, then the value columns.
    pub headers: Vec<String>,
    /// How each value column is written (parallel to `headers[1..]`).
    pub written: Vec<Written>,
    /// Each date with its values (`None`: no value, an empty cell). A single method's row has
    /// no total-return cell on a date without one.
    pub rows: Vec<(NaiveDate, Vec<Option<Decimal>>)>,
    /// The decimals of the rounded columns.
    pub decimals: u32,
}

/// `value` rounded half away from zero to `decimals`, as [`fixed`] writes it.
pub fn rounded(value: Decimal, decimals: u32) -> Decimal {
    let mut r = value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(decimals);
    r
}

impl LevelTable {
    /// The values of a run of `methods` (`days`, with the total-return levels `total_return`
    /// asks for) from `from` to `to`, levels rounded to `dp` decimals. The total-return
    /// columns follow the levels: gross (`total_return`), then net (`net_total_return`); with
    /// several methods, one column of each kind per method.
    pub fn of(
        methods: &[Method],
        total_return: TotalReturn,
        days: &[DayOutput],
        dp: u32,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Self {
        let single = methods.len() == 1;
        let (gross, net) = (total_return.gross, total_return.net.is_some());
        let mut headers = vec!["date".to_string()];
        let mut written = Vec::new();
        if single {
            headers.extend(["level", "divisor", "constituents"].map(String::from));
            written.extend([Written::Rounded, Written::Full, Written::Full]);
        } else {
            headers.extend(methods.iter().map(|m| m.name().to_string()));
            written.extend(methods.iter().map(|_| Written::Rounded));
        }
        for (wanted, suffix) in [(gross, "total_return"), (net, "net_total_return")] {
            if !wanted {
                continue;
            }
            if single {
                headers.push(suffix.into());
                written.push(Written::Rounded);
            } else {
                headers.extend(methods.iter().map(|m| format!("{}_{suffix}", m.name())));
                written.extend(methods.iter().map(|_| Written::Rounded));
            }
        }
        let round = |v: Decimal| Some(rounded(v, dp));
        let rows = days
            .iter()
            .filter(|d| from.is_none_or(|f| d.date >= f) && to.is_none_or(|t| d.date <= t))
            .map(|d| {
                let mut row = Vec::new();
                if single {
                    let v = &d.values[0];
                    row.push(round(v.level));
                    row.push(Some(v.divisor.normalize()));
                    row.push(Some(Decimal::from(d.constituents)));
                    if let Some(tr) = v.total_return {
                        row.push(round(tr));
                    }
                    if let Some(tr) = v.net_total_return {
                        row.push(round(tr));
                    }
                } else {
                    row.extend(d.values.iter().map(|v| round(v.level)));
                    if gross {
                        row.extend(d.values.iter().map(|v| v.total_return.and_then(round)));
                    }
                    if net {
                        row.extend(d.values.iter().map(|v| v.net_total_return.and_then(round)));
                    }
                }
                (d.date, row)
            })
            .collect();
        LevelTable {
            headers,
            written,
            rows,
            decimals: dp,
        }
    }

    /// The table as `idx compute` writes it.
    pub fn table(&self) -> Table {
        let rows = self
            .rows
            .iter()
            .map(|(date, values)| {
                std::iter::once(Cell::Text(date.to_string()))
                    .chain(values.iter().zip(&self.written).map(|(v, w)| match (v, w) {
                        (None, _) => Cell::Empty,
                        (Some(v), Written::Rounded) => Cell::Number(fixed(*v, self.decimals)),
                        (Some(v), Written::Full) => Cell::Number(full(*v)),
                    }))
                    .collect()
            })
            .collect();
        Table {
            headers: self.headers.clone(),
            rows,
        }
    }
}
