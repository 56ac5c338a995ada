//! Small, chainable builders for DB-layer tests: people, issues and pull requests with their
//! conversation, releases and commits. Each writes through the db's own upserts (so building test
//! data also exercises them), as the collector does; [`derive`] and [`roll_up`] then run the
//! collector's derived-columns and rollup steps, so rollup-reading functions can be tested.
//!
//! ```ignore
//! let ada = Person::human("ada");
//! let issue = IssueBuilder::issue(REPO, 12).opened(t).by(&ada).label("good first issue")
//!     .comment_by("bob", t2, "MEMBER").closed(t3).store(&db).await;
//! IssueBuilder::pull(REPO, 13).opened(t).by("carol").merged(t4).merged_by("bob")
//!     .review_by("bob", t4, "APPROVED", "MEMBER").store(&db).await;
//! roll_up(&db, REPO).await;
//! ```
//!
//! Account ids are derived from the login ([`account_id`]), so a login names the same account
//! wherever it appears; a login ending in `[bot]` is a bot (as GitHub names apps). Item ids are
//! `repo_id * 1_000_000 + number`; comment, review and review-comment ids are the item's id times
//! 100 plus their position, so every id is unique and stable.

mod steps;

pub(crate) use steps::{
    ReleaseBuilder, commit, commit_unlinked, derive, derive_with, respond, roll_up, roll_up_with, store_commits,
};

use crate::db::{
    Db,
    accounts::{self, AccountRow},
    activity::{self, CommentRow, ReviewCommentRow, ReviewRow},
    issues::{self, IssueRow, PullDetails},
};

/// The account id a login gets in tests: FNV-1a of the lower-cased login (GitHub logins are
/// case-insensitive), in `1..=1_000_000_000`.
pub(crate) fn account_id(login: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in login.to_lowercase().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % 1_000_000_000) as i64 + 1
}

/// An account: a human, a bot or an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Person {
    pub id: i64,
    pub login: String,
    pub kind: String,
    pub name: Option<String>,
    pub is_bot: bool,
}

impl Person {
    /// A `User` account.
    pub fn human(login: &str) -> Person {
        Person { id: account_id(login), login: login.to_owned(), kind: "User".to_owned(), name: None, is_bot: false }
    }

    /// A `Bot` account, flagged as a bot.
    pub fn bot(login: &str) -> Person {
        Person { kind: "Bot".to_owned(), is_bot: true, ..Person::human(login) }
    }

    /// With a display name.
    pub fn named(mut self, name: &str) -> Person {
        self.name = Some(name.to_owned());
        self
    }

    /// With another id (to test two logins, or a renamed account).
    pub fn with_id(mut self, id: i64) -> Person {
        self.id = id;
        self
    }

    /// The `accounts` row.
    pub fn row(&self) -> AccountRow {
        AccountRow {
            id: self.id,
            login: self.login.clone(),
            kind: self.kind.clone(),
            name: self.name.clone(),
            is_bot: self.is_bot,
        }
    }

    /// Stores the account (through `upsert_account`) and returns it.
    pub async fn store(self, db: &Db) -> Person {
        accounts::upsert_account(&db.pool, &self.row()).await.expect("account stored");
        self
    }
}

impl From<&str> for Person {
    /// A login: a bot when it ends in `[bot]`, a human otherwise.
    fn from(login: &str) -> Person {
        if login.ends_with("[bot]") { Person::bot(login) } else { Person::human(login) }
    }
}

impl From<&Person> for Person {
    fn from(p: &Person) -> Person {
        p.clone()
    }
}

/// A response under an item: who, when, and GitHub's `author_association`.
#[derive(Debug, Clone)]
struct Reply {
    who: Person,
    at: i64,
    association: String,
}

/// An issue or pull request, with its comments, reviews and review comments.
#[derive(Debug, Clone)]
pub(crate) struct IssueBuilder {
    row: IssueRow,
    author: Option<Person>,
    merged_by: Option<Person>,
    ready_for_review_at: Option<i64>,
    updated: Option<i64>,
    comments: Vec<Reply>,
    /// With the review's state and `submitted_at` (None for a pending review).
    reviews: Vec<(Person, Option<i64>, String, String)>,
    review_comments: Vec<Reply>,
}

