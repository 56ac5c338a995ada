//! The GitHub HTTP client: base URL, auth, conditional requests, rate limits, retries, counters.
//!
//! octocrab carries the transport (TLS, auth header, redirects, timeouts); this module decides
//! what happens around each request, because octocrab's own retry layer neither backs off nor
//! reads the headers GitHub asks clients to honour (stack.md §2.4):
//! - every response's `x-ratelimit-remaining`/`-reset` is recorded, and the next request waits for
//!   the reset while `remaining <= reserve`;
//! - 403/429 secondary limits wait for `retry-after` (or the reset) with exponential backoff;
//! - 5xx, timeouts, dropped connections and cut-short bodies retry with bounded, jittered backoff;
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
use octocrab::{Octocrab, service::middleware::retry::RetryConfig};
use rand::Rng;
use secrecy::SecretString;
use serde::{Serialize, de::DeserializeOwned};

use super::error::GhError;
use super::wire::ErrorBody;

/// What octocrab's raw calls return.
type RawResponse = http::Response<http_body_util::combinators::BoxBody<bytes::Bytes, octocrab::Error>>;

/// How the client talks to GitHub; built from `[github]` and `[collector]` config.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    pub api_url: String,
    pub graphql_url: String,
    pub user_agent: String,
    pub timeout: Duration,
    pub reserve: u64,
    pub max_retries: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
}

