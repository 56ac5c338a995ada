//! The GitHub HTTP client: base URL, auth, conditional requests, rate limits, retries, limits,
//! counters.
//!
//! octocrab carries the transport (TLS, auth header, redirects, connect timeout); this module
//! decides what happens around each request, because octocrab's own retry layer neither backs off
//! nor reads the headers GitHub asks clients to honour (stack.md §2.4):
//! - every exchange (connect, headers and the whole body) has one deadline,
//!   `[github] timeout_secs`; a body that trickles in is cut at the deadline and retried;
//! - bodies are read frame by frame and cut off at `[collector] max_response_bytes` (or a file's
//!   own smaller cap): [`GhError::TooLarge`], never stored;
//! - every response's `x-ratelimit-*` headers are recorded, and the next request waits for the
//!   reset while `remaining <= reserve`. The reserve scales with the limit (2 of an
//!   unauthenticated 60). A reset in the past means no wait; one that is no plausible epoch second
//!   (milliseconds, or over an hour ahead) is treated as unknown: at most one window (3,600 s).
//!   Every wait is logged once with its end and told to the [`WaitObserver`]. Without a token,
//!   or past the run's deadline, the client does not wait: [`GhError::QuotaExhausted`];
//! - 403/429 secondary limits wait for `retry-after` with exponential backoff;
//! - 5xx, timeouts, dropped connections and cut-short or malformed bodies retry with bounded,
//!   jittered backoff; a host that cannot be reached at all (DNS, refused, TLS) is
//!   [`GhError::Unreachable`] after three quick tries;
//! - `202 Accepted` (statistics still being computed) is asked again within about a minute;
//!   `204 No Content` is an empty answer;
//! - GraphQL errors: `RATE_LIMITED`, "Something went wrong" and timeouts are retried; permanent
//!   ones keep GitHub's message verbatim with its path; data that came with them is kept and the
//!   errors are kept as [`GitHubClient::take_problems`] for the step's record;
//! - 304 answers to `If-None-Match` are reported as [`Fetched::NotModified`] and counted.
//!
//! Credentials (see [`keys`] for the rules): the client holds one or more tokens
//! (`GITHUB_TOKENS`), or a GitHub App's installation token, or none. Each has its own rate-limit
//! state per bucket; each request goes out with a live token that is not in its reserve,
//! preferring the one that fetched the request's ETag, else the one with the most remaining,
//! and the client waits only when every token is in its reserve, until the earliest reset. A
//! 401 takes a token out of rotation (logged by position, `GITHUB_TOKENS entry 2`) and the
//! request goes on with another; an App's token is renewed before it runs out and once on a 401
//! ([`auth`]). ETags come back tagged with the fingerprint of the token that fetched them and
//! `If-None-Match` is only ever sent with that token.
//!
//! The parts: [`quota`] (rate limits, choosing the credential, waits, backoff), [`response`]
//! (classifying answers, reading bodies under the caps), [`graphql`] (envelopes, errors, node
//! batches), [`auth`] (the App's key and installation tokens, 401s) and [`transport`]
//! (octocrab's stack, sending with a credential, JSON, header and link helpers), with [`page`] (a
//! listing's page read without building its JSON), over [`types`] (settings, answers, counters,
//! attempts, the fixed limits and [`GitHubClient`]'s fields) and [`keys`] (the credentials and
//! their rate-limit state, a leaf); this file holds the client's constructor and its retry loop.
//! The parts import `types`, `keys` and `transport`, never this file, and this file imports only
//! those, `page` and `auth`'s key check, so no import runs back.
//!
//! Requests are serial, as GitHub asks: one exchange at a time per client, even while several
//! repositories sync at once over it (their database work overlaps; their requests take turns).
//! Each request is counted in the tally of the step that sent it ([`tally`]), its answer's limits
//! are recorded under the credential it went out with, and a credential's requests in flight
//! count against its reserve.
//! Tokens live in sensitive `Authorization` header values and are never logged; messages name a
//! token by its variable and position.

use std::{
    sync::{Arc, Mutex, atomic::Ordering},
    time::Duration,
};

use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;

mod auth;
mod graphql;
mod keys;
mod page;
mod quota;
mod response;
mod tally;
mod transport;
mod types;

