//! The client's unit tests.

use super::graphql::GraphqlError;
use super::quota::{Reset, effective_reserve, judge_reset};
use super::types::*;
use super::*;
use http::{HeaderMap, StatusCode};

#[test]
fn next_link_finds_rel_next_among_others() {
    let link = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
    assert_eq!(next_link(link).as_deref(), Some("https://api.github.com/repositories/1/issues?page=2"));
    assert_eq!(next_link(r#"<https://x/?page=1>; rel="prev""#), None);
}

#[test]
fn path_and_query_strips_the_host() {
    assert_eq!(path_and_query("http://127.0.0.1:9/api/v3/repos/o/r/issues?page=2"), "/api/v3/repos/o/r/issues?page=2");
    assert_eq!(path_and_query("/repos/o/r"), "/repos/o/r");
}

fn client() -> GitHubClient {
    GitHubClient::new(settings(), None).expect("client")
}

fn settings() -> ClientSettings {
    ClientSettings {
        api_url: "http://127.0.0.1:9".into(),
        graphql_url: "http://127.0.0.1:9/graphql".into(),
        user_agent: "upkeep-test".into(),
        timeout: Duration::from_secs(1),
        reserve: 200,
        max_retries: 1,
        backoff_base: Duration::from_millis(1),
        backoff_max: Duration::from_millis(1),
        max_response_bytes: 1024,
    }
}

fn pass(slot: usize) -> super::keys::Pass {
    let auth = Some(http::HeaderValue::from_static("Bearer x"));
    super::keys::Pass { slot, auth, fingerprint: None, if_none_match: None }
}

#[tokio::test]
async fn a_rejected_token_leaves_the_rotation_until_the_next_run_and_the_last_one_fails_naming_the_variable() {
    let tokens = ["ghp_one", "ghp_two"].map(SecretString::from).to_vec();
    let credentials = crate::config::Credentials::Tokens { var: "GITHUB_TOKENS", tokens };
    let c = GitHubClient::with_credentials(settings(), credentials).expect("client");
    let mut renewed = false;
    let hint = || "the token in GITHUB_TOKENS entry 1 is wrong".to_owned();
    assert!(c.rejected(&pass(1), "Bad credentials".into(), hint(), &mut renewed).is_ok(), "one is left");
    let used = c.requests_by_credential();
    assert_eq!(used[1], ("GITHUB_TOKENS entry 2".to_owned(), 0, true));
    match c.rejected(&pass(0), "Bad credentials".into(), hint(), &mut renewed) {
        Err(GhError::Unauthorized { hint, .. }) => {
            assert!(hint.starts_with("every token in GITHUB_TOKENS was rejected; the token in GITHUB_TOKENS entry 1"))
        }
        other => panic!("the last token's 401 fails the request: {other:?}"),
    }
    c.restore_rejected();
    assert!(c.requests_by_credential().iter().all(|(_, _, rejected)| !rejected));
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, v.parse().unwrap());
    }
    h
}

