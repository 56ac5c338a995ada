//! One repository's history, from its creation to the epoch: who opened what, when, and how it
//! ended.
//!
//! [`RepoGen`] (its state and small steps are in `repo_gen.rs`) walks the items in creation order. For each it picks an author and labels, lets
//! `discussion.rs` write the comments and `review.rs` the reviews, then settles the outcome
//! (closed, reopened, merged, left open). Every child bumps its parent's `updated_at` through
//! [`RepoGen::touch`], which is what keeps the collector's invariants true by construction.
//! Ids are not assigned here: `ids.rs` numbers everything org-wide in chronological order.

use rand::Rng;

use super::repo_gen::{Outcome, RepoGen};
use super::spec::{self, Trend};
use super::util::{DAY, Profile, Ts, delay};
use super::world::{DraftEvent, Item, Pull, StateReason};
use super::{discussion, releases, review};

impl RepoGen<'_> {
    /// Generates `items` issues and pull requests with everything that happened to them.
    pub fn generate(mut self, items: u32) {
        releases::milestones(&mut self);
        let times = self.creation_times(items);
        for (i, at) in times.into_iter().enumerate() {
            self.add_item(i as u32 + 1, at);
        }
        releases::releases(&mut self);
        review::sort_children(self.repo);
    }

    fn creation_times(&mut self, n: u32) -> Vec<Ts> {
        let start = self.repo.created + 3 * DAY;
        let profile = Profile::new(start, self.end, |x| match self.spec.trend {
            Trend::Growing => 0.3 + 1.7 * x,
            Trend::Steady => 1.0,
            Trend::Declining if x < 0.6 => 1.0,
            Trend::Declining => 1.0 - (x - 0.6) / 0.4 * 0.85,
        });
        let mut times: Vec<Ts> = (0..n).map(|_| profile.sample(&mut self.rng).min(self.end)).collect();
        times.sort_unstable();
        times
    }

    /// Adds item `number`, created at `at`, with its whole future up to the end.
    pub fn add_item(&mut self, number: u32, at: Ts) {
        let is_pull = self.rng.gen_bool(self.spec.pr_share);
        let by_bot = is_pull && self.rng.gen_bool(self.spec.bot_share);
        let (author, first_timer) = if by_bot { (self.people.dependabot, false) } else { self.author(at, is_pull) };
        let item = Item {
            id: 0,
            number,
            author,
            assoc: self.repo.association(author, at, is_pull, first_timer),
            created: at,
            updated: at,
            closed: None,
            closed_by: None,
            reason: None,
            labels: self.labels(is_pull, by_bot),
            assignee: None,
            mentor: None,
            milestone: releases::milestone_for(self, at),
            comments: 0,
            rev: 0,
            locked: false,
            pull: None,
        };
        self.repo.items.push(item);
        let ix = self.repo.items.len() as u32 - 1;
        discussion::discuss(self, ix, is_pull, by_bot);
        if is_pull {
            self.settle_pull(ix, by_bot);
        } else {
            self.settle_issue(ix);
        }
        self.late_touches(ix);
    }

    /// The author of a new item: a maintainer, a returning newcomer, a regular or a new face.
    fn author(&mut self, at: Ts, is_pull: bool) -> (u32, bool) {
        let roll: f64 = self.rng.r#gen();
        let newcomer_share = if is_pull { 0.18 } else { 0.25 } + self.spec.newcomer_share * 0.5;
        if roll < self.spec.maintainer_share {
            return (self.maintainer(), false);
        }
        if roll < self.spec.maintainer_share + newcomer_share {
            let user = self.people.newcomer(&mut self.rng, at);
            if self.rng.gen_bool(0.25) {
                self.returning.push(user);
            }
            return (user, self.people.first_timers.contains(&user));
        }
        if !self.returning.is_empty() && self.rng.gen_bool(0.12) {
            let user = self.returning[self.rng.gen_range(0..self.returning.len())];
            return (user, self.people.first_timers.contains(&user));
        }
        (self.people.regular(&mut self.rng, self.offset), false)
    }

    fn labels(&mut self, is_pull: bool, by_bot: bool) -> u16 {
        if by_bot {
            return spec::DEPENDENCIES;
        }
        let docs = self.spec.name == "docs";
        let r: f64 = self.rng.r#gen();
        let mut labels = match (is_pull, docs) {
            (_, true) if r < 0.7 => spec::DOCUMENTATION,
            (true, _) if r < 0.5 => 0,
            (_, _) if r < 0.40 => spec::BUG,
            (_, _) if r < 0.70 => spec::ENHANCEMENT,
            (false, _) if r < 0.82 => spec::QUESTION,
            (_, _) if r < 0.90 => spec::DOCUMENTATION,
            _ => 0,
        };
        if !is_pull && self.rng.gen_bool(self.spec.newcomer_share) {
            labels |= spec::GOOD_FIRST_ISSUE;
        }
        if !is_pull && self.rng.gen_bool(0.08) {
            labels |= spec::HELP_WANTED;
        }
        if self.rng.gen_bool(0.03) {
            labels |= spec::PERFORMANCE;
        }
        labels
    }

    fn settle_issue(&mut self, ix: u32) {
        let item = &self.repo.items[ix as usize];
        let (created, author, last) = (item.created, item.author, item.updated);
        let age = (self.end - created) as f64 / (45 * DAY) as f64;
        let mut p_close = self.spec.close_rate * age.min(1.0);
        if self.collapsed(created) {
            p_close *= 0.2;
        }
        if !self.rng.gen_bool(p_close) {
            return;
        }
        let at = last + delay(&mut self.rng, 36.0);
        let reason = if self.rng.gen_bool(0.2) { StateReason::NotPlanned } else { StateReason::Completed };
        let closer = if self.rng.gen_bool(0.8) { self.triager(at, u32::MAX) } else { author };
        if self.close(ix, at, closer, reason) && self.rng.gen_bool(0.04) {
            let reopened = at + delay(&mut self.rng, 120.0);
            self.reopen(ix, reopened);
        }
    }

    fn settle_pull(&mut self, ix: u32, by_bot: bool) {
        let created = self.repo.items[ix as usize].created;
        let mut pull = Pull {
            id: 0,
            created_draft: !by_bot && self.rng.gen_bool(0.12),
            draft_events: Vec::new(),
            merged: None,
            requested_reviewer: None,
            review_comments: 0,
            commits: self.rng.gen_range(1..12),
            link: None,
        };
        let ready = self.draft_history(&mut pull, created);
        self.repo.items[ix as usize].pull = Some(Box::new(pull));
        if let Some((_, at)) = self.repo.items[ix as usize].pull.as_ref().and_then(|p| p.draft_events.last()) {
            self.touch(ix, *at);
        }
        let outcome = self.outcome(ready.is_some(), by_bot);
        let reviews_from = ready.unwrap_or(created);
        let reviewed = review::reviews(self, ix, reviews_from, outcome, by_bot);
        self.finish_pull(ix, outcome, reviewed, by_bot);
    }

    /// Draft, ready-for-review and convert-to-draft events; returns when it became reviewable.
    fn draft_history(&mut self, pull: &mut Pull, created: Ts) -> Option<Ts> {
        let mut ready = Some(created);
        if pull.created_draft {
            ready = None;
            let at = created + delay(&mut self.rng, 72.0);
            if self.rng.gen_bool(0.6) && at <= self.end {
                pull.draft_events.push((DraftEvent::ReadyForReview, at));
                ready = Some(at);
            }
        } else if self.rng.gen_bool(0.03) {
            let back = created + delay(&mut self.rng, 20.0);
            let again = back + delay(&mut self.rng, 48.0);
            if back <= self.end {
                pull.draft_events.push((DraftEvent::ConvertToDraft, back));
                ready = None;
                if again <= self.end && self.rng.gen_bool(0.7) {
                    pull.draft_events.push((DraftEvent::ReadyForReview, again));
                    ready = Some(again);
                }
            }
        }
        ready
    }

    fn outcome(&mut self, reviewable: bool, by_bot: bool) -> Outcome {
        let merge_rate = if by_bot { 0.75 } else { self.spec.merge_rate };
        match self.rng.r#gen::<f64>() {
            r if reviewable && r < merge_rate => Outcome::Merged,
            r if r < merge_rate + 0.15 => Outcome::Closed,
            _ => Outcome::Open,
        }
    }

    fn finish_pull(&mut self, ix: u32, outcome: Outcome, reviewed: bool, by_bot: bool) {
        let item = &self.repo.items[ix as usize];
        let (author, last) = (item.author, item.updated);
        let hours = if by_bot { 12.0 } else { self.spec.response_hours * 3.0 };
        let at = last + delay(&mut self.rng, hours);
        match outcome {
            Outcome::Merged => {
                self.merge(ix, at);
            }
            Outcome::Closed => {
                let closer = if self.rng.gen_bool(0.3) { author } else { self.maintainer() };
                self.close(ix, at, closer, StateReason::Completed);
            }
            Outcome::Open if !reviewed && self.rng.gen_bool(0.5) => {
                let reviewer = self.triager(last, author);
                self.pull_mut(ix).requested_reviewer = Some(reviewer);
            }
            Outcome::Open => {}
        }
    }

    /// Edits and the stale bot, which both come after the discussion.
    fn late_touches(&mut self, ix: u32) {
        if self.rng.gen_bool(0.05) {
            let at = self.repo.items[ix as usize].created + delay(&mut self.rng, 6.0);
            if at <= self.end {
                self.repo.items[ix as usize].rev += 1;
                self.touch(ix, at);
            }
        }
        let item = &self.repo.items[ix as usize];
        let stale_at = item.updated + 60 * DAY;
        if item.is_open() && stale_at <= self.end && self.rng.gen_bool(0.4) {
            self.repo.items[ix as usize].labels |= spec::STALE;
            self.touch(ix, stale_at);
        }
    }
}
