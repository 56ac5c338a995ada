//! The newcomer finder over the dataset of [`crate::newcomers`]: unclaimed issues newest first,
//! claims and their reasons, abandoned claims, filters, bad filter values, the JSON mirror, hostile
//! text, the nav link, and paging fifty issues at a time (HTML, JSON and feed alike).

use crate::helpers::{Store, config_for, get, json, page, select};
use crate::newcomers::{
    BETA, DAY, HOSTILE_LOGIN, HOSTILE_TITLE, HOUR, Item, MAINT, href, insert, listed, numbers, row, seeded_app, texts,
    within,
};
use crate::newcomers_project::parse_xml;
use scraper::{Html, Selector};
use serde_json::Value;

#[tokio::test]
async fn the_finder_lists_unclaimed_newcomer_issues_newest_first_and_hides_claimed_ones() {
    let (_store, app, _) = seeded_app().await;
    let doc = page(&format!("{app}/newcomers")).await;
    assert_eq!(numbers(&doc), [1, 6, 9, 5, 10]);
    assert!(select(&doc, "#finder tr.claimed").is_empty());
    assert_eq!(texts(&doc, "#show-claimed"), ["4 claimed issues hidden"]);
    let one = row(&doc, 1);
    assert_eq!(within(&one, ".repo"), ["acme/onboard"]);
    assert_eq!(within(&one, ".newcomer-label"), ["good first issue"]);
    let link = one.select(&Selector::parse("a.title").unwrap()).next().unwrap();
    assert_eq!(link.value().attr("href"), Some("https://github.com/acme/onboard/issues/1"));
    assert_eq!(within(&one, ".first-timer-response"), ["2.0 h"]);
    assert_eq!(within(&one, ".merge-rate"), ["100%"]);
    assert_eq!(within(&one, ".maintainer-activity"), ["1.0 d ago"]);
    assert_eq!(within(&one, ".contributing"), ["no"]);
    let nine = row(&doc, 9);
    let cells = [".first-timer-response", ".merge-rate", ".maintainer-activity", ".contributing"];
    let found: Vec<String> = cells.iter().flat_map(|c| within(&nine, c)).collect();
    assert_eq!(found, ["3.0 d", "0%", "8.0 d ago", "unknown"]);
}

#[tokio::test]
async fn claimed_issues_are_shown_on_request_with_the_reason_they_are_claimed() {
    let (_store, app, _) = seeded_app().await;
    let doc = page(&format!("{app}/newcomers?claimed=show")).await;
    assert_eq!(numbers(&doc), [1, 2, 3, 4, 6, 8, 9, 5, 10]);
    let reasons: Vec<(i64, Vec<String>)> =
        [2, 3, 4, 8].iter().map(|n| (*n, within(&row(&doc, *n), ".claim-reason"))).collect();
    assert_eq!(
        reasons,
        [
            (2, vec!["assigned to @bob".to_owned()]),
            (3, vec!["PR #12 open".to_owned()]),
            (4, vec!["@carol claimed it 3 days ago".to_owned()]),
            (8, vec![format!("assigned to @{HOSTILE_LOGIN}")]),
        ]
    );
    let claimed: Vec<i64> = select(&doc, "#finder tr.claimed")
        .iter()
        .map(|r| r.value().attr("data-number").unwrap().parse().unwrap())
        .collect();
    assert_eq!(claimed, [2, 3, 4, 8]);
}

#[tokio::test]
async fn an_abandoned_claim_is_available_with_a_note_and_a_mentor_assignment_is_no_claim() {
    let (_store, app, _) = seeded_app().await;
    let doc = page(&format!("{app}/newcomers")).await;
    let five = row(&doc, 5);
    assert!(within(&five, ".claim-reason").is_empty());
    assert_eq!(within(&five, ".claim-note"), ["Available again: @dan claimed it 45 days ago, nothing since"]);
    let six = row(&doc, 6);
    assert!(!six.value().classes().any(|c| c == "claimed"));
    assert_eq!(within(&six, ".mentor-login"), ["@alice"]);
    assert_eq!(within(&six, ".mentor-source"), ["(mentor label)"]);
    assert_eq!(within(&six, ".mentor-response"), ["replies in 6.0 h"]);
}

#[tokio::test]
async fn filters_narrow_the_list_as_predicted() {
    let (_store, app, _) = seeded_app().await;
    for (query, expected) in [
        ("label=good first issue", vec![1, 6, 9]),
        ("label=good-first-issue", vec![1, 6, 9]),
        ("label=help%20wanted", vec![5]),
        ("repo=beta/tool", vec![9, 10]),
        ("language=python", vec![9, 10]),
        ("language=Rust", vec![1, 6, 5]),
        ("mentored=true", vec![6]),
        ("freshness=30", vec![1, 6, 9]),
        ("freshness=30&label=good-first-issue&repo=acme/onboard", vec![1, 6]),
        ("sort=responsive", vec![1, 6, 5, 9, 10]),
        ("repo=acme/onboard&claimed=show&mentored=true", vec![6]),
    ] {
        let doc = page(&format!("{app}/newcomers?{}", query.replace(' ', "%20"))).await;
        assert_eq!(numbers(&doc), expected, "{query}");
    }
}

