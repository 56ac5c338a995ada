//! The conversation group: issues and PRs, their comments, review comments, PR details,
//! reviews and the derived first-response facts, all behind one conditional probe.
//!
//! Listings with `since` are sorted by `updated` ascending, so an item updated while we page
//! moves behind the cursor and is seen again rather than skipped. Pages are written behind the
//! reading ([`write_behind`]): the pages queued while one batch is written go in the next
//! transaction; a resource's watermark moves only after its last page is stored.

use super::pages::RawItems;
use super::{context::RepoHandle, context::Target, progress::RepoProgress, reviews, write_behind};

use super::collector::{Collector, OVERLAP_SECS, StepStatus, SyncError, now};
use crate::db::{self, accounts::AccountRow, sync_state};
use crate::github::{Fetched, convert, wire};

/// Steps gated by the probe, in order.
const GATED: &[&str] = &["issues", "issue_comments", "review_comments", "pulls", "reviews", "newcomers", "derived"];

pub async fn sync_conversation(
    c: &Collector,
    run_id: i64,
    target: &Target,
    repo: &RepoHandle,
    progress: &RepoProgress<'_>,
) -> Result<u64, SyncError> {
    let scope = target.name.as_str();
    let probe = sync_state::get_sync_state(&c.db.pool, scope, "probe").await?;
    let path = format!("/repos/{}/issues?state=all&sort=updated&direction=desc&per_page=1", repo.api_name);
    let mut new_etag = None;
    progress.step("probe");
    let (status, _) = c
        .step(run_id, scope, "probe", async {
            match c.client.get::<Vec<wire::Issue>>(&path, probe.etag.as_deref()).await? {
                Fetched::NotModified => Ok((StepStatus::NotModified, 0)),
                Fetched::Pending => Ok((StepStatus::Pending, 0)),
                Fetched::Fresh { etag, .. } => {
                    new_etag = etag;
                    Ok((StepStatus::Ok, 0))
                }
            }
        })
        .await?;
    if status == StepStatus::NotModified {
        for resource in GATED {
            c.skip_step(run_id, scope, resource, StepStatus::NotModified).await?;
        }
        return Ok(0);
    }
    let mut items = 0;
    progress.step("issues");
    items += c.step(run_id, scope, "issues", issues(c, scope, repo)).await?.1;
    progress.step("comments");
    items += c.step(run_id, scope, "issue_comments", issue_comments(c, scope, repo)).await?.1;
    progress.step("review comments");
    items += c.step(run_id, scope, "review_comments", review_comments(c, scope, repo)).await?.1;
    progress.step("pulls");
    items += c.step(run_id, scope, "pulls", pulls(c, scope, repo)).await?.1;
    progress.step("reviews");
    items += c.step(run_id, scope, "reviews", reviews::sync_reviews(c, scope, repo)).await?.1;
    progress.step("newcomer issues");
    items += c.step(run_id, scope, "newcomers", super::newcomers::issue_timelines(c, scope, repo)).await?.1;
    progress.step("derived");
    c.step(run_id, scope, "derived", derived(c, scope, repo)).await?;
    // Everything behind the probe is stored: only now may a 304 skip it next time.
    sync_state::save_sync_state(&c.db.pool, scope, "probe", None, new_etag.as_deref(), now()).await?;
    Ok(items)
}

/// The `since` parameter for a watermark, with the overlap.
fn since_param(watermark: Option<i64>) -> String {
    match watermark.and_then(|w| chrono::DateTime::from_timestamp(w - OVERLAP_SECS, 0)) {
        Some(t) => format!("&since={}", t.format("%Y-%m-%dT%H:%M:%SZ")),
        None => String::new(),
    }
}

