//! End to end: the simulated GitHub → collect → the newcomer finder. A newcomer claims an issue
//! on GitHub; after the next sync the finder no longer offers it (and shows it, marked claimed,
//! when asked to).

use serde_json::Value;

use crate::helpers::{Store, collect, config_for, get, get_until, sim_options, spawn_app, start_sim};

async fn finder(app: &str, query: &str) -> Value {
    let (status, body) = get(&format!("{app}/api/v1/newcomers?{query}")).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("finder JSON")
}

/// The finder's JSON once `check` accepts it: the first answer after a sync may be the one
/// rendered before it (stale-while-revalidate).
async fn finder_until(app: &str, query: &str, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    let url = format!("{app}/api/v1/newcomers?{query}");
    let body = get_until(&url, what, |b| serde_json::from_str(b).is_ok_and(|v| check(&v))).await;
    serde_json::from_str(&body).expect("finder JSON")
}

fn numbers(v: &Value) -> Vec<i64> {
    v["issues"].as_array().expect("issues").iter().map(|i| i["number"].as_i64().expect("number")).collect()
}

/// A simulated GitHub whose history ends now (claims are recent relative to the real clock,
/// which the finder uses), synced once, with the app serving the result.
async fn synced() -> (upkeep_sim::SimServer, Store, upkeep::github::sync::Collector, String) {
    let mut opts = sim_options();
    opts.epoch = chrono::Utc::now().timestamp();
    let sim = start_sim(opts).await;
    let store = Store::new().await;
    let config = config_for(&sim.url(), &store.path());
    let collector = store.collector_with(config.clone());
    collect(&collector).await;
    let app = spawn_app(config, store.db.clone()).await;
    (sim, store, collector, app)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issue_claimed_on_github_disappears_from_the_finder_after_the_next_sync() {
    let (sim, _store, collector, app) = synced().await;

    let before = numbers(&finder(&app, "repo=upkeep-sim/comet").await);
    let unclaimed = sim.newcomer_issues("comet");
    let target = *unclaimed.iter().find(|n| before.contains(&(**n as i64))).expect("an unclaimed issue is offered");

    assert!(sim.claim_issue("comet", target, "eager-newcomer"));
    let summary = collect(&collector).await;
    assert!(summary.failed_repos.is_empty(), "{summary:?}");

    let hidden = |v: &Value| !numbers(v).contains(&(target as i64));
    finder_until(&app, "repo=upkeep-sim/comet", &format!("#{target} hidden once claimed"), hidden).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_pull_request_closed_on_github_releases_its_issue_after_the_next_sync() {
    let (sim, _store, collector, app) = synced().await;

    // Issues the finder holds back because an open pull request is linked to them.
    let mut released = None;
    for repo in ["comet", "atlas", "nebula", "orbit", "pulsar", "quasar"] {
        let shown = finder(&app, &format!("repo=upkeep-sim/{repo}&claimed=show")).await;
        let linked: Vec<i64> = shown["issues"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["claim"]["status"] == "claimed" && i["claim"]["number"].is_i64())
            .map(|i| i["number"].as_i64().unwrap())
            .collect();
        for number in linked {
            let Some(pr) = sim.close_linked_pull(repo, number as u64) else { continue };
            // Only the pull request changed on GitHub; the simulator now counts the issue as free.
            if sim.newcomer_issues(repo).contains(&(number as u64)) {
                released = Some((repo, number, pr));
                break;
            }
        }
        if released.is_some() {
            break;
        }
    }
    let (repo, number, pr) = released.expect("some newcomer issue is claimed only by a linked pull request");
    let hidden = numbers(&finder(&app, &format!("repo=upkeep-sim/{repo}")).await);
    assert!(!hidden.contains(&number), "#{number} is held back while PR #{pr} is open (stale view)");

    let summary = collect(&collector).await;
    assert!(summary.failed_repos.is_empty(), "{summary:?}");
    let what = format!("#{number} offered again once PR #{pr} closed");
    finder_until(&app, &format!("repo=upkeep-sim/{repo}"), &what, |v| numbers(v).contains(&number)).await;
}
