//! The collector ([`Collector`]: a GitHub client, the store and the configuration) and what
//! every step shares: how a step ended ([`StepStatus`]), recording it, [`SyncError`], the
//! watermark overlap, accounts written once per worker ([`with_account_cache`]), quarantine, and
//! the wall clock. A leaf
//! under the steps, `repo.rs` and `run.rs`, which import it instead of `sync/mod.rs`.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
    sync::Mutex,
};

use crate::config::Config;
use crate::db::{self, Db, WriteTx, accounts::AccountRow, runs};
use crate::github::{GhError, GitHubClient};

/// Re-fetch this much before a watermark: GitHub's `since` is inclusive, and a small overlap
/// guards against items committed late on GitHub's side. Upserts make the overlap harmless.
pub const OVERLAP_SECS: i64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    GitHub(#[from] GhError),
    /// The store failed; no `#[source]`, so the message is printed once.
    #[error("the database failed: {0}")]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for SyncError {
    fn from(e: sqlx::Error) -> Self {
        SyncError::Db(e)
    }
}

/// The collector: a GitHub client, the store and the configuration.
pub struct Collector {
    pub(crate) client: GitHubClient,
    pub(crate) db: Db,
    pub(crate) config: std::sync::Arc<Config>,
    /// The logins asked for Sponsors data in this run, lower-cased: a maintainer of two
    /// repositories synced at once is asked by the first only.
    pub(super) sponsors_asked: Mutex<HashSet<String>>,
}

tokio::task_local! {
    /// The accounts one worker of a run has written ([`with_account_cache`]).
    static WRITTEN: RefCell<HashMap<i64, AccountRow>>;
}

/// Runs one worker of a run (`work`) with its own record of the accounts it wrote, so each
/// account is upserted once per worker rather than once per page naming it. Per worker, not per
/// run: an account counts as written once the transaction writing it is under way, and another
/// worker must not rely on a transaction it cannot see commit. A worker whose repository failed
/// or was cut forgets them ([`forget_written_accounts`]), since its last transaction may have
/// rolled back.
pub(super) async fn with_account_cache<F: Future>(work: F) -> F::Output {
    WRITTEN.scope(RefCell::default(), work).await
}

