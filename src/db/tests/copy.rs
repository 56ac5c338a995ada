//! `db::copy` and what it stands on (`db::catalog`, the catalog and trigger functions of
//! `db::backend`, `db::digest::full_digest`): every table copied exactly, marks included, from
//! SQLite to SQLite and, when `UPKEEP_TEST_POSTGRES_URL` names a server, from SQLite to
//! PostgreSQL, PostgreSQL to SQLite and PostgreSQL to PostgreSQL; a second copy is a no-op; other
//! data, other schema versions and a failure part-way leave the target as it was.

use super::builders::{IssueBuilder, Person};
use super::{add_repository, at, fresh, fresh_sqlite, scene};
use crate::db::{
    Backend, Db, Location,
    backend::{self, ValueKind},
    catalog::{self, Cell, Column, Pages, Table},
    copy::{self, CopyError, Outcome, Quiet},
    digest::full_digest,
    repos, runs,
};
use crate::scratch::Scratch;

/// Text no statement may mangle: quotes, placeholders and comment marks of both backends, a
/// backslash, control characters and characters outside ASCII.
const ODD: &str = "it's \"quoted\" ? ?2 $1 -- /* x */ \\ \n\t é 漢字 🦀";

/// A database worth copying: the scene (rolled up), then what a sync leaves between its steps:
/// an issue written but not rolled up (its `rollup_dirty` and `newcomer_dirty` marks are
/// pending), three runs, tracked repositories whose names sort differently by case and
/// punctuation, and a repository with odd text and NULLs.
async fn fill(db: &Db) {
    scene::store(db).await;
    IssueBuilder::issue(scene::GADGET, 3)
        .opened(at("2024-03-20", "10:00:00"))
        .by(Person::human("zoë"))
        .title(ODD)
        .label("good first issue")
        .comment_by("bob", at("2024-03-21", "10:00:00"), "MEMBER")
        .store(db)
        .await;
    let mut odd = super::repository(3, "Numfocus/Odd-Name_x.y");
    odd.description = Some(ODD.to_owned());
    odd.language = None;
    odd.pushed_at = None;
    repos::upsert_repository(&db.pool, &odd).await.unwrap();
    for name in ["numfocus/atlas", "Numfocus/Odd-Name_x.y", "numfocus/a-b", "numfocus/a_b", "numfocus/A.b"] {
        repos::track_repository(&db.pool, name, "config").await.unwrap();
    }
    for started in 1..=3 {
        runs::start_run(&db.pool, "test", 1_700_000_000 + started).await.unwrap();
    }
}

/// The rows of a mark table, in order.
async fn marks(db: &Db) -> (Vec<(i64, String, i64)>, Vec<(i64, i64)>) {
    let rollup = crate::db::sql::query_as("SELECT repo_id, part, key FROM rollup_dirty ORDER BY 1, 2, 3")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    let newcomer = crate::db::sql::query_as("SELECT repo_id, issue_id FROM newcomer_dirty ORDER BY 1, 2")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    (rollup, newcomer)
}

async fn digest_of(db: &Db) -> crate::db::digest::FullDigest {
    let mut conn = db.pool.acquire().await.unwrap();
    let tables = catalog::tables(&mut conn).await.unwrap();
    full_digest(&mut conn, &tables, &mut |_| {}).await.unwrap()
}

/// The databases a test copies from: SQLite, and PostgreSQL when the environment names a server.
async fn sources() -> Vec<super::Fresh> {
    let mut sources = vec![fresh_sqlite().await];
    if crate::scratch::postgres_url().is_some() {
        sources.push(fresh().await);
    }
    sources
}

/// Where a test copies to: a SQLite file that does not exist yet, and on PostgreSQL a freshly
/// migrated, empty database.
struct Target {
    location: Location,
    _keep: Keep,
}

