//! Activity under issues and pull requests: conversation comments, reviews, review comments,
//! plus releases. All upserts are keyed by GitHub ids; comments,
//! review comments and reviews are written a page at a time, in one statement (a JSON array of
//! rows read with `json_each`), since one statement per row made the collector wait mostly on
//! round trips to SQLite's thread.

use sqlx::AnyExecutor;

/// The last entry of each key, in the order those entries came: what a page (or a batch of
/// pages) that lists an item twice leaves after writing it one entry at a time. A listing can
/// repeat an item when it moves between pages; PostgreSQL refuses to update one row twice in a
/// statement, so the bulk upserts write only these.
pub(crate) fn last_per_key<T, K: std::hash::Hash + Eq>(rows: &[T], key: impl Fn(&T) -> K) -> Vec<&T> {
    let last: std::collections::HashMap<K, usize> = rows.iter().enumerate().map(|(i, r)| (key(r), i)).collect();
    rows.iter().enumerate().filter(|(i, r)| last.get(&key(r)) == Some(i)).map(|(_, r)| r).collect()
}

/// The rows as one JSON array of arrays, for `INSERT … SELECT value->>0, … FROM json_each(?)`.
pub(crate) fn rows_json<T: serde::Serialize>(rows: &[T]) -> sqlx::Result<String> {
    serde_json::to_string(rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommentRow {
    pub id: i64,
    pub repo_id: i64,
    pub issue_number: i64,
    pub author_id: Option<i64>,
    pub author_association: String,
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn upsert_comment<'e>(ex: impl AnyExecutor<'e>, c: &CommentRow) -> sqlx::Result<()> {
    upsert_comments(ex, std::slice::from_ref(c)).await
}

pub async fn upsert_comments<'e>(ex: impl AnyExecutor<'e>, rows: &[CommentRow]) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let tuples: Vec<_> = last_per_key(rows, |c| c.id)
        .into_iter()
        .map(|c| (c.id, c.repo_id, c.issue_number, c.author_id, &c.author_association, c.created_at, c.updated_at))
        .collect();
    crate::db::sql::query(
        "INSERT INTO comments (id, repo_id, issue_number, author_id, author_association, created_at, updated_at)
         SELECT CAST(value->>0 AS BIGINT), CAST(value->>1 AS BIGINT), CAST(value->>2 AS BIGINT), CAST(value->>3 AS BIGINT), value->>4, CAST(value->>5 AS BIGINT), CAST(value->>6 AS BIGINT) FROM json_each(?) WHERE true
         ON CONFLICT (id) DO UPDATE SET repo_id = excluded.repo_id, issue_number = excluded.issue_number,
             author_id = excluded.author_id, author_association = excluded.author_association,
             created_at = excluded.created_at, updated_at = excluded.updated_at",
    )
    .bind(rows_json(&tuples)?)
    .execute(ex)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewCommentRow {
    pub id: i64,
    pub repo_id: i64,
    pub pr_number: i64,
    pub review_id: Option<i64>,
    pub author_id: Option<i64>,
    pub author_association: String,
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn upsert_review_comments<'e>(ex: impl AnyExecutor<'e>, rows: &[ReviewCommentRow]) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let tuples: Vec<_> = last_per_key(rows, |c| c.id)
        .into_iter()
        .map(|c| {
            (c.id, c.repo_id, c.pr_number, c.review_id, c.author_id, &c.author_association, c.created_at, c.updated_at)
        })
        .collect();
    crate::db::sql::query(
        "INSERT INTO review_comments (id, repo_id, pr_number, review_id, author_id, author_association, created_at, updated_at)
         SELECT CAST(value->>0 AS BIGINT), CAST(value->>1 AS BIGINT), CAST(value->>2 AS BIGINT), CAST(value->>3 AS BIGINT), CAST(value->>4 AS BIGINT), value->>5, CAST(value->>6 AS BIGINT), CAST(value->>7 AS BIGINT)
         FROM json_each(?) WHERE true
         ON CONFLICT (id) DO UPDATE SET repo_id = excluded.repo_id, pr_number = excluded.pr_number,
             review_id = excluded.review_id, author_id = excluded.author_id,
             author_association = excluded.author_association, created_at = excluded.created_at,
             updated_at = excluded.updated_at",
    )
    .bind(rows_json(&tuples)?)
    .execute(ex)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    pub id: i64,
    pub repo_id: i64,
    pub pr_number: i64,
    pub author_id: Option<i64>,
    pub author_association: String,
    pub state: String,
    pub submitted_at: Option<i64>,
}

pub async fn upsert_review<'e>(ex: impl AnyExecutor<'e>, r: &ReviewRow) -> sqlx::Result<()> {
    upsert_reviews(ex, std::slice::from_ref(r)).await
}

pub async fn upsert_reviews<'e>(ex: impl AnyExecutor<'e>, rows: &[ReviewRow]) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let tuples: Vec<_> = last_per_key(rows, |r| r.id)
        .into_iter()
        .map(|r| (r.id, r.repo_id, r.pr_number, r.author_id, &r.author_association, &r.state, r.submitted_at))
        .collect();
    crate::db::sql::query(
        "INSERT INTO reviews (id, repo_id, pr_number, author_id, author_association, state, submitted_at)
         SELECT CAST(value->>0 AS BIGINT), CAST(value->>1 AS BIGINT), CAST(value->>2 AS BIGINT), CAST(value->>3 AS BIGINT), value->>4, value->>5, CAST(value->>6 AS BIGINT) FROM json_each(?) WHERE true
         ON CONFLICT (id) DO UPDATE SET repo_id = excluded.repo_id, pr_number = excluded.pr_number,
             author_id = excluded.author_id, author_association = excluded.author_association,
             state = excluded.state, submitted_at = excluded.submitted_at",
    )
    .bind(rows_json(&tuples)?)
    .execute(ex)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseRow {
    pub id: i64,
    pub repo_id: i64,
    pub tag_name: String,
    pub name: Option<String>,
    pub draft: bool,
    pub prerelease: bool,
    pub author_id: Option<i64>,
    pub created_at: i64,
    pub published_at: Option<i64>,
}

pub async fn upsert_release<'e>(ex: impl AnyExecutor<'e>, r: &ReleaseRow) -> sqlx::Result<()> {
    crate::db::sql::query(
        "INSERT INTO releases (id, repo_id, tag_name, name, draft, prerelease, author_id, created_at, published_at)
         VALUES (?,?,?,?,?,?,?,?,?)
         ON CONFLICT (id) DO UPDATE SET repo_id = excluded.repo_id, tag_name = excluded.tag_name,
             name = excluded.name, draft = excluded.draft, prerelease = excluded.prerelease,
             author_id = excluded.author_id, created_at = excluded.created_at, published_at = excluded.published_at",
    )
    .bind(r.id)
    .bind(r.repo_id)
    .bind(&r.tag_name)
    .bind(&r.name)
    .bind(i64::from(r.draft))
    .bind(i64::from(r.prerelease))
    .bind(r.author_id)
    .bind(r.created_at)
    .bind(r.published_at)
    .execute(ex)
    .await?;
    Ok(())
}
