//! Queries behind the impact report (`/reports/{owner}/{name}`): what a repository delivered in a
//! period, its releases there, and the issue spans the before/after backlog is counted from.
//!
//! Bot-authored issues and pull requests are left out here, in SQL, as the report says; releases
//! count whoever published them. The before/after response times, closure ratio and maintainer
//! activity reuse the maintainer dashboard's queries (`db::dashboard`). Definitions of each count
//! live beside the report maths (`funding::report`).

use sqlx::{AnyExecutor, AnyPool, FromRow};

/// What a repository delivered in `[from, to)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromRow)]
pub struct OutputCountsRow {
    /// Pull requests merged in the period, bot authors excluded.
    pub merged_prs: i64,
    /// Issues (not pull requests) whose last close is in the period and still closed, bot authors excluded.
    pub closed_issues: i64,
    /// Releases published in the period, drafts excluded.
    pub releases: i64,
    /// Humans whose first contribution is in the period.
    pub new_contributors: i64,
    /// Of those, the ones whose second engagement came before the period's end.
    pub returning_first_timers: i64,
}

/// The first-timers of `[?2, ?3)` and, of those, the ones whose second engagement came before `?3`.
pub(in crate::db) const FIRST_TIMERS: &str =
    "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN rp.second_at IS NOT NULL AND rp.second_at < ?3 THEN 1 ELSE 0 END), 0) AS BIGINT)
     FROM repo_people rp
     WHERE rp.repo_id = ?1 AND rp.first_at >= ?2 AND rp.first_at < ?3
       AND NOT EXISTS (SELECT 1 FROM accounts bot WHERE bot.id = rp.account_id AND bot.is_bot <> 0)";

/// The period's counts, read by four statements at once on `pool` (each walks its own index;
/// together they took as long as the slowest instead of their sum). "Not by a bot" is an
/// anti-join against the few bot accounts (index `accounts_bots`), not a join with every account:
/// PostgreSQL hashed all of them for each count.
pub async fn count_outputs(pool: &AnyPool, repo_id: i64, from: i64, to: i64) -> sqlx::Result<OutputCountsRow> {
    let count =
        |sql: &'static str| crate::db::sql::query_scalar::<i64>(sql).bind(repo_id).bind(from).bind(to).fetch_one(pool);
    let (merged_prs, closed_issues, releases, (new_contributors, returning_first_timers)) = tokio::try_join!(
        count(
            "SELECT COUNT(*) FROM issues i
             WHERE i.repo_id = ?1 AND i.is_pull_request = 1 AND i.merged_at >= ?2 AND i.merged_at < ?3
               AND NOT EXISTS (SELECT 1 FROM accounts bot WHERE bot.id = i.author_id AND bot.is_bot <> 0)"
        ),
        count(
            "SELECT COUNT(*) FROM issues i
             WHERE i.repo_id = ?1 AND i.is_pull_request = 0 AND i.state = 'closed'
               AND i.closed_at >= ?2 AND i.closed_at < ?3
               AND NOT EXISTS (SELECT 1 FROM accounts bot WHERE bot.id = i.author_id AND bot.is_bot <> 0)"
        ),
        count(
            "SELECT COUNT(*) FROM releases
             WHERE repo_id = ?1 AND draft = 0
               AND COALESCE(published_at, created_at) >= ?2 AND COALESCE(published_at, created_at) < ?3"
        ),
        // Both counts of first-timers in one pass over the repository's people.
        crate::db::sql::query_as::<(i64, i64)>(FIRST_TIMERS).bind(repo_id).bind(from).bind(to).fetch_one(pool),
    )?;
    Ok(OutputCountsRow { merged_prs, closed_issues, releases, new_contributors, returning_first_timers })
}

/// A release published in the period.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ReportReleaseRow {
    pub tag_name: String,
    pub name: Option<String>,
    #[sqlx(try_from = "crate::db::Flag")]
    pub prerelease: bool,
    pub published_at: i64,
}

/// Releases published in `[from, to)` (drafts excluded), oldest first.
pub async fn list_releases_in<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<ReportReleaseRow>> {
    crate::db::sql::query_as(
        "SELECT tag_name, name, prerelease, COALESCE(published_at, created_at) AS published_at FROM releases
         WHERE repo_id = ?1 AND draft = 0
           AND COALESCE(published_at, created_at) >= ?2 AND COALESCE(published_at, created_at) < ?3
         ORDER BY 4, tag_name",
    )
    .bind(repo_id)
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await
}

/// An issue's opening and last close (`None` while open, also after a reopen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
pub struct IssueSpanRow {
    pub created_at: i64,
    pub closed_at: Option<i64>,
}

/// The columns of an [`IssueSpanRow`] and which issues have one (human-authored, not pull
/// requests), over `issues i`: one definition for [`list_issue_spans`] and the week slices. The
/// unary `+` keeps SQLite's planner off `issues_repo_created` (repository and kind), so it takes
/// the index each caller's own condition names (`issues_span_open`, `issues_repo_closed`).
macro_rules! issue_span_select {
    () => {
        "SELECT i.created_at, CASE WHEN i.state = 'closed' THEN i.closed_at END AS closed_at
         FROM issues i LEFT JOIN accounts a ON a.id = i.author_id
         WHERE +i.is_pull_request = 0 AND COALESCE(a.is_bot, 0) = 0 AND "
    };
}

/// Human-authored issues (not pull requests) that were open at some instant of `[from, to]`:
/// opened before `to` and not closed before `from`. Enough to count the open backlog at any
/// instant in that range. The reference the week slices are tested against; the report reads
/// them from the slices.
pub async fn list_issue_spans<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<IssueSpanRow>> {
    crate::db::sql::query_as(concat!(
        issue_span_select!(),
        "i.repo_id = ?1 AND i.created_at < ?3 AND NOT (i.state = 'closed' AND i.closed_at IS NOT NULL AND i.closed_at < ?2)"
    ))
    .bind(repo_id)
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await
}

/// A human-authored issue or pull request for the report's response times: when it was opened,
/// when its clock started (ready for review, for a PR opened as a draft) and its first response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
pub struct ReportItemRow {
    pub created_at: i64,
    pub clock_start: i64,
    pub first_response_at: Option<i64>,
}

impl ReportItemRow {
    /// The report's columns of a response item.
    pub fn of(r: &crate::db::dashboard::ResponseItemRow) -> ReportItemRow {
        ReportItemRow { created_at: r.created_at, clock_start: r.clock_start, first_response_at: r.first_response_at }
    }
}

/// Items opened in `[from, to)` by humans, except pull requests still in draft: the rows of
/// `dashboard::list_response_items` the report reads, with bots left out in SQL and only the three
/// columns it uses. The report reads them from the week slices (the response items, bots left
/// out in Rust); this is the reference those are tested against.
pub async fn list_human_items<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<ReportItemRow>> {
    crate::db::sql::query_as(concat!(
        "SELECT i.created_at, ",
        clock_start!(),
        " AS clock_start, i.first_response_at
         FROM issues i LEFT JOIN accounts a ON a.id = i.author_id
         WHERE i.repo_id = ?1 AND i.created_at >= ?2 AND i.created_at < ?3 AND COALESCE(a.is_bot, 0) = 0 AND ",
        has_response_clock!()
    ))
    .bind(repo_id)
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await
}
