//! Reports on computed indices: returns, drawdown and volatility (pure: no I/O, no clock).

pub mod returns;
