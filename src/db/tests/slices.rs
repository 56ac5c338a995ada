//! `db::slices`: the week slices are rebuilt whole or by week, built for repositories that lack
//! them, and read back as the same rows the reference queries (`db::dashboard`,
//! `db::report::list_issue_spans` and `list_human_items`) return, over the scene's two
//! repositories.

use std::collections::BTreeSet;

use super::builders::{IssueBuilder, roll_up};
use super::rollups::rollup_state;
use super::rows::{changes, closed, items, people};
use super::scene::{ATLAS, DAY, GADGET, HOUR, fresh_scene, t, w, w2};
use super::{add_repository, fresh};
use crate::db::{
    dashboard as dash,
    dashboard::PersonWeekRow,
    report,
    slices::{self, OpenItem, SliceWeeks},
};

/// Scopes and windows that cut weeks in the middle, start on a week, and hold nothing.
fn windows() -> Vec<(&'static str, i64, i64)> {
    let (t, w, w2) = (t(), w(), w2());
    vec![
        ("[1]", w, w2),
        ("[1,2]", w, w2 + 7 * DAY),
        ("[1]", t, t + DAY),
        ("[1]", t + DAY, t + 3 * DAY),
        ("[1,2]", t + 2 * HOUR, t + 7 * DAY + HOUR),
        ("[1]", w2, w2 + 7 * DAY),
        ("[2]", w2, w2 + 7 * DAY),
        ("[]", w, w2),
    ]
}

/// Every window of [`windows`] read from the slices and through the reference queries.
async fn compare_with_reference(pool: &sqlx::AnyPool) {
    let (mut maintainer_weeks, mut human_items) = (0, 0);
    for (scope, from, to) in windows() {
        let what = format!("{scope} [{from}, {to})");
        let reference = items(dash::list_response_items(pool, scope, from, to).await.unwrap());
        assert_eq!(items(slices::response_items(pool, scope, from, to).await.unwrap()), reference, "items {what}");
        let reference = closed(dash::list_closed_items(pool, scope, from, to).await.unwrap());
        assert_eq!(closed(slices::closed_items(pool, scope, from, to).await.unwrap()), reference, "closed {what}");
        let reference = changes(dash::list_change_requests(pool, scope, from, to).await.unwrap());
        assert_eq!(changes(slices::change_requests(pool, scope, from, to).await.unwrap()), reference, "prs {what}");
        let week = crate::metrics::week_start(from);
        let reference = people(&dash::list_person_weeks(pool, scope, week, to).await.unwrap());
        assert_eq!(people(&slices::person_weeks(pool, scope, week, to).await.unwrap()), reference, "people {what}");
        let reference = people(&dash::list_maintainer_weeks(pool, scope, week, to).await.unwrap());
        let got = people(&slices::maintainer_weeks(pool, scope, week, to).await.unwrap());
        assert_eq!(got, reference, "maintainers' weeks {what}");
        maintainer_weeks += got.len();
        // Each repository's window apart, all read at once: each one's rows as a scope of its own.
        let mut each = slices::window_each(pool, scope, from, to).await.unwrap();
        for repo in serde_json::from_str::<Vec<i64>>(scope).unwrap() {
            let (one, w) = (format!("[{repo}]"), each.remove(&repo).unwrap_or_default());
            let what = format!("{what}, repository {repo} alone");
            let reference = items(dash::list_response_items(pool, &one, from, to).await.unwrap());
            assert_eq!(items(w.response_items), reference, "items {what}");
            let reference = closed(dash::list_closed_items(pool, &one, from, to).await.unwrap());
            assert_eq!(closed(w.closed_items), reference, "closed {what}");
            let reference = changes(dash::list_change_requests(pool, &one, from, to).await.unwrap());
            assert_eq!(changes(w.change_requests), reference, "prs {what}");
            let reference = people(&dash::list_person_weeks(pool, &one, week, to).await.unwrap());
            assert_eq!(people(&w.person_weeks), reference, "people {what}");
        }
        assert!(each.is_empty(), "only the scope's repositories: {what}");
    }
    for (repo, from, to) in
        [(ATLAS, t(), t() + 7 * DAY), (ATLAS, t() + 7 * DAY + 1, t() + 9 * DAY), (GADGET, w(), w2())]
    {
        let scope = format!("[{repo}]");
        let sorted = |mut rows: Vec<report::IssueSpanRow>| {
            rows.sort_by_key(|s| (s.created_at, s.closed_at));
            rows
        };
        let reference = sorted(report::list_issue_spans(pool, repo, from, to).await.unwrap());
        let got = sorted(slices::issue_spans(pool, &scope, from, to).await.unwrap());
        assert_eq!(got, reference, "spans {scope} [{from}, {to}]");
        let sorted = |mut rows: Vec<report::ReportItemRow>| {
            rows.sort_by_key(|i| (i.created_at, i.clock_start, i.first_response_at));
            rows
        };
        let reference = sorted(report::list_human_items(pool, repo, from, to).await.unwrap());
        assert_eq!(
            sorted(slices::human_items(pool, &scope, from, to).await.unwrap()),
            reference,
            "human items {scope}"
        );
        human_items += reference.len();
    }
    assert!(maintainer_weeks > 0 && human_items > 0, "the scene holds both: {maintainer_weeks}, {human_items}");
}

