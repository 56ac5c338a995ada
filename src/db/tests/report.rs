//! `db::report`: what a repository delivered in a period (bots left out), its releases there,
//! the issue spans of the backlog and the human items of the response times, over the scene.

use super::builders::{IssueBuilder, ReleaseBuilder, roll_up};
use super::scene::{ATLAS, DAY, GADGET, HOUR, fresh_scene, t, w, w2};
use super::{add_repository, fresh};
use crate::db::report::{self, IssueSpanRow, OutputCountsRow, ReportItemRow, ReportReleaseRow};

fn outputs(merged_prs: i64, closed_issues: i64, releases: i64, new: i64, returning: i64) -> OutputCountsRow {
    OutputCountsRow { merged_prs, closed_issues, releases, new_contributors: new, returning_first_timers: returning }
}

#[tokio::test]
async fn count_outputs_counts_the_period_and_returning_first_timers_before_its_end() {
    let f = fresh_scene().await;
    let (t, w, w2) = (t(), w(), w2());
    // ada, bob and carol contributed first in W; their second engagements: T+3d, T+1d+2h, T+8d.
    assert_eq!(report::count_outputs(&f.db.pool, ATLAS, w, w2 + 7 * DAY).await.unwrap(), outputs(1, 1, 1, 3, 3));
    assert_eq!(report::count_outputs(&f.db.pool, ATLAS, w, w2).await.unwrap(), outputs(0, 0, 0, 3, 2));
    assert_eq!(report::count_outputs(&f.db.pool, ATLAS, w2, w2 + 7 * DAY).await.unwrap(), outputs(1, 1, 1, 0, 0));
    // [from, to): the merge at T+7d+1h is in a period starting then and out of one ending then.
    let merge = t + 7 * DAY + HOUR;
    assert_eq!(report::count_outputs(&f.db.pool, ATLAS, merge, merge + 1).await.unwrap().merged_prs, 1);
    assert_eq!(report::count_outputs(&f.db.pool, ATLAS, merge - 1, merge).await.unwrap().merged_prs, 0);
    assert_eq!(report::count_outputs(&f.db.pool, GADGET, w, w2).await.unwrap(), outputs(0, 1, 0, 2, 0));
    assert_eq!(report::count_outputs(&f.db.pool, 3, w, w2).await.unwrap(), OutputCountsRow::default());
}

#[tokio::test]
async fn count_outputs_leaves_out_bots_and_reopened_issues() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = t();
    IssueBuilder::pull(1, 1).opened(t).by("dependabot[bot]").merged(t + HOUR).store(&f.db).await;
    IssueBuilder::issue(1, 2).opened(t).by("stale[bot]").closed(t + HOUR).store(&f.db).await;
    IssueBuilder::issue(1, 3).opened(t).by("ada").closed(t + HOUR).reopened().store(&f.db).await;
    IssueBuilder::issue(1, 4).opened(t).by("ada").closed(t + HOUR).store(&f.db).await;
    IssueBuilder::pull(1, 5).opened(t).closed(t + HOUR).merged(t + HOUR).store(&f.db).await; // a deleted author
    roll_up(&f.db, 1).await;
    // The bots are no new contributors; ada is one, with a second engagement (#4) at T.
    assert_eq!(report::count_outputs(&f.db.pool, 1, w(), w2()).await.unwrap(), outputs(1, 1, 0, 1, 1));
}

#[tokio::test]
async fn releases_in_a_period_leave_drafts_out_oldest_first() {
    let f = fresh_scene().await;
    let t = t();
    ReleaseBuilder::new(ATLAS, 503, "v0.9", t + 9 * DAY).prerelease().store(&f.db).await;
    ReleaseBuilder::new(ATLAS, 504, "v0.1", t).unpublished().store(&f.db).await;
    let release = |tag: &str, name: Option<&str>, prerelease, published_at| ReportReleaseRow {
        tag_name: tag.into(),
        name: name.map(Into::into),
        prerelease,
        published_at,
    };
    let got = report::list_releases_in(&f.db.pool, ATLAS, w(), w2() + 7 * DAY).await.unwrap();
    assert_eq!(
        got,
        [
            release("v0.1", None, false, t), // never published: its creation
            release("v0.9", None, true, t + 9 * DAY),
            release("v1.0", Some("One"), false, t + 9 * DAY), // same time: by tag
        ]
    );
    assert!(report::list_releases_in(&f.db.pool, ATLAS, t + 1, t + 9 * DAY).await.unwrap().is_empty());
    assert!(report::list_releases_in(&f.db.pool, GADGET, w(), w2() + 7 * DAY).await.unwrap().is_empty());
}

