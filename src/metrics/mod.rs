//! Project-health metrics as pure functions: rows and `now` in, numbers out.
//!
//! Each submodule computes one family of metrics and is named after its definition, the CHAOSS one
//! where there is one (the formula text and a link travel with every result, see [`Definition`]).
//! This module owns the shared vocabulary:
//! - timestamps are `i64` unix seconds UTC and durations are `i64` seconds;
//! - a [`Window`] is half-open, `[from, to)`;
//! - weeks start on Sunday 00:00 UTC, as in GitHub's contributor statistics ([`week_start`]);
//! - one quantile definition everywhere, nearest rank, generalised to right-censored data by
//!   Kaplan–Meier ([`quantile`]);
//! - ratios are `Option<f64>`, `None` when the denominator is zero, so no NaN reaches a page;
//! - every result has an `explain()` that returns an [`Explain`]: the name, the formula and the
//!   inputs it used, which is what a "how is this computed?" disclosure prints.
//!
//! It deliberately does no IO, reads no clock and formats nothing for display: `db` loads the rows
//! (and decides who is a bot or a maintainer), `web` turns the results into pages and JSON.
//!
//! The families: [`response`] (Time to First Response, Issue Response Time), [`closing`] (Time to
//! Close/Merge, Change Request Closure and Acceptance Ratios), [`backlog`], [`absence`]
//! (Contributor Absence Factor), [`load`] (maintainer load), [`burnout`] (Project Burnout trace
//! signals), [`inactive`] (Inactive Contributors) and [`release`] (Release Frequency, lifecycle).

use chrono::DateTime;
use serde::Serialize;

pub mod absence;
pub mod backlog;
pub mod burnout;
pub mod closing;
pub mod inactive;
pub mod load;
pub mod newcomers;
pub mod quantile;
pub mod release;
pub mod response;

pub use quantile::{Quantile, nearest_rank};

/// One day in seconds.
pub const DAY: i64 = 86_400;
/// One week in seconds.
pub const WEEK: i64 = 7 * DAY;
/// 1970-01-04 00:00 UTC, the first Sunday of the epoch.
const FIRST_SUNDAY: i64 = 3 * DAY;

/// The start (Sunday 00:00 UTC) of the week containing `ts`.
pub fn week_start(ts: i64) -> i64 {
    ts - (ts - FIRST_SUNDAY).rem_euclid(WEEK)
}

/// A half-open time range `[from, to)` in unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    pub from: i64,
    pub to: i64,
}

impl Window {
    pub fn new(from: i64, to: i64) -> Self {
        Self { from, to }
    }

    /// The `len` seconds up to and including `now`: `[now - len, now + 1)`. Rows stamped by the
    /// same clock that produced `now` may carry exactly `now`, and they belong to "the last N days".
    pub fn trailing(now: i64, len: i64) -> Self {
        Self { from: now - len, to: now + 1 }
    }

    pub fn contains(&self, ts: i64) -> bool {
        self.from <= ts && ts < self.to
    }

    /// Length in seconds (zero for an inverted window).
    pub fn duration(&self) -> i64 {
        (self.to - self.from).max(0)
    }
}

/// What a metric is: its name as the definition gives it, the formula in words, where it is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub name: &'static str,
    pub formula: &'static str,
    pub source: &'static str,
}

impl Definition {
    /// The disclosure for one computed result of this metric.
    pub fn explain(&self, inputs: Vec<(&'static str, String)>) -> Explain {
        Explain { name: self.name, formula: self.formula, source: self.source, inputs }
    }
}

/// Everything a "how is this computed?" disclosure needs: name, formula, source and the inputs
/// (counts, parameters, window) this particular result was computed from, in display order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explain {
    pub name: &'static str,
    pub formula: &'static str,
    pub source: &'static str,
    pub inputs: Vec<(&'static str, String)>,
}

/// `num / den`, or `None` when there is nothing to divide by.
pub(crate) fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// A timestamp for disclosures: `2026-11-24 09:30 UTC`.
pub(crate) fn fmt_ts(ts: i64) -> String {
    DateTime::from_timestamp(ts, 0).map_or_else(|| ts.to_string(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

/// A window for disclosures: `2026-01-04 00:00 UTC to 2026-04-05 00:00 UTC (exclusive)`.
pub(crate) fn fmt_window(w: Window) -> String {
    format!("{} to {} (exclusive)", fmt_ts(w.from), fmt_ts(w.to))
}

/// A duration for disclosures, in days with one decimal: `3.5 d`.
pub(crate) fn fmt_days(secs: i64) -> String {
    format!("{:.1} d", secs as f64 / DAY as f64)
}

/// An optional value for disclosures, `none` when absent.
pub(crate) fn fmt_opt<T>(v: Option<T>, f: impl FnOnce(T) -> String) -> String {
    v.map_or_else(|| "none".to_owned(), f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_sunday_of_the_epoch_starts_its_own_week() {
        assert_eq!(week_start(FIRST_SUNDAY), FIRST_SUNDAY);
        assert_eq!(week_start(FIRST_SUNDAY + WEEK - 1), FIRST_SUNDAY);
    }

    #[test]
    fn a_saturday_night_belongs_to_the_week_that_began_the_sunday_before() {
        // 1970-01-03 23:59:59 is in the week of Sunday 1969-12-28.
        assert_eq!(week_start(FIRST_SUNDAY - 1), FIRST_SUNDAY - WEEK);
        assert_eq!(week_start(0), FIRST_SUNDAY - WEEK);
    }

    #[test]
    fn a_modern_wednesday_maps_to_its_sunday() {
        // Sunday 2024-01-07 00:00 UTC = 1_704_585_600; Wednesday 2024-01-10 12:00 UTC.
        assert_eq!(week_start(1_704_585_600 + 3 * DAY + 12 * 3600), 1_704_585_600);
    }

    #[test]
    fn a_window_includes_its_start_and_excludes_its_end() {
        let w = Window::new(10, 20);
        assert!(w.contains(10) && w.contains(19));
        assert!(!w.contains(20) && !w.contains(9));
        assert_eq!(w.duration(), 10);
    }

    #[test]
    fn a_trailing_window_includes_now() {
        let w = Window::trailing(1000, 100);
        assert!(w.contains(1000) && w.contains(900) && !w.contains(899));
    }

    #[test]
    fn a_ratio_over_nothing_is_none_rather_than_nan() {
        assert_eq!(ratio(0, 0), None);
        assert_eq!(ratio(1, 4), Some(0.25));
    }

    #[test]
    fn an_explanation_serializes_its_inputs_as_pairs() {
        let d = Definition { name: "N", formula: "F", source: "S" };
        let json = serde_json::to_value(d.explain(vec![("items", "3".to_owned())])).unwrap();
        assert_eq!(json, serde_json::json!({"name": "N", "formula": "F", "source": "S", "inputs": [["items", "3"]]}));
    }
}
