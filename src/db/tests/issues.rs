//! `db::issues`: the listing upsert (which keeps PR details and derived columns), PR details, the
//! changed-pulls and parent-number lookups, the watermark, and the first human response.

use super::builders::{IssueBuilder, Person, account_id, respond};
use super::{add_repository, at, fresh};
use crate::db::Flag;
use crate::db::issues::{self, PullDetails};

type Derived = (Option<i64>, Option<i64>, Option<String>);

async fn first_response(pool: &sqlx::AnyPool, id: i64) -> Derived {
    crate::db::sql::query_as(
        "SELECT first_response_at, first_response_by, first_response_association FROM issues WHERE id = ?",
    )
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn pull_columns(pool: &sqlx::AnyPool, id: i64) -> (bool, Option<i64>, Option<i64>, Option<i64>) {
    let (draft, merged_at, merged_by, ready): (Flag, Option<i64>, Option<i64>, Option<i64>) =
        crate::db::sql::query_as("SELECT draft, merged_at, merged_by_id, ready_for_review_at FROM issues WHERE id = ?")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap();
    (draft.into(), merged_at, merged_by, ready)
}

/// `id, number, is_pull_request, title, state, state_reason, closed_at, updated_at, labels`.
type ListingCols = (i64, i64, Flag, String, String, Option<String>, Option<i64>, i64, String);

#[tokio::test]
async fn upsert_issues_stores_a_page_and_a_second_pass_updates_the_listing_fields() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    let a = IssueBuilder::issue(repo, 1).opened(t).by("ada").label("bug").row();
    let b = IssueBuilder::pull(repo, 2).opened(t + 60).by("bob").row();
    issues::upsert_issues(&f.db.pool, &[a.clone(), b]).await.unwrap();
    let closed = IssueBuilder::issue(repo, 1).opened(t).by("ada").label("bug").title("Renamed").closed(t + 600).row();
    issues::upsert_issue(&f.db.pool, &closed).await.unwrap();
    issues::upsert_issues(&f.db.pool, &[]).await.unwrap();
    let stored: Vec<ListingCols> = crate::db::sql::query_as(
        "SELECT id, number, is_pull_request, title, state, state_reason, closed_at, updated_at, labels
         FROM issues ORDER BY id",
    )
    .fetch_all(&f.db.pool)
    .await
    .unwrap();
    assert_eq!(
        stored,
        [
            (
                a.id,
                1,
                Flag(false),
                "Renamed".into(),
                "closed".into(),
                Some("completed".into()),
                Some(t + 600),
                t + 600,
                r#"["bug"]"#.into()
            ),
            (1_000_002, 2, Flag(true), "Item 2".into(), "open".into(), None, None, t + 60, "[]".into()),
        ]
    );
}

#[tokio::test]
async fn upsert_issues_round_trips_quotes_unicode_and_numeric_looking_text_through_json() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let title = "Crash on \"ünïcode\" path\\to – 🐛 \n second line";
    let row = IssueBuilder::issue(repo, 1)
        .opened(at("2024-03-04", "09:00:00"))
        .title(title)
        .label("kind: \"bug\"")
        .label("123")
        .assignee("ädä")
        .row();
    let row = issues::IssueRow { node_id: "0042".into(), milestone: Some("1.0".into()), ..row };
    issues::upsert_issues(&f.db.pool, &[row]).await.unwrap();
    let stored: (String, String, String, String, Option<String>) =
        crate::db::sql::query_as("SELECT title, labels, assignees, node_id, milestone FROM issues")
            .fetch_one(&f.db.pool)
            .await
            .unwrap();
    assert_eq!(
        stored,
        (
            title.to_owned(),
            r#"["kind: \"bug\"","123"]"#.to_owned(),
            r#"["ädä"]"#.to_owned(),
            "0042".to_owned(),
            Some("1.0".to_owned())
        )
    );
}

#[tokio::test]
async fn upsert_issue_keeps_pull_details_and_the_derived_first_response() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    let pr = IssueBuilder::pull(repo, 5).opened(t).by("ada").ready_at(t + 60).merged(t + 900).merged_by("bob");
    let id = pr.clone().comment_by("bob", t + 120, "MEMBER").store(&f.db).await;
    respond(&f.db, repo, 0, None).await;
    // The next listing pass writes the same item again (a title edit).
    issues::upsert_issue(&f.db.pool, &pr.title("New title").row()).await.unwrap();
    assert_eq!(pull_columns(&f.db.pool, id).await, (false, Some(t + 900), Some(account_id("bob")), Some(t + 60)));
    assert_eq!(first_response(&f.db.pool, id).await, (Some(t + 120), Some(account_id("bob")), Some("MEMBER".into())));
}

