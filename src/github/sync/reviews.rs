//! Reviews, `mergedBy` and ready-for-review times of changed pull requests, via GraphQL.
//!
//! REST has reviews only per pull request, one request each; GraphQL returns 50 pull requests
//! with up to 100 reviews each in one request. A pull request with more reviews than that falls
//! back to the paginated REST listing for its reviews.
//!
//! Each batch is written in one transaction (not one per pull request): the REST fallbacks of a
//! batch are fetched first, so no request is made while the write lock is held.

use super::context::RepoHandle;

use super::collector::{Collector, OVERLAP_SECS, StepStatus, SyncError, now};
use crate::db::{self, WriteTx, issues::PullDetails, sync_state};
use crate::github::{
    convert,
    graphql::{self, PullNode},
    wire,
};

pub async fn sync_reviews(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let state = sync_state::get_sync_state(&c.db.pool, scope, "reviews").await?;
    let since = state.watermark.map_or(i64::MIN, |w| w - OVERLAP_SECS);
    let changed = db::issues::list_pulls_updated_since(&c.db.pool, repo.repo_id, since).await?;
    let mut written = 0;
    for batch in changed.chunks(graphql::PULL_BATCH) {
        let ids: Vec<String> = batch.iter().map(|p| p.node_id.clone()).collect();
        // A batch that keeps timing out on GitHub's side is split in half, down to one pull request.
        let nodes: Vec<Option<PullNode>> = c.client.graphql_nodes(graphql::PULL_REQUESTS_QUERY, &ids).await?;
        let pulls: Vec<&PullNode> = nodes.iter().flatten().filter(|n| n.typename == "PullRequest").collect();
        let mut fallbacks = std::collections::HashMap::new();
        for node in &pulls {
            if let (Some(number), true) =
                (node.number, node.reviews.as_ref().is_some_and(|r| r.page_info.has_next_page))
            {
                fallbacks.insert(number, rest_reviews(c, scope, repo, number).await?);
            }
        }
        let mut tx = c.db.begin_write().await?;
        for node in pulls {
            let fallback = node.number.and_then(|n| fallbacks.get(&n));
            written += store_pull(c, &mut tx, repo, node, fallback).await?;
        }
        tx.commit().await?;
        // The batch is stored: the watermark may move past it (the list is oldest-change first).
        let high = batch.iter().map(|p| p.updated_at).max();
        sync_state::save_sync_state(&c.db.pool, scope, "reviews", high, None, now()).await?;
    }
    Ok((StepStatus::Ok, written))
}

/// One pull request's reviews and details, inside the batch's transaction. `fallback` holds its
/// reviews from REST when GraphQL had more than one page of them.
async fn store_pull(
    c: &Collector,
    tx: &mut WriteTx,
    repo: &RepoHandle,
    node: &PullNode,
    fallback: Option<&Vec<wire::Review>>,
) -> Result<u64, SyncError> {
    let Some(number) = node.number else { return Ok(0) };
    let reviews = node.reviews.as_ref();
    let mut written = 0;
    let merged_by = node.merged_by.as_ref().and_then(|a| a.to_user());
    c.write_accounts(tx, c.fresh_accounts(merged_by.iter())).await?;
    let rows: Vec<db::activity::ReviewRow> = if let Some(rest_reviews) = fallback {
        c.write_accounts(tx, c.fresh_accounts(rest_reviews.iter().filter_map(|r| r.user.as_ref()))).await?;
        rest_reviews.iter().map(|r| convert::review(repo.repo_id, number, r)).collect()
    } else {
        let nodes: Vec<_> =
            reviews.iter().flat_map(|r| r.nodes.iter().flatten()).filter(|r| r.database_id.is_some()).collect();
        let authors: Vec<_> = nodes.iter().filter_map(|r| r.author.as_ref().and_then(|a| a.to_user())).collect();
        c.write_accounts(tx, c.fresh_accounts(authors.iter())).await?;
        nodes
            .iter()
            .filter_map(|r| {
                Some(db::activity::ReviewRow {
                    id: r.database_id?,
                    repo_id: repo.repo_id,
                    pr_number: number,
                    author_id: r.author.as_ref().and_then(|a| a.to_user()).map(|u| u.id),
                    author_association: r.author_association.clone(),
                    state: r.state.clone(),
                    submitted_at: r.submitted_at.map(convert::ts),
                })
            })
            .collect()
    };
    db::activity::upsert_reviews(&mut **tx, &rows).await?;
    written += rows.len() as u64;
    let details = PullDetails {
        repo_id: repo.repo_id,
        number,
        draft: node.is_draft.unwrap_or(false),
        merged_at: node.merged_at.map(convert::ts),
        merged_by_id: merged_by.map(|u| u.id),
        ready_for_review_at: node.first_ready_for_review().map(convert::ts),
    };
    db::issues::update_pull_details(&mut **tx, &details).await?;
    Ok(written)
}

async fn rest_reviews(
    c: &Collector,
    scope: &str,
    repo: &RepoHandle,
    number: i64,
) -> Result<Vec<wire::Review>, SyncError> {
    let path = format!("/repos/{}/pulls/{number}/reviews?per_page=100", repo.api_name);
    let mut all = Vec::new();
    let mut pages = c.pages::<wire::Review>(scope, "reviews", &path, None);
    while let Some(page) = pages.next().await? {
        all.extend(page);
    }
    Ok(all)
}
