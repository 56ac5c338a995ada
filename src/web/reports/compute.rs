//! One impact report: its rows loaded for the period and the windows around its start, then the
//! numbers computed by the pure functions of `metrics` and `funding::report`. The same [`Report`]
//! feeds the page, the JSON, the CSV and the Markdown, so every export says the same thing.
//!
//! Bot-authored issues and pull requests are excluded throughout (as on the maintainer pages'
//! default). Money is counted up to today for a running period: a sponsorship's future months
//! are not money received.

use std::collections::BTreeMap;

use crate::db::dashboard::{self as q, ChangeRequestRow, PersonWeekRow};
use crate::db::report::{self as store, IssueSpanRow, OutputCountsRow, ReportReleaseRow};
use crate::funding::report::measures::{self, IssueSpan, OpenedItem};
use crate::funding::report::{BeforeAfter, OpenIssues, ReportNumbers, before_after, summary_paragraph};
use crate::funding::{Source, Totals};
use crate::metrics::closing::{ChangeRequest, ClosureRatio, change_request_closure_ratio};
use crate::metrics::load::{MaintainerLoad, maintainer_load};
use crate::metrics::response::{ResponseItem, ResponseSummary, time_to_first_response};
use crate::metrics::{Quantile, Window};
use crate::web::funding::entries::{Note, NoteLevel};

/// Everything a report reads from the database.
#[derive(Debug, Clone, Default)]
pub struct ReportRows {
    pub outputs: OutputCountsRow,
    pub releases: Vec<ReportReleaseRow>,
    /// Items opened in either window.
    pub response_items: Vec<store::ReportItemRow>,
    /// Pull requests opened or closed in either window.
    pub change_requests: Vec<ChangeRequestRow>,
    /// Maintainers' weeks starting in either window (all the report's load measures need).
    pub person_weeks: Vec<PersonWeekRow>,
    pub maintainers: Vec<String>,
    /// Issues open at some instant of either window.
    pub issue_spans: Vec<IssueSpanRow>,
}

/// Reads the rows of `repo_id` for `period` and the windows of [`before_after`] as of `now`.
pub async fn load_rows(pool: &sqlx::AnyPool, repo_id: i64, period: Window, now: i64) -> sqlx::Result<ReportRows> {
    let (before, after) = before_after(period, now);
    let scope = q::scope_json(&[repo_id]);
    let scope = scope.as_str();
    // Independent reads, at once on the read pool.
    let (outputs, releases, response_items, change_requests, person_weeks, maintainers, issue_spans) = tokio::try_join!(
        store::count_outputs(pool, repo_id, period.from, period.to),
        store::list_releases_in(pool, repo_id, period.from, period.to),
        crate::db::slices::human_items(pool, scope, before.from, after.to),
        crate::db::slices::change_requests(pool, scope, before.from, after.to),
        crate::db::slices::maintainer_weeks(pool, scope, before.from, after.to),
        q::list_maintainers(pool, scope),
        crate::db::slices::issue_spans(pool, scope, before.from, after.to),
    )?;
    Ok(ReportRows { outputs, releases, response_items, change_requests, person_weeks, maintainers, issue_spans })
}

/// One window's measures, with what their disclosures and charts need.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    pub window: Window,
    pub first_response: ResponseSummary,
    pub closure: ClosureRatio,
    pub load: MaintainerLoad,
    /// Open issues at the window's start, each week start inside it and its end.
    pub backlog: Vec<(i64, u64)>,
    pub weekly_first_response: Vec<(i64, Option<Quantile>)>,
    /// Pull requests (opened, closed) per week.
    pub weekly_flow: Vec<(i64, u64, u64)>,
    pub weekly_active_maintainers: Vec<(i64, u64)>,
}

impl Side {
    /// Open issues at the window's start and end; `None` for an empty window.
    pub fn open_issues(&self) -> Option<OpenIssues> {
        match (self.backlog.first(), self.backlog.last()) {
            (Some(&(_, start)), Some(&(_, end))) => Some(OpenIssues { start, end }),
            _ => None,
        }
    }
}

/// The report of one repository.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub numbers: ReportNumbers,
    pub sides: BeforeAfter<Side>,
    pub releases: Vec<ReportReleaseRow>,
    /// The window money is counted over: the period, up to today.
    pub money_window: Window,
    pub summary: String,
    pub generated_at: i64,
}

/// Computes the report of `rows` for `period`; `received` is money received by source over
/// [`Report::money_window`] (see [`money_window`]).
pub fn compute(rows: &ReportRows, period: Window, received: BTreeMap<Source, Totals>, now: i64) -> Report {
    let (before, after) = before_after(period, now);
    let sides = BeforeAfter::new(side(rows, before, now), side(rows, after, now));
    let known = |w: Window| w.duration() > 0;
    let o = &rows.outputs;
    let u = |v: i64| v.max(0) as u64;
    let numbers = ReportNumbers {
        period,
        before,
        after,
        merged_prs: u(o.merged_prs),
        closed_issues: u(o.closed_issues),
        releases: u(o.releases),
        new_contributors: u(o.new_contributors),
        returning_first_timers: u(o.returning_first_timers),
        first_response: sides.map(|s| s.first_response.median),
        open_issues: sides.map(Side::open_issues),
        closure_ratio: sides.map(|s| s.closure.ratio),
        active_maintainers: sides.map(|s| known(s.window).then_some(s.load.active_maintainer_count as u64)),
        received,
    };
    Report {
        summary: summary_paragraph(&numbers),
        numbers,
        sides,
        releases: rows.releases.clone(),
        money_window: money_window(period, now),
        generated_at: now,
    }
}

