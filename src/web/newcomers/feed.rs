//! Feeds and embeds of the finder: `/newcomers.atom` and `/newcomers/{owner}/{name}.atom`
//! (Atom 1.0, the newest unclaimed newcomer issues) and `/newcomers/{owner}/{name}/widget.svg`
//! (a badge: "good first issues | 5 open · replies in 6 h").
//!
//! The XML is written by `atom_syndication`, which escapes every value; text is also stripped of
//! the control characters XML 1.0 forbids, which escaping cannot express. Entry ids are the
//! issue's GitHub URL, or a `tag:` URI when the stored URL is not http(s). Links are built from
//! the configured public URL (`AppState::base_url`), never from the request's Host header.

use actix_web::{
    HttpRequest, HttpResponse,
    web::{Data, Path},
};
use atom_syndication::{Category, Entry, Feed, FixedDateTime, Generator, Link, Person, Text};
use chrono::DateTime;

use super::finder::{Listing, NewcomerIssue};
use super::pages::{listing, shared_finder};
use super::params::{self, Filters, FinderQuery};
use super::views;
use crate::web::state::AppState;
use crate::web::{
    badges::{self, BadgeColor},
    error::WebError,
    format,
};

/// The media type of a feed, for its links to itself.
const ATOM: &str = "application/atom+xml";

/// Which feed it is: its `tag:` id, its title and the page it mirrors.
struct Names {
    id: String,
    title: String,
    alternate: String,
}

/// What a feed says about itself; its entries come from the finder.
struct Head {
    names: Names,
    /// The newest entry's update, or now when there is none.
    updated: i64,
    self_href: String,
    /// The next page (RFC 5005), when there is one.
    next_href: Option<String>,
}

/// `/newcomers.atom`: the finder's filters apply; claimed issues never appear.
pub async fn atom(state: Data<AppState>, req: HttpRequest) -> Result<HttpResponse, WebError> {
    let query = FinderQuery::parse(req.query_string())?;
    let (shared, filters) = shared_finder(&state, &query, FinderQuery::feed_filters).await?;
    let issues = listing(&state, &shared, &filters).await?;
    let alternate = format!("{}/newcomers", state.base_url);
    let names = Names { id: "tag:upkeep,2026:newcomers".to_owned(), title: "Newcomer issues".to_owned(), alternate };
    feed(&issues, &filters, names, &state.base_url, &req)
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
    let issues = listing(&state, &shared, &filters).await?;
    let names = Names {
        id: format!("tag:upkeep,2026:newcomers:{}", repo.full_name),
        title: format!("Newcomer issues of {}", repo.full_name),
        alternate: format!("{}/newcomers/{}", state.base_url, repo.full_name),
    };
    feed(&issues, &filters, names, &state.base_url, &req)
}

/// Answers one page of a feed: its entries, and the head that names and links it.
fn feed(
    listing: &Listing,
    filters: &Filters,
    names: Names,
    base_url: &str,
    req: &HttpRequest,
) -> Result<HttpResponse, WebError> {
    let shown = &listing.issues;
    let entries: Vec<Entry> = shown.iter().map(entry).collect();
    // RFC 5005 paging: the next page keeps the filters.
    let next_href = (filters.page < params::pages(listing.total)).then(|| {
        let path = req.path();
        let query = [filters.query(), format!("page={}", filters.page + 1)];
        let query: Vec<&str> = query.iter().map(String::as_str).filter(|q| !q.is_empty()).collect();
        format!("{base_url}{path}?{}", query.join("&"))
    });
    let head = Head {
        names,
        updated: shown.iter().map(|i| i.updated_at).max().unwrap_or(listing.now),
        self_href: format!("{base_url}{}", req.uri()),
        next_href,
    };
    let body = write(&document(head, entries))?;
    Ok(HttpResponse::Ok().content_type("application/atom+xml; charset=utf-8").body(body))
}

/// The feed: its head, then the entries in the finder's order.
fn document(head: Head, entries: Vec<Entry>) -> Feed {
    let link = |rel: &str, mime: &str, href: &str| Link {
        href: xml_text(href),
        rel: rel.to_owned(),
        mime_type: Some(mime.to_owned()),
        ..Default::default()
    };
    let mut links = vec![link("self", ATOM, &head.self_href), link("alternate", "text/html", &head.names.alternate)];
    links.extend(head.next_href.as_deref().map(|next| link("next", ATOM, next)));
    Feed {
        id: xml_text(&head.names.id),
        title: Text::plain(xml_text(&head.names.title)),
        updated: utc(head.updated),
        authors: vec![Person { name: "Upkeep".to_owned(), ..Default::default() }],
        generator: Some(Generator { value: "Upkeep".to_owned(), ..Default::default() }),
        links,
        entries,
        ..Default::default()
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
    let summary = format!("{}: {}{}{}", i.repo, i.labels.join(", "), mentor.unwrap_or_default(), notes.concat());
    Entry {
        id: xml_text(&url.clone().unwrap_or_else(|| format!("tag:upkeep,2026:issue:{}", i.id))),
        title: Text::plain(xml_text(&format!("{}#{}: {}", i.repo, i.number, i.title))),
        links: url
            .iter()
            .map(|url| Link {
                href: xml_text(url),
                rel: "alternate".to_owned(),
                mime_type: Some("text/html".to_owned()),
                ..Default::default()
            })
            .collect(),
        published: Some(utc(i.created_at)),
        updated: utc(i.updated_at.max(i.created_at)),
        categories: i.labels.iter().map(|l| Category { term: xml_text(l), ..Default::default() }).collect(),
        summary: Some(Text::plain(xml_text(&summary))),
        ..Default::default()
    }
}

/// The feed as XML text. The crate writes UTC as `+00:00`; the feed has always said `Z`, and a
/// reader that compares `updated` as text would otherwise see every entry change once. The
/// closing tags are only ever markup (a `<` in text is written `&lt;`), so the rewrite cannot
/// touch an issue's title or labels.
fn write(feed: &Feed) -> Result<String, WebError> {
    let internal = |e: anyhow::Error| WebError::Internal(e.context("writing an Atom feed"));
    let bytes = feed.write_to(Vec::new()).map_err(|e| internal(e.into()))?;
    let xml = String::from_utf8(bytes).map_err(|e| internal(e.into()))?;
    Ok(xml.replace("+00:00</updated>", "Z</updated>").replace("+00:00</published>", "Z</published>"))
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
    let open = listing(&state, &shared, &filters).await?.total;
    let median = shared.projects.get(&repo.id).and_then(|p| p.first_timer_pr_response.median);
    let color = if open == 0 { BadgeColor::Grey } else { BadgeColor::Green };
    Ok(badges::svg_response(
        HttpResponse::Ok(),
        badges::badge("good first issues", &views::widget_message(open, median), color),
    ))
}

/// A stored timestamp as the crate's date type, in UTC.
fn utc(ts: i64) -> FixedDateTime {
    DateTime::from_timestamp(ts, 0).unwrap_or_default().fixed_offset()
}

/// Text without the characters XML 1.0 cannot carry at all (C0 controls other than tab and line
/// ends, U+FFFE, U+FFFF); the crate escapes the rest.
pub fn xml_text(s: &str) -> String {
    s.chars().filter(|&c| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')).collect()
}

#[cfg(test)]
mod tests;
