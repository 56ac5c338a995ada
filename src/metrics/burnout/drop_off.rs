//! Burnout signal: an abrupt drop-off after sustained activity.
//!
//! A person is flagged when, in the [`DROP_OFF_HISTORY_WEEKS`] weeks before the recent period,
//! they were active (at least one contribution) in at least [`DROP_OFF_MIN_ACTIVE_WEEKS`] weeks and
//! averaged at least [`DROP_OFF_MIN_WEEKLY_AVERAGE`] contributions a week (the average is over all
//! history weeks, active or not), and their total in the [`RECENT_WEEKS`] recent weeks is **below**
//! [`DROP_OFF_MAX_RECENT_FRACTION`] of `RECENT_WEEKS × average` (exactly that fraction is not a
//! drop-off). Contributions in the current, incomplete week are not looked at.

use std::collections::BTreeMap;

use serde::Serialize;

use super::period::{RECENT_WEEKS, SOURCE, weeks_before};
use crate::metrics::definition::Definition;
use crate::metrics::time::{Window, week_start};

pub const DROP_OFF_HISTORY_WEEKS: i64 = 12;
pub const DROP_OFF_MIN_ACTIVE_WEEKS: usize = 8;
pub const DROP_OFF_MIN_WEEKLY_AVERAGE: f64 = 3.0;
pub const DROP_OFF_MAX_RECENT_FRACTION: f64 = 0.25;

pub const DROP_OFF: Definition = Definition {
    name: "Project Burnout: abrupt drop-off after sustained activity",
    formula: "a person active in most weeks of the history period, with a high weekly average there, whose total in \
              the recent period is below a fraction of what that average predicts (thresholds in the evidence).",
    source: SOURCE,
};

/// One person's contributions (any kind) in one week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContributionWeek {
    pub week: i64,
    pub login: String,
    pub contributions: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DropOff {
    pub login: String,
    pub history: Window,
    pub recent: Window,
    pub active_weeks: usize,
    pub weekly_average_before: f64,
    pub recent_total: u64,
    pub evidence: String,
}

pub fn abrupt_drop_offs(rows: &[ContributionWeek], now: i64) -> Vec<DropOff> {
    let recent = weeks_before(now, 0, RECENT_WEEKS);
    let history = weeks_before(now, RECENT_WEEKS, DROP_OFF_HISTORY_WEEKS);
    // Per lowercase login: the first spelling seen, history counts per week, the recent total.
    let mut people: BTreeMap<String, (&str, BTreeMap<i64, u64>, u64)> = BTreeMap::new();
    for r in rows {
        let e = people.entry(r.login.to_ascii_lowercase()).or_insert_with(|| (&r.login, BTreeMap::new(), 0));
        let week = week_start(r.week);
        if history.contains(week) {
            *e.1.entry(week).or_default() += r.contributions;
        } else if recent.contains(week) {
            e.2 += r.contributions;
        }
    }
    people
        .into_values()
        .filter_map(|(login, weeks, recent_total)| {
            let active_weeks = weeks.values().filter(|&&n| n > 0).count();
            let average = weeks.values().sum::<u64>() as f64 / DROP_OFF_HISTORY_WEEKS as f64;
            let bar = DROP_OFF_MAX_RECENT_FRACTION * RECENT_WEEKS as f64 * average;
            let sustained = active_weeks >= DROP_OFF_MIN_ACTIVE_WEEKS && average >= DROP_OFF_MIN_WEEKLY_AVERAGE;
            (sustained && (recent_total as f64) < bar).then(|| DropOff {
                evidence: evidence(login, active_weeks, average, recent_total, bar),
                login: login.to_owned(),
                history,
                recent,
                active_weeks,
                weekly_average_before: average,
                recent_total,
            })
        })
        .collect()
}

