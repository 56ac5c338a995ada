//! Pull request reviews and review comments, and putting a repository's children in order.
//!
//! A reviewed pull request gets rounds of reviews by maintainers (now and then a community
//! member): changes requested or comments first, an approval before a merge. Review comments
//! hang off reviews, and authors reply in threads (a reply is its own `COMMENTED` review, as on
//! GitHub). [`sort_children`] then puts comments, reviews and review comments in chronological
//! storage order, fixing the indexes that point between them.

use rand::Rng;

use super::repo_gen::{Outcome, RepoGen};
use super::util::{Ts, delay, heavy_count};
use super::world::{Repo, Review, ReviewComment, ReviewState};

/// Writes the reviews of pull request `ix`, starting once it is reviewable at `from`.
/// Returns whether it got any.
pub fn reviews(g: &mut RepoGen, ix: u32, from: Ts, outcome: Outcome, by_bot: bool) -> bool {
    let rounds = match outcome {
        _ if by_bot => u32::from(outcome == Outcome::Merged),
        Outcome::Merged => 1 + heavy_count(&mut g.rng, 0.8),
        _ => heavy_count(&mut g.rng, 0.6),
    };
    let mut at = from + delay(&mut g.rng, g.spec.response_hours);
    let mut any = false;
    for round in 0..rounds.min(6) {
        if at > g.end {
            break;
        }
        let last = round + 1 == rounds;
        review_round(g, ix, at, last && outcome == Outcome::Merged);
        any = true;
        at += delay(&mut g.rng, 30.0);
    }
    any
}

/// One review of pull request `ix` at `at`, with its inline comments and the author's replies.
pub fn review_round(g: &mut RepoGen, ix: u32, at: Ts, approving: bool) {
    let author = g.repo.items[ix as usize].author;
    let state = round_state(g, approving);
    let reviewer = reviewer(g, at, author);
    let review = push_review(g, ix, reviewer, state, at);
    review_comments(g, ix, review, state, author);
}

fn round_state(g: &mut RepoGen, approving: bool) -> ReviewState {
    match g.rng.gen_range(0..100) {
        _ if approving => ReviewState::Approved,
        0..35 => ReviewState::ChangesRequested,
        35..80 => ReviewState::Commented,
        80..97 => ReviewState::Approved,
        _ => ReviewState::Dismissed,
    }
}

fn reviewer(g: &mut RepoGen, at: Ts, author: u32) -> u32 {
    if g.rng.gen_bool(0.15) {
        let who = g.people.regular(&mut g.rng, g.offset);
        if who != author {
            return who;
        }
    }
    let who = g.triager(at, author);
    if who == author { g.people.regular(&mut g.rng, g.offset) } else { who }
}

/// The inline comments of a review, each sometimes answered by the pull request's author.
fn review_comments(g: &mut RepoGen, ix: u32, review: u32, state: ReviewState, author: u32) {
    let n = match state {
        ReviewState::ChangesRequested => g.rng.gen_range(1..=4),
        ReviewState::Commented | ReviewState::Dismissed => g.rng.gen_range(0..=3),
        ReviewState::Approved => g.rng.gen_range(0..=1),
    };
    let r = &g.repo.reviews[review as usize];
    let (reviewer, at) = (r.author, r.submitted);
    for _ in 0..n {
        let top = push_review_comment(g, ix, review, None, reviewer, at);
        let reply_at = at + delay(&mut g.rng, 8.0);
        if g.rng.gen_bool(0.4) && reply_at <= g.end {
            let reply_review = push_review(g, ix, author, ReviewState::Commented, reply_at);
            push_review_comment(g, ix, reply_review, Some(top), author, reply_at);
        }
    }
}

/// Adds a review; returns its (pre-sort) index.
pub fn push_review(g: &mut RepoGen, ix: u32, who: u32, state: ReviewState, at: Ts) -> u32 {
    let assoc = g.assoc(who, at);
    g.repo.reviews.push(Review { id: 0, item: ix, author: who, assoc, state, submitted: at });
    g.touch(ix, at);
    g.repo.reviews.len() as u32 - 1
}

/// Adds a review comment; returns its (pre-sort) index.
pub fn push_review_comment(g: &mut RepoGen, ix: u32, review: u32, reply_to: Option<u32>, who: u32, at: Ts) -> u32 {
    let edited = at + delay(&mut g.rng, 2.0);
    let updated = if g.rng.gen_bool(0.06) && edited <= g.end { edited } else { at };
    let (assoc, line) = (g.assoc(who, at), g.rng.gen_range(1..400));
    let comment = ReviewComment { id: 0, item: ix, review, reply_to, author: who, assoc, created: at, updated, line };
    g.repo.review_comments.push(comment);
    g.pull_mut(ix).review_comments += 1;
    g.touch(ix, updated);
    g.repo.review_comments.len() as u32 - 1
}

/// Sorts comments, reviews and review comments chronologically (stable, so equal times keep
/// generation order) and rewrites the indexes that point into the reordered vectors.
pub fn sort_children(repo: &mut Repo) {
    repo.comments.sort_by_key(|c| c.created);
    let review_map = sort_remap(&mut repo.reviews, |r| r.submitted);
    let comment_map = sort_remap(&mut repo.review_comments, |c| c.created);
    for c in &mut repo.review_comments {
        c.review = review_map[c.review as usize];
        c.reply_to = c.reply_to.map(|r| comment_map[r as usize]);
    }
}

/// Stable-sorts `v` by `key` and returns the old index -> new index map.
fn sort_remap<T>(v: &mut Vec<T>, key: impl Fn(&T) -> Ts) -> Vec<u32> {
    let mut order: Vec<u32> = (0..v.len() as u32).collect();
    order.sort_by_key(|i| key(&v[*i as usize]));
    let mut old_to_new = vec![0u32; v.len()];
    for (new, old) in order.iter().enumerate() {
        old_to_new[*old as usize] = new as u32;
    }
    let mut taken: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(order.iter().map(|old| taken[*old as usize].take().expect("each index once")));
    old_to_new
}