#[tokio::test]
async fn update_pull_listing_sets_draft_and_merge_and_says_whether_the_item_was_known() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    let id = IssueBuilder::pull(repo, 5).opened(t).store(&f.db).await;
    assert!(issues::update_pull_listing(&f.db.pool, repo, 5, true, None).await.unwrap());
    assert_eq!(pull_columns(&f.db.pool, id).await, (true, None, None, None));
    assert!(issues::update_pull_listing(&f.db.pool, repo, 5, false, Some(t + 5)).await.unwrap());
    assert_eq!(pull_columns(&f.db.pool, id).await, (false, Some(t + 5), None, None));
    assert!(!issues::update_pull_listing(&f.db.pool, repo, 6, false, None).await.unwrap(), "not listed yet");
    assert!(!issues::update_pull_listing(&f.db.pool, 2, 5, false, None).await.unwrap(), "another repository");
}

#[tokio::test]
async fn update_pull_details_writes_the_graphql_fields_of_one_pull_request_only() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    add_repository(&f.db, 2, "numfocus/other").await;
    let t = at("2024-03-04", "09:00:00");
    let id = IssueBuilder::pull(repo, 5).opened(t).draft().store(&f.db).await;
    let other = IssueBuilder::pull(2, 5).opened(t).draft().store(&f.db).await;
    let details = PullDetails {
        repo_id: repo,
        number: 5,
        draft: false,
        merged_at: Some(t + 100),
        merged_by_id: Some(42),
        ready_for_review_at: Some(t + 50),
    };
    issues::update_pull_details(&f.db.pool, &details).await.unwrap();
    assert_eq!(pull_columns(&f.db.pool, id).await, (false, Some(t + 100), Some(42), Some(t + 50)));
    assert_eq!(pull_columns(&f.db.pool, other).await, (true, None, None, None));
}

#[tokio::test]
async fn list_pulls_updated_since_takes_pull_requests_of_the_repository_from_since_inclusive() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    add_repository(&f.db, 2, "numfocus/other").await;
    let since = at("2024-03-10", "00:00:00");
    IssueBuilder::pull(repo, 1).opened(since - 10).store(&f.db).await; // before
    IssueBuilder::pull(repo, 2).opened(since).store(&f.db).await; // exactly at since
    IssueBuilder::pull(repo, 3).opened(since - 100).updated(since + 50).store(&f.db).await;
    IssueBuilder::pull(repo, 4).opened(since + 50).store(&f.db).await; // same time as 3: by number
    IssueBuilder::issue(repo, 5).opened(since + 20).store(&f.db).await; // an issue
    IssueBuilder::pull(2, 6).opened(since + 20).store(&f.db).await; // another repository
    let changed = issues::list_pulls_updated_since(&f.db.pool, repo, since).await.unwrap();
    let got: Vec<(i64, &str, i64)> = changed.iter().map(|p| (p.number, p.node_id.as_str(), p.updated_at)).collect();
    assert_eq!(got, [(2, "PR_1000002", since), (3, "PR_1000003", since + 50), (4, "PR_1000004", since + 50)]);
    assert!(issues::list_pulls_updated_since(&f.db.pool, 3, 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn parent_numbers_prefers_a_number_then_falls_back_to_an_issue_id() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    add_repository(&f.db, 2, "numfocus/other").await;
    let t = at("2024-03-04", "09:00:00");
    IssueBuilder::issue(repo, 3).opened(t).store(&f.db).await; // id 1_000_003
    IssueBuilder::issue(repo, 7).opened(t).store(&f.db).await; // id 1_000_007
    IssueBuilder::issue(2, 8).opened(t).store(&f.db).await; // id 2_000_008
    let found = issues::parent_numbers(&f.db.pool, repo, &[3, 1_000_007, 8, 2_000_008, 99]).await.unwrap();
    let mut found: Vec<(i64, i64)> = found.into_iter().collect();
    found.sort_unstable();
    assert_eq!(found, [(3, 3), (1_000_007, 7)], "another repository's number or id names nothing here");
    assert!(issues::parent_numbers(&f.db.pool, repo, &[]).await.unwrap().is_empty());
}

#[tokio::test]
async fn parent_numbers_takes_the_number_when_a_number_is_also_another_issues_id() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    // Issue #5 has id 1_000_005; an issue numbered 1_000_005 (absurd, but the lookup must choose).
    IssueBuilder::issue(repo, 5).opened(t).store(&f.db).await;
    let mut big = IssueBuilder::issue(repo, 1_000_005).opened(t).row();
    big.id = 77;
    issues::upsert_issue(&f.db.pool, &big).await.unwrap();
    let found = issues::parent_numbers(&f.db.pool, repo, &[1_000_005, 77]).await.unwrap();
    assert_eq!(found.get(&1_000_005), Some(&1_000_005));
    assert_eq!(found.get(&77), Some(&1_000_005));
}

