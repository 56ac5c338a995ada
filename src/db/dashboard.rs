//! Queries behind the maintainer dashboards. Every query is bounded by an index or a rollup:
//! items created or closed in the window, open items, and the weekly rollups. None scans a
//! repository's whole history.
//!
//! A dashboard's scope is a set of repository ids (one repository, or an org's), passed as a
//! JSON array so one statement serves both.
//!
//! The rows of a window (items opened, items closed, pull requests, people's weeks) are each
//! defined once here, as the columns a macro selects; pages read them through the week slices
//! ([`super::slices`]), built from the same macros, and the `list_*` queries over them stay as
//! the reference the slices are tested against.

mod queue;

use sqlx::{AnyExecutor, FromRow};

pub use queue::*;

/// The JSON form of a scope, for `repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))`.
pub fn scope_json(repo_ids: &[i64]) -> String {
    json_list(repo_ids)
}

/// Ids or weeks as a JSON array, for `IN (SELECT CAST(value AS BIGINT) FROM json_each(?))`.
pub fn json_list<T: serde::Serialize + ?Sized>(values: &T) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".to_owned())
}

/// An issue or pull request opened in the window, with what response-time metrics need.
#[derive(Debug, Clone, FromRow)]
pub struct ResponseItemRow {
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_pull_request: bool,
    pub created_at: i64,
    /// Creation, or for a PR opened as a draft, when it was first marked ready for review.
    pub clock_start: i64,
    pub first_response_at: Option<i64>,
    pub first_maintainer_response_at: Option<i64>,
    pub first_community_response_at: Option<i64>,
    pub first_bot_response_at: Option<i64>,
    /// The author's first contribution to this repository (from `repo_people`).
    pub author_first_at: Option<i64>,
    #[sqlx(try_from = "crate::db::Flag")]
    pub author_is_maintainer: bool,
    #[sqlx(try_from = "crate::db::Flag")]
    pub author_is_bot: bool,
}

/// The columns of a [`ResponseItemRow`] and the joins they need, over `issues i`: one
/// definition for [`list_response_items`] and the week slices ([`super::slices`]).
macro_rules! response_item_select {
    () => {
        concat!(
            "SELECT i.is_pull_request, i.created_at, ",
            clock_start!(),
            " AS clock_start,
                i.first_response_at, i.first_maintainer_response_at, i.first_community_response_at,
                i.first_bot_response_at, rp.first_at AS author_first_at,
                COALESCE(rp.is_maintainer, 0) AS author_is_maintainer, COALESCE(a.is_bot, 0) AS author_is_bot
         FROM issues i
         LEFT JOIN accounts a ON a.id = i.author_id
         LEFT JOIN repo_people rp ON rp.repo_id = i.repo_id AND rp.account_id = i.author_id "
        )
    };
}

/// Which items have a response clock: all but pull requests still in draft.
macro_rules! response_item_kept {
    () => {
        concat!(" ", has_response_clock!(), " ")
    };
}

/// Items opened in `[from, to)`, except pull requests still in draft (their clock has not started).
/// Pages read them from the week slices; this is the reference the slices are tested against.
pub async fn list_response_items<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<ResponseItemRow>> {
    crate::db::sql::query_as(concat!(
        response_item_select!(),
        "WHERE i.repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND i.created_at >= ?2 AND i.created_at < ?3 AND",
        response_item_kept!()
    ))
    .bind(scope)
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await
}

/// An item closed in the window (the last close, for reopened issues).
#[derive(Debug, Clone, FromRow)]
pub struct ClosedItemRow {
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_pull_request: bool,
    pub created_at: i64,
    pub closed_at: i64,
    pub merged_at: Option<i64>,
    #[sqlx(try_from = "crate::db::Flag")]
    pub author_is_bot: bool,
}

/// The columns of a [`ClosedItemRow`] over `issues i`, and which items count as closed (one
/// definition for [`list_closed_items`] and the week slices).
macro_rules! closed_item_select {
    () => {
        "SELECT i.is_pull_request, i.created_at, i.closed_at, i.merged_at, COALESCE(a.is_bot, 0) AS author_is_bot
         FROM issues i LEFT JOIN accounts a ON a.id = i.author_id
         WHERE i.closed_at IS NOT NULL AND i.state = 'closed' AND "
    };
}

