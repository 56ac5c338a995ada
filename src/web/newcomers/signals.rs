//! Per-project signals the finder shows next to every issue of a project: how fast first-time
//! contributors' pull requests get a first response (last 365 days, unanswered ones censored at
//! `now`), how many of them are merged, when a maintainer was last active, whether there is a
//! CONTRIBUTING file; and the `sort=responsive` order built on the first of these.
//!
//! Pure, like [`super::finder`], whose rows it reads.

use std::collections::BTreeMap;

use serde::Serialize;

use super::load::{FinderRows, PROJECT_SIGNAL_DAYS};
use crate::metrics::newcomers::{FirstTimerMergeRate, FirstTimerPr, first_timer_merge_rate};
use crate::metrics::response::{ResponseItem, ResponseSummary, time_to_first_response};
use crate::metrics::{DAY, Quantile, Window};

/// Per project, the signals shown next to each of its issues.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectSignals {
    pub repo_id: i64,
    pub repo: String,
    /// Time to First Response to first-time contributors' pull requests, last 365 days.
    pub first_timer_pr_response: ResponseSummary,
    pub first_timer_merge_rate: FirstTimerMergeRate,
    pub last_maintainer_activity_at: Option<i64>,
    /// `None` when no community profile was collected.
    pub has_contributing: Option<bool>,
}

/// The signals of every tracked repository, by repository id.
pub fn project_signals(rows: &FinderRows, now: i64) -> BTreeMap<i64, ProjectSignals> {
    let window = Window::trailing(now, PROJECT_SIGNAL_DAYS * DAY);
    rows.repos
        .iter()
        .map(|repo| {
            let prs: Vec<_> = rows.first_timer_prs.iter().filter(|p| p.repo_id == repo.id).collect();
            let items: Vec<ResponseItem> = prs
                .iter()
                .map(|p| ResponseItem { clock_start: p.clock_start, first_response_at: p.first_response_at })
                .collect();
            let merges: Vec<FirstTimerPr> = prs
                .iter()
                .map(|p| FirstTimerPr { created_at: p.created_at, merged_at: p.merged_at, closed_at: p.closed_at })
                .collect();
            let signals = ProjectSignals {
                repo_id: repo.id,
                repo: repo.full_name.clone(),
                first_timer_pr_response: ResponseSummary {
                    scope: "pull requests by first-time contributors, last 365 days",
                    ..time_to_first_response(&items, now)
                },
                first_timer_merge_rate: first_timer_merge_rate(&merges, window),
                last_maintainer_activity_at: rows
                    .maintainer_activity
                    .iter()
                    .find(|a| a.repo_id == repo.id)
                    .and_then(|a| a.last_at),
                has_contributing: rows.profiles.iter().find(|p| p.repo_id == repo.id).map(|p| p.has_contributing),
            };
            (repo.id, signals)
        })
        .collect()
}

/// Sort key: projects with a median first, fastest first; a "more than" median after an exact
/// one of the same length; projects without first-timer pull requests last.
pub fn responsiveness(p: Option<&ProjectSignals>) -> (bool, i64, bool) {
    match p.and_then(|p| p.first_timer_pr_response.median) {
        Some(Quantile::Exactly(s)) => (false, s, false),
        Some(Quantile::MoreThan(s)) => (false, s, true),
        None => (true, 0, false),
    }
}
