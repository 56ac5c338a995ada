//! Contributor Absence Factor (CHAOSS Risk, formerly "Bus Factor"): how few people would have to
//! leave for the project to lose most of its activity.
//!
//! CAF = the smallest `k` such that the `k` largest contributors made **more than** half of all
//! contributions (strict `>`, as in the CHAOSS worked example: 1,433 > 1,237.5 gives 2). Computed
//! in integers (`2 · prefix > total`), so there is no rounding at exactly half: two people with 50
//! each give 2, not 1. No contributions at all gives `None`; a one-person project gives 1.
//!
//! The caller has already removed bots, merged identities and restricted the counts to a window;
//! duplicate logins in the input are added together. [`absence_factors`] computes the factor per
//! contribution type (commits, merged pull requests, reviews, issue comments), because a project
//! can have many committers and a single reviewer.

use foldhash::{HashMap, HashMapExt};

use serde::Serialize;

use super::definition::{Definition, Explain};

pub const CONTRIBUTOR_ABSENCE_FACTOR: Definition = Definition {
    name: "Contributor Absence Factor",
    formula: "sort contributors by contributions, largest first; CAF = the smallest k whose top-k contributors made \
              more than 50% of all contributions (bots excluded).",
    source: "https://chaoss.community/?p=3944",
};

/// At least this many top contributors are listed in the disclosure, even when the factor is smaller.
pub const TOP_SHOWN: usize = 5;

/// One contributor's part of the total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContributorShare {
    pub login: String,
    pub contributions: u64,
    /// `contributions / total`, in `0..=1`.
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbsenceFactor {
    /// What was counted: "commits", "merged pull requests", …
    pub contribution: &'static str,
    /// `None` when nobody contributed anything.
    pub factor: Option<usize>,
    pub total: u64,
    /// Contributors with at least one contribution.
    pub contributors: usize,
    /// The largest contributors, largest first (ties by login): the `factor` people who make up
    /// the majority, and at least [`TOP_SHOWN`].
    pub top: Vec<ContributorShare>,
}

impl AbsenceFactor {
    pub fn explain(&self) -> Explain {
        let k = self.factor.unwrap_or(0);
        let top_k: u64 = self.top.iter().take(k).map(|c| c.contributions).sum();
        CONTRIBUTOR_ABSENCE_FACTOR.explain(vec![
            ("contribution type", self.contribution.to_owned()),
            ("contributors", self.contributors.to_string()),
            ("total contributions", self.total.to_string()),
            ("half of the total", format!("{:.1}", self.total as f64 / 2.0)),
            ("top-k contributions", format!("{top_k} by {k}")),
            ("factor", self.factor.map_or("none (no contributions)".to_owned(), |k| k.to_string())),
        ])
    }
}

/// The Contributor Absence Factor of per-contributor counts.
pub fn contributor_absence_factor(counts: &[(String, u64)]) -> AbsenceFactor {
    // Hashed, not ordered: the ranking below orders every contributor anyway.
    let mut merged: HashMap<&str, u64> = HashMap::with_capacity(counts.len());
    for (login, n) in counts {
        *merged.entry(login).or_default() += n;
    }
    let mut ranked: Vec<(&str, u64)> = merged.into_iter().filter(|&(_, n)| n > 0).collect();
    ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let total: u64 = ranked.iter().map(|(_, n)| n).sum();

    let mut prefix = 0;
    let factor = ranked.iter().position(|&(_, n)| {
        prefix += n;
        2 * prefix > total
    });
    let factor = factor.map(|i| i + 1);
    let shown = factor.unwrap_or(0).max(TOP_SHOWN);
    let top = ranked
        .iter()
        .take(shown)
        .map(|&(login, n)| ContributorShare {
            login: login.to_owned(),
            contributions: n,
            share: n as f64 / total as f64,
        })
        .collect();
    AbsenceFactor { contribution: "contributions", factor, total, contributors: ranked.len(), top }
}

