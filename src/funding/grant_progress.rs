//! A grant's progress: each milestone's status from the work linked to it, the grant's money
//! (budget, received, spent, unspent per currency) and the summary paragraph of its page.
//!
//! Pure: the caller loads the linked issues and pull requests ([`WorkItem`]), the Open
//! Collective expenses ([`Expense`]) and passes `now`. The rules, also shown on the page
//! ([`STATUS_RULES`], [`MONEY_RULES`]):
//! - an issue is done when closed; a pull request when merged. A pull request closed without
//!   merging is listed but counts in neither done nor total.
//! - **done**: at least one counted item, and all of them done;
//! - **late**: not done, and the due date (inclusive) has passed;
//! - **at risk**: not done, not late, and the share of items done is below the share of the
//!   milestone's time elapsed, from the grant's start to the end of its due date (no items at all
//!   is a share of 0);
//! - **on track**: otherwise.
//!
//! A grant milestone tied to a `github_milestone` also shows that GitHub milestone's own state,
//! due date and counts, and a data-quality note when the two disagree ([`MILESTONE_CHECKS`]).

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate};
use serde::Serialize;

use super::grants::{Grant, Milestone, WorkRef};
use super::ledger::{Source, received_in};
use super::money::{Money, Totals};

#[cfg(test)]
mod tests;

/// The status rules as stated on the page.
pub const STATUS_RULES: &str = "An issue is done when closed, a pull request when merged; a pull request closed \
     without merging counts in neither done nor total. Done: at least one item, all done. Late: not done and the \
     due date has passed. At risk: not done, not late, and the share of items done is below the share of time \
     elapsed from the grant's start to the due date. On track: otherwise.";

/// The money rules as stated on the page.
pub const MONEY_RULES: &str = "Budget is the grant's amount. Received to date is the grant spread evenly over its \
     period, up to today (as the ledger counts it). Spent is the budget_spent entries dated up to today plus the \
     project's paid Open Collective expenses dated within the grant's period and up to today (dated by submission: \
     Open Collective's API gives no payment date). Unspent is budget minus spent, in the \
     budget's currency; spending in another currency is listed but never converted or subtracted.";

/// The checks of a grant milestone against its GitHub milestones, as stated on the page.
pub const MILESTONE_CHECKS: &str = "A grant milestone tied to a GitHub milestone is noted when the GitHub milestone \
     is due later than the grant milestone, or is closed on GitHub while items of the grant milestone are not done.";

/// A milestone's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Done,
    OnTrack,
    AtRisk,
    Late,
}

impl Status {
    /// The JSON and CSV spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::Late => "late",
        }
    }

    /// The words on the page.
    pub fn label(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::OnTrack => "on track",
            Status::AtRisk => "at risk",
            Status::Late => "late",
        }
    }
}

/// A milestone's status by the rules in the module doc. `today` is the current UTC date.
pub fn milestone_status(grant_start: NaiveDate, due: NaiveDate, today: NaiveDate, done: usize, total: usize) -> Status {
    if total > 0 && done == total {
        return Status::Done;
    }
    if today > due {
        return Status::Late;
    }
    // Days elapsed of the milestone's span, counting today as elapsed: [start, due] inclusive.
    let span = (due - grant_start).num_days() + 1;
    let elapsed = ((today - grant_start).num_days()).clamp(0, span.max(0));
    if span <= 0 {
        return Status::OnTrack;
    }
    // done / total < elapsed / span, in integers; no items is a share of 0.
    let behind = (done as i64) * span < elapsed * (total.max(1) as i64);
    if behind { Status::AtRisk } else { Status::OnTrack }
}

/// An issue or pull request as loaded for a grant page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkItem {
    /// `owner/name` as tracked.
    pub repo: String,
    pub number: i64,
    pub is_pull_request: bool,
    pub title: String,
    pub html_url: String,
    /// `open` or `closed`.
    pub state: String,
    pub closed_at: Option<i64>,
    pub merged_at: Option<i64>,
    pub milestone: Option<String>,
    pub labels: Vec<String>,
    pub author: Option<String>,
    /// Who submitted a review, without duplicates, in order of first review.
    pub reviewers: Vec<String>,
    /// Who merged it (pull requests).
    pub merged_by: Option<String>,
    /// Who closed it (issues, from GitHub's single-issue answer): `None` while open, when not
    /// collected yet, or when GitHub says null (shown as "unknown").
    pub closed_by: Option<String>,
}

