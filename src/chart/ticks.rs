//! Tick selection for the chart's axes: dates spaced by days, weeks, months or years depending on
//! the span, and values at round numbers on a linear or a log scale.
//!
//! Everything here is pure arithmetic on the axis range and the space available, so it is tested
//! on its own, without drawing anything.

use chrono::{Datelike, Months, NaiveDate};

/// The spacing of the date ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateStep {
    /// Every `n` days.
    Days(u32),
    /// Every `n` weeks, on Mondays.
    Weeks(u32),
    /// Every `n` months, on the first of the month (months 1, 1 + n, ... of the year).
    Months(u32),
    /// Every `n` years, on January 1 of years divisible by `n`.
    Years(u32),
}

/// The steps tried, finest first.
const DATE_STEPS: [DateStep; 21] = [
    DateStep::Days(1),
    DateStep::Days(2),
    DateStep::Weeks(1),
    DateStep::Weeks(2),
    DateStep::Months(1),
    DateStep::Months(2),
    DateStep::Months(3),
    DateStep::Months(6),
    DateStep::Years(1),
    DateStep::Years(2),
    DateStep::Years(5),
    DateStep::Years(10),
    DateStep::Years(20),
    DateStep::Years(25),
    DateStep::Years(50),
    DateStep::Years(100),
    DateStep::Years(200),
    DateStep::Years(250),
    DateStep::Years(500),
    DateStep::Years(1000),
    DateStep::Years(2000),
];

impl DateStep {
    /// The label of a tick: `2024-03-18` for days and weeks, `Mar 2024` for months, `2024` for
    /// years.
    pub fn label(self, date: NaiveDate) -> String {
        match self {
            DateStep::Days(_) | DateStep::Weeks(_) => date.format("%Y-%m-%d").to_string(),
            DateStep::Months(_) => date.format("%b %Y").to_string(),
            DateStep::Years(_) => date.format("%Y").to_string(),
        }
    }

    /// The number of characters of a label.
    fn label_chars(self) -> f64 {
        match self {
            DateStep::Days(_) | DateStep::Weeks(_) => 10.0,
            DateStep::Months(_) => 8.0,
            DateStep::Years(_) => 4.0,
        }
    }

    /// The step's length in days, roughly.
    fn approx_days(self) -> f64 {
        match self {
            DateStep::Days(n) => f64::from(n),
            DateStep::Weeks(n) => 7.0 * f64::from(n),
            DateStep::Months(n) => 30.44 * f64::from(n),
            DateStep::Years(n) => 365.25 * f64::from(n),
        }
    }

    /// The ticks of this step from `first` to `last` (inclusive).
    pub fn ticks(self, first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut push_while =
            |start: Option<NaiveDate>, next: &dyn Fn(NaiveDate) -> Option<NaiveDate>| {
                let mut d = start;
                while let Some(t) = d.filter(|t| *t <= last) {
                    out.push(t);
                    d = next(t);
                }
            };
        match self {
            DateStep::Days(n) => {
                let days = first.num_days_from_ce();
                let skip = (i64::from(n) - i64::from(days).rem_euclid(i64::from(n))) % i64::from(n);
                let start = first.checked_add_days(chrono::Days::new(skip as u64));
                push_while(start, &|d| {
                    d.checked_add_days(chrono::Days::new(u64::from(n)))
                });
            }
            DateStep::Weeks(n) => {
                let to_monday = (7 - first.weekday().num_days_from_monday()) % 7;
                let mut start = first.checked_add_days(chrono::Days::new(u64::from(to_monday)));
                // With n > 1, the Mondays whose week number (from 0001-01-01, a Monday) is a
                // multiple of n, so the ticks do not depend on where the data starts.
                if let Some(monday) = start {
                    let week = i64::from(monday.num_days_from_ce() - 1).div_euclid(7);
                    let skip = (i64::from(n) - week.rem_euclid(i64::from(n))) % i64::from(n);
                    start = monday.checked_add_days(chrono::Days::new(7 * skip as u64));
                }
                push_while(start, &|d| {
                    d.checked_add_days(chrono::Days::new(7 * u64::from(n)))
                });
            }
            DateStep::Months(n) => {
                let mut month = first.year() * 12 + first.month0() as i32;
                if first.day() != 1 {
                    month += 1;
                }
                month += (n as i32 - month.rem_euclid(n as i32)) % n as i32;
                let start = NaiveDate::from_ymd_opt(
                    month.div_euclid(12),
                    month.rem_euclid(12) as u32 + 1,
                    1,
                );
                push_while(start, &|d| d.checked_add_months(Months::new(n)));
            }
            DateStep::Years(n) => {
                let mut year = first.year();
                if first.ordinal() != 1 {
                    year += 1;
                }
                year += (n as i32 - year.rem_euclid(n as i32)) % n as i32;
                let start = NaiveDate::from_ymd_opt(year, 1, 1);
                push_while(start, &|d| {
                    NaiveDate::from_ymd_opt(d.year() + n as i32, 1, 1)
                });
            }
        }
        out
    }
}

