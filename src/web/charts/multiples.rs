//! Small multiples: several tiny line or bar charts in one SVG grid, sharing style and y scale.
//!
//! Made for comparisons such as an impact report's "before" and "after": every panel uses the
//! same y axis from zero, so equal heights mean equal values. Each panel keeps its own x range
//! (the periods differ) and labels only its first and last x. One legend serves all panels;
//! series keep their colour by position.

use super::bars::{Band, Bars};
use super::data::{self, Clean};
use super::frame::{self, Legend, Rect, Swatch};
use super::line::draw_lines;
use super::scale::{Linear, num, short, y_ticks};
use super::spec::{Panel, PanelKind};
use super::text::text_width;

const WIDTH: f64 = 600.0;
const CELL_HEIGHT: f64 = 150.0;

/// Renders `panels` in a grid (up to three per row) titled `title`; no finite value in any panel
/// gives the "no data" stand-in. A panel without data says so in its own cell.
pub fn small_multiples(title: &str, panels: &[Panel]) -> String {
    let cleaned: Vec<Vec<Clean<'_>>> = panels.iter().map(|p| data::clean(&p.series)).collect();
    let Some(yt) = y_ticks(panels.iter().zip(&cleaned).flat_map(|(p, d)| panel_extent(p, d)), true, 3) else {
        return frame::no_data(title);
    };
    let names = cleaned.iter().map(|d| data::names(d)).max_by_key(Vec::len).unwrap_or_default();
    let legend = Legend::layout(&names, WIDTH);
    let cols = columns(panels.len());
    let rows = panels.len().div_ceil(cols);
    let cell_w = WIDTH / cols as f64;
    let height = legend.height + rows as f64 * CELL_HEIGHT;
    let swatch = if panels.iter().all(|p| p.kind == PanelKind::Line) { Swatch::Line } else { Swatch::Box };

    let mut body = String::new();
    legend.draw(&mut body, &names, swatch);
    for (k, (panel, data)) in panels.iter().zip(&cleaned).enumerate() {
        let (col, row) = ((k % cols) as f64, (k / cols) as f64);
        let cell = Rect { x: col * cell_w, y: legend.height + row * CELL_HEIGHT, w: cell_w, h: CELL_HEIGHT };
        draw_panel(&mut body, panel, data, cell, &yt);
    }
    frame::document("chart-multiples", (WIDTH, height), title, &describe(panels, &cleaned), &body)
}

/// Two panels side by side, three per row beyond that (four make a 2×2 square).
fn columns(n: usize) -> usize {
    match n {
        0 => 1,
        4 => 2,
        n => n.min(3),
    }
}

