//! The rollup statements, each written once and restricted by a filter macro: to the weeks being
//! rebuilt (`?3` as JSON, NULL for every week, within the index range `[?2, ?4)`), or for
//! `repo_people` to everyone or the people in `?2`.

/// `WEEK(x)`: the Sunday 00:00 UTC that starts the week of unix time `x` (1970-01-04 was a Sunday).
macro_rules! week {
    ($col:literal) => {
        concat!("(", $col, " - ((", $col, " - 259200) % 604800))")
    };
}

/// ` AND` the column falls in a week being rebuilt: `[?2, ?4)` bounds the index range (around
/// one run of nearby weeks, `Weeks::runs`), `?3` holds the weeks as a JSON array, or NULL for
/// every week.
macro_rules! in_weeks {
    ($col:literal) => {
        concat!(
            " AND ",
            $col,
            " >= ?2 AND ",
            $col,
            " < ?4 AND (?3 IS NULL OR ",
            week!($col),
            " IN (SELECT CAST(value AS BIGINT) FROM json_each(?3)))"
        )
    };
}

/// The table of a second-engagement branch (`from`), and the condition on its person column
/// (`who`, a ` AND …` for the branch's `WHERE`), for everyone or only the accounts in `?2`,
/// looked up one by one through the table's author index (as [`rows_of_people`] does).
macro_rules! everyone {
    (from, $table:literal) => {
        $table
    };
    (repo, $col:literal) => {
        concat!($col, " = ?1")
    };
    (who, $col:literal) => {
        ""
    };
}
/// (`CROSS JOIN` fixes the join order on SQLite; the unary `+` keeps it off the repository's
/// indexes.)
macro_rules! among {
    (from, $table:literal) => {
        concat!("json_each(?2) AS who CROSS JOIN ", $table)
    };
    (repo, $col:literal) => {
        concat!("+", $col, " = ?1")
    };
    (who, $col:literal) => {
        concat!(" AND ", $col, " = CAST(who.value AS BIGINT)")
    };
}

pub(in crate::db) const REPO_WEEKS: &str = concat!(
    "INSERT INTO repo_weeks (repo_id, week, opened_issues, closed_issues, opened_prs, closed_prs, merged_prs,
         bot_opened_issues, bot_closed_issues, bot_opened_prs, bot_closed_prs, bot_merged_prs, releases)
     SELECT ?1, week, SUM(oi), SUM(ci), SUM(op), SUM(cp), SUM(mp),
            SUM(oi * bot), SUM(ci * bot), SUM(op * bot), SUM(cp * bot), SUM(mp * bot), SUM(rel)
     FROM (
         SELECT ",
    week!("i.created_at"),
    " AS week, CASE WHEN i.is_pull_request = 0 THEN 1 ELSE 0 END AS oi, 0 AS ci,
                CASE WHEN i.is_pull_request = 1 THEN 1 ELSE 0 END AS op, 0 AS cp, 0 AS mp,
                COALESCE(a.is_bot, 0) AS bot, 0 AS rel
           FROM issues i LEFT JOIN accounts a ON a.id = i.author_id WHERE i.repo_id = ?1",
    in_weeks!("i.created_at"),
    "
         UNION ALL
         SELECT ",
    week!("i.closed_at"),
    ", 0, CASE WHEN i.is_pull_request = 0 THEN 1 ELSE 0 END, 0,
                CASE WHEN i.is_pull_request = 1 THEN 1 ELSE 0 END, 0, COALESCE(a.is_bot, 0), 0
           FROM issues i LEFT JOIN accounts a ON a.id = i.author_id
          WHERE i.repo_id = ?1 AND i.state = 'closed' AND i.closed_at IS NOT NULL",
    in_weeks!("i.closed_at"),
    "
         UNION ALL
         SELECT ",
    week!("i.merged_at"),
    ", 0, 0, 0, 0, 1, COALESCE(a.is_bot, 0), 0
           FROM issues i LEFT JOIN accounts a ON a.id = i.author_id
          WHERE i.repo_id = ?1 AND i.merged_at IS NOT NULL",
    in_weeks!("i.merged_at"),
    "
         UNION ALL
         SELECT ",
    week!("COALESCE(published_at, created_at)"),
    ", 0, 0, 0, 0, 0, 0, 1
           FROM releases WHERE repo_id = ?1 AND draft = 0",
    in_weeks!("COALESCE(published_at, created_at)"),
    "
     ) AS flow GROUP BY week"
);

