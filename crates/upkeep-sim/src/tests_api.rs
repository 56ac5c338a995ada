//! HTTP tests of the answers' content: shapes against GitHub's REST examples, GraphQL, faults,
//! and `advance` as seen through the API.

use std::path::PathBuf;

use serde_json::Value;

use super::test_client::{get, post};
use super::tests_http::{json, small};
use super::{Scale, SimOptions, SimServer};

/// GitHub's REST examples, committed under `tests/fixtures/github` with their source and licence.
fn examples() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/github/rest-examples");
    assert!(dir.is_dir(), "GitHub's REST examples are missing: looked for {}", dir.display());
    dir
}

/// Keys of GitHub's examples that only admins, apps or other endpoints see.
const NOT_FOR_READERS: &[&str] = &[
    "security_and_analysis",
    "template_repository",
    "parent",
    "source",
    "temp_clone_token",
    "mirror_url",
    "total_private_repos",
    "owned_private_repos",
    "private_gists",
    "disk_usage",
    "collaborators",
    "billing_email",
    "plan",
    "default_repository_permission",
    "default_repository_branch",
    "two_factor_requirement_enabled",
    "members_allowed_repository_creation_type",
    "web_commit_signoff_required",
    "deploy_keys_enabled_for_repositories",
    "display_commenter_full_name_setting_enabled",
    "readers_can_create_discussions",
    "secret_scanning_push_protection_custom_link",
    "secret_scanning_push_protection_custom_link_enabled",
    "hireable",
    "email",
    "blog",
    // Only on replies, only on pull requests (checked on its own below).
    "in_reply_to_id",
    "pull_request",
];

