//! Embeddable funding SVGs: the goal progress widget `/funding/{owner}/{name}/goal.svg` and the
//! shields-style sponsors badge `/badges/{owner}/{name}/sponsors.svg`; and [`goals`], the goal
//! progress both the widget and the ledger page show.
//!
//! A GitHub Sponsors goal's progress is GitHub's own `percentComplete`, which counts private
//! sponsorships the token may not see; the current value shown is derived from it. A
//! funding.json ask is compared with the monthly estimate in the ask's currency only.

use actix_web::{
    HttpResponse,
    web::{Data, Path},
};
use serde::Serialize;

use super::{entries, load, summary};
use crate::web::state::AppState;
use crate::{
    db,
    funding::{Currency, GoalKind, GoalProgress, Money, monthly_goal_progress},
    web::{
        badges::{self, BadgeColor},
        charts::escape,
        error::WebError,
    },
};

/// A goal with its progress and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Goal {
    /// `github_sponsors` or `funding_json`.
    pub source: &'static str,
    /// The listing's login (Sponsors) or empty.
    pub login: String,
    pub title: String,
    pub progress: GoalProgress,
}

impl Goal {
    /// `64% of 5,000.00 USD a month` or `12 of 20 sponsors (60%)`.
    pub fn text(&self) -> String {
        let p = &self.progress;
        let percent = p.percent.unwrap_or(0);
        match p.kind {
            GoalKind::MonthlyAmount(c) => format!("{percent}% of {} a month", Money::new(p.target, c)),
            GoalKind::SponsorCount => format!("{} of {} sponsors ({percent}%)", p.current, p.target),
        }
    }

    pub fn bar(&self) -> u32 {
        self.progress.bar_percent().unwrap_or(0)
    }
}

/// The project's goals: each Sponsors listing's active goal, then what funding.json plans ask
/// per month against the estimate (one per currency asked in).
pub fn goals(p: &load::ProjectFunding, entries: &[crate::funding::Entry], now: i64) -> Vec<Goal> {
    let mut out = Vec::new();
    for a in &p.accounts {
        let Some(s) = a.snapshots.last() else { continue };
        let (Some(kind), Some(target)) = (s.goal_kind.as_deref(), s.goal_target) else { continue };
        let percent = s.goal_percent.unwrap_or(0).clamp(0, u32::MAX as i64);
        let kind = match kind {
            entries::GOAL_MONTHLY_AMOUNT => GoalKind::MonthlyAmount(Currency::USD),
            _ => GoalKind::SponsorCount,
        };
        let target = if matches!(kind, GoalKind::MonthlyAmount(_)) { target.saturating_mul(100) } else { target };
        out.push(Goal {
            source: "github_sponsors",
            login: a.login.clone(),
            title: s.goal_title.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| "Sponsors goal".to_owned()),
            progress: GoalProgress {
                kind,
                target,
                current: (target as i128 * percent as i128 / 100) as i64,
                percent: Some(percent as u32),
            },
        });
    }
    let monthly = crate::funding::monthly_estimate(entries, now);
    for ask in crate::funding::monthly_ask(entries, now).iter() {
        out.push(Goal {
            source: "funding_json",
            login: String::new(),
            title: "What funding.json plans ask for".to_owned(),
            progress: monthly_goal_progress(ask, &monthly),
        });
    }
    out
}

