//! Bounded listings against the replay server of [`crate::replay`]: a `next` link that comes
//! back, pages of items already seen, a listing past `max_pages`, and a 404 on a later page.

use crate::helpers::Store;
use crate::replay::{Exchange, Replay, collect, config, empty_listings, fixture};
use serde_json::{Value, json};

/// A repository whose issue listing is `pages` (each a `Link` target after the first).
fn listing_replay(replay: &Replay, repo: &str, pages: &[(&str, Value, Option<&str>)]) {
    let mut meta: Value = serde_json::from_str(&fixture("octokit/get-repository.json")).unwrap();
    let mut meta = meta[0]["response"].take();
    meta["full_name"] = json!(repo);
    replay.on("GET", &format!("/repos/{repo}"), Exchange::json(200, &meta));
    empty_listings(replay, repo);
    for (path, items, next) in pages {
        let headers = next
            .map(|n| vec![("link".to_owned(), format!("<https://api.github.com{n}>; rel=\"next\""))])
            .unwrap_or_default();
        replay.on("GET", path, Exchange { status: 200, headers, body: items.to_string() });
    }
}

fn issues(numbers: std::ops::RangeInclusive<i64>) -> Value {
    let items: Vec<Value> = numbers
        .map(|n| {
            json!({"id": 9000 + n, "number": n, "title": format!("#{n}"), "state": "open",
                   "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"})
        })
        .collect();
    Value::Array(items)
}

async fn issues_step_error(store: &Store) -> String {
    let (status, error): (String, Option<String>) = upkeep::db::sql::query_as(
        "SELECT status, error FROM sync_run_resources WHERE resource = 'issues' ORDER BY run_id DESC LIMIT 1",
    )
    .fetch_one(&store.db.pool)
    .await
    .unwrap();
    assert_eq!(status, "failed");
    error.unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_link_that_comes_back_to_a_page_already_read_stops_the_listing_with_an_error() {
    let replay = Replay::start().await;
    let repo = "o/loop";
    listing_replay(
        &replay,
        repo,
        &[
            ("/repos/o/loop/issues", issues(1..=3), Some("/repositories/1/issues?page=2")),
            ("/repositories/1/issues?page=2", issues(4..=6), Some("/repositories/1/issues?page=1")),
            ("/repositories/1/issues?page=1", issues(1..=3), Some("/repositories/1/issues?page=2")),
        ],
    );
    let store = Store::new().await;
    let summary = collect(&store, config(&replay, &store, repo)).await;
    assert_eq!(summary.failed_repos, vec![repo.to_owned()], "never success with a listing unread: {summary:?}");
    let error = issues_step_error(&store).await;
    assert!(error.contains("its next link repeats a page already read"), "{error}");
    assert!(replay.asked().len() < 20, "{:?}", replay.asked());
    // The watermark did not move: the next run reads the listing again from the start.
    let watermark: Option<i64> =
        upkeep::db::sql::query_scalar("SELECT watermark FROM sync_state WHERE scope = ? AND resource = 'issues'")
            .bind(repo)
            .fetch_optional(&store.db.pool)
            .await
            .unwrap()
            .flatten();
    assert_eq!(watermark, None);
    replay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_that_bring_only_items_already_seen_stop_after_three() {
    let replay = Replay::start().await;
    let repo = "o/same";
    // Every page has a new URL but the same three issues, for ever.
    let mut pages = vec![("/repos/o/same/issues".to_owned(), Some("/repositories/2/issues?page=2".to_owned()))];
    for p in 2..=50 {
        pages
            .push((format!("/repositories/2/issues?page={p}"), Some(format!("/repositories/2/issues?page={}", p + 1))));
    }
    let spec: Vec<(&str, Value, Option<&str>)> =
        pages.iter().map(|(path, next)| (path.as_str(), issues(1..=3), next.as_deref())).collect();
    listing_replay(&replay, repo, &spec);
    let store = Store::new().await;
    let summary = collect(&store, config(&replay, &store, repo)).await;
    assert_eq!(summary.failed_repos, vec![repo.to_owned()], "{summary:?}");
    let error = issues_step_error(&store).await;
    assert!(error.contains("3 pages in a row brought only items already seen"), "{error}");
    let listing_pages = replay.asked().iter().filter(|a| a.contains("issues?page=") || a.ends_with("/issues")).count();
    // The probe, page 1, then three stale pages.
    assert!(listing_pages <= 6, "stopped early: {:?}", replay.asked());
    replay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_longer_than_max_pages_stops_with_an_error_naming_the_limit() {
    let replay = Replay::start().await;
    let repo = "o/long";
    listing_replay(
        &replay,
        repo,
        &[
            ("/repos/o/long/issues", issues(1..=3), Some("/repositories/3/issues?page=2")),
            ("/repositories/3/issues?page=2", issues(4..=6), Some("/repositories/3/issues?page=3")),
            ("/repositories/3/issues?page=3", issues(7..=9), None),
        ],
    );
    let store = Store::new().await;
    let mut cfg = config(&replay, &store, repo);
    cfg.collector.max_pages = 2;
    let summary = collect(&store, cfg).await;
    assert_eq!(summary.failed_repos, vec![repo.to_owned()], "{summary:?}");
    let error = issues_step_error(&store).await;
    assert!(error.contains("passed 2 pages (collector.max_pages)"), "{error}");
    replay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_404_on_a_later_page_says_the_listing_changed_not_that_the_repository_is_gone() {
    let replay = Replay::start().await;
    let repo = "o/vanish";
    listing_replay(&replay, repo, &[("/repos/o/vanish/issues", issues(1..=3), Some("/repositories/4/issues?page=2"))]);
    let store = Store::new().await;
    let summary = collect(&store, config(&replay, &store, repo)).await;
    assert_eq!(summary.failed_repos, vec![repo.to_owned()], "{summary:?}");
    let error = issues_step_error(&store).await;
    assert!(error.contains("page 2 answered 404") && error.contains("listing changed"), "{error}");
    assert!(!error.contains("deleted"), "{error}");
    replay.stop().await;
}
