//! `upkeep collect` as cron runs it: one collector per database, a deadline, and an exit code
//! and `--json` object for every way a run can end (README "When something goes wrong").

use std::time::{Duration, Instant};

use serde_json::Value;
use upkeep_sim::hostile::Hostility;

use crate::helpers::{Store, collect, config_for, sim_options, sqlite_url, start_sim, wait_for};

/// `upkeep collect --json` with `env`, against `api_url`, into the database at `db_url`; (exit
/// code, JSON, stderr).
async fn run(api_url: &str, db_url: &str, extra: &[&str], env: &[(&str, &str)]) -> (i32, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("empty.toml");
    std::fs::write(&config, "").unwrap();
    let mut cmd = crate::helpers::collect_command(&config, api_url, db_url, &["--json"]);
    cmd.args(extra).envs(env.iter().copied());
    let out = tokio::time::timeout(Duration::from_secs(120), cmd.output()).await.expect("ends").expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json =
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("--json prints one object ({e}): {stdout:?}"));
    (out.status.code().unwrap_or(-1), json, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_host_ends_the_run_within_seconds_with_exit_4_naming_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let store = Store::new().await;
    let started = Instant::now();
    let (code, json, stderr) =
        run(&url, &store.url(), &[], &[("UPKEEP_SOURCES__REPOS", "a/one, a/two, a/three")]).await;
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    assert_eq!(code, 4, "{stderr}");
    let error = json["error"].as_str().expect("error");
    assert!(error.contains(&format!("cannot reach {url}/")), "{error}");
    assert_eq!(json["synced"], 0);
    assert_eq!(json["failed_repos"].as_array().unwrap().len(), 4, "the org listing and three repositories: {json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_exits_4_and_says_which_variable_it_came_from() {
    let mut opts = sim_options();
    opts.require_token = Some("right".into());
    let sim = start_sim(opts).await;
    let store = Store::new().await;
    let (code, json, _) = run(&sim.url(), &store.url(), &[], &[("GH_TOKEN", "tok-3f9a-secret")]).await;
    assert_eq!(code, 4);
    let error = json["error"].as_str().unwrap();
    assert!(error.contains("401") && error.contains("GH_TOKEN"), "{error}");
    assert!(!error.contains("tok-3f9a"), "the token never appears");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_cannot_be_opened_exits_3_naming_the_file_once_with_json() {
    // On SQLite on every backend: the failure is a file that cannot be one.
    let sim = start_sim(sim_options()).await;
    let dir = tempfile::tempdir().unwrap();
    // A folder where the database file should be.
    let db = dir.path().join("folder.db");
    std::fs::create_dir(&db).unwrap();
    let (code, json, stderr) = run(&sim.url(), &sqlite_url(&db), &[], &[]).await;
    assert_eq!(code, 3, "{stderr}");
    let error = json["error"].as_str().unwrap();
    assert_eq!(error.matches(&db.display().to_string()).count(), 1, "the file is named once: {error}");
    assert!(error.contains("delete it and collect again"), "{error}");
    assert_eq!(stderr.matches(&db.display().to_string()).count(), 1, "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_collect_while_one_runs_exits_5_naming_the_first_and_leaves_it_alone() {
    // The first run is slow: every release listing trickles until the exchange deadline.
    let mut opts = sim_options();
    opts.hostile = vec![Hostility::Trickle];
    let sim = start_sim(opts).await;
    // One collector at a time is SQLite's rule; on PostgreSQL a second one joins the first's
    // round instead (`collectors.rs`).
    let store = Store::sqlite().await;
    let db = store.url();
    let url = sim.url();
    let first = {
        let (url, db) = (url.clone(), db.clone());
        let env = [("UPKEEP_GITHUB__TIMEOUT_SECS", "3"), ("UPKEEP_COLLECTOR__MAX_RETRIES", "2")];
        tokio::spawn(async move { run(&url, &db, &["--repo", "upkeep-sim/atlas"], &env).await })
    };
    // Wait until the first holds the lease.
    wait_for("the first run to take the lease", Duration::from_secs(30), async || {
        upkeep::db::lease::current(&store.db.pool).await.unwrap().map(|_| ())
    })
    .await;
    let (code, json, stderr) = run(&url, &db, &["--repo", "upkeep-sim/atlas"], &[]).await;
    assert_eq!(code, 5, "{stderr}");
    let error = json["error"].as_str().unwrap();
    assert!(error.starts_with("a sync is already running (pid ") && error.contains(" on "), "{error}");
    assert_eq!(json["requests"], 0, "the second run asked GitHub nothing");

    let (code, json, _) = first.await.unwrap();
    assert_eq!(code, 1, "the first run finished on its own (its releases failed): {json}");
    let statuses: Vec<String> = upkeep::db::sql::query_scalar("SELECT status FROM sync_runs ORDER BY id")
        .fetch_all(&store.db.pool)
        .await
        .unwrap();
    // One run (the only repository's releases failed, so it counts as failed), never marked
    // interrupted by the second process.
    assert_eq!(statuses, ["failed"]);
    assert!(upkeep::db::lease::current(&store.db.pool).await.unwrap().is_none(), "the lease was given back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_deadline_cuts_the_run_marks_what_it_cut_and_the_next_run_resumes_to_the_same_data() {
    let clean_sim = start_sim(sim_options()).await;
    let clean = Store::new().await;
    collect(&clean.collector(&clean_sim)).await;

    let mut opts = sim_options();
    opts.hostile = vec![Hostility::Trickle];
    let slow = start_sim(opts).await;
    let store = Store::new().await;
    let mut config = config_for(&slow.url(), &store.path());
    config.github.timeout_secs = 30;
    let collector = store.collector_with(config);
    let run = upkeep::github::sync::RunOptions {
        only_repo: None,
        trigger: "test".into(),
        show_progress: false,
        timeout: Some(Duration::from_secs(3)),
    };
    let started = Instant::now();
    let summary = collector.run(&run).await.expect("the run ends");
    assert!(started.elapsed() < Duration::from_secs(10), "ended at its deadline: {:?}", started.elapsed());
    assert_eq!(summary.timed_out.len() as u64, summary.repos, "{summary:?}");
    assert!(!summary.complete());
    let status: String = upkeep::db::sql::query_scalar("SELECT status FROM sync_runs ORDER BY id DESC LIMIT 1")
        .fetch_one(&store.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "failed", "nothing synced, and the run is closed, not left running");
    let tracked = upkeep::db::repos::list_tracked(&store.db.pool).await.unwrap();
    assert!(tracked.iter().all(|t| t.condition == "timed_out"), "{tracked:?}");

    // The same database against a well-behaved GitHub: the next run finishes the work.
    let fine = store.collector_with(config_for(&clean_sim.url(), &store.path()));
    let summary = collect(&fine).await;
    assert!(summary.complete(), "{summary:?}");
    assert_eq!(store.digests().await, clean.digests().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_collects_started_at_once_on_a_fresh_database_never_fail_on_its_creation() {
    // On SQLite on every backend: the race is over creating the file and switching it to WAL (a
    // PostgreSQL database is created beforehand, and its migrations run under their own lock).
    let sim = start_sim(sim_options()).await;
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_url(&dir.path().join("fresh.db"));
    let url = sim.url();
    let (a, b) = tokio::join!(
        run(&url, &db, &["--repo", "upkeep-sim/atlas"], &[]),
        run(&url, &db, &["--repo", "upkeep-sim/atlas"], &[])
    );
    let mut codes = [a.0, b.0];
    codes.sort_unstable();
    // One syncs; the other either finds it running (5) or, if it got there after, syncs too.
    assert!(codes == [0, 0] || codes == [0, 5], "exit codes {codes:?}: {}\n{}", a.2, b.2);
    for (_, json, _) in [&a, &b] {
        let error = json["error"].as_str().unwrap_or_default();
        assert!(!error.contains("already exists") && !error.contains("locked"), "{error}");
    }
}
