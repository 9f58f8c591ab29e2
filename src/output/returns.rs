//! Writing `idx returns`'s reports: records (CSV, JSON) with every figure exact, or tables
//! (aligned text, Markdown) with percentages rounded half away from zero.

use super::text::{self, TextTable};
use super::{Cell, Format, Table};
use crate::report::returns::{self as calc, PeriodReturn, Report, ToDate, Trailing};
use crate::report::stats::{Extreme, Stats, Streak};
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Aligned text.
    Table,
    /// Markdown tables.
    Markdown,
    /// Records as CSV or JSON.
    Records(Format),
}

/// The parts of the report to include.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parts {
    /// Period-to-date figures.
    pub to_date: Vec<ToDate>,
    /// Trailing periods.
    pub trailing: Vec<Trailing>,
    /// Calendar-year returns.
    pub calendar: bool,
    /// The monthly table.
    pub monthly: bool,
    /// Maximum drawdown.
    pub drawdown: bool,
    /// Volatility.
    pub volatility: bool,
    /// Best and worst day and month, up and down months.
    pub best: bool,
    /// Risk (3, 5, 10 years) and return/risk.
    pub risk: bool,
    /// Streaks of up and down closes.
    pub streaks: bool,
}

/// Renders the reports in the requested format.
///
/// Percentages in the table and Markdown formats have `decimals` decimals; the records (CSV,
/// JSON) carry every figure exactly.
pub fn render(
    reports: &[(String, Report)],
    parts: &Parts,
    decimals: u32,
    format: ReportFormat,
) -> Vec<u8> {
    match format {
        ReportFormat::Records(f) => records(reports, parts).render(f),
        ReportFormat::Table => {
            let (tables, notes) = human(reports, parts, decimals);
            text::plain(&tables, &notes).into_bytes()
        }
        ReportFormat::Markdown => {
            let (tables, notes) = human(reports, parts, decimals);
            text::markdown(&tables, &notes).into_bytes()
        }
    }
}

fn full(d: Decimal) -> Cell {
    Cell::Number(crate::output::full(d))
}

fn date_cell(d: Option<NaiveDate>) -> Cell {
    d.map_or(Cell::Empty, |d| Cell::Text(d.to_string()))
}