use super::error::GhError;
use crate::config::Credentials;
use auth::app_key;
use keys::{Keyring, Pass, Slot, tag_etag};
pub use page::{Page, identity};
pub use tally::Tally;
pub use transport::next_link;
use transport::*;
use types::*;
pub use types::{ClientSettings, CounterSnapshot, Counters, Fetched, GitHubClient, RateWait, WaitObserver};

impl GitHubClient {
    /// A client with one token (`GITHUB_TOKEN`) or none.
    pub fn new(settings: ClientSettings, token: Option<SecretString>) -> Result<Self, GhError> {
        let credentials = match token {
            Some(token) => Credentials::Tokens { var: "GITHUB_TOKEN", tokens: vec![token] },
            None => Credentials::None,
        };
        Self::with_credentials(settings, credentials)
    }

    /// A client for `credentials`: one slot per token, or the App's installation (its key is
    /// checked now by signing a JWT: a key that cannot sign is a configuration error naming its
    /// variable), or none.
    pub fn with_credentials(settings: ClientSettings, credentials: Credentials) -> Result<Self, GhError> {
        let rest = build_octocrab(&settings.api_url, &settings)?;
        let gql =
            url::Url::parse(&settings.graphql_url).map_err(|e| GhError::Config(format!("github.graphql_url: {e}")))?;
        let origin = gql.origin().ascii_serialization();
        let graphql = build_octocrab(&origin, &settings)?;
        let graphql_path = gql.path().to_owned();
        let (slots, app, token_var) = match credentials {
            Credentials::None => (vec![Slot::new("no token".to_owned(), None, None)], None, "GITHUB_TOKEN"),
            Credentials::Tokens { var, tokens } => {
                let many = tokens.len() > 1;
                let mut slots = Vec::with_capacity(tokens.len());
                for (i, token) in tokens.iter().enumerate() {
                    let label = if many { format!("{var} entry {}", i + 1) } else { var.to_owned() };
                    let header = bearer(token.expose_secret(), &label)?;
                    slots.push(Slot::new(label, Some(token.expose_secret()), Some(header)));
                }
                (slots, None, var)
            }
            Credentials::App(app) => {
                let key = app_key(&app)?;
                let label = format!("the GitHub App's installation {}", app.installation_id);
                let identity = format!("github app {} installation {}", app.app_id, app.installation_id);
                (vec![Slot::new(label, Some(&identity), None)], Some(key), app.key_var)
            }
        };
        let authenticated = app.is_some() || slots[0].header.is_some();
        Ok(GitHubClient {
            rest,
            graphql,
            graphql_path,
            settings,
            counters: Arc::default(),
            keys: Mutex::new(Keyring::new(slots)),
            app,
            wait_observer: Mutex::default(),
            authenticated,
            token_var,
            deadline: Mutex::default(),
            problems: Mutex::default(),
            renewing: tokio::sync::Mutex::default(),
            one_at_a_time: tokio::sync::Mutex::default(),
        })
    }

    /// Whether requests carry a token.
    pub fn is_authenticated(&self) -> bool {
        self.authenticated
    }

    /// Puts tokens rejected in an earlier run back in rotation (called as a run starts): a 401
    /// takes a token out for the rest of its run only, so a long-lived `serve` tries it once a
    /// run and says so, rather than dropping it for good.
    pub fn restore_rejected(&self) {
        let mut keys = self.keys.lock().expect("keys lock");
        keys.slots.iter_mut().for_each(|s| s.rejected = false);
    }

    /// Requests sent so far with each credential, by its label (`GITHUB_TOKENS entry 2`), and
    /// whether GitHub rejected it.
    pub fn requests_by_credential(&self) -> Vec<(String, u64, bool)> {
        let keys = self.keys.lock().expect("keys lock");
        keys.slots.iter().map(|s| (s.label.clone(), s.requests, s.rejected)).collect()
    }

    /// Installs the observer told about rate-limit waits (replacing any earlier one).
    pub fn set_wait_observer(&self, observer: Option<WaitObserver>) {
        *self.wait_observer.lock().expect("observer lock") = observer;
    }

    /// The run's deadline: a rate-limit wait that would pass it stops with
    /// [`GhError::QuotaExhausted`] instead of sleeping.
    pub fn set_deadline(&self, deadline: Option<tokio::time::Instant>) {
        *self.deadline.lock().expect("deadline lock") = deadline;
    }

