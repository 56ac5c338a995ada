//! Newcomer onboarding data: community profiles, timelines of open newcomer-labelled issues,
//! and the queries behind the finder and the per-project newcomer page.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, Default, PartialEq, FromRow, serde::Serialize)]
pub struct CommunityProfileRow {
    pub repo_id: i64,
    pub health_percentage: i64,
    #[sqlx(try_from = "crate::db::Flag")]
    pub has_readme: bool,
    #[sqlx(try_from = "crate::db::Flag")]
    pub has_contributing: bool,
    #[sqlx(try_from = "crate::db::Flag")]
    pub has_code_of_conduct: bool,
    #[sqlx(try_from = "crate::db::Flag")]
    pub has_license: bool,
    #[sqlx(try_from = "crate::db::Flag")]
    pub has_issue_template: bool,
    #[sqlx(try_from = "crate::db::Flag")]
    pub has_pull_request_template: bool,
    pub contributing_url: Option<String>,
    pub updated_at: Option<i64>,
}

pub async fn upsert_community_profile<'e>(ex: impl AnyExecutor<'e>, p: &CommunityProfileRow) -> sqlx::Result<()> {
    crate::db::sql::query(
        "INSERT INTO community_profiles (repo_id, health_percentage, has_readme, has_contributing, has_code_of_conduct,
             has_license, has_issue_template, has_pull_request_template, contributing_url, updated_at)
         VALUES (?,?,?,?,?,?,?,?,?,?)
         ON CONFLICT (repo_id) DO UPDATE SET health_percentage = excluded.health_percentage,
             has_readme = excluded.has_readme, has_contributing = excluded.has_contributing,
             has_code_of_conduct = excluded.has_code_of_conduct, has_license = excluded.has_license,
             has_issue_template = excluded.has_issue_template,
             has_pull_request_template = excluded.has_pull_request_template,
             contributing_url = excluded.contributing_url, updated_at = excluded.updated_at",
    )
    .bind(p.repo_id)
    .bind(p.health_percentage)
    .bind(i64::from(p.has_readme))
    .bind(i64::from(p.has_contributing))
    .bind(i64::from(p.has_code_of_conduct))
    .bind(i64::from(p.has_license))
    .bind(i64::from(p.has_issue_template))
    .bind(i64::from(p.has_pull_request_template))
    .bind(&p.contributing_url)
    .bind(p.updated_at)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn list_community_profiles<'e>(ex: impl AnyExecutor<'e>) -> sqlx::Result<Vec<CommunityProfileRow>> {
    crate::db::sql::query_as("SELECT * FROM community_profiles ORDER BY repo_id").fetch_all(ex).await
}

/// One timeline item of a newcomer-labelled issue.
#[derive(Debug, Clone, PartialEq, FromRow, serde::Serialize)]
pub struct TimelineRow {
    pub issue_id: i64,
    pub seq: i64,
    /// `comment`, `assigned`, `unassigned`, `cross_reference` or `connected`.
    pub kind: String,
    pub at: i64,
    pub login: Option<String>,
    pub association: Option<String>,
    pub body: Option<String>,
    pub pr_number: Option<i64>,
    pub pr_state: Option<String>,
    #[sqlx(try_from = "crate::db::Flag")]
    pub will_close: bool,
}