/// One record per series and metric: `series,metric,value,start,end,partial,note`.
fn records(reports: &[(String, Report)], parts: &Parts) -> Table {
    let headers = [
        "series", "metric", "value", "start", "end", "partial", "note",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = Vec::new();
    for (name, r) in reports {
        let push_period = |metric: String, p: &PeriodReturn, rows: &mut Vec<Vec<Cell>>| {
            let (start, end) = p.span.map_or((None, None), |(s, e)| (Some(s), Some(e)));
            let note = match (p.value, p.span) {
                (None, None) => {
                    Cell::Text("not available: the period starts before the series".into())
                }
                (None, Some(_)) => Cell::Text("not available: a single level in the period".into()),
                (Some(_), _) => Cell::Empty,
            };
            rows.push(vec![
                Cell::Text(name.clone()),
                Cell::Text(metric.clone()),
                p.value.map_or(Cell::Empty, full),
                date_cell(start),
                date_cell(end),
                Cell::Number(p.partial.to_string()),
                note,
            ]);
            if let Some(a) = p.annualized {
                rows.push(vec![
                    Cell::Text(name.clone()),
                    Cell::Text(format!("{metric}_annualized")),
                    full(a),
                    date_cell(start),
                    date_cell(end),
                    Cell::Number(p.partial.to_string()),
                    Cell::Empty,
                ]);
            }
        };
        for t in &parts.to_date {
            let i = ToDate::ALL.iter().position(|x| x == t).unwrap_or(0);
            push_period(t.label().to_lowercase(), &r.to_date[i], &mut rows);
        }
        for t in &parts.trailing {
            let i = Trailing::ALL.iter().position(|x| x == t).unwrap_or(0);
            push_period(t.label().to_lowercase(), &r.trailing[i], &mut rows);
        }
        if parts.calendar {
            for p in &r.calendar {
                push_period(format!("calendar_{}", p.label), p, &mut rows);
            }
        }
        if parts.monthly {
            for row in &r.monthly {
                for p in row.months.iter().flatten() {
                    push_period(format!("month_{}", p.label), p, &mut rows);
                }
            }
        }
        drawdown_records(name, r, parts, &mut rows);
        stats_records(name, &r.stats, parts, &mut rows);
    }
    Table { headers, rows }
}

/// The records of the maximum drawdown and the volatility of series `name`.
fn drawdown_records(name: &str, r: &Report, parts: &Parts, rows: &mut Vec<Vec<Cell>>) {
    if parts.drawdown {
        match &r.drawdown {
            Some(d) => rows.push(vec![
                Cell::Text(name.to_string()),
                Cell::Text("max_drawdown".into()),
                full(d.value),
                date_cell(Some(d.peak)),
                date_cell(Some(d.trough)),
                Cell::Number("false".into()),
                Cell::Text(match d.recovery {
                    Some(rec) => format!("recovered {rec}"),
                    None => "not recovered".into(),
                }),
            ]),
            None => rows.push(vec![
                Cell::Text(name.to_string()),
                Cell::Text("max_drawdown".into()),
                Cell::Number("0".into()),
                Cell::Empty,
                Cell::Empty,
                Cell::Number("false".into()),
                Cell::Text("the series never falls below a previous peak".into()),
            ]),
        }
    }
    if parts.volatility {
        let first = r.calendar.first().and_then(|p| p.span.map(|s| s.0));
        match &r.volatility {
            Some(v) => {
                rows.push(vec![
                    Cell::Text(name.to_string()),
                    Cell::Text("volatility".into()),
                    full(v.annualized),
                    date_cell(first),
                    date_cell(Some(r.end)),
                    Cell::Number("false".into()),
                    Cell::Text(format!("{} daily log returns", v.observations)),
                ]);
                rows.push(vec![
                    Cell::Text(name.to_string()),
                    Cell::Text("observations_per_year".into()),
                    full(v.per_year),
                    date_cell(first),
                    date_cell(Some(r.end)),
                    Cell::Number("false".into()),
                    Cell::Empty,
                ]);
            }
            None => rows.push(vec![
                Cell::Text(name.to_string()),
                Cell::Text("volatility".into()),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Number("false".into()),
                Cell::Text("not available: fewer than two returns".into()),
            ]),
        }
    }
}

/// The records of the factsheet figures ([`Stats`]) of series `name`.
fn stats_records(name: &str, s: &Stats, parts: &Parts, rows: &mut Vec<Vec<Cell>>) {
    let mut push =
        |metric: String, value: Cell, span: Option<(NaiveDate, NaiveDate)>, note: &str| {
            let (start, end) = span.map_or((None, None), |(a, b)| (Some(a), Some(b)));
            let note = if note.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(note.to_string())
            };
            rows.push(vec![
                Cell::Text(name.to_string()),
                Cell::Text(metric),
                value,
                date_cell(start),
                date_cell(end),
                Cell::Number("false".into()),
                note,
            ]);
        };
    let count = |n: usize| Cell::Number(n.to_string());
    if parts.best {
        let extremes = [
            ("best_day", &s.best_day),
            ("worst_day", &s.worst_day),
            ("best_month", &s.best_month),
            ("worst_month", &s.worst_month),
        ];
        for (metric, e) in extremes {
            match e {
                Some(e) => push(
                    metric.into(),
                    full(e.value),
                    Some((e.base, e.end)),
                    &e.label,
                ),
                None => push(metric.into(), Cell::Empty, None, "not available"),
            }
        }
        push(
            "up_months".into(),
            count(s.up_months),
            None,
            "complete months",
        );
        push(
            "down_months".into(),
            count(s.down_months),
            None,
            "complete months",
        );
    }
    if parts.risk {
        for k in &s.risk {
            let y = k.years;
            let missing = format!("not available: fewer than {} complete months", y * 12);
            let value = |v: Option<Decimal>| v.map_or(Cell::Empty, full);
            let note = |v: Option<Decimal>| if v.is_some() { "" } else { missing.as_str() };
            push(format!("risk_{y}y"), value(k.value), k.span, note(k.value));
            push(
                format!("risk_{y}y_annual_return"),
                value(k.annual_return),
                k.span,
                note(k.annual_return),
            );
            push(
                format!("return_risk_{y}y"),
                value(k.ratio),
                k.span,
                note(k.ratio),
            );
        }
    }
    if parts.streaks {
        let streaks = [
            ("streak_current", &s.current_streak),
            ("streak_longest_up", &s.longest_up),
            ("streak_longest_down", &s.longest_down),
        ];
        for (metric, st) in streaks {
            match st {
                Some(st) => push(
                    metric.into(),
                    count(st.length),
                    Some((st.start, st.end)),
                    if st.up { "up closes" } else { "down closes" },
                ),
                None => push(metric.into(), Cell::Empty, None, "none"),
            }
        }
    }
}

