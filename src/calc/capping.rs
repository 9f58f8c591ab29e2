//! Capped market-cap weights: the one capping routine, pure and exact.
//!
//! [`cap_weights`] turns float-adjusted market caps `c_i ≥ 0` into weights `w_i` with
//! `Σ w_i = 1` exactly, no `w_i` above `cap`, and (with a [`CapRule::threshold`] and
//! [`CapRule::aggregate`]) the members above the threshold together at most the aggregate.
//!
//! # The steps
//!
//! Every member is either *free* or *fixed* at a weight. A free member's weight is its share
//! of what the fixed ones leave, pro rata to its market cap:
//! `w_i = c_i / Σ_free c · (1 − Σ_fixed w)`. Redistributing an excess "pro rata to the
//! members that receive it" is exactly this rescaling of the free members.
//!
//! 1. **Single cap.** While a free member is above `cap`, fix every such member at `cap`
//!    (their excess goes pro rata to the free members), and recompute.
//! 2. **Aggregate rule** (S&P Select Sector style). While the members above `threshold`
//!    together exceed `aggregate`: take the smallest member above the threshold (the first in
//!    input order among equals) and fix it at `threshold`; every other member at or above the
//!    threshold is fixed at its current weight, so that the excess goes pro rata to the members
//!    below the threshold only. Then step 1 runs again (a member pushed above `cap` is capped)
//!    and step 2 checks again. A member fixed at the threshold stays there, so this ends after
//!    at most one round per member.
//!
//! The S&P Select Sector Indices Methodology caps each company at 25% and, when the companies
//! above 4.8% together exceed 50%, reduces the smallest of them to 4.8% (or just enough) and
//! redistributes, repeating as needed. The Nasdaq-100 Index Methodology's quarterly rule
//! differs: no security above 24% and those above 4.5% together at most 48%, but a breaching
//! security is set to 20% and the group above 4.5% is brought down to 40%, not merely to the
//! limits. idx applies the limits themselves (the S&P form) for every parameter set.
//!
//! # Rounding
//!
//! A free member's weight is `c_i / Σ_free c · R` rounded toward zero to [`WEIGHT_DECIMALS`]
//! decimals; `cap`, `threshold` and the weights fixed at their current value are exact. The
//! residue `1 − Σ w` (a few units of the last decimal) is then given to one member, so that the
//! weights sum to 1 exactly: a positive residue to the largest member that can take it without
//! breaking a rule (first in input order among equals), a negative one taken from the largest
//! member (lowering a weight never breaks a rule).

use rust_decimal::{Decimal, RoundingStrategy};

/// Decimals of a computed weight.
pub const WEIGHT_DECIMALS: u32 = 20;

/// The capping parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CapRule {
    /// No member above this weight, in `(0, 1]`.
    pub cap: Decimal,
    /// With `aggregate`: the weight above which members count toward the aggregate limit
    /// (below `cap`).
    pub threshold: Option<Decimal>,
    /// With `threshold`: the most the members above the threshold may weigh together, in
    /// `(0, 1]`.
    pub aggregate: Option<Decimal>,
}

/// Why no weighting satisfies the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapError {
    /// Fewer than `1/cap` members with a positive market cap.
    TooFewMembers {
        /// Members with a positive market cap.
        members: usize,
    },
    /// The aggregate rule leaves weight that no member below the threshold can take.
    AggregateInfeasible {
        /// Members with a positive market cap.
        members: usize,
    },
    /// No market cap is positive, or a sum overflowed.
    Degenerate,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Free,
    Fixed(Decimal),
}

/// The capped weights of market caps `caps` (in order), summing to 1 exactly.
pub fn cap_weights(caps: &[Decimal], rule: &CapRule) -> Result<Vec<Decimal>, CapError> {
    let members = caps
        .iter()
        .filter(|c| c.is_sign_positive() && !c.is_zero())
        .count();
    if members == 0 {
        return Err(CapError::Degenerate);
    }
    let n = Decimal::from(members);
    if n.checked_mul(rule.cap).is_none_or(|t| t < Decimal::ONE) {
        return Err(CapError::TooFewMembers { members });
    }
    let mut state = vec![State::Free; caps.len()];
    let infeasible = CapError::AggregateInfeasible { members };
    let mut w = single_cap(caps, &mut state, rule.cap, infeasible)?;
    if let (Some(thr), Some(agg)) = (rule.threshold, rule.aggregate) {
        while above_sum(&w, thr)? > agg {
            let j = (0..w.len())
                .filter(|&i| w[i] > thr)
                .min_by(|&a, &b| w[a].cmp(&w[b]).then(a.cmp(&b)))
                .ok_or(CapError::Degenerate)?;
            for i in 0..w.len() {
                if i == j {
                    state[i] = State::Fixed(thr);
                } else if w[i] >= thr && state[i] == State::Free {
                    state[i] = State::Fixed(w[i]);
                }
            }
            w = single_cap(caps, &mut state, rule.cap, infeasible)?;
        }
    }
    settle_residue(&mut w, rule, infeasible)?;
    Ok(w)
}

