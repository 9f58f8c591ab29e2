//! Reports on computed indices: returns, drawdown, volatility, weights, shares and relative
//! performance (pure: no I/O, no clock).

pub mod returns;
pub mod weights;
