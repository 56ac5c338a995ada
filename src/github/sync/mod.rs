//! One collection run: resolve the tracked repositories, sync each one resource by resource,
//! and record the run.
//!
//! Order per repository (each step is recorded in `sync_run_resources`):
//! 1. `repo`: metadata, conditional on its ETag ([`repo`]);
//! 2. `probe`: `/issues?sort=updated&direction=desc&per_page=1` with the stored ETag. A `304`
//!    means no issue, PR, comment or review changed, so steps 3–8 are skipped at no quota cost.
//!    The probe's new ETag is saved only after steps 3–8 all succeed;
//! 3–6. `issues`, `issue_comments`, `review_comments`, `pulls` ([`conversation`]);
//! 7. `reviews`: GraphQL batches for pull requests changed since the last pass ([`reviews`]);
//! 8. `derived`: first-response facts for changed items;
//! 9. `releases` and `stats`, each conditional on its own ETag ([`extras`]), then `community`;
//! 10. `rollups`: weekly and per-person rollups, rebuilt when anything was written ([`repo`]);
//! 11. `funding`, `sponsorable`, `manifest`, `funding_yml`, `open_collective` ([`funding`],
//!     [`funding_yml`]), after the rollups because `sponsorable` asks for the maintainers they
//!     infer; their failures do not fail the repository.
//!
//! Failure policy: a repository that fails is recorded and the run goes on with the next one;
//! a 401 stops the run (every repository would fail the same way).

pub mod conversation;
pub mod extras;
pub mod funding;
pub mod funding_yml;
pub mod newcomers;
pub mod progress;
pub mod repo;
pub mod reviews;

use std::{collections::HashMap, sync::Mutex, time::Instant};

use serde::{Serialize, de::DeserializeOwned};

use super::{Fetched, GhError, GitHubClient, client::CounterSnapshot};
use crate::config::Config;
use crate::db::{self, Db, WriteTx, accounts::AccountRow, runs};
use progress::Progress;

/// Re-fetch this much before a watermark: GitHub's `since` is inclusive, and a small overlap
/// guards against items committed late on GitHub's side. Upserts make the overlap harmless.
pub const OVERLAP_SECS: i64 = 60;

/// What `upkeep collect` asks for.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Only this `owner/name` (it need not be in the configuration).
    pub only_repo: Option<String>,
    /// `cli`, `schedule`, `startup` or `demo`, recorded with the run.
    pub trigger: String,
    pub show_progress: bool,
}

/// The end-of-run summary; its JSON form is `upkeep collect --json`'s output.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CollectSummary {
    pub repos: u64,
    pub items_written: u64,
    pub requests: u64,
    pub not_modified: u64,
    pub failed_repos: Vec<String>,
    pub seconds: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    GitHub(#[from] GhError),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// The collector: a GitHub client, the store and the configuration.
pub struct Collector {
    pub(crate) client: GitHubClient,
    pub(crate) db: Db,
    pub(crate) config: std::sync::Arc<Config>,
    /// Accounts already written during this run, to skip redundant upserts.
    seen_accounts: Mutex<HashMap<i64, AccountRow>>,
}

/// How one step ended, for the run record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    Ok,
    NotModified,
    Pending,
    Skipped,
}

impl StepStatus {
    fn as_str(self) -> &'static str {
        match self {
            StepStatus::Ok => "ok",
            StepStatus::NotModified => "not_modified",
            StepStatus::Pending => "pending",
            StepStatus::Skipped => "skipped",
        }
    }
}

/// A cursor over a paginated listing: follows `Link: rel="next"` one page per call.
pub struct Pages<'a, T> {
    client: &'a GitHubClient,
    next: Option<String>,
    etag: Option<String>,
    started: bool,
    /// How the walk went: `NotModified`/`Pending` on the first page, else `Done` with its ETag.
    pub outcome: Walk,
    _items: std::marker::PhantomData<T>,
}

impl<T: DeserializeOwned> Pages<'_, T> {
    /// The next page, or `None` when the listing is exhausted (or unchanged / not ready).
    pub async fn next(&mut self) -> Result<Option<Vec<T>>, SyncError> {
        let Some(url) = self.next.take() else { return Ok(None) };
        let first = !self.started;
        self.started = true;
        let etag = if first { self.etag.take() } else { None };
        match self.client.get::<Vec<T>>(&url, etag.as_deref()).await? {
            Fetched::NotModified => self.outcome = Walk::NotModified,
            Fetched::Pending => self.outcome = Walk::Pending,
            Fetched::Fresh { value, etag, next } => {
                if first {
                    self.outcome = Walk::Done { etag };
                }
                self.next = next;
                return Ok(Some(value));
            }
        }
        Ok(None)
    }
}

