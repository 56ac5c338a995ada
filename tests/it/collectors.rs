//! Several collectors, one database (PostgreSQL; issue #14): `upkeep collect` processes started
//! together, each with its own token, share one round and sync every repository exactly once;
//! one killed with SIGKILL mid-repository is taken over by another in the same round, and the
//! database ends equal to a clean sync's (`db digest`).
//!
//! PostgreSQL is reached through `UPKEEP_TEST_POSTGRES_URL`; without it these tests say so and
//! pass (on SQLite one collector runs at a time: `run_lease.rs`).

use std::{collections::BTreeMap, time::Duration};

use upkeep::{db::Location, github::sync::Collector};
use upkeep_sim::SimServer;

use crate::helpers::{Store, collect, collect_command, config_for, sim_options, start_sim, wait_for};

/// `upkeep collect --json` into `store`'s PostgreSQL database with `token`.
fn collector_process(sim: &SimServer, store: &Store, config: &std::path::Path, token: &str) -> tokio::process::Child {
    assert!(matches!(store.db.location(), Location::Postgres(_)), "a PostgreSQL store");
    let mut cmd = collect_command(config, &sim.url(), &store.url(), &["--json"]);
    cmd.env("UPKEEP_SOURCES__INCLUDE_ARCHIVED", "true").env("GITHUB_TOKEN", token);
    cmd.spawn().expect("upkeep collect starts")
}

