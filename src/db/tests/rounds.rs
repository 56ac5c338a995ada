//! `db/rounds.rs`: runs join the open round while a live run works on it; claims hand each
//! repository to one run per round, in the caller's order, skip what is done or held, and take
//! over dead holders; releases mark done or hand back; the round closes with its last run.

use std::collections::BTreeMap;

use super::{fresh, support_ops::process};
use crate::db::{
    lease::LeaseRow,
    rounds::{
        Claim, LiveRun, begin_run, claim, done_elsewhere, end_run, forget, heartbeat, live_runs, prepare, reap,
        release, release_all, unfinished,
    },
    runs::{RunTotals, close_interrupted_runs, finish_run, list_recent_runs},
};

const STALE: i64 = 90;

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn free(repo: &str) -> Claim {
    Claim { repo: repo.to_owned(), holder: None, pid: None, host: None, heartbeat_at: None }
}

async fn finish(p: &sqlx::AnyPool, run: i64, at: i64) {
    let totals = RunTotals { status: "ok", repos: 0, requests: 0, not_modified: 0, items_written: 0, error: None };
    finish_run(p, run, &totals, at).await.unwrap();
}

async fn round_rows(p: &sqlx::AnyPool) -> Vec<(i64, i64, Option<i64>)> {
    crate::db::sql::query_as("SELECT id, started_at, finished_at FROM sync_rounds ORDER BY id")
        .fetch_all(p)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_run_joins_the_open_round_while_a_live_run_works_on_it_and_opens_a_new_one_after() {
    let f = fresh().await;
    let p = &f.db.pool;
    let (a, b, c) = (process("run-a", 1), process("run-b", 2), process("run-c", 3));
    let (run_a, round_a) = begin_run(p, &a, "schedule", 1000, STALE, true).await.unwrap();
    let (run_b, round_b) = begin_run(p, &b, "schedule", 1010, STALE, true).await.unwrap();
    assert!(round_a.is_some());
    assert_eq!(round_b, round_a, "b joins a's round");
    assert_ne!(run_a, run_b);
    let runs = list_recent_runs(p, 10).await.unwrap();
    assert_eq!(runs.len(), 2);

    // a ends while b still runs: the round stays open; b ends it.
    finish(p, run_a, 1100).await;
    assert!(!end_run(p, round_a.unwrap(), run_a, 1100).await.unwrap());
    assert_eq!(round_rows(p).await, vec![(round_a.unwrap(), 1000, None)]);
    finish(p, run_b, 1200).await;
    assert!(end_run(p, round_a.unwrap(), run_b, 1200).await.unwrap());
    assert_eq!(round_rows(p).await, vec![(round_a.unwrap(), 1000, Some(1200))]);

    // With the round closed, the next run opens a new one.
    let (_, round_c) = begin_run(p, &c, "cli", 1300, STALE, true).await.unwrap();
    assert_eq!(round_c, Some(round_a.unwrap() + 1));
    // A run of one named repository belongs to no round.
    let (_, none) = begin_run(p, &a, "cli", 1301, STALE, false).await.unwrap();
    assert_eq!(none, None);
}

#[tokio::test]
async fn a_round_whose_every_run_went_silent_is_closed_and_a_new_one_opened() {
    let f = fresh().await;
    let p = &f.db.pool;
    let (a, b) = (process("run-a", 1), process("run-b", 2));
    let (run_a, round_a) = begin_run(p, &a, "schedule", 1000, STALE, true).await.unwrap();
    heartbeat(p, &a.holder, run_a, 1050).await.unwrap();
    // Exactly STALE old: still live, so b joins.
    let (_, joined) = begin_run(p, &b, "schedule", 1050 + STALE, STALE, true).await.unwrap();
    assert_eq!(joined, round_a);
    // Both silent for longer (b's run began at 1050 + STALE): the round is abandoned.
    let later = 1050 + 2 * STALE + 1;
    let (_, round_c) = begin_run(p, &b, "schedule", later, STALE, true).await.unwrap();
    assert_ne!(round_c, round_a);
    let rounds = round_rows(p).await;
    assert_eq!(rounds[0], (round_a.unwrap(), 1000, Some(later)));
    assert_eq!(rounds[1].2, None);
}

#[tokio::test]
async fn claims_follow_the_callers_order_skip_held_and_done_repositories_and_free_up_in_a_new_round() {
    let f = fresh().await;
    let p = &f.db.pool;
    let (a, b) = (process("run-a", 1), process("run-b", 2));
    let repos = names(&["o/zeta", "o/alpha", "o/mid"]);
    prepare(p, &repos).await.unwrap();
    prepare(p, &names(&["O/ZETA", "o/alpha"])).await.unwrap(); // again, and in other case: no new rows
    let count: i64 = crate::db::sql::query_scalar("SELECT COUNT(*) FROM repo_leases").fetch_one(p).await.unwrap();
    assert_eq!(count, 3);

    let (run_a, round) = begin_run(p, &a, "cli", 1000, STALE, true).await.unwrap();
    let (run_b, _) = begin_run(p, &b, "cli", 1000, STALE, true).await.unwrap();
    let first = claim(p, &a, run_a, round, &repos, 1000, STALE).await.unwrap();
    assert_eq!(first, Some(free("o/zeta")), "the caller's order, not the names'");
    let second = claim(p, &b, run_b, round, &repos, 1001, STALE).await.unwrap();
    assert_eq!(second, Some(free("o/alpha")), "a held repository is passed over");
    assert_eq!(
        unfinished(p, round, &a.holder, &repos).await.unwrap().iter().map(|c| c.repo.as_str()).collect::<Vec<_>>(),
        ["o/alpha", "o/mid", "o/zeta"]
    );

    // zeta is done by a; b's done alpha; mid is left. Neither is offered again in this round.
    assert!(release(p, &a.holder, "o/zeta", Some((round, run_a)), 1010).await.unwrap());
    assert!(release(p, &b.holder, "O/Alpha", Some((round, run_b)), 1011).await.unwrap());
    let third = claim(p, &a, run_a, round, &repos, 1012, STALE).await.unwrap();
    assert_eq!(third, Some(free("o/mid")));
    assert_eq!(claim(p, &b, run_b, round, &repos, 1013, STALE).await.unwrap(), None);
    let left = unfinished(p, round, &b.holder, &repos).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!((left[0].repo.as_str(), left[0].holder.as_deref()), ("o/mid", Some("run-a")));
    assert_eq!(done_elsewhere(p, round.unwrap(), run_b, &repos).await.unwrap(), ["o/zeta"]);
    assert_eq!(done_elsewhere(p, round.unwrap(), run_a, &repos).await.unwrap(), ["o/alpha"]);

    // A hand-back (not done) makes it free again in the same round.
    assert!(release(p, &a.holder, "o/mid", None, 1020).await.unwrap());
    assert_eq!(claim(p, &b, run_b, round, &repos, 1021, STALE).await.unwrap(), Some(free("o/mid")));
    assert!(release(p, &b.holder, "o/mid", Some((round, run_b)), 1022).await.unwrap());
    assert!(unfinished(p, round, &b.holder, &repos).await.unwrap().is_empty());

    // Outside rounds (one named repository), done ones are offered again.
    assert_eq!(claim(p, &a, run_a, None, &names(&["o/alpha"]), 1030, STALE).await.unwrap(), Some(free("o/alpha")));
    // And in a new round, everything.
    finish(p, run_a, 1100).await;
    finish(p, run_b, 1100).await;
    end_run(p, round.unwrap(), run_b, 1100).await.unwrap();
    assert_eq!(release_all(p, &a.holder).await.unwrap(), 1);
    let (run_c, next) = begin_run(p, &a, "cli", 1200, STALE, true).await.unwrap();
    assert_ne!(next, round);
    assert_eq!(claim(p, &a, run_c, next, &repos, 1200, STALE).await.unwrap(), Some(free("o/zeta")));
}

#[tokio::test]
async fn a_dead_holders_claim_is_taken_over_and_its_late_release_is_refused() {
    let f = fresh().await;
    let p = &f.db.pool;
    let (a, b) = (process("run-a", 1), process("run-b", 2));
    let repos = names(&["o/one"]);
    prepare(p, &repos).await.unwrap();
    let (run_a, round) = begin_run(p, &a, "cli", 1000, STALE, true).await.unwrap();
    let (run_b, _) = begin_run(p, &b, "cli", 1000, STALE, true).await.unwrap();
    claim(p, &a, run_a, round, &repos, 1000, STALE).await.unwrap().unwrap();
    heartbeat(p, &a.holder, run_a, 1050).await.unwrap();

    // Renewed at 1050: held through 1050 + STALE, taken over after.
    assert_eq!(claim(p, &b, run_b, round, &repos, 1050 + STALE, STALE).await.unwrap(), None);
    let taken = claim(p, &b, run_b, round, &repos, 1051 + STALE, STALE).await.unwrap().unwrap();
    assert_eq!(taken.holder.as_deref(), Some("run-a"));
    assert_eq!((taken.pid, taken.host.as_deref(), taken.heartbeat_at), (Some(1), Some("box"), Some(1050)));
    assert!(!release(p, &a.holder, "o/one", Some((round, run_a)), 1200).await.unwrap(), "no longer a's");
    assert!(release(p, &b.holder, "o/one", Some((round, run_b)), 1201).await.unwrap());
    let done: (Option<i64>, Option<i64>, Option<i64>) =
        crate::db::sql::query_as("SELECT done_round, done_run, done_at FROM repo_leases").fetch_one(p).await.unwrap();
    assert_eq!(done, (round, Some(run_b), Some(1201)));
}

#[tokio::test]
async fn reap_frees_at_once_the_claims_of_processes_gone_from_this_host_only() {
    let f = fresh().await;
    let p = &f.db.pool;
    let gone = process("run-gone", 41);
    let live = process("run-live", 42);
    let elsewhere = LeaseRow { host: "other".to_owned(), ..process("run-far", 41) };
    let me = process("run-me", 43);
    let repos = names(&["o/a", "o/b", "o/c"]);
    prepare(p, &repos).await.unwrap();
    for (who, repo) in [(&gone, "o/a"), (&live, "o/b"), (&elsewhere, "o/c")] {
        let (run, _) = begin_run(p, who, "cli", 1000, STALE, false).await.unwrap();
        claim(p, who, run, None, &names(&[repo]), 1000, STALE).await.unwrap().unwrap();
    }
    let (run, _) = begin_run(p, &me, "cli", 1000, STALE, false).await.unwrap();
    assert_eq!(claim(p, &me, run, None, &repos, 1001, STALE).await.unwrap(), None);

    assert_eq!(reap(p, "box", |pid| pid == 41).await.unwrap(), 1, "pid 41 on box only");
    let taken = claim(p, &me, run, None, &repos, 1002, STALE).await.unwrap().unwrap();
    assert_eq!((taken.repo.as_str(), taken.holder.as_deref()), ("o/a", Some("run-gone")));
    assert_eq!(claim(p, &me, run, None, &repos, 1003, STALE).await.unwrap(), None);
}

#[tokio::test]
async fn forget_removes_a_repositorys_claim_row() {
    let f = fresh().await;
    let p = &f.db.pool;
    prepare(p, &names(&["o/secret", "o/open"])).await.unwrap();
    forget(p, "O/Secret").await.unwrap();
    let left: Vec<String> = crate::db::sql::query_scalar("SELECT repo FROM repo_leases").fetch_all(p).await.unwrap();
    assert_eq!(left, ["o/open"]);
}

#[tokio::test]
async fn close_interrupted_runs_leaves_live_runs_and_closes_silent_and_gone_ones() {
    let f = fresh().await;
    let p = &f.db.pool;
    let live = process("run-live", 1);
    let silent = process("run-silent", 2);
    let gone = process("run-gone", 3);
    let (live_run, _) = begin_run(p, &live, "cli", 1000, STALE, true).await.unwrap();
    let (silent_run, _) = begin_run(p, &silent, "cli", 1000, STALE, true).await.unwrap();
    let (gone_run, _) = begin_run(p, &gone, "cli", 1000, STALE, true).await.unwrap();
    heartbeat(p, &live.holder, live_run, 1080).await.unwrap();
    heartbeat(p, &gone.holder, gone_run, 1080).await.unwrap();

    let closed = close_interrupted_runs(p, 1100, STALE, |host, pid| host == "box" && pid == 3).await.unwrap();
    assert_eq!(closed, 2);
    let status: BTreeMap<i64, String> =
        list_recent_runs(p, 10).await.unwrap().into_iter().map(|r| (r.id, r.status)).collect();
    assert_eq!(status[&live_run], "running");
    assert_eq!(status[&silent_run], "interrupted");
    assert_eq!(status[&gone_run], "interrupted");
}

/// Eight runs claim and finish concurrently, each through its own connection: every repository
/// is done exactly once in the round (on PostgreSQL this is `FOR UPDATE SKIP LOCKED` at work).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_runs_sync_every_repository_exactly_once_per_round() {
    let f = fresh().await;
    let p = crate::db::Db::connect(f.db.location(), 8).await.unwrap().pool;
    let repos: Vec<String> = (0..48).map(|i| format!("portfolio/repo-{i:02}")).collect();
    prepare(&p, &repos).await.unwrap();
    let mut tasks = Vec::new();
    for n in 0..8 {
        let (p, repos) = (p.clone(), repos.clone());
        tasks.push(tokio::spawn(async move {
            let me = process(&format!("run-{n}"), 100 + n);
            let (run, round) = begin_run(&p, &me, "cli", 1000, STALE, true).await.unwrap();
            let mut mine = Vec::new();
            while let Some(c) = claim(&p, &me, run, round, &repos, 1000, STALE).await.unwrap() {
                tokio::task::yield_now().await;
                assert!(release(&p, &me.holder, &c.repo, Some((round, run)), 1001).await.unwrap());
                mine.push(c.repo);
            }
            (round, mine)
        }));
    }
    let mut times: BTreeMap<String, usize> = BTreeMap::new();
    let mut rounds = Vec::new();
    for t in tasks {
        let (round, mine) = t.await.unwrap();
        rounds.push(round);
        for r in mine {
            *times.entry(r).or_default() += 1;
        }
    }
    rounds.dedup();
    assert_eq!(rounds.len(), 1, "every run joined one round");
    assert_eq!(times.len(), 48);
    assert!(times.values().all(|&n| n == 1), "{times:?}");
}