impl IssueBuilder {
    fn new(repo_id: i64, number: i64, is_pull_request: bool) -> IssueBuilder {
        let id = repo_id * 1_000_000 + number;
        let opened = super::at("2024-03-01", "12:00:00");
        IssueBuilder {
            row: IssueRow {
                id,
                repo_id,
                number,
                node_id: format!("{}_{id}", if is_pull_request { "PR" } else { "I" }),
                is_pull_request,
                title: format!("Item {number}"),
                state: "open".to_owned(),
                state_reason: None,
                author_id: None,
                author_association: "NONE".to_owned(),
                labels: "[]".to_owned(),
                assignees: "[]".to_owned(),
                milestone: None,
                comments: 0,
                created_at: opened,
                updated_at: opened,
                closed_at: None,
                draft: false,
                merged_at: None,
            },
            author: None,
            merged_by: None,
            ready_for_review_at: None,
            updated: None,
            comments: Vec::new(),
            reviews: Vec::new(),
            review_comments: Vec::new(),
        }
    }

    /// An open issue, opened 2024-03-01 12:00 UTC by nobody (a deleted account) until told.
    pub fn issue(repo_id: i64, number: i64) -> IssueBuilder {
        IssueBuilder::new(repo_id, number, false)
    }

    /// An open pull request, as [`IssueBuilder::issue`].
    pub fn pull(repo_id: i64, number: i64) -> IssueBuilder {
        IssueBuilder::new(repo_id, number, true)
    }

    pub fn opened(mut self, at: i64) -> Self {
        self.row.created_at = at;
        self
    }

    pub fn by(mut self, who: impl Into<Person>) -> Self {
        let who = who.into();
        self.row.author_id = Some(who.id);
        self.author = Some(who);
        self
    }

    /// The author's `author_association` on the item (default `NONE`).
    pub fn association(mut self, association: &str) -> Self {
        self.row.author_association = association.to_owned();
        self
    }

    pub fn title(mut self, title: &str) -> Self {
        self.row.title = title.to_owned();
        self
    }

    pub fn label(mut self, label: &str) -> Self {
        self.row.labels = push_json(&self.row.labels, label);
        self
    }

    /// In the GitHub milestone titled `title`.
    pub fn milestone(mut self, title: &str) -> Self {
        self.row.milestone = Some(title.to_owned());
        self
    }

    pub fn assignee(mut self, login: &str) -> Self {
        self.row.assignees = push_json(&self.row.assignees, login);
        self
    }

    /// Closed at `at` (completed).
    pub fn closed(mut self, at: i64) -> Self {
        self.row.state = "closed".to_owned();
        self.row.state_reason = Some("completed".to_owned());
        self.row.closed_at = Some(at);
        self
    }

    /// Open again after its last close (GitHub keeps `closed_at`).
    pub fn reopened(mut self) -> Self {
        self.row.state = "open".to_owned();
        self.row.state_reason = Some("reopened".to_owned());
        self
    }

    /// Merged (and so closed) at `at`.
    pub fn merged(mut self, at: i64) -> Self {
        self.row.merged_at = Some(at);
        self.closed(at)
    }

    /// Who merged it (written as the collector does, through `update_pull_details`).
    pub fn merged_by(mut self, who: impl Into<Person>) -> Self {
        self.merged_by = Some(who.into());
        self
    }

    /// Still a draft.
    pub fn draft(mut self) -> Self {
        self.row.draft = true;
        self
    }

    /// Opened as a draft and marked ready for review at `at` (its response clock starts there).
    pub fn ready_at(mut self, at: i64) -> Self {
        self.ready_for_review_at = Some(at);
        self
    }

    /// `updated_at` (default: the latest time of the item and everything under it).
    pub fn updated(mut self, at: i64) -> Self {
        self.updated = Some(at);
        self
    }

    /// A conversation comment.
    pub fn comment_by(mut self, who: impl Into<Person>, at: i64, association: &str) -> Self {
        self.comments.push(Reply { who: who.into(), at, association: association.to_owned() });
        self
    }

    /// A submitted review with its state (`APPROVED`, `COMMENTED`, …).
    pub fn review_by(mut self, who: impl Into<Person>, at: i64, state: &str, association: &str) -> Self {
        self.reviews.push((who.into(), Some(at), state.to_owned(), association.to_owned()));
        self
    }

