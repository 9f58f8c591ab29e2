use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn member_periods_are_inclusive_and_open_ended() {
    let mut m = MemberList::new();
    m.add(1, None, Some(d("2024-11-07")));
    m.add(2, Some(d("2024-11-08")), None);
    assert!(m.is_member(1, d("2024-11-07")));
    assert!(!m.is_member(1, d("2024-11-08")));
    assert!(!m.is_member(2, d("2024-11-07")));
    assert!(m.is_member(2, d("2030-01-01")));
    assert!(!m.is_member(3, d("2024-11-08")));
    assert_eq!(m.symbols(), &[1, 2]);
}

#[test]
fn shares_schedule_uses_the_entry_in_force() {
    let mut s = SharesSchedule::new();
    let e = |from: Option<&str>, n: i64| ShareEntry {
        from: from.map(d),
        shares: Decimal::from(n),
        float: None,
    };
    s.add(7, e(Some("2024-06-01"), 200));
    s.add(7, e(None, 100));
    s.add(7, e(Some("2024-03-01"), 150));
    assert_eq!(
        s.lookup(7, d("2024-01-01")).unwrap().shares,
        Decimal::from(100)
    );
    assert_eq!(
        s.lookup(7, d("2024-03-01")).unwrap().shares,
        Decimal::from(150)
    );
    assert_eq!(
        s.lookup(7, d("2024-05-31")).unwrap().shares,
        Decimal::from(150)
    );
    assert_eq!(
        s.lookup(7, d("2025-01-01")).unwrap().shares,
        Decimal::from(200)
    );
    assert!(s.lookup(8, d("2025-01-01")).is_none());
    assert!(s.duplicate_dates().is_none());
    s.add(7, e(Some("2024-03-01"), 1));
    assert_eq!(s.duplicate_dates(), Some((7, Some(d("2024-03-01")))));
}
