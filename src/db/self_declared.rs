//! Self-declared affiliations: each tracked repository's `.github/upkeep-affiliations.toml` and
//! the logins that committed it (`self_declared_affiliations`, written by the collector's
//! `self_declared` step, read by the organisation and repository pages, which apply each file to
//! its committers only).

use sqlx::{AnyExecutor, FromRow};

/// A stored self-declared file.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct SelfDeclaredRow {
    pub repo_id: i64,
    /// Where it was read: the file's `html_url`, else the API path.
    pub path: String,
    /// The file's text; empty when `too_large`.
    pub raw: String,
    /// GitHub sent no content: the file is larger than the contents API serves (1 MB).
    #[sqlx(try_from = "crate::db::Flag")]
    pub too_large: bool,
    /// Logins that committed the file, as a JSON array (see [`SelfDeclaredRow::committer_logins`]).
    pub committers: String,
    /// The commits listing had more pages than the collector reads.
    #[sqlx(try_from = "crate::db::Flag")]
    pub committers_truncated: bool,
    pub fetched_at: i64,
}

impl SelfDeclaredRow {
    /// The committers' logins (none if the stored JSON is not a list of strings).
    pub fn committer_logins(&self) -> Vec<String> {
        serde_json::from_str(&self.committers).unwrap_or_default()
    }
}

/// A stored file with its repository's name, for the pages.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct SelfDeclaredFile {
    pub full_name: String,
    #[sqlx(flatten)]
    pub file: SelfDeclaredRow,
}

/// Stores (or replaces) a repository's file.
pub async fn upsert_self_declared<'e>(ex: impl AnyExecutor<'e>, row: &SelfDeclaredRow) -> sqlx::Result<()> {
    crate::db::sql::query(
        "INSERT INTO self_declared_affiliations
             (repo_id, path, raw, too_large, committers, committers_truncated, fetched_at)
         VALUES (?,?,?,?,?,?,?)
         ON CONFLICT (repo_id) DO UPDATE SET path = excluded.path, raw = excluded.raw,
             too_large = excluded.too_large, committers = excluded.committers,
             committers_truncated = excluded.committers_truncated, fetched_at = excluded.fetched_at",
    )
    .bind(row.repo_id)
    .bind(&row.path)
    .bind(&row.raw)
    .bind(i64::from(row.too_large))
    .bind(&row.committers)
    .bind(i64::from(row.committers_truncated))
    .bind(row.fetched_at)
    .execute(ex)
    .await?;
    Ok(())
}

/// Forgets a repository's file (it was removed).
pub async fn delete_self_declared<'e>(ex: impl AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<()> {
    crate::db::sql::query("DELETE FROM self_declared_affiliations WHERE repo_id = ?").bind(repo_id).execute(ex).await?;
    Ok(())
}

pub async fn get_self_declared<'e>(ex: impl AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<Option<SelfDeclaredRow>> {
    crate::db::sql::query_as("SELECT * FROM self_declared_affiliations WHERE repo_id = ?")
        .bind(repo_id)
        .fetch_optional(ex)
        .await
}

/// The files of the repositories `repo_ids` (a JSON array, as `dashboard::scope_json` makes),
/// in repository-name order.
pub async fn list_self_declared<'e>(ex: impl AnyExecutor<'e>, repo_ids: &str) -> sqlx::Result<Vec<SelfDeclaredFile>> {
    crate::db::sql::query_as(
        "SELECT r.full_name, s.* FROM self_declared_affiliations s JOIN repositories r ON r.id = s.repo_id
         WHERE s.repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))
         ORDER BY r.full_name",
    )
    .bind(repo_ids)
    .fetch_all(ex)
    .await
}
