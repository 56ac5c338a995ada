//! HTTP tests of the newcomer data: the community profile against GitHub's example, GraphQL's
//! `UpkeepNewcomerIssues` against the REST answers, labels filters in each repository's
//! spelling, and the claim controls.

use std::path::PathBuf;

use serde_json::Value;

use super::newcomers::Case;
use super::test_client::{get, get_with, post};
use super::tests_http::json;
use super::tests_newcomers::situations;
use super::{Scale, SimOptions, SimServer};

async fn seven() -> SimServer {
    SimServer::start(SimOptions::new(7, Scale::Small), 0).await.expect("simulator starts")
}

/// Every key of `example` is in `ours`, recursively where both are objects.
fn same_keys(example: &Value, ours: &Value, path: &str, out: &mut Vec<String>) {
    if let (Value::Object(e), Value::Object(o)) = (example, ours) {
        for (key, value) in e {
            match o.get(key) {
                None => out.push(format!("{path}.{key}")),
                Some(v) => same_keys(value, v, &format!("{path}.{key}"), out),
            }
        }
        out.extend(o.keys().filter(|k| !e.contains_key(*k)).map(|k| format!("{path}.{k} (extra)")));
    }
}

#[tokio::test]
async fn community_profiles_have_githubs_shape_and_differ_by_repository() {
    let sim = seven().await;
    let profile = |name: &str| format!("{}/repos/upkeep-sim/{name}/community/profile", sim.url());
    let comet = json(&profile("comet")).await;
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/github/rest-examples/get_repos_owner_repo_community_profile.200.default.json");
    let text = std::fs::read_to_string(&example).unwrap_or_else(|e| panic!("{}: {e}", example.display()));
    let mut diff = Vec::new();
    same_keys(&serde_json::from_str(&text).unwrap(), &comet, "profile", &mut diff);
    assert!(diff.is_empty(), "{diff:#?}");
    assert_eq!(comet["health_percentage"], 100);
    assert!(comet["files"].as_object().unwrap().values().all(|f| !f.is_null()));
    assert!(comet["documentation"].as_str().unwrap().starts_with("https://"));
    let pulsar = json(&profile("pulsar")).await;
    for file in ["contributing", "issue_template", "pull_request_template"] {
        assert!(pulsar["files"][file].is_null(), "pulsar has no {file}");
    }
    let halo = json(&profile("halo")).await;
    let present: Vec<&String> =
        halo["files"].as_object().unwrap().iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k).collect();
    assert_eq!(present, ["license", "readme"]);
    assert_eq!(halo["health_percentage"], 42);
    let docs = json(&profile("docs")).await;
    assert!(docs["files"]["code_of_conduct"].is_null() && !docs["files"]["contributing"].is_null());
    let repo = json(&format!("{}/repos/upkeep-sim/halo", sim.url())).await;
    assert_eq!(halo["files"]["license"]["spdx_id"], repo["license"]["spdx_id"]);
    assert_eq!(halo["description"], repo["description"]);

    let first = get(&profile("comet")).await.unwrap();
    assert_eq!(first.header("x-ratelimit-resource"), Some("core"));
    let etag = first.header("etag").unwrap().to_owned();
    assert_eq!(get_with(&profile("comet"), &[("if-none-match", &etag)]).await.unwrap().status, 304);
    let by_id = json(&format!("{}/repositories/{}/community/profile", sim.url(), repo["id"])).await;
    assert_eq!(by_id["files"]["readme"], halo["files"]["readme"]);
    let stats = sim.stats();
    assert_eq!(stats.by_route["GET /repos/{o}/{r}/community/profile"], 6);
    assert_eq!((stats.not_modified, stats.by_route["GET /repositories/{id}/community/profile"]), (1, 1));
    sim.stop().await;
}

/// The collector's own query, so the simulator is tested against exactly what is sent.
const NEWCOMER_QUERY: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../src/github/queries/newcomer_issues.graphql"));

