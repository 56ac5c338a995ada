//! Tests of the wire types: GitHub's JSON decoded strictly where a missing field would store
//! wrong data.

use super::*;

#[test]
fn content_files_decode_wrapped_base64() {
    let file = ContentFile {
        kind: "file".into(),
        encoding: Some("base64".into()),
        content: "eyJ2ZXJzaW9uIjog\nInYxLjAuMCJ9\n".into(),
        html_url: None,
    };
    assert_eq!(file.decoded().as_deref(), Some(&br#"{"version": "v1.0.0"}"#[..]));
    assert_eq!(ContentFile { encoding: None, ..file }.decoded(), None);
}

#[test]
fn only_a_pull_request_object_with_a_url_marks_a_pull_request() {
    let base = r#""id":1,"number":5,"title":"t","state":"open","created_at":"2012-03-01T00:00:00Z","updated_at":"2012-03-01T00:00:00Z""#;
    let parse = |extra: &str| serde_json::from_str::<Issue>(&format!("{{{base}{extra}}}")).unwrap();
    // GitHub's 2012 shape for a plain issue.
    let old = parse(r#","pull_request":{"html_url":null,"diff_url":null,"patch_url":null}"#);
    assert!(!old.is_pull_request());
    assert!(!parse("").is_pull_request());
    assert!(parse(r#","pull_request":{"url":"https://api.github.com/repos/o/r/pulls/5"}"#).is_pull_request());
    assert!(parse(r#","pull_request":{"html_url":"https://github.com/o/r/pull/5"}"#).is_pull_request());
    assert!(parse(r#","html_url":"https://github.com/o/r/pull/5""#).is_pull_request());
    assert!(!parse(r#","html_url":"https://github.com/o/r/issues/5""#).is_pull_request());
}

#[test]
fn a_review_comment_finds_its_pull_request_without_pull_request_url() {
    let base = r#""id":1,"created_at":"2020-01-01T00:00:00Z","updated_at":"2020-01-01T00:00:00Z""#;
    let parse = |extra: &str| serde_json::from_str::<ReviewComment>(&format!("{{{base}{extra}}}")).unwrap();
    assert_eq!(parse(r#","pull_request_url":"https://api.github.com/repos/o/r/pulls/12""#).pr_number(), Some(12));
    assert_eq!(
        parse(r#","_links":{"pull_request":{"href":"https://api.github.com/repos/o/r/pulls/13"}}"#).pr_number(),
        Some(13)
    );
    assert_eq!(parse(r#","html_url":"https://github.com/o/r/pull/14#discussion_r1""#).pr_number(), Some(14));
    assert_eq!(parse("").pr_number(), None);
}

#[test]
fn trailing_number_reads_the_parent_number() {
    assert_eq!(trailing_number("https://api.github.com/repos/o/r/issues/1347"), Some(1347));
    assert_eq!(trailing_number("https://x/pulls/7/"), Some(7));
    assert_eq!(trailing_number("https://x/pulls/abc"), None);
}

#[test]
fn labels_accept_objects_and_strings() {
    let labels: Vec<Label> = serde_json::from_str(r#"[{"name":"bug","color":"f00"},"help wanted"]"#).unwrap();
    let names: Vec<&str> = labels.iter().map(Label::name).collect();
    assert_eq!(names, ["bug", "help wanted"]);
}
