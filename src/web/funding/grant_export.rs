//! A grant page as JSON, CSV and Markdown, from the same [`GrantProgress`] as the HTML page, and
//! the item view they share with it. A leaf: the handlers in [`super::grant`] import it.
//!
//! - **JSON** (`?format=json`, `/api/v1/funding/{owner}/{name}/grants/{id}`): [`GrantJson`]. Names
//!   scripts rely on: `milestones[]` with `title`, `due`, `status` (`done`, `on_track`, `at_risk`,
//!   `late`), `done_items`, `total_items` and `items[]` (each with `closed_by`, the closer of a
//!   closed issue, null when unknown, and `merged_by` for a merged pull request), and
//!   `github_milestones[]` (`repo`, `title`, `state`, `due_on`, `open_issues`, `closed_issues`:
//!   the GitHub milestones its `github_milestone` names, as collected); `money` with `budget`,
//!   `received`, `spent` and `unspent`, each a list of `{currency, cents, amount}` (one per
//!   currency, never summed).
//! - **CSV** (`?format=csv`): header `section,milestone,due,status,done_items,total_items,
//!   reference,kind,title,state,finished,people,measure,currency,amount,closed_by`. One `milestone`
//!   row per milestone, one `item` row per linked item of each milestone (with its milestone's
//!   columns; `closed_by` is who closed the issue or merged the pull request, `unknown` when not
//!   known, empty while open), one `money` row per measure and currency (`measure` = budget,
//!   received, spent or unspent; `amount` a plain decimal), one `note` row per data-quality note
//!   (in `title`).
//! - **Markdown** (`?format=md`): what a maintainer pastes into a funder's progress form.

use serde::Serialize;

use crate::funding::Grant;
use crate::funding::grant_progress::{
    GithubMilestone, GrantMoney, GrantProgress, MILESTONE_CHECKS, MONEY_RULES, STATUS_RULES, WorkItem,
};
use crate::funding::money::{Money, Totals};
use crate::web::csv::Csv;
use crate::web::reports::export::md;
use crate::web::reports::text::plain;

/// An amount in one currency.
#[derive(Debug, Serialize)]
pub struct AmountJson {
    pub currency: String,
    pub cents: i64,
    /// `12000.00`: the cents as a plain decimal.
    pub amount: String,
}

fn amount(m: Money) -> AmountJson {
    AmountJson { currency: m.currency.to_string(), cents: m.cents, amount: plain(m.cents) }
}

fn amounts(t: &Totals) -> Vec<AmountJson> {
    t.iter().map(amount).collect()
}

#[derive(Debug, Serialize)]
pub struct MoneyJson {
    pub budget: Vec<AmountJson>,
    pub received: Vec<AmountJson>,
    pub spent: Vec<AmountJson>,
    pub unspent: Vec<AmountJson>,
}

#[derive(Debug, Serialize)]
pub struct ItemJson {
    pub repo: String,
    pub number: i64,
    /// `issue` or `pull_request`.
    pub kind: &'static str,
    pub title: String,
    pub url: String,
    /// `open`, `closed`, `merged` or `closed_unmerged`.
    pub state: String,
    /// Closing (or merging) date, `YYYY-MM-DD`; null while open.
    pub finished: Option<String>,
    pub done: bool,
    /// False for a pull request closed without merging: it counts in neither done nor total.
    pub counted: bool,
    pub author: Option<String>,
    pub reviewers: Vec<String>,
    pub merged_by: Option<String>,
    /// Who closed a closed issue; null while open, for pull requests, or when not known.
    pub closed_by: Option<String>,
}

/// A GitHub milestone a grant milestone names, as collected.
#[derive(Debug, Serialize)]
pub struct GithubMilestoneJson {
    pub repo: String,
    pub title: String,
    /// `open` or `closed`.
    pub state: String,
    /// `YYYY-MM-DD`, or null when it has no due date.
    pub due_on: Option<String>,
    pub open_issues: i64,
    pub closed_issues: i64,
}

#[derive(Debug, Serialize)]
pub struct MilestoneJson {
    pub title: String,
    pub due: String,
    pub amount: Option<AmountJson>,
    pub status: &'static str,
    pub done_items: usize,
    pub total_items: usize,
    /// The references as configured.
    pub work: Vec<String>,
    pub items: Vec<ItemJson>,
    pub github_milestones: Vec<GithubMilestoneJson>,
}

#[derive(Debug, Serialize)]
pub struct SpendJson {
    pub date: String,
    #[serde(flatten)]
    pub amount: AmountJson,
    pub note: String,
}

