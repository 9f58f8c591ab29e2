//! One test per formula or rule of the module docs, on hand-made data. Every expected
//! number is worked out by hand in the comment next to it and compared exactly.

use super::*;
use crate::calc::{Action, ActionKind, DayInput, Quote};

const A: SymbolId = 0;
const B: SymbolId = 1;
const C: SymbolId = 2;
const X: SymbolId = 3;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn n(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn spec(methods: &[Method]) -> IndexSpec {
    IndexSpec {
        methods: methods.to_vec(),
        base_date: None,
        base_value: None,
        base_divisor: None,
        rebalance: Rebalance::Quarterly,
        total_return: TotalReturn::NONE,
        members: None,
        shares: None,
        factors: None,
        weight_cap: None,
    }
}

fn ew(rebalance: Rebalance) -> Engine {
    Engine::new(IndexSpec {
        rebalance,
        ..spec(&[Method::EqualWeighted])
    })
}

/// A price row without shares; its line is `100 + symbol`.
fn px(symbol: SymbolId, price: &str) -> Quote {
    Quote {
        symbol,
        price: n(price),
        shares: None,
        float: None,
        line: 100 + u64::from(symbol),
    }
}

/// A price row with shares.
fn cap(symbol: SymbolId, price: &str, shares: &str) -> Quote {
    Quote {
        shares: Some(n(shares)),
        ..px(symbol, price)
    }
}

fn act(date: &str, symbol: SymbolId, kind: ActionKind, line: u64) -> Action {
    Action {
        date: d(date),
        symbol,
        kind,
        line,
    }
}

fn push_full(
    e: &mut Engine,
    date: &str,
    quotes: &[Quote],
    actions: &[Action],
    divisor: Option<&str>,
) -> Result<Option<DayOutput>, CalcError> {
    e.push(DayInput {
        date: d(date),
        quotes,
        actions,
        divisor: divisor.map(n),
    })
}

/// Pushes a date that must produce an index value.
fn day(e: &mut Engine, date: &str, quotes: &[Quote], actions: &[Action]) -> DayOutput {
    push_full(e, date, quotes, actions, None)
        .unwrap()
        .expect("an index date")
}

/// (level, divisor) of method `m`.
fn ld(out: &DayOutput, m: usize) -> (Decimal, Decimal) {
    (out.values[m].level, out.values[m].divisor)
}

fn split(r: &str) -> ActionKind {
    ActionKind::Split(n(r))
}

#[test]
fn price_weighted_base_divisor_is_the_number_of_constituents() {
    let mut e = Engine::new(spec(&[Method::PriceWeighted]));
    // ΣP = 10 + 20 + 30 = 60, D = N = 3, level = 60 / 3 = 20 (the average price).
    let out = day(
        &mut e,
        "2024-01-02",
        &[px(A, "10"), px(B, "20"), px(C, "30")],
        &[],
    );
    assert_eq!(ld(&out, 0), (n("20"), n("3")));
    assert_eq!(out.constituents, 3);
    assert_eq!(out.values[0].total_return, None);
}

#[test]
fn cap_weighted_base_value_is_100() {
    let mut e = Engine::new(spec(&[Method::CapWeighted]));
    // q = shares × float: A 100 × 1 = 100, B 50 × 0.5 = 25.
    // MV = 100·10 + 25·20 = 1500; level 100; D = 1500 / 100 = 15.
    let mut b = cap(B, "20", "50");
    b.float = Some(n("0.5"));
    let out = day(&mut e, "2024-01-02", &[cap(A, "10", "100"), b.clone()], &[]);
    assert_eq!(ld(&out, 0), (n("100"), n("15")));
    // --base-value 1000: D = 1500 / 1000 = 1.5. Price-weighted with a base value too:
    // D = ΣP / 1000 = 30 / 1000 = 0.03.
    let mut e = Engine::new(IndexSpec {
        base_value: Some(n("1000")),
        ..spec(&[Method::CapWeighted, Method::PriceWeighted])
    });
    let out = day(&mut e, "2024-01-02", &[cap(A, "10", "100"), b], &[]);
    assert_eq!(ld(&out, 0), (n("1000"), n("1.5")));
    assert_eq!(ld(&out, 1), (n("1000"), n("0.03")));
}

#[test]
fn divisor_is_unchanged_on_a_day_without_events() {
    let mut e = Engine::new(spec(&[Method::PriceWeighted, Method::CapWeighted]));
    // Day 1: PW ΣP = 30, D = 2, level 15. CW MV = 100·10 + 25·20 = 1500, D = 15, level 100.
    let out = day(
        &mut e,
        "2024-01-02",
        &[cap(A, "10", "100"), cap(B, "20", "25")],
        &[],
    );
    assert_eq!(ld(&out, 0), (n("15"), n("2")));
    assert_eq!(ld(&out, 1), (n("100"), n("15")));
    // Day 2, no event: PW 33 / 2 = 16.5; CW (100·13 + 25·20) / 15 = 1800 / 15 = 120.
    let out = day(
        &mut e,
        "2024-01-03",
        &[cap(A, "13", "100"), cap(B, "20", "25")],
        &[],
    );
    assert_eq!(ld(&out, 0), (n("16.5"), n("2")));
    assert_eq!(ld(&out, 1), (n("120"), n("15")));
    // Day 3, no event, a level that does not terminate: the divisor stays exactly 15.
    let out = day(
        &mut e,
        "2024-01-04",
        &[cap(A, "12", "100"), cap(B, "22", "25")],
        &[],
    );
    // CW (1200 + 550) / 15 = 116.666…
    assert_eq!(ld(&out, 1), (n("1750") / n("15"), n("15")));
    assert_eq!(out.values[1].divisor.to_string(), "15");
}

#[test]
fn price_weighted_split_changes_the_divisor() {
    let mut e = Engine::new(spec(&[Method::PriceWeighted]));
    // ΣP = 100 + 60 + 30 + 10 = 200, D = 4, level 50.
    day(
        &mut e,
        "2024-02-23",
        &[px(A, "100"), px(B, "60"), px(C, "30"), px(X, "10")],
        &[],
    );
    // A splits 2-for-1: p̃(A) = 100 / 2 = 50, ΣP_post = 150.
    // D_new = D_old · ΣP_post / ΣP_pre = 4 · 150 / 200 = 3.
    // Level = (53 + 60 + 30 + 10) / 3 = 153 / 3 = 51 (the old divisor would give 38.25).
    let out = day(
        &mut e,
        "2024-02-26",
        &[px(A, "53"), px(B, "60"), px(C, "30"), px(X, "10")],
        &[act("2024-02-26", A, split("2"), 7)],
    );
    assert_eq!(ld(&out, 0), (n("51"), n("3")));
}

#[test]
fn cap_weighted_split_with_multiplied_shares_keeps_the_divisor() {
    let mut e = Engine::new(spec(&[Method::CapWeighted]));
    // MV = 10·100 + 20·50 = 2000, D = 20, level 100.
    day(
        &mut e,
        "2024-01-02",
        &[cap(A, "100", "10"), cap(B, "50", "20")],
        &[],
    );
    // A 2-for-1: shares 10 → 20, p̃(A) = 50; Σ q·p̃ = 20·50 + 20·50 = 2000 = MV(t−1),
    // so D stays 20. Level = (20·51 + 20·50) / 20 = 2020 / 20 = 101.
    let out = day(
        &mut e,
        "2024-01-03",
        &[cap(A, "51", "20"), cap(B, "50", "20")],
        &[act("2024-01-03", A, split("2"), 2)],
    );
    assert_eq!(ld(&out, 0), (n("101"), n("20")));
}

#[test]
fn share_change_moves_the_divisor_not_the_level() {
    let mut e = Engine::new(spec(&[Method::CapWeighted]));
    // MV = 10·100 + 20·50 = 2000, D = 20, level 100.
    day(
        &mut e,
        "2024-01-02",
        &[cap(A, "100", "10"), cap(B, "50", "20")],
        &[],
    );
    // A issues shares, 10 → 15, price unchanged: Σ q(t)·p(t−1) = 15·100 + 20·50 = 2500,
    // D = 20 · 2500 / 2000 = 25, level = 2500 / 25 = 100 (not 2500 / 20 = 125).
    let out = day(
        &mut e,
        "2024-01-03",
        &[cap(A, "100", "15"), cap(B, "50", "20")],
        &[],
    );
    assert_eq!(ld(&out, 0), (n("100"), n("25")));
    // The same change on a day the price moves: D = 25 as well, level = (15·110 + 20·50) / 25
    // = 2650 / 25 = 106 (the old divisor would give 132.5).
    let mut e = Engine::new(spec(&[Method::CapWeighted]));
    day(
        &mut e,
        "2024-01-02",
        &[cap(A, "100", "10"), cap(B, "50", "20")],
        &[],
    );
    let out = day(
        &mut e,
        "2024-01-03",
        &[cap(A, "110", "15"), cap(B, "50", "20")],
        &[],
    );
    assert_eq!(ld(&out, 0), (n("106"), n("25")));
    // The same change from a shares schedule (--shares FILE: A 10 always, 15 from 01-03),
    // with price rows that carry no shares.
    let mut shares = SharesSchedule::new();
    let entry = |from: Option<&str>, n_: &str| crate::calc::ShareEntry {
        from: from.map(d),
        shares: n(n_),
        float: None,
    };
    shares.add(A, entry(None, "10"));
    shares.add(A, entry(Some("2024-01-03"), "15"));
    shares.add(B, entry(None, "20"));
    let mut e = Engine::new(IndexSpec {
        shares: Some(shares),
        ..spec(&[Method::CapWeighted])
    });
    day(&mut e, "2024-01-02", &[px(A, "100"), px(B, "50")], &[]);
    let out = day(&mut e, "2024-01-03", &[px(A, "110"), px(B, "50")], &[]);
    assert_eq!(ld(&out, 0), (n("106"), n("25")));
}

#[test]
fn special_dividend_restates_the_previous_close() {
    let mut e = Engine::new(spec(&[Method::PriceWeighted, Method::CapWeighted]));
    // PW ΣP = 160, D = 2, level 80. CW MV = 10·100 + 10·60 = 1600, D = 16, level 100.
    day(
        &mut e,
        "2024-01-02",
        &[cap(A, "100", "10"), cap(B, "60", "10")],
        &[],
    );
    // Special dividend of 20 on A: p̃(A) = 100 − 20 = 80, and A opens at 80.
    // PW: D = 2 · (80 + 60) / 160 = 1.75, level = 140 / 1.75 = 80 (no drop).
    // CW: D = 16 · (800 + 600) / 1600 = 14, level = 1400 / 14 = 100.
    let out = day(
        &mut e,
        "2024-01-03",
        &[cap(A, "80", "10"), cap(B, "60", "10")],
        &[act(
            "2024-01-03",
            A,
            ActionKind::SpecialDividend(n("20")),
            3,
        )],
    );
    assert_eq!(ld(&out, 0), (n("80"), n("1.75")));
    assert_eq!(ld(&out, 1), (n("100"), n("14")));
    // Next day A 87: PW (87 + 60) / 1.75 = 84; CW (870 + 600) / 14 = 105.
    let out = day(
        &mut e,
        "2024-01-04",
        &[cap(A, "87", "10"), cap(B, "60", "10")],
        &[],
    );
    assert_eq!(ld(&out, 0), (n("84"), n("1.75")));
    assert_eq!(ld(&out, 1), (n("105"), n("14")));
}

#[test]
fn replacement_uses_the_entrants_previous_close() {
    let mut members = MemberList::new();
    members.add(A, None, Some(d("2024-01-02")));
    members.add(B, None, None);
    members.add(C, Some(d("2024-01-03")), None);
    let mut e = Engine::new(IndexSpec {
        members: Some(members),
        ..spec(&[Method::PriceWeighted])
    });
    // 01-02: members A, B (C trades but is not a member yet). ΣP = 160, D = 2, level 80.
    let out = day(
        &mut e,
        "2024-01-02",
        &[px(A, "100"), px(B, "60"), px(C, "40")],
        &[],
    );
    assert_eq!((ld(&out, 0), out.constituents), ((n("80"), n("2")), 2));
    // 01-03: C replaces A. D = D_old · (ΣP − P_A + P_C) / ΣP = 2 · (160 − 100 + 40) / 160
    // = 1.25; level = (60 + 50) / 1.25 = 88. A's row of the day is ignored.
    let out = day(
        &mut e,
        "2024-01-03",
        &[px(A, "101"), px(B, "60"), px(C, "50")],
        &[],
    );
    assert_eq!((ld(&out, 0), out.constituents), ((n("88"), n("1.25")), 2));
    assert!(e.take_notices().is_empty());
}

#[test]
fn entrant_without_previous_close_enters_at_its_first_close() {
    let mut e = Engine::new(spec(&[Method::PriceWeighted]));
    // ΣP = 160, D = 2, level 80.
    day(&mut e, "2024-01-02", &[px(A, "100"), px(B, "60")], &[]);
    // C has no previous close: A(t) = {A, B}, level = 80 · (104 + 60) / 160 = 82.
    // Then D = MV / level = (104 + 60 + 41) / 82 = 205 / 82 = 2.5.
    let out = day(
        &mut e,
        "2024-01-03",
        &[px(A, "104"), px(B, "60"), px(C, "41")],
        &[],
    );
    assert_eq!((ld(&out, 0), out.constituents), ((n("82"), n("2.5")), 3));
    // Next day C moves: (104 + 60 + 45.1) / 2.5 = 83.64.
    let out = day(
        &mut e,
        "2024-01-04",
        &[px(A, "104"), px(B, "60"), px(C, "45.1")],
        &[],
    );
    assert_eq!(ld(&out, 0), (n("83.64"), n("2.5")));
}

#[test]
fn given_divisor_sets_the_level_exactly() {
    // On the base date: --divisor 0.132129493, ΣP = 160 → level = 160 / 0.132129493.
    let mut e = Engine::new(IndexSpec {
        base_divisor: Some(n("0.132129493")),
        ..spec(&[Method::PriceWeighted])
    });
    let out = day(&mut e, "2024-01-02", &[px(A, "100"), px(B, "60")], &[]);
    assert_eq!(ld(&out, 0), (n("160") / n("0.132129493"), n("0.132129493")));
    // The same divisor given in the data for the base date.
    let mut e = Engine::new(spec(&[Method::PriceWeighted]));
    let out = push_full(
        &mut e,
        "2024-01-02",
        &[px(A, "100"), px(B, "60")],
        &[],
        Some("0.132129493"),
    )
    .unwrap()
    .unwrap();
    assert_eq!(ld(&out, 0), (n("160") / n("0.132129493"), n("0.132129493")));

    let mut e = Engine::new(spec(&[Method::PriceWeighted, Method::CapWeighted]));
    // Day 1: PW D = 2, level 80. CW MV = 1000 + 600 = 1600, D = 16, level 100.
    day(
        &mut e,
        "2024-01-02",
        &[cap(A, "100", "10"), cap(B, "60", "10")],
        &[],
    );
    // Day 2, divisor 1.6 given: PW level = 160 / 1.6 = 100; CW level = 1600 / 1.6 = 1000.
    let out = push_full(
        &mut e,
        "2024-01-03",
        &[cap(A, "100", "10"), cap(B, "60", "10")],
        &[],
        Some("1.6"),
    )
    .unwrap()
    .unwrap();
    assert_eq!(ld(&out, 0), (n("100"), n("1.6")));
    assert_eq!(ld(&out, 1), (n("1000"), n("1.6")));
    // Day 3, none given: the divisors carry on. PW (110 + 60) / 1.6 = 106.25;
    // CW (1100 + 600) / 1.6 = 1062.5.
    let out = day(
        &mut e,
        "2024-01-04",
        &[cap(A, "110", "10"), cap(B, "60", "10")],
        &[],
    );
    assert_eq!(ld(&out, 0), (n("106.25"), n("1.6")));
    assert_eq!(ld(&out, 1), (n("1062.5"), n("1.6")));
    // Day 4, a given divisor overrides even a split: level = (55 + 60) / 0.5 = 230.
    let out = push_full(
        &mut e,
        "2024-01-05",
        &[cap(A, "55", "20"), cap(B, "60", "10")],
        &[act("2024-01-05", A, split("2"), 2)],
        Some("0.5"),
    )
    .unwrap()
    .unwrap();
    assert_eq!(ld(&out, 0), (n("230"), n("0.5")));
}

#[test]
fn total_return_reinvests_ordinary_dividends() {
    let mut e = Engine::new(IndexSpec {
        total_return: TotalReturn::GROSS,
        ..spec(&[Method::CapWeighted, Method::PriceWeighted])
    });
    // CW MV = 10·100 + 20·50 = 2000, D = 20, PR = TR = 100. PW D = 2, PR = TR = 75.
    let out = day(
        &mut e,
        "2024-01-02",
        &[cap(A, "100", "10"), cap(B, "50", "20")],
        &[],
    );
    assert_eq!(out.values[0].total_return, Some(n("100")));
    assert_eq!(out.values[1].total_return, Some(n("75")));
    // A pays 2 per share (ex-date), prices unchanged: no divisor change, PR unchanged.
    // CW: IDIV = 10·2 / 20 = 1, TR = 100 · (100 + 1) / 100 = 101.
    // PW: IDIV = 1·2 / 2 = 1, TR = 75 · (75 + 1) / 75 = 76.
    let out = day(
        &mut e,
        "2024-01-03",
        &[cap(A, "100", "10"), cap(B, "50", "20")],
        &[act("2024-01-03", A, ActionKind::Dividend(n("2")), 4)],
    );
    assert_eq!(ld(&out, 0), (n("100"), n("20")));
    assert_eq!(out.values[0].total_return, Some(n("101")));
    assert_eq!(ld(&out, 1), (n("75"), n("2")));
    assert_eq!(out.values[1].total_return, Some(n("76")));
    // A 130: CW PR = (1300 + 1000) / 20 = 115, TR = 101 · 115 / 100 = 116.15.
    // PW PR = 180 / 2 = 90, TR = 76 · 90 / 75 = 91.2.
    let out = day(
        &mut e,
        "2024-01-04",
        &[cap(A, "130", "10"), cap(B, "50", "20")],
        &[],
    );
    assert_eq!(out.values[0].level, n("115"));
    assert_eq!(out.values[0].total_return, Some(n("116.15")));
    assert_eq!(out.values[1].level, n("90"));
    assert_eq!(out.values[1].total_return, Some(n("91.2")));
}

#[test]
fn net_total_return_reinvests_dividends_after_withholding() {
    let mut e = Engine::new(IndexSpec {
        total_return: TotalReturn {
            gross: true,
            net: Some(n("0.30")),
        },
        ..spec(&[Method::CapWeighted])
    });
    // CW MV = 10·100 + 20·50 = 2000, D = 20: PR = TR = NTR = 100.
    let out = day(
        &mut e,
        "2024-01-02",
        &[cap(A, "100", "10"), cap(B, "50", "20")],
        &[],
    );
    assert_eq!(out.values[0].total_return, Some(n("100")));
    assert_eq!(out.values[0].net_total_return, Some(n("100")));
    // A pays 2 per share: gross IDIV = 10·2 / 20 = 1, TR = 100·101/100 = 101;
    // net IDIV = 0.7·1 = 0.7, NTR = 100·100.7/100 = 100.7.
    let out = day(
        &mut e,
        "2024-01-03",
        &[cap(A, "100", "10"), cap(B, "50", "20")],
        &[act("2024-01-03", A, ActionKind::Dividend(n("2")), 4)],
    );
    assert_eq!(out.values[0].total_return, Some(n("101")));
    assert_eq!(out.values[0].net_total_return, Some(n("100.7")));
    // A 130: PR = 2300/20 = 115; TR = 101·115/100 = 116.15; NTR = 100.7·115/100 = 115.805.
    let out = day(
        &mut e,
        "2024-01-04",
        &[cap(A, "130", "10"), cap(B, "50", "20")],
        &[],
    );
    assert_eq!(out.values[0].total_return, Some(n("116.15")));
    assert_eq!(out.values[0].net_total_return, Some(n("115.805")));
}

#[test]
fn net_total_return_alone_leaves_the_gross_one_out() {
    let mut e = Engine::new(IndexSpec {
        total_return: TotalReturn {
            gross: false,
            net: Some(n("0.15")),
        },
        ..spec(&[Method::PriceWeighted])
    });
    // PW D = 2, PR = NTR = 75; a dividend of 2 on A: IDIV = 2/2 = 1, net 0.85·1 = 0.85:
    // NTR = 75·75.85/75 = 75.85.
    day(
        &mut e,
        "2024-01-02",
        &[cap(A, "100", "10"), cap(B, "50", "20")],
        &[],
    );
    let out = day(
        &mut e,
        "2024-01-03",
        &[cap(A, "100", "10"), cap(B, "50", "20")],
        &[act("2024-01-03", A, ActionKind::Dividend(n("2")), 4)],
    );
    assert_eq!(out.values[0].total_return, None);
    assert_eq!(out.values[0].net_total_return, Some(n("75.85")));
}

#[test]
fn equal_weight_rebalances_after_the_last_index_date_of_a_quarter() {
    let mut e = ew(Rebalance::Quarterly);
    // Base: q = 100 / (2·p): q_A = 100 / 20 = 5, q_B = 100 / 40 = 2.5; level 100, D = 1.
    let out = day(&mut e, "2024-03-26", &[px(A, "10"), px(B, "20")], &[]);
    assert_eq!(ld(&out, 0), (n("100"), n("1")));
    // Drift: 5·20 + 2.5·20 = 150.
    let out = day(&mut e, "2024-03-27", &[px(A, "20"), px(B, "20")], &[]);
    assert_eq!(ld(&out, 0), (n("150"), n("1")));
    // No rebalance inside the quarter: 5·40 + 2.5·20 = 250 (a rebalance after 03-27 would
    // give 3.75·40 + 3.75·20 = 225).
    let out = day(&mut e, "2024-03-28", &[px(A, "40"), px(B, "20")], &[]);
    assert_eq!(ld(&out, 0), (n("250"), n("1")));
    // 03-28 is the last index date of March (03-29 is Good Friday): rebalance after its
    // close, K = 250, q_A = 250 / (2·40) = 3.125, q_B = 250 / (2·20) = 6.25; Σ q·p(03-28)
    // = 250 = MV, so D stays 1. 04-01: 3.125·80 + 6.25·20 = 375 (without: 5·80 + 2.5·20 = 450).
    let out = day(&mut e, "2024-04-01", &[px(A, "80"), px(B, "20")], &[]);
    assert_eq!(ld(&out, 0), (n("375"), n("1")));
}

#[test]
fn equal_weight_daily_is_the_mean_of_returns_and_none_is_buy_and_hold() {
    let quotes = [
        [px(A, "10"), px(B, "20"), px(C, "40"), px(X, "50")],
        // Returns +25%, −20%, +25%, −20%: mean +2.5%.
        [px(A, "12.5"), px(B, "16"), px(C, "50"), px(X, "40")],
        // Returns +20%, 0, −20%, +25%: mean +6.25%.
        [px(A, "15"), px(B, "16"), px(C, "40"), px(X, "50")],
    ];
    let dates = ["2024-01-02", "2024-01-03", "2024-01-04"];
    // Daily: 100 → 100 · 1.025 = 102.5 → 102.5 · 1.0625 = 108.90625.
    // (Rebalance after 01-03: q = 102.5 / (4·p) = 2.05, 1.6015625, 0.5125, 0.640625.)
    let mut e = ew(Rebalance::Daily);
    let levels: Vec<Decimal> = dates
        .iter()
        .zip(&quotes)
        .map(|(dt, q)| day(&mut e, dt, q, &[]).values[0].level)
        .collect();
    assert_eq!(levels, [n("100"), n("102.5"), n("108.90625")]);
    // None: q = 25 / p = 2.5, 1.25, 0.625, 0.5 held:
    // 01-03: 31.25 + 20 + 31.25 + 20 = 102.5; 01-04: 37.5 + 20 + 25 + 25 = 107.5.
    let mut e = ew(Rebalance::None);
    let levels: Vec<Decimal> = dates
        .iter()
        .zip(&quotes)
        .map(|(dt, q)| day(&mut e, dt, q, &[]).values[0].level)
        .collect();
    assert_eq!(levels, [n("100"), n("102.5"), n("107.5")]);

    // The methodology's example, A 100 → 200 → 100, B flat: daily 100 → 150 → 112.5,
    // buy and hold 100 → 150 → 100.
    for (rebalance, last) in [(Rebalance::Daily, "112.5"), (Rebalance::None, "100")] {
        let mut e = ew(rebalance);
        let levels: Vec<Decimal> = [("2024-01-02", "100"), ("2024-01-03", "200")]
            .into_iter()
            .chain([("2024-01-04", "100")])
            .map(|(dt, a)| day(&mut e, dt, &[px(A, a), px(B, "100")], &[]).values[0].level)
            .collect();
        assert_eq!(levels, [n("100"), n("150"), n(last)]);
    }
}

#[test]
fn equal_weight_third_friday_uses_the_closes_of_the_week_before() {
    let mut e = ew(Rebalance::ThirdFriday);
    // Base 06-13: q_A = 5, q_B = 2.5, level 100, D = 1.
    day(&mut e, "2024-06-13", &[px(A, "10"), px(B, "20")], &[]);
    // 06-14 (the Friday before the third Friday, the reference): 100 + 50 = 150.
    let out = day(&mut e, "2024-06-14", &[px(A, "20"), px(B, "20")], &[]);
    assert_eq!(ld(&out, 0), (n("150"), n("1")));
    day(&mut e, "2024-06-17", &[px(A, "20"), px(B, "20")], &[]);
    // 06-21, the third Friday: 5·40 + 2.5·20 = 250.
    let out = day(&mut e, "2024-06-21", &[px(A, "40"), px(B, "20")], &[]);
    assert_eq!(ld(&out, 0), (n("250"), n("1")));
    // Rebalance after 06-21 from the 06-14 closes: K = 5·20 + 2.5·20 = 150,
    // q_A = q_B = 150 / (2·20) = 3.75. At the 06-21 closes that is 3.75·40 + 3.75·20 = 225,
    // so D = 1 · 225 / 250 = 0.9 and the level stays 225 / 0.9 = 250. A's weight right
    // after is 150 / 225 = 2/3, not 1/2.
    let out = day(&mut e, "2024-06-24", &[px(A, "40"), px(B, "20")], &[]);
    assert_eq!(ld(&out, 0), (n("250"), n("0.9")));
    // 06-25: (3.75·49 + 3.75·20) / 0.9 = 258.75 / 0.9 = 287.5.
    let out = day(&mut e, "2024-06-25", &[px(A, "49"), px(B, "20")], &[]);
    assert_eq!(ld(&out, 0), (n("287.5"), n("0.9")));
}

#[test]
fn equal_weight_entrant_gets_the_average_value() {
    // Without a previous close: the average value at its first close.
    let mut e = ew(Rebalance::Quarterly);
    // q_A = 5, q_B = 2.5; 01-03: 5·20 + 2.5·20 = 150.
    day(&mut e, "2024-01-02", &[px(A, "10"), px(B, "20")], &[]);
    day(&mut e, "2024-01-03", &[px(A, "20"), px(B, "20")], &[]);
    // C enters on 01-04 at 25: average value (100 + 50) / 2 = 75, q_C = 75 / 25 = 3.
    // Level 150 (A, B unchanged), D = (100 + 50 + 75) / 150 = 1.5.
    let out = day(
        &mut e,
        "2024-01-04",
        &[px(A, "20"), px(B, "20"), px(C, "25")],
        &[],
    );
    assert_eq!((ld(&out, 0), out.constituents), ((n("150"), n("1.5")), 3));
    // 01-05, C doubles: (100 + 50 + 3·50) / 1.5 = 200.
    let out = day(
        &mut e,
        "2024-01-05",
        &[px(A, "20"), px(B, "20"), px(C, "50")],
        &[],
    );
    assert_eq!(ld(&out, 0), (n("200"), n("1.5")));

    // With a previous close (announced addition): the average value at that close.
    let mut members = MemberList::new();
    members.add(A, None, None);
    members.add(B, None, None);
    members.add(C, Some(d("2024-01-04")), None);
    let mut e = Engine::new(IndexSpec {
        members: Some(members),
        ..spec(&[Method::EqualWeighted])
    });
    day(
        &mut e,
        "2024-01-02",
        &[px(A, "10"), px(B, "20"), px(C, "24")],
        &[],
    );
    day(
        &mut e,
        "2024-01-03",
        &[px(A, "20"), px(B, "20"), px(C, "25")],
        &[],
    );
    // At the 01-03 closes A, B are worth 100 and 50: q_C = 75 / 25 = 3.
    // D = 1 · (100 + 50 + 75) / 150 = 1.5; level = (100 + 50 + 3·30) / 1.5 = 240 / 1.5 = 160
    // (= 150 · (1 + 20%/3): C's 20% counts for a third).
    let out = day(
        &mut e,
        "2024-01-04",
        &[px(A, "20"), px(B, "20"), px(C, "30")],
        &[],
    );
    assert_eq!((ld(&out, 0), out.constituents), ((n("160"), n("1.5")), 3));
}

#[test]
fn equal_weight_split_multiplies_index_shares() {
    let mut e = ew(Rebalance::Quarterly);
    // q_A = 5, q_B = 2.5, level 100.
    day(&mut e, "2024-01-02", &[px(A, "10"), px(B, "20")], &[]);
    // A 2-for-1: q_A = 10, p̃ = 5, Σ q·p̃ = 50 + 50 = 100 = MV: D stays 1, level 100.
    let out = day(
        &mut e,
        "2024-01-03",
        &[px(A, "5"), px(B, "20")],
        &[act("2024-01-03", A, split("2"), 2)],
    );
    assert_eq!(ld(&out, 0), (n("100"), n("1")));
    // A 6 (+20%): 10·6 + 2.5·20 = 110 (q_A not multiplied would give 80).
    let out = day(&mut e, "2024-01-04", &[px(A, "6"), px(B, "20")], &[]);
    assert_eq!(ld(&out, 0), (n("110"), n("1")));
}

#[test]
fn halted_member_is_carried_forward_and_reported_once() {
    let mut members = MemberList::new();
    members.add(A, None, None);
    members.add(B, None, None);
    let mut e = Engine::new(IndexSpec {
        members: Some(members),
        ..spec(&[Method::PriceWeighted])
    });
    // ΣP = 30, D = 2, level 15.
    day(&mut e, "2024-01-02", &[px(A, "10"), px(B, "20")], &[]);
    assert!(e.take_notices().is_empty());
    // B has no price: it keeps 20. (12 + 20) / 2 = 16.
    let out = day(&mut e, "2024-01-03", &[px(A, "12")], &[]);
    assert_eq!((ld(&out, 0), out.constituents), ((n("16"), n("2")), 2));
    assert_eq!(
        e.take_notices(),
        [Notice::CarriedForward {
            symbol: B,
            date: d("2024-01-03"),
            since: d("2024-01-02"),
        }]
    );
    // Still halted: (14 + 20) / 2 = 17, no second notice.
    let out = day(&mut e, "2024-01-04", &[px(A, "14")], &[]);
    assert_eq!(ld(&out, 0), (n("17"), n("2")));
    assert!(e.take_notices().is_empty());
    // B trades again: (14 + 22) / 2 = 18.
    let out = day(&mut e, "2024-01-05", &[px(A, "14"), px(B, "22")], &[]);
    assert_eq!(ld(&out, 0), (n("18"), n("2")));
    // Halted again: (14 + 22) / 2 = 18, and still no second notice for B.
    let out = day(&mut e, "2024-01-08", &[px(A, "14")], &[]);
    assert_eq!(ld(&out, 0), (n("18"), n("2")));
    assert!(e.take_notices().is_empty());
}

#[test]
fn member_without_a_price_yet_is_left_out_and_reported_once() {
    let mut members = MemberList::new();
    for s in [A, B, C] {
        members.add(s, None, None);
    }
    let mut e = Engine::new(IndexSpec {
        members: Some(members),
        ..spec(&[Method::PriceWeighted])
    });
    // C has no price yet: left out. ΣP = 30, D = 2, level 15.
    let out = day(&mut e, "2024-01-02", &[px(A, "10"), px(B, "20")], &[]);
    assert_eq!((ld(&out, 0), out.constituents), ((n("15"), n("2")), 2));
    assert_eq!(
        e.take_notices(),
        [Notice::NotYetPriced {
            symbol: C,
            date: d("2024-01-02"),
        }]
    );
    let out = day(&mut e, "2024-01-03", &[px(A, "10"), px(B, "20")], &[]);
    assert_eq!(ld(&out, 0), (n("15"), n("2")));
    assert!(e.take_notices().is_empty());
    // C's first close 30: level = 15 · (12 + 20) / 30 = 16, D = (12 + 20 + 30) / 16 = 3.875.
    let out = day(
        &mut e,
        "2024-01-04",
        &[px(A, "12"), px(B, "20"), px(C, "30")],
        &[],
    );
    assert_eq!((ld(&out, 0), out.constituents), ((n("16"), n("3.875")), 3));
    assert!(e.take_notices().is_empty());
}

#[test]
fn error_missing_shares() {
    let mut e = Engine::new(spec(&[Method::CapWeighted]));
    let err = push_full(
        &mut e,
        "2024-01-02",
        &[cap(A, "10", "5"), px(B, "20")],
        &[],
        None,
    )
    .unwrap_err();
    assert_eq!(
        err,
        CalcError::MissingShares {
            date: d("2024-01-02"),
            symbol: B,
            line: 101,
        }
    );
    // Price-weighted does not need shares.
    let mut e = Engine::new(spec(&[Method::PriceWeighted]));
    assert!(push_full(&mut e, "2024-01-02", &[px(B, "20")], &[], None).is_ok());
}

#[test]
fn error_zero_market_value() {
    // On the base date.
    let mut e = Engine::new(spec(&[Method::CapWeighted]));
    let err = push_full(
        &mut e,
        "2024-01-02",
        &[cap(A, "10", "0"), cap(B, "20", "0")],
        &[],
        None,
    )
    .unwrap_err();
    assert_eq!(
        err,
        CalcError::ZeroMarketValue {
            date: d("2024-01-02")
        }
    );
    // On a later date; one zero weight alone is fine.
    let mut e = Engine::new(spec(&[Method::CapWeighted]));
    let out = day(
        &mut e,
        "2024-01-02",
        &[cap(A, "10", "0"), cap(B, "20", "5")],
        &[],
    );
    // MV = 0 + 100 = 100, D = 1.
    assert_eq!(ld(&out, 0), (n("100"), n("1")));
    let err = push_full(
        &mut e,
        "2024-01-03",
        &[cap(A, "10", "0"), cap(B, "20", "0")],
        &[],
        None,
    )
    .unwrap_err();
    assert_eq!(
        err,
        CalcError::ZeroMarketValue {
            date: d("2024-01-03")
        }
    );
}

#[test]
fn error_action_without_price() {
    let mut e = Engine::new(spec(&[Method::PriceWeighted]));
    let err = push_full(
        &mut e,
        "2024-01-02",
        &[px(A, "10"), px(B, "20")],
        &[act("2024-01-02", C, split("2"), 9)],
        None,
    )
    .unwrap_err();
    assert_eq!(
        err,
        CalcError::ActionWithoutPrice {
            date: d("2024-01-02"),
            symbol: C,
            line: 9,
        }
    );
}

#[test]
fn error_special_dividend_not_below_the_previous_close() {
    let mut e = Engine::new(spec(&[Method::PriceWeighted]));
    day(&mut e, "2024-01-02", &[px(A, "10"), px(B, "20")], &[]);
    let err = push_full(
        &mut e,
        "2024-01-03",
        &[px(A, "1"), px(B, "20")],
        &[act(
            "2024-01-03",
            A,
            ActionKind::SpecialDividend(n("10")),
            5,
        )],
        None,
    )
    .unwrap_err();
    assert_eq!(
        err,
        CalcError::DividendExceedsPrice {
            date: d("2024-01-03"),
            symbol: A,
            line: 5,
            previous_close: n("10"),
        }
    );
    // Just below is fine: p̃ = 0.01, D = 2 · 20.01 / 30 = 1.334, level = 20.5 / 1.334.
    let mut e = Engine::new(spec(&[Method::PriceWeighted]));
    day(&mut e, "2024-01-02", &[px(A, "10"), px(B, "20")], &[]);
    let out = day(
        &mut e,
        "2024-01-03",
        &[px(A, "0.5"), px(B, "20")],
        &[act(
            "2024-01-03",
            A,
            ActionKind::SpecialDividend(n("9.99")),
            5,
        )],
    );
    assert_eq!(ld(&out, 0), (n("20.5") / n("1.334"), n("1.334")));
}

#[test]
fn error_base_date_not_an_index_date() {
    // The base date falls between two dates of the data.
    let mut e = Engine::new(IndexSpec {
        base_date: Some(d("2024-01-03")),
        ..spec(&[Method::PriceWeighted])
    });
    assert_eq!(
        push_full(&mut e, "2024-01-02", &[px(A, "10")], &[], None),
        Ok(None)
    );
    let err = push_full(&mut e, "2024-01-04", &[px(A, "10")], &[], None).unwrap_err();
    assert_eq!(
        err,
        CalcError::BaseDateNotIndexDate {
            base: d("2024-01-03"),
            before: Some(d("2024-01-02")),
            after: Some(d("2024-01-04")),
        }
    );
    // The base date is after the data: reported by finish().
    let mut e = Engine::new(IndexSpec {
        base_date: Some(d("2024-02-01")),
        ..spec(&[Method::PriceWeighted])
    });
    assert_eq!(
        push_full(&mut e, "2024-01-02", &[px(A, "10")], &[], None),
        Ok(None)
    );
    assert_eq!(
        e.finish(),
        Err(CalcError::BaseDateNotIndexDate {
            base: d("2024-02-01"),
            before: Some(d("2024-01-02")),
            after: None,
        })
    );
    // A date of the data on which no member has a price.
    let mut members = MemberList::new();
    members.add(A, Some(d("2024-01-03")), None);
    let mut e = Engine::new(IndexSpec {
        base_date: Some(d("2024-01-02")),
        members: Some(members),
        ..spec(&[Method::PriceWeighted])
    });
    let err = push_full(&mut e, "2024-01-02", &[px(A, "10")], &[], None).unwrap_err();
    assert_eq!(
        err,
        CalcError::BaseDateNotIndexDate {
            base: d("2024-01-02"),
            before: None,
            after: None,
        }
    );
    // A base date on the data works and earlier dates give no output.
    let mut e = Engine::new(IndexSpec {
        base_date: Some(d("2024-01-03")),
        ..spec(&[Method::PriceWeighted])
    });
    assert_eq!(
        push_full(&mut e, "2024-01-02", &[px(A, "10")], &[], None),
        Ok(None)
    );
    let out = day(&mut e, "2024-01-03", &[px(A, "12")], &[]);
    assert_eq!(ld(&out, 0), (n("12"), n("1")));
    assert_eq!(e.finish(), Ok(()));
    // No data at all.
    let e = Engine::new(spec(&[Method::PriceWeighted]));
    assert_eq!(e.finish(), Err(CalcError::NoIndexDate));
}

#[test]
fn error_overflow_instead_of_a_panic() {
    let huge = Decimal::MAX / Decimal::TEN;
    let big = |s: SymbolId| Quote {
        symbol: s,
        price: huge,
        shares: Some(huge),
        float: None,
        line: 1,
    };
    // Cap-weighted: q·p = (MAX/10)² overflows.
    let mut e = Engine::new(spec(&[Method::CapWeighted]));
    let err = push_full(&mut e, "2024-01-02", &[big(A)], &[], None).unwrap_err();
    assert_eq!(
        err,
        CalcError::Overflow {
            date: d("2024-01-02"),
            what: "the market value"
        }
    );
    // Price-weighted: eleven prices of MAX/10 overflow their sum.
    let mut e = Engine::new(spec(&[Method::PriceWeighted]));
    let quotes: Vec<Quote> = (0..11).map(big).collect();
    let err = push_full(&mut e, "2024-01-02", &quotes, &[], None).unwrap_err();
    assert_eq!(
        err,
        CalcError::Overflow {
            date: d("2024-01-02"),
            what: "the market value"
        }
    );
    // A later day: the base is fine (ΣP = 1 + MAX/10, D = 2), then ten entrants at MAX/10
    // cannot be summed into the market value.
    let mut e = Engine::new(spec(&[Method::PriceWeighted]));
    let out = day(&mut e, "2024-01-02", &[px(A, "1"), big(B)], &[]);
    assert_eq!(out.values[0].divisor, n("2"));
    let quotes: Vec<Quote> = std::iter::once(px(A, "1"))
        .chain((1..12).map(big))
        .collect();
    let err = push_full(&mut e, "2024-01-03", &quotes, &[], None).unwrap_err();
    assert_eq!(
        err,
        CalcError::Overflow {
            date: d("2024-01-03"),
            what: "the market value"
        }
    );
    // A split ratio that makes the restated previous close unrepresentable.
    let mut e = Engine::new(spec(&[Method::PriceWeighted]));
    day(&mut e, "2024-01-02", &[big(A)], &[]);
    let err = push_full(
        &mut e,
        "2024-01-03",
        &[big(A)],
        &[act("2024-01-03", A, split("0.000001"), 3)],
        None,
    )
    .unwrap_err();
    assert_eq!(
        err,
        CalcError::Overflow {
            date: d("2024-01-03"),
            what: "a restated previous close"
        }
    );
}
