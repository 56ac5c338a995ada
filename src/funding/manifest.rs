//! The funding.json v1 manifest (fundingjson.org, FLOSS/fund) as serde types (parsed and checked
//! by [`super::validate::parse_manifest`]).
//!
//! The model is lenient on purpose: every field is optional and enumerations stay strings, so a
//! file with mistakes still parses and [`super::validate::validate`] can name *every*
//! problem with its JSON path instead of stopping at the first. Unknown fields are kept at every
//! level (`extra`) and written back unchanged, so Upkeep can read and re-emit manifests that use
//! newer or custom keys. Identifiers are read from `guid` (v1.0.0 files) or `id` (later v1.x
//! files) and written back as `guid`.
//!
//! Not here: fetching the file or checking `/.well-known/funding-manifest-urls` ownership (IO),
//! and turning plans and history into ledger entries (the caller does that with [`Plan::money`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

use super::ledger::Frequency;
use super::money::{Currency, Money};

/// Unknown keys at one level of the document, kept verbatim. Amounts are kept as JSON numbers
/// too (`12000` stays `12000`, not `12000.0`) so a manifest is written back as it was read.
pub type Extra = BTreeMap<String, Value>;

/// A whole funding.json document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<Entity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projects: Option<Vec<Project>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<Funding>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Who is behind the projects: `type` individual|group|organisation|other, `role`
/// owner|steward|maintainer|contributor|other.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entity {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webpage_url: Option<ManifestUrl>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A URL field: the spec's `{ "url": …, "wellKnown": … }` object, or a bare string as some files
/// write it. Written back in the shape it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ManifestUrl {
    Plain(String),
    Object {
        url: Option<String>,
        #[serde(rename = "wellKnown", default, skip_serializing_if = "Option::is_none")]
        well_known: Option<String>,
        #[serde(flatten)]
        extra: Extra,
    },
}

impl ManifestUrl {
    /// The URL itself, if present.
    pub fn url(&self) -> Option<&str> {
        match self {
            ManifestUrl::Plain(url) => Some(url),
            ManifestUrl::Object { url, .. } => url.as_deref(),
        }
    }
}

/// One project the entity develops.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    #[serde(alias = "id", default, skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webpage_url: Option<ManifestUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_url: Option<ManifestUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licenses: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// How the projects can be paid, what they ask for, and what they received.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Funding {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<Channel>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plans: Option<Vec<Plan>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryItem>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A way to pay: `type` bank|payment-provider|cheque|cash|other.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    #[serde(alias = "id", default, skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An ask: `amount` `currency` per `frequency`, payable through the listed channel guids.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    #[serde(alias = "id", default, skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Plan {
    /// The amount as [`Money`], when both amount and currency are present and valid.
    pub fn money(&self) -> Option<Money> {
        let currency = Currency::new(self.currency.as_deref()?).ok()?;
        Money::from_units(self.amount.as_ref()?.as_f64()?, currency)
    }

    /// The frequency, when it is one the spec defines.
    pub fn frequency(&self) -> Option<Frequency> {
        self.frequency.as_deref().and_then(Frequency::parse)
    }
}

/// One year's income and expenses as declared by the project.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub income: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expenses: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxes: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const VALID: &str = r#"{
  "version": "v1.0.0",
  "entity": {"type": "group", "role": "steward", "name": "Upkeep devs", "email": "devs@example.org",
             "webpageUrl": {"url": "https://example.org"}, "mastodon": "@upkeep@example.social"},
  "projects": [{"guid": "upkeep", "name": "Upkeep", "description": "Dashboard",
                "webpageUrl": {"url": "https://example.org"},
                "repositoryUrl": {"url": "https://github.com/acme/upkeep", "wellKnown": "https://github.com/acme/upkeep/blob/main/.well-known/funding-manifest-urls"},
                "licenses": ["spdx:MIT"], "tags": ["dashboard"], "stars": 12}],
  "funding": {
    "channels": [{"guid": "bank", "type": "bank", "address": "IBAN X", "description": "Wire"}],
    "plans": [{"guid": "dev", "status": "active", "name": "Developer time", "description": "One day a week",
               "amount": 1500.5, "currency": "EUR", "frequency": "monthly", "channels": ["bank"], "priority": 1}],
    "history": [{"year": 2025, "income": 12000, "expenses": 9000, "taxes": 0, "currency": "EUR", "description": "Donations"}],
    "x-notes": {"audited": false}
  },
  "x-generator": "hand"
}"#;

    #[test]
    fn a_valid_manifest_parses_and_keeps_unknown_fields_when_written_back() {
        let manifest: Manifest = serde_json::from_str(VALID).unwrap();
        assert_eq!(manifest.extra["x-generator"], "hand");
        let plan = &manifest.funding.as_ref().unwrap().plans.as_ref().unwrap()[0];
        assert_eq!(plan.money(), Some(Money::new(150_050, Currency::EUR)));
        assert_eq!(plan.frequency(), Some(Frequency::Monthly));
        let original: Value = serde_json::from_str(VALID).unwrap();
        assert_eq!(serde_json::to_value(&manifest).unwrap(), original);
    }

    #[test]
    fn ids_from_later_v1_files_are_read_as_guids() {
        let manifest: Manifest = serde_json::from_str(r#"{"funding": {"channels": [{"id": "paypal"}]}}"#).unwrap();
        assert_eq!(manifest.funding.unwrap().channels.unwrap()[0].guid.as_deref(), Some("paypal"));
    }

    #[test]
    fn a_bare_string_url_is_accepted_and_written_back_as_a_string() {
        let manifest: Manifest = serde_json::from_str(r#"{"entity": {"webpageUrl": "https://a.example"}}"#).unwrap();
        let entity = manifest.entity.as_ref().unwrap();
        assert_eq!(entity.webpage_url.as_ref().and_then(ManifestUrl::url), Some("https://a.example"));
        assert_eq!(serde_json::to_string(&manifest).unwrap(), r#"{"entity":{"webpageUrl":"https://a.example"}}"#);
    }
}
