//! A grant's plan: its page id, its milestones with the work that counts for each, and the money
//! spent from it, as written in `[[funding.grants]]` and checked on load.
//!
//! ```toml
//! [[funding.grants]]
//! id = "stf-2026"                      # slug: a-z, 0-9 and '-'; gives the grant its page
//! # … funder, amount, currency, start, end, repos, purpose as before …
//!
//! [[funding.grants.milestones]]
//! title = "Security audit fixes"
//! due = "2026-06-30"
//! amount = 20000                       # optional, in the grant's currency
//! github_milestone = "acme/widgets:v2.0"          # its issues and pull requests
//! labels = ["acme/widgets:security"]              # every item with one of these labels
//! items = ["acme/widgets#123", "acme/tools#7"]    # these issues or pull requests
//!
//! [[funding.grants.budget_spent]]
//! date = "2026-03-31"
//! amount = 4000
//! currency = "USD"                     # optional, the grant's currency by default
//! note = "Audit, first half"
//! ```
//!
//! A milestone names its work with at least one of `github_milestone`, `labels`, `items`, in any
//! combination (their union counts). A reference that cannot be parsed is a config error naming
//! it (`milestones[1].items[2]: …`); one that parses but is not in the data is a data-quality
//! note on the grant page, not an error. Not here: finding the work (`db`), statuses and money
//! (`funding::grant_progress`).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::RepoName;
use crate::funding::money::{Currency, Money};

/// Everything about a grant beyond the ledger entry; empty for a grant without `id`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GrantPlan {
    /// The slug in `/funding/{owner}/{name}/grants/{id}`; `None` means the grant has no page.
    pub id: Option<String>,
    pub milestones: Vec<Milestone>,
    pub budget_spent: Vec<Spend>,
}

/// One promised piece of work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub title: String,
    pub due: NaiveDate,
    /// The part of the grant tied to this milestone, in the grant's currency.
    pub amount: Option<Money>,
    /// What counts as its work, in the order written: `github_milestone` first, then `labels`,
    /// then `items`.
    pub work: Vec<WorkRef>,
}

/// A reference to work on GitHub, parsed from the config.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkRef {
    /// `owner/name:Title`: every issue and pull request in that GitHub milestone.
    GithubMilestone { repo: String, title: String },
    /// `owner/name:label`: every issue and pull request carrying that label.
    Label { repo: String, label: String },
    /// `owner/name#123`: one issue or pull request.
    Item { repo: String, number: i64 },
}

impl WorkRef {
    /// `owner/name` of the repository it points into.
    pub fn repo(&self) -> &str {
        match self {
            WorkRef::GithubMilestone { repo, .. } | WorkRef::Label { repo, .. } | WorkRef::Item { repo, .. } => repo,
        }
    }
}

/// What some references name in one repository, split by kind: the statement arguments of
/// `db::grants` (the grant page's reads and the collector's closers step share this one home).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepoRefs {
    pub numbers: Vec<i64>,
    pub titles: Vec<String>,
    pub labels: Vec<String>,
}

impl RepoRefs {
    /// The references among `refs` into `repo` (`owner/name`, case-insensitive), each once.
    pub fn of<'a>(refs: impl IntoIterator<Item = &'a WorkRef>, repo: &str) -> RepoRefs {
        let mut out = RepoRefs::default();
        for r in refs.into_iter().filter(|r| r.repo().eq_ignore_ascii_case(repo)) {
            match r {
                WorkRef::Item { number, .. } if !out.numbers.contains(number) => out.numbers.push(*number),
                WorkRef::GithubMilestone { title, .. } if !out.titles.contains(title) => out.titles.push(title.clone()),
                WorkRef::Label { label, .. } if !out.labels.contains(label) => out.labels.push(label.clone()),
                _ => {}
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty() && self.titles.is_empty() && self.labels.is_empty()
    }

    /// `(numbers, titles, labels)` as JSON arrays, for the statements' `json_each`.
    pub fn json(&self) -> (String, String, String) {
        let list = |v: serde_json::Result<String>| v.unwrap_or_else(|_| "[]".to_owned());
        (
            list(serde_json::to_string(&self.numbers)),
            list(serde_json::to_string(&self.titles)),
            list(serde_json::to_string(&self.labels)),
        )
    }
}

impl fmt::Display for WorkRef {
    /// As written in the config.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkRef::GithubMilestone { repo, title } => write!(f, "{repo}:{title}"),
            WorkRef::Label { repo, label } => write!(f, "{repo}:{label}"),
            WorkRef::Item { repo, number } => write!(f, "{repo}#{number}"),
        }
    }
}

