//! Per-scope, per-resource sync state: the watermark, the probe ETag, the last success.
//!
//! The collector moves a watermark only after every page of that resource is stored, so a sync
//! killed halfway restarts from the last complete position and upserts make re-seen items harmless.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, Default, PartialEq, FromRow)]
pub struct SyncState {
    pub watermark: Option<i64>,
    pub etag: Option<String>,
    pub last_success_at: Option<i64>,
}

pub async fn get_sync_state<'e>(ex: impl AnyExecutor<'e>, scope: &str, resource: &str) -> sqlx::Result<SyncState> {
    let row = crate::db::sql::query_as(
        "SELECT watermark, etag, last_success_at FROM sync_state WHERE scope = ? AND resource = ?",
    )
    .bind(scope)
    .bind(resource)
    .fetch_optional(ex)
    .await?;
    Ok(row.unwrap_or_default())
}

/// Records a completed pass over a resource. `None` keeps the stored watermark or ETag.
pub async fn save_sync_state<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    resource: &str,
    watermark: Option<i64>,
    etag: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    crate::db::sql::query(
        "INSERT INTO sync_state (scope, resource, watermark, etag, last_success_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (scope, resource) DO UPDATE SET
             watermark = COALESCE(excluded.watermark, sync_state.watermark),
             etag = COALESCE(excluded.etag, sync_state.etag),
             last_success_at = excluded.last_success_at",
    )
    .bind(scope)
    .bind(resource)
    .bind(watermark)
    .bind(etag)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// Forgets a resource's state everywhere, so the next sync rebuilds it from scratch (e.g. derived
/// facts and rollups after the bot rules changed).
pub async fn reset_resource_everywhere<'e>(ex: impl AnyExecutor<'e>, resource: &str) -> sqlx::Result<()> {
    crate::db::sql::query("DELETE FROM sync_state WHERE resource = ?").bind(resource).execute(ex).await?;
    Ok(())
}
