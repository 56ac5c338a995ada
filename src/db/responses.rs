//! First responses: for each item, the first human response by someone other than the author
//! (`issues.first_response_{at,by,association}`), and the first response per responder role
//! (`issues.first_{maintainer,community,bot}_response_at`). One statement computes both from the
//! one definition of a response ([`responses_to!`]) and of maintainer status ([`configured_or!`]),
//! so the overall figure and the role split can never disagree on what a response is.

use sqlx::AnyConnection;

/// Each changed item's first responses (`?1` repository, `?2` since, `?3` configured
/// maintainers): `firsts (issue_id, at, who, assoc, maint_at, comm_at, bot_at)` for the items of
/// `targets` that anyone answered. `at, who, assoc` are the first human response (ties: the lower
/// account id); bots answer only in `bot_at`.
macro_rules! firsts {
    () => {
        concat!(
            "WITH targets AS (
                 SELECT i.id, i.repo_id, i.number, i.author_id, ",
            clock_start!(),
            " AS clock
                 FROM issues i WHERE i.repo_id = ?1 AND i.updated_at >= ?2
             ), resp AS (",
            responses_to!("targets"),
            "), classified AS (
                 SELECT r.issue_id, r.at, r.who, r.assoc, a.is_bot, ",
            configured_or!("?3", "a.login", maintainer_association!("r.assoc")),
            " AS maint
                   FROM resp r JOIN accounts a ON a.id = r.who
             ), ranked AS (
                 SELECT issue_id, at, who, assoc,
                        ROW_NUMBER() OVER (PARTITION BY issue_id ORDER BY is_bot, at, who) AS n,
                        MIN(CASE WHEN is_bot = 0 AND maint = 1 THEN at END) OVER (PARTITION BY issue_id) AS maint_at,
                        MIN(CASE WHEN is_bot = 0 AND maint = 0 THEN at END) OVER (PARTITION BY issue_id) AS comm_at,
                        MIN(CASE WHEN is_bot = 1 THEN at END) OVER (PARTITION BY issue_id) AS bot_at,
                        MIN(is_bot) OVER (PARTITION BY issue_id) AS only_bots
                   FROM classified
             ), firsts AS (
                 SELECT issue_id,
                        CASE WHEN only_bots = 0 THEN at END AS at,
                        CASE WHEN only_bots = 0 THEN who END AS who,
                        CASE WHEN only_bots = 0 THEN assoc END AS assoc,
                        maint_at, comm_at, bot_at
                   FROM ranked WHERE n = 1
             )"
        )
    };
}

/// Recomputes the first responses of the repository's items updated at or after `since`
/// (`maintainers`: a JSON array of the repository's configured maintainers, or `None` to infer
/// them from each response's `author_association`). GitHub bumps an item's `updated_at` whenever
/// a comment or review is added, so `since` finds every item to revisit. Items someone answered
/// get their values, the rest NULL; an item whose values stay the same is not written, so the
/// rollups do not see it as changed. Returns how many items changed.
///
/// A first pass (`since` is `i64::MIN`) follows a repository's first pages, written faster than
/// PostgreSQL's autovacuum gathers their statistics: planned on the old ones, this statement
/// ran for minutes on a repository of the `large` simulation, so those tables are analyzed
/// first ([`super::backend::analyze_tables`]; nothing on SQLite).
pub async fn recompute_responses(
    tx: &mut AnyConnection,
    repo_id: i64,
    since: i64,
    maintainers: Option<&str>,
) -> sqlx::Result<u64> {
    if since == i64::MIN {
        super::backend::analyze_tables(&mut *tx, &["issues", "comments", "reviews", "review_comments"]).await?;
    }
    let mut changed = 0;
    for sql in STATEMENTS {
        changed += crate::db::sql::query(sql)
            .bind(repo_id)
            .bind(since)
            .bind(maintainers)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    Ok(changed)
}

/// One statement, a join the planner does well (one correlated lookup per item into the grouped
/// responses took minutes for 110k items): each changed item's values, NULL for an item nobody
/// answered (the outer join finds no `firsts` row for it).
pub(in crate::db) const STATEMENTS: [&str; 1] = [concat!(
    firsts!(),
    " UPDATE issues SET first_response_at = f.at, first_response_by = f.who,
              first_response_association = f.assoc, first_maintainer_response_at = f.maint_at,
              first_community_response_at = f.comm_at, first_bot_response_at = f.bot_at
          FROM targets t LEFT JOIN firsts f ON f.issue_id = t.id
          WHERE issues.id = t.id
            AND (issues.first_response_at, issues.first_response_by, issues.first_response_association,
                 issues.first_maintainer_response_at, issues.first_community_response_at,
                 issues.first_bot_response_at)
                IS DISTINCT FROM (f.at, f.who, f.assoc, f.maint_at, f.comm_at, f.bot_at)"
)];
