//! The one place for the window and bot parameters that the maintainer dashboards and the
//! newcomer project pages share, validated into a [`Scope`]: the time window
//! (`window=30|90|365` days, or `from`/`to` dates), the bot toggle (`bots=exclude|include`),
//! table sorting (`sort`, `dir`) and `format=html|csv|json`. Anything else, or a malformed value,
//! is a 400 that says what is wrong. (The impact report's periods are its own:
//! `web::reports::params`.)

use chrono::NaiveDate;
use serde::Deserialize;

use crate::web::{error::WebError, format::day, parts::WINDOWS};

const DAY: i64 = 86_400;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DashboardQuery {
    pub window: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub bots: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub format: Option<String>,
    /// Which table a CSV export holds (each page lists its tables).
    pub table: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Csv,
    Json,
}

/// A validated dashboard request.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    /// `[from, to)`, unix seconds.
    pub from: i64,
    pub to: i64,
    /// `Some(days)` for a preset window, `None` for explicit dates.
    pub preset: Option<i64>,
    pub include_bots: bool,
    pub sort: Option<String>,
    pub descending: bool,
    pub format: Format,
}

impl Scope {
    pub fn days(&self) -> i64 {
        (self.to - self.from) / DAY
    }

    /// `2026-08-26 – 2026-11-24 (90 days)`.
    pub fn label(&self) -> String {
        format!("{} – {} ({} days)", day(self.from), day(self.to - 1), self.days())
    }

    /// The query string that reproduces this scope (window and bots), for links that keep it.
    pub fn query(&self) -> String {
        let window = match self.preset {
            Some(days) => format!("window={days}"),
            None => {
                format!("from={}&to={}", day(self.from), day(self.to - DAY))
            }
        };
        let bots = if self.include_bots { "include" } else { "exclude" };
        format!("{window}&bots={bots}")
    }

    /// The same scope with another preset window (for the window switcher).
    pub fn with_window(&self, days: i64) -> String {
        let bots = if self.include_bots { "include" } else { "exclude" };
        format!("window={days}&bots={bots}")
    }

    /// The same scope with the bot toggle flipped.
    pub fn with_bots_flipped(&self) -> String {
        let flipped = Scope { include_bots: !self.include_bots, ..self.clone() };
        flipped.query()
    }
}

impl DashboardQuery {
    /// Validates the parameters against `now`; `sorts` lists the accepted `sort` keys.
    pub fn scope(&self, now: i64, sorts: &[&str]) -> Result<Scope, WebError> {
        let (from, to, preset) = self.window(now)?;
        let include_bots = match self.bots.as_deref() {
            None | Some("exclude") => false,
            Some("include") => true,
            Some(other) => return Err(bad(format!("bots must be include or exclude, not {other:?}"))),
        };
        let sort = match self.sort.as_deref() {
            None => None,
            Some(key) if sorts.contains(&key) => Some(key.to_owned()),
            Some(key) => return Err(bad(format!("cannot sort by {key:?}; choose one of {}", sorts.join(", ")))),
        };
        let descending = match self.dir.as_deref() {
            None | Some("desc") => true,
            Some("asc") => false,
            Some(other) => return Err(bad(format!("dir must be asc or desc, not {other:?}"))),
        };
        let format = match self.format.as_deref() {
            None | Some("html") => Format::Html,
            Some("csv") => Format::Csv,
            Some("json") => Format::Json,
            Some(other) => return Err(bad(format!("format must be html, csv or json, not {other:?}"))),
        };
        Ok(Scope { from, to, preset, include_bots, sort, descending, format })
    }

    fn window(&self, now: i64) -> Result<(i64, i64, Option<i64>), WebError> {
        let today_end = (now / DAY + 1) * DAY;
        match (&self.window, &self.from, &self.to) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(bad("give either window or from/to, not both".into())),
            (Some(w), None, None) => {
                let days: i64 = w
                    .trim_end_matches('d')
                    .parse()
                    .map_err(|_| bad(format!("window must be a number of days, not {w:?}")))?;
                if !WINDOWS.contains(&days) {
                    return Err(bad(format!("window must be 30, 90 or 365 days (or use from/to dates), not {days}")));
                }
                Ok((today_end - days * DAY, today_end, Some(days)))
            }
            (None, None, None) => Ok((today_end - 90 * DAY, today_end, Some(90))),
            (None, from, to) => {
                let to = match to {
                    Some(t) => date(t, "to")? + DAY,
                    None => today_end,
                };
                let from = match from {
                    Some(f) => date(f, "from")?,
                    None => to - 90 * DAY,
                };
                if from >= to {
                    return Err(bad("from must be before to".into()));
                }
                if to - from > 20 * 365 * DAY {
                    return Err(bad("the period may be at most 20 years".into()));
                }
                Ok((from, to, None))
            }
        }
    }
}

