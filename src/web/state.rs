//! [`AppState`]: what every handler can read. It lives in the web layer, below the handlers
//! that take it; `app.rs` only builds one and assembles the server around it.

use std::sync::Arc;

use crate::{config::Config, db::Db};

/// State every handler can read. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// The base of absolute links, `https://host` without a trailing `/`: `[server] public_url`,
    /// else the address the server listens on ([`crate::config::ServerConfig::base_url`]).
    /// Never taken from a request.
    pub base_url: Arc<str>,
    /// The newcomer finder, computed once per data version for every filter and page.
    pub finder: Arc<super::newcomers::shared::SharedFinder>,
    /// The funding overview's summaries of the current data version ([`super::memo`]).
    pub funding: Arc<super::memo::PerVersion<super::funding::summary::Summaries>>,
    /// The main pages' scopes' present state, computed ahead ([`super::maintainers::present`]).
    pub present: Arc<super::maintainers::present::PresentCache>,
    /// The runtime that computes pages, off the HTTP workers ([`super::offload`]).
    pub renderer: tokio::runtime::Handle,
}