    pub fn counters(&self) -> CounterSnapshot {
        CounterSnapshot {
            requests: self.counters.requests.load(Ordering::Relaxed),
            not_modified: self.counters.not_modified.load(Ordering::Relaxed),
        }
    }

    /// GET `path` (a path and query, or a `Link` URL), conditionally when `etag` is given.
    pub async fn get<T: DeserializeOwned>(&self, path: &str, etag: Option<&str>) -> Result<Fetched<T>, GhError> {
        self.get_capped(path, etag, self.settings.max_response_bytes).await
    }

    /// As [`Self::get`], with a body cap below `max_response_bytes` (files such as FUNDING.yml).
    pub async fn get_capped<T: DeserializeOwned>(
        &self,
        path: &str,
        etag: Option<&str>,
        cap: u64,
    ) -> Result<Fetched<T>, GhError> {
        self.get_parsed(path, etag, cap, parse_json::<T>).await
    }

    /// GET one page of a listing as its body and item identities ([`Page`]), conditionally when
    /// `etag` is given: answers are retried and refused exactly as [`Self::get`] for a
    /// `Vec<serde_json::Value>` would, without building the values.
    pub async fn get_page(&self, path: &str, etag: Option<&str>) -> Result<Fetched<Page>, GhError> {
        self.get_parsed(path, etag, self.settings.max_response_bytes, Page::parse).await
    }

    async fn get_parsed<T>(
        &self,
        path: &str,
        etag: Option<&str>,
        cap: u64,
        parse: fn(&str) -> Result<T, serde_json::Error>,
    ) -> Result<Fetched<T>, GhError> {
        let path = path_and_query(path);
        let cap = cap.min(self.settings.max_response_bytes);
        self.until_ready(&path, || self.conditional_get(&path, etag, cap, parse)).await
    }

    /// GET `path` as text rather than JSON (a file on another host, such as a funding.json
    /// manifest, which may not parse), conditionally when `etag` is given, reading at most `cap`
    /// bytes.
    pub async fn get_text(&self, path: &str, etag: Option<&str>, cap: u64) -> Result<Fetched<String>, GhError> {
        let path = path_and_query(path);
        let cap = cap.min(self.settings.max_response_bytes);
        self.conditional_get(&path, etag, cap, |body| Ok::<_, serde_json::Error>(body.to_owned())).await
    }

    /// One GET with retries: `If-None-Match` goes only with the credential that fetched `etag`
    /// (see `keys.rs`), and a fresh answer's ETag comes back tagged with the credential used.
    async fn conditional_get<T>(
        &self,
        path: &str,
        etag: Option<&str>,
        cap: u64,
        parse: impl Fn(&str) -> Result<T, serde_json::Error> + Copy,
    ) -> Result<Fetched<T>, GhError> {
        self.with_retries(path, "core", etag, |pass| async move {
            let response = get_with(&self.rest, path, &pass).await;
            let attempt = self.classify_response(path, pass.slot, response, cap, parse).await?;
            Ok(match attempt {
                Attempt::Done(Fetched::Fresh { value, etag, next }) => {
                    let etag = etag.map(|e| tag_etag(pass.fingerprint.as_deref(), e));
                    Attempt::Done(Fetched::Fresh { value, etag, next })
                }
                other => other,
            })
        })
        .await
    }

    /// Asks again while the answer is `202 Accepted`, backing off, for about a minute in all.
    async fn until_ready<T, F, Fut>(&self, url: &str, mut ask: F) -> Result<Fetched<T>, GhError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Fetched<T>, GhError>>,
    {
        let mut waited = Duration::ZERO;
        for n in 0.. {
            match ask().await? {
                Fetched::Pending if waited < PENDING_BUDGET => {
                    let step = Duration::from_secs(1u64 << n.min(6)).min(self.settings.backoff_max);
                    let wait = step.min(PENDING_BUDGET - waited);
                    tracing::info!(
                        url,
                        wait_secs = wait.as_secs_f64(),
                        "202 Accepted: GitHub is still computing; asking again"
                    );
                    tokio::time::sleep(wait).await;
                    waited += wait;
                }
                other => return Ok(other),
            }
        }
        unreachable!("the loop returns")
    }

