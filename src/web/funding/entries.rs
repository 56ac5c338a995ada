//! From one project's funding rows to the ledger's [`Entry`] list and its data-quality notes:
//! pure functions, so every page (overview, ledger, report) and every export reads the same money.
//!
//! How each source becomes entries:
//! - GitHub Sponsors: each snapshot with a visible recurring total is monthly income from its
//!   fetch until the next snapshot (the latest one runs on); a snapshot whose amounts the token
//!   cannot see is one entry without an amount; an active goal is a `Goal`.
//! - Open Collective: each credit is income at its date; the yearly budget (Open Collective's own
//!   projection) is a `Budget` from each snapshot to the next.
//! - funding.json: plans are `Plan`s (asks, ongoing); each `history` year is income spread over that year.
//! - Grants from config: one `Grant` spread over its period.
//!
//! Entries of a source whose latest fetch failed are `stale`; the note says since when. FUNDING.yml
//! gives no entries (its accounts arrive as GitHub's funding links), only notes: its problems, and
//! a file that names accounts while GitHub lists no link.

use serde::Serialize;

use super::load::ProjectFunding;
use crate::db::funding::{OpenCollectiveSnapshotRow, SponsorsSnapshotRow};
use crate::funding::funding_yml::count_entries;
use crate::funding::{Currency, Entry, EntryKind, Frequency, Manifest, Money, Source, Timing};
use crate::metrics::fmt_ts;

/// GitHub Sponsors goal kinds, as GitHub names them.
pub const GOAL_MONTHLY_AMOUNT: &str = "MONTHLY_SPONSORSHIP_AMOUNT";

/// How serious a data-quality note is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteLevel {
    /// Data was left out (a manifest error).
    Error,
    /// Data is shown but may be wrong or old (warnings, stale sources).
    Warning,
    /// Something the reader should know (hidden amounts).
    Info,
}

impl NoteLevel {
    pub fn as_str(&self) -> &'static str {
        match self {
            NoteLevel::Error => "error",
            NoteLevel::Warning => "warning",
            NoteLevel::Info => "info",
        }
    }
}

/// One data-quality note shown above a project's funding figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub level: NoteLevel,
    pub text: String,
}

fn note(level: NoteLevel, text: String) -> Note {
    Note { level, text }
}

/// Every entry of the project, in source order (Sponsors, Open Collective, funding.json, grants).
pub fn entries(p: &ProjectFunding) -> Vec<Entry> {
    let mut out = Vec::new();
    let sponsors_stale = p.failure("funding").is_some() || p.failure("sponsorable").is_some();
    for account in &p.accounts {
        out.extend(sponsor_entries(&account.login, &account.snapshots, sponsors_stale));
    }
    if let Some(c) = &p.collective {
        out.extend(collective_entries(&c.snapshots, p.failure("open_collective").is_some()));
        out.extend(c.transactions.iter().filter_map(|t| {
            let currency = Currency::new(&t.currency).ok()?;
            let from = t.from_name.as_deref().or(t.from_slug.as_deref()).unwrap_or("an anonymous contributor");
            Some(Entry {
                source: Source::OpenCollective,
                kind: EntryKind::Income,
                amount: Some(Money::new(t.amount_cents, currency)),
                timing: Timing::At(t.created_at),
                frequency: Frequency::OneTime,
                description: format!("Contribution from {from}"),
                fetched_at: Some(t.fetched_at),
                stale: false,
            })
        }));
    }
    if let Some(m) = manifest(p) {
        out.extend(manifest_entries(&m, p.failure("manifest").is_some()));
    }
    out.extend(p.grants.iter().map(|g| g.to_entry()));
    out
}

/// The stored manifest, parsed (unknown fields kept); `None` when there is none or it is not JSON.
pub fn manifest(p: &ProjectFunding) -> Option<Manifest> {
    p.manifest.as_ref()?.parsed.as_deref().and_then(|text| serde_json::from_str(text).ok())
}

