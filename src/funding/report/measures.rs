//! The before/after measures of an impact report as pure functions over rows, each usable for
//! either window and for the weekly points of its chart.
//!
//! Weeks are the Sunday-based weeks of [`crate::metrics::week_start`]; a window's weeks are those
//! from the week containing its start to the last one starting before its end, so the first and
//! last week may be partial. Each weekly point is placed at its week start. Not here: the
//! headline figures that already have a metric ([`crate::metrics::response`],
//! [`crate::metrics::closing`], [`crate::metrics::load`]), which callers use directly.

use std::collections::{BTreeMap, BTreeSet};

use crate::metrics::closing::ChangeRequest;
use crate::metrics::load::MaintainerWeek;
use crate::metrics::response::{ResponseItem, time_to_first_response};
use crate::metrics::{Quantile, WEEK, Window, week_start};

/// An issue's life as the backlog sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueSpan {
    pub created_at: i64,
    /// The last close; `None` while open (including after a reopen).
    pub closed_at: Option<i64>,
}

/// Issues open at instant `t`: opened before `t` and not closed before `t`.
pub fn open_issues_at(spans: &[IssueSpan], t: i64) -> u64 {
    spans.iter().filter(|s| s.created_at < t && s.closed_at.is_none_or(|c| c >= t)).count() as u64
}

/// The start of every week that overlaps `w`, oldest first; empty for an empty window.
pub fn weeks_of(w: Window) -> Vec<i64> {
    if w.duration() == 0 {
        return Vec::new();
    }
    (0..).map(|k| week_start(w.from) + k * WEEK).take_while(|&week| week < w.to).collect()
}

/// Open issues at the window's start, at each week start inside it, and at its end.
pub fn backlog_points(spans: &[IssueSpan], w: Window) -> Vec<(i64, u64)> {
    if w.duration() == 0 {
        return Vec::new();
    }
    let inside = weeks_of(w).into_iter().filter(|&week| week > w.from);
    std::iter::once(w.from).chain(inside).chain([w.to]).map(|t| (t, open_issues_at(spans, t))).collect()
}

/// An item opened at `opened_at` with its response times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenedItem {
    pub opened_at: i64,
    pub response: ResponseItem,
}

/// Per week of `w`, the median Time to First Response (Kaplan–Meier, censored at `now`) of the
/// items opened in the window during that week; `None` for a week without items.
pub fn weekly_first_response(items: &[OpenedItem], w: Window, now: i64) -> Vec<(i64, Option<Quantile>)> {
    let mut by_week: BTreeMap<i64, Vec<ResponseItem>> = BTreeMap::new();
    for i in items.iter().filter(|i| w.contains(i.opened_at)) {
        by_week.entry(week_start(i.opened_at)).or_default().push(i.response);
    }
    weeks_of(w)
        .into_iter()
        .map(|week| (week, by_week.get(&week).and_then(|items| time_to_first_response(items, now).median)))
        .collect()
}

/// Per week of `w`: pull requests opened and closed (merged or not) in the window that week.
pub fn weekly_flow(prs: &[ChangeRequest], w: Window) -> Vec<(i64, u64, u64)> {
    let mut by_week: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    for p in prs {
        if w.contains(p.created_at) {
            by_week.entry(week_start(p.created_at)).or_default().0 += 1;
        }
        if let Some(ended) = p.closed_at.or(p.merged_at).filter(|&t| w.contains(t)) {
            by_week.entry(week_start(ended)).or_default().1 += 1;
        }
    }
    weeks_of(w)
        .into_iter()
        .map(|week| {
            let (opened, closed) = by_week.get(&week).copied().unwrap_or_default();
            (week, opened, closed)
        })
        .collect()
}

