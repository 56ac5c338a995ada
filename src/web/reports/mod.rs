//! The funder impact report: `/reports/{owner}/{name}` (HTML, or CSV, JSON and Markdown through
//! `?format=csv|json|md`) and its `/api/v1/reports/{owner}/{name}` mirror (JSON, errors as JSON).
//!
//! One request is load → compute → render: [`params`] validates the query and picks the period,
//! [`compute`] loads the rows (`db::report`, `db::dashboard`) and computes with `metrics` and
//! `funding::report`, [`view`] fills the page, [`json`] and [`export`] write the other formats.
//! Money comes from the funder pages' loading and ledger (`web::funding::{load, entries}`), so
//! the report and the ledger never disagree. The page prints cleanly (the `/* Impact report */` rules of the
//! stylesheet): no navigation, figures kept whole.

pub mod compute;
pub mod export;
pub mod json;
pub mod params;
pub mod text;
pub mod view;

use actix_web::{
    HttpResponse,
    web::{Data, Path},
};
use askama::Template;

use self::params::{Basis, Format, ReportQuery, ReportScope};
use crate::funding::received_in;
use crate::web::affiliations;
use crate::web::error::{WebError, json_error};
use crate::web::format;
use crate::web::funding::{entries, load};
use crate::web::offload::off_workers;
use crate::web::query::Params;
use crate::web::state::AppState;

/// `/reports/{owner}/{name}`.
pub async fn page(
    state: Data<AppState>,
    path: Path<(String, String)>,
    query: Params<ReportQuery>,
) -> Result<HttpResponse, WebError> {
    let (owner, name) = path.into_inner();
    respond(&state, &format!("{owner}/{name}"), &query, false).await
}

/// `/api/v1/reports/{owner}/{name}`: the report as JSON; errors are JSON too.
pub async fn api(state: Data<AppState>, path: Path<(String, String)>, query: Params<ReportQuery>) -> HttpResponse {
    let (owner, name) = path.into_inner();
    respond(&state, &format!("{owner}/{name}"), &query, true).await.unwrap_or_else(|e| json_error(&e))
}

async fn respond(state: &AppState, full_name: &str, query: &ReportQuery, api: bool) -> Result<HttpResponse, WebError> {
    let (name, q) = (full_name.to_owned(), query.clone());
    let loaded =
        off_workers(state, move |state| async move { load(&state, &name, &q, chrono::Utc::now().timestamp()).await })
            .await?;
    let format = loaded.scope.format;
    if api && format != Format::Json && query.format.as_deref().is_some_and(|f| !f.is_empty()) {
        return Err(WebError::BadRequest(format!(
            "the API answers JSON only; for format={} use /reports/{}",
            format.as_str(),
            loaded.repo
        )));
    }
    answer(loaded, if api { Format::Json } else { format }, &state.base_url)
}

/// A computed report and what its formats need besides.
struct Loaded {
    repo: String,
    html_url: String,
    scope: ReportScope,
    report: compute::Report,
    notes: Vec<entries::Note>,
    grants: Vec<crate::funding::Grant>,
    /// The unfunded share of maintainer work in the period, up to today.
    unfunded: crate::metrics::unfunded::UnfundedShare,
}

/// Load → compute: the repository (404 if untracked), the period (400 if the query is bad), its
/// money (the ledger's entries) and its rows.
async fn load(state: &AppState, full_name: &str, query: &ReportQuery, now: i64) -> Result<Loaded, WebError> {
    let pool = &state.db.pool;
    let repo = crate::web::tracked::find_named(pool, full_name).await?;
    let created_at = repo.created_at;
    let project = load::project(pool, &state.config, repo).await?;
    let scope = query.scope(&project.grants, now)?;
    let money_window = compute::money_window(scope.period, now);
    let received = received_in(&entries::entries(&project), money_window.from, money_window.to);
    // The rows, and the affiliations as the repository's pages apply them (its self-declared file
    // and profile hints), read at once.
    let repo_ids = [project.repo.id];
    let (rows, declared) = tokio::try_join!(
        async { Ok::<_, WebError>(compute::load_rows(pool, project.repo.id, scope.period, now).await?) },
        affiliations::declared(state, &repo_ids),
    )?;
    let report = compute::compute(&rows, scope.period, received, now);
    let (affiliations, affiliation_notes) =
        affiliations::affiliations(&state.config.people.affiliation_table, &declared);
    let unfunded =
        json::unfunded(&rows.person_weeks, report.numbers.after, &state.config, &affiliations, &project.repo.full_name);
    let mut notes = compute::coverage_notes(&report.numbers, created_at, now);
    notes.extend(entries::notes(&project));
    let affiliation_note = |n: affiliations::AffiliationNote| entries::Note {
        level: entries::NoteLevel::Warning,
        text: format!("{}: {}", n.repo, n.message),
    };
    notes.extend(affiliation_notes.into_iter().map(affiliation_note));
    Ok(Loaded {
        repo: project.repo.full_name.clone(),
        html_url: project.repo.html_url.clone(),
        scope,
        report,
        notes,
        grants: project.grants,
        unfunded,
    })
}

