//! Answers the client must retry, split or refuse, from the hostile server of [`crate::hostile`]:
//! statistics still computing, GraphQL timeouts and permanent errors, malformed GraphQL JSON, one
//! User-Agent with the token only as a bearer, and GraphQL batches split in half.

use crate::hostile::{Hostile, Reply, json, settings, token};
use upkeep::github::{Fetched, GitHubClient};

#[tokio::test]
async fn statistics_still_computing_are_asked_again_within_the_run_and_204_is_empty() {
    let server = Hostile::start(vec![json(202, ""), json(202, ""), json(200, "[7]")]).await;
    let client = GitHubClient::new(settings(&server.url), None).unwrap();
    let Fetched::Fresh { value, .. } = client.get::<Vec<i64>>("/repos/o/r/stats/contributors", None).await.unwrap()
    else {
        panic!("the third answer is fresh");
    };
    assert_eq!((value, server.requests()), (vec![7], 3));

    let server = Hostile::start(vec![json(204, "")]).await;
    let client = GitHubClient::new(settings(&server.url), None).unwrap();
    let Fetched::Fresh { value, .. } = client.get::<Vec<i64>>("/repos/o/r/stats/contributors", None).await.unwrap()
    else {
        panic!("204 is an empty answer");
    };
    assert!(value.is_empty());
}

#[tokio::test]
async fn graphql_timeouts_are_retried_and_permanent_errors_keep_githubs_words() {
    let went_wrong = r#"{"data":null,"errors":[{"message":"Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include `C3A2:1F:5B` when reporting this issue."}]}"#;
    let server = Hostile::start(vec![
        json(200, went_wrong),
        json(502, "<html>Unicorn</html>"),
        json(200, r#"{"data":{"n":1}}"#),
    ])
    .await;
    let client = GitHubClient::new(settings(&server.url), None).unwrap();
    let data: serde_json::Value = client.graphql("query { n }", serde_json::json!({})).await.unwrap();
    assert_eq!((data["n"].as_i64(), server.requests()), (Some(1), 3));

    let unprocessable = r#"{"data":null,"errors":[{"type":"UNPROCESSABLE","path":["nodes"],"message":"Something about the ids was wrong: 'PR_x' is not a valid global id"}]}"#;
    let server = Hostile::start(vec![json(200, unprocessable)]).await;
    let client = GitHubClient::new(settings(&server.url), None).unwrap();
    let err = client.graphql::<serde_json::Value>("query { n }", serde_json::json!({})).await.unwrap_err();
    assert_eq!(server.requests(), 1, "permanent: not retried");
    assert_eq!(
        err.to_string(),
        "GraphQL error: UNPROCESSABLE at nodes: Something about the ids was wrong: 'PR_x' is not a valid global id"
    );

    // Data that came with a permanent error is kept, and the error is kept for the step's record.
    let partial = r#"{"data":{"n":2},"errors":[{"type":"FORBIDDEN","path":["x"],"message":"Resource not accessible by integration"}]}"#;
    let server = Hostile::start(vec![json(200, partial)]).await;
    let client = GitHubClient::new(settings(&server.url), None).unwrap();
    let data: serde_json::Value = client.graphql("query { n }", serde_json::json!({})).await.unwrap();
    assert_eq!(data["n"].as_i64(), Some(2));
    assert_eq!(client.take_problems(), vec!["FORBIDDEN at x: Resource not accessible by integration".to_owned()]);
}

#[tokio::test]
async fn malformed_graphql_json_is_retried_once_then_reported_with_line_and_column() {
    let server = Hostile::start(vec![json(200, "{\"data\": {\"n\": 1,,}}")]).await;
    let client = GitHubClient::new(settings(&server.url), None).unwrap();
    let err = client.graphql::<serde_json::Value>("query { n }", serde_json::json!({})).await.unwrap_err();
    assert_eq!(server.requests(), 2);
    let text = err.to_string();
    assert!(text.contains(&format!("{}/graphql", server.url)), "names the URL: {text}");
    assert!(text.contains("line 1 column"), "{text}");
}

#[tokio::test]
async fn every_request_carries_one_user_agent_ours_and_the_token_only_as_bearer() {
    let server = Hostile::start(vec![json(200, "[]"), json(200, r#"{"data":{"n":1}}"#)]).await;
    let client = GitHubClient::new(settings(&server.url), token()).unwrap();
    client.get::<Vec<i64>>("/repos/o/r/issues", None).await.unwrap();
    let _: serde_json::Value = client.graphql("query { n }", serde_json::json!({})).await.unwrap();
    let heads = server.heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 2);
    for head in &heads {
        let agents: Vec<&str> =
            head.lines().filter(|l| l.to_lowercase().starts_with("user-agent:")).map(|l| l[11..].trim()).collect();
        assert_eq!(agents, vec!["upkeep-test"], "{head}");
        let auth: Vec<&str> = head.lines().filter(|l| l.to_lowercase().starts_with("authorization:")).collect();
        assert_eq!(auth.len(), 1, "{head}");
        assert!(auth[0].ends_with("Bearer test-token-never-shown"), "{head}");
    }
    assert!(heads[0].starts_with("GET /repos/o/r/issues HTTP/1.1"), "{}", heads[0]);
    assert!(heads[1].starts_with("POST /graphql HTTP/1.1"), "{}", heads[1]);
}

#[tokio::test]
async fn a_graphql_batch_that_keeps_timing_out_is_split_in_half_and_the_nodes_stay_in_order() {
    // GitHub times out on more than two ids at once; smaller batches answer.
    fn answer(body: &str) -> Reply {
        let request: serde_json::Value = serde_json::from_str(body).unwrap();
        let ids: Vec<String> =
            request["variables"]["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
        if ids.len() > 2 {
            return json(
                200,
                r#"{"data":null,"errors":[{"message":"Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug."}]}"#,
            );
        }
        let nodes: Vec<serde_json::Value> = ids.iter().map(|id| serde_json::json!({ "id": id })).collect();
        json(200, &serde_json::json!({ "data": { "nodes": nodes } }).to_string())
    }
    let server = Hostile::start(vec![Reply::ByBody(answer)]).await;
    let client = GitHubClient::new(settings(&server.url), None).unwrap();
    let ids: Vec<String> = (0..7).map(|i| format!("PR_{i}")).collect();
    let nodes: Vec<Option<serde_json::Value>> = client.graphql_nodes("query { nodes }", &ids).await.unwrap();
    let got: Vec<&str> = nodes.iter().flatten().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(got, vec!["PR_0", "PR_1", "PR_2", "PR_3", "PR_4", "PR_5", "PR_6"]);
    // 7 → 3 + 4 → (1 + 2) + (2 + 2): the 7, 3 and 4 batches each spent 3 attempts, then 4 answers.
    assert_eq!(server.requests(), 3 * 3 + 4);
}
