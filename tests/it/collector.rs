//! The collector against the simulated GitHub: completeness, request cost, 304 re-syncs,
//! incremental syncs, and the failure cases a user meets (404, rename, bad token, rate limit).

use upkeep::db;
use upkeep_sim::SimOptions;

use crate::helpers::{Store, collect, config_for, page_lower_bound, sim_options, start_sim};

fn sum(sim: &upkeep_sim::SimServer, f: impl Fn(&upkeep_sim::RepoTotals) -> u64) -> i64 {
    sim.totals().iter().map(f).sum::<u64>() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_sync_stores_every_item_within_ten_percent_of_the_page_lower_bound() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let summary = collect(&store.collector(&sim)).await;

    assert!(summary.failed_repos.is_empty(), "{summary:?}");
    assert_eq!(summary.repos, 12);
    assert_eq!(store.count("repositories").await, sim.totals().len() as i64);
    assert_eq!(store.count("issues").await, sum(&sim, |t| t.issues_and_prs));
    assert_eq!(store.count("comments").await, sum(&sim, |t| t.issue_comments));
    assert_eq!(store.count("review_comments").await, sum(&sim, |t| t.review_comments));
    assert_eq!(store.count("reviews").await, sum(&sim, |t| t.reviews));
    assert_eq!(store.count("releases").await, sum(&sim, |t| t.releases));

    let (bound, reviews) = page_lower_bound(&sim);
    let graphql = sim.stats().graphql;
    eprintln!(
        "full sync: {} requests; page lower bound {bound}; {graphql} GraphQL requests ({reviews} review batches)",
        summary.requests
    );
    assert!(graphql >= reviews, "reviews come in GraphQL batches of 50");
    assert!(
        summary.requests as f64 <= 1.1 * bound as f64 + graphql as f64,
        "{} requests > 1.1 × {bound} + {graphql} GraphQL requests",
        summary.requests
    );
    assert_eq!(summary.not_modified, 0);

    let answered: i64 =
        upkeep::db::sql::query_scalar("SELECT COUNT(*) FROM issues WHERE first_response_at IS NOT NULL")
            .fetch_one(&store.db.pool)
            .await
            .unwrap();
    assert!(answered > 0, "first responses are derived during the sync");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_resync_is_answered_entirely_by_304s() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let collector = store.collector(&sim);
    collect(&collector).await;
    let before = store.digests().await;

    let again = collect(&collector).await;
    eprintln!("re-sync: {} requests, {} answered 304", again.requests, again.not_modified);
    assert!(again.requests > 0);
    assert_eq!(again.requests, again.not_modified, "every request of an unchanged re-sync is a 304");
    assert_eq!(again.items_written, 0);
    assert_eq!(store.digests().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incremental_sync_after_one_percent_of_changes_equals_a_fresh_full_sync() {
    let sim = start_sim(sim_options()).await;
    let incremental = Store::new().await;
    let collector = incremental.collector(&sim);
    let full = collect(&collector).await;

    let changes = sim.advance(1.0, 0.01);
    let delta = collect(&collector).await;
    eprintln!("after {changes:?}: full sync {} requests, incremental {} requests", full.requests, delta.requests);
    assert!(delta.failed_repos.is_empty());
    assert!(delta.items_written > 0, "the changes were fetched");
    let run = upkeep::db::runs::list_recent_runs(&incremental.db.pool, 1).await.unwrap()[0].id;
    for r in upkeep::db::runs::list_run_resources(&incremental.db.pool, run).await.unwrap() {
        if r.items_written > 0 || r.requests > r.not_modified {
            eprintln!(
                "  {} {}: {} requests, {} x 304, {} items",
                r.scope, r.resource, r.requests, r.not_modified, r.items_written
            );
        }
    }
    assert!(delta.items_written * 20 < full.items_written, "only what changed is fetched: {delta:?} vs {full:?}");
    let fetched = delta.requests - delta.not_modified;
    assert!(fetched * 2 < full.requests, "{fetched} non-304 requests vs {} for the full sync", full.requests);

    let fresh = Store::new().await;
    collect(&fresh.collector(&sim)).await;
    assert_eq!(incremental.digests().await, fresh.digests().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_repository_fails_alone_and_is_explained_on_the_status_record() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let mut config = config_for(&sim.url(), &store.path());
    config.sources.repos = vec!["upkeep-sim/no-such-repo".parse().unwrap()];
    let summary = collect(&store.collector_with(config)).await;

    assert_eq!(summary.failed_repos, vec!["upkeep-sim/no-such-repo".to_owned()]);
    assert_eq!(summary.repos, 13);
    let tracked = db::repos::list_tracked(&store.db.pool).await.unwrap();
    let missing = tracked.iter().find(|t| t.full_name == "upkeep-sim/no-such-repo").unwrap();
    assert_eq!(missing.condition, "not_found");
    let message = missing.message.as_deref().unwrap();
    assert!(
        message.contains("404")
            && message.contains("/repos/upkeep-sim/no-such-repo")
            && message.contains("may have been deleted"),
        "{missing:?}"
    );
    assert_eq!(tracked.iter().filter(|t| t.condition == "ok").count(), 12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_repository_is_followed_and_reported_as_moved() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let mut config = config_for(&sim.url(), &store.path());
    config.sources.orgs.clear();
    config.sources.repos = vec!["upkeep-sim/comet".parse().unwrap()];
    let collector = store.collector_with(config);
    collect(&collector).await;

    sim.rename_repo("comet", "comet-renamed");
    let summary = collect(&collector).await;
    assert!(summary.failed_repos.is_empty(), "{summary:?}");
    let tracked = db::repos::list_tracked(&store.db.pool).await.unwrap();
    assert_eq!(tracked[0].condition, "moved");
    assert_eq!(tracked[0].message.as_deref(), Some("upkeep-sim/comet-renamed"));
    let repo = db::repos::find_repository_by_name(&store.db.pool, "upkeep-sim/comet-renamed").await.unwrap();
    assert!(repo.is_some(), "the repository row carries the new name");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_stops_the_run_with_a_clear_message_and_is_never_stored() {
    let mut opts = sim_options();
    opts.require_token = Some("the-right-token".to_owned());
    let sim = start_sim(opts).await;
    let store = Store::new().await;
    let config = std::sync::Arc::new(config_for(&sim.url(), &store.path()));
    let token = secrecy::SecretString::from("ghp_wrongtoken12345");
    let collector = upkeep::github::sync::Collector::with_token(config, store.db.clone(), Some(token)).unwrap();
    let summary = crate::helpers::collect(&collector).await;

    assert!(!summary.failed_repos.is_empty());
    let runs = db::runs::list_recent_runs(&store.db.pool, 1).await.unwrap();
    assert_eq!(runs[0].status, "failed");
    assert!(runs[0].error.as_deref().unwrap_or("").contains("GITHUB_TOKEN"), "{:?}", runs[0].error);
    let dump: Vec<String> = upkeep::db::sql::query_scalar(
        "SELECT COALESCE(error, '') FROM sync_runs UNION ALL SELECT COALESCE(error, '') FROM sync_run_resources
         UNION ALL SELECT COALESCE(message, '') FROM tracked_repos UNION ALL SELECT COALESCE(etag, '') FROM sync_state",
    )
    .fetch_all(&store.db.pool)
    .await
    .unwrap();
    assert!(dump.iter().all(|text| !text.contains("wrongtoken")), "the token leaked into the database");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_collector_waits_for_the_window_reset_instead_of_spending_its_reserve() {
    let mut opts: SimOptions = sim_options();
    opts.rate_limit = 60;
    opts.rate_window_secs = 1;
    let sim = start_sim(opts).await;
    let store = Store::new().await;
    let mut config = config_for(&sim.url(), &store.path());
    config.collector.reserve = 10;
    let summary = collect(&store.collector_with(config)).await;

    assert!(summary.failed_repos.is_empty(), "{summary:?}");
    assert!(summary.requests > 60, "the sync needed more than one window ({} requests)", summary.requests);
    assert_eq!(sim.stats().rate_limited, 0, "the collector never ran into the limit");
}