#[tokio::test]
async fn max_updated_at_is_the_repositorys_newest_change_or_none() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    add_repository(&f.db, 2, "numfocus/other").await;
    assert_eq!(issues::max_updated_at(&f.db.pool, repo).await.unwrap(), None);
    let t = at("2024-03-04", "09:00:00");
    IssueBuilder::issue(repo, 1).opened(t).updated(t + 30).store(&f.db).await;
    IssueBuilder::pull(repo, 2).opened(t + 10).store(&f.db).await;
    IssueBuilder::issue(2, 3).opened(t + 999).store(&f.db).await;
    assert_eq!(issues::max_updated_at(&f.db.pool, repo).await.unwrap(), Some(t + 30));
}

#[tokio::test]
async fn first_response_skips_bots_the_author_and_pending_reviews() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    let id = IssueBuilder::pull(repo, 1)
        .opened(t)
        .by("ada")
        .comment_by("ada", t + 10, "CONTRIBUTOR")
        .comment_by("dependabot[bot]", t + 20, "NONE")
        .pending_review_by("bob", "MEMBER")
        .review_comment_by("carol", t + 40, "COLLABORATOR")
        .review_by("bob", t + 50, "APPROVED", "MEMBER")
        .store(&f.db)
        .await;
    let touched = respond(&f.db, repo, 0, None).await;
    assert_eq!(touched, 1);
    assert_eq!(
        first_response(&f.db.pool, id).await,
        (Some(t + 40), Some(account_id("carol")), Some("COLLABORATOR".into()))
    );
}

#[tokio::test]
async fn first_response_of_a_draft_counts_from_ready_for_review_and_a_review_can_be_it() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    let id = IssueBuilder::pull(repo, 1)
        .opened(t)
        .by("ada")
        .ready_at(t + 100)
        .comment_by("bob", t + 50, "MEMBER") // while still a draft
        .review_by("carol", t + 100, "COMMENTED", "NONE") // exactly when the clock starts
        .store(&f.db)
        .await;
    respond(&f.db, repo, 0, None).await;
    assert_eq!(first_response(&f.db.pool, id).await, (Some(t + 100), Some(account_id("carol")), Some("NONE".into())));
}

#[tokio::test]
async fn first_response_ties_go_to_the_lower_account_id_and_unknown_accounts_never_answer() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    let id = IssueBuilder::issue(repo, 1)
        .opened(t)
        .by("ada")
        .comment_by("bob", t + 60, "MEMBER")
        .comment_by("carol", t + 60, "NONE")
        .store(&f.db)
        .await;
    // A comment by an account the store does not know (no `accounts` row), earlier than both.
    let ghost = crate::db::activity::CommentRow {
        id: 5,
        repo_id: repo,
        issue_number: 1,
        author_id: Some(123),
        author_association: "NONE".into(),
        created_at: t + 1,
        updated_at: t + 1,
    };
    crate::db::activity::upsert_comment(&f.db.pool, &ghost).await.unwrap();
    respond(&f.db, repo, 0, None).await;
    let (bob, carol) = (account_id("bob"), account_id("carol"));
    let (by, assoc) = if bob < carol { (bob, "MEMBER") } else { (carol, "NONE") };
    assert_eq!(first_response(&f.db.pool, id).await, (Some(t + 60), Some(by), Some(assoc.into())));
}

