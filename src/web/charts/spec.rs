//! What a page asks a chart for: the chart specifications ([`LineChart`], [`BarChart`], the
//! [`Panel`]s of small multiples), their [`Series`] and [`XAxis`]. A leaf: `charts/mod.rs`
//! re-exports it for the pages, and the drawing files (`line.rs`, `bars.rs`, `multiples.rs`,
//! `data.rs`, `xaxis.rs`) import it instead of their parent.

/// One named series of `(x, y)` points; `y = None` is a gap (the line breaks, no bar is drawn).
///
/// `x` is usually a week start in unix seconds. Non-finite numbers (and magnitudes beyond 1e300,
/// where no scale survives the arithmetic) are treated as gaps; points need not be sorted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, Option<f64>)>,
}

impl Series {
    pub fn new(name: impl Into<String>, points: Vec<(f64, Option<f64>)>) -> Self {
        Series { name: name.into(), points }
    }
}

/// How x values read on the axis and in tooltips.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum XAxis {
    /// Unix seconds: ticks read `Mar 4` over up to ~200 days, `2026-03` beyond; tooltips `2026-03-04`.
    #[default]
    Dates,
    /// Plain numbers: 1-2-5 ticks, `k`/`M` suffixes.
    Numbers,
}

/// A line chart: one or more series, axes with 1-2-5 ticks, gridlines, a legend when there are
/// several series, and a native `<title>` tooltip on every point.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// The accessible name (`<title>`); pages show their own heading above the chart.
    pub title: String,
    pub series: Vec<Series>,
    pub x_labels: XAxis,
    /// Axis label under the x axis; empty for none.
    pub x_title: String,
    /// Axis label beside the y axis (rotated); empty for none.
    pub y_title: String,
    /// Start the y axis at zero (the honest default); `false` fits the data's range.
    pub y_from_zero: bool,
}

impl LineChart {
    /// A date-axis chart from zero without axis labels; set the public fields for the rest.
    pub fn new(title: impl Into<String>, series: Vec<Series>) -> Self {
        LineChart {
            title: title.into(),
            series,
            x_labels: XAxis::Dates,
            x_title: String::new(),
            y_title: String::new(),
            y_from_zero: true,
        }
    }
}

/// How several bar series share an x value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BarLayout {
    /// Side by side (inflow vs outflow).
    #[default]
    Grouped,
    /// On top of each other (shares of a total); negatives stack downwards from zero.
    Stacked,
}

/// A vertical bar chart; every distinct x value is one category. The y axis always includes
/// zero, and negative values are drawn below it (never clamped).
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// The accessible name (`<title>`).
    pub title: String,
    pub series: Vec<Series>,
    pub x_labels: XAxis,
    pub x_title: String,
    pub y_title: String,
    pub layout: BarLayout,
}

impl BarChart {
    /// Grouped bars over dates without axis labels; set the public fields for the rest.
    pub fn new(title: impl Into<String>, series: Vec<Series>) -> Self {
        BarChart {
            title: title.into(),
            series,
            x_labels: XAxis::Dates,
            x_title: String::new(),
            y_title: String::new(),
            layout: BarLayout::Grouped,
        }
    }
}

/// What one small-multiples panel draws.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PanelKind {
    #[default]
    Line,
    Bars(BarLayout),
}

/// One tiny chart in a [`small_multiples`] grid (for instance "before" and "after" a grant).
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Shown above the panel.
    pub title: String,
    pub kind: PanelKind,
    pub series: Vec<Series>,
    pub x_labels: XAxis,
}
