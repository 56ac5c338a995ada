//! What every finder page shares, computed once per data version: the filter values it knows
//! and every project's signals (a year of first-timers' pull requests, maintainer activity,
//! community profiles), which the responsive order and each listed issue need whatever a visitor
//! filters on. The issues themselves are read page by page in SQL (`finder`).
//!
//! It is computed once per data version ([`db::runs::data_version`]) and at most every [`TTL`]
//! (unanswered pull requests' waits grow with the clock), by one request at a time: concurrent
//! requests wait for that one computation.
//!
//! This file holds the shared slot, which [`AppState`](crate::web::state::AppState) carries;
//! `current.rs` reads the data version and computes into it.

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use std::collections::BTreeMap;

use super::signals::ProjectSignals;
use crate::web::error::WebError;

/// How long a computed finder is used while the data is unchanged.
pub const TTL: Duration = Duration::from_secs(300);

/// The signals and the filter values the finder knows.
pub struct Computed {
    /// Every tracked repository's signals, by repository id.
    pub projects: BTreeMap<i64, ProjectSignals>,
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
