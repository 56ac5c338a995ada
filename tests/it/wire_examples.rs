//! GitHub's own REST example bodies deserialize into our wire types and convert into rows.
//!
//! The bodies come from `tests/fixtures/github/rest-examples` (GitHub's official OpenAPI examples, one
//! file per endpoint; `manifest.json` maps each file to its endpoint). For each endpoint the
//! collector reads, one test parses the example into the wire type from
//! `upkeep::github::wire`, checks values copied from the file, then runs it through
//! `upkeep::github::convert` and checks the row (timestamps in unix seconds). A last group
//! shows the wire types tolerate what GitHub may add or leave out.
//!
//! Not covered here: the simulated GitHub's bodies (the collector tests exercise those) and
//! GraphQL (see `graphql_schema`). A missing fixture folder fails every test that reads it,
//! naming the path looked at.

use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde_json::Value;
use upkeep::config::PeopleConfig;
use upkeep::github::convert;
use upkeep::github::wire::{
    ErrorBody, Issue, IssueComment, PullRequest, Release, Repository, Review, ReviewComment, trailing_number,
};

/// GitHub's examples, committed with their source and licence (see `tests/fixtures/github/README.md`).
const EXAMPLES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/github/rest-examples");

/// The examples the collector relies on, with the endpoint `manifest.json` lists each under.
const RELIED_ON: &[(&str, &str)] = &[
    ("get_repos_owner_repo_issues.200.default.json", "GET:/repos/{owner}/{repo}/issues"),
    ("get_repos_owner_repo_issues_issue_number.200.default.json", "GET:/repos/{owner}/{repo}/issues/{issue_number}"),
    ("get_repos_owner_repo_issues_comments.200.default.json", "GET:/repos/{owner}/{repo}/issues/comments"),
    ("get_repos_owner_repo_pulls_comments.200.default.json", "GET:/repos/{owner}/{repo}/pulls/comments"),
    ("get_repos_owner_repo_pulls.200.default.json", "GET:/repos/{owner}/{repo}/pulls"),
    (
        "get_repos_owner_repo_pulls_pull_number_reviews.200.default.json",
        "GET:/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    ),
    ("get_repos_owner_repo_releases.200.default.json", "GET:/repos/{owner}/{repo}/releases"),
    ("get_repos_owner_repo_stats_contributors.200.default.json", "GET:/repos/{owner}/{repo}/stats/contributors"),
    ("get_repos_owner_repo.200.default-response.json", "GET:/repos/{owner}/{repo}"),
    ("get_orgs_org_repos.200.default.json", "GET:/orgs/{org}/repos"),
];

fn examples_dir() -> PathBuf {
    let dir = PathBuf::from(EXAMPLES_DIR);
    assert!(
        dir.is_dir(),
        "GitHub's REST examples are missing: looked for the folder {} (they are committed under \
         tests/fixtures/github; see its README.md)",
        dir.display()
    );
    dir
}

fn read_example(file: &str) -> String {
    let path = examples_dir().join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn parse<T: DeserializeOwned>(file: &str, body: &str) -> T {
    serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("{file} does not deserialize into {}: {e}", std::any::type_name::<T>()))
}

fn example<T: DeserializeOwned>(file: &str) -> T {
    parse(file, &read_example(file))
}

/// The one item of a list example (GitHub's examples hold exactly one).
fn only_item<T: DeserializeOwned>(file: &str) -> T {
    let mut items: Vec<T> = example(file);
    assert_eq!(items.len(), 1, "{file} should hold one example item");
    items.remove(0)
}

/// The 200 response of `endpoint` in `manifest.json`.
fn manifest_response(endpoint: &str) -> Value {
    let manifest: Value = example("manifest.json");
    manifest["endpoints"][endpoint]["responses"]["200"].clone()
}

#[test]
fn every_example_relied_on_is_listed_in_the_manifest_under_its_endpoint() {
    for (file, endpoint) in RELIED_ON {
        let files = &manifest_response(endpoint)["files"];
        let listed = files.as_array().is_some_and(|f| f.iter().any(|f| f == file));
        assert!(listed, "manifest.json does not list {file} under {endpoint}: {files}");
    }
}

#[test]
fn the_issue_list_example_parses_with_labels_author_and_pull_request_marker() {
    let issue: Issue = only_item("get_repos_owner_repo_issues.200.default.json");
    assert_eq!((issue.id, issue.number), (1, 1347));
    assert_eq!((issue.title.as_str(), issue.state.as_str()), ("Found a bug", "open"));
    assert_eq!(issue.author_association, "COLLABORATOR");
    let labels: Vec<&str> = issue.labels.iter().map(|l| l.name()).collect();
    assert_eq!(labels, ["bug"]);
    assert_eq!(issue.user.as_ref().map(|u| (u.login.as_str(), u.id)), Some(("octocat", 1)));
    assert!(issue.pull_request.is_some(), "the example carries a `pull_request` key");
    assert!(issue.closed_at.is_none());

    let row = convert::issue(7, &issue);
    assert_eq!((row.repo_id, row.number, row.author_id), (7, 1347, Some(1)));
    assert!(row.is_pull_request);
    assert_eq!(row.labels, r#"["bug"]"#);
    assert_eq!(row.assignees, r#"["octocat"]"#);
    assert_eq!(row.milestone.as_deref(), Some("v1.0"));
    assert_eq!(row.created_at, 1_303_479_228, "2011-04-22T13:33:48Z");
    assert_eq!((row.closed_at, row.merged_at, row.draft), (None, None, false));
}

/// The published package leaves this example as an unresolved `{"$ref":
/// "#/components/examples/issue"}` stub. When it is one, the manifest must show the endpoint
/// returns the same `issue` schema as the list, whose item then stands in; a real body is
/// parsed as it is.
#[test]
fn the_single_issue_example_parses_into_an_issue() {
    let file = "get_repos_owner_repo_issues_issue_number.200.default.json";
    let body = read_example(file);
    let value: Value = parse(file, &body);
    let issue: Issue = match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            assert_eq!(reference, "#/components/examples/issue", "{file} is an unexpected stub");
            let single = manifest_response("GET:/repos/{owner}/{repo}/issues/{issue_number}");
            let list = manifest_response("GET:/repos/{owner}/{repo}/issues");
            assert_eq!(single["schema"], list["schema"], "both endpoints should return `issue`");
            only_item("get_repos_owner_repo_issues.200.default.json")
        }
        None => parse(file, &body),
    };
    assert_eq!(issue.number, 1347);
    assert_eq!(issue.author_association, "COLLABORATOR");
    assert_eq!(convert::issue(1, &issue).created_at, 1_303_479_228);
}

#[test]
fn the_issue_comment_example_names_its_issue_in_issue_url() {
    let comment: IssueComment = only_item("get_repos_owner_repo_issues_comments.200.default.json");
    assert_eq!(comment.id, 1);
    assert_eq!(comment.issue_url, "https://api.github.com/repos/octocat/Hello-World/issues/1347");
    assert_eq!(trailing_number(&comment.issue_url), Some(1347));
    assert_eq!(comment.author_association, "COLLABORATOR");

    let row = convert::comment(3, 1347, &comment);
    assert_eq!((row.repo_id, row.issue_number, row.author_id), (3, 1347, Some(1)));
    assert_eq!((row.created_at, row.updated_at), (1_302_796_849, 1_302_796_849));
}

#[test]
fn the_review_comment_example_names_its_pull_request_and_review() {
    let comment: ReviewComment = only_item("get_repos_owner_repo_pulls_comments.200.default.json");
    assert_eq!(comment.id, 10);
    assert_eq!(comment.pull_request_url.as_deref().and_then(trailing_number), Some(1));
    assert_eq!(comment.pr_number(), Some(1));
    assert_eq!(comment.pull_request_review_id, Some(42));
    assert_eq!(comment.author_association, "NONE");

    let row = convert::review_comment(3, &comment).expect("pull_request_url ends in a number");
    assert_eq!((row.pr_number, row.review_id, row.author_id), (1, Some(42), Some(1)));
    assert_eq!(row.created_at, 1_302_796_849, "2011-04-14T16:00:49Z");
}

#[test]
fn the_pull_request_list_example_parses_with_merged_at_and_draft() {
    let pull: PullRequest = only_item("get_repos_owner_repo_pulls.200.default.json");
    assert_eq!((pull.id, pull.number, pull.state.as_str()), (1, 1347, "open"));
    assert_eq!(pull.draft, Some(false));
    assert_eq!(pull.merged_at.map(convert::ts), Some(1_296_068_472), "2011-01-26T19:01:12Z");
    assert_eq!(convert::ts(pull.updated_at), 1_296_068_472);
}

#[test]
fn the_review_example_parses_with_its_state_and_submission_time() {
    let review: Review = only_item("get_repos_owner_repo_pulls_pull_number_reviews.200.default.json");
    assert_eq!((review.id, review.state.as_str()), (80, "APPROVED"));
    assert_eq!(review.author_association, "COLLABORATOR");

    let row = convert::review(3, 12, &review);
    assert_eq!((row.pr_number, row.author_id, row.state.as_str()), (12, Some(1), "APPROVED"));
    assert_eq!(row.submitted_at, Some(1_574_012_623), "2019-11-17T17:43:43Z");
}

#[test]
fn the_release_example_parses_with_its_tag_and_author() {
    let release: Release = only_item("get_repos_owner_repo_releases.200.default.json");
    assert_eq!((release.id, release.tag_name.as_str()), (1, "v1.0.0"));
    assert_eq!(release.name.as_deref(), Some("v1.0.0"));
    assert!(!release.draft && !release.prerelease);

    let row = convert::release(3, &release);
    assert_eq!((row.author_id, row.created_at), (Some(1), 1_361_993_732));
    assert_eq!(row.published_at, Some(1_361_993_732), "2013-02-27T19:35:32Z");
}

#[test]
fn the_repository_examples_parse_from_both_endpoints() {
    let single: Repository = example("get_repos_owner_repo.200.default-response.json");
    let listed: Repository = only_item("get_orgs_org_repos.200.default.json");
    for repo in [&single, &listed] {
        assert_eq!((repo.id, repo.full_name.as_str()), (1_296_269, "octocat/Hello-World"));
        assert_eq!(repo.default_branch.as_deref(), Some("master"));

        let row = convert::repository(repo);
        assert_eq!((row.owner.as_str(), row.name.as_str()), ("octocat", "Hello-World"));
        assert_eq!((row.stargazers, row.forks, row.open_issues), (80, 9, 0));
        assert!(!row.is_private && !row.is_fork && !row.is_archived);
        assert_eq!((row.created_at, row.updated_at), (1_296_068_472, 1_296_069_283));
        assert_eq!(row.pushed_at, Some(1_296_068_803), "2011-01-26T19:06:43Z");
    }
}

#[test]
fn the_example_author_converts_into_a_human_account() {
    let issue: Issue = only_item("get_repos_owner_repo_issues.200.default.json");
    let user = issue.user.expect("the example has a user");
    let account = convert::account(&user, &PeopleConfig::default());
    assert_eq!((account.id, account.login.as_str(), account.kind.as_str()), (1, "octocat", "User"));
    assert!(!account.is_bot);
}

#[test]
fn an_issue_with_unknown_fields_no_user_and_missing_optional_keys_still_parses() {
    let body = r#"{
        "id": 5, "number": 9, "title": "Quiet", "state": "closed",
        "user": null,
        "created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-01-02T03:04:05Z",
        "reactions": {"+1": 2}, "a_field_github_added_later": [1, 2, 3]
    }"#;
    let issue: Issue = parse("an inline issue", body);
    assert!(issue.user.is_none() && issue.labels.is_empty() && issue.closed_at.is_none());
    assert_eq!(issue.author_association, "NONE", "a missing association reads as NONE");

    let row = convert::issue(1, &issue);
    assert_eq!((row.author_id, row.labels.as_str(), row.assignees.as_str()), (None, "[]", "[]"));
    assert!(!row.is_pull_request);
    assert_eq!(row.created_at, 1_704_164_645, "2024-01-02T03:04:05Z");
}

#[test]
fn an_error_body_parses_with_or_without_its_documentation_url() {
    let full: ErrorBody = parse(
        "an inline error",
        r#"{"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"}"#,
    );
    assert_eq!(full.message, "Not Found");
    assert!(full.documentation_url.is_some());
    let bare: ErrorBody = parse("an inline error", r#"{"message": "Bad credentials"}"#);
    assert!(bare.documentation_url.is_none());
}