pub(in crate::db) const PERSON_WEEKS: &str = concat!(
    "INSERT INTO person_weeks (repo_id, week, account_id, issues_opened, prs_opened, prs_merged, merges,
         comments, responses, reviews, review_comments, triage, commits)
     SELECT ?1, week, who, SUM(io), SUM(po), SUM(pm), SUM(mg), SUM(cm), SUM(rs), SUM(rv), SUM(rc), SUM(tr), SUM(ct)
     FROM (
         SELECT ",
    week!("created_at"),
    " AS week, author_id AS who, CASE WHEN is_pull_request = 0 THEN 1 ELSE 0 END AS io,
                CASE WHEN is_pull_request = 1 THEN 1 ELSE 0 END AS po, 0 AS pm, 0 AS mg, 0 AS cm, 0 AS rs, 0 AS rv, 0 AS rc, 0 AS tr, 0 AS ct
           FROM issues WHERE repo_id = ?1 AND author_id IS NOT NULL",
    in_weeks!("created_at"),
    "
         UNION ALL
         SELECT ",
    week!("merged_at"),
    ", author_id, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0
           FROM issues WHERE repo_id = ?1 AND merged_at IS NOT NULL AND author_id IS NOT NULL",
    in_weeks!("merged_at"),
    "
         UNION ALL
         SELECT ",
    week!("merged_at"),
    ", merged_by_id, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0
           FROM issues WHERE repo_id = ?1 AND merged_at IS NOT NULL AND merged_by_id IS NOT NULL",
    in_weeks!("merged_at"),
    "
         UNION ALL
         SELECT ",
    week!("c.created_at"),
    ", c.author_id, 0, 0, 0, 0, 1, CASE WHEN c.author_id IS DISTINCT FROM i.author_id THEN 1 ELSE 0 END, 0, 0, 0, 0
           FROM comments c LEFT JOIN issues i ON i.repo_id = c.repo_id AND i.number = c.issue_number
          WHERE c.repo_id = ?1 AND c.author_id IS NOT NULL",
    in_weeks!("c.created_at"),
    "
         UNION ALL
         SELECT ",
    week!("r.submitted_at"),
    ", r.author_id, 0, 0, 0, 0, 0, 0, CASE WHEN r.author_id IS DISTINCT FROM i.author_id THEN 1 ELSE 0 END, 0, 0, 0
           FROM reviews r LEFT JOIN issues i ON i.repo_id = r.repo_id AND i.number = r.pr_number
          WHERE r.repo_id = ?1 AND r.author_id IS NOT NULL AND r.submitted_at IS NOT NULL AND r.state <> 'PENDING'",
    in_weeks!("r.submitted_at"),
    "
         UNION ALL
         SELECT ",
    week!("rc.created_at"),
    ", rc.author_id, 0, 0, 0, 0, 0, CASE WHEN rc.author_id IS DISTINCT FROM i.author_id THEN 1 ELSE 0 END, 0, 1, 0, 0
           FROM review_comments rc LEFT JOIN issues i ON i.repo_id = rc.repo_id AND i.number = rc.pr_number
          WHERE rc.repo_id = ?1 AND rc.author_id IS NOT NULL",
    in_weeks!("rc.created_at"),
    "
         UNION ALL
         SELECT ",
    week!("first_response_at"),
    ", first_response_by, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0
           FROM issues WHERE repo_id = ?1 AND first_response_by IS NOT NULL AND first_response_at IS NOT NULL",
    in_weeks!("first_response_at"),
    "
         UNION ALL
         SELECT week, account_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, commits
           FROM contributor_weeks WHERE repo_id = ?1 AND commits > 0",
    in_weeks!("week"),
    "
     ) AS contributions GROUP BY week, who"
);

/// `repo_weeks.contributions` from `person_weeks` (humans only), adding weeks that had
/// contributions but no backlog flow.
pub(in crate::db) const WEEK_CONTRIBUTIONS: &str = concat!(
    "INSERT INTO repo_weeks (repo_id, week, contributions)
     SELECT ?1, pw.week, SUM(pw.issues_opened + pw.prs_opened + pw.comments + pw.reviews
                                     + pw.review_comments + pw.merges + pw.commits)
     FROM person_weeks pw JOIN accounts a ON a.id = pw.account_id
     WHERE pw.repo_id = ?1 AND a.is_bot = 0",
    in_weeks!("pw.week"),
    " GROUP BY pw.week
     ON CONFLICT (repo_id, week) DO UPDATE SET contributions = excluded.contributions"
);

