//! `db::dashboard`: the reference queries of the maintainer dashboards, over the scene (two
//! repositories, see `scene.rs`), with scopes of one and of both repositories, window edges,
//! drafts and bots.

use std::collections::BTreeSet;

use super::builders::{IssueBuilder, ReleaseBuilder, roll_up};
use super::rows::{changes, closed, items, people};
use super::scene::{DAY, GADGET, HOUR, fresh_scene, id, t, w, w2};
use super::{add_repository, fresh};
use crate::db::dashboard::{self as dash, PersonWeekRow, RepoWeekRow, UnansweredRow};
use crate::metrics::WEEK;

const ONE: &str = "[1]";
const BOTH: &str = "[1,2]";

#[test]
fn scope_json_and_json_list_are_json_arrays() {
    assert_eq!(dash::scope_json(&[1, 2]), "[1,2]");
    assert_eq!(dash::scope_json(&[]), "[]");
    assert_eq!(dash::json_list(&BTreeSet::from([7, 3])), "[3,7]");
}

#[tokio::test]
async fn response_items_are_those_opened_in_the_window_without_drafts() {
    let f = fresh_scene().await;
    let t = t();
    let got = items(dash::list_response_items(&f.db.pool, ONE, w(), w2()).await.unwrap());
    assert_eq!(
        got,
        [
            (false, t, t, Some(t + HOUR), Some(t + HOUR), None, Some(t + HOUR / 2), Some(t), false, false),
            (
                true,
                t + DAY,
                t + DAY,
                Some(t + DAY + 2 * HOUR),
                Some(t + DAY + 2 * HOUR),
                None,
                None,
                Some(t + DAY),
                false,
                false
            ),
            (true, t + 2 * DAY, t + 2 * DAY, None, None, None, None, Some(t + HOUR / 2), false, true),
        ]
    );
    // [from, to): an item opened exactly at `to` is out, one opened exactly at `from` in.
    let edge = items(dash::list_response_items(&f.db.pool, ONE, t, t + DAY).await.unwrap());
    assert_eq!(edge.iter().map(|i| i.1).collect::<Vec<_>>(), [t]);
    let both = items(dash::list_response_items(&f.db.pool, BOTH, w(), w2()).await.unwrap());
    assert_eq!(
        both.iter().map(|i| (i.1, i.8)).collect::<Vec<_>>(),
        [
            (t, false),
            (t + 2 * HOUR, false),
            (t + 3 * HOUR, true), // eve, an owner
            (t + DAY, false),
            (t + 2 * DAY, false)
        ]
    );
    assert!(dash::list_response_items(&f.db.pool, "[]", w(), w2()).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_draft_marked_ready_is_a_response_item_with_its_clock_at_ready() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = t();
    IssueBuilder::pull(1, 1).opened(t).by("ada").draft().ready_at(t + 500).store(&f.db).await;
    roll_up(&f.db, 1).await;
    let got = items(dash::list_response_items(&f.db.pool, ONE, w(), w2()).await.unwrap());
    assert_eq!(got.iter().map(|i| (i.1, i.2)).collect::<Vec<_>>(), [(t, t + 500)]);
}

#[tokio::test]
async fn closed_items_are_those_whose_last_close_is_in_the_window_and_still_closed() {
    let f = fresh_scene().await;
    let t = t();
    let got = closed(dash::list_closed_items(&f.db.pool, ONE, w2(), w2() + 7 * DAY).await.unwrap());
    assert_eq!(
        got,
        [(false, t, t + 7 * DAY, None, false), (true, t + DAY, t + 7 * DAY + HOUR, Some(t + 7 * DAY + HOUR), false)]
    );
    assert!(dash::list_closed_items(&f.db.pool, ONE, w(), w2()).await.unwrap().is_empty());
    let gadget = closed(dash::list_closed_items(&f.db.pool, BOTH, w(), w2()).await.unwrap());
    assert_eq!(gadget, [(false, t + 3 * HOUR, t + 4 * HOUR, None, false)]);
    // Reopened: still open, so not closed in any window.
    IssueBuilder::issue(GADGET, 2).opened(t + 3 * HOUR).by("eve").closed(t + 4 * HOUR).reopened().store(&f.db).await;
    assert!(dash::list_closed_items(&f.db.pool, BOTH, w(), w2()).await.unwrap().is_empty());
}

#[tokio::test]
async fn repo_weeks_sum_the_scopes_repositories_week_by_week() {
    let f = fresh_scene().await;
    let rows = dash::list_repo_weeks(&f.db.pool, BOTH, w(), w2() + WEEK).await.unwrap();
    let got: Vec<_> = rows
        .iter()
        .map(|r| {
            let bots = r.bot_opened_issues + r.bot_closed_issues + r.bot_closed_prs + r.bot_merged_prs;
            (
                r.week,
                r.opened_issues,
                r.closed_issues,
                r.opened_prs,
                r.closed_prs,
                r.merged_prs,
                r.bot_opened_prs,
                bots,
                r.releases,
            )
        })
        .collect();
    assert_eq!(got, [(w(), 3, 1, 3, 0, 0, 1, 0, 0), (w2(), 1, 1, 0, 1, 1, 0, 0, 1)]);
    assert_eq!(dash::list_repo_weeks(&f.db.pool, "[2]", w(), w2() + WEEK).await.unwrap().len(), 1);
    assert!(dash::list_repo_weeks(&f.db.pool, "[]", w(), w2() + WEEK).await.unwrap().is_empty());
    // From the second week: the first is summed into one row dated the week before.
    let later = dash::list_repo_weeks(&f.db.pool, BOTH, w2(), w2() + WEEK).await.unwrap();
    let got: Vec<_> = later.iter().map(|r| (r.week, r.opened_issues, r.closed_issues, r.opened_prs)).collect();
    assert_eq!(got, [(w2() - WEEK, 3, 1, 3), (w2(), 1, 1, 0)]);
    // Up to before the second week: the first alone, summed as the week before it.
    let earlier = dash::list_repo_weeks(&f.db.pool, BOTH, w2() + WEEK, w2() + 2 * WEEK).await.unwrap();
    let got: Vec<_> = earlier.iter().map(|r| (r.week, r.opened_issues, r.closed_issues, r.releases)).collect();
    assert_eq!(got, [(w2(), 4, 2, 1)], "every week before the window in one row");
    let none = dash::list_repo_weeks(&f.db.pool, BOTH, w(), w()).await.unwrap();
    assert!(none.is_empty(), "an empty window after no history");
}

#[tokio::test]
async fn repo_weeks_and_maintainers_of_each_repository_are_those_of_its_own_scope() {
    let f = fresh_scene().await;
    for (from_week, to) in [(w(), w2() + WEEK), (w2(), w2() + WEEK), (w2() + WEEK, w2() + 2 * WEEK), (w(), w())] {
        let each = dash::list_repo_weeks_each(&f.db.pool, BOTH, from_week, to).await.unwrap();
        for repo in [1, 2] {
            let scope = format!("[{repo}]");
            let alone = dash::list_repo_weeks(&f.db.pool, &scope, from_week, to).await.unwrap();
            let got: Vec<&RepoWeekRow> = each.iter().filter(|r| r.repo_id == repo).map(|r| &r.week).collect();
            assert_eq!(
                format!("{got:?}"),
                format!("{:?}", alone.iter().collect::<Vec<_>>()),
                "{scope} {from_week}..{to}"
            );
        }
        assert!(each.iter().all(|r| [1, 2].contains(&r.repo_id)));
    }
    assert!(!dash::list_repo_weeks_each(&f.db.pool, BOTH, w(), w2() + WEEK).await.unwrap().is_empty());
    let each = dash::list_maintainers_each(&f.db.pool, BOTH).await.unwrap();
    for repo in [1, 2] {
        let alone = dash::list_maintainers(&f.db.pool, &format!("[{repo}]")).await.unwrap();
        let got: Vec<String> = each.iter().filter(|(r, _)| *r == repo).map(|(_, l)| l.clone()).collect();
        assert_eq!(got, alone, "repository {repo}");
    }
    assert!(!each.is_empty(), "the scene has maintainers");
}

#[test]
fn repo_week_add_sums_every_count() {
    let mut a = RepoWeekRow { week: 5, opened_issues: 1, bot_merged_prs: 2, releases: 1, ..RepoWeekRow::default() };
    let b = RepoWeekRow {
        week: 5,
        opened_issues: 1,
        closed_issues: 2,
        opened_prs: 3,
        closed_prs: 4,
        merged_prs: 5,
        bot_opened_issues: 6,
        bot_closed_issues: 7,
        bot_opened_prs: 8,
        bot_closed_prs: 9,
        bot_merged_prs: 10,
        releases: 11,
    };
    a.add(&b);
    let got = [
        a.week,
        a.opened_issues,
        a.closed_issues,
        a.opened_prs,
        a.closed_prs,
        a.merged_prs,
        a.bot_opened_issues,
        a.bot_closed_issues,
        a.bot_opened_prs,
        a.bot_closed_prs,
        a.bot_merged_prs,
        a.releases,
    ];
    assert_eq!(got, [5, 2, 2, 3, 4, 5, 6, 7, 8, 9, 12, 12]);
}

fn person_week(login: &str, maint: bool, commits: i64) -> PersonWeekRow {
    PersonWeekRow {
        week: 0,
        account_id: 1,
        login: login.into(),
        is_bot: false,
        is_maintainer: maint,
        issues_opened: 1,
        prs_opened: 2,
        prs_merged: 3,
        merges: 4,
        comments: 5,
        responses: 6,
        reviews: 7,
        review_comments: 8,
        triage: 9,
        commits,
    }
}

#[test]
fn person_week_add_sums_counts_and_a_maintainer_anywhere_is_one() {
    let mut a = person_week("ada", false, 1);
    a.add(&person_week("ada", true, 10));
    assert!(a.is_maintainer);
    let sums = [a.issues_opened, a.prs_opened, a.prs_merged, a.merges, a.comments, a.responses, a.reviews];
    assert_eq!(sums, [2, 4, 6, 8, 10, 12, 14]);
    assert_eq!((a.review_comments, a.triage, a.commits), (16, 18, 11));
    a.add(&person_week("ada", false, 0));
    assert!(a.is_maintainer, "stays a maintainer");
}

#[tokio::test]
async fn person_weeks_are_ordered_by_week_then_login_and_bounded_by_the_weeks() {
    let f = fresh_scene().await;
    let (w, w2) = (w(), w2());
    let rows = dash::list_person_weeks(&f.db.pool, ONE, w, w2 + 7 * DAY).await.unwrap();
    assert_eq!(
        people(&rows),
        [
            (w, "ada".into(), false, false, [1, 1, 0, 0, 0, 0, 0, 0]),
            (w, "bob".into(), false, true, [0, 0, 0, 0, 1, 1, 1, 2]),
            (w, "carol".into(), false, false, [0, 1, 0, 0, 0, 0, 0, 0]),
            (w, "dependabot[bot]".into(), true, false, [0, 1, 0, 0, 1, 1, 0, 0]),
            (w2, "bob".into(), false, true, [0, 0, 0, 1, 0, 0, 0, 0]),
            (w2, "carol".into(), false, false, [1, 0, 1, 0, 0, 0, 0, 0]),
        ]
    );
    assert_eq!(rows[0].account_id, id("ada"));
    let later = dash::list_person_weeks(&f.db.pool, ONE, w2, w2 + 1).await.unwrap();
    assert_eq!(later.iter().map(|r| r.login.as_str()).collect::<Vec<_>>(), ["bob", "carol"]);
    assert_eq!(dash::list_person_weeks(&f.db.pool, ONE, w, w2).await.unwrap().len(), 4, "`to` is excluded");
}

#[tokio::test]
async fn person_weeks_of_two_repositories_are_summed_per_person() {
    let f = fresh_scene().await;
    let rows = dash::list_person_weeks(&f.db.pool, BOTH, w(), w2()).await.unwrap();
    let got: Vec<_> = people(&rows).into_iter().map(|(_, login, _, maint, c)| (login, maint, c[0])).collect();
    assert_eq!(
        got,
        [
            ("ada".into(), false, 2), // an issue in each
            ("bob".into(), true, 0),
            ("carol".into(), false, 0),
            ("dependabot[bot]".into(), false, 0),
            ("eve".into(), true, 1)
        ]
    );
}

#[tokio::test]
async fn maintainer_weeks_keep_only_human_maintainers() {
    let f = fresh_scene().await;
    let rows = dash::list_maintainer_weeks(&f.db.pool, BOTH, w(), w2() + 7 * DAY).await.unwrap();
    let got: Vec<_> = rows.iter().map(|r| (r.week, r.login.as_str())).collect();
    assert_eq!(got, [(w(), "bob"), (w(), "eve"), (w2(), "bob")]);
}

#[tokio::test]
async fn maintainer_weeks_of_one_repository_are_the_maintainer_rows_of_its_person_weeks() {
    let f = fresh_scene().await;
    for scope in [ONE, "[2]"] {
        let all = dash::list_person_weeks(&f.db.pool, scope, w(), w2() + 7 * DAY).await.unwrap();
        let expected: Vec<_> = people(&all).into_iter().filter(|p| p.3 && !p.2).collect();
        let got = dash::list_maintainer_weeks(&f.db.pool, scope, w(), w2() + 7 * DAY).await.unwrap();
        assert_eq!(people(&got), expected, "{scope}");
    }
}

#[tokio::test]
async fn maintainers_are_the_scopes_humans_once_each_sorted() {
    let f = fresh_scene().await;
    assert_eq!(dash::list_maintainers(&f.db.pool, BOTH).await.unwrap(), ["bob", "eve"]);
    assert_eq!(dash::list_maintainers(&f.db.pool, ONE).await.unwrap(), ["bob"]);
    assert!(dash::list_maintainers(&f.db.pool, "[]").await.unwrap().is_empty());
    // A bot commenting as a member is a maintainer in `repo_people`, never on the roster; bob in
    // both repositories is listed once.
    IssueBuilder::issue(GADGET, 3)
        .opened(t())
        .by("ada")
        .comment_by("dependabot[bot]", t() + 1, "MEMBER")
        .comment_by("bob", t() + 2, "MEMBER")
        .store(&f.db)
        .await;
    roll_up(&f.db, GADGET).await;
    assert_eq!(dash::list_maintainers(&f.db.pool, BOTH).await.unwrap(), ["bob", "eve"]);
}

fn unanswered(repo: &str, number: i64, created_at: i64, author: &str, bot: bool) -> UnansweredRow {
    UnansweredRow {
        repo: repo.into(),
        repo_html_url: format!("https://github.com/{repo}"),
        number,
        title: format!("Item {number}"),
        is_pull_request: bot,
        created_at,
        author: Some(author.into()),
        author_is_bot: bot,
        labels: "[]".into(),
    }
}

#[tokio::test]
async fn unanswered_lists_open_unanswered_non_drafts_oldest_first_bots_on_request() {
    let f = fresh_scene().await;
    let t = t();
    let gadget1 = unanswered("numfocus/gadget", 1, t + 2 * HOUR, "ada", false);
    let atlas3 = unanswered("numfocus/atlas", 3, t + 2 * DAY, "dependabot[bot]", true);
    let atlas4 = unanswered("numfocus/atlas", 4, t + 8 * DAY, "carol", false);
    let humans = dash::list_unanswered(&f.db.pool, BOTH, false, 10).await.unwrap();
    assert_eq!(humans, [gadget1.clone(), atlas4.clone()]);
    let all = dash::list_unanswered(&f.db.pool, BOTH, true, 10).await.unwrap();
    assert_eq!(all, [gadget1.clone(), atlas3, atlas4.clone()]);
    assert_eq!(dash::list_unanswered(&f.db.pool, BOTH, true, 1).await.unwrap(), [gadget1]);
    assert_eq!(dash::list_unanswered(&f.db.pool, ONE, false, 10).await.unwrap(), [atlas4]);
    assert_eq!(dash::count_unanswered(&f.db.pool, BOTH, false).await.unwrap(), 2);
    assert_eq!(dash::count_unanswered(&f.db.pool, BOTH, true).await.unwrap(), 3);
    assert_eq!(dash::count_unanswered(&f.db.pool, ONE, true).await.unwrap(), 2);
    assert_eq!(dash::count_unanswered(&f.db.pool, "[]", true).await.unwrap(), 0);
}

#[tokio::test]
async fn unanswered_skips_items_a_human_answered_even_if_only_a_bot_answered_first() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = t();
    IssueBuilder::issue(1, 1).opened(t).by("ada").comment_by("stale[bot]", t + 1, "NONE").store(&f.db).await;
    IssueBuilder::issue(1, 2).opened(t).by("ada").comment_by("ada", t + 1, "NONE").store(&f.db).await;
    IssueBuilder::issue(1, 3).opened(t).by("ada").comment_by("bob", t + 1, "NONE").store(&f.db).await;
    IssueBuilder::issue(1, 4).opened(t).store(&f.db).await; // a deleted author
    roll_up(&f.db, 1).await;
    let got: Vec<(i64, Option<String>)> = dash::list_unanswered(&f.db.pool, ONE, false, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.number, r.author))
        .collect();
    assert_eq!(got, [(1, Some("ada".into())), (2, Some("ada".into())), (4, None)], "same time: by id");
}