enum Keep {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Scratch(#[allow(dead_code)] Scratch),
}

async fn targets() -> Vec<Target> {
    let dir = tempfile::tempdir().unwrap();
    let mut targets = vec![Target { location: Location::Sqlite(dir.path().join("copy.db")), _keep: Keep::Dir(dir) }];
    if crate::scratch::postgres_url().is_some() {
        let scratch = Scratch::new().await.unwrap();
        targets.push(Target { location: scratch.db.location().clone(), _keep: Keep::Scratch(scratch) });
    }
    targets
}

#[tokio::test]
async fn a_copy_holds_every_row_of_every_table_marks_included_on_either_backend() {
    for source in sources().await {
        fill(&source.db).await;
        let (rollup, newcomer) = marks(&source.db).await;
        assert!(!rollup.is_empty() && !newcomer.is_empty(), "the source has pending marks to copy");
        let before = digest_of(&source.db).await;
        for target in targets().await {
            let what = format!("{:?} → {:?}", source.db.backend(), target.location.backend());
            // Pages of 3 rows: every table of more than 3 rows is read from a key onwards.
            let outcome = copy::copy(source.db.location(), &target.location, 3, &Quiet).await;
            let Ok(Outcome::Copied(copied)) = outcome else { panic!("{what}: {outcome:?}") };
            assert_eq!(copied.source, copied.target, "{what}");
            assert_eq!(copied.source, before, "{what}: the source's digest, as read beforehand");
            assert_eq!(copied.rows, before.rows(), "{what}");
            assert!(copied.tables.len() >= 30 && copied.tables.iter().any(|t| t == "rollup_dirty"), "{what}");
            let copy = Db::connect(&target.location, 1).await.unwrap();
            assert_eq!(digest_of(&copy).await, before, "{what}");
            assert_eq!(marks(&copy).await, (rollup.clone(), newcomer.clone()), "{what}: marks exactly as the source's");
            let odd = repos::find_repository_by_name(&copy.pool, "numfocus/odd-name_x.y").await.unwrap().unwrap();
            assert_eq!((odd.description.as_deref(), odd.language, odd.pushed_at), (Some(ODD), None, None), "{what}");
            // The triggers are back on: a new row marks its week again.
            IssueBuilder::issue(scene::ATLAS, 40).opened(at("2025-01-07", "10:00:00")).by("ada").store(&copy).await;
            let (after, _) = marks(&copy).await;
            assert!(after.len() > rollup.len(), "{what}: the target's triggers write marks again");
        }
    }
}

#[tokio::test]
async fn a_second_copy_is_a_no_op_and_says_so() {
    for source in sources().await {
        fill(&source.db).await;
        for target in targets().await {
            let first = copy::copy(source.db.location(), &target.location, copy::PAGE_ROWS, &Quiet).await.unwrap();
            let Outcome::Copied(first) = first else { panic!("{first:?}") };
            let second = copy::copy(source.db.location(), &target.location, copy::PAGE_ROWS, &Quiet).await.unwrap();
            let Outcome::AlreadyEqual(digest) = second else { panic!("{second:?}") };
            assert_eq!(digest, first.source);
            let copy = Db::connect(&target.location, 1).await.unwrap();
            assert_eq!(digest_of(&copy).await, first.target, "nothing was written");
        }
    }
}

#[tokio::test]
async fn ids_the_database_numbers_continue_after_the_copied_ones() {
    for source in sources().await {
        fill(&source.db).await;
        let last: i64 =
            crate::db::sql::query_scalar("SELECT MAX(id) FROM sync_runs").fetch_one(&source.db.pool).await.unwrap();
        for target in targets().await {
            let Ok(Outcome::Copied(copied)) = copy::copy(source.db.location(), &target.location, 2, &Quiet).await
            else {
                panic!("copied")
            };
            let runs_id = ("sync_runs".to_owned(), "id".to_owned());
            match target.location.backend() {
                Backend::Postgres => assert!(copied.sequences.contains(&runs_id), "{:?}", copied.sequences),
                Backend::Sqlite => assert!(copied.sequences.is_empty(), "SQLite numbers from its rowids"),
            }
            let copy = Db::connect(&target.location, 1).await.unwrap();
            assert_eq!(runs::start_run(&copy.pool, "test", 1_800_000_000).await.unwrap(), last + 1);
        }
    }
}

#[tokio::test]
async fn a_target_holding_other_data_is_refused_and_left_as_it_was() {
    for source in sources().await {
        fill(&source.db).await;
        // Another database's data.
        let other = Scratch::new().await.unwrap();
        add_repository(&other.db, 99, "elsewhere/thing").await;
        let before = digest_of(&other.db).await;
        let refused = copy::copy(source.db.location(), other.db.location(), copy::PAGE_ROWS, &Quiet).await;
        let Err(CopyError::Occupied(message)) = refused else { panic!("{refused:?}") };
        assert!(message.contains("holds other data") && message.contains("repositories"), "{message}");
        assert_eq!(digest_of(&other.db).await, before);

        // A copy, then one more row in it: no longer the source's data.
        for target in targets().await {
            copy::copy(source.db.location(), &target.location, copy::PAGE_ROWS, &Quiet).await.unwrap();
            let copy = Db::connect(&target.location, 1).await.unwrap();
            runs::start_run(&copy.pool, "test", 1_800_000_000).await.unwrap();
            let before = digest_of(&copy).await;
            let refused = copy::copy(source.db.location(), &target.location, copy::PAGE_ROWS, &Quiet).await;
            let Err(CopyError::Occupied(message)) = refused else { panic!("{refused:?}") };
            assert!(message.contains("sync_runs") && !message.contains("issues"), "names what differs: {message}");
            assert_eq!(digest_of(&copy).await, before);
        }
    }
}

#[tokio::test]
async fn a_source_that_is_missing_not_upkeeps_or_at_another_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let target = Location::Sqlite(dir.path().join("target.db"));
    let missing = Location::Sqlite(dir.path().join("missing.db"));
    let refused = copy::copy(&missing, &target, copy::PAGE_ROWS, &Quiet).await;
    assert!(matches!(&refused, Err(CopyError::Unusable(m)) if m.contains("no database at")), "{refused:?}");
    assert!(!dir.path().join("target.db").exists(), "the target is not even created");

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let refused = copy::copy(&Location::Sqlite(empty), &target, copy::PAGE_ROWS, &Quiet).await;
    assert!(matches!(&refused, Err(CopyError::Unusable(m)) if m.contains("not an Upkeep database")), "{refused:?}");

