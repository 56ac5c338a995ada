//! Query parameters of the listing endpoints, parsed and validated the way GitHub does.
//!
//! Unknown parameters are ignored; a known parameter with a bad value is a `422 Validation
//! Failed` naming the field; `per_page` above 100 is clamped to 100. Each function reads one
//! parameter so handlers state exactly which ones they honour.

use super::answer::Answer;
use super::paging::{Direction, PageReq};
use super::util::{Ts, parse_time};
use super::views::StateFilter;

/// A decoded query string, in request order (kept for rebuilding `Link` URLs).
#[derive(Debug, Clone, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn parse(query: &str) -> Query {
        Query { pairs: url::form_urlencoded::parse(query.as_bytes()).into_owned().collect() }
    }

    /// The last value of `key`, as GitHub takes it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

/// `state`: open (default), closed or all.
pub fn state(q: &Query, resource: &str) -> Result<StateFilter, Answer> {
    match q.get("state").unwrap_or("open") {
        "open" => Ok(StateFilter::Open),
        "closed" => Ok(StateFilter::Closed),
        "all" => Ok(StateFilter::All),
        _ => Err(Answer::invalid(resource, "state")),
    }
}

/// `sort`: one of `allowed`; the first is the default.
pub fn sort<'a>(q: &Query, resource: &str, allowed: &[&'a str]) -> Result<&'a str, Answer> {
    match q.get("sort") {
        None => Ok(allowed[0]),
        Some(s) => allowed.iter().find(|a| **a == s).copied().ok_or_else(|| Answer::invalid(resource, "sort")),
    }
}

/// `direction`: asc or desc.
pub fn direction(q: &Query, resource: &str, default: Direction) -> Result<Direction, Answer> {
    match q.get("direction") {
        None => Ok(default),
        Some("asc") => Ok(Direction::Asc),
        Some("desc") => Ok(Direction::Desc),
        Some(_) => Err(Answer::invalid(resource, "direction")),
    }
}

/// `since`: an ISO 8601 time; items with `updated_at >= since` are kept.
pub fn since(q: &Query, resource: &str) -> Result<Option<Ts>, Answer> {
    match q.get("since") {
        None | Some("") => Ok(None),
        Some(text) => parse_time(text).map(Some).ok_or_else(|| Answer::invalid(resource, "since")),
    }
}

/// `labels`: comma-separated names, all required (resolved per repository by `labels.rs`).
pub fn labels(q: &Query) -> Option<&str> {
    q.get("labels").filter(|t| !t.trim().is_empty())
}

/// `page` (1-based, default 1) and `per_page` (default 30, at most 100).
pub fn page(q: &Query, resource: &str) -> Result<PageReq, Answer> {
    let number = |key: &str, default: usize| match q.get(key) {
        None | Some("") => Ok(default),
        Some(text) => text.trim().parse::<usize>().map_err(|_| Answer::invalid(resource, key)),
    };
    let per_page = number("per_page", 30)?;
    let page = number("page", 1)?;
    Ok(PageReq { page: page.max(1), per_page: if per_page == 0 { 30 } else { per_page.min(100) } })
}
