//! The query strings of the newcomer pages, validated: the finder's filters and sorts
//! ([`FinderQuery`] → [`Filters`]) and the project page's window ([`ProjectQuery`] → [`ProjectScope`]).
//!
//! Anything unknown (a parameter, a repository, a label, a language) or malformed is a 400 that
//! says what is wrong and what would be accepted; never a 500 and never silently ignored, because
//! scripts build these URLs and a typo should not look like "no issues". Which repositories,
//! languages and labels exist is the caller's to say ([`Known`]); this module does no IO.

use serde::{Deserialize, Serialize};

use crate::metrics::newcomers::NewcomerLabels;
use crate::web::parts::WINDOWS;
use crate::web::scope::{DashboardQuery, Scope};
use crate::web::{error::WebError, format::day};

/// The longest `freshness` accepted, in days (ten years: anything longer means "no limit").
const MAX_FRESHNESS_DAYS: i64 = 3650;

/// `/newcomers`, `/api/v1/newcomers` and the feeds.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinderQuery {
    pub language: Option<String>,
    pub repo: Option<String>,
    pub label: Option<String>,
    pub freshness: Option<String>,
    pub mentored: Option<String>,
    pub claimed: Option<String>,
    pub sort: Option<String>,
    pub format: Option<String>,
    /// 1-based page of [`PER_PAGE`] issues.
    pub page: Option<String>,
}

/// Issues per page of the finder, its JSON and its feeds.
pub const PER_PAGE: usize = 50;
/// The highest page number accepted (500,000 issues).
const MAX_PAGE: usize = 10_000;

/// How the finder orders issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Newest issue first.
    Newest,
    /// Projects that answer first-timers' pull requests fastest first, then newest.
    Responsive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Json,
}

/// Validated finder filters; names are canonical (a repository's own spelling, a label's
/// configured name), so comparing them is plain equality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filters {
    pub language: Option<String>,
    pub repo: Option<String>,
    pub label: Option<String>,
    /// Most days since the issue's last activity.
    pub freshness_days: Option<i64>,
    pub mentored: bool,
    pub show_claimed: bool,
    pub sort: Sort,
    #[serde(skip)]
    pub format: Format,
    /// 1-based page of [`PER_PAGE`] issues.
    #[serde(skip)]
    pub page: usize,
}

impl Filters {
    /// The issues of this page among `all` (empty past the last page).
    pub fn page_of<'a, T>(&self, all: &'a [T]) -> &'a [T] {
        let start = (self.page - 1).saturating_mul(PER_PAGE).min(all.len());
        &all[start..(start + PER_PAGE).min(all.len())]
    }
}

/// How many pages `total` issues fill (at least one, possibly empty).
pub fn pages(total: usize) -> usize {
    total.div_ceil(PER_PAGE).max(1)
}

/// What exists, to check filter values against.
pub struct Known<'a> {
    /// Tracked repositories, `owner/name`.
    pub repos: &'a [String],
    /// Languages of tracked repositories.
    pub languages: &'a [String],
    pub labels: &'a NewcomerLabels,
}

impl FinderQuery {
    /// Parses a raw query string (so the API can answer a bad one in JSON).
    pub fn parse(query: &str) -> Result<Self, WebError> {
        crate::web::query::parse(query)
    }

    pub fn filters(&self, known: &Known<'_>) -> Result<Filters, WebError> {
        Ok(Filters {
            language: one_of(self.language.as_deref(), known.languages, "language")?,
            repo: one_of(self.repo.as_deref(), known.repos, "repo")?,
            label: self.label(known.labels)?,
            freshness_days: self.freshness()?,
            mentored: flag(self.mentored.as_deref(), "mentored", ("true", "false"))?,
            show_claimed: flag(self.claimed.as_deref(), "claimed", ("show", "hide"))?,
            sort: match self.sort.as_deref() {
                None | Some("newest") => Sort::Newest,
                Some("responsive") => Sort::Responsive,
                Some(other) => return Err(bad(format!("sort must be newest or responsive, not {other:?}"))),
            },
            format: match self.format.as_deref() {
                None | Some("html") => Format::Html,
                Some("json") => Format::Json,
                Some(other) => return Err(bad(format!("format must be html or json, not {other:?}"))),
            },
            page: match self.page.as_deref() {
                None => 1,
                Some(text) => match text.parse::<usize>() {
                    Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
                    _ => return Err(bad(format!("page must be a whole number from 1 to {MAX_PAGE}, not {text:?}"))),
                },
            },
        })
    }

