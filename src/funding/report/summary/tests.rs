//! Tests of the summary paragraph: each sentence and threshold on hand-built report numbers.

use super::super::tests::{JAN_2026, YEAR};
use super::super::{BeforeAfter, ReportNumbers};
use super::*;
use crate::funding::money::{Currency, Money};
use crate::metrics::Window;

/// A calendar-year period, looked at a year after it ended.
fn numbers() -> ReportNumbers {
    ReportNumbers::empty(Window::new(JAN_2026, JAN_2026 + YEAR), JAN_2026 + 2 * YEAR)
}

fn both<T>(before: T, after: T) -> BeforeAfter<T> {
    BeforeAfter::new(before, after)
}

fn open(start: u64, end: u64) -> Option<OpenIssues> {
    Some(OpenIssues { start, end })
}

#[test]
fn an_improving_period_reads_as_improved() {
    let usd = |cents| [Money::new(cents, Currency::USD)].into_iter().collect::<Totals>();
    let eur_and_usd = [Money::new(20_000, Currency::EUR), Money::new(4_500, Currency::USD)].into_iter().collect();
    let n = ReportNumbers {
        merged_prs: 42,
        closed_issues: 1,
        releases: 3,
        new_contributors: 5,
        returning_first_timers: 2,
        first_response: both(Some(Quantile::Exactly(4 * DAY)), Some(Quantile::Exactly(DAY + DAY / 2))),
        open_issues: both(open(100, 120), open(120, 95)),
        closure_ratio: both(Some(0.6), Some(0.9)),
        active_maintainers: both(Some(2), Some(3)),
        received: [(Source::OpenCollective, eur_and_usd), (Source::Grant, usd(1_200_000))].into_iter().collect(),
        ..numbers()
    };
    assert_eq!(
        summary_paragraph(&n),
        "From 2026-01-01 to 2026-12-31, 42 pull requests were merged, 1 issue was closed and 3 releases were published. \
         5 people made a first contribution, and 2 of them contributed again. \
         Each comparison below sets the 365 days of the period against the 365 days before it. \
         The median time to first response improved from 4.0 days before the period to 36 hours during it. \
         The open-issue backlog improved during the period, shrinking from 120 to 95 open issues; in the same length of time before, it grew from 100 to 120. \
         The change request closure ratio (pull requests closed per pull request opened) rose from 0.60 before the period to 0.90 during it. \
         3 maintainers were active during the period, against 2 in the same length of time before it. \
         Money received in the period: 200.00 EUR and 45.00 USD from Open Collective; 12,000.00 USD from grants."
    );
}

#[test]
fn a_worsening_period_reads_as_worsened() {
    let n = ReportNumbers {
        merged_prs: 1,
        releases: 1,
        new_contributors: 1,
        first_response: both(Some(Quantile::Exactly(2 * 3_600)), Some(Quantile::Exactly(5 * 3_600))),
        open_issues: both(open(12, 10), open(10, 11)),
        closure_ratio: both(Some(1.0), Some(0.5)),
        active_maintainers: both(Some(1), Some(1)),
        ..numbers()
    };
    assert_eq!(
        summary_paragraph(&n),
        "From 2026-01-01 to 2026-12-31, 1 pull request was merged, no issues were closed and 1 release was published. \
         1 person made a first contribution and has not contributed again. \
         Each comparison below sets the 365 days of the period against the 365 days before it. \
         The median time to first response worsened from 2 hours before the period to 5 hours during it. \
         The open-issue backlog worsened during the period, growing from 10 to 11 open issues; in the same length of time before, it shrank from 12 to 10. \
         The change request closure ratio (pull requests closed per pull request opened) fell from 1.00 before the period to 0.50 during it. \
         1 maintainer was active during the period, against 1 in the same length of time before it. \
         No money received is recorded for this period."
    );
}