/// Where a `repo_people` branch reads its rows: `$how` says whether the table has an index on the
/// person column (`$index`) or only the condition (`plain`). Each expands to `TABLE WHERE` plus the
/// repository condition (`?1`) and its own, ending in `AND`, for the branch's conditions to follow.
/// - every row of the repository:
macro_rules! all_rows {
    ($how:ident, $table:literal, $index:literal, $who:literal, $at:literal) => {
        concat!($table, " WHERE repo_id = ?1 AND ")
    };
}
/// - the rows of the people in `?2`, looked up one by one through the person index `$index`
///   (`CROSS JOIN` fixes the join order on SQLite, and the unary `+` keeps it off the repository's
///   indexes; left to itself the planner scans the repository's rows once per person);
macro_rules! rows_of_people {
    (indexed, $table:literal, $index:literal, $who:literal, $at:literal) => {
        concat!(
            "json_each(?2) AS who CROSS JOIN ",
            $table,
            " WHERE ",
            $who,
            " = CAST(who.value AS BIGINT) AND +repo_id = ?1 AND "
        )
    };
    (plain, $table:literal, $index:literal, $who:literal, $at:literal) => {
        concat!($table, " WHERE repo_id = ?1 AND ", $who, " IN (SELECT CAST(value AS BIGINT) FROM json_each(?2)) AND ")
    };
}
/// - the rows in the weeks being rebuilt (`?3`), read in the index range `[?2, ?6)`.
macro_rules! rows_in_weeks {
    ($how:ident, $table:literal, $index:literal, $who:literal, $at:literal) => {
        concat!(
            $table,
            " WHERE repo_id = ?1 AND ",
            $at,
            " >= ?2 AND ",
            $at,
            " < ?6 AND ",
            week!($at),
            " IN (SELECT CAST(value AS BIGINT) FROM json_each(?3)) AND "
        )
    };
}

/// Every contribution as `who, at, n, maint` (`maint`: made with a maintainer's association, by
/// `maintainer_association!`, or a merge). The same contributions as `person_weeks` counts (a
/// review of one's own pull request is none), so a person's total is also the sum of their weeks
/// there. A week's commits count at its first commit (`first_authored`; the week's start for a
/// week counted before that column was kept).
macro_rules! people_rows {
    ($rows:ident) => {
        concat!(
            "SELECT author_id AS who, created_at AS at, 1 AS n, ",
            maintainer_association!("author_association"),
            " AS maint
               FROM ",
            $rows!(indexed, "issues", "issues_author_created", "author_id", "created_at"),
            "author_id IS NOT NULL
             UNION ALL
             SELECT author_id, created_at, 1, ",
            maintainer_association!("author_association"),
            "
               FROM ",
            $rows!(indexed, "comments", "comments_author_created", "author_id", "created_at"),
            "author_id IS NOT NULL
             UNION ALL
             SELECT author_id, submitted_at, 1, ",
            maintainer_association!("author_association"),
            "
               FROM ",
            $rows!(indexed, "reviews", "reviews_author_submitted", "author_id", "submitted_at"),
            "author_id IS NOT NULL AND submitted_at IS NOT NULL AND state <> 'PENDING'
               AND NOT EXISTS (SELECT 1 FROM issues i WHERE i.repo_id = reviews.repo_id
                               AND i.number = reviews.pr_number AND i.author_id = reviews.author_id)
             UNION ALL
             SELECT author_id, created_at, 1, ",
            maintainer_association!("author_association"),
            "
               FROM ",
            $rows!(indexed, "review_comments", "review_comments_author_created", "author_id", "created_at"),
            "author_id IS NOT NULL
             UNION ALL
             SELECT merged_by_id, merged_at, 1, 1 FROM ",
            $rows!(indexed, "issues", "issues_merged_by", "merged_by_id", "merged_at"),
            "merged_by_id IS NOT NULL AND merged_at IS NOT NULL
             UNION ALL
             SELECT account_id, COALESCE(first_authored, week), commits, 0 FROM ",
            $rows!(plain, "contributor_weeks", "", "account_id", "week"),
            "commits > 0"
        )
    };
}

/// Whether a person is a maintainer: configured (`$list`, a JSON array of logins) or, when it is
/// NULL, inferred from their contributions' `maint` (any one made as a maintainer, or a merge).
macro_rules! maintainer {
    ($list:literal) => {
        configured_or!($list, "(SELECT login FROM accounts WHERE id = who)", "MAX(maint)")
    };
}

