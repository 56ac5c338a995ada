//! The rules of `db::rules`, each checked once against hand-computed cases through the
//! statements that apply them: what counts as a response (and the role split), maintainer
//! status, and "unanswered".

use super::{add_repository, at, fresh};
use crate::db::{
    Db,
    accounts::{AccountRow, upsert_account},
    activity::{CommentRow, ReviewCommentRow, ReviewRow, upsert_comment, upsert_review, upsert_review_comments},
    dashboard::{count_unanswered, list_unanswered, scope_json},
    issues::{IssueRow, PullDetails, update_pull_details, upsert_issue},
    responses::recompute_responses,
    rollups::rebuild_rollups,
};

const REPO: i64 = 1;

/// Accounts: 1 alice (author), 2 bob (community), 3 carol (MEMBER), 4 the bot, 5 dave.
async fn people(db: &Db) {
    for (id, login, is_bot) in
        [(1, "alice", false), (2, "bob", false), (3, "carol", false), (4, "dependabot[bot]", true), (5, "dave", false)]
    {
        let kind = if is_bot { "Bot" } else { "User" }.to_owned();
        let row = AccountRow { id, login: login.to_owned(), kind, name: None, is_bot };
        upsert_account(&db.pool, &row).await.unwrap();
    }
}

fn item(number: i64, author: i64, pr: bool, created: i64) -> IssueRow {
    IssueRow {
        id: 100 + number,
        repo_id: REPO,
        number,
        node_id: format!("I_{number}"),
        is_pull_request: pr,
        title: format!("item {number}"),
        state: "open".to_owned(),
        state_reason: None,
        author_id: Some(author),
        author_association: "NONE".to_owned(),
        labels: "[]".to_owned(),
        assignees: "[]".to_owned(),
        milestone: None,
        comments: 0,
        created_at: created,
        updated_at: created,
        closed_at: None,
        draft: false,
        merged_at: None,
    }
}

async fn comment(db: &Db, id: i64, number: i64, who: i64, assoc: &str, t: i64) {
    let row = CommentRow {
        id,
        repo_id: REPO,
        issue_number: number,
        author_id: Some(who),
        author_association: assoc.to_owned(),
        created_at: t,
        updated_at: t,
    };
    upsert_comment(&db.pool, &row).await.unwrap();
}

async fn review(db: &Db, id: i64, number: i64, who: i64, state: &str, t: i64) {
    let row = ReviewRow {
        id,
        repo_id: REPO,
        pr_number: number,
        author_id: Some(who),
        author_association: "MEMBER".to_owned(),
        state: state.to_owned(),
        submitted_at: Some(t),
    };
    upsert_review(&db.pool, &row).await.unwrap();
}

/// `(first_response_at, first_response_by, first_response_association, maint, comm, bot)`.
type Firsts = (Option<i64>, Option<i64>, Option<String>, Option<i64>, Option<i64>, Option<i64>);

