//! The run lease as `serve` sees it: a scheduled tick that finds another collector running skips
//! (no run is recorded, nothing is asked of GitHub), and `/status` shows the running collector
//! and a run's rate-limit wait.

use upkeep::db::{lease, runs};

use crate::helpers::{Store, config_for, get, sim_options, spawn_app, start_sim};

/// A live holder: this test process, on this host.
fn holder() -> lease::LeaseRow {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default().trim().to_owned();
    let now = chrono::Utc::now().timestamp();
    lease::LeaseRow {
        holder: "other-collector".into(),
        pid: i64::from(std::process::id()),
        host,
        started_at: now,
        heartbeat_at: now,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_tick_skips_while_another_collector_holds_the_lease() {
    let sim = start_sim(sim_options()).await;
    // The run lease is SQLite's rule (one collector at a time); on PostgreSQL collectors share
    // the repositories instead (`collectors.rs`).
    let store = Store::sqlite().await;
    let taken = lease::acquire(&store.db.pool, &holder(), chrono::Utc::now().timestamp(), 90, |_| false).await.unwrap();
    assert!(matches!(taken, lease::Acquired::Taken { .. }));
    let collector = store.collector_with(config_for(&sim.url(), &store.path()));
    upkeep::scheduler::run_once(&collector, "schedule", std::time::Duration::from_secs(60)).await;
    assert!(runs::list_recent_runs(&store.db.pool, 5).await.unwrap().is_empty(), "no run was started");
    assert_eq!(sim.stats().requests, 0, "nothing was asked of GitHub");

    lease::release(&store.db.pool, "other-collector").await.unwrap();
    upkeep::scheduler::run_once(&collector, "schedule", std::time::Duration::from_secs(60)).await;
    assert_eq!(runs::list_recent_runs(&store.db.pool, 5).await.unwrap().len(), 1, "the next tick runs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_shows_the_running_collector_and_its_rate_limit_wait() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let me = holder();
    lease::acquire(&store.db.pool, &me, me.started_at, 90, |_| false).await.unwrap();
    let run = runs::start_run_as(&store.db.pool, "cli", me.started_at, Some((&me, None))).await.unwrap();
    runs::set_waiting(&store.db.pool, run, Some(me.started_at + 1800)).await.unwrap();
    let app = spawn_app(config_for(&sim.url(), &store.path()), store.db.clone()).await;
    let (status, page) = get(&format!("{app}/status")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("A sync is running now (pid {} on {}", me.pid, me.host)), "{page}");
    assert!(page.contains("waiting for the rate limit until"), "the wait is shown");
    let api = crate::helpers::json(&format!("{app}/api/v1/status")).await;
    assert_eq!(api["running"]["pid"], me.pid);
    assert_eq!(api["runs"][0]["waiting_until"], me.started_at + 1800);
}
