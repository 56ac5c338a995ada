//! `db::activity`: the page-at-a-time upserts of comments, reviews and review comments (keyed by
//! GitHub id, every column refreshed on conflict), releases, and the JSON they are bound as.

use super::{add_repository, at, fresh};
use crate::db::Flag;
use crate::db::activity::{self, CommentRow, ReleaseRow, ReviewCommentRow, ReviewRow};

type Row = (i64, i64, i64, Option<i64>, String, i64, i64);
/// `id, tag_name, name, draft, prerelease, created_at, published_at`.
type ReleaseCols = (i64, String, Option<String>, Flag, Flag, i64, Option<i64>);

async fn comments(pool: &sqlx::AnyPool) -> Vec<Row> {
    crate::db::sql::query_as(
        "SELECT id, repo_id, issue_number, author_id, author_association, created_at, updated_at
         FROM comments ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

fn comment(id: i64, number: i64, author: Option<i64>, at: i64) -> CommentRow {
    CommentRow {
        id,
        repo_id: 1,
        issue_number: number,
        author_id: author,
        author_association: "NONE".into(),
        created_at: at,
        updated_at: at,
    }
}

#[test]
fn rows_json_is_one_array_of_arrays_with_nulls() {
    let rows = [(1_i64, "ada", None::<i64>), (2, "bob", Some(5))];
    assert_eq!(activity::rows_json(&rows).unwrap(), r#"[[1,"ada",null],[2,"bob",5]]"#);
    assert_eq!(activity::rows_json::<(i64, i64)>(&[]).unwrap(), "[]");
}

#[tokio::test]
async fn upsert_comments_stores_a_page_and_keeps_a_deleted_author_as_null() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    let page = [comment(11, 3, Some(100), t), comment(12, 3, None, t + 60), comment(10, 4, Some(101), t + 120)];
    activity::upsert_comments(&f.db.pool, &page).await.unwrap();
    assert_eq!(
        comments(&f.db.pool).await,
        vec![
            (10, 1, 4, Some(101), "NONE".into(), t + 120, t + 120),
            (11, 1, 3, Some(100), "NONE".into(), t, t),
            (12, 1, 3, None, "NONE".into(), t + 60, t + 60),
        ]
    );
}

#[tokio::test]
async fn upsert_comment_again_refreshes_every_column_of_the_same_id() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    activity::upsert_comment(&f.db.pool, &comment(11, 3, Some(100), t)).await.unwrap();
    // Edited, and the issue was transferred to number 9 with the author now a member.
    let edited = CommentRow {
        issue_number: 9,
        author_association: "MEMBER".into(),
        updated_at: t + 500,
        ..comment(11, 3, Some(100), t)
    };
    activity::upsert_comment(&f.db.pool, &edited).await.unwrap();
    assert_eq!(comments(&f.db.pool).await, vec![(11, 1, 9, Some(100), "MEMBER".into(), t, t + 500)]);
    activity::upsert_comments(&f.db.pool, &[]).await.unwrap();
    assert_eq!(comments(&f.db.pool).await.len(), 1, "an empty page writes nothing");
}

#[tokio::test]
async fn upsert_review_comments_stores_and_refreshes_by_id_with_their_review() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    let rc = |id, review_id, updated| ReviewCommentRow {
        id,
        repo_id: 1,
        pr_number: 7,
        review_id,
        author_id: Some(100),
        author_association: "CONTRIBUTOR".into(),
        created_at: t,
        updated_at: updated,
    };
    activity::upsert_review_comments(&f.db.pool, &[rc(21, None, t), rc(22, Some(5), t)]).await.unwrap();
    activity::upsert_review_comments(&f.db.pool, &[rc(21, Some(5), t + 90)]).await.unwrap();
    activity::upsert_review_comments(&f.db.pool, &[]).await.unwrap();
    let stored: Vec<(i64, i64, Option<i64>, i64)> =
        crate::db::sql::query_as("SELECT id, pr_number, review_id, updated_at FROM review_comments ORDER BY id")
            .fetch_all(&f.db.pool)
            .await
            .unwrap();
    assert_eq!(stored, [(21, 7, Some(5), t + 90), (22, 7, Some(5), t)]);
}