/// Money spent from the grant, as recorded in the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spend {
    pub date: NaiveDate,
    pub amount: Money,
    pub note: String,
}

/// `[[funding.grants.milestones]]` as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneWire {
    pub title: String,
    pub due: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_milestone: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
}

/// `[[funding.grants.budget_spent]]` as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpendWire {
    pub date: NaiveDate,
    pub amount: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Splits `owner/name` + `sep` + rest, checking the repository name.
fn split_ref<'a>(text: &'a str, sep: char, shape: &str) -> Result<(String, &'a str), String> {
    let (repo, rest) = text.split_once(sep).ok_or_else(|| format!("{text:?} is not {shape}"))?;
    let repo: RepoName = repo.parse().map_err(|e| format!("{text:?} is not {shape}: {e}"))?;
    Ok((repo.to_string(), rest))
}

/// Parses `owner/name:Title`.
pub fn parse_milestone_ref(text: &str) -> Result<WorkRef, String> {
    let (repo, title) = split_ref(text, ':', "owner/name:Milestone title")?;
    match title.trim() {
        "" => Err(format!("{text:?} names no milestone title after ':'")),
        title => Ok(WorkRef::GithubMilestone { repo, title: title.to_owned() }),
    }
}

/// Parses `owner/name:label`.
pub fn parse_label_ref(text: &str) -> Result<WorkRef, String> {
    let (repo, label) = split_ref(text, ':', "owner/name:label")?;
    match label.trim() {
        "" => Err(format!("{text:?} names no label after ':'")),
        label => Ok(WorkRef::Label { repo, label: label.to_owned() }),
    }
}

/// Parses `owner/name#123`.
pub fn parse_item_ref(text: &str) -> Result<WorkRef, String> {
    let (repo, number) = split_ref(text, '#', "owner/name#number")?;
    match number.parse::<i64>() {
        Ok(number) if number > 0 => Ok(WorkRef::Item { repo, number }),
        _ => Err(format!("{text:?} is not owner/name#number: {number:?} is not a positive number")),
    }
}

