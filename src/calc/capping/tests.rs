//! The capping routine on hand-computed exact fractions, and its properties.

use super::{cap_weights, keeps_rule, CapError, CapRule};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn ds(v: &[&str]) -> Vec<Decimal> {
    v.iter().map(|s| d(s)).collect()
}

fn single(cap: &str) -> CapRule {
    CapRule {
        cap: d(cap),
        threshold: None,
        aggregate: None,
    }
}

#[test]
fn one_pass_spreads_the_excess_pro_rata() {
    // 0.5 → 0.4; the excess 0.1 goes to 0.3, 0.1, 0.1 pro rata (0.06, 0.02, 0.02).
    let w = cap_weights(&ds(&["0.5", "0.3", "0.1", "0.1"]), &single("0.4")).unwrap();
    assert_eq!(w, ds(&["0.4", "0.36", "0.12", "0.12"]));
    // Market caps rather than weights give the same: only the proportions count.
    let w = cap_weights(&ds(&["500", "300", "100", "100"]), &single("0.4")).unwrap();
    assert_eq!(w, ds(&["0.4", "0.36", "0.12", "0.12"]));
}

#[test]
fn two_passes_when_the_spread_pushes_another_member_over() {
    // Pass 1: 0.45 → 0.32; the other three share 0.68 pro rata to 0.30, 0.15, 0.10 (sum 0.55):
    // 0.30 · 0.68 / 0.55 = 0.3709... > 0.32. Pass 2: it is fixed at 0.32 too; 0.15 and 0.10
    // share 0.36 pro rata (sum 0.25): 0.216 and 0.144. 0.32 + 0.32 + 0.216 + 0.144 = 1.
    let w = cap_weights(&ds(&["0.45", "0.30", "0.15", "0.10"]), &single("0.32")).unwrap();
    assert_eq!(w, ds(&["0.32", "0.32", "0.216", "0.144"]));
}

#[test]
fn the_aggregate_rule_lowers_the_smallest_member_above_the_threshold() {
    // cap 0.30, threshold 0.15, aggregate 0.50. Nobody is above 0.30. Above 0.15:
    // 0.30 + 0.26 + 0.24 = 0.80 > 0.50. Round 1: 0.24 → 0.15, its excess 0.09 to the four
    // members at 0.05 (sum 0.20): each 0.05 · 0.29 / 0.20 = 0.0725. Above 0.15:
    // 0.30 + 0.26 = 0.56 > 0.50. Round 2: 0.26 → 0.15, the four share 1 − 0.30 − 0.15 − 0.15
    // = 0.40: 0.10 each. Above 0.15: 0.30 ≤ 0.50. Done.
    let rule = CapRule {
        cap: d("0.30"),
        threshold: Some(d("0.15")),
        aggregate: Some(d("0.50")),
    };
    let caps = ds(&["0.30", "0.26", "0.24", "0.05", "0.05", "0.05", "0.05"]);
    let w = cap_weights(&caps, &rule).unwrap();
    assert_eq!(
        w,
        ds(&["0.30", "0.15", "0.15", "0.10", "0.10", "0.10", "0.10"])
    );
    assert!(keeps_rule(&w, &rule));
}

#[test]
fn the_cap_and_the_aggregate_together() {
    // cap 0.4, threshold 0.2, aggregate 0.6: 0.5 → 0.4 and 0.3, 0.1, 0.1 become 0.36, 0.12,
    // 0.12 (the first test). Above 0.2: 0.4 + 0.36 = 0.76 > 0.6: 0.36 → 0.2; 0.12 and 0.12
    // share 1 − 0.4 − 0.2 = 0.4: 0.2 each, not above the threshold. Above 0.2: 0.4 ≤ 0.6.
    let rule = CapRule {
        cap: d("0.4"),
        threshold: Some(d("0.2")),
        aggregate: Some(d("0.6")),
    };
    let w = cap_weights(&ds(&["0.5", "0.3", "0.1", "0.1"]), &rule).unwrap();
    assert_eq!(w, ds(&["0.4", "0.2", "0.2", "0.2"]));
}

#[test]
fn the_residue_makes_the_sum_exactly_one() {
    // Thirds round toward zero to 20 decimals; the residue 1e-20 goes to the first member.
    let w = cap_weights(&ds(&["1", "1", "1"]), &single("1")).unwrap();
    let third = d("0.33333333333333333333");
    assert_eq!(w, vec![third + d("0.00000000000000000001"), third, third]);
    assert_eq!(w.iter().sum::<Decimal>(), Decimal::ONE);
}

#[test]
fn a_cap_below_one_over_the_member_count_is_infeasible() {
    let caps = ds(&["1", "2", "3"]);
    assert_eq!(
        cap_weights(&caps, &single("0.3")),
        Err(CapError::TooFewMembers { members: 3 })
    );
    // Exactly 1/N: everyone at the cap.
    let w = cap_weights(&ds(&["1", "2", "3", "4"]), &single("0.25")).unwrap();
    assert_eq!(w, ds(&["0.25", "0.25", "0.25", "0.25"]));
    // Members with no market cap do not count.
    assert_eq!(
        cap_weights(&ds(&["1", "2", "3", "0"]), &single("0.25")),
        Err(CapError::TooFewMembers { members: 3 })
    );
}

#[test]
fn an_aggregate_no_weighting_meets_is_an_error() {
    // Three members, threshold 0.1, aggregate 0.3: at most 0.3 above 0.1 and at most 0.1 each
    // for the others cannot reach 1.
    let rule = CapRule {
        cap: d("0.5"),
        threshold: Some(d("0.1")),
        aggregate: Some(d("0.3")),
    };
    assert!(matches!(
        cap_weights(&ds(&["5", "3", "2"]), &rule),
        Err(CapError::AggregateInfeasible { members: 3 })
    ));
}

proptest! {
    #[test]
    fn capped_weights_keep_the_rule_and_sum_to_one(
        raw in proptest::collection::vec(0u64..1_000_000, 1..40),
        cap_bp in 1u32..=10_000,
        aggregate in proptest::option::of((1u32..10_000, 1u32..=10_000)),
    ) {
        let caps: Vec<Decimal> = raw.iter().map(|&c| Decimal::new(c as i64, 2)).collect();
        let cap = Decimal::new(cap_bp as i64, 4);
        let (threshold, aggregate) = match aggregate {
            Some((t, a)) if Decimal::new(t as i64, 4) < cap => {
                (Some(Decimal::new(t as i64, 4)), Some(Decimal::new(a as i64, 4)))
            }
            _ => (None, None),
        };
        let rule = CapRule { cap, threshold, aggregate };
        let positive = caps.iter().filter(|c| !c.is_zero()).count();
        match cap_weights(&caps, &rule) {
            Ok(w) => {
                prop_assert_eq!(w.len(), caps.len());
                prop_assert_eq!(w.iter().sum::<Decimal>(), Decimal::ONE);
                prop_assert!(w.iter().all(|v| !v.is_sign_negative()));
                prop_assert!(keeps_rule(&w, &rule), "{:?} breaks {:?}", w, rule);
            }
            Err(CapError::TooFewMembers { members }) => {
                prop_assert_eq!(members, positive);
                prop_assert!(Decimal::from(members) * cap < Decimal::ONE);
            }
            Err(CapError::Degenerate) => prop_assert_eq!(positive, 0),
            Err(CapError::AggregateInfeasible { .. }) => prop_assert!(rule.aggregate.is_some()),
        }
    }
}
