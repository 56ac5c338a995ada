//! Release Frequency (CHAOSS) and the project's lifecycle state.
//!
//! [`release_frequency`]: releases in the last 365 days, the median time between consecutive
//! releases in that period (nearest rank; needs two releases) and the time since the last release.
//! Releases stamped after `now` have not happened yet and are ignored.
//!
//! [`lifecycle_state`] applies [`LIFECYCLE_RULES`], the one place they are written down, in order,
//! the first that matches deciding; the result carries the rule as text with its numbers:
//! 1. **Archived** if the repository is archived.
//! 2. **Inert** if there was no contribution and no release in the last 365 days.
//! 3. **Declining** if contributions in the last 180 days are less than 50% of the 180 days before
//!    (never when the earlier period had none).
//! 4. **Active** if there were at least 10 contributions, or at least 1 release, in the last 90 days.
//! 5. **Stable** otherwise.
//!
//! Activity comes as weekly totals; a week counts in a period when its start (Sunday 00:00 UTC) falls
//! in it, so period edges are exact to the week. "Contribution" is whatever the caller totals
//! (commits, pull requests, issues, comments), bots excluded.

use serde::Serialize;

use super::definition::{Definition, Explain, fmt_days, fmt_opt};
use super::quantile::nearest_rank;
use super::time::{DAY, Window, week_start};

pub const RELEASE_FREQUENCY: Definition = Definition {
    name: "Release Frequency",
    formula: "releases in the last 365 days; median time between consecutive releases in that period (nearest \
              rank); time since the last release.",
    source: "https://chaoss.community/kb/metric-release-frequency/",
};

pub const LIFECYCLE_RULES: &str = "The first rule that matches decides: Archived if the repository is archived; Inert \
    if no contribution and no release in the last 365 days; Declining if contributions in the last 180 days are less \
    than 50% of those in the 180 days before; Active if at least 10 contributions or at least 1 release in the last 90 \
    days; Stable otherwise.";

pub const LIFECYCLE_STATE: Definition =
    Definition { name: "Lifecycle state", formula: LIFECYCLE_RULES, source: "Upkeep (metrics::release)" };

pub const INERT_AFTER: i64 = 365 * DAY;
pub const DECLINE_PERIOD: i64 = 180 * DAY;
pub const DECLINE_RATIO: f64 = 0.5;
pub const ACTIVE_PERIOD: i64 = 90 * DAY;
pub const ACTIVE_MIN_CONTRIBUTIONS: u64 = 10;
pub const ACTIVE_MIN_RELEASES: usize = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReleaseFrequency {
    pub releases_last_year: usize,
    /// Seconds between consecutive releases in the last 365 days; `None` with fewer than two.
    pub median_interval: Option<i64>,
    /// Seconds since the latest release; `None` when there has been none.
    pub since_last_release: Option<i64>,
}

impl ReleaseFrequency {
    pub fn explain(&self) -> Explain {
        RELEASE_FREQUENCY.explain(vec![
            ("releases in the last 365 days", self.releases_last_year.to_string()),
            ("median time between releases", fmt_opt(self.median_interval, fmt_days)),
            ("time since the last release", fmt_opt(self.since_last_release, fmt_days)),
        ])
    }
}

pub fn release_frequency(releases: &[i64], now: i64) -> ReleaseFrequency {
    let year = Window::trailing(now, 365 * DAY);
    let mut recent: Vec<i64> = releases.iter().copied().filter(|&t| year.contains(t)).collect();
    recent.sort_unstable();
    let mut intervals: Vec<i64> = recent.windows(2).map(|w| w[1] - w[0]).collect();
    intervals.sort_unstable();
    ReleaseFrequency {
        releases_last_year: recent.len(),
        median_interval: nearest_rank(&intervals, 0.5),
        since_last_release: releases.iter().copied().filter(|&t| t <= now).max().map(|t| now - t),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleState {
    Active,
    Stable,
    Declining,
    Inert,
    Archived,
}

impl std::fmt::Display for LifecycleState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Active => "active",
            Self::Stable => "stable",
            Self::Declining => "declining",
            Self::Inert => "inert",
            Self::Archived => "archived",
        })
    }
}

