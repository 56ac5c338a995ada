//! Credentials at work: a GitHub App's key and its installation tokens, and what a 401 does to
//! a credential.
//!
//! A GitHub App: at start-up the key is parsed and checked by signing a JWT (RS256, `iat` 60 s in
//! the past, `exp` 9 minutes ahead: octocrab's `create_jwt`), so a bad key stops at once with
//! its variable named. Before a request, when the installation token is missing or has at most
//! [`RENEW_BEFORE_SECS`] left, a new one is asked for with a fresh JWT at `POST
//! {api_url}/app/installations/{id}/access_tokens` (through our own transport: base URL, the
//! exchange deadline, bounded retries) and kept, with its `expires_at`, in the only slot. A 401
//! on a request renews it once more; a second 401 fails as any rejected credential does.
//!
//! Tokens: a 401 takes the token out of rotation (logged by its position, `GITHUB_TOKENS entry
//! 2`, never its value) and the request goes on with another; when none is left, the 401 fails
//! the run as before.

use http::StatusCode;

use super::keys::{AppKey, Pass};
use super::transport::{bearer, error_chain, or_status, post_with};
use super::types::*;
use crate::config::AppCredentials;
use crate::github::{error::GhError, wire::ErrorBody};

/// The App's key, parsed and checked by signing one JWT; errors name the variable, never the key.
pub(super) fn app_key(app: &AppCredentials) -> Result<AppKey, GhError> {
    use secrecy::ExposeSecret;
    let var = app.key_var;
    let key = octocrab::EncodingKey::from_rsa_pem(app.key_pem.expose_secret().as_bytes()).map_err(|e| {
        GhError::Config(format!("{var}: the GitHub App's private key is not an RSA private key in PEM form ({e})"))
    })?;
    octocrab::auth::create_jwt(octocrab::models::AppId(app.app_id), &key)
        .map_err(|e| GhError::Config(format!("{var}: the GitHub App's private key cannot sign a token ({e})")))?;
    Ok(AppKey { app_id: app.app_id, installation_id: app.installation_id, key, key_var: var })
}

/// `POST /app/installations/{id}/access_tokens`'s answer (the fields used).
#[derive(serde::Deserialize)]
struct AccessToken {
    token: String,
    expires_at: chrono::DateTime<chrono::Utc>,
}

impl GitHubClient {
    /// Renews the App's installation token in `slot` when it is missing or nearly expired; one
    /// renewal at a time, so requests that find it due together ask GitHub once.
    pub(super) async fn renew_if_due(&self, slot: usize) -> Result<(), GhError> {
        if self.app.is_none() || !self.token_due(slot) {
            return Ok(());
        }
        let _one = self.renewing.lock().await;
        if self.token_due(slot) { self.renew_installation_token(slot).await } else { Ok(()) }
    }

    /// Whether `slot`'s installation token is missing or has at most [`RENEW_BEFORE_SECS`] left.
    fn token_due(&self, slot: usize) -> bool {
        let keys = self.keys.lock().expect("keys lock");
        let s = &keys.slots[slot];
        s.header.is_none() || s.expires_at.is_none_or(|at| at - chrono::Utc::now().timestamp() <= RENEW_BEFORE_SECS)
    }

