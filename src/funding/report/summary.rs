//! The plain-language summary paragraph of an impact report, written from [`ReportNumbers`].
//!
//! The paragraph states only what the numbers say: counts with correct singular and plural, the
//! windows being compared, and each before/after measure with "not enough data" when a side is
//! missing. A change is called "improved", "worsened" or "held steady" only for these two
//! measures, by these explicit thresholds:
//! - median time to first response: a change counts when it is at least
//!   [`RESPONSE_CHANGE_RATIO`] of the earlier median *and* at least [`RESPONSE_CHANGE_MIN`] seconds;
//!   faster is improved, slower is worsened, anything smaller held steady. When more than half of
//!   a window's items are still unanswered its median is only a lower bound ("more than …"), and
//!   a change is named only when the bound alone proves it;
//! - open-issue backlog during the period: a change counts when it is more than
//!   [`BACKLOG_CHANGE_RATIO`] of the backlog at the period start (any change counts from an empty
//!   backlog); shrinking is improved. The window before is described without a verdict.
//!
//! The closure ratio and active maintainers are stated as "rose", "fell" or "stayed", without a
//! verdict: more is not always better. Nothing is attributed to the funding.

use std::collections::BTreeMap;

use chrono::DateTime;

use super::{OpenIssues, ReportNumbers};
use crate::funding::ledger::Source;
use crate::funding::money::Totals;
use crate::metrics::{DAY, Quantile};

/// A first-response change smaller than this share of the earlier median is "held steady".
pub const RESPONSE_CHANGE_RATIO: f64 = 0.10;
/// A first-response change smaller than this (one hour) is "held steady".
pub const RESPONSE_CHANGE_MIN: i64 = 3_600;
/// A backlog change of at most this share of the starting backlog is "held steady".
pub const BACKLOG_CHANGE_RATIO: f64 = 0.05;

/// What the paragraph says when a side of a comparison is missing.
const NOT_ENOUGH_BEFORE: &str = "there is not enough data for the same length of time before it";

/// The paragraph, sentence by sentence: outputs, newcomers, the windows compared,
/// responsiveness, backlog, closure ratio, active maintainers, money received.
pub fn summary_paragraph(n: &ReportNumbers) -> String {
    [
        output_sentence(n),
        newcomer_sentence(n),
        window_sentence(n),
        response_sentence(n),
        backlog_sentence(n),
        closure_sentence(n),
        maintainer_sentence(n),
        money_sentence(&n.received),
    ]
    .join(" ")
}

/// `1 release` / `3 releases`.
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `no pull requests were merged`, `1 pull request was merged`, `2 pull requests were merged`.
fn happened(n: u64, one: &str, many: &str, verb: &str) -> String {
    match n {
        0 => format!("no {many} were {verb}"),
        1 => format!("1 {one} was {verb}"),
        n => format!("{n} {many} were {verb}"),
    }
}

/// `45 minutes`, `5 hours`, `3.5 days`.
fn duration(secs: i64) -> String {
    match secs {
        s if s < 30 => "under a minute".to_owned(),
        s if s < 3_600 => count(((s + 30) / 60) as u64, "minute", "minutes"),
        s if s < 48 * 3_600 => count(((s + 1_800) / 3_600) as u64, "hour", "hours"),
        s => format!("{:.1} days", s as f64 / DAY as f64),
    }
}

/// `36 hours`, or `more than 70.0 days` for a median that is only a lower bound.
fn median(q: Quantile) -> String {
    match q {
        Quantile::Exactly(s) => duration(s),
        Quantile::MoreThan(s) => format!("more than {}", duration(s)),
    }
}

fn date(ts: i64) -> String {
    DateTime::from_timestamp(ts, 0).map_or_else(|| ts.to_string(), |t| t.format("%Y-%m-%d").to_string())
}

fn output_sentence(n: &ReportNumbers) -> String {
    format!(
        "From {} to {}, {}, {} and {}.",
        date(n.period.from),
        date(n.period.to - 1),
        happened(n.merged_prs, "pull request", "pull requests", "merged"),
        happened(n.closed_issues, "issue", "issues", "closed"),
        happened(n.releases, "release", "releases", "published"),
    )
}

fn newcomer_sentence(n: &ReportNumbers) -> String {
    match (n.new_contributors, n.returning_first_timers) {
        (0, _) => "No one made a first contribution.".to_owned(),
        (1, 0) => "1 person made a first contribution and has not contributed again.".to_owned(),
        (1, _) => "1 person made a first contribution and contributed again.".to_owned(),
        (new, 0) => format!("{new} people made a first contribution, and none of them has contributed again."),
        (new, back) => format!("{new} people made a first contribution, and {back} of them contributed again."),
    }
}

/// Which stretches of time the comparisons set against each other.
fn window_sentence(n: &ReportNumbers) -> String {
    let len = n.after.duration();
    if len == 0 {
        return format!("The period starts on {}, so there is nothing to compare yet.", date(n.period.from));
    }
    let days = count(((len + DAY / 2) / DAY) as u64, "day", "days");
    if n.after.to < n.period.to {
        format!(
            "The period is still running, so each comparison below sets its first {days} (up to today) against the \
             {days} before it."
        )
    } else {
        format!("Each comparison below sets the {days} of the period against the {days} before it.")
    }
}

