//! The dashboards' present state computed ahead (`web::maintainers::present`): on a synced
//! simulated organisation, a dashboard assembled from a scope's window rows and its present
//! state computed ahead equals the dashboard computed from all its rows at the same time, for
//! every repository, the organisation and all of them (and so do an overview row's measures,
//! computed alone, and the overview rollup's cards); and a present state is used only at its
//! data version, while it is young enough, and for the scopes it was computed for.

use upkeep::db::{repos, runs};
use upkeep::metrics::{DAY, Window, week_start};
use upkeep::web::maintainers::dashboard::RowMeasures;
use upkeep::web::maintainers::present::{MAX_AGE, PresentCache, RENEW_AFTER};
use upkeep::web::maintainers::rollup::CardMeasures;
use upkeep::web::maintainers::{dashboard, rows};

use crate::helpers::synced_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboards_assembled_from_present_states_computed_ahead_equal_whole_dashboards() {
    let (_app, _sim, store) = synced_app(|_| {}).await;
    let pool = &store.db.pool;
    let now = chrono::Utc::now().timestamp();
    let cache = PresentCache::default();
    assert!(cache.get(0, &[1], false, now).is_none(), "nothing before the first computation");
    let computed = cache.rebuild(pool, now).await.expect("present states");
    let tracked = repos::list_tracked_repositories(pool).await.unwrap();
    let ids: Vec<i64> = tracked.iter().map(|r| r.id).collect();
    // Each repository, the one organisation, and all of them (the overview's rollup; here the
    // same repositories as the organisation, and not archived either way).
    let org_archived = tracked.iter().all(|r| r.is_archived);
    let mut scopes: Vec<(Vec<i64>, bool)> = tracked.iter().map(|r| (vec![r.id], r.is_archived)).collect();
    scopes.push((ids.clone(), org_archived));
    scopes.push((ids.clone(), false));
    assert_eq!(computed, if org_archived { 14 } else { 13 });
    assert!(tracked.iter().any(|r| r.is_archived), "the organisation has an archived repository");

    let version = runs::data_version(pool).await.unwrap();
    let windows = [
        (now - 90 * DAY, now),
        (week_start(now) - 20 * 7 * DAY, week_start(now) - 7 * 7 * DAY),
        (now - 400 * DAY + 12_345, now - 200 * DAY - 777),
    ];
    let mut nonempty = 0;
    for (scope, archived) in &scopes {
        let present = cache.get(version, scope, *archived, now).expect("computed ahead");
        // The order of the repositories does not matter.
        let reversed: Vec<i64> = scope.iter().rev().copied().collect();
        assert_eq!(cache.get(version, &reversed, *archived, now), Some(present.clone()));
        nonempty += usize::from(present.inactive.active_count > 0 && present.issue_ageing.total > 0);
        for &(from, to) in &windows {
            let window = Window::new(from, to);
            let part = rows::load_rows(pool, scope, (from, to), false, now, rows::Parts::Window).await.unwrap();
            assert!(part.last_seen.is_empty() && part.open_items.is_empty(), "the window's rows only");
            let all = rows::load_rows(pool, scope, (from, to), false, now, rows::Parts::Full).await.unwrap();
            let whole = dashboard::compute(&all, window, false, *archived, now);
            assert_eq!(
                dashboard::assemble(&part, &present, window, false, now),
                whole,
                "scope {scope:?}, archived {archived}, window {from}..{to}"
            );
            // An overview row's measures, computed alone, are its dashboard's.
            assert_eq!(RowMeasures::compute(&part, window, false, now), RowMeasures::of(&whole));
            // So are the overview rollup's cards, from each repository's rows as read.
            if scope.len() > 1 {
                let each = rows::load_window_each(pool, scope, (from, to)).await.unwrap();
                let rollup = dashboard::compute(&all, window, false, false, now);
                let present = cache.get(version, scope, false, now).expect("the rollup's, computed ahead");
                assert_eq!(CardMeasures::compute(&each, &present, window, false, now), CardMeasures::of(&rollup));
                assert_eq!(CardMeasures::of(&rollup).issues, rollup.issues.by_responder.overall);
            }
        }
    }
    assert!(nonempty >= 10, "the present states hold data: {nonempty}");

    // Used only at the data version it was computed at, up to MAX_AGE old, never from the future,
    // and only for the scopes computed.
    let atlas = &scopes[0];
    assert!(cache.get(version + 1, &atlas.0, atlas.1, now).is_none());
    assert!(cache.get(version, &atlas.0, atlas.1, now + MAX_AGE).is_some());
    assert!(cache.get(version, &atlas.0, atlas.1, now + MAX_AGE + 1).is_none());
    assert!(cache.get(version, &atlas.0, atlas.1, now - 1).is_none());
    assert!(cache.get(version, &atlas.0, !atlas.1, now).is_none(), "archived or not is part of the scope");
    assert!(cache.get(version, &ids[..2], false, now).is_none(), "two repositories are no scope computed ahead");
    // Computed again when the version moves, or before it gets too old.
    assert!(!cache.is_due(version, now + RENEW_AFTER - 1));
    assert!(cache.is_due(version, now + RENEW_AFTER));
    assert!(cache.is_due(version + 1, now));
}
