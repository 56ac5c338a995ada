//! How items end: Time to Close, Time to Merge, the Change Request Closure Ratio and the Change
//! Request Acceptance Ratio (CHAOSS).
//!
//! All four look at one [`Window`]. Durations count the items that **ended inside the window**
//! (median and p90 by nearest rank, [`super::quantile`]); nothing here is censored, because an
//! item that has not ended has no duration yet (its waiting shows up in [`super::backlog`]).
//!
//! Reopened items: CHAOSS Issue Resolution Duration says only the last close counts, so the caller
//! passes the **last** `closed_at`, and `None` for an item that was reopened and is still open.
//! A merged pull request is also closed; if a row has `merged_at` but no `closed_at` the merge
//! time is taken as the close time. Pull requests and issues are separated by the caller.

use serde::Serialize;

use super::definition::{Definition, Explain, fmt_days, fmt_opt, fmt_window, ratio};
use super::quantile::median_and_p90;
use super::time::Window;

pub const TIME_TO_CLOSE: Definition = Definition {
    name: "Time to Close",
    formula: "closed_at − created_at, over items whose last close falls in the window (an item reopened and still \
              open is not counted). Median and p90 by nearest rank.",
    source: "https://chaoss.community/?p=3446",
};

pub const TIME_TO_MERGE: Definition = Definition {
    name: "Time to Merge",
    formula: "merged_at − created_at, over change requests merged in the window. Median and p90 by nearest rank.",
    source: "https://chaoss.community/?p=3446",
};

pub const CHANGE_REQUEST_CLOSURE_RATIO: Definition = Definition {
    name: "Change Request Closure Ratio",
    formula: "change requests closed in the window (merged + closed without merge) ÷ change requests opened in the \
              window (GrimoireLab's REI reading). 1 or more means the backlog is not growing.",
    source: "https://chaoss.community/?p=4834",
};

pub const CHANGE_REQUEST_ACCEPTANCE_RATIO: Definition = Definition {
    name: "Change Request Acceptance Ratio",
    formula: "merged ÷ (merged + closed without merge), among change requests closed in the window.",
    source: "https://chaoss.community/kb/metric-change-request-acceptance-ratio/",
};

/// An issue or pull request for Time to Close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Closable {
    pub created_at: i64,
    /// The last close; `None` while open, including after a reopen.
    pub closed_at: Option<i64>,
}

/// A pull request (change request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ChangeRequest {
    pub created_at: i64,
    /// The last close, merged or not; `None` while open.
    pub closed_at: Option<i64>,
    pub merged_at: Option<i64>,
}

impl ChangeRequest {
    fn ended_at(&self) -> Option<i64> {
        self.closed_at.or(self.merged_at)
    }
}

/// Median and p90 of durations (seconds) of the items that ended in the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DurationSummary {
    pub definition: &'static Definition,
    pub window: Window,
    pub count: usize,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

impl DurationSummary {
    fn new(definition: &'static Definition, window: Window, durations: Vec<i64>) -> Self {
        let count = durations.len();
        let (median, p90) = median_and_p90(durations);
        Self { definition, window, count, median, p90 }
    }

    pub fn explain(&self) -> Explain {
        self.definition.explain(vec![
            ("window", fmt_window(self.window)),
            ("items ended in the window", self.count.to_string()),
            ("median", fmt_opt(self.median, fmt_days)),
            ("p90", fmt_opt(self.p90, fmt_days)),
        ])
    }
}

/// Time to Close of items whose last close falls in `window`.
pub fn time_to_close(items: &[Closable], window: Window) -> DurationSummary {
    let durations = items
        .iter()
        .filter_map(|i| i.closed_at.filter(|&c| window.contains(c)).map(|c| (c - i.created_at).max(0)))
        .collect();
    DurationSummary::new(&TIME_TO_CLOSE, window, durations)
}

/// Time to Merge of change requests merged in `window`.
pub fn time_to_merge(prs: &[ChangeRequest], window: Window) -> DurationSummary {
    let durations = prs
        .iter()
        .filter_map(|p| p.merged_at.filter(|&m| window.contains(m)).map(|m| (m - p.created_at).max(0)))
        .collect();
    DurationSummary::new(&TIME_TO_MERGE, window, durations)
}

/// Closed ÷ opened change requests in a window, with both counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClosureRatio {
    pub window: Window,
    pub opened: u64,
    /// Merged plus closed without merge.
    pub closed: u64,
    pub merged: u64,
    pub closed_unmerged: u64,
    /// `None` when nothing was opened in the window.
    pub ratio: Option<f64>,
}

impl ClosureRatio {
    pub fn explain(&self) -> Explain {
        CHANGE_REQUEST_CLOSURE_RATIO.explain(vec![
            ("window", fmt_window(self.window)),
            ("opened in the window", self.opened.to_string()),
            (
                "closed in the window",
                format!("{} ({} merged, {} without merge)", self.closed, self.merged, self.closed_unmerged),
            ),
            ("ratio", fmt_opt(self.ratio, |r| format!("{r:.2}"))),
        ])
    }
}

pub fn change_request_closure_ratio(prs: &[ChangeRequest], window: Window) -> ClosureRatio {
    let opened = prs.iter().filter(|p| window.contains(p.created_at)).count() as u64;
    let (merged, closed_unmerged) = closed_in(prs, window);
    let closed = merged + closed_unmerged;
    ClosureRatio { window, opened, closed, merged, closed_unmerged, ratio: ratio(closed, opened) }
}

