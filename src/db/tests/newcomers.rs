//! `db::newcomers`: community profiles, stored timelines of newcomer-labelled issues, the issues
//! the newcomer pass revisits, and the newcomer outcomes (first-timer
//! pull requests, maintainers' activity, first and second engagements, closing pull requests and
//! assigned fixes).

use super::builders::{IssueBuilder, roll_up};
use super::scene::{ATLAS, DAY, GADGET, HOUR, fresh_scene, t};
use super::{add_repository, fresh};
use crate::db::newcomers::{self as nc, CommunityProfileRow, TimelineRow};

fn timeline(issue_id: i64, seq: i64, kind: &str, pr_number: Option<i64>, will_close: bool) -> TimelineRow {
    TimelineRow {
        issue_id,
        seq,
        kind: kind.into(),
        at: t() + seq,
        login: Some("ada".into()),
        association: Some("NONE".into()),
        body: None,
        pr_number,
        pr_state: pr_number.map(|_| "OPEN".into()),
        will_close,
    }
}

async fn replace(db: &crate::db::Db, issue_id: i64, rows: &[TimelineRow]) {
    let mut tx = db.begin_write().await.unwrap();
    nc::replace_timeline(&mut tx, issue_id, rows).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn community_profiles_are_upserted_per_repository_and_listed_by_repository() {
    let f = fresh().await;
    let p = |repo_id, health| CommunityProfileRow { repo_id, health_percentage: health, ..Default::default() };
    nc::upsert_community_profile(&f.db.pool, &p(2, 40)).await.unwrap();
    nc::upsert_community_profile(&f.db.pool, &p(1, 10)).await.unwrap();
    let better = CommunityProfileRow {
        has_readme: true,
        has_contributing: true,
        contributing_url: Some("https://example.org/CONTRIBUTING.md".into()),
        updated_at: Some(t()),
        ..p(1, 85)
    };
    nc::upsert_community_profile(&f.db.pool, &better).await.unwrap();
    assert_eq!(nc::list_community_profiles(&f.db.pool).await.unwrap(), [better, p(2, 40)]);
}

#[tokio::test]
async fn timelines_are_replaced_whole_listed_in_order_and_forgotten_by_issue() {
    let f = fresh().await;
    replace(&f.db, 10, &[timeline(10, 1, "comment", None, false), timeline(10, 2, "assigned", None, false)]).await;
    replace(&f.db, 20, &[timeline(20, 1, "connected", Some(5), true)]).await;
    // A refetch of issue 10 replaces all of its rows.
    let refetched = [timeline(10, 2, "cross_reference", Some(7), false), timeline(10, 1, "comment", None, false)];
    replace(&f.db, 10, &refetched).await;
    let got = nc::list_timelines(&f.db.pool, &[20, 10]).await.unwrap();
    assert_eq!(got, [refetched[1].clone(), refetched[0].clone(), timeline(20, 1, "connected", Some(5), true)]);
    assert_eq!(nc::list_timelines(&f.db.pool, &[20]).await.unwrap().len(), 1);
    assert!(nc::list_timelines(&f.db.pool, &[]).await.unwrap().is_empty());
    let mut tx = f.db.begin_write().await.unwrap();
    nc::delete_timelines(&mut tx, &[10, 99]).await.unwrap();
    nc::delete_timelines(&mut tx, &[]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(nc::list_timelines(&f.db.pool, &[10, 20]).await.unwrap(), [timeline(20, 1, "connected", Some(5), true)]);
    replace(&f.db, 20, &[]).await;
    assert!(nc::list_timelines(&f.db.pool, &[20]).await.unwrap().is_empty(), "an empty timeline");
}

#[tokio::test]
async fn issues_updated_since_include_issues_whose_linked_pull_request_changed() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    add_repository(&f.db, 2, "numfocus/gadget").await;
    let (t, since) = (t(), t() + DAY);
    let old = IssueBuilder::issue(1, 1).opened(t).label("good first issue").store(&f.db).await;
    let closed = IssueBuilder::issue(1, 2).opened(t).closed(since).store(&f.db).await; // exactly at since
    IssueBuilder::issue(1, 3).opened(t).store(&f.db).await; // unchanged, no link
    IssueBuilder::pull(1, 4).opened(t).merged(since + HOUR).store(&f.db).await; // a PR: never listed itself
    IssueBuilder::issue(2, 5).opened(since + HOUR).store(&f.db).await; // another repository
    replace(&f.db, old, &[timeline(old, 1, "connected", Some(4), true)]).await;
    let got: Vec<(i64, String, i64, bool)> = nc::list_issues_updated_since(&f.db.pool, 1, since)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.labels, r.updated_at, r.open))
        .collect();
    assert_eq!(got, [(old, r#"["good first issue"]"#.into(), t, true), (closed, "[]".into(), since, false)]);
    let later: Vec<i64> =
        nc::list_issues_updated_since(&f.db.pool, 1, since + 2 * HOUR).await.unwrap().iter().map(|r| r.id).collect();
    assert!(later.is_empty(), "the pull request changed before that");
}

#[tokio::test]
async fn first_timer_prs_are_a_persons_first_contribution_from_since() {
    let f = fresh_scene().await;
    let t = t();
    let got = nc::list_first_timer_prs(&f.db.pool, "[1,2]", t + DAY).await.unwrap();
    let merged = Some(t + 7 * DAY + HOUR);
    assert_eq!(
        got,
        [nc::FirstTimerPrRow {
            repo_id: ATLAS,
            created_at: t + DAY,
            clock_start: t + DAY,
            first_response_at: Some(t + DAY + 2 * HOUR),
            merged_at: merged,
            closed_at: merged
        }]
    );
    assert!(nc::list_first_timer_prs(&f.db.pool, "[1,2]", t + DAY + 1).await.unwrap().is_empty());
    assert!(nc::list_first_timer_prs(&f.db.pool, "[2]", 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn first_timer_prs_leave_out_bots_maintainers_and_drafts() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = t();
    IssueBuilder::pull(1, 1).opened(t).by("renovate[bot]").store(&f.db).await;
    IssueBuilder::pull(1, 2).opened(t).by("bob").association("MEMBER").store(&f.db).await;
    IssueBuilder::pull(1, 3).opened(t).by("ada").draft().store(&f.db).await;
    IssueBuilder::pull(1, 4).opened(t).by("carol").draft().ready_at(t + HOUR).closed(t + DAY).store(&f.db).await;
    roll_up(&f.db, 1).await;
    let got = nc::list_first_timer_prs(&f.db.pool, "[1]", 0).await.unwrap();
    assert_eq!(got.iter().map(|p| (p.clock_start, p.closed_at)).collect::<Vec<_>>(), [(t + HOUR, Some(t + DAY))]);
}

#[tokio::test]
async fn maintainer_activity_first_and_second_engagements_and_maintainer_logins() {
    let f = fresh_scene().await;
    let t = t();
    let activity = |repo_id, last_at| nc::MaintainerActivityRow { repo_id, last_at: Some(last_at) };
    let mut got = nc::list_last_maintainer_activity(&f.db.pool).await.unwrap();
    got.sort_by_key(|r| r.repo_id);
    assert_eq!(got, [activity(ATLAS, t + 7 * DAY + HOUR), activity(GADGET, t + 3 * HOUR)]);
    let newcomer = |login: &str, first_at, second_at| nc::NewcomerRow { login: login.into(), first_at, second_at };
    assert_eq!(
        nc::list_contributors_first_second(&f.db.pool, ATLAS).await.unwrap(),
        [newcomer("ada", t, Some(t + 3 * DAY)), newcomer("carol", t + DAY, Some(t + 8 * DAY))]
    );
    assert_eq!(
        nc::list_contributors_first_second(&f.db.pool, GADGET).await.unwrap(),
        [newcomer("ada", t + 2 * HOUR, None)]
    );
    let logins: Vec<(i64, String)> = nc::list_maintainer_logins(&f.db.pool, "[2,1]")
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.repo_id, r.login))
        .collect();
    assert_eq!(logins, [(ATLAS, "bob".into()), (GADGET, "eve".into())]);
    assert!(nc::list_maintainer_logins(&f.db.pool, "[]").await.unwrap().is_empty());
}

#[tokio::test]
async fn labelled_issues_since_carry_their_close_only_while_closed() {
    let f = fresh_scene().await;
    let t = t();
    IssueBuilder::issue(ATLAS, 40)
        .opened(t + DAY)
        .label("help wanted")
        .closed(t + 2 * DAY)
        .reopened()
        .store(&f.db)
        .await;
    IssueBuilder::pull(ATLAS, 41).opened(t + DAY).label("help wanted").store(&f.db).await;
    let row = |id, labels: &str, created_at, closed_at, first_response_at| nc::LabelledOutcomeRow {
        id,
        labels: labels.into(),
        created_at,
        closed_at,
        first_response_at,
    };
    let mut got = nc::list_labelled_issues(&f.db.pool, ATLAS, t).await.unwrap();
    got.sort_by_key(|r| r.id);
    assert_eq!(
        got,
        [
            row(1_000_001, r#"["good first issue"]"#, t, Some(t + 7 * DAY), Some(t + HOUR)),
            row(1_000_040, r#"["help wanted"]"#, t + DAY, None, None)
        ]
    );
    let later = nc::list_labelled_issues(&f.db.pool, ATLAS, t + 1).await.unwrap();
    assert_eq!(later.iter().map(|r| r.id).collect::<Vec<_>>(), [1_000_040]);
    assert!(nc::list_labelled_issues(&f.db.pool, GADGET, 0).await.unwrap().is_empty());
}

/// Issue #10 (by bob, a member, labelled and assigned to "Newbie") is claimed by newbie at T+1h,
/// fixed by newbie's pull request #11 (opened T+1d, merged by bob T+2d), and closed at T+2d.
/// Bob's own pull request #12 and an old hand's #13 also reference it.
async fn closing_scene(db: &crate::db::Db) -> i64 {
    let t = t();
    add_repository(db, 1, "numfocus/atlas").await;
    IssueBuilder::issue(1, 1).opened(t - 30 * DAY).by("olga").store(db).await; // olga's first contribution
    let issue = IssueBuilder::issue(1, 10)
        .opened(t)
        .by("bob")
        .association("MEMBER")
        .label("good first issue")
        .assignee("Newbie")
        .assignee("olga")
        .comment_by("newbie", t + HOUR, "NONE")
        .closed(t + 2 * DAY)
        .store(db)
        .await;
    IssueBuilder::pull(1, 11).opened(t + DAY).by("newbie").merged(t + 2 * DAY).merged_by("bob").store(db).await;
    IssueBuilder::pull(1, 12).opened(t + DAY).by("bob").association("MEMBER").merged(t + DAY + HOUR).store(db).await;
    IssueBuilder::pull(1, 13).opened(t + DAY).by("olga").merged(t + DAY + 2 * HOUR).store(db).await;
    IssueBuilder::pull(1, 14).opened(t + DAY).by("newbie").store(db).await; // never merged
    roll_up(db, 1).await;
    issue
}

#[tokio::test]
async fn closing_prs_are_merged_prs_that_connect_or_will_close_the_issue() {
    let f = fresh().await;
    let issue = closing_scene(&f.db).await;
    let t = t();
    replace(
        &f.db,
        issue,
        &[
            timeline(issue, 1, "connected", Some(11), false),
            timeline(issue, 2, "cross_reference", Some(12), true),
            timeline(issue, 3, "cross_reference", Some(13), false), // mentions it, will not close it
            timeline(issue, 4, "connected", Some(14), false),       // not merged
            timeline(issue, 5, "connected", Some(11), false),       // twice: once
        ],
    )
    .await;
    let closing = |pr_number, merged_at, by_first_timer, first: Option<i64>, second: Option<i64>| nc::ClosingPrRow {
        issue_id: issue,
        pr_number,
        merged_at,
        by_first_timer,
        author_first_at: first,
        author_second_at: second,
    };
    assert_eq!(
        nc::list_closing_prs(&f.db.pool, 1, t).await.unwrap(),
        [
            closing(11, t + 2 * DAY, true, Some(t + HOUR), Some(t + DAY)),
            closing(12, t + DAY + HOUR, false, Some(t), Some(t + DAY)),
        ]
    );
    assert!(nc::list_closing_prs(&f.db.pool, 1, t + 1).await.unwrap().is_empty(), "the issue opened before since");
    assert!(nc::list_closing_prs(&f.db.pool, 2, 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn assigned_first_timer_fixes_match_an_assignee_case_insensitively_who_is_new() {
    let f = fresh().await;
    let issue = closing_scene(&f.db).await;
    let t = t();
    // Newbie: assigned as "Newbie", first contribution after the issue opened, a pull request
    // opened after it and merged by its close. Olga contributed before the issue: no first-timer.
    let fix = nc::ClosingPrRow {
        issue_id: issue,
        pr_number: 11,
        merged_at: t + 2 * DAY,
        by_first_timer: true,
        author_first_at: Some(t + HOUR),
        author_second_at: Some(t + DAY),
    };
    assert_eq!(nc::list_assigned_first_timer_fixes(&f.db.pool, 1, t).await.unwrap(), [fix]);
    assert!(nc::list_assigned_first_timer_fixes(&f.db.pool, 1, t + 1).await.unwrap().is_empty());
    // Reopened, the issue is no fix any more.
    IssueBuilder::issue(1, 10)
        .opened(t)
        .by("bob")
        .association("MEMBER")
        .label("good first issue")
        .assignee("Newbie")
        .comment_by("newbie", t + HOUR, "NONE")
        .closed(t + 2 * DAY)
        .reopened()
        .store(&f.db)
        .await;
    assert!(nc::list_assigned_first_timer_fixes(&f.db.pool, 1, 0).await.unwrap().is_empty());
}

/// A first-timer whose own commit lands later in the week of their first pull request: the
/// commit counts at its authored time, not at the Sunday its week starts (which made it seem
/// earlier than the pull request, so the pull request stopped being a first-timer's). The same
/// `first_at` decides `by_first_timer` in the closing pull requests and assigned fixes, and the
/// dashboard's first-time items.
#[tokio::test]
async fn a_first_timers_own_commit_later_that_week_keeps_their_pull_request_a_first_timer_pr() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = t();
    let carol = super::builders::Person::human("carol");
    IssueBuilder::pull(1, 2).opened(t + DAY).by(&carol).merged(t + 2 * DAY).store(&f.db).await;
    roll_up(&f.db, 1).await;
    assert_eq!(nc::list_first_timer_prs(&f.db.pool, "[1]", 0).await.unwrap().len(), 1);
    // Her commit, authored an hour after she opened the pull request, lands on the default branch.
    let c = super::builders::commit(1, "c1", &carol, t + DAY + HOUR);
    super::builders::store_commits(&f.db, &[&carol], &[c]).await;
    roll_up(&f.db, 1).await;
    assert_eq!(nc::list_contributors_first_second(&f.db.pool, 1).await.unwrap()[0].first_at, t + DAY);
    assert_eq!(nc::list_first_timer_prs(&f.db.pool, "[1]", 0).await.unwrap().len(), 1);
}
