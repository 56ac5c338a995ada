//! Funding data per repository, the last steps, after the rollups: GitHub Sponsors (`funding`,
//! `sponsorable`), the funding.json manifest (`manifest`), the FUNDING.yml file (`funding_yml`,
//! in [`super::funding_yml`]) and Open Collective (`open_collective`, in
//! [`super::open_collective`]).
//!
//! Quota: GraphQL and Open Collective requests cannot be conditional, so those steps (and the
//! re-check of a funding.json or FUNDING.yml that was missing) run at most once per
//! `[funding] refresh_hours` per repository, tracked by each resource's `last_success_at` in
//! `sync_state`; a file that exists is asked for with its ETag on every run (a `304` is free;
//! [`ask_repo_file`]). An unchanged re-sync within the window is therefore all `304`s.
//!
//! Failure policy: funding is auxiliary, so a GitHub or Open Collective failure in these steps is
//! recorded as the step's `failed` status and error in the run record, the last good data is kept,
//! its refresh time is not moved (the next run tries again) and the repository is not failed.
//! Only a `401` (every repository would fail) and database errors propagate.
//!
//! Hosts other than GitHub (Open Collective at `[funding] open_collective_url`, and a funding.json
//! URL configured in `[funding] manifests`) are asked through a second
//! [`GitHubClient`](crate::github::GitHubClient) (`foreign.rs`, for its retries and timeouts)
//! pointed at that host, never with the GitHub token; their requests are therefore not in the
//! run's GitHub request counts. A configured manifest URL replaces the
//! repository's root `funding.json`; it is asked with its ETag once stored, else at most once per
//! refresh interval, and its `404` is a failure (the last good copy stays), not a removal.
//!
//! Sponsorable accounts are the repository owner (`funding`, with the links) and, in
//! `sponsorable`, the repository's maintainers (the [`MAINTAINER_CAP`] with most contributions;
//! `repo_people`, so the rollups must have been built) and every login of a `GITHUB` funding
//! link. A login whose Sponsors snapshot was confirmed within the refresh interval, or that
//! another repository of the same run asked for (repositories sync side by side), is not asked
//! again, so a maintainer of several repositories costs one request per interval; a login GitHub
//! does not resolve as a user (gone, or an organisation) is skipped. Each fetch stores a snapshot
//! and replaces the login's sponsorship history (the newest 100 public sponsorships, ended ones
//! included), in one transaction.

use sqlx::AnyConnection;
use url::Url;

use super::collector::{Collector, StepStatus, SyncError, now};
use super::context::{RepoHandle, Target};
use super::foreign::foreign_client;
use super::open_collective::{collective_slug, open_collective};
use super::repo_file::{RepoFile, ask_repo_file, fresh, within_refresh};
use super::{funding_yml, progress::RepoProgress};
use crate::db::{self, funding as store, sync_state};
use crate::funding::{self, Currency, Platform, Severity};
use crate::github::{Fetched, GhError, graphql};

/// The funding steps, each recorded in the run; see the module doc for the failure policy.
pub async fn sync_funding(
    c: &Collector,
    run_id: i64,
    target: &Target,
    repo: &RepoHandle,
    progress: &RepoProgress<'_>,
) -> Result<u64, SyncError> {
    let scope = target.name.as_str();
    progress.step("funding");
    let mut items =
        super::collector::tolerate(scope, c.step(run_id, scope, "funding", sponsors(c, scope, repo)).await)?;
    items +=
        super::collector::tolerate(scope, c.step(run_id, scope, "sponsorable", sponsorables(c, scope, repo)).await)?;
    progress.step("funding.json");
    items += super::collector::tolerate(scope, c.step(run_id, scope, "manifest", manifest(c, scope, repo)).await)?;
    progress.step("FUNDING.yml");
    let step = funding_yml::funding_yml(c, scope, repo);
    items += super::collector::tolerate(scope, c.step(run_id, scope, funding_yml::RESOURCE, step).await)?;
    progress.step("open collective");
    let slug = collective_slug(c, scope, repo).await?;
    items += super::collector::tolerate(
        scope,
        c.step(run_id, scope, "open_collective", open_collective(c, scope, slug)).await,
    )?;
    Ok(items)
}

/// How many maintainers of a repository have their Sponsors data fetched.
pub const MAINTAINER_CAP: i64 = 10;

