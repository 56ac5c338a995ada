//! Reads behind a grant page: the issues and pull requests its milestones reference (by number,
//! GitHub milestone title or label) in one repository, who reviewed them and who closed them.
//! Bounded: at most [`MAX_GRANT_ITEMS`] items per repository, and the caller reports when the
//! bound is hit. Also the collector's side of "who closed it" (`github::sync::closers`): which
//! referenced closed issues need asking, and storing the answers.

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
    /// Who closed the issue, known only while it is closed by the closure the closer was read
    /// for (never an old closer of a reopened issue); `None` also when GitHub said null.
    pub closed_by: Option<String>,
}

/// The statement text that picks a grant's items of repository `?1`: number in `?2`, GitHub
/// milestone title in `?3`, a label in `?4` (case-insensitive); each a JSON array. One home for
/// the page's reads and the collector's.
macro_rules! grant_item_match {
    () => {
        "i.repo_id = ?1
           AND (i.number IN (SELECT CAST(value AS BIGINT) FROM json_each(?2))
                OR i.milestone IN (SELECT value FROM json_each(?3))
                OR EXISTS (SELECT 1 FROM json_each(i.labels) l
                           WHERE lower(l.value) IN (SELECT lower(w.value) FROM json_each(?4) w)))"
    };
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
    crate::db::sql::query_as(concat!(
        "SELECT i.number, i.is_pull_request, i.title, i.state, i.closed_at, i.merged_at, i.milestone, i.labels,
                a.login AS author, m.login AS merged_by, c.login AS closed_by
         FROM issues i
         LEFT JOIN accounts a ON a.id = i.author_id
         LEFT JOIN accounts m ON m.id = i.merged_by_id
         LEFT JOIN accounts c ON c.id = i.closed_by_id AND i.state = 'closed' AND i.closed_by_at = i.closed_at
         WHERE ",
        grant_item_match!(),
        " ORDER BY i.number
         LIMIT ?5"
    ))
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

/// A closed issue a grant references whose closer the collector should ask for, with what was
/// stored from the last answer.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CloserToAsk {
    pub number: i64,
    /// The issue's `updated_at` now: stored as checked once the answer is in.
    pub updated_at: i64,
    /// The last answer's ETag, if there was one (sent as `If-None-Match`).
    pub etag: Option<String>,
    /// True when never asked or changed since (`updated_at` moved); false for an unchanged issue
    /// whose closer GitHub said was null, asked again only with its ETag (a free `304`).
    #[sqlx(try_from = "crate::db::Flag")]
    pub changed: bool,
}

/// The closed issues (not pull requests) of `repo_id` that the references name (as in
/// [`list_grant_items`]) whose closer must be asked: never asked or changed since the last
/// answer first, then unchanged ones whose closer was null and whose answer has an ETag (asked
/// again with it: a free `304`); each group by number; at most `limit`. Not listed: a closed issue
/// whose closer was read at its current `updated_at`, or that answered 404 then (no ETag, so a
/// request would cost quota; it is asked again when it changes).
pub async fn list_closers_to_ask<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    numbers: &str,
    milestones: &str,
    labels: &str,
    limit: i64,
) -> sqlx::Result<Vec<CloserToAsk>> {
    crate::db::sql::query_as(concat!(
        "SELECT i.number, i.updated_at, i.closed_by_etag AS etag,
                CAST(CASE WHEN i.closed_by_checked IS NULL OR i.closed_by_checked <> i.updated_at THEN 1 ELSE 0 END AS BIGINT)
                    AS changed
         FROM issues i
         WHERE i.state = 'closed' AND i.is_pull_request = 0
           AND (i.closed_by_checked IS NULL OR i.closed_by_checked <> i.updated_at
                OR (i.closed_by_id IS NULL AND i.closed_by_etag IS NOT NULL))
           AND ",
        grant_item_match!(),
        " ORDER BY CASE WHEN i.closed_by_checked IS NULL OR i.closed_by_checked <> i.updated_at THEN 0 ELSE 1 END,
                   i.number
         LIMIT ?5"
    ))
    .bind(repo_id)
    .bind(numbers)
    .bind(milestones)
    .bind(labels)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// What GitHub's single-issue answer said of who closed issue `number` of `repo_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloserAnswer {
    /// The closer's account id (the account is stored first); `None` when GitHub said null or
    /// the issue is open again.
    pub closed_by_id: Option<i64>,
    /// The `closed_at` of the answer: the closure that closer made.
    pub closed_at: Option<i64>,
    pub etag: Option<String>,
}

/// Stores a fresh answer for issue `number`, marked as read at the issue's `updated_at` of
/// `checked` (what the store held when it was asked).
pub async fn save_closer<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    number: i64,
    answer: &CloserAnswer,
    checked: i64,
) -> sqlx::Result<()> {
    crate::db::sql::query(
        "UPDATE issues SET closed_by_id = ?3, closed_by_at = ?4, closed_by_etag = ?5, closed_by_checked = ?6
         WHERE repo_id = ?1 AND number = ?2",
    )
    .bind(repo_id)
    .bind(number)
    .bind(answer.closed_by_id)
    .bind(answer.closed_at)
    .bind(&answer.etag)
    .bind(checked)
    .execute(ex)
    .await?;
    Ok(())
}

/// Marks issue `number` as read at `checked` without changing its stored closer (GitHub
/// answered `304`: nothing changed since the stored answer).
pub async fn mark_closer_checked<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    number: i64,
    checked: i64,
) -> sqlx::Result<()> {
    crate::db::sql::query("UPDATE issues SET closed_by_checked = ?3 WHERE repo_id = ?1 AND number = ?2")
        .bind(repo_id)
        .bind(number)
        .bind(checked)
        .execute(ex)
        .await?;
    Ok(())
}

/// Forgets the closer of every issue of `repo_id` that is open again (reopened since it was
/// read); returns how many. (Reads already ignore it; this keeps the store from holding it.)
pub async fn clear_reopened_closers<'e>(ex: impl AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<u64> {
    let done = crate::db::sql::query(
        "UPDATE issues SET closed_by_id = NULL, closed_by_at = NULL, closed_by_etag = NULL, closed_by_checked = NULL
         WHERE repo_id = ?1 AND state = 'open' AND (closed_by_id IS NOT NULL OR closed_by_checked IS NOT NULL)",
    )
    .bind(repo_id)
    .execute(ex)
    .await?;
    Ok(done.rows_affected())
}
