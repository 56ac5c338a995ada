//! Handlers of the newcomer pages: `/newcomers` (the finder) with its `/api/v1/newcomers`
//! mirror, and `/newcomers/{owner}/{name}` (one project). Each is load → compute → render.

use actix_web::{
    HttpRequest, HttpResponse,
    web::{Data, Path},
};
use askama::Template;
use serde::Serialize;

use std::sync::Arc;

use super::finder::{self, Listing, NewcomerIssue};
use super::params::{self, Filters, FinderQuery, Format, Known, ProjectQuery, ProjectScope, Sort};
use super::project::{self, COMMUNITY_DOCS, Project};
use super::signals::ProjectSignals;
use super::{current, load, shared, views};
use crate::metrics::{Explain, Window};
use crate::web::error::{WebError, json_error};
use crate::web::parts::{Card, WindowLink, window_links};
use crate::web::state::AppState;
use crate::web::{format, offload::off_workers};

#[derive(Template)]
#[template(path = "newcomers/finder.html")]
pub struct FinderPage {
    pub filters: Filters,
    /// The issues of this page.
    pub issues: Vec<views::IssueView>,
    /// Issues the filters keep, on every page.
    pub total: usize,
    pub pages: usize,
    /// Claimed issues the filters would otherwise show.
    pub hidden_claimed: usize,
    pub repos: Vec<String>,
    pub languages: Vec<String>,
    pub labels: Vec<String>,
    pub definitions: Vec<Explain>,
}

impl FinderPage {
    pub fn responsive(&self) -> bool {
        self.filters.sort == Sort::Responsive
    }

    fn claimed_part(&self) -> &'static str {
        if self.filters.show_claimed { "claimed=show" } else { "" }
    }

    fn sort_part(&self) -> &'static str {
        if self.responsive() { "sort=responsive" } else { "" }
    }

    /// This list as JSON (this page of it).
    pub fn json_href(&self) -> String {
        link(
            "/api/v1/newcomers",
            &[&self.filters.query(), self.claimed_part(), self.sort_part(), &page_part(self.filters.page)],
        )
    }

    /// The feed of these filters (a feed is always unclaimed issues, newest first).
    pub fn atom_href(&self) -> String {
        link("/newcomers.atom", &[&self.filters.query()])
    }

    /// This list with claimed issues shown.
    pub fn claimed_href(&self) -> String {
        link("/newcomers", &[&self.filters.query(), "claimed=show", self.sort_part()])
    }

    /// Page `n` of this list, with the same filters.
    pub fn page_href(&self, n: usize) -> String {
        link("/newcomers", &[&self.filters.query(), self.claimed_part(), self.sort_part(), &page_part(n)])
    }
}

/// `page=n`, or nothing for the first page (so page 1 has one URL).
fn page_part(n: usize) -> String {
    if n > 1 { format!("page={n}") } else { String::new() }
}

/// `path?a&b`, skipping empty parts.
fn link(path: &str, parts: &[&str]) -> String {
    let query: Vec<&str> = parts.iter().copied().filter(|p| !p.is_empty()).collect();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{}", query.join("&")) }
}

/// The finder's JSON: one page of the listed issues and the signals of their projects.
#[derive(Serialize)]
struct FinderJson<'a> {
    generated_at: i64,
    filters: &'a Filters,
    /// Issues the filters keep, on every page.
    count: usize,
    page: usize,
    per_page: usize,
    pages: usize,
    issues: &'a [NewcomerIssue],
    projects: Vec<&'a ProjectSignals>,
}

pub async fn finder(state: Data<AppState>, req: HttpRequest) -> Result<HttpResponse, WebError> {
    let query = FinderQuery::parse(req.query_string())?;
    let (shared, filters) = shared_finder(&state, &query, FinderQuery::filters).await?;
    let listing = listing(&state, &shared, &filters).await?;
    if filters.format == Format::Json {
        return Ok(finder_json(&shared, &filters, &listing));
    }
    let page = FinderPage {
        hidden_claimed: listing.hidden_claimed,
        issues: views::issue_views(&shared.projects, listing.now, &listing.issues),
        total: listing.total,
        pages: params::pages(listing.total),
        repos: shared.repos.clone(),
        languages: shared.languages.clone(),
        labels: current::labels(&state).names().map(str::to_owned).collect(),
        definitions: views::finder_definitions(),
        filters,
    };
    Ok(html(page.render()?))
}

/// `/api/v1/newcomers`: the finder as JSON, errors too.
pub async fn api_finder(state: Data<AppState>, req: HttpRequest) -> HttpResponse {
    let result = async {
        let query = FinderQuery::parse(req.query_string())?;
        let (shared, filters) = shared_finder(&state, &query, FinderQuery::filters).await?;
        let listing = listing(&state, &shared, &filters).await?;
        Ok::<_, WebError>(finder_json(&shared, &filters, &listing))
    };
    result.await.unwrap_or_else(|e| json_error(&e))
}

