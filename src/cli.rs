//! The command line (clap definitions only). [`crate::cmd`] turns these raw values into a
//! validated request.

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use rust_decimal::Decimal;
use std::path::PathBuf;

mod reports;

use reports::RETURNS_HELP;
pub use reports::{
    CalendarArg, ChartArgs, ContribArgs, PeriodArg, RelativeArgs, ReturnsArgs, ShareArgs,
    WeightsArgs,
};

/// Compute stock index levels (price-, cap- and equal-weighted) from daily constituent data.
#[derive(Debug, Parser)]
#[command(name = "idx", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compute index levels and divisors from constituent prices.
    ///
    /// Reads a long CSV (date, symbol, price and, for cap-weighted, shares), keeps the level
    /// continuous over splits, membership and share changes by adjusting the divisor, and
    /// writes one row per index date: date,level,divisor,constituents.
    #[command(after_help = COMPUTE_EXAMPLES)]
    Compute(ComputeArgs),

    /// Returns of level series as index providers publish them: period-to-date, trailing, calendar
    /// years, months, drawdown, volatility, best and worst, risk and streaks.
    ///
    /// Reads a level series CSV (date plus one or more level columns, such as idx compute's
    /// output or a downloaded index history), or constituent data with --method (computing the
    /// levels first, exactly as idx compute does). Every figure is compounded from levels:
    /// end / base − 1.
    #[command(after_help = RETURNS_HELP)]
    Returns(ReturnsArgs),

    /// Each constituent's weight in the index on a date, with rank and cumulative weight.
    ///
    /// Weight = q·p / Σ q·p with the index's own index shares q (cap-weighted: shares × float;
    /// price-weighted: 1, so p / Σ p; equal-weighted: the shares of the last rebalance, so the
    /// weights have drifted since). Written weights are rounded by the largest-remainder method
    /// so that they add up to exactly 1.
    Weights(WeightsArgs),

    /// The time series of a set of constituents' share of the index (e.g. the largest seven's
    /// share of market cap), one row per index date.
    Share(ShareArgs),

    /// Each constituent's contribution to the change of the index level (寄与度), in points and
    /// in percent of the previous level, one block per index date.
    ///
    /// c = L(t−1) · q·(p − p̃) / Σ q·p̃ over the constituents with a previous close (p̃ restated
    /// for splits and special dividends); price-weighted: (p − p̃) / divisor. The contributions
    /// of a date add up to exactly the level change, written ones to the written change.
    Contrib(ContribArgs),

    /// The ratio of two level series on their common dates, rebased to 100: 100 · (A/A0) / (B/B0).
    ///
    /// Reads two level files (A.csv B.csv), or two columns of one file (--column A,B), or
    /// computes two methods from constituent data (--method equal-weighted,cap-weighted).
    Relative(RelativeArgs),

    /// Draw a line chart (SVG or PNG) of level series: index levels, relative performance,
    /// shares.
    ///
    /// Reads a date,value... CSV (such as idx compute's output): one line per numeric column
    /// (the counts divisor, constituents and members are not series), with a legend, dates on
    /// the x axis and round numbers on the y axis.
    #[command(after_help = CHART_EXAMPLES)]
    Chart(ChartArgs),

    /// Validate constituent data: list what looks wrong, one finding per line.
    ///
    /// Errors are what compute would refuse (duplicates, bad or missing prices and dates,
    /// negative shares, wrong field counts); warnings are what it accepts but is probably
    /// wrong (dates out of order, gaps, unrecorded splits, bad prints that reverse the next
    /// day, stale prices, share counts that jump, incomplete rows). Exit 1 if there are errors
    /// (or any finding with --strict).
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
}

const CHECK_EXAMPLES: &str = "Examples:
  idx check prices.csv
  idx check --actions actions.csv --format csv prices.csv > findings.csv
  idx check --symbol-col Name --strict sp500_stocks.csv";