#[tokio::test]
async fn slices_hold_the_rows_of_the_reference_queries_for_any_window() {
    let f = fresh_scene().await;
    compare_with_reference(&f.db.pool).await;
}

#[tokio::test]
async fn slices_agree_with_the_reference_on_reopened_items_ready_drafts_and_bot_issues() {
    let f = fresh_scene().await;
    let t = t();
    IssueBuilder::pull(ATLAS, 20).opened(t - 20 * DAY).by("ada").closed(t + 2 * DAY).reopened().store(&f.db).await;
    IssueBuilder::issue(ATLAS, 21).opened(t + HOUR).by("carol").closed(t + 8 * DAY).reopened().store(&f.db).await;
    IssueBuilder::pull(ATLAS, 22)
        .opened(t + DAY)
        .by("ada")
        .ready_at(t + 8 * DAY)
        .comment_by("bob", t + 9 * DAY, "MEMBER")
        .store(&f.db)
        .await;
    IssueBuilder::issue(ATLAS, 23).opened(t + 2 * HOUR).by("stale[bot]").closed(t + 7 * DAY + 5).store(&f.db).await;
    IssueBuilder::issue(GADGET, 24).opened(t - 40 * DAY).by("eve").closed(t + DAY).store(&f.db).await;
    roll_up(&f.db, ATLAS).await;
    roll_up(&f.db, GADGET).await;
    compare_with_reference(&f.db.pool).await;
}

#[tokio::test]
async fn slice_reads_filter_a_week_to_the_exact_window() {
    let f = fresh_scene().await;
    let t = t();
    // Week W holds #1, #2 and #3; the window keeps #2 and #3 (opened at T+1d and T+2d).
    let got = items(slices::response_items(&f.db.pool, "[1]", t + DAY, t + 3 * DAY).await.unwrap());
    assert_eq!(got.iter().map(|i| i.1).collect::<Vec<_>>(), [t + DAY, t + 2 * DAY]);
    let prs = changes(slices::change_requests(&f.db.pool, "[1]", t + 7 * DAY, t + 8 * DAY).await.unwrap());
    assert_eq!(prs, [(t + DAY, Some(t + 7 * DAY + HOUR), Some(t + 7 * DAY + HOUR), false)], "opened before, closed in");
    let spans = slices::issue_spans(&f.db.pool, "[1]", t + 7 * DAY, t + 8 * DAY).await.unwrap();
    let spans: Vec<_> = spans.iter().map(|s| (s.created_at, s.closed_at)).collect();
    assert_eq!(spans, [(t, Some(t + 7 * DAY))], "closed exactly at `from` still counts; opened at `to` does not");
    assert!(slices::response_items(&f.db.pool, "[1]", t + 20 * DAY, t + 30 * DAY).await.unwrap().is_empty());
}

#[tokio::test]
async fn open_items_are_every_open_item_of_the_scope_drafts_and_bots_included() {
    let f = fresh_scene().await;
    let t = t();
    let open = |pr, created_at, bot| OpenItem { is_pull_request: pr, created_at, author_is_bot: bot };
    let mut got = slices::open_items(&f.db.pool, "[1,2]").await.unwrap();
    got.sort_by_key(|o| o.created_at);
    assert_eq!(
        got,
        [
            open(false, t + 2 * HOUR, false),
            open(true, t + 2 * DAY, true),
            open(true, t + 3 * DAY, false),
            open(false, t + 8 * DAY, false)
        ]
    );
    assert_eq!(slices::open_items(&f.db.pool, "[2]").await.unwrap(), [open(false, t + 2 * HOUR, false)]);
    assert!(slices::open_items(&f.db.pool, "[]").await.unwrap().is_empty());
}

