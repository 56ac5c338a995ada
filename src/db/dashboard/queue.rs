//! The scope-wide reads beside the window's rows: the unanswered queue and its count, release
//! times, and the weekly contribution totals the lifecycle rule reads.

use sqlx::{AnyExecutor, FromRow};

/// An open item nobody but its author (or a bot) has answered: what a maintainer acts on.
#[derive(Debug, Clone, PartialEq, FromRow, serde::Serialize)]
pub struct UnansweredRow {
    pub repo: String,
    pub repo_html_url: String,
    pub number: i64,
    pub title: String,
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_pull_request: bool,
    pub created_at: i64,
    pub author: Option<String>,
    #[sqlx(try_from = "crate::db::Flag")]
    pub author_is_bot: bool,
    pub labels: String,
}

/// Oldest first. Draft pull requests are not waiting on anyone and are left out.
pub async fn list_unanswered<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    include_bots: bool,
    limit: i64,
) -> sqlx::Result<Vec<UnansweredRow>> {
    crate::db::sql::query_as(concat!(
        "SELECT r.full_name AS repo, r.html_url AS repo_html_url, i.number, i.title, i.is_pull_request,
                    i.created_at, a.login AS author, COALESCE(a.is_bot, 0) AS author_is_bot, i.labels
             FROM issues i JOIN repositories r ON r.id = i.repo_id LEFT JOIN accounts a ON a.id = i.author_id ",
        unanswered_where!(),
        " ORDER BY i.created_at, i.id LIMIT ?3"
    ))
    .bind(scope)
    .bind(i64::from(include_bots))
    .bind(limit)
    .fetch_all(ex)
    .await
}

pub async fn count_unanswered<'e>(ex: impl AnyExecutor<'e>, scope: &str, include_bots: bool) -> sqlx::Result<i64> {
    crate::db::sql::query_scalar(concat!(
        "SELECT COUNT(*) FROM issues i LEFT JOIN accounts a ON a.id = i.author_id ",
        unanswered_where!()
    ))
    .bind(scope)
    .bind(i64::from(include_bots))
    .fetch_one(ex)
    .await
}

/// Publication times of the scope's releases (drafts excluded), oldest first.
pub async fn list_release_times<'e>(ex: impl AnyExecutor<'e>, scope: &str) -> sqlx::Result<Vec<i64>> {
    crate::db::sql::query_scalar(
        "SELECT COALESCE(published_at, created_at) FROM releases
         WHERE repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND draft = 0 ORDER BY 1",
    )
    .bind(scope)
    .fetch_all(ex)
    .await
}

/// Human contributions per week over the scope, from `since` on (for the lifecycle rule).
#[derive(Debug, Clone, FromRow)]
pub struct WeekTotalRow {
    pub week: i64,
    pub contributions: i64,
}

pub async fn list_week_totals<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    since: i64,
) -> sqlx::Result<Vec<WeekTotalRow>> {
    crate::db::sql::query_as(
        "SELECT week, CAST(SUM(contributions) AS BIGINT) AS contributions FROM repo_weeks
         WHERE repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND week >= ?2
         GROUP BY week ORDER BY week",
    )
    .bind(scope)
    .bind(since)
    .fetch_all(ex)
    .await
}
