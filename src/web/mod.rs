//! The web layer: routes grouped by audience, one place for errors, short handlers.
//!
//! Handlers load rows through `db`, compute through pure functions, fill a template struct and
//! render. They never call GitHub. All text from GitHub reaches HTML through askama's escaping.

pub mod error;
pub mod format;
pub mod home;
pub mod status;

use actix_web::web;

pub use error::WebError;

/// Every route, in one place.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::overview))
        .route("/healthz", web::get().to(home::healthz))
        .route("/static/style.css", web::get().to(home::stylesheet))
        .route("/status", web::get().to(status::page))
        .route("/api/v1/status", web::get().to(status::json))
        .default_service(web::to(home::not_found));
}

/// Bad query strings become a 400 page saying what was wrong, not actix's bare text.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default()
        .error_handler(|err, _| WebError::BadRequest(format!("bad query parameter: {err}")).into())
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _| WebError::NotFound(format!("no such page: {err}")).into())
}
