//! The finder's computation: candidate rows + `now` in, newcomer issues with their claim status,
//! mentor and project signals out; then filtering and sorting by validated [`Filters`].
//!
//! Pure (no IO, no clock). Per issue: the canonical newcomer labels (issues with none are not
//! newcomer issues), the thread facts ([`super::thread`]), the claim status and abandoned claims
//! ([`crate::metrics::newcomers::claims`]). Per mentor: Time to First Response over the newcomer
//! threads they mentor. Per project: the [`super::signals`].

use std::collections::BTreeMap;

use serde::Serialize;

use super::load::{FinderRows, parse_list};
use super::params::{Filters, Sort};
use super::signals::{self, ProjectSignals};
use super::thread::{self, Thread};
use crate::config::RepoName;
use crate::db::newcomers::{CandidateRow, TimelineRow};
use crate::metrics::DAY;
use crate::metrics::newcomers::{
    ClaimInputs, ClaimStatus, Mentor, NewcomerLabels, StaleClaim, claim_status, mentor_response_time, stale_claims,
};
use crate::metrics::response::ResponseSummary;

/// What the finder needs from the configuration.
pub struct Settings<'a> {
    pub labels: &'a NewcomerLabels,
    pub claim_days: i64,
    pub mentors: &'a BTreeMap<RepoName, Vec<String>>,
}

/// A mentor and how fast they answer newcomers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MentorSignal {
    #[serde(flatten)]
    pub mentor: Mentor,
    pub response: ResponseSummary,
}

/// One open newcomer issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewcomerIssue {
    pub id: i64,
    pub repo_id: i64,
    pub repo: String,
    pub repo_html_url: String,
    pub language: Option<String>,
    pub number: i64,
    pub title: String,
    /// Canonical newcomer labels, each once.
    pub labels: Vec<String>,
    pub author: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub mentor: Option<MentorSignal>,
    pub claim: ClaimStatus,
    /// Claims older than the claim period with no claim since: shown as a note, not hidden.
    pub abandoned_claims: Vec<StaleClaim>,
}

/// Every open newcomer issue, newest first, and the signals of their projects.
#[derive(Debug, Clone, PartialEq)]
pub struct Finder {
    pub now: i64,
    pub issues: Vec<NewcomerIssue>,
    pub projects: BTreeMap<i64, ProjectSignals>,
}

pub fn compute(rows: &FinderRows, settings: &Settings<'_>, now: i64) -> Finder {
    let mut timelines: BTreeMap<i64, Vec<&TimelineRow>> = BTreeMap::new();
    for t in &rows.timelines {
        timelines.entry(t.issue_id).or_default().push(t);
    }
    let mut maintainers: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for m in &rows.maintainers {
        maintainers.entry(m.repo_id).or_default().push(m.login.clone());
    }
    let mut threads: Vec<(NewcomerIssue, Thread)> = Vec::new();
    for c in &rows.candidates {
        let configured = configured_mentors(settings.mentors, &c.repo);
        let timeline = timelines.get(&c.id).map_or(&[][..], Vec::as_slice);
        let repo_maintainers = maintainers.get(&c.repo_id).map_or(&[][..], Vec::as_slice);
        if let Some(pair) = issue(c, timeline, repo_maintainers, configured, settings, now) {
            threads.push(pair);
        }
    }
    let responses = mentor_responses(&threads, &timelines, now);
    let issues = threads
        .into_iter()
        .map(|(mut issue, thread)| {
            issue.mentor = thread.mentor.map(|mentor| {
                let response = responses
                    .get(&mentor.login.to_lowercase())
                    .cloned()
                    .unwrap_or_else(|| mentor_response_time(&[], now));
                MentorSignal { mentor, response }
            });
            issue
        })
        .collect();
    Finder { now, issues, projects: signals::project_signals(rows, now) }
}

/// The configured mentors of `repo` (`owner/name`, any case).
pub fn configured_mentors<'a>(mentors: &'a BTreeMap<RepoName, Vec<String>>, repo: &str) -> &'a [String] {
    mentors.iter().find(|(name, _)| name.to_string().eq_ignore_ascii_case(repo)).map_or(&[], |(_, v)| v.as_slice())
}

