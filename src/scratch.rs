//! Throwaway databases for tests and benchmarks, on either backend.
//!
//! [`Scratch::new`] opens a fresh, migrated database: a SQLite file in a temporary folder, or, when
//! `UPKEEP_TEST_POSTGRES_URL` names a PostgreSQL server (`.ci/postgres.sh start` prints one), a
//! new database on it. So the same tests run on both backends: `cargo test` on SQLite, and again
//! with the variable set on PostgreSQL.
//!
//! On PostgreSQL each scratch database is a copy of a template migrated once per schema (its name
//! carries a hash of the migrations, so a changed migration gets a new template), and is dropped
//! when the [`Scratch`] is.

use std::{
    hash::{Hash, Hasher},
    sync::atomic::{AtomicU64, Ordering},
};

use sqlx::{Connection, Executor};

use crate::db::{Db, Location};

/// The variable naming the PostgreSQL server tests run on (a URL whose database is used for
/// administration only).
pub const POSTGRES_URL_VAR: &str = "UPKEEP_TEST_POSTGRES_URL";

/// A fresh database, removed on drop.
pub struct Scratch {
    pub db: Db,
    place: Place,
}

enum Place {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

/// Which server the tests run on, if not SQLite.
pub fn postgres_url() -> Option<String> {
    std::env::var(POSTGRES_URL_VAR).ok().filter(|url| !url.trim().is_empty())
}

impl Scratch {
    /// A fresh migrated database on the backend the environment chooses (SQLite by default).
    pub async fn new() -> anyhow::Result<Scratch> {
        match postgres_url() {
            None => Self::sqlite().await,
            Some(url) => Self::postgres(&url).await,
        }
    }

    /// A fresh SQLite database in a temporary folder, whatever the environment says.
    pub async fn sqlite() -> anyhow::Result<Scratch> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(&dir.path().join("upkeep.db")).await?;
        Ok(Scratch { db, place: Place::Sqlite(dir) })
    }

    /// The SQLite file, on SQLite.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        match &self.place {
            Place::Sqlite(dir) => Some(dir.path().join("upkeep.db")),
            Place::Postgres { .. } => None,
        }
    }

    /// The temporary folder beside a SQLite scratch database (`None` on PostgreSQL).
    pub fn dir(&self) -> Option<&std::path::Path> {
        match &self.place {
            Place::Sqlite(dir) => Some(dir.path()),
            Place::Postgres { .. } => None,
        }
    }

    async fn postgres(admin_url: &str) -> anyhow::Result<Scratch> {
        sqlx::any::install_default_drivers();
        let template = template_name();
        let mut admin = sqlx::AnyConnection::connect(admin_url).await?;
        ensure_template(&mut admin, admin_url, &template).await?;
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!("upkeep_s{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}"))).await?;
        // Copying a template needs it to have no other session: retry while another process's
        // copy (or its creation) holds it for a moment.
        let mut tries = 0;
        loop {
            let made = admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name} TEMPLATE {template}"))).await;
            match made {
                Ok(_) => break,
                Err(e) if tries < 100 && e.to_string().contains("is being accessed by other users") => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        admin.close().await?;
        let connections = crate::db::collector_connections(crate::db::Backend::Postgres);
        let db = Db::connect(&Location::Postgres(with_database(admin_url, &name)?), connections).await?;
        Ok(Scratch { db, place: Place::Postgres { admin_url: admin_url.to_owned(), name } })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Place::Postgres { admin_url, name } = &self.place {
            let (admin_url, dropping) = (admin_url.clone(), name.clone());
            // Dropping needs a connection of its own; the test's runtime may be shutting down, so
            // this runs on a thread with its own.
            let dropped = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                runtime.block_on(async {
                    let mut admin = sqlx::AnyConnection::connect(&admin_url).await.ok()?;
                    let sql = format!("DROP DATABASE IF EXISTS {dropping} WITH (FORCE)");
                    admin.execute(sqlx::AssertSqlSafe(sql)).await.ok()
                })
            })
            .join();
            if !matches!(dropped, Ok(Some(_))) {
                eprintln!("could not drop the scratch database {name}");
            }
        }
    }
}

/// The template's name: a hash of the PostgreSQL migrations' versions and checksums.
fn template_name() -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for migration in crate::db::POSTGRES_MIGRATIONS.iter() {
        migration.version.hash(&mut hasher);
        migration.checksum.hash(&mut hasher);
    }
    format!("upkeep_template_{:016x}", hasher.finish())
}

/// `url` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let mut parsed = url::Url::parse(url)?;
    parsed.set_path(&format!("/{name}"));
    Ok(parsed.to_string())
}

/// Creates the migrated template once per schema, under an advisory lock so that concurrent test
/// processes make it once.
async fn ensure_template(admin: &mut sqlx::AnyConnection, admin_url: &str, template: &str) -> anyhow::Result<()> {
    if template_exists(admin, template).await? {
        return Ok(());
    }
    admin.execute("SELECT pg_advisory_lock(7461636)").await?;
    let made = async {
        if !template_exists(admin, template).await? {
            let building = format!("{template}_building");
            admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {building}"))).await?;
            admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {building}"))).await?;
            let db = Db::connect(&Location::Postgres(with_database(admin_url, &building)?), 1).await?;
            db.pool.close().await;
            admin.execute(sqlx::AssertSqlSafe(format!("ALTER DATABASE {building} RENAME TO {template}"))).await?;
        }
        anyhow::Ok(())
    }
    .await;
    admin.execute("SELECT pg_advisory_unlock(7461636)").await?;
    made
}

async fn template_exists(admin: &mut sqlx::AnyConnection, template: &str) -> sqlx::Result<bool> {
    let sql = format!("SELECT COUNT(*) FROM pg_database WHERE datname = '{template}'");
    Ok(crate::db::sql::query_scalar::<i64>(sqlx::AssertSqlSafe(sql)).fetch_one(admin).await? > 0)
}
