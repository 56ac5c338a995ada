//! Who closed each issue a grant references (issue #15): GitHub's issue listing does not say,
//! the single-issue `GET /repos/{o}/{r}/issues/{n}` does (`closed_by`, null for some old issues).
//!
//! Asked only for the closed issues (not pull requests: their merger comes with `/pulls`) that a
//! configured grant's milestones reference in this repository (`items`, `github_milestone`,
//! `labels`), and only when needed ([`db::grants::list_closers_to_ask`]): an issue whose closer
//! was read at its current `updated_at` is not asked at all; one that changed since is asked with
//! the stored ETag; one whose closer GitHub said was null is asked again with its ETag (a `304`
//! costs no quota; one that answered 404 has none and waits until it changes). So an unchanged
//! re-sync sends `304`s only, and none for known closers.
//! Bounded: at most [`MAX_CLOSERS_PER_RUN`] requests per repository and run; past it the step
//! ends `pending` with a warning, and the rest (not yet asked, so first in line) come next run.
//! A reopened issue's stored closer is forgotten here, and never shown by the readers.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::collector::{Collector, StepStatus, SyncError};
use super::context::{RepoHandle, Target};
use crate::db::grants::{self as store, CloserAnswer, MAX_GRANT_ITEMS};
use crate::funding::grants::RepoRefs;
use crate::github::{Fetched, GhError, wire};

/// The step's resource name.
pub const RESOURCE: &str = "closers";

/// The most single-issue requests per repository and run: as many as a grant page reads.
pub const MAX_CLOSERS_PER_RUN: i64 = MAX_GRANT_ITEMS;

/// The closers step, when a configured grant references this repository (else nothing runs and
/// nothing is recorded); auxiliary: a failure costs this step only.
pub async fn sync_closers(c: &Collector, run_id: i64, target: &Target, repo: &RepoHandle) -> Result<u64, SyncError> {
    let refs = grant_refs(c, target, repo);
    if refs.is_empty() {
        return Ok(0);
    }
    let scope = target.name.as_str();
    let asked = c.step(run_id, scope, RESOURCE, closers(c, repo, &refs, MAX_CLOSERS_PER_RUN)).await;
    super::collector::tolerate(scope, asked)
}

/// What the configured grants reference in this repository (under its configured or current name).
fn grant_refs(c: &Collector, target: &Target, repo: &RepoHandle) -> RepoRefs {
    let refs = || c.config.funding.grants.iter().flat_map(|g| &g.plan.milestones).flat_map(|m| &m.work);
    let mut found = RepoRefs::of(refs(), &target.name);
    if found.is_empty() && !repo.api_name.eq_ignore_ascii_case(&target.name) {
        found = RepoRefs::of(refs(), &repo.api_name);
    }
    found
}

/// The part of GitHub's single-issue answer this step reads. `closed_by` is read leniently: a
/// closer GitHub sends in a shape we cannot read counts as unknown, not as a failed step.
#[derive(Debug, Deserialize)]
struct Closing {
    state: String,
    #[serde(default)]
    closed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    closed_by: Option<serde_json::Value>,
}

/// Asks for the closers that need asking (at most `limit`); `pending` when there were more.
async fn closers(
    c: &Collector,
    repo: &RepoHandle,
    refs: &RepoRefs,
    limit: i64,
) -> Result<(StepStatus, u64), SyncError> {
    let pool = &c.db.pool;
    store::clear_reopened_closers(pool, repo.repo_id).await?;
    let (numbers, titles, labels) = refs.json();
    let wanted = store::list_closers_to_ask(pool, repo.repo_id, &numbers, &titles, &labels, limit + 1).await?;
    let (mut fresh, mut asked) = (0u64, 0u64);
    for w in wanted.iter().take(limit.max(0) as usize) {
        let path = format!("/repos/{}/issues/{}", repo.api_name, w.number);
        asked += 1;
        let answer = match c.client.get::<Closing>(&path, w.etag.as_deref()).await {
            Ok(Fetched::NotModified) => {
                store::mark_closer_checked(pool, repo.repo_id, w.number, w.updated_at).await?;
                continue;
            }
            Ok(Fetched::Pending) => continue,
            Ok(Fetched::Fresh { value, etag, .. }) => (value, etag),
            // Deleted or transferred since the listing: its closer is unknown here.
            Err(GhError::NotFound { .. }) => {
                let unknown = CloserAnswer { closed_by_id: None, closed_at: None, etag: None };
                store::save_closer(pool, repo.repo_id, w.number, &unknown, w.updated_at).await?;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        save(c, repo, w.number, w.updated_at, answer).await?;
        fresh += 1;
    }
    if wanted.len() as i64 > limit {
        tracing::warn!(
            repo = %repo.api_name,
            asked,
            "more than {limit} referenced closed issues need their closer asked (the bound per run); the rest \
             are asked on the next run"
        );
        return Ok((StepStatus::Pending, fresh));
    }
    Ok((if fresh > 0 { StepStatus::Ok } else { StepStatus::NotModified }, fresh))
}

/// Stores one fresh answer: the closer's account, then who closed which closure. An issue open
/// again (reopened after the listing was read) has no closer.
async fn save(
    c: &Collector,
    repo: &RepoHandle,
    number: i64,
    checked: i64,
    (value, etag): (Closing, Option<String>),
) -> Result<(), SyncError> {
    let closed = value.state == "closed";
    let user = value.closed_by.filter(|_| closed).and_then(|v| serde_json::from_value::<wire::User>(v).ok());
    let answer = CloserAnswer {
        closed_by_id: user.as_ref().map(|u| u.id),
        closed_at: value.closed_at.filter(|_| closed).map(|t| t.timestamp()),
        etag,
    };
    let mut tx = c.db.begin_write().await?;
    c.write_accounts(&mut tx, c.fresh_accounts(user.as_ref())).await?;
    store::save_closer(&mut *tx, repo.repo_id, number, &answer, checked).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests;