    /// A review not yet submitted (`PENDING`, no `submitted_at`).
    pub fn pending_review_by(mut self, who: impl Into<Person>, association: &str) -> Self {
        self.reviews.push((who.into(), None, "PENDING".to_owned(), association.to_owned()));
        self
    }

    /// A review (diff) comment.
    pub fn review_comment_by(mut self, who: impl Into<Person>, at: i64, association: &str) -> Self {
        self.review_comments.push(Reply { who: who.into(), at, association: association.to_owned() });
        self
    }

    /// The `issues` row as the listing gives it.
    pub fn row(&self) -> IssueRow {
        let mut row = self.row.clone();
        row.comments = self.comments.len() as i64;
        let latest = [Some(row.created_at), row.closed_at, row.merged_at, self.ready_for_review_at]
            .into_iter()
            .flatten()
            .chain(self.comments.iter().map(|c| c.at))
            .chain(self.reviews.iter().filter_map(|r| r.1))
            .chain(self.review_comments.iter().map(|c| c.at))
            .max()
            .unwrap_or(row.created_at);
        row.updated_at = self.updated.unwrap_or(latest);
        row
    }

    /// Stores the accounts, the item (`upsert_issue`, then `update_pull_details` for a merger or
    /// a ready-for-review time), its comments, reviews and review comments; returns the item's id.
    pub async fn store(self, db: &Db) -> i64 {
        let row = self.row();
        let people = self
            .author
            .iter()
            .chain(&self.merged_by)
            .chain(self.comments.iter().map(|c| &c.who))
            .chain(self.reviews.iter().map(|r| &r.0))
            .chain(self.review_comments.iter().map(|c| &c.who));
        let people: Vec<AccountRow> = people.map(Person::row).collect();
        accounts::upsert_accounts(&db.pool, &people).await.expect("accounts stored");
        issues::upsert_issue(&db.pool, &row).await.expect("issue stored");
        if self.merged_by.is_some() || self.ready_for_review_at.is_some() {
            let details = PullDetails {
                repo_id: row.repo_id,
                number: row.number,
                draft: row.draft,
                merged_at: row.merged_at,
                merged_by_id: self.merged_by.as_ref().map(|p| p.id),
                ready_for_review_at: self.ready_for_review_at,
            };
            issues::update_pull_details(&db.pool, &details).await.expect("pull details stored");
        }
        let comments: Vec<CommentRow> = self
            .comments
            .iter()
            .zip(1..)
            .map(|(c, k)| CommentRow {
                id: row.id * 100 + k,
                repo_id: row.repo_id,
                issue_number: row.number,
                author_id: Some(c.who.id),
                author_association: c.association.clone(),
                created_at: c.at,
                updated_at: c.at,
            })
            .collect();
        activity::upsert_comments(&db.pool, &comments).await.expect("comments stored");
        let reviews: Vec<ReviewRow> = self
            .reviews
            .iter()
            .zip(1..)
            .map(|((who, at, state, association), k)| ReviewRow {
                id: row.id * 100 + k,
                repo_id: row.repo_id,
                pr_number: row.number,
                author_id: Some(who.id),
                author_association: association.clone(),
                state: state.clone(),
                submitted_at: *at,
            })
            .collect();
        activity::upsert_reviews(&db.pool, &reviews).await.expect("reviews stored");
        let review_comments: Vec<ReviewCommentRow> = self
            .review_comments
            .iter()
            .zip(1..)
            .map(|(c, k)| ReviewCommentRow {
                id: row.id * 100 + k,
                repo_id: row.repo_id,
                pr_number: row.number,
                review_id: None,
                author_id: Some(c.who.id),
                author_association: c.association.clone(),
                created_at: c.at,
                updated_at: c.at,
            })
            .collect();
        activity::upsert_review_comments(&db.pool, &review_comments).await.expect("review comments stored");
        row.id
    }
}

/// `list` (a JSON array of strings) with `value` appended.
fn push_json(list: &str, value: &str) -> String {
    let mut values: Vec<String> = serde_json::from_str(list).unwrap_or_default();
    values.push(value.to_owned());
    serde_json::to_string(&values).unwrap_or_else(|_| "[]".to_owned())
}
