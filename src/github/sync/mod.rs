//! One collection run: resolve the tracked repositories, sync each one resource by resource,
//! and record the run.
//!
//! Order per repository (each step is recorded in `sync_run_resources`):
//! 1. `repo`: metadata, conditional on its ETag ([`repo`]);
//! 2. `probe`: `/issues?sort=updated&direction=desc&per_page=1` with the stored ETag. A `304`
//!    means no issue, PR, comment or review changed, so steps 3 to 5 are skipped at no quota
//!    cost. The probe's new ETag is saved only after steps 3 to 5 all succeed;
//! 3. `issues`, `issue_comments`, `review_comments`, `pulls` ([`conversation`]), a page per
//!    statement;
//! 4. `reviews`: GraphQL batches for pull requests changed since the last pass ([`reviews`]);
//! 5. `derived`: first-response facts for changed items;
//! 6. `releases` and `commits` (the default branch's history, [`commits`]), each conditional on its
//!    own ETag ([`extras`]), then `community` (auxiliary: a failure fails only that step);
//! 7. `rollups`: weekly and per-person rollups, brought up to date for the weeks and people the
//!    written rows touched ([`repo`], `db::rollups`);
//! 8. `funding`, `sponsorable`, `manifest`, `funding_yml`, `open_collective` ([`funding`],
//!    [`funding_yml`]), after the rollups because `sponsorable` asks for the maintainers they
//!    infer; their failures do not fail the repository.
//!
//! Failure policy: a repository that fails is recorded and the run goes on with the next one;
//! a 401 stops the run (every repository would fail the same way).

pub mod commits;
pub mod context;
pub mod conversation;
pub mod extras;
pub mod funding;
pub mod funding_yml;
pub mod newcomers;
pub mod progress;
pub mod repo;
pub mod repo_file;
pub mod reviews;
pub mod run;

use std::{collections::HashMap, sync::Mutex};

use serde::de::DeserializeOwned;

use super::{Fetched, GhError, GitHubClient, client::CounterSnapshot};
use crate::config::Config;
use crate::db::{self, Db, WriteTx, accounts::AccountRow, runs};
pub use run::{CollectSummary, RunError, RunOptions};

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
///
/// Each page is read as JSON values and decoded item by item: an item that does not decode is
/// quarantined (stored raw with the reason, `db::quarantine`) and the rest of the page goes on;
/// an item quarantined earlier that now decodes is released. The walk is bounded: it stops with
/// [`GhError::Runaway`] when a `next` link repeats a page already read, when
/// [`STALE_PAGES`] pages in a row bring only items already seen, or past `[collector] max_pages`.
/// A 404 on a later page says the listing changed under the walk, not that the repository went.
pub struct Pages<'a, T> {
    c: &'a Collector,
    scope: String,
    resource: String,
    next: Option<String>,
    etag: Option<String>,
    pages: u64,
    /// Every URL read in this listing (bounded by `max_pages`).
    visited: std::collections::HashSet<String>,
    /// Item identities of the last few pages, to notice pages that repeat them.
    recent: std::collections::VecDeque<std::collections::HashSet<String>>,
    stale: u32,
    /// Keys of this step's items in quarantine, loaded with the first page.
    quarantined: Option<std::collections::HashSet<String>>,
    /// The raw JSON of the items last returned, index for index.
    raw: Vec<serde_json::Value>,
    /// How the walk went: `NotModified`/`Pending` on the first page, else `Done` with its ETag.
    pub outcome: Walk,
    _items: std::marker::PhantomData<T>,
}

/// Pages in a row with no item not already seen before a walk stops.
pub const STALE_PAGES: u32 = 3;
/// Pages whose item ids are remembered for that check.
const RECENT_PAGES: usize = 10;

