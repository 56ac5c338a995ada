//! One project's funding at a glance, as `/funding` lists it and the ledger page heads it: its
//! sources, estimated monthly funding, sponsor-count trend, funding per active maintainer and
//! the maintainers who carry load without visible funding. Pure: rows in, a [`Summary`] out.

use chrono::{Datelike, TimeZone, Utc};
use serde::Serialize;

use super::entries::{self, Note};
use super::load::{ProjectFunding, SponsorAccount, Workload};
use crate::db::funding::SponsorsSnapshotRow;
use crate::funding::carriers::{explain_carriers, load_carriers};
use crate::funding::{
    Entry, Money, Platform, Source, carriers::Carrier, explain_monthly_estimate, funding_per_active_maintainer,
    monthly_ask, monthly_estimate,
};
use crate::metrics::{Explain, load::maintainer_load};

/// A funding source a project has, for the sources column and the ledger's heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    /// `github_sponsors`, `open_collective`, `funding_json`, `grant`, or a FUNDING.yml platform
    /// code in lower case (`patreon`, `custom`, … unknown platforms as GitHub names them).
    pub kind: String,
    /// What the page shows (`GitHub Sponsors @login`, `Open Collective upkeep-atlas`, `Patreon`).
    pub name: String,
    /// A link to the source, when it is an http(s) URL.
    pub url: Option<String>,
}

/// One point of a sponsor-count series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SponsorPoint {
    pub at: i64,
    pub sponsors: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub repo: String,
    pub sources: Vec<SourceInfo>,
    /// Per currency; empty when no source shows an amount.
    pub monthly_estimate: Vec<Money>,
    #[serde(skip)]
    pub monthly_explain: Explain,
    /// What funding.json plans ask for per month, per currency.
    pub monthly_ask: Vec<Money>,
    /// Public sponsors now, over the project's Sponsors listings; `None` without a listing.
    pub sponsors: Option<i64>,
    /// Public sponsors over time (every snapshot of any listing of the project), oldest first.
    pub sponsor_trend: Vec<SponsorPoint>,
    /// New public sponsorships per month, still active or since ended.
    pub new_sponsorships: Vec<MonthSponsorships>,
    pub active_maintainers: usize,
    /// The monthly estimate ÷ active maintainers, per currency; `None` without active maintainers.
    pub funding_per_active_maintainer: Option<Vec<Money>>,
    pub load_carriers: Vec<Carrier>,
    /// Some sponsorship amounts are hidden from the token Upkeep uses.
    pub amounts_hidden: bool,
    /// Some source's latest fetch failed; its last good data is used.
    pub stale: bool,
    /// When the newest Sponsors or Open Collective figure was last confirmed (unix seconds).
    pub as_of: Option<i64>,
    pub notes: Vec<Note>,
}

impl Summary {
    /// Whether any source shows money or sponsors (the "funded" side of the demo's contrast).
    pub fn is_funded(&self) -> bool {
        !self.monthly_estimate.is_empty() || self.sponsors.is_some_and(|n| n > 0)
    }

    pub fn unfunded_carriers(&self) -> Vec<&Carrier> {
        self.load_carriers.iter().filter(|c| !c.funded).collect()
    }
}

/// The project's sources, in a stable order: Sponsors listings, funding links, funding.json, the
/// collective, grants.
pub fn sources(p: &ProjectFunding) -> Vec<SourceInfo> {
    let mut out = Vec::new();
    for a in p.accounts.iter().filter(|a| a.snapshots.last().is_some_and(|s| s.has_listing)) {
        out.push(SourceInfo {
            kind: "github_sponsors".to_owned(),
            name: format!("GitHub Sponsors @{}", a.login),
            url: Some(format!("https://github.com/sponsors/{}", a.login)),
        });
    }
    for l in &p.links {
        let platform = Platform::parse(&l.platform);
        // GitHub and Open Collective links are shown through their own data above and below.
        if platform == Platform::GitHub {
            continue;
        }
        out.push(SourceInfo {
            kind: platform.code().to_ascii_lowercase(),
            name: platform.display_name().to_owned(),
            url: crate::web::format::safe_link(&l.url),
        });
    }
    if let Some(m) = &p.manifest {
        out.push(SourceInfo {
            kind: "funding_json".to_owned(),
            name: if m.valid { "funding.json" } else { "funding.json (with errors)" }.to_owned(),
            url: crate::web::format::safe_link(&m.url),
        });
    }
    if let Some(c) = &p.collective
        && !p.links.iter().any(|l| crate::funding::open_collective_slug(&l.url).as_deref() == Some(&c.slug))
    {
        out.push(SourceInfo {
            kind: "open_collective".to_owned(),
            name: format!("Open Collective {}", c.slug),
            url: Some(format!("https://opencollective.com/{}", c.slug)),
        });
    }
    for g in &p.grants {
        out.push(SourceInfo { kind: "grant".to_owned(), name: format!("Grant: {}", g.funder), url: None });
    }
    out
}

