//! The onboarding threads of newcomer-friendly repositories, staged once their history exists.
//!
//! For each repository with [`RepoSpec::onboarding`] `= n`, up to `n` open issues of each
//! [`Case`] get newcomer labels (the repository's own spellings) and the roles, assignees,
//! mentor labels and pull request links that make the situation; closed issues get pull
//! requests from first-time contributors that fixed them. Everything rides on what the history
//! already holds (labels, assignees, what a comment says, a pull request's body): nothing is
//! added, so every listing keeps its size and every request count stays. A case is only
//! staged where the thread fits it (a recent claim needs a recent comment by a non-maintainer),
//! so small repositories may lack some. Deterministic: its own RNG per repository.

use std::collections::HashSet;

use rand::seq::SliceRandom;
use rand::{SeedableRng, rngs::StdRng};

use super::accounts::UserKind;
use super::people::People;
use super::spec::{self, NEWCOMER, RepoSpec};
use super::util::{DAY, Ts, mix};
use super::world::{Assignment, Assoc, Link, LinkKind, Repo, Role};

/// The situations of an open newcomer issue that the onboarding pages must tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Case {
    /// (a) Nobody has touched it: no comment, no assignee.
    Unclaimed,
    /// (b) Claimed in a comment and assigned to the claimant.
    Assigned,
    /// (c) Assigned to its mentor only: not claimed.
    MentorAssigned,
    /// (d) Claimed in a comment within the last 14 days.
    RecentClaim,
    /// (e) Claimed over 30 days ago, nothing since.
    Abandoned,
    /// (f) An open pull request says it closes the issue.
    LinkedPr,
    /// (g) A maintainer offered to mentor in the thread.
    Mentored,
    /// (h) A newcomer asked a question and a maintainer answered.
    Answered,
}

/// Scarce situations first, so they get the threads that fit them.
const ORDER: [Case; 8] = [
    Case::RecentClaim,
    Case::Unclaimed,
    Case::LinkedPr,
    Case::Abandoned,
    Case::Answered,
    Case::Mentored,
    Case::Assigned,
    Case::MentorAssigned,
];

/// What of a thread a case uses: comments (indexes into `repo.comments`) or a pull request.
#[derive(Debug, Clone, Copy)]
enum Fit {
    Nothing,
    Comment(u32),
    Pair(u32, u32),
    Pull(u32),
}

struct Stage<'a> {
    repo: &'a mut Repo,
    people: &'a People,
    epoch: Ts,
    /// Comment indexes per item, oldest first.
    threads: Vec<Vec<u32>>,
    staged: HashSet<u32>,
    linked: HashSet<u32>,
    palette: Vec<u16>,
    /// Counts staged issues and claims, to cycle through labels and phrasings.
    issues: usize,
    claims: usize,
}

/// Stages the onboarding threads of `repo` (see the module doc); returns the cases staged,
/// as `(case, item index)`.
pub fn stage(repo: &mut Repo, people: &People, seed: u64, epoch: Ts) -> Vec<(Case, u32)> {
    let quota = repo.spec.onboarding as usize;
    if quota == 0 {
        return Vec::new();
    }
    let mut rng = StdRng::seed_from_u64(mix(seed ^ 0x000b_0a4d, repo.id));
    let mut threads = vec![Vec::new(); repo.items.len()];
    for (c, comment) in repo.comments.iter().enumerate() {
        threads[comment.item as usize].push(c as u32);
    }
    let palette = palette(repo.spec);
    let salt = (repo.id % 6) as usize;
    let mut s = Stage {
        repo,
        people,
        epoch,
        threads,
        staged: HashSet::new(),
        linked: HashSet::new(),
        palette,
        issues: salt,
        claims: salt,
    };
    let mut open: Vec<u32> = s.issues_where(|i| i.is_open() && !i.locked);
    open.shuffle(&mut rng);
    let mut pulls: Vec<u32> = (0..s.repo.items.len() as u32).filter(|p| s.open_pull_by_newcomer(*p)).collect();
    pulls.shuffle(&mut rng);
    let mut staged = Vec::new();
    for case in ORDER {
        let mut taken = 0;
        for &ix in &open {
            if taken == quota {
                break;
            }
            if s.staged.contains(&ix) {
                continue;
            }
            let Some(fit) = s.fit(case, ix, &pulls) else { continue };
            s.apply(case, ix, fit);
            staged.push((case, ix));
            taken += 1;
        }
    }
    s.closed_history(&mut rng, quota * 3);
    s.repo.assignments.sort_by_key(|a| (a.item, a.at));
    staged
}