fn sponsor_entries(login: &str, snapshots: &[SponsorsSnapshotRow], stale: bool) -> Vec<Entry> {
    let mut out = Vec::new();
    let currency = |s: &SponsorsSnapshotRow| Currency::new(&s.currency).unwrap_or(Currency::USD);
    for (i, s) in snapshots.iter().enumerate() {
        let next = snapshots.get(i + 1).map(|n| n.fetched_at);
        let latest = next.is_none();
        let base = Entry {
            source: Source::GitHubSponsors,
            kind: EntryKind::Income,
            amount: None,
            timing: Timing::Period { from: s.fetched_at, to: next },
            frequency: Frequency::Monthly,
            description: String::new(),
            fetched_at: Some(s.last_seen_at),
            stale: latest && stale,
        };
        if s.amounts_visible && s.recurring_monthly_cents > 0 {
            out.push(Entry {
                amount: Some(Money::new(s.recurring_monthly_cents, currency(s))),
                description: format!("@{login}: recurring sponsorships ({} active)", s.active_sponsorships),
                ..base
            });
        } else if latest && !s.amounts_visible && (s.active_sponsorships > 0 || s.sponsor_count > 0) {
            out.push(Entry {
                description: format!(
                    "@{login}: {} sponsors; amounts are visible only with @{login}'s own token",
                    s.sponsor_count
                ),
                ..base
            });
        }
        if latest && let Some(goal) = goal_entry(login, s) {
            out.push(Entry { stale: base.stale, fetched_at: base.fetched_at, ..goal });
        }
    }
    out
}

fn goal_entry(login: &str, s: &SponsorsSnapshotRow) -> Option<Entry> {
    let (kind, target) = (s.goal_kind.as_deref()?, s.goal_target?);
    let percent = s.goal_percent.unwrap_or(0);
    let title = s.goal_title.as_deref().filter(|t| !t.trim().is_empty()).unwrap_or("Sponsors goal");
    let (amount, description) = match kind {
        GOAL_MONTHLY_AMOUNT => (
            Some(Money::new(target.saturating_mul(100), Currency::USD)),
            format!("@{login}: {title} ({percent}% reached)"),
        ),
        _ => (None, format!("@{login}: {title}: {target} sponsors ({percent}% reached)")),
    };
    Some(Entry {
        source: Source::GitHubSponsors,
        kind: EntryKind::Goal,
        amount,
        timing: Timing::Period { from: s.fetched_at, to: None },
        frequency: Frequency::Monthly,
        description,
        fetched_at: None,
        stale: false,
    })
}

fn collective_entries(snapshots: &[OpenCollectiveSnapshotRow], stale: bool) -> Vec<Entry> {
    let mut out = Vec::new();
    for (i, s) in snapshots.iter().enumerate() {
        let Ok(currency) = Currency::new(&s.yearly_budget_currency) else { continue };
        let next = snapshots.get(i + 1).map(|n| n.fetched_at);
        if s.yearly_budget_cents <= 0 {
            continue;
        }
        out.push(Entry {
            source: Source::OpenCollective,
            kind: EntryKind::Budget,
            amount: Some(Money::new(s.yearly_budget_cents, currency)),
            timing: Timing::Period { from: s.fetched_at, to: next },
            frequency: Frequency::Yearly,
            description: format!(
                "{}: yearly budget (Open Collective's projection)",
                s.name.as_deref().unwrap_or(&s.slug)
            ),
            fetched_at: Some(s.last_seen_at),
            stale: next.is_none() && stale,
        });
    }
    out
}

fn manifest_entries(m: &Manifest, stale: bool) -> Vec<Entry> {
    let mut out = Vec::new();
    let funding = m.funding.as_ref();
    for plan in funding.and_then(|f| f.plans.as_ref()).into_iter().flatten() {
        if plan.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("inactive")) {
            continue;
        }
        out.push(Entry {
            source: Source::FundingJson,
            kind: EntryKind::Plan,
            amount: plan.money(),
            timing: Timing::Period { from: 0, to: None },
            frequency: plan.frequency().unwrap_or(Frequency::Other),
            description: plan.name.clone().unwrap_or_else(|| "Unnamed plan".to_owned()),
            fetched_at: None,
            stale,
        });
    }
    for item in funding.and_then(|f| f.history.as_ref()).into_iter().flatten() {
        let Some(year) = item.year else { continue };
        let (Some(from), Some(to)) = (year_start(year), year_start(year + 1)) else { continue };
        let amount = item
            .currency
            .as_deref()
            .and_then(|c| Currency::new(c).ok())
            .and_then(|currency| Money::from_units(item.income.as_ref()?.as_f64()?, currency));
        out.push(Entry {
            source: Source::FundingJson,
            kind: EntryKind::Income,
            amount,
            timing: Timing::Period { from, to: Some(to) },
            frequency: Frequency::OneTime,
            description: format!("Income declared for {year}"),
            fetched_at: None,
            stale,
        });
    }
    out
}

