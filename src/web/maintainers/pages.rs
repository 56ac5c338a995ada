//! Handlers of the maintainer pages: `/repos/{owner}/{name}` and `/orgs/{org}` (the dashboard of
//! one scope), and their `/api/v1/` mirrors. Each is load → compute → render.

use actix_web::{
    HttpResponse,
    web::{Data, Path},
};
use askama::Template;

use super::{
    dashboard::{self, Dashboard},
    export,
    people::{self, PeopleMeasures},
    rollup::CardMeasures,
    rows, views,
};
use crate::web::offload::off_workers;
use crate::web::parts::{Card, WindowLink, window_links};
use crate::web::query::Params;
use crate::web::scope::{DashboardQuery, Format, Scope, SortMark};
use crate::web::state::AppState;
use crate::web::tracked::TrackedRepo;
use crate::{
    db,
    metrics::Window,
    web::error::{WebError, json_error},
};

/// Sort keys of the unanswered queue.
pub const QUEUE_SORTS: [&str; 3] = ["age", "repo", "author"];

#[derive(Template)]
#[template(path = "maintainers/dashboard.html")]
pub struct DashboardPage {
    pub heading: String,
    pub kind: &'static str,
    pub github_url: Option<String>,
    pub path: String,
    pub api_path: String,
    pub scope: Scope,
    pub windows: Vec<WindowLink>,
    pub repos: Vec<String>,
    pub d: Dashboard,
    pub cards: Vec<Card>,
    pub responses: Vec<views::ResponseRow>,
    pub load: Vec<views::LoadRow>,
    pub unanswered: Vec<views::UnansweredView>,
    pub backlog_chart: String,
    pub flow_chart: String,
    pub load_chart: String,
    pub tables: [&'static str; 6],
    pub absence: Vec<crate::metrics::absence::AbsenceFactor>,
    /// Elephant Factor and unfunded maintainer work ([`people`]), with one share chart per type.
    pub people: PeopleMeasures,
    pub share_charts: Vec<String>,
    pub unfunded_chart: String,
}

impl DashboardPage {
    /// The link that sorts the unanswered queue by `key`: the other direction if it is already
    /// sorted by `key`, else oldest first for `age` and A–Z for the others.
    pub fn sort_href(&self, key: &str) -> String {
        let (current, descending) = queue_order(&self.scope);
        let descending = if current == key { !descending } else { key == "age" };
        let dir = if descending { "desc" } else { "asc" };
        format!("{}?{}&sort={key}&dir={dir}#unanswered", self.path, self.scope.query())
    }

    /// The queue's current order's mark on column `key`.
    pub fn sort_mark(&self, key: &str) -> SortMark {
        let (current, descending) = queue_order(&self.scope);
        SortMark::of(current, descending, key)
    }

    /// The window's first and last day, for the date form (see [`Scope::from_date`]).
    pub fn from_date(&self) -> String {
        self.scope.from_date()
    }

    pub fn to_date(&self) -> String {
        self.scope.to_date()
    }

    /// When the parts that do not depend on the window were computed ahead, a minute or more
    /// before this page: what they are as of.
    pub fn present_note(&self) -> Option<String> {
        let minutes = (self.d.generated_at - self.d.present_at) / 60;
        (minutes >= 1).then(|| {
            format!(
                "Lifecycle, open backlog, unanswered items, burnout signals and inactive contributors as of {minutes} min ago (computed after each sync and every few minutes)."
            )
        })
    }

    pub fn days_ago(&self, ts: &i64) -> String {
        views::days_ago(*ts, self.d.generated_at)
    }

    pub fn pct(&self, v: &Option<f64>) -> String {
        crate::web::format::percent(*v)
    }

    /// The upper bound of the unfunded share: unfunded plus unknown.
    pub fn pct_sum(&self, a: &Option<f64>, b: &Option<f64>) -> String {
        crate::web::format::percent(a.zip(*b).map(|(a, b)| a + b))
    }

    pub fn share(&self, v: &f64) -> String {
        crate::web::format::percent(Some(*v))
    }