/// Replaces an issue's stored timeline.
pub async fn replace_timeline(tx: &mut sqlx::AnyConnection, issue_id: i64, rows: &[TimelineRow]) -> sqlx::Result<()> {
    crate::db::sql::query("DELETE FROM issue_timeline WHERE issue_id = ?").bind(issue_id).execute(&mut *tx).await?;
    for r in rows {
        crate::db::sql::query(
            "INSERT INTO issue_timeline (issue_id, seq, kind, at, login, association, body, pr_number, pr_state, will_close)
             VALUES (?,?,?,?,?,?,?,?,?,?)",
        )
        .bind(r.issue_id)
        .bind(r.seq)
        .bind(&r.kind)
        .bind(r.at)
        .bind(&r.login)
        .bind(&r.association)
        .bind(&r.body)
        .bind(r.pr_number)
        .bind(&r.pr_state)
        .bind(i64::from(r.will_close))
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// An open issue (not a pull request) that changed since the newcomer pass last looked.
#[derive(Debug, Clone, FromRow)]
pub struct LabelledIssueRow {
    pub id: i64,
    pub node_id: String,
    pub labels: String,
    pub updated_at: i64,
    #[sqlx(try_from = "crate::db::Flag")]
    pub open: bool,
}

/// Forgets the timelines of issues that closed or lost their newcomer labels.
pub async fn delete_timelines(tx: &mut sqlx::AnyConnection, issue_ids: &[i64]) -> sqlx::Result<()> {
    let ids = serde_json::to_string(issue_ids).unwrap_or_else(|_| "[]".to_owned());
    crate::db::sql::query(
        "DELETE FROM issue_timeline WHERE issue_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
    )
    .bind(ids)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Issues (not pull requests) updated at or after `since`, open or closed, and those whose stored
/// timeline links a pull request of the repository that changed since (merged, closed, reopened:
/// GitHub does not bump the issue for that): the newcomer pass fetches the open
/// newcomer-labelled ones and forgets the timelines of the rest.
pub async fn list_issues_updated_since<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    since: i64,
) -> sqlx::Result<Vec<LabelledIssueRow>> {
    crate::db::sql::query_as(
        // Two index searches joined by UNION, with the join order fixed (CROSS JOIN): as one
        // `updated_at >= ?2 OR EXISTS (…)` the planner probed every issue of the repository
        // against every recently updated pull request (25 s for a repository of 110k items).
        "SELECT id, node_id, labels, updated_at, CASE WHEN state = 'open' THEN 1 ELSE 0 END AS open FROM issues
         WHERE repo_id = ?1 AND is_pull_request = 0 AND updated_at >= ?2
         UNION
         SELECT i.id, i.node_id, i.labels, i.updated_at, CASE WHEN i.state = 'open' THEN 1 ELSE 0 END
           FROM issue_timeline t CROSS JOIN issues i CROSS JOIN issues p
          WHERE i.id = t.issue_id AND p.repo_id = i.repo_id AND p.number = t.pr_number
            AND t.pr_number IS NOT NULL AND i.repo_id = ?1 AND i.is_pull_request = 0
            AND p.is_pull_request = 1 AND p.updated_at >= ?2
         ORDER BY 4, 1",
    )
    .bind(repo_id)
    .bind(since)
    .fetch_all(ex)
    .await
}

/// Stored timelines of the given issues, in order.
pub async fn list_timelines<'e>(ex: impl AnyExecutor<'e>, issue_ids: &[i64]) -> sqlx::Result<Vec<TimelineRow>> {
    let ids = serde_json::to_string(issue_ids).unwrap_or_else(|_| "[]".to_owned());
    crate::db::sql::query_as(
        "SELECT * FROM issue_timeline WHERE issue_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?)) ORDER BY issue_id, seq",
    )
    .bind(ids)
    .fetch_all(ex)
    .await
}

/// A pull request opened by someone whose first contribution to the repository it was.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct FirstTimerPrRow {
    pub repo_id: i64,
    pub created_at: i64,
    pub clock_start: i64,
    pub first_response_at: Option<i64>,
    pub merged_at: Option<i64>,
    pub closed_at: Option<i64>,
}

pub async fn list_first_timer_prs<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    since: i64,
) -> sqlx::Result<Vec<FirstTimerPrRow>> {
    crate::db::sql::query_as(concat!(
        "SELECT i.repo_id, i.created_at, ",
        clock_start!(),
        " AS clock_start,
                i.first_response_at, i.merged_at, CASE WHEN i.state = 'closed' THEN i.closed_at END AS closed_at
         FROM issues i
         JOIN repo_people rp ON rp.repo_id = i.repo_id AND rp.account_id = i.author_id
         JOIN accounts a ON a.id = i.author_id
         WHERE i.repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND i.is_pull_request = 1 AND i.created_at >= ?2
           AND i.created_at <= rp.first_at AND rp.is_maintainer = 0 AND a.is_bot = 0 AND ",
        has_response_clock!()
    ))
    .bind(scope)
    .bind(since)
    .fetch_all(ex)
    .await
}

/// Per repository: the last time a (human) maintainer contributed.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct MaintainerActivityRow {
    pub repo_id: i64,
    pub last_at: Option<i64>,
}

pub async fn list_last_maintainer_activity<'e>(ex: impl AnyExecutor<'e>) -> sqlx::Result<Vec<MaintainerActivityRow>> {
    crate::db::sql::query_as(
        "SELECT rp.repo_id, MAX(rp.last_at) AS last_at FROM repo_people rp JOIN accounts a ON a.id = rp.account_id
         WHERE rp.is_maintainer = 1 AND a.is_bot = 0 GROUP BY rp.repo_id",
    )
    .fetch_all(ex)
    .await
}

/// First and second engagement of every human non-maintainer contributor of a repository.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct NewcomerRow {
    pub login: String,
    pub first_at: i64,
    pub second_at: Option<i64>,
}

pub async fn list_contributors_first_second<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
) -> sqlx::Result<Vec<NewcomerRow>> {
    crate::db::sql::query_as(
        "SELECT a.login, rp.first_at, rp.second_at FROM repo_people rp JOIN accounts a ON a.id = rp.account_id
         WHERE rp.repo_id = ? AND rp.is_maintainer = 0 AND a.is_bot = 0 ORDER BY rp.first_at",
    )
    .bind(repo_id)
    .fetch_all(ex)
    .await
}

/// Newcomer-labelled issues (open or closed) of a repository created since `since`, for outcomes.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct LabelledOutcomeRow {
    pub id: i64,
    pub labels: String,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    pub first_response_at: Option<i64>,
}

