//! One page of the finder, read from the stored facts (`db::newcomer_facts`): the filters, the
//! order, the counts and the page are SQL; this module turns the page's rows into newcomer
//! issues with their claim status (as of `now`), abandoned claims and mentor signals.
//!
//! What an issue's facts are is [`crate::newcomers`]'; the claim rules are
//! [`crate::metrics::newcomers::claims`]'. The same claim rule decides the SQL filter (see
//! `db::newcomer_facts`) and the status shown, from the same stored inputs.

use std::collections::BTreeMap;

use serde::Serialize;

use super::params::{Filters, PER_PAGE, Sort};
use super::signals::{self, ProjectSignals};
use crate::db::Pool;
use crate::db::newcomer_facts::{self, ClaimRow, FinderItemRow, FinderQuery};
use crate::metrics::DAY;
use crate::metrics::newcomers::{
    ClaimInputs, ClaimStatus, Mentor, StaleClaim, claim_status, mentor_response_time, stale_claims,
};
use crate::metrics::response::ResponseSummary;
use crate::newcomers::facts::{parse_list, parse_source};

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

/// One page of the issues the filters keep.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub now: i64,
    /// This page's issues, in the finder's order.
    pub issues: Vec<NewcomerIssue>,
    /// Issues the filters keep, on every page.
    pub total: usize,
    /// Claimed issues the filters would show with `claimed=show` (none when they are shown).
    pub hidden_claimed: usize,
}

/// Page `filters.page` of the finder as of `now`, with a claim period of `claim_days`; `projects`
/// (every tracked repository's signals) order `sort=responsive`.
pub async fn list(
    pool: &Pool,
    filters: &Filters,
    projects: &BTreeMap<i64, ProjectSignals>,
    claim_days: i64,
    now: i64,
) -> sqlx::Result<Listing> {
    let query = FinderQuery {
        now,
        claim_secs: claim_days.saturating_mul(DAY),
        language: filters.language.as_deref(),
        repo: filters.repo.as_deref(),
        label: filters.label.as_deref(),
        updated_since: filters.freshness_days.map(|days| now - days * DAY),
        mentored: filters.mentored,
        show_claimed: filters.show_claimed,
        ranks: (filters.sort == Sort::Responsive).then(|| ranks(projects)),
        limit: PER_PAGE as i64,
        offset: i64::try_from((filters.page - 1).saturating_mul(PER_PAGE)).unwrap_or(i64::MAX),
    };
    // One read transaction: the count, the page and its claims and replies are one snapshot,
    // even when a sync commits meanwhile.
    let mut tx = pool.begin().await?;
    let (all, claimed) = newcomer_facts::count_finder(&mut *tx, &query).await?;
    let rows = newcomer_facts::list_finder_page(&mut *tx, &query).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.facts.issue_id).collect();
    let claims = newcomer_facts::list_claims(&mut *tx, &ids).await?;
    let mut logins: Vec<String> =
        rows.iter().filter_map(|r| r.facts.mentor_login.as_deref()).map(str::to_ascii_lowercase).collect();
    logins.sort();
    logins.dedup();
    let logins: Vec<&str> = logins.iter().map(String::as_str).collect();
    let replies = newcomer_facts::list_mentor_replies(&mut *tx, &logins).await?;
    tx.commit().await?;
    let mut pairs: BTreeMap<String, Vec<(i64, Option<i64>)>> = BTreeMap::new();
    for r in replies {
        pairs.entry(r.mentor_login.to_ascii_lowercase()).or_default().push((r.asked_at, r.replied_at));
    }
    let issues = rows.into_iter().map(|row| issue(row, &claims, &pairs, claim_days, now)).collect();
    let count = |n: i64| usize::try_from(n).unwrap_or(0);
    let (total, hidden_claimed) =
        if filters.show_claimed { (count(all), 0) } else { (count(all - claimed), count(claimed)) };
    Ok(Listing { now, issues, total, hidden_claimed })
}

/// The responsive order as `{"repo_id": rank}`: equal signals share a rank, so newest stays
/// first among them.
fn ranks(projects: &BTreeMap<i64, ProjectSignals>) -> String {
    let mut keys: Vec<_> = projects.values().map(|p| (signals::responsiveness(Some(p)), p.repo_id)).collect();
    keys.sort();
    let mut ranks = serde_json::Map::new();
    let mut rank = 0;
    for (k, (key, repo_id)) in keys.iter().enumerate() {
        if k > 0 && keys[k - 1].0 != *key {
            rank += 1;
        }
        ranks.insert(repo_id.to_string(), rank.into());
    }
    serde_json::Value::Object(ranks).to_string()
}

fn issue(
    row: FinderItemRow,
    claims: &[ClaimRow],
    pairs: &BTreeMap<String, Vec<(i64, Option<i64>)>>,
    claim_days: i64,
    now: i64,
) -> NewcomerIssue {
    let f = row.facts;
    let assignees = parse_list(&row.assignees);
    let mentors = parse_list(&f.mentors);
    let claim_comments: Vec<(String, i64)> =
        claims.iter().filter(|c| c.issue_id == f.issue_id).map(|c| (c.login.clone(), c.at)).collect();
    let inputs = ClaimInputs {
        assignees: &assignees,
        mentors: &mentors,
        linked_open_prs: f.linked_pr.as_slice(),
        claim_comments: &claim_comments,
        // Stored claim comments are already those of people who are not maintainers.
        maintainers: &[],
    };
    let claim = claim_status(&inputs, now, claim_days);
    let abandoned_claims = if claim.is_claimed() { Vec::new() } else { stale_claims(&inputs, now, claim_days) };
    let mentor = f.mentor_login.zip(f.mentor_source.as_deref().and_then(parse_source)).map(|(login, source)| {
        let response = mentor_response_time(pairs.get(&login.to_ascii_lowercase()).map_or(&[], Vec::as_slice), now);
        MentorSignal { mentor: Mentor { login, source }, response }
    });
    NewcomerIssue {
        id: f.issue_id,
        repo_id: f.repo_id,
        repo: row.repo,
        repo_html_url: row.repo_html_url,
        language: row.language,
        number: row.number,
        title: row.title,
        labels: parse_list(&f.labels),
        author: row.author,
        created_at: f.created_at,
        updated_at: f.updated_at,
        mentor,
        claim,
        abandoned_claims,
    }
}
