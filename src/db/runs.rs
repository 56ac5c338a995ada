//! The collector's own record: one row per run, one per (run, scope, resource); and the settings
//! of the connections a run writes through ([`tune_for_sync`]).

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, PartialEq, FromRow, serde::Serialize)]
pub struct RunRow {
    pub id: i64,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub status: String,
    pub trigger: String,
    pub repos: i64,
    pub requests: i64,
    pub not_modified: i64,
    pub items_written: i64,
    pub error: Option<String>,
    /// While the run waits for the rate limit: until when (unix seconds).
    pub waiting_until: Option<i64>,
}

/// Page cache of each of the collector's connections while it syncs, in KiB. A sync inserts into
/// indexes spread over the whole file (comments by author, by issue, by time): with the default
/// 8 MB most of those inserts first read their page back from the file.
pub const SYNC_CACHE_KIB: i64 = 16 * 1024;
/// WAL frames (pages) before a commit copies them into the database file. A sync rewrites the
/// same index pages in many short transactions; checkpointing every 4 MB (SQLite's default)
/// copied and flushed each of them again and again.
pub const SYNC_AUTOCHECKPOINT_PAGES: i64 = 16_000;

/// Sets the sync's page cache and checkpoint interval on every connection of the collector's
/// pool (they are per connection). The pool's connections are all taken for a moment (one busy
/// for over a second is left as it is); a connection opened later keeps SQLite's defaults, which
/// are slower but as safe: durability (`synchronous`) is not touched, so a killed sync loses no
/// committed transaction. SQLite only.
pub async fn tune_for_sync(pool: &sqlx::AnyPool) -> sqlx::Result<()> {
    // PostgreSQL's cache and checkpoints are the server's, not the connection's.
    if super::backend::of(pool) != super::Backend::Sqlite {
        return Ok(());
    }
    let mut held = Vec::new();
    for _ in 0..pool.options().get_max_connections() {
        match tokio::time::timeout(std::time::Duration::from_secs(1), pool.acquire()).await {
            Ok(conn) => held.push(conn?),
            Err(_) => break,
        }
    }
    for conn in &mut held {
        let cache = format!("PRAGMA cache_size = -{SYNC_CACHE_KIB}");
        crate::db::sql::query(sqlx::AssertSqlSafe(cache)).execute(&mut **conn).await?;
        let checkpoint = format!("PRAGMA wal_autocheckpoint = {SYNC_AUTOCHECKPOINT_PAGES}");
        crate::db::sql::query(sqlx::AssertSqlSafe(checkpoint)).execute(&mut **conn).await?;
    }
    Ok(())
}

/// Opens a run. The caller closes runs a killed process left `running` first
/// ([`close_interrupted_runs`]).
pub async fn start_run<'e>(ex: impl AnyExecutor<'e>, trigger: &str, now: i64) -> sqlx::Result<i64> {
    start_run_as(ex, trigger, now, None).await
}

/// Opens a run, recording which process holds it and its round (`db::rounds`), if any.
pub async fn start_run_as<'e>(
    ex: impl AnyExecutor<'e>,
    trigger: &str,
    now: i64,
    held: Option<(&super::lease::LeaseRow, Option<i64>)>,
) -> sqlx::Result<i64> {
    let (me, round) = held.map_or((None, None), |(me, round)| (Some(me), round));
    crate::db::sql::query_scalar(
        "INSERT INTO sync_runs (started_at, status, trigger, round_id, holder, pid, host, heartbeat_at)
         VALUES (?, 'running', ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(now)
    .bind(trigger)
    .bind(round)
    .bind(me.map(|m| m.holder.as_str()))
    .bind(me.map(|m| m.pid))
    .bind(me.map(|m| m.host.as_str()))
    .bind(me.map(|_| now))
    .fetch_one(ex)
    .await
}

/// Closes runs left `running` by a process that died: one with no recorded holder or heartbeat
/// (written before several collectors could share a database), one whose heartbeat is older than
/// `stale_secs`, and one that `dead` (given its host and pid) says is gone.
pub async fn close_interrupted_runs(
    pool: &sqlx::AnyPool,
    now: i64,
    stale_secs: i64,
    dead: impl Fn(&str, i64) -> bool,
) -> sqlx::Result<u64> {
    #[derive(FromRow)]
    struct Running {
        id: i64,
        host: Option<String>,
        pid: Option<i64>,
        heartbeat_at: Option<i64>,
    }
    let running: Vec<Running> =
        crate::db::sql::query_as("SELECT id, host, pid, heartbeat_at FROM sync_runs WHERE status = 'running'")
            .fetch_all(pool)
            .await?;
    let mut closed = 0;
    for Running { id, host, pid, heartbeat_at } in running {
        let gone = match (host, pid, heartbeat_at) {
            (Some(host), Some(pid), Some(beat)) => beat < now - stale_secs || dead(&host, pid),
            _ => true,
        };
        if gone {
            closed += crate::db::sql::query(
                "UPDATE sync_runs SET status = 'interrupted', error = 'the process stopped before the run finished',
                     waiting_until = NULL
                 WHERE id = ? AND status = 'running'",
            )
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected();
        }
    }
    Ok(closed)
}

pub struct RunTotals<'a> {
    pub status: &'a str,
    pub repos: i64,
    pub requests: i64,
    pub not_modified: i64,
    pub items_written: i64,
    pub error: Option<&'a str>,
}

pub async fn finish_run<'e>(ex: impl AnyExecutor<'e>, id: i64, t: &RunTotals<'_>, now: i64) -> sqlx::Result<()> {
    crate::db::sql::query(
        "UPDATE sync_runs SET finished_at = ?, status = ?, repos = ?, requests = ?, not_modified = ?,
             items_written = ?, error = ?, waiting_until = NULL WHERE id = ?",
    )
    .bind(now)
    .bind(t.status)
    .bind(t.repos)
    .bind(t.requests)
    .bind(t.not_modified)
    .bind(t.items_written)
    .bind(t.error)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, FromRow, serde::Serialize)]
