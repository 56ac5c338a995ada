//! Tests of the newcomer experience metrics on hand-computed cases.

use super::*;
use crate::metrics::quantile::Quantile;
use chrono::NaiveDate;

/// 00:00 UTC on a date.
fn ts(y: i32, m: u32, d: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp()
}

fn person(first_at: i64, second_at: Option<i64>) -> Contributor {
    Contributor { login: format!("p{first_at}"), first_at, second_at }
}

const NOW_DAY: i64 = 1_000;
const NOW: i64 = NOW_DAY * DAY;

#[test]
fn pending_newcomers_are_reported_apart_and_never_counted_as_failures() {
    let w = Window::new(0, NOW + 1);
    let people = [
        person(100 * DAY, Some(110 * DAY)), // returned after 10 d
        person(200 * DAY, Some(230 * DAY)), // returned after 30 d
        person(300 * DAY, Some(500 * DAY)), // came back, but after 200 d
        person(400 * DAY, None),            // never came back
        person(950 * DAY, None),            // 50 d ago: pending
        person(980 * DAY, Some(981 * DAY)), // already back, still pending
    ];
    let s = second_contribution(&people, w, NOW);
    let c = s.conversion;
    assert_eq!((c.first_timers, c.returned, c.did_not_return, c.pending), (6, 2, 2, 2));
    assert_eq!(c.share, Some(0.5));
    // Gaps 10 d and 30 d: the nearest-rank median is the first, 10 d.
    assert_eq!(s.median_time_to_second, Some(10 * DAY));
    assert!(s.explain().inputs.contains(&("share", "50%".to_owned())));
}

#[test]
fn exactly_ninety_days_later_counts_as_returning_and_one_second_more_does_not() {
    let w = Window::new(0, NOW + 1);
    let people = [person(0, Some(RETURN_WITHIN)), person(DAY, Some(DAY + RETURN_WITHIN + 1))];
    let c = second_contribution(&people, w, NOW).conversion;
    assert_eq!((c.returned, c.did_not_return), (1, 1));
}

#[test]
fn the_ninety_days_are_over_exactly_ninety_days_after_the_first_contribution() {
    let w = Window::new(0, NOW + 1);
    let just_matured = person(NOW - RETURN_WITHIN, None);
    let one_second_short = person(NOW - RETURN_WITHIN + 1, None);
    let c = second_contribution(&[just_matured, one_second_short], w, NOW).conversion;
    assert_eq!((c.did_not_return, c.pending), (1, 1));
}

#[test]
fn a_second_contribution_after_now_or_before_the_first_is_ignored() {
    let w = Window::new(0, 2 * NOW);
    let people = [person(0, Some(10 * DAY)), person(NOW - 100 * DAY, Some(NOW + DAY)), person(5 * DAY, Some(DAY))];
    let c = second_contribution(&people, w, NOW).conversion;
    assert_eq!((c.returned, c.did_not_return), (1, 2));
}

#[test]
fn cohorts_are_calendar_months_clipped_to_the_window() {
    // Window 2026-01-15 → 2026-03-10, now 2026-09-01 (every cohort's 90 days are over).
    let w = Window::new(ts(2026, 1, 15), ts(2026, 3, 10));
    let now = ts(2026, 9, 1);
    let people = [
        person(ts(2026, 1, 10), Some(ts(2026, 1, 11))), // before the window
        person(ts(2026, 1, 20), Some(ts(2026, 2, 1))),  // January, returned
        person(ts(2026, 1, 31), None),                  // January, not returned
        person(ts(2026, 2, 1), Some(ts(2026, 7, 1))),   // February, returned too late
        person(ts(2026, 3, 9), Some(ts(2026, 3, 20))),  // March, returned
        person(ts(2026, 3, 10), Some(ts(2026, 3, 11))), // after the window
    ];
    let cohorts = monthly_cohorts(&people, w, now);
    let rows: Vec<(&str, u64, u64, Option<f64>)> = cohorts
        .iter()
        .map(|c| (c.month.as_str(), c.conversion.first_timers, c.conversion.returned, c.conversion.share))
        .collect();
    assert_eq!(rows, [("2026-01", 2, 1, Some(0.5)), ("2026-02", 1, 0, Some(0.0)), ("2026-03", 1, 1, Some(1.0))]);
    assert_eq!(cohorts[0].span, Window::new(ts(2026, 1, 15), ts(2026, 2, 1)));
    assert_eq!(cohorts[1].span, Window::new(ts(2026, 2, 1), ts(2026, 3, 1)));
    assert_eq!(cohorts[2].span, Window::new(ts(2026, 3, 1), ts(2026, 3, 10)));
    assert!(cohorts[0].explain().inputs[0].1.starts_with("2026-01"));
}