/// `r` as a percentage rounded half away from zero, with a sign when `signed`.
pub fn percent(r: Decimal, decimals: u32, signed: bool) -> String {
    let p = (r * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    let body = format!("{:.*}%", decimals as usize, p.abs());
    if p.is_sign_negative() && !p.is_zero() {
        format!("-{body}")
    } else if signed {
        format!("+{body}")
    } else {
        body
    }
}

fn period_cell(p: &PeriodReturn, dp: u32) -> String {
    match p.value {
        None => "n/a".into(),
        Some(v) => format!(
            "{}{}",
            percent(v, dp, true),
            if p.partial { "*" } else { "" }
        ),
    }
}

/// The human report: one table per part, series side by side.
fn human(reports: &[(String, Report)], parts: &Parts, dp: u32) -> (Vec<TextTable>, Vec<String>) {
    let Some((_, r0)) = reports.first() else {
        return (Vec::new(), Vec::new());
    };
    let as_of = if r0.end == r0.as_of {
        format!("as of {}", r0.end)
    } else {
        format!("as of {} (last level {})", r0.as_of, r0.end)
    };
    let h = Human { reports, dp, as_of };
    let mut tables = Vec::new();
    if !parts.to_date.is_empty() {
        tables.push(h.to_date(parts));
    }
    if !parts.trailing.is_empty() {
        tables.push(h.trailing(parts));
    }
    if parts.calendar {
        tables.push(h.calendar());
    }
    if parts.monthly {
        tables.extend(h.monthly());
    }
    if parts.drawdown {
        tables.push(h.drawdown());
    }
    if parts.volatility {
        tables.push(h.volatility());
    }
    if parts.best {
        tables.push(h.best());
    }
    if parts.risk {
        tables.push(h.risk());
    }
    if parts.streaks {
        tables.push(h.streaks());
    }
    let notes = vec![
        "* partial: the series starts or ends inside the period. n/a: the period is longer than \
         the series, or holds only its first level."
            .to_string(),
    ];
    (tables, notes)
}

/// What every table of the human report needs.
struct Human<'a> {
    reports: &'a [(String, Report)],
    dp: u32,
    /// `as of …` for the titles.
    as_of: String,
}