/// Outcome of a walk over a paginated listing.
pub enum Walk {
    NotModified,
    Pending,
    Done { etag: Option<String> },
}

impl Collector {
    pub fn new(config: std::sync::Arc<Config>, db: Db, client: GitHubClient) -> Self {
        Collector { client, db, config, seen_accounts: Mutex::default() }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Runs one collection over every tracked repository (or `opts.only_repo`).
    pub async fn run(&self, opts: &RunOptions) -> anyhow::Result<CollectSummary> {
        let started = Instant::now();
        let before = self.client.counters();
        self.seen_accounts.lock().expect("account cache").clear();
        runs::close_interrupted_runs(&self.db.pool).await?;
        let run_id = runs::start_run(&self.db.pool, &opts.trigger, now()).await?;
        self.refresh_bot_flags().await?;

        let (targets, failed_sources) = repo::resolve_targets(self, run_id, opts.only_repo.as_deref()).await?;
        let progress = Progress::new(targets.len() as u64, opts.show_progress);
        let mut summary = CollectSummary { repos: targets.len() as u64, ..Default::default() };
        let mut fatal: Option<String> = None;
        for (source, e) in &failed_sources {
            summary.failed_repos.push(source.clone());
            if matches!(&e, SyncError::GitHub(g) if g.is_fatal()) {
                fatal = Some(e.to_string());
            }
        }
        for target in &targets {
            progress.start_repo(&target.name);
            if let Some(reason) = &fatal {
                repo::record_failure(self, &target.name, "unauthorized", reason).await?;
                summary.failed_repos.push(target.name.clone());
                continue;
            }
            match repo::sync_repository(self, run_id, target, &progress).await {
                Ok(items) => summary.items_written += items,
                Err(e) => {
                    let condition = repo::condition_of(&e);
                    tracing::error!(repo = %target.name, error = %e, "repository sync failed");
                    repo::record_failure(self, &target.name, condition, &e.to_string()).await?;
                    summary.failed_repos.push(target.name.clone());
                    if matches!(&e, SyncError::GitHub(g) if g.is_fatal()) {
                        fatal = Some(e.to_string());
                    }
                }
            }
            progress.finish_repo();
        }
        progress.finish();

        let used = self.client.counters() - before;
        summary.requests = used.requests;
        summary.not_modified = used.not_modified;
        summary.seconds = started.elapsed().as_secs_f64();
        let status = match (summary.failed_repos.len(), fatal.is_some()) {
            (0, _) => "ok",
            (_, true) => "failed",
            (n, _) if n >= targets.len() => "failed",
            _ => "partial",
        };
        let error = (!summary.failed_repos.is_empty())
            .then(|| fatal.clone().unwrap_or_else(|| format!("failed: {}", summary.failed_repos.join(", "))));
        let totals = runs::RunTotals {
            status,
            repos: summary.repos as i64,
            requests: summary.requests as i64,
            not_modified: summary.not_modified as i64,
            items_written: summary.items_written as i64,
            error: error.as_deref(),
        };
        runs::finish_run(&self.db.pool, run_id, &totals, now()).await?;
        Ok(summary)
    }

    /// Re-applies `[people]` bot rules to stored accounts; if any flag changed, first responses
    /// are recomputed everywhere on this run.
    async fn refresh_bot_flags(&self) -> sqlx::Result<()> {
        let mut changed = 0;
        for account in db::accounts::list_accounts(&self.db.pool).await? {
            let is_bot = self.config.people.is_bot(&account.login, &account.kind);
            if is_bot != account.is_bot {
                db::accounts::set_bot_flag(&self.db.pool, account.id, is_bot).await?;
                changed += 1;
            }
        }
        if changed > 0 {
            tracing::info!(changed, "bot rules changed; first responses will be recomputed");
            db::sync_state::reset_resource_everywhere(&self.db.pool, "derived").await?;
            db::sync_state::reset_resource_everywhere(&self.db.pool, "rollups").await?;
        }
        Ok(())
    }

    /// `[people] maintainers` for a repository (under its configured or current name), as the
    /// JSON array the rollup queries take; `None` means "infer from author_association".
    pub(crate) fn configured_maintainers(&self, name: &str, api_name: &str) -> Option<String> {
        let logins = self.config.people.maintainers.iter().find_map(|(repo, logins)| {
            let key = repo.to_string();
            (key.eq_ignore_ascii_case(name) || key.eq_ignore_ascii_case(api_name)).then_some(logins)
        })?;
        serde_json::to_string(logins).ok()
    }

    /// The accounts among `users` not yet written during this run (a plain function, so no
    /// iterator with borrowed closures is held across an await: that trips tokio's `Send`).
    pub(crate) fn fresh_accounts<'a>(&self, users: impl IntoIterator<Item = &'a super::wire::User>) -> Vec<AccountRow> {
        let mut seen = self.seen_accounts.lock().expect("account cache");
        let mut fresh = Vec::new();
        for user in users {
            let row = super::convert::account(user, &self.config.people);
            if seen.get(&row.id) != Some(&row) {
                seen.insert(row.id, row.clone());
                fresh.push(row);
            }
        }
        fresh
    }