/// Items closed in `[from, to)`: the reference the week slices are tested against.
pub async fn list_closed_items<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<ClosedItemRow>> {
    crate::db::sql::query_as(concat!(
        closed_item_select!(),
        "i.repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND i.closed_at >= ?2 AND i.closed_at < ?3"
    ))
    .bind(scope)
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await
}

/// One week of backlog flow, summed over the scope; `bot_*` is the part authored by bots.
#[derive(Debug, Clone, Default, FromRow)]
pub struct RepoWeekRow {
    pub week: i64,
    pub opened_issues: i64,
    pub closed_issues: i64,
    pub opened_prs: i64,
    pub closed_prs: i64,
    pub merged_prs: i64,
    pub bot_opened_issues: i64,
    pub bot_closed_issues: i64,
    pub bot_opened_prs: i64,
    pub bot_closed_prs: i64,
    pub bot_merged_prs: i64,
    pub releases: i64,
}

impl RepoWeekRow {
    /// Adds another repository's counts of the same week.
    pub fn add(&mut self, o: &RepoWeekRow) {
        self.opened_issues += o.opened_issues;
        self.closed_issues += o.closed_issues;
        self.opened_prs += o.opened_prs;
        self.closed_prs += o.closed_prs;
        self.merged_prs += o.merged_prs;
        self.bot_opened_issues += o.bot_opened_issues;
        self.bot_closed_issues += o.bot_closed_issues;
        self.bot_opened_prs += o.bot_opened_prs;
        self.bot_closed_prs += o.bot_closed_prs;
        self.bot_merged_prs += o.bot_merged_prs;
        self.releases += o.releases;
    }
}

/// Every count of `repo_weeks` summed, named as [`RepoWeekRow`]'s fields: one definition for
/// [`list_repo_weeks`] and [`list_repo_weeks_each`].
macro_rules! repo_week_sums {
    () => {
        "CAST(SUM(opened_issues) AS BIGINT) AS opened_issues,
                CAST(SUM(closed_issues) AS BIGINT) AS closed_issues, CAST(SUM(opened_prs) AS BIGINT) AS opened_prs,
                CAST(SUM(closed_prs) AS BIGINT) AS closed_prs, CAST(SUM(merged_prs) AS BIGINT) AS merged_prs,
                CAST(SUM(bot_opened_issues) AS BIGINT) AS bot_opened_issues,
                CAST(SUM(bot_closed_issues) AS BIGINT) AS bot_closed_issues,
                CAST(SUM(bot_opened_prs) AS BIGINT) AS bot_opened_prs,
                CAST(SUM(bot_closed_prs) AS BIGINT) AS bot_closed_prs,
                CAST(SUM(bot_merged_prs) AS BIGINT) AS bot_merged_prs, CAST(SUM(releases) AS BIGINT) AS releases"
    };
}

/// The scope's weeks from `from_week` to before `to`, after one row (dated the week before
/// `from_week`) that sums every earlier week: all the backlog, a running sum, needs of the
/// history. So a page reads rows in proportion to its window, not to the scope's age.
pub async fn list_repo_weeks<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    from_week: i64,
    to: i64,
) -> sqlx::Result<Vec<RepoWeekRow>> {
    crate::db::sql::query_as(concat!(
        "SELECT ?2 - 604800 AS week, ",
        repo_week_sums!(),
        " FROM repo_weeks WHERE repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND week < ?2
         HAVING COUNT(*) > 0
         UNION ALL
         SELECT week, CAST(SUM(opened_issues) AS BIGINT), CAST(SUM(closed_issues) AS BIGINT),
                CAST(SUM(opened_prs) AS BIGINT), CAST(SUM(closed_prs) AS BIGINT), CAST(SUM(merged_prs) AS BIGINT),
                CAST(SUM(bot_opened_issues) AS BIGINT), CAST(SUM(bot_closed_issues) AS BIGINT),
                CAST(SUM(bot_opened_prs) AS BIGINT), CAST(SUM(bot_closed_prs) AS BIGINT),
                CAST(SUM(bot_merged_prs) AS BIGINT), CAST(SUM(releases) AS BIGINT)
         FROM repo_weeks WHERE repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND week >= ?2 AND week < ?3
         GROUP BY week
         ORDER BY week",
    ))
    .bind(scope)
    .bind(from_week)
    .bind(to)
    .fetch_all(ex)
    .await
}

