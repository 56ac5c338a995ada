//! `/funding/{owner}/{name}/grants/{id}` (HTML, or `?format=json|csv|md`) and its
//! `/api/v1/funding/{owner}/{name}/grants/{id}` mirror: one grant's milestones with the work
//! that met them, its money and a summary. Load here (rows from `db::grants`), compute in
//! [`crate::funding::grant_progress`], write the formats in [`super::grant_export`].

use actix_web::{
    HttpResponse,
    web::{Data, Path},
};
use askama::Template;
use serde::Deserialize;

use super::grant_export::{self, GithubView, ItemView, github_view, item_view};
use crate::db::{
    grants::{self as store, MAX_GRANT_ITEMS},
    repos::{self, RepositoryRow},
};
use crate::funding::grant_progress::{
    Expense, GithubMilestone, GrantProgress, Known, MILESTONE_CHECKS, MONEY_RULES, STATUS_RULES, WorkItem, day_of,
    grant_progress,
};
use crate::funding::{
    Currency, Grant, Money,
    grants::{RepoRefs, WorkRef},
};
use crate::web::{
    error::{WebError, json_error},
    format,
    offload::off_workers,
    query::Params,
    state::AppState,
};

/// `?format=html|json|csv|md`; nothing else.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantQuery {
    pub format: Option<String>,
}

/// The formats of a grant page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantFormat {
    Html,
    Json,
    Csv,
    Markdown,
}

impl GrantQuery {
    fn format(&self) -> Result<GrantFormat, WebError> {
        match self.format.as_deref().filter(|f| !f.is_empty()) {
            None | Some("html") => Ok(GrantFormat::Html),
            Some("json") => Ok(GrantFormat::Json),
            Some("csv") => Ok(GrantFormat::Csv),
            Some("md") => Ok(GrantFormat::Markdown),
            Some(other) => Err(WebError::BadRequest(format!("format must be html, csv, json or md, not {other:?}"))),
        }
    }
}

/// `/funding/{owner}/{name}/grants/{id}`.
pub async fn page(
    state: Data<AppState>,
    path: Path<(String, String, String)>,
    query: Params<GrantQuery>,
) -> Result<HttpResponse, WebError> {
    let (owner, name, id) = path.into_inner();
    let format = query.format()?;
    let loaded = load_off_workers(&state, format!("{owner}/{name}"), id).await?;
    answer(loaded, format, &state.base_url)
}

/// `/api/v1/funding/{owner}/{name}/grants/{id}`: JSON only; errors are JSON too.
pub async fn api(
    state: Data<AppState>,
    path: Path<(String, String, String)>,
    query: Params<GrantQuery>,
) -> HttpResponse {
    let (owner, name, id) = path.into_inner();
    let answered = async {
        if query.format()? != GrantFormat::Json && query.format.as_deref().is_some_and(|f| !f.is_empty()) {
            let page = format!("/funding/{owner}/{name}/grants/{id}");
            return Err(WebError::BadRequest(format!("the API answers JSON only; for other formats use {page}")));
        }
        let loaded = load_off_workers(&state, format!("{owner}/{name}"), id).await?;
        answer(loaded, GrantFormat::Json, &state.base_url)
    };
    answered.await.unwrap_or_else(|e| json_error(&e))
}

async fn load_off_workers(state: &AppState, full_name: String, id: String) -> Result<Loaded, WebError> {
    off_workers(state, move |state| async move { load(&state, &full_name, &id, chrono::Utc::now().timestamp()).await })
        .await
}

/// A grant with its computed progress.
pub struct Loaded {
    pub repo: RepositoryRow,
    pub grant: Grant,
    pub progress: GrantProgress,
}

/// The repository (404 if untracked), the grant with this id covering it (404 if none), the
/// items its milestones reference, and the progress computed from them.
async fn load(state: &AppState, full_name: &str, id: &str, now: i64) -> Result<Loaded, WebError> {
    let pool = &state.db.pool;
    let repo = crate::web::tracked::find_named(pool, full_name).await?;
    let grant = state
        .config
        .funding
        .grants
        .iter()
        .find(|g| g.plan.id.as_deref() == Some(id) && g.covers(&repo.full_name))
        .cloned()
        .ok_or_else(|| WebError::NotFound(format!("{} has no grant with the id {id:?}.", repo.full_name)))?;
    let (items, known, mut notes) = load_items(pool, &grant).await?;
    let (expenses, expense_notes) = load_expenses(state, &repo, &grant).await?;
    notes.extend(expense_notes);
    let mut progress = grant_progress(&grant, &items, &known, &expenses, now);
    progress.notes.append(&mut notes);
    Ok(Loaded { repo, grant, progress })
}

