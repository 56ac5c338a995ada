//! `db/mod.rs`: opening (folder, migrations, connections), the migration lock, the read-only
//! reader pool, `begin_write`'s up-front write lock and the liveness probe.

use std::time::Duration;

use super::{add_repository, fresh, fresh_sqlite};
use crate::db::{Db, Location, is_reachable, repos};

/// The migrations in `migrations/sqlite/` (one file each).
const MIGRATIONS: i64 = 30;

async fn applied_migrations(db: &Db) -> i64 {
    crate::db::sql::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = 1")
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn open_creates_the_missing_folders_and_applies_every_migration_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("b").join("upkeep.db");
    let db = Db::open(&path).await.unwrap();
    assert!(path.is_file());
    assert_eq!(applied_migrations(&db).await, MIGRATIONS);
    let mode: String = crate::db::sql::query_scalar("PRAGMA journal_mode").fetch_one(&db.pool).await.unwrap();
    assert_eq!(mode, "wal");
    // The last migration's index exists: the schema is the current one.
    let index: i64 = crate::db::sql::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'repo_people_maintainers'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(index, 1);
}

#[tokio::test]
async fn opening_again_keeps_the_data_and_applies_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upkeep.db");
    let db = Db::open(&path).await.unwrap();
    add_repository(&db, 7, "numfocus/atlas").await;
    db.pool.close().await;

    let again = Db::open(&path).await.unwrap();
    assert_eq!(applied_migrations(&again).await, MIGRATIONS);
    let names: Vec<String> =
        repos::list_repositories(&again.pool).await.unwrap().into_iter().map(|r| r.full_name).collect();
    assert_eq!(names, ["numfocus/atlas"]);
}

#[tokio::test]
async fn open_uses_the_collectors_one_sqlite_connection_and_open_with_the_number_asked() {
    use crate::db::{Backend, collector_connections, collector_workers};
    assert_eq!((collector_connections(Backend::Sqlite), collector_connections(Backend::Postgres)), (1, 5));
    assert_eq!((collector_workers(Backend::Sqlite), collector_workers(Backend::Postgres)), (1, 2));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upkeep.db");
    let one = Db::open(&path).await.unwrap();
    assert_eq!(one.pool.options().get_max_connections(), 1);
    let five = Db::open_with(&path, 5).await.unwrap();
    assert_eq!(five.pool.options().get_max_connections(), 5);
}

#[tokio::test]
async fn open_fails_with_a_message_when_a_file_stands_where_the_folder_should_be() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("blocker"), "not a folder").unwrap();
    let err = Db::open(&dir.path().join("blocker").join("upkeep.db")).await.unwrap_err();
    assert!(format!("{err:#}").contains("creating the database folder"), "{err:#}");
}

#[tokio::test]
async fn open_waits_while_another_process_holds_the_migration_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upkeep.db");
    // Another process migrating: it holds the advisory lock on `upkeep.db.lock`.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.path().join("upkeep.db.lock"))
        .unwrap();
    lock.try_lock().unwrap();

    let opening = tokio::spawn({
        let path = path.clone();
        async move { Db::open(&path).await }
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!opening.is_finished(), "open went ahead while the lock was held");
    assert!(!path.exists(), "the database was created under another process's lock");

    drop(lock);
    let db = opening.await.unwrap().unwrap();
    assert_eq!(applied_migrations(&db).await, MIGRATIONS);
}

#[tokio::test]
async fn open_lets_go_of_the_migration_lock_once_the_database_is_ready() {
    let dir = tempfile::tempdir().unwrap();
    let _db = Db::open(&dir.path().join("upkeep.db")).await.unwrap();
    let lock = std::fs::OpenOptions::new().write(true).open(dir.path().join("upkeep.db.lock")).unwrap();
    assert!(lock.try_lock().is_ok(), "the lock is still held after open returned");
}

