//! The overview page, `/healthz`, the stylesheet and the 404 page.

use actix_web::{HttpRequest, HttpResponse, web::Data};
use askama::Template;
use askama_web::WebTemplate;

use super::{WebError, format};
use crate::{app::AppState, db};

/// One tracked repository on the overview.
pub struct RepoView {
    pub full_name: String,
    pub html_url: Option<String>,
    pub description: String,
    pub language: String,
    pub open_issues: i64,
    pub archived: bool,
    pub updated: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct OverviewPage {
    pub synced: bool,
    pub repos: Vec<RepoView>,
}

pub async fn overview(state: Data<AppState>) -> Result<OverviewPage, WebError> {
    let synced = db::runs::has_finished_run(&state.db.pool).await?;
    let rows = db::repos::list_repositories(&state.db.pool).await?;
    let repos = rows
        .into_iter()
        .map(|r| RepoView {
            html_url: format::safe_link(&r.html_url),
            description: r.description.unwrap_or_default(),
            language: r.language.unwrap_or_default(),
            open_issues: r.open_issues,
            archived: r.is_archived,
            updated: format::datetime(Some(r.updated_at)),
            full_name: r.full_name,
        })
        .collect();
    Ok(OverviewPage { synced, repos })
}

/// Liveness: answers as soon as the server listens, before any sync.
pub async fn healthz(state: Data<AppState>) -> HttpResponse {
    let db_ok = sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&state.db.pool).await.is_ok();
    let body = serde_json::json!({ "status": if db_ok { "ok" } else { "degraded" }, "database": db_ok });
    if db_ok { HttpResponse::Ok().json(body) } else { HttpResponse::ServiceUnavailable().json(body) }
}

const STYLESHEET: &str = include_str!("../../static/style.css");

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("cache-control", "public, max-age=3600"))
        .body(STYLESHEET)
}

pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, WebError> {
    Err(WebError::NotFound(format!("There is no page at {}.", req.path())))
}
