//! CSV and JSON exports of the maintainer pages. Every table a page shows can be downloaded
//! with `?format=csv&table=NAME`; `?format=json` (or `/api/v1/...`) returns the whole dashboard.
//! Quoting and the formula guard are [`crate::web::csv`]'s.

use actix_web::HttpResponse;

use super::dashboard::Dashboard;
use super::views;
use crate::web::{csv::Csv, error::WebError};

/// The tables of a repository or org page, in page order.
pub const TABLES: [&str; 6] = ["unanswered", "responses", "load", "backlog", "contributors", "inactive"];

/// One table of a dashboard as CSV.
pub fn table(d: &Dashboard, name: &str, slug: &str, now: i64) -> Result<HttpResponse, WebError> {
    let mut csv = Csv::default();
    match name {
        "unanswered" => {
            csv.row(["repo", "number", "kind", "title", "author", "age_seconds", "url"]);
            for u in views::unanswered(d, now, None, true) {
                let url = u.url.clone().unwrap_or_default();
                csv.row([u.repo, u.number.to_string(), u.kind.into(), u.title, u.author, u.age_secs.to_string(), url]);
            }
        }
        "responses" => {
            csv.row(["kind", "split", "median", "p90", "answered", "unanswered"]);
            for r in views::response_rows(d) {
                csv.row([
                    r.kind.into(),
                    r.split.into(),
                    r.median,
                    r.p90,
                    r.answered.to_string(),
                    r.unanswered.to_string(),
                ]);
            }
        }
        "load" => {
            csv.row(["login", "responses", "reviews", "merges", "triage", "share_of_responses"]);
            for r in views::load_rows(d) {
                let cells = [r.login, r.responses.to_string(), r.reviews.to_string(), r.merges.to_string()];
                csv.row(cells.into_iter().chain([r.triage.to_string(), r.share]));
            }
        }
        "backlog" => {
            csv.row(["week", "opened_issues", "closed_issues", "opened_prs", "closed_prs", "open_issues", "open_prs"]);
            for w in &d.backlog.weeks {
                let day = crate::web::format::datetime(Some(w.week));
                let n = [w.opened_issues, w.closed_issues, w.opened_prs, w.closed_prs, w.open_issues, w.open_prs];
                csv.row(std::iter::once(day).chain(n.iter().map(u64::to_string)));
            }
        }
        "contributors" => {
            csv.row(["contribution", "absence_factor", "login", "contributions", "share"]);
            let a = &d.absence;
            for f in [&a.commits, &a.merged_prs, &a.reviews, &a.issue_comments] {
                for t in &f.top {
                    let factor = f.factor.map(|v| v.to_string()).unwrap_or_default();
                    let share = format!("{:.4}", t.share);
                    csv.row([f.contribution.to_owned(), factor, t.login.clone(), t.contributions.to_string(), share]);
                }
            }
        }
        "inactive" => {
            csv.row(["status", "login", "last_contribution"]);
            let i = &d.inactive;
            for (status, list) in [("active", &i.active), ("drifting", &i.drifting), ("away", &i.away)] {
                for p in list {
                    csv.row([
                        status.to_owned(),
                        p.login.clone(),
                        crate::web::format::datetime(Some(p.last_contribution_at)),
                    ]);
                }
            }
        }
        other => {
            let all: Vec<&str> = TABLES.iter().chain(&super::people::TABLES).copied().collect();
            return Err(WebError::BadRequest(format!("unknown table {other:?}; choose one of {}", all.join(", "))));
        }
    }
    csv.response(&format!("{slug}-{name}.csv"))
}
