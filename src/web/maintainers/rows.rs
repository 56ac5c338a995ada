//! Loading a dashboard's rows: every `db::dashboard` query and `db::slices` read a maintainer
//! page needs, for one scope (repositories) and window. Nothing here computes; see
//! [`super::dashboard`].

use crate::db::dashboard::{
    self as q, ChangeRequestRow, ClosedItemRow, PersonWeekRow, RepoWeekRow, ResponseItemRow, UnansweredRow,
    WeekTotalRow,
};
use crate::db::slices::{self, OpenItem};
use crate::metrics::{DAY, WEEK, week_start};

/// How many unanswered items a page lists (the count is always exact).
pub const UNANSWERED_LIMIT: i64 = 100;
/// Burnout signals look at this many weeks before the current one, whatever the window.
pub const BURNOUT_WEEKS: i64 = 17;

/// Everything one dashboard reads.
#[derive(Debug, Clone, Default)]
pub struct ScopeRows {
    pub response_items: Vec<ResponseItemRow>,
    pub closed_items: Vec<ClosedItemRow>,
    pub change_requests: Vec<ChangeRequestRow>,
    pub repo_weeks: Vec<RepoWeekRow>,
    pub person_weeks: Vec<PersonWeekRow>,
    pub recent_person_weeks: Vec<PersonWeekRow>,
    pub recent_response_items: Vec<ResponseItemRow>,
    pub maintainers: Vec<String>,
    /// Every human contributor and their last contribution (once per repository of the scope).
    pub last_seen: Vec<(String, i64)>,
    /// Every open item.
    pub open_items: Vec<OpenItem>,
    pub unanswered: Vec<UnansweredRow>,
    pub unanswered_count: i64,
    pub releases: Vec<i64>,
    pub week_totals: Vec<WeekTotalRow>,
}

/// How many names per inactivity group a page shows (the counts are exact).
pub const INACTIVE_SHOWN: usize = 20;

/// Which parts of a dashboard its rows are read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parts {
    /// Everything: a dashboard page, its JSON and CSV, its badges.
    Full,
    /// The overview's cards and rows: no burnout signals, inactive contributors or unanswered
    /// list, whose reads (every contributor, the last 17 weeks) are most of a page's cost. A
    /// dashboard computed from these rows leaves those three empty.
    Cards,
    /// The window's rows alone, for a dashboard whose present state (the rows that do not depend
    /// on the window) was computed before ([`super::present`]). Those rows stay empty.
    Window,
}

impl Parts {
    /// Whether the rows that depend on `now` only (not the window) are read, and whether the
    /// Full-only ones among them are.
    fn present(self) -> (bool, bool) {
        match self {
            Parts::Full => (true, true),
            Parts::Cards => (true, false),
            Parts::Window => (false, false),
        }
    }
}

/// `read` when `wanted`, else nothing (an empty value).
async fn only_if<T: Default>(wanted: bool, read: impl Future<Output = sqlx::Result<T>>) -> sqlx::Result<T> {
    if wanted { read.await } else { Ok(T::default()) }
}

/// `read` run as a task of its own (on any of the runtime's threads), awaited here.
async fn on_own_task<T: Send + 'static>(
    read: impl Future<Output = sqlx::Result<T>> + Send + 'static,
) -> sqlx::Result<T> {
    tokio::spawn(read).await.map_err(|e| sqlx::Error::Protocol(format!("a read stopped: {e}")))?
}

/// Reads the rows for `repo_ids` over `[from, to)` as of `now`.
pub async fn load_rows(
    pool: &sqlx::AnyPool,
    repo_ids: &[i64],
    (from, to): (i64, i64),
    include_bots: bool,
    now: i64,
    parts: Parts,
) -> sqlx::Result<ScopeRows> {
    let scope = q::scope_json(repo_ids);
    let scope = scope.as_str();
    let recent_from = week_start(now) - BURNOUT_WEEKS * WEEK;
    let (present, full) = parts.present();
    // The largest read (every person's weeks of the window) is decoded on a task of its own, so
    // on another core while this task decodes the others.
    let people = {
        let (pool, scope, from_week) = (pool.clone(), scope.to_owned(), week_start(from));
        on_own_task(async move { slices::person_weeks(&pool, &scope, from_week, to).await })
    };
    // Independent reads, run at once on the read pool: a cold page waits for the slowest, not
    // for their sum.
    let (response_items, closed_items, change_requests, repo_weeks, person_weeks, recent_person_weeks) = tokio::try_join!(
        slices::response_items(pool, scope, from, to),
        slices::closed_items(pool, scope, from, to),
        slices::change_requests(pool, scope, from, to),
        q::list_repo_weeks(pool, scope, week_start(from), to),
        people,
        only_if(full, slices::person_weeks(pool, scope, recent_from, now + 1)),
    )?;
    let (
        recent_response_items,
        maintainers,
        last_seen,
        open_items,
        unanswered,
        unanswered_count,
        releases,
        week_totals,
    ) = tokio::try_join!(
        only_if(full, slices::response_items(pool, scope, recent_from, now + 1)),
        q::list_maintainers(pool, scope),
        only_if(full, slices::last_seen(pool, scope)),
        only_if(present, slices::open_items(pool, scope)),
        only_if(full, q::list_unanswered(pool, scope, include_bots, UNANSWERED_LIMIT)),
        only_if(present, q::count_unanswered(pool, scope, include_bots)),
        only_if(present, q::list_release_times(pool, scope)),
        only_if(present, q::list_week_totals(pool, scope, now - 2 * 365 * DAY)),
    )?;
    Ok(ScopeRows {
        response_items,
        closed_items,
        change_requests,
        repo_weeks,
        person_weeks,
        recent_person_weeks,
        recent_response_items,
        maintainers,
        last_seen,
        open_items,
        unanswered,
        unanswered_count,
        releases,
        week_totals,
    })
}

