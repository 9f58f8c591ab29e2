use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn quarterly_fires_on_the_last_index_date_of_a_quarter() {
    let q = Rebalance::Quarterly;
    assert!(q.effective_between(d("2024-03-28"), d("2024-04-01")));
    assert!(!q.effective_between(d("2024-03-27"), d("2024-03-28")));
    assert!(!q.effective_between(d("2024-04-30"), d("2024-05-01")));
    assert!(q.effective_between(d("2024-12-31"), d("2025-01-02")));
    // A gap spanning a quarter end.
    assert!(q.effective_between(d("2024-05-15"), d("2024-07-15")));
}

#[test]
fn monthly_and_daily_and_none() {
    assert!(Rebalance::Monthly.effective_between(d("2024-01-31"), d("2024-02-01")));
    assert!(!Rebalance::Monthly.effective_between(d("2024-01-30"), d("2024-01-31")));
    assert!(Rebalance::Daily.effective_between(d("2024-01-30"), d("2024-01-31")));
    assert!(!Rebalance::None.effective_between(d("2024-01-31"), d("2025-02-01")));
}

#[test]
fn third_friday_and_its_reference_a_week_earlier() {
    // Third Friday of June 2024 is the 21st; the reference is the 14th.
    let t = Rebalance::ThirdFriday;
    assert!(t.effective_between(d("2024-06-21"), d("2024-06-24")));
    assert!(!t.effective_between(d("2024-06-14"), d("2024-06-21")));
    assert!(t.reference_between(d("2024-06-14"), d("2024-06-17")));
    assert!(!t.reference_between(d("2024-06-21"), d("2024-06-24")));
    // Holiday on the third Friday: the close before it is the effective one.
    assert!(t.effective_between(d("2024-06-20"), d("2024-06-24")));
    // March 2024: third Friday 15th, reference 8th.
    assert!(t.reference_between(d("2024-03-07"), d("2024-03-11")));
    assert!(!t.effective_between(d("2024-04-19"), d("2024-04-22")));
}

#[test]
fn explicit_dates_move_back_over_holidays() {
    let r = Rebalance::Dates(vec![d("2024-06-21"), d("2024-09-01")]);
    assert!(r.effective_between(d("2024-06-21"), d("2024-06-24")));
    assert!(!r.effective_between(d("2024-06-20"), d("2024-06-21")));
    // 2024-09-01 is a Sunday: effective after the close of Friday 08-30.
    assert!(r.effective_between(d("2024-08-30"), d("2024-09-03")));
}
