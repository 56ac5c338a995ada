//! The web layer: routes grouped by audience, one place for errors, short handlers.
//!
//! Handlers load rows through `db`, compute through pure functions, fill a template struct and
//! render. They never call GitHub. All text from GitHub reaches HTML through askama's escaping.

pub mod affiliations;
pub mod badges;
pub mod cache;
pub mod charts;
pub mod csv;
pub mod error;
pub mod format;
pub mod funding;
pub mod home;
pub mod http;
pub mod inputs;
pub mod maintainers;
pub mod memo;
pub mod newcomers;
pub mod offload;
pub mod parts;
pub mod query;
pub mod reports;
pub mod scope;
pub mod state;
pub mod status;
pub mod telemetry;
pub mod tracked;

use actix_web::web;

pub use error::WebError;

/// Every route, in one place.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use maintainers::{badges as badge_routes, overview, pages};
    cfg.route("/", web::get().to(overview::overview))
        .route("/repos/{owner}/{name}", web::get().to(pages::repo))
        .route("/orgs/{org}", web::get().to(pages::org))
        .route("/badges/{owner}/{name}/{badge}", web::get().to(badge_routes::badge))
        .route("/api/v1/overview", web::get().to(overview::api))
        .route("/api/v1/repos/{owner}/{name}", web::get().to(pages::api_repo))
        .route("/api/v1/orgs/{org}", web::get().to(pages::api_org))
        // Newcomers. The `.atom` route comes before the project page, whose `{name}` would
        // otherwise swallow `name.atom`; `widget.svg` has one segment more and cannot clash.
        .route("/newcomers", web::get().to(newcomers::pages::finder))
        .route("/newcomers.atom", web::get().to(newcomers::feed::atom))
        .route("/newcomers/{owner}/{name}.atom", web::get().to(newcomers::feed::repo_atom))
        .route("/newcomers/{owner}/{name}/widget.svg", web::get().to(newcomers::feed::widget))
        .route("/newcomers/{owner}/{name}", web::get().to(newcomers::pages::project))
        .route("/api/v1/newcomers", web::get().to(newcomers::pages::api_finder))
        .route("/api/v1/newcomers/{owner}/{name}", web::get().to(newcomers::pages::api_project))
        // Funders: the impact report of one repository (`?format=csv|json|md`) and its JSON mirror.
        .route("/reports/{owner}/{name}", web::get().to(reports::page))
        .route("/api/v1/reports/{owner}/{name}", web::get().to(reports::api))
        // Funders. `goal.svg` has one segment more than the ledger page and cannot clash.
        .route("/funding", web::get().to(funding::overview::page))
        .route("/api/v1/funding", web::get().to(funding::overview::api))
        .route("/funding/{owner}/{name}/goal.svg", web::get().to(funding::widgets::goal))
        .route("/funding/{owner}/{name}", web::get().to(funding::ledger::page))
        .route("/api/v1/funding/{owner}/{name}", web::get().to(funding::ledger::api))
        .route("/funding/{owner}/{name}/grants/{id}", web::get().to(funding::grant::page))
        .route("/api/v1/funding/{owner}/{name}/grants/{id}", web::get().to(funding::grant::api))
        .route("/healthz", web::get().to(home::healthz))
        .route("/static/{file}", web::get().to(home::static_file))
        .route("/status", web::get().to(status::page))
        .route("/api/v1/status", web::get().to(status::json))
        .route("/metrics", web::get().to(telemetry::prometheus))
        .default_service(web::to(home::not_found));
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _| WebError::NotFound(format!("no such page: {err}")).into())
}
