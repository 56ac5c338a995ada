//! `db::accounts`: upserts keyed by id that keep a known display name, the listing, the bot flag.

use super::builders::{IssueBuilder, Person, roll_up};
use super::{add_repository, at, fresh};
use crate::db::{
    accounts::{self, AccountRow},
    rollups,
};

#[tokio::test]
async fn list_accounts_on_an_empty_database_is_empty() {
    let f = fresh().await;
    assert_eq!(accounts::list_accounts(&f.db.pool).await.unwrap(), vec![]);
}

#[tokio::test]
async fn upsert_account_inserts_then_refreshes_login_kind_and_bot_flag_by_id() {
    let f = fresh().await;
    let ada = Person::human("ada").with_id(7).named("Ada Lovelace").store(&f.db).await;
    assert_eq!(accounts::list_accounts(&f.db.pool).await.unwrap(), vec![ada.row()]);
    // Renamed on GitHub, now an app: same id, new login, kind and flag.
    let renamed =
        AccountRow { id: 7, login: "ada-l".into(), kind: "Bot".into(), name: Some("Ada L.".into()), is_bot: true };
    accounts::upsert_account(&f.db.pool, &renamed).await.unwrap();
    assert_eq!(accounts::list_accounts(&f.db.pool).await.unwrap(), vec![renamed]);
}

#[tokio::test]
async fn upsert_account_without_a_display_name_keeps_the_known_one() {
    let f = fresh().await;
    Person::human("ada").with_id(7).named("Ada Lovelace").store(&f.db).await;
    let no_name = AccountRow { id: 7, login: "ada".into(), kind: "User".into(), name: None, is_bot: false };
    accounts::upsert_account(&f.db.pool, &no_name).await.unwrap();
    let stored = accounts::list_accounts(&f.db.pool).await.unwrap();
    assert_eq!(stored[0].name.as_deref(), Some("Ada Lovelace"));
}

#[tokio::test]
async fn upsert_accounts_writes_many_in_one_call_listed_by_id_and_is_idempotent() {
    let f = fresh().await;
    let rows = vec![
        Person::human("zed").with_id(30).row(),
        Person::bot("dependabot[bot]").with_id(10).row(),
        Person::human("ada").with_id(20).named("Ada").row(),
    ];
    accounts::upsert_accounts(&f.db.pool, &rows).await.unwrap();
    accounts::upsert_accounts(&f.db.pool, &rows).await.unwrap();
    let listed = accounts::list_accounts(&f.db.pool).await.unwrap();
    assert_eq!(
        listed.iter().map(|a| (a.id, a.login.as_str(), a.is_bot)).collect::<Vec<_>>(),
        [(10, "dependabot[bot]", true), (20, "ada", false), (30, "zed", false)]
    );
    assert_eq!(listed[0].kind, "Bot");
    assert_eq!(listed[1].name.as_deref(), Some("Ada"));
}

#[tokio::test]
async fn upsert_accounts_with_no_rows_is_a_no_op() {
    let f = fresh().await;
    accounts::upsert_accounts(&f.db.pool, &[]).await.unwrap();
    assert!(accounts::list_accounts(&f.db.pool).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unchanged_account_does_not_mark_its_repositories_for_a_rebuild_but_a_rename_does() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let ada = Person::human("ada");
    IssueBuilder::issue(repo, 1).opened(at("2024-03-04", "09:00:00")).by(&ada).store(&f.db).await;
    roll_up(&f.db, repo).await;
    ada.clone().store(&f.db).await;
    assert!(!rollups::has_dirty(&f.db.pool, repo).await.unwrap(), "the same row changes nothing");
    Person { login: "ada-l".into(), ..ada }.store(&f.db).await;
    assert!(rollups::read_dirty(&f.db.pool, repo).await.unwrap().accounts, "a rename rebuilds the repository");
}

#[tokio::test]
async fn set_bot_flag_flips_one_account_and_ignores_an_unknown_id() {
    let f = fresh().await;
    Person::human("renovate").with_id(5).store(&f.db).await;
    Person::human("ada").with_id(6).store(&f.db).await;
    accounts::set_bot_flag(&f.db.pool, 5, true).await.unwrap();
    accounts::set_bot_flag(&f.db.pool, 999, true).await.unwrap();
    let flags: Vec<(i64, bool)> =
        accounts::list_accounts(&f.db.pool).await.unwrap().into_iter().map(|a| (a.id, a.is_bot)).collect();
    assert_eq!(flags, [(5, true), (6, false)]);
    accounts::set_bot_flag(&f.db.pool, 5, false).await.unwrap();
    assert!(!accounts::list_accounts(&f.db.pool).await.unwrap()[0].is_bot);
}
