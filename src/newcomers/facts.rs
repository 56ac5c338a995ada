//! One open issue's facts: its canonical newcomer labels, its mentor, who may be assigned
//! without claiming it, the first assignee and linked open pull request that claim it, its
//! countable claim comments, and the mentor's reply to the first newcomer who spoke.
//!
//! Pure. The rules are [`crate::metrics::newcomers`]' and [`super::thread`]'s; this module only
//! applies them once, for storing.

use super::thread::{self, contains};
use crate::db::newcomer_facts::{ClaimRow, FactsRow, OpenLabelledRow};
use crate::db::newcomers::TimelineRow;
use crate::metrics::newcomers::{ClaimInputs, ClaimReason, ClaimStatus, MentorSource, NewcomerLabels, claim_status};

/// What every issue of one repository is read with.
pub struct Context<'a> {
    pub repo_id: i64,
    pub labels: &'a NewcomerLabels,
    /// The repository's maintainers (`repo_people.is_maintainer`).
    pub maintainers: &'a [String],
    /// The repository's configured mentors.
    pub configured: &'a [String],
}

/// The facts of `issue` (whose labels, parsed, are `raw_labels`) given its `timeline`; `None`
/// when it carries no newcomer label.
pub fn issue_facts(
    issue: &OpenLabelledRow,
    raw_labels: &[String],
    timeline: &[&TimelineRow],
    cx: &Context<'_>,
) -> Option<(FactsRow, Vec<ClaimRow>)> {
    let labels = cx.labels.of_issue(raw_labels);
    if labels.is_empty() {
        return None;
    }
    let thread = thread::read(timeline, raw_labels, cx.maintainers, cx.configured);
    let assignees = parse_list(&issue.assignees);
    let reply = thread.mentor.as_ref().and_then(|m| thread::mentor_reply(timeline, &thread, &m.login));
    // The claim comments that count: by people who are not maintainers (`claims::countable`
    // also skips those dated after `now`, which the reader applies), in thread order.
    let claims = thread
        .claim_comments
        .iter()
        .zip(0..)
        .filter(|((login, _), _)| !contains(cx.maintainers, login))
        .map(|((login, at), seq)| ClaimRow { issue_id: issue.id, seq, login: login.clone(), at: *at })
        .collect();
    // Claim rules 1 and 2 do not depend on the clock: applied here, by the one definition.
    let inputs = ClaimInputs {
        assignees: &assignees,
        mentors: &thread.mentors,
        linked_open_prs: &thread.linked_open_prs,
        claim_comments: &[],
        maintainers: cx.maintainers,
    };
    let (assigned_claimer, linked_pr) = match claim_status(&inputs, 0, 0) {
        ClaimStatus::Claimed(ClaimReason::Assigned { login }) => (Some(login), None),
        ClaimStatus::Claimed(ClaimReason::LinkedPullRequest { number }) => (None, Some(number)),
        _ => (None, None),
    };
    let row = FactsRow {
        issue_id: issue.id,
        repo_id: cx.repo_id,
        created_at: issue.created_at,
        updated_at: issue.updated_at,
        labels: json(&labels),
        mentor_login: thread.mentor.as_ref().map(|m| m.login.clone()),
        mentor_source: thread.mentor.as_ref().map(|m| source_name(m.source).to_owned()),
        mentors: json(&thread.mentors),
        assigned_claimer,
        linked_pr,
        mentor_asked_at: reply.map(|(asked, _)| asked),
        mentor_replied_at: reply.and_then(|(_, replied)| replied),
    };
    Some((row, claims))
}

/// The facts of every newcomer issue among `issues` (in id order) and their claim comments, given
/// their `timelines` (in issue id, then thread order).
pub fn repo_facts(
    issues: &[OpenLabelledRow],
    timelines: &[TimelineRow],
    cx: &Context<'_>,
) -> (Vec<FactsRow>, Vec<ClaimRow>) {
    let mut rows = Vec::new();
    let mut claims = Vec::new();
    let mut rest = timelines;
    for issue in issues {
        // Each issue's timeline is the next run of rows.
        let skip = rest.iter().take_while(|t| t.issue_id < issue.id).count();
        rest = &rest[skip..];
        let len = rest.iter().take_while(|t| t.issue_id == issue.id).count();
        let timeline: Vec<&TimelineRow> = rest[..len].iter().collect();
        rest = &rest[len..];
        if let Some((row, mut issue_claims)) = issue_facts(issue, &parse_list(&issue.labels), &timeline, cx) {
            rows.push(row);
            claims.append(&mut issue_claims);
        }
    }
    (rows, claims)
}

/// How a mentor's source is stored.
pub fn source_name(source: MentorSource) -> &'static str {
    match source {
        MentorSource::Label => "label",
        MentorSource::Configured => "configured",
        MentorSource::Offered => "offered",
    }
}

