use super::*;
use std::str::FromStr;

fn date(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, d).unwrap()
}

fn quote(symbol: SymbolId, price: &str, shares: Option<&str>, line: u64) -> Quote {
    Quote {
        symbol,
        price: Decimal::from_str(price).unwrap(),
        shares: shares.map(|s| Decimal::from_str(s).unwrap()),
        float: None,
        line,
    }
}

fn split(d: u32, symbol: SymbolId, value: &str, line: u64) -> Action {
    Action {
        date: date(d),
        symbol,
        kind: ActionKind::Split(Decimal::from_str(value).unwrap()),
        line,
    }
}

/// Feeds one symbol's closes (one a date from June 3rd) and returns the events.
fn watch(closes: &[(&str, Option<&str>)], actions: &[Action]) -> Vec<SplitEvent> {
    let mut w = SplitWatch::default();
    for (k, (p, s)) in closes.iter().enumerate() {
        let d = 3 + k as u32;
        let todays: Vec<Action> = actions
            .iter()
            .filter(|a| a.date == date(d))
            .cloned()
            .collect();
        w.day(date(d), &[quote(0, p, *s, k as u64 + 2)], &todays);
    }
    w.finish();
    w.take_events()
}

#[test]
fn an_unrecorded_four_for_one_split_is_found_with_its_action() {
    // 642.17 → 158.19: ratio 0.24634 (within 2% of 1/4), shares ×4 exactly.
    let events = watch(
        &[
            ("640.00", Some("1150000000")),
            ("642.17", Some("1150000000")),
            ("158.19", Some("4600000000")),
            ("160.00", Some("4600000000")),
        ],
        &[],
    );
    assert_eq!(events.len(), 1);
    let SplitEvent::Split {
        line, price, facts, ..
    } = &events[0]
    else {
        panic!("{events:?}")
    };
    assert_eq!((*line, price.to_string()), (4, "158.19".to_string()));
    assert_eq!(facts.date, date(5));
    assert_eq!(facts.candidate.value(), Decimal::from(4));
    assert_eq!(events[0].inferred_split(), Some(Decimal::from(4)));
    assert_eq!(
        facts.text("ZALF", "actions.csv"),
        (
            "the price ratio 0.2463 (158.19 after 642.17 of 2024-06-04) is close to 1/4, as \
             after a 4-for-1 split, and the share count changes inversely, 1150000000 to \
             4600000000; there is no split action"
                .to_string(),
            "add to the actions file: 2024-06-05,ZALF,split,4".to_string()
        )
    );
}

#[test]
fn a_recorded_split_is_not_reported() {
    let events = watch(
        &[("100", None), ("50.2", None), ("51", None)],
        &[split(4, 0, "2", 9)],
    );
    assert_eq!(events, []);
}

#[test]
fn a_bad_print_that_the_next_close_undoes_is_not_a_split() {
    // 100 → 50 → 99: the halving is undone the next day.
    assert_eq!(watch(&[("100", None), ("50", None), ("99", None)], &[]), []);
    // 100 → 200 → 100 → 101: neither move is a split (each is undone or undoes).
    assert_eq!(
        watch(
            &[("100", None), ("200", None), ("100", None), ("101", None)],
            &[]
        ),
        []
    );
}

#[test]
fn a_move_is_reported_only_when_the_next_close_confirms_it() {
    let mut w = SplitWatch::default();
    w.day(date(3), &[quote(0, "100", None, 2)], &[]);
    w.day(date(4), &[quote(0, "10.1", None, 3)], &[]);
    assert!(!w.has_events(), "waits for the next close");
    w.day(date(5), &[quote(0, "10.2", None, 4)], &[]);
    let events = w.take_events();
    assert_eq!(events.len(), 1);
    // 100 → 10.1 is a 10-for-1 split.
    assert_eq!(events[0].inferred_split(), Some(Decimal::from(10)));
    assert_eq!(events[0].date(), date(4));
}