/// The first issue number of `repo` in `case`.
fn issue_in(sim: &SimServer, repo: &str, case: Case) -> u32 {
    let world = sim.shared.world();
    let repo = &world.repos[world.repo_index(repo).unwrap()];
    situations(&world, repo).into_iter().find(|(c, _)| *c == case).expect("the case occurs").1
}

async fn newcomer_nodes(sim: &SimServer, ids: &[Value]) -> Vec<Value> {
    let request = serde_json::json!({ "query": NEWCOMER_QUERY, "variables": { "ids": ids } });
    let reply = post(&format!("{}/graphql", sim.url()), &request.to_string()).await.unwrap();
    assert_eq!(reply.header("x-ratelimit-resource"), Some("graphql"));
    let data = &reply.json()["data"];
    assert_eq!(data["rateLimit"]["cost"], 1);
    data["nodes"].as_array().unwrap().clone()
}

#[tokio::test]
async fn graphql_newcomer_issues_agree_with_rest() {
    let sim = seven().await;
    let base = format!("{}/repos/upkeep-sim/comet", sim.url());
    let (linked, assigned) = (issue_in(&sim, "comet", Case::LinkedPr), issue_in(&sim, "comet", Case::Assigned));
    let (linked, assigned) =
        (json(&format!("{base}/issues/{linked}")).await, json(&format!("{base}/issues/{assigned}")).await);
    let pull = json(&format!("{base}/pulls?state=all&per_page=1")).await[0].clone();
    let ids = [linked["node_id"].clone(), assigned["node_id"].clone(), pull["node_id"].clone(), "MDU6SXNzdWUx".into()];
    let nodes = newcomer_nodes(&sim, &ids).await;
    assert_eq!(nodes.len(), 4);
    assert_eq!(nodes[2], serde_json::json!({ "__typename": "PullRequest" }));
    assert!(nodes[3].is_null(), "unknown ids answer null");

    let node = &nodes[0];
    assert_eq!(
        (&node["__typename"], &node["databaseId"], &node["state"]),
        (&"Issue".into(), &linked["id"], &"OPEN".into())
    );
    assert_eq!(node["updatedAt"], linked["updated_at"]);
    let names: Vec<&Value> = linked["labels"].as_array().unwrap().iter().map(|l| &l["name"]).collect();
    assert_eq!(node["labels"]["nodes"].as_array().unwrap().iter().map(|l| &l["name"]).collect::<Vec<_>>(), names);
    let events = node["timelineItems"]["nodes"].as_array().unwrap();
    let cross = events.iter().find(|e| e["__typename"] == "CrossReferencedEvent").expect("a cross-reference");
    assert_eq!((&cross["willCloseTarget"], &cross["source"]["state"]), (&Value::Bool(true), &"OPEN".into()));
    assert_eq!(cross["source"]["repository"]["nameWithOwner"], "upkeep-sim/comet");
    let source = json(&format!("{base}/pulls/{}", cross["source"]["number"])).await;
    let body = source["body"].as_str().unwrap();
    let number = linked["number"].as_u64().unwrap();
    assert!(["Closes", "Fixes", "Resolves"].iter().any(|k| body.ends_with(&format!("{k} #{number}"))), "{body}");
    assert_eq!(
        (&cross["createdAt"], &cross["source"]["author"]["login"]),
        (&source["created_at"], &source["user"]["login"])
    );

    let node = &nodes[1];
    let login = &assigned["assignees"][0]["login"];
    assert_eq!(node["assignees"]["nodes"][0]["login"], *login);
    let events = node["timelineItems"]["nodes"].as_array().unwrap();
    let assignment = events.iter().rfind(|e| e["__typename"] == "AssignedEvent").expect("an assignment");
    assert_eq!((&assignment["assignee"]["__typename"], &assignment["assignee"]["login"]), (&"User".into(), login));
    let comments = json(&format!("{base}/issues/{}/comments?per_page=100", assigned["number"])).await;
    let rest: Vec<(&Value, &Value)> = comments.as_array().unwrap().iter().map(|c| (&c["id"], &c["body"])).collect();
    let gql: Vec<(&Value, &Value)> =
        events.iter().filter(|e| e["__typename"] == "IssueComment").map(|e| (&e["databaseId"], &e["body"])).collect();
    assert_eq!(gql, rest);
    assert!(gql.iter().any(|(_, body)| super::text::CLAIMS.contains(&body.as_str().unwrap())), "a claim: {gql:?}");
    assert_eq!(node["timelineItems"]["totalCount"].as_u64(), Some(events.len() as u64));
    let created: Vec<&str> = events.iter().map(|e| e["createdAt"].as_str().unwrap()).collect();
    assert!(created.windows(2).all(|w| w[0] <= w[1]), "chronological: {created:?}");
    sim.stop().await;
}