#[tokio::test]
async fn first_response_revisits_only_items_updated_since_and_clears_a_vanished_answer() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    let old = IssueBuilder::issue(repo, 1).opened(t).by("ada").comment_by("bob", t + 60, "MEMBER");
    let old_id = old.clone().store(&f.db).await;
    let new_id = IssueBuilder::issue(repo, 2)
        .opened(t + 1000)
        .by("ada")
        .comment_by("bob", t + 1060, "MEMBER")
        .store(&f.db)
        .await;
    assert_eq!(respond(&f.db, repo, 0, None).await, 2);
    // Bob turns out to be a bot: only the item updated at or after `since` is revisited.
    Person::bot("bob").store(&f.db).await;
    assert_eq!(respond(&f.db, repo, t + 1060, None).await, 1);
    assert_eq!(first_response(&f.db.pool, new_id).await, (None, None, None));
    assert_eq!(first_response(&f.db.pool, old_id).await.0, Some(t + 60));
    assert_eq!(respond(&f.db, 2, 0, None).await, 0, "another repository");
}

#[tokio::test]
async fn update_pull_listings_writes_a_page_counts_the_known_and_lets_a_repeated_number_end_as_its_last_entry() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    add_repository(&f.db, 2, "numfocus/other").await;
    let t = at("2024-03-04", "09:00:00");
    let five = IssueBuilder::pull(repo, 5).opened(t).store(&f.db).await;
    let seven = IssueBuilder::pull(repo, 7).opened(t).draft().store(&f.db).await;
    let other = IssueBuilder::pull(2, 5).opened(t).store(&f.db).await;
    let listing = |number, draft, merged_at| issues::PullListing { number, draft, merged_at };
    let page = [
        listing(5, true, None),
        listing(6, false, None),
        listing(7, false, Some(t + 9)),
        listing(5, false, Some(t + 5)),
    ];
    // 5 twice and 7 are stored; 6 is not (yet): three of the four entries found their row.
    assert_eq!(issues::update_pull_listings(&f.db.pool, repo, &page).await.unwrap(), 3);
    assert_eq!(pull_columns(&f.db.pool, five).await, (false, Some(t + 5), None, None));
    assert_eq!(pull_columns(&f.db.pool, seven).await, (false, Some(t + 9), None, None));
    assert_eq!(pull_columns(&f.db.pool, other).await, (false, None, None, None), "another repository's #5");
    assert_eq!(issues::update_pull_listings(&f.db.pool, repo, &[]).await.unwrap(), 0);
}

#[tokio::test]
async fn update_pulls_details_writes_a_batch_in_one_statement_and_leaves_other_rows_alone() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    add_repository(&f.db, 2, "numfocus/other").await;
    let t = at("2024-03-04", "09:00:00");
    let a = IssueBuilder::pull(repo, 1).opened(t).draft().store(&f.db).await;
    let b = IssueBuilder::pull(repo, 2).opened(t).store(&f.db).await;
    let untouched = IssueBuilder::pull(repo, 3).opened(t).draft().store(&f.db).await;
    let other = IssueBuilder::pull(2, 1).opened(t).draft().store(&f.db).await;
    let details = |number, draft, merged_at, merged_by_id, ready_for_review_at| PullDetails {
        repo_id: repo,
        number,
        draft,
        merged_at,
        merged_by_id,
        ready_for_review_at,
    };
    let batch = [
        details(1, true, None, None, None),
        details(2, false, Some(t + 100), Some(42), Some(t + 50)),
        details(1, false, None, None, Some(t + 70)), // #1 again: the later entry wins
        details(9, false, Some(t), Some(42), None),  // not stored: nothing to update
    ];
    issues::update_pulls_details(&f.db.pool, &batch).await.unwrap();
    assert_eq!(pull_columns(&f.db.pool, a).await, (false, None, None, Some(t + 70)));
    assert_eq!(pull_columns(&f.db.pool, b).await, (false, Some(t + 100), Some(42), Some(t + 50)));
    assert_eq!(pull_columns(&f.db.pool, untouched).await, (true, None, None, None));
    assert_eq!(pull_columns(&f.db.pool, other).await, (true, None, None, None));
    let count: i64 = crate::db::sql::query_scalar("SELECT COUNT(*) FROM issues").fetch_one(&f.db.pool).await.unwrap();
    assert_eq!(count, 4, "no row is created");
}
