//! `db::self_declared`: a repository's file is stored, replaced and deleted on its own; the pages'
//! listing holds the files of the scope only, by repository name, with their committers.

use super::{add_repository, at, fresh};
use crate::db::self_declared::{self, SelfDeclaredRow};

fn file(repo_id: i64, raw: &str, committers: &[&str]) -> SelfDeclaredRow {
    SelfDeclaredRow {
        repo_id,
        path: format!("https://github.com/o/r{repo_id}/blob/main/.github/upkeep-affiliations.toml"),
        raw: raw.to_owned(),
        too_large: false,
        committers: serde_json::to_string(committers).unwrap(),
        committers_truncated: false,
        fetched_at: at("2026-12-01", "10:00:00"),
    }
}

#[tokio::test]
async fn a_file_is_stored_replaced_and_deleted_per_repository() {
    let f = fresh().await;
    let pool = &f.db.pool;
    let (a, b, c) = (
        add_repository(&f.db, 1, "acme/zeta").await,
        add_repository(&f.db, 2, "acme/alpha").await,
        add_repository(&f.db, 3, "acme/other").await,
    );
    assert_eq!(self_declared::get_self_declared(pool, a).await.unwrap(), None);
    self_declared::upsert_self_declared(pool, &file(a, "x = 1", &["ana", "Bo"])).await.unwrap();
    self_declared::upsert_self_declared(pool, &file(b, "y = 2", &[])).await.unwrap();
    self_declared::upsert_self_declared(pool, &file(c, "z = 3", &["cy"])).await.unwrap();

    let replaced = SelfDeclaredRow {
        raw: String::new(),
        too_large: true,
        committers_truncated: true,
        fetched_at: at("2026-12-02", "10:00:00"),
        ..file(a, "", &["ana"])
    };
    self_declared::upsert_self_declared(pool, &replaced).await.unwrap();
    let got = self_declared::get_self_declared(pool, a).await.unwrap().unwrap();
    assert_eq!(got, replaced);
    assert_eq!(got.committer_logins(), ["ana"]);

    // The scope (a and b), by repository name; c is not in it.
    let listed = self_declared::list_self_declared(pool, &format!("[{a},{b}]")).await.unwrap();
    let names: Vec<(&str, &str)> = listed.iter().map(|l| (l.full_name.as_str(), l.file.raw.as_str())).collect();
    assert_eq!(names, [("acme/alpha", "y = 2"), ("acme/zeta", "")]);
    assert!(listed[0].file.committer_logins().is_empty() && listed[1].file.too_large);

    self_declared::delete_self_declared(pool, a).await.unwrap();
    assert_eq!(self_declared::get_self_declared(pool, a).await.unwrap(), None);
    assert_eq!(self_declared::get_self_declared(pool, c).await.unwrap().unwrap().committer_logins(), ["cy"]);
    let listed = self_declared::list_self_declared(pool, &format!("[{a},{b}]")).await.unwrap();
    assert_eq!(listed.len(), 1);
}
