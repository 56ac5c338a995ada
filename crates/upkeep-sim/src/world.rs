//! The simulated world's data model: accounts, repositories and everything that happens in them.
//!
//! Structs are compact on purpose (the `large` scale holds over a million comments): people are
//! `u32` indexes into [`World::users`], parents are indexes into [`Repo::items`], times are unix
//! seconds, and texts are not stored at all (`text.rs` derives them from ids when rendering).
//! Storage order is chronological: items by number, comments, reviews and review comments by
//! `(created, id)`, which `generate.rs` and `advance.rs` both maintain. Sorted views for listing
//! live in `views.rs`; JSON shapes in the `render*` files.

use std::collections::HashMap;

use super::accounts::User;
use super::people::People;
use super::spec::RepoSpec;
use super::util::Ts;
use super::views::Views;

/// GitHub's `author_association`, as stored when the thing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Assoc {
    Owner,
    Member,
    Collaborator,
    Contributor,
    FirstTimeContributor,
    FirstTimer,
    None,
}

impl Assoc {
    pub fn as_str(self) -> &'static str {
        match self {
            Assoc::Owner => "OWNER",
            Assoc::Member => "MEMBER",
            Assoc::Collaborator => "COLLABORATOR",
            Assoc::Contributor => "CONTRIBUTOR",
            Assoc::FirstTimeContributor => "FIRST_TIME_CONTRIBUTOR",
            Assoc::FirstTimer => "FIRST_TIMER",
            Assoc::None => "NONE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateReason {
    Completed,
    NotPlanned,
    Reopened,
}

impl StateReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StateReason::Completed => "completed",
            StateReason::NotPlanned => "not_planned",
            StateReason::Reopened => "reopened",
        }
    }
}

/// An issue or a pull request (they share numbers and the `/issues` listing, as on GitHub).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The issue id (what `/issues` shows, also for pull requests).
    pub id: u64,
    pub number: u32,
    pub author: u32,
    pub assoc: Assoc,
    pub created: Ts,
    pub updated: Ts,
    /// `Some` while closed; reopening clears it.
    pub closed: Option<Ts>,
    pub closed_by: Option<u32>,
    pub reason: Option<StateReason>,
    /// Bit `i` set = label `i` of [`super::spec::LABELS`].
    pub labels: u16,
    pub assignee: Option<u32>,
    /// The `mentor: @login` label: an index into [`Repo::maintainers`].
    pub mentor: Option<u8>,
    pub milestone: Option<u8>,
    /// Number of issue comments; always equals the comments pointing here.
    pub comments: u32,
    /// Title/body revision, bumped by edits so the rendered text changes.
    pub rev: u8,
    pub locked: bool,
    pub pull: Option<Box<Pull>>,
}

impl Item {
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }

    pub fn touch(&mut self, at: Ts) {
        self.updated = self.updated.max(at);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftEvent {
    ReadyForReview,
    ConvertToDraft,
}

/// What only pull requests have.
#[derive(Debug, Clone, PartialEq)]
pub struct Pull {
    /// The pull request id (what `/pulls` shows and GraphQL's `databaseId`).
    pub id: u64,
    pub created_draft: bool,
    /// Timeline of draft changes, chronological.
    pub draft_events: Vec<(DraftEvent, Ts)>,
    pub merged: Option<(Ts, u32)>,
    pub requested_reviewer: Option<u32>,
    pub review_comments: u32,
    pub commits: u16,
    /// The issue this pull request says it resolves (rendered into its body).
    pub link: Option<Link>,
}

/// A pull request's link to an issue of its repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    /// The issue's number.
    pub issue: u32,
    pub kind: LinkKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// A closing keyword in the body (`Closes #N`): a cross-reference that will close the issue.
    Closes,
    Fixes,
    Resolves,
    /// Linked by hand in the sidebar (a `ConnectedEvent`); the body only says `Related to #N`.
    Manual,
}