/// All contributions in one week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WeekActivity {
    pub week: i64,
    pub contributions: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LifecycleInput<'a> {
    pub archived: bool,
    pub weekly_activity: &'a [WeekActivity],
    pub releases: &'a [i64],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lifecycle {
    pub state: LifecycleState,
    /// The rule that decided, with its numbers.
    pub rule: String,
    pub contributions_last_90_days: u64,
    pub contributions_last_180_days: u64,
    pub contributions_previous_180_days: u64,
    pub contributions_last_365_days: u64,
    pub releases_last_90_days: usize,
    pub releases_last_365_days: usize,
}

impl Lifecycle {
    pub fn explain(&self) -> Explain {
        LIFECYCLE_STATE.explain(vec![
            ("contributions, last 90 days", self.contributions_last_90_days.to_string()),
            ("contributions, last 180 days", self.contributions_last_180_days.to_string()),
            ("contributions, the 180 days before", self.contributions_previous_180_days.to_string()),
            ("contributions, last 365 days", self.contributions_last_365_days.to_string()),
            ("releases, last 90 days", self.releases_last_90_days.to_string()),
            ("releases, last 365 days", self.releases_last_365_days.to_string()),
            ("decided by", self.rule.clone()),
        ])
    }
}

pub fn lifecycle_state(input: &LifecycleInput<'_>, now: i64) -> Lifecycle {
    let contributions = |w: Window| -> u64 {
        input.weekly_activity.iter().filter(|a| w.contains(week_start(a.week))).map(|a| a.contributions).sum()
    };
    let releases = |w: Window| input.releases.iter().filter(|&&t| w.contains(t)).count();
    let (last_90, last_180, last_365) = (
        Window::trailing(now, ACTIVE_PERIOD),
        Window::trailing(now, DECLINE_PERIOD),
        Window::trailing(now, INERT_AFTER),
    );
    let previous_180 = Window::new(now - 2 * DECLINE_PERIOD, last_180.from);
    let mut l = Lifecycle {
        state: LifecycleState::Stable,
        rule: String::new(),
        contributions_last_90_days: contributions(last_90),
        contributions_last_180_days: contributions(last_180),
        contributions_previous_180_days: contributions(previous_180),
        contributions_last_365_days: contributions(last_365),
        releases_last_90_days: releases(last_90),
        releases_last_365_days: releases(last_365),
    };
    (l.state, l.rule) = decide(&l, input.archived);
    l
}

