//! `db/repos.rs`: repository rows (by id, found by any-case name) and the tracked list: what is
//! tracked and why, each sync's outcome, an org's membership, removal and the purge.

use super::{add_repository, fresh, repository};
use crate::db::repos::{
    RepoOutcome, RepositoryRow, TrackedRepoRow, find_repository_by_name, find_tracked_repository, list_private,
    list_repositories, list_repositories_of_source, list_tracked, list_tracked_repositories, mark_removed,
    record_repo_outcome, track_repository, untrack_missing, upsert_repository,
};

fn outcome(
    condition: &'static str,
    message: Option<&'static str>,
    repo_id: Option<i64>,
    at: i64,
) -> RepoOutcome<'static> {
    RepoOutcome { condition, message, repo_id, at }
}

fn tracked(full_name: &str, source: &str) -> TrackedRepoRow {
    TrackedRepoRow {
        full_name: full_name.to_owned(),
        repo_id: None,
        source: source.to_owned(),
        condition: "pending".to_owned(),
        message: None,
        last_attempt_at: None,
        last_success_at: None,
    }
}

fn names(rows: Vec<RepositoryRow>) -> Vec<String> {
    rows.into_iter().map(|r| r.full_name).collect()
}

#[tokio::test]
async fn upserting_a_known_repository_replaces_every_field_and_follows_a_rename() {
    let f = fresh().await;
    let p = &f.db.pool;
    add_repository(&f.db, 7, "numfocus/atlas").await;
    let renamed = RepositoryRow {
        owner: "astro".to_owned(),
        name: "atlas2".to_owned(),
        full_name: "astro/atlas2".to_owned(),
        description: Some("maps".to_owned()),
        html_url: "https://github.com/astro/atlas2".to_owned(),
        language: Some("Rust".to_owned()),
        default_branch: None,
        is_private: true,
        is_fork: true,
        is_archived: true,
        stargazers: 10,
        forks: 2,
        open_issues: 3,
        created_at: 5,
        updated_at: 6,
        pushed_at: Some(7),
        ..repository(7, "numfocus/atlas")
    };
    upsert_repository(p, &renamed).await.unwrap();

    assert_eq!(list_repositories(p).await.unwrap(), std::slice::from_ref(&renamed));
    assert_eq!(find_repository_by_name(p, "numfocus/atlas").await.unwrap(), None);
    assert_eq!(find_repository_by_name(p, "ASTRO/Atlas2").await.unwrap(), Some(renamed));
}

#[tokio::test]
async fn find_repository_by_name_ignores_case_and_answers_none_for_an_unknown_name() {
    let f = fresh().await;
    add_repository(&f.db, 7, "NumFocus/Atlas").await;
    add_repository(&f.db, 8, "numfocus/atlas-docs").await;
    let found = find_repository_by_name(&f.db.pool, "numfocus/ATLAS").await.unwrap();
    assert_eq!(found.map(|r| (r.id, r.full_name)), Some((7, "NumFocus/Atlas".to_owned())));
    assert_eq!(find_repository_by_name(&f.db.pool, "numfocus/atlas-").await.unwrap(), None);
    assert_eq!(find_repository_by_name(&f.db.pool, "").await.unwrap(), None);
}

#[tokio::test]
async fn list_repositories_orders_names_without_regard_to_case() {
    let f = fresh().await;
    assert!(list_repositories(&f.db.pool).await.unwrap().is_empty());
    add_repository(&f.db, 1, "b/x").await;
    add_repository(&f.db, 2, "a/z").await;
    add_repository(&f.db, 3, "A/y").await;
    assert_eq!(names(list_repositories(&f.db.pool).await.unwrap()), ["A/y", "a/z", "b/x"]);
}