#[test]
fn small_changes_below_the_thresholds_hold_steady() {
    let n = ReportNumbers {
        first_response: both(Some(Quantile::Exactly(10 * DAY)), Some(Quantile::Exactly(10 * DAY - 20 * 3_600))),
        open_issues: both(open(100, 100), open(100, 105)),
        closure_ratio: both(Some(0.751), Some(0.749)),
        ..numbers()
    };
    let text = summary_paragraph(&n);
    assert!(
        text.contains(
            "The median time to first response held steady (10.0 days before the period, 9.2 days during it)."
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "The open-issue backlog held steady during the period, from 100 to 105 open issues; \
             in the same length of time before, it stayed at 100."
        ),
        "{text}"
    );
    assert!(text.contains("closed per pull request opened) was 0.75 both before and during the period."), "{text}");
}

#[test]
fn a_period_without_data_says_so_and_claims_nothing() {
    assert_eq!(
        summary_paragraph(&numbers()),
        "From 2026-01-01 to 2026-12-31, no pull requests were merged, no issues were closed and no releases were published. \
         No one made a first contribution. \
         Each comparison below sets the 365 days of the period against the 365 days before it. \
         There is not enough data to compare the median time to first response before and during the period. \
         There is not enough data to compare the open-issue backlog before and during the period. \
         There is not enough data to compare the change request closure ratio before and during the period (no pull requests were opened during it). \
         There is not enough data to compare active maintainers before and during the period. \
         No money received is recorded for this period."
    );
}

#[test]
fn a_missing_before_side_is_named_and_the_during_side_still_stated() {
    let n = ReportNumbers {
        first_response: both(None, Some(Quantile::Exactly(3_600))),
        open_issues: both(None, open(0, 4)),
        closure_ratio: both(None, Some(0.5)),
        active_maintainers: both(None, Some(0)),
        ..numbers()
    };
    let text = summary_paragraph(&n);
    for expected in [
        "There is not enough data to compare the median time to first response before and during the period.",
        "The open-issue backlog worsened during the period, growing from 0 to 4 open issues; there is not enough \
         data for the same length of time before it.",
        "opened) was 0.50 during the period; there is not enough data for the same length of time before it.",
        "No maintainer was active during the period; there is not enough data for the same length of time before it.",
    ] {
        assert!(text.contains(expected), "{expected}\nin\n{text}");
    }
}

#[test]
fn a_lower_bound_median_names_a_change_only_when_the_bound_proves_it() {
    let with = |before, after| ReportNumbers { first_response: both(Some(before), Some(after)), ..numbers() };
    let text = summary_paragraph(&with(Quantile::Exactly(3_600), Quantile::MoreThan(10 * DAY)));
    assert!(text.contains("worsened from 1 hour before the period to more than 10.0 days during it."), "{text}");
    let text = summary_paragraph(&with(Quantile::MoreThan(10 * DAY), Quantile::Exactly(3_600)));
    assert!(text.contains("improved from more than 10.0 days before the period to 1 hour during it."), "{text}");
    let text = summary_paragraph(&with(Quantile::Exactly(10 * DAY), Quantile::MoreThan(3 * DAY)));
    assert!(
        text.contains(
            "was 10.0 days before the period and more than 3.0 days during it; more than half of the items are \
             still unanswered, so the change cannot be measured."
        ),
        "{text}"
    );
}

#[test]
fn a_running_period_and_a_future_one_say_what_is_compared() {
    let period = Window::new(JAN_2026, JAN_2026 + YEAR);
    let running = ReportNumbers::empty(period, JAN_2026 + 90 * DAY - 1);
    assert!(
        summary_paragraph(&running).contains(
            "The period is still running, so each comparison below sets its first 90 days (up to today) \
             against the 90 days before it."
        ),
        "{}",
        summary_paragraph(&running)
    );
    let future = ReportNumbers::empty(period, JAN_2026 - DAY);
    assert!(
        summary_paragraph(&future).contains("The period starts on 2026-01-01, so there is nothing to compare yet.")
    );
}

#[test]
fn durations_read_naturally() {
    assert_eq!(duration(10), "under a minute");
    assert_eq!(duration(60), "1 minute");
    assert_eq!(duration(3_600), "1 hour");
    assert_eq!(duration(47 * 3_600), "47 hours");
    assert_eq!(duration(3 * DAY + DAY / 2), "3.5 days");
}