    pub fn day(&self, ts: &i64) -> String {
        crate::web::format::day(*ts)
    }
}

/// The unanswered queue's order: the requested one, or oldest first.
fn queue_order(scope: &Scope) -> (&str, bool) {
    match scope.sort.as_deref() {
        Some(key) => (key, scope.descending),
        None => ("age", true),
    }
}

/// A scope resolved from the URL: its repositories, title and links.
struct Resolved {
    repo_ids: Vec<i64>,
    names: Vec<String>,
    heading: String,
    kind: &'static str,
    github_url: Option<String>,
    path: String,
    api_path: String,
    archived: bool,
}

pub async fn repo(
    state: Data<AppState>,
    TrackedRepo(repo): TrackedRepo,
    query: Params<DashboardQuery>,
) -> Result<HttpResponse, WebError> {
    respond(&state, resolve_repo(repo), &query, None).await
}

pub async fn org(
    state: Data<AppState>,
    path: Path<String>,
    query: Params<DashboardQuery>,
) -> Result<HttpResponse, WebError> {
    let resolved = resolve_org(&state, &path.into_inner()).await?;
    respond(&state, resolved, &query, None).await
}

/// `/api/v1/repos/{owner}/{name}`: the dashboard as JSON; errors are JSON too.
pub async fn api_repo(
    state: Data<AppState>,
    TrackedRepo(repo): TrackedRepo,
    query: Params<DashboardQuery>,
) -> HttpResponse {
    respond(&state, resolve_repo(repo), &query, Some(Format::Json)).await.unwrap_or_else(|e| json_error(&e))
}

/// `/api/v1/orgs/{org}`: the org dashboard as JSON; errors are JSON too.
pub async fn api_org(state: Data<AppState>, path: Path<String>, query: Params<DashboardQuery>) -> HttpResponse {
    let result = async {
        let resolved = resolve_org(&state, &path.into_inner()).await?;
        respond(&state, resolved, &query, Some(Format::Json)).await
    };
    result.await.unwrap_or_else(|e| json_error(&e))
}

/// Loads and computes the dashboard of a scope for the request's window.
pub async fn dashboard_for(
    state: &AppState,
    repo_ids: &[i64],
    scope: &Scope,
    archived: bool,
) -> Result<Dashboard, WebError> {
    Ok(dashboard_and(state, repo_ids, scope, archived, async { Ok(()) }, |_, _, ()| ()).await?.0)
}

/// [`dashboard_for`] and `also` of the same rows (one read of the window), the two computed on
/// two cores: the pages' people measures ([`people`]). `read` (what `also` needs besides the
/// rows) runs while the rows are read, not before.
async fn dashboard_and<R: Send + 'static, T: Send + 'static>(
    state: &AppState,
    repo_ids: &[i64],
    scope: &Scope,
    archived: bool,
    read: impl Future<Output = Result<R, WebError>> + Send + 'static,
    also: impl FnOnce(&AppState, &rows::ScopeRows, R) -> T + Send + 'static,
) -> Result<(Dashboard, T), WebError> {
    let (repo_ids, (from, to, bots)) = (repo_ids.to_vec(), (scope.from, scope.to, scope.include_bots));
    off_workers(state, move |state| async move {
        let now = chrono::Utc::now().timestamp();
        let window = Window::new(from, to);
        let pool = &state.db.pool;
        let version = db::runs::data_version(pool).await?;
        let present = state.present.for_page(version, &repo_ids, archived, bots, now);
        let parts = if present.is_some() { rows::Parts::Window } else { rows::Parts::Full };
        let rows = async { Ok::<_, WebError>(rows::load_rows(pool, &repo_ids, (from, to), bots, now, parts).await?) };
        let (rows, read) = tokio::try_join!(rows, read)?;
        let (extra, d) = dashboard::alongside(
            || also(&state, &rows, read),
            || match &present {
                Some(present) => dashboard::assemble(&rows, present, window, bots, now),
                None => dashboard::compute(&rows, window, bots, archived, now),
            },
        );
        Ok((d, extra))
    })
    .await
}

async fn respond(
    state: &AppState,
    r: Resolved,
    query: &DashboardQuery,
    force: Option<Format>,
) -> Result<HttpResponse, WebError> {
    let now = chrono::Utc::now().timestamp();
    let scope = query.scope(now, &QUEUE_SORTS)?;
    let names = r.names.clone();
    let declared = {
        let (state, repo_ids) = (state.clone(), r.repo_ids.clone());
        async move { crate::web::affiliations::declared(&state, &repo_ids).await }
    };
    let (d, people) = dashboard_and(state, &r.repo_ids, &scope, r.archived, declared, move |state, rows, declared| {
        people::of_rows(state, &names, &rows.person_weeks, &declared)
    })
    .await?;
    match force.unwrap_or(scope.format) {
        Format::Json => Ok(HttpResponse::Ok().json(people::WithPeople { dashboard: &d, people: &people })),
        Format::Csv => {
            let slug = r.names.first().filter(|_| r.names.len() == 1).cloned().unwrap_or_else(|| r.heading.clone());
            let table = query.table.as_deref().unwrap_or("unanswered");
            if let Some(csv) = people::table(&people, table) {
                return csv.response(&format!("{}-{table}.csv", slug.replace('/', "-")));
            }
            export::table(&d, table, &slug.replace('/', "-"), now)
        }
        Format::Html => {
            if let Some(t) = &query.table {
                return Err(WebError::BadRequest(format!("table={t} only applies with format=csv")));
            }
            let page = page(r, scope, d, people);
            Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page.render()?))
        }
    }
}