/// [`load_rows`] with [`Parts::Window`] for each of `repo_ids` apart, in order: the overview's
/// rows. Each kind of row is read for all the repositories in one statement (seven in all,
/// instead of seven per repository), and split by repository here.
pub async fn load_window_each(
    pool: &sqlx::AnyPool,
    repo_ids: &[i64],
    (from, to): (i64, i64),
) -> sqlx::Result<Vec<ScopeRows>> {
    let scope = q::scope_json(repo_ids);
    let scope = scope.as_str();
    let (mut windows, weeks, maintainers) = tokio::try_join!(
        slices::window_each(pool, scope, from, to),
        q::list_repo_weeks_each(pool, scope, week_start(from), to),
        q::list_maintainers_each(pool, scope),
    )?;
    let mut rows: std::collections::HashMap<i64, ScopeRows> = repo_ids
        .iter()
        .map(|&id| {
            let w = windows.remove(&id).unwrap_or_default();
            let rows = ScopeRows {
                response_items: w.response_items,
                closed_items: w.closed_items,
                change_requests: w.change_requests,
                person_weeks: w.person_weeks,
                ..ScopeRows::default()
            };
            (id, rows)
        })
        .collect();
    for w in weeks {
        if let Some(r) = rows.get_mut(&w.repo_id) {
            r.repo_weeks.push(w.week);
        }
    }
    for (repo, login) in maintainers {
        if let Some(r) = rows.get_mut(&repo) {
            r.maintainers.push(login);
        }
    }
    Ok(repo_ids.iter().map(|id| rows.remove(id).unwrap_or_default()).collect())
}

impl ScopeRows {
    /// The rows of several disjoint scopes (different repositories, same window and `now`) as
    /// one scope: what [`load_rows`] reads for all their repositories at once. Weekly rows are
    /// summed per week, a person's weeks per person (a maintainer in any repository is one), as
    /// the database does for a scope of several repositories. (One difference: unanswered items
    /// opened in the same second keep repository order, where the database orders them by id.
    /// The overview, the only caller, reads no unanswered list.)
    pub fn merge(parts: Vec<ScopeRows>) -> ScopeRows {
        let mut all = ScopeRows::default();
        let mut weeks: std::collections::BTreeMap<i64, RepoWeekRow> = Default::default();
        let mut totals: std::collections::BTreeMap<i64, i64> = Default::default();
        let (mut people, mut recent) = (Vec::new(), Vec::new());
        for p in parts {
            all.response_items.extend(p.response_items);
            all.closed_items.extend(p.closed_items);
            all.change_requests.extend(p.change_requests);
            all.recent_response_items.extend(p.recent_response_items);
            all.maintainers.extend(p.maintainers);
            all.last_seen.extend(p.last_seen);
            all.open_items.extend(p.open_items);
            all.unanswered.extend(p.unanswered);
            all.unanswered_count += p.unanswered_count;
            all.releases.extend(p.releases);
            people.extend(p.person_weeks);
            recent.extend(p.recent_person_weeks);
            for w in p.repo_weeks {
                weeks.entry(w.week).or_insert_with(|| RepoWeekRow { week: w.week, ..Default::default() }).add(&w);
            }
            for t in p.week_totals {
                *totals.entry(t.week).or_default() += t.contributions;
            }
        }
        all.maintainers.sort();
        all.maintainers.dedup();
        all.releases.sort_unstable();
        all.unanswered.sort_by_key(|u| u.created_at);
        all.unanswered.truncate(UNANSWERED_LIMIT as usize);
        all.repo_weeks = weeks.into_values().collect();
        all.week_totals =
            totals.into_iter().map(|(week, contributions)| WeekTotalRow { week, contributions }).collect();
        all.person_weeks = slices::merge_person_weeks(people);
        all.recent_person_weeks = slices::merge_person_weeks(recent);
        all
    }
}
