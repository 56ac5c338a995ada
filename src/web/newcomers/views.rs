//! View models of the newcomer pages: finder rows, the project page's cards, tables and chart,
//! and the widget's message. Formatting lives here so templates stay simple; every GitHub URL
//! goes through [`format::safe_link`].

use std::collections::BTreeMap;

use super::finder::NewcomerIssue;
use super::project::Project;
use super::signals::ProjectSignals;
use crate::metrics::newcomers::claims::CLAIM_STATUS;
use crate::metrics::newcomers::experience::{FIRST_TIMER_MERGE_RATE, MonthlyCohort};
use crate::metrics::newcomers::mentors::MENTOR;
use crate::metrics::newcomers::outcomes::OutcomeRow;
use crate::metrics::newcomers::{ClaimReason, ClaimStatus, MentorSource, StaleClaim};
use crate::metrics::response::TIME_TO_FIRST_RESPONSE;
use crate::metrics::{DAY, Explain};
use crate::web::charts::{self, BarChart, BarLayout, Series};
use crate::web::format;
use crate::web::format::{percent, quantile, seconds};
use crate::web::parts::Card;

/// One issue of the finder as the page prints it.
pub struct IssueView {
    pub repo: String,
    pub project_href: String,
    pub number: i64,
    pub title: String,
    pub url: Option<String>,
    pub language: String,
    pub labels: Vec<String>,
    /// `@alice`.
    pub mentor: Option<String>,
    pub mentor_source: &'static str,
    /// The mentor's median reply time to newcomers; `None` when no newcomer has asked them yet.
    pub mentor_response: Option<String>,
    /// Why it is claimed; `None` when it is available.
    pub claimed: Option<String>,
    /// Abandoned claims: "@dan claimed it 45 days ago, nothing since".
    pub notes: Vec<String>,
    pub opened: String,
    pub first_timer_response: String,
    pub merge_rate: String,
    pub maintainer_activity: String,
    pub contributing: &'static str,
}

pub fn issue_views(projects: &BTreeMap<i64, ProjectSignals>, now: i64, issues: &[NewcomerIssue]) -> Vec<IssueView> {
    issues.iter().map(|i| issue_view(i, projects.get(&i.repo_id), now)).collect()
}

fn issue_view(i: &NewcomerIssue, p: Option<&ProjectSignals>, now: i64) -> IssueView {
    let url = format::safe_link(&format!("{}/issues/{}", i.repo_html_url.trim_end_matches('/'), i.number));
    IssueView {
        repo: i.repo.clone(),
        project_href: format!("/newcomers/{}", i.repo),
        number: i.number,
        title: i.title.clone(),
        url,
        language: i.language.clone().unwrap_or_else(|| "—".to_owned()),
        labels: i.labels.clone(),
        mentor: i.mentor.as_ref().map(|m| format!("@{}", m.mentor.login)),
        mentor_source: i.mentor.as_ref().map_or("", |m| mentor_source(m.mentor.source)),
        mentor_response: i.mentor.as_ref().filter(|m| m.response.total > 0).map(|m| quantile(m.response.median)),
        claimed: claim_reason(&i.claim, now),
        notes: i.abandoned_claims.iter().map(abandoned_note).collect(),
        opened: format::ago(Some(i.created_at), now),
        first_timer_response: p.map_or_else(|| "—".to_owned(), |p| quantile(p.first_timer_pr_response.median)),
        merge_rate: p.map_or_else(|| "—".to_owned(), |p| percent(p.first_timer_merge_rate.rate)),
        maintainer_activity: p
            .and_then(|p| p.last_maintainer_activity_at)
            .map_or_else(|| "never".to_owned(), |t| format::ago(Some(t), now)),
        contributing: match p.and_then(|p| p.has_contributing) {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        },
    }
}

pub fn mentor_source(source: MentorSource) -> &'static str {
    match source {
        MentorSource::Label => "mentor label",
        MentorSource::Configured => "configured mentor",
        MentorSource::Offered => "offered help",
    }
}

