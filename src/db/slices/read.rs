//! Reading the week slices: each kind's JSON arrays for a scope and window, decoded into the rows
//! the reference queries return, filtered to the window's exact timestamps. Decoded weeks are kept
//! in memory under their stamps ([`super::cache`]), so a week is read and decoded again only after
//! a sync rebuilt it.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::db::dashboard::{ChangeRequestRow, ClosedItemRow, PersonWeekRow, ResponseItemRow};
use crate::db::report::{IssueSpanRow, ReportItemRow};

use super::cache;

/// The week under which `spans` keeps issues that are open (year 10000, after any close).
pub const OPEN_WEEK: i64 = 253_402_300_800;

/// The decoded rows of one kind for the scope's weeks in `[from_week, to)`, each week's with its
/// repository, by repository, then week. Weeks held by the cache ([`super::cache`]) under the
/// stamp the database has now are taken from it; the others are read and decoded (a large window
/// on two cores), and kept.
async fn weeks<T: Row>(
    pool: &sqlx::AnyPool,
    scope: &str,
    kind: &'static str,
    from_week: i64,
    to: i64,
) -> sqlx::Result<Vec<(i64, Arc<Vec<T>>)>> {
    let stamps: Vec<(i64, i64, i64)> = crate::db::sql::query_as(
        "SELECT repo_id, week, built FROM week_slices
         WHERE repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND kind = ?2 AND week >= ?3 AND week < ?4
         ORDER BY repo_id, week",
    )
    .bind(scope)
    .bind(kind)
    .bind(from_week)
    .bind(to)
    .fetch_all(pool)
    .await?;
    let mut found: Vec<Option<Arc<Vec<T>>>> =
        stamps.iter().map(|&(repo, week, built)| cache::get((repo, kind, week, built))).collect();
    let missing: Vec<(i64, i64)> =
        stamps.iter().zip(&found).filter(|(_, f)| f.is_none()).map(|(&(repo, week, _), _)| (repo, week)).collect();
    if !missing.is_empty() {
        let texts =
            read_missing(pool, kind, &missing, (scope, from_week, to), 2 * missing.len() >= stamps.len()).await?;
        let decoded: Vec<Vec<T>> = decode(&texts)?;
        let at: std::collections::HashMap<(i64, i64), usize> =
            stamps.iter().enumerate().map(|(i, &(repo, week, _))| ((repo, week), i)).collect();
        for ((repo, week, built, text), mut rows) in texts.iter().zip(decoded) {
            let Some(&i) = at.get(&(*repo, *week)) else { continue };
            T::prepare(&mut rows);
            let rows = Arc::new(rows);
            if *built != 0 {
                cache::put((*repo, kind, *week, *built), Arc::clone(&rows), text.len());
            }
            found[i] = Some(rows);
        }
    }
    // A week rebuilt away between the two statements (no rows any more) is left out.
    Ok(stamps.iter().zip(found).filter_map(|(&(repo, _, _), rows)| Some((repo, rows?))).collect())
}

/// A row of a kind's slices: the tuple of its columns.
trait Row: DeserializeOwned + Send + Sync + 'static {
    /// Puts one week's decoded rows in the order the readers want, once, before they are kept.
    fn prepare(_rows: &mut Vec<Self>) {}
}

impl Row for ItemTuple {}
impl Row for ClosedTuple {}
impl Row for PrTuple {}
impl Row for (i64, Option<i64>) {}
impl Row for (i64, i64, i64) {}
impl Row for (String, i64) {}

/// A week's people by login, then account: [`merge_person_weeks`]'s order, so that one
/// repository's weeks read in order need no sorting, and several repositories' only merging.
impl Row for PersonTuple {
    fn prepare(rows: &mut Vec<Self>) {
        rows.sort_by(|a, b| (a.0, &a.2, a.1).cmp(&(b.0, &b.2, b.1)));
    }
}