fn year_start(year: i32) -> Option<i64> {
    chrono::NaiveDate::from_ymd_opt(year, 1, 1)
        .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc().timestamp())
}

/// What a reader must know before trusting the figures: manifest and FUNDING.yml problems,
/// sources whose latest fetch failed (their last good data is shown, marked stale), and amounts
/// the token cannot see.
pub fn notes(p: &ProjectFunding) -> Vec<Note> {
    let mut out = Vec::new();
    manifest_notes(p, &mut out);
    funding_yml_notes(p, &mut out);
    for (resource, what) in [
        ("funding", "GitHub Sponsors and funding links"),
        ("sponsorable", "the Sponsors data of linked accounts and maintainers"),
        ("manifest", "funding.json"),
        ("funding_yml", "FUNDING.yml"),
        ("open_collective", "Open Collective"),
    ] {
        if let Some(f) = p.failure(resource) {
            let error = f.error.as_deref().unwrap_or("unknown error");
            out.push(note(
                NoteLevel::Warning,
                format!(
                    "Stale: {what} could not be refreshed at {} ({error}); the last good data is shown.",
                    fmt_ts(f.started_at)
                ),
            ));
        }
    }
    for a in &p.accounts {
        if let Some(s) = a.snapshots.last().filter(|s| !s.amounts_visible && s.sponsor_count > 0) {
            out.push(note(
                NoteLevel::Info,
                format!(
                    "@{}'s sponsorship amounts and private sponsors are visible only with @{}'s own token; \
                     {} public sponsors are counted, their money is not.",
                    a.login, a.login, s.sponsor_count
                ),
            ));
        }
    }
    out
}

/// `" at funding.plans[1].currency"`, `" at line 3, column 5"`, or nothing.
fn place(path: &str, line: Option<i64>, col: Option<i64>) -> String {
    match (path.is_empty(), line, col) {
        (false, _, _) => format!(" at {path}"),
        (true, Some(line), Some(col)) => format!(" at line {line}, column {col}"),
        _ => String::new(),
    }
}

fn level_of(severity: &str) -> NoteLevel {
    if severity == "error" { NoteLevel::Error } else { NoteLevel::Warning }
}

fn manifest_notes(p: &ProjectFunding, out: &mut Vec<Note>) {
    if let Some(m) = &p.manifest {
        if m.parsed.is_none() {
            out.push(note(
                NoteLevel::Error,
                format!("funding.json at {} could not be read, so its plans and history are left out.", m.url),
            ));
        }
        for i in &p.manifest_issues {
            let at = place(&i.path, i.line, i.col);
            out.push(note(level_of(&i.severity), format!("funding.json{at}: {}", i.message)));
        }
    }
}

/// The FUNDING.yml's issues, each named by its key (or by line and column for the whole file),
/// and a warning when a file without errors names accounts while GitHub lists no link (unless the
/// links could not be fetched: the stale note says that).
fn funding_yml_notes(p: &ProjectFunding, out: &mut Vec<Note>) {
    let Some(file) = &p.funding_yml else { return };
    for i in &p.funding_yml_issues {
        let at = if i.key.is_empty() { place("", i.line, i.col) } else { format!(" `{}`", i.key) };
        out.push(note(level_of(&i.severity), format!("FUNDING.yml{at}: {}", i.message)));
    }
    let named = count_entries(&file.raw);
    if file.valid && named > 0 && p.links.is_empty() && p.failure("funding").is_none() {
        out.push(note(
            NoteLevel::Warning,
            format!(
                "FUNDING.yml names {named} funding account{}, but GitHub lists no funding links for this \
                 repository, so its sponsor button may not show them.",
                if named == 1 { "" } else { "s" }
            ),
        ));
    }
}
