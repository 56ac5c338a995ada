//! Vertical bar charts: one category per distinct x, series grouped side by side or stacked.
//!
//! The y axis always includes zero. Negative values are drawn below the zero line rather than
//! clamped (a net outflow is information); stacks grow upwards from positive values and
//! downwards from negative ones. `Bars` and `Band` are shared with `multiples`.

use std::fmt::Write;

use super::data::{self, Clean};
use super::frame::{self, Legend, Rect, Swatch, series_class};
use super::scale::{Linear, num, short, value, y_ticks};
use super::spec::{BarChart, BarLayout, XAxis};

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 260.0;
/// Share of each category's width left empty between neighbouring categories.
const GAP: f64 = 0.2;

/// Renders `spec` as a responsive SVG; no finite value at all gives the "no data" stand-in.
pub fn bar_chart(spec: &BarChart) -> String {
    let data = data::clean(&spec.series);
    let bars = Bars::new(&data, spec.x_labels, spec.layout);
    let Some(yt) = y_ticks(bars.extent(), true, 5) else { return frame::no_data(&spec.title) };
    let legend = Legend::layout(&bars.names, WIDTH);
    let y_labels: Vec<String> = yt.iter().map(|t| short(*t)).collect();
    let plot = frame::plot_area((WIDTH, HEIGHT), legend.height, &y_labels, &spec.x_title, &spec.y_title);
    let band = Band::new(&plot, bars.cats.len());
    let ys = Linear::new((yt[0], yt[yt.len() - 1]), plot.bottom(), plot.y);

    let mut body = String::new();
    frame::y_grid(&mut body, &plot, &ys, &yt);
    frame::x_axis(&mut body, &plot, &bars.ticks(&band, 8), (0.0, WIDTH));
    frame::axis_titles(&mut body, &plot, HEIGHT, &spec.x_title, &spec.y_title);
    legend.draw(&mut body, &bars.names, Swatch::Box);
    bars.draw(&mut body, &band, &ys);
    frame::document("chart-bar", (WIDTH, HEIGHT), &spec.title, &data::describe(&data, spec.x_labels), &body)
}

/// Equal-width slots for `n` categories across a plot area.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Band {
    x: f64,
    step: f64,
}

impl Band {
    pub(crate) fn new(plot: &Rect, n: usize) -> Self {
        Band { x: plot.x, step: plot.w / n.max(1) as f64 }
    }

    pub(crate) fn center(&self, i: usize) -> f64 {
        self.x + (i as f64 + 0.5) * self.step
    }
}

/// Series aligned on shared categories: `columns[series][category]`.
pub(crate) struct Bars<'a> {
    pub(crate) names: Vec<&'a str>,
    pub(crate) cats: Vec<f64>,
    columns: Vec<Vec<Option<f64>>>,
    axis: XAxis,
    layout: BarLayout,
}

