//! HTTP tests against a real simulator on port 0: pagination, `since`, ETags and the budget,
//! renames, auth, validation, and the controls. GraphQL, faults and shapes are in
//! `tests_api.rs`.

use super::test_client::{get, get_with, post};
use super::{Scale, SimOptions, SimServer};

pub async fn small() -> SimServer {
    SimServer::start(SimOptions::new(42, Scale::Small), 0).await.expect("simulator starts")
}

pub async fn json(url: &str) -> serde_json::Value {
    get(url).await.expect("request").json()
}

#[tokio::test]
async fn starts_inside_a_tokio_test_and_serves_the_org() {
    let sim = small().await;
    let org = json(&format!("{}/orgs/upkeep-sim", sim.url())).await;
    assert_eq!(org["login"], "upkeep-sim");
    assert_eq!(org["type"], "Organization");
    let repos = json(&format!("{}/orgs/upkeep-sim/repos?per_page=100", sim.url())).await;
    assert_eq!(repos.as_array().map(Vec::len), Some(12));
    assert_eq!(get(&format!("{}/users/someone-else/repos", sim.url())).await.unwrap().status, 404);
    sim.stop().await;
}

#[actix_web::test]
async fn starts_inside_an_actix_test_too() {
    let sim = small().await;
    assert_eq!(get(&format!("{}/repos/upkeep-sim/atlas", sim.url())).await.unwrap().status, 200);
    sim.stop().await;
}

#[test]
fn starts_inside_a_plain_multi_threaded_runtime() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let sim = small().await;
        assert_eq!(get(&format!("{}/rate_limit", sim.url())).await.unwrap().status, 200);
        assert_eq!(sim.stats().requests, 1);
        sim.stop().await;
    });
}

#[tokio::test]
async fn pages_link_to_next_and_last_until_the_last_page() {
    let sim = small().await;
    let atlas = sim.totals().into_iter().find(|t| t.name == "atlas").unwrap();
    let mut url = format!("{}/repos/upkeep-sim/atlas/issues?state=all&per_page=100", sim.url());
    let first = get(&url).await.unwrap();
    let last = first.link("last").expect("a last link");
    assert!(last.starts_with(&sim.url()) && last.ends_with("&page=6"), "{last}");
    let (mut seen, mut pages) = (0, 0);
    loop {
        let page = get(&url).await.unwrap();
        seen += page.json().as_array().unwrap().len();
        pages += 1;
        match page.link("next") {
            Some(next) => url = next,
            None => {
                assert!(page.link("prev").is_some() && page.link("last").is_none());
                break;
            }
        }
    }
    assert_eq!((seen as u64, pages), (atlas.issues_and_prs, 6));
    sim.stop().await;
}

#[tokio::test]
async fn since_is_inclusive_and_updated_order_is_ascending() {
    let sim = small().await;
    let base =
        format!("{}/repos/upkeep-sim/quasar/issues?state=all&sort=updated&direction=asc&per_page=100", sim.url());
    let all = json(&base).await;
    let pivot = all[50]["updated_at"].as_str().unwrap().to_owned();
    let after = json(&format!("{base}&since={pivot}")).await;
    let times: Vec<&str> = after.as_array().unwrap().iter().map(|i| i["updated_at"].as_str().unwrap()).collect();
    assert_eq!(times[0], pivot, "the item at the watermark comes back");
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    let comments =
        json(&format!("{}/repos/upkeep-sim/quasar/issues/comments?since={pivot}&per_page=100", sim.url())).await;
    assert!(comments.as_array().unwrap().iter().all(|c| c["updated_at"].as_str().unwrap() >= pivot.as_str()));
    sim.stop().await;
}

#[tokio::test]
async fn a_matching_etag_gets_a_free_304() {
    let sim = small().await;
    let url = format!("{}/repos/upkeep-sim/comet/issues?state=all", sim.url());
    let first = get(&url).await.unwrap();
    let etag = first.header("etag").unwrap().to_owned();
    assert!(etag.starts_with("W/\""));
    let remaining = first.header("x-ratelimit-remaining").unwrap().to_owned();
    let again = get_with(&url, &[("if-none-match", &etag)]).await.unwrap();
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("x-ratelimit-remaining"), Some(remaining.as_str()), "304s are free");
    let stats = sim.stats();
    assert_eq!((stats.requests, stats.not_modified), (2, 1));
    assert_eq!(stats.by_route.get("GET /repos/{o}/{r}/issues"), Some(&2));
    sim.stop().await;
}

#[tokio::test]
async fn a_spent_budget_answers_403_until_the_window_resets() {
    let mut opts = SimOptions::new(42, Scale::Small);
    opts.rate_limit = 2;
    let sim = SimServer::start(opts, 0).await.unwrap();
    let url = format!("{}/repos/upkeep-sim/ion", sim.url());
    let first = get(&url).await.unwrap();
    assert_eq!(first.header("x-ratelimit-remaining"), Some("1"));
    assert_eq!(first.header("x-ratelimit-resource"), Some("core"));
    assert_eq!(get(&url).await.unwrap().status, 200);
    let limited = get(&url).await.unwrap();
    assert_eq!(limited.status, 403);
    assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
    assert!(limited.json()["message"].as_str().unwrap().starts_with("API rate limit exceeded"));
    assert_eq!(sim.stats().rate_limited, 1);
    sim.stop().await;
}

