//! Line charts: series over weeks or numbers, with 1-2-5 y ticks, gridlines, a legend for several
//! series and a native tooltip (`<title>`) on every point.
//!
//! Gaps (`None`) break the line; a point with gaps on both sides still gets a visible marker.
//! Series with many points keep invisible markers as hover targets, so the line stays clean.
//! `draw_lines` is shared with `multiples`.

use std::fmt::Write;

use super::data::{self, Clean};
use super::frame::{self, Legend, Swatch, series_class};
use super::scale::{Linear, num, short, value, y_ticks};
use super::spec::{LineChart, XAxis};

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 260.0;
/// Above this many points a series' markers become invisible hover targets.
const MAX_VISIBLE_MARKERS: usize = 60;

/// Renders `spec` as a responsive SVG; no finite value at all gives the "no data" stand-in.
pub fn line_chart(spec: &LineChart) -> String {
    let data = data::clean(&spec.series);
    let (Some(yt), Some((xlo, xhi))) = (y_ticks(data::values(&data), spec.y_from_zero, 5), data::x_extent(&data))
    else {
        return frame::no_data(&spec.title);
    };
    let names = data::names(&data);
    let legend = Legend::layout(&names, WIDTH);
    let y_labels: Vec<String> = yt.iter().map(|t| short(*t)).collect();
    let plot = frame::plot_area((WIDTH, HEIGHT), legend.height, &y_labels, &spec.x_title, &spec.y_title);
    let xs = Linear::new((xlo, xhi), plot.x, plot.right());
    let ys = Linear::new((yt[0], yt[yt.len() - 1]), plot.bottom(), plot.y);
    let ticks: Vec<(f64, String)> =
        spec.x_labels.ticks(xlo, xhi, 6).into_iter().map(|t| (xs.map(t.at), t.label)).collect();

    let mut body = String::new();
    frame::y_grid(&mut body, &plot, &ys, &yt);
    frame::x_axis(&mut body, &plot, &ticks, (0.0, WIDTH));
    frame::axis_titles(&mut body, &plot, HEIGHT, &spec.x_title, &spec.y_title);
    legend.draw(&mut body, &names, Swatch::Line);
    draw_lines(&mut body, &data, &xs, &ys, spec.x_labels);
    frame::document("chart-line", (WIDTH, HEIGHT), &spec.title, &data::describe(&data, spec.x_labels), &body)
}

