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
//! Requests are strictly serial: one client is used by one sync at a time, as GitHub asks.
//! The token lives inside octocrab as a `SecretString` and is never logged.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use http::{HeaderMap, StatusCode, header};
use http_body_util::BodyExt;
use octocrab::Octocrab;
use rand::Rng;
use secrecy::SecretString;
use serde::{Serialize, de::DeserializeOwned};

use super::error::GhError;
use super::wire::ErrorBody;

/// What octocrab's raw calls return.
type RawResponse = http::Response<http_body_util::combinators::BoxBody<bytes::Bytes, octocrab::Error>>;

/// One rate-limit window, GitHub's for REST and GraphQL alike.
const WINDOW_SECS: i64 = 3_600;
/// The limit the configured reserve is written for (an authenticated token's).
const REFERENCE_LIMIT: u64 = 5_000;
/// Without a token the client waits this long at most for the limit; longer, it stops.
const UNAUTHENTICATED_MAX_WAIT: Duration = Duration::from_secs(60);
/// How long `202 Accepted` answers are asked again, in all.
const PENDING_BUDGET: Duration = Duration::from_secs(60);
/// Tries before a host that cannot be reached ends the run.
const CONNECT_TRIES: u32 = 3;
/// Tries of a GraphQL answer that is not JSON (the first and one retry).
const GRAPHQL_MALFORMED_TRIES: u32 = 2;

/// How the client talks to GitHub; built from `[github]` and `[collector]` config.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    pub api_url: String,
    pub graphql_url: String,
    pub user_agent: String,
    /// Deadline of one whole exchange: connect, headers and body.
    pub timeout: Duration,
    pub reserve: u64,
    pub max_retries: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Largest body read (`[collector] max_response_bytes`).
    pub max_response_bytes: u64,
}

/// The answer to a GET.
#[derive(Debug)]
pub enum Fetched<T> {
    /// `304`: unchanged since the ETag we sent; free of quota.
    NotModified,
    /// `202`: GitHub was still computing (statistics endpoints) after about a minute of asking.
    Pending,
    Fresh {
        value: T,
        etag: Option<String>,
        next: Option<String>,
    },
}

/// Request counters, read by the sync to report per-resource and per-run numbers.
#[derive(Debug, Default)]
pub struct Counters {
    pub requests: AtomicU64,
    pub not_modified: AtomicU64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CounterSnapshot {
    pub requests: u64,
    pub not_modified: u64,
}

impl std::ops::Sub for CounterSnapshot {
    type Output = CounterSnapshot;
    fn sub(self, rhs: Self) -> Self {
        CounterSnapshot { requests: self.requests - rhs.requests, not_modified: self.not_modified - rhs.not_modified }
    }
}

/// A pause for the rate limit, as told to the [`WaitObserver`]: `None` when the pause is over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateWait {
    /// `core` or `graphql`.
    pub bucket: String,
    /// When the wait ends, unix seconds.
    pub until: i64,
}

/// Told when the client starts (`Some`) and ends (`None`) a wait for the rate limit, so the
/// progress bar and `/status` can say so.
pub type WaitObserver = Arc<dyn Fn(Option<RateWait>) + Send + Sync>;

/// The last rate-limit headers seen in one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Quota {
    remaining: u64,
    limit: Option<u64>,
    /// `x-ratelimit-reset` as sent (not necessarily a plausible epoch second).
    reset: i64,
}

/// The last rate-limit headers seen, per bucket (`core`, `graphql`).
#[derive(Debug, Default)]
struct Limits {
    core: Option<Quota>,
    graphql: Option<Quota>,
}

impl Limits {
    fn slot(&mut self, bucket: &str) -> &mut Option<Quota> {
        if bucket == "graphql" { &mut self.graphql } else { &mut self.core }
    }
}

/// When a rate-limit window resets, judged against now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reset {
    /// Already past: no wait.
    Past,
    /// A plausible epoch second within the next window.
    At(i64),
    /// Milliseconds, or more than a window ahead: unknown, so at most one window.
    Implausible,
}

fn judge_reset(reset: i64, now: i64) -> Reset {
    if reset <= now {
        Reset::Past
    } else if reset > now + WINDOW_SECS {
        Reset::Implausible
    } else {
        Reset::At(reset)
    }
}

/// The reserve for a window of `limit` requests: the configured one is written for 5,000, so it
/// scales with the limit and always leaves at least one request usable.
fn effective_reserve(reserve: u64, limit: Option<u64>) -> u64 {
    match limit {
        Some(limit) if limit > 0 => (reserve.saturating_mul(limit) / REFERENCE_LIMIT).min(limit - 1),
        Some(_) => 0,
        None => reserve,
    }
}