fn panel_extent(panel: &Panel, data: &[Clean<'_>]) -> Vec<f64> {
    match panel.kind {
        PanelKind::Line => data::values(data).collect(),
        PanelKind::Bars(layout) => Bars::new(data, panel.x_labels, layout).extent(),
    }
}

fn describe(panels: &[Panel], cleaned: &[Vec<Clean<'_>>]) -> String {
    let parts: Vec<String> =
        panels.iter().zip(cleaned).map(|(p, d)| format!("{}: {}", p.title, data::describe(d, p.x_labels))).collect();
    parts.join(" ")
}

fn draw_panel(out: &mut String, panel: &Panel, data: &[Clean<'_>], cell: Rect, yt: &[f64]) {
    out.push_str(r#"<g class="panel">"#);
    let title_at = format!(r#"class="label panel-title" x="{}" y="{}""#, num(cell.x + 8.0), num(cell.y + 14.0));
    frame::text(out, &title_at, &panel.title);
    let label_w = yt.iter().map(|t| text_width(&short(*t))).fold(0.0, f64::max);
    let plot = Rect { x: cell.x + label_w + 12.0, y: cell.y + 24.0, w: cell.w - label_w - 24.0, h: cell.h - 48.0 };
    let ys = Linear::new((yt[0], yt[yt.len() - 1]), plot.bottom(), plot.y);
    frame::y_grid(out, &plot, &ys, yt);
    match (panel.kind, data::x_extent(data)) {
        (_, Some(_)) if data::values(data).next().is_none() => no_data_note(out, &plot),
        (PanelKind::Line, Some((lo, hi))) => {
            let xs = Linear::new((lo, hi), plot.x, plot.right());
            frame::x_axis(out, &plot, &end_ticks(panel, [(xs.map(lo), lo), (xs.map(hi), hi)]), (cell.x, cell.right()));
            draw_lines(out, data, &xs, &ys, panel.x_labels);
        }
        (PanelKind::Bars(layout), Some(_)) => {
            let bars = Bars::new(data, panel.x_labels, layout);
            let band = Band::new(&plot, bars.cats.len());
            let last = bars.cats.len() - 1;
            let ends = [(band.center(0), bars.cats[0]), (band.center(last), bars.cats[last])];
            frame::x_axis(out, &plot, &end_ticks(panel, ends), (cell.x, cell.right()));
            bars.draw(out, &band, &ys);
        }
        (_, None) => no_data_note(out, &plot),
    }
    out.push_str("</g>");
}

/// Labels for a panel's first and last x (one label when they coincide), given as `(px, x)`.
fn end_ticks(panel: &Panel, [(px0, lo), (px1, hi)]: [(f64, f64); 2]) -> Vec<(f64, String)> {
    let label = |x: f64| panel.x_labels.short_label(x, hi - lo);
    if hi > lo { vec![(px0, label(lo)), (px1, label(hi))] } else { vec![(px0, label(lo))] }
}

fn no_data_note(out: &mut String, plot: &Rect) {
    let at = format!(
        r#"class="label" x="{}" y="{}" text-anchor="middle""#,
        num(plot.x + plot.w / 2.0),
        num(plot.y + plot.h / 2.0)
    );
    frame::text(out, &at, "no data");
}

#[cfg(test)]
mod tests {
    use super::super::spec::{BarLayout, Series, XAxis};
    use super::super::testkit::{assert_safe, assert_well_formed};
    use super::*;

    fn panel(title: &str, kind: PanelKind, values: &[Option<f64>]) -> Panel {
        let points = values.iter().enumerate().map(|(i, v)| (i as f64, *v)).collect();
        Panel { title: title.into(), kind, series: vec![Series::new("merged", points)], x_labels: XAxis::Numbers }
    }

    #[test]
    fn panels_share_one_y_scale() {
        let svg = small_multiples(
            "Merged PRs before and after",
            &[panel("before", PanelKind::Line, &[Some(2.0), Some(4.0)]), panel("after", PanelKind::Line, &[Some(9.0)])],
        );
        assert_well_formed(&svg);
        assert_eq!(svg.matches(r#"class="panel""#).count(), 2);
        // Both panels label the same top tick, taken from the larger "after" values.
        assert_eq!(svg.matches(">10</text>").count(), 2, "{svg}");
        assert!(svg.contains("before: From 0 to 1. merged: first 2, last 4, min 2, max 4."));
        assert!(svg.contains(r#"viewBox="0 0 600 150""#));
    }

    #[test]
    fn bar_panels_and_empty_panels_render() {
        let stacked = PanelKind::Bars(BarLayout::Stacked);
        let svg = small_multiples(
            "t",
            &[panel("a", stacked, &[Some(1.0), Some(-2.0)]), panel("b", stacked, &[None]), panel("c", stacked, &[])],
        );
        assert_well_formed(&svg);
        assert_eq!(svg.matches(">no data</text>").count(), 2);
        assert_eq!(svg.matches("<rect x=").count(), 2);
    }

    #[test]
    fn nothing_at_all_gives_the_stand_in() {
        assert!(small_multiples("t", &[]).contains(">no data</text>"));
        assert_eq!(columns(4), 2);
        assert_eq!(columns(5), 3);
    }

    #[test]
    fn hostile_panel_titles_are_escaped() {
        let evil = "<script>x</script>\"onload='y'";
        let svg = small_multiples(evil, &[panel(evil, PanelKind::Line, &[Some(1.0)])]);
        assert_well_formed(&svg);
        assert_safe(&svg);
    }
}