/// One `<g class="series-i">` per series: the line, then its point markers with tooltips.
pub(crate) fn draw_lines(out: &mut String, data: &[Clean<'_>], xs: &Linear, ys: &Linear, axis: XAxis) {
    for (i, series) in data.iter().enumerate() {
        let _ = write!(out, r#"<g class="{}">"#, series_class(i));
        let d = path_data(&series.points, xs, ys);
        if !d.is_empty() {
            let _ = write!(
                out,
                r#"<path class="line" d="{d}" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>"#
            );
        }
        markers(out, series, xs, ys, axis);
        out.push_str("</g>");
    }
}

/// `M x,y L x,y …`, starting a new subpath after every gap.
fn path_data(points: &[(f64, Option<f64>)], xs: &Linear, ys: &Linear) -> String {
    let mut d = String::new();
    let mut drawing = false;
    for &(x, y) in points {
        match y {
            Some(v) => {
                d.push(if drawing { 'L' } else { 'M' });
                let _ = write!(d, "{},{}", num(xs.map(x)), num(ys.map(v)));
                drawing = true;
            }
            None => drawing = false,
        }
    }
    d
}

fn markers(out: &mut String, series: &Clean<'_>, xs: &Linear, ys: &Linear, axis: XAxis) {
    let few = series.points.len() <= MAX_VISIBLE_MARKERS;
    for (k, &(x, y)) in series.points.iter().enumerate() {
        let Some(v) = y else { continue };
        let (class, r, hidden) = if few || isolated(&series.points, k) {
            ("point", "2.5", "")
        } else {
            ("point hit", "3", r#" fill-opacity="0""#)
        };
        let tip = frame::tip(&format!("{}, {}: {}", series.name, axis.full_label(x), value(v)));
        let _ = write!(
            out,
            r#"<circle class="{class}" cx="{}" cy="{}" r="{r}"{hidden}>{tip}</circle>"#,
            num(xs.map(x)),
            num(ys.map(v))
        );
    }
}

/// A point with no drawn neighbour: without a marker it would be invisible.
fn isolated(points: &[(f64, Option<f64>)], k: usize) -> bool {
    let gap = |j: Option<usize>| j.and_then(|j| points.get(j)).is_none_or(|p| p.1.is_none());
    gap(k.checked_sub(1)) && gap(Some(k + 1))
}

#[cfg(test)]
mod tests {
    use super::super::spec::{Series, XAxis};
    use super::super::testkit::{assert_safe, assert_well_formed};
    use super::*;

    const WEEK: f64 = 604_800.0;
    const MAR_2: f64 = 1_772_409_600.0;

    fn weekly(name: &str, values: &[Option<f64>]) -> Series {
        Series::new(name, values.iter().enumerate().map(|(i, v)| (MAR_2 + i as f64 * WEEK, *v)).collect())
    }

    fn chart(series: Vec<Series>) -> String {
        let svg = line_chart(&LineChart::new("Backlog", series));
        assert_well_formed(&svg);
        svg
    }

    #[test]
    fn a_chart_has_title_desc_axes_and_tooltips() {
        let svg = chart(vec![weekly("open", &[Some(40.0), Some(87.0), Some(52.0)])]);
        for needle in [r#"role="img""#, "viewBox=\"0 0 600 260\"", r#"width="100%""#, "<title id=", "<desc id="] {
            assert!(svg.contains(needle), "missing {needle}");
        }
        assert!(svg.contains("open: first 40, last 52, min 40, max 87."));
        assert!(svg.contains("<title>open, 2026-03-09: 87</title>"));
        assert!(svg.contains(">100</text>") && svg.contains(">Mar 2</text>"));
        assert!(!svg.contains(r#"class="legend""#), "one series needs no legend");
    }

    #[test]
    fn several_series_get_a_legend_and_distinct_classes() {
        let svg = chart(vec![weekly("opened", &[Some(1.0), Some(2.0)]), weekly("closed", &[Some(2.0), Some(1.0)])]);
        assert!(svg.contains(r#"class="legend""#));
        assert!(svg.contains(r#"class="series-0""#) && svg.contains(r#"class="series-1""#));
    }

    #[test]
    fn empty_input_says_no_data() {
        for series in [vec![], vec![weekly("open", &[])], vec![weekly("open", &[None, Some(f64::NAN)])]] {
            let svg = chart(series);
            assert!(svg.contains("no data") && svg.contains("<title id="));
        }
    }

    #[test]
    fn single_constant_and_nan_series_render_without_nan() {
        for values in [&[Some(5.0)][..], &[Some(3.0); 4], &[Some(1.0), Some(f64::NAN), Some(f64::INFINITY), Some(2.0)]]
        {
            let svg = chart(vec![weekly("s", values)]);
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
            assert!(svg.contains("<circle"));
        }
    }

    #[test]
    fn gaps_break_the_line() {
        let svg = chart(vec![weekly("s", &[Some(1.0), Some(2.0), None, Some(3.0), Some(4.0)])]);
        let d = svg.split(r#" d=""#).nth(1).unwrap().split('"').next().unwrap();
        assert_eq!(d.matches('M').count(), 2, "{d}");
    }

    #[test]
    fn huge_values_get_suffixed_ticks() {
        let svg = chart(vec![weekly("downloads", &[Some(1.0e6), Some(2.4e6)])]);
        assert!(svg.contains(">2.5M</text>"), "{svg}");
    }

    #[test]
    fn the_y_axis_can_fit_the_data() {
        let mut spec = LineChart::new("t", vec![weekly("s", &[Some(40.0), Some(87.0)])]);
        spec.y_from_zero = false;
        spec.x_labels = XAxis::Numbers;
        let svg = line_chart(&spec);
        assert!(svg.contains(">40</text>") && !svg.contains(">0</text>"), "{svg}");
    }

    #[test]
    fn hostile_text_is_escaped_everywhere() {
        let evil = r#"<script>alert(1)</script>"onload='x'"#;
        let mut spec = LineChart::new(evil, vec![weekly(evil, &[Some(1.0), Some(2.0)]), weekly(evil, &[Some(3.0)])]);
        spec.x_title = evil.into();
        spec.y_title = evil.into();
        let svg = line_chart(&spec);
        assert_well_formed(&svg);
        assert_safe(&svg);
    }

    #[test]
    fn output_is_deterministic() {
        let series = vec![weekly("a", &[Some(1.5), None, Some(2.25)]), weekly("b", &[Some(0.1)])];
        assert_eq!(chart(series.clone()), chart(series));
    }

    #[test]
    fn long_series_hide_markers_but_keep_tooltips() {
        let values: Vec<Option<f64>> = (0..100).map(|i| Some(f64::from(i))).collect();
        let svg = chart(vec![weekly("s", &values)]);
        assert_eq!(svg.matches(r#"class="point hit""#).count(), 100);
        assert_eq!(svg.matches("<circle").count(), 100);
    }
}