/// Per week of `w`: how many maintainers were active (a [`MaintainerWeek`] is one active
/// maintainer in one week, as [`crate::metrics::load::maintainer_load`] gives them).
pub fn weekly_active_maintainers(weeks: &[MaintainerWeek], w: Window) -> Vec<(i64, u64)> {
    let mut by_week: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for m in weeks {
        by_week.entry(week_start(m.week)).or_default().insert(m.login.to_ascii_lowercase());
    }
    weeks_of(w).into_iter().map(|week| (week, by_week.get(&week).map_or(0, |s| s.len() as u64))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::DAY;
    use crate::metrics::load::KindShare;

    /// Sunday 2024-01-07 00:00 UTC.
    const SUNDAY: i64 = 1_704_585_600;

    fn span(created: i64, closed: Option<i64>) -> IssueSpan {
        IssueSpan { created_at: SUNDAY + created * DAY, closed_at: closed.map(|c| SUNDAY + c * DAY) }
    }

    #[test]
    fn an_issue_is_open_from_its_opening_until_its_close() {
        let spans = [span(0, Some(10)), span(5, None), span(20, Some(21))];
        assert_eq!(open_issues_at(&spans, SUNDAY), 0, "opened exactly at t: not yet open");
        assert_eq!(open_issues_at(&spans, SUNDAY + DAY), 1);
        assert_eq!(open_issues_at(&spans, SUNDAY + 10 * DAY), 2, "closed exactly at t: still open at t");
        assert_eq!(open_issues_at(&spans, SUNDAY + 10 * DAY + 1), 1);
        assert_eq!(open_issues_at(&spans, SUNDAY + 30 * DAY), 1);
    }

    #[test]
    fn a_window_covers_the_weeks_it_overlaps_and_backlog_points_include_both_ends() {
        // Wednesday of week 0 to Tuesday of week 2 (exclusive): weeks 0, 1, 2.
        let w = Window::new(SUNDAY + 3 * DAY, SUNDAY + 16 * DAY);
        assert_eq!(weeks_of(w), vec![SUNDAY, SUNDAY + WEEK, SUNDAY + 2 * WEEK]);
        assert_eq!(weeks_of(Window::new(SUNDAY, SUNDAY)), Vec::<i64>::new());
        let spans = [span(1, None), span(8, Some(15))];
        assert_eq!(backlog_points(&spans, w), vec![(w.from, 1), (SUNDAY + WEEK, 1), (SUNDAY + 2 * WEEK, 2), (w.to, 1)]);
    }

    #[test]
    fn weekly_medians_cover_every_week_and_leave_empty_weeks_blank() {
        let item = |day: i64, answered_after: Option<i64>| OpenedItem {
            opened_at: SUNDAY + day * DAY,
            response: ResponseItem {
                clock_start: SUNDAY + day * DAY,
                first_response_at: answered_after.map(|h| SUNDAY + day * DAY + h * 3_600),
            },
        };
        let w = Window::new(SUNDAY, SUNDAY + 3 * WEEK);
        let items = [item(1, Some(2)), item(2, Some(4)), item(3, Some(10)), item(16, None), item(30, Some(1))];
        let now = SUNDAY + 20 * DAY;
        assert_eq!(
            weekly_first_response(&items, w, now),
            vec![
                (SUNDAY, Some(Quantile::Exactly(4 * 3_600))),
                (SUNDAY + WEEK, None),
                (SUNDAY + 2 * WEEK, Some(Quantile::MoreThan(4 * DAY))),
            ]
        );
    }

    #[test]
    fn weekly_flow_counts_openings_and_ends_in_the_window_only() {
        let pr = |created: i64, closed: Option<i64>, merged: Option<i64>| ChangeRequest {
            created_at: SUNDAY + created * DAY,
            closed_at: closed.map(|d| SUNDAY + d * DAY),
            merged_at: merged.map(|d| SUNDAY + d * DAY),
        };
        let w = Window::new(SUNDAY, SUNDAY + 2 * WEEK);
        let prs = [pr(-3, Some(1), Some(1)), pr(2, None, Some(9)), pr(8, None, None), pr(13, Some(20), None)];
        assert_eq!(weekly_flow(&prs, w), vec![(SUNDAY, 1, 1), (SUNDAY + WEEK, 2, 1)]);
    }

    #[test]
    fn weekly_active_maintainers_count_each_login_once_a_week() {
        let share = KindShare { count: 1, of: 1, share: Some(1.0) };
        let mw = |week: i64, login: &str| MaintainerWeek {
            week: SUNDAY + week * WEEK,
            login: login.to_owned(),
            responses: share,
            reviews: share,
            merges: share,
            triage: share,
        };
        let w = Window::new(SUNDAY, SUNDAY + 3 * WEEK);
        let weeks = [mw(0, "ann"), mw(0, "Ann"), mw(0, "ben"), mw(2, "ben")];
        assert_eq!(weekly_active_maintainers(&weeks, w), vec![(SUNDAY, 2), (SUNDAY + WEEK, 0), (SUNDAY + 2 * WEEK, 1)]);
    }
}
