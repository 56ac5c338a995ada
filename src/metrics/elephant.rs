//! Elephant Factor (CHAOSS Risk, "Organizational Influence"): how few organisations carry the
//! project.
//!
//! EF = the smallest `k` such that the `k` largest organisations' people made **at least** half
//! of all contributions (`2 · prefix ≥ total`, in integers; CHAOSS: "the minimum number of
//! companies whose employees perform 50% of the total contributions"). Computed per contribution
//! type, as the Contributor Absence Factor is ([`super::absence`]): commits, merged pull requests,
//! reviews, issue comments.
//!
//! Each person-week is attributed to the organisation the person was with on the week's first
//! day (Sunday, [`super::week_start`]), so a job change in the middle of a window splits that
//! person's contributions at the week of the change; aliases are merged into one person first
//! ([`Affiliations::person`]). Contributions nobody's affiliation covers are the `unknown` slice:
//! they stay in the total and are listed, but are not an organisation, so they are never one of
//! the `k`. When the known organisations together cannot reach half because too much is unknown,
//! the factor is `None` and `undetermined` says why. An `independent` person is their own slice
//! (`independent: login`): independents are not one organisation. A GitHub profile's company
//! (an undated hint, used only where no dated entry covers the week) is its organisation's slice
//! too, of kind unknown (a profile does not say what kind), and each slice lists its sources
//! (`file`, `self-declared`, `profile (undated)`) so a reader sees what rests on a hint.

use foldhash::{HashMap, HashMapExt, HashSet};

use chrono::DateTime;
use serde::Serialize;

use super::affiliation::{Affiliations, Kind, Resolved, Source, kind_name};
use super::definition::{Definition, Explain};

pub const ELEPHANT_FACTOR: Definition = Definition {
    name: "Elephant Factor",
    formula: "attribute each person-week's contributions to the organisation the person was with that week (aliases \
              merged); sort organisations by contributions, largest first; EF = the smallest k whose top-k \
              organisations made at least 50% of all contributions, unknown included in the total but never one \
              of the k (bots excluded).",
    source: "https://chaoss.community/kb/metric-elephant-factor/",
};

/// The slice of contributions no affiliation covers.
pub const UNKNOWN: &str = "unknown";

/// Contribution types, in the order of [`ContributionWeek::counts`].
pub const TYPES: [&str; 4] = ["commits", "merged pull requests", "reviews", "issue comments"];

/// One person's contributions in one week, bots already removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionWeek<'a> {
    pub week: i64,
    pub login: &'a str,
    /// Commits, merged pull requests, reviews, issue comments ([`TYPES`]).
    pub counts: [u64; 4],
}

/// One organisation's part of one contribution type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgShare {
    /// The organisation, `independent: login`, or [`UNKNOWN`].
    pub org: String,
    pub kind: &'static str,
    pub contributions: u64,
    /// `contributions / total`, in `0..=1`.
    pub share: f64,
    /// People (after merging aliases) with contributions in this slice.
    pub people: usize,
    /// Where the slice's affiliations came from (`file`, `self-declared`, `profile (undated)`),
    /// in that order; empty for unknown.
    pub sources: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ElephantFactor {
    pub contribution: &'static str,
    /// `None` when nothing was contributed or the known organisations cannot reach half.
    pub factor: Option<usize>,
    pub total: u64,
    /// Contributions in the unknown slice (also listed in `organisations`).
    pub unknown: u64,
    /// Why there is no factor, when there is none.
    pub undetermined: Option<&'static str>,
    /// Every slice, largest first (ties by name), unknown included.
    pub organisations: Vec<OrgShare>,
}

