//! The rest of the builders' vocabulary: releases, commits, and the collector's derived and
//! rollup steps ([`derive`], [`roll_up`]) that make stored items readable through the rollups and
//! week slices.

use super::{IssueBuilder, Person, account_id};
use crate::db::{
    Db,
    accounts::{self, AccountRow},
    activity::{self, ReleaseRow},
    commits::{self, CommitRow},
};

/// A release, published when created unless told otherwise.
#[derive(Debug, Clone)]
pub(crate) struct ReleaseBuilder {
    row: ReleaseRow,
    author: Option<Person>,
}

impl ReleaseBuilder {
    /// Release `id` of the repository, tagged `tag`, created and published at `at`.
    pub fn new(repo_id: i64, id: i64, tag: &str, at: i64) -> ReleaseBuilder {
        ReleaseBuilder {
            row: ReleaseRow {
                id,
                repo_id,
                tag_name: tag.to_owned(),
                name: None,
                draft: false,
                prerelease: false,
                author_id: None,
                created_at: at,
                published_at: Some(at),
            },
            author: None,
        }
    }

    pub fn named(mut self, name: &str) -> Self {
        self.row.name = Some(name.to_owned());
        self
    }

    /// A draft: never published.
    pub fn draft(mut self) -> Self {
        self.row.draft = true;
        self.row.published_at = None;
        self
    }

    /// Not published (`published_at` NULL) but not a draft either.
    pub fn unpublished(mut self) -> Self {
        self.row.published_at = None;
        self
    }

    pub fn published(mut self, at: i64) -> Self {
        self.row.published_at = Some(at);
        self
    }

    pub fn prerelease(mut self) -> Self {
        self.row.prerelease = true;
        self
    }

    pub fn by(mut self, who: impl Into<Person>) -> Self {
        let who = who.into();
        self.row.author_id = Some(who.id);
        self.author = Some(who);
        self
    }

    /// Stores the author and the release (`upsert_release`).
    pub async fn store(self, db: &Db) {
        if let Some(who) = self.author {
            who.store(db).await;
        }
        activity::upsert_release(&db.pool, &self.row).await.expect("release stored");
    }
}

/// A commit on the default branch, authored and committed at `at`, by a linked account (or by
/// an unlinked e-mail with [`commit_unlinked`]).
pub(crate) fn commit(repo_id: i64, sha: &str, who: &Person, at: i64) -> CommitRow {
    CommitRow {
        repo_id,
        sha: sha.to_owned(),
        author_id: Some(who.id),
        author_hash: None,
        authored_at: at,
        committed_at: at,
    }
}

/// A commit whose author e-mail is linked to no account.
pub(crate) fn commit_unlinked(repo_id: i64, sha: &str, author_hash: &str, at: i64) -> CommitRow {
    CommitRow {
        repo_id,
        sha: sha.to_owned(),
        author_id: None,
        author_hash: Some(author_hash.to_owned()),
        authored_at: at,
        committed_at: at,
    }
}

/// Stores commits (`upsert_commits`) with their authors' accounts, then rebuilds the repository's
/// `contributor_weeks` from all of its commits, as the collector's commits step does.
pub(crate) async fn store_commits(db: &Db, authors: &[&Person], rows: &[CommitRow]) {
    let people: Vec<AccountRow> = authors.iter().map(|p| p.row()).collect();
    accounts::upsert_accounts(&db.pool, &people).await.expect("accounts stored");
    commits::upsert_commits(&db.pool, rows).await.expect("commits stored");
    let mut repos: Vec<i64> = rows.iter().map(|c| c.repo_id).collect();
    repos.sort_unstable();
    repos.dedup();
    for repo_id in repos {
        let mut tx = db.begin_write().await.expect("write transaction");
        commits::rebuild_contributor_weeks(&mut tx, repo_id, 0).await.expect("contributor weeks rebuilt");
        tx.commit().await.expect("committed");
    }
}

/// The collector's derived step for one repository, over every item: first responses overall
/// and by role (maintainers inferred from `author_association`).
pub(crate) async fn derive(db: &Db, repo_id: i64) {
    derive_with(db, repo_id, None).await;
}

/// [`derive`] with configured maintainers (a JSON array of logins), or `None` to infer them.
pub(crate) async fn derive_with(db: &Db, repo_id: i64, maintainers: Option<&str>) {
    let mut tx = db.begin_write().await.expect("write transaction");
    crate::db::responses::recompute_responses(&mut tx, repo_id, i64::MIN, maintainers).await.expect("first responses");
    tx.commit().await.expect("committed");
}

/// [`crate::db::responses::recompute_responses`] in its own transaction, over the items updated at
/// or after `since`; how many items changed.
pub(crate) async fn respond(db: &Db, repo_id: i64, since: i64, maintainers: Option<&str>) -> u64 {
    let mut tx = db.begin_write().await.expect("write transaction");
    let changed =
        crate::db::responses::recompute_responses(&mut tx, repo_id, since, maintainers).await.expect("first responses");
    tx.commit().await.expect("committed");
    changed
}

/// [`derive`], then a rebuild of the repository's rollups and week slices from scratch, as the
/// collector's first run does (maintainers inferred).
pub(crate) async fn roll_up(db: &Db, repo_id: i64) {
    roll_up_with(db, repo_id, None).await;
}

/// [`roll_up`] with configured maintainers (a JSON array of logins).
pub(crate) async fn roll_up_with(db: &Db, repo_id: i64, maintainers: Option<&str>) {
    derive_with(db, repo_id, maintainers).await;
    let mut tx = db.begin_write().await.expect("write transaction");
    crate::db::rollups::rebuild_rollups(&mut tx, repo_id, maintainers).await.expect("rollups rebuilt");
    tx.commit().await.expect("committed");
}

#[tokio::test]
async fn builders_store_an_issue_with_its_conversation_through_the_upserts() {
    let f = crate::db::tests::fresh().await;
    let repo = crate::db::tests::add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = crate::db::tests::at("2024-03-04", "09:00:00");
    let id = IssueBuilder::issue(repo, 12)
        .opened(t)
        .by("ada")
        .label("good first issue")
        .comment_by("bob", t + 3600, "MEMBER")
        .closed(t + 7200)
        .store(&f.db)
        .await;
    assert_eq!(id, 1_000_012);
    let logins: Vec<String> =
        accounts::list_accounts(&f.db.pool).await.unwrap().into_iter().map(|a| a.login).collect::<Vec<_>>();
    let mut logins = logins;
    logins.sort();
    assert_eq!(logins, ["ada", "bob"]);
    let stored: (String, i64, i64, Option<i64>, String) =
        crate::db::sql::query_as("SELECT state, comments, updated_at, closed_at, labels FROM issues WHERE id = ?")
            .bind(id)
            .fetch_one(&f.db.pool)
            .await
            .unwrap();
    assert_eq!(stored, ("closed".to_owned(), 1, t + 7200, Some(t + 7200), r#"["good first issue"]"#.to_owned()));
    roll_up(&f.db, repo).await;
    let first: (Option<i64>, Option<i64>) =
        crate::db::sql::query_as("SELECT first_response_at, first_response_by FROM issues WHERE id = ?")
            .bind(id)
            .fetch_one(&f.db.pool)
            .await
            .unwrap();
    assert_eq!(first, (Some(t + 3600), Some(account_id("bob"))));
}
