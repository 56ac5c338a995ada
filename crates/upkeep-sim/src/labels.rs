//! Labels as one repository spells them: the catalogue of [`super::spec::LABELS`] (with the
//! repository's own spelling of `good first issue`) plus an item's `mentor: @login` label.
//!
//! Shared by the REST shapes (`render*.rs`), the `labels=` filter of `/issues` and GraphQL, so
//! every answer names a label the same way. Label ids are derived from the repository id.

use std::borrow::Cow;

use super::spec::{LABELS, label_bit, label_name};
use super::util::{mix, node_id};
use super::world::{Item, Repo, World};

const MENTOR_COLOR: &str = "1d76db";
const MENTOR_ABOUT: &str = "Ask this maintainer for help";

/// `(index, name, color, description, default)` of every label of `item`, catalogue order
/// first, the mentor label last; `index` is the catalogue index or 100 + the maintainer's.
fn entries<'a>(
    world: &'a World,
    repo: &'a Repo,
    item: &Item,
) -> impl Iterator<Item = (usize, Cow<'a, str>, &'static str, &'static str, bool)> + 'a {
    let bits = item.labels;
    let catalogue = LABELS.iter().enumerate().filter(move |(i, _)| bits & (1 << i) != 0).map(|(i, entry)| {
        let (_, color, description, default) = *entry;
        let name = label_name(repo.spec, i);
        (i, Cow::Borrowed(name), color, description, default && name == entry.0)
    });
    let mentor = item.mentor.and_then(|k| repo.maintainers.get(k as usize).map(|(u, _)| (k, *u)));
    let mentor = mentor.map(|(k, user)| {
        let name = format!("mentor: @{}", world.user(user).login);
        (100 + k as usize, Cow::Owned(name), MENTOR_COLOR, MENTOR_ABOUT, false)
    });
    catalogue.chain(mentor)
}

/// The names of `item`'s labels (GraphQL's `labels { nodes { name } }`).
pub fn names<'a>(world: &'a World, repo: &'a Repo, item: &Item) -> Vec<Cow<'a, str>> {
    entries(world, repo, item).map(|(_, name, ..)| name).collect()
}

#[derive(serde::Serialize)]
pub struct LabelJson<'a> {
    id: u64,
    node_id: String,
    url: String,
    name: Cow<'a, str>,
    description: &'static str,
    color: &'static str,
    default: bool,
}

/// The `labels` of an issue or pull request; `repo_api` is the repository's API URL
/// (`Ctx::repo_api`), which the caller passes so this file need not import the renderers.
pub fn labels<'a>(world: &'a World, repo_api: &str, repo: &'a Repo, item: &Item) -> Vec<LabelJson<'a>> {
    entries(world, repo, item)
        .map(|(i, name, color, description, default)| {
            let id = 1_000_000_000 + mix(repo.id, i as u64) % 8_000_000_000;
            LabelJson {
                id,
                node_id: node_id("Label", id),
                url: format!("{}/labels/{}", repo_api, name.replace(' ', "%20")),
                name,
                description,
                color,
                default,
            }
        })
        .collect()
}

/// A `labels=` filter resolved in one repository: items must carry every label named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelFilter {
    bits: u16,
    mentor: Option<u8>,
}

impl LabelFilter {
    pub fn matches(&self, item: &Item) -> bool {
        item.labels & self.bits == self.bits && self.mentor.is_none_or(|m| item.mentor == Some(m))
    }
}

/// Resolves comma-separated label names; `None` if one is no label of this repository (then
/// nothing matches, as on GitHub).
pub fn resolve(world: &World, repo: &Repo, text: &str) -> Option<LabelFilter> {
    let mut filter = LabelFilter { bits: 0, mentor: None };
    for name in text.split(',').map(str::trim) {
        match mentor_of(world, repo, name) {
            Some(k) if filter.mentor.is_none_or(|m| m == k) => filter.mentor = Some(k),
            Some(_) => return None,
            None => filter.bits |= label_bit(repo.spec, name)?,
        }
    }
    Some(filter)
}

/// The maintainer index a `mentor: @login` label names.
fn mentor_of(world: &World, repo: &Repo, name: &str) -> Option<u8> {
    let login = name.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case("mentor"))?.1;
    let login = login.trim().trim_start_matches('@');
    let k = repo.maintainers.iter().position(|(u, _)| world.user(*u).login.eq_ignore_ascii_case(login))?;
    Some(k as u8)
}