#[tokio::test]
async fn bad_filter_values_are_400s_that_say_what_is_wrong() {
    let (_store, app, _) = seeded_app().await;
    for (query, says) in [
        ("repo=acme/nope", "unknown repo"),
        ("label=bug", "not a newcomer label"),
        ("language=COBOL", "unknown language"),
        ("freshness=0", "whole number of days"),
        ("freshness=soon", "whole number of days"),
        ("sort=oldest", "newest or responsive"),
        ("mentored=yes", "true or false"),
        ("claimed=all", "show or hide"),
        ("colour=red", "unknown field"),
        ("format=xml", "html or json"),
    ] {
        let (status, body) = get(&format!("{app}/newcomers?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        let doc = Html::parse_document(&body);
        let message = texts(&doc, ".error-message").join(" ");
        assert!(message.contains(says), "{query}: {message}");
    }
    let (status, body) = get(&format!("{app}/api/v1/newcomers?label=bug")).await;
    assert_eq!(status, 400);
    let error: Value = serde_json::from_str(&body).expect("a JSON error");
    assert!(error["error"].as_str().unwrap().contains("not a newcomer label"));
}

#[tokio::test]
async fn the_json_mirrors_the_html_list_with_the_same_filters() {
    let (_store, app, _) = seeded_app().await;
    for query in ["claimed=show", "label=good-first-issue", "sort=responsive", ""] {
        let doc = page(&format!("{app}/newcomers?{query}")).await;
        let api = json(&format!("{app}/api/v1/newcomers?{query}")).await;
        let mirrored = json(&format!("{app}/newcomers?{query}&format=json")).await;
        let from_json: Vec<(String, i64)> = api["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["repo"].as_str().unwrap().to_owned(), i["number"].as_i64().unwrap()))
            .collect();
        assert_eq!(from_json, listed(&doc), "{query}");
        assert_eq!(api["count"].as_u64(), Some(from_json.len() as u64));
        assert_eq!(api["issues"], mirrored["issues"], "{query}");
    }
    let api = json(&format!("{app}/api/v1/newcomers?claimed=show")).await;
    let by_number = |n: i64| api["issues"].as_array().unwrap().iter().find(|i| i["number"] == n).unwrap().clone();
    assert_eq!(
        by_number(3)["claim"],
        serde_json::json!({"status": "claimed", "reason": "linked_pull_request", "number": 12})
    );
    assert_eq!(by_number(6)["mentor"]["login"], "alice");
    assert_eq!(by_number(6)["mentor"]["source"], "label");
    assert_eq!(by_number(5)["abandoned_claims"][0]["age_days"], 45);
    assert_eq!(by_number(9)["title"], HOSTILE_TITLE);
    let acme = api["projects"].as_array().unwrap().iter().find(|p| p["repo"] == "acme/onboard").unwrap().clone();
    assert_eq!(acme["first_timer_pr_response"]["median"], serde_json::json!({"kind": "exactly", "secs": 2 * HOUR}));
    assert_eq!(acme["has_contributing"], false);
}

#[tokio::test]
async fn hostile_titles_and_logins_are_text_not_markup() {
    let (_store, app, _) = seeded_app().await;
    let doc = page(&format!("{app}/newcomers?claimed=show")).await;
    for tag in ["script", "img", "b"] {
        assert!(select(&doc, &format!("main {tag}")).is_empty(), "an injected <{tag}> in main");
    }
    assert_eq!(within(&row(&doc, 9), ".title"), [HOSTILE_TITLE.split_whitespace().collect::<Vec<_>>().join(" ")]);
    assert_eq!(within(&row(&doc, 8), ".claim-reason"), [format!("assigned to @{HOSTILE_LOGIN}")]);
}

#[tokio::test]
async fn the_nav_links_to_the_finder() {
    let (_store, app, _) = seeded_app().await;
    let doc = page(&format!("{app}/status")).await;
    let links: Vec<String> =
        select(&doc, "header.site nav a").iter().filter_map(|a| a.value().attr("href").map(str::to_owned)).collect();
    assert!(links.contains(&"/newcomers".to_owned()), "{links:?}");
}

// ---- paging ----

/// The seeded data plus 120 older unclaimed issues in beta/tool: 125 unclaimed in all.
async fn paged_app() -> (Store, String) {
    let (store, app, now) = seeded_app().await;
    for k in 0..120 {
        let old = Item { labels: &["good first issue"], ..Item::new(BETA, 100 + k, MAINT, now - (200 + k) * DAY) };
        insert(&store, old).await;
    }
    // The collector recomputes a repository's finder facts after writing to it; so does this.
    let newcomers = config_for("http://127.0.0.1:9", &store.path()).newcomers;
    let scope = upkeep::newcomers::Scope::Stale;
    upkeep::newcomers::refresh(&store.db, BETA, "beta/tool", &newcomers, scope, now).await.expect("finder facts");
    (store, app)
}

#[tokio::test]
async fn the_finder_pages_fifty_issues_at_a_time_with_links_that_keep_the_filters() {
    let (_store, app) = paged_app().await;
    let mut seen = Vec::new();
    let mut next = Some("/newcomers".to_owned());
    let mut pages = 0;
    while let Some(path) = next {
        let doc = page(&format!("{app}{path}")).await;
        pages += 1;
        let count = texts(&doc, "#finder-count").concat();
        assert!(count.starts_with(&format!("125 issues (page {pages} of 3)")), "{count}");
        let rows = numbers(&doc);
        assert_eq!(rows.len(), if pages < 3 { 50 } else { 25 }, "page {pages}");
        seen.extend(rows);
        let prev = href(&doc, "#prev-page");
        assert_eq!(prev.is_some(), pages > 1, "page {pages}: {prev:?}");
        next = href(&doc, "#next-page");
    }
    assert_eq!(pages, 3);
    // Every issue once, in the order of one long list: newest first.
    let mut distinct = seen.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!((seen.len(), distinct.len()), (125, 125));
    assert_eq!(&seen[..5], [1, 6, 9, 5, 10]);
    assert_eq!(&seen[5..8], [100, 101, 102]);

    // The links keep every filter, and the claimed toggle.
    let doc = page(&format!("{app}/newcomers?repo=beta/tool&label=good-first-issue&claimed=show")).await;
    assert_eq!(
        href(&doc, "#next-page").as_deref(),
        Some("/newcomers?repo=beta%2Ftool&label=good+first+issue&claimed=show&page=2")
    );
    let doc = page(&format!("{app}/newcomers?repo=beta/tool&label=good-first-issue&claimed=show&page=2")).await;
    assert_eq!(
        href(&doc, "#prev-page").as_deref(),
        Some("/newcomers?repo=beta%2Ftool&label=good+first+issue&claimed=show")
    );
    assert_eq!(numbers(&doc).len(), 50);
    let doc = page(&format!("{app}/newcomers?repo=beta/tool&label=good-first-issue&claimed=show&page=3")).await;
    assert_eq!(numbers(&doc).len(), 121 - 100, "beta's #9 and the 120 added, on three pages");
    assert_eq!(href(&doc, "#next-page"), None);

    // Past the last page: an empty page that says so; not a page number: a 400.
    let doc = page(&format!("{app}/newcomers?page=4")).await;
    assert!(numbers(&doc).is_empty());
    assert!(texts(&doc, "#no-issues").concat().contains("There is no page 4"), "{:?}", texts(&doc, "#no-issues"));
    for bad in ["0", "-1", "two", "10001"] {
        let (status, body) = get(&format!("{app}/newcomers?page={bad}")).await;
        assert_eq!(status, 400, "page={bad}: {body}");
    }
}

#[tokio::test]
async fn the_finder_json_and_feed_page_the_same_way() {
    let (_store, app) = paged_app().await;
    let mut all = Vec::new();
    for n in 1..=3 {
        let v = json(&format!("{app}/api/v1/newcomers?page={n}")).await;
        assert_eq!(
            (v["count"].as_i64(), v["page"].as_i64(), v["per_page"].as_i64(), v["pages"].as_i64()),
            (Some(125), Some(n), Some(50), Some(3))
        );
        all.extend(v["issues"].as_array().unwrap().iter().map(|i| i["number"].as_i64().unwrap()));
    }
    assert_eq!(all.len(), 125);
    let html: Vec<i64> = numbers(&page(&format!("{app}/newcomers?page=2")).await);
    assert_eq!(html, all[50..100], "the JSON's page 2 is the page's page 2");

    let (status, body) = get(&format!("{app}/newcomers.atom")).await;
    assert_eq!(status, 200);
    let feed = parse_xml(&body);
    assert_eq!(feed.all("entry").len(), 50);
    let next: Vec<String> =
        feed.all("link").iter().filter(|l| l.attrs["rel"] == "next").map(|l| l.attrs["href"].clone()).collect();
    assert_eq!(next.len(), 1, "{next:?}");
    assert!(next[0].ends_with("/newcomers.atom?page=2"), "{next:?}");
    let (_, last) = get(&format!("{app}/newcomers.atom?page=3")).await;
    let last = parse_xml(&last);
    assert_eq!(last.all("entry").len(), 25);
    assert!(last.all("link").iter().all(|l| l.attrs["rel"] != "next"), "no next link on the last page");
}