/// Whether `id` is a slug: 1 to 64 of `a-z`, `0-9` and `-`, not starting or ending with `-`.
fn is_slug(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

impl GrantPlan {
    /// Checks and converts the written keys; every problem starts with the key it is about
    /// (`milestones[1].items[2]: …`). `currency` is the grant's.
    pub fn from_wire(
        id: Option<String>,
        milestones: Vec<MilestoneWire>,
        budget_spent: Vec<SpendWire>,
        currency: Currency,
    ) -> Result<GrantPlan, Vec<String>> {
        let mut problems = Vec::new();
        if let Some(id) = id.as_deref().filter(|id| !is_slug(id)) {
            problems.push(format!(
                "id: {id:?} is not a slug (1 to 64 of a-z, 0-9 and '-', not starting or ending with '-')"
            ));
        }
        let milestones = milestones
            .into_iter()
            .enumerate()
            .filter_map(|(i, m)| milestone(m, currency).map_err(|p| problems.extend(prefixed(i, "milestones", p))).ok())
            .collect();
        let budget_spent = budget_spent
            .into_iter()
            .enumerate()
            .filter_map(|(i, s)| spend(s, currency).map_err(|p| problems.extend(prefixed(i, "budget_spent", p))).ok())
            .collect();
        match problems.is_empty() {
            true => Ok(GrantPlan { id, milestones, budget_spent }),
            false => Err(problems),
        }
    }

    /// Back to the written keys (for printing the config).
    pub fn to_wire(&self) -> (Option<String>, Vec<MilestoneWire>, Vec<SpendWire>) {
        let units = |m: Money| m.cents as f64 / 100.0;
        let milestones = self
            .milestones
            .iter()
            .map(|m| {
                let mut wire = MilestoneWire {
                    title: m.title.clone(),
                    due: m.due,
                    amount: m.amount.map(units),
                    github_milestone: None,
                    labels: Vec::new(),
                    items: Vec::new(),
                };
                for w in &m.work {
                    match w {
                        WorkRef::GithubMilestone { .. } => wire.github_milestone = Some(w.to_string()),
                        WorkRef::Label { .. } => wire.labels.push(w.to_string()),
                        WorkRef::Item { .. } => wire.items.push(w.to_string()),
                    }
                }
                wire
            })
            .collect();
        let spent = self
            .budget_spent
            .iter()
            .map(|s| SpendWire {
                date: s.date,
                amount: units(s.amount),
                currency: Some(s.amount.currency.to_string()),
                note: s.note.clone(),
            })
            .collect();
        (self.id.clone(), milestones, spent)
    }
}

fn prefixed(i: usize, list: &str, problems: Vec<String>) -> Vec<String> {
    let join = |p: String| if p.starts_with(':') { format!("{list}[{i}]{p}") } else { format!("{list}[{i}].{p}") };
    problems.into_iter().map(join).collect()
}

fn milestone(w: MilestoneWire, currency: Currency) -> Result<Milestone, Vec<String>> {
    let mut problems = Vec::new();
    if w.title.trim().is_empty() {
        problems.push("title: missing".to_owned());
    }
    let amount = match w.amount.map(|a| Money::from_units(a, currency)) {
        Some(Some(m)) if m.cents < 0 => {
            problems.push(format!("amount: must not be negative, found {m}"));
            None
        }
        Some(None) => {
            problems.push("amount: not a number".to_owned());
            None
        }
        Some(m) => m,
        None => None,
    };
    let mut work = Vec::new();
    let mut parse = |key: String, result: Result<WorkRef, String>| match result {
        Ok(r) => work.push(r),
        Err(e) => problems.push(format!("{key}: {e}")),
    };
    if let Some(text) = &w.github_milestone {
        parse("github_milestone".to_owned(), parse_milestone_ref(text));
    }
    for (i, text) in w.labels.iter().enumerate() {
        parse(format!("labels[{i}]"), parse_label_ref(text));
    }
    for (i, text) in w.items.iter().enumerate() {
        parse(format!("items[{i}]"), parse_item_ref(text));
    }
    if w.github_milestone.is_none() && w.labels.is_empty() && w.items.is_empty() {
        problems.push(": names no work: set github_milestone, labels or items".to_owned());
    }
    match problems.is_empty() {
        true => Ok(Milestone { title: w.title, due: w.due, amount, work }),
        false => Err(problems),
    }
}

fn spend(w: SpendWire, grant_currency: Currency) -> Result<Spend, Vec<String>> {
    let currency = match &w.currency {
        Some(code) => Currency::new(code).map_err(|e| vec![format!("currency: {e}")])?,
        None => grant_currency,
    };
    match Money::from_units(w.amount, currency) {
        Some(amount) if amount.cents > 0 => Ok(Spend { date: w.date, amount, note: w.note }),
        Some(amount) => Err(vec![format!("amount: must be positive, found {amount}")]),
        None => Err(vec!["amount: not a number".to_owned()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_in_their_three_shapes() {
        let m = parse_milestone_ref("acme/widgets:v2.0: the big one").unwrap();
        assert_eq!(m, WorkRef::GithubMilestone { repo: "acme/widgets".into(), title: "v2.0: the big one".into() });
        assert_eq!(m.to_string(), "acme/widgets:v2.0: the big one");
        let l = parse_label_ref("acme/widgets:good first issue").unwrap();
        assert_eq!(l, WorkRef::Label { repo: "acme/widgets".into(), label: "good first issue".into() });
        let i = parse_item_ref("acme/widgets#123").unwrap();
        assert_eq!((i.repo(), i.to_string().as_str()), ("acme/widgets", "acme/widgets#123"));
    }

    #[test]
    fn unparseable_references_say_what_shape_was_expected() {
        assert!(parse_item_ref("acme/widgets#12x").unwrap_err().contains("\"12x\" is not a positive number"));
        assert!(parse_item_ref("acme/widgets#0").is_err());
        assert!(parse_item_ref("widgets#1").unwrap_err().starts_with("\"widgets#1\" is not owner/name#number"));
        assert!(parse_item_ref("acme/widgets").unwrap_err().contains("is not owner/name#number"));
        assert!(parse_label_ref("acme/widgets:").unwrap_err().contains("names no label"));
        assert!(parse_milestone_ref("acme:v1").unwrap_err().starts_with("\"acme:v1\" is not owner/name:Milestone"));
    }

    #[test]
    fn ids_are_slugs() {
        for good in ["stf-2026", "a", "nlnet-1"] {
            assert!(is_slug(good), "{good}");
        }
        for bad in ["", "-a", "a-", "STF", "a b", "a/b", &"x".repeat(65)] {
            assert!(!is_slug(bad), "{bad}");
        }
    }

    fn wire(items: &[&str]) -> MilestoneWire {
        MilestoneWire {
            title: "M".into(),
            due: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
            amount: None,
            github_milestone: None,
            labels: Vec::new(),
            items: items.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn every_problem_names_its_key_down_to_the_reference() {
        let usd = Currency::USD;
        let ok = wire(&["acme/widgets#1"]);
        let bad = wire(&["acme/widgets#1", "acme/widgets#2", "acme/widgets#two"]);
        let none = wire(&[]);
        let spend = SpendWire { date: ok.due, amount: -3.0, currency: None, note: String::new() };
        let err =
            GrantPlan::from_wire(Some("Bad Id".into()), vec![ok.clone(), bad, none], vec![spend], usd).unwrap_err();
        assert_eq!(err.len(), 4, "{err:?}");
        assert!(err[0].starts_with("id: \"Bad Id\" is not a slug"));
        assert!(err[1].starts_with("milestones[1].items[2]: \"acme/widgets#two\" is not owner/name#number"));
        assert_eq!(err[2], "milestones[2]: names no work: set github_milestone, labels or items");
        assert_eq!(err[3], "budget_spent[0].amount: must be positive, found -3.00 USD");
        let plan = GrantPlan::from_wire(Some("stf".into()), vec![ok], Vec::new(), usd).unwrap();
        assert_eq!(plan.milestones[0].work, [parse_item_ref("acme/widgets#1").unwrap()]);
    }

    #[test]
    fn spending_keeps_its_own_currency_and_round_trips() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        let spends = vec![
            SpendWire { date, amount: 40.5, currency: None, note: "a".into() },
            SpendWire { date, amount: 10.0, currency: Some("EUR".into()), note: String::new() },
        ];
        let mut m = wire(&["acme/widgets#1"]);
        m.github_milestone = Some("acme/widgets:v1".into());
        m.labels = vec!["acme/widgets:docs".into()];
        m.amount = Some(100.0);
        let plan = GrantPlan::from_wire(None, vec![m], spends, Currency::USD).unwrap();
        assert_eq!(plan.budget_spent[0].amount, Money::new(4050, Currency::USD));
        assert_eq!(plan.budget_spent[1].amount, Money::new(1000, Currency::new("EUR").unwrap()));
        let (id, ms, ss) = plan.to_wire();
        assert_eq!(GrantPlan::from_wire(id, ms, ss, Currency::USD).unwrap(), plan);
    }

    #[test]
    fn repo_refs_split_one_repositorys_references_by_kind_each_once() {
        let refs = [
            parse_item_ref("acme/widgets#3").unwrap(),
            parse_milestone_ref("Acme/Widgets:v1").unwrap(),
            parse_label_ref("acme/widgets:docs").unwrap(),
            parse_item_ref("acme/other#4").unwrap(),
            parse_item_ref("acme/widgets#3").unwrap(),
            parse_label_ref("acme/widgets:bug").unwrap(),
        ];
        let mine = RepoRefs::of(&refs, "acme/WIDGETS");
        assert_eq!(mine.numbers, [3]);
        assert_eq!(mine.titles, ["v1"]);
        assert_eq!(mine.labels, ["docs", "bug"]);
        assert_eq!(mine.json(), ("[3]".to_owned(), r#"["v1"]"#.to_owned(), r#"["docs","bug"]"#.to_owned()));
        assert!(RepoRefs::of(&refs, "acme/none").is_empty());
    }
}
