//! The default branch's history, incremental by date: the source of commit activity
//! (`contributor_weeks`, then the rollups' commits per person and week).
//!
//! Cost: a conditional probe of the newest commit (`commits?per_page=1` with its ETag): `304`
//! when nothing was pushed, so an unchanged re-sync is free. Otherwise the commits committed
//! since the watermark (less [`OVERLAP_SECS`]) are listed, 100 a page: a first sync pays the
//! history once, a later one `ceil(new / 100)` pages, written behind the reading
//! ([`write_behind`]). Commits in that window that the listing no
//! longer holds (a force-push rewrote them) are deleted, so an incremental sync stores what a
//! fresh one would. The watermark and the probe's ETag move only after every page is stored.

use super::context::RepoHandle;
use super::write_behind;

use super::collector::{Collector, OVERLAP_SECS, StepStatus, SyncError, now};
use crate::db::{self, sync_state};
use crate::github::{Fetched, GhError, convert, wire};

pub const RESOURCE: &str = "commits";

pub async fn sync_commits(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let state = sync_state::get_sync_state(&c.db.pool, scope, RESOURCE).await?;
    let probe = format!("/repos/{}/commits?per_page=1", repo.api_name);
    let probe_etag = match c.client.get::<Vec<serde_json::Value>>(&probe, state.etag.as_deref()).await {
        Ok(Fetched::NotModified) => return Ok((StepStatus::NotModified, 0)),
        Ok(Fetched::Pending) => return Ok((StepStatus::Pending, 0)),
        Ok(Fetched::Fresh { etag, .. }) => etag,
        // GitHub answers 409 Conflict for an empty repository: there is no history to store.
        Err(GhError::Status { status: 409, .. }) => {
            let mut tx = c.db.begin_write().await?;
            db::commits::delete_unseen_since(&mut *tx, repo.repo_id, i64::MIN, &[]).await?;
            db::commits::rebuild_contributor_weeks(&mut tx, repo.repo_id, i64::MIN).await?;
            sync_state::save_sync_state(&mut *tx, scope, RESOURCE, None, None, now()).await?;
            tx.commit().await?;
            return Ok((StepStatus::Ok, 0));
        }
        Err(e) => return Err(e.into()),
    };
    let since = state.watermark.map(|w| w - OVERLAP_SECS);
    let since_param = since
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(|t| format!("&since={}", t.format("%Y-%m-%dT%H:%M:%SZ")))
        .unwrap_or_default();
    let path = format!("/repos/{}/commits?per_page=100{since_param}", repo.api_name);
    let (send, queued) = write_behind::queue();
    let read = async move {
        let mut pages = c.pages::<wire::Commit>(scope, RESOURCE, &path, None);
        let (mut watermark, mut seen) = (state.watermark, Vec::new());
        // The earliest authored time written: contributor weeks before it are unchanged.
        let mut oldest = i64::MAX;
        while let Some(page) = pages.next().await? {
            let accounts = c.fresh_accounts(page.iter().filter_map(|p| p.author.as_ref()));
            let (mut rows, mut undated) = (Vec::new(), Vec::new());
            for (i, item) in page.iter().enumerate() {
                match convert::commit(repo.repo_id, item) {
                    Some(row) => rows.push(row),
                    None => undated.push(i),
                }
            }
            watermark = watermark.max(rows.iter().map(|r| r.committed_at).max());
            oldest = rows.iter().map(|r| r.authored_at).fold(oldest, i64::min);
            seen.extend(rows.iter().map(|r| r.sha.clone()));
            if send.send((accounts, rows, undated, pages.take_raw())).await.is_err() {
                break; // the writer failed, and says why
            }
        }
        Ok::<_, SyncError>((watermark, seen, oldest))
    };
    let store = |batch: Vec<write_behind::RowsPage<db::commits::CommitRow>>| async move {
        let (accounts, rows) = write_behind::people_and_rows(&batch);
        let mut tx = c.db.begin_write().await?;
        c.write_accounts(&mut tx, accounts).await?;
        db::commits::upsert_commits(&mut *tx, &rows).await?;
        tx.commit().await?;
        for (_, _, undated, raw) in &batch {
            for raw in undated.iter().filter_map(|&i| raw.get(i)) {
                c.quarantine(scope, RESOURCE, raw, "the commit has neither an author nor a committer date").await?;
            }
        }
        Ok(rows.len() as u64)
    };
    let (read, written) = tokio::join!(read, write_behind::drain(queued, store));
    let written = written?;
    let (watermark, seen, oldest) = read?;
    let mut tx = c.db.begin_write().await?;
    let deleted = db::commits::delete_unseen_since(&mut *tx, repo.repo_id, since.unwrap_or(i64::MIN), &seen).await?;
    let rewritten = deleted.count;
    if rewritten > 0 {
        tracing::info!(repo = scope, rewritten, "commits no longer on the default branch were removed");
    }
    let from = deleted.oldest_authored.map_or(oldest, |d| d.min(oldest));
    if from < i64::MAX {
        db::commits::rebuild_contributor_weeks(&mut tx, repo.repo_id, from).await?;
    }
    sync_state::save_sync_state(&mut *tx, scope, RESOURCE, watermark, probe_etag.as_deref(), now()).await?;
    tx.commit().await?;
    Ok((StepStatus::Ok, written + rewritten))
}
