//! `db/runs.rs`: runs opened, waiting, finished or interrupted; their steps; the totals and
//! the data version that the status page and the page cache read.

use super::{fresh, support_ops::step};
use crate::db::runs::{
    RunResourceRow, RunRow, RunTotals, close_interrupted_runs, count_failed_steps, data_version, finish_run,
    has_finished_run, items_written_in_run, list_recent_runs, list_run_resources, record_run_resource, run_totals,
    set_waiting, start_run, start_run_as,
};

fn totals<'a>(status: &'a str, requests: i64, items: i64, error: Option<&'a str>) -> RunTotals<'a> {
    RunTotals { status, repos: 2, requests, not_modified: 1, items_written: items, error }
}

/// The run `id` as the latest runs list shows it.
async fn run(p: &sqlx::AnyPool, id: i64) -> RunRow {
    list_recent_runs(p, 100).await.unwrap().into_iter().find(|r| r.id == id).expect("the run is listed")
}

#[tokio::test]
async fn start_run_opens_a_running_run_with_empty_totals() {
    let f = fresh().await;
    let p = &f.db.pool;
    let id = start_run(p, "schedule", 1000).await.unwrap();
    let expected = RunRow {
        id,
        started_at: 1000,
        finished_at: None,
        status: "running".to_owned(),
        trigger: "schedule".to_owned(),
        repos: 0,
        requests: 0,
        not_modified: 0,
        items_written: 0,
        error: None,
        waiting_until: None,
    };
    assert_eq!(list_recent_runs(p, 10).await.unwrap(), [expected]);
    assert_eq!(start_run(p, "cli", 1100).await.unwrap(), id + 1);
}

#[tokio::test]
async fn a_run_waits_for_the_rate_limit_then_stops_waiting() {
    let f = fresh().await;
    let p = &f.db.pool;
    let id = start_run(p, "cli", 1000).await.unwrap();
    set_waiting(p, id, Some(4600)).await.unwrap();
    assert_eq!(run(p, id).await.waiting_until, Some(4600));
    set_waiting(p, id, None).await.unwrap();
    assert_eq!(run(p, id).await.waiting_until, None);
}

#[tokio::test]
async fn finish_run_records_the_totals_and_ends_any_wait() {
    let f = fresh().await;
    let p = &f.db.pool;
    let id = start_run(p, "cli", 1000).await.unwrap();
    set_waiting(p, id, Some(4600)).await.unwrap();
    finish_run(p, id, &totals("partial", 12, 30, Some("o/b: not found")), 1500).await.unwrap();

    let expected = RunRow {
        id,
        started_at: 1000,
        finished_at: Some(1500),
        status: "partial".to_owned(),
        trigger: "cli".to_owned(),
        repos: 2,
        requests: 12,
        not_modified: 1,
        items_written: 30,
        error: Some("o/b: not found".to_owned()),
        waiting_until: None,
    };
    assert_eq!(run(p, id).await, expected);
}

#[tokio::test]
async fn close_interrupted_runs_closes_only_runs_still_running() {
    let f = fresh().await;
    let p = &f.db.pool;
    let done = start_run(p, "cli", 1000).await.unwrap();
    finish_run(p, done, &totals("ok", 5, 5, None), 1100).await.unwrap();
    let killed = start_run(p, "schedule", 2000).await.unwrap();
    set_waiting(p, killed, Some(5000)).await.unwrap();

    close_interrupted_runs(p, 3000, 90, |_, _| false).await.unwrap();
    let closed = run(p, killed).await;
    assert_eq!(closed.status, "interrupted");
    assert_eq!(closed.error.as_deref(), Some("the process stopped before the run finished"));
    assert_eq!(closed.waiting_until, None);
    assert_eq!(closed.finished_at, None);
    let untouched = run(p, done).await;
    assert_eq!((untouched.status.as_str(), untouched.error), ("ok", None));
}

