//! The `self_declared` step: the repository's `.github/upkeep-affiliations.toml` (people
//! correcting their own affiliations, in the format of `[people] affiliations`) through the
//! contents API, and the logins that committed it, stored for the pages
//! (`db::self_declared`). The pages apply each entry only to those committers (the trust rule,
//! [`crate::metrics::affiliation::Affiliations::with_self_declared`]); the file is parsed there,
//! so a file that does not parse is stored as it is and becomes a data-quality note.
//!
//! Quota, as for FUNDING.yml ([`super::funding_yml`], whose fetch this shares,
//! [`ask_content`]): asked with its ETag while a copy is stored (a `304` is free); a missing file
//! is asked for again at most once per `[funding] refresh_hours`. Only when the file itself
//! changed (a `200`) are its commits listed (`commits?path=…&per_page=100`, at most
//! [`MAX_COMMIT_PAGES`] pages, newest first; a listing cut there is recorded as
//! `committers_truncated` and said on the page), so an unchanged re-sync is all `304`s. A `404`
//! deletes the stored copy. A file larger than the contents API sends (1 MB: `encoding: "none"`)
//! or than [`MAX_FILE_BYTES`] is stored empty as `too_large`, with its ETag, and its commits are
//! not listed.
//!
//! A commit's login is its author's GitHub account, else its committer's; a commit with neither
//! linked to an account gives none. Failure policy: auxiliary, like the funding steps: a failure
//! fails this step only and keeps the last good copy.

use serde::Deserialize;

use super::collector::{Collector, StepStatus, SyncError, now};
use super::context::RepoHandle;
use super::repo_file::{Content, ask_content};
use crate::db::{self_declared as store, sync_state};
use crate::github::GhError;
use crate::metrics::affiliation::MAX_FILE_BYTES;

/// The step's name in the run record and its `sync_state` resource.
pub const RESOURCE: &str = "self_declared";

/// Where a repository's self-declared affiliations live.
pub const PATH: &str = ".github/upkeep-affiliations.toml";

/// Pages of the file's commits read (100 commits each, newest first).
pub const MAX_COMMIT_PAGES: usize = 3;

/// An item of `commits?path=`: only the linked accounts.
#[derive(Debug, Deserialize)]
struct FileCommit {
    #[serde(default)]
    author: Option<Account>,
    #[serde(default)]
    committer: Option<Account>,
}

#[derive(Debug, Deserialize)]
struct Account {
    login: String,
}

impl FileCommit {
    /// The author's login, else the committer's.
    fn login(self) -> Option<String> {
        self.author.or(self.committer).map(|a| a.login).filter(|l| !l.is_empty())
    }
}

/// Fetches and stores the repository's self-declared file and its committers (see the module doc).
pub async fn self_declared(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let stored = store::get_self_declared(&c.db.pool, repo.repo_id).await?;
    let Some(content) = ask_content(c, scope, RESOURCE, repo, PATH, stored.is_some()).await? else {
        return Ok((StepStatus::Skipped, 0));
    };
    let (value, path, etag) = match content {
        Content::Unchanged(status) => return Ok((status, 0)),
        Content::Missing => {
            let mut tx = c.db.begin_write().await?;
            store::delete_self_declared(&mut *tx, repo.repo_id).await?;
            sync_state::save_sync_state(&mut *tx, scope, RESOURCE, None, None, now()).await?;
            tx.commit().await?;
            return Ok((StepStatus::Ok, 0));
        }
        Content::Fresh { value, path, etag } => (value, path, etag),
    };
    let too_large = value.encoding.as_deref() == Some("none");
    let raw = match value.decoded() {
        _ if too_large => None,
        Some(bytes) if bytes.len() as u64 > MAX_FILE_BYTES => None,
        Some(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        None => return Err(GhError::Status { url: path, status: 200, message: format!("{PATH} is not base64") }.into()),
    };
    let (committers, truncated) = match raw {
        Some(_) => committers(c, scope, repo).await?,
        None => (Vec::new(), false),
    };
    let row = store::SelfDeclaredRow {
        repo_id: repo.repo_id,
        path: value.html_url.unwrap_or(path),
        too_large: raw.is_none(),
        raw: raw.unwrap_or_default(),
        committers: serde_json::to_string(&committers).unwrap_or_else(|_| "[]".to_owned()),
        committers_truncated: truncated,
        fetched_at: now(),
    };
    if truncated {
        tracing::warn!(
            repo = scope,
            "{PATH} has more than {} commits: only the newest were read",
            MAX_COMMIT_PAGES * 100
        );
    }
    let mut tx = c.db.begin_write().await?;
    store::upsert_self_declared(&mut *tx, &row).await?;
    sync_state::save_sync_state(&mut *tx, scope, RESOURCE, None, etag.as_deref(), now()).await?;
    tx.commit().await?;
    Ok((StepStatus::Ok, 1))
}

/// The logins that committed the file, newest first, without repeats (ignoring case), and
/// whether the listing was cut at [`MAX_COMMIT_PAGES`] (its last page read was full).
async fn committers(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(Vec<String>, bool), SyncError> {
    let path = format!("/repos/{}/commits?path={PATH}&per_page=100", repo.api_name);
    let mut pages = c.pages::<FileCommit>(scope, "self_declared_commits", &path, None);
    let (mut logins, mut read, mut full) = (Vec::<String>::new(), 0, false);
    while read < MAX_COMMIT_PAGES
        && let Some(page) = pages.next().await?
    {
        read += 1;
        full = page.len() >= 100;
        for login in page.into_iter().filter_map(FileCommit::login) {
            if !logins.iter().any(|l| l.eq_ignore_ascii_case(&login)) {
                logins.push(login);
            }
        }
    }
    Ok((logins, read == MAX_COMMIT_PAGES && full))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_gives_its_authors_login_else_its_committers_else_none() {
        let commits: Vec<FileCommit> = serde_json::from_str(
            r#"[
                {"author": {"login": "ana"}, "committer": {"login": "web-flow"}},
                {"author": null, "committer": {"login": "bo"}},
                {"author": null, "committer": null},
                {"sha": "1"}
            ]"#,
        )
        .unwrap();
        let logins: Vec<Option<String>> = commits.into_iter().map(FileCommit::login).collect();
        assert_eq!(logins, [Some("ana".to_owned()), Some("bo".to_owned()), None, None]);
    }
}