#[tokio::test]
async fn renamed_repositories_redirect_and_deleted_ones_vanish() {
    let sim = small().await;
    let id = json(&format!("{}/repos/upkeep-sim/orbit", sim.url())).await["id"].as_u64().unwrap();
    sim.rename_repo("orbit", "orbit-ui");
    let moved = get(&format!("{}/repos/upkeep-sim/orbit/issues?state=all", sim.url())).await.unwrap();
    assert_eq!(moved.status, 301);
    let location = moved.header("location").unwrap();
    assert_eq!(location, format!("{}/repositories/{id}/issues?state=all", sim.url()));
    assert_eq!(get(location).await.unwrap().status, 200);
    assert_eq!(json(&format!("{}/repos/upkeep-sim/orbit-ui", sim.url())).await["name"], "orbit-ui");
    sim.delete_repo("halo");
    assert_eq!(get(&format!("{}/repos/upkeep-sim/halo", sim.url())).await.unwrap().status, 404);
    let repos = json(&format!("{}/orgs/upkeep-sim/repos", sim.url())).await;
    assert_eq!(repos.as_array().unwrap().len(), 11);
    sim.stop().await;
}

#[tokio::test]
async fn each_token_has_its_own_budget_and_etags_and_unknown_tokens_get_401() {
    let mut opts = SimOptions::new(42, Scale::Small);
    opts.tokens = vec!["tok-a".into(), "tok-b".into()];
    opts.rate_limit = 2;
    opts.caller_rate_limits = [("tok-b".to_owned(), 5)].into();
    let sim = SimServer::start(opts, 0).await.unwrap();
    let url = format!("{}/repos/upkeep-sim/ion", sim.url());
    let (a, b) = (("authorization", "Bearer tok-a"), ("authorization", "Bearer tok-b"));
    let first = get_with(&url, &[a]).await.unwrap();
    assert_eq!((first.status, first.header("x-ratelimit-limit")), (200, Some("2")));
    let etag = first.header("etag").unwrap().to_owned();
    let with_b = get_with(&url, &[b, ("if-none-match", &etag)]).await.unwrap();
    assert_eq!(with_b.status, 200, "a's ETag does not match for b");
    assert_eq!((with_b.header("x-ratelimit-limit"), with_b.header("x-ratelimit-remaining")), (Some("5"), Some("4")));
    assert_ne!(with_b.header("etag"), Some(etag.as_str()));
    assert_eq!(get_with(&url, &[a, ("if-none-match", &etag)]).await.unwrap().status, 304);
    assert_eq!(get_with(&url, &[a]).await.unwrap().status, 200);
    assert_eq!(get_with(&url, &[a]).await.unwrap().status, 403, "a's budget of 2 is spent");
    assert_eq!(get_with(&url, &[b]).await.unwrap().status, 200, "b's is not");
    assert_eq!(get_with(&url, &[("authorization", "Bearer tok-c")]).await.unwrap().status, 401);
    assert_eq!(get(&url).await.unwrap().status, 401, "no token once tokens are configured");
    let stats = sim.stats();
    assert_eq!((stats.by_caller.get("tok-a"), stats.by_caller.get("tok-b")), (Some(&4), Some(&2)));
    assert_eq!(stats.etags_of_another_caller, 1);
    assert_eq!((stats.unauthorized, stats.rate_limited, stats.not_modified), (2, 1, 1));
    sim.stop().await;
}

#[tokio::test]
async fn a_required_token_rejects_other_credentials() {
    let mut opts = SimOptions::new(42, Scale::Small);
    opts.require_token = Some("s3cret".into());
    let sim = SimServer::start(opts, 0).await.unwrap();
    let url = format!("{}/orgs/upkeep-sim", sim.url());
    let denied = get_with(&url, &[("authorization", "Bearer nope")]).await.unwrap();
    assert_eq!((denied.status, denied.json()["message"].as_str()), (401, Some("Bad credentials")));
    assert_eq!(get_with(&url, &[("authorization", "Bearer s3cret")]).await.unwrap().status, 200);
    assert_eq!(get_with(&url, &[("authorization", "token s3cret")]).await.unwrap().status, 200);
    sim.stop().await;
}

#[tokio::test]
async fn bad_parameters_are_validation_errors_and_per_page_clamps() {
    let sim = small().await;
    let issues = format!("{}/repos/upkeep-sim/atlas/issues", sim.url());
    for bad in ["state=sideways", "sort=vibes", "direction=up", "since=yesterday", "per_page=many"] {
        let reply = get(&format!("{issues}?{bad}")).await.unwrap();
        assert_eq!(reply.status, 422, "{bad}");
        assert_eq!(reply.json()["message"], "Validation Failed");
    }
    let clamped = json(&format!("{issues}?state=all&per_page=500")).await;
    assert_eq!(clamped.as_array().unwrap().len(), 100);
    assert_eq!(get(&format!("{}/nope", sim.url())).await.unwrap().status, 404);
    sim.stop().await;
}