/// The rows of the `missing` `(repository, week)` slices of one kind, each with its stamp, read
/// as the whole window's range (`scope`, `[from_week, to)`) when `most` are missing, else as those
/// weeks of those repositories.
async fn read_missing(
    pool: &sqlx::AnyPool,
    kind: &str,
    missing: &[(i64, i64)],
    (scope, from_week, to): (&str, i64, i64),
    most: bool,
) -> sqlx::Result<Vec<(i64, i64, i64, String)>> {
    let mut rows: Vec<(i64, i64, i64, String)> = if most {
        crate::db::sql::query_as(
            "SELECT repo_id, week, built, rows FROM week_slices
             WHERE repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND kind = ?2 AND week >= ?3 AND week < ?4",
        )
        .bind(scope)
        .bind(kind)
        .bind(from_week)
        .bind(to)
        .fetch_all(pool)
        .await?
    } else {
        let repos: BTreeSet<i64> = missing.iter().map(|m| m.0).collect();
        let weeks: BTreeSet<i64> = missing.iter().map(|m| m.1).collect();
        crate::db::sql::query_as(
            "SELECT repo_id, week, built, rows FROM week_slices
             WHERE repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND kind = ?2
               AND week IN (SELECT CAST(value AS BIGINT) FROM json_each(?3))",
        )
        .bind(crate::db::dashboard::json_list(&repos))
        .bind(kind)
        .bind(crate::db::dashboard::json_list(&weeks))
        .fetch_all(pool)
        .await?
    };
    // The range, and those weeks of the other missing repositories, hold weeks held already:
    // only the missing ones are decoded.
    let wanted: BTreeSet<(i64, i64)> = missing.iter().copied().collect();
    rows.retain(|r| wanted.contains(&(r.0, r.1)));
    Ok(rows)
}

/// Texts of at least this many bytes in all are decoded on two cores.
const TWO_CORES_FROM: usize = 128 * 1024;

