//! Releases and weekly contributor statistics, each behind its own conditional request, then the
//! community profile. (The funding steps come after the rollups: see `repo::sync_repository`.)

use super::{Collector, StepStatus, SyncError, Walk, now, progress::Progress, repo::RepoHandle, repo::Target};
use crate::db::{self, sync_state};
use crate::github::{Fetched, convert, wire};

pub async fn sync_extras(
    c: &Collector,
    run_id: i64,
    target: &Target,
    repo: &RepoHandle,
    progress: &Progress,
) -> Result<u64, SyncError> {
    let scope = target.name.as_str();
    progress.step("releases");
    let mut items = c.step(run_id, scope, "releases", releases(c, scope, repo)).await?.1;
    progress.step("stats");
    items += c.step(run_id, scope, "stats", stats(c, scope, repo)).await?.1;
    progress.step("community profile");
    items += c.step(run_id, scope, "community", super::newcomers::community_profile(c, scope, repo)).await?.1;
    Ok(items)
}

async fn releases(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let state = sync_state::get_sync_state(&c.db.pool, scope, "releases").await?;
    let path = format!("/repos/{}/releases?per_page=100", repo.api_name);
    let mut written = 0u64;
    let mut pages = c.pages::<wire::Release>(scope, "releases", &path, state.etag.as_deref());
    while let Some(page) = pages.next().await? {
        let mut tx = c.db.begin_write().await?;
        c.write_accounts(&mut tx, c.fresh_accounts(page.iter().filter_map(|r| r.author.as_ref()))).await?;
        for r in &page {
            db::activity::upsert_release(&mut *tx, &convert::release(repo.repo_id, r)).await?;
        }
        tx.commit().await?;
        written += page.len() as u64;
    }
    match pages.outcome {
        Walk::NotModified => Ok((StepStatus::NotModified, 0)),
        Walk::Pending => Ok((StepStatus::Pending, 0)),
        Walk::Done { etag } => {
            sync_state::save_sync_state(&c.db.pool, scope, "releases", None, etag.as_deref(), now()).await?;
            Ok((StepStatus::Ok, written))
        }
    }
}

/// Weeks this close to the newest stored week are rewritten on every fresh answer; older weeks
/// of commit history do not change, so they are written once.
const STATS_REWRITE_SECS: i64 = 28 * 86_400;

/// `/stats/contributors` answers 202 while GitHub computes it; the next run asks again.
async fn stats(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let state = sync_state::get_sync_state(&c.db.pool, scope, "stats").await?;
    let path = format!("/repos/{}/stats/contributors", repo.api_name);
    match c.client.get::<Vec<wire::ContributorStats>>(&path, state.etag.as_deref()).await? {
        Fetched::NotModified => Ok((StepStatus::NotModified, 0)),
        Fetched::Pending => {
            tracing::info!(repo = scope, "GitHub is still computing contributor statistics; will ask next run");
            Ok((StepStatus::Pending, 0))
        }
        Fetched::Fresh { value, etag, .. } => {
            let mut tx = c.db.begin_write().await?;
            c.write_accounts(&mut tx, c.fresh_accounts(value.iter().filter_map(|s| s.author.as_ref()))).await?;
            let mut written = 0;
            let from = state.watermark.map_or(i64::MIN, |w| w - STATS_REWRITE_SECS);
            let mut newest = state.watermark;
            for weeks in value.iter().map(|s| convert::contributor_weeks(repo.repo_id, s)) {
                for w in weeks.iter().filter(|w| w.week >= from) {
                    db::activity::upsert_contributor_week(&mut *tx, w).await?;
                    newest = newest.max(Some(w.week));
                    written += 1;
                }
            }
            sync_state::save_sync_state(&mut *tx, scope, "stats", newest, etag.as_deref(), now()).await?;
            tx.commit().await?;
            Ok((StepStatus::Ok, written))
        }
    }
}