/// Chooses the date ticks for an axis from `first` to `last` that is `axis_px` pixels wide, with
/// labels whose characters are about `char_px` pixels wide: the finest step whose labels fit
/// side by side with some space between them, with at most one tick per 80 pixels.
pub fn date_ticks(
    first: NaiveDate,
    last: NaiveDate,
    axis_px: f64,
    char_px: f64,
) -> (DateStep, Vec<NaiveDate>) {
    let span = (last - first).num_days().max(1) as f64;
    for step in DATE_STEPS {
        // Labels side by side with three characters between them, and at most one tick per
        // 80 pixels so the axis stays calm.
        let label_px = (step.label_chars() + 3.0) * char_px;
        let max = ((axis_px / label_px.max(80.0)).floor() as usize).max(2);
        if span / step.approx_days() > max as f64 + 2.0 {
            continue;
        }
        let ticks = step.ticks(first, last);
        if ticks.len() <= max {
            return (step, ticks);
        }
    }
    let step = DATE_STEPS[DATE_STEPS.len() - 1];
    (step, step.ticks(first, last))
}

/// The ticks of a value axis.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueTicks {
    /// The bottom of the axis (a tick, or the data's minimum on a log scale too narrow for
    /// round ticks).
    pub lo: f64,
    /// The top of the axis.
    pub hi: f64,
    /// The labelled ticks, increasing, from `lo` to `hi`.
    pub ticks: Vec<f64>,
    /// Their labels.
    pub labels: Vec<String>,
    /// Unlabelled minor grid lines (the 2..9 multiples between the decades of a log scale).
    pub minor: Vec<f64>,
}

