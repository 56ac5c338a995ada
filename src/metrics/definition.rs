//! What a metric is ([`Definition`]: name, formula, source) and how one result explains itself
//! ([`Explain`]), with the small formatters the explanations use (timestamps, windows, days,
//! ratios). A leaf under every metric family; `metrics/mod.rs` re-exports it.

use chrono::DateTime;
use serde::Serialize;

use super::time::{DAY, Window};

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
