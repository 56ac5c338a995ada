//! Issues and pull requests: upserts from the listings, PR details, and the derived
//! "first human non-author response" that the dashboards read instead of scanning comments.

use sqlx::{AnyExecutor, FromRow};

/// The fields of `issues` that the `/issues` listing provides.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueRow {
    pub id: i64,
    pub repo_id: i64,
    pub number: i64,
    pub node_id: String,
    pub is_pull_request: bool,
    pub title: String,
    pub state: String,
    pub state_reason: Option<String>,
    pub author_id: Option<i64>,
    pub author_association: String,
    /// JSON array of label names.
    pub labels: String,
    /// JSON array of assignee logins.
    pub assignees: String,
    pub milestone: Option<String>,
    pub comments: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
    pub draft: bool,
    pub merged_at: Option<i64>,
}

/// Inserts or updates an issue from the listing; PR details and derived columns are kept.
pub async fn upsert_issue<'e>(ex: impl AnyExecutor<'e>, i: &IssueRow) -> sqlx::Result<()> {
    upsert_issues(ex, std::slice::from_ref(i)).await
}

/// [`upsert_issue`] for a page of issues, in one statement.
pub async fn upsert_issues<'e>(ex: impl AnyExecutor<'e>, rows: &[IssueRow]) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let tuples: Vec<_> = super::activity::last_per_key(rows, |i| i.id)
        .into_iter()
        .map(|i| {
            (
                (
                    i.id,
                    i.repo_id,
                    i.number,
                    &i.node_id,
                    i64::from(i.is_pull_request),
                    &i.title,
                    &i.state,
                    &i.state_reason,
                ),
                (i.author_id, &i.author_association, &i.labels, &i.assignees, &i.milestone, i.comments),
                (i.created_at, i.updated_at, i.closed_at, i64::from(i.draft), i.merged_at),
            )
        })
        .collect();
    crate::db::sql::query(
        "INSERT INTO issues (id, repo_id, number, node_id, is_pull_request, title, state, state_reason,
             author_id, author_association, labels, assignees, milestone, comments,
             created_at, updated_at, closed_at, draft, merged_at)
         SELECT CAST(value->0->>0 AS BIGINT), CAST(value->0->>1 AS BIGINT), CAST(value->0->>2 AS BIGINT), value->0->>3, CAST(value->0->>4 AS BIGINT),
                value->0->>5, value->0->>6, value->0->>7,
                CAST(value->1->>0 AS BIGINT), value->1->>1, value->1->>2, value->1->>3, value->1->>4,
                CAST(value->1->>5 AS BIGINT),
                CAST(value->2->>0 AS BIGINT), CAST(value->2->>1 AS BIGINT), CAST(value->2->>2 AS BIGINT), CAST(value->2->>3 AS BIGINT), CAST(value->2->>4 AS BIGINT)
         FROM json_each(?) WHERE true
         ON CONFLICT (id) DO UPDATE SET repo_id = excluded.repo_id, number = excluded.number,
             node_id = excluded.node_id, is_pull_request = excluded.is_pull_request, title = excluded.title,
             state = excluded.state, state_reason = excluded.state_reason, author_id = excluded.author_id,
             author_association = excluded.author_association, labels = excluded.labels,
             assignees = excluded.assignees, milestone = excluded.milestone, comments = excluded.comments,
             created_at = excluded.created_at, updated_at = excluded.updated_at, closed_at = excluded.closed_at,
             draft = excluded.draft, merged_at = excluded.merged_at",
    )
    .bind(super::activity::rows_json(&tuples)?)
    .execute(ex)
    .await?;
    Ok(())
}

/// Applies `/pulls` details (draft, merged_at) to a pull request already known from `/issues`.
/// Returns false when the issue row is not there yet (the next sync's `/issues` pass brings it).
pub async fn update_pull_listing<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    number: i64,
    draft: bool,
    merged_at: Option<i64>,
) -> sqlx::Result<bool> {
    Ok(update_pull_listings(ex, repo_id, &[PullListing { number, draft, merged_at }]).await? > 0)
}

/// A pull request's `/pulls` listing fields, for [`update_pull_listings`].
#[derive(Debug, Clone, PartialEq)]
pub struct PullListing {
    pub number: i64,
    pub draft: bool,
    pub merged_at: Option<i64>,
}

