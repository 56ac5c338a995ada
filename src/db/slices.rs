//! Week slices: per repository, kind and week, the rows a dashboard reads, stored as one JSON
//! array of arrays, so a cold page reads one row per week of its window (and decodes it in Rust)
//! instead of one database row per item. Rebuilt with the rollups ([`super::rollups`]), in SQL.
//!
//! The kinds, each keyed by the week (Sunday 00:00 UTC) of one timestamp (the row types are in
//! [`super::dashboard`] and [`super::report`]):
//! - `items`: issues and pull requests with a response clock (`ResponseItemRow`), by creation;
//! - `closed`: closed items (`ClosedItemRow`), by `closed_at`;
//! - `prs` and `prs_closed`: pull requests (`ChangeRequestRow`, after their id and raw
//!   `closed_at`), by creation and by `closed_at`;
//! - `people`: each person's contributions in the week (`PersonWeekRow`, after the account id).
//!
//! - `spans`: human-authored issues' `[created_at, closed_at]` (`IssueSpanRow`), by the week of
//!   their last close, those open in the row of week [`OPEN_WEEK`].
//!
//! A `format` row at week 0 records the layout ([`FORMAT`]).
//!
//! Two kinds hold the repository's present state, in one row at week 0:
//! - `open`: every open item, `[is_pull_request, created_at, author_is_bot]` (backlog age);
//! - `last_seen`: every human contributor, `[login, last contribution]` (inactive contributors).
//!
//! Each kind's columns are the ones the reference queries in [`super::dashboard`] select (the
//! same SQL text, through its macros), so a window read from slices and filtered to the exact
//! timestamps holds the rows those queries return; the tests check that whole dashboards agree.

mod cache;
mod read;

use std::collections::BTreeSet;

pub use cache::{BUDGET as CACHE_BUDGET, Stats as CacheStats, stats as cache_stats};
pub use read::*;

/// The slices' layout: a repository whose `format` row holds another number (or none) gets its
/// slices rebuilt when the database is opened. Raise it whenever a kind or its columns change.
const FORMAT: &str = "[3]";

/// `WEEK(x)`: the Sunday 00:00 UTC that starts the week of unix time `x`.
macro_rules! slice_week {
    ($col:literal) => {
        concat!("(", $col, " - ((", $col, " - 259200) % 604800))")
    };
}

/// `INSERT` of one kind's slices from a `SELECT` whose columns are `$cols`, keyed by the week of
/// `$week`, restricted to the weeks being rebuilt: `$raw` in `[?2, ?4)` (an index range around
/// them, `rollups::Weeks::runs`) inside, and the week in `?3` (a JSON array, or NULL for every
/// week) outside; `?5` is the rows' stamp ([`stamp`]). `json_array` of each kind's column types is defined for PostgreSQL in
/// migration `20261206000018_json_array`: a kind with other columns needs an overload there.
macro_rules! insert_slices {
    ($kind:literal, $week:literal, $raw:literal, $cols:literal, $select:expr) => {
        concat!(
            "INSERT INTO week_slices (repo_id, kind, week, rows, built) SELECT ?1, '",
            $kind,
            "', ",
            slice_week!($week),
            " AS wk, json_group_array(json_array(",
            $cols,
            ")), ?5 FROM (",
            $select,
            " AND ",
            $raw,
            " >= ?2 AND ",
            $raw,
            " < ?4) AS slice WHERE ?3 IS NULL OR ",
            slice_week!($week),
            " IN (SELECT CAST(value AS BIGINT) FROM json_each(?3)) GROUP BY wk"
        )
    };
}

/// `INSERT` of one whole-repository kind from a `SELECT` whose columns are `$cols`, with the stamp
/// `?2`, at week `?3` (0).
macro_rules! insert_whole {
    ($kind:literal, $cols:literal, $select:literal) => {
        concat!(
            "INSERT INTO week_slices (repo_id, kind, week, rows, built) SELECT ?1, '",
            $kind,
            "', ?3, json_group_array(json_array(",
            $cols,
            ")), ?2 FROM (",
            $select,
            ") AS slice"
        )
    };
}

