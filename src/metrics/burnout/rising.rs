//! Burnout signal: response times rising while inflow stays flat.
//!
//! Items are grouped by when their clock started: the [`RECENT_WEEKS`] recent weeks and the
//! [`RISING_BASELINE_WEEKS`] weeks before. The signal fires when the recent median Time to First
//! Response is at least [`RISING_MIN_FACTOR`] × the baseline median (and strictly longer), while
//! inflow, items opened a week, changed by at most ±[`RISING_MAX_INFLOW_CHANGE`]: the project is
//! answering more slowly without being asked more. Medians are Kaplan–Meier, censored at `now`, so
//! the recent period's unanswered items push its median up instead of being dropped. A recent
//! median of "more than X" counts when X alone clears the bar; a baseline of "more than X", or an
//! empty period, is inconclusive and gives no signal.

use serde::Serialize;

use super::period::{RECENT_WEEKS, SOURCE, weeks_before};
use crate::metrics::definition::{Definition, fmt_days};
use crate::metrics::quantile::Quantile;
use crate::metrics::response::{ResponseItem, time_to_first_response};
use crate::metrics::time::Window;

pub const RISING_BASELINE_WEEKS: i64 = 8;
pub const RISING_MIN_FACTOR: f64 = 1.5;
pub const RISING_MAX_INFLOW_CHANGE: f64 = 0.2;

pub const RISING_RESPONSE_TIMES: Definition = Definition {
    name: "Project Burnout: rising response times with flat inflow",
    formula: "median Time to First Response of items opened recently ÷ that of items opened before is at least a set \
              factor, while items opened per week stayed within a set band (thresholds in the evidence).",
    source: SOURCE,
};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RisingResponseTimes {
    pub baseline: Window,
    pub recent: Window,
    pub baseline_median: i64,
    pub recent_median: Quantile,
    pub baseline_items: usize,
    pub recent_items: usize,
    pub baseline_inflow_per_week: f64,
    pub recent_inflow_per_week: f64,
    pub evidence: String,
}

pub fn rising_response_times(items: &[ResponseItem], now: i64) -> Option<RisingResponseTimes> {
    let recent = weeks_before(now, 0, RECENT_WEEKS);
    let baseline = weeks_before(now, RECENT_WEEKS, RISING_BASELINE_WEEKS);
    let opened_in =
        |w: Window| -> Vec<ResponseItem> { items.iter().filter(|i| w.contains(i.clock_start)).copied().collect() };
    let (recent_items, baseline_items) = (opened_in(recent), opened_in(baseline));
    let recent_median = time_to_first_response(&recent_items, now).median?;
    let Quantile::Exactly(baseline_median) = time_to_first_response(&baseline_items, now).median? else {
        return None;
    };
    let baseline_rate = baseline_items.len() as f64 / RISING_BASELINE_WEEKS as f64;
    let recent_rate = recent_items.len() as f64 / RECENT_WEEKS as f64;
    let change = recent_rate / baseline_rate - 1.0;
    let slower = recent_median.secs() as f64 >= RISING_MIN_FACTOR * baseline_median as f64
        && recent_median.secs() > baseline_median;
    // The tolerance keeps a change of exactly 20% inside the band despite float division.
    if !slower || change.abs() > RISING_MAX_INFLOW_CHANGE + 1e-9 {
        return None;
    }
    let evidence = format!(
        "the median time to first response of items opened in the last {RECENT_WEEKS} weeks is {} against {} for \
         items opened in the {RISING_BASELINE_WEEKS} weeks before (at least {RISING_MIN_FACTOR:.1}× required), while \
         inflow went from {baseline_rate:.2} to {recent_rate:.2} items a week ({:+.0}%, within ±{:.0}% required).",
        recent_median.describe(),
        fmt_days(baseline_median),
        change * 100.0,
        RISING_MAX_INFLOW_CHANGE * 100.0
    );
    Some(RisingResponseTimes {
        baseline,
        recent,
        baseline_median,
        recent_median,
        baseline_items: baseline_items.len(),
        recent_items: recent_items.len(),
        baseline_inflow_per_week: baseline_rate,
        recent_inflow_per_week: recent_rate,
        evidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::time::{DAY, WEEK};

    const SUNDAY: i64 = 1_704_585_600; // 2024-01-07
    /// A Monday: the recent period is weeks 8–11, the baseline weeks 0–7.
    const NOW: i64 = SUNDAY + 12 * WEEK + DAY;

    /// `per_week` items opened on each of `weeks`, answered after `wait` (`None`: unanswered).
    fn opened(weeks: std::ops::Range<i64>, per_week: i64, wait: Option<i64>) -> Vec<ResponseItem> {
        weeks
            .flat_map(|w| (0..per_week).map(move |i| SUNDAY + w * WEEK + i * 3600))
            .map(|start| ResponseItem { clock_start: start, first_response_at: wait.map(|d| start + d) })
            .collect()
    }

    #[test]
    fn doubling_response_times_at_steady_inflow_is_a_signal() {
        let mut items = opened(0..8, 1, Some(DAY));
        items.extend(opened(8..12, 1, Some(2 * DAY)));
        let s = rising_response_times(&items, NOW).expect("a signal");
        assert_eq!((s.baseline_median, s.recent_median), (DAY, Quantile::Exactly(2 * DAY)));
        assert_eq!((s.baseline_inflow_per_week, s.recent_inflow_per_week), (1.0, 1.0));
        assert_eq!(
            s.evidence,
            "the median time to first response of items opened in the last 4 weeks is 2.0 d against 1.0 d for items \
             opened in the 8 weeks before (at least 1.5× required), while inflow went from 1.00 to 1.00 items a week \
             (+0%, within ±20% required)."
        );
    }

    #[test]
    fn slower_answers_to_twice_the_inflow_are_not_this_signal() {
        let mut items = opened(0..8, 1, Some(DAY));
        items.extend(opened(8..12, 2, Some(2 * DAY)));
        assert_eq!(rising_response_times(&items, NOW), None);
    }

    #[test]
    fn an_inflow_change_of_exactly_twenty_percent_is_still_flat() {
        // Baseline 5 a week, recent 6 a week.
        let mut items = opened(0..8, 5, Some(DAY));
        items.extend(opened(8..12, 6, Some(3 * DAY)));
        assert!(rising_response_times(&items, NOW).is_some());
    }

    #[test]
    fn unanswered_recent_items_raise_the_median_instead_of_vanishing() {
        // Nothing opened recently has been answered: the recent median is "more than" the
        // longest wait (4 weeks and a day), far above the 1-day baseline.
        let mut items = opened(0..8, 1, Some(DAY));
        items.extend(opened(8..12, 1, None));
        let s = rising_response_times(&items, NOW).expect("a signal");
        assert_eq!(s.recent_median, Quantile::MoreThan(4 * WEEK + DAY));
        assert!(s.evidence.contains("is > 29.0 d against 1.0 d"));
    }

    #[test]
    fn a_slightly_slower_period_is_not_a_signal() {
        let mut items = opened(0..8, 1, Some(2 * DAY));
        items.extend(opened(8..12, 1, Some(2 * DAY + DAY / 2)));
        assert_eq!(rising_response_times(&items, NOW), None);
    }

    #[test]
    fn no_baseline_means_no_signal() {
        assert_eq!(rising_response_times(&opened(8..12, 1, None), NOW), None);
        assert_eq!(rising_response_times(&[], NOW), None);
    }
}