#[tokio::test]
async fn a_tracked_repository_is_found_only_once_a_sync_linked_it_to_its_row() {
    let f = fresh().await;
    let p = &f.db.pool;
    add_repository(&f.db, 7, "numfocus/atlas").await;
    add_repository(&f.db, 8, "numfocus/stored-only").await;
    track_repository(p, "numfocus/atlas", "config").await.unwrap();
    // Tracked but never synced: no repo_id yet.
    assert_eq!(find_tracked_repository(p, "numfocus/atlas").await.unwrap(), None);

    record_repo_outcome(p, "numfocus/atlas", &outcome("ok", None, Some(7), 100)).await.unwrap();
    let found = find_tracked_repository(p, "NUMFOCUS/atlas").await.unwrap();
    assert_eq!(found.map(|r| r.id), Some(7));
    // Stored but not tracked.
    assert_eq!(find_tracked_repository(p, "numfocus/stored-only").await.unwrap(), None);
    assert_eq!(find_tracked_repository(p, "numfocus/unknown").await.unwrap(), None);
}

#[tokio::test]
async fn tracking_again_changes_the_source_and_keeps_the_history() {
    let f = fresh().await;
    let p = &f.db.pool;
    track_repository(p, "o/a", "org:o").await.unwrap();
    assert_eq!(list_tracked(p).await.unwrap(), [tracked("o/a", "org:o")]);
    record_repo_outcome(p, "o/a", &outcome("ok", None, Some(1), 100)).await.unwrap();

    track_repository(p, "O/A", "config").await.unwrap();
    let expected = TrackedRepoRow {
        repo_id: Some(1),
        condition: "ok".to_owned(),
        last_attempt_at: Some(100),
        last_success_at: Some(100),
        ..tracked("o/a", "config")
    };
    assert_eq!(list_tracked(p).await.unwrap(), [expected]);
}

#[tokio::test]
async fn a_failed_attempt_keeps_the_last_success_and_the_known_repository() {
    let f = fresh().await;
    let p = &f.db.pool;
    track_repository(p, "o/a", "config").await.unwrap();
    record_repo_outcome(p, "o/a", &outcome("ok", None, Some(1), 100)).await.unwrap();
    record_repo_outcome(p, "o/a", &outcome("failed", Some("HTTP 502"), None, 200)).await.unwrap();
    let expected = TrackedRepoRow {
        repo_id: Some(1),
        condition: "failed".to_owned(),
        message: Some("HTTP 502".to_owned()),
        last_attempt_at: Some(200),
        last_success_at: Some(100),
        ..tracked("o/a", "config")
    };
    assert_eq!(list_tracked(p).await.unwrap(), [expected]);

    // A move is a success, under the new id.
    record_repo_outcome(p, "o/a", &outcome("moved", Some("now o/b"), Some(2), 300)).await.unwrap();
    let row = list_tracked(p).await.unwrap().remove(0);
    assert_eq!((row.condition.as_str(), row.repo_id, row.last_success_at), ("moved", Some(2), Some(300)));
    assert_eq!(row.message.as_deref(), Some("now o/b"));

    // A later success without a message clears the old one.
    record_repo_outcome(p, "o/a", &outcome("ok", None, None, 350)).await.unwrap();
    let row = list_tracked(p).await.unwrap().remove(0);
    assert_eq!((row.message, row.repo_id, row.last_success_at), (None, Some(2), Some(350)));

    // An outcome for a name not tracked writes nothing.
    record_repo_outcome(p, "o/unknown", &outcome("ok", None, Some(3), 400)).await.unwrap();
    assert_eq!(list_tracked(p).await.unwrap().len(), 1);
}

#[tokio::test]
async fn list_repositories_of_source_lists_one_sources_names_in_order() {
    let f = fresh().await;
    let p = &f.db.pool;
    track_repository(p, "o/zeta", "org:o").await.unwrap();
    track_repository(p, "o/alpha", "org:o").await.unwrap();
    track_repository(p, "o/mine", "config").await.unwrap();
    track_repository(p, "p/x", "org:p").await.unwrap();
    assert_eq!(list_repositories_of_source(p, "org:o").await.unwrap(), ["o/alpha", "o/zeta"]);
    assert!(list_repositories_of_source(p, "org:none").await.unwrap().is_empty());
}

