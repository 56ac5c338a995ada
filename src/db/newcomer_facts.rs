//! The finder's stored facts (`newcomer_issues`, `newcomer_claims`, `newcomer_facts_state`):
//! written per repository by the collector ([`crate::newcomers::refresh`]), read by the finder,
//! which filters, sorts, counts and pages them here, in SQL.
//!
//! Whether an issue is claimed depends on the clock only through rule 3 (a claim comment within
//! the claim period), so that rule is applied when the page is read: [`claimed_at!`]. Every
//! other fact is stored. Only tracked, non-archived repositories are listed.

use sqlx::{AnyExecutor, FromRow};

use super::tx::WriteTx;

/// One open newcomer issue's facts, as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct FactsRow {
    pub issue_id: i64,
    pub repo_id: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// Canonical newcomer labels, JSON.
    pub labels: String,
    pub mentor_login: Option<String>,
    pub mentor_source: Option<String>,
    /// JSON list of the logins whose assignment is no claim.
    pub mentors: String,
    pub assigned_claimer: Option<String>,
    pub linked_pr: Option<i64>,
    pub mentor_asked_at: Option<i64>,
    pub mentor_replied_at: Option<i64>,
}

/// A claim comment by someone who is not a maintainer.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ClaimRow {
    pub issue_id: i64,
    pub seq: i64,
    pub login: String,
    pub at: i64,
}

/// An open, labelled issue of one repository, as the facts are computed from.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OpenLabelledRow {
    pub id: i64,
    pub labels: String,
    pub assignees: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The open issues of `repo_id` that carry any label (the caller keeps the newcomer-labelled
/// ones); only those in `only` when given.
pub async fn list_open_labelled<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    only: Option<&[i64]>,
) -> sqlx::Result<Vec<OpenLabelledRow>> {
    let only = only.map(|ids| serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned()));
    crate::db::sql::query_as(
        "SELECT id, labels, assignees, created_at, updated_at FROM issues
         WHERE repo_id = ?1 AND state = 'open' AND is_pull_request = 0 AND labels <> '[]'
           AND (?2 IS NULL OR id IN (SELECT CAST(value AS BIGINT) FROM json_each(?2)))
         ORDER BY id",
    )
    .bind(repo_id)
    .bind(only)
    .fetch_all(ex)
    .await
}

/// What the facts of `repo_id` were computed under besides its rows (newcomer settings and
/// maintainers, as one key); `None` when they never were.
pub async fn get_facts_settings<'e>(ex: impl AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<Option<String>> {
    crate::db::sql::query_scalar("SELECT settings FROM newcomer_facts_state WHERE repo_id = ?")
        .bind(repo_id)
        .fetch_optional(ex)
        .await
}

/// The issues of `repo_id` whose facts may be out of date (marked by triggers; see the
/// migration), in id order.
pub async fn list_dirty_issues<'e>(ex: impl AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<Vec<i64>> {
    crate::db::sql::query_scalar("SELECT issue_id FROM newcomer_dirty WHERE repo_id = ? ORDER BY issue_id")
        .bind(repo_id)
        .fetch_all(ex)
        .await
}