impl<'a> Bars<'a> {
    pub(crate) fn new(data: &[Clean<'a>], axis: XAxis, layout: BarLayout) -> Self {
        let cats = data::categories(data);
        let columns = data.iter().map(|c| aligned(c, &cats)).collect();
        Bars { names: data::names(data), cats, columns, axis, layout }
    }

    /// The values the y axis must cover: every bar, or every stack's top and bottom.
    pub(crate) fn extent(&self) -> Vec<f64> {
        match self.layout {
            BarLayout::Grouped => self.columns.iter().flatten().flatten().copied().collect(),
            BarLayout::Stacked => (0..self.cats.len())
                .flat_map(|i| {
                    let vals = self.columns.iter().filter_map(|col| col[i]);
                    let (up, down) = vals.fold((0.0, 0.0), |(u, d), v| if v > 0.0 { (u + v, d) } else { (u, d + v) });
                    [up, down]
                })
                .collect(),
        }
    }

    /// Labels for about `max` evenly spaced categories, skipping a label equal to the previous one.
    pub(crate) fn ticks(&self, band: &Band, max: usize) -> Vec<(f64, String)> {
        let (Some(first), Some(last)) = (self.cats.first(), self.cats.last()) else { return Vec::new() };
        let every = self.cats.len().div_ceil(max.max(1));
        let mut ticks: Vec<(f64, String)> = Vec::new();
        for (i, x) in self.cats.iter().enumerate().step_by(every) {
            let label = self.axis.short_label(*x, last - first);
            if ticks.last().is_none_or(|t| t.1 != label) {
                ticks.push((band.center(i), label));
            }
        }
        ticks
    }

    /// One `<g class="bars series-j">` per series, each bar with a tooltip.
    pub(crate) fn draw(&self, out: &mut String, band: &Band, ys: &Linear) {
        let mut stacks = vec![(0.0, 0.0); self.cats.len()];
        for (j, col) in self.columns.iter().enumerate() {
            let _ = write!(out, r#"<g class="bars {}">"#, series_class(j));
            for (i, v) in col.iter().enumerate() {
                let Some(v) = *v else { continue };
                if v == 0.0 {
                    continue;
                }
                let (from, to) = match self.layout {
                    BarLayout::Grouped => (0.0, v),
                    BarLayout::Stacked => stack(&mut stacks[i], v),
                };
                let (x, w) = self.slot(band, i, j);
                let (top, bottom) = (ys.map(from).min(ys.map(to)), ys.map(from).max(ys.map(to)));
                let tip =
                    frame::tip(&format!("{}, {}: {}", self.names[j], self.axis.full_label(self.cats[i]), value(v)));
                let _ = write!(
                    out,
                    r#"<rect x="{}" y="{}" width="{}" height="{}">{tip}</rect>"#,
                    num(x),
                    num(top),
                    num(w),
                    num(bottom - top)
                );
            }
            out.push_str("</g>");
        }
    }

    /// Left edge and width of series `j`'s bar in category `i`.
    fn slot(&self, band: &Band, i: usize, j: usize) -> (f64, f64) {
        let inner = band.step * (1.0 - GAP);
        let left = band.center(i) - inner / 2.0;
        match self.layout {
            BarLayout::Grouped => {
                let w = inner / self.columns.len().max(1) as f64;
                (left + j as f64 * w, w)
            }
            BarLayout::Stacked => (left, inner),
        }
    }
}

/// Adds `v` to a category's stack `(up, down)`, returning where its bar starts and ends.
fn stack(acc: &mut (f64, f64), v: f64) -> (f64, f64) {
    let side = if v > 0.0 { &mut acc.0 } else { &mut acc.1 };
    let from = *side;
    *side += v;
    (from, *side)
}

/// `c`'s value at each category (the last point wins if an x repeats).
fn aligned(c: &Clean<'_>, cats: &[f64]) -> Vec<Option<f64>> {
    cats.iter()
        .map(|&x| {
            let end = c.points.partition_point(|p| p.0 <= x);
            end.checked_sub(1).map(|k| c.points[k]).filter(|p| p.0 == x).and_then(|p| p.1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::spec::Series;
    use super::super::testkit::{assert_safe, assert_well_formed};
    use super::*;

    fn numbered(name: &str, values: &[Option<f64>]) -> Series {
        Series::new(name, values.iter().enumerate().map(|(i, v)| (i as f64 + 1.0, *v)).collect())
    }

    fn chart(layout: BarLayout, series: Vec<Series>) -> String {
        let spec = BarChart { layout, x_labels: XAxis::Numbers, ..BarChart::new("Flow", series) };
        let svg = bar_chart(&spec);
        assert_well_formed(&svg);
        svg
    }

    #[test]
    fn grouped_bars_sit_side_by_side_with_tooltips() {
        let svg = chart(
            BarLayout::Grouped,
            vec![numbered("inflow", &[Some(10.0), Some(20.0)]), numbered("outflow", &[Some(5.0), None])],
        );
        assert_eq!(svg.matches("<rect x=").count(), 3);
        assert!(svg.contains("<title>inflow, 2: 20</title>"));
        assert!(svg.contains(r#"class="bars series-1""#) && svg.contains(r#"class="legend""#));
        assert!(svg.contains(r#"role="img""#) && svg.contains("viewBox") && svg.contains("<desc id="));
    }

    #[test]
    fn stacks_cover_their_totals() {
        let data = [numbered("a", &[Some(60.0)]), numbered("b", &[Some(27.0)])];
        let clean = data::clean(&data);
        let bars = Bars::new(&clean, XAxis::Numbers, BarLayout::Stacked);
        assert_eq!(bars.extent(), [87.0, 0.0]);
        let svg = chart(BarLayout::Stacked, data.to_vec());
        assert!(svg.contains(">100</text>"));
    }

    #[test]
    fn negative_values_are_drawn_below_zero() {
        let svg = chart(BarLayout::Grouped, vec![numbered("net", &[Some(12.0), Some(-7.0)])]);
        assert!(svg.contains(">-10</text>") && svg.contains(r#"class="zero""#), "{svg}");
        assert_eq!(stack(&mut (3.0, -1.0), -2.0), (-1.0, -3.0));
        assert!(!svg.contains("height=\"-"));
    }

    #[test]
    fn empty_constant_and_nan_inputs_are_handled() {
        assert!(chart(BarLayout::Stacked, vec![]).contains("no data"));
        assert!(chart(BarLayout::Grouped, vec![numbered("x", &[Some(f64::NAN), None])]).contains("no data"));
        let flat = chart(BarLayout::Grouped, vec![numbered("x", &[Some(0.0), Some(0.0)])]);
        assert!(!flat.contains("NaN") && flat.contains(">1</text>"));
    }

    #[test]
    fn many_categories_get_a_readable_number_of_labels() {
        let values: Vec<Option<f64>> = (0..52).map(|i| Some(f64::from(i))).collect();
        let data = [numbered("x", &values)];
        let clean = data::clean(&data);
        let bars = Bars::new(&clean, XAxis::Numbers, BarLayout::Grouped);
        let plot = Rect { x: 0.0, y: 0.0, w: 520.0, h: 100.0 };
        assert_eq!(bars.ticks(&Band::new(&plot, 52), 8).len(), 8);
    }

    #[test]
    fn hostile_names_are_escaped() {
        let evil = "</svg><script>x()</script>\"onload=";
        let spec = BarChart { y_title: evil.into(), ..BarChart::new(evil, vec![numbered(evil, &[Some(1.0)])]) };
        let svg = bar_chart(&spec);
        assert_well_formed(&svg);
        assert_safe(&svg);
    }
}
