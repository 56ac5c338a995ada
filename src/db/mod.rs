//! The SQLite store: pool, pragmas, migrations, and (in the submodules) every SQL statement.
//!
//! One file per table or concern; functions are generic over the executor so they run on the
//! pool or inside a transaction. Nothing outside `db/` writes SQL. Timestamps are unix seconds.
//! Writers use `BEGIN IMMEDIATE` transactions (see [`Db::begin_write`]) so concurrent readers
//! (the web server) never make a writer fail on a lock upgrade.

// The rules the SQL applies (response, maintainer, unanswered), as macros every statement uses.
#[macro_use]
mod rules;
pub mod accounts;
pub mod activity;
pub mod commits;
// Its macros (each row's columns) are shared with `slices`.
#[macro_use]
pub mod dashboard;
pub mod digest;
pub mod funding;
pub mod issues;
pub mod lease;
pub mod ledger;
pub mod newcomer_facts;
pub mod newcomers;
pub mod quarantine;
// Its macro (an issue span's columns) is shared with `slices`.
#[macro_use]
pub mod report;
pub mod repos;
pub mod responses;
pub mod rollups;
pub mod runs;
pub mod slices;
pub mod sync_state;
mod tx;

use std::{path::Path, str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

pub use sqlx::SqlitePool as Pool;

pub use tx::WriteTx;

/// A handle on the database (cheap to clone). The collector writes through the pool
/// [`Db::open`] returns; the web server reads through its own read-only pools ([`Db::reader`]), so
/// a sync never makes a page wait for a connection.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: SqlitePool,
    /// The options the pool was opened with, so [`Db::reader`] opens the same file.
    options: SqliteConnectOptions,
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
pub async fn is_reachable(pool: &sqlx::SqlitePool) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(pool).await.is_ok()
}

/// How much of the database file the web server's readers ask to map into memory (past it, they
/// read). SQLite caps the mapping at its build limit, `SQLITE_MAX_MMAP_SIZE` (2 GiB in the
/// bundled library: `PRAGMA mmap_size` answers 2147418112), so a bigger file is mapped in part.
const READER_MMAP_BYTES: u64 = 4 << 30;

impl Db {
    /// Opens (creating if needed) the database file and runs pending migrations, with the
    /// collector's pool (the web server opens its own with [`Db::reader`]).
    pub async fn open(path: &Path) -> anyhow::Result<Db> {
        Self::open_with(path, 2).await
    }

    /// As [`Db::open`] with `max_connections` connections. The collector uses 2: it reads and
    /// writes serially, and every extra connection costs a page cache and a worker thread.
    pub async fn open_with(path: &Path, max_connections: u32) -> anyhow::Result<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating the database folder {}", dir.display()))?;
        }
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            // WAL: readers (web pages) never block the writer (collector) and vice versa.
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose
            // the last transactions, which the next sync re-fetches anyway.
            .synchronous(SqliteSynchronous::Normal)
            // The collector holds short write transactions (one page); readers wait that long.
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(false)
            // Rollup rebuilds sort hundreds of thousands of rows: let SQLite spill those sorts to
            // temporary files past the page cache rather than hold them in memory.
            .pragma("temp_store", "file")
            // 8 MB of page cache per connection (4 connections).
            .pragma("cache_size", "-8000");
        // Two processes opening a fresh database at once (serve's scheduler and a cron collect)
        // would both switch it to WAL ("database is locked") and create the tables: one opens
        // and migrates at a time, under a lock file beside it.
        let _migrating = migration_lock(path).await?;
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .connect_with(options.clone())
            .await
            // One message, naming the file once (sqlx's own error repeats its cause as a source).
            .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", path.display()))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| anyhow::anyhow!("cannot update the database {} to this version: {e}", path.display()))?;
        // A database from before the week slices gets them once, here, so pages never read a
        // repository without them.
        let built = slices::build_missing(&pool)
            .await
            .map_err(|e| anyhow::anyhow!("cannot update the database {} to this version: {e}", path.display()))?;
        if built > 0 {
            tracing::info!("built the week slices of {built} repositories");
        }
        Ok(Db { pool, options })
    }

    /// A second, read-only pool of `max_connections` on the same (already migrated) database:
    /// the web server's, so pages never queue behind the collector's connections. In WAL mode
    /// its readers never block the writer, nor it them.
    pub async fn reader(&self, max_connections: u32) -> anyhow::Result<Db> {
        // Pages read rows scattered over the whole file (a repository's open items, its people):
        // through `read()` each page missing from a connection's small cache costs a system call
        // and a copy, most of a cold render. Mapped, a page the process has touched once costs
        // nothing more; the mapping is shared by the pool's connections and is the OS's page
        // cache, not the process's own memory. Read-only connections only: the writer keeps
        // `read()`, whose errors are reported rather than raised as signals.
        let options = self
            .options
            .clone()
            .read_only(true)
            .create_if_missing(false)
            .pragma("mmap_size", READER_MMAP_BYTES.to_string());
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            // Every connection stays open: opening one (its thread, its pragmas) costs
            // milliseconds, which the first pages would otherwise pay.
            .min_connections(max_connections)
            .max_lifetime(None)
            .idle_timeout(None)
            // Pages are short reads: a page that cannot get a connection in 10 s fails clearly.
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
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
        Ok(Db { pool, options })
    }

    /// Starts a write transaction that takes the write lock up front.
    pub async fn begin_write(&self) -> sqlx::Result<WriteTx> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }
}

#[cfg(test)]
mod tests;
