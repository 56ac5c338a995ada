//! `db/funding.rs`, a repository's current funding files: funding links, funding.json and
//! FUNDING.yml with their issues (replaced whole, per repository), and whose Sponsors data to
//! fetch (the repository's human maintainers).

use super::{
    add_repository, fresh,
    support_ops::{add_account, add_person},
};
use crate::db::{
    Db,
    funding::{
        FundingLinkRow, FundingYmlIssueRow, FundingYmlRow, ManifestIssueRow, ManifestRow, delete_funding_yml,
        delete_manifest, get_funding_yml, get_manifest, list_funding_links, list_funding_yml_issues,
        list_manifest_issues, list_sponsorable_maintainers, replace_funding_links, replace_funding_yml,
        replace_manifest,
    },
};

fn link(repo_id: i64, seq: i64, platform: &str, url: &str) -> FundingLinkRow {
    FundingLinkRow { repo_id, seq, platform: platform.to_owned(), url: url.to_owned() }
}

fn manifest(repo_id: i64, raw: &str, valid: bool) -> ManifestRow {
    ManifestRow {
        repo_id,
        url: format!("https://github.com/o/{repo_id}/blob/main/funding.json"),
        raw: raw.to_owned(),
        parsed: valid.then(|| raw.to_owned()),
        valid,
    }
}

fn manifest_issue(repo_id: i64, seq: i64, severity: &str, path: &str) -> ManifestIssueRow {
    ManifestIssueRow {
        repo_id,
        seq,
        severity: severity.to_owned(),
        path: path.to_owned(),
        message: format!("{path} is wrong"),
        line: (path.is_empty()).then_some(3),
        col: (path.is_empty()).then_some(7),
    }
}

fn yml(repo_id: i64, raw: &str, valid: bool) -> FundingYmlRow {
    FundingYmlRow { repo_id, path: ".github/FUNDING.yml".to_owned(), raw: raw.to_owned(), valid }
}

fn yml_issue(repo_id: i64, seq: i64, severity: &str, key: &str) -> FundingYmlIssueRow {
    FundingYmlIssueRow {
        repo_id,
        seq,
        severity: severity.to_owned(),
        key: key.to_owned(),
        message: format!("{key} is wrong"),
        line: Some(seq + 1),
        col: None,
    }
}

