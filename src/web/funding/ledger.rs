//! `/funding/{owner}/{name}` and `/api/v1/funding/{owner}/{name}`: one project's ledger. Every
//! income, plan, budget, goal and grant by source over time, goal progress, Sponsors tiers, Open
//! Collective figures, money received per month (one chart per currency: currencies are never
//! summed), and the data-quality notes.

use std::collections::BTreeMap;

use actix_web::{
    HttpResponse,
    web::{Data, Path},
};
use askama::Template;
use chrono::{TimeZone, Utc};
use serde::Serialize;

use super::{
    entries::{self, Note},
    load::{self, ProjectFunding},
    summary::{self, Summary, month_bounds},
    widgets::{self, Goal},
};
use crate::web::offload::off_workers;
use crate::web::state::AppState;
use crate::{
    funding::{Currency, Entry, Money, Source, Timing, received_in},
    metrics::Explain,
    web::{
        charts::{self, BarChart, BarLayout, LineChart, Series},
        error::WebError,
        error::json_error,
        format,
    },
};

/// How many calendar months the received-money chart covers.
pub const RECEIVED_MONTHS: u32 = 24;

/// A Sponsors tier as stored with the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Tier {
    pub name: String,
    pub monthly_cents: i64,
    pub one_time: bool,
}

/// One listing's tiers.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    pub login: String,
    pub name: Option<String>,
    pub tiers: Vec<Tier>,
    /// `sponsorshipsAsMaintainer` totals: active public sponsorships, and their recurring monthly
    /// total when the token may see it (the sponsored account's own token).
    pub active_sponsorships: i64,
    pub recurring_monthly: Option<Money>,
    /// The sponsors the token can see (public ones), as GitHub lists them (at most 100).
    pub sponsors: Vec<String>,
    pub fetched_at: i64,
}

impl Listing {
    /// How many sponsors the page names before "and N more".
    pub const SHOWN: usize = 30;

    pub fn shown_sponsors(&self) -> &[String] {
        &self.sponsors[..self.sponsors.len().min(Self::SHOWN)]
    }

    pub fn more_sponsors(&self) -> usize {
        self.sponsors.len().saturating_sub(Self::SHOWN)
    }
}

/// Open Collective's latest figures, each with its own currency.
#[derive(Debug, Clone, Serialize)]
pub struct CollectiveFigures {
    pub slug: String,
    pub name: Option<String>,
    pub balance: Option<Money>,
    pub yearly_budget: Option<Money>,
    pub total_received: Option<Money>,
    pub contributions_recorded: usize,
    pub fetched_at: i64,
    pub last_seen_at: i64,
    pub stale: bool,
}

/// Money received in one calendar month from one source, in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthReceived {
    pub month: String,
    pub source: Source,
    pub amount: Money,
}

/// Everything the ledger page and its JSON show.
#[derive(Debug, Clone, Serialize)]
pub struct Ledger {
    pub generated_at: i64,
    pub summary: Summary,
    pub goals: Vec<Goal>,
    pub listings: Vec<Listing>,
    pub collective: Option<CollectiveFigures>,
    pub entries: Vec<Entry>,
    pub received_by_month: Vec<MonthReceived>,
    pub notes: Vec<Note>,
    /// The grants covering the repository that have a page (an `id`).
    pub grant_pages: Vec<GrantLink>,
}

/// A link to a grant's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantLink {
    pub id: String,
    pub funder: String,
    /// `/funding/{owner}/{name}/grants/{id}`.
    pub path: String,
}

/// The grant pages of a project, in the configuration's order.
pub fn grant_links(p: &ProjectFunding) -> Vec<GrantLink> {
    let with_id = p.grants.iter().filter_map(|g| g.plan.id.as_ref().map(|id| (g, id)));
    with_id
        .map(|(g, id)| GrantLink {
            id: id.clone(),
            funder: g.funder.clone(),
            path: format!("/funding/{}/grants/{id}", p.repo.full_name),
        })
        .collect()
}

/// Money received per calendar month and source, over the last [`RECEIVED_MONTHS`] months.
pub fn received_by_month(entries: &[Entry], now: i64) -> Vec<MonthReceived> {
    let bounds = month_bounds(now, RECEIVED_MONTHS);
    let mut out = Vec::new();
    for w in bounds.windows(2) {
        let month = Utc.timestamp_opt(w[0], 0).single().map(|d| d.format("%Y-%m").to_string()).unwrap_or_default();
        for (source, totals) in received_in(entries, w[0], w[1].min(now + 1)) {
            out.extend(totals.iter().map(|amount| MonthReceived { month: month.clone(), source, amount }));
        }
    }
    out
}

fn listings(p: &ProjectFunding) -> Vec<Listing> {
    p.accounts
        .iter()
        .filter_map(|a| a.snapshots.last().filter(|s| s.has_listing).map(|s| (a, s)))
        .map(|(a, s)| Listing {
            login: a.login.clone(),
            name: s.listing_name.clone(),
            tiers: serde_json::from_str(&s.tiers).unwrap_or_default(),
            active_sponsorships: s.active_sponsorships,
            sponsors: serde_json::from_str(&s.sponsor_logins).unwrap_or_default(),
            recurring_monthly: s
                .amounts_visible
                .then(|| Money::new(s.recurring_monthly_cents, Currency::new(&s.currency).unwrap_or(Currency::USD))),
            fetched_at: s.last_seen_at,
        })
        .collect()
}