/// Writes `v` with `decimals` decimals, without a minus sign on zero.
fn number(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.trim_start_matches('-')
        .bytes()
        .all(|c| c == b'0' || c == b'.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

/// Round-number ticks for a linear axis covering `min..=max`, at most `max_ticks` of them: the
/// smallest step of the form 1, 2 or 5 × 10^k (or 25 × 10^k) whose ticks, from the multiple of the step
/// at or below `min` to the one at or above `max`, are few enough. The axis runs from the first
/// tick to the last.
pub fn linear_ticks(min: f64, max: f64, max_ticks: usize) -> ValueTicks {
    let max_ticks = max_ticks.max(2);
    let (min, max) = if max > min {
        (min, max)
    } else {
        // A flat line: give it some room.
        let pad = if min == 0.0 { 1.0 } else { min.abs() * 0.05 };
        (min - pad, max + pad)
    };
    let mut exp = ((max - min) / max_ticks as f64).log10().floor() as i32 - 1;
    loop {
        for mantissa in [1.0, 2.0, 2.5, 5.0] {
            if mantissa == 2.5 && exp < 1 {
                // 25, 250 ... are round; 2.5 and 0.25 add a decimal.
                continue;
            }
            let step = mantissa * 10f64.powi(exp);
            let k0 = (min / step + 1e-9).floor();
            let k1 = (max / step - 1e-9).ceil();
            let n = (k1 - k0) as usize + 1;
            if n <= max_ticks {
                let decimals = (-exp).max(0) as usize;
                let ticks: Vec<f64> = (0..n).map(|i| (k0 + i as f64) * step).collect();
                let labels = ticks.iter().map(|&t| number(t, decimals)).collect();
                return ValueTicks {
                    lo: k0 * step,
                    hi: k1 * step,
                    ticks,
                    labels,
                    minor: Vec::new(),
                };
            }
        }
        exp += 1;
    }
}

/// Ticks for a log axis covering `min..=max` (both > 0), at most `max_ticks` of them: every
/// 1..9 × 10^k, or 1, 2 and 5 × 10^k, or the powers of ten (every one or every few), whichever is
/// the richest that fits. A range too narrow for two such ticks inside it (less than about a
/// factor of 3) gets round linear ticks instead, still drawn on the log scale.
pub fn log_ticks(min: f64, max: f64, max_ticks: usize) -> ValueTicks {
    let max_ticks = max_ticks.max(2);
    let e0 = (min.log10() + 1e-9).floor() as i32;
    let e1 = (max.log10() - 1e-9).ceil() as i32;
    let candidates = |set: &[u32]| -> Vec<f64> {
        let mut v = Vec::new();
        for e in e0..=e1.max(e0 + 1) {
            for &m in set {
                v.push(f64::from(m) * 10f64.powi(e));
            }
        }
        v
    };
    let all: Vec<u32> = (1..=9).collect();
    let sets: [&[u32]; 3] = [&all, &[1, 2, 5], &[1]];
    for (i, set) in sets.iter().enumerate() {
        let c = candidates(set);
        let lo = c
            .iter()
            .copied()
            .filter(|&t| t <= min * (1.0 + 1e-9))
            .fold(f64::NAN, f64::max);
        let hi = c
            .iter()
            .copied()
            .find(|&t| t >= max * (1.0 - 1e-9))
            .unwrap_or(f64::NAN);
        if lo.is_nan() || hi.is_nan() {
            continue;
        }
        let ticks: Vec<f64> = c
            .iter()
            .copied()
            .filter(|&t| t >= lo * (1.0 - 1e-9) && t <= hi * (1.0 + 1e-9))
            .collect();
        if i == 0 {
            let inside = ticks
                .iter()
                .filter(|&&t| t >= min * (1.0 - 1e-9) && t <= max * (1.0 + 1e-9))
                .count();
            if inside < 3 {
                let mut lin = linear_ticks(min, max, max_ticks);
                if lin.lo <= 0.0 {
                    // The round tick below the data would be 0 or less: start at the data.
                    lin.lo = min;
                    let first_label = lin.ticks.iter().position(|&t| t >= min);
                    if let Some(p) = first_label {
                        lin.ticks.drain(..p);
                        lin.labels.drain(..p);
                    }
                }
                return lin;
            }
        }
        if ticks.len() <= max_ticks {
            let minor = if i == 0 {
                Vec::new()
            } else {
                candidates(&all)
                    .into_iter()
                    .filter(|&t| {
                        t > lo && t < hi && !ticks.iter().any(|&k| (k / t - 1.0).abs() < 1e-9)
                    })
                    .collect()
            };
            let labels = ticks.iter().map(|&t| log_label(t)).collect();
            return ValueTicks {
                lo,
                hi,
                ticks,
                labels,
                minor,
            };
        }
    }
    // Too many decades for one tick each: every k-th power of ten.
    let decades = (e1 - e0).max(1) as usize;
    let k = decades.div_ceil(max_ticks - 1) as i32;
    let f0 = e0.div_euclid(k) * k;
    let f1 = -((-e1).div_euclid(k) * k);
    let ticks: Vec<f64> = (f0..=f1)
        .step_by(k as usize)
        .map(|e| 10f64.powi(e))
        .collect();
    let labels = ticks.iter().map(|&t| log_label(t)).collect();
    ValueTicks {
        lo: 10f64.powi(f0),
        hi: 10f64.powi(f1),
        ticks,
        labels,
        minor: Vec::new(),
    }
}

/// The label of a log tick (m × 10^k with a one-digit m): as many decimals as it needs.
fn log_label(t: f64) -> String {
    let decimals = (-(t.log10() + 1e-9).floor()).max(0.0) as usize;
    number(t, decimals)
}

#[cfg(test)]
mod tests;