/// The Elephant Factor and unfunded share of a scope for the request's window ([`people`]).
pub async fn people_for(
    state: &AppState,
    repo_ids: &[i64],
    names: &[String],
    scope: &Scope,
) -> Result<PeopleMeasures, WebError> {
    let (repo_ids, names, window) = (repo_ids.to_vec(), names.to_vec(), Window::new(scope.from, scope.to));
    off_workers(state, move |state| async move { people::load(&state, &repo_ids, &names, window).await }).await
}

fn page(r: Resolved, scope: Scope, d: Dashboard, people: PeopleMeasures) -> DashboardPage {
    let windows = window_links(scope.preset, |days| format!("{}?{}", r.path, scope.with_window(days)));
    DashboardPage {
        cards: views::cards(&CardMeasures::of(&d)),
        responses: views::response_rows(&d),
        load: views::load_rows(&d),
        unanswered: {
            let (key, descending) = queue_order(&scope);
            views::unanswered(&d, d.generated_at, Some(key), descending)
        },
        backlog_chart: views::backlog_chart(&d),
        flow_chart: views::flow_chart(&d),
        load_chart: views::load_chart(&d),
        heading: r.heading,
        kind: r.kind,
        github_url: r.github_url,
        path: r.path,
        api_path: r.api_path,
        windows,
        repos: r.names,
        scope,
        tables: export::TABLES,
        absence: vec![
            d.absence.commits.clone(),
            d.absence.merged_prs.clone(),
            d.absence.reviews.clone(),
            d.absence.issue_comments.clone(),
        ],
        share_charts: people.elephant_factor.all().map(people::share_chart).to_vec(),
        unfunded_chart: people::unfunded_chart(&people.unfunded_share),
        people,
        d,
    }
}

fn resolve_repo(repo: db::repos::RepositoryRow) -> Resolved {
    Resolved {
        repo_ids: vec![repo.id],
        heading: repo.full_name.clone(),
        kind: "repository",
        github_url: crate::web::format::safe_link(&repo.html_url),
        path: format!("/repos/{}", repo.full_name),
        api_path: format!("/api/v1/repos/{}", repo.full_name),
        archived: repo.is_archived,
        names: vec![repo.full_name],
    }
}

async fn resolve_org(state: &AppState, org: &str) -> Result<Resolved, WebError> {
    let repos: Vec<db::repos::RepositoryRow> = db::repos::list_tracked_repositories(&state.db.pool)
        .await?
        .into_iter()
        .filter(|r| r.owner.eq_ignore_ascii_case(org))
        .collect();
    let first = repos.first().ok_or_else(|| WebError::NotFound(format!("Upkeep tracks no repository of {org}.")))?;
    let owner = first.owner.clone();
    Ok(Resolved {
        repo_ids: repos.iter().map(|r| r.id).collect(),
        names: repos.iter().map(|r| r.full_name.clone()).collect(),
        archived: repos.iter().all(|r| r.is_archived),
        github_url: first.html_url.rsplit_once('/').and_then(|(base, _)| crate::web::format::safe_link(base)),
        heading: owner.clone(),
        kind: "organisation",
        path: format!("/orgs/{owner}"),
        api_path: format!("/api/v1/orgs/{owner}"),
    })
}