/// The most Open Collective expenses read for one grant page.
const MAX_EXPENSES: i64 = 1_000;

/// The paid expenses of the repository's Open Collective within the grant's period, and a note
/// when the bound cut them short or one has an unknown currency.
async fn load_expenses(
    state: &AppState,
    repo: &RepositoryRow,
    grant: &Grant,
) -> sqlx::Result<(Vec<Expense>, Vec<String>)> {
    let pool = &state.db.pool;
    let links = crate::db::funding::list_funding_links(pool, repo.id).await?;
    let Some(slug) = super::load::collective_slug(&state.config, repo, &links) else { return Ok(Default::default()) };
    let period = grant.period();
    let rows =
        crate::db::funding::list_open_collective_expenses(pool, &slug, period.from, period.to, MAX_EXPENSES).await?;
    let mut notes = Vec::new();
    if rows.len() as i64 >= MAX_EXPENSES {
        notes.push(format!(
            "Only the first {MAX_EXPENSES} Open Collective expenses of {slug} in the grant's period are counted."
        ));
    }
    let mut expenses = Vec::new();
    for row in rows {
        match Currency::new(&row.currency) {
            Ok(currency) => expenses.push(Expense {
                paid_at: row.paid_at,
                amount: Money::new(row.amount_cents, currency),
                description: row.description,
            }),
            Err(_) => {
                notes.push(format!("An Open Collective expense of {slug} has an unknown currency and is not counted."))
            }
        }
    }
    Ok((expenses, notes))
}

/// Every item the grant's references name, per referenced repository that is tracked; those
/// repositories and their GitHub milestones; and a note for each repository whose listing hit
/// the bound.
async fn load_items(pool: &sqlx::AnyPool, grant: &Grant) -> sqlx::Result<(Vec<WorkItem>, Known, Vec<String>)> {
    let refs: Vec<&WorkRef> = grant.plan.milestones.iter().flat_map(|m| &m.work).collect();
    let mut names: Vec<&str> = refs.iter().map(|r| r.repo()).collect();
    names.sort_by_key(|n| n.to_lowercase());
    names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    let (mut items, mut known, mut notes) = (Vec::new(), Known::default(), Vec::new());
    for name in names {
        let Some(repo) = repos::find_tracked_repository(pool, name).await? else { continue };
        let (numbers, titles, labels) = RepoRefs::of(refs.iter().copied(), name).json();
        let rows = store::list_grant_items(pool, repo.id, &numbers, &titles, &labels, MAX_GRANT_ITEMS).await?;
        if rows.len() as i64 >= MAX_GRANT_ITEMS {
            notes.push(format!(
                "Only the first {MAX_GRANT_ITEMS} referenced issues and pull requests of {} are read; the rest are not counted.",
                repo.full_name
            ));
        }
        let pulls: Vec<i64> = rows.iter().filter(|r| r.is_pull_request).map(|r| r.number).collect();
        let reviewers = store::list_item_reviewers(pool, repo.id, &json_list(&pulls)).await?;
        for row in rows {
            let kind = if row.is_pull_request { "pull" } else { "issues" };
            items.push(WorkItem {
                repo: repo.full_name.clone(),
                number: row.number,
                is_pull_request: row.is_pull_request,
                html_url: format::safe_link(&format!("{}/{kind}/{}", repo.html_url, row.number)).unwrap_or_default(),
                title: row.title,
                state: row.state,
                closed_at: row.closed_at,
                merged_at: row.merged_at,
                milestone: row.milestone,
                labels: serde_json::from_str(&row.labels).unwrap_or_default(),
                author: row.author,
                reviewers: reviewers.iter().filter(|(n, _)| *n == row.number).map(|(_, l)| l.clone()).collect(),
                merged_by: row.merged_by,
                closed_by: row.closed_by,
            });
        }
        let milestones = crate::db::milestones::list_milestones(pool, repo.id).await?;
        known.milestones.extend(milestones.into_iter().map(|m| GithubMilestone {
            repo: repo.full_name.clone(),
            title: m.title,
            state: m.state,
            due_on: m.due_on.map(day_of),
            open_issues: m.open_issues,
            closed_issues: m.closed_issues,
        }));
        known.tracked.push(repo.full_name);
    }
    Ok((items, known, notes))
}