/// [`update_pull_listing`] for a page, in one statement (a number listed twice: the later entry
/// wins, as row by row). Returns how many entries named an issue row already there.
pub async fn update_pull_listings<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    rows: &[PullListing],
) -> sqlx::Result<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut last = std::collections::HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        last.insert(r.number, i);
    }
    let tuples: Vec<_> = rows
        .iter()
        .enumerate()
        .filter(|(i, r)| last.get(&r.number) == Some(i))
        .map(|(_, r)| (repo_id, r.number, i64::from(r.draft), r.merged_at))
        .collect();
    // The repository comes with each row, not as its own parameter: then the planner reads the
    // rows first and looks each pull request up by (repo_id, number), rather than the reverse.
    let known: Vec<i64> = crate::db::sql::query_scalar(
        "UPDATE issues SET draft = CAST(p.value->>2 AS BIGINT), merged_at = CAST(p.value->>3 AS BIGINT)
         FROM json_each(?) AS p
         WHERE issues.repo_id = CAST(p.value->>0 AS BIGINT) AND issues.number = CAST(p.value->>1 AS BIGINT)
         RETURNING issues.number",
    )
    .bind(super::activity::rows_json(&tuples)?)
    .fetch_all(ex)
    .await?;
    let known: std::collections::HashSet<i64> = known.into_iter().collect();
    Ok(rows.iter().filter(|r| known.contains(&r.number)).count() as u64)
}

/// Pull request details that only GraphQL gives cheaply.
#[derive(Debug, Clone, PartialEq)]
pub struct PullDetails {
    pub repo_id: i64,
    pub number: i64,
    pub draft: bool,
    pub merged_at: Option<i64>,
    pub merged_by_id: Option<i64>,
    pub ready_for_review_at: Option<i64>,
}

pub async fn update_pull_details<'e>(ex: impl AnyExecutor<'e>, d: &PullDetails) -> sqlx::Result<()> {
    update_pulls_details(ex, std::slice::from_ref(d)).await
}

/// [`update_pull_details`] for a batch, in one statement (a pull request listed twice: the later
/// entry wins, as one by one).
pub async fn update_pulls_details<'e>(ex: impl AnyExecutor<'e>, rows: &[PullDetails]) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut last = std::collections::HashMap::new();
    for (i, d) in rows.iter().enumerate() {
        last.insert((d.repo_id, d.number), i);
    }
    let tuples: Vec<_> = rows
        .iter()
        .enumerate()
        .filter(|(i, d)| last.get(&(d.repo_id, d.number)) == Some(i))
        .map(|(_, d)| (d.repo_id, d.number, i64::from(d.draft), d.merged_at, d.merged_by_id, d.ready_for_review_at))
        .collect();
    crate::db::sql::query(
        "UPDATE issues SET draft = CAST(d.value->>2 AS BIGINT), merged_at = CAST(d.value->>3 AS BIGINT),
             merged_by_id = CAST(d.value->>4 AS BIGINT), ready_for_review_at = CAST(d.value->>5 AS BIGINT)
         FROM json_each(?) AS d
         WHERE issues.repo_id = CAST(d.value->>0 AS BIGINT) AND issues.number = CAST(d.value->>1 AS BIGINT)",
    )
    .bind(super::activity::rows_json(&tuples)?)
    .execute(ex)
    .await?;
    Ok(())
}

/// A pull request whose reviews need fetching.
#[derive(Debug, Clone, FromRow)]
pub struct ChangedPull {
    pub number: i64,
    pub node_id: String,
    pub updated_at: i64,
}

/// Pull requests of a repository updated at or after `since`, oldest change first.
pub async fn list_pulls_updated_since<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    since: i64,
) -> sqlx::Result<Vec<ChangedPull>> {
    crate::db::sql::query_as(
        "SELECT number, node_id, updated_at FROM issues
         WHERE repo_id = ? AND is_pull_request = 1 AND updated_at >= ?
         ORDER BY updated_at, number",
    )
    .bind(repo_id)
    .bind(since)
    .fetch_all(ex)
    .await
}

/// The issues that trailing numbers of `issue_url`s name, by number or (GitHub's 2012 bodies ended
/// `issue_url` in the id) by id, the number first: each number that names one, mapped to it.
pub async fn parent_numbers<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    ns: &[i64],
) -> sqlx::Result<std::collections::HashMap<i64, i64>> {
    let rows: Vec<(i64, Option<i64>)> = crate::db::sql::query_as(
        "SELECT n.v, (SELECT number FROM (
                 SELECT number, 0 AS pref FROM issues WHERE repo_id = ?1 AND number = n.v
                 UNION ALL SELECT number, 1 AS pref FROM issues WHERE repo_id = ?1 AND id = n.v) AS c
             ORDER BY pref LIMIT 1)
         FROM (SELECT CAST(value AS BIGINT) AS v FROM json_each(?2)) AS n",
    )
    .bind(repo_id)
    .bind(super::activity::rows_json(ns)?)
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().filter_map(|(n, number)| Some((n, number?))).collect())
}

/// The newest `updated_at` stored for a repository's issues (the `derived` watermark target).
pub async fn max_updated_at<'e>(ex: impl AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<Option<i64>> {
    crate::db::sql::query_scalar("SELECT MAX(updated_at) FROM issues WHERE repo_id = ?")
        .bind(repo_id)
        .fetch_one(ex)
        .await
}
