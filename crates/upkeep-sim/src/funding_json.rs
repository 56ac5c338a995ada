//! `GET /repos/{o}/{r}/contents/funding.json`: the repositories' funding manifests
//! (fundingjson.org, `v1.0.0`) in the shape of GitHub's contents API (`contents.rs`); `404`
//! where there is none.
//!
//! - atlas: a valid manifest in USD (bank and payment-provider channels, monthly, yearly and
//!   one-time plans, three years of history) plus an unknown top-level field, `x-fiscal-host`,
//!   which a consumer should keep rather than reject;
//! - comet: a valid manifest in EUR;
//! - nebula: valid JSON, but its second plan has no `currency` (a data-quality finding);
//! - orbit: not JSON at all (a trailing comma, then cut short);
//! - every other repository: none.
//!
//! The files never change; history years are the three before the epoch's year.
//!
//! The same texts are served as plain files at `GET /manifests/{name}/funding.json` ([`raw`]), as
//! a project website would publish one, for `[funding] manifests`: not GitHub, so no token or
//! budget; a name without a manifest is `404`.

use actix_web::http::StatusCode;
use chrono::{DateTime, Datelike};

use super::answer::{Answer, JSON};
use super::render::Ctx;
use super::world::{Repo, World};

const ATLAS: &str = r#"{
  "version": "v1.0.0",
  "entity": {
    "type": "organisation",
    "role": "steward",
    "name": "upkeep-sim",
    "email": "funding@upkeep-sim.dev",
    "description": "The upkeep-sim collective maintains atlas and its sibling projects in the open.",
    "webpageUrl": { "url": "https://atlas.upkeep-sim.dev" }
  },
  "projects": [
    {
      "guid": "atlas",
      "name": "atlas",
      "description": "A fast, embeddable geospatial query engine",
      "webpageUrl": { "url": "https://atlas.upkeep-sim.dev" },
      "repositoryUrl": { "url": "https://github.com/upkeep-sim/atlas" },
      "licenses": ["spdx:Apache-2.0"],
      "tags": ["geospatial", "database", "rust"]
    }
  ],
  "funding": {
    "channels": [
      {
        "guid": "bank-transfer",
        "type": "bank",
        "address": "IBAN DE89 3704 0044 0532 0130 00",
        "description": "Wire transfer to our fiscal host; write 'atlas' in the reference."
      },
      {
        "guid": "opencollective",
        "type": "payment-provider",
        "address": "https://opencollective.com/upkeep-atlas",
        "description": "Cards and PayPal through Open Collective."
      },
      {
        "guid": "github-sponsors",
        "type": "payment-provider",
        "address": "https://github.com/sponsors/upkeep-sim",
        "description": "Monthly or one-time sponsorship on GitHub."
      }
    ],
    "plans": [
      {
        "guid": "ci-hosting",
        "status": "active",
        "name": "Benchmark and CI machines",
        "description": "Keeps the nightly geospatial benchmarks running.",
        "amount": 450,
        "currency": "USD",
        "frequency": "monthly",
        "channels": ["opencollective", "github-sponsors"]
      },
      {
        "guid": "maintainer-time",
        "status": "active",
        "name": "Part-time maintainer",
        "description": "Two days a week of triage, reviews and releases.",
        "amount": 60000,
        "currency": "USD",
        "frequency": "yearly",
        "channels": ["bank-transfer", "opencollective"]
      },
      {
        "guid": "security-audit",
        "status": "active",
        "name": "Security audit of the query parser",
        "description": "An external audit before the 2.0 release.",
        "amount": 18000,
        "currency": "USD",
        "frequency": "one-time",
        "channels": ["bank-transfer"]
      }
    ],
    "history": [
      { "year": {Y1}, "income": 21400, "expenses": 17900, "taxes": 0, "currency": "USD", "description": "First sponsors; CI moved to donated machines." },
      { "year": {Y2}, "income": 38250, "expenses": 33100, "taxes": 1200, "currency": "USD", "description": "A part-time maintainer for half the year." },
      { "year": {Y3}, "income": 52600, "expenses": 49800, "taxes": 2100, "currency": "USD", "description": "Maintainer funded all year; audit saved up." }
    ]
  },
  "x-fiscal-host": { "name": "Open Source Collective", "url": "https://oscollective.org" }
}
"#;

const COMET: &str = r#"{
  "version": "v1.0.0",
  "entity": {
    "type": "group",
    "role": "maintainer",
    "name": "The comet maintainers",
    "email": "hello@comet.upkeep-sim.dev",
    "description": "Three volunteers who build a friendly static site generator.",
    "webpageUrl": { "url": "https://comet.upkeep-sim.dev" }
  },
  "projects": [
    {
      "guid": "comet",
      "name": "comet",
      "description": "Friendly static site generator",
      "webpageUrl": { "url": "https://comet.upkeep-sim.dev" },
      "repositoryUrl": { "url": "https://github.com/upkeep-sim/comet" },
      "licenses": ["spdx:MIT"],
      "tags": ["javascript", "static-site"]
    }
  ],
  "funding": {
    "channels": [
      {
        "guid": "sepa",
        "type": "bank",
        "address": "IBAN NL91 ABNA 0417 1643 00",
        "description": "SEPA transfer to our fiscal host in Europe."
      },
      {
        "guid": "opencollective",
        "type": "payment-provider",
        "address": "https://opencollective.com/upkeep-comet",
        "description": "Cards, PayPal and SEPA debit through Open Collective."
      }
    ],
    "plans": [
      {
        "guid": "friend",
        "status": "active",
        "name": "Friend of comet",
        "description": "A small monthly thank-you.",
        "amount": 5,
        "currency": "EUR",
        "frequency": "monthly",
        "channels": ["opencollective"]
      },
      {
        "guid": "docs-sprint",
        "status": "active",
        "name": "Documentation sprint",
        "description": "A yearly week of docs and newcomer guides.",
        "amount": 3000,
        "currency": "EUR",
        "frequency": "yearly",
        "channels": ["sepa", "opencollective"]
      }
    ],
    "history": [
      { "year": {Y2}, "income": 4100, "expenses": 2600, "taxes": 0, "currency": "EUR", "description": "Collective opened." },
      { "year": {Y3}, "income": 9800, "expenses": 7400, "taxes": 0, "currency": "EUR", "description": "First docs sprint." }
    ]
  }
}
"#;

