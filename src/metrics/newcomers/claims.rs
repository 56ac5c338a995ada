//! Claimed-issue hygiene: is somebody already working on this newcomer issue?
//!
//! Finders that only check "unassigned" send two newcomers to the same issue (the "double pickup"
//! reported in several trackers, research anchors §2.3). [`claim_status`] applies three rules, in
//! order, and says which one fired:
//! 1. assigned to anyone who is not the mentor (assigning the mentor is how some projects
//!    mark who will help, not who will do the work);
//! 2. a linked pull request is open;
//! 3. someone who is not a maintainer left a claim comment ("I'd like to work on this") within the
//!    last `claim_days` days (exactly `claim_days` ago still counts).
//!
//! An older claim comment is an **abandoned claim**: the issue is offered again, and
//! [`stale_claims`] lists them so the page can say "claimed 45 days ago, no activity since".
//!
//! [`is_claim_comment`] recognises claims by phrase patterns over normalised text
//! ([`super::phrases`]); the caller runs it over comments and passes the hits with their authors.
//! Logins compare case-insensitively, as on GitHub.

use serde::Serialize;

use std::sync::LazyLock;

use super::phrases::{self, Clause, Pattern, WordSet};
use crate::metrics::{DAY, Definition, Explain, fmt_ts};

pub const CLAIM_STATUS: Definition = Definition {
    name: "Claimed issue",
    formula: "claimed if assigned to someone other than its mentor; else if a linked pull request is open; else if \
              someone other than a maintainer commented a claim (\"I'd like to work on this\", /assign, …) within the \
              claim period. An older claim comment is abandoned: the issue counts as unclaimed.",
    source: "Upkeep (metrics::newcomers::claims)",
};

/// "I would like to …", "Can I …": the speaker offering to do the work. Followed by [`ACTIONS`].
const INTENTS: &[&str] = &[
    "i would|d really|also|very|definitely? like|love to",
    "i really|also|still? want|wish|hope|plan|intend to",
    "i am really|also|very|still? keen|eager|willing|happy|glad|ready|going|planning|hoping|trying|interested to",
    "i would be really|very? happy|glad|keen|willing|interested to",
    "i will|can|could|shall|might|may also|happily|gladly?",
    "can|could|may|might|shall i please|also|maybe?",
    "let me",
    "ok|okay|alright|fine|mind if i",
    "possible for me to",
];

/// Words allowed between an intent and its action: "I'll *try to* fix this".
const FILLER: &str = "try_to|try_and|please|also|gladly|happily|definitely|first|go_ahead_and|now?";

/// What a claimer offers to do, in the base form.
const ACTIONS: &[&str] = &[
    "work on",
    "take this|it|that|one|on|over|up|a_stab|a_crack|a_shot|ownership",
    "pick this|it|that|one up",
    "pick up",
    "tackle|claim|grab",
    "fix|solve|resolve|address|handle|implement|attempt this|it|that|the|one",
    "contribute to|on this|it|that",
    "give this|it|that a try|shot|go",
    "have a go|crack|stab",
    "submit|open|send|raise|create|make a|the pr|pull|patch|fix",
    "be|get assigned",
];

/// "I am interested in …". Followed by [`GERUNDS`].
const GERUND_INTENTS: &[&str] = &["i am|would_be really|also|very? interested in"];

const GERUNDS: &[&str] = &[
    "working on",
    "taking this|it|that|on|over|up",
    "picking this|it|that up",
    "picking up",
    "tackling|fixing|solving|resolving|implementing|handling|addressing this|it|that|the",
    "contributing to|on",
    "giving this|it|that a try|shot|go",
];

/// Whole claims that need no intent.
const STANDALONE: &[&str] = &[
    // Bot commands: Prow's /assign, pandas' "take", rustbot's "claim", /take and /claim elsewhere.
    "^ /assign|/take|/claim|/assign-me|/attempt",
    "^ take|claim $",
    "^ claiming this|it|one? $",
    "assign me",
    "assign this|it|that? issue|one|task|ticket? to me",
    "leave this|it|that to me",
    // "Working on it" as a status update, not "Thanks for working on this" or "Who is working on this?".
    "^ still|already|currently|now? working on this|it|that \
     !project|repo|repository|codebase|library|crate|package|app|would|will|is|should|could|might|may|requires|needs",
    "i am still|already|currently|actively|now? working on this|it|that|a_fix|the_fix|a_pr|the_pr \
     !project|repo|repository|codebase|library|crate|package|app|at|for|in",
    "i am taking|picking this|it|that",
    "^ i_am? on it|this $",
    "^ i_have? got this|it one? $",
    "i will|can|could do it|this|that $",
    "^ can|could|may i do it|this|that $",
];

/// Whether a comment says its author wants to work on the issue. Case and punctuation do not
/// matter; quoted lines and code are ignored; past-tense reports ("I assigned it to myself by
/// mistake") and questions about others ("Is anyone working on this?") are not claims.
pub fn is_claim_comment(body: &str) -> bool {
    phrases::clauses(body).iter().any(is_claim_clause)
}

