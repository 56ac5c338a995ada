//! Where the two stores differ when a whole database is read or written table by table (`db
//! copy` and the full digest): how each backend's catalog lists tables, columns and references,
//! how a column's values are read and bound ([`ValueKind`]), how names are quoted, how many
//! placeholders a statement may hold, how a consistent snapshot starts, which migrations a
//! database has, and how triggers and sequences are set aside and restored around a copy.
//!
//! The differences of everyday use (connections, write transactions, locks) are in
//! [`super::backend`]; this module leans on it and never the other way round.

use super::backend::{Backend, backend_of};

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
