//! The `funding_yml` step: the repository's `.github/FUNDING.yml` through the contents API,
//! checked by [`crate::funding::validate_funding_yml`] and stored with its issues.
//!
//! Why fetch a file GitHub already parses: GitHub hands out only the links it understood
//! (`fundingLinks`, the `funding` step's) and says nothing about a file it could not parse, so a
//! malformed FUNDING.yml would be invisible; stored with its issues it becomes a data-quality note
//! on the funding pages. A FUNDING.yml inherited from the owner's `.github` repository is not the
//! repository's own and is not asked for (its links still come with `fundingLinks`).
//!
//! Quota and failures as for funding.json in [`super::funding`] (whose fetch this shares): asked
//! with its ETag while a copy is stored (a `304` is free); a `404` deletes the copy, and a missing
//! file is asked for again at most once per `[funding] refresh_hours`, so an unchanged re-sync is
//! all `304`s. A failure fails this step only and keeps the last good copy.

use super::collector::{Collector, StepStatus, SyncError, now};
use super::context::RepoHandle;
use super::repo_file::{RepoFile, ask_repo_file};
use crate::db::{funding as store, sync_state};
use crate::funding::{Severity, validate_funding_yml};

/// The step's name in the run record and its `sync_state` resource.
pub const RESOURCE: &str = "funding_yml";

/// Where GitHub reads a repository's own funding file.
pub const PATH: &str = ".github/FUNDING.yml";

/// Fetches, checks and stores the repository's FUNDING.yml (see the module doc).
pub async fn funding_yml(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let stored = store::get_funding_yml(&c.db.pool, repo.repo_id).await?;
    let Some(file) = ask_repo_file(c, scope, RESOURCE, repo, PATH, stored.is_some()).await? else {
        return Ok((StepStatus::Skipped, 0));
    };
    let mut tx = c.db.begin_write().await?;
    let (etag, written) = match file {
        RepoFile::Unchanged(status) => return Ok((status, 0)),
        RepoFile::Missing => {
            store::delete_funding_yml(&mut tx, repo.repo_id).await?;
            (None, 0)
        }
        RepoFile::Fresh { text, url, etag } => {
            let (row, issues) = funding_yml_rows(repo.repo_id, url, text);
            store::replace_funding_yml(&mut tx, &row, &issues).await?;
            (etag, 1 + issues.len() as u64)
        }
    };
    sync_state::save_sync_state(&mut *tx, scope, RESOURCE, None, etag.as_deref(), now()).await?;
    tx.commit().await?;
    Ok((StepStatus::Ok, written))
}

/// The file's row and its issues' rows; valid when no issue is an error.
fn funding_yml_rows(repo_id: i64, path: String, raw: String) -> (store::FundingYmlRow, Vec<store::FundingYmlIssueRow>) {
    let issues = validate_funding_yml(&raw);
    let valid = !issues.iter().any(|i| i.severity == Severity::Error);
    let rows = (issues.into_iter().enumerate())
        .map(|(seq, i)| store::FundingYmlIssueRow {
            repo_id,
            seq: seq as i64,
            severity: if i.severity == Severity::Error { "error" } else { "warning" }.to_owned(),
            key: i.key,
            message: i.message,
            line: i.line.map(|l| l as i64),
            col: i.column.map(|c| c as i64),
        })
        .collect();
    (store::FundingYmlRow { repo_id, path, raw, valid }, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_every_issue_in_order_and_only_errors_make_the_file_invalid() {
        let (row, issues) = funding_yml_rows(7, "p".into(), "github: octocat\nflattr: x\ncustom: example.org\n".into());
        assert!(row.valid, "warnings only");
        let keys: Vec<(&str, &str, Option<i64>)> =
            issues.iter().map(|i| (i.severity.as_str(), i.key.as_str(), i.line)).collect();
        assert_eq!(keys, [("warning", "flattr", Some(2)), ("warning", "custom", Some(3))]);
        assert_eq!(issues.iter().map(|i| i.seq).collect::<Vec<_>>(), [0, 1]);
        let (row, issues) = funding_yml_rows(7, "p".into(), "github: [octocat\n".into());
        assert!(!row.valid && row.raw == "github: [octocat\n");
        assert!(
            issues.len() == 1 && issues[0].severity == "error" && issues[0].line.is_some() && issues[0].col.is_some()
        );
        let (row, issues) = funding_yml_rows(7, "p".into(), String::new());
        assert!(row.valid && issues.is_empty(), "an empty file has nothing wrong with it");
    }
}