#[tokio::test]
async fn last_seen_lists_human_contributors_once_per_repository() {
    let f = fresh_scene().await;
    let t = t();
    let mut got = slices::last_seen(&f.db.pool, "[1,2]").await.unwrap();
    got.sort();
    let expected: Vec<(String, i64)> = vec![
        ("ada".into(), t + 2 * HOUR),
        ("ada".into(), t + 3 * DAY),
        ("bob".into(), t + 7 * DAY + HOUR),
        ("carol".into(), t + 8 * DAY),
        ("eve".into(), t + 3 * HOUR),
    ];
    assert_eq!(got, expected);
}

#[test]
fn merge_person_weeks_sums_a_persons_week_across_repositories_and_sorts() {
    let row = |week, account_id, login: &str, maint, comments| PersonWeekRow {
        week,
        account_id,
        login: login.into(),
        is_bot: false,
        is_maintainer: maint,
        issues_opened: 0,
        prs_opened: 0,
        prs_merged: 0,
        merges: 0,
        comments,
        responses: 0,
        reviews: 0,
        review_comments: 0,
        triage: 0,
        commits: 0,
    };
    let merged = slices::merge_person_weeks(vec![
        row(7, 2, "bob", false, 1),
        row(0, 2, "bob", false, 1),
        row(7, 1, "ada", false, 2),
        row(7, 2, "bob", true, 3),
    ]);
    let got: Vec<_> = merged.iter().map(|r| (r.week, r.login.as_str(), r.is_maintainer, r.comments)).collect();
    assert_eq!(got, [(0, "bob", false, 1), (7, "ada", false, 2), (7, "bob", true, 4)]);
    assert!(slices::merge_person_weeks(Vec::new()).is_empty());
}

async fn kinds(pool: &sqlx::AnyPool, repo: i64) -> Vec<(String, i64)> {
    crate::db::sql::query_as("SELECT kind, week FROM week_slices WHERE repo_id = ? ORDER BY kind, week")
        .bind(repo)
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn rebuild_writes_each_kind_for_its_weeks_with_a_format_row() {
    let f = fresh_scene().await;
    let (w, w2) = (w(), w2());
    let expected: Vec<(String, i64)> = [
        ("closed", w2),
        ("format", 0),
        ("items", w),
        ("items", w2),
        ("last_seen", 0),
        ("open", 0),
        ("people", w),
        ("people", w2),
        ("prs", w),
        ("prs_closed", w2),
        ("spans", w2),
        ("spans", slices::OPEN_WEEK),
    ]
    .into_iter()
    .map(|(k, wk)| (k.to_owned(), wk))
    .collect();
    assert_eq!(kinds(&f.db.pool, ATLAS).await, expected);
    let before = rollup_state(&f.db.pool).await;
    let mut tx = f.db.begin_write().await.unwrap();
    slices::rebuild(&mut tx, ATLAS).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rollup_state(&f.db.pool).await, before, "a rebuild of unchanged rows is the same");
}

