//! `upkeep db copy`: every table of one database into another, from either backend to either
//! (issue #14, "Moving"), checked by a digest of every table on both sides.
//!
//! 1. The source is opened without migrating it, and must be at this build's newest migration.
//!    Its rows are read in one snapshot (a read transaction), so a collector writing meanwhile
//!    does not tear the copy.
//! 2. The target must hold nothing. If it already holds exactly the source's rows (equal
//!    [`full_digest`]s), nothing is done: a second run is a no-op. Any other data is refused
//!    before anything is written, migrations included.
//! 3. The target is migrated, then written in ONE transaction: a copy killed half-way leaves it
//!    as it was, and a rerun starts over. Tables are found in the catalog ([`catalog::tables`]),
//!    so a table a later migration adds is copied without a change here, and written parents
//!    first; each is read in primary-key order a page at a time and written by multi-row
//!    `INSERT`s, the next page read while the last is written. The target's triggers are off
//!    meanwhile ([`backend_bulk::suspend_triggers`]): they would mark every copied row as changed
//!    (`rollup_dirty`, `newcomer_dirty`), while those marks are tables of their own, copied as
//!    the source holds them. On PostgreSQL, sequences are then moved past the copied ids.
//! 4. Before committing, both sides' digests are computed and compared; unequal rolls back.
//!    After committing, PostgreSQL's statistics of the new rows are gathered ([`backend::analyze`]).

use std::collections::HashMap;

use sqlx::AnyConnection;

use crate::db::{
    backend::{self, Backend, Location, Role},
    backend_bulk::{self, ValueKind},
    catalog::{self, Cell, Pages, Table},
    digest::{FullDigest, full_digest},
};

/// Rows read and written per statement at most (fewer for a wide table, whose placeholders would
/// pass the backend's limit: see [`rows_per_statement`]).
pub const PAGE_ROWS: usize = 2_000;

/// What a copy tells whoever shows its progress (a terminal bar; tests record or ignore it).
pub trait Progress: Send + Sync {
    /// A stage begins: copying a table, or computing a digest; `rows` is how many it will go through.
    fn stage(&self, what: &str, rows: u64) {
        let _ = (what, rows);
    }
    /// `rows` more rows of the current stage are done.
    fn advance(&self, rows: u64) {
        let _ = rows;
    }
}

/// Progress nobody is shown.
pub struct Quiet;

impl Progress for Quiet {}

/// How a copy ended.
#[derive(Debug)]
pub enum Outcome {
    /// The target held nothing; it now holds the source's rows, with equal digests.
    Copied(Copied),
    /// The target already held exactly the source's rows: nothing was written.
    AlreadyEqual(FullDigest),
}

#[derive(Debug)]
pub struct Copied {
    /// The tables copied, parents first.
    pub tables: Vec<String>,
    pub rows: u64,
    pub source: FullDigest,
    pub target: FullDigest,
    /// The (table, column)s whose sequence was moved past the copied ids (PostgreSQL).
    pub sequences: Vec<(String, String)>,
}

/// Why a copy did not happen. In every case the target was left as it was.
#[derive(Debug)]
pub enum CopyError {
    /// A database cannot be opened or read, is not an Upkeep database, or is at another schema
    /// version than this build.
    Unusable(String),
    /// The target holds other data.
    Occupied(String),
    /// Reading or writing failed part-way; the target's transaction was rolled back.
    Failed(String),
    /// The copy's digest differs from the source's; rolled back.
    Mismatch(String),
}

