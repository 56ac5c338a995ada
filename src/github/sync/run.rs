//! One collection run from start to end: the run lease, the deadline, the rate-limit wait
//! observer, the private-data sweep, the repositories in turn, and an honest summary.
//!
//! - **One collector per database.** A run takes the lease (`db::lease`) or returns
//!   [`RunError::Busy`] naming the holder; it renews the lease every [`HEARTBEAT`] and a lease
//!   silent for [`LEASE_STALE`] belongs to a dead process and is taken over. Only the lease
//!   holder closes runs left `running` as `interrupted`.
//! - **Deadline.** `RunOptions::timeout` bounds the run: repositories not reached are
//!   `timed_out`, one in progress is cut (its finished steps and pages stay stored; watermarks
//!   only move after whole resources, so the next run resumes), and the client refuses a
//!   rate-limit wait past it.
//! - **Fatal errors** ([`GhError::is_fatal`]) stop the run at once: the remaining repositories are
//!   `failed` (rejected token, unreachable host) or `pending` (spent quota), never fetched.
//! - **Private data.** With `include_private` off, every stored private repository is purged in
//!   the transaction that marks it skipped, before anything is fetched.
//! - **Summary.** `synced` counts repositories with every step done; `failed_repos`, `pending`,
//!   `timed_out` and `failed_steps` say what is missing; `quarantined` counts items kept aside.

use std::{sync::Arc, time::Duration};

use serde::Serialize;

use super::{progress::Progress, repo};

use crate::github::GhError;

use super::collector::{Collector, SyncError, now};
use crate::db::{self, lease, runs};
use crate::github::client::{RateWait, WaitObserver};

/// How often a run renews its lease.
pub const HEARTBEAT: Duration = Duration::from_secs(15);
/// A lease not renewed for this long belongs to a dead process.
pub const LEASE_STALE: Duration = Duration::from_secs(90);

/// What a run is asked to do.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Only this `owner/name` (it need not be in the configuration).
    pub only_repo: Option<String>,
    /// `cli`, `schedule`, `startup` or `demo`, recorded with the run.
    pub trigger: String,
    pub show_progress: bool,
    /// The run's deadline, from its start; `None` runs unbounded (tests).
    pub timeout: Option<Duration>,
}

/// Why a run stopped everything: the error that every repository would have hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stopped {
    /// 401, or the host cannot be reached: exit code 4.
    GitHub,
    /// The rate limit is spent and may not be waited for: what is left is pending.
    Quota,
}

/// The end-of-run summary; its JSON form is `upkeep collect --json`'s output.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CollectSummary {
    pub repos: u64,
    /// Repositories whose every step finished.
    pub synced: u64,
    pub items_written: u64,
    pub requests: u64,
    pub not_modified: u64,
    /// `owner/name` of each repository that failed, `org:LOGIN` for a failed owner listing.
    pub failed_repos: Vec<String>,
    /// Repositories with data still to come: statistics GitHub was still computing, or not
    /// reached because the rate limit was spent.
    pub pending: Vec<String>,
    /// Repositories the run's deadline cut or never reached.
    pub timed_out: Vec<String>,
    /// `owner/name resource` of each failed step of a repository that otherwise synced
    /// (funding sources, the community profile): the last good data is kept and shown stale.
    pub failed_steps: Vec<String>,
    /// Items GitHub sent that could not be read or placed, kept on `/status`.
    pub quarantined: u64,
    /// What stopped the run, or why repositories failed, in one message.
    pub error: Option<String>,
    /// Set when a fatal error stopped the run (not in the JSON: the exit code says it).
    #[serde(skip)]
    pub stopped: Option<Stopped>,
    pub seconds: f64,
}

impl CollectSummary {
    /// Whether everything asked for is stored.
    pub fn complete(&self) -> bool {
        self.failed_repos.is_empty()
            && self.pending.is_empty()
            && self.timed_out.is_empty()
            && self.failed_steps.is_empty()
            && self.stopped.is_none()
    }
}

/// Why a run could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "a sync is already running (pid {} on {}, since {} UTC); this one did not start",
        .0.pid, .0.host, clock(.0.started_at)
    )]
    Busy(lease::LeaseRow),
    /// The store failed (open, locked, full, corrupt); no `#[source]`, printed once.
    #[error("{0}")]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for RunError {
    fn from(e: sqlx::Error) -> Self {
        RunError::Db(e)
    }
}

fn clock(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(|| t.to_string(), |d| d.format("%Y-%m-%d %H:%M:%S").to_string())
}

/// This process's identity on the lease.
fn me() -> lease::LeaseRow {
    use rand::Rng;
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown host".to_owned());
    let token: u64 = rand::thread_rng().r#gen();
    let t = now();
    lease::LeaseRow {
        holder: format!("{}-{token:016x}", std::process::id()),
        pid: i64::from(std::process::id()),
        host,
        started_at: t,
        heartbeat_at: t,
    }
}