#[tokio::test]
async fn upsert_review_turns_a_pending_review_into_a_submitted_one() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    let pending = ReviewRow {
        id: 31,
        repo_id: 1,
        pr_number: 7,
        author_id: Some(100),
        author_association: "MEMBER".into(),
        state: "PENDING".into(),
        submitted_at: None,
    };
    activity::upsert_review(&f.db.pool, &pending).await.unwrap();
    let other = ReviewRow { id: 30, state: "COMMENTED".into(), submitted_at: Some(t - 60), ..pending.clone() };
    let submitted = ReviewRow { state: "APPROVED".into(), submitted_at: Some(t), ..pending };
    activity::upsert_reviews(&f.db.pool, &[submitted, other]).await.unwrap();
    activity::upsert_reviews(&f.db.pool, &[]).await.unwrap();
    let stored: Vec<(i64, String, Option<i64>)> =
        crate::db::sql::query_as("SELECT id, state, submitted_at FROM reviews ORDER BY id")
            .fetch_all(&f.db.pool)
            .await
            .unwrap();
    assert_eq!(stored, [(30, "COMMENTED".into(), Some(t - 60)), (31, "APPROVED".into(), Some(t))]);
}

#[tokio::test]
async fn upsert_release_stores_a_draft_then_its_publication() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    let draft = ReleaseRow {
        id: 41,
        repo_id: 1,
        tag_name: "v1.0".into(),
        name: None,
        draft: true,
        prerelease: false,
        author_id: Some(100),
        created_at: t,
        published_at: None,
    };
    activity::upsert_release(&f.db.pool, &draft).await.unwrap();
    let published =
        ReleaseRow { name: Some("One".into()), draft: false, prerelease: true, published_at: Some(t + 3600), ..draft };
    activity::upsert_release(&f.db.pool, &published).await.unwrap();
    let stored: Vec<ReleaseCols> = crate::db::sql::query_as(
        "SELECT id, tag_name, name, draft, prerelease, created_at, published_at FROM releases ORDER BY id",
    )
    .fetch_all(&f.db.pool)
    .await
    .unwrap();
    assert_eq!(stored, [(41, "v1.0".into(), Some("One".into()), Flag(false), Flag(true), t, Some(t + 3600))]);
}

#[tokio::test]
async fn a_page_that_lists_a_comment_twice_stores_its_last_entry_on_either_backend() {
    // A listing repeats an item that moved between pages while it was read; written one entry at
    // a time, the last wins, and PostgreSQL would refuse the one statement without this.
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    let first = comment(7, 1, Some(5), t);
    let moved = CommentRow { updated_at: t + 60, issue_number: 2, ..first.clone() };
    activity::upsert_comments(&f.db.pool, &[first, comment(8, 1, None, t), moved]).await.unwrap();
    assert_eq!(
        comments(&f.db.pool).await,
        [(7, 1, 2, Some(5), "NONE".into(), t, t + 60), (8, 1, 1, None, "NONE".into(), t, t)]
    );
    let review = |state: &str| ReviewRow {
        id: 9,
        repo_id: 1,
        pr_number: 3,
        author_id: Some(5),
        author_association: "MEMBER".into(),
        state: state.into(),
        submitted_at: Some(t),
    };
    activity::upsert_reviews(&f.db.pool, &[review("PENDING"), review("APPROVED")]).await.unwrap();
    let state: String =
        crate::db::sql::query_scalar("SELECT state FROM reviews WHERE id = 9").fetch_one(&f.db.pool).await.unwrap();
    assert_eq!(state, "APPROVED");
}

#[test]
fn last_per_key_keeps_each_keys_last_entry_in_the_order_those_came() {
    let rows = [(1, "a"), (2, "b"), (1, "c"), (3, "d"), (2, "e")];
    let kept: Vec<_> = activity::last_per_key(&rows, |r| r.0).into_iter().copied().collect();
    assert_eq!(kept, [(1, "c"), (3, "d"), (2, "e")]);
    assert!(activity::last_per_key(&[] as &[(i32, &str)], |r| r.0).is_empty());
}