    /// Asks GitHub for a new installation token, retrying transport failures and 5xx a bounded
    /// number of times; a refusal (wrong key or app id, unknown installation) is a clear error.
    async fn renew_installation_token(&self, slot: usize) -> Result<(), GhError> {
        let app = self.app.as_ref().expect("only with an App");
        let path = format!("/app/installations/{}/access_tokens", app.installation_id);
        let mut last = String::new();
        for attempt in 0..=self.settings.max_retries {
            if attempt > 0 {
                tokio::time::sleep(self.backoff(attempt - 1)).await;
            }
            let jwt = octocrab::auth::create_jwt(octocrab::models::AppId(app.app_id), &app.key)
                .map_err(|e| GhError::Config(format!("{}: cannot sign a token ({e})", app.key_var)))?;
            let auth = bearer(&jwt, app.key_var)?;
            self.count(CounterSnapshot { requests: 1, not_modified: 0 });
            let exchange = async {
                let response = post_with(&self.rest, &path, Some(&auth), None::<&()>).await;
                let response = match response {
                    Ok(r) => r,
                    Err(e) => return Ok(Err(format!("transport error: {}", error_chain(&e)))),
                };
                let status = response.status();
                match self.read_body::<()>(&path, response, self.settings.max_response_bytes).await? {
                    Ok(body) => Ok(Ok((status, body))),
                    Err(_) => Ok(Err("the answer was cut short".to_owned())),
                }
            };
            let (status, body) = match tokio::time::timeout(self.settings.timeout, exchange).await {
                Ok(Ok(Ok(answer))) => answer,
                Ok(Ok(Err(reason))) => {
                    last = reason;
                    continue;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => {
                    last = format!("no answer within {} s", self.settings.timeout.as_secs_f64());
                    continue;
                }
            };
            if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
                last = format!("server error {status}");
                continue;
            }
            if !status.is_success() {
                let message = serde_json::from_str::<ErrorBody>(&body).map(|b| b.message).unwrap_or_default();
                return Err(GhError::Unauthorized {
                    message: format!("{} {}", status.as_u16(), or_status(message, "refused")),
                    hint: format!(
                        "GitHub would not give GitHub App {} a token for installation {}: check [github] app_id \
                         and installation_id, and that {} holds that App's private key",
                        app.app_id, app.installation_id, app.key_var
                    ),
                });
            }
            let token: AccessToken = serde_json::from_str(&body).map_err(|e| GhError::Malformed {
                url: self.full_url(&path, "core"),
                problem: format!("unexpected installation token answer: {e}"),
            })?;
            let header = bearer(&token.token, "the installation token")?;
            let expires_at = token.expires_at.timestamp();
            tracing::info!(
                installation = app.installation_id,
                expires_at = %token.expires_at.to_rfc3339(),
                "renewed the GitHub App's installation token"
            );
            let mut keys = self.keys.lock().expect("keys lock");
            keys.slots[slot].header = Some(header);
            keys.slots[slot].expires_at = Some(expires_at);
            return Ok(());
        }
        Err(GhError::GaveUp {
            url: self.full_url(&path, "core"),
            attempts: self.settings.max_retries + 1,
            last,
            timed_out: false,
        })
    }

    /// A 401 on `pass`: an App's token is renewed once (`renewed` remembers it for the request);
    /// a token is taken out of rotation while another is left. `Ok` means try again; `Err` is
    /// the 401 for the caller, its hint naming the credential.
    pub(super) fn rejected(
        &self,
        pass: &Pass,
        message: String,
        hint: String,
        renewed: &mut bool,
    ) -> Result<(), GhError> {
        let mut keys = self.keys.lock().expect("keys lock");
        if self.app.is_some() {
            if *renewed {
                return Err(GhError::Unauthorized { message, hint });
            }
            *renewed = true;
            tracing::warn!("GitHub rejected the App's installation token (401 {message}); renewing it once");
            keys.slots[pass.slot].header = None;
            return Ok(());
        }
        if pass.auth.is_none() {
            return Err(GhError::Unauthorized { message, hint });
        }
        let total = keys.slots.len();
        let slot = &mut keys.slots[pass.slot];
        slot.rejected = true;
        let label = slot.label.clone();
        let left = keys.live();
        if left == 0 {
            let hint = if total > 1 { format!("every token in {} was rejected; {hint}", self.token_var) } else { hint };
            return Err(GhError::Unauthorized { message, hint });
        }
        tracing::warn!(
            "GitHub rejected the token in {label} (401 {message}); it is out of rotation, {left} other token{} go on",
            if left == 1 { "" } else { "s" }
        );
        Ok(())
    }
}
