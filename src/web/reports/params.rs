//! The impact report's query string, validated: `from` and `to` (inclusive dates, both optional)
//! and `format=html|csv|json|md`. Anything else, or a malformed value, is a 400 that says what is
//! wrong; scripts build these URLs and a typo must not look like a report of nothing.
//!
//! Without dates the period is the latest grant's covering the repository, else the last twelve
//! months ([`crate::funding::report::default_period`]). With only `from` the period runs to today;
//! with only `to` it is the twelve months ending that day. An empty value (`?from=&to=`, what an
//! empty date field submits) counts as absent. No IO here.

use chrono::{Months, NaiveDate};
use serde::Deserialize;

use crate::funding::{Grant, default_period};
use crate::metrics::{DAY, Window};
use crate::web::error::WebError;

/// The longest period accepted.
const MAX_DAYS: i64 = 20 * 365;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub format: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Csv,
    Json,
    Markdown,
}

impl Format {
    /// The `format=` value and file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Markdown => "md",
        }
    }
}

/// Why the report covers the period it covers.
#[derive(Debug, Clone, PartialEq)]
pub enum Basis {
    /// The latest grant covering the repository.
    Grant(Grant),
    /// No grant: the twelve months up to today.
    LastTwelveMonths,
    /// The `from`/`to` of the request.
    Requested,
}

impl Basis {
    /// The JSON and CSV spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Basis::Grant(_) => "grant",
            Basis::LastTwelveMonths => "last_12_months",
            Basis::Requested => "requested",
        }
    }
}

/// A validated report request.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportScope {
    pub period: Window,
    pub basis: Basis,
    pub format: Format,
}

impl ReportQuery {
    /// Validates the parameters; `grants` are the configured grants covering the repository.
    pub fn scope(&self, grants: &[Grant], now: i64) -> Result<ReportScope, WebError> {
        let format = match self.format.as_deref().filter(|f| !f.is_empty()) {
            None | Some("html") => Format::Html,
            Some("csv") => Format::Csv,
            Some("json") => Format::Json,
            Some("md") => Format::Markdown,
            Some(other) => return Err(bad(format!("format must be html, csv, json or md, not {other:?}"))),
        };
        let present = |v: &Option<String>| v.as_deref().filter(|s| !s.trim().is_empty()).map(str::to_owned);
        let (from, to) = (present(&self.from), present(&self.to));
        let (period, basis) = match (from, to) {
            (None, None) => {
                let latest = grants.iter().max_by_key(|g| (g.start, g.end)).cloned();
                let basis = latest.map_or(Basis::LastTwelveMonths, Basis::Grant);
                (default_period(grants, now), basis)
            }
            (from, to) => (requested(from.as_deref(), to.as_deref(), now)?, Basis::Requested),
        };
        Ok(ReportScope { period, basis, format })
    }
}

/// `[from 00:00, day after to 00:00)` from the request's dates, filling in a missing one.
fn requested(from: Option<&str>, to: Option<&str>, now: i64) -> Result<Window, WebError> {
    let to_day = match to {
        Some(t) => date(t, "to")?,
        None => chrono::DateTime::from_timestamp(now, 0).map(|t| t.date_naive()).unwrap_or_default(),
    };
    let from_day = match from {
        Some(f) => date(f, "from")?,
        None => (to_day + chrono::Days::new(1)).checked_sub_months(Months::new(12)).unwrap_or(to_day),
    };
    if from_day > to_day {
        return Err(bad(format!("from ({from_day}) must not be after to ({to_day})")));
    }
    let window = Window::new(midnight(from_day), midnight(to_day) + DAY);
    if window.duration() > MAX_DAYS * DAY {
        return Err(bad("the period may be at most 20 years".to_owned()));
    }
    Ok(window)
}

fn date(text: &str, name: &str) -> Result<NaiveDate, WebError> {
    let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| bad(format!("{name} must be a date like 2026-01-31, not {text:?}")))?;
    let (earliest, latest) = (NaiveDate::from_ymd_opt(2000, 1, 1), NaiveDate::from_ymd_opt(2100, 1, 1));
    if earliest.is_some_and(|e| day < e) || latest.is_some_and(|l| day > l) {
        return Err(bad(format!("{name} must be between 2000 and 2100, not {text}")));
    }
    Ok(day)
}

fn midnight(d: NaiveDate) -> i64 {
    d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp()
}

fn bad(message: String) -> WebError {
    WebError::BadRequest(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funding::{Currency, Money};

    /// 2026-11-18 (a Wednesday) 11:06 UTC.
    const NOW: i64 = 1_795_000_000;
    const JAN_2026: i64 = 1_767_225_600;

    fn q(from: Option<&str>, to: Option<&str>, format: Option<&str>) -> ReportQuery {
        ReportQuery { from: from.map(Into::into), to: to.map(Into::into), format: format.map(Into::into) }
    }

    fn message(query: ReportQuery) -> String {
        match query.scope(&[], NOW) {
            Err(WebError::BadRequest(m)) => m,
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn without_dates_the_latest_grant_sets_the_period_else_the_last_twelve_months() {
        let grant = Grant {
            funder: "STF".into(),
            amount: Money::new(100, Currency::USD),
            start: "2026-01-01".parse().unwrap(),
            end: "2026-12-31".parse().unwrap(),
            repos: vec![],
            purpose: String::new(),
            people: vec![],
            plan: Default::default(),
        };
        let s = q(None, None, None).scope(std::slice::from_ref(&grant), NOW).unwrap();
        assert_eq!((s.period, s.basis, s.format), (grant.period(), Basis::Grant(grant), Format::Html));
        let s = q(Some(""), Some(""), Some("md")).scope(&[], NOW).unwrap();
        assert_eq!((s.basis, s.format, s.period.to), (Basis::LastTwelveMonths, Format::Markdown, NOW + 1));
    }

    #[test]
    fn dates_are_inclusive_and_a_missing_one_is_filled_in() {
        let s = q(Some("2026-01-01"), Some("2026-01-31"), Some("csv")).scope(&[], NOW).unwrap();
        assert_eq!((s.period, s.basis), (Window::new(JAN_2026, JAN_2026 + 31 * DAY), Basis::Requested));
        let s = q(None, Some("2026-12-31"), None).scope(&[], NOW).unwrap();
        assert_eq!(s.period, Window::new(JAN_2026, JAN_2026 + 365 * DAY), "the twelve months ending on to");
        let s = q(Some("2026-11-01"), None, None).scope(&[], NOW).unwrap();
        assert_eq!(s.period.to, JAN_2026 + 322 * DAY, "to today, 2026-11-18, inclusive");
        let s = q(Some("2026-03-03"), Some("2026-03-03"), None).scope(&[], NOW).unwrap();
        assert_eq!(s.period.duration(), DAY, "one day");
    }

    #[test]
    fn bad_dates_and_formats_say_what_is_wrong() {
        assert!(message(q(Some("2026-13-01"), None, None)).contains("from must be a date like 2026-01-31"));
        assert!(message(q(None, Some("yesterday"), None)).contains("to must be a date"));
        assert_eq!(
            message(q(Some("2026-02-01"), Some("2026-01-01"), None)),
            "from (2026-02-01) must not be after to (2026-01-01)"
        );
        assert!(message(q(Some("1999-12-31"), None, None)).contains("between 2000 and 2100"));
        assert!(message(q(Some("2000-01-01"), Some("2099-01-01"), None)).contains("at most 20 years"));
        assert_eq!(message(q(None, None, Some("xml"))), "format must be html, csv, json or md, not \"xml\"");
    }
}