/// The shared part of the finder ([`shared`]) and `query` validated against what it knows.
pub(super) async fn shared_finder(
    state: &AppState,
    query: &FinderQuery,
    validate: fn(&FinderQuery, &Known<'_>) -> Result<Filters, WebError>,
) -> Result<(Arc<shared::Computed>, Filters), WebError> {
    let shared = current::finder(state).await?;
    let labels = current::labels(state);
    let filters = validate(query, &Known { repos: &shared.repos, languages: &shared.languages, labels: &labels })?;
    Ok((shared, filters))
}

/// The page of the finder `filters` ask for, as of now.
pub(super) async fn listing(
    state: &AppState,
    shared: &shared::Computed,
    filters: &Filters,
) -> Result<Listing, WebError> {
    let now = chrono::Utc::now().timestamp();
    Ok(finder::list(&state.db.pool, filters, &shared.projects, current::claim_days(state), now).await?)
}

fn finder_json(shared: &shared::Computed, filters: &Filters, listing: &Listing) -> HttpResponse {
    let shown = &listing.issues;
    let projects = shared.projects.values().filter(|p| shown.iter().any(|i| i.repo_id == p.repo_id)).collect();
    let body = FinderJson {
        generated_at: listing.now,
        filters,
        count: listing.total,
        page: filters.page,
        per_page: params::PER_PAGE,
        pages: params::pages(listing.total),
        issues: shown,
        projects,
    };
    HttpResponse::Ok().json(body)
}

#[derive(Template)]
#[template(path = "newcomers/project.html")]
pub struct ProjectPage {
    pub p: Project,
    pub scope: ProjectScope,
    pub path: String,
    pub github_url: Option<String>,
    pub contributing_url: Option<String>,
    pub windows: Vec<WindowLink>,
    pub cards: Vec<Card>,
    pub cohorts: Vec<views::CohortView>,
    pub cohort_chart: String,
    pub by_label: Vec<views::OutcomeView>,
    pub by_mentor: Vec<views::OutcomeView>,
    pub community_docs: &'static str,
    pub base_url: String,
}

pub async fn project(
    state: Data<AppState>,
    path: Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let (owner, name) = path.into_inner();
    respond_project(&state, &owner, &name, &req, None).await
}

/// `/api/v1/newcomers/{owner}/{name}`: the project page as JSON.
pub async fn api_project(state: Data<AppState>, path: Path<(String, String)>, req: HttpRequest) -> HttpResponse {
    let (owner, name) = path.into_inner();
    respond_project(&state, &owner, &name, &req, Some(Format::Json)).await.unwrap_or_else(|e| json_error(&e))
}

async fn respond_project(
    state: &AppState,
    owner: &str,
    name: &str,
    req: &HttpRequest,
    force: Option<Format>,
) -> Result<HttpResponse, WebError> {
    let now = chrono::Utc::now().timestamp();
    let repo = crate::web::tracked::find(&state.db.pool, owner, name).await?;
    let scope = ProjectQuery::parse(req.query_string())?.scope(now)?;
    let window = Window::new(scope.scope.from, scope.scope.to);
    let configured = crate::newcomers::configured_mentors(&state.config.newcomers.mentors, &repo.full_name).to_vec();
    let p = off_workers(state, move |state| async move {
        let rows = load::project_rows(&state.db.pool, repo, window).await?;
        Ok(project::compute(&rows, &current::labels(&state), &configured, window, now))
    })
    .await?;
    match force.unwrap_or(scope.format) {
        Format::Json => Ok(HttpResponse::Ok().json(&p)),
        Format::Html => Ok(html(project_page(p, scope, state.base_url.to_string()).render()?)),
    }
}

fn project_page(p: Project, scope: ProjectScope, base_url: String) -> ProjectPage {
    let path = format!("/newcomers/{}", p.repo);
    let windows = window_links(scope.scope.preset, |days| format!("{path}?window={days}"));
    ProjectPage {
        github_url: format::safe_link(&p.html_url),
        contributing_url: p.checklist.as_ref().and_then(|c| c.contributing_url.as_deref()).and_then(format::safe_link),
        cards: views::project_cards(&p),
        cohorts: views::cohort_views(&p.experience.cohorts),
        cohort_chart: views::cohort_chart(&p.experience.cohorts),
        by_label: views::outcome_views(&p.outcomes.by_label),
        by_mentor: views::outcome_views(&p.outcomes.by_mentor),
        community_docs: COMMUNITY_DOCS,
        base_url,
        windows,
        path,
        scope,
        p,
    }
}

fn html(body: String) -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(body)
}
