//! DB-layer tests: every public function in `db/` run against a fresh, migrated database, with
//! data made by small builders rather than by a sync. One file per `db/` module.

mod accounts;
mod activity;
mod backend;
mod builders;
mod catalog;
mod commits;
mod copy;
mod coverage;
mod dashboard;
mod digest;
mod funding;
mod funding_series;
mod grants;
mod issues;
mod lease;
mod ledger;
mod milestones;
mod newcomer_facts;
mod newcomers;
mod open;
mod order;
mod profiles;
mod quarantine;
mod report;
mod repos;
mod repos_purge;
mod rollups;
mod rollups_incremental;
mod rounds;
mod rows;
mod rules;
mod runs;
mod scene;
mod self_declared;
mod slices;
mod sql;
mod support_ops;
mod sync_state;

use crate::{
    db::{Db, repos::RepositoryRow},
    scratch::Scratch,
};

/// A fresh database with every migration, removed when the guard drops.
pub(crate) struct Fresh {
    pub db: Db,
    _scratch: Scratch,
}

/// Opens a fresh database: SQLite, or PostgreSQL when `UPKEEP_TEST_POSTGRES_URL` is set
/// ([`crate::scratch`]).
pub(crate) async fn fresh() -> Fresh {
    let scratch = Scratch::new().await.expect("database opens");
    Fresh { db: scratch.db.clone(), _scratch: scratch }
}

/// A fresh SQLite database whatever the environment says, for tests of SQLite's own behaviour
/// (its file, pragmas and locks).
pub(crate) async fn fresh_sqlite() -> Fresh {
    let scratch = Scratch::sqlite().await.expect("database opens");
    Fresh { db: scratch.db.clone(), _scratch: scratch }
}

/// Unix seconds for a UTC date and time, for readable test data.
pub(crate) fn at(date: &str, time: &str) -> i64 {
    let s = format!("{date}T{time}Z");
    chrono::DateTime::parse_from_rfc3339(&s).expect("a valid test timestamp").timestamp()
}

/// A public repository row `owner/name` with the given id (created 2024-01-01).
pub(crate) fn repository(id: i64, full_name: &str) -> RepositoryRow {
    let (owner, name) = full_name.split_once('/').expect("owner/name");
    RepositoryRow {
        id,
        owner: owner.to_owned(),
        name: name.to_owned(),
        full_name: full_name.to_owned(),
        description: None,
        html_url: format!("https://github.com/{full_name}"),
        language: None,
        default_branch: Some("main".to_owned()),
        is_private: false,
        is_fork: false,
        is_archived: false,
        stargazers: 0,
        forks: 0,
        open_issues: 0,
        created_at: at("2024-01-01", "00:00:00"),
        updated_at: at("2024-01-01", "00:00:00"),
        pushed_at: None,
    }
}

/// Stores `repository(id, full_name)` and returns its id.
pub(crate) async fn add_repository(db: &Db, id: i64, full_name: &str) -> i64 {
    crate::db::repos::upsert_repository(&db.pool, &repository(id, full_name)).await.expect("repository stored");
    id
}

#[tokio::test]
async fn a_fresh_database_stores_and_finds_a_repository() {
    let f = fresh().await;
    add_repository(&f.db, 7, "numfocus/atlas").await;
    let found = crate::db::repos::find_repository_by_name(&f.db.pool, "numfocus/atlas").await.unwrap();
    assert_eq!(found.map(|r| r.id), Some(7));
}
