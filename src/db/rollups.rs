//! Rollups: per-week and per-person aggregates the collector rebuilds after syncing a changed
//! repository, and the first response per responder role. Dashboard pages read these instead
//! of scanning a repository's history.
//!
//! Rebuilding a repository's rollups is one grouped pass over its rows (about a second for a
//! repository with half a million comments), done only when the sync wrote something.
//! Weeks start Sunday 00:00 UTC, like GitHub's contributor statistics.

use sqlx::SqliteExecutor;

/// Recomputes `first_{maintainer,community,bot}_response_at` for items updated at or after
/// `since`. `maintainers` is a JSON array of configured logins for the repository, or `None` to
/// infer maintainers from `author_association` (OWNER, MEMBER, COLLABORATOR) of each response.
pub async fn recompute_role_responses(
    tx: &mut sqlx::SqliteConnection,
    repo_id: i64,
    since: i64,
    maintainers: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE issues SET first_maintainer_response_at = NULL, first_community_response_at = NULL,
             first_bot_response_at = NULL WHERE repo_id = ? AND updated_at >= ?",
    )
    .bind(repo_id)
    .bind(since)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "WITH targets AS (
             SELECT id, repo_id, number, author_id, COALESCE(ready_for_review_at, created_at) AS clock
             FROM issues WHERE repo_id = ?1 AND updated_at >= ?2
         ), resp AS (
             SELECT t.id AS issue_id, c.created_at AS at, c.author_id AS who, c.author_association AS assoc
               FROM targets t JOIN comments c ON c.repo_id = t.repo_id AND c.issue_number = t.number
             UNION ALL
             SELECT t.id, r.submitted_at, r.author_id, r.author_association
               FROM targets t JOIN reviews r ON r.repo_id = t.repo_id AND r.pr_number = t.number
              WHERE r.submitted_at IS NOT NULL AND r.state <> 'PENDING'
             UNION ALL
             SELECT t.id, rc.created_at, rc.author_id, rc.author_association
               FROM targets t JOIN review_comments rc ON rc.repo_id = t.repo_id AND rc.pr_number = t.number
         ), classified AS (
             SELECT r.issue_id, r.at, a.is_bot,
                    CASE WHEN ?3 IS NULL THEN r.assoc IN ('OWNER', 'MEMBER', 'COLLABORATOR')
                         ELSE lower(a.login) IN (SELECT lower(value) FROM json_each(?3)) END AS maint
               FROM resp r JOIN targets t ON t.id = r.issue_id JOIN accounts a ON a.id = r.who
              WHERE r.who IS NOT t.author_id AND r.at >= t.clock
         ), firsts AS (
             SELECT issue_id,
                    MIN(CASE WHEN is_bot = 0 AND maint THEN at END) AS maint_at,
                    MIN(CASE WHEN is_bot = 0 AND NOT maint THEN at END) AS comm_at,
                    MIN(CASE WHEN is_bot = 1 THEN at END) AS bot_at
               FROM classified GROUP BY issue_id
         )
         UPDATE issues SET first_maintainer_response_at = f.maint_at, first_community_response_at = f.comm_at,
             first_bot_response_at = f.bot_at
         FROM firsts f WHERE issues.id = f.issue_id",
    )
    .bind(repo_id)
    .bind(since)
    .bind(maintainers)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Rebuilds `repo_weeks`, `person_weeks`, `repo_people` and the week slices for one repository.
pub async fn rebuild_rollups(
    tx: &mut sqlx::SqliteConnection,
    repo_id: i64,
    maintainers: Option<&str>,
) -> sqlx::Result<()> {
    for table in ["repo_weeks", "person_weeks", "repo_people"] {
        let sql = format!("DELETE FROM {table} WHERE repo_id = ?");
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(repo_id).execute(&mut *tx).await?;
    }
    rebuild_repo_weeks(&mut *tx, repo_id).await?;
    rebuild_person_weeks(&mut *tx, repo_id).await?;
    rebuild_repo_people(&mut *tx, repo_id, maintainers).await?;
    fill_second_engagements(&mut *tx, repo_id).await?;
    fill_week_contributions(&mut *tx, repo_id).await?;
    // Last: the slices read `repo_people` (first contribution, maintainer) and `person_weeks`.
    super::slices::rebuild(&mut *tx, repo_id).await?;
    Ok(())
}

/// `WEEK(x)`: the Sunday 00:00 UTC that starts the week of unix time `x` (1970-01-04 was a Sunday).
macro_rules! week {
    ($col:literal) => {
        concat!("(", $col, " - ((", $col, " - 259200) % 604800))")
    };
}