impl WorkItem {
    /// Whether it is done: an issue closed, a pull request merged.
    pub fn is_done(&self) -> bool {
        match self.is_pull_request {
            true => self.merged_at.is_some(),
            false => self.state == "closed",
        }
    }

    /// Whether it counts at all (not a pull request closed without merging).
    pub fn counts(&self) -> bool {
        !(self.is_pull_request && self.state == "closed" && self.merged_at.is_none())
    }

    /// `open`, `closed`, `merged` or `closed unmerged`.
    pub fn state_label(&self) -> &'static str {
        match (self.is_pull_request, self.state.as_str(), self.merged_at.is_some()) {
            (true, _, true) => "merged",
            (true, "closed", false) => "closed unmerged",
            (_, "closed", _) => "closed",
            _ => "open",
        }
    }

    /// Merged for a merged pull request, closed otherwise; `None` while open.
    pub fn finished_at(&self) -> Option<i64> {
        self.merged_at.or(self.closed_at.filter(|_| self.state == "closed"))
    }

    /// Who finished it: the merger of a merged pull request, the closer of a closed issue;
    /// `Some("unknown")` when finished by someone not known; `None` while not finished (or for a
    /// pull request closed unmerged).
    pub fn finisher(&self) -> Option<&str> {
        let who = match (self.is_pull_request, self.merged_at.is_some(), self.state.as_str()) {
            (true, true, _) => &self.merged_by,
            (false, _, "closed") => &self.closed_by,
            _ => return None,
        };
        Some(who.as_deref().unwrap_or("unknown"))
    }

    /// Everyone named on it: author, reviewers, merger, closer; without duplicates.
    pub fn people(&self) -> Vec<String> {
        let mut people: Vec<String> = Vec::new();
        let closer = self.closed_by.as_ref().filter(|_| !self.is_pull_request && self.state == "closed");
        for login in self.author.iter().chain(&self.reviewers).chain(&self.merged_by).chain(closer) {
            if !people.iter().any(|p| p.eq_ignore_ascii_case(login)) {
                people.push(login.clone());
            }
        }
        people
    }

    /// Whether the reference names it.
    pub fn matches(&self, r: &WorkRef) -> bool {
        r.repo().eq_ignore_ascii_case(&self.repo)
            && match r {
                WorkRef::GithubMilestone { title, .. } => self.milestone.as_deref() == Some(title.as_str()),
                WorkRef::Label { label, .. } => self.labels.iter().any(|l| l.eq_ignore_ascii_case(label)),
                WorkRef::Item { number, .. } => self.number == *number,
            }
    }
}

/// An expense paid from the project's Open Collective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expense {
    pub paid_at: i64,
    pub amount: Money,
    pub description: String,
}

/// A milestone with its work and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneProgress {
    pub title: String,
    pub due: NaiveDate,
    pub amount: Option<Money>,
    pub status: Status,
    pub done_items: usize,
    pub total_items: usize,
    /// Indexes into [`GrantProgress::items`], in repository and number order.
    pub items: Vec<usize>,
    /// The references as written, for the page.
    pub work: Vec<String>,
    /// The collected GitHub milestones its `github_milestone` references name, in their order.
    pub github_milestones: Vec<GithubMilestone>,
}

/// A GitHub milestone as collected: its own state, due date and counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GithubMilestone {
    /// `owner/name` as tracked.
    pub repo: String,
    pub title: String,
    /// `open` or `closed`.
    pub state: String,
    /// Its due date (UTC), if it has one.
    pub due_on: Option<NaiveDate>,
    pub open_issues: i64,
    pub closed_issues: i64,
}

/// The grant's money, each a list of amounts per currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GrantMoney {
    pub budget: Totals,
    pub received: Totals,
    pub spent: Totals,
    pub unspent: Totals,
}

