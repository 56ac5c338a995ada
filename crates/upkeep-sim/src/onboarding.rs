//! Newcomer issues as time passes, and the controls an end-to-end test drives them with.
//!
//! After `advance.rs` has applied its plan, each living repository that stages onboarding
//! threads (`spec.onboarding > 0`) gets a few newcomer events, about `4 × fraction` per open
//! newcomer issue (plus a floor): someone claims an unclaimed issue (sometimes a maintainer
//! assigns them), a claimant opens a pull request that `Fixes #N`, such a pull request is
//! merged and closes its issue, a maintainer files a new newcomer issue (sometimes with a
//! mentor), or a maintainer frees a claim that went stale. Every event bumps the issue's
//! `updated_at`, so an incremental sync sees it. Deterministic, from its own RNG.
//!
//! What counts as a claim (here, in [`newcomer_issues`] and for the tests): a comment with
//! [`Role::Claim`], an assignee, or a pull request linking the issue.

use std::collections::{HashMap, HashSet};

use rand::Rng;

use super::accounts::UserKind;
use super::discussion::{assign, push_comment_as};
use super::ids::assign_new_ids;
use super::newcomers::palette;
use super::reindex;
use super::repo_gen::RepoGen;
use super::spec::{self, NEWCOMER};
use super::util::{DAY, Ts, delay, mix, stochastic_round};
use super::world::{Comment, Item, Link, LinkKind, Pull, Repo, Role, StateReason, World};

/// An issue labelled for newcomers (in any of the organisation's spellings).
pub fn is_newcomer_issue(item: &Item) -> bool {
    item.pull.is_none() && item.labels & NEWCOMER != 0
}

/// Who claimed what in one repository: the latest claim comment per item, and the issues
/// (numbers) some pull request links.
struct Claims {
    latest: HashMap<u32, (u32, Ts)>,
    linked: HashSet<u32>,
}

impl Claims {
    fn of(repo: &Repo) -> Claims {
        let mut latest = HashMap::new();
        for c in repo.comments.iter().filter(|c| matches!(c.role, Role::Claim(_))) {
            let entry = latest.entry(c.item).or_insert((c.author, c.created));
            if c.created >= entry.1 {
                *entry = (c.author, c.created);
            }
        }
        // Only an open pull request holds an issue; a closed one releases it.
        let linked =
            repo.items.iter().filter(|i| i.is_open()).filter_map(|i| Some(i.pull.as_ref()?.link?.issue)).collect();
        Claims { latest, linked }
    }

    fn unclaimed(&self, repo: &Repo, ix: u32) -> bool {
        let item = &repo.items[ix as usize];
        let open = item.is_open() && is_newcomer_issue(item) && item.assignee.is_none();
        open && !self.latest.contains_key(&ix) && !self.linked.contains(&item.number)
    }
}

/// Open newcomer issues of `repo` (a name, with or without the organisation) that nobody has
/// claimed: no claim comment, no assignee, no linked pull request. Numbers, ascending.
pub fn newcomer_issues(world: &World, repo: &str) -> Vec<u64> {
    let Some(r) = world.repo_index(repo.strip_prefix("upkeep-sim/").unwrap_or(repo)) else { return Vec::new() };
    let repo = &world.repos[r];
    let claims = Claims::of(repo);
    let open = (0..repo.items.len() as u32).filter(|ix| claims.unclaimed(repo, *ix));
    open.map(|ix| u64::from(repo.items[ix as usize].number)).collect()
}

/// `login` (a person who is not a maintainer; the account is created if needed) comments
/// "I'd like to work on this!" on open issue `number` now. False if there is no such open,
/// unlocked issue or `login` may not claim.
pub fn claim_issue(world: &mut World, repo: &str, number: u64, login: &str) -> bool {
    let Some(r) = world.repo_index(repo.strip_prefix("upkeep-sim/").unwrap_or(repo)) else { return false };
    let ix = number.checked_sub(1).and_then(|i| u32::try_from(i).ok());
    let Some(ix) = ix.filter(|ix| world.repos[r].items.get(*ix as usize).is_some()) else { return false };
    let item = &world.repos[r].items[ix as usize];
    if item.pull.is_some() || !item.is_open() || item.locked || login.trim().is_empty() {
        return false;
    }
    let now = world.now;
    let user = world.people.named(login.trim(), now - 30 * DAY);
    let repo = &mut world.repos[r];
    let person = world.people.users[user as usize].kind == UserKind::User;
    if !person || repo.is_maintainer(user) || repo.ci == Some(user) {
        return false;
    }
    let assoc = repo.association(user, now, false, false);
    let role = Role::Claim(0);
    repo.comments.push(Comment { id: 0, item: ix, author: user, assoc, created: now, updated: now, role });
    repo.items[ix as usize].comments += 1;
    repo.items[ix as usize].touch(now);
    assign_new_ids(world);
    let repo = &mut world.repos[r];
    repo.views = reindex::views(repo);
    true
}