    let source = fresh().await;
    let refused = copy::copy(source.db.location(), source.db.location(), copy::PAGE_ROWS, &Quiet).await;
    assert!(matches!(&refused, Err(CopyError::Unusable(m)) if m.contains("same database")), "{refused:?}");

    let newest = "(SELECT MAX(version) FROM _sqlx_migrations)";
    let future = format!("UPDATE _sqlx_migrations SET version = 99991231000000 WHERE version = {newest}");
    crate::db::sql::query(sqlx::AssertSqlSafe(future)).execute(&source.db.pool).await.unwrap();
    let refused = copy::copy(source.db.location(), &target, copy::PAGE_ROWS, &Quiet).await;
    assert!(matches!(&refused, Err(CopyError::Unusable(m)) if m.contains("newer than this upkeep")), "{refused:?}");

    let older = format!("DELETE FROM _sqlx_migrations WHERE version = {newest}");
    crate::db::sql::query(sqlx::AssertSqlSafe(older.clone())).execute(&source.db.pool).await.unwrap();
    crate::db::sql::query(sqlx::AssertSqlSafe(older)).execute(&source.db.pool).await.unwrap();
    let refused = copy::copy(source.db.location(), &target, copy::PAGE_ROWS, &Quiet).await;
    assert!(matches!(&refused, Err(CopyError::Unusable(m)) if m.contains("older than this upkeep")), "{refused:?}");
}

