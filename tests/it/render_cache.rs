//! The render cache against a real sync: after a sync the server re-renders the pages people
//! visit before anyone asks again, and a visitor is never made to wait for that.

use std::time::Duration;

use crate::helpers::{collect, config_for, get, get_until, synced_app, wait_for};

/// `upkeep_render_cache_total{outcome="…"}` from `/metrics`.
async fn counter(app: &str, outcome: &str) -> u64 {
    let (status, body) = get(&format!("{app}/metrics")).await;
    assert_eq!(status, 200);
    let prefix = format!("upkeep_render_cache_total{{outcome=\"{outcome}\"}} ");
    body.lines().find_map(|l| l.strip_prefix(&prefix)).and_then(|v| v.parse().ok()).expect("the counter is exported")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_sync_the_visited_pages_are_re_rendered_without_a_visitor_paying() {
    let (app, sim, store) = synced_app(|_| {}).await;
    let (status, first) = get(&format!("{app}/repos/upkeep-sim/atlas")).await;
    assert_eq!(status, 200);
    assert!(first.contains("<!--age-->just now<!--/age-->"), "a new render says so in its footer");
    assert_eq!(counter(&app, "stale").await, 0);

    // Another sync: every cached page is now stale. Nobody visits; the refresher re-renders.
    collect(&store.collector_with(config_for(&sim.url(), &store.path()))).await;
    wait_for("the refresher to re-render a page nobody asked for again", Duration::from_secs(60), async || {
        (counter(&app, "refreshed").await >= 1).then_some(())
    })
    .await;
    assert_eq!(counter(&app, "rendered").await, 1, "no visitor paid for a render: only the first visit did");
    // (The refresher may have rendered it at the run's start; then it renders it again at the
    // run's end, and a visitor in between gets the stale copy, not a wait.)
    let page = get_until(&format!("{app}/repos/upkeep-sim/atlas"), "the fresh page", |_| true).await;
    assert!(page.contains("<!--age-->"), "the footer carries the age");
    wait_for("a fresh answer", Duration::from_secs(60), async || {
        let fresh = counter(&app, "fresh").await;
        let (status, _) = get(&format!("{app}/repos/upkeep-sim/atlas")).await;
        (status == 200 && counter(&app, "fresh").await == fresh + 1).then_some(())
    })
    .await;
    assert_eq!(counter(&app, "rendered").await, 1, "still no visitor rendered");
}
