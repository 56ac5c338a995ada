//! Load carriers without visible funding: the maintainers who do a real part of a project's
//! human maintenance work (answering, reviewing, merging, triaging) while no public source shows
//! money reaching them. It joins [`crate::metrics::load`]'s activity rows with who is funded.
//!
//! "Visibly funded" is decided by the caller from what Upkeep can see (a GitHub Sponsors listing
//! with at least one sponsor); grants and Open Collective money go to the project, not a person,
//! so they do not make a maintainer funded. The result is a prompt for a conversation, not a
//! verdict: someone may be paid by an employer that no public source shows.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::metrics::{Definition, Explain, Window, load::ActivityWeek};

/// A maintainer carries load when their share of all maintainers' activity is at least this.
pub const LOAD_SHARE_MIN: f64 = 0.10;

pub const UNFUNDED_CARRIERS: Definition = Definition {
    name: "Load carriers without visible funding",
    formula: "Over the window: each maintainer's responses + reviews + merges + triage actions ÷ the same sum over \
              all maintainers. A maintainer carries load at a share of 10% or more, and has no visible funding \
              when no GitHub Sponsors listing of theirs shows a sponsor (grants and Open Collective money go to \
              the project, not a person). Bots are left out.",
    source: "Upkeep (joins Maintainer load, after CHAOSS Burnout Risk, with funding sources)",
};

/// One maintainer who carries load, with their share and whether they are visibly funded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Carrier {
    pub login: String,
    pub actions: u64,
    pub share: f64,
    pub funded: bool,
}

/// Every maintainer whose share of maintainer activity in `window` is at least
/// [`LOAD_SHARE_MIN`], largest share first (ties by login); `funded(login)` says whether a
/// public source shows them funded. Logins compare case-insensitively.
pub fn load_carriers(
    activity: &[ActivityWeek],
    maintainers: &[String],
    window: Window,
    funded: impl Fn(&str) -> bool,
) -> Vec<Carrier> {
    let roster: BTreeMap<String, &str> = maintainers.iter().map(|m| (m.to_lowercase(), m.as_str())).collect();
    let mut actions: BTreeMap<&str, u64> = BTreeMap::new();
    for a in activity.iter().filter(|a| window.contains(a.week)) {
        if let Some(login) = roster.get(&a.login.to_lowercase()) {
            *actions.entry(login).or_default() += a.responses + a.reviews + a.merges + a.triage;
        }
    }
    let total: u64 = actions.values().sum();
    if total == 0 {
        return Vec::new();
    }
    let mut carriers: Vec<Carrier> = actions
        .into_iter()
        .map(|(login, n)| Carrier {
            login: login.to_owned(),
            actions: n,
            share: n as f64 / total as f64,
            funded: false,
        })
        .filter(|c| c.share >= LOAD_SHARE_MIN)
        .map(|c| Carrier { funded: funded(&c.login), ..c })
        .collect();
    carriers.sort_by(|a, b| b.actions.cmp(&a.actions).then_with(|| a.login.cmp(&b.login)));
    carriers
}

/// The disclosure for a project's carriers.
pub fn explain_carriers(carriers: &[Carrier], window: Window) -> Explain {
    let unfunded: Vec<&str> = carriers.iter().filter(|c| !c.funded).map(|c| c.login.as_str()).collect();
    UNFUNDED_CARRIERS.explain(vec![
        ("window", crate::metrics::fmt_window(window)),
        ("maintainers carrying load", carriers.len().to_string()),
        ("without visible funding", if unfunded.is_empty() { "none".to_owned() } else { unfunded.join(", ") }),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::WEEK;

    fn week(week: i64, login: &str, responses: u64, reviews: u64) -> ActivityWeek {
        ActivityWeek { week, login: login.to_owned(), responses, reviews, merges: 0, triage: 0 }
    }

    #[test]
    fn carriers_are_maintainers_at_a_tenth_or_more_of_maintainer_activity() {
        // ada 60, bob 30 (+ 2 outside the window), cy 5, dee (not a maintainer) 100: total 95.
        let activity = [
            week(0, "ada", 40, 20),
            week(WEEK, "Bob", 10, 20),
            week(-WEEK, "bob", 2, 0),
            week(0, "cy", 5, 0),
            week(0, "dee", 100, 0),
        ];
        let roster = ["ada".to_owned(), "bob".to_owned(), "cy".to_owned()];
        let carriers = load_carriers(&activity, &roster, Window::new(0, 2 * WEEK), |l| l == "ada");
        let got: Vec<(&str, u64, bool)> = carriers.iter().map(|c| (c.login.as_str(), c.actions, c.funded)).collect();
        assert_eq!(got, [("ada", 60, true), ("bob", 30, false)]);
        assert!((carriers[1].share - 30.0 / 95.0).abs() < 1e-9);
        let explain = explain_carriers(&carriers, Window::new(0, 2 * WEEK));
        assert_eq!(explain.inputs[2], ("without visible funding", "bob".to_owned()));
    }

    #[test]
    fn no_activity_means_no_carriers() {
        assert!(load_carriers(&[], &["ada".to_owned()], Window::new(0, WEEK), |_| false).is_empty());
    }
}