/// Render: the page, or a download named `report-owner-name-FROM-TO.ext`.
fn answer(l: Loaded, format: Format, base_url: &str) -> Result<HttpResponse, WebError> {
    let (from, to) = (view::day(l.scope.period.from), view::day(l.scope.period.to - 1));
    let file = format!("report-{}-{from}-{to}.{}", l.repo.replace('/', "-"), format.as_str());
    match format {
        Format::Json => {
            let report = json::json(&l.report, &l.scope, &l.repo, &l.grants, &l.notes);
            Ok(HttpResponse::Ok().json(json::WithUnfunded { report, unfunded_share: &l.unfunded }))
        }
        Format::Csv => export::csv(&l.report, &l.scope).response(&file),
        Format::Markdown => {
            let source = source_url(base_url, &l.repo, &l.scope);
            Ok(HttpResponse::Ok()
                .content_type("text/markdown; charset=utf-8")
                .insert_header(("content-disposition", format!("attachment; filename=\"{file}\"")))
                .body(export::markdown(&l.report, &l.scope, &l.repo, &l.notes, &source)))
        }
        Format::Html => Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page_for(l).render()?)),
    }
}

/// `from=…&to=…&` for a period asked for by dates (normalised), so links keep it; else empty.
fn kept_dates(scope: &ReportScope) -> String {
    match scope.basis {
        Basis::Requested => {
            format!("from={}&to={}&", view::day(scope.period.from), view::day(scope.period.to - 1))
        }
        _ => String::new(),
    }
}

/// Where the Markdown came from: this report's URL under the configured base
/// ([`AppState::base_url`]); never from the request's `Host` or forwarding headers.
fn source_url(base_url: &str, repo: &str, scope: &ReportScope) -> String {
    let path = format!("/reports/{repo}?{}", kept_dates(scope).trim_end_matches('&'));
    format!("{base_url}{}", path.trim_end_matches('?'))
}

fn page_for(l: Loaded) -> view::ReportPage {
    let r = &l.report;
    let n = &r.numbers;
    view::ReportPage {
        github_url: format::safe_link(&l.html_url),
        path: format!("/reports/{}", l.repo),
        api_path: format!("/api/v1/reports/{}", l.repo),
        keep: kept_dates(&l.scope),
        period: view::dates(n.period),
        basis: view::basis(&l.scope),
        windows: crate::funding::report::BeforeAfter::new(view::dates(n.before), view::dates(n.after)),
        running: n.after.to < n.period.to,
        summary: r.summary.clone(),
        outputs: view::outputs(r),
        compare: view::compare(r),
        figures: view::figures(r),
        money: n.received.iter().map(|(s, t)| (s.to_string(), t.to_string())).collect(),
        money_explain: view::money_explain(r),
        grants: l.grants,
        releases: r
            .releases
            .iter()
            .map(|rel| view::ReleaseView {
                tag: rel.tag_name.clone(),
                name: rel.name.clone().unwrap_or_default(),
                date: view::day(rel.published_at),
                prerelease: rel.prerelease,
            })
            .collect(),
        generated: format::datetime(Some(r.generated_at)),
        repo: l.repo,
        notes: l.notes,
        unfunded: l.unfunded,
    }
}
