//! Issue comments on one item: the first response, the back-and-forth, bots and claims.
//!
//! Shapes what the collector's metrics look for: some issues are never answered by anyone but
//! their author, first responses come after a repository-specific delay (slower, and rarer, in
//! a burnt-out project), CI accounts comment on pull requests within minutes, and newcomers
//! claim `good first issue`s. Every comment goes through [`push_comment_as`], which keeps the
//! parent's `comments` count and `updated_at` right; assignments go through [`assign`].

use rand::Rng;

use super::repo_gen::RepoGen;
use super::spec;
use super::util::{Ts, delay, heavy_count};
use super::world::{Assignment, Comment, Role};

/// Writes the comments of item `ix`.
pub fn discuss(g: &mut RepoGen, ix: u32, is_pull: bool, by_bot: bool) {
    let item = &g.repo.items[ix as usize];
    let (created, author, labels) = (item.created, item.author, item.labels);
    if is_pull {
        bot_comments(g, ix, created);
    }
    if by_bot {
        return;
    }
    let unanswered = if g.collapsed(created) { 0.6 } else { g.spec.unanswered };
    if g.rng.gen_bool(unanswered) {
        if g.rng.gen_bool(0.3) {
            let at = created + delay(&mut g.rng, 150.0);
            push_comment(g, ix, author, at);
        }
        return;
    }
    let first = conversation(g, ix, created, author);
    if labels & spec::GOOD_FIRST_ISSUE != 0 && g.rng.gen_bool(0.35) {
        claim(g, ix, created);
    } else if !is_pull && g.rng.gen_bool(0.12) {
        let who = g.maintainer();
        assign(g, ix, who, first.unwrap_or(created), true);
    }
}

/// The answered case: a first response, then a heavy-tailed number of follow-ups. Returns when
/// the first response came, if it came before the end.
fn conversation(g: &mut RepoGen, ix: u32, created: Ts, author: u32) -> Option<Ts> {
    let n = 1 + heavy_count(&mut g.rng, g.spec.comments_mean - 1.0);
    let slow = if g.collapsed(created) { 5.0 } else { 1.0 };
    let mut at = created + delay(&mut g.rng, g.spec.response_hours * slow);
    let first = (at <= g.end).then_some(at);
    for k in 0..n {
        if at > g.end {
            break;
        }
        let who = if k == 0 { first_responder(g, at, author) } else { participant(g, at, author) };
        push_comment(g, ix, who, at);
        at += delay(&mut g.rng, 18.0);
    }
    first
}

fn first_responder(g: &mut RepoGen, at: Ts, author: u32) -> u32 {
    if g.hero_share(at) == 0.0 && g.rng.gen_bool(0.25) {
        let who = g.people.regular(&mut g.rng, g.offset);
        if who != author {
            return who;
        }
    }
    g.triager(at, author)
}

/// Who writes a follow-up: the author, a maintainer, the community or a newcomer.
fn participant(g: &mut RepoGen, at: Ts, author: u32) -> u32 {
    match g.rng.gen_range(0..100) {
        0..35 => author,
        35..65 => g.triager(at, u32::MAX),
        65..95 => g.people.regular(&mut g.rng, g.offset),
        _ => g.people.newcomer(&mut g.rng, at),
    }
}

/// CI reports on a fresh pull request: `upkeep-ci` where it runs, sometimes GitHub Actions.
fn bot_comments(g: &mut RepoGen, ix: u32, created: Ts) {
    if g.spec.ci_bot && g.rng.gen_bool(0.7) {
        let (ci, at) = (g.people.ci, created + g.rng.gen_range(300..1_800));
        push_comment(g, ix, ci, at);
    }
    if g.rng.gen_bool(0.15) {
        let (actions, at) = (g.people.actions, created + g.rng.gen_range(600..3_600));
        push_comment(g, ix, actions, at);
    }
}

/// A newcomer asks to take the issue and gets assigned.
fn claim(g: &mut RepoGen, ix: u32, created: Ts) {
    let at = created + delay(&mut g.rng, 30.0);
    if at > g.end {
        return;
    }
    let who = g.people.newcomer(&mut g.rng, at);
    push_comment_as(g, ix, who, at, Role::Claim((ix % 6) as u8));
    assign(g, ix, who, at, true);
    if g.rng.gen_bool(0.3) {
        g.returning.push(who);
    }
}

/// Adds a comment of everyday chatter (see [`push_comment_as`]).
pub fn push_comment(g: &mut RepoGen, ix: u32, who: u32, at: Ts) {
    push_comment_as(g, ix, who, at, Role::Plain);
}

/// Adds a comment saying `role` (sometimes edited later) unless it falls past the end.
pub fn push_comment_as(g: &mut RepoGen, ix: u32, who: u32, at: Ts, role: Role) {
    if at > g.end {
        return;
    }
    let edited = at + delay(&mut g.rng, 3.0);
    let updated = if g.rng.gen_bool(0.08) && edited <= g.end { edited } else { at };
    let assoc = g.assoc(who, at);
    g.repo.comments.push(Comment { id: 0, item: ix, author: who, assoc, created: at, updated, role });
    g.repo.items[ix as usize].comments += 1;
    g.touch(ix, updated);
}

/// Assigns `who` to item `ix` at `at` (or unassigns them), recording the event. Does not touch
/// the item: callers pass a time it was already updated at, or touch it themselves.
pub fn assign(g: &mut RepoGen, ix: u32, who: u32, at: Ts, assigned: bool) {
    let item = &mut g.repo.items[ix as usize];
    item.assignee = if assigned { Some(who) } else { item.assignee.filter(|u| *u != who) };
    g.repo.assignments.push(Assignment { item: ix, user: who, at, assigned });
}