#[tokio::test]
async fn controls_work_over_http_and_are_not_counted() {
    let sim = small().await;
    let advanced = post(&format!("{}/_sim/advance?days=2&fraction=0.02", sim.url()), "").await.unwrap().json();
    assert_eq!(advanced["now"].as_i64(), Some(super::DEFAULT_EPOCH + 2 * 86_400));
    assert!(advanced["new_comments"].as_u64().unwrap() > 0);
    assert_eq!(sim.now(), super::DEFAULT_EPOCH + 2 * 86_400);
    let totals = json(&format!("{}/_sim/totals", sim.url())).await;
    assert_eq!(totals.as_array().unwrap().len(), 12);
    assert_eq!(post(&format!("{}/_sim/faults?rate=2", sim.url()), "").await.unwrap().status, 422);
    let stats = json(&format!("{}/_sim/stats", sim.url())).await;
    assert_eq!(stats["requests"], 0);
    sim.stop().await;
}

/// What the simulator side of a full sync costs in a debug build: every listing of every
/// repository at 100 per page, plus GraphQL for every pull request in batches of 50.
#[tokio::test]
#[ignore = "measurement"]
async fn measure_a_full_sweep() {
    let sim = small().await;
    let start = std::time::Instant::now();
    let mut node_ids = Vec::new();
    for repo in sim.totals() {
        let base = format!("{}/repos/upkeep-sim/{}", sim.url(), repo.name);
        for list in ["issues?state=all&", "issues/comments?", "pulls?state=all&", "pulls/comments?", "releases?"] {
            let mut next = Some(format!("{base}/{list}per_page=100"));
            while let Some(url) = next {
                let page = get(&url).await.unwrap();
                if list.starts_with("pulls?") {
                    node_ids.extend(page.json().as_array().unwrap().iter().map(|p| p["node_id"].clone()));
                }
                next = page.link("next");
            }
        }
    }
    for batch in node_ids.chunks(50) {
        let body = serde_json::json!({ "query": "query UpkeepPullRequests { }", "variables": { "ids": batch } });
        post(&format!("{}/graphql", sim.url()), &body.to_string()).await.unwrap();
    }
    let stats = sim.stats();
    eprintln!("full sweep: {} requests ({} GraphQL) in {:?}", stats.requests, stats.graphql, start.elapsed());
    sim.stop().await;
}

#[tokio::test]
async fn odd_requests_get_github_errors_and_never_break_the_server() {
    let sim = small().await;
    let repo = format!("{}/repos/upkeep-sim/atlas", sim.url());
    let odd = [
        format!("{repo}/issues?page=0&per_page=0"),
        format!("{repo}/issues?page=18446744073709551615&per_page=100"),
        format!("{repo}/issues?page=-1"),
        format!("{repo}/issues?since=9999-99-99"),
        format!("{repo}/issues?labels=,,,&state=all"),
        format!("{repo}/issues?labels=no%20such%20label"),
        format!("{repo}/issues?sort=comments&direction=asc&state=closed&labels=bug,help%20wanted&since=2020-01-01"),
        format!("{repo}/pulls?sort=long-running&state=all"),
        format!("{repo}/issues/0"),
        format!("{repo}/issues/4294967296"),
        format!("{repo}/pulls/99999/reviews"),
        format!("{}/repositories/abc/issues", sim.url()),
        format!("{}/users/%ZZ%E2%82", sim.url()),
        format!("{}/repos/%E2%82%AC/%00", sim.url()),
        format!("{}/users/dependabot%5Bbot%5D", sim.url()),
    ];
    for url in &odd {
        let reply = get(url).await.unwrap_or_else(|e| panic!("{url}: {e}"));
        assert!(reply.status < 500, "{url}: {}", reply.status);
        serde_json::from_slice::<serde_json::Value>(&reply.body).unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    let graphql = format!("{}/graphql", sim.url());
    let ids: Vec<String> = (0..101).map(|i| i.to_string()).collect();
    let bodies = [
        "not json".to_owned(),
        r#"{"query": 5}"#.to_owned(),
        r#"{"query": "query UpkeepPullRequests { x }", "variables": {"ids": [1, null, "MDQ6VXNlcjE="]}}"#.to_owned(),
        serde_json::json!({ "query": "query UpkeepPullRequests { x }", "variables": { "ids": ids } }).to_string(),
    ];
    for body in &bodies {
        let reply = post(&graphql, body).await.unwrap();
        assert!(reply.status == 200 || reply.status == 400, "{body}: {}", reply.status);
    }
    assert_eq!(get(&format!("{repo}/issues/1")).await.unwrap().status, 200, "still serving");
    sim.stop().await;
}