/// Closes, without merging, the open pull request linked to open issue `number` now; the issue
/// itself is left alone (GitHub does not bump it either). Returns the pull request's number.
pub fn close_linked_pull(world: &mut World, repo: &str, number: u64) -> Option<u64> {
    let r = world.repo_index(repo.strip_prefix("upkeep-sim/").unwrap_or(repo))?;
    let now = world.now;
    let repo = &mut world.repos[r];
    let target = u32::try_from(number).ok()?;
    let p = repo.items.iter().position(|item| {
        item.is_open()
            && item.pull.as_ref().is_some_and(|p| p.merged.is_none() && p.link.is_some_and(|l| l.issue == target))
    })?;
    let item = &mut repo.items[p];
    item.closed = Some(now);
    item.touch(now);
    let closed = u64::from(item.number);
    repo.views = reindex::views(repo);
    Some(closed)
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Claim,
    Link,
    Merge,
    NewIssue,
    Release,
}

const EVENTS: [(Event, u32); 5] =
    [(Event::Claim, 30), (Event::Link, 20), (Event::Merge, 15), (Event::NewIssue, 25), (Event::Release, 10)];

/// Newcomer events in `(from, to]` (see the module doc); marks the repositories it changed.
pub fn advance(world: &mut World, from: Ts, to: Ts, fraction: f64, changed: &mut [bool]) {
    for (r, changed) in changed.iter_mut().enumerate() {
        let repo = &world.repos[r];
        if repo.deleted || repo.archived || repo.spec.quiet_days > 0 || repo.spec.onboarding == 0 {
            continue;
        }
        let open = repo.items.iter().filter(|i| i.is_open() && is_newcomer_issue(i)).count();
        let seed = mix(world.seed ^ 0x0b0a, world.advances << 8 | r as u64);
        let mut g = RepoGen::new(seed, &mut world.repos[r], &mut world.people, world.epoch, to);
        let n = stochastic_round(&mut g.rng, fraction * 4.0 * (open as f64 + 3.0));
        let mut times: Vec<Ts> = (0..n).map(|_| g.rng.gen_range(from + 1..=to)).collect();
        times.sort_unstable();
        let mut claims = Claims::of(g.repo);
        for at in times {
            let event = pick_event(&mut g);
            *changed |= apply(&mut g, &mut claims, event, at);
        }
        g.repo.assignments.sort_by_key(|a| (a.item, a.at));
    }
}

fn pick_event(g: &mut RepoGen) -> Event {
    let mut roll = g.rng.gen_range(0..EVENTS.iter().map(|(_, w)| w).sum::<u32>());
    for (event, weight) in EVENTS {
        if roll < weight {
            return event;
        }
        roll -= weight;
    }
    Event::Claim
}

/// A random entry of `list`.
fn any(g: &mut RepoGen, list: &[u32]) -> Option<u32> {
    (!list.is_empty()).then(|| list[g.rng.gen_range(0..list.len())])
}

