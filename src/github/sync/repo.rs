//! Which repositories a run covers, and each repository's metadata step.
//!
//! Targets are `[sources] repos` plus every repository of `[sources] orgs` (an org, or a user
//! when the org listing 404s), filtered by the fork/archived/private flags. The org listing is
//! sorted by `updated` so that any change moves a repository onto page 1, whose ETag is the
//! cheap "did anything change?" probe.

use super::collector::{Collector, StepStatus, SyncError, now};
use super::context::{RepoHandle, Target};
use super::pages::Walk;
use super::{conversation, extras, funding, progress::RepoProgress};
use crate::db::{self, repos::RepoOutcome, sync_state};
use crate::github::{Fetched, GhError, convert, wire};

/// The repositories to sync, and the owners whose listing failed (as `org:LOGIN` with the error).
pub async fn resolve_targets(
    c: &Collector,
    run_id: i64,
    only: Option<&str>,
) -> Result<(Vec<Target>, Vec<(String, SyncError)>), SyncError> {
    let mut failed = Vec::new();
    let mut targets: Vec<Target> =
        c.config.sources.repos.iter().map(|r| Target { name: r.to_string(), source: "config".to_owned() }).collect();
    for org in &c.config.sources.orgs {
        match expand_owner(c, run_id, org).await {
            Ok(names) => {
                targets.extend(names.into_iter().map(|name| Target { name, source: format!("org:{org}") }));
            }
            Err(e) => {
                tracing::error!(org = %org, error = %e, "could not list the repositories of {org}");
                failed.push((format!("org:{org}"), e));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    targets.retain(|t| seen.insert(t.name.to_lowercase()));
    if only.is_none() {
        // Repositories removed from `[sources] repos` stop being tracked (their data stays).
        let configured: Vec<String> = c.config.sources.repos.iter().map(ToString::to_string).collect();
        db::repos::untrack_missing(&c.db.pool, "config", &configured).await?;
    }
    if let Some(only) = only {
        targets.retain(|t| t.name.eq_ignore_ascii_case(only));
        if targets.is_empty() {
            targets.push(Target { name: only.to_owned(), source: "cli".to_owned() });
        }
    }
    for t in &targets {
        db::repos::track_repository(&c.db.pool, &t.name, &t.source).await?;
    }
    Ok((targets, failed))
}

/// Lists an org's (or user's) repositories that pass the source filters.
async fn expand_owner(c: &Collector, run_id: i64, owner: &str) -> Result<Vec<String>, SyncError> {
    let s = &c.config.sources;
    let scope = format!("org:{owner}");
    let resource =
        format!("repos?forks={}&archived={}&private={}", s.include_forks, s.include_archived, s.include_private);
    let state = sync_state::get_sync_state(&c.db.pool, &scope, &resource).await?;
    let kind = if s.include_private { "all" } else { "public" };
    let org_path = format!("/orgs/{owner}/repos?type={kind}&sort=updated&direction=desc&per_page=100");
    let mut names = Vec::new();
    let mut new_etag = None;
    let walked = c
        .step(run_id, &scope, "repos", async {
            let mut walk = list_owner(c, &scope, &org_path, state.etag.as_deref(), &mut names).await;
            if matches!(walk, Err(SyncError::GitHub(GhError::NotFound { .. }))) {
                let user_path = format!("/users/{owner}/repos?type=owner&sort=updated&direction=desc&per_page=100");
                walk = list_owner(c, &scope, &user_path, state.etag.as_deref(), &mut names).await;
            }
            match walk? {
                Walk::NotModified => Ok((StepStatus::NotModified, 0)),
                Walk::Done { etag } => {
                    new_etag = etag;
                    Ok((StepStatus::Ok, 0))
                }
                Walk::Pending => Ok((StepStatus::Pending, 0)),
            }
        })
        .await?;
    if walked.0 == StepStatus::NotModified {
        return Ok(db::repos::list_repositories_of_source(&c.db.pool, &scope).await?);
    }
    let hidden = forget_hidden(c, &scope, &names).await?;
    db::repos::untrack_missing(&c.db.pool, &scope, &names).await?;
    for name in hidden {
        db::repos::mark_removed(&c.db.pool, &name, PRIVATE_REMOVED, now()).await?;
    }
    // Track the members before the listing's ETag is kept: a run killed in between would
    // otherwise find the listing unchanged (304) next time and no repository tracked from it.
    for name in &names {
        db::repos::track_repository(&c.db.pool, name, &scope).await?;
    }
    // Only now is the listing fully stored: keep its ETag for next time.
    sync_state::save_sync_state(&c.db.pool, &scope, &resource, None, new_etag.as_deref(), now()).await?;
    Ok(names)
}

/// Repositories that left an owner's listing may have turned private: asked once each, a
/// private one (with `include_private` off) or one that answers 404 (deleted, or private and out
/// of the token's sight) has its data deleted before it stops being tracked. Public ones that
/// left (archived, now a fork, transferred) keep their data, as before.
async fn forget_hidden(c: &Collector, scope: &str, names: &[String]) -> Result<Vec<String>, SyncError> {
    let mut forgotten = Vec::new();
    let before = db::repos::list_repositories_of_source(&c.db.pool, scope).await?;
    for name in before.iter().filter(|n| !names.iter().any(|m| m.eq_ignore_ascii_case(n))) {
        let Some(known) = db::repos::find_repository_by_name(&c.db.pool, name).await? else { continue };
        let hidden = match c.client.get::<wire::Repository>(&format!("/repos/{name}"), None).await {
            Ok(Fetched::Fresh { value, .. }) => value.private && !c.config.sources.include_private,
            Err(GhError::NotFound { .. }) => true,
            Ok(_) => false,
            Err(e) if e.is_fatal() => return Err(e.into()),
            Err(e) => {
                tracing::warn!(repo = %name, error = %e, "could not check a repository that left {scope}");
                false
            }
        };
        if hidden {
            let mut tx = c.db.begin_write().await?;
            db::repos::purge_repository(&mut tx, known.id, name).await?;
            tx.commit().await?;
            tracing::warn!(repo = %name, "left {scope} and is private or gone: its data was deleted");
            forgotten.push(name.clone());
        }
    }
    Ok(forgotten)
}

async fn list_owner(
    c: &Collector,
    scope: &str,
    path: &str,
    etag: Option<&str>,
    names: &mut Vec<String>,
) -> Result<Walk, SyncError> {
    names.clear();
    let s = &c.config.sources;
    let mut pages = c.pages::<wire::Repository>(scope, "repos", path, etag);
    while let Some(page) = pages.next().await? {
        for r in page {
            let wanted = (s.include_forks || !r.fork)
                && (s.include_archived || !r.archived)
                && (s.include_private || !r.private);
            if wanted {
                names.push(r.full_name);
            }
        }
    }
    Ok(pages.outcome)
}

/// Syncs one repository end to end; returns the number of items written.
pub async fn sync_repository(
    c: &Collector,
    run_id: i64,
    target: &Target,
    progress: &RepoProgress<'_>,
) -> Result<u64, SyncError> {
    progress.step("metadata");
    let Some(handle) = metadata(c, run_id, target).await? else { return Ok(0) };
    let mut items = conversation::sync_conversation(c, run_id, target, &handle, progress).await?;
    items += extras::sync_extras(c, run_id, target, &handle, progress).await?;
    progress.step("rollups");
    let built = sync_state::get_sync_state(&c.db.pool, &target.name, "rollups").await?;
    let maintainers = c.configured_maintainers(&target.name, &handle.api_name);
    let inputs = format!("maintainers:{}", maintainers.as_deref().unwrap_or("inferred"));
    // The dirty marks say whether anything the rollups count changed (`items` also counts
    // titles and labels), including rows written by an earlier run that was killed.
    let whole = built.last_success_at.is_none() || built.etag.as_deref() != Some(inputs.as_str());
    if whole || db::rollups::has_dirty(&c.db.pool, handle.repo_id).await? {
        let step = rollups(c, &target.name, &handle, maintainers.as_deref(), &inputs, whole);
        c.step(run_id, &target.name, "rollups", step).await?;
    } else {
        c.skip_step(run_id, &target.name, "rollups", StepStatus::NotModified).await?;
    }
    // After the rollups too: the facts read the maintainers from `repo_people`.
    progress.step("newcomer facts");
    c.step(run_id, &target.name, "newcomer_facts", newcomer_facts(c, &handle)).await?;
    // After the rollups too: the people whose profiles it asks come from `repo_people`.
    progress.step("profiles");
    let step =
        c.step(run_id, &target.name, super::profiles::RESOURCE, super::profiles::profiles(c, &target.name, &handle));
    items += super::collector::tolerate(&target.name, step.await)?;
    // After the rollups: the maintainers whose Sponsors data it fetches come from `repo_people`.
    items += funding::sync_funding(c, run_id, target, &handle, progress).await?;
    let outcome = db::repos::record_repo_outcome(&c.db.pool, &target.name, &outcome_for(target, &handle)).await;
    outcome?;
    Ok(items)
}

/// Brings the repository's weekly and per-person rollups up to date (one transaction): only
/// the weeks and people the new rows touched, or everything (`whole`) on the first run, after the
/// bot rules changed (which forgets this step's state) or when `[people] maintainers` for the
/// repository changed: the maintainers they were built with are kept as the step's `etag`.
async fn rollups(
    c: &Collector,
    scope: &str,
    handle: &RepoHandle,
    maintainers: Option<&str>,
    inputs: &str,
    whole: bool,
) -> Result<(StepStatus, u64), SyncError> {
    let mut tx = c.db.begin_write().await?;
    if whole {
        db::rollups::rebuild_rollups(&mut tx, handle.repo_id, maintainers).await?;
    } else {
        db::rollups::update_rollups(&mut tx, handle.repo_id, maintainers).await?;
    }
    sync_state::save_sync_state(&mut *tx, scope, "rollups", None, Some(inputs), now()).await?;
    tx.commit().await?;
    Ok((StepStatus::Ok, 0))
}

/// Recomputes the finder's stale facts of the repository ([`crate::newcomers::refresh`]).
async fn newcomer_facts(c: &Collector, handle: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    use crate::newcomers::{Scope, refresh};
    match refresh(&c.db, handle.repo_id, &handle.api_name, &c.config.newcomers, Scope::Stale, now()).await? {
        Some(facts) => Ok((StepStatus::Ok, facts)),
        None => Ok((StepStatus::NotModified, 0)),
    }
}

fn outcome_for<'a>(target: &Target, handle: &'a RepoHandle) -> RepoOutcome<'a> {
    let moved = !handle.api_name.eq_ignore_ascii_case(&target.name);
    RepoOutcome {
        condition: if moved { "moved" } else { "ok" },
        message: moved.then_some(handle.api_name.as_str()),
        repo_id: Some(handle.repo_id),
        at: now(),
    }
}

/// Fetches repository metadata (conditionally); `None` when the repository is skipped.
async fn metadata(c: &Collector, run_id: i64, target: &Target) -> Result<Option<RepoHandle>, SyncError> {
    let scope = &target.name;
    let state = sync_state::get_sync_state(&c.db.pool, scope, "repo").await?;
    let known = known_repository(c, scope).await?;
    let etag = known.as_ref().and(state.etag.as_deref());
    let path = format!("/repos/{scope}");
    let mut handle = None;
    c.step(run_id, scope, "repo", async {
        let fetched = c.client.get::<wire::Repository>(&path, etag).await.map_err(|e| match e {
            GhError::NotFound { url, .. } => GhError::NotFound {
                url,
                hint: ": the repository may have been deleted, or it is private and the token cannot see it".to_owned(),
            },
            other => other,
        });
        match fetched? {
            Fetched::NotModified => {
                handle = known.map(|(repo_id, api_name)| RepoHandle { repo_id, api_name });
                Ok((StepStatus::NotModified, 0))
            }
            Fetched::Pending => Ok((StepStatus::Pending, 0)),
            Fetched::Fresh { value, etag, .. } => {
                if value.private && !c.config.sources.include_private {
                    // It became private (or always was): nothing of it may stay.
                    let mut tx = c.db.begin_write().await?;
                    if let Some(known) = db::repos::find_repository_by_name(&mut *tx, scope).await? {
                        db::repos::purge_repository(&mut tx, known.id, scope).await?;
                    }
                    db::repos::purge_repository(&mut tx, value.id, scope).await?;
                    tx.commit().await?;
                    return Ok((StepStatus::Skipped, 0));
                }
                let mut tx = c.db.begin_write().await?;
                c.write_accounts(&mut tx, c.fresh_accounts([&value.owner])).await?;
                db::repos::upsert_repository(&mut *tx, &convert::repository(&value)).await?;
                sync_state::save_sync_state(&mut *tx, scope, "repo", None, etag.as_deref(), now()).await?;
                tx.commit().await?;
                if !value.full_name.eq_ignore_ascii_case(scope) {
                    tracing::warn!(repo = %scope, now = %value.full_name,
                        "repository was renamed or transferred; syncing it under its new name (update [sources] repos)");
                }
                handle = Some(RepoHandle { repo_id: value.id, api_name: value.full_name });
                Ok((StepStatus::Ok, 1))
            }
        }
    })
    .await?;
    if handle.is_none() {
        record_failure(c, scope, "skipped", PRIVATE_REMOVED).await?;
    }
    Ok(handle)
}

/// The stored id and canonical name of a tracked repository, if a previous run fetched it.
async fn known_repository(c: &Collector, scope: &str) -> sqlx::Result<Option<(i64, String)>> {
    let tracked = db::repos::list_tracked(&c.db.pool).await?;
    let Some(repo_id) = tracked.iter().find(|t| t.full_name.eq_ignore_ascii_case(scope)).and_then(|t| t.repo_id) else {
        return Ok(None);
    };
    let repos = db::repos::list_repositories(&c.db.pool).await?;
    Ok(repos.into_iter().find(|r| r.id == repo_id).map(|r| (r.id, r.full_name)))
}

/// The status-page condition for a failed repository.
pub fn condition_of(e: &GhError) -> &'static str {
    match e {
        GhError::Unauthorized { .. } => "unauthorized",
        GhError::Unreachable { .. } => "unreachable",
        GhError::NotFound { .. } => "not_found",
        GhError::QuotaExhausted { .. } => "pending",
        _ => "failed",
    }
}

/// What `/status` says of a private repository while `include_private` is off.
pub const PRIVATE_REMOVED: &str = "private repository removed (or no longer visible): its data was deleted; \
     set sources.include_private = true to collect private repositories";

pub async fn record_failure(c: &Collector, name: &str, condition: &str, message: &str) -> sqlx::Result<()> {
    let outcome = RepoOutcome { condition, message: Some(message), repo_id: None, at: now() };
    db::repos::record_repo_outcome(&c.db.pool, name, &outcome).await
}