#[tokio::test]
async fn rebuild_weeks_redoes_only_the_named_weeks_and_always_the_whole_kinds() {
    let f = fresh_scene().await;
    let t = t();
    // The bot's pull request #3 (opened in W) is closed in W.
    IssueBuilder::pull(ATLAS, 3)
        .opened(t + 2 * DAY)
        .by("dependabot[bot]")
        .closed(t + 2 * DAY + HOUR)
        .store(&f.db)
        .await;
    let mut tx = f.db.begin_write().await.unwrap();
    let weeks = SliceWeeks { closed: BTreeSet::from([w2()]), ..SliceWeeks::default() };
    slices::rebuild_weeks(&mut tx, ATLAS, &weeks).await.unwrap();
    tx.commit().await.unwrap();
    let mut open: Vec<i64> =
        slices::open_items(&f.db.pool, "[1]").await.unwrap().iter().map(|o| o.created_at).collect();
    open.sort_unstable();
    assert_eq!(open, [t + 3 * DAY, t + 8 * DAY], "the open items are always rebuilt");
    assert!(slices::closed_items(&f.db.pool, "[1]", w(), w2()).await.unwrap().is_empty(), "week W was not named");
    let mut tx = f.db.begin_write().await.unwrap();
    // As the rollups name them: the close's week, and the creation week of the changed item.
    let weeks = SliceWeeks { closed: BTreeSet::from([w()]), prs: BTreeSet::from([w()]), ..SliceWeeks::default() };
    slices::rebuild_weeks(&mut tx, ATLAS, &weeks).await.unwrap();
    tx.commit().await.unwrap();
    let got = closed(slices::closed_items(&f.db.pool, "[1]", w(), w2()).await.unwrap());
    assert_eq!(got, [(true, t + 2 * DAY, t + 2 * DAY + HOUR, None, true)]);
    // Now equal to a whole rebuild.
    let incremental = rollup_state(&f.db.pool).await;
    let mut tx = f.db.begin_write().await.unwrap();
    slices::rebuild(&mut tx, ATLAS).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rollup_state(&f.db.pool).await, incremental);
}

