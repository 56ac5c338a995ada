//! `db::rollups::update_rollups` after each kind of change a sync writes through the db's own
//! functions, over the scene: the incremental result must equal a rebuild from scratch (rollup
//! tables and every week slice), with inferred and with configured maintainers. Also checks the
//! shortcut of `rollups/people.rs` (a person's second engagement kept from before) by hand.

use super::builders::{IssueBuilder, Person, ReleaseBuilder, commit, derive_with, roll_up_with, store_commits};
use super::rollups::rollup_state;
use super::scene::{ATLAS, DAY, HOUR, fresh_scene, id, t};
use crate::db::{
    Db,
    activity::{self, ReviewRow},
    commits,
    rollups::{self, Rebuilt},
};

/// The incremental update with `maintainers`, then a check that a rebuild changes nothing.
async fn update_equals_rebuild(db: &Db, maintainers: Option<&str>, what: &str) -> Rebuilt {
    derive_with(db, ATLAS, maintainers).await;
    let mut tx = db.begin_write().await.unwrap();
    let done = rollups::update_rollups(&mut tx, ATLAS, maintainers).await.unwrap();
    tx.commit().await.unwrap();
    assert!(!rollups::has_dirty(&db.pool, ATLAS).await.unwrap(), "{what}: marks cleared");
    let incremental = rollup_state(&db.pool).await;
    let mut tx = db.begin_write().await.unwrap();
    rollups::rebuild_rollups(&mut tx, ATLAS, maintainers).await.unwrap();
    tx.commit().await.unwrap();
    let rebuilt = rollup_state(&db.pool).await;
    let differ: Vec<_> = incremental.iter().zip(&rebuilt).filter(|(a, b)| a != b).collect();
    assert!(differ.is_empty() && incremental.len() == rebuilt.len(), "{what}: {differ:#?}");
    done
}