pub struct RunResourceRow {
    pub run_id: i64,
    pub scope: String,
    pub resource: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub status: String,
    pub requests: i64,
    pub not_modified: i64,
    pub items_written: i64,
    pub error: Option<String>,
}

pub async fn record_run_resource<'e>(ex: impl AnyExecutor<'e>, r: &RunResourceRow) -> sqlx::Result<()> {
    crate::db::sql::query(
        "INSERT INTO sync_run_resources (run_id, scope, resource, started_at, finished_at, status, requests,
             not_modified, items_written, error) VALUES (?,?,?,?,?,?,?,?,?,?)
         ON CONFLICT (run_id, scope, resource) DO UPDATE SET finished_at = excluded.finished_at,
             status = excluded.status, requests = excluded.requests, not_modified = excluded.not_modified,
             items_written = excluded.items_written, error = excluded.error",
    )
    .bind(r.run_id)
    .bind(&r.scope)
    .bind(&r.resource)
    .bind(r.started_at)
    .bind(r.finished_at)
    .bind(&r.status)
    .bind(r.requests)
    .bind(r.not_modified)
    .bind(r.items_written)
    .bind(&r.error)
    .execute(ex)
    .await?;
    Ok(())
}

/// Records that a run waits for the rate limit until `until` (`None`: no longer waiting).
pub async fn set_waiting<'e>(ex: impl AnyExecutor<'e>, run_id: i64, until: Option<i64>) -> sqlx::Result<()> {
    crate::db::sql::query("UPDATE sync_runs SET waiting_until = ? WHERE id = ?")
        .bind(until)
        .bind(run_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Items written by every step of a run, failed repositories' finished steps included.
pub async fn items_written_in_run<'e>(ex: impl AnyExecutor<'e>, run_id: i64) -> sqlx::Result<i64> {
    crate::db::sql::query_scalar(
        "SELECT CAST(COALESCE(SUM(items_written), 0) AS BIGINT) FROM sync_run_resources WHERE run_id = ?",
    )
    .bind(run_id)
    .fetch_one(ex)
    .await
}

pub async fn list_recent_runs<'e>(ex: impl AnyExecutor<'e>, limit: i64) -> sqlx::Result<Vec<RunRow>> {
    crate::db::sql::query_as("SELECT * FROM sync_runs ORDER BY id DESC LIMIT ?").bind(limit).fetch_all(ex).await
}

pub async fn list_run_resources<'e>(ex: impl AnyExecutor<'e>, run_id: i64) -> sqlx::Result<Vec<RunResourceRow>> {
    crate::db::sql::query_as("SELECT * FROM sync_run_resources WHERE run_id = ? ORDER BY scope, started_at, resource")
        .bind(run_id)
        .fetch_all(ex)
        .await
}

/// True once at least one run has finished (the overview then lists repositories).
pub async fn has_finished_run<'e>(ex: impl AnyExecutor<'e>) -> sqlx::Result<bool> {
    crate::db::sql::query_scalar::<crate::db::Flag>(
        "SELECT EXISTS (SELECT 1 FROM sync_runs WHERE finished_at IS NOT NULL)",
    )
    .fetch_one(ex)
    .await
    .map(bool::from)
}

/// Per final status: how many runs, and their summed requests, 304s and items.
#[derive(Debug, Clone, FromRow)]
pub struct RunStatusTotals {
    pub status: String,
    pub runs: i64,
    pub requests: i64,
    pub not_modified: i64,
    pub items_written: i64,
}

pub async fn run_totals<'e>(ex: impl AnyExecutor<'e>) -> sqlx::Result<Vec<RunStatusTotals>> {
    crate::db::sql::query_as(
        "SELECT status, COUNT(*) AS runs, CAST(SUM(requests) AS BIGINT) AS requests,
                CAST(SUM(not_modified) AS BIGINT) AS not_modified, CAST(SUM(items_written) AS BIGINT) AS items_written
         FROM sync_runs GROUP BY status ORDER BY status",
    )
    .fetch_all(ex)
    .await
}

pub async fn count_failed_steps<'e>(ex: impl AnyExecutor<'e>) -> sqlx::Result<i64> {
    crate::db::sql::query_scalar("SELECT COUNT(*) FROM sync_run_resources WHERE status = 'failed'").fetch_one(ex).await
}

/// Changes whenever a sync run starts or finishes and whenever a repository's sync records its
/// outcome (its last write, even in a run that never finishes): pages cached under an older value
/// are stale. One row read by key: the counter the triggers of migration 29 move in the same
/// transaction as those writes (0 before the first).
pub async fn data_version<'e>(ex: impl AnyExecutor<'e>) -> sqlx::Result<i64> {
    crate::db::sql::query_scalar("SELECT COALESCE((SELECT n FROM data_generation WHERE id = 1), 0)").fetch_one(ex).await
}
