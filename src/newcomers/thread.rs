//! What one issue's stored timeline says: who the maintainers in the thread are, who offered to
//! help, who claimed it, which open pull requests say they close it, and so who its mentor is.
//!
//! Pure, shared by the finder and the project page. The rules themselves (what a claim or an
//! offer looks like, the mentor precedence) are `metrics::newcomers`'; this module only sorts
//! timeline rows into their inputs.

use crate::db::newcomers::TimelineRow;
use crate::metrics::newcomers::{Mentor, is_claim_comment, is_help_offer, mentor_for};

/// The facts of one thread.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thread {
    /// The repository's maintainers (`repo_people.is_maintainer`: configured, or inferred by the
    /// one rule in `db::rules`).
    pub maintainers: Vec<String>,
    /// `(maintainer, at)` of comments offering help.
    pub offers: Vec<(String, i64)>,
    /// `(login, at)` of comments claiming the issue (maintainers' included: the claim rules skip them).
    pub claim_comments: Vec<(String, i64)>,
    /// Open pull requests that say they close the issue (or were connected to it by hand).
    pub linked_open_prs: Vec<i64>,
    pub mentor: Option<Mentor>,
    /// Everyone who must not count as claiming the issue by being assigned: the mentor and the
    /// repository's configured mentors.
    pub mentors: Vec<String>,
}

/// Reads `timeline` (one issue's rows, in order) given the issue's labels, the repository's
/// maintainers and its configured mentors.
pub fn read(
    timeline: &[&TimelineRow],
    labels: &[String],
    repo_maintainers: &[String],
    configured: &[String],
) -> Thread {
    let maintainers: Vec<String> = repo_maintainers.to_vec();
    let comments = || timeline.iter().filter(|r| r.kind == "comment").filter_map(|r| Some((r.login.as_ref()?, r)));
    let offers: Vec<(String, i64)> = comments()
        .filter(|(login, r)| contains(&maintainers, login) && r.body.as_deref().is_some_and(is_help_offer))
        .map(|(login, r)| (login.clone(), r.at))
        .collect();
    let claim_comments = comments()
        .filter(|(_, r)| r.body.as_deref().is_some_and(is_claim_comment))
        .map(|(login, r)| (login.clone(), r.at))
        .collect();
    let mut linked_open_prs: Vec<i64> = Vec::new();
    for number in timeline.iter().filter(|r| closes_while_open(r)).filter_map(|r| r.pr_number) {
        if !linked_open_prs.contains(&number) {
            linked_open_prs.push(number);
        }
    }
    let mentor = mentor_for(labels, configured, &offers);
    let mut mentors: Vec<String> = configured.iter().map(|c| c.trim().trim_start_matches('@').to_owned()).collect();
    mentors.extend(mentor.iter().map(|m| m.login.clone()));
    Thread { maintainers, offers, claim_comments, linked_open_prs, mentor, mentors }
}

/// A pull request that is open and says it will close the issue: a `Closes #N` reference or a
/// manual link. A mere mention (`see #N`) is not a claim.
fn closes_while_open(row: &TimelineRow) -> bool {
    let linking = row.kind == "connected" || (row.kind == "cross_reference" && row.will_close);
    linking && row.pr_state.as_deref() == Some("OPEN")
}

/// Logins compare case-insensitively, as on GitHub.
pub fn contains(list: &[String], login: &str) -> bool {
    list.iter().any(|l| l.eq_ignore_ascii_case(login))
}

/// How fast `mentor` answered newcomers in `timeline`: the first comment by someone who is
/// neither a maintainer nor the mentor starts the clock, the mentor's first comment at or after
/// it stops it. `None` when no newcomer spoke.
pub fn mentor_reply(timeline: &[&TimelineRow], thread: &Thread, mentor: &str) -> Option<(i64, Option<i64>)> {
    let comments = || timeline.iter().filter(|r| r.kind == "comment");
    let asked = comments()
        .filter(|r| {
            r.login.as_deref().is_some_and(|l| !l.eq_ignore_ascii_case(mentor) && !contains(&thread.maintainers, l))
        })
        .map(|r| r.at)
        .min()?;
    let replied = comments()
        .filter(|r| r.at >= asked && r.login.as_deref().is_some_and(|l| l.eq_ignore_ascii_case(mentor)))
        .map(|r| r.at)
        .min();
    Some((asked, replied))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::newcomers::MentorSource;

    fn row(seq: i64, kind: &str, login: &str, association: &str, body: &str) -> TimelineRow {
        TimelineRow {
            issue_id: 1,
            seq,
            kind: kind.to_owned(),
            at: seq * 100,
            login: Some(login.to_owned()),
            association: (!association.is_empty()).then(|| association.to_owned()),
            body: (!body.is_empty()).then(|| body.to_owned()),
            pr_number: None,
            pr_state: None,
            will_close: false,
        }
    }

    fn pr(seq: i64, kind: &str, number: i64, state: &str, will_close: bool) -> TimelineRow {
        TimelineRow {
            pr_number: Some(number),
            pr_state: Some(state.to_owned()),
            will_close,
            ..row(seq, kind, "x", "", "")
        }
    }

    #[test]
    fn a_thread_yields_offers_claims_and_closing_open_pull_requests() {
        let rows = [
            row(1, "comment", "newbie", "NONE", "Hi! I'd like to work on this"),
            row(2, "comment", "maint", "MEMBER", "Sure, ping me if you get stuck"),
            // A MEMBER association alone does not make a maintainer: the repository's list does
            // (configured, or inferred from contributions by the rule in `db::rules`).
            row(3, "comment", "lurker", "MEMBER", "I'm happy to help"),
            pr(4, "cross_reference", 7, "OPEN", true),
            pr(5, "cross_reference", 8, "OPEN", false),
            pr(6, "cross_reference", 9, "MERGED", true),
            pr(7, "connected", 10, "OPEN", true),
        ];
        let refs: Vec<&TimelineRow> = rows.iter().collect();
        let t = read(&refs, &[], &["owner".into(), "maint".into()], &[]);
        assert_eq!(t.maintainers, ["owner", "maint"]);
        assert_eq!(t.offers, [("maint".to_owned(), 200)]);
        assert_eq!(t.claim_comments, [("newbie".to_owned(), 100)]);
        assert_eq!(t.linked_open_prs, [7, 10]);
        assert_eq!(t.mentor.as_ref().map(|m| (m.login.as_str(), m.source)), Some(("maint", MentorSource::Offered)));
        assert_eq!(mentor_reply(&refs, &t, "maint"), Some((100, Some(200))));
        assert_eq!(mentor_reply(&refs[1..2], &t, "maint"), None);
    }
}