/// "assigned to @x", "PR #12 open", "@y claimed it 3 days ago".
pub fn claim_reason(status: &ClaimStatus, now: i64) -> Option<String> {
    match status {
        ClaimStatus::Unclaimed => None,
        ClaimStatus::Claimed(ClaimReason::Assigned { login }) => Some(format!("assigned to @{login}")),
        ClaimStatus::Claimed(ClaimReason::LinkedPullRequest { number }) => Some(format!("PR #{number} open")),
        ClaimStatus::Claimed(ClaimReason::ClaimComment { login, at }) => {
            Some(format!("@{login} claimed it {}", days_ago((now - at).div_euclid(DAY))))
        }
    }
}

fn abandoned_note(s: &StaleClaim) -> String {
    format!("@{} claimed it {}, nothing since", s.login, days_ago(s.age_days))
}

fn days_ago(days: i64) -> String {
    match days {
        0 => "today".to_owned(),
        1 => "1 day ago".to_owned(),
        n => format!("{n} days ago"),
    }
}

/// The definitions behind the finder's columns, for the disclosures under the list.
pub fn finder_definitions() -> Vec<Explain> {
    vec![
        CLAIM_STATUS.explain(vec![]),
        MENTOR.explain(vec![(
            "mentor's reply time",
            "Time to First Response: a newcomer's first comment in the \
            threads they mentor to the mentor's first reply; unanswered threads censored at now"
                .to_owned(),
        )]),
        TIME_TO_FIRST_RESPONSE
            .explain(vec![("scope", "pull requests by first-time contributors, last 365 days".to_owned())]),
        FIRST_TIMER_MERGE_RATE.explain(vec![("window", "last 365 days".to_owned())]),
    ]
}

/// The headline cards of a project page: Newcomer Experience, each with its disclosure.
pub fn project_cards(p: &Project) -> Vec<Card> {
    let e = &p.experience;
    let c = &e.second_contribution.conversion;
    vec![
        Card {
            id: "second-contribution",
            label: "Came back within 90 days",
            value: percent(c.share),
            detail: format!("{} of {} first-timers · {} pending", c.returned, c.returned + c.did_not_return, c.pending),
            explain: e.second_contribution.explain(),
        },
        Card {
            id: "time-to-second",
            label: "Time to second contribution (median)",
            value: seconds(e.second_contribution.median_time_to_second),
            detail: format!("over {} who came back", c.returned),
            explain: e.second_contribution.explain_median(),
        },
        Card {
            id: "ttfr-first-timers",
            label: "First response to first-timers (median)",
            value: quantile(e.first_timer_response.median),
            detail: format!("{} unanswered of {}", e.first_timer_response.unanswered, e.first_timer_response.total),
            explain: e.first_timer_response.explain(),
        },
        Card {
            id: "ttfr-regulars",
            label: "First response to regulars (median)",
            value: quantile(e.regular_response.median),
            detail: format!("{} unanswered of {}", e.regular_response.unanswered, e.regular_response.total),
            explain: e.regular_response.explain(),
        },
        Card {
            id: "first-timer-merge-rate",
            label: "First-timer PR merge rate",
            value: percent(e.merge_rate.rate),
            detail: format!(
                "{} merged, {} closed unmerged, {} open",
                e.merge_rate.merged, e.merge_rate.closed_unmerged, e.merge_rate.open
            ),
            explain: e.merge_rate.explain(),
        },
    ]
}

/// One row of the cohort table.
pub struct CohortView {
    pub month: String,
    pub first_timers: u64,
    pub returned: u64,
    pub did_not_return: u64,
    pub pending: u64,
    pub share: String,
    pub explain: Explain,
}

pub fn cohort_views(cohorts: &[MonthlyCohort]) -> Vec<CohortView> {
    cohorts
        .iter()
        .map(|c| CohortView {
            month: c.month.clone(),
            first_timers: c.conversion.first_timers,
            returned: c.conversion.returned,
            did_not_return: c.conversion.did_not_return,
            pending: c.conversion.pending,
            share: percent(c.conversion.share),
            explain: c.explain(),
        })
        .collect()
}

