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

/// How a column's values are read, bound and compared across the backends (see
/// [`value_kind`]). `Other` is a type neither backend's schema uses today (PostgreSQL's
/// `numeric`, `jsonb`, …): read as its text, written back through a cast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Integer,
    Real,
    Text,
    Blob,
    Boolean,
    Other(String),
}

/// The kind of a column declared with `declared` (SQLite's declared type, which gives its
/// affinity; PostgreSQL's `format_type`).
pub fn value_kind(backend: Backend, declared: &str) -> ValueKind {
    let upper = declared.to_ascii_uppercase();
    match backend {
        // SQLite's affinity rules, in their order (https://sqlite.org/datatype3.html, 3.1).
        Backend::Sqlite if upper.contains("INT") => ValueKind::Integer,
        Backend::Sqlite if ["CHAR", "CLOB", "TEXT"].iter().any(|t| upper.contains(t)) => ValueKind::Text,
        Backend::Sqlite if upper.contains("BLOB") || upper.is_empty() => ValueKind::Blob,
        Backend::Sqlite if ["REAL", "FLOA", "DOUB"].iter().any(|t| upper.contains(t)) => ValueKind::Real,
        Backend::Sqlite => ValueKind::Other(declared.to_owned()),
        Backend::Postgres => match declared {
            "bigint" | "integer" | "smallint" => ValueKind::Integer,
            "real" | "double precision" => ValueKind::Real,
            "text" | "name" => ValueKind::Text,
            _ if declared.starts_with("character") => ValueKind::Text,
            "bytea" => ValueKind::Blob,
            "boolean" => ValueKind::Boolean,
            _ => ValueKind::Other(declared.to_owned()),
        },
    }
}

/// `"name"`: an identifier quoted for both backends.
pub fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// How a column is selected so that sqlx's `Any` driver can decode it: as it is, except on
/// PostgreSQL a boolean as 0/1 and a type `Any` does not know as its text.
pub fn select_expression(backend: Backend, column: &str, kind: &ValueKind) -> String {
    let name = quoted(column);
    match (backend, kind) {
        (Backend::Postgres, ValueKind::Boolean) => format!("CAST({name} AS INTEGER) AS {name}"),
        (Backend::Postgres, ValueKind::Other(_)) => format!("CAST({name} AS TEXT) AS {name}"),
        _ => name,
    }
}

/// The placeholder a value of a column of `kind` is inserted through: `?`, or on PostgreSQL a
/// cast from what [`select_expression`] gives back to the column's type.
pub fn insert_placeholder(backend: Backend, kind: &ValueKind) -> String {
    match (backend, kind) {
        (Backend::Postgres, ValueKind::Boolean) => "CAST(CAST(? AS INTEGER) AS BOOLEAN)".to_owned(),
        (Backend::Postgres, ValueKind::Other(declared)) => format!("CAST(? AS {declared})"),
        _ => "?".to_owned(),
    }
}

/// How many placeholders a statement that writes many rows at once carries at most. PostgreSQL's
/// protocol counts them in 16 bits (65,535). SQLite allows 32,766, but reads `$N` as a named
/// parameter, looked up among those before it, so preparing a statement costs the square of its
/// placeholders: a 13-column insert with 32,751 took 1.5 s, against milliseconds with 999.
pub fn placeholders_per_statement(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 999,
        Backend::Postgres => 65_535,
    }
}

/// The statement that opens a read-only transaction whose reads all see one moment: SQLite's
/// deferred transaction takes its snapshot at the first read (in WAL mode writers go on);
/// PostgreSQL needs `REPEATABLE READ` for one snapshot across statements.
pub fn begin_snapshot_statement(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "BEGIN",
        Backend::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    }
}

/// One column of a table, from the backend's catalog: (table, column, declared type, position
/// in the primary key or 0), every table but sqlx's `_sqlx_migrations` and SQLite's own, in
/// table then column order.
pub async fn catalog_columns(conn: &mut sqlx::AnyConnection) -> sqlx::Result<Vec<(String, String, String, i64)>> {
    let sql = match backend_of(conn) {
        Backend::Sqlite => {
            "SELECT m.name, c.name, c.type, c.pk
             FROM sqlite_master m JOIN pragma_table_info(m.name) c
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name <> '_sqlx_migrations'
             ORDER BY m.name, c.cid"
        }
        Backend::Postgres => {
            "SELECT CAST(t.relname AS TEXT), CAST(a.attname AS TEXT), format_type(a.atttypid, a.atttypmod),
                    CAST(COALESCE(array_position(k.conkey, a.attnum), 0) AS BIGINT)
             FROM pg_class t
             JOIN pg_namespace n ON n.oid = t.relnamespace
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
             LEFT JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype = 'p'
             WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') AND t.relname <> '_sqlx_migrations'
             ORDER BY t.relname, a.attnum"
        }
    };
    crate::db::sql::query_as(sql).fetch_all(conn).await
}