#[tokio::test]
async fn recording_a_step_again_updates_its_outcome_and_keeps_its_start() {
    let f = fresh().await;
    let p = &f.db.pool;
    let id = start_run(p, "cli", 1000).await.unwrap();
    let running =
        RunResourceRow { finished_at: None, status: "running".to_owned(), ..step(id, "o/a", "issues", "ok", 1001) };
    record_run_resource(p, &running).await.unwrap();
    let done = RunResourceRow {
        started_at: 1999, // ignored: the step started when first recorded
        finished_at: Some(1010),
        status: "failed".to_owned(),
        requests: 3,
        not_modified: 1,
        items_written: 7,
        error: Some("500".to_owned()),
        ..running.clone()
    };
    record_run_resource(p, &done).await.unwrap();

    assert_eq!(list_run_resources(p, id).await.unwrap(), [RunResourceRow { started_at: 1001, ..done }]);
}

#[tokio::test]
async fn list_run_resources_orders_by_scope_then_start_then_resource_and_keeps_runs_apart() {
    let f = fresh().await;
    let p = &f.db.pool;
    let id = start_run(p, "cli", 1000).await.unwrap();
    let other = start_run(p, "cli", 2000).await.unwrap();
    for s in [
        step(id, "o/b", "issues", "ok", 1001),
        step(id, "o/a", "releases", "ok", 1003),
        step(id, "o/a", "issues", "ok", 1003),
        step(id, "o/a", "repo", "ok", 1002),
        step(other, "o/a", "repo", "ok", 2001),
    ] {
        record_run_resource(p, &s).await.unwrap();
    }
    let order: Vec<String> =
        list_run_resources(p, id).await.unwrap().into_iter().map(|r| format!("{} {}", r.scope, r.resource)).collect();
    assert_eq!(order, ["o/a repo", "o/a issues", "o/a releases", "o/b issues"]);
    assert!(list_run_resources(p, other + 1).await.unwrap().is_empty());
}

#[tokio::test]
async fn items_written_in_run_sums_that_runs_steps_failed_ones_included() {
    let f = fresh().await;
    let p = &f.db.pool;
    let id = start_run(p, "cli", 1000).await.unwrap();
    let other = start_run(p, "cli", 2000).await.unwrap();
    assert_eq!(items_written_in_run(p, id).await.unwrap(), 0);
    record_run_resource(p, &RunResourceRow { items_written: 4, ..step(id, "o/a", "issues", "ok", 1001) })
        .await
        .unwrap();
    record_run_resource(p, &RunResourceRow { items_written: 3, ..step(id, "o/b", "issues", "failed", 1002) })
        .await
        .unwrap();
    record_run_resource(p, &RunResourceRow { items_written: 100, ..step(other, "o/a", "issues", "ok", 2001) })
        .await
        .unwrap();
    assert_eq!(items_written_in_run(p, id).await.unwrap(), 7);
}

#[tokio::test]
async fn list_recent_runs_is_newest_first_up_to_the_limit() {
    let f = fresh().await;
    let p = &f.db.pool;
    assert!(list_recent_runs(p, 5).await.unwrap().is_empty());
    let ids = [
        start_run(p, "cli", 10).await.unwrap(),
        start_run(p, "cli", 20).await.unwrap(),
        start_run(p, "cli", 30).await.unwrap(),
    ];
    let listed: Vec<i64> = list_recent_runs(p, 2).await.unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(listed, [ids[2], ids[1]]);
}

#[tokio::test]
async fn has_finished_run_waits_for_a_run_that_really_finished() {
    let f = fresh().await;
    let p = &f.db.pool;
    assert!(!has_finished_run(p).await.unwrap());
    start_run(p, "cli", 10).await.unwrap();
    assert!(!has_finished_run(p).await.unwrap());
    close_interrupted_runs(p, 3000, 90, |_, _| false).await.unwrap(); // interrupted is not finished
    assert!(!has_finished_run(p).await.unwrap());
    let id = start_run(p, "cli", 20).await.unwrap();
    finish_run(p, id, &totals("failed", 1, 0, Some("boom")), 30).await.unwrap();
    assert!(has_finished_run(p).await.unwrap());
}

