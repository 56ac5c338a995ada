//! Reads behind the funder pages (`/funding`, the ledger and the impact report) that the
//! collector's own funding queries in [`super::funding`] do not cover: the latest Sponsors
//! snapshot of many logins at once, each funding step's latest outcome (for "stale" marks), and
//! the outputs of a period for the impact report.

use sqlx::{AnyExecutor, FromRow};

use super::funding::SponsorsSnapshotRow;

/// The collector's funding resources, as recorded in `sync_run_resources`.
pub const FUNDING_RESOURCES: [&str; 5] = ["funding", "sponsorable", "manifest", "funding_yml", "open_collective"];

/// The latest attempt of one funding step for one repository that did something (skipped
/// attempts, inside the refresh interval, are not outcomes).
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct StepOutcomeRow {
    pub resource: String,
    pub status: String,
    pub started_at: i64,
    pub error: Option<String>,
}

/// Each funding resource's latest non-skipped outcome for `scope` (the repository's configured
/// name, as the collector records it).
pub async fn latest_funding_outcomes<'e>(ex: impl AnyExecutor<'e>, scope: &str) -> sqlx::Result<Vec<StepOutcomeRow>> {
    crate::db::sql::query_as(
        "SELECT resource, status, started_at, error FROM (
             SELECT resource, status, started_at, error,
                    ROW_NUMBER() OVER (PARTITION BY resource ORDER BY run_id DESC) AS rn
             FROM sync_run_resources
             WHERE scope = ?1 COLLATE NOCASE
               AND resource IN (SELECT value FROM json_each(?2))
               AND status <> 'skipped') AS latest
         WHERE rn = 1 ORDER BY resource",
    )
    .bind(scope)
    .bind(serde_json::json!(FUNDING_RESOURCES).to_string())
    .fetch_all(ex)
    .await
}

/// The latest Sponsors snapshot of each login in `logins` (a JSON array) that has one.
pub async fn latest_sponsors_snapshots<'e>(
    ex: impl AnyExecutor<'e>,
    logins: &str,
) -> sqlx::Result<Vec<SponsorsSnapshotRow>> {
    crate::db::sql::query_as(
        "SELECT s.* FROM sponsors_snapshots s
         JOIN (SELECT login, MAX(fetched_at) AS fetched_at FROM sponsors_snapshots
               WHERE login COLLATE NOCASE IN (SELECT value FROM json_each(?1)) GROUP BY login) l
           ON l.login = s.login AND l.fetched_at = s.fetched_at
         ORDER BY s.login",
    )
    .bind(logins)
    .fetch_all(ex)
    .await
}
