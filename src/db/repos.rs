//! Repositories and the tracked-repository list (what the status page shows per repo).

use sqlx::{AnyExecutor, FromRow};

/// A row of `repositories`.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct RepositoryRow {
    pub id: i64,
    pub owner: String,
    pub name: String,
    pub full_name: String,
    pub description: Option<String>,
    pub html_url: String,
    pub language: Option<String>,
    pub default_branch: Option<String>,
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_private: bool,
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_fork: bool,
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_archived: bool,
    pub stargazers: i64,
    pub forks: i64,
    pub open_issues: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub pushed_at: Option<i64>,
}

pub async fn upsert_repository<'e>(ex: impl AnyExecutor<'e>, r: &RepositoryRow) -> sqlx::Result<()> {
    crate::db::sql::query(
        "INSERT INTO repositories (id, owner, name, full_name, description, html_url, language, default_branch,
             is_private, is_fork, is_archived, stargazers, forks, open_issues, created_at, updated_at, pushed_at)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
         ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, name = excluded.name,
             full_name = excluded.full_name, description = excluded.description, html_url = excluded.html_url,
             language = excluded.language, default_branch = excluded.default_branch,
             is_private = excluded.is_private, is_fork = excluded.is_fork, is_archived = excluded.is_archived,
             stargazers = excluded.stargazers, forks = excluded.forks, open_issues = excluded.open_issues,
             created_at = excluded.created_at, updated_at = excluded.updated_at, pushed_at = excluded.pushed_at",
    )
    .bind(r.id)
    .bind(&r.owner)
    .bind(&r.name)
    .bind(&r.full_name)
    .bind(&r.description)
    .bind(&r.html_url)
    .bind(&r.language)
    .bind(&r.default_branch)
    .bind(i64::from(r.is_private))
    .bind(i64::from(r.is_fork))
    .bind(i64::from(r.is_archived))
    .bind(r.stargazers)
    .bind(r.forks)
    .bind(r.open_issues)
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.pushed_at)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn find_repository_by_name<'e>(
    ex: impl AnyExecutor<'e>,
    full_name: &str,
) -> sqlx::Result<Option<RepositoryRow>> {
    crate::db::sql::query_as("SELECT * FROM repositories WHERE full_name = ? COLLATE NOCASE")
        .bind(full_name)
        .fetch_optional(ex)
        .await
}

/// A tracked repository by `owner/name` (any case); `None` when it is not tracked (whether or
/// not it was ever stored).
pub async fn find_tracked_repository<'e>(
    ex: impl AnyExecutor<'e>,
    full_name: &str,
) -> sqlx::Result<Option<RepositoryRow>> {
    crate::db::sql::query_as(
        "SELECT r.* FROM repositories r WHERE r.full_name = ? COLLATE NOCASE
           AND EXISTS (SELECT 1 FROM tracked_repos t WHERE t.repo_id = r.id)",
    )
    .bind(full_name)
    .fetch_optional(ex)
    .await
}

/// Every stored repository, by name ([`super::order`]).
pub async fn list_repositories<'e>(ex: impl AnyExecutor<'e>) -> sqlx::Result<Vec<RepositoryRow>> {
    let mut rows: Vec<RepositoryRow> = crate::db::sql::query_as("SELECT * FROM repositories").fetch_all(ex).await?;
    super::order::sort_by_name(&mut rows, |r| &r.full_name);
    Ok(rows)
}

/// The repositories an org listing produced last time (used when that listing answers 304), by
/// name ([`super::order`]).
pub async fn list_repositories_of_source<'e>(ex: impl AnyExecutor<'e>, source: &str) -> sqlx::Result<Vec<String>> {
    let mut names: Vec<String> = crate::db::sql::query_scalar("SELECT full_name FROM tracked_repos WHERE source = ?")
        .bind(source)
        .fetch_all(ex)
        .await?;
    super::order::sort_by_name(&mut names, String::as_str);
    Ok(names)
}

/// A row of `tracked_repos`: a repository the configuration asks for, and how its syncs go.
#[derive(Debug, Clone, PartialEq, FromRow, serde::Serialize)]
pub struct TrackedRepoRow {
    pub full_name: String,
    pub repo_id: Option<i64>,
    pub source: String,
    pub condition: String,
    pub message: Option<String>,
    pub last_attempt_at: Option<i64>,
    pub last_success_at: Option<i64>,
}

/// Records that `full_name` is tracked because of `source`, keeping its history if known.
pub async fn track_repository<'e>(ex: impl AnyExecutor<'e>, full_name: &str, source: &str) -> sqlx::Result<()> {
    crate::db::sql::query(
        "INSERT INTO tracked_repos (full_name, source) VALUES (?, ?)
         ON CONFLICT (full_name) DO UPDATE SET source = excluded.source",
    )
    .bind(full_name)
    .bind(source)
    .execute(ex)
    .await?;
    Ok(())
}

/// Replaces the membership of an org source with `names` (repos that left the org stop being tracked).
pub async fn untrack_missing<'e>(ex: impl AnyExecutor<'e>, source: &str, names: &[String]) -> sqlx::Result<u64> {
    let keep = serde_json::to_string(names).unwrap_or_else(|_| "[]".to_owned());
    let done = crate::db::sql::query(
        "DELETE FROM tracked_repos WHERE source = ?
           AND full_name NOT IN (SELECT value FROM json_each(?))",
    )
    .bind(source)
    .bind(keep)
    .execute(ex)
    .await?;
    Ok(done.rows_affected())
}

