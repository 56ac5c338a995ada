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

use std::borrow::Cow;
use std::collections::{HashMap, hash_map::Entry};

use serde::Serialize;

use super::definition::{Definition, Explain, fmt_days};

use super::time::DAY;

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

/// Classifies every contributor; each group's list holds its `shown` most recent members (the
/// counts are of all). Linear in the contributors but for sorting the shown ones, so a
/// repository with 50,000 past contributors costs a hash lookup each, not a sort.
pub fn inactive_contributors(
    last_contribution: &[(String, i64)],
    now: i64,
    thresholds: InactivityThresholds,
    shown: usize,
) -> InactiveContributors {
    // One entry per login ignoring case: the first spelling met, the latest time.
    let mut index: HashMap<Cow<'_, str>, usize> = HashMap::with_capacity(last_contribution.len());
    let mut people: Vec<(&str, i64)> = Vec::with_capacity(last_contribution.len());
    for (login, at) in last_contribution {
        let key = if login.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(login.to_ascii_lowercase())
        } else {
            Cow::Borrowed(login.as_str())
        };
        match index.entry(key) {
            Entry::Occupied(e) => people[*e.get()].1 = people[*e.get()].1.max(*at),
            Entry::Vacant(e) => {
                e.insert(people.len());
                people.push((login, *at));
            }
        }
    }
    let (mut active, mut drifting, mut away) = (Vec::new(), Vec::new(), Vec::new());
    for p in people {
        match now - p.1 {
            age if age > thresholds.away => away.push(p),
            age if age > thresholds.drift => drifting.push(p),
            _ => active.push(p),
        }
    }
    let counts = (active.len(), drifting.len(), away.len());
    let [active, drifting, away] = [active, drifting, away].map(|group| most_recent(group, shown));
    InactiveContributors {
        thresholds,
        active_count: counts.0,
        drifting_count: counts.1,
        away_count: counts.2,
        active,
        drifting,
        away,
    }
}

/// The `shown` most recent of `group`, most recent first, then by login.
fn most_recent(mut group: Vec<(&str, i64)>, shown: usize) -> Vec<LastSeen> {
    let order = |a: &(&str, i64), b: &(&str, i64)| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0));
    if group.len() > shown {
        group.select_nth_unstable_by(shown, order);
        group.truncate(shown);
    }
    group.sort_unstable_by(order);
    group.into_iter().map(|(login, at)| LastSeen { login: login.to_owned(), last_contribution_at: at }).collect()
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
        let r = inactive_contributors(&last, NOW, InactivityThresholds::default(), usize::MAX);
        assert_eq!(logins(&r.active), ["a", "b"]);
        assert_eq!(logins(&r.drifting), ["c", "d"]);
        assert_eq!(logins(&r.away), ["e", "f"]);
        assert_eq!((r.active_count, r.drifting_count, r.away_count), (2, 2, 2));
    }

    #[test]
    fn the_intervals_are_parameters() {
        let t = InactivityThresholds { drift: 30 * DAY, away: 90 * DAY };
        let r = inactive_contributors(&[seen("a", 31), seen("b", 91)], NOW, t, usize::MAX);
        assert_eq!((logins(&r.drifting), logins(&r.away)), (vec!["a"], vec!["b"]));
    }

    #[test]
    fn a_login_seen_twice_keeps_its_latest_contribution() {
        let r = inactive_contributors(
            &[seen("Ann", 400), seen("ann", 5)],
            NOW,
            InactivityThresholds::default(),
            usize::MAX,
        );
        assert_eq!(r.active, [LastSeen { login: "Ann".to_owned(), last_contribution_at: NOW - 5 * DAY }]);
        assert_eq!(r.away_count, 0);
    }

    #[test]
    fn the_lists_keep_the_most_recent_shown_and_the_counts_keep_everyone() {
        let last: Vec<(String, i64)> = (0..50).map(|i| seen(&format!("p{i:02}"), 400 + i)).collect();
        let r = inactive_contributors(&last, NOW, InactivityThresholds::default(), 3);
        assert_eq!(logins(&r.away), ["p00", "p01", "p02"]);
        assert_eq!(r.away_count, 50);
        let tied = [seen("c", 400), seen("a", 400), seen("b", 400), seen("d", 500)];
        let r = inactive_contributors(&tied, NOW, InactivityThresholds::default(), 2);
        assert_eq!(logins(&r.away), ["a", "b"]);
    }

    #[test]
    fn no_contributors_means_empty_lists() {
        let r = inactive_contributors(&[], NOW, InactivityThresholds::default(), usize::MAX);
        assert_eq!((r.active_count, r.drifting_count, r.away_count), (0, 0, 0));
        assert!(r.explain().inputs.contains(&("contributors", "0".to_owned())));
    }
}
