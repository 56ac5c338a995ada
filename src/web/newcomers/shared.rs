//! The finder computed once per data version and shared by every filter, page, feed and widget.
//!
//! The finder's inputs are every open newcomer issue with its timeline (claims, mentors, linked
//! pull requests), which costs the same whatever a visitor filters on. So it is computed once
//! per data version ([`db::runs::data_version`]) and at most every [`TTL`] (claims expire with the
//! clock), by one request at a time: concurrent requests wait for that one computation, then
//! each filters, sorts and pages the shared result, which is proportional to the page, not to
//! the number of issues.
//!
//! This file holds the shared slot, which [`AppState`](crate::web::state::AppState) carries;
//! `current.rs` reads the data version and computes the finder into it.

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use super::finder::Finder;
use crate::web::error::WebError;

/// How long a computed finder is used while the data is unchanged.
pub const TTL: Duration = Duration::from_secs(300);

/// The finder and the filter values it knows.
pub struct Computed {
    pub finder: Finder,
    /// Tracked repositories, `owner/name`.
    pub repos: Vec<String>,
    /// Languages of tracked repositories, sorted, each once ignoring case.
    pub languages: Vec<String>,
}

#[derive(Default)]
pub struct SharedFinder {
    slot: tokio::sync::Mutex<Option<(i64, Instant, Arc<Computed>)>>,
}

impl SharedFinder {
    /// The finder at data version `version`: the shared one, or `compute`'s (awaited once
    /// however many ask at the same time; the others wait for it and share its result).
    pub async fn get_or_compute(
        &self,
        version: i64,
        compute: impl Future<Output = Result<Computed, WebError>>,
    ) -> Result<Arc<Computed>, WebError> {
        let mut slot = self.slot.lock().await;
        if let Some((v, at, computed)) = slot.as_ref()
            && *v == version
            && at.elapsed() < TTL
        {
            return Ok(computed.clone());
        }
        let computed = Arc::new(compute.await?);
        *slot = Some((version, Instant::now(), computed.clone()));
        Ok(computed)
    }
}
