//! HTTP hygiene every response shares, as middleware (see `app.rs` for their order):
//! - [`guard_host`]: a request whose `Host` is not ours gets 421 (DNS rebinding, poisoned links);
//!   the allow-list is [`crate::config::ServerConfig::allows_host`].
//! - [`head_as_get`]: `HEAD` is answered for every `GET` route; actix sends the headers only.
//! - [`security_headers`]: a strict Content-Security-Policy (no script at all; styles from the
//!   stylesheet only; no framing), `nosniff` and a `Referrer-Policy`. SVG badges and widgets get
//!   a policy without `frame-ancestors`, so other sites keep embedding them as images.
//! - [`tag`] and [`conditional`]: `ETag` (a hash of the body) and `Last-Modified` (when it was
//!   rendered) on pages, API answers, feeds and images, and `304 Not Modified` when the client's
//!   copy is current. `tag` sits inside the render cache, so a cached page keeps its validators;
//!   `conditional` sits outside it, so a cache hit answers 304 too.

use actix_web::{
    HttpMessage, HttpResponse,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{
        Method, StatusCode,
        header::{self, HeaderValue},
    },
    middleware::Next,
    web::Data,
};
use sha2::{Digest, Sha256};

use crate::web::state::AppState;

/// Pages: nothing runs, nothing loads from elsewhere, nobody frames them.
pub const PAGE_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                               base-uri 'none'; frame-ancestors 'none'";
/// SVG images (badges, widgets, goal bars): no script, inline presentation only, embeddable.
pub const IMAGE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'";
/// Everything else (JSON, CSV, feeds, Markdown, errors in JSON).
pub const DATA_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";
pub const REFERRER_POLICY: &str = "same-origin";

/// 421 Misdirected Request for a `Host` the server is not configured for.
pub async fn guard_host(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let allowed = match req.headers().get(header::HOST).map(HeaderValue::to_str) {
        // HTTP/1.0 clients may send none; there is nothing to rebind or to poison then.
        None => true,
        Some(Ok(host)) => req.app_data::<Data<AppState>>().is_none_or(|s| s.config.server.allows_host(host)),
        Some(Err(_)) => false,
    };
    if allowed {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let response = HttpResponse::build(StatusCode::MISDIRECTED_REQUEST)
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, DATA_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(
            "421 Misdirected Request: this server does not answer for that host name. \
             Set [server] public_url to the address readers use.\n",
        );
    Ok(req.into_response(response))
}

/// Routes `HEAD` as `GET`. The response keeps its headers (`Content-Length` included); actix
/// writes no body for a `HEAD` request.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// The security headers of every response, by content type (see the module doc).
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    let kind = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let policy = if kind.starts_with("text/html") {
        PAGE_POLICY
    } else if kind.starts_with("image/svg+xml") {
        IMAGE_POLICY
    } else {
        DATA_POLICY
    };
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static(REFERRER_POLICY));
    if kind.starts_with("text/html") {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    Ok(response)
}

/// Whether a response to this path gets validators: not the stylesheet (its name carries its
/// hash), and not the liveness and metrics probes, which must always be fresh.
fn taggable(path: &str) -> bool {
    !(path.starts_with("/static/") || path == "/healthz" || path == "/metrics")
}

/// Adds `ETag` and `Last-Modified` to a successful `GET` (see the module doc).
pub async fn tag(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let wanted = req.method() == Method::GET && taggable(req.path());
    let response = next.call(req).await?;
    if !wanted || response.status() != StatusCode::OK || response.headers().contains_key(header::ETAG) {
        return Ok(response.map_into_boxed_body());
    }
    let (req, res) = response.into_parts();
    let (mut res, body) = res.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("could not read a rendered response"))?;
    let headers = res.headers_mut();
    headers.insert(header::ETAG, etag(&body));
    if !headers.contains_key(header::LAST_MODIFIED) {
        let now = header::HttpDate::from(std::time::SystemTime::now());
        headers.insert(header::LAST_MODIFIED, HeaderValue::from_str(&now.to_string()).expect("an HTTP date"));
    }
    Ok(ServiceResponse::new(req, res.set_body(BoxBody::new(body))))
}

/// A weak validator (the body is the same whatever `Content-Encoding` carries it): the first
/// 16 bytes of the body's SHA-256.
fn etag(body: &[u8]) -> HeaderValue {
    HeaderValue::from_str(&format!("W/\"{}\"", sha256_hex(body, 16))).expect("hex is a valid header value")
}

/// The first `bytes` bytes of the SHA-256 of `data`, in lower-case hex: content validators and
/// content-hashed file names.
pub fn sha256_hex(data: &[u8], bytes: usize) -> String {
    Sha256::digest(data)[..bytes].iter().map(|b| format!("{b:02x}")).collect()
}

/// Answers `304 Not Modified` when `If-None-Match` names the response's `ETag` or, without
/// `If-None-Match`, when `If-Modified-Since` is no older than its `Last-Modified` (RFC 9110 §13.2.2).
pub async fn conditional(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let if_modified_since = req.get_header::<header::IfModifiedSince>();
    let get = req.method() == Method::GET;
    let response = next.call(req).await?;
    if !get || response.status() != StatusCode::OK {
        return Ok(response.map_into_boxed_body());
    }
    let headers = response.headers();
    let fresh = match (if_none_match, headers.get(header::ETAG).and_then(|v| v.to_str().ok())) {
        (Some(wanted), Some(etag)) => matches_weakly(&wanted, etag),
        (Some(_), None) => false,
        (None, _) => match (if_modified_since, headers.get(header::LAST_MODIFIED)) {
            (Some(header::IfModifiedSince(since)), Some(last)) => last
                .to_str()
                .ok()
                .and_then(|l| l.parse::<header::HttpDate>().ok())
                .is_some_and(|last| std::time::SystemTime::from(last) <= std::time::SystemTime::from(since)),
            _ => false,
        },
    };
    if !fresh {
        return Ok(response.map_into_boxed_body());
    }
    let mut not_modified = HttpResponse::NotModified();
    for name in [header::ETAG, header::LAST_MODIFIED, header::CACHE_CONTROL, header::VARY, header::CONTENT_LOCATION] {
        if let Some(value) = headers.get(&name) {
            not_modified.insert_header((name, value.clone()));
        }
    }
    let (req, _) = response.into_parts();
    Ok(ServiceResponse::new(req, not_modified.finish()))
}

/// `If-None-Match: *`, or a list naming `etag`, compared weakly (the `W/` prefix ignored).
fn matches_weakly(wanted: &str, etag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let etag = strip(etag);
    wanted.split(',').any(|t| t.trim() == "*" || strip(t) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_weak_hashes_of_the_body() {
        let a = etag(b"page");
        assert!(a.to_str().unwrap().starts_with("W/\""));
        assert_eq!(a, etag(b"page"));
        assert_ne!(a, etag(b"page2"));
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        assert!(matches_weakly("W/\"abc\"", "W/\"abc\""));
        assert!(matches_weakly("\"abc\"", "W/\"abc\""));
        assert!(matches_weakly("\"x\", W/\"abc\"", "W/\"abc\""));
        assert!(matches_weakly("*", "W/\"abc\""));
        assert!(!matches_weakly("W/\"abd\"", "W/\"abc\""));
    }
}