/// Every slice's `(repository, kind, week, stamp)`.
async fn stamps(pool: &sqlx::AnyPool) -> Vec<(i64, String, i64, i64)> {
    crate::db::sql::query_as(
        "SELECT repo_id, kind, week, built FROM week_slices WHERE kind <> 'format' ORDER BY repo_id, kind, week",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_week_rebuilt_after_a_read_has_a_new_stamp_and_reads_anew_while_the_others_come_from_memory() {
    let f = fresh_scene().await;
    let pool = &f.db.pool;
    // The scene's weeks read ahead, then every window read: from memory, as the reference says.
    slices::warm(pool, "[1,2]", w() - 7 * DAY, w2() + 14 * DAY).await.unwrap();
    assert!(slices::cache_stats().slices > 0);
    compare_with_reference(pool).await;
    let before = stamps(pool).await;
    assert!(before.iter().all(|s| s.3 > 0), "every slice has a stamp: {before:?}");
    // The bot's pull request #3 (opened in W) is closed in W; atlas's weeks W are rebuilt.
    let t = t();
    IssueBuilder::pull(ATLAS, 3)
        .opened(t + 2 * DAY)
        .by("dependabot[bot]")
        .closed(t + 2 * DAY + HOUR)
        .store(&f.db)
        .await;
    let mut tx = f.db.begin_write().await.unwrap();
    let weeks = SliceWeeks { closed: BTreeSet::from([w()]), prs: BTreeSet::from([w()]), ..SliceWeeks::default() };
    slices::rebuild_weeks(&mut tx, ATLAS, &weeks).await.unwrap();
    tx.commit().await.unwrap();
    let after = stamps(pool).await;
    let renewed: BTreeSet<(i64, String, i64)> = after
        .iter()
        .filter(|s| !before.contains(s))
        .map(|(repo, kind, week, _)| (*repo, kind.clone(), *week))
        .collect();
    let expected: BTreeSet<(i64, String, i64)> = [("closed", w()), ("prs", w()), ("prs_closed", w()), ("spans", w())]
        .into_iter()
        .chain([("spans", slices::OPEN_WEEK), ("open", 0), ("last_seen", 0)])
        .map(|(kind, week)| (ATLAS, kind.to_owned(), week))
        .filter(|key| after.iter().any(|s| (s.0, &s.1, s.2) == (key.0, &key.1, key.2)))
        .collect();
    assert_eq!(renewed, expected, "only the rebuilt weeks have new stamps");
    // Read again: the rebuilt weeks from the database, the others from memory, all as the
    // reference queries say now.
    compare_with_reference(pool).await;
    assert_eq!(
        closed(slices::closed_items(pool, "[1]", w(), w2()).await.unwrap()),
        [(true, t + 2 * DAY, t + 2 * DAY + HOUR, None, true)]
    );
    assert!(slices::cache_stats().hits > 0);
}

#[tokio::test]
async fn build_missing_builds_repositories_with_rollups_but_no_current_slices() {
    let f = fresh_scene().await;
    add_repository(&f.db, 3, "numfocus/empty").await; // no rollups: nothing to build
    assert_eq!(slices::build_missing(&f.db.pool).await.unwrap(), 0);
    let before = rollup_state(&f.db.pool).await;
    crate::db::sql::query("DELETE FROM week_slices WHERE repo_id = 1").execute(&f.db.pool).await.unwrap();
    crate::db::sql::query("UPDATE week_slices SET rows = '[0]' WHERE repo_id = 2 AND kind = 'format'")
        .execute(&f.db.pool)
        .await
        .unwrap();
    assert_eq!(slices::build_missing(&f.db.pool).await.unwrap(), 2, "missing, and of an older layout");
    assert_eq!(rollup_state(&f.db.pool).await, before);
    assert_eq!(slices::build_missing(&f.db.pool).await.unwrap(), 0);
}

#[tokio::test]
async fn slices_of_an_empty_database_read_as_nothing() {
    let f = fresh().await;
    assert_eq!(slices::build_missing(&f.db.pool).await.unwrap(), 0);
    let (from, to) = (w(), w2());
    assert!(slices::response_items(&f.db.pool, "[1]", from, to).await.unwrap().is_empty());
    assert!(slices::closed_items(&f.db.pool, "[1]", from, to).await.unwrap().is_empty());
    assert!(slices::change_requests(&f.db.pool, "[1]", from, to).await.unwrap().is_empty());
    assert!(slices::person_weeks(&f.db.pool, "[1]", from, to).await.unwrap().is_empty());
    assert!(slices::open_items(&f.db.pool, "[1]").await.unwrap().is_empty());
    assert!(slices::last_seen(&f.db.pool, "[1]").await.unwrap().is_empty());
    assert!(slices::issue_spans(&f.db.pool, "[1]", from, to).await.unwrap().is_empty());
}

/// `json_array` for each kind's columns (SQLite's own; on PostgreSQL the overloads of migration
/// 18), inside `json_group_array`, decodes to the values bound: NULLs, extreme integers and a login
/// that needs escaping included. PostgreSQL spaces its JSON differently; the rows are the same.
#[tokio::test]
async fn json_array_of_each_kinds_columns_decodes_to_the_values_given() {
    let f = fresh().await;
    let pool = &f.db.pool;
    let login = "o'\"\\é[bot] ✓";
    let sql = |n: usize| {
        let params: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
        format!("SELECT json_group_array(json_array({}))", params.join(", "))
    };
    let ints = |n: usize, nulls: bool| -> Vec<Option<i64>> {
        (0..n).map(|i| if nulls && i % 2 == 1 { None } else { Some([i64::MIN, i64::MAX, 0, -1][i % 4]) }).collect()
    };
    for n in [2, 3, 5, 6, 10] {
        for nulls in [false, true] {
            let values = ints(n, nulls);
            let mut query = crate::db::sql::query_scalar::<String>(sqlx::AssertSqlSafe(sql(n)));
            for v in &values {
                query = query.bind(*v);
            }
            let text = query.fetch_one(pool).await.unwrap_or_else(|e| panic!("{n} integers: {e}"));
            let rows: Vec<Vec<Option<i64>>> = serde_json::from_str(&text).unwrap();
            assert_eq!(rows, vec![values], "{n} integers: {text}");
        }
    }
    // last_seen: login, last contribution.
    // (Its own text: a connection keeps a statement prepared with the types first bound to it.)
    let text: String = crate::db::sql::query_scalar(sqlx::AssertSqlSafe(sql(2).replace("?1", "CAST(?1 AS TEXT)")))
        .bind(login)
        .bind(i64::MAX)
        .fetch_one(pool)
        .await
        .unwrap();
    let rows: Vec<(String, i64)> = serde_json::from_str(&text).unwrap();
    assert_eq!(rows, vec![(login.to_owned(), i64::MAX)], "{text}");
    // people: week, account id, login, then twelve integers.
    let mut query = crate::db::sql::query_scalar::<String>(sqlx::AssertSqlSafe(sql(15)));
    query = query.bind(7_i64).bind(8_i64).bind(login);
    for i in 0..12_i64 {
        query = query.bind(i - 1);
    }
    let text = query.fetch_one(pool).await.unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let expected = serde_json::json!([7, 8, login, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert_eq!(rows, vec![expected], "{text}");
}