/// A stored mentor source; `None` for anything else.
pub fn parse_source(name: &str) -> Option<MentorSource> {
    match name {
        "label" => Some(MentorSource::Label),
        "configured" => Some(MentorSource::Configured),
        "offered" => Some(MentorSource::Offered),
        _ => None,
    }
}

/// A JSON array of strings (labels, assignees); anything else reads as empty.
pub fn parse_list(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

fn json<T: serde::Serialize>(list: &[T]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::DAY;

    fn comment(seq: i64, login: &str, body: &str, at: i64) -> TimelineRow {
        TimelineRow {
            issue_id: 7,
            seq,
            kind: "comment".into(),
            at,
            login: Some(login.into()),
            association: Some("NONE".into()),
            body: Some(body.into()),
            pr_number: None,
            pr_state: None,
            will_close: false,
        }
    }

    fn issue(labels: &str, assignees: &str) -> OpenLabelledRow {
        OpenLabelledRow { id: 7, labels: labels.into(), assignees: assignees.into(), created_at: 10, updated_at: 20 }
    }

    fn facts_of(
        issue: &OpenLabelledRow,
        timeline: &[TimelineRow],
        configured: &[String],
    ) -> Option<(FactsRow, Vec<ClaimRow>)> {
        let labels = NewcomerLabels::default();
        let maintainers = ["maint".to_owned()];
        let cx = Context { repo_id: 3, labels: &labels, maintainers: &maintainers, configured };
        let refs: Vec<&TimelineRow> = timeline.iter().collect();
        issue_facts(issue, &parse_list(&issue.labels), &refs, &cx)
    }

    #[test]
    fn an_issue_without_a_newcomer_label_has_no_facts() {
        assert_eq!(facts_of(&issue(r#"["bug"]"#, "[]"), &[], &[]), None);
    }

    #[test]
    fn claims_skip_maintainers_the_mentor_offers_and_the_reply_is_timed() {
        let timeline = [
            comment(0, "erin", "I'd like to work on this", DAY),
            comment(1, "Maint", "I'd like to work on this too", DAY + 1),
            comment(2, "maint", "Happy to help, ping me if you get stuck", DAY + 7_200),
            comment(3, "erin", "Can I take this?", 3 * DAY),
        ];
        let (row, claims) =
            facts_of(&issue(r#"["Good First Issue","bug"]"#, r#"["maint","bob"]"#), &timeline, &[]).expect("facts");
        assert_eq!(row.labels, r#"["good first issue"]"#);
        assert_eq!((row.mentor_login.as_deref(), row.mentor_source.as_deref()), (Some("maint"), Some("offered")));
        assert_eq!(row.mentors, r#"["maint"]"#);
        assert_eq!(row.assigned_claimer.as_deref(), Some("bob"), "assigning the mentor is no claim");
        // The mentor's first comment after erin asked, in any case: "Maint" is maint.
        assert_eq!((row.mentor_asked_at, row.mentor_replied_at), (Some(DAY), Some(DAY + 1)));
        assert_eq!((row.issue_id, row.repo_id, row.created_at, row.updated_at, row.linked_pr), (7, 3, 10, 20, None));
        let claims: Vec<_> = claims.iter().map(|c| (c.seq, c.login.as_str(), c.at)).collect();
        assert_eq!(claims, [(0, "erin", DAY), (2, "erin", 3 * DAY)], "the maintainer's claim does not count");
    }

    #[test]
    fn a_configured_mentor_is_no_claimer_and_an_open_closing_pull_request_is_linked() {
        let mut closing = comment(0, "x", "", DAY);
        closing.kind = "cross_reference".into();
        closing.body = None;
        closing.pr_number = Some(12);
        closing.pr_state = Some("OPEN".into());
        closing.will_close = true;
        let question = comment(1, "newbie", "How do I start?", 2 * DAY);
        let (row, claims) =
            facts_of(&issue(r#"["easy"]"#, r#"["Alice"]"#), &[closing, question], &["@alice".to_owned()])
                .expect("facts");
        assert_eq!((row.mentor_login.as_deref(), row.mentor_source.as_deref()), (Some("alice"), Some("configured")));
        assert_eq!(row.assigned_claimer, None);
        assert_eq!(row.linked_pr, Some(12));
        assert_eq!((row.mentor_asked_at, row.mentor_replied_at), (Some(2 * DAY), None), "alice has not answered");
        assert!(claims.is_empty());
    }

    #[test]
    fn mentor_sources_round_trip_through_their_stored_names() {
        for s in [MentorSource::Label, MentorSource::Configured, MentorSource::Offered] {
            assert_eq!(parse_source(source_name(s)), Some(s));
        }
        assert_eq!(parse_source("nobody"), None);
    }
}
