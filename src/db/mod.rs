//! The store (SQLite, or PostgreSQL at scale): pools, migrations, and (in the submodules) every SQL
//! statement.
//!
//! One file per table or concern; functions are generic over the executor so they run on the
//! pool or inside a transaction. Nothing outside `db/` writes SQL, and each statement is one text
//! for both backends ([`sql`]; what differs is in `backend.rs`, and for whole-table copies in `backend_bulk.rs`). Timestamps are unix seconds.
//! On SQLite, writers use `BEGIN IMMEDIATE` transactions (see [`Db::begin_write`]) so concurrent
//! readers (the web server) never make a writer fail on a lock upgrade.

// The rules the SQL applies (response, maintainer, unanswered), as macros every statement uses.
#[macro_use]
mod rules;
pub mod accounts;
pub mod activity;
pub(super) mod backend;
pub(super) mod backend_bulk;
pub mod catalog;
pub mod commits;
pub mod copy;
mod flag;
mod laps;
// Its macros (each row's columns) are shared with `slices`.
#[macro_use]
pub mod dashboard;
pub mod digest;
pub mod funding;
pub mod grants;
pub mod issues;
pub mod lease;
pub mod ledger;
pub mod milestones;
pub mod newcomer_facts;
pub mod newcomers;
mod order;
pub mod profiles;
pub mod quarantine;
// Its macro (an issue span's columns) is shared with `slices`.
#[macro_use]
pub mod report;
pub mod repos;
pub mod responses;
pub mod rollups;
pub mod rounds;
pub mod runs;
pub mod self_declared;
pub mod slices;
pub mod sql;
pub mod sync_state;
mod tx;

use std::{path::Path, time::Duration};

use anyhow::Context;
use sqlx::{AnyPool, any::AnyPoolOptions};

pub use sqlx::AnyPool as Pool;

pub(crate) use backend::POSTGRES_MIGRATIONS;
pub use backend::{Backend, Location, is_transient, tables_with_column};
use backend::{Role, pool_for};
pub use flag::Flag;
pub use tx::WriteTx;

/// A handle on the database (cheap to clone). The collector writes through the pool
/// [`Db::open`] returns; the web server reads through its own read-only pools ([`Db::reader`]), so
/// a sync never makes a page wait for a connection.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    /// Where the pool's connections go, so [`Db::reader`] opens the same database.
    location: Location,
}

/// How long a process waits for another one to finish migrating the same database.
const MIGRATION_WAIT: Duration = Duration::from_secs(60);

/// An exclusive lock on `{database}.lock` (an advisory `flock`, not SQLite's own locks), held
/// while migrations run; released when the returned file is dropped.
async fn migration_lock(path: &Path) -> anyhow::Result<std::fs::File> {
    let lock_path = std::path::PathBuf::from(format!("{}.lock", path.display()));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("creating the lock file {}", lock_path.display()))?;
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < MIGRATION_WAIT => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                anyhow::bail!(
                    "cannot update the database {}: another process has been updating it for over a minute \
                     (lock file {})",
                    path.display(),
                    lock_path.display()
                )
            }
            Err(std::fs::TryLockError::Error(e)) => {
                anyhow::bail!("cannot lock {} to update the database: {e}", lock_path.display())
            }
        }
    }
}

/// Whether the database answers a trivial query (the liveness probe, `/healthz`).
pub async fn is_reachable(pool: &sqlx::AnyPool) -> bool {
    crate::db::sql::query_scalar::<i64>("SELECT 1").fetch_one(pool).await.is_ok()
}

/// How many repositories a collector's run syncs at once on `backend` (its workers, side by
/// side in one task; the client still sends one request at a time).
/// - SQLite: one. Its one writer and the collector's one connection (below) leave another
///   repository nothing to do meanwhile but wait: two at once measured no faster.
/// - PostgreSQL: two, whose transactions proceed side by side.
pub fn collector_workers(backend: Backend) -> u32 {
    match backend {
        Backend::Sqlite => 1,
        Backend::Postgres => 2,
    }
}

/// The collector's pool on `backend`.
/// - SQLite: one connection. SQLite has one writer anyway, and a connection's page cache is
///   dropped whenever another connection commits, so alternating connections re-read the file
///   for transaction after transaction. The run's heartbeat queues for the one connection (sqlx
///   gives up after 30 s and the next beat tries again, well within the lease's 90 s).
/// - PostgreSQL: two per worker ([`collector_workers`]: a page's transaction, and the accounts
///   it names, written beside it in a short transaction of their own), plus one, so the
///   heartbeat never waits for a long transaction. With fewer, two workers' transactions could
///   each wait for the connection the other holds.
pub fn collector_connections(backend: Backend) -> u32 {
    match backend {
        Backend::Sqlite => 1,
        Backend::Postgres => 2 * collector_workers(backend) + 1,
    }
}