#[tokio::test]
async fn run_totals_sum_each_final_status_in_name_order() {
    let f = fresh().await;
    let p = &f.db.pool;
    assert!(run_totals(p).await.unwrap().is_empty());
    for (status, requests, items) in [("ok", 10, 4), ("failed", 3, 0), ("ok", 5, 6)] {
        let id = start_run(p, "cli", 10).await.unwrap();
        finish_run(p, id, &totals(status, requests, items, None), 20).await.unwrap();
    }
    start_run(p, "cli", 30).await.unwrap();

    let got: Vec<(String, i64, i64, i64, i64)> = run_totals(p)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.status, t.runs, t.requests, t.not_modified, t.items_written))
        .collect();
    assert_eq!(
        got,
        [("failed".to_owned(), 1, 3, 1, 0), ("ok".to_owned(), 2, 15, 2, 10), ("running".to_owned(), 1, 0, 0, 0),]
    );
}

#[tokio::test]
async fn count_failed_steps_counts_failed_steps_across_runs() {
    let f = fresh().await;
    let p = &f.db.pool;
    assert_eq!(count_failed_steps(p).await.unwrap(), 0);
    let a = start_run(p, "cli", 10).await.unwrap();
    let b = start_run(p, "cli", 20).await.unwrap();
    for s in [
        step(a, "o/a", "issues", "failed", 11),
        step(a, "o/a", "releases", "ok", 12),
        step(a, "o/b", "repo", "not_modified", 13),
        step(b, "o/a", "issues", "failed", 21),
        step(b, "o/b", "repo", "skipped", 22),
    ] {
        record_run_resource(p, &s).await.unwrap();
    }
    assert_eq!(count_failed_steps(p).await.unwrap(), 2);
}

#[tokio::test]
async fn data_version_moves_when_a_run_starts_or_finishes_and_only_then() {
    let f = fresh().await;
    let p = &f.db.pool;
    assert_eq!(data_version(p).await.unwrap(), 0);
    let id = start_run(p, "cli", 10).await.unwrap();
    assert_eq!(data_version(p).await.unwrap(), 1);
    set_waiting(p, id, Some(99)).await.unwrap();
    record_run_resource(p, &step(id, "o/a", "issues", "ok", 11)).await.unwrap();
    assert_eq!(data_version(p).await.unwrap(), 1);
    finish_run(p, id, &totals("ok", 1, 1, None), 20).await.unwrap();
    assert_eq!(data_version(p).await.unwrap(), 2);
    start_run(p, "cli", 30).await.unwrap();
    assert_eq!(data_version(p).await.unwrap(), 3);
}

/// A repository's sync that records its outcome (its last write) moves the version while its
/// run is still open: a collector killed later, or a long run, does not hide it from the servers
/// until the run ends. Writes that change nothing shown do not move it.
#[tokio::test]
async fn data_version_moves_when_a_repository_records_its_outcome_without_the_run_finishing() {
    use crate::db::repos::{RepoOutcome, mark_removed, record_repo_outcome, track_repository};
    let f = fresh().await;
    let p = &f.db.pool;
    let run = start_run(p, "cli", 10).await.unwrap();
    track_repository(p, "o/a", "config").await.unwrap();
    track_repository(p, "o/b", "config").await.unwrap();
    record_run_resource(p, &step(run, "o/a", "issues", "ok", 11)).await.unwrap();
    let started = data_version(p).await.unwrap();
    assert_eq!(started, 1);

    let ok = RepoOutcome { condition: "ok", message: None, repo_id: Some(1), at: 12 };
    record_repo_outcome(p, "o/a", &ok).await.unwrap();
    assert_eq!(data_version(p).await.unwrap(), started + 1);
    let failed = RepoOutcome { condition: "failed", message: Some("boom"), repo_id: None, at: 13 };
    record_repo_outcome(p, "o/b", &failed).await.unwrap();
    assert_eq!(data_version(p).await.unwrap(), started + 2);
    // Removed: as an update of a tracked name, and as a name tracked only now.
    mark_removed(p, "o/a", "made private", 14).await.unwrap();
    mark_removed(p, "o/never", "deleted", 14).await.unwrap();
    assert_eq!(data_version(p).await.unwrap(), started + 4);

    // Tracking again, a step's record, waiting: nothing the pages show changed.
    track_repository(p, "o/b", "org:o").await.unwrap();
    track_repository(p, "o/c", "org:o").await.unwrap();
    record_run_resource(p, &step(run, "o/b", "issues", "ok", 15)).await.unwrap();
    set_waiting(p, run, Some(99)).await.unwrap();
    assert_eq!(data_version(p).await.unwrap(), started + 4);
    assert_eq!(run_totals(p).await.unwrap().iter().map(|t| t.status.as_str()).collect::<Vec<_>>(), ["running"]);
}

