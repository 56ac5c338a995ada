//! Commit data that is complete and converges: the default branch's history from `/commits`
//! (never the top-100 `/stats/contributors`), free when nothing was pushed, `ceil(new / 100)`
//! pages when something was, and incremental syncs over several simulated days equal to a
//! fresh one on the whole digest, rollups included.

use crate::helpers::{Store, collect, sim_options, start_sim};

/// The `commits` step of the latest run for `repo`: (status, requests, 304s).
async fn commits_step(store: &Store, repo: &str) -> (String, i64, i64) {
    upkeep::db::sql::query_as(
        "SELECT status, requests, not_modified FROM sync_run_resources WHERE scope = ? AND resource = 'commits'
         ORDER BY run_id DESC LIMIT 1",
    )
    .bind(format!("upkeep-sim/{repo}"))
    .fetch_one(&store.db.pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_stores_every_commit_of_the_default_branch_and_the_weeks_add_up() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let summary = collect(&store.collector(&sim)).await;
    assert!(summary.complete(), "{summary:?}");
    for t in sim.totals() {
        let stored: i64 = upkeep::db::sql::query_scalar(
            "SELECT COUNT(*) FROM commits WHERE repo_id = (SELECT id FROM repositories WHERE name = ?)",
        )
        .bind(&t.name)
        .fetch_one(&store.db.pool)
        .await
        .unwrap();
        assert_eq!(stored as u64, t.commits, "{}: every commit, not the top 100 contributors", t.name);
        // Weekly counts per account are the linked commits, week by week.
        let (weeks, linked): (i64, i64) = upkeep::db::sql::query_as(
            "SELECT (SELECT CAST(COALESCE(SUM(commits), 0) AS BIGINT) FROM contributor_weeks w WHERE w.repo_id = r.id),
                    (SELECT COUNT(*) FROM commits c WHERE c.repo_id = r.id AND c.author_id IS NOT NULL)
             FROM repositories r WHERE r.name = ?",
        )
        .bind(&t.name)
        .fetch_one(&store.db.pool)
        .await
        .unwrap();
        assert_eq!(weeks, linked, "{}", t.name);
    }
    let unlinked: i64 = upkeep::db::sql::query_scalar(
        "SELECT COUNT(*) FROM commits WHERE author_id IS NULL AND author_hash IS NOT NULL",
    )
    .fetch_one(&store.db.pool)
    .await
    .unwrap();
    assert!(unlinked > 0, "commits GitHub links to no account are kept, by e-mail hash");
    let leaked: i64 = upkeep::db::sql::query_scalar("SELECT COUNT(*) FROM commits WHERE author_hash LIKE '%@%'")
        .fetch_one(&store.db.pool)
        .await
        .unwrap();
    assert_eq!(leaked, 0, "no e-mail address is stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_history_costs_one_304_and_new_commits_cost_their_pages() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let collector = store.collector(&sim);
    collect(&collector).await;
    let before: Vec<(String, u64)> = sim.totals().into_iter().map(|t| (t.name, t.commits)).collect();

    collect(&collector).await;
    for (name, _) in &before {
        assert_eq!(commits_step(&store, name).await, ("not_modified".into(), 1, 1), "{name}");
    }

    sim.advance(7.0, 0.02);
    collect(&collector).await;
    let mut grew = 0;
    for t in sim.totals() {
        let old = before.iter().find(|(n, _)| *n == t.name).map_or(0, |(_, c)| *c);
        let (status, requests, not_modified) = commits_step(&store, &t.name).await;
        if t.commits == old {
            assert_eq!((status.as_str(), requests, not_modified), ("not_modified", 1, 1), "{}", t.name);
        } else {
            grew += 1;
            // The probe, then the commits since the watermark (less a minute's overlap) at 100 a page.
            let new = t.commits - old;
            assert!(
                requests as u64 <= 1 + new.div_ceil(100) + 1,
                "{}: {requests} requests for {new} new commits",
                t.name
            );
            assert_eq!(status, "ok");
        }
    }
    assert!(grew > 0, "a simulated week brought commits somewhere");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_syncs_over_three_simulated_days_equal_a_fresh_sync_table_by_table() {
    let sim = start_sim(sim_options()).await;
    let incremental = Store::new().await;
    let collector = incremental.collector(&sim);
    collect(&collector).await;
    for day in 1..=3 {
        let changes = sim.advance(1.0, 0.02);
        let summary = collect(&collector).await;
        assert!(summary.complete(), "day {day}: {summary:?}");
        eprintln!("day {day}: {changes:?}; {} requests, {} x 304", summary.requests, summary.not_modified);
    }
    let fresh = Store::new().await;
    collect(&fresh.collector(&sim)).await;
    let (a, b) = (incremental.digests().await, fresh.digests().await);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "table {} differs after three days", x.0);
    }
    // The week slices, which the digest leaves out, were updated week by week and equal a
    // fresh sync's too.
    let (_, slices) = crate::rollups::rollup_state(&incremental.db.pool).await;
    let (_, expected) = crate::rollups::rollup_state(&fresh.db.pool).await;
    assert_eq!(slices.len(), expected.len(), "the same slices exist");
    for (key, rows) in &expected {
        assert_eq!(slices.get(key), Some(rows), "slice {key:?} after three days");
    }
    assert_eq!(a.len(), b.len());
    let tables: Vec<&str> = a.iter().map(|t| t.0.as_str()).collect();
    for rollup in ["commits", "contributor_weeks", "repo_weeks", "person_weeks", "repo_people"] {
        assert!(tables.contains(&rollup), "the digest covers {rollup}");
    }
}

/// Contributor weeks recounted from a given time on equal a recount of the whole history, after
/// new commits and after a force-push that removed commits authored weeks earlier.
#[tokio::test]
async fn contributor_weeks_recounted_from_the_oldest_change_equal_a_whole_recount() {
    use upkeep::db::commits::{self, CommitRow};
    let store = Store::new().await;
    let now = crate::seed::seed(&store).await;
    let (repo, day) = (crate::seed::WIDGET, crate::seed::DAY);
    let commit = |sha: &str, who: i64, authored: i64, committed: i64| CommitRow {
        repo_id: repo,
        sha: sha.to_owned(),
        author_id: Some(who),
        author_hash: None,
        authored_at: authored,
        committed_at: committed,
    };
    let weeks = |pool| async move {
        let rows: Vec<(i64, i64, i64)> = upkeep::db::sql::query_as(
            "SELECT account_id, week, commits FROM contributor_weeks WHERE repo_id = ? ORDER BY 1, 2",
        )
        .bind(repo)
        .fetch_all(pool)
        .await
        .unwrap();
        rows
    };
    let pool = &store.db.pool;
    let history = [
        commit("a1", 1, now - 60 * day, now - 60 * day),
        commit("a2", 1, now - 30 * day, now - 2 * day),
        commit("a3", 1, now - 30 * day, now - 2 * day),
        commit("b1", 2, now - 10 * day, now - day),
    ];
    let mut tx = store.db.begin_write().await.unwrap();
    commits::upsert_commits(&mut *tx, &history).await.unwrap();
    commits::rebuild_contributor_weeks(&mut tx, repo, i64::MIN).await.unwrap();
    tx.commit().await.unwrap();
    let before = weeks(pool).await;
    assert_eq!(before.len(), 3, "alice's two weeks and bob's: {before:?}");
    assert!(before.iter().any(|w| w.0 == 1 && w.2 == 2), "alice's two commits of one week: {before:?}");

    // A push of one new commit, recounted from its authored time only.
    let mut tx = store.db.begin_write().await.unwrap();
    let new = [commit("b2", 2, now - day, now)];
    commits::upsert_commits(&mut *tx, &new).await.unwrap();
    commits::rebuild_contributor_weeks(&mut tx, repo, new[0].authored_at).await.unwrap();
    tx.commit().await.unwrap();
    // A force-push since two days ago that kept only a3 and b2: a2 (authored 30 days ago) and
    // b1 go, and the recount starts from a2's week.
    let mut tx = store.db.begin_write().await.unwrap();
    let kept = ["a3".to_owned(), "b2".to_owned()];
    let deleted = commits::delete_unseen_since(&mut *tx, repo, now - 3 * day, &kept).await.unwrap();
    assert_eq!((deleted.count, deleted.oldest_authored), (2, Some(now - 30 * day)));
    commits::rebuild_contributor_weeks(&mut tx, repo, deleted.oldest_authored.unwrap()).await.unwrap();
    tx.commit().await.unwrap();
    let incremental = weeks(pool).await;

    let mut tx = store.db.begin_write().await.unwrap();
    commits::rebuild_contributor_weeks(&mut tx, repo, i64::MIN).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(incremental, weeks(pool).await);
    assert_eq!(incremental.iter().map(|w| w.2).sum::<i64>(), 3, "a1, a3 and b2 remain: {incremental:?}");
}
