//! The parts every chart shares: the accessible `<svg>` document, the plot area, gridlines with
//! y ticks, the x axis, axis titles, the legend and the "no data" stand-in.
//!
//! This is the one place that writes text elements: [`text`] and [`tip`] escape their content,
//! and [`document`] escapes the title and description, so callers hand over raw strings.
//! Colours come from classes (see `css`); the few presentation attributes here (`currentColor`,
//! `fill="none"`) only keep a chart legible where the stylesheet is missing.

use std::fmt::Write;

use super::scale::{Linear, num, short};
use super::text::{escape, stable_id, text_width};

/// How many series colours `CHART_CSS` defines; further series reuse them in turn.
pub(crate) const PALETTE: usize = 6;
/// Height of one legend row.
const LEGEND_ROW: f64 = 16.0;

/// The class that gives series `i` its colour and dash pattern.
pub(crate) fn series_class(i: usize) -> String {
    format!("series-{}", i % PALETTE)
}

/// An area in user units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) w: f64,
    pub(crate) h: f64,
}

impl Rect {
    pub(crate) fn right(&self) -> f64 {
        self.x + self.w
    }

    pub(crate) fn bottom(&self) -> f64 {
        self.y + self.h
    }
}

/// Wraps a chart body in a responsive `<svg>` whose `<title>` and `<desc>` are its text
/// alternative, named by `aria-labelledby`. Ids are hashed from the content: unique per chart on a
/// page, identical for identical input.
pub(crate) fn document(kind: &str, (w, h): (f64, f64), title: &str, desc: &str, body: &str) -> String {
    let id = stable_id("chart-", &[kind, title, desc, body]);
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" viewBox="0 0 {w} {h}" width="100%" "#,
            r#"preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="{id}-t {id}-d" "#,
            r#"fill="currentColor" font-family="system-ui, sans-serif" font-size="11">"#,
            r#"<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>{body}</svg>"#
        ),
        kind = kind,
        w = num(w),
        h = num(h),
        id = id,
        title = escape(title),
        desc = escape(desc),
        body = body,
    )
}

