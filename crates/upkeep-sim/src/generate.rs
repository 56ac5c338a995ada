//! Builds the initial world: the organisation, its people and the history of every repository
//! up to the epoch.
//!
//! Deterministic: the same seed, scale and epoch give an identical [`World`]. Repositories are
//! generated one after another from their own seeded RNG (`history.rs`) and given their
//! onboarding threads (`newcomers.rs`), then everything is numbered org-wide (`ids.rs`) and the
//! sorted views are built (`views.rs`).

use std::collections::HashMap;

use super::ids::assign_new_ids;
use super::newcomers;
use super::options::Scale;
use super::people::People;
use super::reindex;
use super::repo_gen::RepoGen;
use super::spec::{REPOS, RepoSpec};
use super::util::{DAY, Ts, mix};
use super::views::Views;
use super::world::{Assoc, IdCounters, Repo, World};

/// Generates the world as it is at `epoch`, with the standard repositories.
#[cfg(test)]
pub fn generate(seed: u64, scale: Scale, epoch: Ts) -> World {
    generate_portfolio(seed, scale, epoch, 0)
}

/// Generates the world with `portfolio` repositories ([`SimOptions::portfolio`]): the standard
/// ones, then copies of their shapes named `<name>-2`, `<name>-3`, … up to that number.
///
/// [`SimOptions::portfolio`]: super::options::SimOptions::portfolio
pub fn generate_portfolio(seed: u64, scale: Scale, epoch: Ts, portfolio: usize) -> World {
    let org_created = epoch - 11 * 365 * DAY;
    let (staff, regulars) = match scale {
        Scale::Small => (24, 300),
        Scale::Medium => (24, 1_500),
        Scale::Large => (30, 6_000),
    };
    let mut people = People::new(seed, staff, regulars, org_created);
    let mut repos = skeletons(seed, &people, epoch, portfolio);
    for repo in &mut repos {
        let end = epoch - repo.spec.quiet_days * DAY;
        let items = repo.spec.items_at(scale);
        RepoGen::new(seed, repo, &mut people, epoch, end).generate(items);
        newcomers::stage(repo, &people, seed, epoch);
    }
    let mut world = World {
        seed,
        now: epoch,
        epoch,
        people,
        repos,
        renamed: HashMap::new(),
        pulls: HashMap::new(),
        ids: IdCounters::start(),
        advances: 0,
    };
    assign_new_ids(&mut world);
    for repo in &mut world.repos {
        repo.views = reindex::views(repo);
    }
    world
}

/// Empty repositories with ids (in order of creation), maintainers and flags.
fn skeletons(seed: u64, people: &People, epoch: Ts, portfolio: usize) -> Vec<Repo> {
    let mut repos: Vec<Repo> = (0..portfolio.max(REPOS.len()))
        .map(|ix| {
            let spec = &REPOS[ix % REPOS.len()];
            let mut repo = skeleton(ix, spec, people, epoch);
            if ix >= REPOS.len() {
                repo.name = format!("{}-{}", spec.name, ix / REPOS.len() + 1);
            }
            repo
        })
        .collect();
    let mut by_age: Vec<usize> = (0..repos.len()).collect();
    by_age.sort_by_key(|i| (repos[*i].created, *i));
    let mut id = 48_000_000 + mix(seed, 0x4e90) % 1_000_000;
    for i in by_age {
        id += 1 + mix(seed, id) % 5_000;
        repos[i].id = id;
    }
    repos
}

fn skeleton(ix: usize, spec: &'static RepoSpec, people: &People, epoch: Ts) -> Repo {
    let staff = &people.staff;
    let maintainers = (0..spec.maintainers)
        .map(|k| {
            let role = match k {
                0 if ix.is_multiple_of(4) => Assoc::Owner,
                k if k + 1 == spec.maintainers && k >= 2 => Assoc::Collaborator,
                _ => Assoc::Member,
            };
            (staff[(ix * 2 + k) % staff.len()], role)
        })
        .collect();
    Repo {
        id: 0,
        name: spec.name.to_owned(),
        spec,
        created: epoch - spec.age_days * DAY,
        archived: spec.archived,
        private: false,
        deleted: false,
        maintainers,
        ci: spec.ci_bot.then_some(people.ci),
        first_merge: HashMap::new(),
        items: Vec::new(),
        assignments: Vec::new(),
        comments: Vec::new(),
        reviews: Vec::new(),
        review_comments: Vec::new(),
        releases: Vec::new(),
        milestones: Vec::new(),
        views: Views::default(),
    }
}