/// Forgets the accounts this worker wrote (its last transaction may not have committed).
pub(super) fn forget_written_accounts() {
    let _ = WRITTEN.try_with(|written| written.borrow_mut().clear());
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

impl Collector {
    pub fn new(config: std::sync::Arc<Config>, db: Db, client: GitHubClient) -> Self {
        Collector { client, db, config, sponsors_asked: Mutex::default() }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Each credential's label (`GITHUB_TOKENS entry 2`), requests sent with it so far, and
    /// whether GitHub rejected it.
    pub fn credential_use(&self) -> Vec<(String, u64, bool)> {
        self.client.requests_by_credential()
    }

    /// Re-applies `[people]` bot rules to stored accounts; if any flag changed, first responses
    /// are recomputed everywhere on this run. The rules last applied are kept (scope `people`,
    /// resource `bot_rules`), so a run whose rules are the same skips reading every account.
    pub(crate) async fn refresh_bot_flags(&self) -> sqlx::Result<()> {
        let people = &self.config.people;
        let rules = serde_json::json!({ "bots": people.bots, "bot_patterns": people.bot_patterns }).to_string();
        let applied = db::sync_state::get_sync_state(&self.db.pool, "people", "bot_rules").await?;
        if applied.etag.as_deref() == Some(rules.as_str()) {
            return Ok(());
        }
        let mut changed = 0;
        for account in db::accounts::list_accounts(&self.db.pool).await? {
            let is_bot = people.is_bot(&account.login, &account.kind);
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
        db::sync_state::save_sync_state(&self.db.pool, "people", "bot_rules", None, Some(&rules), now()).await?;
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

    /// The accounts among `users` this worker has not written yet in this run, all of them
    /// outside a worker ([`with_account_cache`]). A plain function, so no iterator with borrowed
    /// closures is held across an await: that trips tokio's `Send`.
    pub(crate) fn fresh_accounts<'a>(
        &self,
        users: impl IntoIterator<Item = &'a crate::github::wire::User>,
    ) -> Vec<AccountRow> {
        let rows: Vec<AccountRow> =
            users.into_iter().map(|user| crate::github::convert::account(user, &self.config.people)).collect();
        let fresh = WRITTEN.try_with(|written| {
            let mut written = written.borrow_mut();
            rows.iter().filter(|row| written.insert(row.id, (*row).clone()).as_ref() != Some(*row)).cloned().collect()
        });
        fresh.unwrap_or(rows)
    }

    /// Whether this run has not asked for `login`'s Sponsors data yet; marks it asked.
    pub(crate) fn first_to_ask_sponsors(&self, login: &str) -> bool {
        self.sponsors_asked.lock().expect("sponsors lock").insert(login.to_lowercase())
    }

    /// Upserts the accounts a page names. On SQLite, inside the page's transaction (one writer).
    /// On PostgreSQL, where collectors write side by side, in a short transaction of their own,
    /// committed before the page's rows: accounts are the rows every repository shares, and two
    /// page transactions that each held some while waiting for the other's deadlocked. An account
    /// stored without the page that named it (the page's transaction failing) is still true.
    pub(crate) async fn write_accounts(&self, tx: &mut WriteTx, rows: Vec<AccountRow>) -> sqlx::Result<()> {
        match self.db.backend() {
            db::Backend::Sqlite => db::accounts::upsert_accounts(&mut **tx, &rows).await,
            db::Backend::Postgres => db::accounts::upsert_accounts(&self.db.pool, &rows).await,
        }
    }

    /// Quarantines one item of step `resource` with the reason: stored raw, counted in the run,
    /// listed on `/status`, never dropped silently.
    pub(crate) async fn quarantine(
        &self,
        scope: &str,
        resource: &str,
        raw: &serde_json::Value,
        reason: &str,
    ) -> sqlx::Result<()> {
        let key = item_key(raw);
        tracing::warn!(scope, resource, item = %key, "{reason}; the item is quarantined (see /status)");
        db::quarantine::upsert(&self.db.pool, scope, resource, &key, reason, &raw.to_string(), now()).await
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
        let clock = std::time::Instant::now();
        // The step's own requests: other repositories syncing meanwhile count in theirs.
        let (result, tally) = self.client.tallied(work).await;
        let used = tally.counts();
        // The run record keeps whole seconds; the log has the step's time to the millisecond.
        let ms = clock.elapsed().as_secs_f64() * 1000.0;
        tracing::debug!(scope, resource, ms, requests = used.requests, "step finished");
        // Permanent GraphQL errors that came with data: the data is kept, the errors recorded.
        let said = tally.take_problems();
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

/// An auxiliary step (funding sources, the community profile) that failed costs the step, not
/// the repository: `step` already recorded it, the last good data stays and is shown stale, and
/// the run's summary lists it under `failed_steps`. Fatal errors still stop the run.
pub(crate) fn tolerate(scope: &str, result: Result<(StepStatus, u64), SyncError>) -> Result<u64, SyncError> {
    match result {
        Ok((_, items)) => Ok(items),
        Err(SyncError::GitHub(e)) if !e.is_fatal() => {
            tracing::warn!(repo = scope, error = %e, "auxiliary step failed; keeping the last good data");
            Ok(0)
        }
        Err(e) => Err(e),
    }
}

/// Wall-clock now, unix seconds (bookkeeping only; metrics take `now` as a parameter).
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Collector {
    /// The collector for a configuration: the client from `[github]`/`[collector]`, the
    /// credentials from the environment ([`crate::config::Credentials`]: a GitHub App, else
    /// `GITHUB_TOKENS`, else `GITHUB_TOKEN` or `GH_TOKEN`). The log says which, never a value.
    pub fn from_config(config: std::sync::Arc<Config>, db: Db) -> Result<Self, GhError> {
        let credentials =
            crate::config::Credentials::from_env(&config.github).map_err(|e| GhError::Config(e.to_string()))?;
        tracing::info!("GitHub credentials: {}", credentials.describe());
        Self::with_credentials(config, db, credentials)
    }

    /// As [`Collector::from_config`], with one token (or none) given explicitly (tests).
    pub fn with_token(
        config: std::sync::Arc<Config>,
        db: Db,
        token: Option<secrecy::SecretString>,
    ) -> Result<Self, GhError> {
        let credentials = match token {
            Some(token) => crate::config::Credentials::Tokens { var: "GITHUB_TOKEN", tokens: vec![token] },
            None => crate::config::Credentials::None,
        };
        Self::with_credentials(config, db, credentials)
    }

    /// As [`Collector::from_config`], with the credentials given explicitly (tests).
    pub fn with_credentials(
        config: std::sync::Arc<Config>,
        db: Db,
        credentials: crate::config::Credentials,
    ) -> Result<Self, GhError> {
        let settings = crate::github::ClientSettings {
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
        let client = GitHubClient::with_credentials(settings, credentials)?;
        Ok(Collector::new(config, db, client))
    }
}

/// What names an item: its numeric GitHub `id`, else a commit's `sha`, else its `node_id`
/// (read from a page's text by `client::Page` the same way).
pub(super) fn item_identity(value: &serde_json::Value) -> Option<String> {
    crate::github::client::identity(value)
}

/// The key an item is quarantined under: its identity, else a hash of its JSON.
pub fn item_key(value: &serde_json::Value) -> String {
    item_identity(value).unwrap_or_else(|| hashed_key(value))
}

/// The key of an item without an identity: a hash of its JSON.
pub(super) fn hashed_key(value: &serde_json::Value) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(value.to_string().as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

#[cfg(test)]
mod tests;
