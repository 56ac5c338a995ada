//! What an impact report states ([`ReportNumbers`]): the equal-length windows before and after
//! the period start ([`before_after`]), each measure on both sides ([`BeforeAfter`]), open issues
//! at an instant ([`OpenIssues`]). A leaf under `report/mod.rs` (which re-exports it) and
//! `summary.rs` (which words it), so the summary does not import its parent.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::funding::ledger::Source;
use crate::funding::money::Totals;
use crate::metrics::{Quantile, Window};

/// Equal-length windows around the period start: `after` is `[start, start + len)` with `len`
/// the period's length clipped so it ends by `now` (exclusive `now + 1`), and `before` is
/// `[start − len, start)` of the same clipped length, so counts compare like with like.
/// A period starting after `now` gives two empty windows at its start.
pub fn before_after(period: Window, now: i64) -> (Window, Window) {
    let start = period.from;
    let len = (period.to.min(now + 1) - start).max(0);
    (Window::new(start - len, start), Window::new(start, start + len))
}

/// One measure in the window before the period start and in the window after it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct BeforeAfter<T> {
    pub before: T,
    pub after: T,
}

impl<T> BeforeAfter<T> {
    pub fn new(before: T, after: T) -> Self {
        BeforeAfter { before, after }
    }

    /// Applies `f` to both sides.
    pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> BeforeAfter<U> {
        BeforeAfter { before: f(&self.before), after: f(&self.after) }
    }
}

/// Open issues at a window's start and at its end (see [`OPEN_ISSUES_AT`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OpenIssues {
    pub start: u64,
    pub end: u64,
}

/// Everything a report states. Output counts are for the `period`; each before/after measure is
/// `None` on a side where it cannot be computed (an empty window, nothing to divide by, no items),
/// and the summary then says there is not enough data rather than guessing.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportNumbers {
    pub period: Window,
    /// The windows of [`before_after`].
    pub before: Window,
    pub after: Window,
    pub merged_prs: u64,
    pub closed_issues: u64,
    pub releases: u64,
    pub new_contributors: u64,
    /// Of the new contributors, how many contributed again before the period ended.
    pub returning_first_timers: u64,
    /// Median Time to First Response (Kaplan–Meier) of items opened in each window.
    pub first_response: BeforeAfter<Option<Quantile>>,
    /// Open issues at each window's start and end.
    pub open_issues: BeforeAfter<Option<OpenIssues>>,
    /// Change Request Closure Ratio in each window (closed ÷ opened pull requests).
    pub closure_ratio: BeforeAfter<Option<f64>>,
    /// Maintainers with any response, review, merge or triage in each window.
    pub active_maintainers: BeforeAfter<Option<u64>>,
    /// Money received in the period, by source, per currency.
    pub received: BTreeMap<Source, Totals>,
}

impl ReportNumbers {
    /// All counts zero and no before/after measure known, for `period` as of `now`.
    pub fn empty(period: Window, now: i64) -> Self {
        let (before, after) = before_after(period, now);
        ReportNumbers {
            period,
            before,
            after,
            merged_prs: 0,
            closed_issues: 0,
            releases: 0,
            new_contributors: 0,
            returning_first_timers: 0,
            first_response: BeforeAfter::default(),
            open_issues: BeforeAfter::default(),
            closure_ratio: BeforeAfter::default(),
            active_maintainers: BeforeAfter::default(),
            received: BTreeMap::new(),
        }
    }
}