async fn second_at(db: &Db, login: &str) -> Option<i64> {
    crate::db::sql::query_scalar("SELECT second_at FROM repo_people WHERE repo_id = 1 AND account_id = ?")
        .bind(id(login))
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

/// Each change, applied in turn to the same database.
async fn each_change(db: &Db, maintainers: Option<&str>) {
    let t = t();
    let carol = Person::human("carol");
    // Commits: carol's in W and W2, then a force-push removes the W2 one.
    store_commits(db, &[&carol], &[commit(ATLAS, "c1", &carol, t + HOUR), commit(ATLAS, "c2", &carol, t + 8 * DAY)])
        .await;
    assert_eq!(update_equals_rebuild(db, maintainers, "commits").await, Rebuilt::Dirty);
    commits::delete_unseen_since(&db.pool, ATLAS, t + 7 * DAY, &[]).await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    commits::rebuild_contributor_weeks(&mut tx, ATLAS, t + 8 * DAY).await.unwrap();
    tx.commit().await.unwrap();
    update_equals_rebuild(db, maintainers, "force-push").await;
    // A pending review on the bot's pull request, then submitted.
    let pending = ReviewRow {
        id: 9001,
        repo_id: ATLAS,
        pr_number: 3,
        author_id: Some(id("frank")),
        author_association: "NONE".into(),
        state: "PENDING".into(),
        submitted_at: None,
    };
    Person::human("frank").store(db).await;
    activity::upsert_review(&db.pool, &pending).await.unwrap();
    update_equals_rebuild(db, maintainers, "pending review").await;
    let submitted = ReviewRow { state: "COMMENTED".into(), submitted_at: Some(t + 2 * DAY + HOUR), ..pending };
    activity::upsert_review(&db.pool, &submitted).await.unwrap();
    IssueBuilder::pull(ATLAS, 3).opened(t + 2 * DAY).by("dependabot[bot]").updated(t + 2 * DAY + HOUR).store(db).await;
    update_equals_rebuild(db, maintainers, "submitted review").await;
    // The author of #4 deleted their account (a ghost); the release v2.0 is published in W.
    IssueBuilder::issue(ATLAS, 4).opened(t + 8 * DAY).association("CONTRIBUTOR").store(db).await;
    ReleaseBuilder::new(ATLAS, 502, "v2.0", t + 10 * DAY).published(t + 3 * DAY).store(db).await;
    update_equals_rebuild(db, maintainers, "ghost author, release").await;
    // #1 is reopened; carol (no maintainer) comments on it as a collaborator in W2.
    IssueBuilder::issue(ATLAS, 1)
        .opened(t)
        .by("ada")
        .label("good first issue")
        .comment_by("dependabot[bot]", t + HOUR / 2, "NONE")
        .comment_by("bob", t + HOUR, "MEMBER")
        .comment_by("carol", t + 8 * DAY, "COLLABORATOR")
        .closed(t + 7 * DAY)
        .reopened()
        .store(db)
        .await;
    update_equals_rebuild(db, maintainers, "reopen, new association").await;
}

#[tokio::test]
async fn incremental_rollups_equal_a_rebuild_after_each_kind_of_change_with_inferred_maintainers() {
    let f = fresh_scene().await;
    each_change(&f.db, None).await;
}

#[tokio::test]
async fn incremental_rollups_equal_a_rebuild_after_each_kind_of_change_with_configured_maintainers() {
    let f = fresh_scene().await;
    let maintainers = Some(r#"["bob", "Carol"]"#);
    roll_up_with(&f.db, ATLAS, maintainers).await;
    each_change(&f.db, maintainers).await;
}

#[tokio::test]
async fn a_known_persons_later_rows_keep_their_second_engagement_and_an_earlier_one_moves_it() {
    let f = fresh_scene().await;
    let t = t();
    // ada's second engagement is T+3d; a new issue of hers in W3 leaves it there.
    IssueBuilder::issue(ATLAS, 7).opened(t + 14 * DAY).by("ada").store(&f.db).await;
    update_equals_rebuild(&f.db, None, "later row").await;
    assert_eq!(second_at(&f.db, "ada").await, Some(t + 3 * DAY));
    // carol's is T+8d; a reply of hers on bob's review thread in W moves it to T+1d+3h.
    IssueBuilder::issue(ATLAS, 8)
        .opened(t + DAY)
        .by("bob")
        .association("MEMBER")
        .comment_by("carol", t + DAY + 3 * HOUR, "CONTRIBUTOR")
        .store(&f.db)
        .await;
    update_equals_rebuild(&f.db, None, "earlier row").await;
    assert_eq!(second_at(&f.db, "carol").await, Some(t + DAY + 3 * HOUR));
    // A new person's first rows: one engagement, no second.
    IssueBuilder::issue(ATLAS, 9).opened(t + 15 * DAY).by("gina").store(&f.db).await;
    update_equals_rebuild(&f.db, None, "new person").await;
    assert_eq!(second_at(&f.db, "gina").await, None);
}

#[tokio::test]
async fn a_later_member_comment_makes_a_known_person_a_maintainer_incrementally() {
    let f = fresh_scene().await;
    IssueBuilder::issue(ATLAS, 7)
        .opened(t() + 14 * DAY)
        .by("bob")
        .comment_by("ada", t() + 14 * DAY + HOUR, "MEMBER")
        .store(&f.db)
        .await;
    update_equals_rebuild(&f.db, None, "member comment").await;
    let maint: crate::db::Flag =
        crate::db::sql::query_scalar("SELECT is_maintainer FROM repo_people WHERE repo_id = 1 AND account_id = ?")
            .bind(id("ada"))
            .fetch_one(&f.db.pool)
            .await
            .unwrap();
    assert!(maint.0);
}

#[tokio::test]
async fn an_old_dirty_week_keeps_the_second_engagement_of_people_whose_own_new_rows_are_later() {
    let f = fresh_scene().await;
    let t = t();
    // In one sync: bob opens an issue in W (before ada's second engagement, T+3d), and ada one in
    // W3. The dirty weeks start at W, but ada's rows there are all later than her second.
    IssueBuilder::issue(ATLAS, 7).opened(t + DAY + HOUR).by("bob").association("MEMBER").store(&f.db).await;
    IssueBuilder::issue(ATLAS, 8).opened(t + 14 * DAY).by("ada").store(&f.db).await;
    update_equals_rebuild(&f.db, None, "old week and later rows").await;
    assert_eq!(second_at(&f.db, "ada").await, Some(t + 3 * DAY));
}

#[tokio::test]
async fn a_pending_review_is_no_engagement_even_with_a_submitted_time() {
    let f = fresh_scene().await;
    let t = t();
    // carol's second engagement is T+8d. A PENDING review of hers on bob's pull request with a
    // submitted time (GitHub sends none, but a row may carry one) neither counts as a
    // contribution nor moves her second engagement, incrementally or rebuilt.
    IssueBuilder::pull(ATLAS, 9)
        .opened(t + DAY)
        .by("bob")
        .association("MEMBER")
        .review_by("carol", t + DAY + 2 * HOUR, "PENDING", "CONTRIBUTOR")
        .comment_by("carol", t + 14 * DAY, "CONTRIBUTOR")
        .store(&f.db)
        .await;
    update_equals_rebuild(&f.db, None, "pending review").await;
    assert_eq!(second_at(&f.db, "carol").await, Some(t + 8 * DAY));
}