#[test]
fn ordinary_moves_and_a_crash_with_changing_shares_are_quiet() {
    // −12%, +11%, −30% with the share count unchanged: no split ratio within 2%.
    assert_eq!(
        watch(
            &[
                ("100", Some("10")),
                ("88", Some("10")),
                ("97.68", Some("10")),
                ("68.376", Some("10"))
            ],
            &[]
        ),
        []
    );
}

#[test]
fn a_half_with_a_share_count_that_moves_otherwise_is_not_a_split() {
    // Price halves but shares rise 10%: neither unchanged nor inverse.
    assert_eq!(
        watch(
            &[("100", Some("10")), ("50", Some("11")), ("51", Some("11"))],
            &[]
        ),
        []
    );
}

#[test]
fn a_weak_ratio_needs_the_share_count() {
    // 3-for-2: 90 → 60 with shares 200 → 300 is a split; without shares it is a fall.
    let events = watch(
        &[
            ("90", Some("200")),
            ("60", Some("300")),
            ("61", Some("300")),
        ],
        &[],
    );
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].inferred_split(),
        Some(Decimal::from_str("1.5").unwrap())
    );
    assert_eq!(watch(&[("90", None), ("60", None), ("61", None)], &[]), []);
}

#[test]
fn a_wrong_split_value_and_an_unneeded_split_are_reported() {
    // Recorded 2-for-1, but 100 → 25: still 1/2 after it; the move suggests 4.
    let events = watch(
        &[("100", None), ("25", None), ("25.5", None)],
        &[split(4, 0, "2", 7)],
    );
    assert_eq!(events.len(), 1);
    let SplitEvent::Split { facts, .. } = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(facts.recorded, Some((7, 2.0)));
    assert_eq!(events[0].inferred_split(), None);
    assert_eq!(
        facts.text("A", "actions.csv").1,
        "check the split's value: the move suggests 4"
    );
    // A 2-for-1 action where the price stays at 50: split-adjusted prices.
    let events = watch(&[("50", None), ("50.5", None)], &[split(4, 0, "2", 8)]);
    assert_eq!(events.len(), 1);
    let SplitEvent::Unneeded { facts, .. } = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(facts.line, 8);
    assert_eq!(
        facts.text("A").0,
        "split 2 of A on 2024-06-04, but the price hardly moves (50.5 after 50 of \
         2024-06-03, +1.0%): the prices look split-adjusted already, and the split would \
         restate the previous close to 25"
    );
}

#[test]
fn the_quiet_band_lies_inside_every_candidates_reach() {
    let w = SplitWatch::default();
    let (lo, hi) = w.quiet_band;
    // The nearest candidates are 5-for-4 (0.8) and 4-for-5 (1.25), reached ±10%; the band
    // stops a hair inside.
    assert!(lo > 0.88 && lo < 0.88 + 1e-8, "{lo}");
    assert!(hi < 1.125 && hi > 1.125 - 1e-8, "{hi}");
    for c in ratios() {
        let p = c.price_ratio();
        assert!(p * 1.1 < lo || p * 0.9 > hi, "{}", c.label());
    }
}

#[test]
fn the_decimals_written_do_not_change_what_is_found() {
    // The same closes with one, two or no decimals (the quick path needs equal scales).
    for closes in [
        ["100", "101", "50.5", "51"],
        ["100.00", "101.00", "50.50", "51.00"],
        ["100.0", "101", "50.50", "51.0"],
    ] {
        let c: Vec<(&str, Option<&str>)> = closes.iter().map(|p| (*p, None)).collect();
        let events = watch(&c, &[]);
        assert_eq!(events.len(), 1, "{closes:?}");
        assert_eq!(events[0].date(), date(5));
        assert_eq!(events[0].inferred_split(), Some(Decimal::TWO));
    }
}

#[test]
fn decimals_convert_as_their_text_parses() {
    for s in [
        "47.10",
        "158.19",
        "0.000123",
        "1150000000",
        "95.51",
        "12345678.901234",
    ] {
        let d = Decimal::from_str(s).unwrap();
        assert_eq!(approx(d), s.parse::<f64>().unwrap(), "{s}");
    }
}