/// `UpkeepFunding`: the funding links, and a Sponsors snapshot and history of the owner.
async fn sponsors(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    if fresh(c, scope, "funding").await? {
        return Ok((StepStatus::Skipped, 0));
    }
    let (owner, name) = repo.api_name.split_once('/').unwrap_or((&repo.api_name, ""));
    let data: graphql::FundingData =
        c.client.graphql(graphql::FUNDING_QUERY, serde_json::json!({ "owner": owner, "name": name })).await?;
    let t = now();
    let mut tx = c.db.begin_write().await?;
    let mut written = 0;
    if let Some(repository) = &data.repository {
        let links: Vec<store::FundingLinkRow> = (repository.funding_links.iter().enumerate())
            .map(|(i, l)| store::FundingLinkRow {
                repo_id: repo.repo_id,
                seq: i as i64,
                platform: l.platform.code().to_owned(),
                url: l.url.clone(),
            })
            .collect();
        store::replace_funding_links(&mut tx, repo.repo_id, &links).await?;
        written += links.len() as u64 + record_sponsorable(&mut tx, &repository.owner, t).await?;
    }
    sync_state::save_sync_state(&mut *tx, scope, "funding", None, None, t).await?;
    tx.commit().await?;
    Ok((StepStatus::Ok, written))
}

/// `UpkeepSponsorable` for the maintainers and `GITHUB` funding-link logins other than the owner,
/// skipping those confirmed within the refresh interval (see the module doc).
async fn sponsorables(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    if fresh(c, scope, "sponsorable").await? {
        return Ok((StepStatus::Skipped, 0));
    }
    let (mut asked, mut written) = (0, 0);
    for login in &sponsorable_logins(c, repo).await? {
        if within_refresh(c, store::get_sponsors_last_seen(&c.db.pool, login).await?) {
            continue;
        }
        if !c.first_to_ask_sponsors(login) {
            // Another repository of this run asked (or is asking) for it.
            continue;
        }
        asked += 1;
        let data: graphql::SponsorableData =
            c.client.graphql(graphql::SPONSORABLE_QUERY, serde_json::json!({ "login": login })).await?;
        // NOT_FOUND: no such user, or an organisation (`user(login:)` does not resolve those).
        let Some(user) = data.user else { continue };
        let mut tx = c.db.begin_write().await?;
        written += record_sponsorable(&mut tx, &user, now()).await?;
        tx.commit().await?;
    }
    sync_state::save_sync_state(&c.db.pool, scope, "sponsorable", None, None, now()).await?;
    let status = if asked == 0 { StepStatus::Skipped } else { StepStatus::Ok };
    Ok((status, written))
}

/// The repository's maintainers, most contributions first, then its `GITHUB` funding links'
/// logins; without the owner (the `funding` step's) and without repeats, ignoring case.
async fn sponsorable_logins(c: &Collector, repo: &RepoHandle) -> sqlx::Result<Vec<String>> {
    let owner = repo.api_name.split('/').next().unwrap_or_default();
    let maintainers = store::list_sponsorable_maintainers(&c.db.pool, repo.repo_id, MAINTAINER_CAP).await?;
    let linked = (db::funding::list_funding_links(&c.db.pool, repo.repo_id).await?.into_iter())
        .filter(|l| Platform::parse(&l.platform) == Platform::GitHub)
        .filter_map(|l| funding::github_sponsor_login(&l.url));
    let mut logins: Vec<String> = Vec::new();
    for login in maintainers.into_iter().chain(linked) {
        if !login.eq_ignore_ascii_case(owner) && !logins.iter().any(|l| l.eq_ignore_ascii_case(&login)) {
            logins.push(login);
        }
    }
    Ok(logins)
}

/// Stores a sponsorable account's snapshot and replaces its sponsorship history; returns the rows
/// written (a new snapshot point, if any figure changed, and the history).
async fn record_sponsorable(tx: &mut AnyConnection, node: &graphql::SponsorableNode, at: i64) -> sqlx::Result<u64> {
    let new_point = store::record_sponsors_snapshot(tx, &sponsors_row(node, at)).await?;
    let history = sponsorship_rows(node, at);
    store::replace_sponsorships(tx, &node.login, &history).await?;
    Ok(u64::from(new_point) + history.len() as u64)
}

