//! Where the two stores differ, in one place: which backend a database URL names, how each
//! backend's connections are set up, how a write transaction starts and is made the only one
//! ([`exclusive`]), and whether a PostgreSQL database orders text as SQLite does ([`text_order`]).
//!
//! Every statement elsewhere in `db/` is written once, in SQL both SQLite and PostgreSQL accept,
//! and runs through sqlx's `Any` driver. What cannot be written once lives here.

use std::path::{Path, PathBuf};

use sqlx::Executor;

/// The database engine behind a pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the data lives: a SQLite file, or a PostgreSQL database named by a URL.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    /// A `postgres://` URL as given (it may carry a password: never log it, use
    /// [`Location::redacted`]).
    Postgres(String),
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Location {
    pub fn backend(&self) -> Backend {
        match self {
            Location::Sqlite(_) => Backend::Sqlite,
            Location::Postgres(_) => Backend::Postgres,
        }
    }

    /// Reads a database URL: `sqlite://PATH` (or `sqlite:PATH`), `postgres://…` or
    /// `postgresql://…`. Anything else is refused with a message naming the accepted forms.
    pub fn parse(url: &str) -> Result<Location, String> {
        let url = url.trim();
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err("a sqlite:// URL needs a file path, e.g. sqlite://upkeep.db".into());
            }
            return Ok(Location::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let parsed = url::Url::parse(url).map_err(|e| format!("not a valid PostgreSQL URL: {e}"))?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err("a postgres:// URL needs a host, e.g. postgres://upkeep@localhost/upkeep".into());
            }
            if parsed.path().trim_start_matches('/').is_empty() {
                return Err("a postgres:// URL needs a database name, e.g. postgres://upkeep@localhost/upkeep".into());
            }
            return Ok(Location::Postgres(url.to_owned()));
        }
        Err("expected sqlite://PATH or postgres://USER@HOST/DATABASE".into())
    }

    /// The location for messages and logs: a SQLite path, or the URL without its password.
    pub fn redacted(&self) -> String {
        match self {
            Location::Sqlite(path) => path.display().to_string(),
            Location::Postgres(url) => match url::Url::parse(url) {
                Ok(mut parsed) => {
                    if parsed.password().is_some() {
                        let _ = parsed.set_password(Some("***"));
                    }
                    parsed.to_string()
                }
                Err(_) => "postgres://…".to_owned(),
            },
        }
    }

    /// The SQLite file, when this is one.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Location::Sqlite(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }
}

/// Each backend's migrations, embedded at compile time: the same versions in both folders, and
/// the same tables, columns, keys and triggers (`.ci/schema-parity.py` checks).
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
pub(crate) static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The migrations of `backend`'s schema.
pub fn migrator(backend: Backend) -> &'static sqlx::migrate::Migrator {
    match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    }
}

/// The newest migration this build knows for `backend` (both folders hold the same versions).
pub fn latest_migration(backend: Backend) -> i64 {
    migrator(backend).iter().map(|m| m.version).max().unwrap_or(0)
}

/// Opens a pool of `max_connections` on `location` for `role`, each connection set up by
/// [`set_up`]. It runs no migration ([`super::Db::connect`] does).
pub(crate) async fn pool_for(
    location: &Location,
    role: Role,
    options: sqlx::any::AnyPoolOptions,
) -> sqlx::Result<sqlx::AnyPool> {
    let connect = connect_options(location, role)?;
    let backend = location.backend();
    options
        .after_connect(move |conn, _| Box::pin(async move { set_up(conn, backend, role).await }))
        .connect_with(connect)
        .await
}

/// As [`pool_for`], one connection, for bulk reads and writes (`db copy`). sqlx's statement log
/// is off (with its warning about slow statements), since a statement that writes thousands of
/// rows is slow by design and the warning would print all of its text. A SQLite reader does not
/// map the file: a read of every table would touch all of it, and the mapped pages would count in
/// the process's memory as if the copy held them.
pub(crate) async fn bulk_pool_for(location: &Location, role: Role) -> sqlx::Result<sqlx::AnyPool> {
    use sqlx::ConnectOptions;
    let connect = connect_options(location, role)?.disable_statement_logging();
    let backend = location.backend();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                set_up(conn, backend, role).await?;
                if (backend, role) == (Backend::Sqlite, Role::Reader) {
                    conn.execute("PRAGMA mmap_size = 0").await?;
                }
                Ok(())
            })
        })
        .connect_with(connect)
        .await
}