    /// Filters for a feed: the finder's, but a feed lists unclaimed issues, newest first, as Atom.
    pub fn feed_filters(&self, known: &Known<'_>) -> Result<Filters, WebError> {
        let filters = self.filters(known)?;
        if filters.show_claimed {
            return Err(bad("a feed lists unclaimed issues only; drop claimed=show".into()));
        }
        if filters.sort != Sort::Newest || self.format.is_some() {
            return Err(bad("a feed is always Atom, newest first; drop sort and format".into()));
        }
        Ok(filters)
    }

    fn label(&self, labels: &NewcomerLabels) -> Result<Option<String>, WebError> {
        let Some(label) = self.label.as_deref() else { return Ok(None) };
        match labels.matches(label) {
            Some(name) => Ok(Some(name.to_owned())),
            None => {
                let names: Vec<&str> = labels.names().collect();
                Err(bad(format!("{label:?} is not a newcomer label; choose one of {}", names.join(", "))))
            }
        }
    }

    fn freshness(&self) -> Result<Option<i64>, WebError> {
        let Some(text) = self.freshness.as_deref() else { return Ok(None) };
        match text.parse::<i64>() {
            Ok(days) if (1..=MAX_FRESHNESS_DAYS).contains(&days) => Ok(Some(days)),
            _ => Err(bad(format!(
                "freshness must be a whole number of days from 1 to {MAX_FRESHNESS_DAYS}, not {text:?}"
            ))),
        }
    }
}

impl Filters {
    /// The query string that reproduces these filters (for links that keep them), without
    /// `claimed`, `sort` and `format`, which each link sets itself.
    pub fn query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let mut push = |key, value: &Option<String>| {
            if let Some(v) = value {
                pairs.push((key, v.clone()));
            }
        };
        push("language", &self.language);
        push("repo", &self.repo);
        push("label", &self.label);
        push("freshness", &self.freshness_days.map(|d| d.to_string()));
        if self.mentored {
            pairs.push(("mentored", "true".to_owned()));
        }
        url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
    }

    /// Whether any narrowing filter is set.
    pub fn narrowed(&self) -> bool {
        self.language.is_some()
            || self.repo.is_some()
            || self.label.is_some()
            || self.freshness_days.is_some()
            || self.mentored
    }
}

/// The value among `known` equal to `value` ignoring ASCII case, in its stored spelling.
fn one_of(value: Option<&str>, known: &[String], name: &str) -> Result<Option<String>, WebError> {
    let Some(value) = value else { return Ok(None) };
    match known.iter().find(|k| k.eq_ignore_ascii_case(value.trim())) {
        Some(k) => Ok(Some(k.clone())),
        None if known.is_empty() => Err(bad(format!("unknown {name} {value:?}: no repository is tracked yet"))),
        None => Err(bad(format!("unknown {name} {value:?}; known: {}", known.join(", ")))),
    }
}

/// A two-valued parameter: `on` → true, `off` or absent → false.
fn flag(value: Option<&str>, name: &str, (on, off): (&str, &str)) -> Result<bool, WebError> {
    match value {
        None => Ok(false),
        Some(v) if v == on => Ok(true),
        Some(v) if v == off => Ok(false),
        Some(v) => Err(bad(format!("{name} must be {on} or {off}, not {v:?}"))),
    }
}

/// `/newcomers/{owner}/{name}`: the window and the format.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectQuery {
    pub window: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub format: Option<String>,
}

/// A validated project request.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectScope {
    pub scope: Scope,
    pub format: Format,
}

impl ProjectScope {
    /// `window=365` or `from=…&to=…`, for links that keep the window.
    pub fn query(&self) -> String {
        match self.scope.preset {
            Some(days) => format!("window={days}"),
            None => {
                let (from, to) = (day(self.scope.from), day(self.scope.to - 86_400));
                format!("from={from}&to={to}")
            }
        }
    }
}

impl ProjectQuery {
    pub fn parse(query: &str) -> Result<Self, WebError> {
        crate::web::query::parse(query)
    }