#[tokio::test]
async fn a_target_at_a_newer_version_is_refused() {
    let source = fresh().await;
    fill(&source.db).await;
    let target = Scratch::new().await.unwrap();
    crate::db::sql::query(
        "UPDATE _sqlx_migrations SET version = 99991231000000 WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .execute(&target.db.pool)
    .await
    .unwrap();
    let refused = copy::copy(source.db.location(), target.db.location(), copy::PAGE_ROWS, &Quiet).await;
    assert!(matches!(&refused, Err(CopyError::Unusable(m)) if m.contains("newer")), "{refused:?}");
}

#[tokio::test]
async fn a_copy_that_fails_part_way_leaves_the_target_empty_and_a_rerun_works() {
    // A row the target refuses: SQLite can be told to skip the source's CHECK (id = 1).
    let source = fresh_sqlite().await;
    fill(&source.db).await;
    let mut conn = source.db.pool.acquire().await.unwrap();
    crate::db::sql::query("PRAGMA ignore_check_constraints = ON").execute(&mut *conn).await.unwrap();
    crate::db::sql::query(
        "INSERT INTO run_lease (id, holder, pid, host, started_at, heartbeat_at) VALUES (2, 'x', 1, 'h', 1, 1)",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    crate::db::sql::query("PRAGMA ignore_check_constraints = OFF").execute(&mut *conn).await.unwrap();
    drop(conn);
    for target in targets().await {
        let failed = copy::copy(source.db.location(), &target.location, copy::PAGE_ROWS, &Quiet).await;
        let Err(CopyError::Failed(message)) = failed else { panic!("{failed:?}") };
        assert!(message.contains("run_lease") && message.contains("left as it was"), "{message}");
        let copy = Db::connect(&target.location, 1).await.unwrap();
        let digest = digest_of(&copy).await;
        assert_eq!(digest.rows(), 0, "tables copied before run_lease were rolled back: {digest:?}");
        let mut tx = copy.begin_write().await.unwrap();
        let suspended = backend::suspend_triggers(&mut tx).await.unwrap();
        assert!(format!("{suspended:?}").contains("issues_dirty_insert"), "the triggers are still there");
        tx.rollback().await.unwrap();
    }
    crate::db::sql::query("DELETE FROM run_lease WHERE id = 2").execute(&source.db.pool).await.unwrap();
    for target in targets().await {
        let rerun = copy::copy(source.db.location(), &target.location, copy::PAGE_ROWS, &Quiet).await;
        assert!(matches!(rerun, Ok(Outcome::Copied(_))), "{rerun:?}");
    }
}

/// A row of `copy_odd`: id, part, real, blob, flag, numeric (as text), text.
type OddRow =
    (i64, &'static str, Option<f64>, Option<Vec<u8>>, Option<i64>, Option<&'static str>, Option<&'static str>);

/// A table of every kind of value, made beside the schema in both databases of a copy.
async fn make_odd_table(db: &Db) {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "CREATE TABLE copy_odd (id INTEGER, part TEXT, r REAL, b BLOB, f INTEGER, n TEXT, t TEXT,
                                    PRIMARY KEY (part, id))"
        }
        Backend::Postgres => {
            "CREATE TABLE copy_odd (id BIGINT, part TEXT, r DOUBLE PRECISION, b BYTEA, f BOOLEAN, n NUMERIC,
                                    t TEXT, PRIMARY KEY (part, id))"
        }
    };
    crate::db::sql::query(sql).execute(&db.pool).await.unwrap();
}