#[derive(Debug, Serialize)]
pub struct GrantJson {
    pub repo: String,
    pub id: String,
    pub funder: String,
    pub purpose: String,
    pub start: String,
    pub end: String,
    /// The date the statuses and money are computed for (UTC).
    pub as_of: String,
    pub summary: String,
    pub milestones: Vec<MilestoneJson>,
    pub money: MoneyJson,
    pub budget_spent: Vec<SpendJson>,
    /// The Open Collective expenses counted as spent (`note` is their description).
    pub open_collective_expenses: Vec<SpendJson>,
    pub people: Vec<String>,
    pub notes: Vec<String>,
    pub status_rules: &'static str,
    /// How a grant milestone is checked against its GitHub milestones (the notes it gives).
    pub milestone_checks: &'static str,
    pub money_rules: &'static str,
}

/// One linked item as the page and the Markdown show it.
pub struct ItemView {
    pub reference: String,
    pub url: String,
    pub kind: &'static str,
    pub title: String,
    pub state: &'static str,
    pub finished: String,
    /// Who closed (issue) or merged (pull request) it, `unknown` when not known; empty while
    /// not finished.
    pub closer: String,
    pub people: String,
}

/// One GitHub milestone as the page and the Markdown show it, next to the grant's due date.
pub struct GithubView {
    /// `owner/name:Title`.
    pub name: String,
    pub state: String,
    /// `due 2026-05-01` or `no due date`.
    pub due: String,
    /// `3 open, 5 closed`.
    pub counts: String,
}

/// The view of a collected GitHub milestone.
pub fn github_view(g: &GithubMilestone) -> GithubView {
    GithubView {
        name: format!("{}:{}", g.repo, g.title),
        state: g.state.clone(),
        due: g.due_on.map_or_else(|| "no due date".to_owned(), |d| format!("due {d}")),
        counts: format!("{} open, {} closed", g.open_issues, g.closed_issues),
    }
}

/// The page's view of one item.
pub fn item_view(i: &WorkItem) -> ItemView {
    ItemView {
        reference: format!("{}#{}", i.repo, i.number),
        url: i.html_url.clone(),
        kind: if i.is_pull_request { "pull request" } else { "issue" },
        title: i.title.clone(),
        state: i.state_label(),
        finished: i.finished_at().map(crate::web::format::day).unwrap_or_default(),
        closer: i.finisher().unwrap_or_default().to_owned(),
        people: i.people().join(", "),
    }
}

fn item_json(i: &WorkItem) -> ItemJson {
    ItemJson {
        repo: i.repo.clone(),
        number: i.number,
        kind: if i.is_pull_request { "pull_request" } else { "issue" },
        title: i.title.clone(),
        url: i.html_url.clone(),
        state: i.state_label().replace(' ', "_"),
        finished: i.finished_at().map(crate::web::format::day),
        done: i.is_done(),
        counted: i.counts(),
        author: i.author.clone(),
        reviewers: i.reviewers.clone(),
        merged_by: i.merged_by.clone(),
        closed_by: i.closed_by.clone().filter(|_| !i.is_pull_request && i.state == "closed"),
    }
}

pub fn json(repo: &str, g: &Grant, p: &GrantProgress) -> GrantJson {
    GrantJson {
        repo: repo.to_owned(),
        id: g.plan.id.clone().unwrap_or_default(),
        funder: g.funder.clone(),
        purpose: g.purpose.clone(),
        start: g.start.to_string(),
        end: g.end.to_string(),
        as_of: p.today.to_string(),
        summary: p.summary.clone(),
        milestones: p
            .milestones
            .iter()
            .map(|m| MilestoneJson {
                title: m.title.clone(),
                due: m.due.to_string(),
                amount: m.amount.map(amount),
                status: m.status.as_str(),
                done_items: m.done_items,
                total_items: m.total_items,
                work: m.work.clone(),
                items: m.items.iter().map(|&i| item_json(&p.items[i])).collect(),
                github_milestones: m
                    .github_milestones
                    .iter()
                    .map(|g| GithubMilestoneJson {
                        repo: g.repo.clone(),
                        title: g.title.clone(),
                        state: g.state.clone(),
                        due_on: g.due_on.map(|d| d.to_string()),
                        open_issues: g.open_issues,
                        closed_issues: g.closed_issues,
                    })
                    .collect(),
            })
            .collect(),
        money: MoneyJson {
            budget: amounts(&p.money.budget),
            received: amounts(&p.money.received),
            spent: amounts(&p.money.spent),
            unspent: amounts(&p.money.unspent),
        },
        budget_spent: g
            .plan
            .budget_spent
            .iter()
            .map(|s| SpendJson { date: s.date.to_string(), amount: amount(s.amount), note: s.note.clone() })
            .collect(),
        open_collective_expenses: p
            .expenses
            .iter()
            .map(|e| SpendJson {
                date: crate::web::format::day(e.paid_at),
                amount: amount(e.amount),
                note: e.description.clone(),
            })
            .collect(),
        people: p.people.clone(),
        notes: p.notes.clone(),
        status_rules: STATUS_RULES,
        milestone_checks: MILESTONE_CHECKS,
        money_rules: MONEY_RULES,
    }
}