    /// Sends `attempt` until it is done, retrying as the module doc says. Each try goes out with
    /// the credential [`Self::ready`] picks (`etag` is the stored ETag, tagged with its
    /// credential); a 401 takes that credential out of rotation and tries another
    /// ([`Self::rejected`]) without counting as a retry.
    async fn with_retries<T, F, Fut>(
        &self,
        url: &str,
        bucket: &str,
        etag: Option<&str>,
        mut attempt: F,
    ) -> Result<T, GhError>
    where
        F: FnMut(Pass) -> Fut,
        Fut: Future<Output = Result<Attempt<T>, GhError>>,
    {
        let (mut transient, mut connect, mut malformed) = (0u32, 0u32, 0u32);
        let malformed_tries = if bucket == "graphql" { GRAPHQL_MALFORMED_TRIES } else { self.settings.max_retries + 1 };
        let mut renewed = false;
        loop {
            let turn = self.one_at_a_time.lock().await;
            let (pass, sending) = self.ready(bucket, etag).await?;
            self.count(CounterSnapshot { requests: 1, not_modified: 0 });
            let outcome = match tokio::time::timeout(self.settings.timeout, attempt(pass.clone())).await {
                Ok(Err(GhError::Unauthorized { message, hint })) => {
                    self.rejected(&pass, message, hint, &mut renewed)?;
                    continue;
                }
                Ok(outcome) => outcome?,
                Err(_) => Attempt::Retry {
                    reason: format!(
                        "no complete answer within {} s (github.timeout_secs)",
                        self.settings.timeout.as_secs_f64()
                    ),
                    wait: None,
                    kind: RetryKind::Timeout,
                },
            };
            drop((sending, turn));
            let (reason, wait, kind) = match outcome {
                Attempt::Done(value) => return Ok(value),
                Attempt::Retry { reason, wait, kind } => (reason, wait, kind),
            };
            let n = transient + connect + malformed;
            let give_up = match kind {
                RetryKind::Connect => {
                    connect += 1;
                    connect >= CONNECT_TRIES
                }
                RetryKind::Malformed => {
                    malformed += 1;
                    malformed >= malformed_tries
                }
                RetryKind::Transient | RetryKind::Timeout => {
                    transient += 1;
                    transient > self.settings.max_retries
                }
            };
            if give_up {
                let full = self.full_url(url, bucket);
                return Err(match kind {
                    RetryKind::Connect => GhError::Unreachable { url: full, cause: reason },
                    RetryKind::Malformed => GhError::Malformed { url: full, problem: reason },
                    RetryKind::Transient | RetryKind::Timeout => GhError::GaveUp {
                        url: url.to_owned(),
                        attempts: n + 1,
                        last: reason,
                        timed_out: kind == RetryKind::Timeout,
                    },
                });
            }
            let backoff = self.backoff(n);
            let wait = match kind {
                // A host that cannot be reached ends the run within seconds.
                RetryKind::Connect => backoff.min(Duration::from_secs(1)),
                _ => wait.map_or(backoff, |w| w.max(backoff)),
            };
            self.check_deadline(url, bucket, wait)?;
            tracing::warn!(url, attempt = n + 1, wait_ms = wait.as_millis() as u64, "{reason}; retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// `url` as a user can look it up: with the host (a path alone names no server).
    fn full_url(&self, url: &str, bucket: &str) -> String {
        if url.starts_with("http://") || url.starts_with("https://") {
            return url.to_owned();
        }
        if bucket == "graphql" {
            return self.settings.graphql_url.clone();
        }
        let base = url::Url::parse(&self.settings.api_url).map(|u| u.origin().ascii_serialization());
        format!("{}{url}", base.unwrap_or_else(|_| self.settings.api_url.clone()))
    }

    /// A wait that would pass the run's deadline is not started.
    fn check_deadline(&self, url: &str, bucket: &str, wait: Duration) -> Result<(), GhError> {
        let deadline = *self.deadline.lock().expect("deadline lock");
        match deadline {
            Some(at) if tokio::time::Instant::now() + wait > at => Err(GhError::QuotaExhausted {
                bucket: bucket.to_owned(),
                until: utc_clock(chrono::Utc::now().timestamp() + wait.as_secs() as i64),
                hint: format!("waiting for {url} would pass the run's deadline; the next run goes on from here"),
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests;
