//! The backlog: how many issues and pull requests are open week by week, and how old the open ones are.
//!
//! [`backlog_series`] walks weekly rollup rows forward from the open counts at the start of the
//! first week: each week's end = start + opened − closed. Weeks without a row are filled in with
//! zero flow so the series has no gaps; rows whose `week` is not a week start are moved to theirs,
//! and rows for the same week are added together. Open counts never go below zero (rollups of a
//! partially synced repository can close more than they saw opened).
//!
//! [`backlog_ageing`] sorts currently open items into buckets by age at `now`, with exact bounds:
//! **new** `age < 7 d`; **staling** `7 d ≤ age ≤ 30 d` (so exactly 7 days and exactly 30 days are
//! both staling); **stale** `age > 30 d`. An item created after `now` (clock skew) is new.
//! The closest CHAOSS definition is Issue Age; loading the rows is `db`'s job.

use std::collections::BTreeMap;

use serde::Serialize;

use super::definition::{Definition, Explain, fmt_ts};

use super::time::{DAY, WEEK, week_start};

pub const BACKLOG: Definition = Definition {
    name: "Backlog",
    formula: "open at the end of a week = open at its start + opened during the week − closed during the week, \
              separately for issues and pull requests; inflow = opened, outflow = closed.",
    source: "https://chaoss.community/?p=3629",
};

pub const BACKLOG_AGE: Definition = Definition {
    name: "Backlog age (Issue Age buckets)",
    formula: "age = now − created_at of each open item; new if age < 7 d, staling if 7 d ≤ age ≤ 30 d, stale if \
              age > 30 d.",
    source: "https://chaoss.community/?p=3629",
};

/// Below this age an open item is new.
pub const STALING_FROM: i64 = 7 * DAY;
/// Above this age an open item is stale (exactly this age is still staling).
pub const STALE_AFTER: i64 = 30 * DAY;

/// One week of the weekly rollup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WeekRollup {
    pub week: i64,
    pub opened_issues: u64,
    pub closed_issues: u64,
    pub opened_prs: u64,
    pub closed_prs: u64,
}

/// One week of the backlog series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BacklogWeek {
    /// Sunday 00:00 UTC.
    pub week: i64,
    pub opened_issues: u64,
    pub closed_issues: u64,
    pub opened_prs: u64,
    pub closed_prs: u64,
    /// Open at the end of the week.
    pub open_issues: u64,
    pub open_prs: u64,
    /// Issues and pull requests opened during the week.
    pub inflow: u64,
    /// Issues and pull requests closed during the week.
    pub outflow: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacklogSeries {
    pub start_open_issues: u64,
    pub start_open_prs: u64,
    /// Consecutive weeks, oldest first; empty when there were no rows.
    pub weeks: Vec<BacklogWeek>,
}

impl BacklogSeries {
    pub fn explain(&self) -> Explain {
        let last = self.weeks.last();
        BACKLOG.explain(vec![
            ("weeks", self.weeks.len().to_string()),
            ("first week", self.weeks.first().map_or("none".to_owned(), |w| fmt_ts(w.week))),
            ("open at the start", format!("{} issues, {} pull requests", self.start_open_issues, self.start_open_prs)),
            ("total inflow", self.weeks.iter().map(|w| w.inflow).sum::<u64>().to_string()),
            ("total outflow", self.weeks.iter().map(|w| w.outflow).sum::<u64>().to_string()),
            (
                "open at the end",
                format!(
                    "{} issues, {} pull requests",
                    last.map_or(self.start_open_issues, |w| w.open_issues),
                    last.map_or(self.start_open_prs, |w| w.open_prs)
                ),
            ),
        ])
    }
}

/// The weekly backlog from rollup rows and the open counts at the start of the first week.
pub fn backlog_series(rows: &[WeekRollup], start_open_issues: u64, start_open_prs: u64) -> BacklogSeries {
    let mut by_week: BTreeMap<i64, [u64; 4]> = BTreeMap::new();
    for r in rows {
        let e = by_week.entry(week_start(r.week)).or_default();
        for (slot, v) in e.iter_mut().zip([r.opened_issues, r.closed_issues, r.opened_prs, r.closed_prs]) {
            *slot += v;
        }
    }
    let mut weeks = Vec::new();
    if let (Some((&first, _)), Some((&last, _))) = (by_week.first_key_value(), by_week.last_key_value()) {
        let (mut open_issues, mut open_prs) = (start_open_issues, start_open_prs);
        for week in (first..=last).step_by(WEEK as usize) {
            let [opened_issues, closed_issues, opened_prs, closed_prs] =
                by_week.get(&week).copied().unwrap_or_default();
            open_issues = (open_issues + opened_issues).saturating_sub(closed_issues);
            open_prs = (open_prs + opened_prs).saturating_sub(closed_prs);
            weeks.push(BacklogWeek {
                week,
                opened_issues,
                closed_issues,
                opened_prs,
                closed_prs,
                open_issues,
                open_prs,
                inflow: opened_issues + opened_prs,
                outflow: closed_issues + closed_prs,
            });
        }
    }
    BacklogSeries { start_open_issues, start_open_prs, weeks }
}