async fn rebuild_repo_weeks<'e>(ex: impl SqliteExecutor<'e>, repo_id: i64) -> sqlx::Result<()> {
    const SQL: &str = concat!(
        "INSERT INTO repo_weeks (repo_id, week, opened_issues, closed_issues, opened_prs, closed_prs, merged_prs,
             bot_opened_issues, bot_closed_issues, bot_opened_prs, bot_closed_prs, bot_merged_prs, releases)
         SELECT ?1, week, SUM(oi), SUM(ci), SUM(op), SUM(cp), SUM(mp),
                SUM(oi * bot), SUM(ci * bot), SUM(op * bot), SUM(cp * bot), SUM(mp * bot), SUM(rel)
         FROM (
             SELECT ",
        week!("i.created_at"),
        " AS week, i.is_pull_request = 0 AS oi, 0 AS ci,
                    i.is_pull_request = 1 AS op, 0 AS cp, 0 AS mp, COALESCE(a.is_bot, 0) AS bot, 0 AS rel
               FROM issues i LEFT JOIN accounts a ON a.id = i.author_id WHERE i.repo_id = ?1
             UNION ALL
             SELECT ",
        week!("i.closed_at"),
        ", 0, i.is_pull_request = 0, 0, i.is_pull_request = 1, 0,
                    COALESCE(a.is_bot, 0), 0
               FROM issues i LEFT JOIN accounts a ON a.id = i.author_id
              WHERE i.repo_id = ?1 AND i.state = 'closed' AND i.closed_at IS NOT NULL
             UNION ALL
             SELECT ",
        week!("i.merged_at"),
        ", 0, 0, 0, 0, 1, COALESCE(a.is_bot, 0), 0
               FROM issues i LEFT JOIN accounts a ON a.id = i.author_id
              WHERE i.repo_id = ?1 AND i.merged_at IS NOT NULL
             UNION ALL
             SELECT ",
        week!("COALESCE(published_at, created_at)"),
        ", 0, 0, 0, 0, 0, 0, 1
               FROM releases WHERE repo_id = ?1 AND draft = 0
         ) GROUP BY week"
    );
    sqlx::query(SQL).bind(repo_id).execute(ex).await?;
    Ok(())
}

async fn rebuild_person_weeks<'e>(ex: impl SqliteExecutor<'e>, repo_id: i64) -> sqlx::Result<()> {
    const SQL: &str = concat!(
        "INSERT INTO person_weeks (repo_id, week, account_id, issues_opened, prs_opened, prs_merged, merges,
             comments, responses, reviews, review_comments, triage, commits)
         SELECT ?1, week, who, SUM(io), SUM(po), SUM(pm), SUM(mg), SUM(cm), SUM(rs), SUM(rv), SUM(rc), SUM(tr), SUM(ct)
         FROM (
             SELECT ",
        week!("created_at"),
        " AS week, author_id AS who, is_pull_request = 0 AS io,
                    is_pull_request = 1 AS po, 0 AS pm, 0 AS mg, 0 AS cm, 0 AS rs, 0 AS rv, 0 AS rc, 0 AS tr, 0 AS ct
               FROM issues WHERE repo_id = ?1 AND author_id IS NOT NULL
             UNION ALL
             SELECT ",
        week!("merged_at"),
        ", author_id, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0
               FROM issues WHERE repo_id = ?1 AND merged_at IS NOT NULL AND author_id IS NOT NULL
             UNION ALL
             SELECT ",
        week!("merged_at"),
        ", merged_by_id, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0
               FROM issues WHERE repo_id = ?1 AND merged_at IS NOT NULL AND merged_by_id IS NOT NULL
             UNION ALL
             SELECT ",
        week!("c.created_at"),
        ", c.author_id, 0, 0, 0, 0, 1, c.author_id IS NOT i.author_id, 0, 0, 0, 0
               FROM comments c LEFT JOIN issues i ON i.repo_id = c.repo_id AND i.number = c.issue_number
              WHERE c.repo_id = ?1 AND c.author_id IS NOT NULL
             UNION ALL
             SELECT ",
        week!("r.submitted_at"),
        ", r.author_id, 0, 0, 0, 0, 0, 0, r.author_id IS NOT i.author_id, 0, 0, 0
               FROM reviews r LEFT JOIN issues i ON i.repo_id = r.repo_id AND i.number = r.pr_number
              WHERE r.repo_id = ?1 AND r.author_id IS NOT NULL AND r.submitted_at IS NOT NULL AND r.state <> 'PENDING'
             UNION ALL
             SELECT ",
        week!("rc.created_at"),
        ", rc.author_id, 0, 0, 0, 0, 0, rc.author_id IS NOT i.author_id, 0, 1, 0, 0
               FROM review_comments rc LEFT JOIN issues i ON i.repo_id = rc.repo_id AND i.number = rc.pr_number
              WHERE rc.repo_id = ?1 AND rc.author_id IS NOT NULL
             UNION ALL
             SELECT ",
        week!("first_response_at"),
        ", first_response_by, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0
               FROM issues WHERE repo_id = ?1 AND first_response_by IS NOT NULL
             UNION ALL
             SELECT week, account_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, commits
               FROM contributor_weeks WHERE repo_id = ?1 AND commits > 0
         ) GROUP BY week, who"
    );
    sqlx::query(SQL).bind(repo_id).execute(ex).await?;
    Ok(())
}