fn collective(p: &ProjectFunding) -> Option<CollectiveFigures> {
    let c = p.collective.as_ref()?;
    let s = c.snapshots.last()?;
    let money = |cents: i64, currency: &str| Currency::new(currency).ok().map(|c| Money::new(cents, c));
    Some(CollectiveFigures {
        slug: c.slug.clone(),
        name: s.name.clone(),
        balance: money(s.balance_cents, &s.balance_currency),
        yearly_budget: money(s.yearly_budget_cents, &s.yearly_budget_currency),
        total_received: money(s.total_received_cents, &s.total_received_currency),
        contributions_recorded: c.transactions.len(),
        fetched_at: s.fetched_at,
        last_seen_at: s.last_seen_at,
        stale: p.failure("open_collective").is_some(),
    })
}

/// Builds the ledger of a loaded project.
pub fn build(p: &ProjectFunding, work: &load::Workload, now: i64) -> (Ledger, Explain) {
    let mut entries = entries::entries(p);
    let (s, explain) = summary::summarize_with_load(p, &entries, work, now);
    let goals = widgets::goals(p, &entries, now);
    let received_by_month = received_by_month(&entries, now);
    // Newest first: a payment at its date, a span at its start.
    entries.sort_by_key(|e| std::cmp::Reverse(start(e)));
    let notes = s.notes.clone();
    let ledger = Ledger {
        generated_at: now,
        goals,
        listings: listings(p),
        collective: collective(p),
        entries,
        received_by_month,
        notes,
        summary: s,
        grant_pages: grant_links(p),
    };
    (ledger, explain)
}

fn start(e: &Entry) -> i64 {
    match e.timing {
        Timing::At(t) => t,
        Timing::Period { from, .. } => from,
    }
}

/// A ledger row as the page shows it.
pub struct EntryView {
    pub when: String,
    pub source: String,
    pub kind: String,
    pub description: String,
    pub amount: String,
    pub cadence: String,
    pub fetched: String,
    pub stale: bool,
}

use crate::web::format::day;

fn entry_view(e: &Entry) -> EntryView {
    let when = match e.timing {
        Timing::At(t) => day(t),
        Timing::Period { from: 0, to: None } => "ongoing".to_owned(),
        Timing::Period { from, to: None } => format!("since {}", day(from)),
        Timing::Period { from, to: Some(to) } => format!("{} – {}", day(from), day(to - 1)),
    };
    let cadence = serde_json::to_value(e.frequency).ok().and_then(|v| v.as_str().map(str::to_owned));
    EntryView {
        when,
        source: e.source.to_string(),
        kind: e.kind.to_string(),
        description: e.description.clone(),
        amount: e.amount.map_or_else(|| "not visible".to_owned(), |m| m.to_string()),
        cadence: cadence.unwrap_or_default(),
        fetched: e.fetched_at.map(|t| format::datetime(Some(t))).unwrap_or_default(),
        stale: e.stale,
    }
}

#[derive(Template)]
#[template(path = "funding/ledger.html")]
pub struct LedgerPage {
    pub repo: String,
    pub github_url: Option<String>,
    pub ledger: Ledger,
    pub carriers_explain: Explain,
    pub rows: Vec<EntryView>,
    pub sponsor_charts: Vec<String>,
    pub received_charts: Vec<String>,
}

impl LedgerPage {
    pub fn money(&self, m: &[Money]) -> String {
        summary::money_text(m)
    }

    pub fn opt_money(&self, m: &Option<Money>) -> String {
        m.map_or_else(|| "unknown".to_owned(), |m| m.to_string())
    }

    pub fn when(&self, ts: &i64) -> String {
        format::datetime(Some(*ts))
    }

    pub fn tier_price(&self, t: &Tier) -> String {
        let m = Money::new(t.monthly_cents, Currency::USD);
        if t.one_time { format!("{m} once") } else { format!("{m} a month") }
    }
}

/// New public sponsorships per month (still active / ended), and the public sponsor count as
/// fetched once there are two snapshots to draw a line between.
fn sponsor_charts(s: &Summary) -> Vec<String> {
    let mut out = Vec::new();
    if !s.new_sponsorships.is_empty() {
        let series = |name: &str, f: fn(&summary::MonthSponsorships) -> u32| {
            Series::new(name, s.new_sponsorships.iter().map(|m| (m.start as f64, Some(f(m) as f64))).collect())
        };
        let mut chart = BarChart::new(
            format!("New public sponsorships per month of {}", s.repo),
            vec![series("still active", |m| m.active), series("since ended", |m| m.ended)],
        );
        chart.layout = BarLayout::Stacked;
        chart.y_title = "sponsorships".to_owned();
        out.push(charts::bar_chart(&chart));
    }
    if s.sponsor_trend.len() >= 2 {
        let points = s.sponsor_trend.iter().map(|p| (p.at as f64, Some(p.sponsors as f64))).collect();
        let mut chart = LineChart::new(
            format!("Public sponsors of {}, as fetched", s.repo),
            vec![Series::new("public sponsors", points)],
        );
        chart.y_title = "sponsors".to_owned();
        out.push(charts::line_chart(&chart));
    }
    out
}

