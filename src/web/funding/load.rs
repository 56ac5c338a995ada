//! Loading one project's funding rows: funding links, the Sponsors series of every sponsorable
//! account behind it, the funding.json manifest and the FUNDING.yml file with their issues, the
//! Open Collective series and credits, the configured grants that cover it, and which funding
//! steps last failed (their data is shown as stale). Nothing here computes; see [`super::entries`].

use std::collections::BTreeSet;

use crate::config::Config;
use crate::db::{
    dashboard,
    funding::{
        self as store, FundingLinkRow, FundingYmlIssueRow, FundingYmlRow, ManifestIssueRow, ManifestRow,
        SponsorsSnapshotRow,
    },
    ledger::{self, StepOutcomeRow},
    repos::RepositoryRow,
};
use crate::funding::{Grant, Platform, github_sponsor_login, open_collective_slug};
use crate::metrics::{DAY, Window, load::ActivityWeek, week_start};

/// A sponsorable account's Sponsors series (oldest first).
#[derive(Debug, Clone)]
pub struct SponsorAccount {
    pub login: String,
    /// Whether the account is the repository's owner.
    pub is_owner: bool,
    pub snapshots: Vec<SponsorsSnapshotRow>,
    /// Public sponsorships, active and ended, oldest first (GitHub's newest 100).
    pub history: Vec<store::SponsorshipRow>,
}

/// An Open Collective account: its figures over time (oldest first) and its recorded credits.
#[derive(Debug, Clone)]
pub struct Collective {
    pub slug: String,
    pub snapshots: Vec<store::OpenCollectiveSnapshotRow>,
    pub transactions: Vec<store::OpenCollectiveTransactionRow>,
}

/// Everything the funding pages know about one repository.
#[derive(Debug, Clone)]
pub struct ProjectFunding {
    pub repo: RepositoryRow,
    pub links: Vec<FundingLinkRow>,
    pub accounts: Vec<SponsorAccount>,
    pub manifest: Option<ManifestRow>,
    pub manifest_issues: Vec<ManifestIssueRow>,
    /// The repository's own `.github/FUNDING.yml` as fetched (GitHub's `links` are what it made
    /// of it), and its issues.
    pub funding_yml: Option<FundingYmlRow>,
    pub funding_yml_issues: Vec<FundingYmlIssueRow>,
    pub collective: Option<Collective>,
    pub grants: Vec<Grant>,
    /// Each funding step's latest outcome that was not a skip.
    pub outcomes: Vec<StepOutcomeRow>,
}

impl ProjectFunding {
    /// The failed outcome of `resource`, if its latest attempt failed (its data is stale).
    pub fn failure(&self, resource: &str) -> Option<&StepOutcomeRow> {
        self.outcomes.iter().find(|o| o.resource == resource && o.status == "failed")
    }
}

/// The sponsorable logins a repository names in its `GITHUB` funding links, without duplicates,
/// each with whether it is the repository's owner. The owner's own listing counts only when a
/// link names it: an organisation's sponsors fund the organisation, and are shown for the
/// repositories that point to them (in each of them).
pub fn sponsor_logins(repo: &RepositoryRow, links: &[FundingLinkRow]) -> Vec<(String, bool)> {
    let mut logins: Vec<(String, bool)> = Vec::new();
    for l in links.iter().filter(|l| Platform::parse(&l.platform) == Platform::GitHub) {
        if let Some(login) = github_sponsor_login(&l.url)
            && !logins.iter().any(|(known, _)| known.eq_ignore_ascii_case(&login))
        {
            let is_owner = login.eq_ignore_ascii_case(&repo.owner);
            logins.push((login, is_owner));
        }
    }
    logins
}

/// The repository's Open Collective: `[funding] open_collective`, else its `OPEN_COLLECTIVE` link.
pub fn collective_slug(config: &Config, repo: &RepositoryRow, links: &[FundingLinkRow]) -> Option<String> {
    config
        .funding
        .open_collective_slug(&repo.full_name, &repo.full_name)
        .map(str::to_owned)
        .or_else(|| links.iter().find_map(|l| open_collective_slug(&l.url)))
}

/// Loads one repository's funding rows.
pub async fn project(pool: &sqlx::AnyPool, config: &Config, repo: RepositoryRow) -> sqlx::Result<ProjectFunding> {
    let links = store::list_funding_links(pool, repo.id).await?;
    let mut accounts = Vec::new();
    for (login, is_owner) in sponsor_logins(&repo, &links) {
        let snapshots = store::list_sponsors_snapshots(pool, &login).await?;
        let history = store::list_sponsorships(pool, &login).await?;
        accounts.push(SponsorAccount { login, is_owner, snapshots, history });
    }
    let manifest = store::get_manifest(pool, repo.id).await?;
    let manifest_issues =
        if manifest.is_some() { store::list_manifest_issues(pool, repo.id).await? } else { Vec::new() };
    let funding_yml = store::get_funding_yml(pool, repo.id).await?;
    let funding_yml_issues =
        if funding_yml.is_some() { store::list_funding_yml_issues(pool, repo.id).await? } else { Vec::new() };
    let collective = match collective_slug(config, &repo, &links) {
        Some(slug) => {
            let snapshots = store::list_open_collective_snapshots(pool, &slug).await?;
            let transactions = store::list_open_collective_transactions(pool, &slug).await?;
            (!snapshots.is_empty() || !transactions.is_empty()).then_some(Collective { slug, snapshots, transactions })
        }
        None => None,
    };
    let grants = config.funding.grants.iter().filter(|g| g.covers(&repo.full_name)).cloned().collect();
    let outcomes = ledger::latest_funding_outcomes(pool, &repo.full_name).await?;
    Ok(ProjectFunding {
        repo,
        links,
        accounts,
        manifest,
        manifest_issues,
        funding_yml,
        funding_yml_issues,
        collective,
        grants,
        outcomes,
    })
}

/// Maintenance activity of one repository over the window [`LOAD_DAYS`] days back from `now`
/// (humans only), its maintainer roster, and which of those maintainers a public Sponsors
/// listing shows with at least one sponsor (lower-cased logins).
pub struct Workload {
    pub window: Window,
    pub activity: Vec<ActivityWeek>,
    pub maintainers: Vec<String>,
    pub funded: BTreeSet<String>,
}

/// The window over which `/funding` measures who carries the load (the dashboards' default).
pub const LOAD_DAYS: i64 = 90;

pub async fn workload(pool: &sqlx::AnyPool, repo_id: i64, now: i64) -> sqlx::Result<Workload> {
    let scope = dashboard::scope_json(&[repo_id]);
    let window = Window::new(week_start(now - LOAD_DAYS * DAY), now + 1);
    let weeks = crate::db::slices::person_weeks(pool, &scope, window.from, window.to).await?;
    let activity = crate::web::inputs::activity(weeks.iter().filter(|w| !w.is_bot));
    let maintainers = dashboard::list_maintainers(pool, &scope).await?;
    let logins = serde_json::to_string(&maintainers).unwrap_or_else(|_| "[]".to_owned());
    let funded = ledger::latest_sponsors_snapshots(pool, &logins)
        .await?
        .into_iter()
        .filter(|s| s.has_listing && s.sponsor_count > 0)
        .map(|s| s.login.to_lowercase())
        .collect();
    Ok(Workload { window, activity, maintainers, funded })
}
