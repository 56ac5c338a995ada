//! [`Grant`]: money a funder gave for a stated purpose over a stated period, as configured.
//!
//! The config file lists grants as tables of plain keys, which [`GrantWire`] mirrors:
//!
//! ```toml
//! [[grants]]
//! funder = "Sovereign Tech Fund"
//! amount = 50000            # whole units; decimals allowed (1234.5)
//! currency = "USD"
//! start = "2026-01-01"      # inclusive
//! end = "2026-12-31"        # inclusive
//! repos = ["acme/widgets"]  # owner/name; empty means the whole project
//! purpose = "Security hardening and release automation"
//! people = ["mara-okafor"]  # GitHub logins the grant pays (optional): their maintenance is funded
//! ```
//!
//! A grant may also have an `id` (its page), `[[grants.milestones]]` and `[[grants.budget_spent]]`:
//! see [`plan`].
//!
//! Deserializing checks everything [`Grant::validate`] checks, so a bad grant stops start-up
//! with the field named. Not here: storing grants or deciding which repositories exist.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

pub mod plan;

pub use plan::{GrantPlan, Milestone, RepoRefs, Spend, WorkRef};

use super::ledger::{Entry, EntryKind, Frequency, Source, Timing};
use super::money::{Currency, Money};
use crate::config::RepoName;
use crate::metrics::{DAY, Window};

/// A grant as used everywhere after loading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "GrantWire", into = "GrantWire")]
pub struct Grant {
    pub funder: String,
    pub amount: Money,
    /// First day covered, inclusive.
    pub start: NaiveDate,
    /// Last day covered, inclusive.
    pub end: NaiveDate,
    /// `owner/name` of the repositories the grant is for; empty means all of them.
    pub repos: Vec<String>,
    pub purpose: String,
    /// GitHub logins the grant pays for; their maintenance in the period counts as funded.
    pub people: Vec<String>,
    /// Its page id, milestones and spending ([`plan`]); empty when not configured.
    pub plan: GrantPlan,
}

/// The grant as written in the config file: amount and currency as separate keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantWire {
    pub funder: String,
    pub amount: f64,
    pub currency: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    #[serde(default)]
    pub repos: Vec<String>,
    #[serde(default)]
    pub purpose: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<plan::MilestoneWire>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub budget_spent: Vec<plan::SpendWire>,
}

impl TryFrom<GrantWire> for Grant {
    type Error = String;

    fn try_from(w: GrantWire) -> Result<Self, Self::Error> {
        let currency = Currency::new(&w.currency).map_err(|e| format!("currency: {e}"))?;
        let amount =
            Money::from_units(w.amount, currency).ok_or_else(|| format!("amount: not a number: {}", w.amount))?;
        let (plan, mut problems) = match GrantPlan::from_wire(w.id, w.milestones, w.budget_spent, currency) {
            Ok(plan) => (plan, Vec::new()),
            Err(problems) => (GrantPlan::default(), problems),
        };
        let grant = Grant {
            funder: w.funder,
            amount,
            start: w.start,
            end: w.end,
            repos: w.repos,
            purpose: w.purpose,
            people: w.people,
            plan,
        };
        problems.splice(0..0, grant.validate());
        if problems.is_empty() {
            Ok(grant)
        } else {
            Err(format!("grant from {:?}: {}", grant.funder, problems.join("; ")))
        }
    }
}

impl From<Grant> for GrantWire {
    fn from(g: Grant) -> Self {
        let (id, milestones, budget_spent) = g.plan.to_wire();
        GrantWire {
            funder: g.funder,
            amount: g.amount.cents as f64 / 100.0,
            currency: g.amount.currency.to_string(),
            start: g.start,
            end: g.end,
            repos: g.repos,
            purpose: g.purpose,
            people: g.people,
            id,
            milestones,
            budget_spent,
        }
    }
}

