//! Newcomer outcomes per label and per mentor: which onboarding practices turn first-timers into
//! contributors who come back.
//!
//! Over the newcomer-labelled issues **opened in the window**, one row per canonical label
//! ([`super::labels::NewcomerLabels`]) and one per mentor (issues without one in a final
//! [`NO_MENTOR`] row, the baseline to compare against): how many were closed, how many by a
//! first-time contributor's pull request, after how many of those the first-timer came back
//! (the caller decides "came back", normally [`super::experience`]'s second contribution within
//! 90 days), the median time to close (nearest rank over the closed ones) and the median first
//! response (Kaplan–Meier, unanswered issues censored at `now`).
//!
//! An issue with two newcomer labels counts once under each; a close or a response stamped after
//! `now` has not happened yet.

use serde::Serialize;

use crate::metrics::definition::{Definition, Explain, fmt_days, fmt_opt, fmt_window, ratio};
use crate::metrics::quantile::Quantile;
use crate::metrics::quantile::nearest_rank;
use crate::metrics::response::{ResponseItem, time_to_first_response};
use crate::metrics::time::Window;

/// The key of the row for issues without a mentor; no GitHub login contains parentheses.
pub const NO_MENTOR: &str = "(no mentor)";

pub const NEWCOMER_ISSUE_OUTCOMES: Definition = Definition {
    name: "Newcomer issue outcomes",
    formula: "over newcomer-labelled issues opened in the window, per label and per mentor: closed; closed by a \
              first-time contributor's pull request; of those, how often the first-timer contributed again. Median \
              time to close by nearest rank over closed issues; median first response by Kaplan–Meier with \
              unanswered issues censored at now.",
    source: "https://chaoss.community/kb/metric-newcomer-experience/",
};

/// One newcomer-labelled issue, as the caller resolved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelledIssue {
    /// Canonical newcomer labels ([`super::labels::NewcomerLabels::of_issue`]).
    pub labels: Vec<String>,
    pub mentor: Option<String>,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    pub first_response_at: Option<i64>,
    pub closed_by_first_timer_pr: bool,
    /// The first-timer who closed it came back; only read when `closed_by_first_timer_pr`.
    pub first_timer_returned: bool,
}

/// The outcomes of one group of issues.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeRow {
    /// The canonical label, the mentor's login, or [`NO_MENTOR`].
    pub key: String,
    pub window: Window,
    pub issues: u64,
    pub closed: u64,
    pub closed_by_first_timer: u64,
    pub returned_after: u64,
    /// `closed_by_first_timer ÷ closed`.
    pub first_timer_close_share: Option<f64>,
    /// `returned_after ÷ closed_by_first_timer`.
    pub return_share: Option<f64>,
    /// Seconds, nearest-rank median over closed issues.
    pub median_time_to_close: Option<i64>,
    /// Kaplan–Meier median, unanswered issues censored at `now`.
    pub median_first_response: Option<Quantile>,
}

impl OutcomeRow {
    pub fn explain(&self) -> Explain {
        let pct = |r: f64| format!("{:.0}%", r * 100.0);
        NEWCOMER_ISSUE_OUTCOMES.explain(vec![
            ("group", self.key.clone()),
            ("window", fmt_window(self.window)),
            ("issues opened", self.issues.to_string()),
            ("closed", self.closed.to_string()),
            ("closed by a first-timer's pull request", self.closed_by_first_timer.to_string()),
            ("first-timer came back afterwards", self.returned_after.to_string()),
            ("share closed by first-timers", fmt_opt(self.first_timer_close_share, pct)),
            ("share of those first-timers who came back", fmt_opt(self.return_share, pct)),
            ("median time to close", fmt_opt(self.median_time_to_close, fmt_days)),
            ("median first response", fmt_opt(self.median_first_response, Quantile::describe)),
        ])
    }
}

/// Both tables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewcomerOutcomes {
    pub by_label: Vec<OutcomeRow>,
    pub by_mentor: Vec<OutcomeRow>,
}

pub fn newcomer_outcomes(issues: &[LabelledIssue], window: Window, now: i64) -> NewcomerOutcomes {
    NewcomerOutcomes {
        by_label: outcomes_by_label(issues, window, now),
        by_mentor: outcomes_by_mentor(issues, window, now),
    }
}

