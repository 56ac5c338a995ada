//! The run lease: one collector at a time per database (`migrations/…10_run_lease.sql`).
//!
//! [`acquire`] takes the single lease row in one write transaction, the only one at a time
//! (`backend::exclusive`), unless another live process holds it; [`heartbeat`] renews it;
//! [`release`] gives it back. A lease whose heartbeat is older than `stale_secs` belongs to a dead
//! process and is taken over.

use sqlx::{AnyPool, FromRow};

/// The key of the run lease's lock (`backend::exclusive`).
const LEASE_LOCK: i64 = 0x7570_6b65_6570; // "upkeep"

/// Who holds (or wants) the lease.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct LeaseRow {
    pub holder: String,
    pub pid: i64,
    pub host: String,
    pub started_at: i64,
    pub heartbeat_at: i64,
}

/// What [`acquire`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acquired {
    /// The lease is ours; `from_dead` names a holder whose heartbeat had stopped.
    Taken { from_dead: Option<LeaseRow> },
    /// Another live process holds it.
    Held(LeaseRow),
}

/// Takes the lease unless another holder is alive: its heartbeat is recent and `dead` (a check
/// the caller can make, such as "that process is gone from this host") does not say otherwise.
pub async fn acquire(
    pool: &AnyPool,
    me: &LeaseRow,
    now: i64,
    stale_secs: i64,
    dead: impl Fn(&LeaseRow) -> bool,
) -> sqlx::Result<Acquired> {
    let mut tx = super::backend::begin_write(pool).await?;
    super::backend::exclusive(&mut tx, LEASE_LOCK).await?;
    let current: Option<LeaseRow> =
        crate::db::sql::query_as("SELECT holder, pid, host, started_at, heartbeat_at FROM run_lease WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(other) = &current
        && other.holder != me.holder
        && other.heartbeat_at >= now - stale_secs
        && !dead(other)
    {
        return Ok(Acquired::Held(other.clone()));
    }
    crate::db::sql::query(
        "INSERT INTO run_lease (id, holder, pid, host, started_at, heartbeat_at) VALUES (1, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, host = excluded.host,
             started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at",
    )
    .bind(&me.holder)
    .bind(me.pid)
    .bind(&me.host)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Acquired::Taken { from_dead: current.filter(|c| c.holder != me.holder) })
}

/// Renews the lease; `false` when it is no longer ours (another process took it over).
pub async fn heartbeat(pool: &AnyPool, holder: &str, now: i64) -> sqlx::Result<bool> {
    let done = crate::db::sql::query("UPDATE run_lease SET heartbeat_at = ? WHERE id = 1 AND holder = ?")
        .bind(now)
        .bind(holder)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn release(pool: &AnyPool, holder: &str) -> sqlx::Result<()> {
    crate::db::sql::query("DELETE FROM run_lease WHERE id = 1 AND holder = ?").bind(holder).execute(pool).await?;
    Ok(())
}

/// The current holder, if any (for `/status`).
pub async fn current(pool: &AnyPool) -> sqlx::Result<Option<LeaseRow>> {
    crate::db::sql::query_as("SELECT holder, pid, host, started_at, heartbeat_at FROM run_lease WHERE id = 1")
        .fetch_optional(pool)
        .await
}