#[tokio::test]
async fn open_refuses_a_file_that_is_not_a_database_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upkeep.db");
    std::fs::write(&path, "this is not an SQLite database, just text that is long enough to be read").unwrap();
    let err = Db::open(&path).await.unwrap_err().to_string();
    assert!(err.starts_with("cannot "), "{err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_opens_of_a_new_database_at_once_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upkeep.db");
    let (a, b) = tokio::join!(Db::open(&path), Db::open(&path));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(applied_migrations(&a).await, MIGRATIONS);
    assert_eq!(applied_migrations(&b).await, MIGRATIONS);
}

#[tokio::test]
async fn the_reader_sees_what_the_writer_stored_but_cannot_write() {
    let f = fresh_sqlite().await;
    let reader = f.db.reader(3).await.unwrap();
    assert_eq!(reader.pool.options().get_max_connections(), 3);
    // Stored after the reader opened: WAL readers see every committed write.
    add_repository(&f.db, 7, "numfocus/atlas").await;
    let found = repos::find_repository_by_name(&reader.pool, "numfocus/atlas").await.unwrap();
    assert_eq!(found.map(|r| r.id), Some(7));

    let err = repos::upsert_repository(&reader.pool, &super::repository(8, "numfocus/other")).await.unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
    assert_eq!(repos::list_repositories(&f.db.pool).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_readers_map_the_file_into_memory_and_the_writer_does_not() {
    let f = fresh_sqlite().await;
    let reader = f.db.reader(1).await.unwrap();
    let mapped: i64 = crate::db::sql::query_scalar("PRAGMA mmap_size").fetch_one(&reader.pool).await.unwrap();
    // SQLite caps the size at its compile-time SQLITE_MAX_MMAP_SIZE (2147418112 on Linux).
    assert!(mapped > 0 && mapped as u64 <= crate::db::backend::READER_MMAP_BYTES, "{mapped}");
    let written: i64 = crate::db::sql::query_scalar("PRAGMA mmap_size").fetch_one(&f.db.pool).await.unwrap();
    assert_eq!(written, 0);
}

#[tokio::test]
async fn the_reader_of_a_deleted_database_fails_instead_of_creating_one() {
    let f = fresh_sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    let moved = Db { location: Location::Sqlite(dir.path().join("gone.db")), ..f.db.clone() };
    assert!(moved.reader(1).await.is_err());
    assert!(!dir.path().join("gone.db").exists());
}

#[tokio::test]
async fn begin_write_holds_the_write_lock_before_its_first_statement() {
    let f = fresh_sqlite().await;
    // Another writer that gives up at once instead of waiting for the lock.
    let impatient = Db::open_with(f.db.location.sqlite_path().unwrap(), 1).await.unwrap().pool;
    crate::db::sql::query("PRAGMA busy_timeout = 0").execute(&impatient).await.unwrap();

    // A deferred transaction that has not written yet leaves the other writer free...
    let deferred = f.db.pool.begin().await.unwrap();
    repos::upsert_repository(&impatient, &super::repository(1, "o/one")).await.unwrap();
    drop(deferred);

    // ...`begin_write` does not.
    let mut tx = f.db.begin_write().await.unwrap();
    let err = repos::upsert_repository(&impatient, &super::repository(2, "o/two")).await.unwrap_err();
    assert!(err.to_string().contains("locked"), "{err}");
    repos::upsert_repository(&mut *tx, &super::repository(3, "o/three")).await.unwrap();
    tx.commit().await.unwrap();

    repos::upsert_repository(&impatient, &super::repository(2, "o/two")).await.unwrap();
    let ids: Vec<i64> = repos::list_repositories(&f.db.pool).await.unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 3, 2]); // o/one, o/three, o/two
}

#[tokio::test]
async fn a_write_transaction_dropped_uncommitted_leaves_nothing() {
    let f = fresh().await;
    let mut tx = f.db.begin_write().await.unwrap();
    repos::upsert_repository(&mut *tx, &super::repository(1, "o/one")).await.unwrap();
    drop(tx);
    assert!(repos::list_repositories(&f.db.pool).await.unwrap().is_empty());
}

#[tokio::test]
async fn is_reachable_until_the_pool_is_closed() {
    let f = fresh().await;
    assert!(is_reachable(&f.db.pool).await);
    f.db.pool.close().await;
    assert!(!is_reachable(&f.db.pool).await);
}
