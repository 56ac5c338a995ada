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

use super::numbers::{OpenIssues, ReportNumbers};
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
mod tests;