/// One row per canonical label, most issues first (ties by label).
pub fn outcomes_by_label(issues: &[LabelledIssue], window: Window, now: i64) -> Vec<OutcomeRow> {
    let mut groups: Vec<(String, Vec<&LabelledIssue>)> = Vec::new();
    for issue in issues.iter().filter(|i| window.contains(i.created_at)) {
        for (n, label) in issue.labels.iter().enumerate() {
            if issue.labels[..n].contains(label) {
                continue;
            }
            push_to(&mut groups, label, issue, |a, b| a == b);
        }
    }
    rows(groups, window, now)
}

/// One row per mentor (logins grouped case-insensitively, first spelling shown), most issues
/// first, then a [`NO_MENTOR`] row when some issues have none.
pub fn outcomes_by_mentor(issues: &[LabelledIssue], window: Window, now: i64) -> Vec<OutcomeRow> {
    let mut groups: Vec<(String, Vec<&LabelledIssue>)> = Vec::new();
    let mut unmentored: Vec<&LabelledIssue> = Vec::new();
    for issue in issues.iter().filter(|i| window.contains(i.created_at)) {
        match &issue.mentor {
            Some(m) => push_to(&mut groups, m, issue, |a, b| a.eq_ignore_ascii_case(b)),
            None => unmentored.push(issue),
        }
    }
    let mut out = rows(groups, window, now);
    if !unmentored.is_empty() {
        out.push(row(NO_MENTOR.to_owned(), &unmentored, window, now));
    }
    out
}

fn push_to<'a>(
    groups: &mut Vec<(String, Vec<&'a LabelledIssue>)>,
    key: &str,
    issue: &'a LabelledIssue,
    same: fn(&str, &str) -> bool,
) {
    match groups.iter_mut().find(|(k, _)| same(k, key)) {
        Some((_, members)) => members.push(issue),
        None => groups.push((key.to_owned(), vec![issue])),
    }
}

fn rows(groups: Vec<(String, Vec<&LabelledIssue>)>, window: Window, now: i64) -> Vec<OutcomeRow> {
    let mut out: Vec<OutcomeRow> = groups.into_iter().map(|(key, members)| row(key, &members, window, now)).collect();
    out.sort_by(|a, b| b.issues.cmp(&a.issues).then_with(|| a.key.cmp(&b.key)));
    out
}