/// How many months of new sponsorships the trend shows.
pub const TREND_MONTHS: u32 = 12;

/// New public sponsorships in one calendar month: those still active and those since ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthSponsorships {
    pub month: String,
    pub start: i64,
    pub active: u32,
    pub ended: u32,
}

/// The start of each of the last `months` calendar months up to `now`'s, then `now`'s month end.
pub(crate) fn month_bounds(now: i64, months: u32) -> Vec<i64> {
    let Some(t) = Utc.timestamp_opt(now, 0).single() else { return Vec::new() };
    let first_of = |y: i32, m: u32| Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0).single().map(|d| d.timestamp());
    let (mut y, mut m) = (t.year(), t.month());
    let mut starts = Vec::new();
    for _ in 0..months {
        starts.push(first_of(y, m));
        (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    }
    starts.reverse();
    let (ny, nm) = if t.month() == 12 { (t.year() + 1, 1) } else { (t.year(), t.month() + 1) };
    starts.push(first_of(ny, nm));
    starts.into_iter().flatten().collect()
}

/// New public sponsorships per calendar month over the last [`TREND_MONTHS`] months, over every
/// listing of the project. GitHub gives the newest 100 per listing: when a listing's history is
/// that long, the month of its oldest row and those before may be incomplete and are left out.
pub fn new_sponsorships(accounts: &[SponsorAccount], now: i64) -> Vec<MonthSponsorships> {
    let bounds = month_bounds(now, TREND_MONTHS);
    let complete_from = accounts
        .iter()
        .filter(|a| a.history.len() >= HISTORY_PAGE)
        .filter_map(|a| a.history.iter().map(|h| h.created_at).min())
        .max()
        .unwrap_or(i64::MIN);
    bounds
        .windows(2)
        .filter(|w| w[0] > complete_from || complete_from == i64::MIN)
        .map(|w| {
            let in_month =
                accounts.iter().flat_map(|a| &a.history).filter(|h| h.created_at >= w[0] && h.created_at < w[1]);
            let (active, ended) = in_month.fold((0, 0), |(a, e), h| if h.is_active { (a + 1, e) } else { (a, e + 1) });
            let month = Utc.timestamp_opt(w[0], 0).single().map(|d| d.format("%Y-%m").to_string()).unwrap_or_default();
            MonthSponsorships { month, start: w[0], active, ended }
        })
        .collect()
}

/// GitHub's page of sponsorship history.
const HISTORY_PAGE: usize = 100;

/// Public sponsors over time: at each snapshot of any listing, the sum of every listing's latest
/// count as of then.
pub fn sponsor_trend(accounts: &[SponsorAccount]) -> Vec<SponsorPoint> {
    let listed: Vec<&[SponsorsSnapshotRow]> =
        accounts.iter().filter(|a| a.snapshots.iter().any(|s| s.has_listing)).map(|a| a.snapshots.as_slice()).collect();
    let mut times: Vec<i64> = listed.iter().flat_map(|s| s.iter().map(|r| r.fetched_at)).collect();
    times.sort_unstable();
    times.dedup();
    times
        .into_iter()
        .map(|at| {
            let count = |series: &&[SponsorsSnapshotRow]| {
                series.iter().take_while(|s| s.fetched_at <= at).last().map_or(0, |s| s.sponsor_count)
            };
            SponsorPoint { at, sponsors: listed.iter().map(count).sum() }
        })
        .collect()
}

/// Public sponsors now, over the accounts' Sponsors listings; `None` when none has a listing.
pub fn public_sponsors(accounts: &[SponsorAccount]) -> Option<i64> {
    let listed: Vec<&SponsorsSnapshotRow> =
        accounts.iter().filter_map(|a| a.snapshots.last()).filter(|s| s.has_listing).collect();
    (!listed.is_empty()).then(|| listed.iter().map(|s| s.sponsor_count).sum())
}

