//! Private data leaves when it should: a repository that turns private, or every private one once
//! `include_private` is turned off, has all its rows deleted in the transaction that marks it
//! untracked; no page, feed, API or CSV shows it afterwards, and `/status` says why.

use crate::helpers::{Store, collect, config_for, get, sim_options, spawn_app, start_sim};

const REPO: &str = "upkeep-sim/comet";

async fn count(store: &Store, sql: &str) -> i64 {
    upkeep::db::sql::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(REPO)
        .fetch_one(&store.db.pool)
        .await
        .unwrap()
}

/// comet's repository id (while it is stored).
async fn comet_id(store: &Store) -> i64 {
    upkeep::db::sql::query_scalar("SELECT id FROM repositories WHERE full_name = ?")
        .bind(REPO)
        .fetch_one(&store.db.pool)
        .await
        .unwrap()
}

/// Rows anywhere that belong to comet (repository `id`): in every table with a `repo_id` column
/// (items, activity, commits, rollups, week slices, dirty marks, funding), and by name. Not
/// `tracked_repos`: its row stays, so that `/status` can say why the data went.
async fn comet_rows(store: &Store, id: i64) -> i64 {
    let pool = &store.db.pool;
    let mut tables = upkeep::db::tables_with_column(pool, "repo_id").await.unwrap();
    tables.retain(|t| t != "tracked_repos");
    assert!(tables.len() > 15 && tables.iter().any(|t| t == "week_slices"), "{tables:?}");
    let mut total = 0;
    for table in tables {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE repo_id = ?");
        let n: i64 = upkeep::db::sql::query_scalar(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(pool).await.unwrap();
        if n > 0 {
            eprintln!("{table}: {n} rows of repository {id}");
        }
        total += n;
    }
    for sql in [
        "SELECT COUNT(*) FROM repositories WHERE full_name = ?",
        "SELECT COUNT(*) FROM sync_state WHERE scope = ?",
        "SELECT COUNT(*) FROM quarantined_items WHERE scope = ?",
    ] {
        total += count(store, sql).await;
    }
    total
}

/// Every place a repository's data shows, with its text.
async fn everywhere(app: &str) -> Vec<(String, u16, String)> {
    let mut out = Vec::new();
    for path in [
        "/",
        "/?format=csv",
        "/api/v1/overview",
        "/orgs/upkeep-sim",
        "/api/v1/orgs/upkeep-sim",
        "/newcomers",
        "/api/v1/newcomers",
        "/newcomers.atom",
        "/funding",
        "/api/v1/funding",
    ] {
        let (status, body) = get(&format!("{app}{path}")).await;
        out.push((path.to_owned(), status, body));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turning_include_private_off_deletes_a_private_repository_everywhere() {
    let sim = start_sim(sim_options()).await;
    sim.set_private("comet", true);
    let store = Store::new().await;
    let mut config = config_for(&sim.url(), &store.path());
    config.sources.include_private = true;
    collect(&store.collector_with(config.clone())).await;
    assert!(count(&store, "SELECT COUNT(*) FROM repositories WHERE full_name = ? AND is_private = 1").await == 1);
    let id = comet_id(&store).await;
    let title: String = upkeep::db::sql::query_scalar(
        // A title no other repository's item has (the simulator reuses titles), whatever order
        // the backend would return the rows in.
        "SELECT i.title FROM issues i WHERE i.repo_id = (SELECT id FROM repositories WHERE full_name = ?)
           AND NOT EXISTS (SELECT 1 FROM issues o WHERE o.title = i.title AND o.repo_id <> i.repo_id)
         ORDER BY i.id LIMIT 1",
    )
    .bind(REPO)
    .fetch_one(&store.db.pool)
    .await
    .unwrap();
    let app = spawn_app(config.clone(), store.db.clone()).await;
    let (status, _) = get(&format!("{app}/repos/{REPO}")).await;
    assert_eq!(status, 200, "shown while include_private is on");
    assert!(everywhere(&app).await.iter().any(|(_, _, body)| body.contains(REPO)));

    config.sources.include_private = false;
    let summary = collect(&store.collector_with(config.clone())).await;
    assert!(!summary.failed_repos.contains(&REPO.to_owned()), "{summary:?}");
    assert_eq!(comet_rows(&store, id).await, 0, "every row of the private repository is gone");
    let app = spawn_app(config, store.db.clone()).await;
    let (status, _) = get(&format!("{app}/repos/{REPO}")).await;
    assert_eq!(status, 404);
    let (status, _) = get(&format!("{app}/api/v1/repos/{REPO}")).await;
    assert_eq!(status, 404);
    for (path, status, body) in everywhere(&app).await {
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains(REPO), "{path} still shows {REPO}");
        assert!(!body.contains(&title), "{path} still shows {title:?}");
    }
    let (_, status_page) = get(&format!("{app}/status")).await;
    assert!(status_page.contains(REPO) && status_page.contains("private repository removed"), "/status says why");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repository_that_turns_private_is_deleted_on_the_next_sync() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let config = config_for(&sim.url(), &store.path());
    collect(&store.collector_with(config.clone())).await;
    let id = comet_id(&store).await;
    assert!(comet_rows(&store, id).await > 0);

    sim.set_private("comet", true);
    collect(&store.collector_with(config.clone())).await;
    assert_eq!(comet_rows(&store, id).await, 0, "left the public listing and is private: deleted");
    let tracked = upkeep::db::repos::list_tracked(&store.db.pool).await.unwrap();
    let comet = tracked.iter().find(|t| t.full_name == REPO).expect("still on /status");
    assert_eq!(comet.condition, "skipped");
    assert!(comet.message.as_deref().unwrap().contains("private repository removed"), "{comet:?}");

    // Listed by name in [sources] repos instead: the metadata step finds it private.
    sim.set_private("comet", false);
    let mut by_name = config.clone();
    by_name.sources.orgs = vec![];
    by_name.sources.repos = vec![REPO.parse().unwrap()];
    collect(&store.collector_with(by_name.clone())).await;
    assert!(comet_rows(&store, id).await > 0, "public again: collected again");
    sim.set_private("comet", true);
    collect(&store.collector_with(by_name)).await;
    assert_eq!(comet_rows(&store, id).await, 0);
}