/// Budget, received to date, spent and unspent by [`MONEY_RULES`]. `expenses` are the Open
/// Collective's; only those paid within the grant's period and by `now` count.
pub fn grant_money(grant: &Grant, expenses: &[Expense], now: i64) -> GrantMoney {
    let period = grant.period();
    let budget: Totals = [grant.amount].into_iter().collect();
    let received = received_in(&[grant.to_entry()], period.from, now.min(period.to).max(period.from))
        .remove(&Source::Grant)
        .unwrap_or_default();
    let today = day_of(now);
    let mut spent = Totals::new();
    for s in grant.plan.budget_spent.iter().filter(|s| s.date <= today) {
        spent.add(s.amount);
    }
    for e in expenses.iter().filter(|e| counts_as_spent(grant, e, now)) {
        spent.add(e.amount);
    }
    let unspent =
        budget.iter().map(|b| Money::new(b.cents - spent.get(b.currency).map_or(0, |s| s.cents), b.currency)).collect();
    GrantMoney { budget, received, spent, unspent }
}

/// Whether an Open Collective expense counts as spent from the grant at `now`.
pub fn counts_as_spent(grant: &Grant, e: &Expense, now: i64) -> bool {
    grant.period().contains(e.paid_at) && e.paid_at <= now
}

/// The UTC date of a unix time.
pub fn day_of(ts: i64) -> NaiveDate {
    DateTime::from_timestamp(ts, 0).map(|d| d.date_naive()).unwrap_or_default()
}

/// Everything the grant page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantProgress {
    pub today: NaiveDate,
    pub milestones: Vec<MilestoneProgress>,
    /// Every linked item once, in repository and number order.
    pub items: Vec<WorkItem>,
    pub money: GrantMoney,
    /// The Open Collective expenses counted as spent, oldest first.
    pub expenses: Vec<Expense>,
    /// Everyone named on the linked items, sorted case-insensitively.
    pub people: Vec<String>,
    /// References not found in the data, and other data-quality notes.
    pub notes: Vec<String>,
    pub summary: String,
}

/// What the data holds besides the items, for the notes on references that name nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    /// The referenced repositories that are tracked (`owner/name`).
    pub tracked: Vec<String>,
    /// The collected GitHub milestones of those repositories.
    pub milestones: Vec<GithubMilestone>,
}

/// The page's figures. `items` are the issues and pull requests the loader found for the
/// grant's references (more is harmless).
pub fn grant_progress(
    grant: &Grant,
    items: &[WorkItem],
    known: &Known,
    expenses: &[Expense],
    now: i64,
) -> GrantProgress {
    let today = day_of(now);
    let mut linked: Vec<WorkItem> = items
        .iter()
        .filter(|i| grant.plan.milestones.iter().any(|m| m.work.iter().any(|r| i.matches(r))))
        .cloned()
        .collect();
    linked.sort_by_key(|i| (i.repo.to_lowercase(), i.number));
    linked.dedup_by(|a, b| a.repo.eq_ignore_ascii_case(&b.repo) && a.number == b.number);
    let milestones: Vec<MilestoneProgress> =
        grant.plan.milestones.iter().map(|m| milestone_progress(grant, m, &linked, known, today)).collect();
    let mut notes = missing_notes(grant, &linked, known);
    notes.extend(milestones.iter().flat_map(mismatch_notes));
    let mut people: Vec<String> = Vec::new();
    for login in linked.iter().flat_map(WorkItem::people) {
        if !people.iter().any(|p| p.eq_ignore_ascii_case(&login)) {
            people.push(login);
        }
    }
    people.sort_by_key(|p| p.to_lowercase());
    let money = grant_money(grant, expenses, now);
    let summary = summary(grant, &milestones, &money, people.len(), today);
    let expenses = expenses.iter().filter(|e| counts_as_spent(grant, e, now)).cloned().collect();
    GrantProgress { today, milestones, items: linked, money, expenses, people, notes, summary }
}

fn milestone_progress(
    grant: &Grant,
    m: &Milestone,
    linked: &[WorkItem],
    known: &Known,
    today: NaiveDate,
) -> MilestoneProgress {
    let items: Vec<usize> = (0..linked.len()).filter(|&i| m.work.iter().any(|r| linked[i].matches(r))).collect();
    let counted: Vec<&WorkItem> = items.iter().map(|&i| &linked[i]).filter(|i| i.counts()).collect();
    let done = counted.iter().filter(|i| i.is_done()).count();
    MilestoneProgress {
        title: m.title.clone(),
        due: m.due,
        amount: m.amount,
        status: milestone_status(grant.start, m.due, today, done, counted.len()),
        done_items: done,
        total_items: counted.len(),
        items,
        work: m.work.iter().map(WorkRef::to_string).collect(),
        github_milestones: m
            .work
            .iter()
            .filter_map(|r| match r {
                WorkRef::GithubMilestone { repo, title } => {
                    known.milestones.iter().find(|g| g.repo.eq_ignore_ascii_case(repo) && &g.title == title)
                }
                _ => None,
            })
            .cloned()
            .collect(),
    }
}

