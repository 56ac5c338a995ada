//! `db::grants`: the items a grant references, by number, milestone title or label, with logins;
//! their reviewers; and who closed them (what the collector asks, stores and forgets).

use super::builders::{IssueBuilder, Person};
use super::{add_repository, at, fresh};
use crate::db::grants::{self, CloserAnswer, GrantItemRow};

#[tokio::test]
async fn grant_items_are_found_by_number_milestone_or_label_within_one_repository_and_bounded() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "acme/widgets").await;
    let other = add_repository(&f.db, 2, "acme/other").await;
    let t = at("2026-01-02", "10:00:00");
    IssueBuilder::issue(repo, 1).opened(t).by("ada").closed(t + 60).store(&f.db).await;
    IssueBuilder::pull(repo, 2).opened(t).by("bob").milestone("v1").merged(t + 120).merged_by("cy").store(&f.db).await;
    IssueBuilder::issue(repo, 3).opened(t).by("ada").label("Docs").store(&f.db).await;
    IssueBuilder::issue(repo, 4).opened(t).by("ada").label("bug").milestone("v2").store(&f.db).await;
    IssueBuilder::issue(other, 1).opened(t).by("ada").milestone("v1").store(&f.db).await;
    let pool = &f.db.pool;
    let found = grants::list_grant_items(pool, repo, "[1, 99]", r#"["v1"]"#, r#"["docs"]"#, 100).await.unwrap();
    assert_eq!(found.iter().map(|r| r.number).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(
        found[1],
        GrantItemRow {
            number: 2,
            is_pull_request: true,
            title: "Item 2".into(),
            state: "closed".into(),
            closed_at: Some(t + 120),
            merged_at: Some(t + 120),
            milestone: Some("v1".into()),
            labels: "[]".into(),
            author: Some("bob".into()),
            merged_by: Some("cy".into()),
            closed_by: None,
        }
    );
    assert_eq!(found[0].author.as_deref(), Some("ada"));
    let bounded = grants::list_grant_items(pool, repo, "[1, 2, 3, 4]", "[]", "[]", 2).await.unwrap();
    assert_eq!(bounded.len(), 2);
    assert!(grants::list_grant_items(pool, repo, "[]", "[]", "[]", 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn item_reviewers_are_listed_once_per_pull_request_in_order_of_first_review() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "acme/widgets").await;
    let t = at("2026-01-02", "10:00:00");
    IssueBuilder::pull(repo, 2)
        .opened(t)
        .by("bob")
        .review_by("zed", t + 10, "COMMENTED", "MEMBER")
        .review_by("ada", t + 20, "APPROVED", "MEMBER")
        .review_by("zed", t + 30, "APPROVED", "MEMBER")
        .pending_review_by("eve", "MEMBER")
        .store(&f.db)
        .await;
    IssueBuilder::pull(repo, 5).opened(t).by("bob").review_by("ada", t, "APPROVED", "MEMBER").store(&f.db).await;
    let reviewers = grants::list_item_reviewers(&f.db.pool, repo, "[2]").await.unwrap();
    assert_eq!(reviewers, [(2, "zed".to_owned()), (2, "ada".to_owned())]);
}

#[tokio::test]
async fn closers_are_asked_for_referenced_closed_issues_only_stored_and_never_shown_for_another_closure() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "acme/widgets").await;
    let t = at("2026-01-02", "10:00:00");
    let cy = Person::from("cy").store(&f.db).await;
    IssueBuilder::issue(repo, 1).opened(t).by("ada").closed(t + 60).store(&f.db).await;
    IssueBuilder::pull(repo, 2).opened(t).by("bob").merged(t + 120).merged_by("cy").store(&f.db).await;
    IssueBuilder::issue(repo, 3).opened(t).by("ada").label("docs").closed(t + 180).store(&f.db).await;
    IssueBuilder::issue(repo, 4).opened(t).by("ada").milestone("v1").store(&f.db).await;
    IssueBuilder::issue(repo, 5).opened(t).by("ada").closed(t + 240).store(&f.db).await;
    let pool = &f.db.pool;
    let refs = |pool| grants::list_closers_to_ask(pool, repo, "[1, 2, 4]", r#"["v1"]"#, r#"["DOCS"]"#, 10);
    // Closed issues only (not the pull request, not the open #4, not the unreferenced #5).
    let asked = refs(pool).await.unwrap();
    assert_eq!(
        asked.iter().map(|a| (a.number, a.updated_at, a.changed)).collect::<Vec<_>>(),
        [(1, t + 60, true), (3, t + 180, true)]
    );
    assert!(asked.iter().all(|a| a.etag.is_none()));
    let bounded = grants::list_closers_to_ask(pool, repo, "[1, 3]", "[]", "[]", 1).await.unwrap();
    assert_eq!(bounded.len(), 1);

    // #1 closed by cy; GitHub says null for #3: #3 alone is asked again, with its ETag.
    let answer = |id, at, etag: &str| CloserAnswer { closed_by_id: id, closed_at: Some(at), etag: Some(etag.into()) };
    grants::save_closer(pool, repo, 1, &answer(Some(cy.id), t + 60, "\"e1\""), t + 60).await.unwrap();
    grants::save_closer(pool, repo, 3, &answer(None, t + 180, "\"e3\""), t + 180).await.unwrap();
    let asked = refs(pool).await.unwrap();
    assert_eq!(asked.len(), 1);
    assert_eq!((asked[0].number, asked[0].changed, asked[0].etag.as_deref()), (3, false, Some("\"e3\"")));
    let items = grants::list_grant_items(pool, repo, "[1, 3]", "[]", "[]", 10).await.unwrap();
    let closers: Vec<_> = items.iter().map(|i| (i.number, i.closed_by.clone())).collect();
    assert_eq!(closers, [(1, Some("cy".to_owned())), (3, None)]);

    // #1 reopened and closed again later: the old closer is not this closure's, and #1 is asked.
    IssueBuilder::issue(repo, 1).opened(t).by("ada").closed(t + 900).store(&f.db).await;
    let items = grants::list_grant_items(pool, repo, "[1]", "[]", "[]", 10).await.unwrap();
    assert_eq!(items[0].closed_by, None);
    let asked = refs(pool).await.unwrap();
    assert_eq!(asked.iter().map(|a| (a.number, a.changed)).collect::<Vec<_>>(), [(1, true), (3, false)]);
    // A 304 for #1 marks it read at its new updated_at without touching the stored answer.
    grants::mark_closer_checked(pool, repo, 1, t + 900).await.unwrap();
    assert_eq!(refs(pool).await.unwrap().iter().map(|a| a.number).collect::<Vec<_>>(), [3]);

    // An issue that answered 404 (deleted or moved) has no ETag: not asked again until it changes.
    let gone = CloserAnswer { closed_by_id: None, closed_at: None, etag: None };
    grants::save_closer(pool, repo, 3, &gone, t + 180).await.unwrap();
    assert!(refs(pool).await.unwrap().is_empty());

    // Reopened (open now): never shown, and forgotten by the collector.
    IssueBuilder::issue(repo, 1).opened(t).by("ada").closed(t + 60).reopened().updated(t + 1000).store(&f.db).await;
    let items = grants::list_grant_items(pool, repo, "[1]", "[]", "[]", 10).await.unwrap();
    assert_eq!((items[0].state.as_str(), items[0].closed_by.as_deref()), ("open", None));
    assert_eq!(grants::clear_reopened_closers(pool, repo).await.unwrap(), 1);
    assert_eq!(grants::clear_reopened_closers(pool, repo).await.unwrap(), 0);
}
