//! The clap definitions of the commands that report on an index or a level series: returns,
//! weights, share, contrib, relative and chart (clap definitions only, as in [`super`]).

use super::{decimal, InputArgs, OutputArgs, RangeArgs};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use rust_decimal::Decimal;

pub(super) const RETURNS_HELP: &str = "Definitions (E: the last date on or before --as-of):
  complete     a month/quarter/year is complete when no session of it is left after E: the
               series' next date says so, or --calendar; at the end of a series without a
               calendar, weekdays
  MTD/QTD/YTD  from the last level before the month/quarter/year to E; a series that starts
               inside the period starts from its first level (marked partial, *)
  1M..10Y      when E ends a complete month: from the last level of the month N months
               earlier (factsheet convention: 1Y at a year's last session = that year);
               otherwise from the last level on or before the same calendar date N months
               before the as-of date (29 February becomes 28 February); longer than the
               series: n/a
  annualised   3Y/5Y/10Y: (1 + r)^(1/N) − 1; inception: (1 + r)^(365.25 / calendar days) − 1
               from a year; 1Y is not annualised again
  calendar     last level of the year / last level of the year before − 1 (n/a when the
               series' first level is the year's only one)
  monthly      last level of the month / last level of the month before − 1
  drawdown     the deepest fall from a running peak, with peak, trough and recovery dates
  volatility   sample standard deviation of daily log returns × √(observations per year),
               observations per year measured on the series (no 252-day assumption;
               --periods-per-year sets it)
  best         best and worst day and complete month, up and down months
  risk         3Y/5Y/10Y: sample standard deviation of the monthly returns to the last
               complete month-end × √12 (S&P DJI's annualized risk); return/risk = the
               annualised return of the same months / risk
  streaks      runs of higher (up) or lower (down) closes: the current one, the longest

Output: table/markdown show percentages rounded to --decimals; csv/json give plain decimal
fractions (0.2331 = 23.31%) with full precision, one row per series and metric.

Examples:
  idx returns --column Close --format markdown GSPC.csv
  idx compute --method cap-weighted prices.csv | idx returns --period ytd,calendar
  idx returns --method price-weighted,cap-weighted --as-of 2024-12-31 prices.csv
  idx returns --calendar jpx --period calendar,risk nikkei225.csv";

/// Parts of the returns report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    /// Month to date.
    Mtd,
    /// Quarter to date.
    Qtd,
    /// Year to date.
    Ytd,
    /// MTD, QTD and YTD.
    ToDate,
    /// One month.
    #[value(name = "1m")]
    M1,
    /// Three months.
    #[value(name = "3m")]
    M3,
    /// Six months.
    #[value(name = "6m")]
    M6,
    /// One year.
    #[value(name = "1y")]
    Y1,
    /// Three years.
    #[value(name = "3y")]
    Y3,
    /// Five years.
    #[value(name = "5y")]
    Y5,
    /// Ten years.
    #[value(name = "10y")]
    Y10,
    /// Since the first level.
    Inception,
    /// 1M to 10Y and since inception.
    Trailing,
    /// Calendar-year returns.
    Calendar,
    /// The year × month table.
    Monthly,
    /// Maximum drawdown.
    Drawdown,
    /// Annualised volatility.
    Volatility,
    /// Best and worst day and month, up and down months.
    Best,
    /// Risk: annualised standard deviation of monthly returns over 3, 5 and 10 years, and
    /// return/risk.
    Risk,
    /// Streaks of up and down closes.
    Streaks,
    /// Everything.
    All,
}

/// Exchange calendars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CalendarArg {
    /// New York Stock Exchange.
    Nyse,
    /// Japan Exchange Group (Tokyo Stock Exchange).
    Jpx,
}

/// `idx returns`.
#[derive(Debug, Args)]
pub struct ReturnsArgs {
    /// Input flags (with --method the file holds constituent data).
    #[command(flatten)]
    pub input: InputArgs,

