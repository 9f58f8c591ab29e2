//! Drawing the chart with `plotters`, in memory: an SVG string or an RGB bitmap encoded as PNG.
//!
//! The layout, from the top: the title, the legend (a swatch and the name of each series, in
//! rows that wrap), then the plot with its y axis on the left and dates below. Text is measured
//! and, in PNGs, drawn with the embedded DejaVu Sans, so no system font is needed.

use super::bitmap::Bitmap;
use super::data::ChartData;
use super::ticks::{self, ValueTicks};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, RGBColor};
use std::sync::OnceLock;

/// DejaVu Sans (see `fonts/LICENSE`).
static FONT: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");

/// The font family name the text styles use.
const FAMILY: &str = "sans-serif";

/// Line colours, one per series in order (Tableau 10, then the lighter and other hues of
/// Tableau 20), then again from the start.
const PALETTE: [RGBColor; 20] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0xed, 0xc9, 0x48),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0xba, 0xb0, 0xac),
    RGBColor(0xa0, 0xcb, 0xe8),
    RGBColor(0xff, 0xbe, 0x7d),
    RGBColor(0x8c, 0xd1, 0x7d),
    RGBColor(0xb6, 0x99, 0x2d),
    RGBColor(0x49, 0x98, 0x94),
    RGBColor(0xd3, 0x72, 0x95),
    RGBColor(0x79, 0x70, 0x6e),
    RGBColor(0xd4, 0xa6, 0xc8),
    RGBColor(0x9d, 0x76, 0x60),
    RGBColor(0xf1, 0xce, 0x63),
];

const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
const AXIS: RGBColor = RGBColor(0x55, 0x55, 0x55);
const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
const MINOR_GRID: RGBColor = RGBColor(0xee, 0xee, 0xee);

/// How the chart looks.
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    /// The title above the chart.
    pub title: Option<String>,
    /// The y axis's label.
    pub y_label: Option<String>,
    /// A log scale on the y axis.
    pub log: bool,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Registers the embedded font with plotters (once per process).
fn register_font() -> Result<(), String> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err("the embedded font cannot be read".to_string())
    }
}

/// Draws the chart as an SVG document.
pub fn svg(data: &ChartData, style: &Style) -> Result<Vec<u8>, String> {
    register_font()?;
    let mut out = String::new();
    {
        let root =
            SVGBackend::with_string(&mut out, (style.width, style.height)).into_drawing_area();
        draw(&root, data, style, Lines::Polyline).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out.into_bytes())
}

/// Draws the chart as a PNG image (8-bit RGB).
pub fn png(data: &ChartData, style: &Style) -> Result<Vec<u8>, String> {
    register_font()?;
    let (w, h) = (style.width, style.height);
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let root = Bitmap(BitMapBackend::with_buffer(&mut pixels, (w, h))).into_drawing_area();
        draw(&root, data, style, Lines::Segments).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// A linear axis over `lo..hi` with the ticks chosen by [`ticks`] (plotters' own are replaced).
struct Axis {
    lo: f64,
    hi: f64,
    /// Labelled ticks and grid lines.
    bold: Vec<f64>,
    /// Unlabelled minor grid lines.
    light: Vec<f64>,
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        RangedCoordf64::from(self.lo..self.hi).map(value, limit)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The x coordinate of a date: days since 0001-01-01.
fn day_number(d: chrono::NaiveDate) -> f64 {
    f64::from(chrono::Datelike::num_days_from_ce(&d))
}

/// How a series' line is handed to the backend.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lines {
    /// One polyline per series (SVG: the viewer joins the segments).
    Polyline,
    /// One path per segment. plotters' bitmap backend fills a thick polyline as one polygon,
    /// which leaves holes and spikes where a daily series zigzags; separate segments do not.
    Segments,
}

/// Sizes that grow with larger images (`1` at the default 1000 × 600 and below: smaller text
/// would not be legible in a PNG).
#[derive(Clone, Copy)]
struct Scale(f64);

impl Scale {
    /// `v` pixels at this scale, rounded.
    fn px(self, v: f64) -> i32 {
        (v * self.0).round() as i32
    }

    /// The text style of `size` (a line height) at this scale.
    fn font(self, size: f64) -> TextStyle<'static> {
        TextStyle::from((FAMILY, size * self.0).into_font()).color(&TEXT)
    }
}

/// Draws the chart on `root`: the title, the legend, then the plot.
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    style: &Style,
    lines: Lines,
) -> DrawResult<DB> {
    let (w, h) = (f64::from(style.width), f64::from(style.height));
    // Text and lines grow with larger images (s = 1 at the default 1000 × 600 and below:
    // smaller text would not be legible in a PNG). plotters sizes text by its line height: an
    // SVG font-size is 1/1.24 of it (15.5 → 12.5 px).
    let s = (w / 1000.0).min(h / 600.0).clamp(1.0, 4.0);
    let scale = Scale(s);

    root.fill(&WHITE)?;
    let margin = scale.px(14.0);
    let mut top = margin;

    if let Some(title) = style.title.as_deref().filter(|t| !t.is_empty()) {
        top = draw_title(root, title, w, top, margin, scale)?;
    }
    top = draw_legend(root, data, w, top, margin, scale)?;
    draw_plot(root, data, style, lines, top, margin, scale)
}

