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

/// Reads the rows for `repo_ids` over `[from, to)` as of `now`.
pub async fn load_rows(
    pool: &sqlx::SqlitePool,
    repo_ids: &[i64],
    from: i64,
    to: i64,
    include_bots: bool,
    now: i64,
) -> sqlx::Result<ScopeRows> {
    let scope = q::scope_json(repo_ids);
    let scope = scope.as_str();
    let recent_from = week_start(now) - BURNOUT_WEEKS * WEEK;
    // Independent reads, run at once on the read pool: a cold page waits for the slowest, not
    // for their sum.
    let (response_items, closed_items, change_requests, repo_weeks, person_weeks, recent_person_weeks) = tokio::try_join!(
        slices::response_items(pool, scope, from, to),
        slices::closed_items(pool, scope, from, to),
        slices::change_requests(pool, scope, from, to),
        q::list_repo_weeks(pool, scope),
        slices::person_weeks(pool, scope, week_start(from), to),
        slices::person_weeks(pool, scope, recent_from, now + 1),
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
        slices::response_items(pool, scope, recent_from, now + 1),
        q::list_maintainers(pool, scope),
        slices::last_seen(pool, scope),
        slices::open_items(pool, scope),
        q::list_unanswered(pool, scope, include_bots, UNANSWERED_LIMIT),
        q::count_unanswered(pool, scope, include_bots),
        q::list_release_times(pool, scope),
        q::list_week_totals(pool, scope, now - 2 * 365 * DAY),
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
