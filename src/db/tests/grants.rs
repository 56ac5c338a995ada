//! `db::grants`: the items a grant references, by number, milestone title or label, with logins;
//! and their reviewers.

use super::builders::IssueBuilder;
use super::{add_repository, at, fresh};
use crate::db::grants::{self, GrantItemRow};

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