/// A 320×64 progress widget: the goal's title, a bar and its text; a grey "no funding goal" card.
pub fn goal_svg(repo: &str, goal: Option<&Goal>) -> String {
    let (title, text, bar) = match goal {
        Some(g) => (format!("{repo}: {}", g.title), g.text(), g.bar()),
        None => (repo.to_owned(), "no funding goal".to_owned(), 0),
    };
    let fill = bar as f64 * 2.96;
    let (title, text) = (escape(&title), escape(&text));
    format!(
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="320" height="64" viewBox="0 0 320 64" role="img" "##,
            r##"aria-label="{title}: {text}"><title>{title}: {text}</title>"##,
            r##"<rect width="320" height="64" rx="6" fill="#f6f8fa" stroke="#d0d7de"/>"##,
            r##"<g font-family="-apple-system,Segoe UI,Helvetica,Arial,sans-serif" fill="#1f2328">"##,
            r##"<text x="12" y="22" font-size="13" font-weight="600" textLength="296" lengthAdjust="spacingAndGlyphs">{title}</text>"##,
            r##"<rect x="12" y="30" width="296" height="10" rx="5" fill="#d0d7de"/>"##,
            r##"<rect x="12" y="30" width="{fill:.1}" height="10" rx="5" fill="#bf3989"/>"##,
            r##"<text x="12" y="56" font-size="12">{text}</text></g></svg>"##
        ),
        title = title,
        text = text,
        fill = fill,
    )
}

/// `sponsors | 42`, pink when anyone sponsors, grey for none or no listing.
pub fn sponsors_badge(sponsors: Option<i64>) -> String {
    match sponsors {
        Some(n) if n > 0 => badges::badge("sponsors", &n.to_string(), BadgeColor::Pink),
        Some(_) => badges::badge("sponsors", "0", BadgeColor::Grey),
        None => badges::badge("sponsors", "no listing", BadgeColor::Grey),
    }
}

pub async fn goal(state: Data<AppState>, path: Path<(String, String)>) -> Result<HttpResponse, WebError> {
    let (owner, name) = path.into_inner();
    let Some(repo) = db::repos::find_tracked_repository(&state.db.pool, &format!("{owner}/{name}")).await? else {
        return Ok(badges::svg_response(HttpResponse::NotFound(), goal_svg("repo not tracked", None)));
    };
    let now = chrono::Utc::now().timestamp();
    let project = load::project(&state.db.pool, &state.config, repo).await?;
    let entries = entries::entries(&project);
    let goals = goals(&project, &entries, now);
    Ok(badges::svg_response(HttpResponse::Ok(), goal_svg(&project.repo.full_name, goals.first())))
}

/// The sponsors badge of a tracked repository (called by the `/badges/` route).
pub async fn sponsors(state: &AppState, repo: db::repos::RepositoryRow) -> Result<String, WebError> {
    let project = load::project(&state.db.pool, &state.config, repo).await?;
    Ok(sponsors_badge(summary::public_sponsors(&project.accounts)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goal(kind: GoalKind, target: i64, percent: u32) -> Goal {
        Goal {
            source: "github_sponsors",
            login: "ada".to_owned(),
            title: "<b>Full-time</b>".to_owned(),
            progress: GoalProgress { kind, target, current: target * percent as i64 / 100, percent: Some(percent) },
        }
    }

    #[test]
    fn goal_texts_state_the_currency_or_the_count() {
        assert_eq!(goal(GoalKind::MonthlyAmount(Currency::USD), 500_000, 64).text(), "64% of 5,000.00 USD a month");
        assert_eq!(goal(GoalKind::SponsorCount, 20, 60).text(), "12 of 20 sponsors (60%)");
    }

    #[test]
    fn the_widget_escapes_titles_and_caps_the_bar() {
        let svg = goal_svg("a/b", Some(&goal(GoalKind::SponsorCount, 10, 250)));
        assert!(svg.contains("&lt;b&gt;Full-time&lt;/b&gt;"), "{svg}");
        assert!(!svg.contains("<b>"));
        assert!(svg.contains(r##"width="296.0" height="10" rx="5" fill="#bf3989""##), "{svg}");
        assert!(goal_svg("a/b", None).contains("no funding goal"));
    }

    #[test]
    fn the_sponsors_badge_reads_the_count() {
        assert!(sponsors_badge(Some(42)).contains("sponsors: 42"));
        assert!(sponsors_badge(None).contains("no listing"));
    }
}