/// Everything but the load carriers, which [`summarize_with_load`] joins in from activity rows.
fn summarize(p: &ProjectFunding, entries: &[Entry], active_maintainers: usize, now: i64) -> Summary {
    let monthly = monthly_estimate(entries, now);
    let sponsors = public_sponsors(&p.accounts);
    Summary {
        repo: p.repo.full_name.clone(),
        sources: sources(p),
        monthly_explain: explain_monthly_estimate(entries, now),
        monthly_ask: monthly_ask(entries, now).iter().collect(),
        sponsors,
        sponsor_trend: sponsor_trend(&p.accounts),
        new_sponsorships: if sponsors.is_none() { Vec::new() } else { new_sponsorships(&p.accounts, now) },
        active_maintainers,
        funding_per_active_maintainer: funding_per_active_maintainer(&monthly, active_maintainers)
            .map(|t| t.iter().collect()),
        monthly_estimate: monthly.iter().collect(),
        load_carriers: Vec::new(),
        amounts_hidden: entries.iter().any(|e| e.source == Source::GitHubSponsors && e.amount.is_none()),
        stale: entries.iter().any(|e| e.stale) || p.outcomes.iter().any(|o| o.status == "failed"),
        notes: entries::notes(p),
        as_of: as_of(p),
    }
}

fn as_of(p: &ProjectFunding) -> Option<i64> {
    let sponsors = p.accounts.iter().filter_map(|a| a.snapshots.last()).map(|s| s.last_seen_at);
    let collective = p.collective.iter().filter_map(|c| c.snapshots.last()).map(|s| s.last_seen_at);
    sponsors.chain(collective).max()
}

/// Every tracked repository's summary and its carriers' disclosure, as of `at` (the funding
/// overview's, computed once per data version).
pub struct Summaries {
    pub at: i64,
    pub rows: Vec<(Summary, Explain)>,
}

/// The summary joined with who carries the load (from the repository's workload rows): active
/// maintainers, funding per active maintainer and the load carriers, with the carriers' disclosure.
pub fn summarize_with_load(p: &ProjectFunding, entries: &[Entry], work: &Workload, now: i64) -> (Summary, Explain) {
    let carriers = load_carriers(&work.activity, &work.maintainers, work.window, |login| {
        work.funded.contains(&login.to_lowercase())
    });
    let active = maintainer_load(&work.activity, &work.maintainers, work.window).active_maintainer_count;
    let explain = explain_carriers(&carriers, work.window);
    let mut s = summarize(p, entries, active, now);
    s.load_carriers = carriers;
    (s, explain)
}

/// `1,234.00 USD and 80.00 EUR`, or `unknown` for no amount.
pub fn money_text(m: &[Money]) -> String {
    match m {
        [] => "unknown".to_owned(),
        m => m.iter().copied().collect::<crate::funding::Totals>().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::funding::SponsorshipRow;

    const NOV_2026: i64 = 1_793_491_200; // 2026-11-01
    const OCT_2026: i64 = 1_790_812_800;

    fn row(created_at: i64, is_active: bool) -> SponsorshipRow {
        SponsorshipRow {
            login: "ada".to_owned(),
            created_at,
            seq: 0,
            is_active,
            one_time: false,
            monthly_cents: None,
            fetched_at: NOV_2026,
        }
    }

    fn account(history: Vec<SponsorshipRow>) -> SponsorAccount {
        SponsorAccount { login: "ada".to_owned(), is_owner: true, snapshots: Vec::new(), history }
    }

    #[test]
    fn new_sponsorships_are_counted_per_month_active_and_ended() {
        let history = vec![row(OCT_2026 + 5, true), row(OCT_2026 + 9, false), row(NOV_2026 + 1, true)];
        let months = new_sponsorships(&[account(history)], NOV_2026 + 86_400);
        assert_eq!(months.len(), 12);
        let last: Vec<(&str, u32, u32)> = months[10..].iter().map(|m| (m.month.as_str(), m.active, m.ended)).collect();
        assert_eq!(last, [("2026-10", 1, 1), ("2026-11", 1, 0)]);
    }

    #[test]
    fn a_full_page_of_history_leaves_out_the_months_it_may_miss() {
        let history: Vec<SponsorshipRow> = (0..100).map(|i| row(OCT_2026 + 10 + i, true)).collect();
        let months = new_sponsorships(&[account(history)], NOV_2026 + 86_400);
        // The oldest row is in October: October itself may be incomplete, so only November shows.
        assert_eq!(months.iter().map(|m| m.month.as_str()).collect::<Vec<_>>(), ["2026-11"]);
    }
}
