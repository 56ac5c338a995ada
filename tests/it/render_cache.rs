//! The render cache against a real sync: after a sync the server re-renders the pages people
//! visit before anyone asks again, and a visitor is never made to wait for that.

use std::time::Duration;

use crate::helpers::{collect, config_for, get, synced_app, wait_for};

/// `upkeep_render_cache_total{outcome="…"}` from `/metrics`.
async fn counter(app: &str, outcome: &str) -> u64 {
    let (status, body) = get(&format!("{app}/metrics")).await;
    assert_eq!(status, 200);
    let prefix = format!("upkeep_render_cache_total{{outcome=\"{outcome}\"}} ");
    body.lines().find_map(|l| l.strip_prefix(&prefix)).and_then(|v| v.parse().ok()).expect("the counter is exported")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_sync_the_visited_pages_are_re_rendered_before_the_next_visitor() {
    let (app, sim, store) = synced_app(|_| {}).await;
    let (status, first) = get(&format!("{app}/repos/upkeep-sim/atlas")).await;
    assert_eq!(status, 200);
    assert!(first.contains("<!--age-->just now<!--/age-->"), "a new render says so in its footer");
    assert_eq!(counter(&app, "stale").await, 0);

    // Another sync: every cached page is now stale. Nobody visits; the refresher re-renders.
    collect(&store.collector_with(config_for(&sim.url(), &store.path()))).await;
    wait_for("the refresher to re-render the repository page", Duration::from_secs(60), async || {
        (counter(&app, "refreshed").await >= 1).then_some(())
    })
    .await;
    let stale_before = counter(&app, "stale").await;
    let fresh_before = counter(&app, "fresh").await;
    let (status, _) = get(&format!("{app}/repos/upkeep-sim/atlas")).await;
    assert_eq!(status, 200);
    assert_eq!(counter(&app, "stale").await, stale_before, "the visitor got no stale page");
    assert_eq!(counter(&app, "fresh").await, fresh_before + 1, "but the fresh one the refresher made");
}