/// Every key of `example` exists in `ours`, recursively where both have a value.
fn missing_keys(example: &Value, ours: &Value, path: &str, out: &mut Vec<String>) {
    match (example, ours) {
        (Value::Object(e), Value::Object(o)) => {
            for (key, value) in e {
                let skip = NOT_FOR_READERS.contains(&key.as_str())
                    || key.starts_with("members_can_")
                    || key.contains("_enabled_for_new_repositories");
                match o.get(key) {
                    None if !skip => out.push(format!("{path}.{key}")),
                    Some(v) => missing_keys(value, v, &format!("{path}.{key}"), out),
                    None => {}
                }
            }
        }
        (Value::Array(e), Value::Array(o)) => {
            if let (Some(e), Some(o)) = (e.first(), o.first()) {
                missing_keys(e, o, &format!("{path}[]"), out);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn answers_have_every_field_of_githubs_examples() {
    let dir = examples();
    let sim = small().await;
    let base = format!("{}/repos/upkeep-sim/atlas", sim.url());
    let pull = json(&format!("{base}/pulls?state=closed&per_page=1")).await[0]["number"].clone();
    let cases = [
        ("get_orgs_org.200.default-response.json", format!("{}/orgs/upkeep-sim", sim.url())),
        ("get_orgs_org_repos.200.default.json", format!("{}/orgs/upkeep-sim/repos", sim.url())),
        ("get_users_username.200.default-response.json", format!("{}/users/upkeep-ci", sim.url())),
        ("get_repos_owner_repo.200.default-response.json", base.clone()),
        ("get_repos_owner_repo_issues.200.default.json", format!("{base}/issues?state=closed&labels=bug")),
        ("get_repos_owner_repo_issues.200.default.json", format!("{base}/issues/{pull}")),
        ("get_repos_owner_repo_issues_comments.200.default.json", format!("{base}/issues/comments")),
        ("get_repos_owner_repo_pulls.200.default.json", format!("{base}/pulls?state=all")),
        ("get_repos_owner_repo_pulls_pull_number.200.default.json", format!("{base}/pulls/{pull}")),
        ("get_repos_owner_repo_pulls_comments.200.default.json", format!("{base}/pulls/comments")),
        ("get_repos_owner_repo_pulls_pull_number_reviews.200.default.json", format!("{base}/pulls/{pull}/reviews")),
        ("get_repos_owner_repo_releases.200.default.json", format!("{base}/releases")),
        ("get_repos_owner_repo_stats_contributors.200.default.json", format!("{base}/stats/contributors")),
        (
            "get_repos_owner_repo_contributors.200.response-if-repository-contains-content.json",
            format!("{base}/contributors"),
        ),
        ("get_rate_limit.200.default.json", format!("{}/rate_limit", sim.url())),
    ];
    let mut missing = Vec::new();
    for (file, url) in cases {
        let example: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
        let ours = json(&url).await;
        let ours = if example.is_array() && ours.is_object() { Value::Array(vec![ours]) } else { ours };
        missing_keys(&example, &ours, file, &mut missing);
    }
    missing.retain(|m| !m.contains("resources.") || m.ends_with(".core") || m.ends_with(".graphql"));
    assert!(missing.is_empty(), "fields GitHub sends that we do not: {missing:#?}");
    let as_issue = json(&format!("{base}/issues/{pull}")).await;
    let marker = as_issue["pull_request"].as_object().expect("a pull request listed as an issue");
    for key in ["url", "html_url", "diff_url", "patch_url", "merged_at"] {
        assert!(marker.contains_key(key), "pull_request.{key}");
    }
    sim.stop().await;
}

/// The collector's own query.
const PULLS_QUERY: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../src/github/queries/pull_requests.graphql"));

#[tokio::test]
async fn graphql_answers_pull_requests_by_node_id_in_order() {
    let sim = small().await;
    let base = format!("{}/repos/upkeep-sim/atlas", sim.url());
    let pulls = json(&format!("{base}/pulls?state=closed&per_page=10")).await;
    let pulls = pulls.as_array().unwrap();
    let mut ids: Vec<Value> = pulls.iter().map(|p| p["node_id"].clone()).collect();
    ids.insert(1, "MDExOlB1bGxSZXF1ZXN0MQ==".into());
    let request = serde_json::json!({ "query": PULLS_QUERY, "variables": { "ids": ids } });
    let reply = post(&format!("{}/graphql", sim.url()), &request.to_string()).await.unwrap();
    assert_eq!(reply.header("x-ratelimit-resource"), Some("graphql"));
    let data = &reply.json()["data"];
    assert_eq!(data["rateLimit"]["cost"], 1);
    assert!(data["rateLimit"]["resetAt"].as_str().unwrap().ends_with('Z'));
    let nodes = data["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 11);
    assert!(nodes[1].is_null(), "unknown ids answer null");
    let (node, rest) = (&nodes[0], &pulls[0]);
    assert_eq!(node["__typename"], "PullRequest");
    assert_eq!((&node["id"], &node["databaseId"]), (&rest["node_id"], &rest["id"]));
    assert_eq!(node["mergedAt"], rest["merged_at"]);
    let reviews = json(&format!("{base}/pulls/{}/reviews", rest["number"])).await;
    let rest_ids: Vec<&Value> = reviews.as_array().unwrap().iter().map(|r| &r["id"]).collect();
    let gql = node["reviews"]["nodes"].as_array().unwrap();
    assert_eq!(gql.iter().map(|r| &r["databaseId"]).collect::<Vec<_>>(), rest_ids);
    assert_eq!(node["reviews"]["totalCount"].as_u64(), Some(rest_ids.len() as u64));
    for merged in nodes.iter().filter(|n| !n["mergedAt"].is_null()) {
        assert!(["User", "Bot"].contains(&merged["mergedBy"]["__typename"].as_str().unwrap()));
        assert!(merged["mergedBy"]["databaseId"].is_u64());
    }
    let other = serde_json::json!({ "query": "query Viewer { viewer { login } }" });
    let unknown = post(&format!("{}/graphql", sim.url()), &other.to_string()).await.unwrap();
    assert_eq!((unknown.status, &unknown.json()["errors"][0]["type"]), (200, &Value::from("UNKNOWN_QUERY")));
    assert_eq!(sim.stats().graphql, 2);
    sim.stop().await;
}

/// What a client sees of one request: a status, or `reset`/`cut` for broken bodies.
async fn outcome(url: &str) -> String {
    match get(url).await {
        Err(_) => "reset".into(),
        Ok(r) if r.status == 200 && serde_json::from_slice::<Value>(&r.body).is_err() => "cut".into(),
        Ok(r) => format!("{}{}", r.status, r.header("retry-after").map(|s| format!("+{s}")).unwrap_or_default()),
    }
}

async fn faulty_run() -> Vec<String> {
    let mut opts = SimOptions::new(42, Scale::Small);
    (opts.fault_rate, opts.fault_seed, opts.retry_after_secs, opts.slow_ms) = (1.0, 7, 0, 1);
    let sim = SimServer::start(opts, 0).await.unwrap();
    let url = format!("{}/repos/upkeep-sim/ion/issues?state=all", sim.url());
    let mut seen = Vec::new();
    for _ in 0..48 {
        seen.push(outcome(&url).await);
    }
    assert_eq!(get(&format!("{}/_sim/stats", sim.url())).await.unwrap().status, 200, "controls are never faulted");
    assert_eq!(sim.stats().faults, 48);
    sim.stop().await;
    seen
}

#[tokio::test]
async fn faults_are_mixed_and_deterministic_for_serial_requests() {
    let first = faulty_run().await;
    for kind in ["500", "502", "503", "403+0", "429+0", "200", "cut", "reset"] {
        assert!(first.iter().any(|o| o == kind), "{kind} occurs in {first:?}");
    }
    assert_eq!(first, faulty_run().await);
}

#[tokio::test]
async fn conditional_requests_are_never_faulted() {
    let sim = small().await;
    let url = format!("{}/repos/upkeep-sim/meteor/releases", sim.url());
    let etag = get(&url).await.unwrap().header("etag").unwrap().to_owned();
    sim.set_fault_rate(1.0);
    for _ in 0..10 {
        let reply = super::test_client::get_with(&url, &[("if-none-match", &etag)]).await.unwrap();
        assert_eq!(reply.status, 304);
    }
    assert_eq!(sim.stats().faults, 0);
    sim.stop().await;
}

#[tokio::test]
async fn advancing_shows_new_activity_and_keeps_quiet_repos_unchanged() {
    let sim = small().await;
    let then = super::util::rfc3339(sim.now());
    let atlas = format!("{}/repos/upkeep-sim/atlas/issues?state=all&sort=updated", sim.url());
    let halo = format!("{}/repos/upkeep-sim/halo/issues?state=all", sim.url());
    let (atlas_tag, halo_tag) = (
        get(&atlas).await.unwrap().header("etag").map(str::to_owned),
        get(&halo).await.unwrap().header("etag").map(str::to_owned),
    );
    let summary = sim.advance(3.0, 0.05);
    assert!(summary.new_issues > 0 && summary.new_comments > 0 && summary.new_reviews > 0, "{summary:?}");
    let changed = json(&format!("{atlas}&direction=asc&since={then}&per_page=100")).await;
    let changed = changed.as_array().unwrap();
    assert!(!changed.is_empty());
    for item in changed {
        assert!(item["updated_at"].as_str().unwrap() > then.as_str());
        let comments = json(&format!("{}/comments?per_page=100", item["url"].as_str().unwrap())).await;
        if item["comments"].as_u64().unwrap() <= 100 {
            assert_eq!(comments.as_array().unwrap().len() as u64, item["comments"].as_u64().unwrap());
        }
    }
    assert_ne!(get(&atlas).await.unwrap().header("etag").map(str::to_owned), atlas_tag);
    assert_eq!(get(&halo).await.unwrap().header("etag").map(str::to_owned), halo_tag, "inert repositories stay still");
    sim.stop().await;
}

/// Response times at `large` (run with `--release`): a deep page, a `since` page, comments.
#[tokio::test]
#[ignore = "large: run with --release"]
async fn large_pages_answer_quickly() {
    let sim = SimServer::start(SimOptions::new(42, Scale::Large), 0).await.unwrap();
    let base = format!("{}/repos/upkeep-sim/atlas", sim.url());
    let since = super::util::rfc3339(super::DEFAULT_EPOCH - 200 * 86_400);
    for path in [
        "issues?state=all&per_page=100".to_owned(),
        "issues?state=all&per_page=100&page=900".to_owned(),
        format!("issues?state=all&sort=updated&direction=asc&since={since}&per_page=100"),
        format!("issues/comments?sort=updated&direction=asc&since={since}&per_page=100&page=50"),
        "pulls?state=all&per_page=100".to_owned(),
    ] {
        let mut times = Vec::new();
        for _ in 0..5 {
            let start = std::time::Instant::now();
            let reply = get(&format!("{base}/{path}")).await.unwrap();
            times.push(start.elapsed());
            assert_eq!(reply.status, 200);
        }
        times.sort();
        eprintln!(
            "large {path}: median {:?} ({} bytes)",
            times[2],
            get(&format!("{base}/{path}")).await.unwrap().body.len()
        );
    }
    sim.stop().await;
}

#[tokio::test]
async fn milestones_are_listed_by_state_with_their_counts_and_due_dates() {
    let sim = small().await;
    let url = |state: &str| format!("{}/repos/upkeep-sim/atlas/milestones?state={state}&per_page=100", sim.url());
    let all = json(&url("all")).await;
    let all = all.as_array().expect("a list");
    assert!(!all.is_empty(), "atlas plans its releases in milestones");
    let open = json(&url("open")).await.as_array().map_or(0, Vec::len);
    let closed = json(&url("closed")).await.as_array().map_or(0, Vec::len);
    assert_eq!(open + closed, all.len());
    let counted: u64 =
        all.iter().map(|m| m["open_issues"].as_u64().unwrap() + m["closed_issues"].as_u64().unwrap()).sum();
    assert!(counted > 0, "issues are assigned to milestones");
    assert!(all.iter().all(|m| m["title"].is_string() && m["number"].is_u64()));
    // A due date is optional on GitHub: most have one, some not.
    assert!(all.iter().all(|m| m["due_on"].is_string() || m["due_on"].is_null()));
    assert!(all.iter().any(|m| m["due_on"].is_null()) && all.iter().any(|m| m["due_on"].is_string()));
    assert_eq!(get(&url("sideways")).await.unwrap().status, 422);
    sim.stop().await;
}