#[tokio::test]
async fn failures_are_classified_for_the_retry_policy() {
    let c = client();
    let none = HeaderMap::new();
    let body = r#"{"message":"Bad credentials"}"#;
    match c.classify_failure::<()>("/u", 0, StatusCode::UNAUTHORIZED, &none, body) {
        Err(GhError::Unauthorized { message, hint }) => {
            assert_eq!(message, "Bad credentials");
            assert!(hint.contains("no token was sent"), "{hint}");
        }
        _ => panic!("401 is Unauthorized"),
    }
    match c.classify_failure::<()>("/u", 0, StatusCode::NOT_FOUND, &none, "") {
        Err(GhError::NotFound { url, .. }) => assert_eq!(url, "http://127.0.0.1:9/u"),
        _ => panic!("404 is NotFound"),
    }
    assert!(matches!(
        c.classify_failure::<()>("/u", 0, StatusCode::BAD_GATEWAY, &none, "<html>"),
        Ok(Attempt::Retry { kind: RetryKind::Timeout, .. })
    ));
    assert!(matches!(
        c.classify_failure::<()>("/u", 0, StatusCode::INTERNAL_SERVER_ERROR, &none, "{}"),
        Ok(Attempt::Retry { kind: RetryKind::Transient, .. })
    ));
    match c.classify_failure::<()>("/u", 0, StatusCode::FORBIDDEN, &headers(&[("retry-after", "3")]), "{}") {
        Ok(Attempt::Retry { wait, .. }) => assert_eq!(wait, Some(Duration::from_secs(3))),
        _ => panic!("a 403 with retry-after is a secondary limit"),
    }
    assert!(matches!(
        c.classify_failure::<()>("/u", 0, StatusCode::FORBIDDEN, &none, r#"{"message":"Resource not accessible"}"#),
        Err(GhError::Forbidden { .. })
    ));
}

#[tokio::test]
async fn a_two_factor_401_asks_for_a_token_and_an_sso_403_gives_the_authorisation_url() {
    let credentials = crate::config::Credentials::Tokens { var: "GH_TOKEN", tokens: vec![SecretString::from("t")] };
    let c = GitHubClient::with_credentials(settings(), credentials).expect("client");
    let otp = headers(&[("x-github-otp", "required; sms")]);
    match c.classify_failure::<()>(
        "/user",
        0,
        StatusCode::UNAUTHORIZED,
        &otp,
        r#"{"message":"Must specify two-factor authentication OTP code."}"#,
    ) {
        Err(e @ GhError::Unauthorized { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("two-factor") && text.contains("personal access token") && text.contains("GH_TOKEN"),
                "{text}"
            );
        }
        _ => panic!("401 is Unauthorized"),
    }
    let sso = headers(&[("x-github-sso", "required; url=https://github.com/orgs/acme/sso?authorization_request=XYZ")]);
    match c.classify_failure::<()>(
        "/repos/acme/x",
        0,
        StatusCode::FORBIDDEN,
        &sso,
        r#"{"message":"Resource protected by organization SAML enforcement."}"#,
    ) {
        Err(e @ GhError::SsoRequired { .. }) => {
            assert!(e.to_string().contains("https://github.com/orgs/acme/sso?authorization_request=XYZ"), "{e}");
        }
        _ => panic!("403 with X-GitHub-SSO is SsoRequired"),
    }
}

#[test]
fn resets_in_the_past_are_no_wait_and_implausible_ones_are_unknown() {
    let now = 1_700_000_000;
    assert_eq!(judge_reset(now - 5, now), Reset::Past);
    assert_eq!(judge_reset(now + 120, now), Reset::At(now + 120));
    // Milliseconds, as found in recorded traffic: 1.8 trillion seconds away if believed.
    assert_eq!(judge_reset(now * 1000, now), Reset::Implausible);
    assert_eq!(judge_reset(now + 3_601, now), Reset::Implausible);
}

#[test]
fn the_reserve_scales_with_the_limit_and_never_reaches_it() {
    assert_eq!(effective_reserve(200, Some(5_000)), 200);
    assert_eq!(effective_reserve(200, Some(60)), 2, "unauthenticated: 2 of 60, not 200");
    assert_eq!(effective_reserve(200, Some(15_000)), 600);
    assert_eq!(effective_reserve(5_000, Some(60)), 59, "always one request usable");
    assert_eq!(effective_reserve(200, Some(0)), 0);
    assert_eq!(effective_reserve(200, None), 200);
}

#[test]
fn graphql_errors_are_described_verbatim_with_their_path() {
    let e: GraphqlError = serde_json::from_str(
        r#"{"type":"UNPROCESSABLE","path":["nodes",3],"message":"Could not resolve to a node with the global id of 'X'."}"#,
    )
    .unwrap();
    assert_eq!(e.describe(), "UNPROCESSABLE at nodes.3: Could not resolve to a node with the global id of 'X'.");
    assert!(!e.is_transient());
    let t: GraphqlError = serde_json::from_str(r#"{"message":"Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include `9E1C:2D4F` when reporting this issue."}"#).unwrap();
    assert!(t.is_transient());
}

#[test]
fn an_empty_204_body_is_an_empty_list() {
    assert_eq!(parse_json::<Vec<i64>>("").unwrap(), Vec::<i64>::new());
    assert_eq!(parse_json::<Option<i64>>(" ").unwrap(), None);
}

#[test]
fn sso_urls_are_read_from_the_header() {
    assert_eq!(
        sso_url("required; url=https://github.com/orgs/o/sso?authorization_request=1"),
        "https://github.com/orgs/o/sso?authorization_request=1"
    );
}