async fn issues(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let state = sync_state::get_sync_state(&c.db.pool, scope, "issues").await?;
    let path = format!(
        "/repos/{}/issues?state=all&sort=updated&direction=asc&per_page=100{}",
        repo.api_name,
        since_param(state.watermark)
    );
    let (send, queued) = write_behind::queue();
    let read = async move {
        let mut watermark = state.watermark;
        let mut pages = c.pages::<wire::Issue>(scope, "issues", &path, None);
        while let Some(page) = pages.next().await? {
            let users = page.iter().flat_map(|i| i.user.iter().chain(i.assignees.iter().flatten()));
            let accounts = c.fresh_accounts(users);
            let rows: Vec<_> = page.iter().map(|item| convert::issue(repo.repo_id, item)).collect();
            watermark = watermark.max(page.iter().map(|item| convert::ts(item.updated_at)).max());
            if send.send((accounts, rows)).await.is_err() {
                break; // the writer failed, and says why
            }
        }
        Ok::<_, SyncError>(watermark)
    };
    let (read, written) = tokio::join!(read, write_behind::drain(queued, |batch| store_issues(c, batch)));
    let written = written?;
    let watermark = read?;
    sync_state::save_sync_state(&c.db.pool, scope, "issues", watermark, None, now()).await?;
    Ok((StepStatus::Ok, written))
}

/// Pages of issues and their people, in one transaction; returns how many issues.
async fn store_issues(
    c: &Collector,
    batch: Vec<(Vec<AccountRow>, Vec<db::issues::IssueRow>)>,
) -> Result<u64, SyncError> {
    let (accounts, rows): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
    let rows: Vec<_> = rows.into_iter().flatten().collect();
    let mut tx = c.db.begin_write().await?;
    c.write_accounts(&mut tx, accounts.into_iter().flatten().collect()).await?;
    db::issues::upsert_issues(&mut *tx, &rows).await?;
    tx.commit().await?;
    Ok(rows.len() as u64)
}

async fn issue_comments(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let state = sync_state::get_sync_state(&c.db.pool, scope, "issue_comments").await?;
    let path = format!(
        "/repos/{}/issues/comments?sort=updated&direction=asc&per_page=100{}",
        repo.api_name,
        since_param(state.watermark)
    );
    // Comments quarantined earlier for want of their parent may find it now.
    let retried = retry_quarantined_comments(c, scope, repo).await?;
    let (send, queued) = write_behind::queue();
    let read = async move {
        let mut watermark = state.watermark;
        let mut pages = c.pages::<wire::IssueComment>(scope, "issue_comments", &path, None);
        while let Some(page) = pages.next().await? {
            watermark = watermark.max(page.iter().map(|item| convert::ts(item.updated_at)).max());
            let accounts = c.fresh_accounts(page.iter().filter_map(|i| i.user.as_ref()));
            if send.send((accounts, page, pages.take_raw())).await.is_err() {
                break; // the writer failed, and says why
            }
        }
        Ok::<_, SyncError>(watermark)
    };
    let store = |batch| store_comments(c, scope, repo, batch);
    let (read, written) = tokio::join!(read, write_behind::drain(queued, store));
    let written = retried + written?;
    let watermark = read?;
    sync_state::save_sync_state(&c.db.pool, scope, "issue_comments", watermark, None, now()).await?;
    Ok((StepStatus::Ok, written))
}

/// Pages of comments and their people, in one transaction; comments whose issue is not stored
/// are quarantined (each page with its items as GitHub sent them). Returns how many were stored.
async fn store_comments(
    c: &Collector,
    scope: &str,
    repo: &RepoHandle,
    batch: Vec<(Vec<AccountRow>, Vec<wire::IssueComment>, RawItems)>,
) -> Result<u64, SyncError> {
    let mut tx = c.db.begin_write().await?;
    c.write_accounts(&mut tx, batch.iter().flat_map(|(accounts, ..)| accounts.iter().cloned()).collect()).await?;
    let (mut rows, mut unplaced) = (Vec::new(), Vec::new());
    for (_, page, raw) in &batch {
        for (i, parent) in comment_parents(&mut tx, repo.repo_id, page).await?.into_iter().enumerate() {
            match parent {
                Ok(number) => rows.push(convert::comment(repo.repo_id, number, &page[i])),
                Err(reason) => unplaced.push((raw, i, reason)),
            }
        }
    }
    db::activity::upsert_comments(&mut *tx, &rows).await?;
    tx.commit().await?;
    for (raw, i, reason) in unplaced {
        if let Some(raw) = raw.get(i) {
            c.quarantine(scope, "issue_comments", raw, &reason).await?;
        }
    }
    Ok(rows.len() as u64)
}

