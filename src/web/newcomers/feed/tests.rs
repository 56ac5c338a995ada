//! The feed as written by the crate: the exact document for a small case, hostile text escaped,
//! and every document read back by `atom_syndication` itself.

use std::str::FromStr as _;

use super::*;
use crate::metrics::newcomers::claims::{ClaimStatus, StaleClaim};

const HOSTILE: &str = "<script>alert(\"x\")</script> & 'quotes' ]]> +00:00</updated>";

/// 2026-01-02T03:04:05Z
const T: i64 = 1_767_323_045;

fn issue(number: i64, title: &str) -> NewcomerIssue {
    NewcomerIssue {
        id: 900 + number,
        repo_id: 1,
        repo: "acme/onboard".to_owned(),
        repo_html_url: "https://github.com/acme/onboard/".to_owned(),
        language: None,
        number,
        title: title.to_owned(),
        labels: vec!["good first issue".to_owned()],
        author: None,
        created_at: T - 86_400,
        updated_at: T,
        mentor: None,
        claim: ClaimStatus::Unclaimed,
        abandoned_claims: vec![],
    }
}

fn head(next: Option<&str>) -> Head {
    Head {
        names: Names {
            id: "tag:upkeep,2026:newcomers".to_owned(),
            title: "Newcomer issues".to_owned(),
            alternate: "https://upkeep.example.org/newcomers".to_owned(),
        },
        updated: T,
        self_href: "https://upkeep.example.org/newcomers.atom?label=a&page=1".to_owned(),
        next_href: next.map(str::to_owned),
    }
}

fn xml(head: Head, issues: &[NewcomerIssue]) -> String {
    write(&document(head, issues.iter().map(entry).collect())).expect("a feed")
}

#[test]
fn a_small_feed_is_exactly_the_expected_document() {
    let body = xml(head(None), &[issue(1, "Fix the docs")]);
    let expected = concat!(
        r#"<?xml version="1.0"?>"#,
        "\n",
        r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Newcomer issues</title>"#,
        "<id>tag:upkeep,2026:newcomers</id><updated>2026-01-02T03:04:05Z</updated>",
        "<author><name>Upkeep</name></author><generator>Upkeep</generator>",
        r#"<link href="https://upkeep.example.org/newcomers.atom?label=a&amp;page=1" rel="self" type="application/atom+xml"/>"#,
        r#"<link href="https://upkeep.example.org/newcomers" rel="alternate" type="text/html"/>"#,
        "<entry><title>acme/onboard#1: Fix the docs</title><id>https://github.com/acme/onboard/issues/1</id>",
        "<updated>2026-01-02T03:04:05Z</updated>",
        r#"<category term="good first issue"/>"#,
        r#"<link href="https://github.com/acme/onboard/issues/1" rel="alternate" type="text/html"/>"#,
        "<published>2026-01-01T03:04:05Z</published>",
        "<summary>acme/onboard: good first issue</summary></entry></feed>",
    );
    assert_eq!(body, expected);
}

#[test]
fn a_hostile_title_is_escaped_and_reads_back_unchanged() {
    let mut hostile = issue(9, HOSTILE);
    hostile.labels = vec!["\"><img src=x>".to_owned()];
    hostile.abandoned_claims = vec![StaleClaim { login: "x<y".to_owned(), at: T - 40 * 86_400, age_days: 40 }];
    let body = xml(head(Some("https://upkeep.example.org/newcomers.atom?page=2")), &[hostile]);
    assert!(!body.contains("<script>") && !body.contains("<img"), "{body}");
    assert!(
        body.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;quotes&apos; ]]&gt;"),
        "{body}"
    );

    let feed = Feed::from_str(&body).expect("the feed reads back");
    let e = &feed.entries[0];
    assert_eq!(e.title.value, format!("acme/onboard#9: {HOSTILE}"), "the +00:00 in the title is left alone");
    assert_eq!(e.categories[0].term, "\"><img src=x>");
    assert_eq!(
        e.summary.as_ref().map(|s| s.value.as_str()),
        Some("acme/onboard: \"><img src=x> · @x<y claimed it 40 days ago, nothing since")
    );
    assert_eq!(e.updated, utc(T));
    assert_eq!(e.published, Some(utc(T - 86_400)));
    let rels: Vec<(&str, &str)> = feed.links.iter().map(|l| (l.rel.as_str(), l.href.as_str())).collect();
    assert_eq!(
        rels,
        [
            ("self", "https://upkeep.example.org/newcomers.atom?label=a&page=1"),
            ("alternate", "https://upkeep.example.org/newcomers"),
            ("next", "https://upkeep.example.org/newcomers.atom?page=2"),
        ]
    );
    assert_eq!(feed.updated, utc(T));
}

#[test]
fn text_xml_cannot_carry_is_dropped_and_a_non_http_url_gets_a_tag_id() {
    let mut odd = issue(3, "nul\u{0} esc\u{1b} tab\t end\u{FFFF}");
    odd.repo_html_url = "javascript:alert(1)".to_owned();
    let body = xml(head(None), &[odd]);
    let feed = Feed::from_str(&body).expect("the feed reads back");
    let e = &feed.entries[0];
    assert_eq!(e.title.value, "acme/onboard#3: nul esc tab\t end");
    assert_eq!(e.id, "tag:upkeep,2026:issue:903");
    assert!(e.links.is_empty(), "no link to a non-http URL");
}

#[test]
fn an_empty_feed_is_still_a_feed_dated_by_its_head() {
    let feed = Feed::from_str(&xml(head(None), &[])).expect("the feed reads back");
    assert_eq!((feed.entries.len(), feed.title.value.as_str(), feed.updated), (0, "Newcomer issues", utc(T)));
}

#[test]
fn xml_text_drops_what_xml_cannot_carry() {
    assert_eq!(xml_text("a\u{0}b\u{1b}c\td\u{FFFF}"), "abc\td");
    assert_eq!(utc(0).to_rfc3339(), "1970-01-01T00:00:00+00:00");
}
