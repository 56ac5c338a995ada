//! Loading a dashboard's rows: every `db::dashboard` query a maintainer page needs, for one
//! scope (repositories) and window. Nothing here computes; see [`super::dashboard`].

use crate::db::dashboard::{
    self as q, ChangeRequestRow, ClosedItemRow, OpenItemRow, PersonRow, PersonWeekRow, RepoWeekRow, ResponseItemRow,
    UnansweredRow, WeekTotalRow,
};
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
    pub people: Vec<PersonRow>,
    pub open_items: Vec<OpenItemRow>,
    pub unanswered: Vec<UnansweredRow>,
    pub unanswered_count: i64,
    pub releases: Vec<i64>,
    pub week_totals: Vec<WeekTotalRow>,
}

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
    let recent_from = week_start(now) - BURNOUT_WEEKS * WEEK;
    Ok(ScopeRows {
        response_items: q::list_response_items(pool, &scope, from, to).await?,
        closed_items: q::list_closed_items(pool, &scope, from, to).await?,
        change_requests: q::list_change_requests(pool, &scope, from, to).await?,
        repo_weeks: q::list_repo_weeks(pool, &scope).await?,
        person_weeks: q::list_person_weeks(pool, &scope, week_start(from), to).await?,
        recent_person_weeks: q::list_person_weeks(pool, &scope, recent_from, now + 1).await?,
        recent_response_items: q::list_response_items(pool, &scope, recent_from, now + 1).await?,
        people: q::list_people(pool, &scope).await?,
        open_items: q::list_open_items(pool, &scope).await?,
        unanswered: q::list_unanswered(pool, &scope, include_bots, UNANSWERED_LIMIT).await?,
        unanswered_count: q::count_unanswered(pool, &scope, include_bots).await?,
        releases: q::list_release_times(pool, &scope).await?,
        week_totals: q::list_week_totals(pool, &scope, now - 2 * 365 * DAY).await?,
    })
}
