//! The funding data path against the simulator: funding links, Sponsors snapshots and sponsorship
//! histories of owners and maintainers (`UpkeepFunding`, `UpkeepSponsorable`), funding.json
//! manifests with their issues (from the repository or a configured URL), FUNDING.yml files with
//! theirs, and Open Collective snapshots and transactions; refreshes bounded by
//! `[funding] refresh_hours`, and funding failures that cost a step, never the repository.

use upkeep::config::Config;
use upkeep::db::funding as store;
use upkeep::github::sync::{CollectSummary, Collector, RunOptions};
use upkeep::github::{ClientSettings, GitHubClient, graphql};
use upkeep_sim::SimServer;

use crate::helpers::{Store, collect, config_for, sim_options, start_sim};

pub(crate) async fn repo_id(store: &Store, name: &str) -> i64 {
    upkeep::db::sql::query_scalar("SELECT id FROM repositories WHERE full_name = ?")
        .bind(format!("upkeep-sim/{name}"))
        .fetch_one(&store.db.pool)
        .await
        .expect("repository stored")
}

pub(crate) async fn collect_one(collector: &Collector, name: &str) -> CollectSummary {
    let opts = RunOptions {
        only_repo: Some(format!("upkeep-sim/{name}")),
        trigger: "test".into(),
        show_progress: false,
        timeout: None,
    };
    collector.run(&opts).await.expect("collect runs")
}

/// The sponsor count the simulator reports for atlas's owner right now (asked without a token).
async fn sim_sponsor_count(sim: &SimServer, config: &Config) -> i64 {
    sim_atlas_owner(sim, config).await.sponsors.expect("sponsors").total_count
}

/// Atlas's owner as the simulator answers `UpkeepFunding` right now (asked without a token).
async fn sim_atlas_owner(sim: &SimServer, config: &Config) -> graphql::SponsorableNode {
    let settings = ClientSettings {
        api_url: sim.url(),
        graphql_url: config.github.graphql_url(),
        user_agent: "upkeep-test".into(),
        timeout: config.github.timeout(),
        reserve: 0,
        max_retries: 3,
        backoff_base: std::time::Duration::from_millis(1),
        backoff_max: std::time::Duration::from_secs(1),
        max_response_bytes: 64 << 20,
    };
    let client = GitHubClient::new(settings, None).expect("client");
    let variables = serde_json::json!({ "owner": "upkeep-sim", "name": "atlas" });
    let data: graphql::FundingData = client.graphql(graphql::FUNDING_QUERY, variables).await.expect("funding");
    data.repository.expect("atlas").owner
}

/// `(status, error, requests)` of a step in the latest run.
pub(crate) async fn latest_step_row(store: &Store, scope: &str, resource: &str) -> (String, Option<String>, i64) {
    upkeep::db::sql::query_as(
        "SELECT status, error, requests FROM sync_run_resources WHERE scope = ? AND resource = ?
         ORDER BY run_id DESC LIMIT 1",
    )
    .bind(format!("upkeep-sim/{scope}"))
    .bind(resource)
    .fetch_one(&store.db.pool)
    .await
    .expect("step recorded")
}

