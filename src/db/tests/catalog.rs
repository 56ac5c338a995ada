//! What `db::copy` stands on: `db::catalog` (tables, keys, pages), the catalog, trigger, sequence
//! and pool functions of `db::backend`, and `db::digest::full_digest`, on either backend.

use super::builders::Person;
use super::copy::{ODD, digest_of};
use super::{add_repository, fresh, fresh_sqlite, scene};
use crate::db::{
    Backend, Location, backend,
    backend_bulk::{self, ValueKind},
    catalog::{self, Cell, Column, Pages, Table},
    copy, runs,
};

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
    let columns: Vec<(String, String, String, i64)> = backend_bulk::catalog_columns(&mut conn).await.unwrap();
    assert_eq!(columns.len(), tables.iter().map(|t| t.columns.len()).sum::<usize>());
    let references = backend_bulk::catalog_references(&mut conn).await.unwrap();
    match f.db.backend() {
        // SQLite's schema keeps its (unenforced) REFERENCES; PostgreSQL's has none (PORTING.md).
        Backend::Sqlite => {
            assert!(references.contains(&("issues".to_owned(), "repositories".to_owned())), "{references:?}");
            assert!(find("issues").references.contains(&"accounts".to_owned()));
        }
        Backend::Postgres => assert!(references.is_empty(), "{references:?}"),
    }
    let latest = backend::latest_migration(f.db.backend());
    assert_eq!(backend_bulk::applied_migrations(&mut conn).await.unwrap(), Some((latest, 0)));
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
    // The run's start also moved the data version (its counter row).
    assert_eq!(da.differences(&changed), ["accounts", "data_generation", "sync_runs"]);
    assert_eq!(changed.rows(), 5);
}

#[tokio::test]
async fn triggers_switched_off_write_no_marks_until_switched_back_on() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let mut tx = f.db.begin_write().await.unwrap();
    let suspended = backend_bulk::suspend_triggers(&mut tx).await.unwrap();
    let insert =
        "INSERT INTO comments (id, repo_id, issue_number, author_id, author_association, created_at, updated_at)
                  VALUES (?, 1, 1, 7, 'NONE', 1709542800, 1709542800)";
    crate::db::sql::query(insert).bind(1).execute(&mut *tx).await.unwrap();
    let count = "SELECT COUNT(*) FROM rollup_dirty";
    assert_eq!(crate::db::sql::query_scalar::<i64>(count).fetch_one(&mut *tx).await.unwrap(), 0);
    backend_bulk::restore_triggers(&mut tx, suspended).await.unwrap();
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
    let moved = backend_bulk::reset_sequences(&mut tx).await.unwrap();
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
        assert_eq!(backend_bulk::value_kind(Backend::Sqlite, declared), kind, "{declared}");
    }
    assert_eq!(backend_bulk::value_kind(Backend::Sqlite, "REAL"), Real);
    assert_eq!(backend_bulk::value_kind(Backend::Sqlite, "NUMERIC"), Other("NUMERIC".into()));
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
        assert_eq!(backend_bulk::value_kind(Backend::Postgres, declared), kind, "{declared}");
    }
    assert_eq!(backend_bulk::quoted("key"), "\"key\"");
    assert_eq!(backend_bulk::quoted("a\"b"), "\"a\"\"b\"");
    assert_eq!(backend_bulk::select_expression(Backend::Postgres, "f", &Boolean), "CAST(\"f\" AS INTEGER) AS \"f\"");
    assert_eq!(
        backend_bulk::select_expression(Backend::Postgres, "n", &Other("numeric".into())),
        "CAST(\"n\" AS TEXT) AS \"n\""
    );
    assert_eq!(backend_bulk::select_expression(Backend::Sqlite, "f", &Boolean), "\"f\"");
    assert_eq!(backend_bulk::insert_placeholder(Backend::Postgres, &Boolean), "CAST(CAST(? AS INTEGER) AS BOOLEAN)");
    assert_eq!(backend_bulk::insert_placeholder(Backend::Postgres, &Other("numeric".into())), "CAST(? AS numeric)");
    assert_eq!(backend_bulk::insert_placeholder(Backend::Postgres, &Text), "?");
    assert_eq!(backend_bulk::insert_placeholder(Backend::Sqlite, &Boolean), "?");
    assert_eq!(backend_bulk::placeholders_per_statement(Backend::Postgres), 65_535);
    assert_eq!(copy::rows_per_statement(Backend::Sqlite, 13, 2_000), 76);
    assert_eq!(copy::rows_per_statement(Backend::Postgres, 27, 2_000), 2_000);
    assert_eq!(copy::rows_per_statement(Backend::Postgres, 100, 2_000), 655);
    assert_eq!(copy::rows_per_statement(Backend::Postgres, 0, 0), 1, "never zero");
    assert_eq!(backend_bulk::begin_snapshot_statement(Backend::Sqlite), "BEGIN");
    assert!(backend_bulk::begin_snapshot_statement(Backend::Postgres).contains("REPEATABLE READ"));
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
    assert_eq!(backend_bulk::applied_migrations(&mut conn).await.unwrap(), None);
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

#[tokio::test]
async fn analyze_tables_plans_a_transaction_for_its_own_new_rows_on_postgresql() {
    let f = scene::fresh_scene().await;
    let mut tx = f.db.begin_write().await.unwrap();
    backend::analyze_tables(&mut tx, &["person_weeks", "repo_people"]).await.unwrap();
    backend::analyze_tables(&mut tx, &[]).await.unwrap();
    if f.db.backend() == Backend::Postgres {
        let analyzed: i64 = crate::db::sql::query_scalar(
            "SELECT COUNT(DISTINCT tablename) FROM pg_stats
             WHERE tablename IN ('person_weeks', 'repo_people') AND schemaname = current_schema()",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        assert_eq!(analyzed, 2, "both tables have statistics inside the transaction");
    }
    tx.commit().await.unwrap();
}