/// The part of `period` up to and including `now`, where money can have been received.
pub fn money_window(period: Window, now: i64) -> Window {
    Window::new(period.from, period.to.min(now + 1).max(period.from))
}

/// What a reader must know about the windows themselves: a period still running or not yet
/// started, and a repository younger than the window before the period.
pub fn coverage_notes(n: &ReportNumbers, repo_created_at: i64, now: i64) -> Vec<Note> {
    let day = |t: i64| crate::metrics::fmt_ts(t).chars().take(10).collect::<String>();
    let mut notes = Vec::new();
    if n.after.duration() == 0 {
        let text = format!("The period starts on {}, after today: there is nothing to report yet.", day(n.period.from));
        notes.push(Note { level: NoteLevel::Warning, text });
    } else if n.after.to < n.period.to {
        let text = format!(
            "The period runs to {}; every figure, and the money received, is counted up to today ({}).",
            day(n.period.to - 1),
            day(now)
        );
        notes.push(Note { level: NoteLevel::Info, text });
    }
    if n.before.duration() > 0 && repo_created_at > n.before.from {
        let text = format!(
            "The repository was created on {}, after the window before the period starts ({}), so the \"before\" \
             figures cover less time than the \"during\" ones.",
            day(repo_created_at),
            day(n.before.from)
        );
        notes.push(Note { level: NoteLevel::Warning, text });
    }
    notes
}

fn side(rows: &ReportRows, w: Window, now: i64) -> Side {
    let items: Vec<OpenedItem> = rows
        .response_items
        .iter()
        .filter(|r| w.contains(r.created_at))
        .map(|r| OpenedItem {
            opened_at: r.created_at,
            response: ResponseItem { clock_start: r.clock_start, first_response_at: r.first_response_at },
        })
        .collect();
    let responses: Vec<ResponseItem> = items.iter().map(|i| i.response).collect();
    let prs: Vec<ChangeRequest> = rows
        .change_requests
        .iter()
        .filter(|r| !r.author_is_bot)
        .map(|r| ChangeRequest { created_at: r.created_at, closed_at: r.closed_at, merged_at: r.merged_at })
        .collect();
    let spans: Vec<IssueSpan> =
        rows.issue_spans.iter().map(|s| IssueSpan { created_at: s.created_at, closed_at: s.closed_at }).collect();
    let humans = rows.person_weeks.iter().filter(|w| !w.is_bot);
    let load = maintainer_load(&crate::web::inputs::activity(humans), &rows.maintainers, w);
    Side {
        window: w,
        first_response: time_to_first_response(&responses, now),
        closure: change_request_closure_ratio(&prs, w),
        backlog: measures::backlog_points(&spans, w),
        weekly_first_response: measures::weekly_first_response(&items, w, now),
        weekly_flow: measures::weekly_flow(&prs, w),
        weekly_active_maintainers: measures::weekly_active_maintainers(&load.weeks, w),
        load,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::DAY;

    const JAN_2026: i64 = 1_767_225_600;

    #[test]
    fn money_is_counted_up_to_today_in_a_running_period() {
        let period = Window::new(JAN_2026, JAN_2026 + 365 * DAY);
        assert_eq!(money_window(period, JAN_2026 + 10 * DAY), Window::new(JAN_2026, JAN_2026 + 10 * DAY + 1));
        assert_eq!(money_window(period, JAN_2026 + 400 * DAY), period);
        assert_eq!(money_window(period, JAN_2026 - DAY), Window::new(JAN_2026, JAN_2026));
    }

    #[test]
    fn an_empty_window_knows_no_measure_and_a_filled_one_knows_them_all() {
        let period = Window::new(JAN_2026, JAN_2026 + 10 * DAY);
        let future = compute(&ReportRows::default(), period, BTreeMap::new(), JAN_2026 - DAY);
        assert_eq!(future.numbers.open_issues, BeforeAfter::new(None, None));
        assert_eq!(future.numbers.active_maintainers, BeforeAfter::new(None, None));
        let past = compute(&ReportRows::default(), period, BTreeMap::new(), JAN_2026 + 100 * DAY);
        assert_eq!(past.numbers.open_issues.after, Some(OpenIssues { start: 0, end: 0 }));
        assert_eq!(past.numbers.active_maintainers, BeforeAfter::new(Some(0), Some(0)));
        assert_eq!(past.numbers.first_response, BeforeAfter::new(None, None), "no items, no median");
        assert_eq!(past.sides.after.weekly_flow.len(), 2, "10 days from a Thursday touch 2 weeks");
    }

    #[test]
    fn coverage_notes_name_a_running_period_and_a_young_repository() {
        let period = Window::new(JAN_2026, JAN_2026 + 365 * DAY);
        let running = ReportNumbers::empty(period, JAN_2026 + 10 * DAY);
        let notes = coverage_notes(&running, JAN_2026 - 5 * DAY, JAN_2026 + 10 * DAY);
        let texts: Vec<&str> = notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "The period runs to 2026-12-31; every figure, and the money received, is counted up to today (2026-01-11).",
                "The repository was created on 2025-12-27, after the window before the period starts (2025-12-21), \
                 so the \"before\" figures cover less time than the \"during\" ones.",
            ]
        );
        let future = ReportNumbers::empty(period, JAN_2026 - DAY);
        assert_eq!(coverage_notes(&future, 0, JAN_2026 - DAY)[0].level, NoteLevel::Warning);
    }
}