/// Applies one event at `at`, keeping `claims` up to date; returns whether anything changed.
fn apply(g: &mut RepoGen, claims: &mut Claims, event: Event, at: Ts) -> bool {
    let items = 0..g.repo.items.len() as u32;
    match event {
        Event::Claim => {
            let open: Vec<u32> =
                items.filter(|ix| claims.unclaimed(g.repo, *ix) && g.repo.items[*ix as usize].created < at).collect();
            let Some(ix) = any(g, &open) else { return false };
            let who = if g.rng.gen_bool(0.7) {
                g.people.newcomer(&mut g.rng, at)
            } else {
                g.people.regular(&mut g.rng, g.offset)
            };
            let k = g.rng.gen_range(0..6);
            push_comment_as(g, ix, who, at, Role::Claim(k));
            claims.latest.insert(ix, (who, at));
            let assigned = at + delay(&mut g.rng, 8.0);
            if g.rng.gen_bool(0.35) && assigned <= g.end {
                let (maintainer, k) = (g.maintainer(), g.rng.gen_range(0..3));
                push_comment_as(g, ix, maintainer, assigned, Role::Ack(k));
                assign(g, ix, who, assigned, true);
            }
        }
        Event::Link => {
            let claimed = items.filter(|ix| {
                let item = &g.repo.items[*ix as usize];
                let claim = claims.latest.get(ix).filter(|(who, when)| *when < at && !g.repo.is_maintainer(*who));
                item.is_open() && is_newcomer_issue(item) && claim.is_some() && !claims.linked.contains(&item.number)
            });
            let Some(ix) = any(g, &claimed.collect::<Vec<_>>()) else { return false };
            let who = claims.latest[&ix].0;
            open_pull(g, ix, who, at);
            claims.linked.insert(g.repo.items[ix as usize].number);
        }
        Event::Merge => {
            let linked: Vec<u32> = items
                .filter(|p| {
                    let item = &g.repo.items[*p as usize];
                    let Some(pull) = item.pull.as_ref().filter(|pull| !pull.is_draft()) else { return false };
                    let issue = pull.link.and_then(|l| g.repo.items.get(l.issue as usize - 1));
                    item.is_open() && item.created < at && issue.is_some_and(|i| i.is_open() && i.pull.is_none())
                })
                .collect();
            let Some(p) = any(g, &linked) else { return false };
            if !g.merge(p, at) {
                return false;
            }
            let pull = g.repo.items[p as usize].pull.as_ref().expect("a pull request");
            let (issue, merger) = (pull.link.expect("linked").issue - 1, pull.merged.expect("merged").1);
            g.close(issue, at, merger, StateReason::Completed);
        }
        Event::NewIssue => new_issue(g, at),
        Event::Release => {
            let stale: Vec<u32> = items
                .filter(|ix| {
                    let item = &g.repo.items[*ix as usize];
                    let last = claims.latest.get(ix).map_or(item.created, |(_, when)| *when);
                    let by_newcomer = item.assignee.is_some_and(|u| !g.repo.is_maintainer(u));
                    item.is_open() && is_newcomer_issue(item) && by_newcomer && last < at - 30 * DAY
                })
                .collect();
            let Some(ix) = any(g, &stale) else { return false };
            let who = g.repo.items[ix as usize].assignee.expect("assigned");
            let (maintainer, k) = (g.maintainer(), g.rng.gen_range(0..2));
            push_comment_as(g, ix, maintainer, at, Role::Release(k));
            assign(g, ix, who, at, false);
        }
    }
    true
}

/// The claimant of issue `ix` opens a pull request that says it fixes it.
fn open_pull(g: &mut RepoGen, ix: u32, who: u32, at: Ts) {
    let at = at.max(g.repo.items.last().map_or(at, |i| i.created));
    let issue = g.repo.items[ix as usize].number;
    let kind = [LinkKind::Fixes, LinkKind::Closes, LinkKind::Resolves][g.rng.gen_range(0..3)];
    let first_timer = g.people.first_timers.contains(&who);
    let pull = Pull {
        id: 0,
        created_draft: false,
        draft_events: Vec::new(),
        merged: None,
        requested_reviewer: None,
        review_comments: 0,
        commits: g.rng.gen_range(1..5),
        link: Some(Link { issue, kind }),
    };
    let assoc = g.repo.association(who, at, true, first_timer);
    push_item(g, who, assoc, at, 0, Some(pull));
    g.touch(ix, at);
}

/// A maintainer (mostly) files a new newcomer issue; some get a mentor who offers help.
fn new_issue(g: &mut RepoGen, at: Ts) {
    let at = at.max(g.repo.items.last().map_or(at, |i| i.created));
    let author = if g.rng.gen_bool(0.7) { g.maintainer() } else { g.people.regular(&mut g.rng, g.offset) };
    let kinds = [spec::BUG, spec::ENHANCEMENT, spec::DOCUMENTATION];
    let palette = palette(g.spec);
    let labels = kinds[g.rng.gen_range(0..3)] | palette[g.rng.gen_range(0..palette.len())];
    let assoc = g.repo.association(author, at, false, false);
    let ix = push_item(g, author, assoc, at, labels, None);
    if g.rng.gen_bool(0.4) {
        let k = g.rng.gen_range(0..g.repo.maintainers.len());
        g.repo.items[ix as usize].mentor = Some(k as u8);
        let (mentor, offered) = (g.repo.maintainers[k].0, at + delay(&mut g.rng, 2.0));
        let phrase = g.rng.gen_range(0..3);
        push_comment_as(g, ix, mentor, offered, Role::Offer(phrase));
    }
}

/// Appends a new item (numbered next) and returns its index.
fn push_item(g: &mut RepoGen, author: u32, assoc: super::world::Assoc, at: Ts, labels: u16, pull: Option<Pull>) -> u32 {
    let number = g.repo.items.len() as u32 + 1;
    g.repo.items.push(Item {
        id: 0,
        number,
        author,
        assoc,
        created: at,
        updated: at,
        closed: None,
        closed_by: None,
        reason: None,
        labels,
        assignee: None,
        mentor: None,
        milestone: None,
        comments: 0,
        rev: 0,
        locked: false,
        pull: pull.map(Box::new),
    });
    number - 1
}
