//! The level table `idx compute` writes (and the levels other commands read back).

use super::{fixed, full, Cell, Table};
use crate::pipeline::IndexRun;
use chrono::NaiveDate;

/// What each level column of [`compute_table`]'s table is, for messages: with one method,
/// `level` is its level and `total_return` its total-return level; with several, each method's
/// column and its `_total_return` column.
pub fn level_labels(run: &IndexRun) -> Vec<(String, String)> {
    let labels = |m: &str, column: &str| {
        [
            (column.to_string(), format!("{m} level")),
            (
                if column == "level" {
                    "total_return".to_string()
                } else {
                    format!("{column}_total_return")
                },
                format!("{m} total-return level"),
            ),
        ]
    };
    match run.methods.as_slice() {
        [m] => labels(m.name(), "level").to_vec(),
        methods => methods
            .iter()
            .flat_map(|m| labels(m.name(), m.name()))
            .collect(),
    }
}

/// The table `idx compute` writes.
pub fn compute_table(
    run: &IndexRun,
    dp: u32,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Table {
    let single = run.methods.len() == 1;
    let mut headers = vec!["date".to_string()];
    if single {
        headers.extend(["level", "divisor", "constituents"].map(String::from));
        if run.total_return {
            headers.push("total_return".into());
        }
    } else {
        headers.extend(run.methods.iter().map(|m| m.name().to_string()));
        if run.total_return {
            headers.extend(
                run.methods
                    .iter()
                    .map(|m| format!("{}_total_return", m.name())),
            );
        }
    }
    let rows = run
        .days
        .iter()
        .filter(|d| from.is_none_or(|f| d.date >= f) && to.is_none_or(|t| d.date <= t))
        .map(|d| {
            let mut row = vec![Cell::Text(d.date.to_string())];
            if single {
                let v = &d.values[0];
                row.push(Cell::Number(fixed(v.level, dp)));
                row.push(Cell::Number(full(v.divisor)));
                row.push(Cell::Number(d.constituents.to_string()));
                if let Some(tr) = v.total_return {
                    row.push(Cell::Number(fixed(tr, dp)));
                }
            } else {
                row.extend(d.values.iter().map(|v| Cell::Number(fixed(v.level, dp))));
                if run.total_return {
                    row.extend(d.values.iter().map(|v| {
                        v.total_return
                            .map_or(Cell::Empty, |tr| Cell::Number(fixed(tr, dp)))
                    }));
                }
            }
            row
        })
        .collect();
    Table { headers, rows }
}
