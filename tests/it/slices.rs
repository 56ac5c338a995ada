//! The week slices against the queries they replace: on a synced simulated organisation, every
//! dashboard computed from slices equals the one computed from the reference queries in
//! `db::dashboard`, for each repository and for all of them together, over preset and custom
//! windows (week-aligned and not), with bots and without; and the impact report's issue spans
//! equal those of their reference query.

use upkeep::db::{dashboard as q, report, repos, slices};
use upkeep::metrics::{DAY, Window, week_start};
use upkeep::web::maintainers::{dashboard, rows};

use crate::helpers::synced_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboards_from_slices_equal_dashboards_from_the_reference_queries() {
    let (_app, _sim, store) = synced_app(|_| {}).await;
    let pool = &store.db.pool;
    let now = chrono::Utc::now().timestamp();
    let ids: Vec<i64> = repos::list_tracked_repositories(pool).await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), 12);
    let mut scopes: Vec<Vec<i64>> = ids.iter().map(|id| vec![*id]).collect();
    scopes.push(ids.clone());
    let windows = [
        (now - 30 * DAY, now),
        (now - 90 * DAY, now),
        (now - 365 * DAY, now),
        // Week-aligned, and starting mid-week and mid-day in the past.
        (week_start(now) - 20 * 7 * DAY, week_start(now) - 7 * 7 * DAY),
        (now - 400 * DAY + 12_345, now - 200 * DAY - 777),
        (now - 5 * 365 * DAY, now - 3 * 365 * DAY),
    ];
    let mut compared = 0;
    let mut nonempty = 0;
    for scope in &scopes {
        let json = q::scope_json(scope);
        for &(from, to) in &windows {
            for bots in [false, true] {
                let fast =
                    rows::load_rows(pool, scope, (from, to), bots, now, rows::Parts::Full).await.expect("slice rows");
                let recent_from = week_start(now) - rows::BURNOUT_WEEKS * 7 * DAY;
                let reference = rows::ScopeRows {
                    response_items: q::list_response_items(pool, &json, from, to).await.unwrap(),
                    closed_items: q::list_closed_items(pool, &json, from, to).await.unwrap(),
                    change_requests: q::list_change_requests(pool, &json, from, to).await.unwrap(),
                    person_weeks: q::list_person_weeks(pool, &json, week_start(from), to).await.unwrap(),
                    recent_person_weeks: q::list_person_weeks(pool, &json, recent_from, now + 1).await.unwrap(),
                    recent_response_items: q::list_response_items(pool, &json, recent_from, now + 1).await.unwrap(),
                    ..fast.clone()
                };
                assert_eq!(
                    (fast.response_items.len(), fast.closed_items.len(), fast.change_requests.len()),
                    (reference.response_items.len(), reference.closed_items.len(), reference.change_requests.len()),
                    "row counts, scope {scope:?}, window {from}..{to}"
                );
                assert_eq!(fast.person_weeks.len(), reference.person_weeks.len());
                nonempty += usize::from(!fast.response_items.is_empty() && !fast.person_weeks.is_empty());
                let window = Window::new(from, to);
                let a = dashboard::compute(&fast, window, bots, false, now);
                let b = dashboard::compute(&reference, window, bots, false, now);
                assert_eq!(a, b, "scope {scope:?}, window {from}..{to}, bots {bots}");
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 13 * 6 * 2);

    // The overview's rows: each repository read for its cards only, and all of them merged for
    // the rollup, give the same numbers as whole dashboards (but for the parts they skip).
    let blank = |mut d: dashboard::Dashboard| {
        d.burnout.clear();
        d.inactive = dashboard::compute(&rows::ScopeRows::default(), d.window, d.include_bots, false, now).inactive;
        d.unanswered.clear();
        d
    };
    for &(from, to) in &windows {
        for bots in [false, true] {
            let window = Window::new(from, to);
            let mut each = Vec::new();
            for id in &ids {
                let cards = rows::load_rows(pool, &[*id], (from, to), bots, now, rows::Parts::Cards).await.unwrap();
                let full = rows::load_rows(pool, &[*id], (from, to), bots, now, rows::Parts::Full).await.unwrap();
                assert_eq!(
                    dashboard::compute(&cards, window, bots, false, now),
                    blank(dashboard::compute(&full, window, bots, false, now)),
                    "repository {id}, window {from}..{to}, bots {bots}"
                );
                each.push(cards);
            }
            // The overview's usual read: every repository's window in one statement per kind.
            let windows = rows::load_window_each(pool, &ids, (from, to)).await.unwrap();
            assert_eq!(windows.len(), ids.len());
            for (id, w) in ids.iter().zip(&windows) {
                let alone = rows::load_rows(pool, &[*id], (from, to), bots, now, rows::Parts::Window).await.unwrap();
                assert_eq!(
                    dashboard::compute(w, window, bots, false, now),
                    dashboard::compute(&alone, window, bots, false, now),
                    "repository {id}'s window read with the others, window {from}..{to}, bots {bots}"
                );
                assert_eq!(w.repo_weeks.len(), alone.repo_weeks.len());
                assert_eq!(w.maintainers, alone.maintainers);
            }
            let full = rows::load_rows(pool, &ids, (from, to), bots, now, rows::Parts::Full).await.unwrap();
            assert_eq!(
                dashboard::compute(&rows::ScopeRows::merge(each), window, bots, false, now),
                blank(dashboard::compute(&full, window, bots, false, now)),
                "all repositories merged, window {from}..{to}, bots {bots}"
            );
        }
    }

    // The impact report's issue spans: the same issues, for every repository and window.
    let mut spans = 0;
    for id in &ids {
        for &(from, to) in &windows {
            let mut fast = slices::issue_spans(pool, &q::scope_json(&[*id]), from, to).await.unwrap();
            let mut reference = report::list_issue_spans(pool, *id, from, to).await.unwrap();
            fast.sort_by_key(|s| (s.created_at, s.closed_at));
            reference.sort_by_key(|s| (s.created_at, s.closed_at));
            assert_eq!(fast, reference, "repository {id}, window {from}..{to}");
            spans += fast.len();
        }
    }
    assert!(spans > 100, "the windows hold issues: {spans}");
    assert!(nonempty > 50, "the windows hold data: {nonempty} of {compared}");
}

/// A database whose slices are missing or of an older layout gets them when it is opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_a_database_without_current_slices_builds_them() {
    let (_app, _sim, store) = synced_app(|_| {}).await;
    let pool = &store.db.pool;
    let built = store.count("week_slices").await;
    assert!(built > 100, "{built}");
    upkeep::db::sql::query(
        "DELETE FROM week_slices WHERE repo_id IN (SELECT id FROM repositories WHERE name = 'atlas')",
    )
    .execute(pool)
    .await
    .unwrap();
    upkeep::db::sql::query("UPDATE week_slices SET rows = '[0]' WHERE kind = 'format'").execute(pool).await.unwrap();
    let reopened = upkeep::db::Db::connect(store.db.location(), 1).await.expect("opens");
    assert_eq!(store.count("week_slices").await, built, "every repository's slices are back");
    assert_eq!(slices::build_missing(&reopened.pool).await.unwrap(), 0, "and current: nothing left to build");
}
