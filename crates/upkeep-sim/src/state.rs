//! [`Shared`]: the state one simulator's workers share, and the control operations behind both
//! the Rust API ([`super::SimServer`]) and the HTTP controls (`control.rs`).
//!
//! The world sits behind a `RwLock` (many readers render at once; `advance`, rename and delete
//! write). Counters, the rate limiter and the fault dice have their own small mutexes so a
//! slow render never blocks counting. Locks are never held across an `.await`.

use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::app_auth::Installations;
use super::faults::FaultDice;
use super::options::{AdvanceSummary, ItemState, RepoTotals, SimOptions, SimStats};
use super::ratelimit::RateBook;
use super::world::World;
use super::{advance, onboarding};

pub struct Shared {
    world: RwLock<World>,
    /// `http://127.0.0.1:PORT`: the base of every API URL this server writes.
    pub base: String,
    pub opts: SimOptions,
    stats: Mutex<SimStats>,
    limits: Mutex<RateBook>,
    dice: Mutex<FaultDice>,
    installations: Mutex<Installations>,
}

/// Locks even if another thread panicked while holding the lock: counters and a world that
/// is only ever replaced wholesale stay usable, and the simulator must not cascade panics.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub fn new(opts: SimOptions, world: World, base: String) -> Shared {
        Shared {
            world: RwLock::new(world),
            base,
            stats: Mutex::new(SimStats::default()),
            limits: Mutex::new(RateBook::new(opts.rate_limit, opts.caller_rate_limits.clone(), opts.rate_window_secs)),
            dice: Mutex::new(FaultDice::new(opts.fault_seed, opts.fault_rate)),
            installations: Mutex::default(),
            opts,
        }
    }

    pub fn world(&self) -> RwLockReadGuard<'_, World> {
        self.world.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn world_mut(&self) -> RwLockWriteGuard<'_, World> {
        self.world.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn with_stats(&self, f: impl FnOnce(&mut SimStats)) {
        f(&mut lock(&self.stats));
    }

    pub fn limits(&self) -> MutexGuard<'_, RateBook> {
        lock(&self.limits)
    }

    pub fn installations(&self) -> MutexGuard<'_, Installations> {
        lock(&self.installations)
    }

    pub fn dice(&self) -> MutexGuard<'_, FaultDice> {
        lock(&self.dice)
    }

    pub fn stats(&self) -> SimStats {
        lock(&self.stats).clone()
    }

    pub fn reset_stats(&self) {
        *lock(&self.stats) = SimStats::default();
    }

    pub fn set_fault_rate(&self, rate: f64) {
        self.dice().set_rate(rate);
    }

    pub fn now(&self) -> i64 {
        self.world().now
    }

    pub fn totals(&self) -> Vec<RepoTotals> {
        let world = self.world();
        let live = world.repos.iter().filter(|r| !r.deleted);
        live.map(|r| RepoTotals {
            name: r.name.clone(),
            issues_and_prs: r.items.len() as u64,
            pulls: r.items.iter().filter(|i| i.pull.is_some()).count() as u64,
            issue_comments: r.comments.len() as u64,
            review_comments: r.review_comments.len() as u64,
            reviews: r.reviews.len() as u64,
            releases: r.releases.len() as u64,
            milestones: r.milestones.len() as u64,
            commits: super::contrib::commits(&world, r).len() as u64,
            self_declared_file: super::self_declared::sends_file(&world, r),
            archived: r.archived,
        })
        .collect()
    }

    pub fn advance(&self, days: f64, change_fraction: f64) -> AdvanceSummary {
        advance::advance(&mut self.world_mut(), days, change_fraction)
    }

    pub fn claim_issue(&self, repo: &str, number: u64, login: &str) -> bool {
        onboarding::claim_issue(&mut self.world_mut(), repo, number, login)
    }

    pub fn reopen_issue(&self, repo: &str, number: u64) -> bool {
        super::grant_data::reopen_issue(&mut self.world_mut(), repo, number)
    }

    pub fn close_linked_pull(&self, repo: &str, issue: u64) -> Option<u64> {
        onboarding::close_linked_pull(&mut self.world_mut(), repo, issue)
    }

    pub fn newcomer_issues(&self, repo: &str) -> Vec<u64> {
        onboarding::newcomer_issues(&self.world(), repo)
    }

    pub fn item_states(&self, repo: &str) -> Vec<ItemState> {
        let world = self.world();
        let Some(r) = world.repo_index(repo.strip_prefix("upkeep-sim/").unwrap_or(repo)) else { return Vec::new() };
        let state = |i: &super::world::Item| ItemState {
            number: u64::from(i.number),
            is_pull_request: i.pull.is_some(),
            done: i.pull.as_ref().map_or(!i.is_open(), |p| p.merged.is_some()),
            open: i.is_open(),
        };
        world.repos[r].items.iter().map(state).collect()
    }

    /// Renames `from` to `to`; the old name keeps answering with a `301` to the id.
    pub fn rename_repo(&self, from: &str, to: &str) {
        let mut world = self.world_mut();
        let Some(ix) = world.repo_index(from) else { return };
        let id = world.repos[ix].id;
        world.repos[ix].name = to.to_owned();
        world.renamed.remove(to);
        world.renamed.insert(from.to_owned(), id);
    }

    pub fn set_private(&self, name: &str, private: bool) {
        let mut world = self.world_mut();
        if let Some(ix) = world.repo_index(name) {
            world.repos[ix].private = private;
        }
    }

    pub fn delete_repo(&self, name: &str) {
        let mut world = self.world_mut();
        if let Some(ix) = world.repo_index(name) {
            world.repos[ix].deleted = true;
        }
    }
}