/// One stacked bar chart per currency: money received per month by source.
fn received_charts(rows: &[MonthReceived], now: i64) -> Vec<String> {
    let bounds = month_bounds(now, RECEIVED_MONTHS);
    let months: Vec<(String, i64)> = bounds
        .iter()
        .take(bounds.len().saturating_sub(1))
        .map(|&t| (Utc.timestamp_opt(t, 0).single().map(|d| d.format("%Y-%m").to_string()).unwrap_or_default(), t))
        .collect();
    let mut by_currency: BTreeMap<Currency, BTreeMap<Source, BTreeMap<&str, i64>>> = BTreeMap::new();
    for r in rows {
        *by_currency.entry(r.amount.currency).or_default().entry(r.source).or_default().entry(&r.month).or_default() +=
            r.amount.cents;
    }
    by_currency
        .into_iter()
        .map(|(currency, sources)| {
            let series = sources
                .into_iter()
                .map(|(source, per_month)| {
                    let points = months
                        .iter()
                        .map(|(m, t)| (*t as f64, Some(per_month.get(m.as_str()).copied().unwrap_or(0) as f64 / 100.0)))
                        .collect();
                    Series::new(source.to_string(), points)
                })
                .collect();
            let mut chart = BarChart::new(format!("Money received per month in {currency}, by source"), series);
            chart.layout = BarLayout::Stacked;
            chart.y_title = currency.to_string();
            charts::bar_chart(&chart)
        })
        .collect()
}

async fn ledger_for(state: &AppState, owner: &str, name: &str) -> Result<(Ledger, Explain, String), WebError> {
    let full = format!("{owner}/{name}");
    off_workers(state, move |state| async move { compute_ledger(&state, full).await }).await
}

async fn compute_ledger(state: &AppState, full: String) -> Result<(Ledger, Explain, String), WebError> {
    let repo = crate::web::tracked::find_named(&state.db.pool, &full).await?;
    let now = chrono::Utc::now().timestamp();
    let html_url = repo.html_url.clone();
    let work = load::workload(&state.db.pool, repo.id, now).await?;
    let project = load::project(&state.db.pool, &state.config, repo).await?;
    let (ledger, explain) = build(&project, &work, now);
    Ok((ledger, explain, html_url))
}

pub async fn page(state: Data<AppState>, path: Path<(String, String)>) -> Result<HttpResponse, WebError> {
    let (owner, name) = path.into_inner();
    let (ledger, carriers_explain, html_url) = ledger_for(&state, &owner, &name).await?;
    let page = LedgerPage {
        repo: ledger.summary.repo.clone(),
        github_url: format::safe_link(&html_url),
        rows: ledger.entries.iter().map(entry_view).collect(),
        sponsor_charts: sponsor_charts(&ledger.summary),
        received_charts: received_charts(&ledger.received_by_month, ledger.generated_at),
        carriers_explain,
        ledger,
    };
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page.render()?))
}

pub async fn api(state: Data<AppState>, path: Path<(String, String)>) -> HttpResponse {
    let (owner, name) = path.into_inner();
    match ledger_for(&state, &owner, &name).await {
        Ok((ledger, _, _)) => HttpResponse::Ok().json(&ledger),
        Err(e) => json_error(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funding::{EntryKind, Frequency};

    const NOV_2026: i64 = 1_793_491_200; // 2026-11-01

    #[test]
    fn months_run_from_the_oldest_start_to_the_current_month_end() {
        let bounds = month_bounds(NOV_2026 + 5 * 86_400, 3);
        assert_eq!(bounds, [1_788_220_800, 1_790_812_800, NOV_2026, 1_796_083_200]);
    }

    #[test]
    fn received_money_is_split_by_month_source_and_currency() {
        let at = |t: i64, cents: i64, currency: Currency| Entry {
            source: Source::OpenCollective,
            kind: EntryKind::Income,
            amount: Some(Money::new(cents, currency)),
            timing: Timing::At(t),
            frequency: Frequency::OneTime,
            description: String::new(),
            fetched_at: None,
            stale: false,
        };
        let entries = [at(NOV_2026 + 10, 500, Currency::USD), at(NOV_2026 - 10, 700, Currency::EUR)];
        let rows = received_by_month(&entries, NOV_2026 + 86_400);
        let got: Vec<(&str, String)> = rows.iter().map(|r| (r.month.as_str(), r.amount.to_string())).collect();
        assert_eq!(got, [("2026-10", "7.00 EUR".to_owned()), ("2026-11", "5.00 USD".to_owned())]);
        assert_eq!(received_charts(&rows, NOV_2026 + 86_400).len(), 2);
    }
}