#[tokio::test]
async fn issue_spans_are_human_issues_open_at_some_instant_of_the_range() {
    let f = fresh_scene().await;
    let t = t();
    let span = |created_at, closed_at| IssueSpanRow { created_at, closed_at };
    let sorted = |mut rows: Vec<IssueSpanRow>| {
        rows.sort_by_key(|s| (s.created_at, s.closed_at));
        rows
    };
    let all = report::list_issue_spans(&f.db.pool, ATLAS, w(), w2() + 7 * DAY).await.unwrap();
    assert_eq!(sorted(all), [span(t, Some(t + 7 * DAY)), span(t + 8 * DAY, None)], "no pull requests");
    // Closed exactly at `from`: open at that instant, so in. Opened exactly at `to`: out (the
    // documented rule is "opened before `to`").
    let edges = report::list_issue_spans(&f.db.pool, ATLAS, t + 7 * DAY, t + 8 * DAY).await.unwrap();
    assert_eq!(edges, [span(t, Some(t + 7 * DAY))]);
    assert!(report::list_issue_spans(&f.db.pool, ATLAS, t - DAY, t).await.unwrap().is_empty(), "opened at `to`");
    assert!(report::list_issue_spans(&f.db.pool, ATLAS, t + 7 * DAY + 1, t + 8 * DAY).await.unwrap().is_empty());
    // A bot's issue has none; a reopened one is open (no close).
    IssueBuilder::issue(ATLAS, 20).opened(t).by("stale[bot]").store(&f.db).await;
    IssueBuilder::issue(ATLAS, 21).opened(t).by("ada").closed(t + HOUR).reopened().store(&f.db).await;
    let got = report::list_issue_spans(&f.db.pool, ATLAS, t + DAY, t + 2 * DAY).await.unwrap();
    assert_eq!(sorted(got), [span(t, None), span(t, Some(t + 7 * DAY))]);
}

#[tokio::test]
async fn human_items_are_opened_in_the_period_by_humans_without_drafts() {
    let f = fresh_scene().await;
    let t = t();
    let item =
        |created_at, clock_start, first_response_at| ReportItemRow { created_at, clock_start, first_response_at };
    let mut got = report::list_human_items(&f.db.pool, ATLAS, w(), w2()).await.unwrap();
    got.sort_by_key(|i| i.created_at);
    assert_eq!(got, [item(t, t, Some(t + HOUR)), item(t + DAY, t + DAY, Some(t + DAY + 2 * HOUR))]);
    IssueBuilder::pull(ATLAS, 30).opened(t + 4 * DAY).by("ada").draft().ready_at(t + 5 * DAY).store(&f.db).await;
    let got = report::list_human_items(&f.db.pool, ATLAS, t + 4 * DAY, t + 8 * DAY).await.unwrap();
    assert_eq!(got, [item(t + 4 * DAY, t + 5 * DAY, None)], "ready for review: its clock starts there");
    assert!(report::list_human_items(&f.db.pool, ATLAS, t + 8 * DAY + 1, t + 30 * DAY).await.unwrap().is_empty());
}

#[tokio::test]
async fn human_items_are_the_dashboards_response_items_without_bots() {
    let f = fresh_scene().await;
    IssueBuilder::issue(ATLAS, 30).opened(t() + DAY).store(&f.db).await; // a deleted author: kept
    for (from, to) in [(w(), w2()), (w(), w2() + 7 * DAY), (t() + HOUR, t() + 2 * DAY)] {
        let scope = format!("[{ATLAS}]");
        let reference = crate::db::dashboard::list_response_items(&f.db.pool, &scope, from, to).await.unwrap();
        let mut expected: Vec<ReportItemRow> =
            reference.iter().filter(|r| !r.author_is_bot).map(ReportItemRow::of).collect();
        let mut got = report::list_human_items(&f.db.pool, ATLAS, from, to).await.unwrap();
        expected.sort_by_key(|i| (i.created_at, i.clock_start));
        got.sort_by_key(|i| (i.created_at, i.clock_start));
        assert_eq!(got, expected, "[{from}, {to})");
    }
}
