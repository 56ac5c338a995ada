//! Id assignment: every new issue, pull request, comment, review, review comment, release and
//! milestone gets the next id of its kind, org-wide, in chronological order of creation.
//!
//! Generation and `advance` both create things with `id == 0` and then call [`assign_new_ids`],
//! so ids grow with time across the whole organisation (as GitHub's do), stay unique per kind,
//! and never change once given. Gaps between ids are small and deterministic.

use super::util::{Ts, mix};
use super::world::{IdCounters, PullRef, World};

impl IdCounters {
    /// Where each id space starts; far apart so a mixed-up id is obviously wrong.
    pub fn start() -> IdCounters {
        IdCounters {
            user: 0,
            issue: 1_200_000_000,
            pull: 800_000_000,
            comment: 1_500_000_000,
            review: 1_100_000_000,
            review_comment: 900_000_000,
            release: 100_000_000,
            milestone: 5_000_000,
        }
    }
}

/// The next id after `counter`, with a small gap.
fn next(counter: &mut u64) -> u64 {
    *counter += 1 + mix(*counter, 0x1d5) % 4;
    *counter
}

/// `(time, repo, index)` of every unnumbered entry, oldest first.
fn unnumbered<'w, T: 'w>(
    world: &'w World,
    list: impl Fn(usize) -> &'w [T],
    time: impl Fn(&T) -> Ts,
    id: impl Fn(&T) -> u64,
) -> Vec<(Ts, usize, usize)> {
    let mut out = Vec::new();
    for r in 0..world.repos.len() {
        for (i, entry) in list(r).iter().enumerate() {
            if id(entry) == 0 {
                out.push((time(entry), r, i));
            }
        }
    }
    out.sort_unstable();
    out
}

/// Numbers everything that has no id yet (see the module doc).
pub fn assign_new_ids(world: &mut World) {
    let items = unnumbered(world, |r| &world.repos[r].items, |i| i.created, |i| i.id);
    for (_, r, i) in items {
        let item = &mut world.repos[r].items[i];
        item.id = next(&mut world.ids.issue);
        if let Some(pull) = item.pull.as_mut() {
            pull.id = next(&mut world.ids.pull);
            world.pulls.insert(pull.id, PullRef { repo: r as u16, item: i as u32 });
        }
    }
    let comments = unnumbered(world, |r| &world.repos[r].comments, |c| c.created, |c| c.id);
    for (_, r, i) in comments {
        world.repos[r].comments[i].id = next(&mut world.ids.comment);
    }
    let reviews = unnumbered(world, |r| &world.repos[r].reviews, |c| c.submitted, |c| c.id);
    for (_, r, i) in reviews {
        world.repos[r].reviews[i].id = next(&mut world.ids.review);
    }
    let review_comments = unnumbered(world, |r| &world.repos[r].review_comments, |c| c.created, |c| c.id);
    for (_, r, i) in review_comments {
        world.repos[r].review_comments[i].id = next(&mut world.ids.review_comment);
    }
    let releases = unnumbered(world, |r| &world.repos[r].releases, |c| c.created, |c| c.id);
    for (_, r, i) in releases {
        world.repos[r].releases[i].id = next(&mut world.ids.release);
    }
    let milestones = unnumbered(world, |r| &world.repos[r].milestones, |c| c.created, |c| c.id);
    for (_, r, i) in milestones {
        world.repos[r].milestones[i].id = next(&mut world.ids.milestone);
    }
}