async fn links(db: &Db, repo_id: i64, rows: &[FundingLinkRow]) {
    let mut tx = db.begin_write().await.unwrap();
    replace_funding_links(&mut tx, repo_id, rows).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn replacing_funding_links_swaps_the_whole_list_of_that_repository_only() {
    let f = fresh().await;
    let p = &f.db.pool;
    assert!(list_funding_links(p, 1).await.unwrap().is_empty());
    // Stored out of order: listed by GitHub's order (seq).
    let first =
        [link(1, 1, "CUSTOM", "https://example.org/give"), link(1, 0, "GITHUB", "https://github.com/sponsors/ann")];
    links(&f.db, 1, &first).await;
    links(&f.db, 2, &[link(2, 0, "PATREON", "https://patreon.com/bob")]).await;
    assert_eq!(list_funding_links(p, 1).await.unwrap(), [first[1].clone(), first[0].clone()]);

    let second = [link(1, 0, "OPEN_COLLECTIVE", "https://opencollective.com/ann")];
    links(&f.db, 1, &second).await;
    assert_eq!(list_funding_links(p, 1).await.unwrap(), second);
    assert_eq!(list_funding_links(p, 2).await.unwrap(), [link(2, 0, "PATREON", "https://patreon.com/bob")]);

    links(&f.db, 1, &[]).await;
    assert!(list_funding_links(p, 1).await.unwrap().is_empty());
}

#[tokio::test]
async fn replacing_a_manifest_replaces_the_document_and_every_issue_of_it() {
    let f = fresh().await;
    let p = &f.db.pool;
    assert_eq!(get_manifest(p, 1).await.unwrap(), None);
    assert!(list_manifest_issues(p, 1).await.unwrap().is_empty());

    let mut tx = f.db.begin_write().await.unwrap();
    let bad = [manifest_issue(1, 1, "warning", "entity.email"), manifest_issue(1, 0, "error", "")];
    replace_manifest(&mut tx, &manifest(1, "{not json", false), &bad).await.unwrap();
    replace_manifest(&mut tx, &manifest(2, "{\"version\":\"v1.0.0\"}", true), &[]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(get_manifest(p, 1).await.unwrap(), Some(manifest(1, "{not json", false)));
    assert_eq!(list_manifest_issues(p, 1).await.unwrap(), [bad[1].clone(), bad[0].clone()]);

    let mut tx = f.db.begin_write().await.unwrap();
    let fixed = [manifest_issue(1, 0, "warning", "funding.plans[1].currency")];
    replace_manifest(&mut tx, &manifest(1, "{\"version\":\"v1.1.0\"}", true), &fixed).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(get_manifest(p, 1).await.unwrap(), Some(manifest(1, "{\"version\":\"v1.1.0\"}", true)));
    assert_eq!(list_manifest_issues(p, 1).await.unwrap(), fixed);
    assert_eq!(get_manifest(p, 2).await.unwrap(), Some(manifest(2, "{\"version\":\"v1.0.0\"}", true)));
}

#[tokio::test]
async fn deleting_a_manifest_forgets_it_and_its_issues_for_that_repository_only() {
    let f = fresh().await;
    let p = &f.db.pool;
    let mut tx = f.db.begin_write().await.unwrap();
    replace_manifest(&mut tx, &manifest(1, "{}", false), &[manifest_issue(1, 0, "error", "version")]).await.unwrap();
    replace_manifest(&mut tx, &manifest(2, "{}", false), &[manifest_issue(2, 0, "error", "version")]).await.unwrap();
    delete_manifest(&mut tx, 1).await.unwrap();
    delete_manifest(&mut tx, 3).await.unwrap(); // none stored: nothing happens
    tx.commit().await.unwrap();

    assert_eq!(get_manifest(p, 1).await.unwrap(), None);
    assert!(list_manifest_issues(p, 1).await.unwrap().is_empty());
    assert_eq!(get_manifest(p, 2).await.unwrap(), Some(manifest(2, "{}", false)));
    assert_eq!(list_manifest_issues(p, 2).await.unwrap(), [manifest_issue(2, 0, "error", "version")]);
}

#[tokio::test]
async fn replacing_a_funding_yml_replaces_the_file_and_every_issue_of_it() {
    let f = fresh().await;
    let p = &f.db.pool;
    assert_eq!(get_funding_yml(p, 1).await.unwrap(), None);
    assert!(list_funding_yml_issues(p, 1).await.unwrap().is_empty());

    let mut tx = f.db.begin_write().await.unwrap();
    let bad = [yml_issue(1, 1, "warning", "patreon"), yml_issue(1, 0, "error", "")];
    replace_funding_yml(&mut tx, &yml(1, "github: [", false), &bad).await.unwrap();
    replace_funding_yml(&mut tx, &yml(2, "github: bob", true), &[]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(get_funding_yml(p, 1).await.unwrap(), Some(yml(1, "github: [", false)));
    assert_eq!(list_funding_yml_issues(p, 1).await.unwrap(), [bad[1].clone(), bad[0].clone()]);

    let mut tx = f.db.begin_write().await.unwrap();
    replace_funding_yml(&mut tx, &yml(1, "github: ann", true), &[]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(get_funding_yml(p, 1).await.unwrap(), Some(yml(1, "github: ann", true)));
    assert!(list_funding_yml_issues(p, 1).await.unwrap().is_empty());
    assert_eq!(get_funding_yml(p, 2).await.unwrap(), Some(yml(2, "github: bob", true)));
}

#[tokio::test]
async fn deleting_a_funding_yml_forgets_it_and_its_issues_for_that_repository_only() {
    let f = fresh().await;
    let p = &f.db.pool;
    let mut tx = f.db.begin_write().await.unwrap();
    replace_funding_yml(&mut tx, &yml(1, "x", false), &[yml_issue(1, 0, "error", "")]).await.unwrap();
    replace_funding_yml(&mut tx, &yml(2, "y", false), &[yml_issue(2, 0, "error", "")]).await.unwrap();
    delete_funding_yml(&mut tx, 1).await.unwrap();
    tx.commit().await.unwrap();

    assert_eq!(get_funding_yml(p, 1).await.unwrap(), None);
    assert!(list_funding_yml_issues(p, 1).await.unwrap().is_empty());
    assert_eq!(get_funding_yml(p, 2).await.unwrap(), Some(yml(2, "y", false)));
    assert_eq!(list_funding_yml_issues(p, 2).await.unwrap(), [yml_issue(2, 0, "error", "")]);
}

#[tokio::test]
async fn sponsorable_maintainers_are_human_users_most_contributions_first_up_to_the_limit() {
    let f = fresh().await;
    let db = &f.db;
    add_repository(db, 1, "o/a").await;
    add_repository(db, 2, "o/b").await;
    for (id, login, kind, bot) in [
        (1, "carol", "User", false),
        (2, "bob", "User", false),
        (3, "alice", "User", false),
        (4, "dependabot[bot]", "Bot", true),
        (5, "ci-runner", "User", true), // a user the bot rules flag
        (6, "o", "Organization", false),
        (7, "dave", "User", false),
        (8, "erin", "User", false),
    ] {
        add_account(db, id, login, kind, bot).await;
    }
    for (account, contributions, maintainer) in
        [(1, 5, true), (2, 9, true), (3, 5, true), (4, 50, true), (5, 40, true), (6, 30, true), (7, 100, false)]
    {
        add_person(db, 1, account, contributions, maintainer).await;
    }
    add_person(db, 2, 8, 1, true).await;

    // Ties (alice and carol, 5 each) by login.
    assert_eq!(list_sponsorable_maintainers(&db.pool, 1, 10).await.unwrap(), ["bob", "alice", "carol"]);
    assert_eq!(list_sponsorable_maintainers(&db.pool, 1, 2).await.unwrap(), ["bob", "alice"]);
    assert!(list_sponsorable_maintainers(&db.pool, 1, 0).await.unwrap().is_empty());
    assert_eq!(list_sponsorable_maintainers(&db.pool, 2, 10).await.unwrap(), ["erin"]);
    assert!(list_sponsorable_maintainers(&db.pool, 3, 10).await.unwrap().is_empty());
}
