//! `/` (and `/api/v1/overview`): every tracked repository in one sortable table, with the
//! rollup of all of them above it.

use actix_web::{HttpResponse, web::Data};
use askama::Template;
use futures_util::{StreamExt, TryStreamExt};
use serde::Serialize;

use super::{
    dashboard::{self, RowMeasures},
    present::{self, Present},
    rollup::CardMeasures,
    rows::{self, Parts, ScopeRows},
    views,
};
use crate::web::csv::Csv;
use crate::web::format;
use crate::web::offload::off_workers;
use crate::web::parts::{Card, WindowLink, window_links};
use crate::web::query::Params;
use crate::web::scope::{DashboardQuery, Format, Scope, SortMark};
use crate::web::state::AppState;
use crate::{
    db,
    metrics::{Quantile, Window},
    web::error::WebError,
};

pub const SORTS: [&str; 7] =
    ["name", "lifecycle", "backlog", "first-response", "bus-factor", "maintainers", "unanswered"];

/// One row of the overview (also its JSON and CSV).
#[derive(Debug, Clone, Serialize)]
pub struct RepoSummary {
    pub repo: String,
    pub archived: bool,
    pub lifecycle: String,
    pub lifecycle_rule: String,
    pub open_backlog: usize,
    /// Change of the open backlog over the last 12 weeks of the window.
    pub backlog_change: Option<i64>,
    pub first_response_median: Option<Quantile>,
    pub absence_factor: Option<usize>,
    pub active_maintainers: usize,
    pub unanswered: i64,
    #[serde(skip)]
    pub sparkline: String,
}

impl RepoSummary {
    fn of(repo: &db::repos::RepositoryRow, present: &Present, m: &RowMeasures) -> RepoSummary {
        let weeks = &m.backlog.weeks;
        let open = |w: &crate::metrics::backlog::BacklogWeek| (w.open_issues + w.open_prs) as i64;
        let change = match (weeks.iter().rev().nth(11.min(weeks.len().saturating_sub(1))), weeks.last()) {
            (Some(first), Some(last)) => Some(open(last) - open(first)),
            _ => None,
        };
        RepoSummary {
            repo: repo.full_name.clone(),
            archived: repo.is_archived,
            lifecycle: present.lifecycle.state.to_string(),
            lifecycle_rule: present.lifecycle.rule.clone(),
            open_backlog: present.issue_ageing.total + present.pr_ageing.total,
            backlog_change: change,
            first_response_median: m.all_items.median,
            absence_factor: m.merged_prs_absence,
            active_maintainers: m.active_maintainers,
            unanswered: present.unanswered_count,
            sparkline: views::backlog_sparkline(&m.backlog),
        }
    }

    pub fn first_response(&self) -> String {
        format::quantile(self.first_response_median)
    }

    pub fn change(&self) -> String {
        match self.backlog_change {
            Some(c) if c > 0 => format!("↑{c}"),
            Some(c) if c < 0 => format!("↓{}", -c),
            Some(_) => "±0".to_owned(),
            None => String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "maintainers/overview.html")]
pub struct OverviewPage {
    pub synced: bool,
    pub scope: Scope,
    pub rows: Vec<RepoSummary>,
    pub orgs: Vec<String>,
    pub rollup: Option<Vec<Card>>,
    pub windows: Vec<WindowLink>,
}

impl OverviewPage {
    pub fn sort_href(&self, key: &str) -> String {
        let current = self.scope.sort.as_deref().unwrap_or("name");
        let dir = if current == key && !self.scope.descending { "desc" } else { "asc" };
        format!("/?{}&sort={key}&dir={dir}", self.scope.query())
    }

    /// The current order's mark on column `key` (A–Z by name unless asked otherwise).
    pub fn sort_mark(&self, key: &str) -> SortMark {
        let current = self.scope.sort.as_deref().unwrap_or("name");
        SortMark::of(current, self.scope.sort.is_some() && self.scope.descending, key)
    }
}

/// Repositories whose rows the overview reads at the same time.
const OVERVIEW_CONCURRENCY: usize = 4;

pub async fn overview(state: Data<AppState>, query: Params<DashboardQuery>) -> Result<HttpResponse, WebError> {
    let now = chrono::Utc::now().timestamp();
    let scope = query.scope(now, &SORTS)?;
    let repos = db::repos::list_tracked_repositories(&state.db.pool).await?;
    let with_rollup = scope.format == Format::Html && repos.len() > 1;
    let (mut rows, rollup) = {
        let (repos, scope) = (repos.clone(), scope.clone());
        off_workers(&state, move |state| async move { summaries(&state, &repos, &scope, with_rollup, now).await })
            .await?
    };
    sort(&mut rows, &scope);
    match scope.format {
        Format::Json => return Ok(HttpResponse::Ok().json(&rows)),
        Format::Csv => return csv(&rows),
        Format::Html => {}
    }
    let mut orgs: Vec<String> = repos.iter().map(|r| r.owner.clone()).collect();
    orgs.dedup();
    let windows = window_links(scope.preset, |days| format!("/?{}", scope.with_window(days)));
    let synced = db::runs::has_finished_run(&state.db.pool).await?;
    let page = OverviewPage { synced, scope, rows, orgs, rollup, windows };
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page.render()?))
}