/// The kinds keyed by a week, each with its statement (`spans` holds the closed issues here; its
/// open row is [`SPANS_OPEN`]'s).
pub(in crate::db) const WEEKLY: [(&str, &str); 6] = [
    (
        "items",
        insert_slices!(
            "items",
            "created_at",
            "i.created_at",
            "is_pull_request, created_at, clock_start, first_response_at, first_maintainer_response_at, \
             first_community_response_at, first_bot_response_at, author_first_at, \
             author_is_maintainer, author_is_bot",
            concat!(response_item_select!(), "WHERE i.repo_id = ?1 AND", response_item_kept!())
        ),
    ),
    (
        "closed",
        insert_slices!(
            "closed",
            "closed_at",
            "i.closed_at",
            "is_pull_request, created_at, closed_at, merged_at, author_is_bot",
            concat!(closed_item_select!(), "i.repo_id = ?1")
        ),
    ),
    (
        "prs",
        insert_slices!(
            "prs",
            "created_at",
            "i.created_at",
            "id, closed_any, created_at, closed_at, merged_at, author_is_bot",
            concat!(change_request_select!(), "i.repo_id = ?1")
        ),
    ),
    (
        "prs_closed",
        insert_slices!(
            "prs_closed",
            "closed_any",
            "i.closed_at",
            "id, closed_any, created_at, closed_at, merged_at, author_is_bot",
            concat!(change_request_select!(), "i.repo_id = ?1 AND i.closed_at IS NOT NULL")
        ),
    ),
    (
        "people",
        insert_slices!(
            "people",
            "week",
            "pw.week",
            "week, account_id, login, is_bot, is_maintainer, issues_opened, prs_opened, prs_merged, merges, \
             comments, responses, reviews, review_comments, triage, commits",
            concat!(person_week_select!(), "WHERE pw.repo_id = ?1")
        ),
    ),
    (
        "spans",
        insert_slices!(
            "spans",
            "closed_at",
            "i.closed_at",
            "created_at, closed_at",
            concat!(issue_span_select!(), "i.repo_id = ?1 AND i.state = 'closed' AND i.closed_at IS NOT NULL")
        ),
    ),
];

/// The whole-repository kinds, rebuilt whenever anything in the repository changed.
pub(in crate::db) const WHOLE: [(&str, &str); 2] = [
    (
        "open",
        insert_whole!(
            "open",
            "is_pull_request, created_at, author_is_bot",
            "SELECT i.is_pull_request, i.created_at, COALESCE(a.is_bot, 0) AS author_is_bot
             FROM issues i LEFT JOIN accounts a ON a.id = i.author_id WHERE i.repo_id = ?1 AND i.state = 'open'"
        ),
    ),
    (
        "last_seen",
        insert_whole!(
            "last_seen",
            "login, last_at",
            "SELECT a.login, rp.last_at FROM repo_people rp JOIN accounts a ON a.id = rp.account_id
             WHERE rp.repo_id = ?1 AND a.is_bot = 0"
        ),
    ),
];