pub struct GitHubClient {
    rest: Octocrab,
    graphql: Octocrab,
    graphql_path: String,
    settings: ClientSettings,
    counters: Arc<Counters>,
    limits: Mutex<Limits>,
    wait_observer: Mutex<Option<WaitObserver>>,
    /// Whether requests carry a token; `token_var` names the variable it came from.
    authenticated: bool,
    token_var: &'static str,
    deadline: Mutex<Option<tokio::time::Instant>>,
    /// Permanent GraphQL errors that came with data (kept); drained by the step that asked.
    problems: Mutex<Vec<String>>,
}

/// Why one attempt should be tried again.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RetryKind {
    /// 5xx, secondary limits, dropped connections, cut-short bodies.
    Transient,
    /// A time-out: the exchange deadline, 502/504, GraphQL's "Something went wrong". Transient,
    /// and a smaller request may avoid it.
    Timeout,
    /// The connection itself failed (DNS, refused, TLS): the host may be unreachable.
    Connect,
    /// The body was not the JSON expected (`problem` keeps serde's line and column).
    Malformed,
}

/// What one attempt produced, before the retry policy decides.
enum Attempt<T> {
    Done(T),
    Retry { reason: String, wait: Option<Duration>, kind: RetryKind },
}

impl GitHubClient {
    pub fn new(settings: ClientSettings, token: Option<SecretString>) -> Result<Self, GhError> {
        let authenticated = token.is_some();
        let rest = build_octocrab(&settings.api_url, &settings, token.clone())?;
        let gql =
            url::Url::parse(&settings.graphql_url).map_err(|e| GhError::Config(format!("github.graphql_url: {e}")))?;
        let origin = gql.origin().ascii_serialization();
        let graphql = build_octocrab(&origin, &settings, token)?;
        let graphql_path = gql.path().to_owned();
        Ok(GitHubClient {
            rest,
            graphql,
            graphql_path,
            settings,
            counters: Arc::default(),
            limits: Mutex::default(),
            wait_observer: Mutex::default(),
            authenticated,
            token_var: "GITHUB_TOKEN",
            deadline: Mutex::default(),
            problems: Mutex::default(),
        })
    }

    /// Names the environment variable the token came from, for the 401 message.
    pub fn with_token_var(mut self, var: &'static str) -> Self {
        self.token_var = var;
        self
    }

