//! The default branch's commits (`migrations/…11_commits.sql`) and the weekly per-account
//! counts rebuilt from them (`contributor_weeks`, which the rollups read).

use sqlx::AnyExecutor;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitRow {
    pub repo_id: i64,
    pub sha: String,
    pub author_id: Option<i64>,
    pub author_hash: Option<String>,
    pub authored_at: i64,
    pub committed_at: i64,
}

/// Inserts or updates a page of commits, in one statement.
pub async fn upsert_commits<'e>(ex: impl AnyExecutor<'e>, rows: &[CommitRow]) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let tuples: Vec<_> = super::activity::last_per_key(rows, |c| (c.repo_id, c.sha.clone()))
        .into_iter()
        .map(|c| (c.repo_id, &c.sha, c.author_id, &c.author_hash, c.authored_at, c.committed_at))
        .collect();
    crate::db::sql::query(
        "INSERT INTO commits (repo_id, sha, author_id, author_hash, authored_at, committed_at)
         SELECT CAST(value->>0 AS BIGINT), value->>1, CAST(value->>2 AS BIGINT), value->>3, CAST(value->>4 AS BIGINT),
                CAST(value->>5 AS BIGINT)
         FROM json_each(?) WHERE true
         ON CONFLICT (repo_id, sha) DO UPDATE SET author_id = excluded.author_id,
             author_hash = excluded.author_hash, authored_at = excluded.authored_at,
             committed_at = excluded.committed_at",
    )
    .bind(super::activity::rows_json(&tuples)?)
    .execute(ex)
    .await?;
    Ok(())
}

/// Deletes the repository's commits committed at or after `since` that the listing just read
/// did not contain (`seen`, a JSON array of shas): history rewritten by a force-push.
pub async fn delete_unseen_since<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    since: i64,
    seen: &[String],
) -> sqlx::Result<Deleted> {
    let seen = serde_json::to_string(seen).unwrap_or_else(|_| "[]".to_owned());
    let authored: Vec<i64> = crate::db::sql::query_scalar(
        "DELETE FROM commits WHERE repo_id = ? AND committed_at >= ?
           AND sha NOT IN (SELECT value FROM json_each(?))
         RETURNING authored_at",
    )
    .bind(repo_id)
    .bind(since)
    .bind(seen)
    .fetch_all(ex)
    .await?;
    Ok(Deleted { count: authored.len() as u64, oldest_authored: authored.into_iter().min() })
}

/// What [`delete_unseen_since`] removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deleted {
    pub count: u64,
    /// The earliest authored time among them: the weeks from there on need recounting.
    pub oldest_authored: Option<i64>,
}

/// Brings `contributor_weeks` for the repository in line with its commits, for the weeks from the
/// one holding `from` on (commits authored earlier did not change): commits per linked account and
/// week (Sunday 00:00 UTC, as GitHub's statistics count them), by authored time, with the week's
/// first authored time (a person's first contribution, to the second). Only rows that
/// differ are written, so the rollups see only the weeks that changed.
pub async fn rebuild_contributor_weeks(tx: &mut super::tx::WriteTx, repo_id: i64, from: i64) -> sqlx::Result<()> {
    // 1970-01-01 was a Thursday: shift by 4 days so weeks start on Sunday.
    macro_rules! week {
        ($t:literal) => {
            concat!("((", $t, " / 86400 + 4) / 7 * 7 - 4) * 86400")
        };
    }
    macro_rules! counts {
        () => {
            concat!(
                "SELECT repo_id, author_id, ",
                week!("authored_at"),
                " AS week, COUNT(*) AS n, MIN(authored_at) AS first
                 FROM commits WHERE repo_id = ?1 AND author_id IS NOT NULL AND authored_at >= CASE WHEN ?2 > 0 THEN ?2 ELSE 0 END
                 GROUP BY repo_id, author_id, week"
            )
        };
    }
    let first_week =
        crate::db::sql::query_scalar::<i64>(concat!("SELECT ", week!("CASE WHEN ?1 > 0 THEN ?1 ELSE 0 END")));
    let first_week = first_week.bind(from).fetch_one(&mut **tx).await?;
    crate::db::sql::query(concat!(
        "DELETE FROM contributor_weeks WHERE repo_id = ?1 AND week >= ?2
           AND (account_id, week) NOT IN (SELECT author_id, week FROM (",
        counts!(),
        ") AS c)"
    ))
    .bind(repo_id)
    .bind(first_week)
    .execute(&mut **tx)
    .await?;
    crate::db::sql::query(concat!(
        "INSERT INTO contributor_weeks (repo_id, account_id, week, commits, additions, deletions, first_authored)
         SELECT repo_id, author_id, week, n, 0, 0, first FROM (",
        counts!(),
        ") AS c WHERE true
         ON CONFLICT (repo_id, account_id, week) DO UPDATE SET commits = excluded.commits,
             first_authored = excluded.first_authored
         WHERE (contributor_weeks.commits, contributor_weeks.first_authored)
               IS DISTINCT FROM (excluded.commits, excluded.first_authored)"
    ))
    .bind(repo_id)
    .bind(first_week)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How many commits are stored for a repository.
pub async fn count<'e>(ex: impl AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<i64> {
    crate::db::sql::query_scalar("SELECT COUNT(*) FROM commits WHERE repo_id = ?").bind(repo_id).fetch_one(ex).await
}
