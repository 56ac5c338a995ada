//! Test helpers for SVG output: a tiny tag-balance checker standing in for an XML parser, and an
//! injection check for hostile text. Used by the chart and badge tests only.

/// Panics unless `svg` is one `<svg>` element whose tags balance, whose attribute quotes pair up,
/// and whose every `&` starts an entity we emit.
pub(crate) fn assert_well_formed(svg: &str) {
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"), "not a single svg element: {svg}");
    let mut open: Vec<&str> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        assert!(!rest[..start].contains('>'), "raw > in text near: {}", &rest[..start]);
        let len = rest[start..].find('>').unwrap_or_else(|| panic!("unclosed tag in {svg}"));
        let tag = &rest[start + 1..start + len];
        assert!(!tag.contains('<'), "< inside a tag: {tag}");
        assert_eq!(tag.matches('"').count() % 2, 0, "unpaired quote in <{tag}>");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "mismatched </{name}> in {svg}");
        } else if !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().unwrap_or_default());
        }
        rest = &rest[start + len + 1..];
        if open.is_empty() {
            assert!(rest.is_empty(), "content after the root element: {rest}");
        }
    }
    assert!(open.is_empty(), "unclosed elements {open:?}");
    for (i, _) in svg.match_indices('&') {
        let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|e| svg[i..].starts_with(e));
        assert!(entity, "bare & at {i} in {svg}");
    }
}

/// Panics if hostile text survived unescaped: a raw `<script` or a quote that opens an
/// `onload=` attribute.
pub(crate) fn assert_safe(svg: &str) {
    let lower = svg.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "raw <script in {svg}");
    assert!(!lower.contains("\"onload") && !lower.contains("'onload"), "raw quote before onload in {svg}");
    assert!(!lower.contains(" onload="), "onload attribute in {svg}");
}

#[test]
fn the_checker_rejects_broken_markup() {
    for bad in ["<svg a=\"1></svg>", "<svg x><g></svg>", "<svg x>a & b</svg>", "<svg x></svg><svg>"] {
        assert!(std::panic::catch_unwind(|| assert_well_formed(bad)).is_err(), "accepted {bad}");
    }
    assert_well_formed("<svg x=\"1\"><g><line/></g><text>a &amp; b</text></svg>");
}
