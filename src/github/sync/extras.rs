//! Releases, milestones, the closers of grant issues ([`super::closers`]) and the default
//! branch's commits, each behind its own conditional request, then the community profile and the
//! self-declared affiliations file ([`super::self_declared`]). (The funding steps come after the
//! rollups: see `repo::sync_repository`.)

use super::{context::RepoHandle, context::Target, progress::RepoProgress};

use super::pages::Walk;

use super::collector::{Collector, StepStatus, SyncError, now};
use crate::db::{self, sync_state};
use crate::github::{convert, wire};

pub async fn sync_extras(
    c: &Collector,
    run_id: i64,
    target: &Target,
    repo: &RepoHandle,
    progress: &RepoProgress<'_>,
) -> Result<u64, SyncError> {
    let scope = target.name.as_str();
    progress.step("releases");
    let mut items = c.step(run_id, scope, "releases", releases(c, scope, repo)).await?.1;
    progress.step("milestones");
    let listed = c.step(run_id, scope, MILESTONES, milestones(c, scope, repo)).await;
    items += super::collector::tolerate(scope, listed)?;
    progress.step("closers");
    items += super::closers::sync_closers(c, run_id, target, repo).await?;
    progress.step("commits");
    items += c.step(run_id, scope, super::commits::RESOURCE, super::commits::sync_commits(c, scope, repo)).await?.1;
    progress.step("community profile");
    let community = c.step(run_id, scope, "community", super::newcomers::community_profile(c, scope, repo)).await;
    items += super::collector::tolerate(scope, community)?;
    progress.step("self-declared affiliations");
    let declared =
        c.step(run_id, scope, super::self_declared::RESOURCE, super::self_declared::self_declared(c, scope, repo));
    items += super::collector::tolerate(scope, declared.await)?;
    Ok(items)
}

/// The milestones step's resource name.
pub const MILESTONES: &str = "milestones";

/// Every milestone, open and closed (for grant pages), behind the listing's ETag; a changed
/// listing replaces the repository's milestones whole. Bounded like every listing
/// (`[collector] max_pages`); a failure costs this step only (the last good list stays).
async fn milestones(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let state = sync_state::get_sync_state(&c.db.pool, scope, MILESTONES).await?;
    let path = format!("/repos/{}/milestones?state=all&per_page=100", repo.api_name);
    let mut rows = Vec::new();
    let mut pages = c.pages::<wire::MilestoneListed>(scope, MILESTONES, &path, state.etag.as_deref());
    while let Some(page) = pages.next().await? {
        rows.extend(page.iter().map(|m| convert::milestone(repo.repo_id, m)));
    }
    match pages.outcome {
        Walk::NotModified => Ok((StepStatus::NotModified, 0)),
        Walk::Pending => Ok((StepStatus::Pending, 0)),
        Walk::Done { etag } => {
            let mut tx = c.db.begin_write().await?;
            db::milestones::replace_milestones(&mut tx, repo.repo_id, &rows).await?;
            sync_state::save_sync_state(&mut *tx, scope, MILESTONES, None, etag.as_deref(), now()).await?;
            tx.commit().await?;
            Ok((StepStatus::Ok, rows.len() as u64))
        }
    }
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