/// The outcome of one sync attempt for a tracked repository.
pub struct RepoOutcome<'a> {
    pub condition: &'a str,
    pub message: Option<&'a str>,
    pub repo_id: Option<i64>,
    pub at: i64,
}

/// Records a sync attempt's outcome for `full_name`: the last write of a repository's sync, so it
/// also moves the data version ([`super::runs::data_version`], a trigger of migration 29).
pub async fn record_repo_outcome<'e>(
    ex: impl AnyExecutor<'e>,
    full_name: &str,
    o: &RepoOutcome<'_>,
) -> sqlx::Result<()> {
    crate::db::sql::query(
        "UPDATE tracked_repos SET condition = ?, message = ?, repo_id = COALESCE(?, repo_id), last_attempt_at = ?,
             last_success_at = CASE WHEN ? IN ('ok', 'moved') THEN ? ELSE last_success_at END
         WHERE full_name = ?",
    )
    .bind(o.condition)
    .bind(o.message)
    .bind(o.repo_id)
    .bind(o.at)
    .bind(o.condition)
    .bind(o.at)
    .bind(full_name)
    .execute(ex)
    .await?;
    Ok(())
}

/// Every tracked repository, by name ([`super::order`]).
pub async fn list_tracked<'e>(ex: impl AnyExecutor<'e>) -> sqlx::Result<Vec<TrackedRepoRow>> {
    let mut rows: Vec<TrackedRepoRow> = crate::db::sql::query_as("SELECT * FROM tracked_repos").fetch_all(ex).await?;
    super::order::sort_by_name(&mut rows, |t| &t.full_name);
    Ok(rows)
}

/// The tracked repositories that exist in the store (what the overview lists), by name
/// ([`super::order`]).
pub async fn list_tracked_repositories<'e>(ex: impl AnyExecutor<'e>) -> sqlx::Result<Vec<RepositoryRow>> {
    let mut rows: Vec<RepositoryRow> = crate::db::sql::query_as(
        "SELECT r.* FROM repositories r JOIN tracked_repos t ON t.repo_id = r.id GROUP BY r.id",
    )
    .fetch_all(ex)
    .await?;
    super::order::sort_by_name(&mut rows, |r| &r.full_name);
    Ok(rows)
}

/// Tables that hold a repository's data by `repo_id`, emptied by [`purge_repository`].
const REPO_TABLES: &[&str] = &[
    "comments",
    "reviews",
    "review_comments",
    "releases",
    "milestones",
    "contributor_weeks",
    "commits",
    "repo_weeks",
    "person_weeks",
    "repo_people",
    "community_profiles",
    "funding_links",
    "funding_manifests",
    "funding_manifest_issues",
    "funding_yml_files",
    "funding_yml_issues",
    "self_declared_affiliations",
    "week_slices",
    "newcomer_issues",
    "newcomer_claims",
    "newcomer_facts_state",
    // Last: deleting the rows above marks their weeks and people, and the finder's facts, dirty.
    "rollup_dirty",
    "newcomer_dirty",
];

/// Deletes everything stored for one repository (`id`, tracked as `full_name`): its items and
/// their timelines, rollups, funding files, sync state, quarantined items and collector claim, then the
/// repository row itself. Run inside the transaction that marks it untracked.
pub async fn purge_repository(tx: &mut super::tx::WriteTx, id: i64, full_name: &str) -> sqlx::Result<()> {
    crate::db::sql::query("DELETE FROM issue_timeline WHERE issue_id IN (SELECT id FROM issues WHERE repo_id = ?)")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    crate::db::sql::query("DELETE FROM issues WHERE repo_id = ?").bind(id).execute(&mut **tx).await?;
    for table in REPO_TABLES {
        let sql = format!("DELETE FROM {table} WHERE repo_id = ?");
        crate::db::sql::query(sqlx::AssertSqlSafe(sql)).bind(id).execute(&mut **tx).await?;
    }
    for table in ["sync_state", "quarantined_items"] {
        let sql = format!("DELETE FROM {table} WHERE scope = ? COLLATE NOCASE");
        crate::db::sql::query(sqlx::AssertSqlSafe(sql)).bind(full_name).execute(&mut **tx).await?;
    }
    super::rounds::forget(&mut **tx, full_name).await?;
    crate::db::sql::query("DELETE FROM repositories WHERE id = ?").bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// Stored repositories GitHub marked private, as (id, full_name).
pub async fn list_private<'e>(ex: impl AnyExecutor<'e>) -> sqlx::Result<Vec<(i64, String)>> {
    crate::db::sql::query_as("SELECT id, full_name FROM repositories WHERE is_private = 1 ORDER BY full_name")
        .fetch_all(ex)
        .await
}

/// Keeps a repository whose data was deleted on `/status` with why: source `removed`, no
/// repository row, never a sync target. Moves the data version, as an outcome does.
pub async fn mark_removed<'e>(ex: impl AnyExecutor<'e>, full_name: &str, message: &str, at: i64) -> sqlx::Result<()> {
    crate::db::sql::query(
        "INSERT INTO tracked_repos (full_name, repo_id, source, condition, message, last_attempt_at)
         VALUES (?, NULL, 'removed', 'skipped', ?, ?)
         ON CONFLICT (full_name) DO UPDATE SET repo_id = NULL, source = 'removed', condition = 'skipped',
             message = excluded.message, last_attempt_at = excluded.last_attempt_at",
    )
    .bind(full_name)
    .bind(message)
    .bind(at)
    .execute(ex)
    .await?;
    Ok(())
}