#[tokio::test]
async fn reals_blobs_booleans_numerics_nulls_and_odd_text_survive_a_copy() {
    for source in sources().await {
        make_odd_table(&source.db).await;
        let rows: Vec<OddRow> = vec![
            (1, "a", Some(0.1), Some(vec![0, 255, 1]), Some(1), Some("1.50"), Some(ODD)),
            (2, "a", Some(1e300), Some(Vec::new()), Some(0), Some("-7"), Some("")),
            (i64::MAX, "B", Some(-2.5), None, None, None, None),
            (i64::MIN, "b", Some(3.0), Some(b"\0bytes".to_vec()), Some(1), Some("0"), Some("NULL")),
        ];
        for (id, part, r, b, f, n, t) in rows {
            let sql = match source.db.backend() {
                Backend::Sqlite => "INSERT INTO copy_odd VALUES (?, ?, ?, ?, ?, ?, ?)",
                Backend::Postgres => {
                    "INSERT INTO copy_odd VALUES (?, ?, ?, ?, CAST(CAST(? AS INTEGER) AS BOOLEAN), CAST(? AS NUMERIC), ?)"
                }
            };
            crate::db::sql::query(sql)
                .bind(id)
                .bind(part)
                .bind(r)
                .bind(b)
                .bind(f)
                .bind(n)
                .bind(t)
                .execute(&source.db.pool)
                .await
                .unwrap();
        }
        let before = digest_of(&source.db).await;
        let mut into = vec![Scratch::sqlite().await.unwrap()];
        if crate::scratch::postgres_url().is_some() {
            into.push(Scratch::new().await.unwrap());
        }
        for target in into {
            make_odd_table(&target.db).await;
            let copied = copy::copy(source.db.location(), target.db.location(), 3, &Quiet).await;
            assert!(matches!(copied, Ok(Outcome::Copied(_))), "{copied:?}");
            assert_eq!(digest_of(&target.db).await, before, "{:?} → {:?}", source.db.backend(), target.db.backend());
            let mut conn = target.db.pool.acquire().await.unwrap();
            let tables = catalog::tables(&mut conn).await.unwrap();
            let odd = tables.iter().find(|t| t.name == "copy_odd").unwrap();
            let mut pages = Pages::new(odd, target.db.backend(), 10).unwrap();
            let read = pages.next_page(&mut conn).await.unwrap();
            let first = read.iter().find(|row| row[0] == Cell::Integer(1)).unwrap();
            assert_eq!(first[2], Cell::Real(0.1));
            assert_eq!(first[3], Cell::Blob(vec![0, 255, 1]));
            assert_eq!(first[4], Cell::Integer(1), "a boolean reads as 1");
            assert_eq!(first[5], Cell::Text("1.50".to_owned()), "a numeric reads as its text");
            assert_eq!(first[6], Cell::Text(ODD.to_owned()));
            let nulls = read.iter().find(|row| row[0] == Cell::Integer(i64::MAX)).unwrap();
            assert_eq!(&nulls[3..], &[Cell::Null, Cell::Null, Cell::Null, Cell::Null]);
        }
    }
}

#[tokio::test]
async fn the_catalog_names_every_table_with_its_key_columns_and_kinds() {
    let f = fresh().await;
    let mut conn = f.db.pool.acquire().await.unwrap();
    let tables = catalog::tables(&mut conn).await.unwrap();
    let find = |name: &str| tables.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("{name}"));
    assert!(tables.iter().all(|t| t.name != "_sqlx_migrations" && !t.name.starts_with("sqlite_")));
    assert!(tables.iter().all(|t| !t.key.is_empty()), "every table has a primary key");
    assert_eq!(find("issues").key, ["id"]);
    assert_eq!(find("commits").key, ["repo_id", "sha"]);
    // The key's order, not the columns' (account_id comes before week in the table).
    assert_eq!(find("person_weeks").key, ["repo_id", "week", "account_id"]);
    assert_eq!(find("tracked_repos").key, ["full_name"]);
    assert_eq!(find("issues").column("title").map(|c| &c.kind), Some(&ValueKind::Text));
    assert_eq!(find("issues").column("repo_id").map(|c| &c.kind), Some(&ValueKind::Integer));
    assert_eq!(find("issues").column("no_such_column"), None);
    let columns: Vec<(String, String, String, i64)> = backend::catalog_columns(&mut conn).await.unwrap();
    assert_eq!(columns.len(), tables.iter().map(|t| t.columns.len()).sum::<usize>());
    let references = backend::catalog_references(&mut conn).await.unwrap();
    match f.db.backend() {
        // SQLite's schema keeps its (unenforced) REFERENCES; PostgreSQL's has none (PORTING.md).
        Backend::Sqlite => {
            assert!(references.contains(&("issues".to_owned(), "repositories".to_owned())), "{references:?}");
            assert!(find("issues").references.contains(&"accounts".to_owned()));
        }
        Backend::Postgres => assert!(references.is_empty(), "{references:?}"),
    }
    let latest = backend::latest_migration(f.db.backend());
    assert_eq!(backend::applied_migrations(&mut conn).await.unwrap(), Some((latest, 0)));
    assert_eq!(latest, backend::migrator(f.db.backend()).iter().map(|m| m.version).max().unwrap());
    assert_eq!(backend::backend_of(&conn), f.db.backend());

    assert!(!catalog::has_rows(&mut conn, find("issues")).await.unwrap());
    drop(conn);
    scene::store(&f.db).await;
    let mut conn = f.db.pool.acquire().await.unwrap();
    assert!(catalog::has_rows(&mut conn, find("issues")).await.unwrap());
    assert_eq!(catalog::count_rows(&mut conn, find("issues")).await.unwrap(), 7);
}