impl ElephantFactor {
    pub fn explain(&self) -> Explain {
        let k = self.factor.unwrap_or(0);
        let known = self.organisations.iter().filter(|o| o.org != UNKNOWN);
        let top_k: u64 = known.take(k).map(|o| o.contributions).sum();
        ELEPHANT_FACTOR.explain(vec![
            ("contribution type", self.contribution.to_owned()),
            ("total contributions", self.total.to_string()),
            ("half of the total", format!("{:.1}", self.total as f64 / 2.0)),
            ("unknown", self.unknown.to_string()),
            ("top-k organisations' contributions", format!("{top_k} by {k}")),
            ("factor", self.factor.map_or_else(|| self.undetermined.unwrap_or("none").to_owned(), |k| k.to_string())),
        ])
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ElephantFactors {
    pub commits: ElephantFactor,
    pub merged_prs: ElephantFactor,
    pub reviews: ElephantFactor,
    pub issue_comments: ElephantFactor,
    /// People contributing (aliases merged), and logins merged into another by an alias.
    pub people: usize,
    pub aliases_merged: usize,
    pub definition: Definition,
}

impl ElephantFactors {
    pub fn all(&self) -> [&ElephantFactor; 4] {
        [&self.commits, &self.merged_prs, &self.reviews, &self.issue_comments]
    }
}

/// Per organisation: its kind, contributions, the people (lowercased) who made them and its
/// sources (bits of [`SOURCES`]).
type Slices<'p> = HashMap<String, (Kind, u64, HashSet<&'p str>, u8)>;

/// The sources a slice may have, in the order they are listed.
const SOURCES: [Source; 3] = [Source::File, Source::SelfDeclared, Source::Profile];

fn source_bit(source: Option<Source>) -> u8 {
    SOURCES.iter().position(|s| Some(*s) == source).map_or(0, |i| 1 << i)
}

/// The slice of an affiliation: organisation, kind and its source's bit.
fn slice_of(r: Resolved) -> (String, Kind, u8) {
    let hint = r.source == Some(Source::Profile);
    let org = match (r.kind, r.org) {
        (Kind::Independent, _) => format!("independent: {}", r.person),
        (Kind::Unknown, Some(org)) if hint => org,
        (Kind::Unknown, _) | (_, None) => UNKNOWN.to_owned(),
        (_, Some(org)) => org,
    };
    let kind = if org == UNKNOWN { Kind::Unknown } else { r.kind };
    let source = if org == UNKNOWN { 0 } else { source_bit(r.source) };
    (org, kind, source)
}

/// The slice a person's week goes to.
fn slice(affiliations: &Affiliations, login: &str, week: i64) -> (String, Kind, u8) {
    let day = DateTime::from_timestamp(week, 0).map(|t| t.date_naive()).unwrap_or_default();
    slice_of(affiliations.at(login, day))
}

/// Adds `counts` (per type) of `person` (lowercase) to the slice `(org, kind, source)`.
fn add<'p>(sums: &mut [Slices<'p>; 4], (org, kind, source): &(String, Kind, u8), person: &'p str, counts: &[u64; 4]) {
    for (t, &n) in counts.iter().enumerate() {
        if n == 0 {
            continue;
        }
        match sums[t].get_mut(org.as_str()) {
            Some(e) => {
                e.1 += n;
                e.3 |= source;
                e.2.insert(person);
            }
            None => {
                sums[t].insert(org.clone(), (*kind, n, HashSet::from_iter([person]), *source));
            }
        }
    }
}

/// One login (as written) of [`elephant_factors`]: the person (lowercase), the slice when it is
/// the same every week, and the contributions of those weeks.
struct Login {
    person: String,
    fixed: Option<(String, Kind, u8)>,
    counts: [u64; 4],
}

