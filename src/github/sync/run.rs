//! One collection run from start to end: the run lease, the deadline, the rate-limit wait
//! observer, the private-data sweep, the repositories one claim at a time, and an honest summary.
//!
//! - **Collectors per database.** On SQLite one at a time: a run takes the lease (`db::lease`)
//!   or returns [`RunError::Busy`] naming the holder. On PostgreSQL any number share a round
//!   (`db::rounds`): each claims one repository at a time, so none is synced twice in a round,
//!   and one with nothing left to claim waits while others hold the rest, taking over any whose
//!   collector died. A run renews its lease and claims every [`HEARTBEAT`]; one silent for
//!   [`LEASE_STALE`] (or whose process is gone from this host) is dead and is taken over. Only
//!   dead collectors' runs are closed as `interrupted`.
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

use super::{progress::Progress, repo};

mod summary;
pub use summary::{CollectSummary, RunError, Stopped};

use crate::github::GhError;

use super::collector::{Collector, SyncError, forget_written_accounts, now, with_account_cache};
use crate::db::{self, lease, rounds, runs};
use crate::github::client::{RateWait, WaitObserver};

/// How often a run renews its lease.
pub const HEARTBEAT: Duration = Duration::from_secs(15);
/// A lease not renewed for this long belongs to a dead process.
pub const LEASE_STALE: Duration = Duration::from_secs(90);
/// How often a run with nothing left to claim looks again at the repositories other collectors
/// hold (to take over one whose collector died).
pub const WAIT_POLL: Duration = Duration::from_secs(2);
/// The longest a run without a deadline waits for other collectors' repositories.
pub const WAIT_FOR_OTHERS_CAP: Duration = Duration::from_secs(2 * 3600);
/// How many times a run tries repositories again after a write ran into another collector's.
const MAX_CONFLICT_RETRIES: u32 = 10;
const WAITED_OUT: &str = "another collector still held this repository when this run stopped waiting for it; \
                          the next run syncs it if that one did not";

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

/// What every worker of a run reads ([`Collector::worker`]).
struct Turn<'a> {
    me: &'a lease::LeaseRow,
    run_id: i64,
    round: Option<i64>,
    names: &'a [String],
    targets: &'a [super::context::Target],
    deadline: Option<tokio::time::Instant>,
    wait_limit: tokio::time::Instant,
    progress: &'a Progress,
}

