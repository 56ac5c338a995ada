//! Funding links: GitHub's `Repository.fundingLinks` platforms, and the account each link names.
//!
//! GitHub parses `.github/FUNDING.yml` for us and returns `{ platform, url }` pairs, so there is
//! no YAML here. This module names the platforms for display, keeps any platform string GitHub
//! adds later as [`Platform::Other`], and pulls the Open Collective slug or GitHub Sponsors login
//! out of a URL so the matching funding source can be queried.
//!
//! Not here: fetching the links (`github`) or the money behind them (the funding sources).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A `FundingPlatform` value from GitHub's GraphQL schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Platform {
    GitHub,
    OpenCollective,
    Patreon,
    KoFi,
    Liberapay,
    Tidelift,
    Polar,
    BuyMeACoffee,
    ThanksDev,
    IssueHunt,
    CommunityBridge,
    LfxCrowdfunding,
    Custom,
    /// A value this version does not know, kept as GitHub spelled it.
    Other(String),
}

/// Every known platform with its GraphQL spelling and its display name.
const PLATFORMS: &[(Platform, &str, &str)] = &[
    (Platform::GitHub, "GITHUB", "GitHub Sponsors"),
    (Platform::OpenCollective, "OPEN_COLLECTIVE", "Open Collective"),
    (Platform::Patreon, "PATREON", "Patreon"),
    (Platform::KoFi, "KO_FI", "Ko-fi"),
    (Platform::Liberapay, "LIBERAPAY", "Liberapay"),
    (Platform::Tidelift, "TIDELIFT", "Tidelift"),
    (Platform::Polar, "POLAR", "Polar"),
    (Platform::BuyMeACoffee, "BUY_ME_A_COFFEE", "Buy Me a Coffee"),
    (Platform::ThanksDev, "THANKS_DEV", "thanks.dev"),
    (Platform::IssueHunt, "ISSUEHUNT", "IssueHunt"),
    (Platform::CommunityBridge, "COMMUNITY_BRIDGE", "LFX Mentorship (Community Bridge)"),
    (Platform::LfxCrowdfunding, "LFX_CROWDFUNDING", "LFX Crowdfunding"),
    (Platform::Custom, "CUSTOM", "Custom link"),
];

impl Platform {
    /// From GitHub's spelling (`OPEN_COLLECTIVE`); anything else becomes [`Platform::Other`].
    pub fn parse(s: &str) -> Platform {
        PLATFORMS
            .iter()
            .find(|(_, code, _)| *code == s)
            .map_or_else(|| Platform::Other(s.to_owned()), |(p, ..)| p.clone())
    }

    /// GitHub's spelling, as it came in.
    pub fn code(&self) -> &str {
        match self {
            Platform::Other(s) => s,
            known => PLATFORMS.iter().find(|(p, ..)| p == known).map_or("", |(_, code, _)| code),
        }
    }

    /// The name to show: `Open Collective`; an unknown platform shows its code.
    pub fn display_name(&self) -> &str {
        match self {
            Platform::Other(s) => s,
            known => PLATFORMS.iter().find(|(p, ..)| p == known).map_or("", |(.., name)| name),
        }
    }
}

impl From<String> for Platform {
    fn from(s: String) -> Self {
        Platform::parse(&s)
    }
}

impl From<Platform> for String {
    fn from(p: Platform) -> String {
        p.code().to_owned()
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// One entry of `Repository.fundingLinks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingLink {
    pub platform: Platform,
    pub url: String,
}

/// The path segments after `host` in `url`, ignoring scheme, `www.`, query, fragment and empty
/// segments; `None` when `url` is on another host.
fn segments_on<'a>(url: &'a str, host: &str) -> Option<Vec<&'a str>> {
    let rest = url.trim().strip_prefix("https://").or_else(|| url.trim().strip_prefix("http://"))?;
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (found_host, path) = rest.split_once('/').unwrap_or((rest, ""));
    found_host.eq_ignore_ascii_case(host).then(|| path.split('/').filter(|s| !s.is_empty()).collect())
}

/// `https://opencollective.com/<slug>` (any trailing path) → `<slug>`, lowercased as Open
/// Collective treats slugs case-insensitively.
pub fn open_collective_slug(url: &str) -> Option<String> {
    let segments = segments_on(url, "opencollective.com")?;
    let slug = segments.first()?;
    let valid = slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| slug.to_ascii_lowercase())
}

/// The sponsorable login in `https://github.com/sponsors/<login>` or `https://github.com/<login>`.
/// A repository or other deeper URL is not a sponsor link and gives `None`.
pub fn github_sponsor_login(url: &str) -> Option<String> {
    let segments = segments_on(url, "github.com")?;
    let login = match segments.as_slice() {
        ["sponsors", login, ..] => login,
        [login] if !matches!(*login, "sponsors" | "orgs" | "settings" | "features") => login,
        _ => return None,
    };
    is_login(login).then(|| (*login).to_owned())
}

/// GitHub's login rule: 1–39 letters, digits or single inner hyphens.
fn is_login(s: &str) -> bool {
    let shape = s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    shape && (1..=39).contains(&s.len()) && !s.starts_with('-') && !s.ends_with('-') && !s.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_platforms_parse_and_have_display_names() {
        assert_eq!(Platform::parse("OPEN_COLLECTIVE"), Platform::OpenCollective);
        assert_eq!(Platform::parse("KO_FI").display_name(), "Ko-fi");
        assert_eq!(Platform::parse("LFX_CROWDFUNDING").code(), "LFX_CROWDFUNDING");
        assert_eq!(PLATFORMS.len(), 13);
    }

    #[test]
    fn an_unknown_platform_is_kept_as_spelled() {
        let p = Platform::parse("GITCOIN");
        assert_eq!(p, Platform::Other("GITCOIN".to_owned()));
        assert_eq!(p.display_name(), "GITCOIN");
        let link: FundingLink = serde_json::from_str(r#"{"platform": "GITCOIN", "url": "https://x"}"#).unwrap();
        assert_eq!(serde_json::to_value(link).unwrap()["platform"], "GITCOIN");
    }

    #[test]
    fn an_open_collective_slug_comes_from_the_first_path_segment() {
        assert_eq!(open_collective_slug("https://opencollective.com/webpack").as_deref(), Some("webpack"));
        assert_eq!(
            open_collective_slug("https://opencollective.com/WebPack/contribute?x=1").as_deref(),
            Some("webpack")
        );
        assert_eq!(open_collective_slug("http://www.opencollective.com/babel/").as_deref(), Some("babel"));
        assert_eq!(open_collective_slug("https://opencollective.com/"), None);
        assert_eq!(open_collective_slug("https://example.com/webpack"), None);
    }

    #[test]
    fn a_sponsor_login_comes_from_a_sponsors_or_profile_url() {
        assert_eq!(github_sponsor_login("https://github.com/sponsors/octocat").as_deref(), Some("octocat"));
        assert_eq!(github_sponsor_login("https://github.com/sponsors/octocat/").as_deref(), Some("octocat"));
        assert_eq!(github_sponsor_login("https://github.com/rust-lang").as_deref(), Some("rust-lang"));
        assert_eq!(github_sponsor_login("https://github.com/rust-lang/rust"), None);
        assert_eq!(github_sponsor_login("https://github.com/sponsors"), None);
        assert_eq!(github_sponsor_login("https://gitlab.com/octocat"), None);
        assert_eq!(github_sponsor_login("https://github.com/-bad-"), None);
    }
}
