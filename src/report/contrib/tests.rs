use super::*;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn holding(symbol: u32, q: &str, p: &str, prev: Option<&str>) -> Holding {
    Holding {
        symbol,
        price: d(p),
        index_shares: d(q),
        value: d(q) * d(p),
        previous: prev.map(d),
    }
}

#[test]
fn price_weighted_points_are_moves_over_the_divisor() {
    // Three members at 10, 20, 30 (sum 60, divisor 3, level 20) move to 11, 19, 33: the sum is
    // 63, the level 21, and the contributions (p − p̃)/3 are 1/3, −1/3 and 1.
    let h = [
        holding(0, "1", "11", Some("10")),
        holding(1, "1", "19", Some("20")),
        holding(2, "1", "33", Some("30")),
    ];
    let c = contributions(d("20"), d("21"), &h).unwrap();
    assert_eq!(c.change, d("1"));
    assert_eq!(c.percent, d("5"));
    let points: Vec<Decimal> = c.members.iter().map(|m| m.points).collect();
    assert_eq!(points.iter().sum::<Decimal>(), d("1"));
    // Carried at 20 decimals: 1/3 floors to 0.333…3, −1/3 to −0.333…34, 1 stays; the sum is
    // 1 − 10^−20, and the missing unit goes to the largest remainder, the second one's
    // (0.666…·10^−20), so the two are symmetric.
    let third = d("0.33333333333333333333");
    assert_eq!(points, [third, -third, d("1")]);
    assert_eq!(c.members[2].return_weight, Some((d("0.1"), d("0.5"))));
}

#[test]
fn exact_contributions_stay_exact() {
    // Level 100 → 101: 10 → 10.5, 20 → 19.5, 20 → 20.5 (q = 1, S = 50, Σ p = 50.5); the
    // contributions 100·(0.5, −0.5, 0.5)/50 = 1, −1, 1 are exact and add up to 1.
    let h = [
        holding(0, "1", "10.5", Some("10")),
        holding(1, "1", "19.5", Some("20")),
        holding(2, "1", "20.5", Some("20")),
    ];
    let c = contributions(d("100"), d("101"), &h).unwrap();
    let points: Vec<Decimal> = c.members.iter().map(|m| m.points).collect();
    assert_eq!(points, [d("1"), d("-1"), d("1")]);
    let pct: Vec<Decimal> = c.members.iter().map(|m| m.percent).collect();
    assert_eq!(pct, [d("1"), d("-1"), d("1")]);
    assert_eq!(c.percent, d("1"));
}

#[test]
fn a_residue_of_several_units_is_spread() {
    // Floors 0.03, −0.04, 0.06 (sum 0.05) for a target of 0.10: the 5 missing units are one
    // each (m = 1) and one more to the two largest remainders (ρ = 2: 0.00666… of the third,
    // the larger value, then of the second).
    let raw = [d("0.0333"), d("-0.0333"), d("0.0667")];
    let out = round_to_sum(&raw, d("0.10"), 2).unwrap();
    assert_eq!(out, [d("0.04"), d("-0.02"), d("0.08")]);
}

#[test]
fn members_outside_a_contribute_nothing() {
    let h = [
        holding(0, "1", "11", Some("10")),
        holding(1, "1", "50", None),
    ];
    let c = contributions(d("10"), d("11"), &h).unwrap();
    assert_eq!(c.members[0].points, d("1"));
    assert_eq!(c.members[1].points, d("0"));
    assert_eq!(c.members[1].return_weight, None);
}

#[test]
fn round_to_sum_hands_out_the_missing_units_by_remainder() {
    let raw = [d("0.333"), d("0.333"), d("0.334")];
    assert_eq!(
        round_to_sum(&raw, d("1.00"), 2).unwrap(),
        [d("0.33"), d("0.33"), d("0.34")]
    );
    // A negative k = −1 = −1·2 + 1: every value loses a unit and the first (the tie goes to
    // the earlier position) gets one back.
    let raw = [d("0.5"), d("0.5")];
    assert_eq!(round_to_sum(&raw, d("0"), 0).unwrap(), [d("0"), d("0")]);
    assert_eq!(round_to_sum(&raw, d("-1"), 0).unwrap(), [d("0"), d("-1")]);
    assert!(round_to_sum(&[], d("1"), 0).is_err());
    assert_eq!(round_to_sum(&[], d("0"), 0).unwrap(), []);
}

#[test]
fn a_move_of_thousands_of_percent_still_adds_up() {
    // Two members at 1 (sum 2, level 100: d = 0.02); A jumps to 20000 (a currency conversion gone
    // wild, say): level 20001 / 0.02 = 1000050, change 999950, all A's: 100 · 19999 / 2. In
    // percent 999950%, too large for 24 decimals in 96 bits: fewer decimals, still exact.
    let h = [
        holding(0, "1", "20000", Some("1")),
        holding(1, "1", "1", Some("1")),
    ];
    let c = contributions(d("100"), d("1000050"), &h).unwrap();
    assert_eq!(c.change, d("999950"));
    assert_eq!(c.members[0].points, d("999950"));
    assert_eq!(c.members[1].points, Decimal::ZERO);
    assert_eq!(c.percent, d("999950"));
    let sum: Decimal = c.members.iter().map(|m| m.percent).sum();
    assert_eq!(sum, c.percent);
}
