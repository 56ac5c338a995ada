//! Items kept aside (quarantined) leave the quarantine when GitHub sends them readable again,
//! whether the page they come on is read in one pass (every item decodes) or item by item.

use serde_json::{Value, json};

use crate::helpers::Store;
use crate::replay::{Exchange, Replay, collect, config, empty_listings, fixture};

fn comment(id: i64, issue: i64, created: Option<&str>) -> Value {
    let mut c = json!({
        "id": id,
        "issue_url": format!("https://api.github.com/repos/o/r/issues/{issue}"),
        "user": {"login": "ann", "id": 5, "type": "User"},
        "author_association": "CONTRIBUTOR",
        "updated_at": "2024-03-02T00:00:00Z",
    });
    if let Some(created) = created {
        c["created_at"] = json!(created);
    }
    c
}

async fn quarantined(store: &Store) -> Vec<(String, String)> {
    upkeep::db::sql::query_as("SELECT resource, item_key FROM quarantined_items ORDER BY item_key")
        .fetch_all(&store.db.pool)
        .await
        .unwrap()
}

async fn comments(store: &Store) -> Vec<(i64, i64)> {
    upkeep::db::sql::query_as("SELECT id, issue_number FROM comments ORDER BY id")
        .fetch_all(&store.db.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quarantined_item_sent_readable_again_is_stored_and_released() {
    let replay = Replay::start().await;
    let repo = "o/r";
    let meta: Value = serde_json::from_str(&fixture("octokit/get-repository.json")).unwrap();
    let mut meta = meta[0]["response"].clone();
    meta["name"] = json!("r");
    meta["full_name"] = json!(repo);
    meta["owner"]["login"] = json!("o");
    replay.on("GET", &format!("/repos/{repo}"), Exchange::json(200, &meta));
    empty_listings(&replay, repo);
    let issue = json!({
        "id": 101, "number": 1, "title": "t", "state": "open",
        "user": {"login": "bob", "id": 6, "type": "User"},
        "created_at": "2024-03-01T00:00:00Z", "updated_at": "2024-03-02T00:00:00Z",
    });
    replay.on("GET", &format!("/repos/{repo}/issues"), Exchange::json(200, &json!([issue])));
    let listing = format!("/repos/{repo}/issues/comments");
    let store = Store::new().await;

    // Comment 12 has no creation time: it is kept aside, its page's other comment is stored.
    let page = json!([comment(11, 1, Some("2024-03-01T10:00:00Z")), comment(12, 1, None)]);
    replay.on("GET", &listing, Exchange::json(200, &page));
    let first = collect(&store, config(&replay, &store, repo)).await;
    assert!(first.failed_repos.is_empty(), "{first:?}");
    assert_eq!(first.quarantined, 1);
    assert_eq!(quarantined(&store).await, vec![("issue_comments".to_owned(), "12".to_owned())]);
    assert_eq!(comments(&store).await, vec![(11, 1)]);

    // Sent whole again, on a page where every item decodes: stored, and out of the quarantine.
    let page = json!([comment(11, 1, Some("2024-03-01T10:00:00Z")), comment(12, 1, Some("2024-03-01T11:00:00Z"))]);
    replay.on("GET", &listing, Exchange::json(200, &page));
    let second = collect(&store, config(&replay, &store, repo)).await;
    assert!(second.failed_repos.is_empty(), "{second:?}");
    assert_eq!(comments(&store).await, vec![(11, 1), (12, 1)]);
    assert_eq!(quarantined(&store).await, Vec::<(String, String)>::new());

    // Kept aside again, then sent readable on a page whose other item does not decode (read
    // item by item): released all the same, and the unreadable one takes its place.
    let page = json!([comment(12, 1, None)]);
    replay.on("GET", &listing, Exchange::json(200, &page));
    collect(&store, config(&replay, &store, repo)).await;
    assert_eq!(quarantined(&store).await, vec![("issue_comments".to_owned(), "12".to_owned())]);
    let page = json!([comment(12, 1, Some("2024-03-01T11:00:00Z")), comment(13, 1, None)]);
    replay.on("GET", &listing, Exchange::json(200, &page));
    collect(&store, config(&replay, &store, repo)).await;
    assert_eq!(quarantined(&store).await, vec![("issue_comments".to_owned(), "13".to_owned())]);
    replay.stop().await;
}