/// The data-quality notes of a grant milestone against its GitHub milestones, by
/// [`MILESTONE_CHECKS`]: due later on GitHub, or closed there while its items are not all done.
pub fn mismatch_notes(m: &MilestoneProgress) -> Vec<String> {
    let mut notes = Vec::new();
    for g in &m.github_milestones {
        let name = format!("{}:{}", g.repo, g.title);
        if let Some(due_on) = g.due_on.filter(|d| *d > m.due) {
            notes.push(format!(
                "{:?}: the GitHub milestone {name} is due {due_on}, after the grant milestone's due date {}.",
                m.title, m.due
            ));
        }
        if g.state == "closed" && m.done_items < m.total_items {
            notes.push(format!(
                "{:?}: the GitHub milestone {name} is closed, but the grant milestone has only {} of {} done.",
                m.title,
                m.done_items,
                count(m.total_items, "item", "items")
            ));
        }
    }
    notes
}

/// One note per reference that names nothing in the data (each once, in the config's order).
fn missing_notes(grant: &Grant, linked: &[WorkItem], known: &Known) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let refs = grant.plan.milestones.iter().flat_map(|m| &m.work).filter(|r| seen.insert(*r));
    refs.filter(|r| !linked.iter().any(|i| i.matches(r)))
        .map(|r| {
            let untracked = !known.tracked.iter().any(|t| t.eq_ignore_ascii_case(r.repo()));
            let on_github = |title: &str| {
                known.milestones.iter().any(|g| g.repo.eq_ignore_ascii_case(r.repo()) && g.title == title)
            };
            match r {
                _ if untracked => {
                    format!("{r}: the repository {} is not tracked, so its work is not counted.", r.repo())
                }
                WorkRef::GithubMilestone { title, .. } if on_github(title) => {
                    format!("{r}: the GitHub milestone {title:?} holds no issue or pull request.")
                }
                WorkRef::GithubMilestone { title, .. } => {
                    format!("{r}: no GitHub milestone titled {title:?} was collected, and no item is in one.")
                }
                WorkRef::Label { label, .. } => format!("{r}: no issue or pull request carries the label {label:?}."),
                WorkRef::Item { .. } => format!("{r}: no such issue or pull request was collected."),
            }
        })
        .collect()
}

/// `1 milestone` / `3 milestones`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The generated paragraph: the grant, the milestones by status, the work and people, the money.
fn summary(grant: &Grant, ms: &[MilestoneProgress], money: &GrantMoney, people: usize, today: NaiveDate) -> String {
    let purpose = if grant.purpose.is_empty() { String::new() } else { format!(" for {}", grant.purpose) };
    let mut out = format!(
        "{} granted {}{purpose}, from {} to {}. As of {today}, ",
        grant.funder, grant.amount, grant.start, grant.end
    );
    let by = |s: Status| ms.iter().filter(|m| m.status == s).count();
    if ms.is_empty() {
        out += "the grant has no milestones configured.";
    } else {
        out += &format!(
            "{} of {} done, {} on track, {} at risk and {} late.",
            by(Status::Done),
            count(ms.len(), "milestone is", "milestones are"),
            by(Status::OnTrack),
            by(Status::AtRisk),
            by(Status::Late)
        );
        let (done, total) = ms.iter().fold((0, 0), |(d, t), m| (d + m.done_items, t + m.total_items));
        out += &format!(
            " Across them, {done} of {} are done, with {} involved as authors, reviewers, mergers or closers.",
            count(total, "linked issue or pull request", "linked issues and pull requests"),
            count(people, "person", "people")
        );
    }
    out += &format!(
        " Received to date: {}; spent: {}; unspent: {}.",
        totals_text(&money.received),
        totals_text(&money.spent),
        totals_text(&money.unspent)
    );
    out
}

/// `1,000.00 USD and 5.00 EUR`, or `none`.
pub fn totals_text(t: &Totals) -> String {
    if t.is_empty() { "none".to_owned() } else { t.to_string() }
}
