//! What grant pages read beyond the listings, and the controls their tests use.
//!
//! - **Who closed an issue**: GitHub's single-issue answer (`GET /repos/{o}/{r}/issues/{n}`)
//!   carries `closed_by`, and GitHub answers null for some (old) issues: here about one closed
//!   item in four ([`closer`]), deterministically by id.
//! - **Milestones without a due date**: a milestone's `due_on` is optional on GitHub; every
//!   fourth milestone here has none ([`due_on`]).
//! - **Controls**: [`reopen_issue`] reopens a closed issue now (its closer goes, as on GitHub),
//!   and [`milestone_states`] lists a repository's milestones with their items (what a demo grant
//!   ties its milestones to).

use super::reindex;
use super::util::Ts;
use super::world::{Item, Milestone, StateReason, World};

/// The `closed_by` GitHub shows for `item`: its closer, or none for about one closed item in four
/// (GitHub's null for some old issues).
pub fn closer(item: &Item) -> Option<u32> {
    item.closed_by.filter(|_| !item.id.is_multiple_of(4))
}

/// The milestone's `due_on` as GitHub shows it: none for every fourth milestone.
pub fn due_on(m: &Milestone) -> Option<Ts> {
    (!m.number.is_multiple_of(4)).then_some(m.due)
}

/// Reopens closed issue (not pull request) `number` of `repo` (with or without the organisation)
/// now: open again, no closer, `state_reason` reopened, `updated_at` now. False if there is no
/// such closed issue.
pub fn reopen_issue(world: &mut World, repo: &str, number: u64) -> bool {
    let Some(r) = world.repo_index(repo.strip_prefix("upkeep-sim/").unwrap_or(repo)) else { return false };
    let now = world.now;
    let repo = &mut world.repos[r];
    let ix = number.checked_sub(1).and_then(|i| usize::try_from(i).ok());
    let Some(item) = ix.and_then(|ix| repo.items.get_mut(ix)) else { return false };
    if item.pull.is_some() || item.is_open() {
        return false;
    }
    (item.closed, item.closed_by, item.reason) = (None, None, Some(StateReason::Reopened));
    item.touch(now);
    repo.views = reindex::views(repo);
    true
}

/// A milestone of a repository as GitHub shows it, with the numbers of its issues and pull
/// requests.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MilestoneState {
    pub title: String,
    /// Unix seconds; `None` when it has no due date.
    pub due_on: Option<i64>,
    pub closed: bool,
    pub items: Vec<u64>,
}

/// The milestones of `repo` (with or without the organisation), by number; empty for no such repo.
pub fn milestone_states(world: &World, repo: &str) -> Vec<MilestoneState> {
    let Some(r) = world.repo_index(repo.strip_prefix("upkeep-sim/").unwrap_or(repo)) else { return Vec::new() };
    let repo = &world.repos[r];
    let items =
        |number: u8| repo.items.iter().filter(move |i| i.milestone == Some(number)).map(|i| u64::from(i.number));
    let state = |m: &Milestone| MilestoneState {
        title: m.title.clone(),
        due_on: due_on(m),
        closed: m.closed.is_some(),
        items: items(m.number).collect(),
    };
    repo.milestones.iter().map(state).collect()
}
