//! Command-line tests of `idx chart`: the SVG is well-formed XML with one line per series, the
//! legend and the title; the points land where the axis ticks say; PNGs have the requested size;
//! stdin and stdout work; every error has its exit code and location.

use assert_cmd::Command;
use chrono::Datelike;

mod common;
use common::{fails, idx, repo, Scratch};

/// Runs `cmd`, asserts success and no output on stderr; returns stdout.
fn succeeds(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("idx runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "idx failed with {:?}:\n{stderr}",
        out.status
    );
    assert!(stderr.is_empty(), "unexpected stderr:\n{stderr}");
    out.stdout
}

// ---------------------------------------------------------------------------------------------
// Reading the SVG
// ---------------------------------------------------------------------------------------------

/// What a chart shows, read back from its SVG.
struct Svg {
    /// Every text element's content with its anchor point (x, y).
    texts: Vec<(String, f64, f64)>,
    /// The series lines: (stroke colour, points).
    lines: Vec<(String, Vec<(f64, f64)>)>,
    /// The legend swatches: (fill colour, centre).
    swatches: Vec<(String, (f64, f64))>,
    /// The horizontal grid lines: (y, x from, x to).
    h_grid: Vec<(f64, f64, f64)>,
}

fn attr(n: &roxmltree::Node, name: &str) -> f64 {
    n.attribute(name)
        .unwrap_or_else(|| panic!("<{}> without {name}", n.tag_name().name()))
        .parse()
        .unwrap()
}

