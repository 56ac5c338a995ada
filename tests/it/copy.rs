//! `upkeep db copy` as users run it, on a database a sync of the simulated organisation filled:
//! SQLite to SQLite, and when `UPKEEP_TEST_POSTGRES_URL` names a server, SQLite to PostgreSQL and
//! PostgreSQL back to SQLite, each with equal digests (the printed full digest and `db digest`'s);
//! a second run changes nothing; ids the database numbers continue after the copied ones; a target
//! holding other data is refused with exit 3 and left alone; a bad URL exits 2 without echoing
//! its password.

use std::time::Duration;

use upkeep::{
    db::{Db, Location, digest, repos, runs},
    scratch::Scratch,
};

use crate::helpers::{Store, collect, sim_options, start_sim};

/// `upkeep db copy --from FROM --to TO`, with nothing of the developer's environment: (exit code,
/// stdout, stderr).
async fn db_copy(from: &str, to: &str) -> (i32, String, String) {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_upkeep"));
    cmd.args(["--config", "/dev/null", "db", "copy", "--from", from, "--to", to]).kill_on_drop(true);
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("UPKEEP_")) {
        cmd.env_remove(key);
    }
    let out = tokio::time::timeout(Duration::from_secs(300), cmd.output()).await.expect("ends").expect("runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

fn url(location: &Location) -> String {
    match location {
        Location::Sqlite(path) => format!("sqlite://{}", path.display()),
        Location::Postgres(url) => url.clone(),
    }
}

/// The two digests a successful copy prints: (source's, copy's).
fn printed_digests(stdout: &str) -> (String, String) {
    let digest = |prefix: &str| {
        let line = stdout.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("{prefix}: {stdout}"));
        line[prefix.len()..].trim_start().split(' ').next().unwrap().to_owned()
    };
    (digest("digest of the source:"), digest("digest of the copy:"))
}

/// Copies `from` into `to`, which must be empty: the copy's digest equals the source's, `db
/// digest` of both is equal, a second run is a no-op, and a new run gets the next id.
async fn copy_and_check(from: &Db, to: &Location) -> String {
    let (code, stdout, stderr) = db_copy(&url(from.location()), &url(to)).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.starts_with("copied ") && stdout.contains(" tables, "), "{stdout}");
    let (source, copy) = printed_digests(&stdout);
    assert_eq!(source, copy);
    assert_eq!(source.len(), 64);

    let (code, again, stderr) = db_copy(&url(from.location()), &url(to)).await;
    assert_eq!(code, 0, "{again}{stderr}");
    assert!(again.contains("already holds exactly the data") && again.contains(&source), "{again}");

    let target = Db::connect(to, 1).await.expect("the copy opens");
    let expected = digest::table_digests(&from.pool).await.unwrap();
    assert_eq!(digest::table_digests(&target.pool).await.unwrap(), expected, "db digest of the copy");
    let last: i64 = upkeep::db::sql::query_scalar("SELECT MAX(id) FROM sync_runs").fetch_one(&from.pool).await.unwrap();
    assert!(last >= 1);
    let version = runs::data_version(&target.pool).await.unwrap();
    assert_eq!(version, runs::data_version(&from.pool).await.unwrap(), "the data version is copied");
    let next = runs::start_run(&target.pool, "test", 1_900_000_000).await.unwrap();
    assert_eq!(next, last + 1, "ids continue after the copied ones");
    assert_eq!(runs::data_version(&target.pool).await.unwrap(), version + 1, "the copy's triggers are back on");
    // Leave the copy equal to the source again (the run and the version it moved), for the next
    // copy from it.
    upkeep::db::sql::query("DELETE FROM sync_runs WHERE id = ?").bind(next).execute(&target.pool).await.unwrap();
    upkeep::db::sql::query("UPDATE data_generation SET n = ? WHERE id = 1")
        .bind(version)
        .execute(&target.pool)
        .await
        .unwrap();
    target.pool.close().await;
    source
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_synced_database_copies_between_backends_with_equal_digests_and_a_second_run_changes_nothing() {
    let sim = start_sim(sim_options()).await;
    let store = Store::sqlite().await;
    let summary = collect(&store.collector(&sim)).await;
    assert!(summary.failed_repos.is_empty() && summary.error.is_none(), "{summary:?}");
    let dir = tempfile::tempdir().unwrap();

    let lite = Location::Sqlite(dir.path().join("copy of upkeep.db"));
    let digest = copy_and_check(&store.db, &lite).await;

    if upkeep::scratch::postgres_url().is_some() {
        let pg = Scratch::new().await.expect("a PostgreSQL database");
        assert_eq!(copy_and_check(&store.db, pg.db.location()).await, digest, "SQLite → PostgreSQL");
        let back = Location::Sqlite(dir.path().join("back.db"));
        assert_eq!(copy_and_check(&pg.db, &back).await, digest, "PostgreSQL → SQLite");
    } else {
        eprintln!("SQLite → PostgreSQL not run: UPKEEP_TEST_POSTGRES_URL names no PostgreSQL server");
    }

    // A database holding something else is refused, and left as it was.
    let other = Store::new().await;
    repos::track_repository(&other.db.pool, "elsewhere/thing", "config").await.unwrap();
    let before = digest::table_digests(&other.db.pool).await.unwrap();
    let (code, stdout, stderr) = db_copy(&url(store.db.location()), &url(other.db.location())).await;
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(stderr.contains("holds other data") && stderr.contains("tracked_repos"), "{stderr}");
    assert_eq!(digest::table_digests(&other.db.pool).await.unwrap(), before);
    let tracked = repos::list_tracked(&other.db.pool).await.unwrap();
    assert_eq!(tracked.len(), 1, "{tracked:?}");
}

#[tokio::test]
async fn bad_urls_exit_2_naming_the_flag_without_the_password_and_a_missing_source_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let target = format!("sqlite://{}", dir.path().join("t.db").display());
    let (code, _, stderr) = db_copy("mysql://root:hunter2@db/upkeep", &target).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--from") && stderr.contains("sqlite://PATH"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    let (code, _, stderr) = db_copy(&target, "postgres://upkeep:hunter2@/upkeep").await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--to") && stderr.contains("host") && !stderr.contains("hunter2"), "{stderr}");

    let missing = format!("sqlite://{}", dir.path().join("missing.db").display());
    let (code, _, stderr) = db_copy(&missing, &target).await;
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("no database at"), "{stderr}");
    assert!(!dir.path().join("t.db").exists(), "nothing was created");

    let (code, _, stderr) = db_copy(&missing, &missing).await;
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("same database"), "{stderr}");
}
