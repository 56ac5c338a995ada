//! Newcomer Experience (CHAOSS DEI, release candidate): do first-time contributors come back, and
//! how are they treated while they are new?
//!
//! CHAOSS asks to "observe second, third, or fourth contributions from first-time contributors";
//! the computable core (research anchors §4.6) is, for first contributions in a [`Window`]:
//! - **monthly cohorts** (calendar months, UTC) and the **overall share** who made a second
//!   contribution within [`RETURN_WITHIN_DAYS`] days (exactly 90 days counts);
//! - the **median time to the second contribution** (nearest rank);
//! - **Time to First Response** for first-timers next to regulars ([`crate::metrics::response`]);
//! - the **first-timer pull request merge rate**.
//!
//! Right-censoring again: someone whose first contribution is less than 90 days before `now` has
//! not had their 90 days yet. They are **pending**: counted separately, never as someone who did
//! not return, and also not as a success if they already came back (counting early returners while
//! their peers cannot fail yet would bias the share upward). The share and the median use only
//! people whose 90 days are over. A second contribution stamped after `now` has not happened yet.
//!
//! The caller supplies one [`Contributor`] per person (bots removed), with their first and second
//! distinct contributions to the project; response items split by the author's class; and the
//! pull requests of first-time contributors.

use chrono::{DateTime, Datelike, Months};
use serde::Serialize;

use crate::metrics::definition::{Definition, Explain, fmt_days, fmt_opt, fmt_ts, fmt_window, ratio};
use crate::metrics::quantile::nearest_rank;
use crate::metrics::response::{ResponseItem, ResponseSummary, time_to_first_response};
use crate::metrics::time::{DAY, Window};

/// How soon a second contribution must follow the first to count as "came back".
pub const RETURN_WITHIN_DAYS: i64 = 90;
const RETURN_WITHIN: i64 = RETURN_WITHIN_DAYS * DAY;

const SOURCE: &str = "https://chaoss.community/kb/metric-newcomer-experience/";

pub const NEWCOMER_RETURN: Definition = Definition {
    name: "Newcomer Experience: second contribution within 90 days",
    formula: "first-time contributors (first contribution in the period) who made a second contribution at most 90 days \
              later ÷ those whose 90 days are over. People whose first contribution is less than 90 days before now \
              are pending: reported separately, never counted as not returning.",
    source: SOURCE,
};

pub const TIME_TO_SECOND_CONTRIBUTION: Definition = Definition {
    name: "Newcomer Experience: time to second contribution",
    formula: "second contribution − first contribution; median by nearest rank over first-time contributors in the \
              window who came back within 90 days and whose 90 days are over.",
    source: SOURCE,
};

pub const FIRST_TIMER_MERGE_RATE: Definition = Definition {
    name: "First-timer pull request merge rate",
    formula: "merged ÷ (merged + closed without merge), among first-time contributors' pull requests closed in the \
              window. Pull requests still open at the end of the window are counted separately, not in the rate.",
    source: SOURCE,
};

/// One person's first two distinct contributions to the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contributor {
    pub login: String,
    pub first_at: i64,
    pub second_at: Option<i64>,
}

/// A pull request opened by a first-time contributor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FirstTimerPr {
    pub created_at: i64,
    pub merged_at: Option<i64>,
    /// The last close, merged or not; `None` while open.
    pub closed_at: Option<i64>,
}

/// Everything [`newcomer_experience`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewcomerInput<'a> {
    pub contributors: &'a [Contributor],
    pub first_timer_prs: &'a [FirstTimerPr],
    /// Issues and pull requests opened by first-time contributors.
    pub first_timer_items: &'a [ResponseItem],
    /// Issues and pull requests opened by everyone else (returning contributors, maintainers).
    pub regular_items: &'a [ResponseItem],
}

/// How a group of first-time contributors turned out. `first_timers = returned + did_not_return + pending`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Conversion {
    pub first_timers: u64,
    /// 90 days over, second contribution within them.
    pub returned: u64,
    /// 90 days over, no second contribution within them.
    pub did_not_return: u64,
    /// First contribution less than 90 days before `now`.
    pub pending: u64,
    /// `returned ÷ (returned + did_not_return)`, `None` when nobody's 90 days are over.
    pub share: Option<f64>,
}

