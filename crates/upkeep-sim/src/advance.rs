//! Time passing: moves the sim clock forward and lets the organisation live through it.
//!
//! `advance(days, fraction)` plans about `fraction` x (items) changes per living repository
//! (archived, deleted and inert repositories stay still), spreads them over the interval, and
//! applies them in time order through the same helpers the initial history uses (`history.rs`,
//! `discussion.rs`, `review.rs`), so parents' `updated_at` and `comments` stay right by
//! construction. Releases fall due, newcomer issues move on (`onboarding.rs`), then new things
//! get ids (`ids.rs`) and views are rebuilt. Deterministic given the seed and the sequence of
//! calls.

use rand::{Rng, SeedableRng, rngs::StdRng};

use super::discussion::push_comment;
use super::ids::assign_new_ids;
use super::onboarding;
use super::options::AdvanceSummary;
use super::reindex;
use super::releases;
use super::repo_gen::RepoGen;
use super::review::{self, push_review, push_review_comment, review_round};
use super::spec;
use super::util::{DAY, Ts, mix, stochastic_round};
use super::views::{StateFilter, Views};
use super::world::{DraftEvent, ReviewState, StateReason, World};

/// The kinds of change, with their shares of all changes (percent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    NewItem,
    Comment,
    EditComment,
    EditItem,
    Close,
    Reopen,
    Merge,
    Review,
    Reply,
    Ready,
}

const SHARES: [(Change, u32); 10] = [
    (Change::NewItem, 20),
    (Change::Comment, 30),
    (Change::EditComment, 5),
    (Change::EditItem, 7),
    (Change::Close, 10),
    (Change::Reopen, 2),
    (Change::Merge, 8),
    (Change::Review, 10),
    (Change::Reply, 5),
    (Change::Ready, 3),
];

pub fn advance(world: &mut World, days: f64, fraction: f64) -> AdvanceSummary {
    let days = if days.is_finite() { days.clamp(0.0, 36_500.0) } else { 0.0 };
    let fraction = if fraction.is_finite() { fraction.clamp(0.0, 1.0) } else { 0.0 };
    let from = world.now;
    let to = from + (days * DAY as f64).round() as Ts;
    world.advances += 1;
    let before = counts(world);
    let mut rng = StdRng::seed_from_u64(mix(world.seed ^ 0xadd, world.advances));
    let plan = if to > from { plan(world, &mut rng, from, to, fraction) } else { Vec::new() };
    let mut edited = 0;
    let mut changed = vec![false; world.repos.len()];
    for (n, (at, repo, change)) in plan.iter().enumerate() {
        let seed = mix(world.seed, world.advances << 32 | n as u64);
        let mut g = RepoGen::new(seed, &mut world.repos[*repo], &mut world.people, world.epoch, to);
        edited += u64::from(apply(&mut g, *change, *at));
        changed[*repo] = true;
    }
    if to > from {
        release_due(world, from, to, &mut changed);
        onboarding::advance(world, from, to, fraction, &mut changed);
    }
    // Only changed repositories are re-sorted, so untouched ones keep their views (and ETags).
    for (repo, _) in world.repos.iter_mut().zip(&changed).filter(|(_, c)| **c) {
        review::sort_children(repo);
    }
    assign_new_ids(world);
    for (repo, _) in world.repos.iter_mut().zip(&changed).filter(|(_, c)| **c) {
        repo.views = reindex::views(repo);
    }
    world.now = to;
    summary(world, &before, from, to, edited)
}

/// `(time, repository, change)` for every planned change, in time order.
fn plan(world: &World, rng: &mut StdRng, from: Ts, to: Ts, fraction: f64) -> Vec<(Ts, usize, Change)> {
    let mut plan = Vec::new();
    for (r, repo) in world.repos.iter().enumerate() {
        if repo.deleted || repo.archived || repo.spec.quiet_days > 0 {
            continue;
        }
        for _ in 0..stochastic_round(rng, fraction * repo.items.len() as f64) {
            let change = pick_change(rng);
            plan.push((rng.gen_range(from + 1..=to), r, change));
        }
    }
    plan.sort_by_key(|(at, r, _)| (*at, *r));
    plan
}

