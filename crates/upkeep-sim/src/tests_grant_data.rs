//! The single-issue answer grant pages read (`closed_by`, null for some closed issues), its ETag
//! and `304`, a reopened issue, and the milestones listed with their items (`grant_data.rs`).

use super::test_client::{get, get_with};
use super::tests_http::small;

#[tokio::test]
async fn the_single_issue_names_its_closer_or_null_answers_304_and_a_reopened_issue_has_none() {
    let sim = small().await;
    let closed: Vec<u64> =
        sim.item_states("atlas").iter().filter(|s| !s.is_pull_request && !s.open).map(|s| s.number).collect();
    assert!(closed.len() > 8);
    let url = |n: u64| format!("{}/repos/upkeep-sim/atlas/issues/{n}", sim.url());
    let mut named = Vec::new();
    let mut unknown = Vec::new();
    for &n in &closed {
        let issue = get(&url(n)).await.unwrap().json();
        assert_eq!(issue["state"], "closed");
        assert!(issue.get("closed_by").is_some(), "the key is always there");
        match issue["closed_by"]["login"].as_str() {
            Some(_) => named.push(n),
            None => unknown.push(n),
        }
    }
    assert!(!named.is_empty() && !unknown.is_empty(), "most closers named, some null: {unknown:?}");

    // Its ETag: unchanged, a free 304.
    let first = get(&url(named[0])).await.unwrap();
    let etag = first.header("etag").unwrap().to_owned();
    assert_eq!(get_with(&url(named[0]), &[("if-none-match", &etag)]).await.unwrap().status, 304);

    // Reopened: open, no closer, a later updated_at, and the old ETag no longer matches.
    let before = first.json();
    assert!(sim.reopen_issue("atlas", named[0]));
    assert!(!sim.reopen_issue("atlas", named[0]), "it is open now");
    let again = get_with(&url(named[0]), &[("if-none-match", &etag)]).await.unwrap();
    assert_eq!(again.status, 200);
    let after = again.json();
    assert_eq!((after["state"].as_str(), after["state_reason"].as_str()), (Some("open"), Some("reopened")));
    assert!(after["closed_by"].is_null() && after["closed_at"].is_null());
    assert!(after["updated_at"].as_str() >= before["updated_at"].as_str());
    sim.stop().await;
}

#[tokio::test]
async fn milestone_states_match_the_listing_with_their_items_and_optional_due_dates() {
    let sim = small().await;
    let states = sim.milestone_states("upkeep-sim/atlas");
    let listed = get(&format!("{}/repos/upkeep-sim/atlas/milestones?state=all&per_page=100", sim.url())).await;
    let listed = listed.unwrap().json();
    let listed = listed.as_array().unwrap();
    assert_eq!(states.len(), listed.len());
    for (m, l) in states.iter().zip(listed) {
        assert_eq!(l["title"], m.title.as_str());
        assert_eq!(l["state"], if m.closed { "closed" } else { "open" });
        assert_eq!(l["due_on"].is_null(), m.due_on.is_none());
        let counted = l["open_issues"].as_u64().unwrap() + l["closed_issues"].as_u64().unwrap();
        assert_eq!(counted, m.items.len() as u64);
    }
    assert!(states.iter().any(|m| m.due_on.is_none()) && states.iter().any(|m| m.closed));
    assert!(sim.milestone_states("nowhere").is_empty());
    sim.stop().await;
}