/// A JSON array, for the statements' `json_each`.
fn json_list<T: serde::Serialize>(values: &[T]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".to_owned())
}

fn answer(l: Loaded, format: GrantFormat, base_url: &str) -> Result<HttpResponse, WebError> {
    let id = l.grant.plan.id.clone().unwrap_or_default();
    let file = format!("grant-{}-{id}", l.repo.full_name.replace('/', "-"));
    match format {
        GrantFormat::Json => Ok(HttpResponse::Ok().json(grant_export::json(&l.repo.full_name, &l.grant, &l.progress))),
        GrantFormat::Csv => grant_export::csv(&l.progress).response(&format!("{file}.csv")),
        GrantFormat::Markdown => {
            let source = format!("{base_url}/funding/{}/grants/{id}", l.repo.full_name);
            Ok(HttpResponse::Ok()
                .content_type("text/markdown; charset=utf-8")
                .insert_header(("content-disposition", format!("attachment; filename=\"{file}.md\"")))
                .body(grant_export::markdown(&l.repo.full_name, &l.grant, &l.progress, &source)))
        }
        GrantFormat::Html => {
            Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page_for(l).render()?))
        }
    }
}

/// One milestone as the page shows it.
pub struct MilestoneView {
    pub title: String,
    pub due: String,
    pub amount: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub done_items: usize,
    pub total_items: usize,
    pub work: String,
    pub items: Vec<ItemView>,
    /// The GitHub milestones it names, as collected: shown next to its due date.
    pub github: Vec<GithubView>,
}

#[derive(Template)]
#[template(path = "funding/grant.html")]
pub struct GrantPage {
    pub repo: String,
    pub id: String,
    pub funder: String,
    pub purpose: String,
    pub period: String,
    pub today: String,
    pub summary: String,
    pub milestones: Vec<MilestoneView>,
    pub status_rules: &'static str,
    pub milestone_checks: &'static str,
    pub money: Vec<(&'static str, String)>,
    pub money_rules: &'static str,
    pub spending: Vec<(String, String, String)>,
    /// Open Collective expenses counted as spent: (date, amount, description).
    pub expenses: Vec<(String, String, String)>,
    pub notes: Vec<String>,
    pub generated: String,
}

fn page_for(l: Loaded) -> GrantPage {
    let p = &l.progress;
    let milestones = p
        .milestones
        .iter()
        .map(|m| MilestoneView {
            title: m.title.clone(),
            due: m.due.to_string(),
            amount: m.amount.map(|a| a.to_string()).unwrap_or_default(),
            status: m.status.as_str(),
            status_label: m.status.label(),
            done_items: m.done_items,
            total_items: m.total_items,
            work: m.work.join(", "),
            items: m.items.iter().map(|&i| item_view(&p.items[i])).collect(),
            github: m.github_milestones.iter().map(github_view).collect(),
        })
        .collect();
    let money = grant_export::money_rows(&p.money);
    GrantPage {
        repo: l.repo.full_name.clone(),
        id: l.grant.plan.id.clone().unwrap_or_default(),
        funder: l.grant.funder.clone(),
        purpose: l.grant.purpose.clone(),
        period: format!("{} to {}", l.grant.start, l.grant.end),
        today: p.today.to_string(),
        summary: p.summary.clone(),
        milestones,
        status_rules: STATUS_RULES,
        milestone_checks: MILESTONE_CHECKS,
        money,
        money_rules: MONEY_RULES,
        spending: l
            .grant
            .plan
            .budget_spent
            .iter()
            .map(|s| (s.date.to_string(), s.amount.to_string(), s.note.clone()))
            .collect(),
        expenses: p
            .expenses
            .iter()
            .map(|e| (format::day(e.paid_at), e.amount.to_string(), e.description.clone()))
            .collect(),
        notes: p.notes.clone(),
        generated: format::datetime(Some(chrono::Utc::now().timestamp())),
    }
}