/// Each repository's row and, with `rollup`, the cards of all of them together. Each
/// repository's rows are read once, for its cards' parts only ([`Parts::Cards`]), or its window's
/// alone when the present states of every repository and of all of them were computed ahead
/// ([`super::present`]); the rollup is computed from the same rows merged, as if read for every
/// repository at once.
async fn summaries(
    state: &AppState,
    repos: &[db::repos::RepositoryRow],
    scope: &Scope,
    rollup: bool,
    now: i64,
) -> Result<(Vec<RepoSummary>, Option<Vec<Card>>), WebError> {
    let (window, bots) = (Window::new(scope.from, scope.to), scope.include_bots);
    let ids: Vec<i64> = repos.iter().map(|r| r.id).collect();
    let version = db::runs::data_version(&state.db.pool).await?;
    let ahead: Vec<_> = repos
        .iter()
        .map(|r| (vec![r.id], r.is_archived))
        .chain([(ids.clone(), false)])
        .map_while(|(ids, archived)| state.present.for_page(version, &ids, archived, bots, now))
        .collect();
    let parts = if ahead.len() == repos.len() + 1 { Parts::Window } else { Parts::Cards };
    let (pool, period) = (&state.db.pool, (scope.from, scope.to));
    let loaded: Vec<ScopeRows> = if parts == Parts::Window {
        // Every repository's window, each kind of row in one statement for all of them.
        rows::load_window_each(pool, &ids, period).await?
    } else {
        // A few repositories at a time, in order: their reads overlap on the read pool.
        futures_util::stream::iter(ids)
            .map(|id| async move { rows::load_rows(pool, &[id], period, bots, now, parts).await })
            .buffered(OVERVIEW_CONCURRENCY)
            .try_collect()
            .await?
    };
    // The rollup's cards: all repositories' rows together, never archived; with their present
    // state ahead, only the cards' measures, from the rows as read.
    let rollup_of = |loaded: Vec<ScopeRows>| match parts {
        Parts::Window => CardMeasures::compute(&loaded, &ahead[repos.len()], window, bots, now),
        _ => CardMeasures::of(&dashboard::compute(&ScopeRows::merge(loaded), window, bots, false, now)),
    };
    // A row needs a few of its dashboard's measures: those alone are computed.
    let row_of = |repo: &db::repos::RepositoryRow, rows: &ScopeRows, i: usize| {
        let measures = RowMeasures::compute(rows, window, bots, now);
        match parts {
            Parts::Window => RepoSummary::of(repo, &ahead[i], &measures),
            _ => RepoSummary::of(repo, &present::compute(rows, repo.is_archived, bots, now), &measures),
        }
    };
    // Each repository's row first (a few measures each), then the rollup from their rows.
    let summaries = repos.iter().zip(&loaded).enumerate().map(|(i, (repo, rows))| row_of(repo, rows, i)).collect();
    let rollup = rollup.then(|| views::cards(&rollup_of(loaded)));
    Ok((summaries, rollup))
}

/// `/api/v1/overview`: the overview table as JSON; errors are JSON too.
pub async fn api(state: Data<AppState>, query: Params<DashboardQuery>) -> HttpResponse {
    let Params(mut query) = query;
    query.format = Some("json".to_owned());
    overview(state, Params(query)).await.unwrap_or_else(|e| crate::web::error::json_error(&e))
}

fn sort(rows: &mut [RepoSummary], scope: &Scope) {
    let secs = |r: &RepoSummary| r.first_response_median.map_or(i64::MAX, Quantile::secs);
    match scope.sort.as_deref().unwrap_or("name") {
        "lifecycle" => rows.sort_by(|a, b| a.lifecycle.cmp(&b.lifecycle)),
        "backlog" => rows.sort_by_key(|r| r.open_backlog),
        "first-response" => rows.sort_by_key(secs),
        "bus-factor" => rows.sort_by_key(|r| r.absence_factor.unwrap_or(0)),
        "maintainers" => rows.sort_by_key(|r| r.active_maintainers),
        "unanswered" => rows.sort_by_key(|r| r.unanswered),
        _ => rows.sort_by_key(|r| r.repo.to_lowercase()),
    }
    if scope.sort.is_some() && scope.descending {
        rows.reverse();
    }
}

fn csv(rows: &[RepoSummary]) -> Result<HttpResponse, WebError> {
    let mut csv = Csv::default();
    csv.row([
        "repo",
        "lifecycle",
        "open_backlog",
        "backlog_change_12w",
        "first_response_median_seconds",
        "absence_factor",
        "active_maintainers",
        "unanswered",
    ]);
    for r in rows {
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        csv.row([
            r.repo.clone(),
            r.lifecycle.clone(),
            r.open_backlog.to_string(),
            opt(r.backlog_change),
            opt(r.first_response_median.map(Quantile::secs)),
            opt(r.absence_factor.map(|v| v as i64)),
            r.active_maintainers.to_string(),
            r.unanswered.to_string(),
        ]);
    }
    csv.response("upkeep-overview.csv")
}