#[tokio::test]
async fn release_times_leave_drafts_out_and_fall_back_to_creation() {
    let f = fresh_scene().await;
    let t = t();
    assert_eq!(dash::list_release_times(&f.db.pool, ONE).await.unwrap(), [t + 9 * DAY]);
    ReleaseBuilder::new(GADGET, 601, "g1", t + DAY).unpublished().store(&f.db).await;
    assert_eq!(dash::list_release_times(&f.db.pool, BOTH).await.unwrap(), [t + DAY, t + 9 * DAY]);
    assert!(dash::list_release_times(&f.db.pool, "[3]").await.unwrap().is_empty());
}

#[tokio::test]
async fn change_requests_are_pull_requests_opened_or_closed_in_the_window_drafts_included() {
    let f = fresh_scene().await;
    let t = t();
    let merged = t + 7 * DAY + HOUR;
    assert_eq!(
        changes(dash::list_change_requests(&f.db.pool, BOTH, w(), w2()).await.unwrap()),
        [
            (t + DAY, Some(merged), Some(merged), false),
            (t + 2 * DAY, None, None, true),
            (t + 3 * DAY, None, None, false)
        ]
    );
    assert_eq!(
        changes(dash::list_change_requests(&f.db.pool, ONE, w2(), w2() + 7 * DAY).await.unwrap()),
        [(t + DAY, Some(merged), Some(merged), false)]
    );
    // Opened and closed in the same window: once.
    assert_eq!(dash::list_change_requests(&f.db.pool, ONE, w(), w2() + 7 * DAY).await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_reopened_pull_request_closed_in_the_window_has_no_close() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = t();
    IssueBuilder::pull(1, 1).opened(t - 30 * DAY).by("ada").closed(t).reopened().store(&f.db).await;
    assert_eq!(
        changes(dash::list_change_requests(&f.db.pool, ONE, w(), w2()).await.unwrap()),
        [(t - 30 * DAY, None, None, false)]
    );
}

#[tokio::test]
async fn week_totals_are_human_contributions_per_week_from_since() {
    let f = fresh_scene().await;
    let got = |rows: Vec<dash::WeekTotalRow>| rows.into_iter().map(|r| (r.week, r.contributions)).collect::<Vec<_>>();
    assert_eq!(got(dash::list_week_totals(&f.db.pool, ONE, w()).await.unwrap()), [(w(), 5), (w2(), 2)]);
    assert_eq!(got(dash::list_week_totals(&f.db.pool, ONE, w2()).await.unwrap()), [(w2(), 2)]);
    assert_eq!(got(dash::list_week_totals(&f.db.pool, BOTH, 0).await.unwrap()), [(w(), 7), (w2(), 2)]);
    assert!(dash::list_week_totals(&f.db.pool, "[]", 0).await.unwrap().is_empty());
}
