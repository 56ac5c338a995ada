//! Errors of the GitHub client, typed where the sync branches on them.
//!
//! `Unauthorized` stops the whole run (every repo would fail the same way); `NotFound` and
//! `Forbidden` fail one repository with a message for the status page; `GaveUp` means the retry
//! budget for transient failures was spent. Messages never contain the token.

#[derive(Debug, thiserror::Error)]
pub enum GhError {
    #[error("GitHub rejected the token (401 Bad credentials): check GITHUB_TOKEN or GH_TOKEN")]
    Unauthorized,
    #[error(
        "not found (404) at {url}: the repository may have been deleted, or it is private and the token cannot see it"
    )]
    NotFound { url: String },
    #[error("forbidden (403) at {url}: {message}")]
    Forbidden { url: String, message: String },
    #[error("GitHub answered {status} at {url}: {message}")]
    Status { url: String, status: u16, message: String },
    #[error("gave up on {url} after {attempts} attempts; last failure: {last}")]
    GaveUp { url: String, attempts: u32, last: String },
    /// A host other than GitHub (a configured funding.json URL) did not give what was asked for.
    #[error("{url}: {problem}")]
    Foreign { url: String, problem: String },
    #[error("GraphQL error: {0}")]
    Graphql(String),
    #[error("configuration: {0}")]
    Config(String),
}
