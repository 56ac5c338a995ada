//! A GitHub App's installation tokens, as GitHub issues them: `POST
//! /app/installations/{id}/access_tokens` with `Authorization: Bearer <JWT>` answers `201` with
//! `token`, `expires_at`, `permissions` and `repository_selection` when the JWT is RS256, signed
//! by the key matching [`SimApp::public_key_pem`], its `iss` is the app id, and it is current
//! (`exp` in the future and at most ten minutes ahead, `iat` not in the future beyond a minute
//! of drift). Anything else is `401` with GitHub's message; an installation the App does not
//! have is `404`.
//!
//! Tokens live [`SimApp::token_lifetime_secs`] on the wall clock; an expired one is `401 Bad
//! credentials` like any unknown token (`pipeline.rs` asks [`Installations::caller`]).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use serde::Serialize;

use super::answer::Answer;
use super::options::SimApp;

/// Installation tokens issued: token → (installation, expiry in unix seconds).
#[derive(Debug, Default)]
pub struct Installations {
    issued: HashMap<String, (u64, u64)>,
    next: u64,
}

impl Installations {
    /// The caller an installation token stands for (`installation <id>`), if it is known:
    /// `Some(Ok)` while it lives, `Some(Err(()))` once it expired, `None` if never issued.
    pub fn caller(&self, token: &str, now: u64) -> Option<Result<String, ()>> {
        let (installation, expires) = self.issued.get(token)?;
        Some(if now < *expires { Ok(format!("installation {installation}")) } else { Err(()) })
    }

    /// Forgets every token issued (as when an App's tokens are revoked): they get `401` now.
    pub fn revoke_all(&mut self) {
        self.issued.clear();
    }
}

#[derive(serde::Deserialize)]
struct Claims {
    iss: serde_json::Value,
    iat: i64,
    exp: i64,
}

/// The answer to `POST /app/installations/{installation}/access_tokens` carrying `bearer`.
pub fn access_tokens(
    app: Option<&SimApp>,
    installations: &mut Installations,
    installation: u64,
    bearer: &str,
    now: u64,
) -> Answer {
    let Some(app) = app else { return Answer::not_found() };
    if let Err(message) = check_jwt(app, bearer, now as i64) {
        return Answer::error(StatusCode::UNAUTHORIZED, message);
    }
    if installation != app.installation_id {
        return Answer::not_found();
    }
    installations.next += 1;
    let token = format!("ghs_sim{:06}{:x}", installations.next, now.wrapping_mul(0x9e37_79b9) & 0xffff_ffff);
    let expires = now + app.token_lifetime_secs;
    installations.issued.insert(token.clone(), (installation, expires));
    #[derive(Serialize)]
    struct Permissions {
        contents: &'static str,
        issues: &'static str,
        metadata: &'static str,
        pull_requests: &'static str,
    }
    #[derive(Serialize)]
    struct Body {
        token: String,
        expires_at: String,
        permissions: Permissions,
        repository_selection: &'static str,
    }
    let expires_at = chrono::DateTime::from_timestamp(expires as i64, 0).unwrap_or_default();
    let body = Body {
        token,
        expires_at: expires_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        permissions: Permissions { contents: "read", issues: "read", metadata: "read", pull_requests: "read" },
        repository_selection: "all",
    };
    Answer::json(StatusCode::CREATED, &body)
}

/// Why GitHub would refuse `jwt` for `app`, in its words.
fn check_jwt(app: &SimApp, jwt: &str, now: i64) -> Result<(), &'static str> {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};
    const UNDECODABLE: &str = "A JSON web token could not be decoded";
    let key = DecodingKey::from_rsa_pem(app.public_key_pem.as_bytes()).map_err(|_| UNDECODABLE)?;
    let mut validation = Validation::new(Algorithm::RS256);
    // Times are checked below, without the library's leeway.
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Claims>(jwt, &key, &validation).map_err(|_| UNDECODABLE)?.claims;
    let iss = claims.iss.as_u64().or_else(|| claims.iss.as_str().and_then(|s| s.parse().ok()));
    if iss != Some(app.app_id) {
        return Err("Integration not found");
    }
    if claims.exp <= now {
        return Err(
            "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
        );
    }
    if claims.exp > now + 600 || claims.iat > now + 60 || claims.iat >= claims.exp {
        return Err("'Expiration time' claim ('exp') is too far in the future");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIVATE: &str = include_str!("../../../tests/fixtures/github-app/test-app-key.pem");
    const PUBLIC: &str = include_str!("../../../tests/fixtures/github-app/test-app-key.pub.pem");
    const OTHER: &str = include_str!("../../../tests/fixtures/github-app/other-key.pem");
    const NOW: u64 = 1_800_000_000;

    fn app() -> SimApp {
        SimApp { app_id: 77, installation_id: 5, public_key_pem: PUBLIC.to_owned(), token_lifetime_secs: 30 }
    }

    fn jwt(key: &str, iss: u64, iat: i64, exp: i64) -> String {
        let claims = serde_json::json!({ "iss": iss, "iat": iat, "exp": exp });
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(key.as_bytes()).unwrap();
        jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256), &claims, &key).unwrap()
    }

    fn body(answer: &Answer) -> serde_json::Value {
        serde_json::from_slice(&answer.body).unwrap()
    }

    #[test]
    fn a_good_jwt_gets_a_token_that_expires() {
        let mut installations = Installations::default();
        let now = NOW as i64;
        let answer = access_tokens(Some(&app()), &mut installations, 5, &jwt(PRIVATE, 77, now - 60, now + 540), NOW);
        assert_eq!(answer.status, StatusCode::CREATED);
        let body = body(&answer);
        let token = body["token"].as_str().unwrap();
        assert!(token.starts_with("ghs_"));
        assert_eq!(body["expires_at"], "2027-01-15T08:00:30Z");
        assert_eq!(body["repository_selection"], "all");
        assert!(body["permissions"].is_object());
        assert_eq!(installations.caller(token, NOW + 29), Some(Ok("installation 5".to_owned())));
        assert_eq!(installations.caller(token, NOW + 30), Some(Err(())));
        assert_eq!(installations.caller("ghp_other", NOW), None);
    }

    #[test]
    fn wrong_keys_app_ids_times_and_installations_are_refused() {
        let mut installations = Installations::default();
        let now = NOW as i64;
        let mut ask = |token: &str, installation: u64| {
            access_tokens(Some(&app()), &mut installations, installation, token, NOW).status
        };
        assert_eq!(ask(&jwt(OTHER, 77, now - 60, now + 540), 5), StatusCode::UNAUTHORIZED, "another key");
        assert_eq!(ask(&jwt(PRIVATE, 78, now - 60, now + 540), 5), StatusCode::UNAUTHORIZED, "another app id");
        assert_eq!(ask(&jwt(PRIVATE, 77, now - 700, now - 1), 5), StatusCode::UNAUTHORIZED, "expired");
        assert_eq!(ask(&jwt(PRIVATE, 77, now, now + 3_600), 5), StatusCode::UNAUTHORIZED, "exp over 10 minutes");
        assert_eq!(ask("not.a.jwt", 5), StatusCode::UNAUTHORIZED);
        assert_eq!(ask(&jwt(PRIVATE, 77, now - 60, now + 540), 6), StatusCode::NOT_FOUND, "another installation");
        assert_eq!(installations.next, 0, "nothing was issued");
    }
}