fn pick_change(rng: &mut StdRng) -> Change {
    let total: u32 = SHARES.iter().map(|(_, share)| share).sum();
    let mut roll = rng.gen_range(0..total);
    for (change, share) in SHARES {
        if roll < share {
            return change;
        }
        roll -= share;
    }
    Change::Comment
}

/// Applies one change at `at`; returns whether it was an edit.
fn apply(g: &mut RepoGen, change: Change, at: Ts) -> bool {
    match change {
        Change::NewItem => {
            let number = g.repo.items.len() as u32 + 1;
            g.add_item(number, at);
        }
        Change::Comment => comment(g, at),
        Change::EditComment => return edit_comment(g, at),
        Change::EditItem => return edit_item(g, at),
        Change::Close => close(g, at),
        Change::Reopen => reopen(g, at),
        Change::Merge => {
            if let Some(ix) = open_pull(g, |p| !p.is_draft()) {
                g.merge(ix, at);
            }
        }
        Change::Review => {
            if let Some(ix) = open_pull(g, |p| !p.is_draft()) {
                let approving = g.rng.gen_bool(0.3);
                review_round(g, ix, at, approving);
            }
        }
        Change::Reply => reply(g, at),
        Change::Ready => {
            if let Some(ix) = open_pull(g, |p| p.is_draft()) {
                g.pull_mut(ix).draft_events.push((DraftEvent::ReadyForReview, at));
                g.touch(ix, at);
            }
        }
    }
    false
}

/// A random entry of a view built before this advance (so possibly stale: callers check).
fn any(g: &mut RepoGen, view: fn(&Views) -> &[u32]) -> Option<u32> {
    let len = view(&g.repo.views).len();
    (len > 0).then(|| view(&g.repo.views)[g.rng.gen_range(0..len)])
}

fn open_items(v: &Views) -> &[u32] {
    v.issues_created.get(StateFilter::Open)
}

fn all_items(v: &Views) -> &[u32] {
    v.issues_created.get(StateFilter::All)
}

/// An open pull request matching `keep`, tried a few times.
fn open_pull(g: &mut RepoGen, keep: impl Fn(&super::world::Pull) -> bool) -> Option<u32> {
    for _ in 0..6 {
        let ix = any(g, |v| v.pulls_created.get(StateFilter::Open))?;
        let item = &g.repo.items[ix as usize];
        if item.is_open() && item.pull.as_deref().is_some_and(&keep) {
            return Some(ix);
        }
    }
    None
}

/// A comment on an open item (mostly) by a maintainer, the author or the community.
fn comment(g: &mut RepoGen, at: Ts) {
    let view: fn(&Views) -> &[u32] = if g.rng.gen_bool(0.8) { open_items } else { all_items };
    let Some(ix) = any(g, view) else { return };
    let author = g.repo.items[ix as usize].author;
    let who = match g.rng.gen_range(0..3) {
        0 => g.triager(at, u32::MAX),
        1 => author,
        _ => g.people.regular(&mut g.rng, g.offset),
    };
    push_comment(g, ix, who, at);
}

fn edit_comment(g: &mut RepoGen, at: Ts) -> bool {
    let n = g.repo.comments.len();
    if n == 0 {
        return false;
    }
    let ix = n - 1 - g.rng.gen_range(0..n.min(2_000));
    let comment = &mut g.repo.comments[ix];
    comment.updated = comment.updated.max(at);
    let item = comment.item;
    g.touch(item, at);
    true
}