/// The `history` nodes as rows; `seq` keeps GitHub's order (newest first).
fn sponsorship_rows(node: &graphql::SponsorableNode, at: i64) -> Vec<store::SponsorshipRow> {
    let nodes = node.history.as_ref().map(|h| h.nodes.iter().flatten().collect::<Vec<_>>()).unwrap_or_default();
    (nodes.into_iter().enumerate())
        .map(|(seq, s)| store::SponsorshipRow {
            login: node.login.clone(),
            created_at: s.created_at.timestamp(),
            seq: seq as i64,
            is_active: s.is_active,
            one_time: s.is_one_time_payment,
            monthly_cents: s.tier.as_ref().map(|t| t.monthly_price_in_cents),
            fetched_at: at,
        })
        .collect()
}

/// A Sponsors snapshot row. GitHub gives the recurring total only to the sponsored account, as 0
/// to anyone else, so a 0 beside active sponsorships means "not visible", not "nothing".
fn sponsors_row(node: &graphql::SponsorableNode, at: i64) -> store::SponsorsSnapshotRow {
    let listing = node.sponsors_listing.as_ref();
    let goal = listing.and_then(|l| l.active_goal.as_ref());
    let tiers: Vec<serde_json::Value> = listing
        .and_then(|l| l.tiers.as_ref())
        .map(|t| t.nodes.iter().flatten().collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|t| serde_json::json!({ "name": t.name, "monthly_cents": t.monthly_price_in_cents, "one_time": t.is_one_time }))
        .collect();
    let sponsors = node.sponsors.as_ref();
    let logins: Vec<&str> =
        sponsors.map(|s| s.nodes.iter().flatten().filter_map(|n| n.login.as_deref()).collect()).unwrap_or_default();
    let totals = node.sponsorships_as_maintainer.as_ref();
    let active = totals.map_or(0, |t| t.total_count);
    let recurring = totals.map_or(0, |t| t.total_recurring_monthly_price_in_cents);
    store::SponsorsSnapshotRow {
        login: node.login.clone(),
        fetched_at: at,
        last_seen_at: at,
        source: "github_sponsors".to_owned(),
        has_listing: node.has_sponsors_listing,
        listing_name: listing.and_then(|l| l.name.clone()),
        goal_kind: goal.map(|g| g.kind.clone()),
        goal_target: goal.map(|g| g.target_value),
        goal_percent: goal.map(|g| g.percent_complete),
        goal_title: goal.and_then(|g| g.title.clone()),
        tiers: serde_json::Value::from(tiers).to_string(),
        sponsor_count: sponsors.map_or(0, |s| s.total_count),
        sponsor_logins: serde_json::to_string(&logins).unwrap_or_else(|_| "[]".to_owned()),
        active_sponsorships: active,
        recurring_monthly_cents: recurring,
        currency: Currency::USD.to_string(),
        amounts_visible: recurring > 0 || active == 0,
    }
}

/// The repository's funding.json: from its `[funding] manifests` URL if configured, else
/// `GET contents/funding.json`. Asked with its ETag when a copy from the same place is stored; a
/// missing root file is re-checked once per refresh interval.
async fn manifest(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let stored = store::get_manifest(&c.db.pool, repo.repo_id).await?;
    if let Some(url) = c.config.funding.manifest_url(scope, &repo.api_name) {
        let state = sync_state::get_sync_state(&c.db.pool, scope, "manifest").await?;
        // An ETag is only good for the address it came from; a copy from there without one is
        // asked for again once per refresh interval.
        let same_source = stored.as_ref().is_some_and(|m| m.url == url.as_str());
        let etag = state.etag.as_deref().filter(|_| same_source);
        if same_source && etag.is_none() && fresh(c, scope, "manifest").await? {
            return Ok((StepStatus::Skipped, 0));
        }
        return configured_manifest(c, scope, repo, url, etag).await;
    }
    let Some(file) = ask_repo_file(c, scope, "manifest", repo, "funding.json", stored.is_some()).await? else {
        return Ok((StepStatus::Skipped, 0));
    };
    match file {
        RepoFile::Missing => {
            let mut tx = c.db.begin_write().await?;
            store::delete_manifest(&mut tx, repo.repo_id).await?;
            sync_state::save_sync_state(&mut *tx, scope, "manifest", None, None, now()).await?;
            tx.commit().await?;
            Ok((StepStatus::Ok, 0))
        }
        RepoFile::Unchanged(status) => Ok((status, 0)),
        RepoFile::Fresh { text, url, etag } => {
            store_manifest(c, scope, manifest_rows(repo.repo_id, url, text), etag).await
        }
    }
}

