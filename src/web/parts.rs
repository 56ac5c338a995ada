//! Page parts every audience shows: the headline card and the window switcher. Pages for
//! maintainers, funders and newcomers import them from here, not from each other.

use crate::metrics::Explain;

/// A headline number with its "how is this computed?" disclosure.
pub struct Card {
    pub id: &'static str,
    pub label: &'static str,
    pub value: String,
    pub detail: String,
    pub explain: Explain,
}

/// Windows offered as links (days); any `from`/`to` range of whole days is accepted too.
pub const WINDOWS: [i64; 3] = [30, 90, 365];

/// A window switcher entry.
pub struct WindowLink {
    pub label: String,
    pub href: String,
    pub current: bool,
}

/// One link per [`WINDOWS`] entry: `href(days)` is its target, `current` the window shown.
pub fn window_links(current: Option<i64>, href: impl Fn(i64) -> String) -> Vec<WindowLink> {
    WINDOWS
        .iter()
        .map(|&days| WindowLink { label: format!("{days} days"), href: href(days), current: current == Some(days) })
        .collect()
}