impl std::fmt::Display for CopyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CopyError::Unusable(m) | CopyError::Occupied(m) | CopyError::Failed(m) | CopyError::Mismatch(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for CopyError {}

/// Copies every table of `from` into `to` (see the module's documentation), `page_rows` rows a
/// statement at most ([`PAGE_ROWS`]).
pub async fn copy(
    from: &Location,
    to: &Location,
    page_rows: usize,
    progress: &dyn Progress,
) -> Result<Outcome, CopyError> {
    if from == to {
        return Err(CopyError::Unusable(format!(
            "the source and the target are the same database ({})",
            to.redacted()
        )));
    }
    let source = open_source(from).await?;
    let mut snapshot = source
        .begin_with(backend_bulk::begin_snapshot_statement(from.backend()))
        .await
        .map_err(|e| unusable(from, "read", &e))?;
    let tables = catalog::tables(&mut snapshot).await.map_err(|e| unusable(from, "read", &e))?;

    let target = backend::bulk_pool_for(to, Role::Writer).await.map_err(|e| unusable(to, "open", &e))?;
    if let Some(equal) = inspect_target(&target, to, &mut snapshot, &tables, progress).await? {
        return Ok(Outcome::AlreadyEqual(equal));
    }
    backend::migrator(to.backend())
        .run(&target)
        .await
        .map_err(|e| CopyError::Unusable(format!("cannot migrate the database {}: {e}", to.redacted())))?;
    if let Ok(Some(collation)) = backend::text_order(&target).await {
        tracing::warn!(
            "the database {} sorts text by the collation {collation}, not byte by byte as SQLite does: lists ordered \
             by name may come out in another order; create it with LC_COLLATE 'C'",
            to.redacted()
        );
    }

    let mut tx = backend::begin_write(&target).await.map_err(|e| unusable(to, "write", &e))?;
    let written = write_all(&mut tx, to, &mut snapshot, &tables, page_rows, progress).await;
    let copied = match written {
        Ok(copied) => copied,
        Err(e) => {
            let _ = tx.rollback().await;
            return Err(e);
        }
    };
    tx.commit().await.map_err(|e| CopyError::Failed(format!("cannot commit the copy into {}: {e}", to.redacted())))?;
    progress.stage("analyzing the copy", 0);
    let mut conn = target.acquire().await.map_err(|e| unusable(to, "open", &e))?;
    if let Err(e) = backend::analyze(&mut conn).await {
        // The copy is committed and whole; only the planner's statistics wait for autovacuum.
        tracing::warn!("copied, but could not ANALYZE {}: {e}", to.redacted());
    }
    drop(conn);
    let _ = snapshot.rollback().await;
    target.close().await;
    source.close().await;
    Ok(Outcome::Copied(copied))
}

/// Opens the source without migrating it, and checks that it is an Upkeep database at this
/// build's schema.
async fn open_source(from: &Location) -> Result<sqlx::AnyPool, CopyError> {
    if let Some(path) = from.sqlite_path()
        && !path.exists()
    {
        return Err(CopyError::Unusable(format!("no database at {}", path.display())));
    }
    let pool = backend::bulk_pool_for(from, Role::Reader).await.map_err(|e| unusable(from, "open", &e))?;
    let mut conn = pool.acquire().await.map_err(|e| unusable(from, "open", &e))?;
    let applied = backend_bulk::applied_migrations(&mut conn).await.map_err(|e| unusable(from, "read", &e))?;
    let latest = backend::latest_migration(from.backend());
    let shown = from.redacted();
    match applied {
        None => {
            Err(CopyError::Unusable(format!("{shown} is not an Upkeep database (it has no _sqlx_migrations table)")))
        }
        Some((_, failed)) if failed > 0 => Err(CopyError::Unusable(format!(
            "{shown} has {failed} failed migrations: open it with `upkeep` to repair it"
        ))),
        Some((version, _)) if version < latest => Err(CopyError::Unusable(format!(
            "{shown} is at schema version {version}, older than this upkeep's {latest}: open it once with this \
             version (e.g. `upkeep db digest` with UPKEEP_DATABASE__URL naming it), then copy again"
        ))),
        Some((version, _)) if version > latest => Err(CopyError::Unusable(format!(
            "{shown} is at schema version {version}, newer than this upkeep's {latest}: copy it with the upkeep \
             that wrote it"
        ))),
        Some(_) => {
            drop(conn);
            Ok(pool)
        }
    }
}

/// Whether the target may be written: `Ok(None)` when it holds no rows (a new database, or one
/// freshly migrated), `Ok(Some(digest))` when it holds exactly the source's rows, and
/// [`CopyError::Occupied`] when it holds anything else. Writes nothing.
async fn inspect_target(
    target: &sqlx::AnyPool,
    to: &Location,
    snapshot: &mut AnyConnection,
    tables: &[Table],
    progress: &dyn Progress,
) -> Result<Option<FullDigest>, CopyError> {
    let mut conn = target.acquire().await.map_err(|e| unusable(to, "open", &e))?;
    let read = |e: sqlx::Error| unusable(to, "read", &e);
    let applied = backend_bulk::applied_migrations(&mut conn).await.map_err(read)?;
    let latest = backend::latest_migration(to.backend());
    let shown = to.redacted();
    if let Some((version, failed)) = applied {
        if version > latest {
            return Err(CopyError::Unusable(format!(
                "{shown} is at schema version {version}, newer than this upkeep's {latest}"
            )));
        }
        if failed > 0 {
            return Err(CopyError::Unusable(format!("{shown} has {failed} failed migrations")));
        }
    }
    let theirs = catalog::tables(&mut conn).await.map_err(read)?;
    let mut holding = Vec::new();
    for table in &theirs {
        if catalog::has_rows(&mut conn, table).await.map_err(read)? {
            holding.push(table.name.clone());
        }
    }
    if holding.is_empty() {
        return Ok(None);
    }
    if applied.is_some_and(|(version, _)| version == latest) {
        let rows = total_rows(snapshot, tables).await.map_err(|e| CopyError::Unusable(e.to_string()))?;
        let ours = digest_with_progress(snapshot, tables, "comparing: the source", rows, progress)
            .await
            .map_err(|e| CopyError::Unusable(e.to_string()))?;
        let their_rows = total_rows(&mut conn, &theirs).await.map_err(read)?;
        let their_digest = digest_with_progress(&mut conn, &theirs, "comparing: the target", their_rows, progress)
            .await
            .map_err(read)?;
        if their_digest == ours {
            return Ok(Some(ours));
        }
        let differ = ours.differences(&their_digest);
        return Err(CopyError::Occupied(format!(
            "{shown} holds other data ({} rows; tables that differ from the source: {}): copy into an empty database",
            their_digest.rows(),
            differ.join(", ")
        )));
    }
    Err(CopyError::Occupied(format!(
        "{shown} holds other data (rows in {}): copy into an empty database",
        holding.join(", ")
    )))
}

/// Everything inside the target's transaction `tx`: the checks, the rows, the sequences and
/// the digests.
async fn write_all(
    tx: &mut AnyConnection,
    to: &Location,
    snapshot: &mut AnyConnection,
    tables: &[Table],
    page_rows: usize,
    progress: &dyn Progress,
) -> Result<Copied, CopyError> {
    let failed =
        |what: &str, e: sqlx::Error| CopyError::Failed(format!("{what}: {e}; {} was left as it was", to.redacted()));
    let theirs = catalog::tables(&mut *tx).await.map_err(|e| failed("cannot read the target's tables", e))?;
    let pairs = matching_tables(tables, &theirs)?;
    for (_, into) in &pairs {
        if catalog::has_rows(&mut *tx, into).await.map_err(|e| failed("cannot read the target", e))? {
            return Err(CopyError::Occupied(format!(
                "{} holds other data (rows in {}): copy into an empty database",
                to.redacted(),
                into.name
            )));
        }
    }
    let suspended = backend_bulk::suspend_triggers(&mut *tx)
        .await
        .map_err(|e| failed("cannot switch the target's triggers off", e))?;
    let (from_backend, to_backend) = (backend::backend_of(snapshot), backend::backend_of(tx));
    let mut rows = 0;
    for (table, into) in &pairs {
        let count = catalog::count_rows(&mut *snapshot, table)
            .await
            .map_err(|e| failed(&format!("cannot count the rows of {}", table.name), e))?;
        progress.stage(&table.name, count);
        rows += copy_table(snapshot, tx, table, into, (from_backend, to_backend), page_rows, progress)
            .await
            .map_err(|e| failed(&format!("copying the table {}", table.name), e))?;
    }
    backend_bulk::restore_triggers(&mut *tx, suspended)
        .await
        .map_err(|e| failed("cannot switch the target's triggers back on", e))?;
    let sequences =
        backend_bulk::reset_sequences(&mut *tx).await.map_err(|e| failed("cannot move the sequences", e))?;

    let source = digest_with_progress(snapshot, tables, "verifying: the source", rows, progress)
        .await
        .map_err(|e| failed("cannot compute the source's digest", e))?;
    let target = digest_with_progress(tx, &theirs, "verifying: the copy", rows, progress)
        .await
        .map_err(|e| failed("cannot compute the copy's digest", e))?;
    if source != target {
        return Err(CopyError::Mismatch(format!(
            "the copy's digest {} differs from the source's {} (tables: {}); the copy was rolled back and {} left \
             as it was",
            target.combined,
            source.combined,
            source.differences(&target).join(", "),
            to.redacted()
        )));
    }
    Ok(Copied { tables: pairs.iter().map(|(t, _)| t.name.clone()).collect(), rows, source, target, sequences })
}

/// Each source table with the target's table of the same name, parents first. Both databases
/// are at the same migration, so their tables and columns match; anything else is refused.
fn matching_tables<'a>(ours: &'a [Table], theirs: &'a [Table]) -> Result<Vec<(&'a Table, &'a Table)>, CopyError> {
    let names = |tables: &[Table]| tables.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    let differ = |what: String| CopyError::Unusable(format!("the two databases' schemas differ: {what}"));
    if names(ours) != names(theirs) {
        return Err(differ(format!("the source has the tables {:?}, the target {:?}", names(ours), names(theirs))));
    }
    let mut pairs = Vec::with_capacity(ours.len());
    for table in catalog::parents_first(ours) {
        let into = theirs.iter().find(|t| t.name == table.name).expect("same names");
        let mut a: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        let mut b: Vec<&str> = into.columns.iter().map(|c| c.name.as_str()).collect();
        a.sort_unstable();
        b.sort_unstable();
        if a != b {
            return Err(differ(format!(
                "the table {} has the columns {a:?} in the source, {b:?} in the target",
                table.name
            )));
        }
        pairs.push((table, into));
    }
    Ok(pairs)
}

