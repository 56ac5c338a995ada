//! Text that enters an SVG: escaping, stable element ids, and a rough width for layout.
//!
//! Chart and badge output is inserted with `|safe`, so [`escape`] is the only thing standing
//! between a hostile issue title and the page. Ids are hashed from content so two charts on one
//! page do not share an id, yet the same input still renders the same string.

/// Escapes `& < > " '` for use in SVG text or a quoted attribute, and drops the control
/// characters XML forbids (a stray `\u{1}` would otherwise make the SVG invalid).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// `prefix` plus an FNV-1a hash of `parts`: stable across Rust releases, unlike `DefaultHasher`.
pub(crate) fn stable_id(prefix: &str, parts: &[&str]) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u32::from(byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    }
    format!("{prefix}{hash:08x}")
}

/// Approximate width of `s` in user units at the chart font size (11): enough to size margins
/// and place legend entries without a font engine.
pub(crate) fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * 6.2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_markup_and_quotes() {
        assert_eq!(escape("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assert_eq!(escape("\"onload=x"), "&quot;onload=x");
        assert_eq!(escape("a & b"), "a &amp; b");
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn escaping_drops_control_characters_but_keeps_unicode() {
        assert_eq!(escape("a\u{1}b\u{7f}c"), "abc");
        assert_eq!(escape("open ↑12 — ok"), "open ↑12 — ok");
    }

    #[test]
    fn ids_are_stable_and_depend_on_content() {
        assert_eq!(stable_id("c", &["a", "b"]), stable_id("c", &["a", "b"]));
        assert_ne!(stable_id("c", &["a", "b"]), stable_id("c", &["ab", ""]));
        assert_eq!(stable_id("c", &[]).len(), 9);
    }
}
