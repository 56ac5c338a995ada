//! Errors of the GitHub client, typed where the sync branches on them.
//!
//! [`GhError::is_fatal`] errors stop the whole run, because every repository would fail the same
//! way: the token was rejected, or the host cannot be reached at all. `NotFound` and `Forbidden`
//! fail one step (or one repository, when its metadata is what failed) with a message for the
//! status page; `GaveUp` means the retry budget for transient failures was spent; `TooLarge` and
//! `Runaway` mean a limit of `[collector]` was hit. Messages never contain the token.

#[derive(Debug, thiserror::Error)]
pub enum GhError {
    /// 401: the token was rejected (or a token is needed). `hint` says where the token came from
    /// and what to do; with `X-GitHub-OTP` it says a password was sent where a token is needed.
    #[error("GitHub rejected the credentials (401 {message}): {hint}")]
    Unauthorized { message: String, hint: String },
    /// 404 or 410. `hint` says what it means where the caller knows (a repository's own
    /// metadata: deleted, or private and out of the token's sight); empty elsewhere.
    #[error("not found (404) at {url}{hint}")]
    NotFound { url: String, hint: String },
    #[error("forbidden (403) at {url}: {message}")]
    Forbidden { url: String, message: String },
    /// 403 with `X-GitHub-SSO`: the organisation enforces SAML single sign-on and the token is not
    /// authorised for it yet.
    #[error(
        "forbidden (403) at {url}: the organisation requires SAML single sign-on; authorise the token at {authorize_url}"
    )]
    SsoRequired { url: String, authorize_url: String },
    #[error("GitHub answered {status} at {url}: {message}")]
    Status { url: String, status: u16, message: String },
    /// The retry budget for transient failures was spent; `timed_out` when the last failure was
    /// a time-out (the exchange deadline, a 502/504, GraphQL's "Something went wrong … timeout"),
    /// which a smaller request may avoid.
    #[error("gave up on {url} after {attempts} attempts; last failure: {last}")]
    GaveUp { url: String, attempts: u32, last: String, timed_out: bool },
    /// DNS, a refused connection or a TLS failure, on every attempt: the run cannot go on.
    #[error("cannot reach {url}: {cause}")]
    Unreachable { url: String, cause: String },
    /// The body passed `[collector] max_response_bytes` (or a file's own smaller cap).
    #[error("the response from {url} is larger than {limit} bytes and was cut off; nothing of it was stored")]
    TooLarge { url: String, limit: u64 },
    /// A listing that does not end: a repeated `next` link, pages of items already seen, or more
    /// than `[collector] max_pages` pages.
    #[error("stopped following the listing at {url}: {problem}")]
    Runaway { url: String, problem: String },
    /// The rate limit is spent and the run may not wait for it (unauthenticated, or the reset is
    /// past the run's deadline): what is left stays pending for the next run.
    #[error("the {bucket} rate limit is spent until {until} (UTC); {hint}")]
    QuotaExhausted { bucket: String, until: String, hint: String },
    /// A 2xx answer whose JSON could not be read, after a retry: `problem` has serde's line and
    /// column.
    #[error("malformed JSON from {url}: {problem}")]
    Malformed { url: String, problem: String },
    /// A host other than GitHub (a configured funding.json URL) did not give what was asked for.
    #[error("{url}: {problem}")]
    Foreign { url: String, problem: String },
    #[error("GraphQL error: {0}")]
    Graphql(String),
    #[error("configuration: {0}")]
    Config(String),
}

impl GhError {
    /// Whether this error stops the whole run: every other repository would fail the same way.
    pub fn is_fatal(&self) -> bool {
        matches!(self, GhError::Unauthorized { .. } | GhError::Unreachable { .. } | GhError::QuotaExhausted { .. })
    }
}