/// How many rows of `columns` columns one statement carries into a `backend` database.
pub fn rows_per_statement(backend: Backend, columns: usize, page_rows: usize) -> usize {
    (backend_bulk::placeholders_per_statement(backend) / columns.max(1)).min(page_rows).max(1)
}

/// Copies the rows of `table` into `into`, the next page read while the last is written.
async fn copy_table(
    snapshot: &mut AnyConnection,
    tx: &mut AnyConnection,
    table: &Table,
    into: &Table,
    (from_backend, to_backend): (Backend, Backend),
    page_rows: usize,
    progress: &dyn Progress,
) -> sqlx::Result<u64> {
    let kinds: Vec<ValueKind> =
        table.columns.iter().map(|c| into.column(&c.name).map(|t| t.kind.clone()).unwrap_or(ValueKind::Text)).collect();
    let per_statement = rows_per_statement(to_backend, table.columns.len(), page_rows);
    let mut pages = Pages::new(table, from_backend, per_statement).map_err(sqlx::Error::Protocol)?;
    let mut statements: HashMap<usize, String> = HashMap::new();
    let mut copied = 0;
    let mut page = pages.next_page(&mut *snapshot).await?;
    while !page.is_empty() {
        let n = page.len();
        let sql = statements.entry(n).or_insert_with(|| insert_statement(into, table, &kinds, to_backend, n)).clone();
        let (next, written) = tokio::join!(pages.next_page(&mut *snapshot), insert(&mut *tx, sql, page, &kinds));
        written?;
        copied += n as u64;
        progress.advance(n as u64);
        page = next?;
    }
    Ok(copied)
}