/// What the workers of a run change, one at a time (never held across an await).
struct Shared {
    /// The repositories this run synced or tried: the rest are another run's, or left.
    handled: Vec<String>,
    stop: Option<(Stopped, String)>,
    summary: CollectSummary,
    conflicts: u32,
    waited_out: bool,
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
    ///
    /// On SQLite the run first takes the database's run lease (one collector at a time). On
    /// PostgreSQL any number of collectors run at once and share the round's repositories
    /// (`db::rounds`).
    pub async fn run(&self, opts: &RunOptions) -> Result<CollectSummary, RunError> {
        let pool = &self.db.pool;
        let me = me();
        let one_at_a_time = self.db.backend() == db::Backend::Sqlite;
        if one_at_a_time {
            let dead = |holder: &lease::LeaseRow| holder.host == me.host && !process_alive(holder.pid);
            match lease::acquire(pool, &me, now(), LEASE_STALE.as_secs() as i64, dead).await? {
                lease::Acquired::Held(other) => return Err(RunError::Busy(other)),
                lease::Acquired::Taken { from_dead: Some(dead) } => {
                    tracing::warn!(pid = dead.pid, host = %dead.host, "took over the run lease of a collector that stopped");
                }
                lease::Acquired::Taken { from_dead: None } => {}
            }
        }
        let run_id = Arc::new(std::sync::atomic::AtomicI64::new(0));
        let beat = {
            let (pool, holder, run_id) = (pool.clone(), me.holder.clone(), run_id.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(HEARTBEAT).await;
                    if one_at_a_time {
                        match lease::heartbeat(&pool, &holder, now()).await {
                            Ok(true) => {}
                            Ok(false) => tracing::error!("another collector took over the run lease"),
                            Err(e) => tracing::warn!(error = %e, "could not renew the run lease"),
                        }
                    }
                    let run = run_id.load(std::sync::atomic::Ordering::Relaxed);
                    if let Err(e) = rounds::heartbeat(&pool, &holder, run, now()).await {
                        tracing::warn!(error = %e, "could not renew the run's claims on its repositories");
                    }
                }
            })
        };
        let result = self.run_leased(opts, &me, &run_id).await;
        beat.abort();
        self.client.set_wait_observer(None);
        self.client.set_deadline(None);
        match rounds::release_all(pool, &me.holder).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(repos = n, "handed back repositories this run had claimed but not synced"),
            Err(e) => tracing::warn!(error = %e, "could not hand back this run's repositories; they lapse in 90 s"),
        }
        if one_at_a_time && let Err(e) = lease::release(pool, &me.holder).await {
            tracing::warn!(error = %e, "could not release the run lease; it lapses in 90 s");
        }
        result
    }

    async fn run_leased(
        &self,
        opts: &RunOptions,
        me: &lease::LeaseRow,
        run_cell: &std::sync::atomic::AtomicI64,
    ) -> Result<CollectSummary, RunError> {
        let started = std::time::Instant::now();
        let started_at = now();
        let pool = &self.db.pool;
        let before = self.client.counters();
        let stale = LEASE_STALE.as_secs() as i64;
        let dead = |host: &str, pid: i64| host == me.host && !process_alive(pid);
        self.sponsors_asked.lock().expect("sponsors lock").clear();
        let closed = runs::close_interrupted_runs(pool, started_at, stale, dead).await?;
        if closed > 0 {
            tracing::warn!(runs = closed, "closed runs whose collector stopped before they finished");
        }
        let in_round = opts.only_repo.is_none();
        let (run_id, round) = rounds::begin_run(pool, me, &opts.trigger, started_at, stale, in_round).await?;
        run_cell.store(run_id, std::sync::atomic::Ordering::Relaxed);
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
        let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
        rounds::prepare(pool, &names).await?;
        let progress = Arc::new(Progress::new(targets.len() as u64, opts.show_progress));
        self.client.set_wait_observer(Some(self.wait_observer(run_id, progress.clone())));
        let mut summary = CollectSummary { repos: targets.len() as u64, round, ..Default::default() };
        let mut stop: Option<(Stopped, String)> = None;
        for (source, e) in &failed_sources {
            summary.failed_repos.push(source.clone());
            if let SyncError::GitHub(g) = e {
                stop = stop.or_else(|| fatal(g));
            }
            summary.error.get_or_insert_with(|| e.to_string());
        }
        let wait_limit = deadline.unwrap_or_else(|| tokio::time::Instant::now() + WAIT_FOR_OTHERS_CAP);
        let turn =
            Turn { me, run_id, round, names: &names, targets: &targets, deadline, wait_limit, progress: &progress };
        let shared =
            std::sync::Mutex::new(Shared { handled: Vec::new(), stop, summary, conflicts: 0, waited_out: false });
        // The backend's workers (`db::collector_workers`), each claiming and syncing one
        // repository at a time, polled together (so one waiting for the connection never stalls
        // the one that holds it). What that asks of the rest: each step counts its own requests
        // (`client::Tally`), a credential's requests in flight count against its reserve, each
        // worker keeps its own record of the accounts it wrote, and a maintainer of two
        // repositories is asked for Sponsors data once per run (`Collector::sponsors_asked`).
        let workers =
            (0..db::collector_workers(self.db.backend())).map(|_| with_account_cache(self.worker(&turn, &shared)));
        futures_util::future::try_join_all(workers).await?;
        let Shared { handled, stop, mut summary, waited_out, .. } = shared.into_inner().expect("run state");
        // What this run did not reach: synced by another run of the round, or left for later.
        let left: Vec<String> = names.iter().filter(|n| !handled.contains(n)).cloned().collect();
        if let Some(round) = round {
            summary.synced_elsewhere = rounds::done_elsewhere(pool, round, run_id, &left).await?;
        }
        for name in left.iter().filter(|n| !summary.synced_elsewhere.iter().any(|e| e.eq_ignore_ascii_case(n))) {
            let (condition, reason, list) = match &stop {
                Some((Stopped::GitHub, reason)) => ("failed", reason.as_str(), &mut summary.failed_repos),
                Some((Stopped::Quota, reason)) => ("pending", reason.as_str(), &mut summary.pending),
                None if waited_out => ("timed_out", WAITED_OUT, &mut summary.timed_out),
                None => (
                    "timed_out",
                    "the run's deadline passed before this repository's turn; the next run syncs it",
                    &mut summary.timed_out,
                ),
            };
            repo::record_failure(self, name, condition, reason).await?;
            list.push(name.clone());
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
                    && !summary.synced_elsewhere.iter().any(|e| e.eq_ignore_ascii_case(&t.name))
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
            _ if summary.stopped.is_some()
                || (summary.synced == 0 && summary.synced_elsewhere.is_empty() && summary.repos > 0) =>
            {
                "failed"
            }
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
        if let Some(round) = round {
            // A collector of the round that died meanwhile must not keep the round open.
            runs::close_interrupted_runs(pool, now(), stale, dead).await?;
            rounds::end_run(pool, round, run_id, now()).await?;
        }
        Ok(summary)
    }

    /// Claims and syncs repositories one at a time until none is left to claim, the run is
    /// stopped, or its deadline passes; records each one's outcome in `shared` and in its claim.
    async fn worker(&self, turn: &Turn<'_>, shared: &std::sync::Mutex<Shared>) -> Result<(), RunError> {
        let pool = &self.db.pool;
        let stale = LEASE_STALE.as_secs() as i64;
        let lock = || shared.lock().expect("run state");
        loop {
            let left: Vec<String> = {
                let state = lock();
                if state.stop.is_some() || turn.deadline.is_some_and(|d| tokio::time::Instant::now() >= d) {
                    return Ok(());
                }
                turn.names.iter().filter(|n| !state.handled.contains(n)).cloned().collect()
            };
            if left.is_empty() {
                return Ok(());
            }
            let Some(claim) = rounds::claim(pool, turn.me, turn.run_id, turn.round, &left, now(), stale).await? else {
                // Nothing free: done, or others hold what is left. Wait for them, taking over any
                // whose collector dies.
                if rounds::unfinished(pool, turn.round, &turn.me.holder, &left).await?.is_empty() {
                    return Ok(());
                }
                if tokio::time::Instant::now() >= turn.wait_limit {
                    lock().waited_out = true;
                    return Ok(());
                }
                turn.progress.waiting("waiting for repositories other collectors hold");
                rounds::reap(pool, &turn.me.host, |pid| !process_alive(pid)).await?;
                tokio::time::sleep_until(turn.wait_limit.min(tokio::time::Instant::now() + WAIT_POLL)).await;
                turn.progress.waiting("");
                continue;
            };
            let Some(target) = turn.targets.iter().find(|t| t.name.eq_ignore_ascii_case(&claim.repo)) else {
                rounds::release(pool, &turn.me.holder, &claim.repo, None, now()).await?;
                continue;
            };
            if let (Some(pid), Some(host)) = (claim.pid, &claim.host) {
                tracing::warn!(repo = %target.name, pid, host = %host, "took over a repository whose collector stopped");
            }
            lock().handled.push(target.name.clone());
            let line = turn.progress.start_repo(&target.name);
            let work = repo::sync_repository(self, turn.run_id, target, &line);
            let outcome = match turn.deadline {
                Some(d) => tokio::time::timeout_at(d, work).await.ok(),
                None => Some(work.await),
            };
            if !matches!(outcome, Some(Ok(_))) {
                // Its last transaction may have rolled back with the accounts it wrote.
                forget_written_accounts();
            }
            let done = self.settle(target, outcome, shared).await?;
            let done = done.then_some((turn.round, turn.run_id));
            if !rounds::release(pool, &turn.me.holder, &target.name, done, now()).await? {
                tracing::error!(repo = %target.name, "another collector took this repository over while it synced");
            }
            turn.progress.finish_repo(&target.name);
        }
    }

    /// Records how one repository's sync ended; returns whether it is done in this round (an
    /// error that another try would meet again counts too): a cut or quota-stopped one goes back
    /// for another run.
    async fn settle(
        &self,
        target: &super::context::Target,
        outcome: Option<Result<u64, SyncError>>,
        shared: &std::sync::Mutex<Shared>,
    ) -> Result<bool, RunError> {
        let lock = || shared.lock().expect("run state");
        match outcome {
            None => {
                let message = "the run's deadline passed while this repository synced; what was stored is kept \
                               and the next run resumes from it";
                tracing::error!(repo = %target.name, "{message}");
                repo::record_failure(self, &target.name, "timed_out", message).await?;
                lock().summary.timed_out.push(target.name.clone());
                Ok(false)
            }
            Some(Ok(_)) => Ok(true),
            Some(Err(SyncError::Db(e))) if db::is_transient(&e) && lock().conflicts < MAX_CONFLICT_RETRIES => {
                // Another collector's transaction ran into this one's: what committed is kept,
                // and the repository is tried again from its watermarks.
                tracing::warn!(repo = %target.name, error = %e, "a write ran into another collector's; trying the repository again");
                let mut state = lock();
                state.conflicts += 1;
                state.handled.retain(|n| n != &target.name);
                Ok(false)
            }
            Some(Err(SyncError::Db(e))) => Err(RunError::Db(e)),
            Some(Err(SyncError::GitHub(e))) => {
                tracing::error!(repo = %target.name, error = %e, "repository sync failed");
                let stop = fatal(&e);
                let pending = matches!(stop, Some((Stopped::Quota, _)));
                let condition = if pending { "pending" } else { repo::condition_of(&e) };
                repo::record_failure(self, &target.name, condition, &e.to_string()).await?;
                let mut state = lock();
                if condition == "pending" {
                    state.summary.pending.push(target.name.clone());
                } else {
                    state.summary.failed_repos.push(target.name.clone());
                }
                state.summary.error.get_or_insert_with(|| e.to_string());
                let done = stop.is_none();
                state.stop = state.stop.take().or(stop);
                Ok(done)
            }
        }
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