    /// Whether requests carry a token.
    pub fn is_authenticated(&self) -> bool {
        self.authenticated
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

    /// Permanent GraphQL errors that came back with data since the last call (the data was kept).
    pub fn take_problems(&self) -> Vec<String> {
        std::mem::take(&mut *self.problems.lock().expect("problems lock"))
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
        let path = path_and_query(path);
        let cap = cap.min(self.settings.max_response_bytes);
        self.until_ready(&path, || async {
            self.with_retries(&path, "core", || async {
                let response = self.rest._get_with_headers(path.as_str(), Some(if_none_match(etag))).await;
                self.classify_response(&path, response, cap, |body| parse_json::<T>(body)).await
            })
            .await
        })
        .await
    }

    /// GET `path` as text rather than JSON (a file on another host, such as a funding.json
    /// manifest, which may not parse), conditionally when `etag` is given, reading at most `cap`
    /// bytes.
    pub async fn get_text(&self, path: &str, etag: Option<&str>, cap: u64) -> Result<Fetched<String>, GhError> {
        let path = path_and_query(path);
        let cap = cap.min(self.settings.max_response_bytes);
        self.with_retries(&path, "core", || async {
            let response = self.rest._get_with_headers(path.as_str(), Some(if_none_match(etag))).await;
            self.classify_response(&path, response, cap, |body| Ok::<_, serde_json::Error>(body.to_owned())).await
        })
        .await
    }

    /// POST a GraphQL query. Transient errors are retried; `NOT_FOUND` is tolerated when data came
    /// back; other errors that came with data are kept for [`Self::take_problems`], and without
    /// data they fail with GitHub's messages and paths.
    pub async fn graphql<T: DeserializeOwned>(&self, query: &str, variables: serde_json::Value) -> Result<T, GhError> {
        let payload = GraphqlRequest { query, variables };
        let path = self.graphql_path.clone();
        self.with_retries(&path, "graphql", || async {
            let response = self.graphql._post(path.as_str(), Some(&payload)).await;
            self.classify_graphql(&path, response).await
        })
        .await
    }

    /// A `nodes(ids: $ids)` query over `ids`, in one request while it works: a batch that keeps
    /// timing out on GitHub's side is split in half (down to a single id) and the halves' nodes
    /// are joined in order. `N` is one node; missing nodes are `None`, as GitHub sends them.
    pub async fn graphql_nodes<N: DeserializeOwned>(
        &self,
        query: &str,
        ids: &[String],
    ) -> Result<Vec<Option<N>>, GhError> {
        #[derive(serde::Deserialize)]
        struct Nodes<N> {
            #[serde(default = "Vec::new")]
            nodes: Vec<Option<N>>,
        }
        let mut out = Vec::with_capacity(ids.len());
        let mut todo = vec![0..ids.len()];
        while let Some(range) = todo.pop() {
            let batch = &ids[range.clone()];
            match self.graphql::<Nodes<N>>(query, serde_json::json!({ "ids": batch })).await {
                Ok(data) => out.extend(data.nodes),
                Err(GhError::GaveUp { timed_out: true, .. }) if batch.len() > 1 => {
                    let mid = range.start + batch.len() / 2;
                    tracing::warn!(ids = batch.len(), "a GraphQL batch keeps timing out; splitting it in half");
                    // Last in, first out: the first half is asked first, so nodes stay in order.
                    todo.push(mid..range.end);
                    todo.push(range.start..mid);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
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

    async fn with_retries<T, F, Fut>(&self, url: &str, bucket: &str, mut attempt: F) -> Result<T, GhError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Attempt<T>, GhError>>,
    {
        let (mut transient, mut connect, mut malformed) = (0u32, 0u32, 0u32);
        let malformed_tries = if bucket == "graphql" { GRAPHQL_MALFORMED_TRIES } else { self.settings.max_retries + 1 };
        loop {
            self.wait_for_quota(bucket).await?;
            self.counters.requests.fetch_add(1, Ordering::Relaxed);
            let outcome = match tokio::time::timeout(self.settings.timeout, attempt()).await {
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

    /// Decides on a GET's answer; `parse` turns a 2xx body into `T` (its error is retried).
    async fn classify_response<T>(
        &self,
        url: &str,
        response: octocrab::Result<RawResponse>,
        cap: u64,
        parse: impl FnOnce(&str) -> Result<T, serde_json::Error>,
    ) -> Result<Attempt<Fetched<T>>, GhError> {
        let response = match response {
            Ok(r) => r,
            Err(e) => return Ok(transport_retry(&e)),
        };
        let status = response.status();
        self.record_limits(response.headers());
        if status == StatusCode::NOT_MODIFIED {
            self.counters.not_modified.fetch_add(1, Ordering::Relaxed);
            return Ok(Attempt::Done(Fetched::NotModified));
        }
        if status == StatusCode::ACCEPTED {
            return Ok(Attempt::Done(Fetched::Pending));
        }
        let headers = response.headers().clone();
        let etag = header_str(&headers, header::ETAG.as_str());
        let next = headers.get(header::LINK).and_then(|v| v.to_str().ok()).and_then(next_link);
        let body = match self.read_body(url, response, cap).await? {
            Ok(body) => body,
            Err(retry) => return Ok(retry),
        };
        if status.is_success() {
            return match parse(&body) {
                Ok(value) => Ok(Attempt::Done(Fetched::Fresh { value, etag, next })),
                // Well-formed JSON of another shape: asking again brings the same answer.
                Err(e) if e.classify() == serde_json::error::Category::Data => Err(GhError::Malformed {
                    url: self.full_url(url, "core"),
                    problem: format!("unexpected shape: {e}"),
                }),
                // Cut short or garbled on the way: worth another try.
                Err(e) => Ok(Attempt::Retry { reason: e.to_string(), wait: None, kind: RetryKind::Malformed }),
            };
        }
        self.classify_failure(url, status, &headers, &body)
    }

    /// Reads a body frame by frame, stopping at `cap` bytes: `Err(TooLarge)` past it, a retry when
    /// the connection drops or the bytes are not UTF-8.
    async fn read_body<T>(
        &self,
        url: &str,
        response: RawResponse,
        cap: u64,
    ) -> Result<Result<String, Attempt<T>>, GhError> {
        let too_large = || GhError::TooLarge { url: self.full_url(url, "core"), limit: cap };
        let announced =
            header_str(response.headers(), header::CONTENT_LENGTH.as_str()).and_then(|v| v.parse::<u64>().ok());
        if announced.is_some_and(|n| n > cap) {
            return Err(too_large());
        }
        let mut body = response.into_body();
        let mut bytes: Vec<u8> = Vec::with_capacity(announced.unwrap_or(0).min(cap) as usize);
        while let Some(frame) = body.frame().await {
            let frame = match frame {
                Ok(frame) => frame,
                Err(e) => {
                    let reason = format!("the response body was cut short ({})", error_chain(&e));
                    return Ok(Err(Attempt::Retry { reason, wait: None, kind: RetryKind::Transient }));
                }
            };
            if let Ok(data) = frame.into_data() {
                if bytes.len() as u64 + data.len() as u64 > cap {
                    return Err(too_large());
                }
                bytes.extend_from_slice(&data);
            }
        }
        Ok(String::from_utf8(bytes).map_err(|e| Attempt::Retry {
            reason: format!("the response body is not UTF-8 ({e})"),
            wait: None,
            kind: RetryKind::Malformed,
        }))
    }

    async fn classify_graphql<T: DeserializeOwned>(
        &self,
        url: &str,
        response: octocrab::Result<RawResponse>,
    ) -> Result<Attempt<T>, GhError> {
        let response = match response {
            Ok(r) => r,
            Err(e) => return Ok(transport_retry(&e)),
        };
        let status = response.status();
        self.record_limits(response.headers());
        let headers = response.headers().clone();
        let body = match self.read_body(url, response, self.settings.max_response_bytes).await? {
            Ok(body) => body,
            Err(retry) => return Ok(retry),
        };
        if !status.is_success() {
            return self.classify_failure(url, status, &headers, &body);
        }
        let envelope: GraphqlResponse = match serde_json::from_str(&body) {
            Ok(v) => v,
            Err(e) => {
                let reason = format!("malformed GraphQL JSON: {e}");
                return Ok(Attempt::Retry { reason, wait: None, kind: RetryKind::Malformed });
            }
        };
        let errors = envelope.errors.unwrap_or_default();
        if let Some(e) = errors.iter().find(|e| e.is_transient()) {
            let wait = if e.kind.as_deref() == Some("RATE_LIMITED") {
                // GitHub reports GraphQL rate limits as HTTP 200 (stack.md §2.5): the next
                // attempt waits for the reset the headers gave.
                self.mark_spent("graphql");
                None
            } else {
                None
            };
            let kind =
                if e.kind.as_deref() == Some("RATE_LIMITED") { RetryKind::Transient } else { RetryKind::Timeout };
            return Ok(Attempt::Retry { reason: format!("GraphQL: {}", e.describe()), wait, kind });
        }
        let permanent: Vec<String> =
            errors.iter().filter(|e| e.kind.as_deref() != Some("NOT_FOUND")).map(GraphqlError::describe).collect();
        let data = envelope.data.filter(|d| !d.is_null());
        let Some(data) = data else {
            let all: Vec<String> = errors.iter().map(GraphqlError::describe).collect();
            return Err(GhError::Graphql(if all.is_empty() {
                "the response had neither data nor errors".to_owned()
            } else {
                all.join("; ")
            }));
        };
        match T::deserialize(data) {
            Ok(value) => {
                if !permanent.is_empty() {
                    tracing::warn!(url, errors = %permanent.join("; "), "GraphQL answered with errors; the data that came is kept");
                    self.problems.lock().expect("problems lock").extend(permanent);
                }
                Ok(Attempt::Done(value))
            }
            Err(e) if !permanent.is_empty() => {
                Err(GhError::Graphql(format!("{} (the data that came could not be read: {e})", permanent.join("; "))))
            }
            Err(e) => Err(GhError::Graphql(format!("unexpected data from {}: {e}", self.full_url(url, "graphql")))),
        }
    }

    /// Decides on a non-2xx answer: retry (5xx, limits) or a typed error.
    fn classify_failure<T>(
        &self,
        url: &str,
        status: StatusCode,
        headers: &HeaderMap,
        body: &str,
    ) -> Result<Attempt<T>, GhError> {
        let message = serde_json::from_str::<ErrorBody>(body).map(|b| b.message).unwrap_or_default();
        let retry_after = retry_after(headers);
        let spent = header_str(headers, "x-ratelimit-remaining").is_some_and(|v| v.trim() == "0");
        let transient = |reason: String, wait| Ok(Attempt::Retry { reason, wait, kind: RetryKind::Transient });
        match status.as_u16() {
            401 => Err(GhError::Unauthorized {
                message: or_status(message, "Bad credentials"),
                hint: self.token_hint(headers),
            }),
            403 if header_str(headers, "x-github-sso").is_some() => Err(GhError::SsoRequired {
                url: self.full_url(url, "core"),
                authorize_url: sso_url(&header_str(headers, "x-github-sso").unwrap_or_default()),
            }),
            403 | 429 if retry_after.is_some() => transient(format!("secondary rate limit ({status})"), retry_after),
            403 | 429 if spent => {
                // The next attempt's quota check waits for the reset (with the checks that apply).
                transient(format!("primary rate limit exhausted ({status})"), None)
            }
            429 => transient(format!("too many requests ({status})"), None),
            403 if message.to_lowercase().contains("rate limit") => transient(format!("rate limited: {message}"), None),
            403 => Err(GhError::Forbidden { url: self.full_url(url, "core"), message }),
            404 | 410 => Err(GhError::NotFound { url: self.full_url(url, "core"), hint: String::new() }),
            502 | 504 => {
                Ok(Attempt::Retry { reason: format!("server error {status}"), wait: None, kind: RetryKind::Timeout })
            }
            500..=599 => transient(format!("server error {status}"), None),
            _ => Err(GhError::Status { url: self.full_url(url, "core"), status: status.as_u16(), message }),
        }
    }

    /// What to do about a 401: which variable the token came from, or that there is none; with
    /// `X-GitHub-OTP`, that a password was sent where a token is needed.
    fn token_hint(&self, headers: &HeaderMap) -> String {
        if header_str(headers, "x-github-otp").is_some() {
            return format!(
                "the account uses two-factor authentication, so GitHub needs a personal access token, not a password:                  create one at https://github.com/settings/tokens and put it in {}",
                self.token_var
            );
        }
        if self.authenticated {
            format!(
                "the token in {} is wrong, expired or revoked: create a new one at https://github.com/settings/tokens",
                self.token_var
            )
        } else {
            "no token was sent: set GITHUB_TOKEN or GH_TOKEN".to_owned()
        }
    }

    fn record_limits(&self, headers: &HeaderMap) {
        let number = |name| header_str(headers, name).and_then(|v| v.trim().parse::<i64>().ok());
        let (Some(remaining), Some(reset)) = (number("x-ratelimit-remaining"), number("x-ratelimit-reset")) else {
            return;
        };
        let limit = number("x-ratelimit-limit").and_then(|l| u64::try_from(l).ok());
        let bucket = header_str(headers, "x-ratelimit-resource").unwrap_or_else(|| "core".to_owned());
        let quota = Quota { remaining: u64::try_from(remaining).unwrap_or(0), limit, reset };
        *self.limits.lock().expect("limits lock").slot(&bucket) = Some(quota);
    }

    /// Marks a bucket as spent (a GraphQL `RATE_LIMITED`), keeping the reset already known.
    fn mark_spent(&self, bucket: &str) {
        let mut limits = self.limits.lock().expect("limits lock");
        let slot = limits.slot(bucket);
        let reset = slot.map_or(chrono::Utc::now().timestamp() + WINDOW_SECS, |q| q.reset);
        *slot = Some(Quota { remaining: 0, limit: slot.and_then(|q| q.limit), reset });
    }

    /// Waits for the window to reset while the remaining quota is at or below the reserve.
    async fn wait_for_quota(&self, bucket: &str) -> Result<(), GhError> {
        let Some(quota) = *self.limits.lock().expect("limits lock").slot(bucket) else { return Ok(()) };
        let reserve = effective_reserve(self.settings.reserve, quota.limit);
        if quota.remaining > reserve {
            return Ok(());
        }
        let now = chrono::Utc::now().timestamp();
        let until = match judge_reset(quota.reset, now) {
            Reset::Past => None,
            Reset::At(reset) => Some(reset + 1),
            Reset::Implausible => {
                tracing::warn!(
                    bucket,
                    reset = quota.reset,
                    "x-ratelimit-reset is not a plausible time (milliseconds, or over an hour ahead);                      treating it as unknown and waiting at most one window (3600 s)"
                );
                Some(now + WINDOW_SECS)
            }
        };
        if let Some(until) = until {
            let wait = Duration::from_secs((until - now).max(0) as u64);
            let limit = quota.limit.map_or_else(|| "?".to_owned(), |l| l.to_string());
            if !self.authenticated && wait > UNAUTHENTICATED_MAX_WAIT {
                return Err(GhError::QuotaExhausted {
                    bucket: bucket.to_owned(),
                    until: utc_clock(until),
                    hint: format!(
                        "without a token GitHub allows {limit} requests an hour; set GITHUB_TOKEN or GH_TOKEN                          (a token with no scopes is enough) and run again: what is left stays pending"
                    ),
                });
            }
            self.check_deadline(&format!("the {bucket} rate limit to reset"), bucket, wait)?;
            tracing::warn!(
                bucket,
                remaining = quota.remaining,
                limit = %limit,
                reserve,
                "waiting for the rate limit until {} (UTC)",
                utc_clock(until)
            );
            let observer = self.wait_observer.lock().expect("observer lock").clone();
            if let Some(observer) = &observer {
                observer(Some(RateWait { bucket: bucket.to_owned(), until }));
            }
            tokio::time::sleep(wait).await;
            if let Some(observer) = &observer {
                observer(None);
            }
        }
        *self.limits.lock().expect("limits lock").slot(bucket) = None;
        Ok(())
    }

    /// Exponential backoff with full jitter in [50%, 100%] of the step, capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.settings.backoff_base.as_secs_f64() * 2f64.powi(attempt.min(20) as i32);
        let capped = base.min(self.settings.backoff_max.as_secs_f64());
        Duration::from_secs_f64(capped * rand::thread_rng().gen_range(0.5..=1.0))
    }
}

/// `HH:MM:SS` of a unix time, UTC.
fn utc_clock(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(|| t.to_string(), |d| d.format("%H:%M:%S").to_string())
}

fn or_status(message: String, fallback: &str) -> String {
    if message.is_empty() { fallback.to_owned() } else { message }
}

/// The authorisation URL of an `X-GitHub-SSO: required; url=…` header.
fn sso_url(header: &str) -> String {
    header
        .split(';')
        .find_map(|part| part.trim().strip_prefix("url="))
        .map(str::to_owned)
        .unwrap_or_else(|| "https://github.com/settings/tokens (Configure SSO)".to_owned())
}

/// A JSON body; an empty one (`204 No Content`) is an empty list, or null, whichever `T` takes.
fn parse_json<T: DeserializeOwned>(body: &str) -> Result<T, serde_json::Error> {
    if body.trim().is_empty() {
        return serde_json::from_str("[]").or_else(|_| serde_json::from_str("null"));
    }
    serde_json::from_str(body)
}

/// A transport failure: a connection that never came up is `Connect` (the host may be
/// unreachable), anything else (reset, cut short) is transient.
fn transport_retry<T>(e: &octocrab::Error) -> Attempt<T> {
    let chain = error_chain(e);
    let lower = chain.to_lowercase();
    let connect = [
        "(connect)",
        "dns error",
        "failed to lookup address",
        "connection refused",
        "certificate",
        "tls handshake",
        "invalid dns name",
    ]
    .iter()
    .any(|needle| lower.contains(needle));
    let kind = if connect { RetryKind::Connect } else { RetryKind::Transient };
    Attempt::Retry { reason: format!("transport error: {chain}"), wait: None, kind }
}

/// An error and its sources, joined, without repeats, at most 300 characters (no token is ever
/// part of a transport error).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        let text = err.to_string();
        let text = text.lines().next().unwrap_or_default().to_owned();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = err.source();
    }
    parts.join(": ").chars().take(300).collect()
}

/// `If-None-Match: <etag>` when there is one.
fn if_none_match(etag: Option<&str>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(tag) = etag.and_then(|t| t.parse().ok()) {
        headers.insert(header::IF_NONE_MATCH, tag);
    }
    headers
}

#[derive(Serialize)]
struct GraphqlRequest<'a> {
    query: &'a str,
    variables: serde_json::Value,
}

#[derive(serde::Deserialize)]
struct GraphqlResponse {
    #[serde(default)]
    data: Option<serde_json::Value>,
    #[serde(default)]
    errors: Option<Vec<GraphqlError>>,
}

#[derive(serde::Deserialize)]
struct GraphqlError {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    message: String,
    #[serde(default)]
    path: Option<Vec<serde_json::Value>>,
}

impl GraphqlError {
    /// Rate limits, GitHub's "Something went wrong … timeout" and other time-outs.
    fn is_transient(&self) -> bool {
        let message = self.message.to_lowercase();
        self.kind.as_deref() == Some("RATE_LIMITED")
            || message.contains("something went wrong while executing your query")
            || message.contains("timeout")
            || message.contains("timed out")
    }

    /// `TYPE at a.b.0: message`, GitHub's message verbatim.
    fn describe(&self) -> String {
        let kind = self.kind.as_deref().unwrap_or("ERROR");
        let path = self.path.as_ref().map(|p| {
            p.iter().map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_owned)).collect::<Vec<_>>().join(".")
        });
        match path {
            Some(path) if !path.is_empty() => format!("{kind} at {path}: {}", self.message),
            _ => format!("{kind}: {}", self.message),
        }
    }
}

/// An octocrab instance on a service stack of our own: rustls over hyper (HTTP/1, connect
/// timeout), redirects followed (renamed repositories answer 301), then the base URI and our
/// headers. Built by hand because octocrab's default builder always adds its own `User-Agent:
/// octocrab` beside ours; here every request carries exactly one, `upkeep/<version>` by default.
/// The token goes in a sensitive `Authorization` header, which the redirect layer drops when a
/// redirect leaves the host.
fn build_octocrab(base: &str, s: &ClientSettings, token: Option<SecretString>) -> Result<Octocrab, GhError> {
    use octocrab::service::middleware::{base_uri::BaseUriLayer, extra_headers::ExtraHeadersLayer};
    use secrecy::ExposeSecret;

    let base_uri: http::Uri = base.parse().map_err(|e| GhError::Config(format!("bad GitHub base URL {base}: {e}")))?;
    let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(s.timeout));
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(provider)
        .map_err(|e| GhError::Config(format!("loading the system's TLS root certificates: {e}")))?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, octocrab::OctoBody>(https);
    let client = tower_http::follow_redirect::FollowRedirect::new(client);

    let mut headers = vec![(
        header::USER_AGENT,
        http::HeaderValue::from_str(&s.user_agent)
            .map_err(|e| GhError::Config(format!("github.user_agent {:?}: {e}", s.user_agent)))?,
    )];
    if let Some(token) = token {
        let mut value = http::HeaderValue::from_str(&format!("Bearer {}", token.expose_secret())).map_err(|_| {
            GhError::Config("the token in GITHUB_TOKEN or GH_TOKEN has characters a header cannot carry".into())
        })?;
        value.set_sensitive(true);
        headers.push((header::AUTHORIZATION, value));
    }
    Ok(octocrab::OctocrabBuilder::new_empty()
        .with_service(client)
        .with_layer(&ExtraHeadersLayer::new(Arc::new(headers)))
        .with_layer(&BaseUriLayer::new(base_uri))
        .with_auth(octocrab::AuthState::None)
        .build()
        .unwrap_or_else(|never| match never {}))
}

/// Keeps only the path and query of a `Link` URL, so auth and base-path handling stay ours.
fn path_and_query(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        },
        Err(_) => url.to_owned(),
    }
}

