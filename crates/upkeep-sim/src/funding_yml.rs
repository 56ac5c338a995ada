//! `GET /repos/{o}/{r}/contents/.github/FUNDING.yml`: each repository's funding file in the shape
//! of GitHub's contents API (`contents.rs`), consistent with the `fundingLinks` GraphQL gives
//! (`funding.rs`'s [`links`]), since GitHub derives those from this file:
//!
//! - every repository with funding links: those links written back as GitHub's keys (`github:`
//!   a login or a list, `tidelift: pypi/meteor-compress`, `custom:` quoted URLs…), in their order,
//!   under the comment GitHub's template starts with;
//! - stardust: the same, plus `otechie:`, a platform GitHub's template once had and no longer
//!   documents (GitHub ignores the key, so its links do not show it: a warning, not an error);
//! - halo: not YAML (an unquoted `: ` inside a value), so GitHub shows no links for it, which is
//!   why its `fundingLinks` are empty;
//! - every other repository (pulsar, legacy-tools): none, `404`.
//!
//! The files are pure functions of the world (logins, names); they never change.

use super::answer::Answer;
use super::funding::{FundingLink, links};
use super::render::Ctx;
use super::world::{Repo, World};

/// Where GitHub reads a repository's funding file.
pub const PATH: &str = ".github/FUNDING.yml";

const HEADER: &str = "# These are supported funding model platforms\n\n";

/// Halo's file: a donation line whose unquoted `: ` YAML reads as a second mapping.
const HALO: &str = "\
# These are supported funding model platforms

github: upkeep-sim
custom: Donate to the lighting rig fund: https://example.org/halo
";

/// The FUNDING.yml text of `repo`, if it has one.
pub fn funding_yml(world: &World, repo: &Repo) -> Option<String> {
    if repo.spec.name == "halo" {
        return Some(HALO.to_owned());
    }
    let links = links(world, repo);
    if links.is_empty() {
        return None;
    }
    let mut text = String::from(HEADER);
    let mut keys: Vec<(&str, Vec<String>)> = Vec::new();
    for link in &links {
        let (key, value) = entry(link);
        match keys.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) => values.push(value),
            None => keys.push((key, vec![value])),
        }
    }
    for (key, values) in keys {
        match values.as_slice() {
            [one] => text.push_str(&format!("{key}: {one}\n")),
            many => text.push_str(&format!("{key}: [{}]\n", many.join(", "))),
        }
    }
    if repo.spec.name == "stardust" {
        text.push_str("otechie: upkeep-sim\n");
    }
    Some(text)
}

/// A funding link as its FUNDING.yml key and value: the platform's key, and the part of the URL
/// after the platform's host (a Tidelift link's `platform/package`; a custom link's whole URL).
fn entry(link: &FundingLink) -> (&'static str, String) {
    let after_host = link.url.splitn(4, '/').nth(3).unwrap_or_default();
    match link.platform {
        "GITHUB" => ("github", after_host.to_owned()),
        "PATREON" => ("patreon", after_host.to_owned()),
        "OPEN_COLLECTIVE" => ("open_collective", after_host.to_owned()),
        "KO_FI" => ("ko_fi", after_host.to_owned()),
        "TIDELIFT" => ("tidelift", after_host.trim_start_matches("funding/github/").to_owned()),
        "COMMUNITY_BRIDGE" => ("community_bridge", after_host.to_owned()),
        "LIBERAPAY" => ("liberapay", after_host.to_owned()),
        "ISSUEHUNT" => ("issuehunt", after_host.to_owned()),
        "LFX_CROWDFUNDING" => ("lfx_crowdfunding", after_host.to_owned()),
        "POLAR" => ("polar", after_host.to_owned()),
        "BUY_ME_A_COFFEE" => ("buy_me_a_coffee", after_host.to_owned()),
        "THANKS_DEV" => ("thanks_dev", after_host.to_owned()),
        _ => ("custom", format!("'{}'", link.url)),
    }
}

/// The contents answer for `.github/FUNDING.yml`, `None` when `repo` has none.
pub fn contents(ctx: &Ctx, repo: &Repo) -> Option<Answer> {
    let text = funding_yml(ctx.world, repo)?;
    Some(super::contents::file(ctx, repo, PATH, &text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEFAULT_EPOCH, Scale, generate::generate};

    #[test]
    fn every_repository_with_links_has_a_file_that_says_the_same() {
        let world = generate(7, Scale::Small, DEFAULT_EPOCH);
        let get = |name: &str| {
            let repo = world.repos.iter().find(|r| r.name == name).unwrap();
            (funding_yml(&world, repo), links(&world, repo))
        };
        let (atlas, _) = get("atlas");
        let atlas = atlas.expect("atlas has one");
        assert_eq!(
            atlas,
            "# These are supported funding model platforms\n\ngithub: upkeep-sim\n\
             open_collective: upkeep-atlas\ncustom: 'https://example.org/donate'\n"
        );
        let (meteor, _) = get("meteor");
        assert!(meteor.unwrap().contains("\ntidelift: pypi/meteor-compress\n"));
        let (stardust, _) = get("stardust");
        assert!(stardust.unwrap().ends_with("thanks_dev: u/gh/upkeep-sim\notechie: upkeep-sim\n"));
        // What the collector's validator makes of each file is the product's test
        // (tests/it/funding.rs); here, the files themselves.
        for repo in &world.repos {
            let (text, links) = (funding_yml(&world, repo), links(&world, repo));
            match repo.spec.name {
                "halo" => {
                    assert!(links.is_empty(), "GitHub shows no links from a file it cannot parse");
                    assert!(text.is_some(), "halo serves its broken file");
                }
                // One line more than its links, for the platform GitHub does not know (above).
                "stardust" => assert!(text.is_some_and(|t| t.contains("\notechie: "))),
                _ if links.is_empty() => assert!(text.is_none(), "{}: no links, no file", repo.name),
                _ => {
                    let lines = text.unwrap().lines().filter(|l| !l.is_empty() && !l.starts_with('#')).count();
                    assert!(lines >= 1 && lines <= links.len(), "{}", repo.name);
                }
            }
        }
        let again = generate(7, Scale::Small, DEFAULT_EPOCH);
        for (a, b) in world.repos.iter().zip(&again.repos) {
            assert_eq!(funding_yml(&world, a), funding_yml(&again, b), "deterministic");
        }
    }
}
