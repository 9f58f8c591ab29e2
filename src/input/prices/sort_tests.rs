use super::*;

#[test]
fn the_two_thread_sort_orders_like_a_plain_sort() {
    // 200,000 rows in a scrambled order (a symbol-grouped file's shape, shuffled by a
    // multiplicative hash), with repeated dates and symbols.
    let rows: Vec<Packed> = (0..200_000u32)
        .map(|i| {
            let h = i.wrapping_mul(2_654_435_761);
            Packed {
                price: i64::from(h % 1000),
                shares: 0,
                date: 700_000 + (h % 5_000) as i32,
                symbol: (h >> 20) % 500,
                line: i + 2,
                price_scale: 2,
                shares_scale: 0,
                flags: 0,
            }
        })
        .collect();
    let key = |r: &Packed| (r.date, r.symbol, r.line);
    let mut expected = rows.clone();
    expected.sort_unstable_by_key(key);
    let mut got = rows;
    sort_rows(&mut got);
    let keys = |v: &[Packed]| v.iter().map(key).collect::<Vec<_>>();
    assert_eq!(keys(&got), keys(&expected));
}
