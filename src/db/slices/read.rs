//! Reading the week slices: each kind's JSON arrays for a scope and window, decoded into the rows
//! the reference queries return, filtered to the window's exact timestamps.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use sqlx::AnyExecutor;

use crate::db::dashboard::{ChangeRequestRow, ClosedItemRow, PersonWeekRow, ResponseItemRow};
use crate::db::report::{IssueSpanRow, ReportItemRow};

/// The week under which `spans` keeps issues that are open (year 10000, after any close).
pub const OPEN_WEEK: i64 = 253_402_300_800;

/// The JSON arrays of one kind for the scope's weeks in `[from_week, to)`, each with its
/// repository.
async fn read_each<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    kind: &str,
    from_week: i64,
    to: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    crate::db::sql::query_as(
        "SELECT repo_id, rows FROM week_slices
         WHERE repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND kind = ?2 AND week >= ?3 AND week < ?4",
    )
    .bind(scope)
    .bind(kind)
    .bind(from_week)
    .bind(to)
    .fetch_all(ex)
    .await
}

/// The JSON arrays of one kind for the scope's weeks in `[from_week, to)`.
async fn read<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    kind: &str,
    from_week: i64,
    to: i64,
) -> sqlx::Result<Vec<String>> {
    Ok(read_each(ex, scope, kind, from_week, to).await?.into_iter().map(|(_, text)| text).collect())
}

/// Texts of at least this many bytes in all are decoded on two cores.
const TWO_CORES_FROM: usize = 128 * 1024;