/// Fills `repo_weeks.contributions` from `person_weeks` (humans only), adding weeks that had
/// contributions but no backlog flow.
async fn fill_week_contributions<'e>(ex: impl SqliteExecutor<'e>, repo_id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO repo_weeks (repo_id, week, contributions)
         SELECT pw.repo_id, pw.week, SUM(pw.issues_opened + pw.prs_opened + pw.comments + pw.reviews
                                         + pw.review_comments + pw.merges + pw.commits)
         FROM person_weeks pw JOIN accounts a ON a.id = pw.account_id
         WHERE pw.repo_id = ?1 AND a.is_bot = 0 GROUP BY pw.week
         ON CONFLICT (repo_id, week) DO UPDATE SET contributions = excluded.contributions",
    )
    .bind(repo_id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Fills `repo_people.second_at`: a person's second engagement (an item they opened, or a comment
/// or review on someone else's item), so replies in their own first thread don't count.
async fn fill_second_engagements<'e>(ex: impl SqliteExecutor<'e>, repo_id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "WITH engagements AS (
             SELECT author_id AS who, created_at AS at FROM issues WHERE repo_id = ?1 AND author_id IS NOT NULL
             UNION ALL
             SELECT c.author_id, c.created_at FROM comments c JOIN issues i ON i.repo_id = c.repo_id AND i.number = c.issue_number
              WHERE c.repo_id = ?1 AND c.author_id IS NOT NULL AND c.author_id IS NOT i.author_id
             UNION ALL
             SELECT r.author_id, r.submitted_at FROM reviews r JOIN issues i ON i.repo_id = r.repo_id AND i.number = r.pr_number
              WHERE r.repo_id = ?1 AND r.author_id IS NOT NULL AND r.submitted_at IS NOT NULL AND r.author_id IS NOT i.author_id
         ), ranked AS (
             SELECT who, at, ROW_NUMBER() OVER (PARTITION BY who ORDER BY at) AS n FROM engagements
         )
         UPDATE repo_people SET second_at = ranked.at FROM ranked
         WHERE repo_people.repo_id = ?1 AND repo_people.account_id = ranked.who AND ranked.n = 2",
    )
    .bind(repo_id)
    .execute(ex)
    .await?;
    Ok(())
}

async fn rebuild_repo_people<'e>(
    ex: impl SqliteExecutor<'e>,
    repo_id: i64,
    maintainers: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO repo_people (repo_id, account_id, first_at, last_at, contributions, is_maintainer)
         SELECT ?1, who, MIN(at), MAX(at), SUM(n),
                CASE WHEN ?2 IS NULL THEN MAX(maint)
                     ELSE (SELECT lower(login) FROM accounts WHERE id = who) IN (SELECT lower(value) FROM json_each(?2))
                END
         FROM (
             SELECT author_id AS who, created_at AS at, 1 AS n,
                    author_association IN ('OWNER', 'MEMBER', 'COLLABORATOR') AS maint
               FROM issues WHERE repo_id = ?1 AND author_id IS NOT NULL
             UNION ALL
             SELECT author_id, created_at, 1, author_association IN ('OWNER', 'MEMBER', 'COLLABORATOR')
               FROM comments WHERE repo_id = ?1 AND author_id IS NOT NULL
             UNION ALL
             SELECT author_id, submitted_at, 1, author_association IN ('OWNER', 'MEMBER', 'COLLABORATOR')
               FROM reviews WHERE repo_id = ?1 AND author_id IS NOT NULL AND submitted_at IS NOT NULL
             UNION ALL
             SELECT author_id, created_at, 1, author_association IN ('OWNER', 'MEMBER', 'COLLABORATOR')
               FROM review_comments WHERE repo_id = ?1 AND author_id IS NOT NULL
             UNION ALL
             SELECT merged_by_id, merged_at, 1, 1
               FROM issues WHERE repo_id = ?1 AND merged_by_id IS NOT NULL AND merged_at IS NOT NULL
             UNION ALL
             SELECT account_id, week, commits, 0 FROM contributor_weeks WHERE repo_id = ?1 AND commits > 0
         ) GROUP BY who",
    )
    .bind(repo_id)
    .bind(maintainers)
    .execute(ex)
    .await?;
    Ok(())
}
