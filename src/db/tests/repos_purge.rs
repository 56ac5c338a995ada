//! `db/repos.rs`, `purge_repository`: everything stored for one repository goes, in every table
//! that holds rows by `repo_id`, and nothing of its neighbour does.

use super::{
    add_repository, at, fresh,
    support_ops::{add_account, add_issue, add_person, rows_of},
};
use crate::db::{
    Db,
    activity::{CommentRow, upsert_comment},
    commits::{CommitRow, upsert_commits},
    funding::{
        FundingLinkRow, FundingYmlIssueRow, FundingYmlRow, ManifestIssueRow, ManifestRow, replace_funding_links,
        replace_funding_yml, replace_manifest,
    },
    newcomers::{TimelineRow, replace_timeline},
    quarantine, repos,
    sync_state::{SyncState, get_sync_state, save_sync_state},
};

/// Every table with a `repo_id` column but `tracked_repos` (which the purge leaves to its caller).
async fn repo_tables(db: &Db) -> Vec<String> {
    let mut tables = crate::db::tables_with_column(&db.pool, "repo_id").await.unwrap();
    tables.retain(|t| t != "tracked_repos");
    tables
}

/// Stores one of everything for repository `id` named `name`, its issue numbered 1.
async fn fill(db: &Db, id: i64, name: &str) {
    add_repository(db, id, name).await;
    let day = at("2024-03-01", "12:00:00");
    let issue = add_issue(db, id, 1, day).await;
    let comment = CommentRow {
        id: issue + 1,
        repo_id: id,
        issue_number: 1,
        author_id: Some(10),
        author_association: "MEMBER".to_owned(),
        created_at: day + 60,
        updated_at: day + 60,
    };
    upsert_comment(&db.pool, &comment).await.unwrap();
    let commit = CommitRow {
        repo_id: id,
        sha: format!("{id:040}"),
        author_id: Some(10),
        author_hash: None,
        authored_at: day,
        committed_at: day,
    };
    upsert_commits(&db.pool, &[commit]).await.unwrap();
    add_person(db, id, 10, 3, true).await;

    let mut tx = db.begin_write().await.unwrap();
    let link = FundingLinkRow {
        repo_id: id,
        seq: 0,
        platform: "GITHUB".to_owned(),
        url: "https://github.com/sponsors/x".to_owned(),
    };
    replace_funding_links(&mut tx, id, &[link]).await.unwrap();
    let manifest =
        ManifestRow { repo_id: id, url: "funding.json".to_owned(), raw: "{}".to_owned(), parsed: None, valid: false };
    let problem = ManifestIssueRow {
        repo_id: id,
        seq: 0,
        severity: "error".to_owned(),
        path: "version".to_owned(),
        message: "missing".to_owned(),
        line: None,
        col: None,
    };
    replace_manifest(&mut tx, &manifest, &[problem]).await.unwrap();
    let yml = FundingYmlRow { repo_id: id, path: ".github/FUNDING.yml".to_owned(), raw: "x".to_owned(), valid: false };
    let yml_problem = FundingYmlIssueRow {
        repo_id: id,
        seq: 0,
        severity: "error".to_owned(),
        key: String::new(),
        message: "not a mapping".to_owned(),
        line: Some(1),
        col: Some(1),
    };
    replace_funding_yml(&mut tx, &yml, &[yml_problem]).await.unwrap();
    let declared = crate::db::self_declared::SelfDeclaredRow {
        repo_id: id,
        path: ".github/upkeep-affiliations.toml".to_owned(),
        raw: "x".to_owned(),
        too_large: false,
        committers: "[\"maint\"]".to_owned(),
        committers_truncated: false,
        fetched_at: day,
    };
    crate::db::self_declared::upsert_self_declared(&mut *tx, &declared).await.unwrap();
    let step = TimelineRow {
        issue_id: issue,
        seq: 0,
        kind: "comment".to_owned(),
        at: day + 60,
        login: Some("maint".to_owned()),
        association: Some("MEMBER".to_owned()),
        body: None,
        pr_number: None,
        pr_state: None,
        will_close: false,
    };
    replace_timeline(&mut tx, issue, &[step]).await.unwrap();
    tx.commit().await.unwrap();

    // The collector records state and quarantine under the configured name, whatever its case.
    save_sync_state(&db.pool, &name.to_uppercase(), "issues", Some(day), Some("\"e\""), day).await.unwrap();
    quarantine::upsert(&db.pool, name, "issue_comments", "9", "orphan", "{}", day).await.unwrap();
}

async fn timeline_rows(db: &Db, issue_id: i64) -> i64 {
    crate::db::sql::query_scalar("SELECT COUNT(*) FROM issue_timeline WHERE issue_id = ?")
        .bind(issue_id)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn purge_deletes_everything_of_one_repository_and_nothing_of_another() {
    let f = fresh().await;
    let db = &f.db;
    add_account(db, 10, "maint", "User", false).await;
    fill(db, 1, "o/a").await;
    fill(db, 2, "o/b").await;

    let tables = repo_tables(db).await;
    let mut before = Vec::new();
    for table in &tables {
        before.push((rows_of(db, table, 1).await, rows_of(db, table, 2).await));
    }
    // The data is really there: every table the builders write holds rows of repository 1.
    for table in [
        "issues",
        "comments",
        "commits",
        "repo_people",
        "funding_links",
        "funding_manifests",
        "funding_manifest_issues",
        "funding_yml_files",
        "funding_yml_issues",
        "self_declared_affiliations",
        "rollup_dirty",
    ] {
        assert!(rows_of(db, table, 1).await > 0, "no rows of repository 1 in {table}");
    }
    assert_eq!(timeline_rows(db, 1_000_001).await, 1);

    let mut tx = db.begin_write().await.unwrap();
    repos::purge_repository(&mut tx, 1, "o/a").await.unwrap();
    tx.commit().await.unwrap();

    for (table, (_, other_before)) in tables.iter().zip(before) {
        assert_eq!(rows_of(db, table, 1).await, 0, "rows of the purged repository left in {table}");
        assert_eq!(rows_of(db, table, 2).await, other_before, "rows of the other repository lost in {table}");
    }
    assert_eq!(timeline_rows(db, 1_000_001).await, 0);
    assert_eq!(timeline_rows(db, 2_000_001).await, 1);
    assert_eq!(get_sync_state(&db.pool, "O/A", "issues").await.unwrap(), SyncState::default());
    assert_eq!(get_sync_state(&db.pool, "O/B", "issues").await.unwrap().watermark, Some(at("2024-03-01", "12:00:00")));
    assert!(quarantine::keys(&db.pool, "o/a", "issue_comments").await.unwrap().is_empty());
    assert_eq!(quarantine::keys(&db.pool, "o/b", "issue_comments").await.unwrap(), ["9"]);
    let left: Vec<i64> = repos::list_repositories(&db.pool).await.unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(left, [2]);
    // Accounts are shared between repositories: they stay.
    assert_eq!(crate::db::accounts::list_accounts(&db.pool).await.unwrap().len(), 1);
}

#[tokio::test]
async fn purging_a_repository_with_no_data_removes_just_its_row() {
    let f = fresh().await;
    add_repository(&f.db, 1, "o/a").await;
    let mut tx = f.db.begin_write().await.unwrap();
    repos::purge_repository(&mut tx, 1, "o/a").await.unwrap();
    repos::purge_repository(&mut tx, 99, "o/unknown").await.unwrap();
    tx.commit().await.unwrap();
    assert!(repos::list_repositories(&f.db.pool).await.unwrap().is_empty());
}
