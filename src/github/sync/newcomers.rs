//! Newcomer data: the community profile (behind its ETag) and the timelines of open
//! newcomer-labelled issues that changed, through GraphQL batches. Only those issues are asked
//! for, so the quota stays low however large the repository.

use super::context::RepoHandle;

use super::collector::{Collector, OVERLAP_SECS, StepStatus, SyncError, now};
use crate::db::{self, newcomers::CommunityProfileRow, sync_state};
use crate::github::{Fetched, GhError, convert, graphql, wire};

/// How many issues one `UpkeepNewcomerIssues` request covers.
const BATCH: usize = 50;

pub async fn community_profile(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let state = sync_state::get_sync_state(&c.db.pool, scope, "community").await?;
    let path = format!("/repos/{}/community/profile", repo.api_name);
    let fetched = match c.client.get::<wire::CommunityProfile>(&path, state.etag.as_deref()).await {
        // GitHub Enterprise Server versions without community profiles answer 404: not an error.
        Err(GhError::NotFound { .. }) => return Ok((StepStatus::Skipped, 0)),
        other => other?,
    };
    match fetched {
        Fetched::NotModified => Ok((StepStatus::NotModified, 0)),
        Fetched::Pending => Ok((StepStatus::Pending, 0)),
        Fetched::Fresh { value, etag, .. } => {
            let row = CommunityProfileRow { repo_id: repo.repo_id, ..convert::community_profile(&value) };
            let mut tx = c.db.begin_write().await?;
            db::newcomers::upsert_community_profile(&mut *tx, &row).await?;
            sync_state::save_sync_state(&mut *tx, scope, "community", None, etag.as_deref(), now()).await?;
            tx.commit().await?;
            Ok((StepStatus::Ok, 1))
        }
    }
}

/// Fetches the timelines of open newcomer-labelled issues updated since the last pass.
pub async fn issue_timelines(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let state = sync_state::get_sync_state(&c.db.pool, scope, "newcomers").await?;
    let since = state.watermark.map_or(i64::MIN, |w| w - OVERLAP_SECS);
    let labels = crate::metrics::newcomers::labels::NewcomerLabels::new(&c.config.newcomers.labels);
    let (candidates, others): (Vec<_>, Vec<_>) =
        db::newcomers::list_issues_updated_since(&c.db.pool, repo.repo_id, since).await?.into_iter().partition(|i| {
            let names: Vec<String> = serde_json::from_str(&i.labels).unwrap_or_default();
            i.open && names.iter().any(|l| labels.matches(l).is_some())
        });
    let gone: Vec<i64> = others.iter().map(|i| i.id).collect();
    if !gone.is_empty() {
        let mut tx = c.db.begin_write().await?;
        db::newcomers::delete_timelines(&mut tx, &gone).await?;
        tx.commit().await?;
    }
    let mut written = 0;
    for batch in candidates.chunks(BATCH) {
        let ids: Vec<String> = batch.iter().map(|i| i.node_id.clone()).collect();
        let nodes: Vec<Option<graphql::IssueNode>> =
            c.client.graphql_nodes(graphql::NEWCOMER_ISSUES_QUERY, &ids).await?;
        let mut tx = c.db.begin_write().await?;
        for node in nodes.iter().flatten().filter(|n| n.typename == "Issue") {
            let Some(issue_id) = node.database_id else { continue };
            let rows = convert::timeline(issue_id, node);
            db::newcomers::replace_timeline(&mut tx, issue_id, &rows).await?;
            written += rows.len() as u64;
        }
        let high = batch.iter().map(|i| i.updated_at).max();
        sync_state::save_sync_state(&mut *tx, scope, "newcomers", high, None, now()).await?;
        tx.commit().await?;
    }
    Ok((StepStatus::Ok, written))
}