/// A repository's week of backlog flow ([`RepoWeekRow`]), for [`list_repo_weeks_each`].
#[derive(Debug, Clone, FromRow)]
pub struct RepoWeekOfRow {
    pub repo_id: i64,
    #[sqlx(flatten)]
    pub week: RepoWeekRow,
}

/// [`list_repo_weeks`] for each repository of the scope apart, in one statement: each
/// repository's row summing its weeks before `from_week`, then its weeks, by repository and week.
pub async fn list_repo_weeks_each<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    from_week: i64,
    to: i64,
) -> sqlx::Result<Vec<RepoWeekOfRow>> {
    crate::db::sql::query_as(concat!(
        "SELECT repo_id, ?2 - 604800 AS week, ",
        repo_week_sums!(),
        " FROM repo_weeks WHERE repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND week < ?2
         GROUP BY repo_id
         UNION ALL
         SELECT repo_id, week, opened_issues, closed_issues, opened_prs, closed_prs, merged_prs, bot_opened_issues,
                bot_closed_issues, bot_opened_prs, bot_closed_prs, bot_merged_prs, releases
         FROM repo_weeks WHERE repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND week >= ?2 AND week < ?3
         ORDER BY 1, 2",
    ))
    .bind(scope)
    .bind(from_week)
    .bind(to)
    .fetch_all(ex)
    .await
}

/// One person's contributions in one week, summed over the scope.
#[derive(Debug, Clone, FromRow)]
pub struct PersonWeekRow {
    pub week: i64,
    pub account_id: i64,
    pub login: String,
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_bot: bool,
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_maintainer: bool,
    pub issues_opened: i64,
    pub prs_opened: i64,
    pub prs_merged: i64,
    pub merges: i64,
    pub comments: i64,
    pub responses: i64,
    pub reviews: i64,
    pub review_comments: i64,
    pub triage: i64,
    pub commits: i64,
}

impl PersonWeekRow {
    /// Adds the same person's week in another repository (a maintainer in either is one).
    pub fn add(&mut self, o: &PersonWeekRow) {
        self.is_maintainer |= o.is_maintainer;
        self.issues_opened += o.issues_opened;
        self.prs_opened += o.prs_opened;
        self.prs_merged += o.prs_merged;
        self.merges += o.merges;
        self.comments += o.comments;
        self.responses += o.responses;
        self.reviews += o.reviews;
        self.review_comments += o.review_comments;
        self.triage += o.triage;
        self.commits += o.commits;
    }
}

/// Weeks starting in `[from_week, to)`. Pages read them from the week slices; this is the
/// reference the slices are tested against.
pub async fn list_person_weeks<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    from_week: i64,
    to: i64,
) -> sqlx::Result<Vec<PersonWeekRow>> {
    person_weeks(ex, scope, from_week, to, false).await
}

/// The maintainers' rows of [`list_person_weeks`] only (the roster of [`list_maintainers`]):
/// enough for who was active, and far fewer rows to decode on a busy repository.
pub async fn list_maintainer_weeks<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    from_week: i64,
    to: i64,
) -> sqlx::Result<Vec<PersonWeekRow>> {
    person_weeks(ex, scope, from_week, to, true).await
}

/// The columns of a person's week in one repository, over `person_weeks pw` (one definition for
/// [`person_weeks`] and the week slices, which keep `account_id` too to merge repositories).
macro_rules! person_week_select {
    () => {
        "SELECT pw.week, pw.account_id, a.login, a.is_bot, COALESCE(rp.is_maintainer, 0) AS is_maintainer,
                pw.issues_opened, pw.prs_opened, pw.prs_merged, pw.merges, pw.comments, pw.responses, pw.reviews,
                pw.review_comments, pw.triage, pw.commits
         FROM person_weeks pw
         JOIN accounts a ON a.id = pw.account_id
         LEFT JOIN repo_people rp ON rp.repo_id = pw.repo_id AND rp.account_id = pw.account_id "
    };
}