fn issue(
    c: &CandidateRow,
    timeline: &[&TimelineRow],
    repo_maintainers: &[String],
    configured: &[String],
    settings: &Settings<'_>,
    now: i64,
) -> Option<(NewcomerIssue, Thread)> {
    let raw_labels = parse_list(&c.labels);
    let labels: Vec<String> = settings.labels.of_issue(&raw_labels).into_iter().map(str::to_owned).collect();
    if labels.is_empty() {
        return None;
    }
    let assignees = parse_list(&c.assignees);
    let thread = thread::read(timeline, &raw_labels, repo_maintainers, configured);
    let inputs = ClaimInputs {
        assignees: &assignees,
        mentors: &thread.mentors,
        linked_open_prs: &thread.linked_open_prs,
        claim_comments: &thread.claim_comments,
        maintainers: &thread.maintainers,
    };
    let claim = claim_status(&inputs, now, settings.claim_days);
    let abandoned_claims =
        if claim.is_claimed() { Vec::new() } else { stale_claims(&inputs, now, settings.claim_days) };
    let issue = NewcomerIssue {
        id: c.id,
        repo_id: c.repo_id,
        repo: c.repo.clone(),
        repo_html_url: c.repo_html_url.clone(),
        language: c.language.clone(),
        number: c.number,
        title: c.title.clone(),
        labels,
        author: c.author.clone(),
        created_at: c.created_at,
        updated_at: c.updated_at,
        mentor: None,
        claim,
        abandoned_claims,
    };
    Some((issue, thread))
}

/// Per mentor (lowercased login): Time to First Response over the threads they mentor.
fn mentor_responses(
    threads: &[(NewcomerIssue, Thread)],
    timelines: &BTreeMap<i64, Vec<&TimelineRow>>,
    now: i64,
) -> BTreeMap<String, ResponseSummary> {
    let mut items: BTreeMap<String, Vec<(i64, Option<i64>)>> = BTreeMap::new();
    for (issue, thread) in threads {
        let Some(mentor) = &thread.mentor else { continue };
        let timeline = timelines.get(&issue.id).map_or(&[][..], Vec::as_slice);
        let entry = items.entry(mentor.login.to_lowercase()).or_default();
        entry.extend(thread::mentor_reply(timeline, thread, &mentor.login));
    }
    items.into_iter().map(|(login, pairs)| (login, mentor_response_time(&pairs, now))).collect()
}

/// The issues `filters` keep, in their order.
pub fn select<'a>(finder: &'a Finder, filters: &Filters) -> Vec<&'a NewcomerIssue> {
    let mut kept: Vec<&NewcomerIssue> = finder.issues.iter().filter(|i| keeps(filters, i, finder.now)).collect();
    if filters.sort == Sort::Responsive {
        // Stable: within a project (and among projects without data) newest stays first.
        kept.sort_by_key(|i| signals::responsiveness(finder.projects.get(&i.repo_id)));
    }
    kept
}