fn response_sentence(n: &ReportNumbers) -> String {
    let (Some(before), Some(after)) = (n.first_response.before, n.first_response.after) else {
        return "There is not enough data to compare the median time to first response before and during the period."
            .to_owned();
    };
    let threshold = ((before.secs() as f64 * RESPONSE_CHANGE_RATIO).ceil() as i64).max(RESPONSE_CHANGE_MIN);
    let (b, a) = (median(before), median(after));
    // A lower bound ("more than x") proves a change only in one direction: the bounded side is
    // slower than x at least.
    let faster = before.secs() - after.secs() >= threshold && after.is_exact();
    let slower = after.secs() - before.secs() >= threshold && before.is_exact();
    if faster {
        format!("The median time to first response improved from {b} before the period to {a} during it.")
    } else if slower {
        format!("The median time to first response worsened from {b} before the period to {a} during it.")
    } else if before.is_exact() && after.is_exact() {
        format!("The median time to first response held steady ({b} before the period, {a} during it).")
    } else {
        format!(
            "The median time to first response was {b} before the period and {a} during it; more than half of \
             the items are still unanswered, so the change cannot be measured."
        )
    }
}

/// `grew from 2 to 4`, `shrank from 4 to 2`, `stayed at 4` (no verdict).
fn moved(o: OpenIssues) -> String {
    match o.end.cmp(&o.start) {
        std::cmp::Ordering::Equal => format!("stayed at {}", o.end),
        std::cmp::Ordering::Greater => format!("grew from {} to {}", o.start, o.end),
        std::cmp::Ordering::Less => format!("shrank from {} to {}", o.start, o.end),
    }
}

fn backlog_sentence(n: &ReportNumbers) -> String {
    let Some(during) = n.open_issues.after else {
        return "There is not enough data to compare the open-issue backlog before and during the period.".to_owned();
    };
    let (start, end) = (during.start, during.end);
    let issues = |n| count(n, "open issue", "open issues");
    let change = end.abs_diff(start);
    let verdict = if change == 0 {
        format!("The open-issue backlog held steady during the period at {}", issues(end))
    } else if change as f64 <= start as f64 * BACKLOG_CHANGE_RATIO {
        format!("The open-issue backlog held steady during the period, from {start} to {}", issues(end))
    } else if end < start {
        format!("The open-issue backlog improved during the period, shrinking from {start} to {}", issues(end))
    } else {
        format!("The open-issue backlog worsened during the period, growing from {start} to {}", issues(end))
    };
    match n.open_issues.before {
        Some(before) => format!("{verdict}; in the same length of time before, it {}.", moved(before)),
        None => format!("{verdict}; {NOT_ENOUGH_BEFORE}."),
    }
}

fn closure_sentence(n: &ReportNumbers) -> String {
    const WHAT: &str = "The change request closure ratio (pull requests closed per pull request opened)";
    let fmt = |r: f64| format!("{r:.2}");
    match (n.closure_ratio.before, n.closure_ratio.after) {
        (Some(b), Some(a)) if fmt(b) == fmt(a) => format!("{WHAT} was {} both before and during the period.", fmt(a)),
        (Some(b), Some(a)) => {
            let verb = if a > b { "rose" } else { "fell" };
            format!("{WHAT} {verb} from {} before the period to {} during it.", fmt(b), fmt(a))
        }
        (None, Some(a)) => format!("{WHAT} was {} during the period; {NOT_ENOUGH_BEFORE}.", fmt(a)),
        (_, None) => {
            "There is not enough data to compare the change request closure ratio before and during the period \
             (no pull requests were opened during it)."
                .to_owned()
        }
    }
}

fn maintainer_sentence(n: &ReportNumbers) -> String {
    let Some(after) = n.active_maintainers.after else {
        return "There is not enough data to compare active maintainers before and during the period.".to_owned();
    };
    let during = match after {
        0 => "No maintainer was active during the period".to_owned(),
        1 => "1 maintainer was active during the period".to_owned(),
        m => format!("{m} maintainers were active during the period"),
    };
    match n.active_maintainers.before {
        Some(before) => format!("{during}, against {before} in the same length of time before it."),
        None => format!("{during}; {NOT_ENOUGH_BEFORE}."),
    }
}

fn money_sentence(received: &BTreeMap<Source, Totals>) -> String {
    let parts: Vec<String> = received
        .iter()
        .filter(|(_, totals)| !totals.is_empty())
        .map(|(source, totals)| match source {
            Source::FundingJson => format!("{totals} declared in funding.json"),
            source => format!("{totals} from {source}"),
        })
        .collect();
    if parts.is_empty() {
        "No money received is recorded for this period.".to_owned()
    } else {
        format!("Money received in the period: {}.", parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
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
}
