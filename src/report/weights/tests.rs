use super::*;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn holding(symbol: u32, q: i64, p: &str) -> Holding {
    Holding {
        symbol,
        price: d(p),
        index_shares: Decimal::from(q),
        value: Decimal::from(q) * d(p),
        previous: None,
    }
}

#[test]
fn weights_are_values_over_their_sum() {
    // The weights_and_share vector on 2024-11-08: AAA 54×1000, BBB 21×2500, EEE 48×3000;
    // total 250500.
    let h = [
        holding(0, 1000, "54"),
        holding(1, 2500, "21"),
        holding(2, 3000, "48"),
    ];
    let w = weights(&h).unwrap();
    assert_eq!(w[0], d("0.2155688622754491017964071856")); // 54000/250500
    assert_eq!(w[1], d("0.2095808383233532934131736527")); // 52500/250500
    assert_eq!(w[2], d("0.5748502994011976047904191617")); // 144000/250500
    let zero = [holding(0, 0, "10")];
    assert_eq!(weights(&zero), Err(WeightsError::ZeroValue));
}

#[test]
fn rounded_weights_add_up_to_one() {
    // Thirds: 0.3333 ×3 = 0.9999; the largest remainder gives one of them the last unit.
    let third = Decimal::ONE / Decimal::from(3);
    let r = round_to_one(&[third, third, third], 4);
    assert_eq!(r, vec![d("0.3334"), d("0.3333"), d("0.3333")]);
    assert_eq!(r.iter().sum::<Decimal>(), Decimal::ONE);
    // 0.2155688622754… 0.2095808383233… 0.5748502994011… at 4 decimals: floors 0.2155,
    // 0.2095, 0.5748 (sum 0.9998); remainders .0000688, .0000808, .0000502: BBB and AAA
    // get the two missing units.
    let w = [
        d("0.2155688622754491017964071856"),
        d("0.2095808383233532934131736527"),
        d("0.5748502994011976047904191617"),
    ];
    assert_eq!(
        round_to_one(&w, 4),
        vec![d("0.2156"), d("0.2096"), d("0.5748")]
    );
}

#[test]
fn relative_rebases_the_ratio_to_100() {
    // The relative_ew_cw vector: ew 100, 102.5, 106.25; cw 1000, 1025, 1000.
    let day = |s: &str| NaiveDate::from_str(s).unwrap();
    let pairs = [
        (day("2024-01-02"), d("100"), d("1000")),
        (day("2024-01-03"), d("102.5"), d("1025")),
        (day("2024-01-04"), d("106.25"), d("1000")),
    ];
    let r = relative(&pairs, (d("100"), d("1000"))).unwrap();
    assert_eq!(r[0].1, d("100"));
    assert_eq!(r[1].1, d("100"));
    assert_eq!(r[2].1, d("106.25"));
}
