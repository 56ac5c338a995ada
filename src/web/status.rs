//! `/status` and `/api/v1/status`: tracked repositories with their last sync, and the run
//! history (requests, 304s, items, errors), with per-resource detail for one run.

use actix_web::{
    HttpResponse,
    web::{Data, Query},
};
use askama::Template;
use askama_web::WebTemplate;
use chrono::Utc;
use serde::Deserialize;

use super::{WebError, error::json_error, format};
use crate::{
    app::AppState,
    db::{
        self,
        repos::TrackedRepoRow,
        runs::{RunResourceRow, RunRow},
    },
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusQuery {
    /// Show this run's per-resource detail (default: the latest run).
    pub run: Option<i64>,
}

/// Everything the status page and its JSON show.
struct StatusData {
    tracked: Vec<TrackedRepoRow>,
    runs: Vec<RunRow>,
    selected: Option<RunRow>,
    resources: Vec<RunResourceRow>,
    next_sync: Option<i64>,
}

async fn load(state: &AppState, run: Option<i64>) -> Result<StatusData, WebError> {
    let pool = &state.db.pool;
    let tracked = db::repos::list_tracked(pool).await?;
    let runs = db::runs::list_recent_runs(pool, 50).await?;
    let selected = match run {
        Some(id) => Some(
            runs.iter()
                .find(|r| r.id == id)
                .cloned()
                .ok_or_else(|| WebError::NotFound(format!("run {id} is not among the last 50 runs")))?,
        ),
        None => runs.first().cloned(),
    };
    let resources = match &selected {
        Some(r) => db::runs::list_run_resources(pool, r.id).await?,
        None => Vec::new(),
    };
    let next_sync = state.config.collector.schedule().upcoming(Utc).next().map(|t| t.timestamp());
    Ok(StatusData { tracked, runs, selected, resources, next_sync })
}

pub struct TrackedView {
    pub row: TrackedRepoRow,
    pub last_success: String,
    pub last_attempt: String,
}

pub struct RunView {
    pub row: RunRow,
    pub started: String,
    pub took: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "status.html")]
pub struct StatusPage {
    pub next_sync: String,
    pub tracked: Vec<TrackedView>,
    pub runs: Vec<RunView>,
    pub selected: Option<RunView>,
    pub resources: Vec<RunResourceRow>,
}

fn run_view(row: RunRow) -> RunView {
    let took = match row.finished_at {
        Some(end) => format::duration(end - row.started_at),
        None => "running".to_owned(),
    };
    RunView { started: format::datetime(Some(row.started_at)), took, row }
}

pub async fn page(state: Data<AppState>, query: Query<StatusQuery>) -> Result<StatusPage, WebError> {
    let data = load(&state, query.run).await?;
    let now = Utc::now().timestamp();
    let tracked = data
        .tracked
        .into_iter()
        .map(|row| TrackedView {
            last_success: format::ago(row.last_success_at, now),
            last_attempt: format::ago(row.last_attempt_at, now),
            row,
        })
        .collect();
    Ok(StatusPage {
        next_sync: format::datetime(data.next_sync),
        tracked,
        runs: data.runs.into_iter().map(run_view).collect(),
        selected: data.selected.map(run_view),
        resources: data.resources,
    })
}

pub async fn json(state: Data<AppState>, query: Query<StatusQuery>) -> HttpResponse {
    match load(&state, query.run).await {
        Ok(d) => HttpResponse::Ok().json(serde_json::json!({
            "next_sync": d.next_sync,
            "tracked": d.tracked,
            "runs": d.runs,
            "selected_run": d.selected.map(|r| r.id),
            "resources": d.resources,
        })),
        Err(e) => json_error(&e),
    }
}