/// The newcomer labels a repository uses: `good first issue` (its spelling), its own extra
/// ones, then `help wanted`.
pub fn palette(spec: &RepoSpec) -> Vec<u16> {
    let bits = spec.newcomer_labels & NEWCOMER & !(spec::GOOD_FIRST_ISSUE | spec::HELP_WANTED);
    let extra = (0..16).map(|i| 1u16 << i).filter(|bit| bits & bit != 0);
    std::iter::once(spec::GOOD_FIRST_ISSUE).chain(extra).chain([spec::HELP_WANTED]).collect()
}

impl Stage<'_> {
    fn issues_where(&self, keep: impl Fn(&super::world::Item) -> bool) -> Vec<u32> {
        let items = self.repo.items.iter().enumerate();
        items.filter(|(_, i)| i.pull.is_none() && keep(i)).map(|(ix, _)| ix as u32).collect()
    }

    /// A person who is not a maintainer (nor a bot or the CI account).
    fn newcomerish(&self, user: u32) -> bool {
        let human = self.people.users[user as usize].kind == UserKind::User && self.repo.ci != Some(user);
        human && !self.repo.is_maintainer(user)
    }

    fn open_pull_by_newcomer(&self, p: u32) -> bool {
        let item = &self.repo.items[p as usize];
        item.is_open() && item.pull.as_ref().is_some_and(|pull| pull.link.is_none()) && self.newcomerish(item.author)
    }

    fn comment(&self, c: u32) -> &super::world::Comment {
        &self.repo.comments[c as usize]
    }

    /// Whether item `ix` fits `case`, and with what.
    fn fit(&self, case: Case, ix: u32, pulls: &[u32]) -> Option<Fit> {
        let thread = &self.threads[ix as usize];
        let by_newcomer = |c: &&u32| self.newcomerish(self.comment(**c).author);
        let by_maintainer = |c: &&u32| self.repo.is_maintainer(self.comment(**c).author);
        match case {
            Case::Unclaimed => thread.is_empty().then_some(Fit::Nothing),
            Case::RecentClaim => {
                let recent = thread
                    .iter()
                    .rev()
                    .filter(by_newcomer)
                    .find(|c| self.comment(**c).created >= self.epoch - 14 * DAY);
                recent.map(|c| Fit::Comment(*c))
            }
            Case::Abandoned => {
                let last =
                    thread.last().filter(|c| by_newcomer(c) && self.comment(**c).created < self.epoch - 30 * DAY);
                last.map(|c| Fit::Comment(*c))
            }
            Case::LinkedPr => {
                let created = self.repo.items[ix as usize].created;
                let pull =
                    pulls.iter().find(|p| !self.linked.contains(p) && self.repo.items[**p as usize].created > created);
                pull.map(|p| Fit::Pull(*p))
            }
            Case::Answered => thread.iter().enumerate().find_map(|(k, q)| {
                let asked = self.comment(*q);
                let answer =
                    thread[k + 1..].iter().find(|a| by_maintainer(a) && self.comment(**a).created > asked.created);
                (by_newcomer(&q)).then_some(answer).flatten().map(|a| Fit::Pair(*q, *a))
            }),
            Case::Mentored => thread.iter().find(by_maintainer).map(|c| Fit::Comment(*c)),
            Case::Assigned => thread.iter().find(by_newcomer).map(|c| Fit::Comment(*c)),
            Case::MentorAssigned => Some(Fit::Nothing),
        }
    }

    fn apply(&mut self, case: Case, ix: u32, fit: Fit) {
        self.reset(ix);
        self.label(ix);
        match (case, fit) {
            (Case::RecentClaim | Case::Abandoned, Fit::Comment(c)) => self.claim(c),
            (Case::LinkedPr, Fit::Pull(p)) => self.link(ix, p, false),
            (Case::Answered, Fit::Pair(q, a)) => {
                let k = (self.issues % 3) as u8;
                self.repo.comments[q as usize].role = Role::Question(k);
                self.repo.comments[a as usize].role = Role::Answer(k);
            }
            (Case::Mentored, Fit::Comment(c)) => {
                self.repo.comments[c as usize].role = Role::Offer((self.issues % 3) as u8);
                if self.issues.is_multiple_of(2) {
                    let author = self.comment(c).author;
                    self.repo.items[ix as usize].mentor = self.maintainer_index(author);
                }
            }
            (Case::Assigned, Fit::Comment(c)) => {
                self.claim(c);
                let claimed = self.comment(c).created;
                let thread = &self.threads[ix as usize];
                let ack = thread.iter().copied().find(|m| {
                    let m = self.comment(*m);
                    self.repo.is_maintainer(m.author) && m.created >= claimed
                });
                let at = ack.map_or(claimed, |m| self.comment(m).created);
                if let Some(m) = ack {
                    self.repo.comments[m as usize].role = Role::Ack((self.issues % 3) as u8);
                }
                self.assign(ix, self.comment(c).author, at);
            }
            (Case::MentorAssigned, _) => {
                let thread = &self.threads[ix as usize];
                let first = thread.iter().map(|c| self.comment(*c)).find(|c| self.repo.is_maintainer(c.author));
                let fallback = self.repo.maintainers[self.issues % self.repo.maintainers.len()].0;
                let created = self.repo.items[ix as usize].created;
                let (mentor, at) = first.map_or((fallback, created), |c| (c.author, c.created));
                self.repo.items[ix as usize].mentor = self.maintainer_index(mentor);
                self.assign(ix, mentor, at);
            }
            _ => {}
        }
        self.staged.insert(ix);
        self.issues += 1;
    }

    /// Forgets what the history said in this thread: chatter, no assignee, no mentor.
    fn reset(&mut self, ix: u32) {
        for c in &self.threads[ix as usize] {
            self.repo.comments[*c as usize].role = Role::Plain;
        }
        self.repo.assignments.retain(|a| a.item != ix);
        let item = &mut self.repo.items[ix as usize];
        (item.assignee, item.mentor) = (None, None);
    }

    /// Adds one of the repository's newcomer labels, cycling through them; some issues also
    /// get `help wanted`.
    fn label(&mut self, ix: u32) {
        let pick = self.palette[self.issues % self.palette.len()];
        let help = if self.issues % 3 == 1 { spec::HELP_WANTED } else { 0 };
        self.repo.items[ix as usize].labels |= pick | help;
    }

    fn claim(&mut self, c: u32) {
        self.repo.comments[c as usize].role = Role::Claim((self.claims % 6) as u8);
        self.claims += 1;
    }

    fn assign(&mut self, ix: u32, user: u32, at: Ts) {
        self.repo.items[ix as usize].assignee = Some(user);
        self.repo.assignments.push(Assignment { item: ix, user, at, assigned: true });
    }

    fn maintainer_index(&self, user: u32) -> Option<u8> {
        self.repo.maintainers.iter().position(|(u, _)| *u == user).map(|k| k as u8)
    }

    /// Links pull request `p` to issue `ix`; the author's earlier comment there becomes their
    /// claim. Closed issues always use a closing keyword.
    fn link(&mut self, ix: u32, p: u32, closing: bool) {
        let kinds = [LinkKind::Closes, LinkKind::Fixes, LinkKind::Resolves, LinkKind::Closes, LinkKind::Manual];
        let kind = kinds[self.issues % if closing { 3 } else { 5 }];
        let (number, pull) = (self.repo.items[ix as usize].number, &self.repo.items[p as usize]);
        let (author, created) = (pull.author, pull.created);
        let said = self.threads[ix as usize].iter().copied().find(|c| {
            let c = self.comment(*c);
            c.author == author && c.created < created
        });
        if let Some(c) = said {
            self.claim(c);
        }
        let pull = self.repo.items[p as usize].pull.as_mut().expect("a pull request");
        pull.link = Some(Link { issue: number, kind });
        self.linked.insert(p);
    }

    /// Closed issues fixed by first-time contributors' merged pull requests: labelled for
    /// newcomers, linked (`Fixes #N`) and assigned to the contributor. Prefers issues closed
    /// within two weeks of the merge, then within two months.
    fn closed_history(&mut self, rng: &mut StdRng, quota: usize) {
        let mut pulls: Vec<u32> = (0..self.repo.items.len() as u32)
            .filter(|p| {
                let item = &self.repo.items[*p as usize];
                let first = matches!(item.assoc, Assoc::FirstTimer | Assoc::FirstTimeContributor);
                let merged = item.pull.as_ref().is_some_and(|pull| pull.merged.is_some() && pull.link.is_none());
                first && merged && self.newcomerish(item.author)
            })
            .collect();
        pulls.shuffle(rng);
        let mut closed = self.issues_where(|i| i.reason == Some(super::world::StateReason::Completed));
        closed.shuffle(rng);
        let mut done = 0;
        for window in [14 * DAY, 60 * DAY] {
            for &p in &pulls {
                if done == quota {
                    return;
                }
                let item = &self.repo.items[p as usize];
                let Some((merged, _)) = item.pull.as_ref().and_then(|pull| pull.merged) else { continue };
                if self.linked.contains(&p) {
                    continue;
                }
                let (created, author) = (item.created, item.author);
                let fits = |ix: &&u32| {
                    let issue = &self.repo.items[**ix as usize];
                    let closed = issue.closed.unwrap_or(Ts::MIN);
                    !self.staged.contains(ix) && issue.created < created && (merged..=merged + window).contains(&closed)
                };
                let Some(&ix) = closed.iter().find(fits) else { continue };
                self.reset(ix);
                self.label(ix);
                self.link(ix, p, true);
                self.assign(ix, author, created);
                self.staged.insert(ix);
                self.issues += 1;
                done += 1;
            }
        }
    }
}
