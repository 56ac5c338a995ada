//! Paid against volunteer maintenance: how much of the maintainers' work was done by people
//! nobody paid for it.
//!
//! Each maintainer's week of maintenance work (responses, reviews, merges and triage, the
//! activity the load and burnout signals read) is classed:
//! - **funded** when a grant that names the person (`people`, aliases merged) covers the week's
//!   first day, or their affiliation on that day has `paid_for_oss`, or both;
//! - **unfunded** when their affiliation on that day is known (employer, academic, foundation or
//!   independent) and neither applies;
//! - **unknown** otherwise: no affiliation, or one of kind `unknown`, and no grant. Unknown stays
//!   unknown; it is never counted as either.
//!
//! Unfunded share = unfunded work ÷ all maintainer work, per week and over the window; the
//! unknown share is given beside it, so the true unfunded share lies between `unfunded_share` and
//! `unfunded_share + unknown_share`.

use chrono::DateTime;
use serde::Serialize;

use super::affiliation::{Affiliations, Kind};
use super::definition::{Definition, Explain, fmt_opt, ratio};

pub const UNFUNDED_SHARE: Definition = Definition {
    name: "Unfunded maintainer work",
    formula: "per maintainer and week: funded if a grant naming them covers the week or their affiliation that week \
              has paid_for_oss; unfunded if their affiliation is known and neither applies; otherwise unknown. \
              Unfunded share = unfunded maintainer actions (responses, reviews, merges, triage) ÷ all maintainer \
              actions, per week and over the window; the unknown share is shown beside it.",
    source: "https://chaoss.community/kb/metric-labor-investment/",
};

/// A period in which a grant pays the people it names: `[from, to)` in unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantCover {
    pub funder: String,
    pub people: Vec<String>,
    pub from: i64,
    pub to: i64,
}

/// One maintainer's maintenance work in one week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkWeek {
    pub week: i64,
    pub login: String,
    /// Responses, reviews, merges and triage actions.
    pub work: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Funding {
    Funded,
    Unfunded,
    Unknown,
}

/// Maintainer work of one week (or the window), by class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShareWeek {
    /// Week start; for the window's total, the window's start.
    pub week: i64,
    pub funded: u64,
    pub unfunded: u64,
    pub unknown: u64,
    /// `unfunded / (funded + unfunded + unknown)`; `None` when there was no maintainer work.
    pub unfunded_share: Option<f64>,
    pub unknown_share: Option<f64>,
}

impl ShareWeek {
    fn new(week: i64) -> Self {
        ShareWeek { week, funded: 0, unfunded: 0, unknown: 0, unfunded_share: None, unknown_share: None }
    }

    fn add(&mut self, class: Funding, work: u64) {
        match class {
            Funding::Funded => self.funded += work,
            Funding::Unfunded => self.unfunded += work,
            Funding::Unknown => self.unknown += work,
        }
    }

    fn finish(mut self) -> Self {
        let all = self.funded + self.unfunded + self.unknown;
        self.unfunded_share = ratio(self.unfunded, all);
        self.unknown_share = ratio(self.unknown, all);
        self
    }
}

/// One maintainer's work over the window, by class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaintainerFunding {
    pub login: String,
    pub funded: u64,
    pub unfunded: u64,
    pub unknown: u64,
    /// Why funded, when funded in any week: the grants' funders and/or "paid_for_oss".
    pub funded_by: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnfundedShare {
    /// The window's totals.
    pub total: ShareWeek,
    /// One row per week with maintainer work, oldest first.
    pub weeks: Vec<ShareWeek>,
    pub maintainers: Vec<MaintainerFunding>,
    pub definition: Definition,
}

impl UnfundedShare {
    pub fn explain(&self) -> Explain {
        let pct = |v: Option<f64>| fmt_opt(v, |s| format!("{:.1}%", s * 100.0));
        let t = &self.total;
        UNFUNDED_SHARE.explain(vec![
            ("maintainers", self.maintainers.len().to_string()),
            ("funded actions", t.funded.to_string()),
            ("unfunded actions", t.unfunded.to_string()),
            ("unknown actions", t.unknown.to_string()),
            ("unfunded share", pct(t.unfunded_share)),
            ("unknown share", pct(t.unknown_share)),
        ])
    }
}

/// Which grants pay `login` in the week starting `week`, and whether an employer does.
fn classify(login: &str, week: i64, grants: &[GrantCover], a: &Affiliations) -> (Funding, Vec<String>) {
    let day = DateTime::from_timestamp(week, 0).map(|t| t.date_naive()).unwrap_or_default();
    let r = a.at(login, day);
    let mut by: Vec<String> = grants
        .iter()
        .filter(|g| g.from <= week && week < g.to && g.people.iter().any(|p| a.same_person(p, login)))
        .map(|g| g.funder.clone())
        .collect();
    if r.paid_for_oss {
        by.push(format!("paid_for_oss ({})", r.org.as_deref().unwrap_or("employer")));
    }
    let class = match (by.is_empty(), r.kind) {
        (false, _) => Funding::Funded,
        (true, Kind::Unknown) => Funding::Unknown,
        (true, _) => Funding::Unfunded,
    };
    (class, by)
}