async fn firsts(db: &Db, number: i64) -> Firsts {
    crate::db::sql::query_as(
        "SELECT first_response_at, first_response_by, first_response_association, first_maintainer_response_at,
                first_community_response_at, first_bot_response_at FROM issues WHERE repo_id = ? AND number = ?",
    )
    .bind(REPO)
    .bind(number)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

async fn recompute(db: &Db, maintainers: Option<&str>) -> u64 {
    let mut tx = db.begin_write().await.unwrap();
    let changed = recompute_responses(&mut tx, REPO, 0, maintainers).await.unwrap();
    tx.commit().await.unwrap();
    changed
}

async fn setup() -> super::Fresh {
    let f = fresh().await;
    add_repository(&f.db, REPO, "o/r").await;
    people(&f.db).await;
    f
}

#[tokio::test]
async fn a_response_is_the_first_human_non_author_reply_and_each_role_has_its_own_first() {
    let f = setup().await;
    let t0 = at("2024-03-04", "09:00:00");
    upsert_issue(&f.db.pool, &item(1, 1, false, t0)).await.unwrap();
    comment(&f.db, 11, 1, 1, "NONE", t0 + 60).await; // the author: not a response
    comment(&f.db, 12, 1, 4, "NONE", t0 + 120).await; // a bot: the bot split only
    comment(&f.db, 13, 1, 2, "CONTRIBUTOR", t0 + 300).await; // community: the first response
    comment(&f.db, 14, 1, 3, "MEMBER", t0 + 900).await; // a maintainer, later
    assert_eq!(recompute(&f.db, None).await, 1);
    let expected =
        (Some(t0 + 300), Some(2), Some("CONTRIBUTOR".to_owned()), Some(t0 + 900), Some(t0 + 300), Some(t0 + 120));
    assert_eq!(firsts(&f.db, 1).await, expected);
    // Nothing changed: nothing is written again.
    assert_eq!(recompute(&f.db, None).await, 0);
}

#[tokio::test]
async fn configured_maintainers_replace_the_association_rule() {
    let f = setup().await;
    let t0 = at("2024-03-04", "09:00:00");
    upsert_issue(&f.db.pool, &item(1, 1, false, t0)).await.unwrap();
    comment(&f.db, 13, 1, 2, "CONTRIBUTOR", t0 + 300).await;
    comment(&f.db, 14, 1, 3, "MEMBER", t0 + 900).await;
    recompute(&f.db, Some(r#"["BOB"]"#)).await;
    let (_, _, _, maint, comm, _) = firsts(&f.db, 1).await;
    assert_eq!((maint, comm), (Some(t0 + 300), Some(t0 + 900)), "bob (configured, any case) answers as a maintainer");
}

#[tokio::test]
async fn a_draft_pull_requests_clock_starts_when_it_is_ready_and_pending_reviews_do_not_count() {
    let f = setup().await;
    let (day, t0) = (86_400, at("2024-03-04", "00:00:00"));
    upsert_issue(&f.db.pool, &item(2, 5, true, t0)).await.unwrap();
    let details = PullDetails {
        repo_id: REPO,
        number: 2,
        draft: false,
        merged_at: None,
        merged_by_id: None,
        ready_for_review_at: Some(t0 + 10 * day),
    };
    update_pull_details(&f.db.pool, &details).await.unwrap();
    review(&f.db, 21, 2, 3, "COMMENTED", t0 + 2 * day).await; // while a draft: before the clock
    review(&f.db, 22, 2, 2, "PENDING", t0 + 10 * day + 60).await; // not submitted for anyone to see
    let late = ReviewCommentRow {
        id: 23,
        repo_id: REPO,
        pr_number: 2,
        review_id: None,
        author_id: Some(3),
        author_association: "MEMBER".to_owned(),
        created_at: t0 + 11 * day,
        updated_at: t0 + 11 * day,
    };
    upsert_review_comments(&f.db.pool, &[late]).await.unwrap();
    recompute(&f.db, None).await;
    let (first, by, _, maint, comm, bot) = firsts(&f.db, 2).await;
    assert_eq!((first, by, maint, comm, bot), (Some(t0 + 11 * day), Some(3), Some(t0 + 11 * day), None, None));
}

#[tokio::test]
async fn an_item_only_a_bot_or_its_author_answered_has_no_response_and_a_tie_goes_to_the_lower_id() {
    let f = setup().await;
    let t0 = at("2024-03-04", "09:00:00");
    upsert_issue(&f.db.pool, &item(3, 1, false, t0)).await.unwrap();
    comment(&f.db, 31, 3, 1, "OWNER", t0 + 10).await;
    comment(&f.db, 32, 3, 4, "NONE", t0 + 20).await;
    upsert_issue(&f.db.pool, &item(4, 1, false, t0)).await.unwrap();
    comment(&f.db, 41, 4, 5, "NONE", t0 + 50).await;
    comment(&f.db, 42, 4, 2, "NONE", t0 + 50).await;
    recompute(&f.db, None).await;
    assert_eq!(firsts(&f.db, 3).await, (None, None, None, None, None, Some(t0 + 20)));
    assert_eq!(firsts(&f.db, 4).await.1, Some(2), "bob (id 2) and dave (id 5) answered in the same second");
}

#[tokio::test]
async fn a_response_that_disappears_is_cleared() {
    let f = setup().await;
    let t0 = at("2024-03-04", "09:00:00");
    upsert_issue(&f.db.pool, &item(1, 1, false, t0)).await.unwrap();
    comment(&f.db, 13, 1, 2, "NONE", t0 + 300).await;
    recompute(&f.db, None).await;
    crate::db::sql::query("DELETE FROM comments WHERE id = 13").execute(&f.db.pool).await.unwrap();
    assert_eq!(recompute(&f.db, None).await, 1);
    assert_eq!(firsts(&f.db, 1).await, (None, None, None, None, None, None));
}

async fn is_maintainer(db: &Db, login: &str) -> Option<bool> {
    crate::db::sql::query_scalar::<crate::db::Flag>(
        "SELECT rp.is_maintainer FROM repo_people rp JOIN accounts a ON a.id = rp.account_id
         WHERE rp.repo_id = ? AND a.login = ?",
    )
    .bind(REPO)
    .bind(login)
    .fetch_optional(&db.pool)
    .await
    .unwrap()
    .map(bool::from)
}

#[tokio::test]
async fn maintainer_status_is_a_maintainers_association_or_a_merge_unless_maintainers_are_configured() {
    let f = setup().await;
    let t0 = at("2024-03-04", "09:00:00");
    upsert_issue(&f.db.pool, &item(1, 1, false, t0)).await.unwrap(); // alice, as NONE
    comment(&f.db, 11, 1, 2, "CONTRIBUTOR", t0 + 60).await; // bob
    comment(&f.db, 12, 1, 3, "MEMBER", t0 + 120).await; // carol
    let mut pr = item(2, 2, true, t0);
    pr.state = "closed".to_owned();
    (pr.closed_at, pr.merged_at) = (Some(t0 + 600), Some(t0 + 600));
    upsert_issue(&f.db.pool, &pr).await.unwrap();
    let merged = PullDetails {
        repo_id: REPO,
        number: 2,
        draft: false,
        merged_at: pr.merged_at,
        merged_by_id: Some(5),
        ready_for_review_at: None,
    };
    update_pull_details(&f.db.pool, &merged).await.unwrap(); // dave merged it

    for (configured, expected) in [
        (None, [Some(false), Some(false), Some(true), Some(true)]),
        (Some(r#"["Alice"]"#), [Some(true), Some(false), Some(false), Some(false)]),
    ] {
        let mut tx = f.db.begin_write().await.unwrap();
        rebuild_rollups(&mut tx, REPO, configured).await.unwrap();
        tx.commit().await.unwrap();
        let mut got = Vec::new();
        for login in ["alice", "bob", "carol", "dave"] {
            got.push(is_maintainer(&f.db, login).await);
        }
        assert_eq!(got, expected, "configured: {configured:?}");
    }
}

#[tokio::test]
async fn unanswered_is_open_unresponded_and_not_a_draft_with_bot_authored_items_only_on_request() {
    let f = setup().await;
    let t0 = at("2024-03-04", "09:00:00");
    upsert_issue(&f.db.pool, &item(1, 1, false, t0)).await.unwrap(); // waiting
    upsert_issue(&f.db.pool, &item(2, 1, false, t0 + 1)).await.unwrap(); // answered below
    comment(&f.db, 21, 2, 2, "NONE", t0 + 100).await;
    let mut closed = item(3, 1, false, t0 + 2);
    (closed.state, closed.closed_at) = ("closed".to_owned(), Some(t0 + 50));
    upsert_issue(&f.db.pool, &closed).await.unwrap();
    let mut draft = item(4, 1, true, t0 + 3);
    draft.draft = true;
    upsert_issue(&f.db.pool, &draft).await.unwrap();
    upsert_issue(&f.db.pool, &item(5, 4, true, t0 + 4)).await.unwrap(); // by the bot
    upsert_issue(&f.db.pool, &item(6, 5, false, t0 + 5)).await.unwrap(); // only a bot answered
    comment(&f.db, 61, 6, 4, "NONE", t0 + 200).await;
    recompute(&f.db, None).await;

    let scope = scope_json(&[REPO]);
    let numbers = |rows: Vec<crate::db::dashboard::UnansweredRow>| rows.iter().map(|r| r.number).collect::<Vec<_>>();
    assert_eq!(numbers(list_unanswered(&f.db.pool, &scope, false, 10).await.unwrap()), [1, 6]);
    assert_eq!(count_unanswered(&f.db.pool, &scope, false).await.unwrap(), 2);
    assert_eq!(numbers(list_unanswered(&f.db.pool, &scope, true, 10).await.unwrap()), [1, 5, 6]);
    assert_eq!(count_unanswered(&f.db.pool, &scope, true).await.unwrap(), 3);
    assert_eq!(numbers(list_unanswered(&f.db.pool, &scope, true, 2).await.unwrap()), [1, 5], "oldest first, limited");
    assert!(list_unanswered(&f.db.pool, &scope_json(&[99]), true, 10).await.unwrap().is_empty(), "another scope");
}