/// Per-contributor counts of each contribution type, bots removed, for one window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ContributionsByType {
    pub commits: Vec<(String, u64)>,
    pub merged_prs: Vec<(String, u64)>,
    pub reviews: Vec<(String, u64)>,
    pub issue_comments: Vec<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbsenceFactors {
    pub commits: AbsenceFactor,
    pub merged_prs: AbsenceFactor,
    pub reviews: AbsenceFactor,
    pub issue_comments: AbsenceFactor,
}

/// The Contributor Absence Factor for each contribution type.
pub fn absence_factors(c: &ContributionsByType) -> AbsenceFactors {
    let of = |contribution: &'static str, counts: &[(String, u64)]| AbsenceFactor {
        contribution,
        ..contributor_absence_factor(counts)
    };
    AbsenceFactors {
        commits: of("commits", &c.commits),
        merged_prs: of("merged pull requests", &c.merged_prs),
        reviews: of("reviews", &c.reviews),
        issue_comments: of("issue comments", &c.issue_comments),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(counts: &[u64]) -> Vec<(String, u64)> {
        counts.iter().enumerate().map(|(i, &n)| (format!("p{i}"), n)).collect()
    }

    #[test]
    fn the_chaoss_worked_example_gives_two() {
        // T = 2475, half = 1237.5; sorted prefix 1000, 1433 > 1237.5.
        let caf = contributor_absence_factor(&people(&[1000, 202, 90, 33, 332, 343, 42, 433]));
        assert_eq!((caf.factor, caf.total, caf.contributors), (Some(2), 2475, 8));
        let top: Vec<(&str, u64)> = caf.top.iter().map(|c| (c.login.as_str(), c.contributions)).collect();
        assert_eq!(top, [("p0", 1000), ("p7", 433), ("p5", 343), ("p4", 332), ("p1", 202)]);
        assert!((caf.top[0].share - 1000.0 / 2475.0).abs() < 1e-12);
        assert!(caf.explain().inputs.contains(&("top-k contributions", "1433 by 2".to_owned())));
    }

    #[test]
    fn exactly_half_is_not_more_than_half() {
        assert_eq!(contributor_absence_factor(&people(&[50, 50])).factor, Some(2));
        assert_eq!(contributor_absence_factor(&people(&[51, 49])).factor, Some(1));
    }

    #[test]
    fn a_one_person_repo_has_a_factor_of_one() {
        let caf = contributor_absence_factor(&people(&[7]));
        assert_eq!(caf.factor, Some(1));
        assert_eq!(caf.top[0].share, 1.0);
    }

    #[test]
    fn no_contributions_give_no_factor() {
        assert_eq!(contributor_absence_factor(&[]).factor, None);
        let zeros = contributor_absence_factor(&people(&[0, 0]));
        assert_eq!((zeros.factor, zeros.contributors, zeros.top.len()), (None, 0, 0));
    }

    #[test]
    fn the_same_login_twice_is_one_contributor() {
        let counts = [("a".to_owned(), 3), ("b".to_owned(), 4), ("a".to_owned(), 3)];
        let caf = contributor_absence_factor(&counts);
        assert_eq!((caf.factor, caf.contributors, caf.top[0].login.as_str()), (Some(1), 2, "a"));
    }

    #[test]
    fn a_large_factor_lists_everyone_in_it() {
        let caf = contributor_absence_factor(&people(&[1; 20]));
        assert_eq!((caf.factor, caf.top.len()), (Some(11), 11));
    }

    #[test]
    fn each_contribution_type_gets_its_own_factor() {
        let c = ContributionsByType {
            commits: people(&[10, 10, 10]),
            merged_prs: people(&[1000, 202, 90, 33, 332, 343, 42, 433]),
            reviews: people(&[9, 1]),
            issue_comments: vec![],
        };
        let f = absence_factors(&c);
        assert_eq!(
            (f.commits.factor, f.merged_prs.factor, f.reviews.factor, f.issue_comments.factor),
            (Some(2), Some(2), Some(1), None)
        );
        assert_eq!(f.reviews.contribution, "reviews");
    }
}