fn evidence(login: &str, active_weeks: usize, average: f64, recent_total: u64, bar: f64) -> String {
    format!(
        "{login} was active in {active_weeks} of the {DROP_OFF_HISTORY_WEEKS} weeks before the last {RECENT_WEEKS} (at \
         least {DROP_OFF_MIN_ACTIVE_WEEKS} required), averaging {average:.1} contributions a week (at least \
         {DROP_OFF_MIN_WEEKLY_AVERAGE:.1} required); in the last {RECENT_WEEKS} weeks: {recent_total} contributions, \
         below {:.0}% of {RECENT_WEEKS} × {average:.1} = {bar:.1}.",
        DROP_OFF_MAX_RECENT_FRACTION * 100.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::time::{DAY, WEEK};

    const SUNDAY: i64 = 1_704_585_600; // 2024-01-07
    /// A Tuesday: the recent period is weeks 12–15, the history weeks 0–11.
    const NOW: i64 = SUNDAY + 16 * WEEK + 2 * DAY;

    fn weeks(login: &str, counts: &[(i64, u64)]) -> Vec<ContributionWeek> {
        counts
            .iter()
            .map(|&(w, n)| ContributionWeek { week: SUNDAY + w * WEEK, login: login.to_owned(), contributions: n })
            .collect()
    }

    fn history(per_week: u64, active: i64) -> Vec<(i64, u64)> {
        (0..active).map(|w| (w, per_week)).collect()
    }

    #[test]
    fn a_sustained_contributor_who_goes_quiet_is_flagged_with_evidence() {
        // 10 active weeks × 4 = 40, average 3.33 a week; bar = 25% of 4 × 3.33 = 3.33; recent 2.
        let mut rows = weeks("ann", &history(4, 10));
        rows.extend(weeks("ann", &[(13, 2)]));
        let found = abrupt_drop_offs(&rows, NOW);
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!((d.login.as_str(), d.active_weeks, d.recent_total), ("ann", 10, 2));
        assert!((d.weekly_average_before - 40.0 / 12.0).abs() < 1e-12);
        assert_eq!(
            d.evidence,
            "ann was active in 10 of the 12 weeks before the last 4 (at least 8 required), averaging 3.3 \
             contributions a week (at least 3.0 required); in the last 4 weeks: 2 contributions, below 25% of 4 × \
             3.3 = 3.3."
        );
    }

    #[test]
    fn exactly_a_quarter_of_the_usual_is_not_a_drop_off() {
        // Average exactly 3.0, bar exactly 3: a recent total of 3 is not below it, 2 is.
        let mut steady = weeks("cat", &history(3, 12));
        steady.extend(weeks("cat", &[(12, 3)]));
        assert!(abrupt_drop_offs(&steady, NOW).is_empty());
        let mut dropped = weeks("cat", &history(3, 12));
        dropped.extend(weeks("cat", &[(12, 2)]));
        assert_eq!(abrupt_drop_offs(&dropped, NOW).len(), 1);
    }

    #[test]
    fn occasional_or_light_contributors_are_not_flagged() {
        let mut rows = weeks("ben", &history(10, 7)); // busy but only 7 active weeks
        rows.extend(weeks("dan", &history(2, 12))); // every week but averaging 2
        assert!(abrupt_drop_offs(&rows, NOW).is_empty());
    }

    #[test]
    fn the_current_incomplete_week_does_not_count_as_recent() {
        let mut rows = weeks("ann", &history(4, 12));
        rows.extend(weeks("ann", &[(16, 50)])); // this week, after NOW's Sunday
        assert_eq!(abrupt_drop_offs(&rows, NOW)[0].recent_total, 0);
    }

    #[test]
    fn one_login_in_two_spellings_is_one_person() {
        let mut rows = weeks("Ann", &history(2, 12));
        rows.extend(weeks("ann", &history(2, 12)));
        let found = abrupt_drop_offs(&rows, NOW);
        assert_eq!((found.len(), found[0].login.as_str()), (1, "Ann"));
    }
}
