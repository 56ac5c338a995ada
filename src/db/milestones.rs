//! GitHub milestones of the tracked repositories (`GET /repos/{o}/{r}/milestones?state=all`):
//! replaced whole per repository on each changed listing, read by the grant pages (a configured
//! `github_milestone` that names none of them is a data-quality note there).

use sqlx::{AnyConnection, AnyExecutor, FromRow};

/// One milestone as GitHub lists it; times in unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct MilestoneRow {
    pub id: i64,
    pub repo_id: i64,
    pub number: i64,
    pub title: String,
    /// `open` or `closed`.
    pub state: String,
    pub due_on: Option<i64>,
    pub open_issues: i64,
    pub closed_issues: i64,
    pub updated_at: i64,
}

/// Replaces the milestones of `repo_id` with `rows` (a complete listing).
pub async fn replace_milestones(tx: &mut AnyConnection, repo_id: i64, rows: &[MilestoneRow]) -> sqlx::Result<()> {
    crate::db::sql::query("DELETE FROM milestones WHERE repo_id = ?").bind(repo_id).execute(&mut *tx).await?;
    for m in rows {
        crate::db::sql::query(
            "INSERT INTO milestones (id, repo_id, number, title, state, due_on, open_issues, closed_issues, updated_at)
             VALUES (?,?,?,?,?,?,?,?,?)
             ON CONFLICT (id) DO UPDATE SET repo_id = excluded.repo_id, number = excluded.number,
                 title = excluded.title, state = excluded.state, due_on = excluded.due_on,
                 open_issues = excluded.open_issues, closed_issues = excluded.closed_issues,
                 updated_at = excluded.updated_at",
        )
        .bind(m.id)
        .bind(repo_id)
        .bind(m.number)
        .bind(&m.title)
        .bind(&m.state)
        .bind(m.due_on)
        .bind(m.open_issues)
        .bind(m.closed_issues)
        .bind(m.updated_at)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// The milestones of `repo_id`, by number.
pub async fn list_milestones<'e>(ex: impl AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<Vec<MilestoneRow>> {
    crate::db::sql::query_as("SELECT * FROM milestones WHERE repo_id = ? ORDER BY number")
        .bind(repo_id)
        .fetch_all(ex)
        .await
}