    /// Upserts accounts inside a page's transaction.
    pub(crate) async fn write_accounts(&self, tx: &mut WriteTx, rows: Vec<AccountRow>) -> sqlx::Result<()> {
        for row in &rows {
            db::accounts::upsert_account(&mut **tx, row).await?;
        }
        Ok(())
    }

    /// A cursor over a paginated listing starting at `first` (conditional on `etag`).
    pub(crate) fn pages<T: DeserializeOwned>(&self, first: &str, etag: Option<&str>) -> Pages<'_, T> {
        Pages {
            client: &self.client,
            next: Some(first.to_owned()),
            etag: etag.map(str::to_owned),
            started: false,
            outcome: Walk::Done { etag: None },
            _items: std::marker::PhantomData,
        }
    }

    /// Runs one step, recording its requests, items and outcome under the run.
    pub(crate) async fn step(
        &self,
        run_id: i64,
        scope: &str,
        resource: &str,
        work: impl Future<Output = Result<(StepStatus, u64), SyncError>>,
    ) -> Result<(StepStatus, u64), SyncError> {
        let started_at = now();
        let before = self.client.counters();
        let result = work.await;
        let used: CounterSnapshot = self.client.counters() - before;
        // Permanent GraphQL errors that came with data: the data is kept, the errors recorded.
        let said = self.client.take_problems();
        let (status, items, error) = match &result {
            Ok((status, items)) if said.is_empty() => (status.as_str(), *items, None),
            Ok((status, items)) => {
                let note = format!("kept the data that came; GitHub also answered: {}", said.join("; "));
                tracing::warn!(scope, resource, "{note}");
                (status.as_str(), *items, Some(note))
            }
            Err(e) => ("failed", 0, Some(e.to_string())),
        };
        let row = runs::RunResourceRow {
            run_id,
            scope: scope.to_owned(),
            resource: resource.to_owned(),
            started_at,
            finished_at: Some(now()),
            status: status.to_owned(),
            requests: used.requests as i64,
            not_modified: used.not_modified as i64,
            items_written: items as i64,
            error,
        };
        runs::record_run_resource(&self.db.pool, &row).await?;
        result
    }

    /// Records a step that did not need to run (its group's probe answered 304).
    pub(crate) async fn skip_step(
        &self,
        run_id: i64,
        scope: &str,
        resource: &str,
        status: StepStatus,
    ) -> sqlx::Result<()> {
        let t = now();
        let row = runs::RunResourceRow {
            run_id,
            scope: scope.to_owned(),
            resource: resource.to_owned(),
            started_at: t,
            finished_at: Some(t),
            status: status.as_str().to_owned(),
            requests: 0,
            not_modified: 0,
            items_written: 0,
            error: None,
        };
        runs::record_run_resource(&self.db.pool, &row).await
    }
}

/// Wall-clock now, unix seconds (bookkeeping only; metrics take `now` as a parameter).
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Collector {
    /// The collector for a configuration: the client from `[github]`/`[collector]`, the token
    /// from the environment (`GITHUB_TOKEN` or `GH_TOKEN`).
    pub fn from_config(config: std::sync::Arc<Config>, db: Db) -> Result<Self, GhError> {
        Self::with_token(config, db, crate::config::token_from_env())
    }

    /// As [`Collector::from_config`], with the token given explicitly (tests).
    pub fn with_token(
        config: std::sync::Arc<Config>,
        db: Db,
        token: Option<secrecy::SecretString>,
    ) -> Result<Self, GhError> {
        let settings = super::ClientSettings {
            api_url: config.github.api_url.as_str().trim_end_matches('/').to_owned(),
            graphql_url: config.github.graphql_url(),
            user_agent: config.github.user_agent.clone(),
            timeout: config.github.timeout(),
            reserve: u64::from(config.collector.reserve),
            max_retries: config.collector.max_retries,
            backoff_base: config.collector.backoff_base(),
            backoff_max: config.collector.backoff_max(),
            max_response_bytes: config.collector.max_response_bytes,
        };
        let token_var = crate::config::token_var_from_env().unwrap_or("GITHUB_TOKEN");
        let client = GitHubClient::new(settings, token)?.with_token_var(token_var);
        Ok(Collector::new(config, db, client))
    }
}
