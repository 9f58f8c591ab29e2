use super::*;

#[test]
fn thinning_keeps_the_ends_and_every_columns_extremes() {
    let points: Vec<(f64, f64)> = (0..1000)
        .map(|i| (f64::from(i), f64::from((i * 37) % 101)))
        .collect();
    let thinned = thin(&points, 10);
    assert!(thinned.len() <= 40, "{}", thinned.len());
    assert_eq!(thinned.first(), points.first());
    assert_eq!(thinned.last(), points.last());
    // Each block of 100 points is one column: its minimum and maximum survive.
    for block in points.chunks(100) {
        let min = block.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let max = block.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        assert!(thinned.iter().any(|p| p.1 == min && block.contains(p)));
        assert!(thinned.iter().any(|p| p.1 == max && block.contains(p)));
    }
    assert!(thinned.windows(2).all(|w| w[0].0 < w[1].0));
    // Short lines are untouched.
    assert_eq!(thin(&points[..30], 10), points[..30].to_vec());
}

#[test]
fn both_formats_render() {
    let data = ChartData {
        dates: vec![
            chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2024, 1, 3).unwrap(),
        ],
        series: vec![super::super::Series {
            name: "level".into(),
            values: vec![100.0, 101.0],
        }],
    };
    let style = Style {
        title: Some("t".into()),
        y_label: None,
        log: false,
        width: 400,
        height: 300,
    };
    assert!(svg(&data, &style).unwrap().starts_with(b"<svg"));
    assert!(png(&data, &style).unwrap().starts_with(b"\x89PNG"));
}