/// Each person's first and last contribution, total, and maintainer status (`?3`: configured
/// maintainers), for everyone (`all_rows`) or the people in `?2` (`rows_of_people`).
macro_rules! repo_people_sql {
    ($rows:ident) => {
        concat!(
            "INSERT INTO repo_people (repo_id, account_id, first_at, last_at, contributions, is_maintainer)
             SELECT ?1, who, MIN(at), MAX(at), SUM(n), ",
            maintainer!("?3"),
            " FROM (",
            people_rows!($rows),
            ") AS contributions GROUP BY who"
        )
    };
}

/// [`repo_people_sql`] for everyone (`?2` NULL) and for the people in `?2`.
pub(in crate::db) const REPO_PEOPLE_ALL: &str = repo_people_sql!(all_rows);
pub(in crate::db) const REPO_PEOPLE_OF: &str = repo_people_sql!(rows_of_people);

/// The people in `?4`'s first and last contribution and maintainer status (`?5`: configured
/// maintainers) within the weeks being rebuilt (`?3`, read in `[?2, ?6)`: one run of them):
/// with their totals from before, what their new rows change.
pub(in crate::db) const PEOPLE_IN_WEEKS: &str = concat!(
    "SELECT who, MIN(at), MAX(at), ",
    maintainer!("?5"),
    " FROM (",
    people_rows!(rows_in_weeks),
    ") AS contributions WHERE who IN (SELECT CAST(value AS BIGINT) FROM json_each(?4)) GROUP BY who"
);

/// The creation weeks of the items the people in `?2` opened in repository `?1`, looked up one by
/// one through `issues_author_created` (as [`rows_of_people`] does).
pub(in crate::db) const ITEM_WEEKS_OF_PEOPLE: &str = concat!(
    "SELECT DISTINCT ",
    week!("created_at"),
    " FROM json_each(?2) AS who CROSS JOIN issues
       WHERE issues.author_id = CAST(who.value AS BIGINT) AND +issues.repo_id = ?1"
);

/// Each of the people in `?2`'s total: the sum of their weeks.
pub(in crate::db) const PEOPLE_TOTALS: &str =
    "SELECT account_id, CAST(SUM(issues_opened + prs_opened + comments + reviews + review_comments
                                                 + merges + commits) AS BIGINT)
     FROM person_weeks WHERE repo_id = ?1 AND account_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?2))
     GROUP BY account_id";

/// `repo_people.second_at`: a person's second engagement (an item they opened, or a comment or
/// submitted review on someone else's item), so replies in their own first thread don't count.
/// Every engagement is also a contribution ([`people_rows`]), which lets an update tell from a
/// person's contributions in the dirty weeks whether their second engagement can move.
macro_rules! engagements_sql {
    ($people:ident) => {
        concat!(
            "WITH engagements AS (
                 SELECT author_id AS who, created_at AS at FROM ",
            $people!(from, "issues"),
            " WHERE ",
            $people!(repo, "repo_id"),
            " AND author_id IS NOT NULL",
            $people!(who, "issues.author_id"),
            "
                 UNION ALL
                 SELECT c.author_id, c.created_at FROM ",
            $people!(from, "comments AS c"),
            " JOIN issues i ON i.repo_id = c.repo_id AND i.number = c.issue_number
                  WHERE ",
            $people!(repo, "c.repo_id"),
            " AND c.author_id IS NOT NULL AND c.author_id IS DISTINCT FROM i.author_id",
            $people!(who, "c.author_id"),
            "
                 UNION ALL
                 SELECT r.author_id, r.submitted_at FROM ",
            $people!(from, "reviews AS r"),
            " JOIN issues i ON i.repo_id = r.repo_id AND i.number = r.pr_number
                  WHERE ",
            $people!(repo, "r.repo_id"),
            " AND r.author_id IS NOT NULL AND r.submitted_at IS NOT NULL AND r.state <> 'PENDING'
                    AND r.author_id IS DISTINCT FROM i.author_id",
            $people!(who, "r.author_id"),
            "
             ), ranked AS (
                 SELECT who, at, ROW_NUMBER() OVER (PARTITION BY who ORDER BY at) AS n FROM engagements
             )
             UPDATE repo_people SET second_at = ranked.at FROM ranked
             WHERE repo_people.repo_id = ?1 AND repo_people.account_id = ranked.who AND ranked.n = 2"
        )
    };
}

/// [`engagements_sql`] for everyone and for the people in `?2`.
pub(in crate::db) const ENGAGEMENTS_ALL: &str = engagements_sql!(everyone);
pub(in crate::db) const ENGAGEMENTS_OF: &str = engagements_sql!(among);