/// `INSERT INTO t (columns) VALUES (…), (…)` for `rows` rows of `table`'s columns.
fn insert_statement(into: &Table, table: &Table, kinds: &[ValueKind], to: Backend, rows: usize) -> String {
    let columns: Vec<String> = table.columns.iter().map(|c| backend_bulk::quoted(&c.name)).collect();
    let marks: Vec<String> = kinds.iter().map(|k| backend_bulk::insert_placeholder(to, k)).collect();
    let row = format!("({})", marks.join(", "));
    format!(
        "INSERT INTO {} ({}) VALUES {}",
        backend_bulk::quoted(&into.name),
        columns.join(", "),
        vec![row; rows].join(", ")
    )
}

async fn insert(tx: &mut AnyConnection, sql: String, page: Vec<Vec<Cell>>, kinds: &[ValueKind]) -> sqlx::Result<()> {
    let mut query = crate::db::sql::query(sqlx::AssertSqlSafe(sql));
    for row in page {
        for (cell, kind) in row.into_iter().zip(kinds) {
            query = catalog::bind_cell(query, cell, kind);
        }
    }
    query.execute(tx).await?;
    Ok(())
}

async fn total_rows(conn: &mut AnyConnection, tables: &[Table]) -> sqlx::Result<u64> {
    let mut rows = 0;
    for table in tables {
        rows += catalog::count_rows(&mut *conn, table).await?;
    }
    Ok(rows)
}

async fn digest_with_progress(
    conn: &mut AnyConnection,
    tables: &[Table],
    what: &str,
    rows: u64,
    progress: &dyn Progress,
) -> sqlx::Result<FullDigest> {
    progress.stage(what, rows);
    full_digest(conn, tables, &mut |n| progress.advance(n)).await
}

/// A database that cannot be opened, read or written, named without its password.
fn unusable(location: &Location, verb: &str, e: &sqlx::Error) -> CopyError {
    CopyError::Unusable(format!("cannot {verb} the database {}: {e}", location.redacted()))
}
