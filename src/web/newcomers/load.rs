//! Loading for the newcomer pages: every row the finder's signals or a project page needs, in one struct,
//! through `db` (no SQL here). What the rows mean is `finder`'s and `project`'s business.

use sqlx::AnyPool;

use crate::db::{
    self,
    dashboard::{ResponseItemRow, scope_json},
    newcomers::{
        ClosingPrRow, CommunityProfileRow, FirstTimerPrRow, LabelledOutcomeRow, MaintainerActivityRow, NewcomerRow,
        TimelineRow,
    },
    repos::RepositoryRow,
};
use crate::metrics::{DAY, Window};
use crate::web::error::WebError;

/// How far back the finder looks at first-timers' pull requests.
pub const PROJECT_SIGNAL_DAYS: i64 = 365;

/// What the finder's project signals are computed from (the issues themselves are read page by
/// page from the stored facts: `finder`).
#[derive(Debug, Clone, Default)]
pub struct FinderRows {
    /// Tracked repositories (archived ones too: they are valid filter values that list nothing).
    pub repos: Vec<RepositoryRow>,
    /// First-timers' pull requests of the last [`PROJECT_SIGNAL_DAYS`] days.
    pub first_timer_prs: Vec<FirstTimerPrRow>,
    pub maintainer_activity: Vec<MaintainerActivityRow>,
    pub profiles: Vec<CommunityProfileRow>,
}

/// The finder's rows, for every tracked repository.
pub async fn finder_rows(pool: &AnyPool, now: i64) -> Result<FinderRows, WebError> {
    let repos = db::repos::list_tracked_repositories(pool).await?;
    let scope_ids: Vec<i64> = repos.iter().map(|r| r.id).collect();
    let scope = scope_json(&scope_ids);
    let since = now - PROJECT_SIGNAL_DAYS * DAY;
    Ok(FinderRows {
        first_timer_prs: db::newcomers::list_first_timer_prs(pool, &scope, since).await?,
        maintainer_activity: db::newcomers::list_last_maintainer_activity(pool).await?,
        profiles: db::newcomers::list_community_profiles(pool).await?,
        repos,
    })
}

/// Everything a project page computes from.
#[derive(Debug, Clone)]
pub struct ProjectRows {
    pub repo: RepositoryRow,
    pub profile: Option<CommunityProfileRow>,
    pub contributors: Vec<NewcomerRow>,
    /// First-timers' pull requests opened up to a year before the window (so the merge rate
    /// sees those closed in it).
    pub first_timer_prs: Vec<FirstTimerPrRow>,
    /// Issues and pull requests opened in the window.
    pub response_items: Vec<ResponseItemRow>,
    /// Labelled issues opened in the window (the caller keeps the newcomer-labelled ones).
    pub labelled: Vec<LabelledOutcomeRow>,
    pub timelines: Vec<TimelineRow>,
    /// Merged pull requests that closed labelled issues: linked in a stored timeline, or by an
    /// assigned first-timer (the collector forgets the timelines of closed issues).
    pub closing_prs: Vec<ClosingPrRow>,
    pub maintainers: Vec<String>,
}

pub async fn project_rows(pool: &AnyPool, repo: RepositoryRow, window: Window) -> Result<ProjectRows, WebError> {
    let scope = scope_json(&[repo.id]);
    let labelled = db::newcomers::list_labelled_issues(pool, repo.id, window.from).await?;
    let ids: Vec<i64> = labelled.iter().map(|l| l.id).collect();
    let profile = db::newcomers::list_community_profiles(pool).await?.into_iter().find(|p| p.repo_id == repo.id);
    Ok(ProjectRows {
        profile,
        contributors: db::newcomers::list_contributors_first_second(pool, repo.id).await?,
        first_timer_prs: db::newcomers::list_first_timer_prs(pool, &scope, window.from - 365 * DAY).await?,
        response_items: db::dashboard::list_response_items(pool, &scope, window.from, window.to).await?,
        timelines: db::newcomers::list_timelines(pool, &ids).await?,
        closing_prs: [
            db::newcomers::list_closing_prs(pool, repo.id, window.from).await?,
            db::newcomers::list_assigned_first_timer_fixes(pool, repo.id, window.from).await?,
        ]
        .concat(),
        maintainers: db::newcomers::list_maintainer_logins(pool, &scope).await?.into_iter().map(|m| m.login).collect(),
        labelled,
        repo,
    })
}

pub use crate::newcomers::facts::parse_list;