/// The unfunded share of `work` (maintainers' weeks only; the caller keeps the roster's).
pub fn unfunded_share(work: &[WorkWeek], grants: &[GrantCover], affiliations: &Affiliations) -> UnfundedShare {
    let mut weeks: std::collections::BTreeMap<i64, ShareWeek> = Default::default();
    let mut people: std::collections::BTreeMap<String, MaintainerFunding> = Default::default();
    let mut total = ShareWeek::new(work.iter().map(|w| w.week).min().unwrap_or(0));
    for w in work.iter().filter(|w| w.work > 0) {
        let (class, by) = classify(&w.login, w.week, grants, affiliations);
        weeks.entry(w.week).or_insert_with(|| ShareWeek::new(w.week)).add(class, w.work);
        total.add(class, w.work);
        let person = affiliations.person(&w.login);
        let m = people.entry(person.to_lowercase()).or_insert_with(|| MaintainerFunding {
            login: person,
            funded: 0,
            unfunded: 0,
            unknown: 0,
            funded_by: Vec::new(),
        });
        match class {
            Funding::Funded => m.funded += w.work,
            Funding::Unfunded => m.unfunded += w.work,
            Funding::Unknown => m.unknown += w.work,
        }
        for b in by {
            if !m.funded_by.contains(&b) {
                m.funded_by.push(b);
            }
        }
    }
    UnfundedShare {
        total: total.finish(),
        weeks: weeks.into_values().map(ShareWeek::finish).collect(),
        maintainers: people.into_values().collect(),
        definition: UNFUNDED_SHARE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::affiliation::Source;

    /// Sunday 2024-06-02 00:00 UTC.
    const JUNE_2: i64 = 1_717_286_400;
    const WEEK: i64 = crate::metrics::WEEK;

    fn w(login: &str, week: i64, work: u64) -> WorkWeek {
        WorkWeek { week, login: login.to_owned(), work }
    }

    const PEOPLE: &str = r#"
[[affiliation]]
login = "ana"
aliases = ["ana-alt"]
org = "Acme"
kind = "employer"
to = "2024-06-08"
paid_for_oss = true

[[affiliation]]
login = "ana"
org = "Beta Uni"
kind = "academic"
from = "2024-06-09"

[[affiliation]]
login = "bo"
kind = "independent"
"#;

    #[test]
    fn grants_and_paid_employers_fund_known_others_do_not_and_unknown_stays_unknown() {
        let a = Affiliations::parse(PEOPLE, Source::File).unwrap();
        // A grant naming bo (by login) for the second week only.
        let grants = [GrantCover {
            funder: "STF".into(),
            people: vec!["BO".into()],
            from: JUNE_2 + WEEK,
            to: JUNE_2 + 2 * WEEK,
        }];
        let work = [
            // Week 1: ana-alt (= ana, Acme, paid) 6 funded; bo independent, no grant yet: 3 unfunded;
            // cy unknown: 1.
            w("ana-alt", JUNE_2, 6),
            w("bo", JUNE_2, 3),
            w("cy", JUNE_2, 1),
            // Week 2: ana now at Beta Uni, unpaid: 4 unfunded; bo under the grant: 4 funded.
            w("ana", JUNE_2 + WEEK, 4),
            w("bo", JUNE_2 + WEEK, 4),
            w("cy", JUNE_2 + WEEK, 0),
        ];
        let s = unfunded_share(&work, &grants, &a);
        // By hand: week 1 funded 6, unfunded 3, unknown 1 → 3/10; week 2 funded 4, unfunded 4 → 4/8.
        let rows: Vec<(i64, u64, u64, u64)> =
            s.weeks.iter().map(|r| (r.week, r.funded, r.unfunded, r.unknown)).collect();
        assert_eq!(rows, [(JUNE_2, 6, 3, 1), (JUNE_2 + WEEK, 4, 4, 0)]);
        assert_eq!((s.weeks[0].unfunded_share, s.weeks[0].unknown_share), (Some(0.3), Some(0.1)));
        assert_eq!(s.weeks[1].unfunded_share, Some(0.5));
        // Window: funded 10, unfunded 7, unknown 1 → 7/18.
        assert_eq!((s.total.funded, s.total.unfunded, s.total.unknown), (10, 7, 1));
        assert!((s.total.unfunded_share.unwrap() - 7.0 / 18.0).abs() < 1e-12);
        let ana = s.maintainers.iter().find(|m| m.login == "ana").unwrap();
        assert_eq!(
            (ana.funded, ana.unfunded, ana.funded_by.as_slice()),
            (6, 4, ["paid_for_oss (Acme)".to_owned()].as_slice())
        );
        let bo = s.maintainers.iter().find(|m| m.login == "bo").unwrap();
        assert_eq!((bo.funded, bo.unfunded, bo.funded_by.as_slice()), (4, 3, ["STF".to_owned()].as_slice()));
        assert!(s.explain().inputs.contains(&("unfunded share", "38.9%".to_owned())));
    }

    #[test]
    fn a_grant_naming_an_alias_funds_the_person_even_with_an_unknown_affiliation() {
        let a = Affiliations::parse(PEOPLE, Source::File).unwrap();
        let grants = [GrantCover { funder: "NLnet".into(), people: vec!["ana-alt".into()], from: 0, to: i64::MAX }];
        let s = unfunded_share(&[w("ana", JUNE_2 + WEEK, 2)], &grants, &a);
        assert_eq!((s.total.funded, s.total.unfunded), (2, 0));
        // Nobody known, no grant: all unknown, share 0 of unfunded but 100% unknown.
        let s = unfunded_share(&[w("zed", JUNE_2, 5)], &[], &Affiliations::default());
        assert_eq!((s.total.unfunded_share, s.total.unknown_share), (Some(0.0), Some(1.0)));
        assert_eq!(unfunded_share(&[], &[], &a).total.unfunded_share, None);
    }
}