#[test]
fn a_recent_cohort_is_pending_with_no_share_rather_than_zero() {
    let w = Window::new(ts(2026, 5, 1), ts(2026, 6, 1));
    let people = [person(ts(2026, 5, 3), None), person(ts(2026, 5, 4), Some(ts(2026, 5, 5)))];
    let cohorts = monthly_cohorts(&people, w, ts(2026, 6, 1));
    assert_eq!(cohorts.len(), 1);
    let c = cohorts[0].conversion;
    assert_eq!((c.first_timers, c.pending, c.returned, c.share), (2, 2, 0, None));
}

#[test]
fn first_timer_merge_rate_counts_pull_requests_closed_in_the_window_and_open_ones_apart() {
    let w = Window::new(100 * DAY, 200 * DAY);
    let pr = |created: i64, merged: Option<i64>, closed: Option<i64>| FirstTimerPr {
        created_at: created * DAY,
        merged_at: merged.map(|d| d * DAY),
        closed_at: closed.map(|d| d * DAY),
    };
    let prs = [
        pr(110, Some(120), Some(120)), // merged
        pr(90, Some(105), None),       // merged, no close time recorded
        pr(120, None, Some(130)),      // closed without merge
        pr(130, None, None),           // open
        pr(150, None, Some(250)),      // open at the end of the window
        pr(10, Some(20), Some(20)),    // closed before the window
        pr(210, None, None),           // opened after the window
    ];
    let r = first_timer_merge_rate(&prs, w);
    assert_eq!((r.merged, r.closed_unmerged, r.open), (2, 1, 2));
    assert!((r.rate.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    assert!(r.explain().inputs.contains(&("rate", "67%".to_owned())));
}

#[test]
fn first_timers_and_regulars_get_separate_response_times_for_items_in_the_window() {
    let w = Window::new(10 * DAY, 100 * DAY);
    let item = |start: i64, resp: Option<i64>| ResponseItem {
        clock_start: start * DAY,
        first_response_at: resp.map(|r| r * DAY),
    };
    let first = [item(20, Some(24)), item(30, None), item(5, Some(6))];
    let regular = [item(20, Some(21))];
    let input =
        NewcomerInput { contributors: &[], first_timer_prs: &[], first_timer_items: &first, regular_items: &regular };
    let e = newcomer_experience(&input, w, 40 * DAY);
    // First-timers: answered after 4 d, one waiting 10 d; the day-5 item is outside the window.
    assert_eq!(e.first_timer_response.total, 2);
    assert_eq!(e.first_timer_response.median, Some(Quantile::Exactly(4 * DAY)));
    assert_eq!(e.regular_response.median, Some(Quantile::Exactly(DAY)));
    assert!(e.first_timer_response.scope.contains("first-time"));
}

#[test]
fn no_data_gives_empty_cohorts_and_no_ratios() {
    let input = NewcomerInput { contributors: &[], first_timer_prs: &[], first_timer_items: &[], regular_items: &[] };
    let e = newcomer_experience(&input, Window::new(ts(2026, 1, 1), ts(2026, 3, 1)), ts(2026, 6, 1));
    assert_eq!(e.cohorts.len(), 2);
    assert!(e.cohorts.iter().all(|c| c.conversion.first_timers == 0 && c.conversion.share.is_none()));
    assert_eq!((e.second_contribution.conversion.share, e.second_contribution.median_time_to_second), (None, None));
    assert_eq!((e.merge_rate.rate, e.first_timer_response.median), (None, None));
    assert!(e.explain().inputs.contains(&("share", "none".to_owned())));
    assert!(monthly_cohorts(&[], Window::new(10, 5), 0).is_empty());
    assert!(monthly_cohorts(&[], Window::new(i64::MAX - 10, i64::MAX), 0).is_empty());
}