/// A short strip saying "no data", still titled, at the same scale as a full chart.
pub(crate) fn no_data(title: &str) -> String {
    let mut body = String::new();
    text(&mut body, r#"class="label" x="300" y="26" text-anchor="middle""#, "no data");
    document("chart-empty", (600.0, 44.0), title, "no data", &body)
}

/// A `<text>` element with escaped content.
pub(crate) fn text(out: &mut String, attrs: &str, content: &str) {
    let _ = write!(out, "<text {attrs}>{}</text>", escape(content));
}

/// A native tooltip: a `<title>` child with escaped content.
pub(crate) fn tip(content: &str) -> String {
    format!("<title>{}</title>", escape(content))
}

/// The plot area inside `size`, leaving room for `top` (legend), y tick labels and axis titles.
pub(crate) fn plot_area(size: (f64, f64), top: f64, y_labels: &[String], x_title: &str, y_title: &str) -> Rect {
    let label_w = y_labels.iter().map(|l| text_width(l)).fold(0.0, f64::max);
    let left = 10.0 + label_w + if y_title.is_empty() { 0.0 } else { 16.0 };
    let bottom = 22.0 + if x_title.is_empty() { 0.0 } else { 16.0 };
    let top = top + 10.0;
    Rect { x: left, y: top, w: size.0 - left - 20.0, h: size.1 - top - bottom }
}

/// Horizontal gridlines at `ticks` (the zero line marked `zero`) and their labels on the left.
pub(crate) fn y_grid(out: &mut String, plot: &Rect, ys: &Linear, ticks: &[f64]) {
    out.push_str(r#"<g class="grid" stroke="currentColor" stroke-opacity=".15">"#);
    for &t in ticks {
        let y = num(ys.map(t));
        let zero = if t == 0.0 { r#" class="zero""# } else { "" };
        let _ = write!(out, r#"<line{zero} x1="{}" y1="{y}" x2="{}" y2="{y}"/>"#, num(plot.x), num(plot.right()));
    }
    out.push_str(r#"</g><g class="axis" text-anchor="end">"#);
    for &t in ticks {
        let attrs = format!(r#"x="{}" y="{}""#, num(plot.x - 5.0), num(ys.map(t) + 4.0));
        text(out, &attrs, &short(t));
    }
    out.push_str("</g>");
}

/// The x axis line along the plot's bottom, with tick marks and labels at pixel positions;
/// labels stay within the horizontal `bounds` (the SVG, or a small-multiples cell).
pub(crate) fn x_axis(out: &mut String, plot: &Rect, ticks: &[(f64, String)], bounds: (f64, f64)) {
    let b = plot.bottom();
    let _ = write!(
        out,
        r#"<g class="axis" text-anchor="middle"><line x1="{}" y1="{b}" x2="{}" y2="{b}" stroke="currentColor"/>"#,
        num(plot.x),
        num(plot.right()),
        b = num(b)
    );
    for (x, label) in ticks {
        let anchor = edge_anchor(bounds, *x, label);
        let x = num(*x);
        let _ = write!(out, r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="currentColor"/>"#, num(b), num(b + 4.0));
        text(out, &format!(r#"x="{x}" y="{}"{anchor}"#, num(b + 15.0)), label);
    }
    out.push_str("</g>");
}

/// A label centred on its tick unless that would cross `bounds` (the SVG's edge, or the next
/// small-multiples panel): then it is aligned to the tick instead.
fn edge_anchor((left, right): (f64, f64), x: f64, label: &str) -> &'static str {
    let half = text_width(label) / 2.0;
    if x - half < left + 2.0 {
        r#" text-anchor="start""#
    } else if x + half > right - 2.0 {
        r#" text-anchor="end""#
    } else {
        ""
    }
}

/// Axis labels: under the x axis, and rotated beside the y axis. Empty strings draw nothing.
pub(crate) fn axis_titles(out: &mut String, plot: &Rect, height: f64, x_title: &str, y_title: &str) {
    if !x_title.is_empty() {
        let attrs = format!(
            r#"class="label" x="{}" y="{}" text-anchor="middle""#,
            num(plot.x + plot.w / 2.0),
            num(height - 5.0)
        );
        text(out, &attrs, x_title);
    }
    if !y_title.is_empty() {
        let mid = num(-(plot.y + plot.h / 2.0));
        text(out, &format!(r#"class="label" transform="rotate(-90)" x="{mid}" y="12" text-anchor="middle""#), y_title);
    }
}

/// What a legend entry shows beside the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Swatch {
    Line,
    Box,
}

/// Legend entries laid out left to right, wrapping into rows; empty for fewer than two series.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Legend {
    spots: Vec<(f64, f64)>,
    pub(crate) height: f64,
}

impl Legend {
    pub(crate) fn layout(names: &[&str], width: f64) -> Legend {
        if names.len() < 2 {
            return Legend { spots: Vec::new(), height: 0.0 };
        }
        let (mut x, mut y) = (8.0, 0.0);
        let mut spots = Vec::with_capacity(names.len());
        for name in names {
            let w = 24.0 + text_width(name) + 14.0;
            if x > 8.0 && x + w > width - 8.0 {
                (x, y) = (8.0, y + LEGEND_ROW);
            }
            spots.push((x, y));
            x += w;
        }
        Legend { spots, height: y + LEGEND_ROW + 4.0 }
    }

    pub(crate) fn draw(&self, out: &mut String, names: &[&str], swatch: Swatch) {
        if self.spots.is_empty() {
            return;
        }
        out.push_str(r#"<g class="legend">"#);
        for (i, (&(x, y), name)) in self.spots.iter().zip(names).enumerate() {
            let mid = y + 10.0;
            let _ = write!(out, r#"<g class="{}">"#, series_class(i));
            let _ = match swatch {
                Swatch::Line => write!(
                    out,
                    r#"<line class="swatch" x1="{}" y1="{m}" x2="{}" y2="{m}" stroke="currentColor" stroke-width="2"/>"#,
                    num(x),
                    num(x + 18.0),
                    m = num(mid)
                ),
                Swatch::Box => {
                    write!(
                        out,
                        r#"<rect class="swatch" x="{}" y="{}" width="12" height="10"/>"#,
                        num(x + 3.0),
                        num(mid - 5.0)
                    )
                }
            };
            text(out, &format!(r#"class="label" x="{}" y="{}""#, num(x + 24.0), num(mid + 4.0)), name);
            out.push_str("</g>");
        }
        out.push_str("</g>");
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::assert_well_formed;
    use super::*;

    #[test]
    fn the_no_data_stand_in_is_a_titled_svg() {
        let svg = no_data("<b>backlog</b>");
        assert_well_formed(&svg);
        assert!(svg.contains("&lt;b&gt;backlog&lt;/b&gt;</title>"));
        assert!(svg.contains(">no data</text>"));
        assert!(svg.contains(r#"role="img""#) && svg.contains("viewBox"));
    }

    #[test]
    fn edge_labels_stay_inside_their_bounds() {
        let bounds = (0.0, 300.0);
        assert_eq!(edge_anchor(bounds, 10.0, "2026-03"), r#" text-anchor="start""#);
        assert_eq!(edge_anchor(bounds, 290.0, "2026-03"), r#" text-anchor="end""#);
        assert_eq!(edge_anchor(bounds, 30.0, "2026-03"), "");
        assert_eq!(edge_anchor(bounds, 10.0, "8"), "");
    }

    #[test]
    fn legends_wrap_when_names_do_not_fit() {
        let one_row = Legend::layout(&["a", "b"], 600.0);
        let long = "a rather long series name".repeat(2);
        let wrapped = Legend::layout(&[&long, &long, &long], 600.0);
        assert_eq!(one_row.height, LEGEND_ROW + 4.0);
        assert!(wrapped.height > one_row.height);
        assert_eq!(Legend::layout(&["only"], 600.0).height, 0.0);
    }
}