/// The `rel="next"` target of an RFC 5988 `Link` header.
pub fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| p.trim().replace(' ', "") == "rel=\"next\"");
        is_next.then(|| target.trim().trim_start_matches('<').trim_end_matches('>').to_owned())
    })
}

fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name)?.to_str().ok().map(str::to_owned)
}

/// `retry-after` seconds, at most one window.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs = header_str(headers, "retry-after")?.trim().parse::<u64>().ok()?;
    Some(Duration::from_secs(secs.min(WINDOW_SECS as u64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_link_finds_rel_next_among_others() {
        let link = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
        assert_eq!(next_link(link).as_deref(), Some("https://api.github.com/repositories/1/issues?page=2"));
        assert_eq!(next_link(r#"<https://x/?page=1>; rel="prev""#), None);
    }

    #[test]
    fn path_and_query_strips_the_host() {
        assert_eq!(
            path_and_query("http://127.0.0.1:9/api/v3/repos/o/r/issues?page=2"),
            "/api/v3/repos/o/r/issues?page=2"
        );
        assert_eq!(path_and_query("/repos/o/r"), "/repos/o/r");
    }

    fn client() -> GitHubClient {
        let settings = ClientSettings {
            api_url: "http://127.0.0.1:9".into(),
            graphql_url: "http://127.0.0.1:9/graphql".into(),
            user_agent: "upkeep-test".into(),
            timeout: Duration::from_secs(1),
            reserve: 200,
            max_retries: 1,
            backoff_base: Duration::from_millis(1),
            backoff_max: Duration::from_millis(1),
            max_response_bytes: 1024,
        };
        GitHubClient::new(settings, None).expect("client")
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[tokio::test]
    async fn failures_are_classified_for_the_retry_policy() {
        let c = client();
        let none = HeaderMap::new();
        let body = r#"{"message":"Bad credentials"}"#;
        match c.classify_failure::<()>("/u", StatusCode::UNAUTHORIZED, &none, body) {
            Err(GhError::Unauthorized { message, hint }) => {
                assert_eq!(message, "Bad credentials");
                assert!(hint.contains("no token was sent"), "{hint}");
            }
            _ => panic!("401 is Unauthorized"),
        }
        match c.classify_failure::<()>("/u", StatusCode::NOT_FOUND, &none, "") {
            Err(GhError::NotFound { url, .. }) => assert_eq!(url, "http://127.0.0.1:9/u"),
            _ => panic!("404 is NotFound"),
        }
        assert!(matches!(
            c.classify_failure::<()>("/u", StatusCode::BAD_GATEWAY, &none, "<html>"),
            Ok(Attempt::Retry { kind: RetryKind::Timeout, .. })
        ));
        assert!(matches!(
            c.classify_failure::<()>("/u", StatusCode::INTERNAL_SERVER_ERROR, &none, "{}"),
            Ok(Attempt::Retry { kind: RetryKind::Transient, .. })
        ));
        match c.classify_failure::<()>("/u", StatusCode::FORBIDDEN, &headers(&[("retry-after", "3")]), "{}") {
            Ok(Attempt::Retry { wait, .. }) => assert_eq!(wait, Some(Duration::from_secs(3))),
            _ => panic!("a 403 with retry-after is a secondary limit"),
        }
        assert!(matches!(
            c.classify_failure::<()>("/u", StatusCode::FORBIDDEN, &none, r#"{"message":"Resource not accessible"}"#),
            Err(GhError::Forbidden { .. })
        ));
    }

    #[tokio::test]
    async fn a_two_factor_401_asks_for_a_token_and_an_sso_403_gives_the_authorisation_url() {
        let c = client().with_token_var("GH_TOKEN");
        let otp = headers(&[("x-github-otp", "required; sms")]);
        match c.classify_failure::<()>(
            "/user",
            StatusCode::UNAUTHORIZED,
            &otp,
            r#"{"message":"Must specify two-factor authentication OTP code."}"#,
        ) {
            Err(e @ GhError::Unauthorized { .. }) => {
                let text = e.to_string();
                assert!(
                    text.contains("two-factor") && text.contains("personal access token") && text.contains("GH_TOKEN"),
                    "{text}"
                );
            }
            _ => panic!("401 is Unauthorized"),
        }
        let sso =
            headers(&[("x-github-sso", "required; url=https://github.com/orgs/acme/sso?authorization_request=XYZ")]);
        match c.classify_failure::<()>(
            "/repos/acme/x",
            StatusCode::FORBIDDEN,
            &sso,
            r#"{"message":"Resource protected by organization SAML enforcement."}"#,
        ) {
            Err(e @ GhError::SsoRequired { .. }) => {
                assert!(e.to_string().contains("https://github.com/orgs/acme/sso?authorization_request=XYZ"), "{e}");
            }
            _ => panic!("403 with X-GitHub-SSO is SsoRequired"),
        }
    }

    #[test]
    fn resets_in_the_past_are_no_wait_and_implausible_ones_are_unknown() {
        let now = 1_700_000_000;
        assert_eq!(judge_reset(now - 5, now), Reset::Past);
        assert_eq!(judge_reset(now + 120, now), Reset::At(now + 120));
        // Milliseconds, as found in recorded traffic: 1.8 trillion seconds away if believed.
        assert_eq!(judge_reset(now * 1000, now), Reset::Implausible);
        assert_eq!(judge_reset(now + 3_601, now), Reset::Implausible);
    }

    #[test]
    fn the_reserve_scales_with_the_limit_and_never_reaches_it() {
        assert_eq!(effective_reserve(200, Some(5_000)), 200);
        assert_eq!(effective_reserve(200, Some(60)), 2, "unauthenticated: 2 of 60, not 200");
        assert_eq!(effective_reserve(200, Some(15_000)), 600);
        assert_eq!(effective_reserve(5_000, Some(60)), 59, "always one request usable");
        assert_eq!(effective_reserve(200, Some(0)), 0);
        assert_eq!(effective_reserve(200, None), 200);
    }

    #[test]
    fn graphql_errors_are_described_verbatim_with_their_path() {
        let e: GraphqlError = serde_json::from_str(
            r#"{"type":"UNPROCESSABLE","path":["nodes",3],"message":"Could not resolve to a node with the global id of 'X'."}"#,
        )
        .unwrap();
        assert_eq!(e.describe(), "UNPROCESSABLE at nodes.3: Could not resolve to a node with the global id of 'X'.");
        assert!(!e.is_transient());
        let t: GraphqlError = serde_json::from_str(r#"{"message":"Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include `9E1C:2D4F` when reporting this issue."}"#).unwrap();
        assert!(t.is_transient());
    }

    #[test]
    fn an_empty_204_body_is_an_empty_list() {
        assert_eq!(parse_json::<Vec<i64>>("").unwrap(), Vec::<i64>::new());
        assert_eq!(parse_json::<Option<i64>>(" ").unwrap(), None);
    }

    #[test]
    fn sso_urls_are_read_from_the_header() {
        assert_eq!(
            sso_url("required; url=https://github.com/orgs/o/sso?authorization_request=1"),
            "https://github.com/orgs/o/sso?authorization_request=1"
        );
    }
}