#[tokio::test]
async fn live_runs_lists_running_runs_with_a_recent_heartbeat_and_the_repository_each_holds() {
    let f = fresh().await;
    let p = &f.db.pool;
    let (a, b, c) = (process("run-a", 1), process("run-b", 2), process("run-c", 3));
    let repos = names(&["o/one", "o/two"]);
    prepare(p, &repos).await.unwrap();
    let (run_a, round) = begin_run(p, &a, "cli", 1000, STALE, true).await.unwrap();
    let (run_b, _) = begin_run(p, &b, "cli", 1000, STALE, true).await.unwrap();
    let (run_c, _) = begin_run(p, &c, "cli", 1000, STALE, true).await.unwrap();
    claim(p, &b, run_b, round, &repos, 1000, STALE).await.unwrap();
    heartbeat(p, &a.holder, run_a, 1100).await.unwrap();
    heartbeat(p, &b.holder, run_b, 1100).await.unwrap();
    finish(p, run_c, 1100).await;
    // a and b are live at 1150; c finished.
    let live = live_runs(p, 1150, STALE).await.unwrap();
    let expect = |run_id, pid, repo: Option<&str>| LiveRun {
        run_id,
        pid: Some(pid),
        host: Some("box".to_owned()),
        started_at: 1000,
        heartbeat_at: Some(1100),
        repo: repo.map(str::to_owned),
    };
    assert_eq!(live, vec![expect(run_a, 1, None), expect(run_b, 2, Some("o/one"))]);
    // Silent past STALE: none is live.
    assert!(live_runs(p, 1100 + STALE + 1, STALE).await.unwrap().is_empty());
}
