//! The same product on both stores: a sync of the same simulated GitHub into SQLite and into
//! PostgreSQL stores the same data (`upkeep db digest`'s per-table digests are equal).
//!
//! PostgreSQL is reached through `UPKEEP_TEST_POSTGRES_URL` (`.ci/postgres.sh start` prints it;
//! `.ci/run` sets it). Without it the test says so and passes: the README's `cargo test` needs no
//! server.

use std::sync::Arc;

use upkeep::{db::digest, github::sync::Collector, scratch::Scratch};

use crate::helpers::{collect, config_for, sim_options, start_sim};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_of_the_same_simulated_github_stores_equal_digests_on_sqlite_and_postgresql() {
    if upkeep::scratch::postgres_url().is_none() {
        eprintln!("not run: UPKEEP_TEST_POSTGRES_URL names no PostgreSQL server (.ci/run sets it)");
        return;
    }
    let sim = start_sim(sim_options()).await;
    let lite = Scratch::sqlite().await.expect("a SQLite database");
    let pg = Scratch::new().await.expect("a PostgreSQL database");
    let mut digests = Vec::new();
    for store in [&lite, &pg] {
        let config = config_for(&sim.url(), std::path::Path::new("unused.db"));
        let collector = Collector::with_token(Arc::new(config), store.db.clone(), None).expect("collector");
        let summary = collect(&collector).await;
        assert!(summary.failed_repos.is_empty() && summary.error.is_none(), "{summary:?}");
        digests.push(digest::table_digests(&store.db.pool).await.expect("digest"));
    }
    let (on_sqlite, on_postgres) = (&digests[0], &digests[1]);
    assert!(on_sqlite.iter().any(|(table, rows, _)| table == "issues" && *rows > 0), "{on_sqlite:?}");
    assert!(on_sqlite.len() >= 20, "{} tables", on_sqlite.len());
    for (lite_table, pg_table) in on_sqlite.iter().zip(on_postgres) {
        assert_eq!(lite_table, pg_table, "table {}: SQLite and PostgreSQL differ", lite_table.0);
    }
    assert_eq!(on_sqlite.len(), on_postgres.len());
}