impl Collector {
    /// Runs one collection over every tracked repository (or `opts.only_repo`).
    pub async fn run(&self, opts: &RunOptions) -> Result<CollectSummary, RunError> {
        let pool = &self.db.pool;
        let me = me();
        let dead = |holder: &lease::LeaseRow| holder.host == me.host && !process_alive(holder.pid);
        match lease::acquire(pool, &me, now(), LEASE_STALE.as_secs() as i64, dead).await? {
            lease::Acquired::Held(other) => return Err(RunError::Busy(other)),
            lease::Acquired::Taken { from_dead: Some(dead) } => {
                tracing::warn!(pid = dead.pid, host = %dead.host, "took over the run lease of a collector that stopped");
            }
            lease::Acquired::Taken { from_dead: None } => {}
        }
        let beat = {
            let (pool, holder) = (pool.clone(), me.holder.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(HEARTBEAT).await;
                    match lease::heartbeat(&pool, &holder, now()).await {
                        Ok(true) => {}
                        Ok(false) => tracing::error!("another collector took over the run lease"),
                        Err(e) => tracing::warn!(error = %e, "could not renew the run lease"),
                    }
                }
            })
        };
        let result = self.run_leased(opts).await;
        beat.abort();
        self.client.set_wait_observer(None);
        self.client.set_deadline(None);
        if let Err(e) = lease::release(pool, &me.holder).await {
            tracing::warn!(error = %e, "could not release the run lease; it lapses in 90 s");
        }
        result
    }

    async fn run_leased(&self, opts: &RunOptions) -> Result<CollectSummary, RunError> {
        let started = std::time::Instant::now();
        let started_at = now();
        let pool = &self.db.pool;
        let before = self.client.counters();
        self.seen_accounts.lock().expect("account cache").clear();
        runs::close_interrupted_runs(pool).await?;
        let run_id = runs::start_run(pool, &opts.trigger, started_at).await?;
        let deadline = opts.timeout.map(|t| tokio::time::Instant::now() + t);
        self.client.set_deadline(deadline);
        self.client.restore_rejected();
        if !self.client.is_authenticated() && !self.config.github.is_loopback() {
            tracing::warn!(
                "no GITHUB_TOKEN or GH_TOKEN is set: GitHub allows 60 requests an hour without a token, \
                 enough for a small repository or two. Create one (no scopes needed for public data) at \
                 https://github.com/settings/tokens and export GITHUB_TOKEN"
            );
        }
        // Faster writes for this run; without them it is only slower.
        if let Err(e) = runs::tune_for_sync(pool).await {
            tracing::warn!(error = %e, "could not set the sync's page cache and checkpoint interval");
        }
        self.refresh_bot_flags().await?;
        self.purge_private().await?;

        let (targets, failed_sources) = match repo::resolve_targets(self, run_id, opts.only_repo.as_deref()).await {
            Ok(found) => found,
            Err(SyncError::Db(e)) => return Err(RunError::Db(e)),
            Err(SyncError::GitHub(e)) => (Vec::new(), vec![("sources".to_owned(), SyncError::GitHub(e))]),
        };
        let progress = Arc::new(Progress::new(targets.len() as u64, opts.show_progress));
        self.client.set_wait_observer(Some(self.wait_observer(run_id, progress.clone())));
        let mut summary = CollectSummary { repos: targets.len() as u64, ..Default::default() };
        let mut stop: Option<(Stopped, String)> = None;
        for (source, e) in &failed_sources {
            summary.failed_repos.push(source.clone());
            if let SyncError::GitHub(g) = e {
                stop = stop.or_else(|| fatal(g));
            }
            summary.error.get_or_insert_with(|| e.to_string());
        }
        for target in &targets {
            progress.start_repo(&target.name);
            if let Some((kind, reason)) = &stop {
                let (condition, list) = match kind {
                    Stopped::GitHub => ("failed", &mut summary.failed_repos),
                    Stopped::Quota => ("pending", &mut summary.pending),
                };
                repo::record_failure(self, &target.name, condition, reason).await?;
                list.push(target.name.clone());
                continue;
            }
            if deadline.is_some_and(|d| tokio::time::Instant::now() >= d) {
                let message = "the run's deadline passed before this repository's turn; the next run syncs it";
                repo::record_failure(self, &target.name, "timed_out", message).await?;
                summary.timed_out.push(target.name.clone());
                continue;
            }
            let work = repo::sync_repository(self, run_id, target, &progress);
            let outcome = match deadline {
                Some(d) => tokio::time::timeout_at(d, work).await.ok(),
                None => Some(work.await),
            };
            match outcome {
                None => {
                    let message = "the run's deadline passed while this repository synced; what was stored is kept \
                                   and the next run resumes from it";
                    tracing::error!(repo = %target.name, "{message}");
                    repo::record_failure(self, &target.name, "timed_out", message).await?;
                    summary.timed_out.push(target.name.clone());
                }
                Some(Ok(_)) => {}
                Some(Err(SyncError::Db(e))) => return Err(RunError::Db(e)),
                Some(Err(SyncError::GitHub(e))) => {
                    tracing::error!(repo = %target.name, error = %e, "repository sync failed");
                    stop = fatal(&e);
                    let pending = matches!(stop, Some((Stopped::Quota, _)));
                    let condition = if pending { "pending" } else { repo::condition_of(&e) };
                    repo::record_failure(self, &target.name, condition, &e.to_string()).await?;
                    if condition == "pending" {
                        summary.pending.push(target.name.clone());
                    } else {
                        summary.failed_repos.push(target.name.clone());
                    }
                    summary.error.get_or_insert_with(|| e.to_string());
                }
            }
            progress.finish_repo();
        }
        progress.finish();
        self.client.set_wait_observer(None);

        // Steps that failed or stayed pending in repositories that otherwise synced.
        let missing: Vec<String> =
            summary.failed_repos.iter().chain(&summary.pending).chain(&summary.timed_out).cloned().collect();
        for step in runs::list_run_resources(pool, run_id).await? {
            if missing.iter().any(|m| m.eq_ignore_ascii_case(&step.scope)) {
                continue;
            }
            match step.status.as_str() {
                "failed" => summary.failed_steps.push(format!("{} {}", step.scope, step.resource)),
                "pending" if !summary.pending.contains(&step.scope) => summary.pending.push(step.scope.clone()),
                _ => {}
            }
        }
        summary.synced = targets
            .iter()
            .filter(|t| {
                !missing.iter().any(|m| m.eq_ignore_ascii_case(&t.name))
                    && !summary.pending.iter().any(|p| p.eq_ignore_ascii_case(&t.name))
            })
            .count() as u64;
        if let Some((kind, reason)) = &stop {
            summary.stopped = Some(*kind);
            summary.error = Some(reason.clone());
        }
        let used = self.client.counters() - before;
        summary.requests = used.requests;
        summary.not_modified = used.not_modified;
        summary.items_written = runs::items_written_in_run(pool, run_id).await? as u64;
        summary.quarantined = db::quarantine::count_since(pool, started_at).await? as u64;
        summary.seconds = started.elapsed().as_secs_f64();
        let status = match () {
            _ if summary.stopped.is_some() || (summary.synced == 0 && summary.repos > 0) => "failed",
            _ if !summary.timed_out.is_empty() => "timed_out",
            _ if !summary.complete() => "partial",
            _ => "ok",
        };
        let error = summary.error.clone().or_else(|| {
            (!summary.failed_steps.is_empty()).then(|| format!("failed steps: {}", summary.failed_steps.join(", ")))
        });
        let totals = runs::RunTotals {
            status,
            repos: summary.repos as i64,
            requests: summary.requests as i64,
            not_modified: summary.not_modified as i64,
            items_written: summary.items_written as i64,
            error: error.as_deref(),
        };
        runs::finish_run(pool, run_id, &totals, now()).await?;
        Ok(summary)
    }

    /// Tells the progress bar and the run's record when a rate-limit wait starts and ends.
    fn wait_observer(&self, run_id: i64, progress: Arc<Progress>) -> WaitObserver {
        let pool = self.db.pool.clone();
        Arc::new(move |wait: Option<RateWait>| {
            let until = wait.as_ref().map(|w| w.until);
            match &wait {
                Some(w) => {
                    progress.waiting(&format!("waiting for the {} rate limit until {} UTC", w.bucket, hhmm(w.until)))
                }
                None => progress.waiting(""),
            }
            let pool = pool.clone();
            tokio::spawn(async move {
                if let Err(e) = runs::set_waiting(&pool, run_id, until).await {
                    tracing::warn!(error = %e, "could not record the rate-limit wait on the run");
                }
            });
        })
    }

    /// With `include_private` off, deletes every stored private repository's data and marks it
    /// skipped, one transaction each, before anything is fetched.
    async fn purge_private(&self) -> sqlx::Result<()> {
        if self.config.sources.include_private {
            return Ok(());
        }
        for (id, full_name) in db::repos::list_private(&self.db.pool).await? {
            let mut tx = self.db.begin_write().await?;
            db::repos::purge_repository(&mut tx, id, &full_name).await?;
            db::repos::mark_removed(&mut *tx, &full_name, repo::PRIVATE_REMOVED, now()).await?;
            tx.commit().await?;
            tracing::warn!(repo = %full_name, "{}", repo::PRIVATE_REMOVED);
        }
        Ok(())
    }
}

/// Whether process `pid` of this host still runs (Linux: `/proc`); elsewhere assumed alive, so
/// only the heartbeat decides.
fn process_alive(pid: i64) -> bool {
    if cfg!(target_os = "linux") { std::path::Path::new(&format!("/proc/{pid}")).exists() } else { true }
}

fn hhmm(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(|| t.to_string(), |d| d.format("%H:%M").to_string())
}

/// The stop a fatal error means, with its message.
fn fatal(e: &GhError) -> Option<(Stopped, String)> {
    match e {
        GhError::QuotaExhausted { .. } => Some((Stopped::Quota, e.to_string())),
        _ if e.is_fatal() => Some((Stopped::GitHub, e.to_string())),
        _ => None,
    }
}