impl Conversion {
    fn inputs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("first-time contributors", self.first_timers.to_string()),
            ("returned within 90 days", self.returned.to_string()),
            ("did not return within 90 days", self.did_not_return.to_string()),
            ("pending (less than 90 days since their first contribution)", self.pending.to_string()),
            ("share", fmt_opt(self.share, |s| format!("{:.0}%", s * 100.0))),
        ]
    }
}

/// First-time contributors whose first contribution fell in one calendar month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyCohort {
    /// `2026-03`.
    pub month: String,
    /// The month, clipped to the window when the window starts or ends inside it.
    pub span: Window,
    pub conversion: Conversion,
}

impl MonthlyCohort {
    pub fn explain(&self) -> Explain {
        let mut inputs = vec![("cohort", format!("{} ({})", self.month, fmt_window(self.span)))];
        inputs.extend(self.conversion.inputs());
        NEWCOMER_RETURN.explain(inputs)
    }
}

/// The overall return share and the median time to the second contribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecondContribution {
    pub window: Window,
    pub now: i64,
    pub conversion: Conversion,
    /// Seconds; `None` when nobody returned.
    pub median_time_to_second: Option<i64>,
}

impl SecondContribution {
    pub fn explain(&self) -> Explain {
        let mut inputs = vec![("window", fmt_window(self.window)), ("as of", fmt_ts(self.now))];
        inputs.extend(self.conversion.inputs());
        NEWCOMER_RETURN.explain(inputs)
    }