/// The issue number each comment belongs to, or why it cannot be placed. `issue_url` ends in the
/// parent's number, or (GitHub's 2012 bodies) its id: whichever names an issue of this
/// repository, the number first. Never a guess. One query for the page.
async fn comment_parents(
    tx: &mut db::WriteTx,
    repo_id: i64,
    items: &[wire::IssueComment],
) -> sqlx::Result<Vec<Result<i64, String>>> {
    let trailing: Vec<Option<i64>> = items.iter().map(|item| wire::trailing_number(&item.issue_url)).collect();
    let asked: Vec<i64> = trailing.iter().flatten().copied().collect();
    let found = db::issues::parent_numbers(&mut **tx, repo_id, &asked).await?;
    Ok(items
        .iter()
        .zip(trailing)
        .map(|(item, n)| match n {
            None => Err(format!("issue_url {:?} does not end in a number", item.issue_url)),
            Some(n) => found.get(&n).copied().ok_or_else(|| {
                format!("issue_url ends in {n}, which is neither an issue number nor an issue id of this repository")
            }),
        })
        .collect())
}

/// Places comments quarantined earlier whose parent issue is stored now.
async fn retry_quarantined_comments(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<u64, SyncError> {
    let mut placed = 0;
    for row in db::quarantine::list_for(&c.db.pool, scope, "issue_comments").await? {
        let Ok(item) = serde_json::from_str::<wire::IssueComment>(&row.raw) else { continue };
        let mut tx = c.db.begin_write().await?;
        if let Some(Ok(number)) = comment_parents(&mut tx, repo.repo_id, std::slice::from_ref(&item)).await?.pop() {
            c.write_accounts(&mut tx, c.fresh_accounts(item.user.as_ref())).await?;
            db::activity::upsert_comment(&mut *tx, &convert::comment(repo.repo_id, number, &item)).await?;
            db::quarantine::remove(&mut *tx, scope, "issue_comments", &row.item_key).await?;
            placed += 1;
        }
        tx.commit().await?;
    }
    Ok(placed)
}

async fn review_comments(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let state = sync_state::get_sync_state(&c.db.pool, scope, "review_comments").await?;
    let path = format!(
        "/repos/{}/pulls/comments?sort=updated&direction=asc&per_page=100{}",
        repo.api_name,
        since_param(state.watermark)
    );
    let (send, queued) = write_behind::queue();
    let read = async move {
        let mut watermark = state.watermark;
        let mut pages = c.pages::<wire::ReviewComment>(scope, "review_comments", &path, None);
        while let Some(page) = pages.next().await? {
            let accounts = c.fresh_accounts(page.iter().filter_map(|i| i.user.as_ref()));
            let (mut rows, mut unplaced) = (Vec::new(), Vec::new());
            for (i, item) in page.iter().enumerate() {
                watermark = watermark.max(Some(convert::ts(item.updated_at)));
                match convert::review_comment(repo.repo_id, item) {
                    Some(row) => rows.push(row),
                    None => unplaced.push(i),
                }
            }
            if send.send((accounts, rows, unplaced, pages.take_raw())).await.is_err() {
                break; // the writer failed, and says why
            }
        }
        Ok::<_, SyncError>(watermark)
    };
    let store = |batch: Vec<write_behind::RowsPage<db::activity::ReviewCommentRow>>| async move {
        let (accounts, rows) = write_behind::people_and_rows(&batch);
        let mut tx = c.db.begin_write().await?;
        c.write_accounts(&mut tx, accounts).await?;
        db::activity::upsert_review_comments(&mut *tx, &rows).await?;
        tx.commit().await?;
        for (_, _, unplaced, raw) in &batch {
            for raw in unplaced.iter().filter_map(|&i| raw.get(i)) {
                let reason = "no pull_request_url, _links.pull_request or /pull/ html_url names its pull request";
                c.quarantine(scope, "review_comments", raw, reason).await?;
            }
        }
        Ok(rows.len() as u64)
    };
    let (read, written) = tokio::join!(read, write_behind::drain(queued, store));
    let written = written?;
    let watermark = read?;
    sync_state::save_sync_state(&c.db.pool, scope, "review_comments", watermark, None, now()).await?;
    Ok((StepStatus::Ok, written))
}

/// `/pulls` has no `since`: read newest-updated first and stop below the watermark.
async fn pulls(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let state = sync_state::get_sync_state(&c.db.pool, scope, "pulls").await?;
    let stop_below = state.watermark.map(|w| w - OVERLAP_SECS);
    let path = format!("/repos/{}/pulls?state=all&sort=updated&direction=desc&per_page=100", repo.api_name);
    let (send, queued) = write_behind::queue();
    let read = async move {
        let mut watermark = state.watermark;
        let mut pages = c.pages::<wire::PullRequest>(scope, "pulls", &path, None);
        while let Some(page) = pages.next().await? {
            let mut reached_watermark = false;
            let mut rows = Vec::with_capacity(page.len());
            for pr in &page {
                let updated = convert::ts(pr.updated_at);
                if stop_below.is_some_and(|w| updated < w) {
                    reached_watermark = true;
                    break;
                }
                watermark = watermark.max(Some(updated));
                let merged_at = pr.merged_at.map(convert::ts);
                rows.push(db::issues::PullListing { number: pr.number, draft: pr.draft.unwrap_or(false), merged_at });
            }
            // Not past the watermark: no request is spent on a page that would not be read.
            if send.send(rows).await.is_err() || reached_watermark {
                break;
            }
        }
        Ok::<_, SyncError>(watermark)
    };
    // One statement per page (row by row, this step was the full sync's slowest per item), the
    // pages queued together in one transaction.
    let store = |batch: Vec<Vec<db::issues::PullListing>>| async move {
        let mut tx = c.db.begin_write().await?;
        let mut written = 0;
        for rows in &batch {
            written += db::issues::update_pull_listings(&mut *tx, repo.repo_id, rows).await?;
        }
        tx.commit().await?;
        Ok(written)
    };
    let (read, written) = tokio::join!(read, write_behind::drain(queued, store));
    let written = written?;
    let watermark = read?;
    sync_state::save_sync_state(&c.db.pool, scope, "pulls", watermark, None, now()).await?;
    Ok((StepStatus::Ok, written))
}

/// Recomputes first-response facts for items changed since the last pass.
async fn derived(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let state = sync_state::get_sync_state(&c.db.pool, scope, "derived").await?;
    let since = state.watermark.map_or(i64::MIN, |w| w - OVERLAP_SECS);
    let mut tx = c.db.begin_write().await?;
    let maintainers = c.configured_maintainers(scope, &repo.api_name);
    let touched = db::responses::recompute_responses(&mut tx, repo.repo_id, since, maintainers.as_deref()).await?;
    let watermark = db::issues::max_updated_at(&mut *tx, repo.repo_id).await?;
    sync_state::save_sync_state(&mut *tx, scope, "derived", watermark, None, now()).await?;
    tx.commit().await?;
    tracing::debug!(repo = scope, touched, "first responses recomputed");
    Ok((StepStatus::Ok, 0))
}