/// `(label, "1,000.00 USD and 5.00 EUR")` for budget, received, spent and unspent.
pub fn money_rows(m: &GrantMoney) -> Vec<(&'static str, String)> {
    let text = crate::funding::grant_progress::totals_text;
    vec![
        ("Budget", text(&m.budget)),
        ("Received to date", text(&m.received)),
        ("Spent", text(&m.spent)),
        ("Unspent", text(&m.unspent)),
    ]
}

/// The CSV document (see the module doc for its columns).
pub fn csv(p: &GrantProgress) -> Csv {
    let mut csv = Csv::default();
    csv.row([
        "section",
        "milestone",
        "due",
        "status",
        "done_items",
        "total_items",
        "reference",
        "kind",
        "title",
        "state",
        "finished",
        "people",
        "measure",
        "currency",
        "amount",
        "closed_by",
    ]);
    for m in &p.milestones {
        let (due, done, total) = (m.due.to_string(), m.done_items.to_string(), m.total_items.to_string());
        let head = [m.title.as_str(), &due, m.status.as_str(), &done, &total];
        let empty = ["", "", "", "", "", "", ""];
        let (currency, cents) =
            m.amount.map_or((String::new(), String::new()), |a| (a.currency.to_string(), plain(a.cents)));
        csv.row(
            ["milestone"]
                .into_iter()
                .chain(head)
                .chain(empty.into_iter().take(6))
                .chain(["amount", &currency, &cents, ""]),
        );
        for &i in &m.items {
            let v = item_view(&p.items[i]);
            let item = [v.reference.as_str(), v.kind, &v.title, v.state, &v.finished, &v.people];
            csv.row(["item"].into_iter().chain(head).chain(item).chain(["", "", "", &v.closer]));
        }
    }
    let measures = [
        ("budget", &p.money.budget),
        ("received", &p.money.received),
        ("spent", &p.money.spent),
        ("unspent", &p.money.unspent),
    ];
    for (measure, totals) in measures {
        for m in totals.iter() {
            let (currency, value) = (m.currency.to_string(), plain(m.cents));
            csv.row(["money", "", "", "", "", "", "", "", "", "", "", "", measure, &currency, &value, ""]);
        }
    }
    for note in &p.notes {
        csv.row(["note", "", "", "", "", "", "", "", note, "", "", "", "", "", "", ""]);
    }
    csv
}

/// The grant's progress as Markdown: title, summary, milestones with their work, money, notes,
/// the rules and where it came from (`source_url`, under the configured base URL).
pub fn markdown(repo: &str, g: &Grant, p: &GrantProgress, source_url: &str) -> String {
    let mut out = format!("# Grant progress: {}, {}\n\n", md(&g.funder), md(repo));
    out += &format!("**Grant:** {} from {} to {}", g.amount, g.start, g.end);
    if !g.purpose.is_empty() {
        out += &format!(", for {}", md(&g.purpose));
    }
    out += &format!(". **As of:** {}.\n\n{}\n\n## Milestones\n\n", p.today, md(&p.summary));
    if p.milestones.is_empty() {
        out += "No milestones are configured for this grant.\n";
    } else {
        out += "| Milestone | Due | Status | Done |\n|---|---|---|---:|\n";
        for m in &p.milestones {
            let label = m.status.label();
            out += &format!("| {} | {} | {label} | {} of {} |\n", md(&m.title), m.due, m.done_items, m.total_items);
        }
    }
    for m in &p.milestones {
        out += &format!("\n### {}\n\n", md(&m.title));
        for g in m.github_milestones.iter().map(github_view) {
            out += &format!("GitHub milestone {}: {}, {}; {}.\n\n", md(&g.name), g.state, g.due, g.counts);
        }
        if m.items.is_empty() {
            out += "No linked issue or pull request was found.\n";
        }
        for &i in &m.items {
            let v = item_view(&p.items[i]);
            let finished = if v.finished.is_empty() { String::new() } else { format!(" {}", v.finished) };
            let by = if v.closer.is_empty() { String::new() } else { format!(" by {}", md(&v.closer)) };
            let people = if v.people.is_empty() { String::new() } else { format!("; {}", md(&v.people)) };
            out +=
                &format!("- {} {}: {} ({}{finished}{by}{people})\n", v.kind, md(&v.reference), md(&v.title), v.state);
        }
    }
    out += "\n## Money\n\n| | Amount |\n|---|---|\n";
    for (label, text) in money_rows(&p.money) {
        out += &format!("| {label} | {text} |\n");
    }
    if !p.notes.is_empty() {
        out += "\n## Data notes\n\n";
        for note in &p.notes {
            out += &format!("- {}\n", md(note));
        }
    }
    out += &format!("\n## How statuses and money are computed\n\n{STATUS_RULES} {MILESTONE_CHECKS}\n\n{MONEY_RULES}\n");
    out += &format!("\n---\n\nSource: Upkeep grant page, {source_url}, from GitHub data and the configured grant.\n");
    out
}
