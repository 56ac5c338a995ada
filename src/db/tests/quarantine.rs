//! `db/quarantine.rs`: items kept raw with their reason, re-recorded, released, counted and listed.

use super::fresh;
use crate::db::quarantine::{
    QuarantinedRow, RAW_LIMIT, count_all, count_since, keys, list_for, list_recent, remove, upsert,
};

fn row(scope: &str, resource: &str, key: &str, reason: &str, raw: &str, first: i64, last: i64) -> QuarantinedRow {
    QuarantinedRow {
        scope: scope.to_owned(),
        resource: resource.to_owned(),
        item_key: key.to_owned(),
        reason: reason.to_owned(),
        raw: raw.to_owned(),
        first_seen: first,
        last_seen: last,
    }
}

#[tokio::test]
async fn an_empty_quarantine_counts_and_lists_nothing() {
    let f = fresh().await;
    let p = &f.db.pool;
    assert_eq!(count_all(p).await.unwrap(), 0);
    assert_eq!(count_since(p, 0).await.unwrap(), 0);
    assert!(list_recent(p, 10).await.unwrap().is_empty());
    assert!(keys(p, "o/a", "issues").await.unwrap().is_empty());
    assert!(list_for(p, "o/a", "issues").await.unwrap().is_empty());
}

#[tokio::test]
async fn quarantining_an_item_again_keeps_its_first_sighting_and_takes_the_new_reason_and_raw() {
    let f = fresh().await;
    let p = &f.db.pool;
    upsert(p, "o/a", "issues", "42", "missing user", "{\"id\":42}", 100).await.unwrap();
    assert_eq!(
        list_for(p, "o/a", "issues").await.unwrap(),
        [row("o/a", "issues", "42", "missing user", "{\"id\":42}", 100, 100)]
    );

    upsert(p, "o/a", "issues", "42", "missing title", "{\"id\":42,\"user\":{}}", 250).await.unwrap();
    assert_eq!(
        list_for(p, "o/a", "issues").await.unwrap(),
        [row("o/a", "issues", "42", "missing title", "{\"id\":42,\"user\":{}}", 100, 250)]
    );
    assert_eq!(count_all(p).await.unwrap(), 1);
}

#[tokio::test]
async fn raw_json_is_kept_whole_up_to_the_limit_and_cut_there_on_a_character_boundary() {
    let f = fresh().await;
    let p = &f.db.pool;
    let exact = "a".repeat(RAW_LIMIT);
    let longer = "b".repeat(RAW_LIMIT + 10);
    // "é" is two bytes, at RAW_LIMIT - 1 and RAW_LIMIT: cutting at the limit would split it.
    let straddling = format!("{}é{}", "c".repeat(RAW_LIMIT - 1), "d".repeat(5));
    upsert(p, "o/a", "issues", "1", "r", &exact, 1).await.unwrap();
    upsert(p, "o/a", "issues", "2", "r", &longer, 1).await.unwrap();
    upsert(p, "o/a", "issues", "3", "r", &straddling, 1).await.unwrap();
    upsert(p, "o/a", "issues", "4", "r", "", 1).await.unwrap();

    let raws: Vec<String> = list_for(p, "o/a", "issues").await.unwrap().into_iter().map(|r| r.raw).collect();
    assert_eq!(raws[0], exact);
    assert_eq!(raws[1], "b".repeat(RAW_LIMIT));
    assert_eq!(raws[2], "c".repeat(RAW_LIMIT - 1));
    assert_eq!(raws[3], "");
}