#[tokio::test]
async fn pages_read_every_row_once_in_key_order() {
    let f = scene::fresh_scene().await;
    let mut conn = f.db.pool.acquire().await.unwrap();
    let tables = catalog::tables(&mut conn).await.unwrap();
    for name in ["person_weeks", "issues", "week_slices"] {
        let table = tables.iter().find(|t| t.name == name).unwrap();
        let rows = catalog::count_rows(&mut conn, table).await.unwrap();
        assert!(rows > 4, "{name}: {rows} rows");
        let key_at: Vec<usize> =
            table.key.iter().map(|k| table.columns.iter().position(|c| &c.name == k).unwrap()).collect();
        let mut pages = Pages::new(table, f.db.backend(), 2).unwrap();
        // Integers, then text in byte order: how both backends order these keys.
        let mut keys: Vec<Vec<(i64, String)>> = Vec::new();
        loop {
            let page = pages.next_page(&mut conn).await.unwrap();
            if page.is_empty() {
                break;
            }
            assert!(page.len() <= 2);
            for row in page {
                keys.push(
                    key_at
                        .iter()
                        .map(|&at| match &row[at] {
                            Cell::Integer(v) => (*v, String::new()),
                            Cell::Text(t) => (0, t.clone()),
                            other => panic!("{name}: a key cell {other:?}"),
                        })
                        .collect(),
                );
            }
        }
        assert_eq!(keys.len() as u64, rows, "{name}");
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{name}: strictly increasing keys {keys:?}");
        assert_eq!(pages.next_page(&mut conn).await.unwrap(), Vec::<Vec<Cell>>::new(), "stays at the end");
    }
    let keyless = Table { name: "t".into(), columns: vec![], key: vec![], references: vec![] };
    assert!(Pages::new(&keyless, f.db.backend(), 2).is_err());
}

#[tokio::test]
async fn the_full_digest_ignores_row_order_and_names_the_tables_that_differ() {
    let (a, b) = (fresh().await, fresh().await);
    let people = [Person::human("ada"), Person::bot("dependabot[bot]"), Person::human("bob").named(ODD)];
    for p in &people {
        p.clone().store(&a.db).await;
    }
    for p in people.iter().rev() {
        p.clone().store(&b.db).await;
    }
    let (da, db) = (digest_of(&a.db).await, digest_of(&b.db).await);
    assert_eq!(da, db);
    assert_eq!(da.rows(), 3);
    assert!(da.tables.iter().any(|t| t.table == "sync_runs"), "bookkeeping is covered too");
    assert!(da.tables.windows(2).all(|w| w[0].table < w[1].table));
    let empty = da.tables.iter().find(|t| t.table == "issues").unwrap();
    assert_eq!((empty.rows, empty.sum.as_str()), (0, "0".repeat(64).as_str()));
    runs::start_run(&b.db.pool, "test", 1).await.unwrap();
    Person::human("bob").named("Robert").store(&b.db).await;
    let changed = digest_of(&b.db).await;
    assert_ne!(changed.combined, da.combined);
    assert_eq!(da.differences(&changed), ["accounts", "sync_runs"]);
    assert_eq!(changed.rows(), 4);
}

