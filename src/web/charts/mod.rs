//! Server-side SVG charts: pure functions from numbers to an SVG string, no JavaScript.
//!
//! Pages compute their series, call [`line_chart`], [`bar_chart`], [`sparkline`] or
//! [`small_multiples`], and insert the string with askama's `|safe`. That bypasses askama's
//! escaping, so every text that enters an SVG here (titles, names, tick labels, tooltips) goes
//! through [`escape`] first; `frame` is the one place that writes text elements.
//!
//! Colours are not decided here: elements carry classes (`series-0`…, `axis`, `grid`, `label`)
//! styled by [`CHART_CSS`], so charts follow dark mode and print (dash patterns tell series apart
//! in greyscale). Charts are responsive (`viewBox`, `width="100%"`) and deterministic: the same
//! input gives the same string, coordinates carry at most one decimal.
//!
//! Why hand-written SVG rather than a plotting crate or a JS library: `research/stack.md` §6
//! (no dependencies, themeable with CSS, readable in tests). Not here: loading rows or computing
//! metrics (`metrics`), page layout (templates), badges ([`crate::web::badges`], which reuses
//! [`escape`]).

mod bars;
mod css;
mod data;
mod frame;
mod line;
mod multiples;
mod scale;
mod sparkline;
mod spec;
mod text;
mod xaxis;

#[cfg(test)]
pub(crate) mod testkit;

pub use bars::bar_chart;
pub use css::CHART_CSS;
pub use line::line_chart;
pub use multiples::small_multiples;
pub use sparkline::sparkline;
pub use spec::{BarChart, BarLayout, LineChart, Panel, PanelKind, Series, XAxis};
pub use text::escape;
pub(crate) use text::stable_id;