#[tokio::test]
async fn untrack_missing_drops_names_that_left_the_org_and_nothing_from_other_sources() {
    let f = fresh().await;
    let p = &f.db.pool;
    for name in ["o/stay", "o/gone", "o/Case"] {
        track_repository(p, name, "org:o").await.unwrap();
    }
    track_repository(p, "o/mine", "config").await.unwrap();

    let keep = vec!["o/stay".to_owned(), "O/CASE".to_owned(), "o/new".to_owned()];
    assert_eq!(untrack_missing(p, "org:o", &keep).await.unwrap(), 1);
    assert_eq!(list_repositories_of_source(p, "org:o").await.unwrap(), ["o/Case", "o/stay"]);
    assert_eq!(list_repositories_of_source(p, "config").await.unwrap(), ["o/mine"]);

    // An empty org leaves none of its repositories tracked.
    assert_eq!(untrack_missing(p, "org:o", &[]).await.unwrap(), 2);
    let left: Vec<String> = list_tracked(p).await.unwrap().into_iter().map(|t| t.full_name).collect();
    assert_eq!(left, ["o/mine"]);
}

#[tokio::test]
async fn list_tracked_repositories_lists_stored_tracked_ones_once_each() {
    let f = fresh().await;
    let p = &f.db.pool;
    add_repository(&f.db, 1, "o/b").await;
    add_repository(&f.db, 2, "o/a").await;
    add_repository(&f.db, 3, "o/untracked").await;
    for name in ["o/b", "o/old-name-of-b", "o/a", "o/missing"] {
        track_repository(p, name, "config").await.unwrap();
    }
    record_repo_outcome(p, "o/b", &outcome("ok", None, Some(1), 10)).await.unwrap();
    record_repo_outcome(p, "o/old-name-of-b", &outcome("moved", None, Some(1), 10)).await.unwrap();
    record_repo_outcome(p, "o/a", &outcome("ok", None, Some(2), 10)).await.unwrap();
    record_repo_outcome(p, "o/missing", &outcome("not_found", None, None, 10)).await.unwrap();

    assert_eq!(names(list_tracked_repositories(p).await.unwrap()), ["o/a", "o/b"]);
}

#[tokio::test]
async fn list_tracked_orders_names_without_regard_to_case() {
    let f = fresh().await;
    let p = &f.db.pool;
    assert!(list_tracked(p).await.unwrap().is_empty());
    for name in ["b/x", "a/z", "A/y"] {
        track_repository(p, name, "config").await.unwrap();
    }
    let order: Vec<String> = list_tracked(p).await.unwrap().into_iter().map(|t| t.full_name).collect();
    assert_eq!(order, ["A/y", "a/z", "b/x"]);
}

#[tokio::test]
async fn list_private_lists_only_repositories_github_marked_private() {
    let f = fresh().await;
    let p = &f.db.pool;
    assert!(list_private(p).await.unwrap().is_empty());
    upsert_repository(p, &RepositoryRow { is_private: true, ..repository(2, "o/secret") }).await.unwrap();
    upsert_repository(p, &RepositoryRow { is_private: true, ..repository(3, "o/hidden") }).await.unwrap();
    add_repository(&f.db, 1, "o/public").await;
    assert_eq!(list_private(p).await.unwrap(), [(3, "o/hidden".to_owned()), (2, "o/secret".to_owned())]);
}

#[tokio::test]
async fn mark_removed_keeps_the_name_with_why_and_unlinks_its_repository() {
    let f = fresh().await;
    let p = &f.db.pool;
    track_repository(p, "o/a", "config").await.unwrap();
    record_repo_outcome(p, "o/a", &outcome("ok", None, Some(1), 100)).await.unwrap();

    mark_removed(p, "O/A", "made private", 200).await.unwrap();
    mark_removed(p, "o/never-tracked", "deleted by an admin", 300).await.unwrap();
    let removed = |name: &str, message: &str, at: i64, success: Option<i64>| TrackedRepoRow {
        condition: "skipped".to_owned(),
        message: Some(message.to_owned()),
        last_attempt_at: Some(at),
        last_success_at: success,
        ..tracked(name, "removed")
    };
    assert_eq!(
        list_tracked(p).await.unwrap(),
        [removed("o/a", "made private", 200, Some(100)), removed("o/never-tracked", "deleted by an admin", 300, None)]
    );
    assert!(list_tracked_repositories(p).await.unwrap().is_empty());
}