/// The largest configured manifest stored: a bigger answer is not a funding.json.
const MAX_MANIFEST_BYTES: usize = 1 << 20;

/// `GET` a configured funding.json URL, without the GitHub token. Any error status fails the step
/// and keeps the last good copy: the configuration says a manifest is there.
async fn configured_manifest(
    c: &Collector,
    scope: &str,
    repo: &RepoHandle,
    url: &Url,
    etag: Option<&str>,
) -> Result<(StepStatus, u64), SyncError> {
    // The client words its errors for GitHub; this is another host.
    let foreign = |problem: String| SyncError::from(GhError::Foreign { url: url.to_string(), problem });
    let fetched = match foreign_client(c, url)?.get_text(url.as_str(), etag, MAX_MANIFEST_BYTES as u64).await {
        Err(GhError::Unauthorized { .. }) => return Err(foreign("answered 401".into())),
        // Another host: its failures fail this step, never the run.
        Err(GhError::Unreachable { cause, .. }) => return Err(foreign(format!("cannot be reached: {cause}"))),
        Err(GhError::QuotaExhausted { until, .. }) => return Err(foreign(format!("rate-limited until {until}"))),
        Err(GhError::TooLarge { limit, .. }) => {
            return Err(foreign(format!("the answer is larger than {limit} bytes, too large for a funding.json")));
        }
        Err(GhError::NotFound { .. }) => return Err(foreign("answered 404: no funding.json there".into())),
        Err(GhError::Forbidden { message, .. }) => return Err(foreign(format!("answered 403: {message}"))),
        Err(GhError::Status { status, .. }) => return Err(foreign(format!("answered {status}"))),
        other => other?,
    };
    let (raw, etag) = match fetched {
        Fetched::NotModified => return Ok((StepStatus::NotModified, 0)),
        Fetched::Pending => return Err(foreign("answered 202: not ready yet".into())),
        Fetched::Fresh { value, etag, .. } => (value, etag),
    };
    if raw.len() > MAX_MANIFEST_BYTES {
        return Err(foreign(format!("{} bytes is too large for a funding.json", raw.len())));
    }
    store_manifest(c, scope, manifest_rows(repo.repo_id, url.to_string(), raw), etag).await
}

/// Replaces the stored manifest and its issues, and records the fetch with its ETag.
async fn store_manifest(
    c: &Collector,
    scope: &str,
    (row, issues): (store::ManifestRow, Vec<store::ManifestIssueRow>),
    etag: Option<String>,
) -> Result<(StepStatus, u64), SyncError> {
    let mut tx = c.db.begin_write().await?;
    store::replace_manifest(&mut tx, &row, &issues).await?;
    sync_state::save_sync_state(&mut *tx, scope, "manifest", None, etag.as_deref(), now()).await?;
    tx.commit().await?;
    Ok((StepStatus::Ok, 1 + issues.len() as u64))
}

/// Parses and validates a manifest: the parsed document is kept even when it has errors (with
/// every issue, warnings too); text that is not JSON keeps its line/column issue only.
fn manifest_rows(repo_id: i64, url: String, raw: String) -> (store::ManifestRow, Vec<store::ManifestIssueRow>) {
    let (parsed, issues) = match funding::parse_manifest(&raw) {
        Ok(m) => {
            let issues = funding::validate::validate(&m);
            (Some(m), issues)
        }
        Err(issues) => match serde_json::from_str::<funding::Manifest>(&raw) {
            Ok(m) => {
                let all = funding::validate::validate(&m);
                (Some(m), all)
            }
            Err(_) => (None, issues),
        },
    };
    let valid = parsed.is_some() && !issues.iter().any(|i| i.severity == Severity::Error);
    let rows = issues
        .iter()
        .enumerate()
        .map(|(seq, i)| store::ManifestIssueRow {
            repo_id,
            seq: seq as i64,
            severity: if i.severity == Severity::Error { "error" } else { "warning" }.to_owned(),
            path: i.path.clone(),
            message: i.message.clone(),
            line: i.line.map(|l| l as i64),
            col: i.column.map(|c| c as i64),
        })
        .collect();
    let parsed = parsed.and_then(|m| serde_json::to_string(&m).ok());
    (store::ManifestRow { repo_id, url, raw, parsed, valid }, rows)
}