/// `(status, error)` of a step in the latest run.
pub(crate) async fn latest_step(store: &Store, scope: &str, resource: &str) -> (String, Option<String>) {
    let (status, error, _) = latest_step_row(store, scope, resource).await;
    (status, error)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_sync_stores_links_sponsors_manifests_and_open_collective_and_a_resync_is_all_304s() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let config = config_for(&sim.url(), &store.path());
    let collector = store.collector_with(config.clone());
    let summary = collect(&collector).await;
    assert!(summary.failed_repos.is_empty(), "{summary:?}");
    let pool = &store.db.pool;

    let atlas = repo_id(&store, "atlas").await;
    let links = store::list_funding_links(pool, atlas).await.unwrap();
    let platforms: Vec<&str> = links.iter().map(|l| l.platform.as_str()).collect();
    assert_eq!(platforms, ["GITHUB", "OPEN_COLLECTIVE", "CUSTOM"]);
    let series = store::list_sponsors_snapshots(pool, "upkeep-sim").await.unwrap();
    assert_eq!(series.len(), 1, "one point while nothing changed");
    let point = &series[0];
    assert!(point.has_listing && point.goal_kind.is_some() && point.tiers != "[]", "{point:?}");
    assert_eq!(point.sponsor_count, sim_sponsor_count(&sim, &config).await);
    assert!(point.sponsor_count > 0 && point.active_sponsorships > 0);
    assert_eq!((point.recurring_monthly_cents, point.amounts_visible), (0, false), "no maintainer token");
    assert_eq!((point.currency.as_str(), point.source.as_str()), ("USD", "github_sponsors"));

    let manifest = store::get_manifest(pool, atlas).await.unwrap().expect("atlas has a manifest");
    assert!(manifest.valid, "{:?}", store::list_manifest_issues(pool, atlas).await.unwrap());
    let parsed: serde_json::Value = serde_json::from_str(manifest.parsed.as_deref().unwrap()).unwrap();
    assert!(parsed["x-fiscal-host"].is_object(), "the unknown field is kept");
    assert!(manifest.raw.contains("x-fiscal-host"));

    let oc = store::list_open_collective_snapshots(pool, "upkeep-atlas").await.unwrap();
    assert_eq!(oc.len(), 1);
    let currencies = [&oc[0].currency, &oc[0].balance_currency, &oc[0].yearly_budget_currency];
    assert!(currencies.iter().all(|c| c.as_str() == "USD") && oc[0].total_received_cents > 0, "{:?}", oc[0]);
    let transactions = store::list_open_collective_transactions(pool, "upkeep-atlas").await.unwrap();
    assert_eq!(transactions.len(), 100, "the newest 100");
    assert!(transactions.iter().all(|t| t.currency == "USD" && t.amount_cents > 0));
    let comet = store::list_open_collective_snapshots(pool, "upkeep-comet").await.unwrap();
    assert_eq!(comet[0].total_received_currency, "EUR");
    let comet_manifest = store::get_manifest(pool, repo_id(&store, "comet").await).await.unwrap();
    assert!(comet_manifest.expect("comet has a manifest").raw.contains("EUR"));

    let nebula = repo_id(&store, "nebula").await;
    assert!(!store::get_manifest(pool, nebula).await.unwrap().expect("stored").valid);
    let issues = store::list_manifest_issues(pool, nebula).await.unwrap();
    assert!(issues.iter().any(|i| i.path.ends_with("currency") && i.severity == "error"), "{issues:?}");
    let orbit = repo_id(&store, "orbit").await;
    let broken = store::get_manifest(pool, orbit).await.unwrap().expect("stored even though not JSON");
    assert!(broken.parsed.is_none() && !broken.valid);
    let issues = store::list_manifest_issues(pool, orbit).await.unwrap();
    assert!(issues.len() == 1 && issues[0].line.is_some() && issues[0].col.is_some(), "{issues:?}");

    let pulsar = repo_id(&store, "pulsar").await;
    assert!(store::get_manifest(pool, pulsar).await.unwrap().is_none());
    assert_eq!(latest_step(&store, "pulsar", "manifest").await, ("ok".to_owned(), None));
    assert_eq!(latest_step(&store, "pulsar", "open_collective").await, ("skipped".to_owned(), None));

    let again = collect(&collector).await;
    assert_eq!(again.requests, again.not_modified, "inside refresh_hours only conditional requests are sent");
    assert_eq!(latest_step(&store, "atlas", "manifest").await.0, "not_modified");
    assert_eq!(latest_step(&store, "atlas", "funding").await.0, "skipped");
    assert_eq!(store::list_sponsors_snapshots(pool, "upkeep-sim").await.unwrap().len(), 1);
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_refresh_interval_the_sponsor_series_gains_a_point() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let mut config = config_for(&sim.url(), &store.path());
    config.funding.refresh_hours = 0;
    let collector = store.collector_with(config);
    collect_one(&collector, "atlas").await;
    let before = store::list_open_collective_transactions(&store.db.pool, "upkeep-atlas").await.unwrap();
    sim.advance(30.0, 0.01);
    // Snapshot times are whole seconds: a new point needs a later second than the last one.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let summary = collect_one(&collector, "atlas").await;
    assert!(summary.failed_repos.is_empty(), "{summary:?}");

    let series = store::list_sponsors_snapshots(&store.db.pool, "upkeep-sim").await.unwrap();
    let counts: Vec<i64> = series.iter().map(|p| p.sponsor_count).collect();
    assert_eq!(counts.len(), 2, "{counts:?}");
    assert_ne!(counts[0], counts[1]);
    assert!(series[0].fetched_at <= series[1].fetched_at);
    let oc = store::list_open_collective_snapshots(&store.db.pool, "upkeep-atlas").await.unwrap();
    assert_eq!(oc.len(), 2, "the collective received more");
    assert!(oc[1].transactions_total > oc[0].transactions_total);
    let after = store::list_open_collective_transactions(&store.db.pool, "upkeep-atlas").await.unwrap();
    assert!(after.len() > before.len(), "new transactions are added, old ones kept");
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_collective_failure_fails_the_step_and_keeps_the_last_good_data() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let mut config = config_for(&sim.url(), &store.path());
    config.funding.refresh_hours = 0;
    collect_one(&store.collector_with(config.clone()), "atlas").await;
    let pool = &store.db.pool;
    let good = store::list_open_collective_snapshots(pool, "upkeep-atlas").await.unwrap();
    assert_eq!(good.len(), 1);

    config.funding.open_collective.insert("upkeep-sim/atlas".parse().unwrap(), "no-such-collective".into());
    let summary = collect_one(&store.collector_with(config), "atlas").await;
    assert!(summary.failed_repos.is_empty(), "the repository is not failed: {summary:?}");
    let (status, error) = latest_step(&store, "atlas", "open_collective").await;
    assert_eq!(status, "failed");
    assert!(error.unwrap_or_default().contains("Account Not Found"));
    assert_eq!(store::list_open_collective_snapshots(pool, "upkeep-atlas").await.unwrap(), good);
    assert!(store::list_open_collective_snapshots(pool, "no-such-collective").await.unwrap().is_empty());
    let atlas = repo_id(&store, "atlas").await;
    assert_eq!(store::list_funding_links(pool, atlas).await.unwrap().len(), 3);
    assert!(store::get_manifest(pool, atlas).await.unwrap().is_some());
    assert_eq!(latest_step(&store, "atlas", "funding").await.0, "ok");
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_stores_the_owners_sponsorship_history_ended_ones_included() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let config = config_for(&sim.url(), &store.path());
    collect_one(&store.collector_with(config.clone()), "atlas").await;
    let pool = &store.db.pool;

    let listed = sim_atlas_owner(&sim, &config).await.history.expect("history").nodes;
    let history = store::list_sponsorships(pool, "upkeep-sim").await.unwrap();
    assert!(listed.len() > 20 && listed.len() < 100, "the whole simulated history: {}", listed.len());
    assert_eq!(history.len(), listed.len(), "every sponsorship the simulator lists");
    let times: Vec<i64> = history.iter().map(|r| r.created_at).collect();
    assert!(times.is_sorted(), "oldest first");
    assert_eq!(history.last().unwrap().created_at, listed[0].as_ref().unwrap().created_at.timestamp());
    let point = &store::list_sponsors_snapshots(pool, "upkeep-sim").await.unwrap()[0];
    let active = history.iter().filter(|r| r.is_active).count() as i64;
    assert_eq!(active, point.active_sponsorships, "the active ones are the current public sponsorships");
    assert!(history.iter().any(|r| !r.is_active && r.one_time) && history.iter().any(|r| !r.is_active && !r.one_time));
    assert!(history.iter().all(|r| r.monthly_cents.is_none()), "tiers are hidden without the maintainer's token");
    assert!(history.iter().all(|r| r.fetched_at == point.fetched_at), "stored with the snapshot");
    let year_ago = history.last().unwrap().created_at - 365 * 86_400;
    let then = history.iter().filter(|r| r.created_at <= year_ago).count();
    assert!(then > 0 && then < history.len(), "a first sync already shows a trend: {then} of {}", history.len());
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintainers_get_sponsors_snapshots_each_asked_once_per_refresh_interval() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let collector = store.collector(&sim);
    let summary = collect(&collector).await;
    assert!(summary.failed_repos.is_empty(), "{summary:?}");
    let pool = &store.db.pool;

    let pulsar = store::list_sponsorable_maintainers(pool, repo_id(&store, "pulsar").await, 10).await.unwrap();
    assert!(!pulsar.is_empty(), "pulsar has maintainers");
    for login in &pulsar {
        let series = store::list_sponsors_snapshots(pool, login).await.unwrap();
        assert!(series.len() == 1 && !series[0].has_listing, "{login}: {series:?}");
        assert!(store::list_sponsorships(pool, login).await.unwrap().is_empty());
    }
    let quasar = store::list_sponsorable_maintainers(pool, repo_id(&store, "quasar").await, 10).await.unwrap();
    let hero = store::list_sponsors_snapshots(pool, &quasar[0]).await.unwrap();
    assert!(hero[0].has_listing && hero[0].sponsor_count > 0, "quasar's lead has a listing: {hero:?}");
    assert!(!store::list_sponsorships(pool, &quasar[0]).await.unwrap().is_empty());

    let mut named = 0;
    for repo in upkeep::db::repos::list_repositories(pool).await.unwrap() {
        named += store::list_sponsorable_maintainers(pool, repo.id, 10).await.unwrap().len();
    }
    let distinct: i64 =
        upkeep::db::sql::query_scalar("SELECT COUNT(DISTINCT login) FROM sponsors_snapshots WHERE login <> ?")
            .bind("upkeep-sim")
            .fetch_one(pool)
            .await
            .unwrap();
    let asked: i64 = upkeep::db::sql::query_scalar(
        "SELECT CAST(SUM(requests) AS BIGINT) FROM sync_run_resources WHERE resource = 'sponsorable'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(asked, distinct, "one UpkeepSponsorable per login, however many repositories it maintains");
    assert!((named as i64) > distinct, "some maintain several repositories ({named} vs {distinct})");
    let again = collect(&collector).await;
    assert_eq!(again.requests, again.not_modified, "an unchanged re-sync inside refresh_hours is all 304s");
    sim.stop().await;
}
