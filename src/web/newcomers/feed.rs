//! Feeds and embeds of the finder: `/newcomers.atom` and `/newcomers/{owner}/{name}.atom`
//! (Atom 1.0, the newest unclaimed newcomer issues) and `/newcomers/{owner}/{name}/widget.svg`
//! (a badge: "good first issues | 5 open · replies in 6 h").
//!
//! The XML is an askama template (`.xml`, so every value is escaped); text is also stripped of
//! the control characters XML 1.0 forbids, which escaping cannot express. Entry ids are the
//! issue's GitHub URL, or a `tag:` URI when the stored URL is not http(s).

use actix_web::{
    HttpRequest, HttpResponse,
    web::{Data, Path},
};
use askama::Template;
use chrono::{DateTime, SecondsFormat};

use super::finder::{self, Finder, NewcomerIssue};
use super::pages::shared_finder;
use super::params::{self, Filters, FinderQuery};
use super::views;
use crate::web::state::AppState;
use crate::web::{
    WebError,
    badges::{self, BadgeColor},
    format,
};

#[derive(Template)]
#[template(path = "newcomers/feed.xml")]
pub struct FeedTemplate {
    pub id: String,
    pub title: String,
    pub updated: String,
    pub self_href: String,
    pub alternate_href: String,
    /// The next page, when there is one.
    pub next_href: Option<String>,
    pub entries: Vec<Entry>,
}

pub struct Entry {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
    pub published: String,
    pub updated: String,
    pub labels: Vec<String>,
    pub summary: String,
}

/// `/newcomers.atom`: the finder's filters apply; claimed issues never appear.
pub async fn atom(state: Data<AppState>, req: HttpRequest) -> Result<HttpResponse, WebError> {
    let query = FinderQuery::parse(req.query_string())?;
    let (shared, filters) = shared_finder(&state, &query, FinderQuery::feed_filters).await?;
    let issues = finder::select(&shared.finder, &filters);
    let alternate = format!("{}/newcomers", state.base_url);
    let id = "tag:upkeep,2026:newcomers".to_owned();
    Ok(feed(&shared.finder, &filters, &issues, "Newcomer issues", id, &state.base_url, &req, alternate))
}

/// `/newcomers/{owner}/{name}.atom`: one project's unclaimed newcomer issues.
pub async fn repo_atom(
    state: Data<AppState>,
    path: Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let (owner, name) = path.into_inner();
    let repo = crate::web::tracked::find(&state.db.pool, &owner, &name).await?;
    let mut query = FinderQuery::parse(req.query_string())?;
    query.repo = Some(repo.full_name.clone());
    let (shared, filters) = shared_finder(&state, &query, FinderQuery::feed_filters).await?;
    let issues = finder::select(&shared.finder, &filters);
    let title = format!("Newcomer issues of {}", repo.full_name);
    let alternate = format!("{}/newcomers/{}", state.base_url, repo.full_name);
    let id = format!("tag:upkeep,2026:newcomers:{}", repo.full_name);
    Ok(feed(&shared.finder, &filters, &issues, &title, id, &state.base_url, &req, alternate))
}

#[allow(clippy::too_many_arguments)]
fn feed(
    finder: &Finder,
    filters: &Filters,
    issues: &[&NewcomerIssue],
    title: &str,
    id: String,
    base_url: &str,
    req: &HttpRequest,
    alternate: String,
) -> HttpResponse {
    let shown = filters.page_of(issues);
    let entries: Vec<Entry> = shown.iter().map(|i| entry(i)).collect();
    let newest = shown.iter().map(|i| i.updated_at).max().unwrap_or(finder.now);
    // RFC 5005 paging: the next page keeps the filters.
    let next_href = (filters.page < params::pages(issues.len())).then(|| {
        let path = req.path();
        let query = [filters.query(), format!("page={}", filters.page + 1)];
        let query: Vec<&str> = query.iter().map(String::as_str).filter(|q| !q.is_empty()).collect();
        xml_text(&format!("{base_url}{path}?{}", query.join("&")))
    });
    let page = FeedTemplate {
        id: xml_text(&id),
        title: xml_text(title),
        updated: rfc3339(newest),
        self_href: xml_text(&format!("{base_url}{}", req.uri())),
        alternate_href: xml_text(&alternate),
        next_href,
        entries,
    };
    match page.render() {
        Ok(body) => HttpResponse::Ok().content_type("application/atom+xml; charset=utf-8").body(body),
        Err(e) => actix_web::ResponseError::error_response(&WebError::from(e)),
    }
}

fn entry(i: &NewcomerIssue) -> Entry {
    let url = format::safe_link(&format!("{}/issues/{}", i.repo_html_url.trim_end_matches('/'), i.number));
    let mentor =
        i.mentor.as_ref().map(|m| format!(" · mentor @{} ({})", m.mentor.login, views::mentor_source(m.mentor.source)));
    let notes: Vec<String> = i
        .abandoned_claims
        .iter()
        .map(|s| format!(" · @{} claimed it {} days ago, nothing since", s.login, s.age_days))
        .collect();
    Entry {
        id: xml_text(&url.clone().unwrap_or_else(|| format!("tag:upkeep,2026:issue:{}", i.id))),
        title: xml_text(&format!("{}#{}: {}", i.repo, i.number, i.title)),
        url: url.as_deref().map(xml_text),
        published: rfc3339(i.created_at),
        updated: rfc3339(i.updated_at.max(i.created_at)),
        labels: i.labels.iter().map(|l| xml_text(l)).collect(),
        summary: xml_text(&format!(
            "{}: {}{}{}",
            i.repo,
            i.labels.join(", "),
            mentor.unwrap_or_default(),
            notes.concat()
        )),
    }
}

/// `/newcomers/{owner}/{name}/widget.svg`.
pub async fn widget(state: Data<AppState>, path: Path<(String, String)>) -> Result<HttpResponse, WebError> {
    let (owner, name) = path.into_inner();
    let repo = match crate::web::tracked::find(&state.db.pool, &owner, &name).await {
        Ok(repo) => repo,
        Err(WebError::NotFound(_)) => {
            let body = badges::badge("good first issues", "repo not tracked", BadgeColor::Grey);
            return Ok(badges::svg_response(HttpResponse::NotFound(), body));
        }
        Err(e) => return Err(e),
    };
    let query = FinderQuery { repo: Some(repo.full_name.clone()), ..Default::default() };
    let (shared, filters) = shared_finder(&state, &query, FinderQuery::filters).await?;
    let finder = &shared.finder;
    let open = finder::select(finder, &filters).len();
    let median = finder.projects.get(&repo.id).and_then(|p| p.first_timer_pr_response.median);
    let color = if open == 0 { BadgeColor::Grey } else { BadgeColor::Green };
    Ok(badges::svg_response(
        HttpResponse::Ok(),
        badges::badge("good first issues", &views::widget_message(open, median), color),
    ))
}

fn rfc3339(ts: i64) -> String {
    DateTime::from_timestamp(ts, 0).unwrap_or_default().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Text without the characters XML 1.0 cannot carry at all (C0 controls other than tab and line
/// ends, U+FFFE, U+FFFF); askama escapes the rest.
pub fn xml_text(s: &str) -> String {
    s.chars().filter(|&c| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_drops_what_xml_cannot_carry() {
        assert_eq!(xml_text("a\u{0}b\u{1b}c\td\u{FFFF}"), "abc\td");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