const NEBULA: &str = r#"{
  "version": "v1.0.0",
  "entity": {
    "type": "individual",
    "role": "maintainer",
    "name": "nebula maintainers",
    "email": "nebula@upkeep-sim.dev",
    "description": "Cloud cost explorer and forecasting.",
    "webpageUrl": { "url": "https://nebula.upkeep-sim.dev" }
  },
  "projects": [
    {
      "guid": "nebula",
      "name": "nebula",
      "description": "Cloud cost explorer and forecasting",
      "webpageUrl": { "url": "https://nebula.upkeep-sim.dev" },
      "repositoryUrl": { "url": "https://github.com/upkeep-sim/nebula" },
      "licenses": ["spdx:BSD-3-Clause"],
      "tags": ["python", "finops"]
    }
  ],
  "funding": {
    "channels": [
      { "guid": "liberapay", "type": "payment-provider", "address": "https://liberapay.com/upkeep-nebula", "description": "Weekly donations." }
    ],
    "plans": [
      { "guid": "supporter", "status": "active", "name": "Supporter", "description": "Helps pay for the forecasting test accounts.", "amount": 10, "currency": "USD", "frequency": "monthly", "channels": ["liberapay"] },
      { "guid": "sponsor", "status": "active", "name": "Sponsor", "description": "Logo in the README.", "amount": 250, "frequency": "monthly", "channels": ["liberapay"] }
    ],
    "history": []
  }
}
"#;

const ORBIT: &str = r#"{
  "version": "v1.0.0",
  "entity": {
    "type": "individual",
    "role": "owner",
    "name": "orbit",
    "email": "orbit@upkeep-sim.dev",
  },
  "funding": {
    "channels": [
      { "guid": "patreon", "type": "payment-provider", "address": "https://www.patreon.com/upkeep_orbit"
"#;

/// The manifest text of `repo` (by its original name), if it has one.
pub fn manifest(repo: &Repo, epoch: i64) -> Option<String> {
    let text = match repo.spec.name {
        "atlas" => ATLAS,
        "comet" => COMET,
        "nebula" => NEBULA,
        "orbit" => ORBIT,
        _ => return None,
    };
    let year = DateTime::from_timestamp(epoch, 0).map_or(2026, |t| t.year());
    let text = text.replace("{Y1}", &(year - 3).to_string());
    Some(text.replace("{Y2}", &(year - 2).to_string()).replace("{Y3}", &(year - 1).to_string()))
}

/// The manifest of the repository named `name` (by its original or current name) as a plain
/// file, `None` when it has none.
pub fn raw(world: &World, name: &str) -> Option<Answer> {
    let repo = world.repos.iter().find(|r| r.spec.name == name || r.name == name)?;
    let text = manifest(repo, world.epoch)?;
    Some(Answer { status: StatusCode::OK, body: text.into_bytes(), content_type: JSON, headers: Vec::new() })
}

/// The contents answer for `funding.json`, `None` when `repo` has none.
pub fn contents(ctx: &Ctx, repo: &Repo) -> Option<Answer> {
    let text = manifest(repo, ctx.world.epoch)?;
    Some(super::contents::file(ctx, repo, "funding.json", &text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEFAULT_EPOCH, Scale, generate::generate};
    use serde_json::Value;

    #[test]
    fn manifests_are_valid_or_broken_on_purpose() {
        let world = generate(7, Scale::Small, DEFAULT_EPOCH);
        let get = |name: &str| manifest(world.repos.iter().find(|r| r.name == name).unwrap(), DEFAULT_EPOCH);
        let atlas: Value = serde_json::from_str(&get("atlas").unwrap()).expect("atlas is JSON");
        assert_eq!(atlas["version"], "v1.0.0");
        assert!(atlas["funding"]["plans"].as_array().unwrap().iter().all(|p| p["currency"] == "USD"));
        assert_eq!(atlas["funding"]["history"][2]["year"], 2025);
        assert!(atlas.get("x-fiscal-host").is_some());
        let comet: Value = serde_json::from_str(&get("comet").unwrap()).expect("comet is JSON");
        assert!(comet["funding"]["plans"].as_array().unwrap().iter().all(|p| p["currency"] == "EUR"));
        let nebula: Value = serde_json::from_str(&get("nebula").unwrap()).expect("nebula is JSON");
        assert!(nebula["funding"]["plans"][1].get("currency").is_none(), "a plan without a currency");
        assert!(serde_json::from_str::<Value>(&get("orbit").unwrap()).is_err(), "orbit's is not JSON");
        assert!(get("pulsar").is_none() && get("halo").is_none());
    }
}
