//! The finder computed once per data version and shared by every filter, page, feed and widget.
//!
//! The finder's inputs are every open newcomer issue with its timeline (claims, mentors, linked
//! pull requests), which costs the same whatever a visitor filters on. So it is computed once
//! per data version ([`db::runs::data_version`]) and at most every [`TTL`] (claims expire with the
//! clock), by one request at a time: concurrent requests wait for that one computation, then
//! each filters, sorts and pages the shared result, which is proportional to the page, not to
//! the number of issues.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use super::finder::{self, Finder, Settings};
use super::load;
use crate::metrics::newcomers::NewcomerLabels;
use crate::web::state::AppState;
use crate::web::{WebError, offload::off_workers};
use crate::{db, metrics::DAY};

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
    /// The finder at the current data version: the shared one, or computed now (once, however
    /// many ask at the same time).
    pub async fn get(&self, state: &AppState) -> Result<Arc<Computed>, WebError> {
        let version = db::runs::data_version(&state.db.pool).await?;
        let mut slot = self.slot.lock().await;
        if let Some((v, at, computed)) = slot.as_ref()
            && *v == version
            && at.elapsed() < TTL
        {
            return Ok(computed.clone());
        }
        let computed = Arc::new(off_workers(state, |state| async move { compute(&state).await }).await?);
        *slot = Some((version, Instant::now(), computed.clone()));
        Ok(computed)
    }
}

async fn compute(state: &AppState) -> Result<Computed, WebError> {
    let now = chrono::Utc::now().timestamp();
    let labels = labels(state);
    let rows = load::finder_rows(&state.db.pool, &labels, now).await?;
    let repos: Vec<String> = rows.repos.iter().map(|r| r.full_name.clone()).collect();
    let mut languages: Vec<String> = rows.repos.iter().filter_map(|r| r.language.clone()).collect();
    languages.sort_by_key(|l| l.to_lowercase());
    languages.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    let settings = Settings {
        labels: &labels,
        claim_days: i64::try_from(state.config.newcomers.claim_days).unwrap_or(i64::MAX / DAY),
        mentors: &state.config.newcomers.mentors,
    };
    Ok(Computed { finder: finder::compute(&rows, &settings, now), repos, languages })
}

/// The configured newcomer labels.
pub fn labels(state: &AppState) -> NewcomerLabels {
    NewcomerLabels::new(&state.config.newcomers.labels)
}