fn keeps(f: &Filters, i: &NewcomerIssue, now: i64) -> bool {
    let same = |want: &Option<String>, have: Option<&str>| {
        want.as_deref().is_none_or(|w| have.is_some_and(|h| h.eq_ignore_ascii_case(w)))
    };
    same(&f.language, i.language.as_deref())
        && same(&f.repo, Some(&i.repo))
        && f.label.as_ref().is_none_or(|l| i.labels.contains(l))
        && f.freshness_days.is_none_or(|days| now - i.updated_at <= days * DAY)
        && (!f.mentored || i.mentor.is_some())
        && (f.show_claimed || !i.claim.is_claimed())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::newcomers::{CommunityProfileRow, FirstTimerPrRow, RepoMaintainerRow};
    use crate::db::repos::RepositoryRow;
    use crate::metrics::Quantile;
    use crate::metrics::newcomers::ClaimReason;

    const NOW: i64 = 1_000 * DAY;

    fn repo(id: i64, name: &str) -> RepositoryRow {
        RepositoryRow {
            id,
            owner: "acme".into(),
            name: name.into(),
            full_name: format!("acme/{name}"),
            description: None,
            html_url: format!("https://github.com/acme/{name}"),
            language: Some("Rust".into()),
            default_branch: None,
            is_private: false,
            is_fork: false,
            is_archived: false,
            stargazers: 0,
            forks: 0,
            open_issues: 0,
            created_at: 0,
            updated_at: 0,
            pushed_at: None,
        }
    }

    fn candidate(id: i64, repo_id: i64, labels: &str, assignees: &str, created_days_ago: i64) -> CandidateRow {
        CandidateRow {
            id,
            repo_id,
            repo: if repo_id == 1 { "acme/fast" } else { "acme/slow" }.into(),
            repo_html_url: "https://github.com/acme/x".into(),
            language: Some("Rust".into()),
            number: id,
            title: format!("issue {id}"),
            labels: labels.into(),
            assignees: assignees.into(),
            author: None,
            created_at: NOW - created_days_ago * DAY,
            updated_at: NOW - created_days_ago * DAY,
            comments: 0,
            first_response_at: None,
        }
    }

    fn comment(issue_id: i64, seq: i64, login: &str, body: &str, days_ago: i64) -> TimelineRow {
        TimelineRow {
            issue_id,
            seq,
            kind: "comment".into(),
            at: NOW - days_ago * DAY,
            login: Some(login.into()),
            association: Some("NONE".into()),
            body: Some(body.into()),
            pr_number: None,
            pr_state: None,
            will_close: false,
        }
    }

    fn ftpr(repo_id: i64, response_hours: Option<i64>) -> FirstTimerPrRow {
        let created = NOW - 10 * DAY;
        FirstTimerPrRow {
            repo_id,
            created_at: created,
            clock_start: created,
            first_response_at: response_hours.map(|h| created + h * 3600),
            merged_at: Some(created + DAY),
            closed_at: Some(created + DAY),
        }
    }

    fn rows() -> FinderRows {
        FinderRows {
            repos: vec![repo(1, "fast"), repo(2, "slow")],
            candidates: vec![
                candidate(10, 2, r#"["good-first-issue"]"#, "[]", 1),
                candidate(11, 1, r#"["Good First Issue","mentor: @alice"]"#, r#"["alice"]"#, 2),
                candidate(12, 1, r#"["easy"]"#, r#"["bob"]"#, 3),
                candidate(13, 2, r#"["bug"]"#, "[]", 4),
                candidate(14, 1, r#"["beginner"]"#, "[]", 5),
                candidate(15, 2, r#"["easy"]"#, "[]", 6),
            ],
            timelines: vec![
                comment(14, 0, "carol", "I'd like to work on this", 3),
                comment(15, 0, "dan", "Can I take this?", 45),
                comment(11, 0, "erin", "How do I run the tests?", 2),
                comment(11, 1, "alice", "cargo test, ping me if you get stuck", 1),
            ],
            maintainers: vec![RepoMaintainerRow { repo_id: 1, login: "alice".into() }],
            first_timer_prs: vec![ftpr(1, Some(2)), ftpr(2, Some(48)), ftpr(2, None)],
            maintainer_activity: vec![],
            profiles: vec![CommunityProfileRow { repo_id: 1, has_contributing: true, ..Default::default() }],
        }
    }

    fn filters() -> Filters {
        Filters {
            language: None,
            repo: None,
            label: None,
            freshness_days: None,
            mentored: false,
            show_claimed: false,
            sort: Sort::Newest,
            format: super::super::params::Format::Html,
            page: 1,
        }
    }

    fn finder() -> Finder {
        let labels = NewcomerLabels::default();
        let mentors = BTreeMap::new();
        compute(&rows(), &Settings { labels: &labels, claim_days: 14, mentors: &mentors }, NOW)
    }

    fn numbers(list: &[&NewcomerIssue]) -> Vec<i64> {
        list.iter().map(|i| i.number).collect()
    }

    #[test]
    fn claimed_issues_are_hidden_unless_asked_for_and_abandoned_claims_stay_listed() {
        let f = finder();
        assert_eq!(f.issues.len(), 5, "the bug-only issue is no newcomer issue");
        assert_eq!(numbers(&select(&f, &filters())), [10, 11, 15]);
        let all = select(&f, &Filters { show_claimed: true, ..filters() });
        assert_eq!(numbers(&all), [10, 11, 12, 14, 15]);
        assert_eq!(all[2].claim, ClaimStatus::Claimed(ClaimReason::Assigned { login: "bob".into() }));
        assert!(
            matches!(&all[3].claim, ClaimStatus::Claimed(ClaimReason::ClaimComment { login, .. }) if login == "carol")
        );
        assert_eq!(all[4].abandoned_claims.iter().map(|s| s.age_days).collect::<Vec<_>>(), [45]);
    }

    #[test]
    fn the_mentor_comes_from_the_label_and_their_reply_time_from_the_thread() {
        let f = finder();
        let mentored = select(&f, &Filters { mentored: true, ..filters() });
        assert_eq!(numbers(&mentored), [11]);
        let m = mentored[0].mentor.as_ref().unwrap();
        assert_eq!(m.mentor.login, "alice");
        assert_eq!(m.response.median, Some(Quantile::Exactly(DAY)));
    }

    #[test]
    fn responsive_sorting_puts_the_fastest_project_first() {
        let f = finder();
        let sorted = select(&f, &Filters { sort: Sort::Responsive, ..filters() });
        assert_eq!(numbers(&sorted), [11, 10, 15]);
        // acme/slow: answered after 2 d, one waiting 10 d: S(2 d) = 1/2, so the median is 2 d.
        assert_eq!(f.projects[&2].first_timer_pr_response.median, Some(Quantile::Exactly(2 * DAY)));
        assert_eq!(f.projects[&1].has_contributing, Some(true));
        assert_eq!(f.projects[&2].has_contributing, None);
    }

    #[test]
    fn label_and_freshness_filters_narrow_the_list() {
        let f = finder();
        assert_eq!(numbers(&select(&f, &Filters { label: Some("easy".into()), ..filters() })), [15]);
        assert_eq!(numbers(&select(&f, &Filters { freshness_days: Some(2), ..filters() })), [10, 11]);
        assert_eq!(numbers(&select(&f, &Filters { repo: Some("acme/slow".into()), ..filters() })), [10, 15]);
    }
}