/// The Elephant Factor of each contribution type over `weeks`.
pub fn elephant_factors(weeks: &[ContributionWeek<'_>], affiliations: &Affiliations) -> ElephantFactors {
    // Each login is resolved once (an organisation's window holds tens of thousands of
    // person-weeks, and most people have no dated affiliation): a login whose slice is the same
    // every week has its weeks added up first, and only a dated one is resolved week by week.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut logins: Vec<Login> = Vec::new();
    // The weeks of logins with a dated affiliation: (login's index, week).
    let mut dated: Vec<(usize, &ContributionWeek<'_>)> = Vec::new();
    for w in weeks {
        if w.counts.iter().all(|&n| n == 0) {
            continue;
        }
        let i = *index.entry(w.login).or_insert_with(|| {
            // An undated affiliation names the person already (one resolution, not two).
            let undated = affiliations.undated(w.login);
            let person = match &undated {
                Some(r) => r.person.to_lowercase(),
                None => affiliations.person(w.login).to_lowercase(),
            };
            logins.push(Login { person, fixed: undated.map(slice_of), counts: [0; 4] });
            logins.len() - 1
        });
        let login = &mut logins[i];
        if login.fixed.is_some() {
            login.counts.iter_mut().zip(w.counts).for_each(|(a, b)| *a += b);
        } else {
            dated.push((i, w));
        }
    }
    // (type, org) → (kind, contributions, people, sources); org names compare as written.
    let mut sums: [Slices<'_>; 4] = Default::default();
    for (i, w) in dated {
        add(&mut sums, &slice(affiliations, w.login, w.week), &logins[i].person, &w.counts);
    }
    for login in &logins {
        if let Some(fixed) = &login.fixed {
            add(&mut sums, fixed, &login.person, &login.counts);
        }
    }
    let people = logins.iter().map(|l| l.person.as_str()).collect::<HashSet<_>>().len();
    let spellings = index.keys().map(|l| l.to_lowercase()).collect::<HashSet<_>>().len();
    let [commits, merged_prs, reviews, issue_comments] =
        std::array::from_fn(|t| factor(TYPES[t], std::mem::take(&mut sums[t])));
    ElephantFactors {
        commits,
        merged_prs,
        reviews,
        issue_comments,
        people,
        aliases_merged: spellings.saturating_sub(people),
        definition: ELEPHANT_FACTOR,
    }
}

fn factor(contribution: &'static str, sums: Slices) -> ElephantFactor {
    let total: u64 = sums.values().map(|v| v.1).sum();
    let mut ranked: Vec<(String, Kind, u64, usize, u8)> =
        sums.into_iter().map(|(org, (kind, n, people, sources))| (org, kind, n, people.len(), sources)).collect();
    ranked.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    let unknown = ranked.iter().filter(|o| o.0 == UNKNOWN).map(|o| o.2).sum();
    let mut prefix = 0;
    let reached = ranked.iter().filter(|o| o.0 != UNKNOWN).position(|o| {
        prefix += o.2;
        2 * prefix >= total
    });
    let (factor, undetermined) = match (total, reached) {
        (0, _) => (None, Some("no contributions")),
        (_, Some(i)) => (Some(i + 1), None),
        (_, None) => (None, Some("the known organisations made less than half: too much is unknown")),
    };
    let organisations = ranked
        .into_iter()
        .map(|(org, kind, n, people, sources)| OrgShare {
            org,
            kind: kind_name(kind),
            contributions: n,
            share: n as f64 / total as f64,
            people,
            sources: (SOURCES.iter().enumerate())
                .filter(|(i, _)| sources & (1 << i) != 0)
                .map(|(_, s)| s.label())
                .collect(),
        })
        .collect();
    ElephantFactor { contribution, factor, total, unknown, undetermined, organisations }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::affiliation::Source;

    /// Sunday 2024-06-02 00:00 UTC and the weeks around it.
    const JUNE_2: i64 = 1_717_286_400;
    const WEEK: i64 = crate::metrics::WEEK;

    fn week(login: &str, week: i64, counts: [u64; 4]) -> ContributionWeek<'_> {
        ContributionWeek { week, login, counts }
    }

    const PEOPLE: &str = r#"
[[affiliation]]
login = "ana"
aliases = ["ana-alt"]
org = "Acme"
kind = "employer"
to = "2024-06-08"

[[affiliation]]
login = "ana"
org = "Beta Uni"
kind = "academic"
from = "2024-06-09"

[[affiliation]]
login = "bo"
org = "Beta Uni"
kind = "academic"

[[affiliation]]
login = "cy"
kind = "independent"
"#;

    #[test]
    fn aliases_merge_and_a_mid_window_job_change_splits_by_week() {
        let a = Affiliations::parse(PEOPLE, Source::File).unwrap();
        // Commits, by hand:
        //   ana     week of 2 June (Acme):      10
        //   ana-alt week of 2 June (Acme):       5  → ana, Acme: 15
        //   ana     week of 9 June (Beta Uni):   8  → Beta Uni
        //   bo      (Beta Uni):                  4  → Beta Uni: 12
        //   cy      (independent):               6
        //   dee     (no entry):                 13  → unknown
        // Total 46, half 23. Ranked known: Acme 15, Beta Uni 12, independent: cy 6.
        // Acme 15 < 23; + Beta Uni 27 ≥ 23 → EF 2. Unknown (13) is the largest slice yet not one of k.
        let weeks = [
            week("ana", JUNE_2, [10, 1, 0, 0]),
            week("ana-alt", JUNE_2, [5, 0, 0, 0]),
            week("ana", JUNE_2 + WEEK, [8, 0, 0, 0]),
            week("bo", JUNE_2 + WEEK, [4, 0, 0, 0]),
            week("cy", JUNE_2, [6, 0, 0, 0]),
            week("dee", JUNE_2, [13, 0, 3, 0]),
        ];
        let ef = elephant_factors(&weeks, &a);
        let c = &ef.commits;
        assert_eq!((c.factor, c.total, c.unknown), (Some(2), 46, 13));
        let slices: Vec<(&str, u64, usize)> =
            c.organisations.iter().map(|o| (o.org.as_str(), o.contributions, o.people)).collect();
        assert_eq!(slices, [("Acme", 15, 1), ("unknown", 13, 1), ("Beta Uni", 12, 2), ("independent: cy", 6, 1)]);
        assert_eq!(c.organisations[2].kind, "academic");
        assert!(c.explain().inputs.contains(&("top-k organisations' contributions", "27 by 2".to_owned())));
        // ana and ana-alt are one person: 5 people from 6 logins... dee, cy, bo, ana = 4 people, 1 alias.
        assert_eq!((ef.people, ef.aliases_merged), (4, 1));
        // Merged pull requests: ana's 1 at Acme is all → EF 1.
        assert_eq!((ef.merged_prs.factor, ef.merged_prs.total), (Some(1), 1));
        // Reviews: all unknown → no factor, and it says why; nothing is dropped.
        assert_eq!((ef.reviews.factor, ef.reviews.unknown, ef.reviews.total), (None, 3, 3));
        assert!(ef.reviews.undetermined.unwrap().contains("unknown"));
        assert_eq!(ef.reviews.organisations[0].org, UNKNOWN);
        // No issue comments at all.
        assert_eq!((ef.issue_comments.factor, ef.issue_comments.undetermined), (None, Some("no contributions")));
    }

    #[test]
    fn exactly_half_is_enough() {
        let a = Affiliations::parse(PEOPLE, Source::File).unwrap();
        // Acme 5 of 10 (ana before the change), Beta Uni 5 (bo): 2·5 ≥ 10 → EF 1 (ties by name: Acme first).
        let weeks = [week("ana", JUNE_2, [5, 0, 0, 0]), week("bo", JUNE_2, [5, 0, 0, 0])];
        let ef = elephant_factors(&weeks, &a);
        assert_eq!(ef.commits.factor, Some(1));
        assert_eq!(ef.commits.organisations[0].org, "Acme");
        assert!((ef.commits.organisations[0].share - 0.5).abs() < 1e-12);
    }

    #[test]
    fn without_any_affiliations_everything_is_unknown() {
        let weeks = [week("x", JUNE_2, [3, 0, 0, 0])];
        let ef = elephant_factors(&weeks, &Affiliations::default());
        assert_eq!((ef.commits.factor, ef.commits.unknown, ef.commits.organisations.len()), (None, 3, 1));
        assert_eq!(elephant_factors(&[], &Affiliations::default()).people, 0);
    }
}
