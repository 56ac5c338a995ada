//! `/funding` and `/api/v1/funding`: every tracked project's funding at a glance, funded
//! projects first, and the maintainers who carry load without visible funding.

use std::sync::Arc;

use actix_web::{HttpResponse, web::Data};
use askama::Template;
use futures_util::{StreamExt, TryStreamExt};

use super::{
    entries, load,
    summary::{self, Summaries, Summary},
};
use crate::web::offload::off_workers;
use crate::web::state::AppState;
use crate::{
    db,
    funding::carriers::Carrier,
    metrics::Explain,
    web::{
        charts,
        error::{WebError, json_error},
    },
};

/// One project's summary and its carriers' disclosure.
pub struct Row {
    pub summary: Summary,
    pub carriers_explain: Explain,
    pub sparkline: String,
}

impl Row {
    pub fn monthly(&self) -> String {
        summary::money_text(&self.summary.monthly_estimate)
    }

    pub fn per_maintainer(&self) -> String {
        match &self.summary.funding_per_active_maintainer {
            Some(m) if !m.is_empty() => summary::money_text(m),
            Some(_) => "unknown".to_owned(),
            None => "no active maintainer".to_owned(),
        }
    }

    pub fn as_of(&self) -> String {
        self.summary.as_of.map(|t| format!("as of {}", crate::web::format::datetime(Some(t)))).unwrap_or_default()
    }

    /// Errors and warnings about the project's data (hidden amounts, an info, are not counted).
    pub fn problems(&self) -> usize {
        self.summary.notes.iter().filter(|n| n.level != super::entries::NoteLevel::Info).count()
    }

    pub fn unfunded(&self) -> Vec<&Carrier> {
        self.summary.unfunded_carriers()
    }
}

#[derive(Template)]
#[template(path = "funding/overview.html")]
pub struct OverviewPage {
    pub rows: Vec<Row>,
    pub funded: usize,
    pub load_label: String,
    pub synced: bool,
}

/// Every tracked repository's summary, funded projects first (largest sponsor count, then name),
/// as of the returned time: computed once per data version (and again when older than
/// [`crate::web::memo::TTL`]) for every request, so a visitor after a sync (when the refresher
/// has re-rendered this page) or a second URL of it pays no more than its template.
pub async fn summaries(state: &AppState) -> Result<Arc<Summaries>, WebError> {
    let version = db::runs::data_version(&state.db.pool).await?;
    let compute = off_workers(state, move |state| async move {
        let at = chrono::Utc::now().timestamp();
        Ok(Summaries { at, rows: compute_summaries(&state, at).await? })
    });
    state.funding.get_or_compute(version, compute).await
}

async fn compute_summaries(state: &AppState, now: i64) -> Result<Vec<(Summary, Explain)>, WebError> {
    let pool = &state.db.pool;
    // A few repositories at a time: their reads overlap on the read pool.
    let mut out: Vec<(Summary, Explain)> =
        futures_util::stream::iter(db::repos::list_tracked_repositories(pool).await?)
            .map(|repo| async move {
                let repo_id = repo.id;
                let (project, work) =
                    tokio::try_join!(load::project(pool, &state.config, repo), load::workload(pool, repo_id, now))?;
                Ok::<_, WebError>(summary::summarize_with_load(&project, &entries::entries(&project), &work, now))
            })
            .buffered(4)
            .try_collect()
            .await?;
    out.sort_by(|(a, _), (b, _)| {
        (b.is_funded(), b.sponsors.unwrap_or(0))
            .cmp(&(a.is_funded(), a.sponsors.unwrap_or(0)))
            .then(a.repo.cmp(&b.repo))
    });
    Ok(out)
}

pub async fn page(state: Data<AppState>) -> Result<HttpResponse, WebError> {
    let synced = db::runs::has_finished_run(&state.db.pool).await?;
    let rows: Vec<Row> = summaries(&state)
        .await?
        .rows
        .iter()
        .cloned()
        .map(|(summary, carriers_explain)| {
            let values: Vec<Option<f64>> =
                summary.new_sponsorships.iter().map(|m| Some((m.active + m.ended) as f64)).collect();
            let sparkline = if values.is_empty() {
                String::new()
            } else {
                charts::sparkline(&values, &format!("New public sponsorships per month of {}", summary.repo))
            };
            Row { summary, carriers_explain, sparkline }
        })
        .collect();
    let page = OverviewPage {
        funded: rows.iter().filter(|r| r.summary.is_funded()).count(),
        rows,
        load_label: format!("the last {} days", load::LOAD_DAYS),
        synced,
    };
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page.render()?))
}

pub async fn api(state: Data<AppState>) -> HttpResponse {
    let result = async {
        let computed = summaries(&state).await?;
        let projects: Vec<&Summary> = computed.rows.iter().map(|(s, _)| s).collect();
        Ok::<_, WebError>(
            HttpResponse::Ok().json(serde_json::json!({ "generated_at": computed.at, "projects": projects })),
        )
    };
    result.await.unwrap_or_else(|e| json_error(&e))
}