    pub fn explain_median(&self) -> Explain {
        TIME_TO_SECOND_CONTRIBUTION.explain(vec![
            ("window", fmt_window(self.window)),
            ("returned within 90 days", self.conversion.returned.to_string()),
            ("median", fmt_opt(self.median_time_to_second, fmt_days)),
        ])
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstTimerMergeRate {
    pub window: Window,
    pub merged: u64,
    pub closed_unmerged: u64,
    /// Opened before the window ends and not closed by then; not part of the rate.
    pub open: u64,
    /// `None` when no first-timer pull request was closed in the window.
    pub rate: Option<f64>,
}

impl FirstTimerMergeRate {
    pub fn explain(&self) -> Explain {
        FIRST_TIMER_MERGE_RATE.explain(vec![
            ("window", fmt_window(self.window)),
            ("merged", self.merged.to_string()),
            ("closed without merge", self.closed_unmerged.to_string()),
            ("still open (excluded)", self.open.to_string()),
            ("rate", fmt_opt(self.rate, |r| format!("{:.0}%", r * 100.0))),
        ])
    }
}

/// The whole Newcomer Experience panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewcomerExperience {
    pub window: Window,
    pub cohorts: Vec<MonthlyCohort>,
    pub second_contribution: SecondContribution,
    pub first_timer_response: ResponseSummary,
    pub regular_response: ResponseSummary,
    pub merge_rate: FirstTimerMergeRate,
}

impl NewcomerExperience {
    /// The headline figure's disclosure; each part has its own `explain`.
    pub fn explain(&self) -> Explain {
        self.second_contribution.explain()
    }
}

pub fn newcomer_experience(input: &NewcomerInput<'_>, window: Window, now: i64) -> NewcomerExperience {
    let in_window = |items: &[ResponseItem]| -> Vec<ResponseItem> {
        items.iter().filter(|i| window.contains(i.clock_start)).copied().collect()
    };
    let first_timer_response = ResponseSummary {
        scope: "items opened by first-time contributors in the window",
        ..time_to_first_response(&in_window(input.first_timer_items), now)
    };
    let regular_response = ResponseSummary {
        scope: "items opened by returning contributors and maintainers in the window",
        ..time_to_first_response(&in_window(input.regular_items), now)
    };
    NewcomerExperience {
        window,
        cohorts: monthly_cohorts(input.contributors, window, now),
        second_contribution: second_contribution(input.contributors, window, now),
        first_timer_response,
        regular_response,
        merge_rate: first_timer_merge_rate(input.first_timer_prs, window),
    }
}

/// What became of one first-time contributor as of `now`.
enum Outcome {
    /// Came back after this many seconds.
    Returned(i64),
    DidNotReturn,
    Pending,
}

fn outcome(c: &Contributor, now: i64) -> Outcome {
    if c.first_at.saturating_add(RETURN_WITHIN) > now {
        return Outcome::Pending;
    }
    let gap = c.second_at.filter(|&s| s <= now).map(|s| s.saturating_sub(c.first_at));
    match gap.filter(|g| (0..=RETURN_WITHIN).contains(g)) {
        Some(g) => Outcome::Returned(g),
        None => Outcome::DidNotReturn,
    }
}

/// Conversion counts and return gaps of the contributors whose first contribution is in `span`.
fn convert(contributors: &[Contributor], span: Window, now: i64) -> (Conversion, Vec<i64>) {
    let (mut did_not_return, mut pending, mut gaps) = (0, 0, Vec::new());
    for c in contributors.iter().filter(|c| span.contains(c.first_at)) {
        match outcome(c, now) {
            Outcome::Returned(g) => gaps.push(g),
            Outcome::DidNotReturn => did_not_return += 1,
            Outcome::Pending => pending += 1,
        }
    }
    let returned = gaps.len() as u64;
    let share = ratio(returned, returned + did_not_return);
    (Conversion { first_timers: returned + did_not_return + pending, returned, did_not_return, pending, share }, gaps)
}

/// The overall share and the median time to a second contribution, first contributions in `window`.
pub fn second_contribution(contributors: &[Contributor], window: Window, now: i64) -> SecondContribution {
    let (conversion, mut gaps) = convert(contributors, window, now);
    gaps.sort_unstable();
    SecondContribution { window, now, conversion, median_time_to_second: nearest_rank(&gaps, 0.5) }
}

/// One cohort per calendar month (UTC) overlapping `window`, oldest first; none for an empty or
/// inverted window, and months outside the timestamps chrono can represent are skipped.
pub fn monthly_cohorts(contributors: &[Contributor], window: Window, now: i64) -> Vec<MonthlyCohort> {
    let mut cohorts = Vec::new();
    let mut start = month_start(window.from).filter(|_| window.duration() > 0);
    while let Some(month_from) = start.filter(|&m| m < window.to) {
        let Some(month_to) = next_month(month_from) else { break };
        let span = Window::new(month_from.max(window.from), month_to.min(window.to));
        let (conversion, _) = convert(contributors, span, now);
        let month = DateTime::from_timestamp(month_from, 0).map_or_else(String::new, |d| d.format("%Y-%m").to_string());
        cohorts.push(MonthlyCohort { month, span, conversion });
        start = Some(month_to);
    }
    cohorts
}

/// 00:00 UTC on the first day of the month containing `ts`.
fn month_start(ts: i64) -> Option<i64> {
    let first = DateTime::from_timestamp(ts, 0)?.date_naive().with_day(1)?;
    Some(first.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
}

fn next_month(month_start: i64) -> Option<i64> {
    let next = DateTime::from_timestamp(month_start, 0)?.date_naive().checked_add_months(Months::new(1))?;
    Some(next.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
}

/// Merged ÷ closed first-timer pull requests closed in `window`, with the open ones counted aside.
pub fn first_timer_merge_rate(prs: &[FirstTimerPr], window: Window) -> FirstTimerMergeRate {
    let (mut merged, mut closed_unmerged, mut open) = (0, 0, 0);
    for pr in prs {
        match pr.closed_at.or(pr.merged_at) {
            Some(end) if window.contains(end) => match pr.merged_at {
                Some(_) => merged += 1,
                None => closed_unmerged += 1,
            },
            end if pr.created_at < window.to && end.is_none_or(|e| e >= window.to) => open += 1,
            _ => {}
        }
    }
    FirstTimerMergeRate { window, merged, closed_unmerged, open, rate: ratio(merged, merged + closed_unmerged) }
}

#[cfg(test)]
mod tests;