#[tokio::test]
async fn triggers_switched_off_write_no_marks_until_switched_back_on() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let mut tx = f.db.begin_write().await.unwrap();
    let suspended = backend::suspend_triggers(&mut tx).await.unwrap();
    let insert =
        "INSERT INTO comments (id, repo_id, issue_number, author_id, author_association, created_at, updated_at)
                  VALUES (?, 1, 1, 7, 'NONE', 1709542800, 1709542800)";
    crate::db::sql::query(insert).bind(1).execute(&mut *tx).await.unwrap();
    let count = "SELECT COUNT(*) FROM rollup_dirty";
    assert_eq!(crate::db::sql::query_scalar::<i64>(count).fetch_one(&mut *tx).await.unwrap(), 0);
    backend::restore_triggers(&mut tx, suspended).await.unwrap();
    crate::db::sql::query(insert).bind(2).execute(&mut *tx).await.unwrap();
    assert!(crate::db::sql::query_scalar::<i64>(count).fetch_one(&mut *tx).await.unwrap() > 0);
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn sequences_move_past_the_largest_id_on_postgresql_only() {
    let f = fresh().await;
    let mut tx = f.db.begin_write().await.unwrap();
    crate::db::sql::query("INSERT INTO sync_runs (id, started_at, status, trigger) VALUES (41, 1, 'ok', 'cli')")
        .execute(&mut *tx)
        .await
        .unwrap();
    let moved = backend::reset_sequences(&mut tx).await.unwrap();
    match f.db.backend() {
        Backend::Postgres => assert!(moved.contains(&("sync_runs".to_owned(), "id".to_owned())), "{moved:?}"),
        Backend::Sqlite => assert!(moved.is_empty()),
    }
    assert_eq!(runs::start_run(&mut *tx, "cli", 2).await.unwrap(), 42);
    tx.rollback().await.unwrap();
}

#[test]
fn kinds_placeholders_and_batch_sizes_follow_each_backend() {
    use ValueKind::*;
    for (declared, kind) in
        [("INTEGER", Integer), ("BIGINT", Integer), ("TEXT", Text), ("VARCHAR(9)", Text), ("BLOB", Blob), ("", Blob)]
    {
        assert_eq!(backend::value_kind(Backend::Sqlite, declared), kind, "{declared}");
    }
    assert_eq!(backend::value_kind(Backend::Sqlite, "REAL"), Real);
    assert_eq!(backend::value_kind(Backend::Sqlite, "NUMERIC"), Other("NUMERIC".into()));
    for (declared, kind) in [
        ("bigint", Integer),
        ("integer", Integer),
        ("double precision", Real),
        ("text", Text),
        ("character varying(20)", Text),
        ("bytea", Blob),
        ("boolean", Boolean),
        ("numeric(10,2)", Other("numeric(10,2)".into())),
    ] {
        assert_eq!(backend::value_kind(Backend::Postgres, declared), kind, "{declared}");
    }
    assert_eq!(backend::quoted("key"), "\"key\"");
    assert_eq!(backend::quoted("a\"b"), "\"a\"\"b\"");
    assert_eq!(backend::select_expression(Backend::Postgres, "f", &Boolean), "CAST(\"f\" AS INTEGER) AS \"f\"");
    assert_eq!(
        backend::select_expression(Backend::Postgres, "n", &Other("numeric".into())),
        "CAST(\"n\" AS TEXT) AS \"n\""
    );
    assert_eq!(backend::select_expression(Backend::Sqlite, "f", &Boolean), "\"f\"");
    assert_eq!(backend::insert_placeholder(Backend::Postgres, &Boolean), "CAST(CAST(? AS INTEGER) AS BOOLEAN)");
    assert_eq!(backend::insert_placeholder(Backend::Postgres, &Other("numeric".into())), "CAST(? AS numeric)");
    assert_eq!(backend::insert_placeholder(Backend::Postgres, &Text), "?");
    assert_eq!(backend::insert_placeholder(Backend::Sqlite, &Boolean), "?");
    assert_eq!(backend::placeholders_per_statement(Backend::Postgres), 65_535);
    assert_eq!(copy::rows_per_statement(Backend::Sqlite, 13, 2_000), 76);
    assert_eq!(copy::rows_per_statement(Backend::Postgres, 27, 2_000), 2_000);
    assert_eq!(copy::rows_per_statement(Backend::Postgres, 100, 2_000), 655);
    assert_eq!(copy::rows_per_statement(Backend::Postgres, 0, 0), 1, "never zero");
    assert_eq!(backend::begin_snapshot_statement(Backend::Sqlite), "BEGIN");
    assert!(backend::begin_snapshot_statement(Backend::Postgres).contains("REPEATABLE READ"));
}

