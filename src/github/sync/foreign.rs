//! A client for hosts other than GitHub (Open Collective, a configured funding.json URL): the
//! GitHub client's retries, timeouts and caps, pointed at that host, never with the GitHub token.

use url::Url;

use super::collector::Collector;
use crate::github::{ClientSettings, GhError, GitHubClient};

/// A client for a host other than GitHub (`url`'s origin): the GitHub client's retries and
/// timeouts, no token. `url` also serves as its GraphQL endpoint (Open Collective's).
pub fn foreign_client(c: &Collector, url: &Url) -> Result<GitHubClient, GhError> {
    let settings = ClientSettings {
        api_url: url.origin().ascii_serialization(),
        graphql_url: url.to_string(),
        user_agent: c.config.github.user_agent.clone(),
        timeout: c.config.github.timeout(),
        reserve: 0,
        max_retries: c.config.collector.max_retries,
        backoff_base: c.config.collector.backoff_base(),
        backoff_max: c.config.collector.backoff_max(),
        max_response_bytes: c.config.collector.max_response_bytes,
    };
    GitHubClient::new(settings, None)
}
