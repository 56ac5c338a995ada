//! Files of a repository read through the contents API (`funding.json`, `.github/FUNDING.yml`,
//! `.github/upkeep-affiliations.toml`),
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
    let (value, path, etag) = match ask_content(c, scope, resource, repo, file, has_copy).await? {
        None => return Ok(None),
        Some(Content::Missing) => return Ok(Some(RepoFile::Missing)),
        Some(Content::Unchanged(status)) => return Ok(Some(RepoFile::Unchanged(status))),
        Some(Content::Fresh { value, path, etag }) => (value, path, etag),
    };
    let Some(bytes) = value.decoded() else {
        return Err(GhError::Status { url: path, status: 200, message: format!("{file} is not base64") }.into());
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Ok(Some(RepoFile::Fresh { text, url: value.html_url.unwrap_or(path), etag }))
}

/// The contents API's answer for a file, before decoding ([`ask_repo_file`]'s request, for a
/// step that tells a file too large to be sent, `encoding: "none"`, from a corrupt one).
pub enum Content {
    Missing,
    Unchanged(StepStatus),
    /// The answer, the API path asked and the ETag.
    Fresh {
        value: wire::ContentFile,
        path: String,
        etag: Option<String>,
    },
}

/// The request of [`ask_repo_file`], answered undecoded.
pub async fn ask_content(
    c: &Collector,
    scope: &str,
    resource: &str,
    repo: &RepoHandle,
    file: &str,
    has_copy: bool,
) -> Result<Option<Content>, SyncError> {
    if !has_copy && fresh(c, scope, resource).await? {
        return Ok(None);
    }
    let state = sync_state::get_sync_state(&c.db.pool, scope, resource).await?;
    let etag = state.etag.as_deref().filter(|_| has_copy);
    let path = format!("/repos/{}/contents/{file}", repo.api_name);
    Ok(Some(match c.client.get_capped::<wire::ContentFile>(&path, etag, MAX_REPO_FILE_BYTES).await {
        Err(GhError::NotFound { .. }) => Content::Missing,
        Err(e) => return Err(e.into()),
        Ok(Fetched::NotModified) => Content::Unchanged(StepStatus::NotModified),
        Ok(Fetched::Pending) => Content::Unchanged(StepStatus::Pending),
        Ok(Fetched::Fresh { value, etag, .. }) => Content::Fresh { value, path, etag },
    }))
}

/// The largest contents-API answer read for a funding file: base64 of a 1 MiB file in JSON.
const MAX_REPO_FILE_BYTES: u64 = 2 << 20;
