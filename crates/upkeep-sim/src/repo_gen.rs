//! The state of one repository's history while it is generated ([`RepoGen`]), and the small
//! steps every part of it takes: pick a maintainer or a triager, touch a parent, close, reopen
//! or merge an item. A leaf: `history.rs` (the walk over items), `discussion.rs`,
//! `review.rs`, `releases.rs` and `advance.rs` all use it, and it imports none of them.

use rand::{Rng, SeedableRng, rngs::StdRng};

use super::people::People;
use super::spec::{self, RepoSpec, Triage};
use super::util::{DAY, Ts, delay, mix};
use super::world::{Assoc, Pull, Repo, StateReason};

pub struct RepoGen<'p> {
    pub rng: StdRng,
    pub spec: &'static RepoSpec,
    pub repo: &'p mut Repo,
    pub people: &'p mut People,
    pub epoch: Ts,
    /// Nothing happens after this (the epoch, or the start of a quiet period).
    pub end: Ts,
    /// Rotates the community so each repository has its own most active people.
    pub offset: usize,
    /// Newcomers who may come back.
    pub returning: Vec<u32>,
}

/// Spreads repositories over the community ranking (see [`RepoGen::offset`]).
const REPOS_OFFSET: usize = 37;

/// How a pull request ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Merged,
    Closed,
    Open,
}

impl<'p> RepoGen<'p> {
    /// A generator over `repo` whose randomness comes from `seed`; nothing happens after `end`.
    pub fn new(seed: u64, repo: &'p mut Repo, people: &'p mut People, epoch: Ts, end: Ts) -> Self {
        let (spec, rng) = (repo.spec, StdRng::seed_from_u64(mix(seed, repo.id)));
        let offset = REPOS_OFFSET * (repo.id % 97) as usize;
        RepoGen { rng, spec, repo, people, epoch, end, offset, returning: vec![] }
    }

    /// A maintainer, uniformly.
    pub fn maintainer(&mut self) -> u32 {
        let n = self.repo.maintainers.len();
        self.repo.maintainers[self.rng.gen_range(0..n)].0
    }

    /// Any maintainer but a hero (in a hero-run repository, the others pick up the rest).
    fn other_maintainer(&mut self) -> u32 {
        let hero_run = matches!(self.spec.triage, Triage::Hero { .. }) && self.repo.maintainers.len() > 1;
        let skip = usize::from(hero_run);
        let n = self.repo.maintainers.len() - skip;
        self.repo.maintainers[skip + self.rng.gen_range(0..n)].0
    }

    /// The maintainer who triages at `at`: the hero most of the time in a hero-run repository,
    /// less and less once they burn out.
    pub fn triager(&mut self, at: Ts, not: u32) -> u32 {
        let hero = self.repo.maintainers[0].0;
        let share = self.hero_share(at);
        let pick = if self.rng.gen_bool(share) { hero } else { self.other_maintainer() };
        if pick != not { pick } else { self.people.regular(&mut self.rng, self.offset) }
    }

    /// The chance the lead answers, given the triage style and time.
    pub fn hero_share(&self, at: Ts) -> f64 {
        match self.spec.triage {
            Triage::Shared => 0.0,
            Triage::Hero { share, collapse_days } if at > self.epoch - collapse_days * DAY => share * 0.12,
            Triage::Hero { share, collapse_days } if at > self.epoch - 8 * collapse_days * DAY => {
                (share + 0.12).min(0.95)
            }
            Triage::Hero { share, .. } => share,
        }
    }

    /// Whether the project is in its hero's burnout collapse at `at`.
    pub fn collapsed(&self, at: Ts) -> bool {
        matches!(self.spec.triage, Triage::Hero { collapse_days, .. } if at > self.epoch - collapse_days * DAY)
    }

    /// Records that `item` changed at `at` (a child added, a state change, an edit).
    pub fn touch(&mut self, item: u32, at: Ts) {
        self.repo.items[item as usize].touch(at);
    }

    /// Closes `ix` at `at` unless that is past the end; returns whether it closed.
    pub fn close(&mut self, ix: u32, at: Ts, by: u32, reason: StateReason) -> bool {
        if at > self.end {
            return false;
        }
        let wontfix = if self.rng.gen_bool(0.5) { spec::WONTFIX } else { spec::DUPLICATE };
        let locked = self.rng.gen_bool(0.01);
        let item = &mut self.repo.items[ix as usize];
        item.closed = Some(at);
        item.closed_by = Some(by);
        item.reason = item.pull.is_none().then_some(reason);
        item.locked |= locked;
        if reason == StateReason::NotPlanned && item.pull.is_none() {
            item.labels |= wontfix;
        }
        item.touch(at);
        true
    }

    /// Reopens `ix` at `at`; half the time it is closed again later.
    pub fn reopen(&mut self, ix: u32, at: Ts) {
        if at > self.end {
            return;
        }
        let item = &mut self.repo.items[ix as usize];
        (item.closed, item.closed_by, item.reason) = (None, None, Some(StateReason::Reopened));
        item.touch(at);
        if self.rng.gen_bool(0.5) {
            let closer = self.maintainer();
            let again = at + delay(&mut self.rng, 200.0);
            self.close(ix, again, closer, StateReason::Completed);
        }
    }

    /// Merges pull request `ix` at `at` (by a maintainer other than the author where possible).
    pub fn merge(&mut self, ix: u32, at: Ts) -> bool {
        let author = self.repo.items[ix as usize].author;
        let merger = self.triager(at, if self.repo.maintainers.len() > 1 { author } else { u32::MAX });
        let merger = if self.repo.is_maintainer(merger) { merger } else { self.maintainer() };
        if !self.close(ix, at, merger, StateReason::Completed) {
            return false;
        }
        self.pull_mut(ix).merged = Some((at, merger));
        let first = self.repo.first_merge.entry(author).or_insert(at);
        *first = (*first).min(at);
        true
    }

    pub fn pull_mut(&mut self, ix: u32) -> &mut Pull {
        self.repo.items[ix as usize].pull.as_mut().expect("a pull request")
    }

    /// The association of `user` acting at `at` on item `ix`.
    pub fn assoc(&self, user: u32, at: Ts) -> Assoc {
        self.repo.association(user, at, false, false)
    }
}