impl Human<'_> {
    /// `first` then the series' names.
    fn header(&self, first: &str) -> Vec<String> {
        std::iter::once(first.to_string())
            .chain(self.reports.iter().map(|(n, _)| n.clone()))
            .collect()
    }

    /// Period to date.
    fn to_date(&self, parts: &Parts) -> TextTable {
        let rows = parts
            .to_date
            .iter()
            .map(|t| {
                let i = ToDate::ALL.iter().position(|x| x == t).unwrap_or(0);
                std::iter::once(t.label().to_string())
                    .chain(
                        self.reports
                            .iter()
                            .map(|(_, r)| period_cell(&r.to_date[i], self.dp)),
                    )
                    .collect()
            })
            .collect();
        TextTable {
            title: format!("Period to date, {}", self.as_of),
            headers: self.header(""),
            rows,
        }
    }

    /// Trailing periods, with their annualised figures.
    fn trailing(&self, parts: &Parts) -> TextTable {
        let mut rows = Vec::new();
        for t in &parts.trailing {
            let i = Trailing::ALL.iter().position(|x| x == t).unwrap_or(0);
            rows.push(
                std::iter::once(t.label())
                    .chain(
                        self.reports
                            .iter()
                            .map(|(_, r)| period_cell(&r.trailing[i], self.dp)),
                    )
                    .collect(),
            );
            if self
                .reports
                .iter()
                .any(|(_, r)| r.trailing[i].annualized.is_some())
            {
                rows.push(
                    std::iter::once(format!("{} annualised", t.label()))
                        .chain(self.reports.iter().map(|(_, r)| {
                            r.trailing[i]
                                .annualized
                                .map_or("n/a".to_string(), |a| percent(a, self.dp, true))
                        }))
                        .collect(),
                );
            }
        }
        TextTable {
            title: format!("Trailing, {}", self.as_of),
            headers: self.header(""),
            rows,
        }
    }

    /// Calendar years.
    fn calendar(&self) -> TextTable {
        let mut years: Vec<String> = self
            .reports
            .iter()
            .flat_map(|(_, r)| r.calendar.iter().map(|p| p.label.clone()))
            .collect();
        years.sort();
        years.dedup();
        let rows = years
            .iter()
            .map(|y| {
                std::iter::once(y.clone())
                    .chain(self.reports.iter().map(|(_, r)| {
                        r.calendar
                            .iter()
                            .find(|p| &p.label == y)
                            .map_or(String::new(), |p| period_cell(p, self.dp))
                    }))
                    .collect()
            })
            .collect();
        TextTable {
            title: "Calendar years".into(),
            headers: self.header(""),
            rows,
        }
    }

    /// One monthly table per series.
    fn monthly(&self) -> Vec<TextTable> {
        let mut tables = Vec::new();
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        for (name, r) in self.reports {
            let headers = std::iter::once(String::new())
                .chain(MONTHS.iter().map(|m| m.to_string()))
                .chain(std::iter::once("Year".to_string()))
                .collect();
            let rows = r
                .monthly
                .iter()
                .map(|row| {
                    std::iter::once(row.year.to_string())
                        .chain(row.months.iter().map(|m| {
                            m.as_ref()
                                .map_or(String::new(), |p| period_cell(p, self.dp))
                        }))
                        .chain(std::iter::once(period_cell(&row.total, self.dp)))
                        .collect()
                })
                .collect();
            tables.push(TextTable {
                title: format!("Monthly returns: {name}"),
                headers,
                rows,
            });
        }
        tables
    }

    /// Maximum drawdown.
    fn drawdown(&self) -> TextTable {
        let cell = |f: &dyn Fn(&calc::Drawdown) -> String, none: &str| -> Vec<String> {
            self.reports
                .iter()
                .map(|(_, r)| r.drawdown.as_ref().map_or(none.to_string(), f))
                .collect()
        };
        let row = |label: &str, cells: Vec<String>| {
            std::iter::once(label.to_string()).chain(cells).collect()
        };
        TextTable {
            title: "Maximum drawdown".into(),
            headers: self.header(""),
            rows: vec![
                row("drawdown", cell(&|d| percent(d.value, self.dp, true), "0")),
                row("peak", cell(&|d| d.peak.to_string(), "")),
                row("trough", cell(&|d| d.trough.to_string(), "")),
                row(
                    "recovery",
                    cell(
                        &|d| d.recovery.map_or("not recovered".into(), |x| x.to_string()),
                        "",
                    ),
                ),
            ],
        }
    }

    /// Volatility of daily log returns.
    fn volatility(&self) -> TextTable {
        let vol = |f: &dyn Fn(&calc::Volatility) -> String| -> Vec<String> {
            self.reports
                .iter()
                .map(|(_, r)| r.volatility.as_ref().map_or("n/a".to_string(), f))
                .collect()
        };
        TextTable {
            title: "Volatility of daily log returns".into(),
            headers: self.header(""),
            rows: vec![
                std::iter::once("annualised".to_string())
                    .chain(vol(&|v| percent(v.annualized, self.dp, false)))
                    .collect(),
                std::iter::once("observations per year".to_string())
                    .chain(vol(&|v| {
                        v.per_year
                            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
                            .to_string()
                    }))
                    .collect(),
            ],
        }
    }

    /// One row: `label`, then `cell` of each series' stats.
    fn stats_row(&self, label: &str, cell: &dyn Fn(&Stats) -> String) -> Vec<String> {
        std::iter::once(label.to_string())
            .chain(self.reports.iter().map(|(_, r)| cell(&r.stats)))
            .collect()
    }

    /// Best and worst day and month, up and down months.
    fn best(&self) -> TextTable {
        let dp = self.dp;
        let extreme = |e: &Option<Extreme>| {
            e.as_ref().map_or("n/a".to_string(), |e| {
                format!("{} ({})", percent(e.value, dp, true), e.label)
            })
        };
        TextTable {
            title: "Best and worst".into(),
            headers: self.header(""),
            rows: vec![
                self.stats_row("best day", &|s| extreme(&s.best_day)),
                self.stats_row("worst day", &|s| extreme(&s.worst_day)),
                self.stats_row("best month", &|s| extreme(&s.best_month)),
                self.stats_row("worst month", &|s| extreme(&s.worst_month)),
                self.stats_row("up months", &|s| s.up_months.to_string()),
                self.stats_row("down months", &|s| s.down_months.to_string()),
            ],
        }
    }

    /// Risk: annualised standard deviation of monthly returns, and return/risk.
    fn risk(&self) -> TextTable {
        let dp = self.dp;
        let mut rows = Vec::new();
        for (k, years) in crate::report::stats::RISK_YEARS.iter().enumerate() {
            rows.push(self.stats_row(&format!("{years}Y risk"), &|s| {
                s.risk[k]
                    .value
                    .map_or("n/a".into(), |v| percent(v, dp, false))
            }));
            rows.push(self.stats_row(&format!("{years}Y return/risk"), &|s| {
                s.risk[k]
                    .ratio
                    .map_or("n/a".into(), |v| super::fixed(v, dp))
            }));
        }
        TextTable {
            title: "Risk: annualised standard deviation of monthly returns".into(),
            headers: self.header(""),
            rows,
        }
    }

    /// Streaks of up and down closes.
    fn streaks(&self) -> TextTable {
        let streak = |st: &Option<Streak>| {
            st.as_ref().map_or("none".to_string(), |st| {
                let way = if st.up { "up" } else { "down" };
                format!("{} {way} ({} to {})", st.length, st.start, st.end)
            })
        };
        TextTable {
            title: "Streaks of closes".into(),
            headers: self.header(""),
            rows: vec![
                self.stats_row("current", &|s| streak(&s.current_streak)),
                self.stats_row("longest up", &|s| streak(&s.longest_up)),
                self.stats_row("longest down", &|s| streak(&s.longest_down)),
            ],
        }
    }
}