/// [`person_weeks`]: `?4` is 1 for the maintainers' rows only.
pub(in crate::db) const SCOPE_PERSON_WEEKS: &str = concat!(
    "SELECT week, account_id, login, is_bot, MAX(is_maintainer) AS is_maintainer,
            CAST(SUM(issues_opened) AS BIGINT) AS issues_opened, CAST(SUM(prs_opened) AS BIGINT) AS prs_opened,
            CAST(SUM(prs_merged) AS BIGINT) AS prs_merged, CAST(SUM(merges) AS BIGINT) AS merges,
            CAST(SUM(comments) AS BIGINT) AS comments, CAST(SUM(responses) AS BIGINT) AS responses,
            CAST(SUM(reviews) AS BIGINT) AS reviews, CAST(SUM(review_comments) AS BIGINT) AS review_comments,
            CAST(SUM(triage) AS BIGINT) AS triage, CAST(SUM(commits) AS BIGINT) AS commits
     FROM (",
    person_week_select!(),
    "WHERE pw.repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND pw.week >= ?2 AND pw.week < ?3) AS scoped
     WHERE ?4 = 0 OR (is_maintainer = 1 AND is_bot = 0)
     GROUP BY week, account_id, login, is_bot ORDER BY week, login"
);

async fn person_weeks<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    from_week: i64,
    to: i64,
    maintainers_only: bool,
) -> sqlx::Result<Vec<PersonWeekRow>> {
    crate::db::sql::query_as(SCOPE_PERSON_WEEKS)
        .bind(scope)
        .bind(from_week)
        .bind(to)
        .bind(i64::from(maintainers_only))
        .fetch_all(ex)
        .await
}

/// The scope's human maintainers' rows of `repo_people rp` joined with `accounts a`: one
/// definition for [`MAINTAINERS`] and [`list_maintainers_each`].
macro_rules! maintainers_from {
    () => {
        " FROM repo_people rp
     JOIN accounts a ON a.id = rp.account_id
     WHERE rp.repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND rp.is_maintainer = 1 AND a.is_bot = 0"
    };
}

/// [`list_maintainers`], read through the partial index `repo_people_maintainers`, which holds only
/// maintainers (a plan test in `db/rollups/tests.rs` checks that SQLite still picks it).
pub(in crate::db) const MAINTAINERS: &str =
    concat!("SELECT DISTINCT a.login", maintainers_from!(), " ORDER BY a.login");

/// The scope's human maintainers (inferred or configured), for the load roster.
pub async fn list_maintainers<'e>(ex: impl AnyExecutor<'e>, scope: &str) -> sqlx::Result<Vec<String>> {
    crate::db::sql::query_scalar(MAINTAINERS).bind(scope).fetch_all(ex).await
}

/// [`list_maintainers`] of each repository of the scope apart, in one statement: `(repository,
/// login)`, by repository and login.
pub async fn list_maintainers_each<'e>(ex: impl AnyExecutor<'e>, scope: &str) -> sqlx::Result<Vec<(i64, String)>> {
    crate::db::sql::query_as(concat!("SELECT DISTINCT rp.repo_id, a.login", maintainers_from!(), " ORDER BY 1, 2"))
        .bind(scope)
        .fetch_all(ex)
        .await
}

/// A pull request opened or closed in the window (drafts included: opening one is a change request).
#[derive(Debug, Clone, FromRow)]
pub struct ChangeRequestRow {
    pub created_at: i64,
    pub closed_at: Option<i64>,
    pub merged_at: Option<i64>,
    #[sqlx(try_from = "crate::db::Flag")]
    pub author_is_bot: bool,
}

/// The columns of a change request over `issues i`: [`ChangeRequestRow`]'s, after its `id` and
/// the raw `closed_at` that decides whether it was closed in a window (one definition for
/// [`list_change_requests`] and the week slices).
macro_rules! change_request_select {
    () => {
        "SELECT i.id, i.closed_at AS closed_any, i.created_at, CASE WHEN i.state = 'closed' THEN i.closed_at END AS closed_at,
                i.merged_at, COALESCE(a.is_bot, 0) AS author_is_bot
         FROM issues i LEFT JOIN accounts a ON a.id = i.author_id
         WHERE i.is_pull_request = 1 AND "
    };
}

/// Pull requests opened or closed in `[from, to)`: the reference the week slices are tested
/// against.
pub async fn list_change_requests<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<ChangeRequestRow>> {
    // Two index range scans (created, closed), not one OR that would read the whole repository.
    crate::db::sql::query_as(concat!(
        "SELECT created_at, closed_at, merged_at, author_is_bot FROM (",
        change_request_select!(),
        "i.id IN (
             SELECT id FROM issues WHERE repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND created_at >= ?2 AND created_at < ?3
             UNION
             SELECT id FROM issues WHERE repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND closed_at >= ?2 AND closed_at < ?3)) AS requests"
    ))
    .bind(scope)
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await
}