#[test]
fn tables_are_written_after_the_tables_they_reference() {
    let table = |name: &str, references: &[&str]| Table {
        name: name.into(),
        columns: vec![Column { name: "id".into(), kind: ValueKind::Integer }],
        key: vec!["id".into()],
        references: references.iter().map(|r| (*r).to_owned()).collect(),
    };
    let tables = [
        table("comments", &["issues", "accounts"]),
        table("issues", &["repositories", "accounts"]),
        table("accounts", &[]),
        table("repositories", &["gone"]),
        table("x", &["y"]),
        table("y", &["x"]),
    ];
    let order: Vec<&str> = catalog::parents_first(&tables).iter().map(|t| t.name.as_str()).collect();
    assert_eq!(order, ["accounts", "repositories", "issues", "comments", "x", "y"]);
}

#[tokio::test]
async fn cells_bind_as_their_kind_and_nulls_as_the_columns() {
    let f = fresh().await;
    let text = ValueKind::Text;
    let query = crate::db::sql::query("SELECT CAST(? AS TEXT), ?");
    let query = catalog::bind_cell(query, Cell::Text(ODD.into()), &text);
    let row: (String, Option<String>) = {
        use sqlx::Row;
        let r = catalog::bind_cell(query, Cell::Null, &text).fetch_one(&f.db.pool).await.unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!(row, (ODD.to_owned(), None));
}

#[tokio::test]
async fn pools_open_without_migrating_and_readers_of_sqlite_cannot_write() {
    let f = fresh_sqlite().await;
    let location = f.db.location().clone();
    let options = sqlx::any::AnyPoolOptions::new().max_connections(1);
    let reader = backend::pool_for(&location, backend::Role::Reader, options).await.unwrap();
    assert!(crate::db::sql::query("DELETE FROM issues").execute(&reader).await.is_err(), "read-only");
    let bulk = backend::bulk_pool_for(&location, backend::Role::Reader).await.unwrap();
    let mapped: i64 = crate::db::sql::query_scalar("PRAGMA mmap_size").fetch_one(&bulk).await.unwrap();
    assert_eq!(mapped, 0, "a bulk reader does not map the file");
    let bulk = backend::bulk_pool_for(&location, backend::Role::Writer).await.unwrap();
    assert_eq!(bulk.options().get_max_connections(), 1);
    crate::db::sql::query("DELETE FROM issues").execute(&bulk).await.unwrap();

    // Neither migrates: a new file stays without tables.
    let dir = tempfile::tempdir().unwrap();
    let new = Location::Sqlite(dir.path().join("new.db"));
    let bulk = backend::bulk_pool_for(&new, backend::Role::Writer).await.unwrap();
    let mut conn = bulk.acquire().await.unwrap();
    assert_eq!(backend::applied_migrations(&mut conn).await.unwrap(), None);
    assert!(catalog::tables(&mut conn).await.unwrap().is_empty());
}

#[tokio::test]
async fn analyze_gives_postgresql_statistics_of_the_rows() {
    let f = scene::fresh_scene().await;
    let mut conn = f.db.pool.acquire().await.unwrap();
    backend::analyze(&mut conn).await.unwrap();
    if f.db.backend() == Backend::Postgres {
        let columns: i64 = crate::db::sql::query_scalar(
            "SELECT COUNT(*) FROM pg_stats WHERE tablename = 'issues' AND schemaname = current_schema()",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert!(columns > 0, "issues has statistics");
    }
}