/// Each text's rows (a JSON array of the kind's column tuples `T`), in order. A large window (a
/// big repository or organisation holds megabytes of slices) is decoded in two halves at once.
fn decode<T: DeserializeOwned + Send>(texts: &[(i64, i64, i64, String)]) -> sqlx::Result<Vec<Vec<T>>> {
    let total: usize = texts.iter().map(|t| t.3.len()).sum();
    if total < TWO_CORES_FROM || texts.len() < 2 {
        return decode_all(texts);
    }
    let mut bytes = 0;
    let half = texts.iter().position(|t| {
        bytes += t.3.len();
        2 * bytes >= total
    });
    let (first, second) = texts.split_at(half.map_or(1, |i| i + 1).clamp(1, texts.len() - 1));
    let (first, second) = std::thread::scope(|s| {
        let second = s.spawn(|| decode_all(second));
        (decode_all(first), second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let mut out = first?;
    out.extend(second?);
    Ok(out)
}

/// [`decode`] on this thread.
fn decode_all<T: DeserializeOwned>(texts: &[(i64, i64, i64, String)]) -> sqlx::Result<Vec<Vec<T>>> {
    texts.iter().map(|t| serde_json::from_str(&t.3).map_err(|e| sqlx::Error::Decode(Box::new(e)))).collect()
}

/// Every row of `weeks`, in order.
fn rows_of<T>(weeks: &[(i64, Arc<Vec<T>>)]) -> impl Iterator<Item = &T> {
    weeks.iter().flat_map(|(_, rows)| rows.iter())
}

type ItemTuple = (i64, i64, i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, i64, i64);
type ClosedTuple = (i64, i64, i64, Option<i64>, i64);

/// Response items created in `[from, to)`, read from the weeks that hold them.
pub async fn response_items(
    pool: &sqlx::AnyPool,
    scope: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<ResponseItemRow>> {
    let weeks = weeks(pool, scope, "items", crate::metrics::week_start(from), to).await?;
    Ok(response_items_in(&weeks, from, to))
}

/// The response items of `weeks` (slices of kind `items`) created in `[from, to)`.
fn response_items_in(weeks: &[(i64, Arc<Vec<ItemTuple>>)], from: i64, to: i64) -> Vec<ResponseItemRow> {
    rows_of(weeks)
        .filter(|r| r.1 >= from && r.1 < to)
        .map(|&(pr, created, clock, first, fm, fc, fb, author_first, maint, bot)| ResponseItemRow {
            is_pull_request: pr != 0,
            created_at: created,
            clock_start: clock,
            first_response_at: first,
            first_maintainer_response_at: fm,
            first_community_response_at: fc,
            first_bot_response_at: fb,
            author_first_at: author_first,
            author_is_maintainer: maint != 0,
            author_is_bot: bot != 0,
        })
        .collect()
}

/// Items closed in `[from, to)`.
pub async fn closed_items(pool: &sqlx::AnyPool, scope: &str, from: i64, to: i64) -> sqlx::Result<Vec<ClosedItemRow>> {
    let weeks = weeks(pool, scope, "closed", crate::metrics::week_start(from), to).await?;
    Ok(closed_items_in(&weeks, from, to))
}

/// The items of `weeks` (slices of kind `closed`) closed in `[from, to)`.
fn closed_items_in(weeks: &[(i64, Arc<Vec<ClosedTuple>>)], from: i64, to: i64) -> Vec<ClosedItemRow> {
    rows_of(weeks)
        .filter(|r| r.2 >= from && r.2 < to)
        .map(|&(pr, created, closed, merged, bot)| ClosedItemRow {
            is_pull_request: pr != 0,
            created_at: created,
            closed_at: closed,
            merged_at: merged,
            author_is_bot: bot != 0,
        })
        .collect()
}

type PrTuple = (i64, Option<i64>, i64, Option<i64>, Option<i64>, i64);

/// Pull requests opened or closed in `[from, to)`, each once.
pub async fn change_requests(
    pool: &sqlx::AnyPool,
    scope: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<ChangeRequestRow>> {
    let first = crate::metrics::week_start(from);
    let (opened, closed) =
        tokio::try_join!(weeks(pool, scope, "prs", first, to), weeks(pool, scope, "prs_closed", first, to))?;
    Ok(change_requests_in(&opened, &closed, from, to))
}

/// The pull requests of `opened` and `closed` (slices of kinds `prs` and `prs_closed`) opened or
/// closed in `[from, to)`, each once.
fn change_requests_in(
    opened: &[(i64, Arc<Vec<PrTuple>>)],
    closed: &[(i64, Arc<Vec<PrTuple>>)],
    from: i64,
    to: i64,
) -> Vec<ChangeRequestRow> {
    let inside = |t: i64| t >= from && t < to;
    let opened = rows_of(opened).filter(|r| inside(r.2));
    // Opened before the window and closed in it (those opened in it are in `opened` already).
    let closed = rows_of(closed).filter(|r| r.1.is_some_and(inside) && !inside(r.2));
    opened
        .chain(closed)
        .map(|&(_, _, created, closed, merged, bot)| ChangeRequestRow {
            created_at: created,
            closed_at: closed,
            merged_at: merged,
            author_is_bot: bot != 0,
        })
        .collect()
}

type PersonTuple = (i64, i64, String, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

/// People's weeks starting in `[from_week, to)`, summed over the scope's repositories per person
/// (a maintainer in any of them is one), ordered by week, then login.
pub async fn person_weeks(
    pool: &sqlx::AnyPool,
    scope: &str,
    from_week: i64,
    to: i64,
) -> sqlx::Result<Vec<PersonWeekRow>> {
    let weeks = weeks(pool, scope, "people", from_week, to).await?;
    Ok(person_weeks_in(&weeks))
}

/// The people's weeks of `weeks` (slices of kind `people`, by repository then week), summed per
/// week and person.
fn person_weeks_in(weeks: &[(i64, Arc<Vec<PersonTuple>>)]) -> Vec<PersonWeekRow> {
    // Week by week (each week's rows are sorted already): the sort below then only merges the
    // repositories' rows of each week.
    let mut by_week: Vec<&Arc<Vec<PersonTuple>>> = Vec::with_capacity(weeks.len());
    let mut order: Vec<(i64, usize)> =
        weeks.iter().enumerate().map(|(i, (_, rows))| (rows.first().map_or(0, |r| r.0), i)).collect();
    order.sort_unstable();
    by_week.extend(order.iter().map(|&(_, i)| &weeks[i].1));
    merge_person_weeks(
        by_week
            .iter()
            .flat_map(|rows| rows.iter())
            .map(|(week, account_id, login, bot, maint, io, po, pm, mg, cm, rs, rv, rc, tr, ct)| PersonWeekRow {
                week: *week,
                account_id: *account_id,
                login: login.clone(),
                is_bot: *bot != 0,
                is_maintainer: *maint != 0,
                issues_opened: *io,
                prs_opened: *po,
                prs_merged: *pm,
                merges: *mg,
                comments: *cm,
                responses: *rs,
                reviews: *rv,
                review_comments: *rc,
                triage: *tr,
                commits: *ct,
            })
            .collect(),
    )
}

/// One repository's rows of a window, as [`response_items`], [`closed_items`],
/// [`change_requests`] and [`person_weeks`] read them for a scope of that repository alone.
#[derive(Debug, Clone, Default)]
pub struct RepoWindow {
    pub response_items: Vec<ResponseItemRow>,
    pub closed_items: Vec<ClosedItemRow>,
    pub change_requests: Vec<ChangeRequestRow>,
    pub person_weeks: Vec<PersonWeekRow>,
}

/// The window `[from, to)` of each repository of the scope, apart: five reads for all of them
/// (one per kind) instead of five per repository. Repositories without slices in the window are
/// left out (their rows are empty).
pub async fn window_each(
    pool: &sqlx::AnyPool,
    scope: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<std::collections::HashMap<i64, RepoWindow>> {
    let first = crate::metrics::week_start(from);
    let (items, closed, prs, prs_closed, people) = tokio::try_join!(
        weeks::<ItemTuple>(pool, scope, "items", first, to),
        weeks::<ClosedTuple>(pool, scope, "closed", first, to),
        weeks::<PrTuple>(pool, scope, "prs", first, to),
        weeks::<PrTuple>(pool, scope, "prs_closed", first, to),
        weeks::<PersonTuple>(pool, scope, "people", first, to),
    )?;
    let (items, closed, prs, prs_closed, people) =
        (by_repo(items), by_repo(closed), by_repo(prs), by_repo(prs_closed), by_repo(people));
    let repos: BTreeSet<i64> = (items.keys().chain(closed.keys()).chain(prs.keys()))
        .chain(prs_closed.keys().chain(people.keys()))
        .copied()
        .collect();
    fn of<T>(by: &ByRepo<T>, repo: i64) -> &[Week<T>] {
        by.get(&repo).map_or(&[], Vec::as_slice)
    }
    // The people's weeks (most of the rows) are made on a second core while this one makes the
    // items'.
    let (people, items) = std::thread::scope(|s| {
        let people = s.spawn(|| repos.iter().map(|&repo| person_weeks_in(of(&people, repo))).collect::<Vec<_>>());
        let items: Vec<_> = repos
            .iter()
            .map(|&repo| {
                (
                    response_items_in(of(&items, repo), from, to),
                    closed_items_in(of(&closed, repo), from, to),
                    change_requests_in(of(&prs, repo), of(&prs_closed, repo), from, to),
                )
            })
            .collect();
        (people.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), items)
    });
    Ok(repos
        .into_iter()
        .zip(people.into_iter().zip(items))
        .map(|(repo, (person_weeks, (response_items, closed_items, change_requests)))| {
            (repo, RepoWindow { response_items, closed_items, change_requests, person_weeks })
        })
        .collect())
}

/// Reads every kind of the scope's weeks in `[from_week, to)` into memory (those a page of a
/// window inside them reads, and the `spans` closed since `from_week`), so that such a page
/// decodes nothing; held weeks cost a read of their stamps.
pub async fn warm(pool: &sqlx::AnyPool, scope: &str, from_week: i64, to: i64) -> sqlx::Result<()> {
    tokio::try_join!(
        weeks::<ItemTuple>(pool, scope, "items", from_week, to),
        weeks::<ClosedTuple>(pool, scope, "closed", from_week, to),
        weeks::<PrTuple>(pool, scope, "prs", from_week, to),
        weeks::<PrTuple>(pool, scope, "prs_closed", from_week, to),
        weeks::<PersonTuple>(pool, scope, "people", from_week, to),
        weeks::<(i64, Option<i64>)>(pool, scope, "spans", from_week, OPEN_WEEK + 1),
    )?;
    Ok(())
}

/// One week's decoded rows of one kind, with their repository.
type Week<T> = (i64, Arc<Vec<T>>);

/// Weeks by repository.
type ByRepo<T> = std::collections::HashMap<i64, Vec<Week<T>>>;

/// Weeks grouped by their repository, in order.
fn by_repo<T>(weeks: Vec<Week<T>>) -> ByRepo<T> {
    let mut by: ByRepo<T> = Default::default();
    for week in weeks {
        by.entry(week.0).or_default().push(week);
    }
    by
}

/// Person-weeks of several repositories as one scope's: summed per week and account (a
/// maintainer in any of them is one), ordered by week, then login.
pub fn merge_person_weeks(mut rows: Vec<PersonWeekRow>) -> Vec<PersonWeekRow> {
    // One person's rows of a week share their login, so after this sort they are adjacent.
    // Stable: rows of several repositories arrive as runs already in this order, which it merges.
    rows.sort_by(|a, b| (a.week, &a.login, a.account_id).cmp(&(b.week, &b.login, b.account_id)));
    rows.dedup_by(|next, kept| {
        let same = (next.week, next.account_id) == (kept.week, kept.account_id);
        if same {
            kept.add(next);
        }
        same
    });
    rows
}

/// The human maintainers' weeks starting in `[from_week, to)`: the rows
/// [`crate::db::dashboard::list_maintainer_weeks`] selects (the reference the tests compare
/// with), read from the week slices.
pub async fn maintainer_weeks(
    pool: &sqlx::AnyPool,
    scope: &str,
    from_week: i64,
    to: i64,
) -> sqlx::Result<Vec<PersonWeekRow>> {
    let mut weeks = person_weeks(pool, scope, from_week, to).await?;
    weeks.retain(|w| w.is_maintainer && !w.is_bot);
    Ok(weeks)
}

/// Items opened in `[from, to)` by humans: the rows [`crate::db::report::list_human_items`]
/// selects (the reference the tests compare with), read from the week slices as the response
/// items without bots.
pub async fn human_items(pool: &sqlx::AnyPool, scope: &str, from: i64, to: i64) -> sqlx::Result<Vec<ReportItemRow>> {
    let items = response_items(pool, scope, from, to).await?;
    Ok(items.iter().filter(|r| !r.author_is_bot).map(ReportItemRow::of).collect())
}

/// One open item: whether it is a pull request, when it was opened, whether a bot opened it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenItem {
    pub is_pull_request: bool,
    pub created_at: i64,
    pub author_is_bot: bool,
}

/// Every open item of the scope.
pub async fn open_items(pool: &sqlx::AnyPool, scope: &str) -> sqlx::Result<Vec<OpenItem>> {
    let weeks = weeks::<(i64, i64, i64)>(pool, scope, "open", 0, 1).await?;
    Ok(rows_of(&weeks)
        .map(|&(pr, created, bot)| OpenItem { is_pull_request: pr != 0, created_at: created, author_is_bot: bot != 0 })
        .collect())
}

/// Every human contributor of the scope with their last contribution, once per repository.
pub async fn last_seen(pool: &sqlx::AnyPool, scope: &str) -> sqlx::Result<Vec<(String, i64)>> {
    let weeks = weeks::<(String, i64)>(pool, scope, "last_seen", 0, 1).await?;
    Ok(rows_of(&weeks).cloned().collect())
}

/// Human-authored issues open at some instant of `[from, to]`: opened before `to` and not closed
/// before `from` (read from the weeks closed since `from`, and the open ones).
pub async fn issue_spans(pool: &sqlx::AnyPool, scope: &str, from: i64, to: i64) -> sqlx::Result<Vec<IssueSpanRow>> {
    let weeks =
        weeks::<(i64, Option<i64>)>(pool, scope, "spans", crate::metrics::week_start(from), OPEN_WEEK + 1).await?;
    Ok(rows_of(&weeks)
        .filter(|&&(created, closed)| created < to && closed.is_none_or(|c| c >= from))
        .map(|&(created_at, closed_at)| IssueSpanRow { created_at, closed_at })
        .collect())
}
