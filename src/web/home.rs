//! `/healthz`, the stylesheet and the 404 page.

use actix_web::{HttpRequest, HttpResponse, web::Data};

use super::WebError;
use crate::app::AppState;

/// Liveness: answers as soon as the server listens, before any sync.
pub async fn healthz(state: Data<AppState>) -> HttpResponse {
    let db_ok = sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&state.db.pool).await.is_ok();
    let body = serde_json::json!({ "status": if db_ok { "ok" } else { "degraded" }, "database": db_ok });
    if db_ok { HttpResponse::Ok().json(body) } else { HttpResponse::ServiceUnavailable().json(body) }
}

/// The site stylesheet with the chart rules appended (one request, cached).
static STYLESHEET: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("{}\n{}", include_str!("../../static/style.css"), super::charts::CHART_CSS));

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("cache-control", "public, max-age=3600"))
        .body(STYLESHEET.as_str())
}

pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, WebError> {
    Err(WebError::NotFound(format!("There is no page at {}.", req.path())))
}