/// Open items by age at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BacklogAgeing {
    pub new: usize,
    pub staling: usize,
    pub stale: usize,
    pub total: usize,
}

impl BacklogAgeing {
    pub fn explain(&self) -> Explain {
        BACKLOG_AGE.explain(vec![
            ("open items", self.total.to_string()),
            ("new (< 7 d)", self.new.to_string()),
            ("staling (7–30 d)", self.staling.to_string()),
            ("stale (> 30 d)", self.stale.to_string()),
        ])
    }
}

/// Buckets the `created_at` times of currently open items by age at `now`.
pub fn backlog_ageing(open_created_at: &[i64], now: i64) -> BacklogAgeing {
    let mut a = BacklogAgeing { new: 0, staling: 0, stale: 0, total: open_created_at.len() };
    for &created in open_created_at {
        match now - created {
            age if age < STALING_FROM => a.new += 1,
            age if age <= STALE_AFTER => a.staling += 1,
            _ => a.stale += 1,
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUNDAY: i64 = 1_704_585_600; // 2024-01-07

    fn row(week: i64, oi: u64, ci: u64, op: u64, cp: u64) -> WeekRollup {
        WeekRollup { week, opened_issues: oi, closed_issues: ci, opened_prs: op, closed_prs: cp }
    }

    #[test]
    fn the_backlog_walks_forward_from_the_starting_open_counts() {
        let rows = [row(SUNDAY, 5, 2, 3, 1), row(SUNDAY + WEEK, 1, 4, 0, 2)];
        let s = backlog_series(&rows, 10, 4);
        let ends: Vec<(u64, u64, u64, u64)> =
            s.weeks.iter().map(|w| (w.open_issues, w.open_prs, w.inflow, w.outflow)).collect();
        assert_eq!(ends, [(13, 6, 8, 3), (10, 4, 1, 6)]);
    }

    #[test]
    fn missing_weeks_are_filled_with_zero_flow() {
        let rows = [row(SUNDAY + 2 * WEEK, 0, 1, 0, 0), row(SUNDAY, 2, 0, 0, 0)];
        let s = backlog_series(&rows, 0, 0);
        let weeks: Vec<(i64, u64)> = s.weeks.iter().map(|w| (w.week, w.open_issues)).collect();
        assert_eq!(weeks, [(SUNDAY, 2), (SUNDAY + WEEK, 2), (SUNDAY + 2 * WEEK, 1)]);
    }

    #[test]
    fn rows_inside_a_week_are_merged_into_its_sunday() {
        let rows = [row(SUNDAY + DAY, 1, 0, 0, 0), row(SUNDAY + 3 * DAY, 2, 0, 1, 0)];
        let s = backlog_series(&rows, 0, 0);
        assert_eq!(s.weeks.len(), 1);
        assert_eq!((s.weeks[0].week, s.weeks[0].open_issues, s.weeks[0].open_prs), (SUNDAY, 3, 1));
    }

    #[test]
    fn open_counts_never_go_below_zero() {
        let s = backlog_series(&[row(SUNDAY, 0, 5, 0, 0)], 2, 0);
        assert_eq!(s.weeks[0].open_issues, 0);
    }

    #[test]
    fn an_empty_repo_has_an_empty_series() {
        let s = backlog_series(&[], 0, 0);
        assert!(s.weeks.is_empty());
        assert!(s.explain().inputs.contains(&("open at the end", "0 issues, 0 pull requests".to_owned())));
    }

    #[test]
    fn seven_days_and_thirty_days_exactly_are_both_staling() {
        let now = 100 * DAY;
        let created = [now - 1, now - 7 * DAY + 1, now - 7 * DAY, now - 30 * DAY, now - 30 * DAY - 1, now + DAY];
        let a = backlog_ageing(&created, now);
        assert_eq!((a.new, a.staling, a.stale, a.total), (3, 2, 1, 6));
    }

    #[test]
    fn no_open_items_means_empty_buckets() {
        assert_eq!(backlog_ageing(&[], 0), BacklogAgeing { new: 0, staling: 0, stale: 0, total: 0 });
    }
}
