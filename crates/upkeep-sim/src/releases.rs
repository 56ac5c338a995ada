//! Releases and milestones: the cadence of repositories that ship regularly.
//!
//! A repository with `release_days > 0` releases on a jittered cadence (mostly patch releases,
//! sometimes minor, rarely major) and plans work in milestones named after upcoming versions.
//! Repositories with no cadence never release. Ids come later, from `generate.rs`.

use rand::Rng;

use super::repo_gen::RepoGen;
use super::util::{DAY, Ts};
use super::world::{Milestone, Release};

/// Milestones spread over the repository's life, each about four release cycles long.
pub fn milestones(g: &mut RepoGen) {
    if g.spec.release_days == 0 {
        return;
    }
    let span = g.spec.release_days * 4 * DAY;
    let mut start = g.repo.created + 7 * DAY;
    let mut minor = 1;
    while start < g.end && g.repo.milestones.len() < 40 {
        let creator = g.maintainer();
        let number = g.repo.milestones.len() as u8 + 1;
        let title = format!("v{}.{}", minor / 10, minor % 10);
        let (due, end) = (start + span, g.end);
        let closed = Some(due + 3 * DAY).filter(|at| *at <= end);
        g.repo.milestones.push(Milestone { id: 0, number, title, creator, created: start, due, closed });
        start += span;
        minor += 1;
    }
}

/// A milestone for an item created at `at`, for about a quarter of items that fall in one.
pub fn milestone_for(g: &mut RepoGen, at: Ts) -> Option<u8> {
    let m = g.repo.milestones.iter().find(|m| m.created <= at && at <= m.due)?;
    let number = m.number;
    g.rng.gen_bool(0.25).then_some(number)
}

/// Releases from shortly after creation up to the end.
pub fn releases(g: &mut RepoGen) {
    if g.spec.release_days == 0 {
        return;
    }
    let mut at = g.repo.created + g.spec.release_days * DAY / 2;
    let mut version = (0, 1, 0);
    while at <= g.end {
        push_release(g, at, version);
        version = bump(g, version);
        at += next_gap(g);
    }
}

/// Adds a release at `at` (by a maintainer, or by CI in repositories that automate it).
pub fn push_release(g: &mut RepoGen, at: Ts, version: (u16, u16, u16)) {
    let author = if g.spec.ci_bot && g.rng.gen_bool(0.6) { g.people.actions } else { g.maintainer() };
    let prerelease = version.0 == 0 && version.1 == 1 || g.rng.gen_bool(0.08);
    g.repo.releases.push(Release { id: 0, version, prerelease, author, created: at });
}

/// The version after `v`: mostly a patch, sometimes a minor, rarely a major.
pub fn bump(g: &mut RepoGen, v: (u16, u16, u16)) -> (u16, u16, u16) {
    match g.rng.gen_range(0..100) {
        0..70 => (v.0, v.1, v.2 + 1),
        70..96 => (v.0, v.1 + 1, 0),
        _ => (v.0 + 1, 0, 0),
    }
}

/// Days until the next release: the cadence, jittered by up to 40%.
pub fn next_gap(g: &mut RepoGen) -> Ts {
    let days = g.spec.release_days as f64 * g.rng.gen_range(0.6..1.4);
    (days * DAY as f64) as Ts
}