/// A title edit or a label change.
fn edit_item(g: &mut RepoGen, at: Ts) -> bool {
    let Some(ix) = any(g, open_items) else { return false };
    let item = &mut g.repo.items[ix as usize];
    match at % 3 {
        0 => item.rev = item.rev.wrapping_add(1),
        1 => item.labels ^= spec::HELP_WANTED,
        _ => item.labels = (item.labels | spec::NEEDS_TRIAGE) & !spec::STALE,
    }
    item.touch(at);
    true
}

fn close(g: &mut RepoGen, at: Ts) {
    let Some(ix) = any(g, open_items) else { return };
    let item = &g.repo.items[ix as usize];
    if item.pull.is_some() || !item.is_open() {
        return;
    }
    let reason = if g.rng.gen_bool(0.2) { StateReason::NotPlanned } else { StateReason::Completed };
    let closer = g.triager(at, u32::MAX);
    g.close(ix, at, closer, reason);
}

fn reopen(g: &mut RepoGen, at: Ts) {
    let Some(ix) = any(g, |v| v.issues_created.get(StateFilter::Closed)) else { return };
    let item = &g.repo.items[ix as usize];
    if item.pull.is_none() && !item.is_open() && !item.locked {
        g.reopen(ix, at);
    }
}

/// The pull request's author answers a recent review comment on an open pull request.
fn reply(g: &mut RepoGen, at: Ts) {
    let n = g.repo.review_comments.len();
    if n == 0 {
        return;
    }
    let top = (n - 1 - g.rng.gen_range(0..n.min(500))) as u32;
    let c = &g.repo.review_comments[top as usize];
    let (ix, thread) = (c.item, c.reply_to.unwrap_or(top));
    let item = &g.repo.items[ix as usize];
    if !item.is_open() {
        return;
    }
    let author = item.author;
    let review = push_review(g, ix, author, ReviewState::Commented, at);
    push_review_comment(g, ix, review, Some(thread), author, at);
}

/// Repositories that release on a cadence get their next release once it is due.
fn release_due(world: &mut World, from: Ts, to: Ts, changed: &mut [bool]) {
    for (r, changed) in changed.iter_mut().enumerate() {
        let repo = &world.repos[r];
        let cadence = repo.spec.release_days * DAY;
        if repo.deleted || repo.archived || repo.spec.quiet_days > 0 || cadence == 0 {
            continue;
        }
        let Some(last) = repo.releases.last().map(|l| (l.created, l.version)) else { continue };
        let due = (last.0 + cadence).max(from + 1);
        if due > to {
            continue;
        }
        let seed = mix(world.seed ^ 0x2e1, world.advances << 8 | r as u64);
        let mut g = RepoGen::new(seed, &mut world.repos[r], &mut world.people, world.epoch, to);
        let version = releases::bump(&mut g, last.1);
        releases::push_release(&mut g, due, version);
        *changed = true;
    }
}

/// `(items, comments, reviews, review comments, releases)` over all repositories.
fn counts(world: &World) -> [u64; 5] {
    let mut c = [0u64; 5];
    for r in &world.repos {
        let n = [r.items.len(), r.comments.len(), r.reviews.len(), r.review_comments.len(), r.releases.len()];
        for (total, n) in c.iter_mut().zip(n) {
            *total += n as u64;
        }
    }
    c
}

fn summary(world: &World, before: &[u64; 5], from: Ts, to: Ts, edited: u64) -> AdvanceSummary {
    let after = counts(world);
    let within = |t: Option<Ts>| t.is_some_and(|t| t > from && t <= to);
    let items = || world.repos.iter().flat_map(|r| r.items.iter());
    AdvanceSummary {
        now: to,
        new_issues: after[0] - before[0],
        new_comments: after[1] - before[1],
        edited,
        closed: items().filter(|i| within(i.closed)).count() as u64,
        merged: items().filter(|i| within(i.pull.as_ref().and_then(|p| p.merged.map(|m| m.0)))).count() as u64,
        new_reviews: after[2] - before[2],
        new_review_comments: after[3] - before[3],
        new_releases: after[4] - before[4],
    }
}