/// Every claim pattern: each intent with each action, each gerund intent with each gerund, and
/// the standalone claims.
static CLAIMS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    fn paired(
        intents: &'static [&'static str],
        actions: &'static [&'static str],
        filler: &'static str,
    ) -> impl Iterator<Item = Pattern> {
        intents.iter().flat_map(move |i| actions.iter().map(move |a| Pattern::new(&[i, filler, a])))
    }
    paired(INTENTS, ACTIONS, FILLER)
        .chain(paired(GERUND_INTENTS, GERUNDS, ""))
        .chain(STANDALONE.iter().map(|p| Pattern::new(&[p])))
        .collect()
});

fn is_claim_clause(clause: &Clause) -> bool {
    let words = WordSet::of(&clause.words);
    CLAIMS.iter().any(|p| p.matches(&clause.words, &words))
}

/// Everything known about one issue that decides whether it is claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimInputs<'a> {
    pub assignees: &'a [String],
    /// The mentors (label, configuration or offer); assigning one of them is not a claim.
    pub mentors: &'a [String],
    /// Numbers of open pull requests linked to the issue.
    pub linked_open_prs: &'a [i64],
    /// `(login, at)` of comments that [`is_claim_comment`] recognised.
    pub claim_comments: &'a [(String, i64)],
    pub maintainers: &'a [String],
}

/// Why an issue counts as claimed: the first rule that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ClaimReason {
    Assigned { login: String },
    LinkedPullRequest { number: i64 },
    ClaimComment { login: String, at: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ClaimStatus {
    Unclaimed,
    Claimed(ClaimReason),
}

impl ClaimStatus {
    pub fn is_claimed(&self) -> bool {
        matches!(self, Self::Claimed(_))
    }

    pub fn explain(&self) -> Explain {
        let status = match self {
            Self::Unclaimed => "unclaimed".to_owned(),
            Self::Claimed(ClaimReason::Assigned { login }) => format!("claimed: assigned to @{login}"),
            Self::Claimed(ClaimReason::LinkedPullRequest { number }) => {
                format!("claimed: pull request #{number} is open")
            }
            Self::Claimed(ClaimReason::ClaimComment { login, at }) => {
                format!("claimed: @{login} asked to work on it on {}", fmt_ts(*at))
            }
        };
        CLAIM_STATUS.explain(vec![("status", status)])
    }
}

/// A claim comment older than the claim period: the issue is open to others again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleClaim {
    pub login: String,
    pub at: i64,
    /// Whole days between the claim and `now`.
    pub age_days: i64,
}

fn contains_login(list: &[String], login: &str) -> bool {
    list.iter().any(|l| l.eq_ignore_ascii_case(login))
}

/// Whether a claim comment at `at` is recent as of `now`: not in the future, at most `claim_days` old.
fn is_recent(at: i64, now: i64, claim_days: i64) -> bool {
    at <= now && now - at <= claim_days * DAY
}

/// The claim comments that count: by non-maintainers and not after `now`.
fn countable<'a>(inputs: &ClaimInputs<'a>, now: i64) -> impl Iterator<Item = &'a (String, i64)> {
    let maintainers = inputs.maintainers;
    inputs.claim_comments.iter().filter(move |(login, at)| *at <= now && !contains_login(maintainers, login))
}

/// Whether the issue is claimed as of `now`, by the first rule that fires (module doc). Among
/// recent claim comments the earliest wins: first come, first served.
pub fn claim_status(inputs: &ClaimInputs<'_>, now: i64, claim_days: i64) -> ClaimStatus {
    if let Some(login) = inputs.assignees.iter().find(|a| !contains_login(inputs.mentors, a)) {
        return ClaimStatus::Claimed(ClaimReason::Assigned { login: login.clone() });
    }
    if let Some(&number) = inputs.linked_open_prs.first() {
        return ClaimStatus::Claimed(ClaimReason::LinkedPullRequest { number });
    }
    countable(inputs, now)
        .filter(|(_, at)| is_recent(*at, now, claim_days))
        .min_by_key(|(_, at)| *at)
        .map_or(ClaimStatus::Unclaimed, |(login, at)| {
            ClaimStatus::Claimed(ClaimReason::ClaimComment { login: login.clone(), at: *at })
        })
}

/// Abandoned claims: per person, their latest claim comment when it is older than `claim_days`
/// days and they have no recent claim and are not assigned. Oldest first.
pub fn stale_claims(inputs: &ClaimInputs<'_>, now: i64, claim_days: i64) -> Vec<StaleClaim> {
    let mut latest: Vec<(&str, i64)> = Vec::new();
    for (login, at) in countable(inputs, now) {
        match latest.iter_mut().find(|(l, _)| l.eq_ignore_ascii_case(login)) {
            Some(entry) => entry.1 = entry.1.max(*at),
            None => latest.push((login, *at)),
        }
    }
    let mut stale: Vec<StaleClaim> = latest
        .into_iter()
        .filter(|(login, at)| !is_recent(*at, now, claim_days) && !contains_login(inputs.assignees, login))
        .map(|(login, at)| StaleClaim { login: login.to_owned(), at, age_days: (now - at).div_euclid(DAY) })
        .collect();
    stale.sort_by_key(|s| s.at);
    stale
}

#[cfg(test)]
mod tests;