async fn finish(child: tokio::process::Child, who: &str) -> serde_json::Value {
    let out = tokio::time::timeout(Duration::from_secs(300), child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("collector {who} ended within 5 minutes"))
        .expect("collector output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "collector {who}: {:?}\n{stderr}", out.status);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("collector {who}: --json output: {e}\n{stderr}"))
}

fn names(v: &serde_json::Value) -> Vec<String> {
    v.as_array().expect("a list").iter().map(|n| n.as_str().expect("a name").to_owned()).collect()
}

/// The runs that synced each repository (`sync_run_resources` names it as a scope).
async fn runs_per_repo(store: &Store) -> BTreeMap<String, Vec<i64>> {
    let rows: Vec<(String, i64)> = upkeep::db::sql::query_as(
        "SELECT DISTINCT scope, run_id FROM sync_run_resources WHERE scope LIKE 'upkeep-sim/%' ORDER BY scope, run_id",
    )
    .fetch_all(&store.db.pool)
    .await
    .unwrap();
    let mut per: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (scope, run) in rows {
        per.entry(scope.to_lowercase()).or_default().push(run);
    }
    per
}

async fn clean_digest(sim: &SimServer, token: &str) -> Vec<(String, u64, String)> {
    let clean = Store::new().await;
    let config = std::sync::Arc::new(config_for(&sim.url(), &clean.path()));
    let collector = Collector::with_token(config, clean.db.clone(), Some(token.to_owned().into())).unwrap();
    let summary = collect(&collector).await;
    assert!(summary.complete(), "{summary:?}");
    clean.digests().await
}

fn config_file(store: &Store) -> std::path::PathBuf {
    let config = store.dir.path().join("empty.toml");
    std::fs::write(&config, "").unwrap();
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_collectors_with_their_own_tokens_sync_every_repository_exactly_once_in_one_round() {
    if upkeep::scratch::postgres_url().is_none() {
        eprintln!("not run: UPKEEP_TEST_POSTGRES_URL names no PostgreSQL server (.ci/run sets it)");
        return;
    }
    let mut opts = sim_options();
    opts.portfolio = 24;
    opts.latency_ms = 3;
    opts.tokens = vec!["tok-a".to_owned(), "tok-b".to_owned(), "tok-c".to_owned()];
    let sim = start_sim(opts).await;
    let repos = sim.totals().len();
    assert_eq!(repos, 24);
    let store = Store::new().await;
    let config = config_file(&store);

    let children: Vec<_> =
        ["tok-a", "tok-b", "tok-c"].iter().map(|t| collector_process(&sim, &store, &config, t)).collect();
    let mut summaries = Vec::new();
    for (child, who) in children.into_iter().zip(["a", "b", "c"]) {
        summaries.push(finish(child, who).await);
    }

    let round = &summaries[0]["round"];
    assert!(round.is_i64(), "{summaries:?}");
    let mut synced_total = 0;
    for s in &summaries {
        assert_eq!(&s["round"], round, "one round: {summaries:?}");
        assert_eq!(s["repos"], repos, "{s}");
        let (synced, elsewhere) = (s["synced"].as_u64().unwrap(), names(&s["synced_elsewhere"]).len() as u64);
        assert_eq!(synced + elsewhere, repos as u64, "each repository synced here or elsewhere: {s}");
        assert!(names(&s["timed_out"]).is_empty() && names(&s["failed_repos"]).is_empty(), "{s}");
        synced_total += synced;
    }
    assert_eq!(synced_total, repos as u64, "no repository synced twice: {summaries:?}");
    let busy = summaries.iter().filter(|s| s["synced"].as_u64() > Some(0)).count();
    assert!(busy >= 2, "the work was shared: {summaries:?}");
    // Each token paid for its own collector's requests only.
    let stats = sim.stats();
    for token in ["tok-a", "tok-b", "tok-c"] {
        assert!(stats.by_caller.get(token).copied().unwrap_or(0) > 0, "{token}: {:?}", stats.by_caller);
    }

    // The database's own record: one run per repository.
    let per = runs_per_repo(&store).await;
    assert_eq!(per.len(), repos, "{per:?}");
    assert!(per.values().all(|runs| runs.len() == 1), "{per:?}");
    let rounds: Vec<(i64, Option<i64>)> =
        upkeep::db::sql::query_as("SELECT id, finished_at FROM sync_rounds").fetch_all(&store.db.pool).await.unwrap();
    assert_eq!(rounds.len(), 1);
    assert!(rounds[0].1.is_some(), "the last collector to end closed the round");

    assert_eq!(
        store.digests().await,
        clean_digest(&sim, "tok-a").await,
        "the shared sync stored what one collector does"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_killed_mid_repository_is_taken_over_in_the_same_round_and_nothing_is_lost() {
    if upkeep::scratch::postgres_url().is_none() {
        eprintln!("not run: UPKEEP_TEST_POSTGRES_URL names no PostgreSQL server (.ci/run sets it)");
        return;
    }
    let mut opts = sim_options();
    // Slow enough that a repository takes a while, so the kill lands inside one.
    opts.latency_ms = 15;
    opts.tokens = vec!["tok-a".to_owned(), "tok-b".to_owned()];
    let sim = start_sim(opts).await;
    let repos = sim.totals().len();
    let store = Store::new().await;
    let config = config_file(&store);

    let mut doomed = collector_process(&sim, &store, &config, "tok-a");
    let pid = i64::from(doomed.id().expect("a pid"));
    let survivor = collector_process(&sim, &store, &config, "tok-b");
    // Wait until the doomed collector is inside a repository: it holds the claim and has
    // finished at least one step of it, but not all.
    let pool = store.db.pool.clone();
    wait_for("the doomed collector mid-repository", Duration::from_secs(120), async || {
        upkeep::db::sql::query_scalar::<String>(
            "SELECT l.repo FROM repo_leases l JOIN sync_runs s ON s.id = l.run_id
             WHERE l.pid = ? AND EXISTS (SELECT 1 FROM sync_run_resources r WHERE r.run_id = s.id
                                         AND r.scope = l.repo AND r.status <> 'running')",
        )
        .bind(pid)
        .fetch_optional(&pool)
        .await
        .unwrap()
    })
    .await;
    doomed.start_kill().expect("SIGKILL");
    doomed.wait().await.expect("reaped");
    // What it held when it died.
    let victim: String = upkeep::db::sql::query_scalar("SELECT repo FROM repo_leases WHERE pid = ?")
        .bind(pid)
        .fetch_one(&pool)
        .await
        .expect("the killed collector held a repository");

    let summary = finish(survivor, "survivor").await;
    let taken_over = runs_per_repo(&store).await;
    let (survivor_run, done_run): (i64, Option<i64>) = upkeep::db::sql::query_as(
        "SELECT s.id, l.done_run FROM sync_runs s, repo_leases l WHERE s.pid <> ? AND l.repo = ?",
    )
    .bind(pid)
    .bind(&victim)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(done_run, Some(survivor_run), "the survivor finished {victim}");
    assert!(taken_over[&victim.to_lowercase()].contains(&survivor_run), "{taken_over:?}");
    let synced = summary["synced"].as_u64().unwrap();
    let elsewhere = names(&summary["synced_elsewhere"]);
    assert!(!elsewhere.iter().any(|e| e.eq_ignore_ascii_case(&victim)), "{summary}");
    assert_eq!(synced + elsewhere.len() as u64, repos as u64, "{summary}");
    // The killed run is closed as interrupted, and the round with it.
    let runs: Vec<(String, Option<i64>)> =
        upkeep::db::sql::query_as("SELECT status, round_id FROM sync_runs ORDER BY id")
            .fetch_all(&store.db.pool)
            .await
            .unwrap();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert!(runs.iter().any(|(status, _)| status == "interrupted"), "{runs:?}");
    assert_eq!(runs[0].1, runs[1].1, "one round: {runs:?}");
    let open: i64 = upkeep::db::sql::query_scalar("SELECT COUNT(*) FROM sync_rounds WHERE finished_at IS NULL")
        .fetch_one(&store.db.pool)
        .await
        .unwrap();
    assert_eq!(open, 0);

    assert_eq!(store.digests().await, clean_digest(&sim, "tok-a").await, "nothing lost: equal to a clean sync");
}