/// The answer to a GET.
#[derive(Debug)]
pub enum Fetched<T> {
    /// `304`: unchanged since the ETag we sent; free of quota.
    NotModified,
    /// `202`: GitHub is still computing (statistics endpoints); ask again later.
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

/// The last rate-limit headers seen, per bucket (`core`, `graphql`).
#[derive(Debug, Default)]
struct Limits {
    core: Option<(u64, i64)>,
    graphql: Option<(u64, i64)>,
}

pub struct GitHubClient {
    rest: Octocrab,
    graphql: Octocrab,
    graphql_path: String,
    settings: ClientSettings,
    counters: Arc<Counters>,
    limits: Mutex<Limits>,
    wait_observer: Mutex<Option<WaitObserver>>,
}

/// What one attempt produced, before the retry policy decides.
enum Attempt<T> {
    Done(T),
    Retry { reason: String, wait: Option<Duration> },
}

impl GitHubClient {
    pub fn new(settings: ClientSettings, token: Option<SecretString>) -> Result<Self, GhError> {
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
        })
    }

    /// Installs the observer told about rate-limit waits (replacing any earlier one).
    pub fn set_wait_observer(&self, observer: Option<WaitObserver>) {
        *self.wait_observer.lock().expect("observer lock") = observer;
    }

    pub fn counters(&self) -> CounterSnapshot {
        CounterSnapshot {
            requests: self.counters.requests.load(Ordering::Relaxed),
            not_modified: self.counters.not_modified.load(Ordering::Relaxed),
        }
    }

    /// GET `path` (a path and query, or a `Link` URL), conditionally when `etag` is given.
    pub async fn get<T: DeserializeOwned>(&self, path: &str, etag: Option<&str>) -> Result<Fetched<T>, GhError> {
        let path = path_and_query(path);
        self.with_retries(&path, "core", || async {
            let response = self.rest._get_with_headers(path.as_str(), Some(if_none_match(etag))).await;
            self.classify_response(&path, response, |body| {
                serde_json::from_str::<T>(body).map_err(|e| format!("malformed JSON from {path}: {e}"))
            })
            .await
        })
        .await
    }

    /// GET `path` as text rather than JSON (a file on another host, such as a funding.json
    /// manifest, which may not parse), conditionally when `etag` is given.
    pub async fn get_text(&self, path: &str, etag: Option<&str>) -> Result<Fetched<String>, GhError> {
        let path = path_and_query(path);
        self.with_retries(&path, "core", || async {
            let response = self.rest._get_with_headers(path.as_str(), Some(if_none_match(etag))).await;
            self.classify_response(&path, response, |body| Ok(body.to_owned())).await
        })
        .await
    }

    /// POST a GraphQL query; `errors` of type NOT_FOUND are tolerated when data came back.
    pub async fn graphql<T: DeserializeOwned>(&self, query: &str, variables: serde_json::Value) -> Result<T, GhError> {
        let payload = GraphqlRequest { query, variables };
        let path = self.graphql_path.clone();
        self.with_retries(&path, "graphql", || async {
            let response = self.graphql._post(path.as_str(), Some(&payload)).await;
            self.classify_graphql(&path, response).await
        })
        .await
    }

    async fn with_retries<T, F, Fut>(&self, url: &str, bucket: &str, mut attempt: F) -> Result<T, GhError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Attempt<T>, GhError>>,
    {
        let mut last = String::new();
        for n in 0..=self.settings.max_retries {
            self.wait_for_quota(bucket).await;
            self.counters.requests.fetch_add(1, Ordering::Relaxed);
            match attempt().await? {
                Attempt::Done(value) => return Ok(value),
                Attempt::Retry { reason, wait } => {
                    let backoff = self.backoff(n);
                    let wait = wait.map_or(backoff, |w| w.max(backoff));
                    tracing::warn!(url, attempt = n + 1, wait_ms = wait.as_millis() as u64, "{reason}; retrying");
                    last = reason;
                    if n < self.settings.max_retries {
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        }
        Err(GhError::GaveUp { url: url.to_owned(), attempts: self.settings.max_retries + 1, last })
    }

    /// Decides on a GET's answer; `parse` turns a 2xx body into `T` (its error is retried).
    async fn classify_response<T>(
        &self,
        url: &str,
        response: octocrab::Result<RawResponse>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Attempt<Fetched<T>>, GhError> {
        let response = match self.timed(response) {
            Ok(r) => r,
            Err(reason) => return Ok(retry(reason, None)),
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
        let etag = header_str(response.headers(), header::ETAG.as_str());
        let next = response.headers().get(header::LINK).and_then(|v| v.to_str().ok()).and_then(next_link);
        let retry_after = retry_after(response.headers());
        let rate_reset = self.reset_wait(response.headers());
        let body = match self.rest.body_to_string(response).await {
            Ok(body) => body,
            Err(e) => return Ok(retry(format!("the response body was cut short ({e})"), None)),
        };
        if status.is_success() {
            return Ok(match parse(&body) {
                Ok(value) => Attempt::Done(Fetched::Fresh { value, etag, next }),
                Err(reason) => retry(reason, None),
            });
        }
        classify_failure(url, status, &body, retry_after, rate_reset)
    }

    async fn classify_graphql<T: DeserializeOwned>(
        &self,
        url: &str,
        response: octocrab::Result<RawResponse>,
    ) -> Result<Attempt<T>, GhError> {
        let response = match self.timed(response) {
            Ok(r) => r,
            Err(reason) => return Ok(retry(reason, None)),
        };
        let status = response.status();
        self.record_limits(response.headers());
        let retry_after = retry_after(response.headers());
        let rate_reset = self.reset_wait(response.headers());
        let body = match self.graphql.body_to_string(response).await {
            Ok(body) => body,
            Err(e) => return Ok(retry(format!("the GraphQL body was cut short ({e})"), None)),
        };
        if !status.is_success() {
            return classify_failure(url, status, &body, retry_after, rate_reset);
        }
        let envelope: GraphqlResponse<T> = match serde_json::from_str(&body) {
            Ok(v) => v,
            Err(e) => return Ok(retry(format!("malformed GraphQL JSON: {e}"), None)),
        };
        let errors = envelope.errors.unwrap_or_default();
        if errors.iter().any(|e| e.kind.as_deref() == Some("RATE_LIMITED")) {
            // GitHub reports GraphQL rate limits as HTTP 200 (stack.md §2.5).
            return Ok(retry("GraphQL rate limit reached".to_owned(), rate_reset.or(Some(self.settings.backoff_max))));
        }
        let fatal: Vec<String> =
            errors.iter().filter(|e| e.kind.as_deref() != Some("NOT_FOUND")).map(|e| e.message.clone()).collect();
        match envelope.data {
            Some(data) if fatal.is_empty() => Ok(Attempt::Done(data)),
            _ if !fatal.is_empty() => Err(GhError::Graphql(fatal.join("; "))),
            _ => Err(GhError::Graphql("the response had neither data nor errors".to_owned())),
        }
    }

    /// Turns transport failures (connection reset, refused, timeout) into a retry.
    fn timed(&self, response: octocrab::Result<RawResponse>) -> Result<RawResponse, String> {
        response.map_err(|e| format!("transport error: {}", transport_reason(&e)))
    }

    fn record_limits(&self, headers: &HeaderMap) {
        let remaining = header_str(headers, "x-ratelimit-remaining").and_then(|v| v.parse::<u64>().ok());
        let reset = header_str(headers, "x-ratelimit-reset").and_then(|v| v.parse::<i64>().ok());
        let bucket = header_str(headers, "x-ratelimit-resource").unwrap_or_else(|| "core".to_owned());
        if let (Some(remaining), Some(reset)) = (remaining, reset) {
            let mut limits = self.limits.lock().expect("limits lock");
            let slot = if bucket == "graphql" { &mut limits.graphql } else { &mut limits.core };
            *slot = Some((remaining, reset));
        }
    }

    /// How long until the rate-limit window resets, when the response says the quota is spent.
    fn reset_wait(&self, headers: &HeaderMap) -> Option<Duration> {
        let remaining = header_str(headers, "x-ratelimit-remaining")?.parse::<u64>().ok()?;
        let reset = header_str(headers, "x-ratelimit-reset")?.parse::<i64>().ok()?;
        (remaining == 0).then(|| seconds_until(reset))
    }

    /// Waits for the window to reset while the remaining quota is at or below the reserve.
    async fn wait_for_quota(&self, bucket: &str) {
        let state = {
            let limits = self.limits.lock().expect("limits lock");
            if bucket == "graphql" { limits.graphql } else { limits.core }
        };
        if let Some((remaining, reset)) = state {
            if remaining <= self.settings.reserve {
                let wait = seconds_until(reset);
                if !wait.is_zero() {
                    tracing::warn!(
                        remaining,
                        reserve = self.settings.reserve,
                        wait_secs = wait.as_secs(),
                        bucket,
                        "rate-limit reserve reached; pausing until the window resets"
                    );
                    tokio::time::sleep(wait).await;
                }
                let mut limits = self.limits.lock().expect("limits lock");
                let slot = if bucket == "graphql" { &mut limits.graphql } else { &mut limits.core };
                *slot = None;
            }
        }
    }

    /// Exponential backoff with full jitter in [50%, 100%] of the step, capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.settings.backoff_base.as_secs_f64() * 2f64.powi(attempt.min(20) as i32);
        let capped = base.min(self.settings.backoff_max.as_secs_f64());
        Duration::from_secs_f64(capped * rand::thread_rng().gen_range(0.5..=1.0))
    }
}

/// Decides on a non-2xx answer: retry (5xx, secondary limits) or a typed error.
fn classify_failure<T>(
    url: &str,
    status: StatusCode,
    body: &str,
    retry_after: Option<Duration>,
    rate_reset: Option<Duration>,
) -> Result<Attempt<T>, GhError> {
    let message = serde_json::from_str::<ErrorBody>(body).map(|b| b.message).unwrap_or_default();
    match status.as_u16() {
        401 => Err(GhError::Unauthorized { message, hint: "check GITHUB_TOKEN or GH_TOKEN".to_owned() }),
        403 | 429 if retry_after.is_some() => Ok(retry(format!("secondary rate limit ({status})"), retry_after)),
        403 | 429 if rate_reset.is_some() => Ok(retry(format!("primary rate limit exhausted ({status})"), rate_reset)),
        429 => Ok(retry(format!("too many requests ({status})"), None)),
        403 if message.to_lowercase().contains("rate limit") => Ok(retry(format!("rate limited: {message}"), None)),
        403 => Err(GhError::Forbidden { url: url.to_owned(), message }),
        404 | 410 => Err(GhError::NotFound { url: url.to_owned() }),
        500..=599 => Ok(retry(format!("server error {status}"), None)),
        _ => Err(GhError::Status { url: url.to_owned(), status: status.as_u16(), message }),
    }
}

/// `If-None-Match: <etag>` when there is one.
fn if_none_match(etag: Option<&str>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(tag) = etag.and_then(|t| t.parse().ok()) {
        headers.insert(header::IF_NONE_MATCH, tag);
    }
    headers
}

fn retry<T>(reason: String, wait: Option<Duration>) -> Attempt<T> {
    Attempt::Retry { reason, wait }
}

#[derive(Serialize)]
struct GraphqlRequest<'a> {
    query: &'a str,
    variables: serde_json::Value,
}

#[derive(serde::Deserialize)]
struct GraphqlResponse<T> {
    data: Option<T>,
    errors: Option<Vec<GraphqlError>>,
}

#[derive(serde::Deserialize)]
struct GraphqlError {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    message: String,
}

fn build_octocrab(base: &str, s: &ClientSettings, token: Option<SecretString>) -> Result<Octocrab, GhError> {
    let builder = Octocrab::builder()
        .base_uri(base)
        .map_err(|e| GhError::Config(format!("bad GitHub base URL {base}: {e}")))?
        // Our own retry loop (above) replaces octocrab's immediate retries.
        .add_retry_config(RetryConfig::None)
        .set_connect_timeout(Some(s.timeout))
        .set_read_timeout(Some(s.timeout))
        .add_header(header::USER_AGENT, s.user_agent.clone());
    let builder = match token {
        Some(token) => builder.personal_token(token),
        None => builder,
    };
    builder.build().map_err(|e| GhError::Config(format!("building the HTTP client: {e}")))
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

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    header_str(headers, "retry-after")?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn seconds_until(epoch: i64) -> Duration {
    let now = chrono::Utc::now().timestamp();
    Duration::from_secs((epoch - now).max(0) as u64 + u64::from(epoch > now))
}

/// A short, token-free description of a transport error.
fn transport_reason(e: &octocrab::Error) -> String {
    let text = e.to_string();
    text.chars().take(200).collect()
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

    #[test]
    fn failures_are_classified_for_the_retry_policy() {
        let body = r#"{"message":"Bad credentials"}"#;
        assert!(matches!(
            classify_failure::<()>("u", StatusCode::UNAUTHORIZED, body, None, None),
            Err(GhError::Unauthorized { .. })
        ));
        assert!(matches!(
            classify_failure::<()>("u", StatusCode::NOT_FOUND, "", None, None),
            Err(GhError::NotFound { .. })
        ));
        assert!(matches!(
            classify_failure::<()>("u", StatusCode::BAD_GATEWAY, "<html>", None, None),
            Ok(Attempt::Retry { .. })
        ));
        let wait = Some(Duration::from_secs(3));
        match classify_failure::<()>("u", StatusCode::FORBIDDEN, "{}", wait, None) {
            Ok(Attempt::Retry { wait: w, .. }) => assert_eq!(w, wait),
            _ => panic!("a 403 with retry-after is a secondary limit"),
        }
        assert!(matches!(
            classify_failure::<()>("u", StatusCode::FORBIDDEN, r#"{"message":"Resource not accessible"}"#, None, None),
            Err(GhError::Forbidden { .. })
        ));
    }
}