/// The `spans` row of the issues open (or closed without a time) under week `?3` ([`OPEN_WEEK`]),
/// with the stamp `?2`; no row when there are none. Read through the partial index
/// `issues_span_open`, so rebuilding it on each change costs the open issues, not the history.
pub(in crate::db) const SPANS_OPEN: &str = concat!(
    "INSERT INTO week_slices (repo_id, kind, week, rows, built)
     SELECT ?1, 'spans', ?3, json_group_array(json_array(created_at, closed_at)), ?2 FROM (",
    issue_span_select!(),
    "i.repo_id = ?1 AND (i.state <> 'closed' OR i.closed_at IS NULL)) AS slice HAVING COUNT(*) > 0"
);

/// The rows rebuilt whole on every change, each kind with its statement and week: the
/// whole-repository kinds at week 0, and the open issues' spans at [`OPEN_WEEK`].
fn whole_rows() -> impl Iterator<Item = (&'static str, &'static str, i64)> {
    WHOLE.iter().map(|&(kind, sql)| (kind, sql, 0)).chain([("spans", SPANS_OPEN, OPEN_WEEK)])
}

/// The weeks of each kind to rebuild (`spans` follows `closed`; the whole kinds are rebuilt).
#[derive(Debug, Default)]
pub struct SliceWeeks {
    pub items: BTreeSet<i64>,
    pub prs: BTreeSet<i64>,
    pub closed: BTreeSet<i64>,
    pub people: BTreeSet<i64>,
}

/// Rebuilds every slice of one repository (inside the rollups' transaction).
pub async fn rebuild(tx: &mut sqlx::AnyConnection, repo_id: i64) -> sqlx::Result<()> {
    crate::db::sql::query("DELETE FROM week_slices WHERE repo_id = ?").bind(repo_id).execute(&mut *tx).await?;
    let built = stamp();
    for (_, sql) in WEEKLY {
        crate::db::sql::query(sql)
            .bind(repo_id)
            .bind(i64::MIN)
            .bind(None::<String>)
            .bind(i64::MAX)
            .bind(built)
            .execute(&mut *tx)
            .await?;
    }
    for (_, sql, week) in whole_rows() {
        crate::db::sql::query(sql).bind(repo_id).bind(built).bind(week).execute(&mut *tx).await?;
    }
    crate::db::sql::query("INSERT INTO week_slices (repo_id, kind, week, rows) VALUES (?1, 'format', 0, ?2)")
        .bind(repo_id)
        .bind(FORMAT)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Rebuilds the named weeks of each kind (`spans` for the `closed` weeks), the open issues' spans
/// and the whole-repository kinds (inside the rollups' transaction).
pub async fn rebuild_weeks(tx: &mut sqlx::AnyConnection, repo_id: i64, weeks: &SliceWeeks) -> sqlx::Result<()> {
    let mut laps = super::laps::Laps::start();
    let built = stamp();
    let kinds = WEEKLY.iter().map(|&(kind, sql)| {
        let set = match kind {
            "items" => &weeks.items,
            "prs" => &weeks.prs,
            "people" => &weeks.people,
            _ => &weeks.closed,
        };
        (kind, sql, set)
    });
    for (kind, sql, set) in kinds {
        if set.is_empty() {
            continue;
        }
        let list = super::dashboard::json_list(set);
        crate::db::sql::query(
            "DELETE FROM week_slices WHERE repo_id = ?1 AND kind = ?2 AND week IN (SELECT CAST(value AS BIGINT) FROM json_each(?3))",
        )
        .bind(repo_id)
        .bind(kind)
        .bind(&list)
        .execute(&mut *tx)
        .await?;
        // One index range per run of nearby weeks, not every row from the first week on.
        for run in super::rollups::weeks::Weeks::Some(set.clone()).runs() {
            crate::db::sql::query(sql)
                .bind(repo_id)
                .bind(run.from)
                .bind(run.weeks)
                .bind(run.to)
                .bind(built)
                .execute(&mut *tx)
                .await?;
        }
        laps.lap(kind);
    }
    for (kind, sql, week) in whole_rows() {
        crate::db::sql::query("DELETE FROM week_slices WHERE repo_id = ?1 AND kind = ?2 AND week = ?3")
            .bind(repo_id)
            .bind(kind)
            .bind(week)
            .execute(&mut *tx)
            .await?;
        crate::db::sql::query(sql).bind(repo_id).bind(built).bind(week).execute(&mut *tx).await?;
        laps.lap(kind);
    }
    tracing::debug!(repo_id, laps = %laps, "slices: milliseconds by kind");
    Ok(())
}

/// A new stamp for rebuilt slices: random, positive (0 is a row without one). The cache keys a
/// decoded slice by its repository, kind, week and stamp, so two rebuilds must not share one: the
/// chance that they do is 2^-62.
fn stamp() -> i64 {
    (rand::random::<u64>() >> 2) as i64 + 1
}

/// Builds the slices of repositories that have rollups but no slices of the current [`FORMAT`]
/// (a database from before slices, or from an older layout); returns how many. One transaction
/// per repository.
pub async fn build_missing(pool: &sqlx::AnyPool) -> sqlx::Result<usize> {
    let missing: Vec<i64> = crate::db::sql::query_scalar(
        "SELECT DISTINCT repo_id FROM repo_weeks rw
         WHERE NOT EXISTS (SELECT 1 FROM week_slices s
                           WHERE s.repo_id = rw.repo_id AND s.kind = 'format' AND s.week = 0 AND s.rows = ?1)",
    )
    .bind(FORMAT)
    .fetch_all(pool)
    .await?;
    for &repo_id in &missing {
        let mut tx = super::backend::begin_write(pool).await?;
        rebuild(&mut tx, repo_id).await?;
        tx.commit().await?;
    }
    Ok(missing.len())
}