/// `idx check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The prices file (CSV with a header row); `-` or nothing reads stdin.
    #[arg(value_name = "PRICES")]
    pub prices: Option<String>,

    /// Corporate actions (date,symbol,action,value): recorded splits are not reported, and
    /// actions that do not fit the prices are.
    #[arg(long, value_name = "FILE", help_heading = "Input files")]
    pub actions: Option<String>,

    /// Share counts (symbol,shares[,date][,float]); they take precedence over the prices
    /// file's shares column, as in compute.
    #[arg(long, value_name = "FILE", help_heading = "Input files")]
    pub shares: Option<String>,

    /// How the prices file is laid out and read, as in compute.
    #[command(flatten)]
    pub columns: ColumnArgs,

    /// Report a price that is the same on N or more consecutive dates (0: never).
    #[arg(long, default_value_t = 5, value_name = "N", help_heading = "Check")]
    pub stale_days: usize,

    /// Exit 1 when anything is found, warnings included.
    #[arg(long, help_heading = "Check")]
    pub strict: bool,

    /// Output flags (no --decimals: check writes no computed numbers).
    #[command(flatten)]
    pub output: OutputArgs,
}

const CHART_EXAMPLES: &str = "Examples:
  idx chart levels.csv -o levels.svg --title \"Sample index\"
  idx compute -m pw,cw,ew --actions data/actions.csv data/prices.csv | idx chart -o m.svg
  idx chart sp500.csv -o sp500.png --log --column value --y-label \"S&P 500\"
  idx chart levels.csv -o - --format png > levels.png";

const COMPUTE_EXAMPLES: &str = "Examples:
  idx compute --method cap-weighted --actions data/actions.csv data/prices.csv
  idx compute -m pw,cw,ew --actions data/actions.csv data/prices.csv
  idx compute -m pw,cw,ew --infer-splits data/prices.csv   # splits found from the prices
  idx compute --method price-weighted --divisors divisors.csv --constituents dow.csv all.csv
  cat prices.csv | idx compute --method equal-weighted --rebalance third-friday -";

/// An index weighting method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Sum of prices / divisor (the Dow).
    #[value(alias = "price", alias = "pw")]
    PriceWeighted,
    /// Float-adjusted market cap / divisor (S&P 500, NASDAQ).
    #[value(alias = "cap", alias = "cw")]
    CapWeighted,
    /// Equal weights at each rebalance, then held (S&P 500 Equal Weight).
    #[value(alias = "equal", alias = "ew")]
    EqualWeighted,
    /// Capped market-cap weights at each rebalance, then held (Nasdaq-100, S&P capped and
    /// sector indices); needs --cap.
    Capped,
}

/// Equal-weight rebalancing schedules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RebalanceArg {
    /// After the close of the last index date of March, June, September and December.
    Quarterly,
    /// After the close of the third Friday of Mar/Jun/Sep/Dec, shares from the Friday before.
    ThirdFriday,
    /// After the close of the last index date of every month.
    Monthly,
    /// After every close (the level is the mean of the constituents' returns).
    Daily,
    /// Never: buy and hold from the base date.
    None,
}

/// Which FX rate pairs with an index date (`--fx-date`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FxDateArg {
    /// The rate dated the index date.
    Same,
    /// The first rate dated after the index date (a US close at the next Tokyo morning's TTM).
    Next,
    /// The last rate dated before the index date.
    Previous,
}

/// Output formats (`--format`), one list for every command: the data commands write csv,
/// json, table or markdown; chart writes svg or png.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
    /// Aligned text.
    Table,
    /// Markdown tables.
    Markdown,
    /// Scalable vector graphics (idx chart).
    Svg,
    /// A PNG image (idx chart).
    Png,
}

/// Text encodings of input files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    /// UTF-8 (with or without a byte-order mark).
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// Shift_JIS (Japanese).
    #[value(name = "shift_jis", alias = "sjis", alias = "shift-jis")]
    ShiftJis,
}

