//! Impact report maths: which period a report covers, the before/after windows around it, and
//! the plain-language summary paragraph written from the numbers.
//!
//! The paragraph states only what the numbers say: counts with correct singular and plural, and
//! a change called "improved", "worsened" or "held steady" only by these explicit thresholds:
//! - median time to first response: a change counts when it is at least
//!   [`RESPONSE_CHANGE_RATIO`] of the earlier median *and* at least [`RESPONSE_CHANGE_MIN`] seconds;
//!   faster is improved, slower is worsened, anything smaller held steady;
//! - open-issue backlog: a change counts when it is more than [`BACKLOG_CHANGE_RATIO`] of the
//!   backlog at the start (any change counts from an empty backlog); shrinking is improved.
//!
//! Nothing is attributed to the funding: the paragraph says what happened during the period, not
//! why. Not here: computing the numbers (`metrics`, the ledger) or rendering (`web`).

use std::collections::BTreeMap;

use chrono::{DateTime, Months};

use super::grants::Grant;
use super::ledger::Source;
use super::money::Totals;
use crate::metrics::{DAY, Window};

/// A first-response change smaller than this share of the earlier median is "held steady".
pub const RESPONSE_CHANGE_RATIO: f64 = 0.10;
/// A first-response change smaller than this (one hour) is "held steady".
pub const RESPONSE_CHANGE_MIN: i64 = 3_600;
/// A backlog change of at most this share of the starting backlog is "held steady".
pub const BACKLOG_CHANGE_RATIO: f64 = 0.05;

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

/// Equal-length windows around the period start: `after` is `[start, start + len)` with `len`
/// the period's length clipped so it ends by `now` (exclusive `now + 1`), and `before` is
/// `[start − len, start)` of the same clipped length, so counts compare like with like.
/// A period starting after `now` gives two empty windows at its start.
pub fn before_after(period: Window, now: i64) -> (Window, Window) {
    let start = period.from;
    let len = (period.to.min(now + 1) - start).max(0);
    (Window::new(start - len, start), Window::new(start, start + len))
}

/// The numbers a summary paragraph is written from. Counts are for the `period`; the medians are
/// for the `before` and `after` windows of [`before_after`].
#[derive(Debug, Clone, PartialEq)]
pub struct ReportNumbers {
    pub period: Window,
    pub merged_prs: u64,
    pub closed_issues: u64,
    pub releases: u64,
    pub new_contributors: u64,
    /// Of the new contributors, how many contributed again.
    pub returning_first_timers: u64,
    /// Median time to first response in seconds, before and after the period start.
    pub first_response_before: Option<i64>,
    pub first_response_after: Option<i64>,
    /// Open issues at the start and at the end of the period.
    pub backlog_start: Option<u64>,
    pub backlog_end: Option<u64>,
    /// Change request closure ratio (closed per opened) over the period.
    pub closure_ratio: Option<f64>,
    pub active_maintainers: u64,
    pub received: BTreeMap<Source, Totals>,
}