fn row(key: String, issues: &[&LabelledIssue], window: Window, now: i64) -> OutcomeRow {
    let closed: Vec<&&LabelledIssue> = issues.iter().filter(|i| i.closed_at.is_some_and(|c| c <= now)).collect();
    let by_first_timer = closed.iter().filter(|i| i.closed_by_first_timer_pr).count() as u64;
    let returned_after = closed.iter().filter(|i| i.closed_by_first_timer_pr && i.first_timer_returned).count() as u64;
    let mut to_close: Vec<i64> =
        closed.iter().filter_map(|i| i.closed_at.map(|c| c.saturating_sub(i.created_at).max(0))).collect();
    to_close.sort_unstable();
    let responses: Vec<ResponseItem> = issues
        .iter()
        .map(|i| ResponseItem { clock_start: i.created_at, first_response_at: i.first_response_at })
        .collect();
    OutcomeRow {
        key,
        window,
        issues: issues.len() as u64,
        closed: closed.len() as u64,
        closed_by_first_timer: by_first_timer,
        returned_after,
        first_timer_close_share: ratio(by_first_timer, closed.len() as u64),
        return_share: ratio(returned_after, by_first_timer),
        median_time_to_close: nearest_rank(&to_close, 0.5),
        median_first_response: time_to_first_response(&responses, now).median,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::time::DAY;

    const W: Window = Window { from: 100 * DAY, to: 200 * DAY };
    const NOW: i64 = 210 * DAY;

    struct Issue {
        labels: &'static [&'static str],
        mentor: Option<&'static str>,
        created: i64,
        closed: Option<i64>,
        response: Option<i64>,
        by_first_timer: bool,
        returned: bool,
    }

    const BASE: Issue = Issue {
        labels: &["good first issue"],
        mentor: None,
        created: 110,
        closed: None,
        response: None,
        by_first_timer: false,
        returned: false,
    };

    fn build(i: Issue) -> LabelledIssue {
        LabelledIssue {
            labels: i.labels.iter().map(|s| (*s).to_owned()).collect(),
            mentor: i.mentor.map(str::to_owned),
            created_at: i.created * DAY,
            closed_at: i.closed.map(|d| d * DAY),
            first_response_at: i.response.map(|d| d * DAY),
            closed_by_first_timer_pr: i.by_first_timer,
            first_timer_returned: i.returned,
        }
    }

    fn sample() -> Vec<LabelledIssue> {
        [
            // good first issue, mentor alice: closed after 10 d by a first-timer who came back.
            Issue {
                mentor: Some("alice"),
                closed: Some(120),
                response: Some(111),
                by_first_timer: true,
                returned: true,
                ..BASE
            },
            // good first issue + easy, mentor Alice: closed after 30 d by a first-timer who did not.
            Issue {
                labels: &["good first issue", "easy", "easy"],
                mentor: Some("Alice"),
                created: 120,
                closed: Some(150),
                response: Some(123),
                by_first_timer: true,
                ..BASE
            },
            // good first issue, no mentor: closed by a maintainer after 20 d.
            Issue { created: 130, closed: Some(150), response: Some(140), ..BASE },
            // easy, no mentor: open and never answered (censored at now: 60 d).
            Issue { labels: &["easy"], created: 150, ..BASE },
            // good first issue, opened before the window: ignored.
            Issue { created: 50, closed: Some(60), ..BASE },
            // good first issue, closed after now: still open as of now.
            Issue { created: 190, closed: Some(300), response: Some(191), ..BASE },
        ]
        .into_iter()
        .map(build)
        .collect()
    }

    #[test]
    fn each_label_gets_its_issues_closes_first_timer_closes_and_returns() {
        let rows = outcomes_by_label(&sample(), W, NOW);
        assert_eq!(rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["good first issue", "easy"]);
        let gfi = &rows[0];
        assert_eq!((gfi.issues, gfi.closed, gfi.closed_by_first_timer, gfi.returned_after), (4, 3, 2, 1));
        assert_eq!((gfi.first_timer_close_share, gfi.return_share), (Some(2.0 / 3.0), Some(0.5)));
        // Close times 10, 30, 20 d: median 20 d. Responses 1, 3, 10, 1 d: median 1 d.
        assert_eq!(gfi.median_time_to_close, Some(20 * DAY));
        assert_eq!(gfi.median_first_response, Some(Quantile::Exactly(DAY)));
        let easy = &rows[1];
        assert_eq!((easy.issues, easy.closed, easy.closed_by_first_timer, easy.returned_after), (2, 1, 1, 0));
        // Responses: 3 d answered, 60 d still waiting: S(3 d) = 1/2, so the median is 3 d.
        assert_eq!(easy.median_first_response, Some(Quantile::Exactly(3 * DAY)));
        assert_eq!(easy.median_time_to_close, Some(30 * DAY));
    }

    #[test]
    fn mentors_group_case_insensitively_and_unmentored_issues_come_last() {
        let rows = outcomes_by_mentor(&sample(), W, NOW);
        assert_eq!(rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["alice", NO_MENTOR]);
        assert_eq!((rows[0].issues, rows[0].closed_by_first_timer, rows[0].returned_after), (2, 2, 1));
        assert_eq!(rows[0].return_share, Some(0.5));
        assert_eq!((rows[1].issues, rows[1].closed, rows[1].closed_by_first_timer), (3, 1, 0));
        assert_eq!(rows[1].first_timer_close_share, Some(0.0));
        assert_eq!(rows[1].return_share, None);
    }

    #[test]
    fn rows_with_equal_counts_are_ordered_by_key() {
        let issues: Vec<LabelledIssue> =
            [Issue { labels: &["starter"], ..BASE }, Issue { labels: &["beginner"], ..BASE }]
                .into_iter()
                .map(build)
                .collect();
        let keys: Vec<String> = outcomes_by_label(&issues, W, NOW).into_iter().map(|r| r.key).collect();
        assert_eq!(keys, ["beginner", "starter"]);
    }

    #[test]
    fn an_open_unanswered_group_has_no_close_median_and_a_censored_response() {
        let rows = outcomes_by_label(&[build(Issue { created: 150, ..BASE })], W, NOW);
        assert_eq!((rows[0].closed, rows[0].median_time_to_close), (0, None));
        assert_eq!(rows[0].median_first_response, Some(Quantile::MoreThan(60 * DAY)));
        assert_eq!(rows[0].first_timer_close_share, None);
        let e = rows[0].explain();
        assert!(e.inputs.contains(&("median first response", "> 60.0 d".to_owned())));
        assert!(e.inputs.contains(&("median time to close", "none".to_owned())));
    }

    #[test]
    fn no_issues_gives_no_rows() {
        let o = newcomer_outcomes(&[], W, NOW);
        assert!(o.by_label.is_empty() && o.by_mentor.is_empty());
    }
}
