//! Reads behind a grant page: the issues and pull requests its milestones reference (by number,
//! GitHub milestone title or label) in one repository, and who reviewed them. Bounded: at most
//! [`MAX_GRANT_ITEMS`] items per repository, and the caller reports when the bound is hit.

use sqlx::{AnyExecutor, FromRow};

/// The most items read per repository for one grant page.
pub const MAX_GRANT_ITEMS: i64 = 2_000;

/// An issue or pull request referenced by a grant, with its author's and merger's logins.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct GrantItemRow {
    pub number: i64,
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_pull_request: bool,
    pub title: String,
    pub state: String,
    pub closed_at: Option<i64>,
    pub merged_at: Option<i64>,
    pub milestone: Option<String>,
    /// JSON array of label names.
    pub labels: String,
    pub author: Option<String>,
    pub merged_by: Option<String>,
}

/// The items of repository `repo_id` whose number is in `numbers`, whose GitHub milestone title is
/// in `milestones`, or that carry a label in `labels` (case-insensitive); each argument a JSON
/// array. In number order, at most `limit`.
pub async fn list_grant_items<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    numbers: &str,
    milestones: &str,
    labels: &str,
    limit: i64,
) -> sqlx::Result<Vec<GrantItemRow>> {
    crate::db::sql::query_as(
        "SELECT i.number, i.is_pull_request, i.title, i.state, i.closed_at, i.merged_at, i.milestone, i.labels,
                a.login AS author, m.login AS merged_by
         FROM issues i
         LEFT JOIN accounts a ON a.id = i.author_id
         LEFT JOIN accounts m ON m.id = i.merged_by_id
         WHERE i.repo_id = ?1
           AND (i.number IN (SELECT CAST(value AS BIGINT) FROM json_each(?2))
                OR i.milestone IN (SELECT value FROM json_each(?3))
                OR EXISTS (SELECT 1 FROM json_each(i.labels) l
                           WHERE lower(l.value) IN (SELECT lower(w.value) FROM json_each(?4) w)))
         ORDER BY i.number
         LIMIT ?5",
    )
    .bind(repo_id)
    .bind(numbers)
    .bind(milestones)
    .bind(labels)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// `(pull request number, reviewer login)` for the pull requests `numbers` (a JSON array) of
/// `repo_id`: each reviewer once per pull request, in order of their first submitted review.
/// Pending reviews are not reviews yet.
pub async fn list_item_reviewers<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    numbers: &str,
) -> sqlx::Result<Vec<(i64, String)>> {
    crate::db::sql::query_as(
        "SELECT r.pr_number, a.login
         FROM reviews r JOIN accounts a ON a.id = r.author_id
         WHERE r.repo_id = ?1 AND r.state <> 'PENDING'
           AND r.pr_number IN (SELECT CAST(value AS BIGINT) FROM json_each(?2))
         GROUP BY r.pr_number, a.login
         ORDER BY r.pr_number, MIN(r.submitted_at), a.login",
    )
    .bind(repo_id)
    .bind(numbers)
    .fetch_all(ex)
    .await
}