fn decide(l: &Lifecycle, archived: bool) -> (LifecycleState, String) {
    let (c90, c180, prev) =
        (l.contributions_last_90_days, l.contributions_last_180_days, l.contributions_previous_180_days);
    let r90 = l.releases_last_90_days;
    if archived {
        return (LifecycleState::Archived, "Archived: the repository is archived.".to_owned());
    }
    if l.contributions_last_365_days == 0 && l.releases_last_365_days == 0 {
        return (LifecycleState::Inert, "Inert: no contribution and no release in the last 365 days.".to_owned());
    }
    if (c180 as f64) < DECLINE_RATIO * prev as f64 {
        let rule = format!(
            "Declining: {c180} contributions in the last 180 days, less than {:.0}% of the {prev} in the 180 days before.",
            DECLINE_RATIO * 100.0
        );
        return (LifecycleState::Declining, rule);
    }
    let counts = format!("{c90} contributions and {r90} releases in the last 90 days");
    let bar = format!("{ACTIVE_MIN_CONTRIBUTIONS} contributions or {ACTIVE_MIN_RELEASES} release");
    if c90 >= ACTIVE_MIN_CONTRIBUTIONS || r90 >= ACTIVE_MIN_RELEASES {
        (LifecycleState::Active, format!("Active: {counts} (at least {bar} needed)."))
    } else {
        (
            LifecycleState::Stable,
            format!("Stable: activity in the last 365 days, not declining; {counts} (Active needs {bar})."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::WEEK;

    const NOW: i64 = 1_704_585_600 + 1000 * WEEK; // a Sunday, 00:00 UTC

    /// `n` contributions in the week starting `weeks_ago` weeks before the current one.
    fn week(weeks_ago: i64, n: u64) -> WeekActivity {
        WeekActivity { week: NOW - weeks_ago * WEEK, contributions: n }
    }

    fn state(archived: bool, activity: &[WeekActivity], releases: &[i64]) -> Lifecycle {
        lifecycle_state(&LifecycleInput { archived, weekly_activity: activity, releases }, NOW)
    }

    #[test]
    fn release_frequency_looks_at_the_last_year() {
        let releases = [NOW - 10 * DAY, NOW - 100 * DAY, NOW - 40 * DAY, NOW - 400 * DAY, NOW + DAY];
        let f = release_frequency(&releases, NOW);
        // Intervals 100→40 = 60 d and 40→10 = 30 d; nearest-rank median of [30, 60] is 30.
        assert_eq!(
            f,
            ReleaseFrequency {
                releases_last_year: 3,
                median_interval: Some(30 * DAY),
                since_last_release: Some(10 * DAY)
            }
        );
    }

    #[test]
    fn a_repo_without_releases_has_no_interval_and_no_last_release() {
        let f = release_frequency(&[], NOW);
        assert_eq!(f, ReleaseFrequency { releases_last_year: 0, median_interval: None, since_last_release: None });
        assert_eq!(release_frequency(&[NOW - DAY], NOW).median_interval, None);
        assert!(f.explain().inputs.contains(&("time since the last release", "none".to_owned())));
    }

    #[test]
    fn an_archived_repo_is_archived_whatever_its_activity() {
        let l = state(true, &[week(0, 100)], &[NOW]);
        assert_eq!((l.state, l.rule.as_str()), (LifecycleState::Archived, "Archived: the repository is archived."));
    }

    #[test]
    fn an_empty_repo_is_inert() {
        let l = state(false, &[], &[]);
        assert_eq!(l.state, LifecycleState::Inert);
        assert_eq!(l.rule, "Inert: no contribution and no release in the last 365 days.");
    }

    #[test]
    fn a_release_alone_keeps_a_repo_from_being_inert() {
        let l = state(false, &[week(60, 30)], &[NOW - 200 * DAY]);
        assert_eq!(l.state, LifecycleState::Stable);
    }

    #[test]
    fn halved_activity_is_declining_even_when_still_busy() {
        // 40 in the earlier 180 days, 12 in the last 180 (all in the last 90 days).
        let l = state(false, &[week(30, 40), week(2, 12)], &[]);
        assert_eq!(l.state, LifecycleState::Declining);
        assert_eq!(
            l.rule,
            "Declining: 12 contributions in the last 180 days, less than 50% of the 40 in the 180 days before."
        );
    }

    #[test]
    fn exactly_half_is_not_declining() {
        let l = state(false, &[week(30, 40), week(2, 20)], &[]);
        assert_eq!(l.state, LifecycleState::Active);
        assert_eq!(
            l.rule,
            "Active: 20 contributions and 0 releases in the last 90 days (at least 10 contributions or 1 release needed)."
        );
    }

    #[test]
    fn one_recent_release_makes_a_quiet_repo_active() {
        let l = state(false, &[week(2, 1)], &[NOW - 30 * DAY]);
        assert_eq!((l.state, l.releases_last_90_days), (LifecycleState::Active, 1));
    }

    #[test]
    fn a_one_person_repo_with_steady_light_activity_is_stable() {
        let activity: Vec<WeekActivity> = (0..52).map(|w| week(w, if w % 2 == 0 { 1 } else { 0 })).collect();
        let l = state(false, &activity, &[]);
        assert_eq!(l.state, LifecycleState::Stable, "{}", l.rule);
        assert!(l.rule.starts_with("Stable: activity in the last 365 days, not declining; 7 contributions"));
    }
}