/// After a bulk write: PostgreSQL's planner needs statistics of the new rows (autovacuum gathers
/// them only after a while, and until then it may plan a join of a few thousand rows as a scan of
/// a whole table), so `ANALYZE` them. SQLite's statements do not use statistics (Upkeep never runs
/// its `ANALYZE`), so nothing is done there.
pub async fn analyze(conn: &mut sqlx::AnyConnection) -> sqlx::Result<()> {
    if backend_of(conn) == Backend::Postgres {
        crate::db::sql::query("ANALYZE").execute(conn).await?;
    }
    Ok(())
}

/// As [`analyze`], for `tables` only, inside the transaction that filled them: PostgreSQL's
/// `ANALYZE` samples the transaction's own new rows, so the statements after it in the same
/// transaction are planned for them. Without it, a repository's first rollup planned the join of
/// its 182,173 person-weeks with `repo_people` on statistics from before the insert and took
/// 534 s at `large` (the same statement takes well under a second once planned for the rows).
pub async fn analyze_tables(conn: &mut sqlx::AnyConnection, tables: &[&'static str]) -> sqlx::Result<()> {
    if backend_of(conn) == Backend::Postgres && !tables.is_empty() {
        let sql = format!("ANALYZE {}", tables.join(", "));
        crate::db::sql::query(sqlx::AssertSqlSafe(sql)).execute(conn).await?;
    }
    Ok(())
}

fn connect_options(location: &Location, role: Role) -> sqlx::Result<sqlx::any::AnyConnectOptions> {
    sqlx::any::install_default_drivers();
    let url = match location {
        Location::Sqlite(path) => sqlite_url(path, role).map_err(sqlx::Error::Io)?,
        Location::Postgres(url) => url.clone(),
    };
    url.parse()
}

/// How a connection is used: the collector's read-write pool or the web server's readers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Writer,
    Reader,
}

/// How much of the database file the web server's readers ask to map into memory (past it, they
/// read). SQLite caps the mapping at its build limit, `SQLITE_MAX_MMAP_SIZE` (2 GiB in the
/// bundled library: `PRAGMA mmap_size` answers 2147418112), so a bigger file is mapped in part.
pub(super) const READER_MMAP_BYTES: u64 = 4 << 30;

/// The URL sqlx's `Any` driver opens a SQLite file with: an absolute, percent-encoded path, so
/// no character of a file name is read as part of the URL, created if missing for the writer
/// and opened read-only for readers.
pub fn sqlite_url(path: &Path, role: Role) -> std::io::Result<String> {
    let absolute = std::path::absolute(path)?;
    let file = url::Url::from_file_path(&absolute)
        .map_err(|()| std::io::Error::other(format!("{} is not a usable file path", absolute.display())))?;
    let mode = match role {
        Role::Writer => "rwc",
        Role::Reader => "ro",
    };
    // `file:///a%20b.db` → `sqlite:///a%20b.db?mode=…` (sqlx decodes the path).
    Ok(format!("sqlite://{}?mode={mode}", file.path()))
}

/// The settings every new connection gets before its first statement.
///
/// SQLite:
/// - WAL (set once, by the writer; it is a property of the file): readers (web pages) never block
///   the writer (collector) and vice versa;
/// - `synchronous = NORMAL`: durable across application crashes in WAL mode; only an OS crash can
///   lose the last transactions, which the next sync re-fetches anyway;
/// - a 30 s busy timeout: the collector holds short write transactions (one page); readers wait
///   that long;
/// - foreign keys off (the collector writes children before parents within a page);
/// - `temp_store = FILE`: rollup rebuilds sort hundreds of thousands of rows, and spill those
///   sorts to temporary files past the page cache rather than hold them in memory;
/// - 8 MB of page cache per connection;
/// - readers map the file (see [`READER_MMAP_BYTES`]): through `read()`, each page missing from a
///   connection's small cache costs a system call and a copy, most of a cold render. Mapped, a
///   page the process has touched once costs nothing more; the mapping is the OS's page cache,
///   shared by the connections. Read-only connections only: the writer keeps `read()`, whose
///   errors are reported rather than raised as signals.
///
/// PostgreSQL: UTC, so nothing depends on the server's time zone (timestamps are stored as unix
/// seconds in both backends anyway).
pub async fn set_up(conn: &mut sqlx::AnyConnection, backend: Backend, role: Role) -> sqlx::Result<()> {
    let statements: &[&str] = match (backend, role) {
        (Backend::Sqlite, Role::Writer) => &[
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA busy_timeout = 30000",
            "PRAGMA foreign_keys = OFF",
            "PRAGMA temp_store = FILE",
            "PRAGMA cache_size = -8000",
        ],
        (Backend::Sqlite, Role::Reader) => &[
            "PRAGMA busy_timeout = 30000",
            "PRAGMA foreign_keys = OFF",
            "PRAGMA temp_store = FILE",
            "PRAGMA cache_size = -8000",
        ],
        (Backend::Postgres, _) => &["SET TIME ZONE 'UTC'"],
    };
    for statement in statements {
        conn.execute(*statement).await?;
    }
    if (backend, role) == (Backend::Sqlite, Role::Reader) {
        conn.execute(sqlx::AssertSqlSafe(format!("PRAGMA mmap_size = {READER_MMAP_BYTES}"))).await?;
    }
    Ok(())
}