fn thousands(s: &str) -> Result<u8, String> {
    match s.as_bytes() {
        [c @ (b',' | b'.' | b'\'' | b' ' | b'_')] => Ok(*c),
        _ => Err("give one character: , . ' _ or a space".into()),
    }
}

fn decimal(s: &str) -> Result<Decimal, String> {
    crate::input::parse_decimal(s.trim())
}

/// How a prices file is laid out and read: column names, date format, encoding, numbers.
/// Shared by every command that reads constituent data (compute, returns, weights, share,
/// relative, check).
#[derive(Debug, Args)]
pub struct ColumnArgs {
    /// Date format of the input files as a strftime pattern (e.g. %m/%d/%Y); ISO YYYY-MM-DD is
    /// always accepted.
    #[arg(long, value_name = "PATTERN", help_heading = "Columns")]
    pub date_format: Option<String>,

    /// Name of the date column [default: date].
    #[arg(long, value_name = "NAME", help_heading = "Columns")]
    pub date_col: Option<String>,

    /// Name of the symbol column [default: symbol, ticker or code].
    #[arg(long, value_name = "NAME", help_heading = "Columns")]
    pub symbol_col: Option<String>,

    /// Name of the price column [default: price or close].
    #[arg(long, value_name = "NAME", help_heading = "Columns")]
    pub price_col: Option<String>,

    /// Name of the shares column [default: shares].
    #[arg(long, value_name = "NAME", help_heading = "Columns")]
    pub shares_col: Option<String>,

    /// Text encoding of the input files [default: UTF-8, or Shift_JIS when a file does not
    /// start as valid UTF-8].
    #[arg(long, value_enum, value_name = "ENCODING", help_heading = "Columns")]
    pub encoding: Option<EncodingArg>,

    /// Accept numbers with this thousands separator (quoted in CSV: "1,234.50").
    #[arg(long, value_name = "CHAR", value_parser = thousands, help_heading = "Columns")]
    pub thousands: Option<u8>,

    /// Column aliases: a CSV `column,alias` mapping idx's names (date, symbol, price, shares,
    /// float, divisor, group) to the headers of your files, e.g. `price,終値`.
    #[arg(long, value_name = "FILE", help_heading = "Columns")]
    pub column_map: Option<String>,

    /// Wide layout: `date` then one price column per symbol (as spreadsheets lay it out);
    /// share counts then come from --shares.
    #[arg(long, help_heading = "Columns")]
    pub wide: bool,
}

