//! Shields-style SVG badges for READMEs: `/badges/{owner}/{name}/first-response.svg`,
//! `…/bus-factor.svg`, `…/backlog.svg` and `…/elephant-factor.svg`, over the default 90-day window without bots, and
//! `…/sponsors.svg` (drawn by [`crate::web::funding::widgets`]).

use actix_web::{
    HttpResponse,
    web::{Data, Path},
};

use super::pages::dashboard_for;
use crate::web::scope::DashboardQuery;
use crate::web::state::AppState;
use crate::{
    db,
    metrics::Quantile,
    web::{
        badges::{self, BadgeColor},
        error::WebError,
    },
};

pub async fn badge(state: Data<AppState>, path: Path<(String, String, String)>) -> Result<HttpResponse, WebError> {
    let (owner, name, file) = path.into_inner();
    let full = format!("{owner}/{name}");
    let Some(repo) = db::repos::find_tracked_repository(&state.db.pool, &full).await? else {
        return Ok(badges::svg_response(
            HttpResponse::NotFound(),
            badges::badge("upkeep", "repo not tracked", BadgeColor::Grey),
        ));
    };
    if file == "sponsors.svg" {
        let body = crate::web::funding::widgets::sponsors(&state, repo).await?;
        return Ok(badges::svg_response(HttpResponse::Ok(), body));
    }
    let now = chrono::Utc::now().timestamp();
    let scope = DashboardQuery::default().scope(now, &[])?;
    if file == "elephant-factor.svg" {
        let people =
            super::pages::people_for(&state, &[repo.id], std::slice::from_ref(&repo.full_name), &scope).await?;
        return Ok(badges::svg_response(HttpResponse::Ok(), super::people::badge(&people)));
    }
    let d = dashboard_for(&state, &[repo.id], &scope, repo.is_archived).await?;
    let body = match file.as_str() {
        "first-response.svg" => badges::first_response_badge(d.all_items.median.map(Quantile::secs)),
        "bus-factor.svg" => {
            let caf = d.absence.merged_prs.factor.or(d.absence.commits.factor);
            badges::bus_factor_badge(caf.map(|v| v as u32))
        }
        "backlog.svg" => {
            let weeks = &d.backlog.weeks;
            let open = |w: &crate::metrics::backlog::BacklogWeek| (w.open_issues + w.open_prs) as i64;
            let trend = match (weeks.iter().rev().nth(11.min(weeks.len().saturating_sub(1))), weeks.last()) {
                (Some(first), Some(last)) => Some(open(last) - open(first)),
                _ => None,
            };
            badges::backlog_badge((d.open_issues + d.open_prs) as u64, trend)
        }
        other => {
            return Err(WebError::NotFound(format!(
                "no badge named {other}; try first-response.svg, bus-factor.svg, backlog.svg, elephant-factor.svg or sponsors.svg"
            )));
        }
    };
    Ok(badges::svg_response(HttpResponse::Ok(), body))
}