/// Every row of `texts`, decoded as `T` (a tuple of the kind's columns), in order. A large window
/// (a big repository or organisation holds megabytes of slices) is decoded in two halves at once.
fn decode<T: DeserializeOwned + Send>(texts: &[String]) -> sqlx::Result<Vec<T>> {
    let total: usize = texts.iter().map(String::len).sum();
    if total < TWO_CORES_FROM || texts.len() < 2 {
        return decode_all(texts);
    }
    let mut bytes = 0;
    let half = texts.iter().position(|t| {
        bytes += t.len();
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
fn decode_all<T: DeserializeOwned>(texts: &[String]) -> sqlx::Result<Vec<T>> {
    let mut out = Vec::new();
    for text in texts {
        let rows: Vec<T> = serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        out.extend(rows);
    }
    Ok(out)
}

type ItemTuple = (i64, i64, i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, i64, i64);

/// Response items created in `[from, to)`, read from the weeks that hold them.
pub async fn response_items<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<ResponseItemRow>> {
    let texts = read(ex, scope, "items", crate::metrics::week_start(from), to).await?;
    response_items_in(&texts, from, to)
}

/// The response items of `texts` (slices of kind `items`) created in `[from, to)`.
fn response_items_in(texts: &[String], from: i64, to: i64) -> sqlx::Result<Vec<ResponseItemRow>> {
    let rows: Vec<ItemTuple> = decode(texts)?;
    Ok(rows
        .into_iter()
        .filter(|r| r.1 >= from && r.1 < to)
        .map(|(pr, created, clock, first, fm, fc, fb, author_first, maint, bot)| ResponseItemRow {
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
        .collect())
}

/// Items closed in `[from, to)`.
pub async fn closed_items<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<ClosedItemRow>> {
    let texts = read(ex, scope, "closed", crate::metrics::week_start(from), to).await?;
    closed_items_in(&texts, from, to)
}

/// The items of `texts` (slices of kind `closed`) closed in `[from, to)`.
fn closed_items_in(texts: &[String], from: i64, to: i64) -> sqlx::Result<Vec<ClosedItemRow>> {
    let rows: Vec<(i64, i64, i64, Option<i64>, i64)> = decode(texts)?;
    Ok(rows
        .into_iter()
        .filter(|r| r.2 >= from && r.2 < to)
        .map(|(pr, created, closed, merged, bot)| ClosedItemRow {
            is_pull_request: pr != 0,
            created_at: created,
            closed_at: closed,
            merged_at: merged,
            author_is_bot: bot != 0,
        })
        .collect())
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
        tokio::try_join!(read(pool, scope, "prs", first, to), read(pool, scope, "prs_closed", first, to))?;
    change_requests_in(&opened, &closed, from, to)
}

/// The pull requests of `opened` and `closed` (slices of kinds `prs` and `prs_closed`) opened or
/// closed in `[from, to)`, each once.
fn change_requests_in(opened: &[String], closed: &[String], from: i64, to: i64) -> sqlx::Result<Vec<ChangeRequestRow>> {
    let inside = |t: i64| t >= from && t < to;
    let mut rows: Vec<PrTuple> = decode(opened)?;
    rows.retain(|r| inside(r.2));
    let mut closed: Vec<PrTuple> = decode(closed)?;
    // Opened before the window and closed in it (those opened in it are in `rows` already).
    closed.retain(|r| r.1.is_some_and(inside) && !inside(r.2));
    rows.extend(closed);
    Ok(rows
        .into_iter()
        .map(|(_, _, created, closed, merged, bot)| ChangeRequestRow {
            created_at: created,
            closed_at: closed,
            merged_at: merged,
            author_is_bot: bot != 0,
        })
        .collect())
}

type PersonTuple = (i64, i64, String, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

/// People's weeks starting in `[from_week, to)`, summed over the scope's repositories per person
/// (a maintainer in any of them is one), ordered by week, then login.
pub async fn person_weeks<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    from_week: i64,
    to: i64,
) -> sqlx::Result<Vec<PersonWeekRow>> {
    let texts = read(ex, scope, "people", from_week, to).await?;
    person_weeks_in(&texts)
}

/// The people's weeks of `texts` (slices of kind `people`), summed per week and person.
fn person_weeks_in(texts: &[String]) -> sqlx::Result<Vec<PersonWeekRow>> {
    let rows: Vec<PersonTuple> = decode(texts)?;
    Ok(merge_person_weeks(
        rows.into_iter()
            .map(|(week, account_id, login, bot, maint, io, po, pm, mg, cm, rs, rv, rc, tr, ct)| PersonWeekRow {
                week,
                account_id,
                login,
                is_bot: bot != 0,
                is_maintainer: maint != 0,
                issues_opened: io,
                prs_opened: po,
                prs_merged: pm,
                merges: mg,
                comments: cm,
                responses: rs,
                reviews: rv,
                review_comments: rc,
                triage: tr,
                commits: ct,
            })
            .collect(),
    ))
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

/// The window `[from, to)` of each repository of the scope, apart: five statements for all of
/// them (one per kind) instead of five per repository. Repositories without slices in the window
/// are left out (their rows are empty).
pub async fn window_each(
    pool: &sqlx::AnyPool,
    scope: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<std::collections::HashMap<i64, RepoWindow>> {
    let first = crate::metrics::week_start(from);
    let (items, closed, prs, prs_closed, people) = tokio::try_join!(
        read_each(pool, scope, "items", first, to),
        read_each(pool, scope, "closed", first, to),
        read_each(pool, scope, "prs", first, to),
        read_each(pool, scope, "prs_closed", first, to),
        read_each(pool, scope, "people", first, to),
    )?;
    let group = |rows: Vec<(i64, String)>| {
        let mut by: std::collections::HashMap<i64, Vec<String>> = Default::default();
        for (repo, text) in rows {
            by.entry(repo).or_default().push(text);
        }
        by
    };
    let (items, closed, prs, prs_closed, people) =
        (group(items), group(closed), group(prs), group(prs_closed), group(people));
    let repos: BTreeSet<i64> =
        [&items, &closed, &prs, &prs_closed, &people].iter().flat_map(|by| by.keys().copied()).collect();
    fn of(by: &std::collections::HashMap<i64, Vec<String>>, repo: i64) -> &[String] {
        by.get(&repo).map_or(&[], Vec::as_slice)
    }
    // The people's weeks (most of the text) are decoded on a second core while this one decodes
    // the items.
    let (people, items) = std::thread::scope(|s| {
        let people = s.spawn(|| repos.iter().map(|&repo| person_weeks_in(of(&people, repo))).collect::<Vec<_>>());
        let items: Vec<_> = repos
            .iter()
            .map(|&repo| -> sqlx::Result<_> {
                Ok((
                    response_items_in(of(&items, repo), from, to)?,
                    closed_items_in(of(&closed, repo), from, to)?,
                    change_requests_in(of(&prs, repo), of(&prs_closed, repo), from, to)?,
                ))
            })
            .collect();
        (people.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), items)
    });
    repos
        .into_iter()
        .zip(people.into_iter().zip(items))
        .map(|(repo, (people, items))| {
            let (response_items, closed_items, change_requests) = items?;
            Ok((repo, RepoWindow { response_items, closed_items, change_requests, person_weeks: people? }))
        })
        .collect()
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
pub async fn maintainer_weeks<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    from_week: i64,
    to: i64,
) -> sqlx::Result<Vec<PersonWeekRow>> {
    let mut weeks = person_weeks(ex, scope, from_week, to).await?;
    weeks.retain(|w| w.is_maintainer && !w.is_bot);
    Ok(weeks)
}

/// Items opened in `[from, to)` by humans: the rows [`crate::db::report::list_human_items`]
/// selects (the reference the tests compare with), read from the week slices as the response
/// items without bots.
pub async fn human_items<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<ReportItemRow>> {
    let items = response_items(ex, scope, from, to).await?;
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
pub async fn open_items<'e>(ex: impl AnyExecutor<'e>, scope: &str) -> sqlx::Result<Vec<OpenItem>> {
    let texts = read(ex, scope, "open", 0, 1).await?;
    let rows: Vec<(i64, i64, i64)> = decode(&texts)?;
    Ok(rows
        .into_iter()
        .map(|(pr, created, bot)| OpenItem { is_pull_request: pr != 0, created_at: created, author_is_bot: bot != 0 })
        .collect())
}

/// Every human contributor of the scope with their last contribution, once per repository.
pub async fn last_seen<'e>(ex: impl AnyExecutor<'e>, scope: &str) -> sqlx::Result<Vec<(String, i64)>> {
    let texts = read(ex, scope, "last_seen", 0, 1).await?;
    decode(&texts)
}

/// Human-authored issues open at some instant of `[from, to]`: opened before `to` and not closed
/// before `from` (read from the weeks closed since `from`, and the open ones).
pub async fn issue_spans<'e>(
    ex: impl AnyExecutor<'e>,
    scope: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<IssueSpanRow>> {
    let texts = read(ex, scope, "spans", crate::metrics::week_start(from), OPEN_WEEK + 1).await?;
    let rows: Vec<(i64, Option<i64>)> = decode(&texts)?;
    Ok(rows
        .into_iter()
        .filter(|&(created, closed)| created < to && closed.is_none_or(|c| c >= from))
        .map(|(created_at, closed_at)| IssueSpanRow { created_at, closed_at })
        .collect())
}