/// The input flags shared by every command that computes an index.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// The prices file (CSV with a header row); `-` or nothing reads stdin.
    #[arg(value_name = "PRICES")]
    pub prices: Option<String>,

    /// Weighting method(s), comma-separated: computed side by side in one pass.
    #[arg(short, long, value_enum, value_delimiter = ',', value_name = "METHOD")]
    pub method: Vec<MethodArg>,

    /// Member list (symbol[,start][,end], dates inclusive, empty = open) for a prices file that
    /// holds a larger universe. A member without a price keeps its last close.
    #[arg(long, value_name = "FILE", help_heading = "Input files")]
    pub constituents: Option<String>,

    /// Share counts (symbol,shares[,date][,float]) effective from date until the symbol's next
    /// row; they take precedence over the prices file's shares column.
    #[arg(long, value_name = "FILE", help_heading = "Input files")]
    pub shares: Option<String>,

    /// Corporate actions (date,symbol,action,value) effective at that date's open: split
    /// (new shares per old share), special_dividend, dividend (cash per share).
    #[arg(long, value_name = "FILE", help_heading = "Input files")]
    pub actions: Option<String>,

    /// Divisors (date,divisor) in force on the listed dates: the level there is exactly
    /// Σ q·p / divisor.
    #[arg(long, value_name = "FILE", help_heading = "Input files")]
    pub divisors: Option<String>,

    /// Nikkei-style price adjustment factors and capping ratios (symbol,factor[,cap_ratio]
    /// [,date]) for price-weighted: the level is Σ price × factor × cap_ratio / divisor, and a
    /// split multiplies the factor instead of moving the divisor.
    #[arg(long, value_name = "FILE", help_heading = "Input files")]
    pub factors: Option<String>,

    /// How the prices file is laid out and read.
    #[command(flatten)]
    pub columns: ColumnArgs,

    /// Skip rows with a bad value (empty, NaN, inf, ≤ 0 price ...) instead of failing; each
    /// skip is reported on stderr, with a count at the end.
    #[arg(long, help_heading = "Columns")]
    pub skip_bad_rows: bool,

    /// The divisor on the base date (the base level is then Σ q·p / divisor).
    #[arg(long, value_parser = decimal, value_name = "VALUE", help_heading = "Index")]
    pub divisor: Option<Decimal>,

    /// Level on the base date [default: 100 for cap- and equal-weighted; the average price for
    /// price-weighted].
    #[arg(long, value_parser = decimal, value_name = "VALUE", help_heading = "Index")]
    pub base_value: Option<Decimal>,

    /// Base date [default: the first date with a constituent].
    #[arg(long, value_name = "YYYY-MM-DD", help_heading = "Index")]
    pub base_date: Option<NaiveDate>,

    /// Equal-weight rebalancing schedule [default: quarterly].
    #[arg(long, value_enum, value_name = "SCHEDULE", help_heading = "Index")]
    pub rebalance: Option<RebalanceArg>,

    /// Equal-weight rebalancing after the close of these dates (comma-separated).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "DATES",
        conflicts_with = "rebalance",
        help_heading = "Index"
    )]
    pub rebalance_dates: Vec<NaiveDate>,

    /// With --factors: at each --cap-review-dates date lower the capping ratio of any member
    /// whose price weight exceeds this, in steps of 0.1, in (0, 1] (Nikkei: 0.10).
    #[arg(long, value_name = "WEIGHT", help_heading = "Index")]
    pub weight_cap: Option<Decimal>,

    /// The --weight-cap review dates (comma-separated), each after its close (or the close of
    /// the last index date before it); the new capping ratios apply from the next date.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "DATES",
        help_heading = "Index"
    )]
    pub cap_review_dates: Vec<NaiveDate>,

    /// Capped: no member above this weight at a rebalance, in (0, 1] (0.10 for 10%).
    #[arg(long, value_name = "WEIGHT", help_heading = "Index")]
    pub cap: Option<Decimal>,

    /// Capped: with --cap-aggregate, the weight above which members count toward the aggregate
    /// limit (below --cap; Nasdaq-100: 0.045, S&P Select Sector: 0.048).
    #[arg(
        long,
        value_name = "WEIGHT",
        requires = "cap_aggregate",
        help_heading = "Index"
    )]
    pub cap_threshold: Option<Decimal>,

    /// Capped: the members above --cap-threshold together at most this weight, in (0, 1]
    /// (Nasdaq-100: 0.48, S&P Select Sector: 0.50).
    #[arg(
        long,
        value_name = "WEIGHT",
        requires = "cap_threshold",
        help_heading = "Index"
    )]
    pub cap_aggregate: Option<Decimal>,

    /// Also compute total-return indices, ordinary dividends reinvested on the ex-date: gross
    /// (the default, in full), net (after withholding tax at --withholding) or gross,net (both,
    /// side by side).
    #[arg(
        long,
        value_name = "KIND",
        num_args = 0..=1,
        default_missing_value = "gross",
        help_heading = "Index"
    )]
    pub total_return: Option<String>,

    /// The withholding tax rate of --total-return net, in [0, 1): 0.30 reinvests 70% of each
    /// dividend (S&P and MSCI net indices; Nasdaq's net convention is 0.30).
    #[arg(
        long,
        value_parser = decimal,
        value_name = "RATE",
        allow_negative_numbers = true,
        help_heading = "Index"
    )]
    pub withholding: Option<Decimal>,

    /// Do not print warnings (carried prices, unused divisors, moves that look like unrecorded
    /// splits) on stderr.
    #[arg(short, long)]
    pub quiet: bool,

    /// Refuse (exit 1) input in which a move makes the levels wrong (a price move that looks
    /// like a split with no split action, a split action that does not fit the prices) instead
    /// of warning.
    #[arg(long, help_heading = "Index")]
    pub strict: bool,

    /// Apply the splits that the prices show (a move close to 1/n or n with no split action,
    /// as idx check finds them) as split actions. A heuristic: check the warnings it prints.
    #[arg(long, help_heading = "Index")]
    pub infer_splits: bool,

    /// FX rates (date,rate, or date,currency,rate with a currency column in the prices file):
    /// target-currency units per unit of the prices' currency. Prices and dividends are
    /// converted before the index is computed (the index in yen: 円換算).
    #[arg(long, value_name = "FILE", help_heading = "Input files")]
    pub fx: Option<String>,

    /// Which rate pairs with each index date: the rate dated that day, the first one after it
    /// (a US close at the next Tokyo morning's TTM) or the last one before it [default: same].
    #[arg(long, value_enum, value_name = "WHEN", help_heading = "Input files")]
    pub fx_date: Option<FxDateArg>,

    /// Carry the last rate over an index date without one (one warning per gap) instead of
    /// failing.
    #[arg(long, help_heading = "Input files")]
    pub fx_carry: bool,
}