/// Which facts of a repository a write replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace<'a> {
    /// All of them, computed under `settings` (which are recorded).
    Whole { settings: &'a str },
    /// Those of these issues only (under the recorded settings).
    Issues(&'a [i64]),
}

/// Replaces facts of `repo_id` (all of them, or those of some issues) by `facts` and `claims`,
/// and clears the repository's dirty marks: the caller read what it computed from in the same
/// transaction.
pub async fn replace_repo_facts(
    tx: &mut WriteTx,
    repo_id: i64,
    replace: Replace<'_>,
    facts: &[FactsRow],
    claims: &[ClaimRow],
    at: i64,
) -> sqlx::Result<()> {
    match replace {
        Replace::Whole { settings } => {
            for table in ["newcomer_issues", "newcomer_claims"] {
                let sql = format!("DELETE FROM {table} WHERE repo_id = ?");
                crate::db::sql::query(sqlx::AssertSqlSafe(sql)).bind(repo_id).execute(&mut **tx).await?;
            }
            crate::db::sql::query(
                "INSERT INTO newcomer_facts_state (repo_id, settings, built_at) VALUES (?, ?, ?)
                 ON CONFLICT (repo_id) DO UPDATE SET settings = excluded.settings, built_at = excluded.built_at",
            )
            .bind(repo_id)
            .bind(settings)
            .bind(at)
            .execute(&mut **tx)
            .await?;
        }
        Replace::Issues(ids) => {
            let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned());
            for table in ["newcomer_issues", "newcomer_claims"] {
                let sql = format!(
                    "DELETE FROM {table} WHERE repo_id = ?1 AND issue_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?2))"
                );
                crate::db::sql::query(sqlx::AssertSqlSafe(sql)).bind(repo_id).bind(&ids).execute(&mut **tx).await?;
            }
        }
    }
    crate::db::sql::query("DELETE FROM newcomer_dirty WHERE repo_id = ?").bind(repo_id).execute(&mut **tx).await?;
    for f in facts {
        crate::db::sql::query(
            "INSERT INTO newcomer_issues (issue_id, repo_id, created_at, updated_at, labels, mentor_login,
                 mentor_source, mentors, assigned_claimer, linked_pr, mentor_asked_at, mentor_replied_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(f.issue_id)
        .bind(repo_id)
        .bind(f.created_at)
        .bind(f.updated_at)
        .bind(&f.labels)
        .bind(&f.mentor_login)
        .bind(&f.mentor_source)
        .bind(&f.mentors)
        .bind(&f.assigned_claimer)
        .bind(f.linked_pr)
        .bind(f.mentor_asked_at)
        .bind(f.mentor_replied_at)
        .execute(&mut **tx)
        .await?;
    }
    for c in claims {
        crate::db::sql::query("INSERT INTO newcomer_claims (issue_id, repo_id, seq, login, at) VALUES (?, ?, ?, ?, ?)")
            .bind(c.issue_id)
            .bind(repo_id)
            .bind(c.seq)
            .bind(&c.login)
            .bind(c.at)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// What the finder lists: its filters, the clock and the claim period, and the page.
#[derive(Debug, Clone, Default)]
pub struct FinderQuery<'a> {
    pub now: i64,
    /// The claim period in seconds.
    pub claim_secs: i64,
    pub language: Option<&'a str>,
    pub repo: Option<&'a str>,
    pub label: Option<&'a str>,
    /// Only issues updated at or after this time.
    pub updated_since: Option<i64>,
    pub mentored: bool,
    pub show_claimed: bool,
    /// JSON object `{"repo_id": rank}`: order by rank first (lower first), then newest.
    pub ranks: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// Whether the issue aliased `f` is claimed at `?1` with a claim period of `?2` seconds: rules 1
/// and 2 are stored, rule 3 is a claim comment at most `?2` old and not in the future.
macro_rules! claimed_at {
    () => {
        "(f.assigned_claimer IS NOT NULL OR f.linked_pr IS NOT NULL OR EXISTS (
             SELECT 1 FROM newcomer_claims c WHERE c.issue_id = f.issue_id AND c.at BETWEEN ?1 - ?2 AND ?1))"
    };
}

/// The facts of tracked, non-archived repositories that the filters `?3`–`?7` keep (the claim
/// filter aside). The repository test is a list (`+` keeps the planner off the repository index),
/// so a page in newest-first order walks the newest-first index and stops at its last row.
macro_rules! finder_from {
    () => {
        "FROM newcomer_issues f
         WHERE +f.repo_id IN (
             SELECT r.id FROM repositories r
             WHERE r.is_archived = 0 AND r.id IN (SELECT repo_id FROM tracked_repos WHERE repo_id IS NOT NULL)
               AND (?3 IS NULL OR r.language = ?3 COLLATE NOCASE)
               AND (?4 IS NULL OR r.full_name = ?4 COLLATE NOCASE))
           AND (?5 IS NULL OR EXISTS (SELECT 1 FROM json_each(f.labels) l WHERE l.value = ?5))
           AND (?6 IS NULL OR f.updated_at >= ?6)
           AND (?7 = 0 OR f.mentor_login IS NOT NULL)"
    };
}

/// How many issues the filters keep, as `(all, claimed)` (claimed ones counted whatever
/// `show_claimed` says).
pub async fn count_finder<'e>(ex: impl AnyExecutor<'e>, q: &FinderQuery<'_>) -> sqlx::Result<(i64, i64)> {
    let sql = concat!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN ",
        claimed_at!(),
        " THEN 1 ELSE 0 END), 0) AS BIGINT) ",
        finder_from!()
    );
    bind_filters(crate::db::sql::query_as(sql), q).fetch_one(ex).await
}

type FinderStatement<'q, O> = sqlx::query::QueryAs<'q, sqlx::Any, O, <sqlx::Any as sqlx::Database>::Arguments>;