/// First-time contributors per month, and how many of them came back.
pub fn cohort_chart(cohorts: &[MonthlyCohort]) -> String {
    let series = |name: &str, f: fn(&MonthlyCohort) -> u64| {
        Series::new(name, cohorts.iter().map(|c| (c.span.from as f64, Some(f(c) as f64))).collect())
    };
    let mut spec = BarChart::new(
        "First-time contributors per month",
        vec![
            series("first-time contributors", |c| c.conversion.first_timers),
            series("came back within 90 days", |c| c.conversion.returned),
        ],
    );
    spec.layout = BarLayout::Grouped;
    spec.y_title = "people".to_owned();
    charts::bar_chart(&spec)
}

/// One row of an outcomes table.
pub struct OutcomeView {
    pub key: String,
    pub issues: u64,
    pub closed: u64,
    pub closed_by_first_timer: u64,
    pub returned_after: u64,
    pub time_to_close: String,
    pub first_response: String,
    pub explain: Explain,
}

pub fn outcome_views(rows: &[OutcomeRow]) -> Vec<OutcomeView> {
    rows.iter()
        .map(|r| OutcomeView {
            key: r.key.clone(),
            issues: r.issues,
            closed: r.closed,
            closed_by_first_timer: r.closed_by_first_timer,
            returned_after: r.returned_after,
            time_to_close: seconds(r.median_time_to_close),
            first_response: quantile(r.median_first_response),
            explain: r.explain(),
        })
        .collect()
}

/// The widget's message: `5 open · replies in 6 h`, or just the count without response data.
pub fn widget_message(open: usize, median: Option<crate::metrics::Quantile>) -> String {
    match median {
        Some(crate::metrics::Quantile::Exactly(s)) => format!("{open} open · replies in {}", short(s)),
        Some(crate::metrics::Quantile::MoreThan(s)) => format!("{open} open · replies in > {}", short(s)),
        None => format!("{open} open"),
    }
}

/// `< 1 h`, `6 h`, `3 d`: whole units, as a badge has little room.
fn short(secs: i64) -> String {
    match secs {
        s if s < 3600 => "< 1 h".to_owned(),
        s if s < DAY => format!("{} h", (s as f64 / 3600.0).round()),
        s => format!("{} d", (s as f64 / DAY as f64).round()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Quantile;

    #[test]
    fn claim_reasons_read_as_short_sentences() {
        let now = 100 * DAY;
        let assigned = ClaimStatus::Claimed(ClaimReason::Assigned { login: "x".into() });
        assert_eq!(claim_reason(&assigned, now).as_deref(), Some("assigned to @x"));
        let pr = ClaimStatus::Claimed(ClaimReason::LinkedPullRequest { number: 12 });
        assert_eq!(claim_reason(&pr, now).as_deref(), Some("PR #12 open"));
        let comment = ClaimStatus::Claimed(ClaimReason::ClaimComment { login: "y".into(), at: now - 3 * DAY - 5 });
        assert_eq!(claim_reason(&comment, now).as_deref(), Some("@y claimed it 3 days ago"));
        assert_eq!(claim_reason(&ClaimStatus::Unclaimed, now), None);
        let stale = StaleClaim { login: "z".into(), at: 0, age_days: 45 };
        assert_eq!(abandoned_note(&stale), "@z claimed it 45 days ago, nothing since");
    }

    #[test]
    fn the_widget_says_how_many_are_open_and_how_fast_replies_come() {
        assert_eq!(widget_message(5, Some(Quantile::Exactly(6 * 3600))), "5 open · replies in 6 h");
        assert_eq!(widget_message(1, Some(Quantile::MoreThan(3 * DAY))), "1 open · replies in > 3 d");
        assert_eq!(widget_message(0, None), "0 open");
        assert_eq!(short(600), "< 1 h");
    }
}
