//! `db/sync_state.rs`: a resource's watermark, ETag and last success per scope.

use super::fresh;
use crate::db::sync_state::{SyncState, get_sync_state, reset_resource_everywhere, save_sync_state};

fn state(watermark: Option<i64>, etag: Option<&str>, last_success_at: Option<i64>) -> SyncState {
    SyncState { watermark, etag: etag.map(str::to_owned), last_success_at }
}

#[tokio::test]
async fn a_resource_never_synced_has_no_watermark_etag_or_success() {
    let f = fresh().await;
    assert_eq!(get_sync_state(&f.db.pool, "numfocus/atlas", "issues").await.unwrap(), SyncState::default());
    assert_eq!(SyncState::default(), state(None, None, None));
}

#[tokio::test]
async fn saving_with_none_keeps_the_stored_watermark_and_etag_but_moves_the_success() {
    let f = fresh().await;
    let p = &f.db.pool;
    save_sync_state(p, "o/a", "issues", Some(100), Some("\"e1\""), 10).await.unwrap();
    assert_eq!(get_sync_state(p, "o/a", "issues").await.unwrap(), state(Some(100), Some("\"e1\""), Some(10)));

    save_sync_state(p, "o/a", "issues", None, None, 20).await.unwrap();
    assert_eq!(get_sync_state(p, "o/a", "issues").await.unwrap(), state(Some(100), Some("\"e1\""), Some(20)));

    save_sync_state(p, "o/a", "issues", Some(200), None, 30).await.unwrap();
    assert_eq!(get_sync_state(p, "o/a", "issues").await.unwrap(), state(Some(200), Some("\"e1\""), Some(30)));

    save_sync_state(p, "o/a", "issues", None, Some("\"e2\""), 40).await.unwrap();
    assert_eq!(get_sync_state(p, "o/a", "issues").await.unwrap(), state(Some(200), Some("\"e2\""), Some(40)));
}

#[tokio::test]
async fn a_first_save_with_none_records_only_the_success() {
    let f = fresh().await;
    save_sync_state(&f.db.pool, "o/a", "stats", None, None, 10).await.unwrap();
    assert_eq!(get_sync_state(&f.db.pool, "o/a", "stats").await.unwrap(), state(None, None, Some(10)));
}

#[tokio::test]
async fn state_is_kept_apart_per_scope_and_per_resource() {
    let f = fresh().await;
    let p = &f.db.pool;
    save_sync_state(p, "o/a", "issues", Some(1), None, 10).await.unwrap();
    save_sync_state(p, "o/a", "issue_comments", Some(2), None, 11).await.unwrap();
    save_sync_state(p, "o/b", "issues", Some(3), None, 12).await.unwrap();

    assert_eq!(get_sync_state(p, "o/a", "issues").await.unwrap(), state(Some(1), None, Some(10)));
    assert_eq!(get_sync_state(p, "o/a", "issue_comments").await.unwrap(), state(Some(2), None, Some(11)));
    assert_eq!(get_sync_state(p, "o/b", "issues").await.unwrap(), state(Some(3), None, Some(12)));
    assert_eq!(get_sync_state(p, "o/b", "issue_comments").await.unwrap(), SyncState::default());
}

#[tokio::test]
async fn reset_resource_everywhere_forgets_that_resource_in_every_scope_and_nothing_else() {
    let f = fresh().await;
    let p = &f.db.pool;
    save_sync_state(p, "o/a", "derived", Some(1), None, 10).await.unwrap();
    save_sync_state(p, "o/b", "derived", Some(2), None, 10).await.unwrap();
    save_sync_state(p, "o/a", "issues", Some(3), Some("\"e\""), 10).await.unwrap();

    reset_resource_everywhere(p, "derived").await.unwrap();
    assert_eq!(get_sync_state(p, "o/a", "derived").await.unwrap(), SyncState::default());
    assert_eq!(get_sync_state(p, "o/b", "derived").await.unwrap(), SyncState::default());
    assert_eq!(get_sync_state(p, "o/a", "issues").await.unwrap(), state(Some(3), Some("\"e\""), Some(10)));

    // Resetting a resource nobody has is harmless.
    reset_resource_everywhere(p, "nothing").await.unwrap();
}
