//! `db::commits`: the commit upsert, force-push deletions, the weekly per-account counts
//! (`contributor_weeks`, weeks from Sunday 00:00 UTC by authored time) and the count.

use super::builders::{Person, commit, commit_unlinked, store_commits};
use super::{add_repository, at, fresh};
use crate::db::commits::{self, CommitRow, Deleted};

async fn weeks(pool: &sqlx::AnyPool, repo: i64) -> Vec<(i64, i64, i64)> {
    crate::db::sql::query_as(
        "SELECT account_id, week, commits FROM contributor_weeks WHERE repo_id = ? ORDER BY week, account_id",
    )
    .bind(repo)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn rebuild(db: &crate::db::Db, repo: i64, from: i64) {
    let mut tx = db.begin_write().await.unwrap();
    commits::rebuild_contributor_weeks(&mut tx, repo, from).await.unwrap();
    tx.commit().await.unwrap();
}

/// `sha, author_id, author_hash, authored_at, committed_at`.
type CommitCols = (String, Option<i64>, Option<String>, i64, i64);

#[tokio::test]
async fn upsert_commits_inserts_then_updates_by_repository_and_sha_and_count_is_per_repository() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    add_repository(&f.db, 2, "numfocus/other").await;
    let t = at("2024-03-04", "09:00:00");
    assert_eq!(commits::count(&f.db.pool, repo).await.unwrap(), 0);
    let ada = Person::human("ada");
    let first = [commit_unlinked(repo, "aaa", "h1", t), commit(repo, "bbb", &ada, t + 1), commit(2, "aaa", &ada, t)];
    commits::upsert_commits(&f.db.pool, &first).await.unwrap();
    // The e-mail got linked to ada, and the commit was amended (new committed time).
    let linked = CommitRow { author_id: Some(ada.id), committed_at: t + 50, ..commit_unlinked(repo, "aaa", "h1", t) };
    commits::upsert_commits(&f.db.pool, &[linked]).await.unwrap();
    commits::upsert_commits(&f.db.pool, &[]).await.unwrap();
    assert_eq!(commits::count(&f.db.pool, repo).await.unwrap(), 2);
    assert_eq!(commits::count(&f.db.pool, 2).await.unwrap(), 1);
    let stored: Vec<CommitCols> = crate::db::sql::query_as(
        "SELECT sha, author_id, author_hash, authored_at, committed_at FROM commits WHERE repo_id = 1 ORDER BY sha",
    )
    .fetch_all(&f.db.pool)
    .await
    .unwrap();
    assert_eq!(
        stored,
        [("aaa".into(), Some(ada.id), Some("h1".into()), t, t + 50), ("bbb".into(), Some(ada.id), None, t + 1, t + 1)]
    );
}

#[tokio::test]
async fn delete_unseen_since_removes_rewritten_history_from_since_on_in_one_repository() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    add_repository(&f.db, 2, "numfocus/other").await;
    let since = at("2024-03-10", "00:00:00");
    let mut rewritten = commit_unlinked(repo, "r2", "h", since + 10);
    rewritten.authored_at = since - 3 * 86_400; // authored days before it was committed
    let rows = [
        commit_unlinked(repo, "old", "h", since - 1), // before since: kept even if unseen
        commit_unlinked(repo, "edge", "h", since),    // exactly at since, unseen: deleted
        commit_unlinked(repo, "seen", "h", since + 5), // seen: kept
        rewritten,                                    // unseen: deleted
        commit_unlinked(2, "x", "h", since + 5),      // another repository: kept
    ];
    commits::upsert_commits(&f.db.pool, &rows).await.unwrap();
    let seen = vec!["seen".to_owned()];
    let deleted = commits::delete_unseen_since(&f.db.pool, repo, since, &seen).await.unwrap();
    assert_eq!(deleted, Deleted { count: 2, oldest_authored: Some(since - 3 * 86_400) });
    let left: Vec<String> =
        crate::db::sql::query_scalar("SELECT sha FROM commits ORDER BY sha").fetch_all(&f.db.pool).await.unwrap();
    assert_eq!(left, ["old", "seen", "x"]);
    let again = commits::delete_unseen_since(&f.db.pool, repo, since, &seen).await.unwrap();
    assert_eq!(again, Deleted { count: 0, oldest_authored: None });
}

#[tokio::test]
async fn contributor_weeks_count_linked_commits_per_author_and_sunday_week_by_authored_time() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let (ada, bob) = (Person::human("ada"), Person::human("bob"));
    let sun = at("2024-03-03", "00:00:00"); // a Sunday
    let rows = [
        commit(repo, "a1", &ada, sun - 1), // Saturday night: the week before
        commit(repo, "a2", &ada, sun),     // Sunday 00:00: this week
        commit(repo, "a3", &ada, at("2024-03-09", "23:59:59")), // the Saturday after: this week
        commit(repo, "b1", &bob, sun + 3600),
        commit_unlinked(repo, "u1", "h", sun + 7200), // no account: not counted
    ];
    store_commits(&f.db, &[&ada, &bob], &rows).await;
    let prev = sun - 7 * 86_400;
    let mut expected = vec![(ada.id, prev, 1), (ada.id, sun, 2), (bob.id, sun, 1)];
    expected.sort_by_key(|&(who, week, _)| (week, who));
    assert_eq!(weeks(&f.db.pool, repo).await, expected);
}

#[tokio::test]
async fn contributor_weeks_rebuild_from_a_week_on_and_drop_weeks_whose_commits_are_gone() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let ada = Person::human("ada");
    let w1 = at("2024-03-03", "00:00:00");
    let (w2, w3) = (w1 + 7 * 86_400, w1 + 14 * 86_400);
    let rows =
        [commit(repo, "a1", &ada, w1 + 10), commit(repo, "a2", &ada, w2 + 10), commit(repo, "a3", &ada, w3 + 10)];
    store_commits(&f.db, &[&ada], &rows).await;
    // History rewritten: every commit gone, but only weeks from the one holding `from` are redone.
    let seen: Vec<String> = Vec::new();
    commits::delete_unseen_since(&f.db.pool, repo, 0, &seen).await.unwrap();
    rebuild(&f.db, repo, w2 + 3 * 86_400).await;
    assert_eq!(weeks(&f.db.pool, repo).await, [(ada.id, w1, 1)]);
    rebuild(&f.db, repo, i64::MIN).await; // a negative `from` counts from 1970
    assert_eq!(weeks(&f.db.pool, repo).await, []);
}

#[tokio::test]
async fn contributor_weeks_rebuild_writes_only_changed_rows_so_the_rollups_see_no_change() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let ada = Person::human("ada");
    let t = at("2024-03-04", "09:00:00");
    store_commits(&f.db, &[&ada], &[commit(repo, "a1", &ada, t)]).await;
    super::builders::roll_up(&f.db, repo).await;
    assert!(!crate::db::rollups::has_dirty(&f.db.pool, repo).await.unwrap());
    rebuild(&f.db, repo, 0).await;
    assert!(!crate::db::rollups::has_dirty(&f.db.pool, repo).await.unwrap(), "nothing changed, nothing written");
    store_commits(&f.db, &[&ada], &[commit(repo, "a2", &ada, t + 60)]).await;
    assert_eq!(weeks(&f.db.pool, repo).await, [(ada.id, crate::metrics::week_start(t), 2)]);
    assert!(crate::db::rollups::has_dirty(&f.db.pool, repo).await.unwrap());
}
