//! Files of a repository read through the contents API (`funding.json`, `.github/FUNDING.yml`),
//! and the funding steps' refresh interval: data that changes rarely is asked for again only
//! after `[funding] refresh_hours`, or with its ETag while a copy is stored.

use super::collector::{Collector, StepStatus, SyncError, now};
use super::context::RepoHandle;
use crate::db::sync_state;
use crate::github::{Fetched, GhError, wire};

/// Whether `at` is within `[funding] refresh_hours` of now (never, when that is 0).
pub fn within_refresh(c: &Collector, at: Option<i64>) -> bool {
    let window = c.config.funding.refresh_hours as i64 * 3_600;
    at.is_some_and(|at| window > 0 && now() - at < window)
}

/// Whether `resource` succeeded within the refresh interval (so it need not run again).
pub async fn fresh(c: &Collector, scope: &str, resource: &str) -> sqlx::Result<bool> {
    let state = sync_state::get_sync_state(&c.db.pool, scope, resource).await?;
    Ok(within_refresh(c, state.last_success_at))
}

/// A repository file as the contents API answered.
pub enum RepoFile {
    /// `404`: the repository has no such file.
    Missing,
    /// `304` ([`StepStatus::NotModified`]) or `202` ([`StepStatus::Pending`]).
    Unchanged(StepStatus),
    /// The file's text (invalid UTF-8 replaced), where it was read (its `html_url`, else the API
    /// path) and its ETag.
    Fresh { text: String, url: String, etag: Option<String> },
}

/// `GET contents/{file}` of the repository for step `resource`, whose `sync_state` keeps the
/// ETag: with that ETag while a copy is stored (`has_copy`), else (the file was missing or never
/// asked for) at most once per refresh interval; `None` when it need not be asked now.
pub async fn ask_repo_file(
    c: &Collector,
    scope: &str,
    resource: &str,
    repo: &RepoHandle,
    file: &str,
    has_copy: bool,
) -> Result<Option<RepoFile>, SyncError> {
    if !has_copy && fresh(c, scope, resource).await? {
        return Ok(None);
    }
    let state = sync_state::get_sync_state(&c.db.pool, scope, resource).await?;
    let etag = state.etag.as_deref().filter(|_| has_copy);
    let path = format!("/repos/{}/contents/{file}", repo.api_name);
    let (value, etag) = match c.client.get_capped::<wire::ContentFile>(&path, etag, MAX_REPO_FILE_BYTES).await {
        Err(GhError::NotFound { .. }) => return Ok(Some(RepoFile::Missing)),
        Err(e) => return Err(e.into()),
        Ok(Fetched::NotModified) => return Ok(Some(RepoFile::Unchanged(StepStatus::NotModified))),
        Ok(Fetched::Pending) => return Ok(Some(RepoFile::Unchanged(StepStatus::Pending))),
        Ok(Fetched::Fresh { value, etag, .. }) => (value, etag),
    };
    let Some(bytes) = value.decoded() else {
        return Err(GhError::Status { url: path, status: 200, message: format!("{file} is not base64") }.into());
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Ok(Some(RepoFile::Fresh { text, url: value.html_url.unwrap_or(path), etag }))
}

/// The largest contents-API answer read for a funding file: base64 of a 1 MiB file in JSON.
const MAX_REPO_FILE_BYTES: u64 = 2 << 20;