fn parse_svg(bytes: &[u8]) -> Svg {
    let text = std::str::from_utf8(bytes).expect("the SVG is UTF-8");
    let doc = roxmltree::Document::parse(text).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let mut svg = Svg {
        texts: Vec::new(),
        lines: Vec::new(),
        swatches: Vec::new(),
        h_grid: Vec::new(),
    };
    // The axes and tick marks are polylines too, in the axis colour.
    let axis = "#555555";
    for n in root.descendants().filter(|n| n.is_element()) {
        match n.tag_name().name() {
            "text" => svg.texts.push((
                n.text().unwrap_or("").trim().to_string(),
                attr(&n, "x"),
                attr(&n, "y"),
            )),
            "polyline" if n.attribute("stroke") != Some(axis) => {
                let points = n
                    .attribute("points")
                    .unwrap()
                    .split_whitespace()
                    .map(|p| {
                        let (x, y) = p.split_once(',').unwrap();
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect();
                svg.lines
                    .push((n.attribute("stroke").unwrap().to_string(), points));
            }
            "rect" if n.attribute("fill") != Some("#FFFFFF") => {
                let (x, y, w, h) = (
                    attr(&n, "x"),
                    attr(&n, "y"),
                    attr(&n, "width"),
                    attr(&n, "height"),
                );
                svg.swatches.push((
                    n.attribute("fill").unwrap().to_string(),
                    (x + w / 2.0, y + h / 2.0),
                ));
            }
            "line" if attr(&n, "y1") == attr(&n, "y2") => {
                svg.h_grid
                    .push((attr(&n, "y1"), attr(&n, "x1"), attr(&n, "x2")));
            }
            _ => {}
        }
    }
    svg
}

impl Svg {
    fn text(&self, s: &str) -> Option<(f64, f64)> {
        self.texts.iter().find(|t| t.0 == s).map(|t| (t.1, t.2))
    }

    /// The y tick labels (right-aligned left of the plot) as (value, y), top to bottom.
    fn y_ticks(&self) -> Vec<(f64, f64)> {
        let left = self.plot_left();
        let mut v: Vec<(f64, f64)> = self
            .texts
            .iter()
            .filter(|t| t.1 < left)
            .filter_map(|t| t.0.parse::<f64>().ok().map(|v| (v, t.2)))
            .collect();
        v.sort_by(|a, b| a.1.total_cmp(&b.1));
        v
    }

    fn plot_left(&self) -> f64 {
        self.h_grid
            .iter()
            .map(|g| g.1)
            .fold(f64::INFINITY, f64::min)
    }

    fn plot_right(&self) -> f64 {
        self.h_grid
            .iter()
            .map(|g| g.2)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// Checks that every series has one line, in the colour of its legend swatch, and that the
    /// legend names them in order.
    fn assert_legend(&self, names: &[&str]) {
        assert_eq!(self.lines.len(), names.len(), "one line per series");
        assert_eq!(
            self.swatches.len(),
            names.len(),
            "one legend swatch per series"
        );
        for (i, name) in names.iter().enumerate() {
            let (colour, (sx, sy)) = &self.swatches[i];
            assert_eq!(&self.lines[i].0, colour, "line {i} has its swatch's colour");
            let (tx, ty) = self
                .text(name)
                .unwrap_or_else(|| panic!("legend text {name}"));
            assert!(
                tx > *sx && tx - sx < 40.0 && (ty - sy).abs() <= 2.0,
                "{name} beside its swatch"
            );
        }
        let colours: std::collections::HashSet<&String> = self.lines.iter().map(|l| &l.0).collect();
        assert_eq!(colours.len(), names.len(), "distinct colours");
    }
}

// ---------------------------------------------------------------------------------------------
// SVG
// ---------------------------------------------------------------------------------------------

const SMALL: &str = "date,a,b\n2024-01-02,100,150\n2024-01-03,150,120\n2024-01-04,200,110\n";

#[test]
fn svg_is_xml_with_a_line_per_series_a_legend_and_the_title() {
    let s = Scratch::with(&[("levels.csv", SMALL)]);
    succeeds(s.cmd().args([
        "chart",
        "levels.csv",
        "-o",
        "chart.svg",
        "--title",
        "S&P <small>",
        "--y-label",
        "points",
    ]));
    let svg = parse_svg(&s.read("chart.svg"));
    svg.assert_legend(&["a", "b"]);
    assert!(
        svg.text("S&P <small>").is_some(),
        "the title, escaped and parsed back"
    );
    assert!(svg.text("points").is_some(), "the y label");
    assert_eq!(
        s.listing(),
        ["chart.svg", "levels.csv"],
        "no temporary file left"
    );
}

#[test]
fn points_land_where_the_ticks_say() {
    let s = Scratch::with(&[("levels.csv", SMALL)]);
    succeeds(s.cmd().args(["chart", "levels.csv", "-o", "chart.svg"]));
    let svg = parse_svg(&s.read("chart.svg"));
    let (left, right) = (svg.plot_left(), svg.plot_right());

    // The y axis: round ticks from 100 to 200, exactly the data's range.
    let ticks = svg.y_ticks();
    let values: Vec<f64> = ticks.iter().map(|t| t.0).collect();
    assert_eq!(values, [200.0, 180.0, 160.0, 140.0, 120.0, 100.0]);
    let (top_y, bottom_y) = (ticks[0].1, ticks[ticks.len() - 1].1);
    // Every tick label has a grid line across the plot at its height.
    for &(_, y) in &ticks {
        assert!(svg.h_grid.iter().any(|g| g.0 == y), "grid line at {y}");
    }
    let y_of = |v: f64| bottom_y + (v - 100.0) / 100.0 * (top_y - bottom_y);

    // The x axis: one tick per day, the first at the left edge and the last at the right.
    let (x0, _) = svg.text("2024-01-02").expect("first date tick");
    let (x2, _) = svg.text("2024-01-04").expect("last date tick");
    assert_eq!((x0, x2), (left, right));
    let x_of = |day: f64| left + day / 2.0 * (right - left);

    let expected = [
        [(0.0, 100.0), (1.0, 150.0), (2.0, 200.0)],
        [(0.0, 150.0), (1.0, 120.0), (2.0, 110.0)],
    ];
    for (line, want) in svg.lines.iter().zip(expected) {
        assert_eq!(line.1.len(), 3);
        for (&(x, y), (day, v)) in line.1.iter().zip(want) {
            assert!((x - x_of(day)).abs() <= 1.0, "x {x} for day {day}");
            assert!(
                (y - y_of(v)).abs() <= 1.0,
                "y {y} for {v} (expected {})",
                y_of(v)
            );
        }
    }
    // Series a: first point at the left edge on the bottom tick, maximum on the top tick.
    assert_eq!(svg.lines[0].1[0], (left, bottom_y));
    assert_eq!(svg.lines[0].1[2], (right, top_y));
}

#[test]
fn log_scale_puts_round_ticks_at_equal_ratios() {
    let s = Scratch::with(&[(
        "long.csv",
        "date,value\n1990-01-02,12\n2000-01-03,150\n2010-01-04,900\n2020-01-02,3000\n",
    )]);
    succeeds(
        s.cmd()
            .args(["chart", "long.csv", "-o", "log.svg", "--log"]),
    );
    let svg = parse_svg(&s.read("log.svg"));
    svg.assert_legend(&["value"]);
    let ticks = svg.y_ticks();
    let values: Vec<f64> = ticks.iter().map(|t| t.0).collect();
    assert_eq!(
        values,
        [5000.0, 2000.0, 1000.0, 500.0, 200.0, 100.0, 50.0, 20.0, 10.0]
    );
    // Equal ratios, equal distances: 10 → 100 and 100 → 1000 span the same height.
    let y = |v: f64| ticks.iter().find(|t| t.0 == v).unwrap().1;
    assert!(((y(10.0) - y(100.0)) - (y(100.0) - y(1000.0))).abs() <= 1.0);
    // The point at 150 lies log10(1.5) of a decade above 100.
    let decade = y(10.0) - y(100.0);
    let p = svg.lines[0].1[1];
    assert!(
        (p.1 - (y(100.0) - decade * 1.5f64.log10())).abs() <= 1.5,
        "{p:?}"
    );
    // Year ticks on the x axis.
    for year in ["1995", "2000", "2005", "2010", "2015", "2020"] {
        assert!(svg.text(year).is_some(), "tick {year}");
    }
}

#[test]
fn rebase_starts_every_series_at_the_value() {
    let s = Scratch::with(&[(
        "levels.csv",
        "date,x,y\n2024-01-02,50,400\n2024-01-03,55,300\n2024-01-04,60,360\n",
    )]);
    succeeds(
        s.cmd()
            .args(["chart", "levels.csv", "-o", "r.svg", "--rebase", "100"]),
    );
    let svg = parse_svg(&s.read("r.svg"));
    svg.assert_legend(&["x", "y"]);
    // Both lines start at the same height: 100.
    assert_eq!(svg.lines[0].1[0], svg.lines[1].1[0]);
    let ticks = svg.y_ticks();
    let at = |v: f64| ticks.iter().find(|t| t.0 == v).map(|t| t.1);
    assert_eq!(Some(svg.lines[0].1[0].1), at(100.0));
    // x: 60/50 = 120 at the end; y: 360/400 = 90.
    assert_eq!(Some(svg.lines[0].1[2].1), at(120.0));
    assert_eq!(Some(svg.lines[1].1[2].1), at(90.0));
    assert!(svg.text("rebased to 100 on 2024-01-02").is_some());
}

#[test]
fn compute_output_from_stdin_charts_its_levels_only() {
    let levels = idx()
        .args(["compute", "-m", "pw,cw,ew", "-q", "--actions"])
        .arg(repo("data/actions.csv"))
        .arg("--constituents")
        .arg(repo("data/constituents.csv"))
        .arg(repo("data/prices.csv"))
        .output()
        .unwrap();
    assert!(levels.status.success());
    let s = Scratch::with(&[]);
    succeeds(
        s.cmd()
            .args(["chart", "-o", "sample.svg", "--title", "Sample"])
            .write_stdin(levels.stdout),
    );
    let svg = parse_svg(&s.read("sample.svg"));
    svg.assert_legend(&["price-weighted", "cap-weighted", "equal-weighted"]);
    assert!(svg.text("Sample").is_some());
    // Month ticks over the sample's 15 months.
    assert!(svg.text("Jan 2025").is_some());

    // Single-method output: the level, not the divisor or the constituent count.
    let single = "date,level,divisor,constituents\n2024-01-02,100.00,16690250000,12\n\
                  2024-01-03,100.82,16690250000,12\n";
    let out = succeeds(idx().args(["chart", "-", "-o", "-"]).write_stdin(single));
    parse_svg(&out).assert_legend(&["level"]);

    // idx share's output: the share, not the member count.
    let share = "date,share,members\n2024-11-05,0.5000000000,2\n2024-11-06,0.4939759036,2\n";
    let out = succeeds(idx().args(["chart", "-o", "-"]).write_stdin(share));
    parse_svg(&out).assert_legend(&["share"]);
}

#[test]
fn columns_are_chosen_by_name_in_order() {
    let s = Scratch::with(&[(
        "levels.csv",
        "Day,note,a,b,c\n01/02/2024,x,1,2,3\n01/03/2024,y,2,3,4\n",
    )]);
    let base = [
        "chart",
        "levels.csv",
        "--date-col",
        "day",
        "--date-format",
        "%m/%d/%Y",
        "-o",
        "-",
    ];
    let svg = parse_svg(&succeeds(s.cmd().args(base)));
    svg.assert_legend(&["a", "b", "c"]);
    let svg = parse_svg(&succeeds(s.cmd().args(base).args(["--column", "C,a"])));
    svg.assert_legend(&["c", "a"]);
    let svg = parse_svg(&succeeds(
        s.cmd().args(base).args(["--column", "b", "--column", "A"]),
    ));
    svg.assert_legend(&["b", "a"]);
}

// ---------------------------------------------------------------------------------------------
// PNG
// ---------------------------------------------------------------------------------------------

/// The width and height in a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes(b.try_into().unwrap());
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

#[test]
fn png_has_the_requested_size() {
    let s = Scratch::with(&[("levels.csv", SMALL)]);
    succeeds(s.cmd().args(["chart", "levels.csv", "-o", "chart.png"]));
    assert_eq!(png_size(&s.read("chart.png")), (1000, 600));
    succeeds(s.cmd().args([
        "chart",
        "levels.csv",
        "-o",
        "CHART.PNG",
        "--width",
        "640",
        "--height",
        "400",
    ]));
    assert_eq!(png_size(&s.read("CHART.PNG")), (640, 400));
    // To a pipe with -o - and --format png.
    let out = succeeds(s.cmd().args([
        "chart",
        "levels.csv",
        "-o",
        "-",
        "--format",
        "png",
        "--width",
        "300",
        "--height",
        "200",
    ]));
    assert_eq!(png_size(&out), (300, 200));
    // --format may name the format of a file without a known extension.
    succeeds(
        s.cmd()
            .args(["chart", "levels.csv", "-o", "chart.img", "--format", "png"]),
    );
    assert_eq!(png_size(&s.read("chart.img")), (1000, 600));
}

#[test]
fn png_of_a_long_history_on_a_log_scale() {
    let mut csv = String::from("date,value\n");
    let mut d = chrono::NaiveDate::from_ymd_opt(1950, 1, 3).unwrap();
    let mut v = 16.66f64;
    let mut i = 0u32;
    while d.year() < 2026 {
        csv.push_str(&format!("{d},{v:.2}\n"));
        v *= 1.0003 + 0.01 * (f64::from(i % 7) - 3.0) / 3.0;
        d = d.succ_opt().unwrap();
        i += 1;
    }
    let s = Scratch::with(&[("long.csv", &csv)]);
    succeeds(s.cmd().args([
        "chart", "long.csv", "-o", "long.png", "--log", "--title", "Long",
    ]));
    assert_eq!(png_size(&s.read("long.png")), (1000, 600));
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

#[test]
fn data_errors_exit_1_with_their_location() {
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "date,name\n2024-01-02,x\n2024-01-03,y\n",
            &[],
            &[
                "in.csv, line 1",
                "no numeric column",
                "columns found: date, name",
            ],
        ),
        (
            "date,divisor,constituents\n2024-01-02,12,3\n2024-01-03,12,3\n",
            &[],
            &["no numeric column"],
        ),
        (
            "date,a\n2024-01-02,100\n",
            &[],
            &["at least two rows", "has 1"],
        ),
        ("date,a\n", &[], &["at least two rows", "has 0"]),
        ("", &[], &["the file is empty"]),
        (
            "date,a\n2024-01-02,1\n2024-01-03,1.5x\n",
            &[],
            &[
                "line 3, column 'a'",
                "not a decimal number",
                "(value: \"1.5x\")",
            ],
        ),
        (
            "date,a\n2024-01-02,1\n2024-01-03,\n",
            &[],
            &["line 3, column 'a'", "the value is empty"],
        ),
        (
            "date,a\n2024-01-02,x\n2024-01-03,1\n",
            &["--column", "a"],
            &["line 2, column 'a'", "not a decimal number"],
        ),
        (
            "date,a\n2024-01-02,1\n2024-01-03,0\n",
            &["--log"],
            &[
                "line 3, column 'a'",
                "--log needs values greater than 0",
                "(value: \"0\")",
            ],
        ),
        (
            "date,a\n2024-01-02,-1\n2024-01-03,1\n",
            &["--rebase", "100"],
            &[
                "line 2, column 'a'",
                "--rebase needs a first value greater than 0",
            ],
        ),
        (
            "date,a\n2024-01-02,1\n2024-13-03,2\n",
            &[],
            &[
                "line 3, column 'date'",
                "not a valid date",
                "(value: \"2024-13-03\")",
            ],
        ),
        (
            "date,a\n2024-01-02,1\n2024-01-02,2\n",
            &[],
            &[
                "line 3, column 'date'",
                "duplicate date 2024-01-02 (also on line 2)",
            ],
        ),
        (
            "date,a\n2024-01-03,1\n2024-01-02,2\n",
            &[],
            &[
                "line 3, column 'date'",
                "not in increasing order: 2024-01-02 comes after 2024-01-03 (line 2)",
            ],
        ),
        (
            "day,a\n2024-01-02,1\n2024-01-03,2\n",
            &[],
            &[
                "line 1",
                "missing required column 'date'",
                "--date-col",
                "columns found: day, a",
            ],
        ),
        (
            "date,a\n2024-01-02,1\n2024-01-03,2\n",
            &["--column", "b"],
            &["line 1", "no column 'b' to chart", "columns found: date, a"],
        ),
        (
            "date,a\n2024-01-02,1\n2024-01-03,2,3\n",
            &[],
            &["line 3", "the row has 3 fields but the header has 2"],
        ),
    ];
    for (text, flags, needles) in cases {
        let s = Scratch::with(&[("in.csv", text)]);
        for out in ["out.svg", "out.png"] {
            fails(
                s.cmd().args(["chart", "in.csv", "-o", out]).args(*flags),
                1,
                needles,
            );
            assert_eq!(s.listing(), ["in.csv"], "nothing written for {text:?}");
        }
    }
    let s = Scratch::with(&[]);
    fails(
        s.cmd().args(["chart", "missing.csv", "-o", "x.svg"]),
        1,
        &["missing.csv", "cannot open the file"],
    );
    fails(
        s.cmd()
            .args(["chart", "-o", "x.svg"])
            .write_stdin("date,a\n2024-01-02,1\n"),
        1,
        &["<stdin>", "at least two rows"],
    );
    assert!(s.listing().is_empty());
}

#[test]
fn usage_errors_exit_2() {
    let s = Scratch::with(&[("levels.csv", SMALL)]);
    let chart = |args: &[&str]| {
        let mut c = s.cmd();
        c.arg("chart").arg("levels.csv").args(args);
        c
    };
    fails(
        &mut chart(&["-o", "chart.jpg"]),
        2,
        &["cannot tell the image format", "chart.jpg", ".svg or .png"],
    );
    fails(
        &mut chart(&["-o", "chart"]),
        2,
        &["cannot tell the image format"],
    );
    fails(
        &mut chart(&["-o", "chart.svg", "--format", "png"]),
        2,
        &["--format png contradicts the extension of chart.svg"],
    );
    fails(&mut chart(&[]), 2, &["--output"]);
    fails(
        &mut chart(&["-o", "c.svg", "--rebase", "0"]),
        2,
        &["--rebase must be greater than 0"],
    );
    fails(
        &mut chart(&["-o", "c.svg", "--rebase", "abc"]),
        2,
        &["--rebase"],
    );
    fails(
        &mut chart(&["-o", "c.svg", "--width", "10"]),
        2,
        &["--width"],
    );
    fails(&mut chart(&["-o", "c.svg", "--format", "gif"]), 2, &["gif"]);
    assert_eq!(s.listing(), ["levels.csv"]);
}

#[test]
fn help_lists_the_chart_command_and_its_flags() {
    let out = succeeds(idx().args(["chart", "--help"]));
    let help = String::from_utf8(out).unwrap();
    for flag in [
        "--output",
        "--format",
        "--column",
        "--date-col",
        "--date-format",
        "--title",
        "--y-label",
        "--log",
        "--rebase",
        "--width",
        "--height",
    ] {
        assert!(help.contains(flag), "help lacks {flag}:\n{help}");
    }
    let out = succeeds(idx().arg("--help"));
    assert!(String::from_utf8(out).unwrap().contains("chart"));
}
