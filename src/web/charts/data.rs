//! Series made safe to draw, and described in words for the `<desc>` text alternative.
//!
//! Cleaning turns every non-finite or absurd number into a gap and sorts points by x, so the
//! drawing code never meets NaN. Descriptions give each series' first, last, min and max.

use super::scale::{extent, value};
use super::spec::{Series, XAxis};

/// Beyond this magnitude no scale survives the arithmetic (spans overflow to infinity).
const LIMIT: f64 = 1e300;

/// A series after cleaning: finite x, sorted; `None` for gaps and unusable y values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clean<'a> {
    pub(crate) name: &'a str,
    pub(crate) points: Vec<(f64, Option<f64>)>,
}

impl Clean<'_> {
    pub(crate) fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.points.iter().filter_map(|p| p.1)
    }
}

pub(crate) fn usable(v: f64) -> bool {
    v.is_finite() && v.abs() < LIMIT
}

pub(crate) fn clean(series: &[Series]) -> Vec<Clean<'_>> {
    series
        .iter()
        .map(|s| {
            let mut points: Vec<(f64, Option<f64>)> =
                s.points.iter().filter(|p| usable(p.0)).map(|&(x, y)| (x, y.filter(|v| usable(*v)))).collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            Clean { name: &s.name, points }
        })
        .collect()
}

/// Every y value of every series.
pub(crate) fn values<'a>(data: &'a [Clean<'_>]) -> impl Iterator<Item = f64> + 'a {
    data.iter().flat_map(Clean::values)
}

/// The x range of all points, gaps included (a series that stops early still shows its span).
pub(crate) fn x_extent(data: &[Clean<'_>]) -> Option<(f64, f64)> {
    extent(data.iter().flat_map(|c| c.points.iter().map(|p| p.0)))
}

pub(crate) fn names<'a>(data: &[Clean<'a>]) -> Vec<&'a str> {
    data.iter().map(|c| c.name).collect()
}

/// Every distinct x value, sorted: the categories of a bar chart.
pub(crate) fn categories(data: &[Clean<'_>]) -> Vec<f64> {
    let mut xs: Vec<f64> = data.iter().flat_map(|c| c.points.iter().map(|p| p.0)).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    xs
}

/// `From 2026-01-05 to 2026-03-23. opened: first 40, last 52, min 38, max 60. …`
pub(crate) fn describe(data: &[Clean<'_>], axis: XAxis) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some((lo, hi)) = x_extent(data) {
        parts.push(format!("From {} to {}.", axis.full_label(lo), axis.full_label(hi)));
    }
    parts.extend(data.iter().map(summary));
    parts.join(" ")
}

fn summary(c: &Clean<'_>) -> String {
    let first = c.values().next();
    let last = c.values().last();
    match (first, last, extent(c.values())) {
        (Some(first), Some(last), Some((min, max))) => {
            format!("{}: first {}, last {}, min {}, max {}.", c.name, value(first), value(last), value(min), value(max))
        }
        _ => format!("{}: no data.", c.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_turns_bad_numbers_into_gaps_and_sorts() {
        let s = [Series::new(
            "s",
            vec![(3.0, Some(1.0)), (f64::NAN, Some(2.0)), (1.0, Some(f64::INFINITY)), (2.0, Some(1e301))],
        )];
        let c = clean(&s);
        assert_eq!(c[0].points, [(1.0, None), (2.0, None), (3.0, Some(1.0))]);
    }

    #[test]
    fn descriptions_give_first_last_min_and_max() {
        let s = [
            Series::new("opened", vec![(1.0, Some(40.0)), (2.0, None), (3.0, Some(38.0)), (4.0, Some(52.0))]),
            Series::new("closed", vec![(1.0, None)]),
        ];
        assert_eq!(
            describe(&clean(&s), XAxis::Numbers),
            "From 1 to 4. opened: first 40, last 52, min 38, max 52. closed: no data."
        );
    }

    #[test]
    fn categories_are_distinct_and_sorted() {
        let s = [Series::new("a", vec![(2.0, Some(1.0)), (1.0, None)]), Series::new("b", vec![(2.0, Some(3.0))])];
        assert_eq!(categories(&clean(&s)), [1.0, 2.0]);
    }
}