/// How a sortable column's header shows the current order: `aria-sort` for screen readers and an
/// arrow for everyone else; both empty on the columns the table is not sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortMark {
    pub aria: &'static str,
    pub arrow: &'static str,
}

impl SortMark {
    /// The mark of column `key` when the table is sorted by `current`.
    pub fn of(current: &str, descending: bool, key: &str) -> SortMark {
        match (current == key, descending) {
            (false, _) => SortMark { aria: "", arrow: "" },
            (true, false) => SortMark { aria: "ascending", arrow: "▲" },
            (true, true) => SortMark { aria: "descending", arrow: "▼" },
        }
    }
}

impl Scope {
    /// `from` and `to` as the date inputs show them (`YYYY-MM-DD`, `to` inclusive), so a date form
    /// submitted untouched shows the same period.
    pub fn from_date(&self) -> String {
        day(self.from)
    }

    pub fn to_date(&self) -> String {
        day(self.to - DAY)
    }
}

fn date(text: &str, name: &str) -> Result<i64, WebError> {
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| bad(format!("{name} must be a date like 2026-01-31, not {text:?}")))?;
    let earliest = NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date");
    let latest = NaiveDate::from_ymd_opt(2100, 1, 1).expect("valid date");
    if day < earliest || day > latest {
        return Err(bad(format!("{name} must be between 2000 and 2100, not {text}")));
    }
    Ok(day.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp())
}

fn bad(message: String) -> WebError {
    WebError::BadRequest(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000; // 2026-11-18T…

    fn q(window: Option<&str>, from: Option<&str>, to: Option<&str>) -> DashboardQuery {
        DashboardQuery {
            window: window.map(Into::into),
            from: from.map(Into::into),
            to: to.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn the_default_is_the_last_90_days_without_bots() {
        let s = q(None, None, None).scope(NOW, &[]).unwrap();
        assert_eq!(s.days(), 90);
        assert!(!s.include_bots);
        assert!(s.to > NOW && s.to - NOW <= DAY);
        assert_eq!(s.query(), "window=90&bots=exclude");
    }

    #[test]
    fn explicit_dates_include_the_to_day() {
        let s = q(None, Some("2026-01-01"), Some("2026-01-31")).scope(NOW, &[]).unwrap();
        assert_eq!(s.days(), 31);
        assert_eq!(s.query(), "from=2026-01-01&to=2026-01-31&bots=exclude");
        assert!(s.label().starts_with("2026-01-01 – 2026-01-31"));
    }

    #[test]
    fn bad_windows_and_dates_say_what_is_wrong() {
        let message = |query: DashboardQuery| match query.scope(NOW, &["age"]) {
            Err(WebError::BadRequest(m)) => m,
            other => panic!("expected a 400, got {other:?}"),
        };
        assert!(message(q(Some("7"), None, None)).contains("30, 90 or 365"));
        assert!(message(q(Some("abc"), None, None)).contains("number of days"));
        assert!(message(q(None, Some("2026-13-01"), None)).contains("from must be a date"));
        assert!(message(q(None, Some("2026-02-01"), Some("2026-01-01"))).contains("before"));
        assert!(message(q(Some("30"), Some("2026-01-01"), None)).contains("not both"));
        assert!(message(q(None, Some("1999-01-01"), None)).contains("between 2000 and 2100"));
        let sort = DashboardQuery { sort: Some("evil".into()), ..Default::default() };
        assert!(message(sort).contains("cannot sort"));
        let bots = DashboardQuery { bots: Some("maybe".into()), ..Default::default() };
        assert!(message(bots).contains("include or exclude"));
    }
}