impl Db {
    /// Opens (creating if needed) the database file and runs pending migrations, with the
    /// collector's pool (the web server opens its own with [`Db::reader`]).
    pub async fn open(path: &Path) -> anyhow::Result<Db> {
        Self::open_with(path, collector_connections(Backend::Sqlite)).await
    }

    /// As [`Db::open`] with `max_connections` connections.
    pub async fn open_with(path: &Path, max_connections: u32) -> anyhow::Result<Db> {
        Self::connect(&Location::Sqlite(path.to_owned()), max_connections).await
    }

    /// Opens the database at `location` (creating a SQLite file if needed) with the collector's
    /// pool of `max_connections`, and runs pending migrations.
    pub async fn connect(location: &Location, max_connections: u32) -> anyhow::Result<Db> {
        let shown = location.redacted();
        if location.backend() == Backend::Postgres {
            tracing::warn!(
                "PostgreSQL support is a preview: every test that touches the database passes on it, but parts of \
                 running at scale are not ready yet (README, \"Running at scale\")"
            );
        }
        // Two processes opening a fresh database at once (serve's scheduler and a cron collect)
        // would both switch it to WAL ("database is locked") and create the tables: one opens
        // and migrates at a time, under a lock file beside it.
        let _migrating = match location.sqlite_path() {
            Some(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating the database folder {}", dir.display()))?;
                }
                Some(migration_lock(path).await?)
            }
            None => None,
        };
        let pool = pool_for(location, Role::Writer, AnyPoolOptions::new().max_connections(max_connections))
            .await
            // One message, naming the database once (sqlx's own error repeats its cause as a source).
            .map_err(|e| anyhow::anyhow!("cannot open the database {shown}: {e}"))?;
        let migrated = backend::migrator(location.backend()).run(&pool).await;
        migrated.map_err(|e| anyhow::anyhow!("cannot update the database {shown} to this version: {e}"))?;
        if let Some(collation) = backend::text_order(&pool).await? {
            tracing::warn!(
                "the database {shown} sorts text by the collation {collation}, not byte by byte as SQLite does: \
                 lists ordered by name may come out in another order; create it with LC_COLLATE 'C'"
            );
        }
        // A database from before the week slices gets them once, here, so pages never read a
        // repository without them.
        let built = slices::build_missing(&pool)
            .await
            .map_err(|e| anyhow::anyhow!("cannot update the database {shown} to this version: {e}"))?;
        if built > 0 {
            tracing::info!("built the week slices of {built} repositories");
        }
        Ok(Db { pool, location: location.clone() })
    }

    /// The engine behind this database.
    pub fn backend(&self) -> Backend {
        self.location.backend()
    }

    /// Where this database is (its `redacted` form is safe to show).
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// A second, read-only pool of `max_connections` on the same (already migrated) database:
    /// the web server's, so pages never queue behind the collector's connections. In WAL mode
    /// its readers never block the writer, nor it them.
    pub async fn reader(&self, max_connections: u32) -> anyhow::Result<Db> {
        let options = AnyPoolOptions::new()
            .max_connections(max_connections)
            // Every connection stays open: opening one (its thread, its pragmas) costs
            // milliseconds, which the first pages would otherwise pay.
            .min_connections(max_connections)
            .max_lifetime(None)
            .idle_timeout(None)
            // Pages are short reads: a page that cannot get a connection in 10 s fails clearly.
            .acquire_timeout(Duration::from_secs(10));
        let pool = pool_for(&self.location, Role::Reader, options)
            .await
            .map_err(|e| anyhow::anyhow!("cannot open the database for reading: {e}"))?;
        // Opened now, all of them, rather than by the pool's background task while the first
        // pages are already waiting.
        let mut opened = Vec::with_capacity(max_connections as usize);
        for _ in 0..max_connections {
            opened
                .push(pool.acquire().await.map_err(|e| anyhow::anyhow!("cannot open the database for reading: {e}"))?);
        }
        drop(opened);
        Ok(Db { pool, location: self.location.clone() })
    }

    /// Starts a write transaction; on SQLite it takes the write lock up front.
    pub async fn begin_write(&self) -> sqlx::Result<WriteTx> {
        backend::begin_write(&self.pool).await
    }
}

#[cfg(test)]
mod tests;