impl<T: DeserializeOwned> Pages<'_, T> {
    /// The next page, or `None` when the listing is exhausted (or unchanged / not ready).
    pub async fn next(&mut self) -> Result<Option<Vec<T>>, SyncError> {
        let Some(url) = self.next.take() else { return Ok(None) };
        let first = self.pages == 0;
        self.check_bounds(&url)?;
        let etag = if first { self.etag.take() } else { None };
        let fetched = match self.c.client.get::<Vec<serde_json::Value>>(&url, etag.as_deref()).await {
            Err(GhError::NotFound { url, .. }) if !first => {
                let problem = format!(
                    "page {} answered 404 Not Found: the listing changed while it was read; the next run reads it again",
                    self.pages
                );
                return Err(GhError::Runaway { url, problem }.into());
            }
            other => other?,
        };
        match fetched {
            Fetched::NotModified => self.outcome = Walk::NotModified,
            Fetched::Pending => self.outcome = Walk::Pending,
            Fetched::Fresh { value, etag, next } => {
                if first {
                    self.outcome = Walk::Done { etag };
                }
                self.check_progress(&url, &value, next.is_some())?;
                self.next = next;
                return Ok(Some(self.decode(value).await?));
            }
        }
        Ok(None)
    }

    /// The raw JSON of item `i` of the page last returned.
    pub fn raw(&self, i: usize) -> Option<&serde_json::Value> {
        self.raw.get(i)
    }

    fn check_bounds(&mut self, url: &str) -> Result<(), GhError> {
        let runaway = |problem: String| GhError::Runaway { url: url.to_owned(), problem };
        if !self.visited.insert(url.to_owned()) {
            return Err(runaway("its next link repeats a page already read in this listing".to_owned()));
        }
        self.pages += 1;
        let max = self.c.config.collector.max_pages;
        if self.pages > max {
            return Err(runaway(format!("the listing passed {max} pages (collector.max_pages)")));
        }
        Ok(())
    }

    /// Stops a listing whose pages keep bringing only items it has already seen.
    fn check_progress(&mut self, url: &str, items: &[serde_json::Value], more: bool) -> Result<(), GhError> {
        let ids: std::collections::HashSet<String> = items.iter().filter_map(item_identity).collect();
        // An item without an identity cannot be judged: count it as new. An empty page that still
        // links a next one brings nothing new.
        let unknown = ids.len() < items.len();
        let fresh = unknown || ids.iter().any(|id| !self.recent.iter().any(|page| page.contains(id)));
        if !fresh && (more || !ids.is_empty()) {
            self.stale += 1;
            if self.stale >= STALE_PAGES {
                let problem = format!("{STALE_PAGES} pages in a row brought only items already seen in this listing");
                return Err(GhError::Runaway { url: url.to_owned(), problem });
            }
        } else {
            self.stale = 0;
        }
        self.recent.push_back(ids);
        if self.recent.len() > RECENT_PAGES {
            self.recent.pop_front();
        }
        Ok(())
    }

    /// Decodes a page item by item, quarantining what does not decode.
    async fn decode(&mut self, values: Vec<serde_json::Value>) -> Result<Vec<T>, SyncError> {
        if self.quarantined.is_none() {
            let keys = db::quarantine::keys(&self.c.db.pool, &self.scope, &self.resource).await?;
            self.quarantined = Some(keys.into_iter().collect());
        }
        let mut items = Vec::with_capacity(values.len());
        self.raw.clear();
        for value in values {
            match T::deserialize(&value) {
                Ok(item) => {
                    let key = item_key(&value);
                    if self.quarantined.as_mut().is_some_and(|q| q.remove(&key)) {
                        db::quarantine::remove(&self.c.db.pool, &self.scope, &self.resource, &key).await?;
                    }
                    items.push(item);
                    self.raw.push(value);
                }
                Err(e) => {
                    let reason = format!("could not be read: {e}");
                    self.c.quarantine(&self.scope, &self.resource, &value, &reason).await?;
                }
            }
        }
        Ok(items)
    }
}

/// What names an item: its numeric GitHub `id`, else a commit's `sha`, else its `node_id`.
fn item_identity(value: &serde_json::Value) -> Option<String> {
    if let Some(id) = value.get("id").and_then(serde_json::Value::as_i64) {
        return Some(id.to_string());
    }
    ["sha", "node_id"].iter().find_map(|k| value.get(*k).and_then(serde_json::Value::as_str)).map(str::to_owned)
}

/// The key an item is quarantined under: its identity, else a hash of its JSON.
pub fn item_key(value: &serde_json::Value) -> String {
    match item_identity(value) {
        Some(id) => id,
        None => {
            use sha2::{Digest, Sha256};
            let digest = Sha256::digest(value.to_string().as_bytes());
            let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
            format!("sha256:{hex}")
        }
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
        db::accounts::upsert_accounts(&mut **tx, &rows).await
    }

    /// A cursor over the listing at `first` (conditional on `etag`) for step `resource` of
    /// `scope`, which its quarantined items are recorded under.
    pub(crate) fn pages<T: DeserializeOwned>(
        &self,
        scope: &str,
        resource: &str,
        first: &str,
        etag: Option<&str>,
    ) -> Pages<'_, T> {
        Pages {
            c: self,
            scope: scope.to_owned(),
            resource: resource.to_owned(),
            next: Some(first.to_owned()),
            etag: etag.map(str::to_owned),
            pages: 0,
            visited: std::collections::HashSet::new(),
            recent: std::collections::VecDeque::new(),
            stale: 0,
            quarantined: None,
            raw: Vec::new(),
            outcome: Walk::Done { etag: None },
            _items: std::marker::PhantomData,
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
