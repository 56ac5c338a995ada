//! Inactive Contributors (CHAOSS Evolution): who is still around, who is drifting away, who is gone.
//!
//! From each contributor's last contribution and `now`: with `age = now − last contribution`,
//! **active** if `age ≤ drift`, **drifting** if `drift < age ≤ away`, **away** if `age > away`
//! (CHAOSS counts someone inactive when they have not contributed for "longer than the interval",
//! so exactly the interval is still the better class). Defaults follow 8Knot: drift 6 months
//! (182 days), away 12 months (365 days). A contribution after `now` counts as active.
//!
//! The caller decides what a contribution is and removes bots; a login listed twice keeps its
//! latest time (logins compare case-insensitively, the first spelling is shown).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{DAY, Definition, Explain, fmt_days};

pub const INACTIVE_CONTRIBUTORS: Definition = Definition {
    name: "Inactive Contributors",
    formula: "age = now − last contribution; active if age ≤ drift, drifting if drift < age ≤ away, away if age > away.",
    source: "https://chaoss.community/?p=3614",
};

pub const DEFAULT_DRIFT: i64 = 182 * DAY;
pub const DEFAULT_AWAY: i64 = 365 * DAY;

/// How long without a contribution before someone is drifting, and before they are away (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InactivityThresholds {
    pub drift: i64,
    pub away: i64,
}

impl Default for InactivityThresholds {
    fn default() -> Self {
        Self { drift: DEFAULT_DRIFT, away: DEFAULT_AWAY }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastSeen {
    pub login: String,
    pub last_contribution_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InactiveContributors {
    pub thresholds: InactivityThresholds,
    /// Each list is most recent first, then by login.
    pub active: Vec<LastSeen>,
    pub drifting: Vec<LastSeen>,
    pub away: Vec<LastSeen>,
    pub active_count: usize,
    pub drifting_count: usize,
    pub away_count: usize,
}

impl InactiveContributors {
    pub fn explain(&self) -> Explain {
        INACTIVE_CONTRIBUTORS.explain(vec![
            ("drifting after", fmt_days(self.thresholds.drift)),
            ("away after", fmt_days(self.thresholds.away)),
            ("contributors", (self.active_count + self.drifting_count + self.away_count).to_string()),
            ("active", self.active_count.to_string()),
            ("drifting", self.drifting_count.to_string()),
            ("away", self.away_count.to_string()),
        ])
    }
}

pub fn inactive_contributors(
    last_contribution: &[(String, i64)],
    now: i64,
    thresholds: InactivityThresholds,
) -> InactiveContributors {
    let mut latest: BTreeMap<String, LastSeen> = BTreeMap::new();
    for (login, at) in last_contribution {
        let e = latest
            .entry(login.to_ascii_lowercase())
            .or_insert_with(|| LastSeen { login: login.clone(), last_contribution_at: *at });
        e.last_contribution_at = e.last_contribution_at.max(*at);
    }
    let mut people: Vec<LastSeen> = latest.into_values().collect();
    people.sort_by(|a, b| b.last_contribution_at.cmp(&a.last_contribution_at).then_with(|| a.login.cmp(&b.login)));
    let (mut active, mut drifting, mut away) = (Vec::new(), Vec::new(), Vec::new());
    for p in people {
        match now - p.last_contribution_at {
            age if age > thresholds.away => away.push(p),
            age if age > thresholds.drift => drifting.push(p),
            _ => active.push(p),
        }
    }
    InactiveContributors {
        thresholds,
        active_count: active.len(),
        drifting_count: drifting.len(),
        away_count: away.len(),
        active,
        drifting,
        away,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1000 * DAY;

    fn seen(login: &str, days_ago: i64) -> (String, i64) {
        (login.to_owned(), NOW - days_ago * DAY)
    }

    fn logins(list: &[LastSeen]) -> Vec<&str> {
        list.iter().map(|p| p.login.as_str()).collect()
    }

    #[test]
    fn contributors_fall_into_active_drifting_and_away_by_the_default_intervals() {
        let last = [seen("a", 10), seen("b", 182), seen("c", 183), seen("d", 365), seen("e", 366), seen("f", 900)];
        let r = inactive_contributors(&last, NOW, InactivityThresholds::default());
        assert_eq!(logins(&r.active), ["a", "b"]);
        assert_eq!(logins(&r.drifting), ["c", "d"]);
        assert_eq!(logins(&r.away), ["e", "f"]);
        assert_eq!((r.active_count, r.drifting_count, r.away_count), (2, 2, 2));
    }

    #[test]
    fn the_intervals_are_parameters() {
        let t = InactivityThresholds { drift: 30 * DAY, away: 90 * DAY };
        let r = inactive_contributors(&[seen("a", 31), seen("b", 91)], NOW, t);
        assert_eq!((logins(&r.drifting), logins(&r.away)), (vec!["a"], vec!["b"]));
    }

    #[test]
    fn a_login_seen_twice_keeps_its_latest_contribution() {
        let r = inactive_contributors(&[seen("Ann", 400), seen("ann", 5)], NOW, InactivityThresholds::default());
        assert_eq!(r.active, [LastSeen { login: "Ann".to_owned(), last_contribution_at: NOW - 5 * DAY }]);
        assert_eq!(r.away_count, 0);
    }

    #[test]
    fn no_contributors_means_empty_lists() {
        let r = inactive_contributors(&[], NOW, InactivityThresholds::default());
        assert_eq!((r.active_count, r.drifting_count, r.away_count), (0, 0, 0));
        assert!(r.explain().inputs.contains(&("contributors", "0".to_owned())));
    }
}
