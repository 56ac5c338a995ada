//! `/status` and `/api/v1/status`: tracked repositories with their last sync, and the run
//! history (requests, 304s, items, errors), with per-resource detail for one run.

use actix_web::{HttpResponse, web::Data};
use askama::Template;
use askama_web::WebTemplate;
use chrono::Utc;
use serde::Deserialize;

use super::error::{WebError, json_error};
use super::format;
use crate::db::{
    self,
    quarantine::QuarantinedRow,
    repos::TrackedRepoRow,
    rounds::LiveRun,
    runs::{RunResourceRow, RunRow},
};
use crate::web::query::Params;
use crate::web::state::AppState;

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
    /// The runs in progress now (several collectors on PostgreSQL).
    live: Vec<LiveRun>,
    quarantined: Vec<QuarantinedRow>,
    quarantined_total: i64,
}

/// Quarantined items listed on the page (the JSON lists as many).
const QUARANTINE_SHOWN: i64 = 100;

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
    let stale = crate::github::sync::run::LEASE_STALE.as_secs() as i64;
    let live = db::rounds::live_runs(pool, Utc::now().timestamp(), stale).await?;
    let quarantined = db::quarantine::list_recent(pool, QUARANTINE_SHOWN).await?;
    let quarantined_total = db::quarantine::count_all(pool).await?;
    Ok(StatusData { tracked, runs, selected, resources, next_sync, live, quarantined, quarantined_total })
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
    /// "waiting for the rate limit until …" while the run waits.
    pub waiting: Option<String>,
}

pub struct QuarantineView {
    pub row: QuarantinedRow,
    pub seen: String,
    /// The raw JSON, cut for the page (the API has it whole, up to 64 KiB).
    pub excerpt: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "status.html")]
pub struct StatusPage {
    pub next_sync: String,
    pub tracked: Vec<TrackedView>,
    pub runs: Vec<RunView>,
    pub selected: Option<RunView>,
    pub resources: Vec<RunResourceRow>,
    pub running: Option<String>,
    pub quarantined: Vec<QuarantineView>,
    pub quarantined_total: i64,
}

fn run_view(row: RunRow) -> RunView {
    let took = match row.finished_at {
        Some(end) => format::duration(end - row.started_at),
        None => "running".to_owned(),
    };
    let waiting = row
        .waiting_until
        .filter(|_| row.finished_at.is_none())
        .map(|t| format!("waiting for the rate limit until {}", format::datetime(Some(t))));
    RunView { started: format::datetime(Some(row.started_at)), took, waiting, row }
}

pub async fn page(state: Data<AppState>, query: Params<StatusQuery>) -> Result<StatusPage, WebError> {
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
    let running = running_text(&data.live);
    let quarantined = data
        .quarantined
        .into_iter()
        .map(|row| {
            let mut excerpt: String = row.raw.chars().take(300).collect();
            if excerpt.len() < row.raw.len() {
                excerpt.push('…');
            }
            QuarantineView { seen: format::ago(Some(row.last_seen), now), excerpt, row }
        })
        .collect();
    Ok(StatusPage {
        next_sync: format::datetime(data.next_sync),
        tracked,
        runs: data.runs.into_iter().map(run_view).collect(),
        selected: data.selected.map(run_view),
        resources: data.resources,
        running,
        quarantined,
        quarantined_total: data.quarantined_total,
    })
}

pub async fn json(state: Data<AppState>, query: Params<StatusQuery>) -> HttpResponse {
    match load(&state, query.run).await {
        Ok(d) => HttpResponse::Ok().json(serde_json::json!({
            "next_sync": d.next_sync,
            "tracked": d.tracked,
            "runs": d.runs,
            "selected_run": d.selected.map(|r| r.id),
            "resources": d.resources,
            // The oldest run in progress (one object, as before several collectors could share
            // a database), and all of them in `collectors`.
            "running": d.live.first().map(|l| serde_json::json!({ "pid": l.pid, "host": l.host, "started_at": l.started_at, "heartbeat_at": l.heartbeat_at })),
            "collectors": d.live,
            "quarantined_total": d.quarantined_total,
            "quarantined": d.quarantined,
        })),
        Err(e) => json_error(&e),
    }
}

/// "pid 41 on box, since …, syncing owner/name" for each run in progress, or `None`.
fn running_text(live: &[LiveRun]) -> Option<String> {
    let each: Vec<String> = live
        .iter()
        .map(|l| {
            let who = match (l.pid, &l.host) {
                (Some(pid), Some(host)) => format!("pid {pid} on {host}"),
                _ => format!("run {}", l.run_id),
            };
            let doing = l.repo.as_ref().map(|r| format!(", syncing {r}")).unwrap_or_default();
            format!("{who}, since {}{doing}", format::datetime(Some(l.started_at)))
        })
        .collect();
    match each.len() {
        0 => None,
        1 => each.into_iter().next(),
        n => Some(format!("{n} collectors: {}", each.join("; "))),
    }
}