/// The statement that opens a write transaction: SQLite takes the write lock up front
/// (`IMMEDIATE`), so a transaction that reads first never fails on a lock upgrade; PostgreSQL's
/// row locks need no such thing.
pub fn begin_write_statement(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "BEGIN IMMEDIATE",
        Backend::Postgres => "BEGIN",
    }
}

/// Makes the write transaction on `conn` the only one, among all processes, that holds `key`
/// until it ends. On SQLite the transaction already is the only writer (`BEGIN IMMEDIATE`); on
/// PostgreSQL, where writers run side by side, it takes a transaction-scoped advisory lock, so a
/// read-then-write (the run lease) cannot interleave with another process's.
pub async fn exclusive(conn: &mut sqlx::AnyConnection, key: i64) -> sqlx::Result<()> {
    if conn.backend_name() == "PostgreSQL" {
        crate::db::sql::query("SELECT pg_advisory_xact_lock(?)").bind(key).execute(&mut *conn).await?;
    }
    Ok(())
}

/// On PostgreSQL, the database's collation when it is not byte order (`C` or `POSIX`), which is
/// how SQLite orders text (`None` on SQLite, and for a byte-order database).
pub async fn text_order(pool: &sqlx::AnyPool) -> sqlx::Result<Option<String>> {
    if of(pool) != Backend::Postgres {
        return Ok(None);
    }
    let collation: String = crate::db::sql::query_scalar(
        "SELECT CAST(datcollate AS TEXT) FROM pg_database WHERE datname = current_database()",
    )
    .fetch_one(pool)
    .await?;
    Ok((!matches!(collation.as_str(), "C" | "POSIX")).then_some(collation))
}

/// The tables that have a column named `column`, by name, from the backend's own catalog (the
/// purge tests check that a deleted repository leaves no row in any of them).
pub async fn tables_with_column(pool: &sqlx::AnyPool, column: &str) -> sqlx::Result<Vec<String>> {
    let catalog = match of(pool) {
        Backend::Sqlite => {
            "SELECT m.name FROM sqlite_master m
             WHERE m.type = 'table' AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = ?)
             ORDER BY m.name"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.columns
             WHERE table_schema = current_schema() AND column_name = ? ORDER BY 1"
        }
    };
    crate::db::sql::query_scalar(catalog).bind(column).fetch_all(pool).await
}

/// The backend a pool's connections go to.
pub fn of(pool: &sqlx::AnyPool) -> Backend {
    match pool.connect_options().database_url.scheme() {
        "sqlite" => Backend::Sqlite,
        _ => Backend::Postgres,
    }
}

/// Starts a write transaction on `pool` ([`begin_write_statement`]).
pub async fn begin_write(pool: &sqlx::AnyPool) -> sqlx::Result<super::WriteTx> {
    pool.begin_with(begin_write_statement(of(pool))).await
}

/// Whether `e` is PostgreSQL giving up a transaction that ran into another's (a deadlock,
/// `40P01`, or a serialization failure, `40001`): the work is sound and succeeds when tried again.
pub fn is_transient(e: &sqlx::Error) -> bool {
    e.as_database_error().and_then(|d| d.code()).is_some_and(|code| code == "40P01" || code == "40001")
}

/// The backend a connection talks to.
pub fn backend_of(conn: &sqlx::AnyConnection) -> Backend {
    match conn.backend_name() {
        "PostgreSQL" => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}
