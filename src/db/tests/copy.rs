//! `db::copy` and what it stands on (`db::catalog`, the catalog and trigger functions of
//! `db::backend`, `db::digest::full_digest`): every table copied exactly, marks included, from
//! SQLite to SQLite and, when `UPKEEP_TEST_POSTGRES_URL` names a server, from SQLite to
//! PostgreSQL, PostgreSQL to SQLite and PostgreSQL to PostgreSQL; a second copy is a no-op; other
//! data, other schema versions and a failure part-way leave the target as it was.

use super::builders::{IssueBuilder, Person};
use super::{add_repository, at, fresh, fresh_sqlite, scene};
use crate::db::{
    Backend, Db, Location, backend_bulk,
    catalog::{self, Cell, Pages},
    copy::{self, CopyError, Outcome, Quiet},
    digest::full_digest,
    repos, runs,
};
use crate::scratch::Scratch;

/// Text no statement may mangle: quotes, placeholders and comment marks of both backends, a
/// backslash, control characters and characters outside ASCII.
pub(super) const ODD: &str = "it's \"quoted\" ? ?2 $1 -- /* x */ \\ \n\t é 漢字 🦀";

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

pub(super) async fn digest_of(db: &Db) -> crate::db::digest::FullDigest {
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
        let suspended = backend_bulk::suspend_triggers(&mut tx).await.unwrap();
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
