//! `[funding]`: funding sources beyond GitHub (Open Collective, funding.json URLs), how often
//! they are refreshed, and grants; with the check of Open Collective slugs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use url::Url;

use super::repo_name::RepoName;
use super::values::http_url;

/// `[funding]`: funding sources beyond GitHub, how often they are refreshed, and grants.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct FundingConfig {
    /// Open Collective's GraphQL v2 endpoint (default `https://api.opencollective.com/graphql/v2`;
    /// the simulator serves one at `{sim}/opencollective/graphql/v2`). No token is sent there.
    #[serde(with = "http_url")]
    pub open_collective_url: Url,
    /// Hours between two fetches of a repository's Sponsors data (of its owner, maintainers and
    /// linked accounts, each account once per window), Open Collective figures and a missing
    /// funding.json or FUNDING.yml (default 24; 0 fetches on every run). These requests are not
    /// conditional, so an unchanged re-sync inside this window costs nothing.
    pub refresh_hours: u64,
    /// Open Collective slug per repository, `"owner/name" = "slug"`, overriding the slug of the
    /// repository's `OPEN_COLLECTIVE` funding link (default none).
    #[serde(deserialize_with = "collective_slugs")]
    pub open_collective: BTreeMap<RepoName, String>,
    /// funding.json URL per repository, `"owner/name" = "https://…/funding.json"`, fetched instead
    /// of the repository's root `funding.json` (default none). http(s) without credentials, query
    /// or fragment; asked without the GitHub token, with the manifest's ETag once it has one.
    #[serde(with = "http_url::per_repo")]
    pub manifests: BTreeMap<RepoName, Url>,
    /// Grants, as `[[funding.grants]]` tables with `funder`, `amount` (whole units), `currency`,
    /// `start`, `end` (inclusive dates), `repos` and `purpose` (default none); see
    /// [`crate::funding::grants`]; optionally `id`, `[[funding.grants.milestones]]` and
    /// `[[funding.grants.budget_spent]]` ([`crate::funding::grants::plan`]). Ids are unique.
    /// Not settable from the environment.
    #[serde(deserialize_with = "grants_with_unique_ids")]
    pub grants: Vec<crate::funding::Grant>,
}

impl Default for FundingConfig {
    fn default() -> Self {
        Self {
            open_collective_url: Url::parse("https://api.opencollective.com/graphql/v2").expect("valid default URL"),
            refresh_hours: 24,
            open_collective: BTreeMap::new(),
            manifests: BTreeMap::new(),
            grants: Vec::new(),
        }
    }
}

impl FundingConfig {
    /// The configured Open Collective slug of a repository (under its configured or current name).
    pub fn open_collective_slug(&self, name: &str, api_name: &str) -> Option<&str> {
        self.open_collective.iter().find_map(|(repo, slug)| {
            let key = repo.to_string();
            (key.eq_ignore_ascii_case(name) || key.eq_ignore_ascii_case(api_name)).then_some(slug.as_str())
        })
    }

    /// The configured funding.json URL of a repository (under its configured or current name).
    pub fn manifest_url(&self, name: &str, api_name: &str) -> Option<&Url> {
        self.manifests.iter().find_map(|(repo, url)| {
            let key = repo.to_string();
            (key.eq_ignore_ascii_case(name) || key.eq_ignore_ascii_case(api_name)).then_some(url)
        })
    }
}

/// Grants, whose `id`s (where given) name one grant each, since each names a page.
fn grants_with_unique_ids<'de, D>(deserializer: D) -> Result<Vec<crate::funding::Grant>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error as _;
    let grants = Vec::<crate::funding::Grant>::deserialize(deserializer)?;
    for (i, grant) in grants.iter().enumerate() {
        let Some(id) = grant.plan.id.as_deref() else { continue };
        if let Some(first) = grants[..i].iter().position(|g| g.plan.id.as_deref() == Some(id)) {
            return Err(D::Error::custom(format!("grant {i}: id: {id:?} is already the id of grant {first}")));
        }
    }
    Ok(grants)
}

/// Open Collective slugs: letters, digits, `-` and `_`, lowercased as Open Collective does.
fn collective_slugs<'de, D>(deserializer: D) -> Result<BTreeMap<RepoName, String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error as _;
    let map = BTreeMap::<RepoName, String>::deserialize(deserializer)?;
    map.into_iter()
        .map(|(repo, slug)| {
            let valid = !slug.is_empty() && slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            match valid {
                true => Ok((repo, slug.to_ascii_lowercase())),
                false => Err(D::Error::custom(format!("invalid Open Collective slug {slug:?} for {repo}"))),
            }
        })
        .collect()
}