impl ReportNumbers {
    /// All counts zero and nothing else known, for `period`.
    pub fn empty(period: Window) -> Self {
        ReportNumbers {
            period,
            merged_prs: 0,
            closed_issues: 0,
            releases: 0,
            new_contributors: 0,
            returning_first_timers: 0,
            first_response_before: None,
            first_response_after: None,
            backlog_start: None,
            backlog_end: None,
            closure_ratio: None,
            active_maintainers: 0,
            received: BTreeMap::new(),
        }
    }
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

fn response_sentence(n: &ReportNumbers) -> String {
    let (Some(before), Some(after)) = (n.first_response_before, n.first_response_after) else {
        return "There is not enough data to compare the median time to first response before and during the period."
            .to_owned();
    };
    let threshold = ((before as f64 * RESPONSE_CHANGE_RATIO).ceil() as i64).max(RESPONSE_CHANGE_MIN);
    let (b, a) = (duration(before), duration(after));
    if before - after >= threshold {
        format!("The median time to first response improved from {b} before the period to {a} during it.")
    } else if after - before >= threshold {
        format!("The median time to first response worsened from {b} before the period to {a} during it.")
    } else {
        format!("The median time to first response held steady ({b} before the period, {a} during it).")
    }
}

fn backlog_sentence(start: u64, end: u64) -> String {
    let issues = |n| count(n, "open issue", "open issues");
    let change = end.abs_diff(start);
    if change == 0 {
        format!("The open-issue backlog held steady at {}.", issues(end))
    } else if change as f64 <= start as f64 * BACKLOG_CHANGE_RATIO {
        format!("The open-issue backlog held steady, from {start} to {}.", issues(end))
    } else if end < start {
        format!("The open-issue backlog improved, shrinking from {start} to {}.", issues(end))
    } else {
        format!("The open-issue backlog worsened, growing from {start} to {}.", issues(end))
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

/// The paragraph, sentence by sentence: output, newcomers, responsiveness, backlog (when known),
/// closure ratio (when known), active maintainers, money received.
pub fn summary_paragraph(n: &ReportNumbers) -> String {
    let mut sentences = vec![output_sentence(n), newcomer_sentence(n), response_sentence(n)];
    if let (Some(start), Some(end)) = (n.backlog_start, n.backlog_end) {
        sentences.push(backlog_sentence(start, end));
    }
    if let Some(ratio) = n.closure_ratio {
        sentences.push(format!(
            "The change request closure ratio was {ratio:.2} (pull requests closed per pull request opened)."
        ));
    }
    sentences.push(match n.active_maintainers {
        0 => "No maintainer was active.".to_owned(),
        1 => "1 maintainer was active.".to_owned(),
        m => format!("{m} maintainers were active."),
    });
    sentences.push(money_sentence(&n.received));
    sentences.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funding::money::{Currency, Money};
    use chrono::NaiveDate;

    /// 2026-01-01 00:00 UTC.
    const JAN_2026: i64 = 1_767_225_600;
    const YEAR: i64 = 365 * DAY;

    fn grant(start: &str, end: &str) -> Grant {
        Grant {
            funder: "STF".to_owned(),
            amount: Money::new(100, Currency::USD),
            start: start.parse::<NaiveDate>().unwrap(),
            end: end.parse::<NaiveDate>().unwrap(),
            repos: vec![],
            purpose: String::new(),
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

    fn numbers() -> ReportNumbers {
        ReportNumbers::empty(Window::new(JAN_2026, JAN_2026 + YEAR))
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
            first_response_before: Some(4 * DAY),
            first_response_after: Some(DAY + DAY / 2),
            backlog_start: Some(120),
            backlog_end: Some(95),
            closure_ratio: Some(0.9),
            active_maintainers: 3,
            received: [(Source::OpenCollective, eur_and_usd), (Source::Grant, usd(1_200_000))].into_iter().collect(),
            ..numbers()
        };
        assert_eq!(
            summary_paragraph(&n),
            "From 2026-01-01 to 2026-12-31, 42 pull requests were merged, 1 issue was closed and 3 releases were published. \
             5 people made a first contribution, and 2 of them contributed again. \
             The median time to first response improved from 4.0 days before the period to 36 hours during it. \
             The open-issue backlog improved, shrinking from 120 to 95 open issues. \
             The change request closure ratio was 0.90 (pull requests closed per pull request opened). \
             3 maintainers were active. \
             Money received in the period: 200.00 EUR and 45.00 USD from Open Collective; 12,000.00 USD from grants."
        );
    }

    #[test]
    fn a_worsening_period_reads_as_worsened() {
        let n = ReportNumbers {
            merged_prs: 1,
            releases: 1,
            new_contributors: 1,
            first_response_before: Some(2 * 3_600),
            first_response_after: Some(5 * 3_600),
            backlog_start: Some(10),
            backlog_end: Some(11),
            active_maintainers: 1,
            ..numbers()
        };
        assert_eq!(
            summary_paragraph(&n),
            "From 2026-01-01 to 2026-12-31, 1 pull request was merged, no issues were closed and 1 release was published. \
             1 person made a first contribution and has not contributed again. \
             The median time to first response worsened from 2 hours before the period to 5 hours during it. \
             The open-issue backlog worsened, growing from 10 to 11 open issues. \
             1 maintainer was active. \
             No money received is recorded for this period."
        );
    }

    #[test]
    fn small_changes_below_the_thresholds_hold_steady() {
        let n = ReportNumbers {
            first_response_before: Some(10 * DAY),
            first_response_after: Some(10 * DAY - 20 * 3_600),
            backlog_start: Some(100),
            backlog_end: Some(105),
            ..numbers()
        };
        let text = summary_paragraph(&n);
        assert!(
            text.contains(
                "The median time to first response held steady (10.0 days before the period, 9.2 days during it)."
            ),
            "{text}"
        );
        assert!(text.contains("The open-issue backlog held steady, from 100 to 105 open issues."), "{text}");
    }

    #[test]
    fn a_period_without_data_says_so_and_claims_nothing() {
        assert_eq!(
            summary_paragraph(&numbers()),
            "From 2026-01-01 to 2026-12-31, no pull requests were merged, no issues were closed and no releases were published. \
             No one made a first contribution. \
             There is not enough data to compare the median time to first response before and during the period. \
             No maintainer was active. \
             No money received is recorded for this period."
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
