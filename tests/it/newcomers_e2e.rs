//! End to end: the simulated GitHub → collect → the newcomer finder. A newcomer claims an issue
//! on GitHub; after the next sync the finder no longer offers it (and shows it, marked claimed,
//! when asked to).

use serde_json::Value;

use crate::helpers::{Store, collect, config_for, get, sim_options, spawn_app, start_sim};

async fn finder(app: &str, query: &str) -> Value {
    let (status, body) = get(&format!("{app}/api/v1/newcomers?{query}")).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("finder JSON")
}

fn numbers(v: &Value) -> Vec<i64> {
    v["issues"].as_array().expect("issues").iter().map(|i| i["number"].as_i64().expect("number")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issue_claimed_on_github_disappears_from_the_finder_after_the_next_sync() {
    let mut opts = sim_options();
    // Claims are recent relative to the real clock, which the finder uses.
    opts.epoch = chrono::Utc::now().timestamp();
    let sim = start_sim(opts).await;
    let store = Store::new().await;
    let config = config_for(&sim.url(), &store.path());
    let collector = store.collector_with(config.clone());
    collect(&collector).await;
    let app = spawn_app(config, store.db.clone()).await;

    let before = numbers(&finder(&app, "repo=upkeep-sim/comet").await);
    let unclaimed = sim.newcomer_issues("comet");
    let target = *unclaimed.iter().find(|n| before.contains(&(**n as i64))).expect("an unclaimed issue is offered");

    assert!(sim.claim_issue("comet", target, "eager-newcomer"));
    let summary = collect(&collector).await;
    assert!(summary.failed_repos.is_empty(), "{summary:?}");

    let after = finder(&app, "repo=upkeep-sim/comet").await;
    assert!(!numbers(&after).contains(&(target as i64)), "#{target} is hidden once claimed");
    let shown = finder(&app, "repo=upkeep-sim/comet&claimed=show").await;
    let issue = shown["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["number"].as_i64() == Some(target as i64))
        .expect("listed with claimed=show");
    assert_eq!(issue["claim"]["status"], "claimed", "{issue}");
    assert_eq!(issue["claim"]["login"], "eager-newcomer", "{issue}");
}
