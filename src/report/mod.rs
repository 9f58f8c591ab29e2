//! Reports on computed indices: returns, drawdown, volatility, weights, shares, point
//! contributions and relative performance (pure: no I/O, no clock).

pub mod calendar;
pub mod compound;
pub mod contrib;
pub mod returns;
pub mod stats;
pub mod weights;