/// Binds `?1`–`?7`: the clock, the claim period and the filters.
fn bind_filters<'q, O>(statement: FinderStatement<'q, O>, q: &'q FinderQuery<'_>) -> FinderStatement<'q, O> {
    statement
        .bind(q.now)
        .bind(q.claim_secs)
        .bind(q.language)
        .bind(q.repo)
        .bind(q.label)
        .bind(q.updated_since)
        .bind(i64::from(q.mentored))
}

/// One listed issue: its facts, with what the page shows of the issue and its repository.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct FinderItemRow {
    #[sqlx(flatten)]
    pub facts: FactsRow,
    pub repo: String,
    pub repo_html_url: String,
    pub language: Option<String>,
    pub number: i64,
    pub title: String,
    /// Every assignee, JSON (abandoned claims skip assigned people).
    pub assignees: String,
    pub author: Option<String>,
}

/// One page of the issues the filters keep (aliased `f`), in `$order`: the inner query picks the
/// page from the facts alone, then the page's rows are joined to their issues.
macro_rules! finder_page {
    ($order:literal) => {
        concat!(
            "SELECT f.*, r.full_name AS repo, r.html_url AS repo_html_url, r.language, i.number, i.title,
                    i.assignees, a.login AS author
             FROM (SELECT f.* ",
            finder_from!(),
            " AND (?8 = 1 OR NOT ",
            claimed_at!(),
            ") ORDER BY ",
            $order,
            " LIMIT ?10 OFFSET ?11) f
             JOIN repositories r ON r.id = f.repo_id
             JOIN issues i ON i.id = f.issue_id
             LEFT JOIN accounts a ON a.id = i.author_id
             ORDER BY ",
            $order
        )
    };
}

/// One page of the issues the filters keep, newest first, or by `ranks` first when given (newest
/// first among equal ranks). Without ranks the newest-first index serves the order, so a page
/// reads its rows, not every match.
pub async fn list_finder_page<'e>(ex: impl AnyExecutor<'e>, q: &FinderQuery<'_>) -> sqlx::Result<Vec<FinderItemRow>> {
    let sql = match q.ranks {
        None => finder_page!("f.created_at DESC, f.issue_id DESC"),
        Some(_) => finder_page!(
            "CAST(json_extract(?9, '$.\"' || f.repo_id || '\"') AS BIGINT) NULLS FIRST, f.created_at DESC, f.issue_id DESC"
        ),
    };
    bind_filters(crate::db::sql::query_as(sql), q)
        .bind(i64::from(q.show_claimed))
        .bind(q.ranks.as_deref())
        .bind(q.limit)
        .bind(q.offset)
        .fetch_all(ex)
        .await
}

/// The stored claim comments of the given issues, in thread order.
pub async fn list_claims<'e>(ex: impl AnyExecutor<'e>, issue_ids: &[i64]) -> sqlx::Result<Vec<ClaimRow>> {
    let ids = serde_json::to_string(issue_ids).unwrap_or_else(|_| "[]".to_owned());
    crate::db::sql::query_as(
        "SELECT issue_id, seq, login, at FROM newcomer_claims
         WHERE issue_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?)) ORDER BY issue_id, seq",
    )
    .bind(ids)
    .fetch_all(ex)
    .await
}

/// A mentor's reply to a newcomer in one listed issue: when they asked, when the mentor answered.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct MentorReplyRow {
    pub mentor_login: String,
    pub asked_at: i64,
    pub replied_at: Option<i64>,
}

/// Every reply of the given mentors (logins lowercased, compared ASCII case-insensitively) in the open newcomer issues of tracked,
/// non-archived repositories where a newcomer spoke.
pub async fn list_mentor_replies<'e>(ex: impl AnyExecutor<'e>, logins: &[&str]) -> sqlx::Result<Vec<MentorReplyRow>> {
    let logins = serde_json::to_string(logins).unwrap_or_else(|_| "[]".to_owned());
    crate::db::sql::query_as(
        "SELECT f.mentor_login, f.mentor_asked_at AS asked_at, f.mentor_replied_at AS replied_at
         FROM newcomer_issues f JOIN repositories r ON r.id = f.repo_id
         WHERE lower(f.mentor_login) IN (SELECT value FROM json_each(?1))
           AND f.mentor_asked_at IS NOT NULL AND f.mentor_login IS NOT NULL
           AND r.is_archived = 0 AND r.id IN (SELECT repo_id FROM tracked_repos WHERE repo_id IS NOT NULL)
         ORDER BY f.issue_id",
    )
    .bind(logins)
    .fetch_all(ex)
    .await
}