#[tokio::test]
async fn remove_releases_that_one_item_only() {
    let f = fresh().await;
    let p = &f.db.pool;
    upsert(p, "o/a", "issues", "1", "r", "{}", 10).await.unwrap();
    upsert(p, "o/a", "issues", "2", "r", "{}", 10).await.unwrap();
    upsert(p, "o/a", "issue_comments", "1", "r", "{}", 10).await.unwrap();
    upsert(p, "o/b", "issues", "1", "r", "{}", 10).await.unwrap();

    remove(p, "o/a", "issues", "1").await.unwrap();
    remove(p, "o/a", "issues", "99").await.unwrap(); // not quarantined: nothing happens

    assert_eq!(keys(p, "o/a", "issues").await.unwrap(), ["2"]);
    assert_eq!(keys(p, "o/a", "issue_comments").await.unwrap(), ["1"]);
    assert_eq!(keys(p, "o/b", "issues").await.unwrap(), ["1"]);
    assert_eq!(count_all(p).await.unwrap(), 3);
}

#[tokio::test]
async fn keys_and_list_for_return_one_steps_items_and_no_other_scopes_or_steps() {
    let f = fresh().await;
    let p = &f.db.pool;
    upsert(p, "o/a", "issue_comments", "300", "orphan", "{\"c\":3}", 30).await.unwrap();
    upsert(p, "o/a", "issue_comments", "100", "orphan", "{\"c\":1}", 10).await.unwrap();
    upsert(p, "o/a", "issues", "200", "bad", "{}", 20).await.unwrap();
    upsert(p, "o/b", "issue_comments", "100", "orphan", "{}", 20).await.unwrap();

    let mut found = keys(p, "o/a", "issue_comments").await.unwrap();
    found.sort();
    assert_eq!(found, ["100", "300"]);
    assert_eq!(
        list_for(p, "o/a", "issue_comments").await.unwrap(),
        [
            row("o/a", "issue_comments", "100", "orphan", "{\"c\":1}", 10, 10),
            row("o/a", "issue_comments", "300", "orphan", "{\"c\":3}", 30, 30),
        ]
    );
}

#[tokio::test]
async fn count_since_counts_items_last_seen_at_or_after_the_run_start() {
    let f = fresh().await;
    let p = &f.db.pool;
    upsert(p, "o/a", "issues", "1", "r", "{}", 99).await.unwrap();
    upsert(p, "o/a", "issues", "2", "r", "{}", 100).await.unwrap();
    upsert(p, "o/a", "issues", "3", "r", "{}", 101).await.unwrap();
    assert_eq!(count_since(p, 100).await.unwrap(), 2);

    // Item 1 seen again in this run counts in it.
    upsert(p, "o/a", "issues", "1", "r", "{}", 150).await.unwrap();
    assert_eq!(count_since(p, 100).await.unwrap(), 3);
    assert_eq!(count_since(p, 151).await.unwrap(), 0);
}

#[tokio::test]
async fn list_recent_is_newest_first_then_by_scope_step_and_key_up_to_the_limit() {
    let f = fresh().await;
    let p = &f.db.pool;
    upsert(p, "o/b", "issues", "1", "r", "{}", 50).await.unwrap();
    upsert(p, "o/a", "issues", "2", "r", "{}", 50).await.unwrap();
    upsert(p, "o/a", "issue_comments", "9", "r", "{}", 50).await.unwrap();
    upsert(p, "o/a", "issues", "1", "r", "{}", 50).await.unwrap();
    upsert(p, "o/z", "issues", "1", "r", "{}", 60).await.unwrap();
    upsert(p, "o/a", "issues", "0", "r", "{}", 10).await.unwrap();

    let order = |rows: Vec<QuarantinedRow>| -> Vec<String> {
        rows.into_iter().map(|r| format!("{} {} {}", r.scope, r.resource, r.item_key)).collect()
    };
    assert_eq!(
        order(list_recent(p, 10).await.unwrap()),
        ["o/z issues 1", "o/a issue_comments 9", "o/a issues 1", "o/a issues 2", "o/b issues 1", "o/a issues 0"]
    );
    assert_eq!(order(list_recent(p, 2).await.unwrap()), ["o/z issues 1", "o/a issue_comments 9"]);
    assert_eq!(count_all(p).await.unwrap(), 6);
}
