//! Reviews, `mergedBy` and ready-for-review times of changed pull requests, via GraphQL.
//!
//! REST has reviews only per pull request, one request each; GraphQL returns 50 pull requests
//! with up to 100 reviews each in one request. A pull request with more reviews than that falls
//! back to the paginated REST listing for its reviews.
//!
//! Each batch is written in one transaction of three statements (accounts, reviews, pull request
//! details), not three per pull request: the REST fallbacks of a batch are fetched before its
//! transaction begins, so the write lock never waits on a request. The next batch is fetched
//! while one is written.

use std::collections::HashMap;

use super::context::RepoHandle;

use super::collector::{Collector, OVERLAP_SECS, StepStatus, SyncError, now};
use crate::db::{
    self,
    accounts::AccountRow,
    issues::{ChangedPull, PullDetails},
    sync_state,
};
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
    let mut batches = changed.chunks(graphql::PULL_BATCH);
    let mut current = match batches.next() {
        Some(batch) => Some((batch, fetch_batch(c, scope, repo, batch).await?)),
        None => None,
    };
    while let Some((batch, (nodes, fallbacks))) = current {
        let mut rows = BatchRows::default();
        for node in nodes.iter().flatten().filter(|n| n.typename == "PullRequest") {
            let fallback = node.number.and_then(|n| fallbacks.get(&n));
            rows.add(c, repo, node, fallback);
        }
        written += rows.reviews.len() as u64;
        let following = batches.next();
        let fetch = async {
            match following {
                Some(batch) => Ok::<_, SyncError>(Some((batch, fetch_batch(c, scope, repo, batch).await?))),
                None => Ok(None),
            }
        };
        // The next batch is fetched while this one is written.
        let (fetched, stored) = tokio::join!(fetch, store_batch(c, scope, batch, rows));
        stored?;
        current = fetched?;
    }
    Ok((StepStatus::Ok, written))
}

/// A batch's pull requests from GraphQL, and from REST the reviews of those with more than
/// GraphQL's one page of them, by number.
async fn fetch_batch(
    c: &Collector,
    scope: &str,
    repo: &RepoHandle,
    batch: &[ChangedPull],
) -> Result<(Vec<Option<PullNode>>, HashMap<i64, Vec<wire::Review>>), SyncError> {
    let ids: Vec<String> = batch.iter().map(|p| p.node_id.clone()).collect();
    // A batch that keeps timing out on GitHub's side is split in half, down to one pull request.
    let nodes: Vec<Option<PullNode>> = c.client.graphql_nodes(graphql::PULL_REQUESTS_QUERY, &ids).await?;
    let mut fallbacks = HashMap::new();
    for node in nodes.iter().flatten().filter(|n| n.typename == "PullRequest") {
        if let (Some(number), true) = (node.number, node.reviews.as_ref().is_some_and(|r| r.page_info.has_next_page)) {
            fallbacks.insert(number, rest_reviews(c, scope, repo, number).await?);
        }
    }
    Ok((nodes, fallbacks))
}

/// A batch's rows in one transaction, then the watermark past it (the list is oldest-change
/// first, so every pull request before it is stored).
async fn store_batch(c: &Collector, scope: &str, batch: &[ChangedPull], rows: BatchRows) -> Result<(), SyncError> {
    let mut tx = c.db.begin_write().await?;
    c.write_accounts(&mut tx, rows.accounts).await?;
    db::activity::upsert_reviews(&mut *tx, &rows.reviews).await?;
    db::issues::update_pulls_details(&mut *tx, &rows.details).await?;
    tx.commit().await?;
    let high = batch.iter().map(|p| p.updated_at).max();
    sync_state::save_sync_state(&c.db.pool, scope, "reviews", high, None, now()).await?;
    Ok(())
}

/// A batch's rows, written in three statements: its new accounts, its reviews, the pull
/// requests' details.
#[derive(Default)]
struct BatchRows {
    accounts: Vec<AccountRow>,
    reviews: Vec<db::activity::ReviewRow>,
    details: Vec<PullDetails>,
}

impl BatchRows {
    /// One pull request's reviews and details. `fallback` holds its reviews from REST when
    /// GraphQL had more than one page of them.
    fn add(&mut self, c: &Collector, repo: &RepoHandle, node: &PullNode, fallback: Option<&Vec<wire::Review>>) {
        let Some(number) = node.number else { return };
        let merged_by = node.merged_by.as_ref().and_then(|a| a.to_user());
        self.accounts.extend(c.fresh_accounts(merged_by.iter()));
        if let Some(rest_reviews) = fallback {
            self.accounts.extend(c.fresh_accounts(rest_reviews.iter().filter_map(|r| r.user.as_ref())));
            self.reviews.extend(rest_reviews.iter().map(|r| convert::review(repo.repo_id, number, r)));
        } else {
            let nodes = node.reviews.iter().flat_map(|r| r.nodes.iter().flatten()).filter(|r| r.database_id.is_some());
            let nodes: Vec<_> = nodes.collect();
            let authors: Vec<_> = nodes.iter().filter_map(|r| r.author.as_ref().and_then(|a| a.to_user())).collect();
            self.accounts.extend(c.fresh_accounts(authors.iter()));
            self.reviews.extend(nodes.iter().filter_map(|r| {
                Some(db::activity::ReviewRow {
                    id: r.database_id?,
                    repo_id: repo.repo_id,
                    pr_number: number,
                    author_id: r.author.as_ref().and_then(|a| a.to_user()).map(|u| u.id),
                    author_association: r.author_association.clone(),
                    state: r.state.clone(),
                    submitted_at: r.submitted_at.map(convert::ts),
                })
            }));
        }
        self.details.push(PullDetails {
            repo_id: repo.repo_id,
            number,
            draft: node.is_draft.unwrap_or(false),
            merged_at: node.merged_at.map(convert::ts),
            merged_by_id: merged_by.map(|u| u.id),
            ready_for_review_at: node.first_ready_for_review().map(convert::ts),
        });
    }
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