impl Pull {
    pub fn is_draft(&self) -> bool {
        match self.draft_events.last() {
            Some((event, _)) => *event == DraftEvent::ConvertToDraft,
            None => self.created_draft,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: u64,
    pub item: u32,
    pub author: u32,
    pub assoc: Assoc,
    pub created: Ts,
    pub updated: Ts,
    pub role: Role,
}

/// What a human comment says where the words matter (newcomer threads); the number picks one
/// of the role's phrasings in `text.rs`. Everything else is [`Role::Plain`] chatter, which
/// never claims an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    #[default]
    Plain,
    /// "I'd like to work on this!"
    Claim(u8),
    /// A maintainer offers to mentor.
    Offer(u8),
    /// A newcomer asks, a maintainer answers.
    Question(u8),
    Answer(u8),
    /// A maintainer assigns the claimant.
    Ack(u8),
    /// A maintainer unassigns a stale claim.
    Release(u8),
}

/// An assignment (or unassignment) of an issue, for GraphQL's timeline; replaying a
/// repository's events gives each item's `assignee`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    pub item: u32,
    pub user: u32,
    pub at: Ts,
    pub assigned: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewState {
    Approved,
    ChangesRequested,
    Commented,
    Dismissed,
}

impl ReviewState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Approved => "APPROVED",
            ReviewState::ChangesRequested => "CHANGES_REQUESTED",
            ReviewState::Commented => "COMMENTED",
            ReviewState::Dismissed => "DISMISSED",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub id: u64,
    pub item: u32,
    pub author: u32,
    pub assoc: Assoc,
    pub state: ReviewState,
    pub submitted: Ts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewComment {
    pub id: u64,
    pub item: u32,
    /// Index into [`Repo::reviews`].
    pub review: u32,
    /// Index into [`Repo::review_comments`] of the thread's first comment.
    pub reply_to: Option<u32>,
    pub author: u32,
    pub assoc: Assoc,
    pub created: Ts,
    pub updated: Ts,
    pub line: u16,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub id: u64,
    pub version: (u16, u16, u16),
    pub prerelease: bool,
    pub author: u32,
    pub created: Ts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Milestone {
    pub id: u64,
    pub number: u8,
    pub title: String,
    pub creator: u32,
    pub created: Ts,
    pub due: Ts,
    /// Closed a few days after its due date, if that came before the repository went quiet.
    pub closed: Option<Ts>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Repo {
    pub id: u64,
    pub name: String,
    pub spec: &'static RepoSpec,
    pub created: Ts,
    pub archived: bool,
    pub deleted: bool,
    /// Made private (`SimServer::set_private`): shown as `private`, listed only for `type=all`
    /// or `private`.
    pub private: bool,
    /// `(user, association)`; the first is the lead maintainer.
    pub maintainers: Vec<(u32, Assoc)>,
    /// The CI account (`upkeep-ci`) where it runs: a collaborator, though really a bot.
    pub ci: Option<u32>,
    /// When each contributor's first pull request was merged (for `author_association`).
    pub first_merge: HashMap<u32, Ts>,
    pub items: Vec<Item>,
    /// Every assignment event, by `(item, at)`.
    pub assignments: Vec<Assignment>,
    pub comments: Vec<Comment>,
    pub reviews: Vec<Review>,
    pub review_comments: Vec<ReviewComment>,
    pub releases: Vec<Release>,
    pub milestones: Vec<Milestone>,
    pub views: Views,
}

impl Repo {
    /// The association `user` has with this repository at time `at`.
    pub fn association(&self, user: u32, at: Ts, is_pull: bool, first_timer: bool) -> Assoc {
        if let Some((_, role)) = self.maintainers.iter().find(|(u, _)| *u == user) {
            return *role;
        }
        if self.ci == Some(user) {
            return Assoc::Collaborator;
        }
        match self.first_merge.get(&user) {
            Some(merged) if *merged < at => Assoc::Contributor,
            _ if is_pull && first_timer => Assoc::FirstTimer,
            _ if is_pull => Assoc::FirstTimeContributor,
            _ => Assoc::None,
        }
    }

    pub fn is_maintainer(&self, user: u32) -> bool {
        self.maintainers.iter().any(|(u, _)| *u == user)
    }

    /// The latest thing that happened here (for `pushed_at`/`updated_at`), from the views.
    pub fn last_activity(&self) -> Ts {
        self.views.last_activity.max(self.created)
    }
}

/// Where a pull request lives, for GraphQL's `nodes(ids:)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullRef {
    pub repo: u16,
    pub item: u32,
}

/// Next free id per resource kind; ids only grow, in chronological order of creation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdCounters {
    pub user: u64,
    pub issue: u64,
    pub pull: u64,
    pub comment: u64,
    pub review: u64,
    pub review_comment: u64,
    pub release: u64,
    pub milestone: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct World {
    pub seed: u64,
    /// The simulated clock.
    pub now: Ts,
    /// The clock at generation; history (and the quasar burnout) is anchored to it.
    pub epoch: Ts,
    pub people: People,
    pub repos: Vec<Repo>,
    /// Old name -> repository id, for the `301` of a renamed repository.
    pub renamed: HashMap<String, u64>,
    pub pulls: HashMap<u64, PullRef>,
    pub ids: IdCounters,
    /// How many times `advance` ran: seeds its randomness.
    pub advances: u64,
}

impl World {
    /// The live (not deleted) repository called `name`.
    pub fn repo_index(&self, name: &str) -> Option<usize> {
        self.repos.iter().position(|r| !r.deleted && r.name.eq_ignore_ascii_case(name))
    }

    pub fn repo_by_id(&self, id: u64) -> Option<usize> {
        self.repos.iter().position(|r| !r.deleted && r.id == id)
    }

    pub fn user(&self, ix: u32) -> &User {
        &self.people.users[ix as usize]
    }

    pub fn user_by_login(&self, login: &str) -> Option<u32> {
        self.people.logins.get(login).copied()
    }

    /// The organisation's own account (always user 0).
    pub fn org(&self) -> &User {
        &self.people.users[0]
    }
}
