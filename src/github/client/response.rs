//! What an answer means: a status and its headers classified (fresh, unchanged, pending,
//! retry, or a clear error with GitHub's message and a token hint), and a body read frame by
//! frame under the exchange's deadline and size cap.

use http::{HeaderMap, StatusCode, header};
use http_body_util::BodyExt;

use super::transport::{error_chain, header_str, next_link, or_status, retry_after, sso_url, transport_retry};
use super::types::*;
use crate::github::{error::GhError, wire::ErrorBody};

impl GitHubClient {
    /// Decides on a GET's answer; `parse` turns a 2xx body into `T` (its error is retried).
    pub(super) async fn classify_response<T>(
        &self,
        url: &str,
        slot: usize,
        response: octocrab::Result<RawResponse>,
        cap: u64,
        parse: impl FnOnce(&str) -> Result<T, serde_json::Error>,
    ) -> Result<Attempt<Fetched<T>>, GhError> {
        let response = match response {
            Ok(r) => r,
            Err(e) => return Ok(transport_retry(&e)),
        };
        let status = response.status();
        self.record_limits(slot, response.headers());
        if status == StatusCode::NOT_MODIFIED {
            self.count(CounterSnapshot { requests: 0, not_modified: 1 });
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
        self.classify_failure(url, slot, status, &headers, &body)
    }

    /// Reads a body frame by frame, stopping at `cap` bytes: `Err(TooLarge)` past it, a retry when
    /// the connection drops or the bytes are not UTF-8.
    pub(super) async fn read_body<T>(
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

    /// Decides on a non-2xx answer: retry (5xx, limits) or a typed error.
    pub(super) fn classify_failure<T>(
        &self,
        url: &str,
        slot: usize,
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
                hint: self.token_hint(slot, headers),
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
    /// `X-GitHub-OTP`, that a password was sent where a token is needed. `slot` is the credential
    /// the request went out with.
    pub(super) fn token_hint(&self, slot: usize, headers: &HeaderMap) -> String {
        if header_str(headers, "x-github-otp").is_some() {
            return format!(
                "the account uses two-factor authentication, so GitHub needs a personal access token, not a password:                  create one at https://github.com/settings/tokens and put it in {}",
                self.token_var
            );
        }
        if let Some(app) = &self.app {
            return format!(
                "the installation token of GitHub App {} (installation {}) was rejected even after renewal: check \
                 that the installation is not suspended",
                app.app_id, app.installation_id
            );
        }
        if self.authenticated {
            let label = self.keys.lock().expect("keys lock").slots[slot].label.clone();
            format!(
                "the token in {label} is wrong, expired or revoked: create a new one at https://github.com/settings/tokens"
            )
        } else {
            "no token was sent: set GITHUB_TOKEN or GH_TOKEN".to_owned()
        }
    }
}