/// The output flags, one definition shared by every command.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Decimals of the numbers written, rounded half away from zero (only when writing)
    /// [default: 2 for levels (compute, relative) and percentages (returns); 10 for weights and
    /// shares, which are rounded so that they add up to exactly 1].
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=20), help_heading = "Output")]
    pub decimals: Option<u32>,

    /// Output format [default: csv; returns and check: table on a terminal, csv otherwise;
    /// chart: from the extension of --output, svg with -o -].
    #[arg(long, value_enum, value_name = "FORMAT", help_heading = "Output")]
    pub format: Option<FormatArg>,

    /// Write to FILE instead of stdout (a regular file is replaced atomically: nothing is left
    /// behind if the run fails; devices and FIFOs are written directly); idx chart needs it
    /// (`-` writes the image to stdout).
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
}

/// `--from` and `--to`: the dates a command writes, shared by compute, share, contrib and
/// relative.
#[derive(Clone, Copy, Debug, Args)]
pub struct RangeArgs {
    /// First date to write (the calculation still starts at the base date).
    #[arg(long, value_name = "YYYY-MM-DD", help_heading = "Output")]
    pub from: Option<NaiveDate>,

    /// Last date to write.
    #[arg(long, value_name = "YYYY-MM-DD", help_heading = "Output")]
    pub to: Option<NaiveDate>,
}

/// `idx compute`.
#[derive(Debug, Args)]
pub struct ComputeArgs {
    /// Input flags.
    #[command(flatten)]
    pub input: InputArgs,

    /// The dates written.
    #[command(flatten)]
    pub range: RangeArgs,

    /// Run idx check's checks on the input first, strictly: any finding (listed on stderr)
    /// stops the run with exit code 1.
    #[arg(long, help_heading = "Input files")]
    pub check: bool,

    /// One index per value of this column of the prices file (e.g. group: a sector index for
    /// each sector), each with its own divisor, side by side.
    #[arg(long, value_name = "COLUMN", help_heading = "Index")]
    pub group_by: Option<String>,

    /// Output flags.
    #[command(flatten)]
    pub output: OutputArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn methods_are_comma_separated() {
        let cli = Cli::try_parse_from(["idx", "compute", "--method", "price-weighted,cw", "p.csv"])
            .unwrap();
        let Command::Compute(args) = cli.command else {
            panic!("not compute");
        };
        assert_eq!(
            args.input.method,
            vec![MethodArg::PriceWeighted, MethodArg::CapWeighted]
        );
        assert_eq!(args.output.decimals, None);
    }
}
