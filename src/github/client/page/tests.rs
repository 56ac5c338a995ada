//! A page read without building its JSON answers as a `Vec<Value>` read would.

use super::*;

/// What `Vec<Value>` makes of `body`: the identities, or the error's category.
fn by_values(body: &str) -> Result<Vec<Option<String>>, serde_json::error::Category> {
    let body = if body.trim().is_empty() { "[]" } else { body };
    serde_json::from_str::<Vec<serde_json::Value>>(body)
        .map(|v| v.iter().map(identity).collect())
        .map_err(|e| e.classify())
}

fn by_page(body: &str) -> Result<Vec<Option<String>>, serde_json::error::Category> {
    Page::parse(body).map(|p| p.ids).map_err(|e| e.classify())
}

#[test]
fn identities_are_the_id_else_the_sha_else_the_node_id() {
    let body = r#"[{"id": 7, "sha": "abc"}, {"sha": "abc", "node_id": "N"}, {"node_id": "N"}, {"id": "7", "node_id": "N"},
                  {"id": 1.5}, {"id": -3}, {"id": 18446744073709551615, "sha": "s"}, {}, 5, "x", null, [1, {"id": 2}],
                  {"nested": {"id": 9}}, {"id": 1, "id": 2}, {"sha": 4, "node_id": "N2"}]"#;
    let expected: Vec<Option<String>> = [
        Some("7"),
        Some("abc"),
        Some("N"),
        Some("N"),
        None,
        Some("-3"),
        Some("s"),
        None,
        None,
        None,
        None,
        None,
        None,
        Some("2"),
        Some("N2"),
    ]
    .iter()
    .map(|s| s.map(str::to_owned))
    .collect();
    assert_eq!(by_page(body), Ok(expected.clone()));
    assert_eq!(by_values(body), Ok(expected));
    assert_eq!(Page::parse(body).map(|p| p.body).ok().as_deref(), Some(body), "the text is kept as it came");
}

#[test]
fn an_empty_body_is_an_empty_page() {
    assert_eq!(Page::parse("").ok(), Some(Page { body: "[]".to_owned(), ids: Vec::new() }));
    assert_eq!(Page::parse(" \n").ok(), Some(Page { body: "[]".to_owned(), ids: Vec::new() }));
    assert_eq!(by_page("[]"), Ok(Vec::new()));
}

#[test]
fn refused_bodies_fail_as_a_value_read_fails() {
    use serde_json::error::Category::{Data, Eof, Syntax};
    let deep = format!("[{{\"a\": {}1{}}}]", "[".repeat(200), "]".repeat(200));
    let cases: &[(&str, serde_json::error::Category)] = &[
        (r#"{"id": 1}"#, Data),
        ("7", Data),
        (r#"[{"id": 1}"#, Eof),
        (r#"[{"id": 1},]"#, Syntax),
        (r#"[{"id": 1, "x": tru}]"#, Syntax),
        (r#"[{"id": 1, "x": 1e999}]"#, Syntax),
        (r#"[{"id": 1, "x": "\ud800"}]"#, Syntax),
        (r#"[{"id": 1}] trailing"#, Syntax),
        (&deep, Syntax),
    ];
    for (body, category) in cases {
        assert_eq!(by_values(body), Err(*category), "Vec<Value> on {body:.40}");
        assert_eq!(by_page(body), Err(*category), "Page on {body:.40}");
    }
    // Nesting just under the limit is read by both.
    let fine = format!("[{{\"a\": {}1{}, \"id\": 3}}]", "[".repeat(120), "]".repeat(120));
    assert_eq!(by_page(&fine), Ok(vec![Some("3".to_owned())]));
    assert_eq!(by_values(&fine), Ok(vec![Some("3".to_owned())]));
}