/// Draws the title, centred at `top`; returns the top of what comes below it.
fn draw_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    w: f64,
    mut top: i32,
    margin: i32,
    scale: Scale,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |v| scale.px(v);
    let font = |size| scale.font(size);
    // A title wider than the image is drawn smaller, down to 80 %, then shortened.
    let room = (w as i32 - 2 * margin).max(1) as u32;
    let (full_w, _) = root.estimate_text_size(title, &font(25.0))?;
    let shrink = (f64::from(room) / f64::from(full_w.max(1))).clamp(0.8, 1.0);
    let title_font = font(25.0 * shrink);
    let mut text = title.to_string();
    while root.estimate_text_size(&text, &title_font)?.0 > room && text.chars().count() > 1 {
        let keep = text.trim_end_matches('…').chars().count() - 1;
        text = text.chars().take(keep).collect::<String>() + "…";
    }
    let (tw, th) = root.estimate_text_size(&text, &title_font)?;
    let x = ((w as i32 - tw as i32) / 2).max(margin);
    root.draw_text(&text, &title_font, (x, top))?;
    top += th as i32 + px(10.0);
    Ok(top)
}

/// Draws the legend at `top`: entries laid out in rows, each row centred. Returns the top of
/// what comes below it.
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    w: f64,
    mut top: i32,
    margin: i32,
    scale: Scale,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |v| scale.px(v);
    let legend_font = scale.font(17.0);
    let swatch = px(24.0);
    let gap = px(7.0);
    let spacing = px(24.0);
    let row_h = px(22.0);
    let mut rows: Vec<Vec<(usize, i32)>> = vec![Vec::new()];
    let mut row_w = 0;
    for (i, series) in data.series.iter().enumerate() {
        let (tw, _) = root.estimate_text_size(&series.name, &legend_font)?;
        let entry = swatch + gap + tw as i32;
        let last = rows.last_mut().expect("one row at least");
        if !last.is_empty() && row_w + spacing + entry > w as i32 - 2 * margin {
            rows.push(vec![(i, entry)]);
            row_w = entry;
        } else {
            row_w += if last.is_empty() {
                entry
            } else {
                spacing + entry
            };
            last.push((i, entry));
        }
    }
    for (r, row) in rows.iter().enumerate() {
        let total: i32 = row.iter().map(|(_, e)| e).sum::<i32>() + spacing * (row.len() as i32 - 1);
        let mut x = ((w as i32 - total) / 2).max(margin);
        let y = top + row_h * r as i32 + row_h / 2;
        for &(i, entry) in row {
            let color = PALETTE[i % PALETTE.len()];
            let half = px(1.5).max(1);
            root.draw(&Rectangle::new(
                [(x, y - half), (x + swatch, y + half)],
                color.filled(),
            ))?;
            let text = legend_font.pos(Pos::new(HPos::Left, VPos::Center));
            root.draw_text(&data.series[i].name, &text, (x + swatch + gap, y))?;
            x += entry + spacing;
        }
    }
    top += row_h * rows.len() as i32 + px(8.0);
    Ok(top)
}

