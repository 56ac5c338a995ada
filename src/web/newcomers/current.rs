//! The current finder's shared part: read the data version, then take the shared signals
//! (`shared.rs`) or compute them off the HTTP workers.

use std::sync::Arc;

use super::shared::Computed;
use super::{load, signals};
use crate::metrics::newcomers::NewcomerLabels;
use crate::web::state::AppState;
use crate::web::{error::WebError, offload::off_workers};
use crate::{db, metrics::DAY};

/// The finder's shared part at the current data version: the shared one, or computed now (once,
/// however many ask at the same time).
pub async fn finder(state: &AppState) -> Result<Arc<Computed>, WebError> {
    let version = db::runs::data_version(&state.db.pool).await?;
    let compute = off_workers(state, |state| async move { compute(&state).await });
    state.finder.get_or_compute(version, compute).await
}

async fn compute(state: &AppState) -> Result<Computed, WebError> {
    let now = chrono::Utc::now().timestamp();
    let rows = load::finder_rows(&state.db.pool, now).await?;
    let repos: Vec<String> = rows.repos.iter().map(|r| r.full_name.clone()).collect();
    let mut languages: Vec<String> = rows.repos.iter().filter_map(|r| r.language.clone()).collect();
    languages.sort_by_key(|l| l.to_lowercase());
    languages.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    Ok(Computed { projects: signals::project_signals(&rows, now), repos, languages })
}

/// The configured claim period, in days.
pub fn claim_days(state: &AppState) -> i64 {
    i64::try_from(state.config.newcomers.claim_days).unwrap_or(i64::MAX / DAY)
}

/// The configured newcomer labels.
pub fn labels(state: &AppState) -> NewcomerLabels {
    NewcomerLabels::new(&state.config.newcomers.labels)
}