    /// The level columns to report (comma-separated or repeated) [default: every column but
    /// the date, divisor and constituents].
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "NAME",
        help_heading = "Report"
    )]
    pub column: Vec<String>,

    /// Report as of this date [default: the last date].
    #[arg(long, value_name = "YYYY-MM-DD", help_heading = "Report")]
    pub as_of: Option<NaiveDate>,

    /// The exchange whose trading days say whether a month, quarter or year is complete at the
    /// end of the series [default: the series' own dates, then weekdays].
    #[arg(long, value_enum, value_name = "EXCHANGE", help_heading = "Report")]
    pub calendar: Option<CalendarArg>,

    /// Observations per year for the daily volatility, e.g. 252 [default: measured on the
    /// series].
    #[arg(long, value_parser = decimal, value_name = "N", help_heading = "Report")]
    pub periods_per_year: Option<Decimal>,

    /// Parts of the report (comma-separated) [default: all].
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "PART",
        help_heading = "Report"
    )]
    pub period: Vec<PeriodArg>,

    /// With --method: round the computed levels to this many decimals before computing
    /// returns, as idx compute writes them (so a pipeline gives the same figures).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=20), help_heading = "Report")]
    pub level_decimals: u32,

    /// Output flags (--decimals: of the percentages in table and markdown output).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `idx chart`.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// The CSV to draw: a date column and one or more columns of numbers; `-` or nothing reads
    /// stdin.
    #[arg(value_name = "FILE")]
    pub file: Option<String>,

    /// Output flags: -o FILE (.svg or .png) is required, `-` writes to stdout; --format svg
    /// or png [default: from the extension, svg with -o -].
    #[command(flatten)]
    pub output: OutputArgs,

    /// The columns to draw, one line each, in this order (comma-separated or repeated)
    /// [default: every numeric column but the date and the counts divisor, constituents and
    /// members].
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "NAME",
        help_heading = "Columns"
    )]
    pub column: Vec<String>,

    /// Name of the date column [default: date].
    #[arg(long, value_name = "NAME", help_heading = "Columns")]
    pub date_col: Option<String>,

    /// Date format as a strftime pattern (e.g. %m/%d/%Y); ISO YYYY-MM-DD is always accepted.
    #[arg(long, value_name = "PATTERN", help_heading = "Columns")]
    pub date_format: Option<String>,

    /// Title above the chart.
    #[arg(long, value_name = "TEXT", help_heading = "Chart")]
    pub title: Option<String>,

    /// Label of the y axis [default: none; with --rebase, what the values are rebased to].
    #[arg(long, value_name = "TEXT", help_heading = "Chart")]
    pub y_label: Option<String>,

    /// Log scale on the y axis (for long histories); every value must be greater than 0.
    #[arg(long, help_heading = "Chart")]
    pub log: bool,

    /// Rebase every series to VALUE at the first date (relative performance), e.g. 100.
    #[arg(long, value_parser = decimal, value_name = "VALUE", help_heading = "Chart")]
    pub rebase: Option<Decimal>,

    /// Width in pixels (300 to 6000).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(300..=6000), help_heading = "Chart")]
    pub width: u32,

    /// Height in pixels (200 to 6000).
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u32).range(200..=6000), help_heading = "Chart")]
    pub height: u32,
}

/// `idx weights`.
#[derive(Debug, Args)]
pub struct WeightsArgs {
    /// Input flags (--method: exactly one).
    #[command(flatten)]
    pub input: InputArgs,

    /// The date [default: the last index date].
    #[arg(long, value_name = "YYYY-MM-DD", help_heading = "Weights")]
    pub date: Option<NaiveDate>,

    /// Write only the N largest (ranks and cumulative weights still count every constituent).
    #[arg(long, value_name = "N", help_heading = "Weights")]
    pub top: Option<usize>,

    /// Sum the weights per value of this column of the prices file (e.g. group, sector).
    #[arg(long, value_name = "COLUMN", help_heading = "Weights")]
    pub by: Option<String>,

    /// Output flags.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `idx share`.
#[derive(Debug, Args)]
pub struct ShareArgs {
    /// Input flags (--method: exactly one).
    #[command(flatten)]
    pub input: InputArgs,

    /// The set's symbols, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "SYMBOLS",
        required_unless_present = "members_file",
        help_heading = "Share"
    )]
    pub members: Vec<String>,

    /// A file listing the set's symbols (a `symbol` column, or one symbol per line).
    #[arg(long, value_name = "FILE", help_heading = "Share")]
    pub members_file: Option<String>,

    /// Accept set members that are never in the index (warn instead of failing).
    #[arg(long, help_heading = "Share")]
    pub allow_missing: bool,

    /// The dates written.
    #[command(flatten)]
    pub range: RangeArgs,

    /// Output flags.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `idx contrib`.
#[derive(Debug, Args)]
pub struct ContribArgs {
    /// Input flags (--method: exactly one).
    #[command(flatten)]
    pub input: InputArgs,

    /// Only this date [default: every index date after the base date].
    #[arg(long, value_name = "YYYY-MM-DD", conflicts_with_all = ["from", "to"], help_heading = "Contributions")]
    pub date: Option<NaiveDate>,

    /// Per date, write only the N largest contributions up and the N largest down.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), help_heading = "Contributions")]
    pub top: Option<u32>,

    /// The dates written.
    #[command(flatten)]
    pub range: RangeArgs,

    /// Output flags.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `idx relative`.
#[derive(Debug, Args)]
pub struct RelativeArgs {
    /// Input flags: with --method (two methods) the first file holds constituent data.
    /// --base-date is the date the ratio is rebased to 100 [default: the first common date].
    #[command(flatten)]
    pub input: InputArgs,

    /// The second level file (B), when A and B come from two files.
    #[arg(value_name = "B")]
    pub other: Option<String>,

    /// The level columns: one per file (A.csv B.csv), or two of one file (A,B).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "NAME",
        help_heading = "Relative"
    )]
    pub column: Vec<String>,

    /// Use the dates both series have, warning about the others (default: dates that only one
    /// series has are an error).
    #[arg(long, help_heading = "Relative")]
    pub common_dates: bool,

    /// The dates written.
    #[command(flatten)]
    pub range: RangeArgs,

    /// Output flags.
    #[command(flatten)]
    pub output: OutputArgs,
}