#[tokio::test]
async fn labels_filter_in_each_repositorys_spelling() {
    let sim = seven().await;
    let issues = |repo: &str, labels: &str| {
        format!("{}/repos/upkeep-sim/{repo}/issues?state=all&per_page=100&labels={labels}", sim.url())
    };
    let atlas = json(&issues("atlas", "good-first-issue")).await;
    assert!(!atlas.as_array().unwrap().is_empty());
    assert!(json(&issues("atlas", "good%20first%20issue")).await.as_array().unwrap().is_empty());
    let nebula = json(&issues("nebula", "good%20first%20issue")).await;
    assert_eq!(nebula[0]["labels"].as_array().unwrap().iter().filter(|l| l["name"] == "Good First Issue").count(), 1);
    let mentor = {
        let world = sim.shared.world();
        let comet = &world.repos[world.repo_index("comet").unwrap()];
        let k = comet.items.iter().find_map(|i| i.mentor).unwrap();
        world.user(comet.maintainers[k as usize].0).login.to_string()
    };
    let mentored = json(&issues("comet", &format!("mentor:%20@{mentor}"))).await;
    let mentored = mentored.as_array().unwrap();
    assert!(!mentored.is_empty());
    let label = format!("mentor: @{mentor}");
    assert!(mentored.iter().all(|i| i["labels"].as_array().unwrap().iter().any(|l| l["name"] == label.as_str())));
    sim.stop().await;
}

#[tokio::test]
async fn claiming_over_http_shows_in_rest_and_graphql() {
    let sim = seven().await;
    let open: Vec<u64> = json(&format!("{}/_sim/newcomers?repo=comet", sim.url()))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    assert_eq!(open, sim.newcomer_issues("comet"));
    let url = format!("{}/repos/upkeep-sim/comet/issues/{}", sim.url(), open[0]);
    let before = json(&url).await;
    sim.advance(1.0, 0.0);
    let claim = format!("{}/_sim/claim?repo=comet&number={}&login=eager-newcomer", sim.url(), open[0]);
    assert_eq!(post(&claim, "").await.unwrap().status, 200);
    assert_eq!(post(&format!("{}/_sim/claim?repo=comet&number=0&login=x", sim.url()), "").await.unwrap().status, 422);
    let after = json(&url).await;
    assert!(after["updated_at"].as_str() > before["updated_at"].as_str());
    assert_eq!(after["comments"].as_u64(), before["comments"].as_u64().map(|n| n + 1));
    let comments = json(&format!("{url}/comments?per_page=100")).await;
    let last = comments.as_array().unwrap().last().unwrap();
    assert_eq!(
        (&last["body"], &last["user"]["login"]),
        (&"I'd like to work on this!".into(), &"eager-newcomer".into())
    );
    assert!(!sim.newcomer_issues("comet").contains(&open[0]));
    let nodes = newcomer_nodes(&sim, &[after["node_id"].clone()]).await;
    let events = nodes[0]["timelineItems"]["nodes"].as_array().unwrap();
    assert_eq!(events.last().unwrap()["databaseId"], last["id"]);
    assert_eq!(sim.stats().requests, 4, "controls are free");
    sim.stop().await;
}