/// Several collectors move the version at once, each through its own connection (on
/// PostgreSQL, in transactions side by side): every start, outcome and finish counts once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn data_version_counts_every_move_of_concurrent_collectors() {
    use crate::db::repos::{RepoOutcome, record_repo_outcome, track_repository};
    let f = fresh().await;
    let p = crate::db::Db::connect(f.db.location(), 8).await.unwrap().pool;
    let before = data_version(&p).await.unwrap();
    let mut tasks = Vec::new();
    for n in 0..8 {
        let p = p.clone();
        tasks.push(tokio::spawn(async move {
            let run = start_run(&p, "cli", 10).await.unwrap();
            for r in 0..6 {
                let name = format!("o/repo-{n}-{r}");
                track_repository(&p, &name, "config").await.unwrap();
                let ok = RepoOutcome { condition: "ok", message: None, repo_id: None, at: 11 };
                record_repo_outcome(&p, &name, &ok).await.unwrap();
                tokio::task::yield_now().await;
            }
            finish_run(&p, run, &totals("ok", 1, 1, None), 20).await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // 8 starts, 48 outcomes, 8 finishes.
    assert_eq!(data_version(&p).await.unwrap(), before + 64);
}

#[tokio::test]
async fn tune_for_sync_sets_every_connections_cache_and_checkpoint_and_keeps_synchronous() {
    use crate::db::runs::{SYNC_AUTOCHECKPOINT_PAGES, SYNC_CACHE_KIB, tune_for_sync};
    let f = super::fresh_sqlite().await;
    // A pool of two, as `Db::open_with` can make: every connection is tuned.
    let db = crate::db::Db::open_with(f.db.location().sqlite_path().unwrap(), 2).await.unwrap();
    let p = &db.pool;
    tune_for_sync(p).await.unwrap();
    // Both connections, held at once so that each is asked.
    let mut held = Vec::new();
    for _ in 0..p.options().get_max_connections() {
        held.push(p.acquire().await.unwrap());
    }
    assert_eq!(held.len(), 2);
    for conn in &mut held {
        let cache: i64 = crate::db::sql::query_scalar("PRAGMA cache_size").fetch_one(&mut **conn).await.unwrap();
        let checkpoint: i64 =
            crate::db::sql::query_scalar("PRAGMA wal_autocheckpoint").fetch_one(&mut **conn).await.unwrap();
        let synchronous: i64 = crate::db::sql::query_scalar("PRAGMA synchronous").fetch_one(&mut **conn).await.unwrap();
        assert_eq!((cache, checkpoint), (-SYNC_CACHE_KIB, SYNC_AUTOCHECKPOINT_PAGES));
        assert_eq!(synchronous, 1, "NORMAL, as the pool opened it: a killed sync loses no commit");
    }
}

#[tokio::test]
async fn start_run_as_records_the_holding_process_and_round() {
    let f = fresh().await;
    let p = &f.db.pool;
    let me = super::support_ops::process("run-x", 77);
    let id = start_run_as(p, "schedule", 500, Some((&me, Some(3)))).await.unwrap();
    let (round, holder, pid): (Option<i64>, Option<String>, Option<i64>) =
        crate::db::sql::query_as("SELECT round_id, holder, pid FROM sync_runs WHERE id = ?")
            .bind(id)
            .fetch_one(p)
            .await
            .unwrap();
    assert_eq!((round, holder.as_deref(), pid), (Some(3), Some("run-x"), Some(77)));
    let (host, beat): (Option<String>, Option<i64>) =
        crate::db::sql::query_as("SELECT host, heartbeat_at FROM sync_runs WHERE id = ?")
            .bind(id)
            .fetch_one(p)
            .await
            .unwrap();
    assert_eq!((host.as_deref(), beat), (Some("box"), Some(500)));
    let bare = start_run(p, "cli", 600).await.unwrap();
    let holder: Option<String> = crate::db::sql::query_scalar("SELECT holder FROM sync_runs WHERE id = ?")
        .bind(bare)
        .fetch_one(p)
        .await
        .unwrap();
    assert_eq!(holder, None);
}