    /// The window as the maintainer pages validate it (`window=30|90|365`, or `from`/`to`
    /// dates), defaulting to the last 365 days: newcomer cohorts need a year to say anything.
    pub fn scope(&self, now: i64) -> Result<ProjectScope, WebError> {
        let explicit = self.from.is_some() || self.to.is_some();
        let window = self.window.clone().or_else(|| (!explicit).then(|| WINDOWS[2].to_string()));
        let dashboard = DashboardQuery { window, from: self.from.clone(), to: self.to.clone(), ..Default::default() };
        let format = match self.format.as_deref() {
            None | Some("html") => Format::Html,
            Some("json") => Format::Json,
            Some(other) => return Err(bad(format!("format must be html or json, not {other:?}"))),
        };
        Ok(ProjectScope { scope: dashboard.scope(now, &[])?, format })
    }
}

fn bad(message: String) -> WebError {
    WebError::BadRequest(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known_lists() -> (Vec<String>, Vec<String>, NewcomerLabels) {
        (vec!["acme/widget".into(), "acme/gadget".into()], vec!["Rust".into()], NewcomerLabels::default())
    }

    fn parse(q: &str) -> Result<Filters, WebError> {
        let (repos, languages, labels) = known_lists();
        FinderQuery::parse(q)?.filters(&Known { repos: &repos, languages: &languages, labels: &labels })
    }

    fn message(q: &str) -> String {
        match parse(q) {
            Err(WebError::BadRequest(m)) => m,
            other => panic!("expected a 400 for {q:?}, got {other:?}"),
        }
    }

    #[test]
    fn filter_values_come_back_in_their_canonical_spelling() {
        let f = parse("language=rust&repo=ACME/Widget&label=Good-First-Issue&freshness=30&mentored=true").unwrap();
        assert_eq!(f.language.as_deref(), Some("Rust"));
        assert_eq!(f.repo.as_deref(), Some("acme/widget"));
        assert_eq!(f.label.as_deref(), Some("good first issue"));
        assert_eq!((f.freshness_days, f.mentored, f.show_claimed, f.sort), (Some(30), true, false, Sort::Newest));
        assert_eq!(f.query(), "language=Rust&repo=acme%2Fwidget&label=good+first+issue&freshness=30&mentored=true");
    }

    #[test]
    fn unknown_parameters_and_values_say_what_is_wrong() {
        assert!(message("colour=red").contains("unknown field"));
        assert!(message("repo=acme/nope").contains("known: acme/widget"));
        assert!(message("language=COBOL").contains("unknown language"));
        assert!(message("label=bug").contains("not a newcomer label"));
        for freshness in ["0", "-3", "abc", "2.5", "99999"] {
            assert!(message(&format!("freshness={freshness}")).contains("whole number of days"), "{freshness}");
        }
        assert!(message("sort=oldest").contains("newest or responsive"));
        assert!(message("mentored=yes").contains("true or false"));
        assert!(message("claimed=all").contains("show or hide"));
        assert!(message("format=csv").contains("html or json"));
    }

    #[test]
    fn a_feed_refuses_claimed_issues_and_other_orders() {
        let (repos, languages, labels) = known_lists();
        let known = Known { repos: &repos, languages: &languages, labels: &labels };
        assert!(FinderQuery::parse("claimed=show").unwrap().feed_filters(&known).is_err());
        assert!(FinderQuery::parse("sort=responsive").unwrap().feed_filters(&known).is_err());
        assert!(FinderQuery::parse("label=easy").unwrap().feed_filters(&known).is_ok());
    }

    #[test]
    fn the_project_window_defaults_to_a_year_and_accepts_dates() {
        const NOW: i64 = 1_795_000_000;
        let s = ProjectQuery::default().scope(NOW).unwrap();
        assert_eq!((s.scope.days(), s.query()), (365, "window=365".to_owned()));
        let q = ProjectQuery { from: Some("2026-01-01".into()), to: Some("2026-03-31".into()), ..Default::default() };
        assert_eq!(q.scope(NOW).unwrap().query(), "from=2026-01-01&to=2026-03-31");
        let bad_window = ProjectQuery { window: Some("7".into()), ..Default::default() };
        assert!(matches!(bad_window.scope(NOW), Err(WebError::BadRequest(_))));
    }
}