/// Draws the plot below `top`: its axes, ticks and grid, then the lines of the series.
fn draw_plot<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    style: &Style,
    lines: Lines,
    top: i32,
    margin: i32,
    scale: Scale,
) -> DrawResult<DB> {
    let (w, h) = (f64::from(style.width), f64::from(style.height));
    let s = scale.0;
    let px = |v| scale.px(v);
    let font = |size| scale.font(size);
    let label_font = font(15.5);
    // The plot's size, to choose the ticks.
    let area_h = h as i32 - top;
    let x_label_area = px(30.0);
    let top_pad = px(10.0);
    let plot_h = f64::from((area_h - top_pad - x_label_area - margin).max(50));
    let (lo, hi) = data
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let y_ticks: ValueTicks = if style.log {
        ticks::log_ticks(lo, hi, ((plot_h / (38.0 * s)) as usize).max(4))
    } else {
        ticks::linear_ticks(lo, hi, ((plot_h / (55.0 * s)) as usize).max(4))
    };
    let mut label_w = 0;
    for label in &y_ticks.labels {
        label_w = label_w.max(root.estimate_text_size(label, &label_font)?.0 as i32);
    }
    let desc_font = font(16.5);
    let y_desc = style.y_label.as_deref().filter(|t| !t.is_empty());
    let desc_w = match y_desc {
        Some(d) => root.estimate_text_size(d, &desc_font)?.1 as i32 + px(10.0),
        None => 0,
    };
    let y_label_area = label_w + px(14.0) + desc_w;
    let (iso_w, _) = root.estimate_text_size("2024-01-02", &label_font)?;
    // Room for half a date label beyond each end of the x axis.
    let right = (iso_w as i32 / 2 + px(6.0)).max(px(20.0));
    let left = margin.max(iso_w as i32 / 2 + px(4.0) - y_label_area);
    let plot_w = f64::from((w as i32 - left - y_label_area - right).max(50));
    let (first, last) = (data.dates[0], data.dates[data.dates.len() - 1]);
    let (step, date_ticks) = ticks::date_ticks(first, last, plot_w, f64::from(iso_w) / 10.0);

    let x_range = Axis {
        lo: day_number(first),
        hi: day_number(last),
        bold: date_ticks.iter().map(|&d| day_number(d)).collect(),
        light: Vec::new(),
    };
    let y_of = |v: f64| if style.log { v.log10() } else { v };
    let y_range = Axis {
        lo: y_of(y_ticks.lo),
        hi: y_of(y_ticks.hi),
        bold: y_ticks.ticks.iter().map(|&t| y_of(t)).collect(),
        light: y_ticks.minor.iter().map(|&t| y_of(t)).collect(),
    };

    let (_, plot_area) = root.split_vertically(top);
    let mut chart = ChartBuilder::on(&plot_area)
        .margin_left(left)
        .margin_right(right)
        .margin_top(top_pad)
        .margin_bottom(margin)
        .x_label_area_size(x_label_area)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(x_range, y_range)?;

    let x_label = |v: &f64| -> String {
        chrono::NaiveDate::from_num_days_from_ce_opt(v.round() as i32)
            .map(|d| step.label(d))
            .unwrap_or_default()
    };
    let y_keys: Vec<f64> = y_ticks.ticks.iter().map(|&t| y_of(t)).collect();
    let y_label = |v: &f64| -> String {
        let nearest = y_keys
            .iter()
            .enumerate()
            .min_by(|a, b| (a.1 - v).abs().total_cmp(&(b.1 - v).abs()))
            .map(|(i, _)| i);
        nearest
            .map(|i| y_ticks.labels[i].clone())
            .unwrap_or_default()
    };
    let hairline = px(1.0).max(1) as u32;
    let mut mesh = chart.configure_mesh();
    mesh.x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .label_style(label_font.clone())
        .axis_style(AXIS.stroke_width(hairline))
        .bold_line_style(GRID.stroke_width(hairline))
        .light_line_style(MINOR_GRID.stroke_width(hairline))
        .set_all_tick_mark_size(px(5.0))
        .axis_desc_style(desc_font.clone());
    if let Some(d) = y_desc {
        mesh.y_desc(d);
    }
    mesh.draw()?;

    draw_lines(&mut chart, data, style, lines, scale)
}

/// Draws the line of each series on `chart`, in its palette colour.
fn draw_lines<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<Axis, Axis>>,
    data: &ChartData,
    style: &Style,
    lines: Lines,
    scale: Scale,
) -> DrawResult<DB> {
    let y_of = |v: f64| if style.log { v.log10() } else { v };
    let width = scale.px(2.0).max(1) as u32;
    let xs: Vec<f64> = data.dates.iter().map(|&d| day_number(d)).collect();
    let columns = chart.plotting_area().dim_in_pixel().0 as usize;
    for (i, series) in data.series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let points: Vec<(f64, f64)> = xs
            .iter()
            .zip(&series.values)
            .map(|(&x, &v)| (x, y_of(v)))
            .collect();
        let points = thin(&points, columns);
        let stroke = color.stroke_width(width);
        match lines {
            Lines::Polyline => {
                chart.draw_series(LineSeries::new(points, stroke))?;
            }
            Lines::Segments => {
                chart.draw_series(
                    points
                        .windows(2)
                        .map(|w| PathElement::new(vec![w[0], w[1]], stroke)),
                )?;
            }
        }
    }
    Ok(())
}

/// Thins a long line to what `columns` pixel columns can show: in each column, the first, the
/// lowest, the highest and the last point, in their order. The drawn line looks the same (every
/// extreme is kept), without thousands of sub-pixel segments. Lines with fewer than four points
/// per column are left alone.
fn thin(points: &[(f64, f64)], columns: usize) -> Vec<(f64, f64)> {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Vec::new();
    };
    let span = last.0 - first.0;
    if columns == 0 || points.len() <= 4 * columns || span <= 0.0 {
        return points.to_vec();
    }
    let column = |x: f64| ((x - first.0) / span * columns as f64).floor() as usize;
    let mut out = Vec::new();
    let mut start = 0;
    while start < points.len() {
        let c = column(points[start].0);
        let mut end = start + 1;
        while end < points.len() && column(points[end].0) == c {
            end += 1;
        }
        let group = &points[start..end];
        let low = (0..group.len()).min_by(|&a, &b| group[a].1.total_cmp(&group[b].1));
        let high = (0..group.len()).max_by(|&a, &b| group[a].1.total_cmp(&group[b].1));
        let mut keep = vec![0, group.len() - 1];
        keep.extend(low);
        keep.extend(high);
        keep.sort_unstable();
        keep.dedup();
        out.extend(keep.into_iter().map(|k| group[k]));
        start = end;
    }
    out
}

#[cfg(test)]
mod tests;
