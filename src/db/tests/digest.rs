//! `db::digest`: one digest per data table, independent of insertion order, blind to sync
//! bookkeeping, and moved by any change of content.

use super::builders::{IssueBuilder, Person};
use super::{add_repository, at, fresh};
use crate::db::{
    digest::{self, DATA_TABLES},
    repos,
};

/// SHA-256 of nothing: the digest of a table without rows.
const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

#[tokio::test]
async fn an_empty_database_has_every_data_table_empty() {
    let f = fresh().await;
    let digests = digest::table_digests(&f.db.pool).await.unwrap();
    let names: Vec<&str> = digests.iter().map(|d| d.0.as_str()).collect();
    let expected: Vec<&str> = DATA_TABLES.iter().map(|t| t.0).collect();
    assert_eq!(names, expected);
    assert!(digests.iter().all(|d| d.1 == 0 && d.2 == EMPTY), "{digests:?}");
}

#[tokio::test]
async fn digests_do_not_depend_on_insertion_order() {
    let (a, b) = (fresh().await, fresh().await);
    let people = [Person::human("ada"), Person::bot("dependabot[bot]").named("Dependabot"), Person::human("bob")];
    for p in &people {
        p.clone().store(&a.db).await;
    }
    for p in people.iter().rev() {
        p.clone().store(&b.db).await;
    }
    let (da, db) = (digest::table_digests(&a.db.pool).await.unwrap(), digest::table_digests(&b.db.pool).await.unwrap());
    assert_eq!(da, db);
    let accounts = da.iter().find(|d| d.0 == "accounts").unwrap();
    assert_eq!(accounts.1, 3);
    assert_ne!(accounts.2, EMPTY);
}

#[tokio::test]
async fn a_changed_column_moves_only_its_tables_digest_and_bookkeeping_moves_none() {
    let f = fresh().await;
    add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = at("2024-03-04", "09:00:00");
    let issue = IssueBuilder::issue(1, 1).opened(t).by("ada");
    issue.clone().store(&f.db).await;
    let before = digest::table_digests(&f.db.pool).await.unwrap();
    repos::track_repository(&f.db.pool, "numfocus/atlas", "config").await.unwrap();
    assert_eq!(digest::table_digests(&f.db.pool).await.unwrap(), before, "tracked_repos is bookkeeping");
    issue.title("Renamed").store(&f.db).await;
    let after = digest::table_digests(&f.db.pool).await.unwrap();
    let changed: Vec<&str> = before.iter().zip(&after).filter(|(x, y)| x != y).map(|(x, _)| x.0.as_str()).collect();
    assert_eq!(changed, ["issues"]);
    assert_eq!(after.iter().find(|d| d.0 == "issues").unwrap().1, 1, "still one row");
}
