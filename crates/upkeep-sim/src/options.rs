//! The simulator's public vocabulary: its options ([`SimOptions`], [`Scale`]) and what it reports
//! ([`SimStats`], [`RepoTotals`], [`AdvanceSummary`]). A leaf: `lib.rs` re-exports these, and the
//! modules that need them (`generate.rs`, `spec.rs`, `state.rs`, `advance.rs`) import them from
//! here rather than from the crate root that declares them.

use std::collections::BTreeMap;

use super::hostile::Hostility;

/// How big the simulated organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// About 2,600 issues and pull requests and 8,000 issue comments: for tests.
    Small,
    /// About ten times small.
    Medium,
    /// The biggest repository alone has over 100,000 items and 500,000 comments.
    Large,
}

/// Everything that shapes a simulator; [`SimOptions::new`] gives sensible defaults.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Generator seed.
    pub seed: u64,
    pub scale: Scale,
    /// The simulated "now" at start, unix seconds; history is generated before it.
    pub epoch: i64,
    /// Fraction of requests (0.0..=1.0) that get a fault.
    pub fault_rate: f64,
    /// Seed for fault decisions (deterministic given serial requests).
    pub fault_seed: u64,
    /// Primary budget per window, for each caller: every token (and each App installation, and
    /// the anonymous caller) has its own buckets, as on GitHub.
    pub rate_limit: u32,
    /// Budgets per window for given callers (a token, or `installation <id>`), instead of
    /// `rate_limit`.
    pub caller_rate_limits: BTreeMap<String, u32>,
    pub rate_window_secs: u64,
    /// `retry-after` sent with 403/429 faults.
    pub retry_after_secs: u64,
    /// Delay of a "slow response" fault.
    pub slow_ms: u64,
    /// If set, requests must carry `Authorization: Bearer <token>` (or `token <token>`).
    pub require_token: Option<String>,
    /// More accepted tokens, each its own caller with its own budget. When this, `require_token`
    /// or `app` is set, any other token (and none) gets `401 Bad credentials`.
    pub tokens: Vec<String>,
    /// A GitHub App with one installation (`app_auth.rs`).
    pub app: Option<SimApp>,
    /// The sponsored accounts' own token: requests carrying it see sponsorship amounts
    /// (`totalRecurringMonthlyPriceInCents`) and private sponsors, as a maintainer does on
    /// GitHub; everyone else sees 0 and public sponsors only.
    pub sponsor_token: Option<String>,
    /// Hostile modes (`hostile.rs`): misbehaviour a random fault cannot stand in for.
    pub hostile: Vec<Hostility>,
    /// Repositories in the organisation: the 12 standard ones when smaller; more are copies of
    /// their shapes named `<name>-2`, `<name>-3`, … (a portfolio for benchmarks of several
    /// collectors).
    pub portfolio: usize,
    /// Added to every answer's time, as the round trip to api.github.com adds it (GitHub answers
    /// a listing page in 100 to 500 ms): what several collectors or tokens in parallel save.
    pub latency_ms: u64,
}

impl SimOptions {
    /// Defaults: epoch 2026-11-01T00:00:00Z, no faults, 5,000 requests an hour.
    pub fn new(seed: u64, scale: Scale) -> Self {
        SimOptions {
            seed,
            scale,
            epoch: DEFAULT_EPOCH,
            fault_rate: 0.0,
            fault_seed: seed,
            rate_limit: 5_000,
            caller_rate_limits: BTreeMap::new(),
            rate_window_secs: 3_600,
            retry_after_secs: 1,
            slow_ms: 300,
            require_token: None,
            tokens: Vec::new(),
            app: None,
            sponsor_token: None,
            hostile: Vec::new(),
            portfolio: 0,
            latency_ms: 0,
        }
    }
}

/// A GitHub App the simulator knows: `POST /app/installations/{installation_id}/access_tokens`
/// with a JWT signed by the key matching `public_key_pem` and `iss` = `app_id` issues an
/// installation token that lives `token_lifetime_secs` (GitHub: an hour).
#[derive(Debug, Clone)]
pub struct SimApp {
    pub app_id: u64,
    pub installation_id: u64,
    /// The App's public key, PEM (`-----BEGIN PUBLIC KEY-----`).
    pub public_key_pem: String,
    pub token_lifetime_secs: u64,
}

/// 2026-11-01T00:00:00Z.
pub const DEFAULT_EPOCH: i64 = 1_793_491_200;

/// Request counters since start or the last reset; `/_sim/*` is not counted.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SimStats {
    /// Every other request: answered, `304`, faulted, `401` or rate-limited alike.
    pub requests: u64,
    /// `304`s (free of budget).
    pub not_modified: u64,
    /// Requests by caller: the token for a plain token, `installation <id>` for an App's
    /// installation tokens, `""` without a token (GitHub requests only; `401`s included).
    pub by_caller: BTreeMap<String, u64>,
    /// Requests with `If-None-Match`, by caller.
    pub conditional_by_caller: BTreeMap<String, u64>,
    /// `If-None-Match` ETags that another caller had been given (this server's ETags say whose
    /// they are, as GitHub's vary by `Authorization`): a client that mixes up its tokens' ETags.
    pub etags_of_another_caller: u64,
    /// Installation tokens issued (`POST /app/installations/{id}/access_tokens`).
    pub installation_tokens: u64,
    /// `401` answers (unknown or expired tokens, refused JWTs).
    pub unauthorized: u64,
    /// Requests that got an injected fault.
    pub faults: u64,
    /// Requests refused with `403` because the primary budget was spent.
    pub rate_limited: u64,
    /// `POST /graphql` requests (also counted in `requests`).
    pub graphql: u64,
    /// Requests to the foreign hosts (Open Collective, `/manifests/…`) that carried an
    /// `Authorization` header: a GitHub token must never go there.
    pub foreign_tokens: u64,
    /// e.g. `"GET /repos/{o}/{r}/issues" -> n`.
    pub by_route: BTreeMap<String, u64>,
}

/// One issue or pull request's state now: what a grant's milestone can be built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ItemState {
    pub number: u64,
    pub is_pull_request: bool,
    /// An issue closed, a pull request merged.
    pub done: bool,
    /// Still open.
    pub open: bool,
}

/// Current item counts of one repository.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RepoTotals {
    pub name: String,
    pub issues_and_prs: u64,
    pub pulls: u64,
    pub issue_comments: u64,
    pub review_comments: u64,
    pub reviews: u64,
    pub releases: u64,
    /// Milestones, open and closed (`/milestones?state=all`).
    pub milestones: u64,
    /// Commits of the default branch (`/commits`).
    pub commits: u64,
    /// Whether the contents API sends it a `.github/upkeep-affiliations.toml` (whose commits the
    /// collector then lists, one page).
    pub self_declared_file: bool,
    pub archived: bool,
}

/// What one [`SimServer::advance`] changed.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AdvanceSummary {
    /// The sim clock after the advance.
    pub now: i64,
    /// New issues and pull requests.
    pub new_issues: u64,
    pub new_comments: u64,
    /// Edits of titles, labels and comments.
    pub edited: u64,
    /// Items closed (merges included) and pull requests merged within the interval.
    pub closed: u64,
    pub merged: u64,
    pub new_reviews: u64,
    pub new_review_comments: u64,
    pub new_releases: u64,
}