/// The foreign keys between tables, from the backend's catalog: (table, the table it
/// references). (The schema declares none on PostgreSQL and SQLite does not enforce its own, but
/// a copy still writes parents first.)
pub async fn catalog_references(conn: &mut sqlx::AnyConnection) -> sqlx::Result<Vec<(String, String)>> {
    let sql = match backend_of(conn) {
        Backend::Sqlite => {
            "SELECT DISTINCT m.name, f.\"table\"
             FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
             ORDER BY 1, 2"
        }
        Backend::Postgres => {
            "SELECT DISTINCT CAST(c.relname AS TEXT), CAST(p.relname AS TEXT)
             FROM pg_constraint k
             JOIN pg_class c ON c.oid = k.conrelid
             JOIN pg_class p ON p.oid = k.confrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE k.contype = 'f' AND n.nspname = current_schema()
             ORDER BY 1, 2"
        }
    };
    crate::db::sql::query_as(sql).fetch_all(conn).await
}

/// The newest migration applied to the database on `conn`, with the number of failed ones;
/// `None` when it has no `_sqlx_migrations` table (not an Upkeep database, or an empty one).
pub async fn applied_migrations(conn: &mut sqlx::AnyConnection) -> sqlx::Result<Option<(i64, i64)>> {
    let exists = match backend_of(conn) {
        Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        Backend::Postgres => {
            "SELECT COUNT(*) FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE n.nspname = current_schema() AND t.relname = '_sqlx_migrations'"
        }
    };
    if crate::db::sql::query_scalar::<i64>(exists).fetch_one(&mut *conn).await? == 0 {
        return Ok(None);
    }
    let (newest, failed): (Option<i64>, i64) = crate::db::sql::query_as(
        "SELECT MAX(version), COUNT(*) - COUNT(CASE WHEN success THEN 1 END) FROM _sqlx_migrations",
    )
    .fetch_one(conn)
    .await?;
    Ok(Some((newest.unwrap_or(0), failed)))
}

/// Triggers switched off by [`suspend_triggers`], and how to switch them back on.
#[derive(Debug)]
pub struct SuspendedTriggers {
    restore: Vec<String>,
}

/// Switches off every trigger of the schema inside the transaction on `conn`, so that rows
/// written as they are (a copy) do not also write marks: on PostgreSQL `ALTER TABLE … DISABLE
/// TRIGGER` each enabled one; SQLite has no such switch, so each is dropped, its `CREATE TRIGGER`
/// text kept for [`restore_triggers`]. Both are undone by a rollback.
pub async fn suspend_triggers(conn: &mut sqlx::AnyConnection) -> sqlx::Result<SuspendedTriggers> {
    let mut restore = Vec::new();
    match backend_of(conn) {
        Backend::Sqlite => {
            let triggers: Vec<(String, String)> = crate::db::sql::query_as(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL ORDER BY name",
            )
            .fetch_all(&mut *conn)
            .await?;
            for (name, create) in triggers {
                let drop = format!("DROP TRIGGER {}", quoted(&name));
                crate::db::sql::query(sqlx::AssertSqlSafe(drop)).execute(&mut *conn).await?;
                restore.push(create);
            }
        }
        Backend::Postgres => {
            let triggers: Vec<(String, String)> = crate::db::sql::query_as(
                "SELECT CAST(c.relname AS TEXT), CAST(t.tgname AS TEXT)
                 FROM pg_trigger t
                 JOIN pg_class c ON c.oid = t.tgrelid
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND n.nspname = current_schema()
                 ORDER BY 1, 2",
            )
            .fetch_all(&mut *conn)
            .await?;
            for (table, name) in triggers {
                let (table, name) = (quoted(&table), quoted(&name));
                let disable = format!("ALTER TABLE {table} DISABLE TRIGGER {name}");
                crate::db::sql::query(sqlx::AssertSqlSafe(disable)).execute(&mut *conn).await?;
                restore.push(format!("ALTER TABLE {table} ENABLE TRIGGER {name}"));
            }
        }
    }
    Ok(SuspendedTriggers { restore })
}

/// Switches the triggers [`suspend_triggers`] switched off back on, as they were.
pub async fn restore_triggers(conn: &mut sqlx::AnyConnection, suspended: SuspendedTriggers) -> sqlx::Result<()> {
    for statement in suspended.restore {
        crate::db::sql::query(sqlx::AssertSqlSafe(statement)).execute(&mut *conn).await?;
    }
    Ok(())
}

/// On PostgreSQL, moves every sequence that numbers a column (identity or serial: `sync_runs.id`,
/// `sync_rounds.id`) past the largest value stored, so that the next row the database numbers
/// does not collide with a row copied in with its id. Returns the columns it moved. SQLite needs
/// nothing: it numbers from the largest rowid stored (and `AUTOINCREMENT` keeps that number in
/// `sqlite_sequence`, which every insert updates).
pub async fn reset_sequences(conn: &mut sqlx::AnyConnection) -> sqlx::Result<Vec<(String, String)>> {
    if backend_of(conn) == Backend::Sqlite {
        return Ok(Vec::new());
    }
    let numbered: Vec<(String, String)> = crate::db::sql::query_as(
        "SELECT CAST(t.relname AS TEXT), CAST(a.attname AS TEXT)
         FROM pg_class t
         JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p')
           AND pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(t.relname), a.attname) IS NOT NULL
         ORDER BY 1, 2",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (table, column) in &numbered {
        let sql = format!(
            "SELECT CAST(setval(pg_get_serial_sequence(?, ?), MAX({column})) AS BIGINT) FROM {table}",
            column = quoted(column),
            table = quoted(table),
        );
        crate::db::sql::query(sqlx::AssertSqlSafe(sql)).bind(quoted(table)).bind(column).execute(&mut *conn).await?;
    }
    Ok(numbered)
}
