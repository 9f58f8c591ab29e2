//! Writing a check's findings: an aligned table, Markdown, CSV or JSON.

use super::Report;
use crate::output::text::{markdown, TextTable};
use crate::output::{Cell, Format, Table};

/// The output formats of `idx check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    /// Aligned text with a summary line (the default on a terminal).
    Table,
    /// A Markdown table with the summary.
    Markdown,
    /// One row per finding (the default when piped).
    Csv,
    /// An array of objects, one per finding.
    Json,
}

const HEADERS: [&str; 8] = [
    "file", "line", "date", "symbol", "severity", "kind", "message", "hint",
];

fn cells(report: &Report) -> Vec<Vec<Cell>> {
    let text = |s: Option<String>| s.map_or(Cell::Empty, Cell::Text);
    report
        .findings
        .iter()
        .map(|f| {
            vec![
                Cell::Text(f.file.clone()),
                f.line.map_or(Cell::Empty, |l| Cell::Number(l.to_string())),
                text(f.date.map(|d| d.to_string())),
                text(f.symbol.clone()),
                Cell::Text(f.severity.name().to_string()),
                Cell::Text(f.kind.name().to_string()),
                Cell::Text(f.message.clone()),
                text(f.hint.clone()),
            ]
        })
        .collect()
}

/// Renders `report` in `format`.
pub fn render(report: &Report, format: CheckFormat) -> Vec<u8> {
    let table = Table {
        headers: HEADERS.iter().map(|h| h.to_string()).collect(),
        rows: cells(report),
    };
    match format {
        CheckFormat::Csv => table.render(Format::Csv),
        CheckFormat::Json => table.render(Format::Json),
        CheckFormat::Table => plain(report, &table).into_bytes(),
        CheckFormat::Markdown => {
            let t = TextTable {
                title: "Findings".into(),
                headers: table.headers.clone(),
                rows: table
                    .rows
                    .iter()
                    .map(|r| r.iter().map(|c| c.text().to_string()).collect())
                    .collect(),
            };
            let tables = if report.findings.is_empty() {
                Vec::new()
            } else {
                vec![t]
            };
            markdown(&tables, &[report.summary()]).into_bytes()
        }
    }
}

/// Left-aligned columns (the line right-aligned), the hint last, then the summary.
fn plain(report: &Report, table: &Table) -> String {
    let mut out = String::new();
    if !report.findings.is_empty() {
        let mut width = vec![0usize; HEADERS.len()];
        for row in std::iter::once(
            &table
                .headers
                .iter()
                .map(|h| Cell::Text(h.clone()))
                .collect::<Vec<_>>(),
        )
        .chain(&table.rows)
        {
            for (i, c) in row.iter().enumerate() {
                width[i] = width[i].max(c.text().chars().count());
            }
        }
        let headers: Vec<Cell> = table
            .headers
            .iter()
            .map(|h| Cell::Text(h.clone()))
            .collect();
        for row in std::iter::once(&headers).chain(&table.rows) {
            let mut line = String::new();
            for (i, c) in row.iter().enumerate() {
                let s = c.text();
                let pad = " ".repeat(width[i] - s.chars().count());
                if i > 0 {
                    line.push_str("  ");
                }
                if i == 1 {
                    line.push_str(&pad);
                    line.push_str(s);
                } else {
                    line.push_str(s);
                    line.push_str(&pad);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(&report.summary());
    out.push('\n');
    out
}
