//! Quarantined items: what GitHub sent that could not be read or placed, kept raw with the
//! reason (`migrations/…09_quarantine.sql`). Written by the collector's listing walk and its
//! steps; read by `/status`, `collect --json` and the retry of earlier quarantined comments.

use serde::Serialize;
use sqlx::{AnyExecutor, FromRow};

/// Longest raw JSON kept for one item.
pub const RAW_LIMIT: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct QuarantinedRow {
    pub scope: String,
    pub resource: String,
    pub item_key: String,
    pub reason: String,
    pub raw: String,
    pub first_seen: i64,
    pub last_seen: i64,
}

/// Records (or re-records) an item; `raw` is cut at [`RAW_LIMIT`] bytes on a character boundary.
pub async fn upsert<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    resource: &str,
    item_key: &str,
    reason: &str,
    raw: &str,
    now: i64,
) -> sqlx::Result<()> {
    let mut end = raw.len().min(RAW_LIMIT);
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    crate::db::sql::query(
        "INSERT INTO quarantined_items (scope, resource, item_key, reason, raw, first_seen, last_seen)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (scope, resource, item_key) DO UPDATE SET reason = excluded.reason, raw = excluded.raw,
             last_seen = excluded.last_seen",
    )
    .bind(scope)
    .bind(resource)
    .bind(item_key)
    .bind(reason)
    .bind(&raw[..end])
    .bind(now)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// Removes an item that has now been read or placed.
pub async fn remove<'e>(ex: impl AnyExecutor<'e>, scope: &str, resource: &str, item_key: &str) -> sqlx::Result<()> {
    crate::db::sql::query("DELETE FROM quarantined_items WHERE scope = ? AND resource = ? AND item_key = ?")
        .bind(scope)
        .bind(resource)
        .bind(item_key)
        .execute(ex)
        .await?;
    Ok(())
}

/// The keys quarantined for one step (usually none), so a walk knows which items to release.
pub async fn keys<'e>(ex: impl AnyExecutor<'e>, scope: &str, resource: &str) -> sqlx::Result<Vec<String>> {
    crate::db::sql::query_scalar("SELECT item_key FROM quarantined_items WHERE scope = ? AND resource = ?")
        .bind(scope)
        .bind(resource)
        .fetch_all(ex)
        .await
}

/// Every item quarantined for one step, for a retry from the raw JSON.
pub async fn list_for<'e>(ex: impl AnyExecutor<'e>, scope: &str, resource: &str) -> sqlx::Result<Vec<QuarantinedRow>> {
    crate::db::sql::query_as("SELECT * FROM quarantined_items WHERE scope = ? AND resource = ? ORDER BY item_key")
        .bind(scope)
        .bind(resource)
        .fetch_all(ex)
        .await
}

/// How many items were (re-)quarantined at or after `since` (a run's start).
pub async fn count_since<'e>(ex: impl AnyExecutor<'e>, since: i64) -> sqlx::Result<i64> {
    crate::db::sql::query_scalar("SELECT COUNT(*) FROM quarantined_items WHERE last_seen >= ?")
        .bind(since)
        .fetch_one(ex)
        .await
}

/// The most recently seen quarantined items, newest first.
pub async fn list_recent<'e>(ex: impl AnyExecutor<'e>, limit: i64) -> sqlx::Result<Vec<QuarantinedRow>> {
    crate::db::sql::query_as(
        "SELECT * FROM quarantined_items ORDER BY last_seen DESC, scope, resource, item_key LIMIT ?",
    )
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// All quarantined items in total.
pub async fn count_all<'e>(ex: impl AnyExecutor<'e>) -> sqlx::Result<i64> {
    crate::db::sql::query_scalar("SELECT COUNT(*) FROM quarantined_items").fetch_one(ex).await
}
