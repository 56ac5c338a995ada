//! The client's shared vocabulary: its settings, what a GET returns, the counters, what one
//! attempt produced, and the limits it works within. Nearly a leaf: it imports only `keys` (the
//! credentials and their rate-limit state); the client (`client.rs`) and its parts (`quota`,
//! `response`, `graphql`, `transport`, `app`) import it, and it imports none of them.

use std::sync::{Arc, Mutex, atomic::AtomicU64};
use std::time::Duration;

use octocrab::Octocrab;

use super::keys::{AppKey, Keyring};

/// What octocrab's raw calls return.
pub(super) type RawResponse = http::Response<http_body_util::combinators::BoxBody<bytes::Bytes, octocrab::Error>>;

/// One rate-limit window, GitHub's for REST and GraphQL alike.
pub(super) const WINDOW_SECS: i64 = 3_600;
/// The limit the configured reserve is written for (an authenticated token's).
pub(super) const REFERENCE_LIMIT: u64 = 5_000;
/// Without a token the client waits this long at most for the limit; longer, it stops.
pub(super) const UNAUTHENTICATED_MAX_WAIT: Duration = Duration::from_secs(60);
/// How long `202 Accepted` answers are asked again, in all.
pub(super) const PENDING_BUDGET: Duration = Duration::from_secs(60);
/// Tries before a host that cannot be reached ends the run.
pub(super) const CONNECT_TRIES: u32 = 3;
/// An installation token is renewed when it has this little left (GitHub gives an hour).
pub(super) const RENEW_BEFORE_SECS: i64 = 300;
/// Tries of a GraphQL answer that is not JSON (the first and one retry).
pub(super) const GRAPHQL_MALFORMED_TRIES: u32 = 2;

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

/// Why one attempt should be tried again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum RetryKind {
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
pub(super) enum Attempt<T> {
    Done(T),
    Retry { reason: String, wait: Option<Duration>, kind: RetryKind },
}

/// The client: octocrab for REST and GraphQL, the settings, counters, the credentials with their
/// rate-limit state, and the run's deadline. Its methods live in `client.rs` and the parts (`quota`, `response`,
/// `graphql`); the fields are visible to them only.
pub struct GitHubClient {
    pub(super) rest: Octocrab,
    pub(super) graphql: Octocrab,
    pub(super) graphql_path: String,
    pub(super) settings: ClientSettings,
    pub(super) counters: Arc<Counters>,
    /// The credentials, one slot each, with their rate-limit state (`keys.rs`).
    pub(super) keys: Mutex<Keyring>,
    /// A GitHub App: the installation token in the only slot is renewed from it (`app.rs`).
    pub(super) app: Option<AppKey>,
    pub(super) wait_observer: Mutex<Option<WaitObserver>>,
    /// Whether requests carry a token; `token_var` names the variable it came from.
    pub(super) authenticated: bool,
    pub(super) token_var: &'static str,
    pub(super) deadline: Mutex<Option<tokio::time::Instant>>,
    /// Permanent GraphQL errors that came with data outside any tally (`tally.rs`); drained by
    /// [`GitHubClient::take_problems`].
    pub(super) problems: Mutex<Vec<String>>,
    /// Held while an App's installation token is renewed (`auth.rs`).
    pub(super) renewing: tokio::sync::Mutex<()>,
    /// Held for each exchange: requests stay serial, as GitHub asks, even while several
    /// repositories sync at once (their database work overlaps, their requests take turns).
    pub(super) one_at_a_time: tokio::sync::Mutex<()>,
}