/// Midnight UTC at the start of `d`, in unix seconds.
fn midnight(d: NaiveDate) -> i64 {
    d.and_time(NaiveTime::MIN).and_utc().timestamp()
}

impl Grant {
    /// Every problem, each message starting with the field it is about; empty when valid.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.funder.trim().is_empty() {
            problems.push("funder: missing".to_owned());
        }
        if self.amount.cents <= 0 {
            problems.push(format!("amount: must be positive, found {}", self.amount));
        }
        if self.end < self.start {
            problems.push(format!("end: {} is before start {}", self.end, self.start));
        }
        for (i, repo) in self.repos.iter().enumerate() {
            if let Err(e) = repo.parse::<RepoName>() {
                problems.push(format!("repos[{i}]: {e}"));
            }
        }
        for (i, login) in self.people.iter().enumerate() {
            if login.is_empty() || login.len() > 100 || login.chars().any(|c| c.is_whitespace() || c.is_control()) {
                problems.push(format!("people[{i}]: {login:?} is not a login"));
            }
        }
        problems
    }

    /// The days covered as a half-open window: `[start 00:00 UTC, day after end 00:00 UTC)`.
    pub fn period(&self) -> Window {
        Window::new(midnight(self.start), midnight(self.end) + DAY)
    }

    /// Whether the grant is for `repo` (`owner/name`, case-insensitive); a grant listing no
    /// repositories is for all of them.
    pub fn covers(&self, repo: &str) -> bool {
        self.repos.is_empty() || self.repos.iter().any(|r| r.eq_ignore_ascii_case(repo))
    }

    /// The grant as a ledger entry: a lump spread over its period.
    pub fn to_entry(&self) -> Entry {
        let period = self.period();
        let description =
            if self.purpose.is_empty() { self.funder.clone() } else { format!("{}: {}", self.funder, self.purpose) };
        Entry {
            source: Source::Grant,
            kind: EntryKind::Grant,
            amount: Some(self.amount),
            timing: Timing::Period { from: period.from, to: Some(period.to) },
            frequency: Frequency::OneTime,
            description,
            fetched_at: None,
            stale: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct File {
        grants: Vec<Grant>,
    }

    fn load(table: &str) -> Result<Grant, String> {
        toml::from_str::<File>(&format!("[[grants]]\n{table}"))
            .map(|f| f.grants[0].clone())
            .map_err(|e| e.message().to_owned())
    }

    const GOOD: &str = "funder = \"STF\"\namount = 50000\ncurrency = \"USD\"\nstart = \"2026-01-01\"\nend = \"2026-12-31\"\n\
                        repos = [\"acme/widgets\"]\npurpose = \"Security\"\n";

    #[test]
    fn a_grant_table_with_separate_amount_and_currency_keys_loads() {
        let grant = load(GOOD).unwrap();
        assert_eq!(grant.amount, Money::new(5_000_000, Currency::USD));
        assert_eq!(grant.period(), Window::new(1_767_225_600, 1_767_225_600 + 365 * DAY));
        assert!(grant.covers("Acme/Widgets") && !grant.covers("acme/other"));
        assert_eq!(grant.to_entry().description, "STF: Security");
    }

    #[test]
    fn a_grant_ending_before_it_starts_names_the_end_field() {
        let err = load(&GOOD.replace("2026-12-31", "2025-12-31")).unwrap_err();
        assert_eq!(err, "grant from \"STF\": end: 2025-12-31 is before start 2026-01-01");
    }

    #[test]
    fn a_grant_needs_a_positive_amount_and_a_valid_currency() {
        let err = load(&GOOD.replace("50000", "0")).unwrap_err();
        assert_eq!(err, "grant from \"STF\": amount: must be positive, found 0.00 USD");
        let err = load(&GOOD.replace("\"USD\"", "\"usd\"")).unwrap_err();
        assert_eq!(err, "currency: invalid currency code \"usd\", expected three uppercase letters (ISO 4217)");
    }

    #[test]
    fn repos_must_look_like_owner_slash_name() {
        let grant = Grant { repos: vec!["acme/widgets".to_owned(), "widgets".to_owned()], ..load(GOOD).unwrap() };
        let problems = grant.validate();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("repos[1]: invalid repository name \"widgets\""), "{}", problems[0]);
    }

    #[test]
    fn a_grant_may_name_the_people_it_pays() {
        assert!(load(GOOD).unwrap().people.is_empty());
        let grant = load(&format!("{GOOD}people = [\"mara\", \"bo\"]\n")).unwrap();
        assert_eq!(grant.people, ["mara", "bo"]);
        let err = load(&format!("{GOOD}people = [\"mara\", \"two words\"]\n")).unwrap_err();
        assert_eq!(err, "grant from \"STF\": people[1]: \"two words\" is not a login");
    }

    #[test]
    fn an_unknown_key_in_a_grant_table_is_rejected() {
        assert!(load(&format!("{GOOD}amout = 3\n")).unwrap_err().contains("unknown field `amout`"));
    }

    #[test]
    fn a_grant_serializes_back_to_separate_keys() {
        let value = serde_json::to_value(load(GOOD).unwrap()).unwrap();
        assert_eq!(value["amount"], 50000.0);
        assert_eq!(value["currency"], "USD");
        assert_eq!(value["start"], "2026-01-01");
    }

    const PLANNED: &str = "[[funding.grants]]\nid = \"stf\"\nfunder = \"STF\"\namount = 100\ncurrency = \"USD\"\n\
                           start = \"2026-01-01\"\nend = \"2026-12-31\"\n\
                           [[funding.grants.milestones]]\ntitle = \"One\"\ndue = \"2026-03-31\"\nitems = [\"a/b#1\"]\n\
                           [[funding.grants.milestones]]\ntitle = \"Two\"\ndue = \"2026-06-30\"\namount = 40\n\
                           github_milestone = \"a/b:v2\"\nlabels = [\"a/b:docs\"]\nitems = [\"a/b#2\", \"a/c#3\", \"a/b#x\"]\n\
                           [[funding.grants.budget_spent]]\ndate = \"2026-02-01\"\namount = 25\nnote = \"Laptop\"\n";

    #[test]
    fn milestones_and_spending_load_from_the_config_and_a_bad_reference_names_its_key() {
        use crate::config::Config;
        let good = PLANNED.replace(", \"a/b#x\"", "");
        let config = Config::from_toml_str(&good, "config.toml").unwrap();
        let plan = &config.funding.grants[0].plan;
        assert_eq!(plan.id.as_deref(), Some("stf"));
        assert_eq!(plan.milestones.len(), 2);
        assert_eq!(plan.milestones[1].amount, Some(Money::new(4000, Currency::USD)));
        assert_eq!(plan.milestones[1].work.len(), 4);
        assert_eq!(plan.budget_spent[0].amount, Money::new(2500, Currency::USD));
        let printed = toml::to_string(&config).unwrap();
        assert_eq!(Config::from_toml_str(&printed, "printed").unwrap(), config, "{printed}");

        let message = Config::from_toml_str(PLANNED, "config.toml").unwrap_err().to_string();
        assert!(
            message
                .starts_with("config.toml:1: funding.grants[0]: grant from \"STF\": milestones[1].items[2]: \"a/b#x\""),
            "{message}"
        );
    }

    #[test]
    fn two_grants_cannot_share_an_id() {
        let twice = format!("{}{}", PLANNED.replace(", \"a/b#x\"", ""), PLANNED.replace(", \"a/b#x\"", ""));
        let message = crate::config::Config::from_toml_str(&twice, "config.toml").unwrap_err().to_string();
        assert!(message.contains("funding.grants: grant 1: id: \"stf\" is already the id of grant 0"), "{message}");
    }

    #[test]
    fn a_grant_without_id_or_milestones_loads_as_before() {
        assert_eq!(load(GOOD).unwrap().plan, GrantPlan::default());
    }
}