pub async fn list_labelled_issues<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    since: i64,
) -> sqlx::Result<Vec<LabelledOutcomeRow>> {
    crate::db::sql::query_as(
        "SELECT id, labels, created_at, CASE WHEN state = 'closed' THEN closed_at END AS closed_at, first_response_at
         FROM issues WHERE repo_id = ? AND is_pull_request = 0 AND labels <> '[]' AND created_at >= ?",
    )
    .bind(repo_id)
    .bind(since)
    .fetch_all(ex)
    .await
}

/// A (human) maintainer of a repository, by `repo_people.is_maintainer`.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct RepoMaintainerRow {
    pub repo_id: i64,
    pub login: String,
}

/// The maintainers of the repositories in `scope` (a JSON array of ids, see `dashboard::scope_json`).
pub async fn list_maintainer_logins<'e>(ex: impl AnyExecutor<'e>, scope: &str) -> sqlx::Result<Vec<RepoMaintainerRow>> {
    crate::db::sql::query_as(
        "SELECT rp.repo_id, a.login FROM repo_people rp JOIN accounts a ON a.id = rp.account_id
         WHERE rp.repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND rp.is_maintainer = 1 AND a.is_bot = 0
         ORDER BY rp.repo_id, a.login",
    )
    .bind(scope)
    .fetch_all(ex)
    .await
}

/// A merged pull request that closed a newcomer-labelled issue, with whether its author was a
/// first-timer drawn in by the issue: no maintainer, no bot, and a first contribution to the
/// repository after the issue was opened (often a claim comment, then the pull request).
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ClosingPrRow {
    pub issue_id: i64,
    pub pr_number: i64,
    pub merged_at: i64,
    /// The author's first contribution came after the issue was opened; no maintainer, no bot.
    #[sqlx(try_from = "crate::db::Flag")]
    pub by_first_timer: bool,
    pub author_first_at: Option<i64>,
    pub author_second_at: Option<i64>,
}

/// Merged closing pull requests of the repository's labelled issues created since `since`.
/// Only issues whose timeline was stored (fetched while they were open) can have any.
pub async fn list_closing_prs<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    since: i64,
) -> sqlx::Result<Vec<ClosingPrRow>> {
    crate::db::sql::query_as(
        "SELECT DISTINCT t.issue_id, p.number AS pr_number, p.merged_at,
                (rp.first_at IS NOT NULL AND rp.first_at >= i.created_at AND rp.is_maintainer = 0
                 AND COALESCE(a.is_bot, 0) = 0) AS by_first_timer,
                rp.first_at AS author_first_at, rp.second_at AS author_second_at
         FROM issue_timeline t
         JOIN issues i ON i.id = t.issue_id
         JOIN issues p ON p.repo_id = i.repo_id AND p.number = t.pr_number AND p.is_pull_request = 1
         LEFT JOIN repo_people rp ON rp.repo_id = p.repo_id AND rp.account_id = p.author_id
         LEFT JOIN accounts a ON a.id = p.author_id
         WHERE i.repo_id = ?1 AND i.created_at >= ?2 AND p.merged_at IS NOT NULL
           AND (t.kind = 'connected' OR (t.kind = 'cross_reference' AND t.will_close = 1))
         ORDER BY t.issue_id, p.number",
    )
    .bind(repo_id)
    .bind(since)
    .fetch_all(ex)
    .await
}

/// Closed labelled issues of the repository created since `since` that are assigned to a
/// first-timer (first contribution after the issue was opened; no maintainer, no bot) with a pull
/// request opened after the issue and merged before its close: how a fix by a newcomer looks once
/// the issue's timeline is gone (projects assign the issue to whoever fixes it). Same rows as
/// [`list_closing_prs`].
pub async fn list_assigned_first_timer_fixes<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    since: i64,
) -> sqlx::Result<Vec<ClosingPrRow>> {
    crate::db::sql::query_as(
        // The join order is fixed (CROSS JOIN, and the assignee's pull requests through the
        // author index: `+p.repo_id` keeps SQLite off the indexes that start with the
        // repository): left to itself the planner read every merged pull request of the
        // repository for each closed issue (55 s for atlas).
        "SELECT DISTINCT i.id AS issue_id, p.number AS pr_number, p.merged_at, 1 AS by_first_timer,
                rp.first_at AS author_first_at, rp.second_at AS author_second_at
         FROM issues i CROSS JOIN json_each(i.assignees) j CROSS JOIN accounts a CROSS JOIN repo_people rp
         CROSS JOIN issues p
         WHERE a.login = j.value COLLATE NOCASE AND a.is_bot = 0
           AND rp.repo_id = i.repo_id AND rp.account_id = a.id AND rp.is_maintainer = 0
           AND rp.first_at >= i.created_at
           AND +p.repo_id = i.repo_id AND p.author_id = a.id AND p.is_pull_request = 1
           AND p.merged_at IS NOT NULL AND p.created_at >= i.created_at AND p.merged_at <= i.closed_at
           AND i.repo_id = ?1 AND i.created_at >= ?2 AND i.is_pull_request = 0 AND i.state = 'closed'
           AND i.labels <> '[]' AND i.assignees <> '[]'
         ORDER BY i.id, p.number",
    )
    .bind(repo_id)
    .bind(since)
    .fetch_all(ex)
    .await
}
