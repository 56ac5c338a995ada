//! The transport around octocrab: building it (our own service stack and headers), sending a
//! request with its own credential, reading JSON bodies, telling transport failures apart, and
//! the small header and link helpers.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, header};
use octocrab::Octocrab;
use serde::de::DeserializeOwned;

use super::keys::Pass;
use super::types::*;
use crate::github::error::GhError;

/// `HH:MM:SS` of a unix time, UTC.
pub(super) fn utc_clock(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(|| t.to_string(), |d| d.format("%H:%M:%S").to_string())
}

pub(super) fn or_status(message: String, fallback: &str) -> String {
    if message.is_empty() { fallback.to_owned() } else { message }
}

/// The authorisation URL of an `X-GitHub-SSO: required; url=…` header.
pub(super) fn sso_url(header: &str) -> String {
    header
        .split(';')
        .find_map(|part| part.trim().strip_prefix("url="))
        .map(str::to_owned)
        .unwrap_or_else(|| "https://github.com/settings/tokens (Configure SSO)".to_owned())
}

/// A JSON body; an empty one (`204 No Content`) is an empty list, or null, whichever `T` takes.
pub(super) fn parse_json<T: DeserializeOwned>(body: &str) -> Result<T, serde_json::Error> {
    if body.trim().is_empty() {
        return serde_json::from_str("[]").or_else(|_| serde_json::from_str("null"));
    }
    serde_json::from_str(body)
}

/// A transport failure: a connection that never came up is `Connect` (the host may be
/// unreachable), anything else (reset, cut short) is transient.
pub(super) fn transport_retry<T>(e: &octocrab::Error) -> Attempt<T> {
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
pub(super) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
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
pub(super) fn if_none_match(etag: Option<&str>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(tag) = etag.and_then(|t| t.parse().ok()) {
        headers.insert(header::IF_NONE_MATCH, tag);
    }
    headers
}

/// An octocrab instance on a service stack of our own: rustls over hyper (HTTP/1, connect
/// timeout), redirects followed (renamed repositories answer 301), then the base URI and our
/// headers. Built by hand because octocrab's default builder always adds its own `User-Agent:
/// octocrab` beside ours; here every request carries exactly one, `upkeep/<version>` by default.
/// No credential is built in: each request carries its own `Authorization` ([`get_with`],
/// [`post_with`]), a sensitive header, which the redirect layer drops when a redirect leaves the
/// host.
pub(super) fn build_octocrab(base: &str, s: &ClientSettings) -> Result<Octocrab, GhError> {
    use octocrab::service::middleware::{base_uri::BaseUriLayer, extra_headers::ExtraHeadersLayer};

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

    let headers = vec![(
        header::USER_AGENT,
        http::HeaderValue::from_str(&s.user_agent)
            .map_err(|e| GhError::Config(format!("github.user_agent {:?}: {e}", s.user_agent)))?,
    )];
    Ok(octocrab::OctocrabBuilder::new_empty()
        .with_service(client)
        .with_layer(&ExtraHeadersLayer::new(Arc::new(headers)))
        .with_layer(&BaseUriLayer::new(base_uri))
        .with_auth(octocrab::AuthState::None)
        .build()
        .unwrap_or_else(|never| match never {}))
}

/// `Bearer <token>` as a sensitive header value; `label` names the token if it cannot be one.
pub(super) fn bearer(token: &str, label: &str) -> Result<http::HeaderValue, GhError> {
    let mut value = http::HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| GhError::Config(format!("the token in {label} has characters a header cannot carry")))?;
    value.set_sensitive(true);
    Ok(value)
}

/// GET `path` with the pass's `Authorization` and `If-None-Match`.
pub(super) async fn get_with(oc: &Octocrab, path: &str, pass: &Pass) -> octocrab::Result<RawResponse> {
    let mut headers = if_none_match(pass.if_none_match.as_deref());
    if let Some(auth) = &pass.auth {
        headers.insert(header::AUTHORIZATION, auth.clone());
    }
    oc._get_with_headers(path, Some(headers)).await
}

/// POST `body` as JSON to `path` with `auth` (the pass's, or a JWT's).
pub(super) async fn post_with<B: serde::Serialize + ?Sized>(
    oc: &Octocrab,
    path: &str,
    auth: Option<&http::HeaderValue>,
    body: Option<&B>,
) -> octocrab::Result<RawResponse> {
    let mut builder = http::Request::builder().method(http::Method::POST).uri(path);
    if let Some(auth) = auth {
        builder = builder.header(header::AUTHORIZATION, auth.clone());
    }
    let request = oc.build_request(builder, body)?;
    oc.execute(request).await
}

/// Keeps only the path and query of a `Link` URL, so auth and base-path handling stay ours.
pub(super) fn path_and_query(url: &str) -> String {
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

pub(super) fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name)?.to_str().ok().map(str::to_owned)
}

/// `retry-after` seconds, at most one window.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs = header_str(headers, "retry-after")?.trim().parse::<u64>().ok()?;
    Some(Duration::from_secs(secs.min(WINDOW_SECS as u64)))
}