/// Step 1 on the current states: fixes free members above `cap` at `cap` until none is.
fn single_cap(
    caps: &[Decimal],
    state: &mut [State],
    cap: Decimal,
    infeasible: CapError,
) -> Result<Vec<Decimal>, CapError> {
    loop {
        let w = spread(caps, state, infeasible)?;
        let mut changed = false;
        for i in 0..w.len() {
            if state[i] == State::Free && w[i] > cap {
                state[i] = State::Fixed(cap);
                changed = true;
            }
        }
        if !changed {
            return Ok(w);
        }
    }
}

/// The weights of the current states: fixed ones as fixed, free ones pro rata to their market
/// caps over what the fixed ones leave, rounded toward zero.
fn spread(
    caps: &[Decimal],
    state: &[State],
    infeasible: CapError,
) -> Result<Vec<Decimal>, CapError> {
    let mut fixed = Decimal::ZERO;
    let mut free = Decimal::ZERO;
    for (c, s) in caps.iter().zip(state) {
        match s {
            State::Fixed(v) => fixed = fixed.checked_add(*v).ok_or(CapError::Degenerate)?,
            State::Free => free = free.checked_add(*c).ok_or(CapError::Degenerate)?,
        }
    }
    let rest = Decimal::ONE - fixed;
    if rest.is_sign_negative() && !rest.is_zero() {
        return Err(infeasible);
    }
    if free.is_zero() && !rest.is_zero() {
        return Err(infeasible);
    }
    caps.iter()
        .zip(state)
        .map(|(c, s)| match s {
            State::Fixed(v) => Ok(*v),
            State::Free if c.is_zero() || rest.is_zero() => Ok(Decimal::ZERO),
            State::Free => c
                .checked_div(free)
                .and_then(|r| r.checked_mul(rest))
                .map(|v| v.round_dp_with_strategy(WEIGHT_DECIMALS, RoundingStrategy::ToZero))
                .ok_or(CapError::Degenerate),
        })
        .collect()
}

/// `Σ_{w_i > thr} w_i`.
fn above_sum(w: &[Decimal], thr: Decimal) -> Result<Decimal, CapError> {
    w.iter()
        .filter(|&&v| v > thr)
        .try_fold(Decimal::ZERO, |s, &v| s.checked_add(v))
        .ok_or(CapError::Degenerate)
}

/// Whether `w` keeps every rule of `rule`.
pub fn keeps_rule(w: &[Decimal], rule: &CapRule) -> bool {
    w.iter().all(|&v| v <= rule.cap)
        && match (rule.threshold, rule.aggregate) {
            (Some(thr), Some(agg)) => above_sum(w, thr).is_ok_and(|s| s <= agg),
            _ => true,
        }
}

/// Gives the rounding residue `1 − Σ w` to one member (see the module docs).
fn settle_residue(w: &mut [Decimal], rule: &CapRule, infeasible: CapError) -> Result<(), CapError> {
    let sum = w
        .iter()
        .try_fold(Decimal::ZERO, |s, &v| s.checked_add(v))
        .ok_or(CapError::Degenerate)?;
    let residue = Decimal::ONE - sum;
    if residue.is_zero() {
        return Ok(());
    }
    let mut order: Vec<usize> = (0..w.len()).collect();
    order.sort_by(|&a, &b| w[b].cmp(&w[a]).then(a.cmp(&b)));
    if residue.is_sign_negative() {
        w[order[0]] += residue;
        return Ok(());
    }
    for i in order {
        let before = w[i];
        w[i] += residue;
        if keeps_rule(w, rule) {
            return Ok(());
        }
        w[i] = before;
    }
    Err(infeasible)
}

#[cfg(test)]
mod tests;
