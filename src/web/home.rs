//! `/healthz`, the stylesheet (under a content-hashed name) and the 404 page.

use std::sync::LazyLock;

use actix_web::{
    HttpRequest, HttpResponse,
    http::header,
    web::{Data, Path},
};

use super::error::WebError;
use crate::web::state::AppState;

/// Liveness: answers as soon as the server listens, before any sync.
pub async fn healthz(state: Data<AppState>) -> HttpResponse {
    let db_ok = crate::db::is_reachable(&state.db.pool).await;
    let body = serde_json::json!({ "status": if db_ok { "ok" } else { "degraded" }, "database": db_ok });
    if db_ok { HttpResponse::Ok().json(body) } else { HttpResponse::ServiceUnavailable().json(body) }
}

/// The site stylesheet with the chart rules appended (one request, cached).
static STYLESHEET: LazyLock<String> =
    LazyLock::new(|| format!("{}\n{}", include_str!("../../static/style.css"), super::charts::CHART_CSS));

/// `style.<hash>.css`: the stylesheet's name carries the first 12 hex digits of its SHA-256, so
/// it can be cached for a year and a new build is fetched at once.
static STYLESHEET_NAME: LazyLock<String> =
    LazyLock::new(|| format!("style.{}.css", super::http::sha256_hex(STYLESHEET.as_bytes(), 6)));

/// The stylesheet's URL, as every page links it (`base.html`).
pub fn stylesheet_href() -> String {
    format!("/static/{}", STYLESHEET_NAME.as_str())
}

/// `/static/{file}`: the hashed stylesheet, immutable for a year; `style.css` (the unhashed
/// name, for old links) for five minutes; anything else 404.
pub async fn static_file(file: Path<String>) -> Result<HttpResponse, WebError> {
    let cache = if file.as_str() == STYLESHEET_NAME.as_str() {
        "public, max-age=31536000, immutable"
    } else if file.as_str() == "style.css" {
        "public, max-age=300"
    } else {
        return Err(WebError::NotFound(format!("There is no file /static/{}.", file.as_str())));
    };
    Ok(HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, cache))
        .body(STYLESHEET.as_str()))
}

pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, WebError> {
    Err(WebError::NotFound(format!("There is no page at {}.", req.path())))
}
