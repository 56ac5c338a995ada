//! Impact report maths: which period a report covers, the equal-length windows before and after
//! its start, the numbers a report holds ([`ReportNumbers`]), the definitions behind each figure,
//! and (in the submodules) the weekly series for the charts and the summary paragraph.
//!
//! - this file: [`default_period`] and the [`Definition`]s of the outputs (merged pull requests,
//!   closed issues, releases, new contributors, first-timers who came back) and of the backlog
//!   at an instant;
//! - `numbers`: [`before_after`], [`BeforeAfter`] and [`ReportNumbers`], what a report states;
//! - [`measures`]: pure helpers over rows (open issues at an instant, weekly medians, weekly
//!   pull request flow, weekly active maintainers) for both windows alike;
//! - [`summary`]: the plain-language paragraph and its thresholds.
//!
//! Nothing is attributed to the funding: a report says what happened, not why. Not here: loading
//! rows (`db::report`, `db::dashboard`), the money ledger ([`super::ledger`]) or rendering and
//! exports (`web::reports`). Windows are half-open `[from, to)` in unix seconds, as in [`crate::metrics`].

use chrono::{DateTime, Months};

use super::grants::Grant;
use crate::metrics::{DAY, Definition, Window};

pub mod measures;
mod numbers;
pub mod summary;

pub use numbers::{BeforeAfter, OpenIssues, ReportNumbers, before_after};
pub use summary::{BACKLOG_CHANGE_RATIO, RESPONSE_CHANGE_MIN, RESPONSE_CHANGE_RATIO, summary_paragraph};

/// Pull requests merged in the period.
pub const MERGED_PRS: Definition = Definition {
    name: "Merged pull requests",
    formula: "pull requests whose merge time falls in the period. Pull requests opened by bots are not counted.",
    source: "https://chaoss.community/kb/metric-change-requests-accepted/",
};

/// Issues closed in the period.
pub const CLOSED_ISSUES: Definition = Definition {
    name: "Closed issues",
    formula: "issues (not pull requests) that are closed and whose last close falls in the period; an issue \
              reopened and still open is not counted. Issues opened by bots are not counted.",
    source: "https://chaoss.community/kb/metric-issues-closed/",
};

/// Releases published in the period.
pub const RELEASES: Definition = Definition {
    name: "Releases",
    formula: "releases published in the period; drafts are not counted. Releases count whoever published them \
              (release automation often publishes as a bot).",
    source: "https://chaoss.community/kb/metric-release-frequency/",
};

/// People whose first contribution falls in the period.
pub const NEW_CONTRIBUTORS: Definition = Definition {
    name: "New contributors",
    formula: "people (bots excluded) whose first contribution to the repository (an issue or pull request opened, a \
              comment, a review, a merge or a commit) falls in the period.",
    source: "https://chaoss.community/kb/metric-new-contributors/",
};

/// New contributors who engaged a second time before the period ended.
pub const RETURNING_FIRST_TIMERS: Definition = Definition {
    name: "First-timers who came back",
    formula: "of the new contributors, those whose second engagement (another issue or pull request opened, or a \
              comment or review on someone else's item) happened before the end of the period.",
    source: "https://chaoss.community/kb/metric-newcomer-experience/",
};

/// Open issues at an instant, as the before/after comparison reads the backlog.
pub const OPEN_ISSUES_AT: Definition = Definition {
    name: "Open-issue backlog",
    formula: "open issues at an instant t = issues (not pull requests) opened before t and not closed before t, \
              counted at the start and at the end of each window. Issues opened by bots are not counted; an issue \
              reopened and still open counts as open since it was opened.",
    source: "https://chaoss.community/?p=3629",
};

/// Money received in the period, as [`super::received_in`] counts it.
pub const MONEY_RECEIVED: Definition = Definition {
    name: "Money received",
    formula: "per source and currency, over the period up to today: a single payment counts in full when its date \
              falls in it; a grant or a year of income declared in funding.json counts prorated by overlap (amount \
              x days in the period / days it spans); a recurring sponsorship counts amount x overlap / interval. \
              Plans, goals, budgets and hidden amounts count nothing. Currencies are never added together.",
    source: "",
};

/// The period a report covers by default: the latest grant's period (latest start, then latest
/// end), else the twelve calendar months up to and including `now`.
pub fn default_period(grants_for_repo: &[Grant], now: i64) -> Window {
    if let Some(latest) = grants_for_repo.iter().max_by_key(|g| (g.start, g.end)) {
        return latest.period();
    }
    let from = DateTime::from_timestamp(now, 0)
        .and_then(|t| t.checked_sub_months(Months::new(12)))
        .map_or(now - 365 * DAY, |t| t.timestamp());
    Window::new(from, now + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funding::money::{Currency, Money};
    use chrono::NaiveDate;

    /// 2026-01-01 00:00 UTC.
    pub(super) const JAN_2026: i64 = 1_767_225_600;
    pub(super) const YEAR: i64 = 365 * DAY;

    fn grant(start: &str, end: &str) -> Grant {
        Grant {
            funder: "STF".to_owned(),
            amount: Money::new(100, Currency::USD),
            start: start.parse::<NaiveDate>().unwrap(),
            end: end.parse::<NaiveDate>().unwrap(),
            repos: vec![],
            purpose: String::new(),
            people: vec![],
            plan: Default::default(),
        }
    }

    #[test]
    fn the_default_period_is_the_latest_grant() {
        let grants = [grant("2026-01-01", "2026-12-31"), grant("2025-01-01", "2025-12-31")];
        assert_eq!(default_period(&grants, JAN_2026 + 10 * DAY), Window::new(JAN_2026, JAN_2026 + YEAR));
    }

    #[test]
    fn without_grants_the_default_period_is_the_last_twelve_months() {
        // 2027-03-15 00:00 back to 2026-03-15 00:00, including `now` itself.
        let now = JAN_2026 + YEAR + 73 * DAY;
        assert_eq!(default_period(&[], now), Window::new(JAN_2026 + 73 * DAY, now + 1));
    }

    #[test]
    fn before_and_after_are_equal_windows_around_the_start() {
        let period = Window::new(JAN_2026, JAN_2026 + YEAR);
        let now = JAN_2026 + 2 * YEAR;
        assert_eq!(before_after(period, now), (Window::new(JAN_2026 - YEAR, JAN_2026), period));
    }

    #[test]
    fn a_running_period_is_clipped_to_now_on_both_sides() {
        let period = Window::new(JAN_2026, JAN_2026 + YEAR);
        let now = JAN_2026 + 90 * DAY - 1;
        assert_eq!(
            before_after(period, now),
            (Window::new(JAN_2026 - 90 * DAY, JAN_2026), Window::new(JAN_2026, JAN_2026 + 90 * DAY))
        );
        assert_eq!(
            before_after(period, JAN_2026 - DAY),
            (Window::new(JAN_2026, JAN_2026), Window::new(JAN_2026, JAN_2026))
        );
    }

    #[test]
    fn empty_numbers_carry_the_windows_and_know_nothing_else() {
        let n = ReportNumbers::empty(Window::new(JAN_2026, JAN_2026 + YEAR), JAN_2026 + 2 * YEAR);
        assert_eq!(n.before, Window::new(JAN_2026 - YEAR, JAN_2026));
        assert_eq!(n.first_response, BeforeAfter { before: None, after: None });
        assert_eq!(BeforeAfter::new(2, 3).map(|v| v * 10), BeforeAfter::new(20, 30));
    }
}
