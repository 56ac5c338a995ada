//! `db/backend.rs`: database URLs, their redaction, SQLite file URLs, each backend's connection
//! set-up and write transactions; and `Db::connect` on a URL.

use std::path::Path;

use super::fresh_sqlite;
use crate::db::{
    Backend, Db, Location,
    backend::{Role, begin_write_statement, set_up, sqlite_url},
};

#[test]
fn urls_name_their_backend() {
    assert_eq!(Location::parse("sqlite://upkeep.db").unwrap(), Location::Sqlite("upkeep.db".into()));
    assert_eq!(Location::parse("sqlite:/var/lib/u.db").unwrap(), Location::Sqlite("/var/lib/u.db".into()));
    assert_eq!(Location::parse("sqlite:///var/lib/u.db").unwrap(), Location::Sqlite("/var/lib/u.db".into()));
    let pg = Location::parse("postgres://upkeep@db.internal:5433/upkeep").unwrap();
    assert_eq!(pg.backend(), Backend::Postgres);
    assert!(Location::parse("postgresql://u@h/d").is_ok());
    for bad in ["mysql://u@h/d", "upkeep.db", "sqlite://", "postgres:///d", "postgres://u@h/", ""] {
        assert!(Location::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_password_never_leaves_the_url() {
    let pg = Location::parse("postgres://upkeep:hunter2@db/upkeep").unwrap();
    assert!(!pg.redacted().contains("hunter2"), "{}", pg.redacted());
    assert!(!format!("{pg:?}").contains("hunter2"));
    assert_eq!(Location::parse("postgres://upkeep@db/upkeep").unwrap().redacted(), "postgres://upkeep@db/upkeep");
}

#[test]
fn sqlite_urls_are_absolute_and_encoded() {
    let url = sqlite_url(Path::new("/tmp/a dir/u?x#%.db"), Role::Reader).unwrap();
    assert_eq!(url, "sqlite:///tmp/a%20dir/u%3Fx%23%25.db?mode=ro");
    assert!(sqlite_url(Path::new("rel.db"), Role::Writer).unwrap().ends_with("/rel.db?mode=rwc"));
}

#[tokio::test]
async fn connect_opens_a_sqlite_url_and_says_where_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("by url.db").display());
    let db = Db::connect(&Location::parse(&url).unwrap(), 1).await.unwrap();
    assert_eq!(db.backend(), Backend::Sqlite);
    assert_eq!(db.location(), &Location::Sqlite(dir.path().join("by url.db")));
    assert!(dir.path().join("by url.db").exists());
    assert_eq!(begin_write_statement(db.backend()), "BEGIN IMMEDIATE");
    assert_eq!(crate::db::backend::of(&db.pool), Backend::Sqlite);
    let tx = crate::db::backend::begin_write(&db.pool).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(begin_write_statement(Backend::Postgres), "BEGIN");
}

#[tokio::test]
async fn every_connection_is_set_up_for_its_role() {
    let f = fresh_sqlite().await;
    let mut conn = f.db.pool.acquire().await.unwrap();
    crate::db::sql::query("PRAGMA busy_timeout = 5").execute(&mut *conn).await.unwrap();
    set_up(&mut conn, Backend::Sqlite, Role::Writer).await.unwrap();
    for (pragma, expected) in
        [("busy_timeout", 30_000), ("foreign_keys", 0), ("synchronous", 1), ("temp_store", 1), ("cache_size", -8000)]
    {
        let got: i64 = crate::db::sql::query_scalar(sqlx::AssertSqlSafe(format!("PRAGMA {pragma}")))
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(got, expected, "{pragma}");
    }
    let mode: String = crate::db::sql::query_scalar("PRAGMA journal_mode").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn an_unreachable_postgres_fails_clearly_without_its_password() {
    // Port 9 on loopback: nothing listens (the discard service is never run here).
    let location = Location::parse("postgres://upkeep:hunter2@127.0.0.1:9/upkeep").unwrap();
    let err = Db::connect(&location, 1).await.unwrap_err().to_string();
    assert!(err.contains("cannot open the database postgres://upkeep:***@127.0.0.1:9/upkeep"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

#[tokio::test]
async fn an_exclusive_write_transaction_keeps_the_next_one_waiting_until_it_ends() {
    let f = super::fresh().await;
    let mut first = crate::db::backend::begin_write(&f.db.pool).await.unwrap();
    crate::db::backend::exclusive(&mut first, 42).await.unwrap();
    let pool = f.db.pool.clone();
    let second = tokio::spawn(async move {
        let mut tx = crate::db::backend::begin_write(&pool).await.unwrap();
        crate::db::backend::exclusive(&mut tx, 42).await.unwrap();
        tx.commit().await.unwrap();
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!second.is_finished(), "the second transaction waits while the first holds the key");
    first.commit().await.unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), second).await.unwrap().unwrap();
}

#[tokio::test]
async fn a_database_that_sorts_text_by_byte_order_needs_no_warning() {
    // SQLite always; the test cluster's databases are made with the C collation.
    let f = super::fresh().await;
    assert_eq!(crate::db::backend::text_order(&f.db.pool).await.unwrap(), None);
}

/// Two transactions that each hold a row the other wants: PostgreSQL ends one with a deadlock
/// error, which `is_transient` knows (the collector tries that repository again); other errors
/// are not transient. On SQLite (one writer) only the second half runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadlock_is_transient_and_other_errors_are_not() {
    use crate::db::is_transient;
    assert!(!is_transient(&sqlx::Error::RowNotFound));
    let f = super::fresh().await;
    let bad = crate::db::sql::query("SELECT * FROM no_such_table").execute(&f.db.pool).await.unwrap_err();
    assert!(!is_transient(&bad), "{bad}");
    if f.db.backend() != Backend::Postgres {
        return;
    }
    let p = Db::connect(f.db.location(), 2).await.unwrap().pool;
    for id in [1, 2] {
        crate::db::sql::query("INSERT INTO sync_rounds (id, started_at) VALUES (?, 0)")
            .bind(id)
            .execute(&p)
            .await
            .unwrap();
    }
    let touch = "UPDATE sync_rounds SET started_at = started_at + 1 WHERE id = ?";
    let (mut a, mut b) = (p.begin().await.unwrap(), p.begin().await.unwrap());
    crate::db::sql::query(touch).bind(1).execute(&mut *a).await.unwrap();
    crate::db::sql::query(touch).bind(2).execute(&mut *b).await.unwrap();
    let (first, second) = tokio::join!(
        crate::db::sql::query(touch).bind(2).execute(&mut *a),
        crate::db::sql::query(touch).bind(1).execute(&mut *b),
    );
    let err = first.err().or(second.err()).expect("PostgreSQL ended one of the two");
    assert!(is_transient(&err), "{err}");
}