/// Merged ÷ all closed change requests in a window, with the counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AcceptanceRatio {
    pub window: Window,
    pub merged: u64,
    pub closed_unmerged: u64,
    /// `None` when nothing was closed in the window.
    pub ratio: Option<f64>,
}

impl AcceptanceRatio {
    pub fn explain(&self) -> Explain {
        CHANGE_REQUEST_ACCEPTANCE_RATIO.explain(vec![
            ("window", fmt_window(self.window)),
            ("merged", self.merged.to_string()),
            ("closed without merge", self.closed_unmerged.to_string()),
            ("ratio", fmt_opt(self.ratio, |r| format!("{r:.2}"))),
        ])
    }
}

pub fn change_request_acceptance_ratio(prs: &[ChangeRequest], window: Window) -> AcceptanceRatio {
    let (merged, closed_unmerged) = closed_in(prs, window);
    AcceptanceRatio { window, merged, closed_unmerged, ratio: ratio(merged, merged + closed_unmerged) }
}

/// (merged, closed without merge) among change requests closed in `window`.
fn closed_in(prs: &[ChangeRequest], window: Window) -> (u64, u64) {
    prs.iter()
        .filter(|p| p.ended_at().is_some_and(|c| window.contains(c)))
        .fold((0, 0), |(m, u), p| if p.merged_at.is_some() { (m + 1, u) } else { (m, u + 1) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::DAY;

    const W: Window = Window { from: 100 * DAY, to: 200 * DAY };

    fn issue(created: i64, closed: Option<i64>) -> Closable {
        Closable { created_at: created * DAY, closed_at: closed.map(|c| c * DAY) }
    }

    fn pr(created: i64, closed: Option<i64>, merged: bool) -> ChangeRequest {
        let closed_at = closed.map(|c| c * DAY);
        ChangeRequest { created_at: created * DAY, closed_at, merged_at: closed_at.filter(|_| merged) }
    }

    #[test]
    fn time_to_close_counts_only_items_closed_inside_the_window() {
        let items = [
            issue(150, Some(151)),
            issue(120, Some(123)),
            issue(100, Some(110)),
            issue(10, Some(50)),   // closed before the window
            issue(150, Some(200)), // closed at the window's exclusive end
            issue(150, None),
        ];
        let s = time_to_close(&items, W);
        assert_eq!((s.count, s.median, s.p90), (3, Some(3 * DAY), Some(10 * DAY)));
    }

    #[test]
    fn a_reopened_issue_counts_only_by_its_last_close_and_not_while_open_again() {
        // First closed on day 105, reopened, closed for good on day 130: 30 days.
        let closed_again = issue(100, Some(130));
        // Closed on day 110, reopened and still open: the caller passes no close.
        let still_open = issue(100, None);
        let s = time_to_close(&[closed_again, still_open], W);
        assert_eq!((s.count, s.median), (1, Some(30 * DAY)));
    }

    #[test]
    fn time_to_merge_ignores_pull_requests_closed_without_merge() {
        let prs = [pr(100, Some(102), true), pr(100, Some(101), false), pr(100, Some(104), true)];
        let s = time_to_merge(&prs, W);
        assert_eq!((s.count, s.median, s.p90), (2, Some(2 * DAY), Some(4 * DAY)));
    }

    #[test]
    fn closure_ratio_divides_closed_by_opened_in_the_window() {
        let prs = [
            pr(90, Some(110), true), // opened before, closed inside: counts as closed only
            pr(120, Some(130), true),
            pr(130, Some(140), false),
            pr(140, None, false),
            pr(150, None, false),
        ];
        let r = change_request_closure_ratio(&prs, W);
        assert_eq!((r.opened, r.closed, r.merged, r.closed_unmerged), (4, 3, 2, 1));
        assert_eq!(r.ratio, Some(0.75));
    }

    #[test]
    fn closure_ratio_is_none_when_nothing_was_opened() {
        let r = change_request_closure_ratio(&[pr(10, Some(150), true)], W);
        assert_eq!((r.opened, r.closed, r.ratio), (0, 1, None));
        assert!(r.explain().inputs.contains(&("ratio", "none".to_owned())));
    }

    #[test]
    fn acceptance_ratio_is_merged_over_all_closed() {
        let prs = [pr(90, Some(110), true), pr(120, Some(130), true), pr(130, Some(140), false), pr(140, None, false)];
        let a = change_request_acceptance_ratio(&prs, W);
        assert_eq!((a.merged, a.closed_unmerged), (2, 1));
        assert!((a.ratio.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn a_merged_row_without_a_close_time_counts_as_closed_at_the_merge() {
        let p = ChangeRequest { created_at: 110 * DAY, closed_at: None, merged_at: Some(120 * DAY) };
        assert_eq!(change_request_closure_ratio(&[p], W).closed, 1);
    }

    #[test]
    fn an_empty_repo_has_no_durations_and_no_ratios() {
        let s = time_to_close(&[], W);
        assert_eq!((s.count, s.median, s.p90), (0, None, None));
        assert_eq!(time_to_merge(&[], W).count, 0);
        assert_eq!(change_request_closure_ratio(&[], W).ratio, None);
        assert_eq!(change_request_acceptance_ratio(&[], W).ratio, None);
    }
}
