//! GraphQL over the client: the request and answer envelopes, GitHub's errors (retried when
//! transient, reported verbatim with their path when not), and batches of nodes that split in
//! half when GitHub keeps timing out on them.

use serde::{Serialize, de::DeserializeOwned};

use super::transport::{post_with, transport_retry};
use super::types::*;
use crate::github::error::GhError;

impl GitHubClient {
    /// POST a GraphQL query. Transient errors are retried; `NOT_FOUND` is tolerated when data came
    /// back; other errors that came with data are kept for [`Self::take_problems`], and without
    /// data they fail with GitHub's messages and paths.
    pub async fn graphql<T: DeserializeOwned>(&self, query: &str, variables: serde_json::Value) -> Result<T, GhError> {
        let payload = GraphqlRequest { query, variables };
        let (path, payload) = (self.graphql_path.as_str(), &payload);
        self.with_retries(path, "graphql", None, |pass| async move {
            let response = post_with(&self.graphql, path, pass.auth.as_ref(), Some(payload)).await;
            self.classify_graphql(path, pass.slot, response).await
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
        #[allow(clippy::single_range_in_vec_init, reason = "a queue of ranges, each split in half on a time-out")]
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

    pub(super) async fn classify_graphql<T: DeserializeOwned>(
        &self,
        url: &str,
        slot: usize,
        response: octocrab::Result<RawResponse>,
    ) -> Result<Attempt<T>, GhError> {
        let response = match response {
            Ok(r) => r,
            Err(e) => return Ok(transport_retry(&e)),
        };
        let status = response.status();
        self.record_limits(slot, response.headers());
        let headers = response.headers().clone();
        let body = match self.read_body(url, response, self.settings.max_response_bytes).await? {
            Ok(body) => body,
            Err(retry) => return Ok(retry),
        };
        if !status.is_success() {
            return self.classify_failure(url, slot, status, &headers, &body);
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
                self.mark_spent(slot, "graphql");
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
                    self.keep_problems(permanent);
                }
                Ok(Attempt::Done(value))
            }
            Err(e) if !permanent.is_empty() => {
                Err(GhError::Graphql(format!("{} (the data that came could not be read: {e})", permanent.join("; "))))
            }
            Err(e) => Err(GhError::Graphql(format!("unexpected data from {}: {e}", self.full_url(url, "graphql")))),
        }
    }
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
pub(super) struct GraphqlError {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    message: String,
    #[serde(default)]
    path: Option<Vec<serde_json::Value>>,
}

impl GraphqlError {
    /// Rate limits, GitHub's "Something went wrong … timeout" and other time-outs.
    pub(super) fn is_transient(&self) -> bool {
        let message = self.message.to_lowercase();
        self.kind.as_deref() == Some("RATE_LIMITED")
            || message.contains("something went wrong while executing your query")
            || message.contains("timeout")
            || message.contains("timed out")
    }

    /// `TYPE at a.b.0: message`, GitHub's message verbatim.
    pub(super) fn describe(&self) -> String {
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
