//! Display helpers for view structs, for every audience's pages: timestamps, ages, durations,
//! quantiles, ratios and percentages as people read them. (Money has its own `Display`.)

use chrono::DateTime;

use crate::metrics::Quantile;

/// `2026-11-24`: the UTC day of a unix time (the seconds themselves if out of range).
pub fn day(ts: i64) -> String {
    DateTime::from_timestamp(ts, 0).map_or_else(|| ts.to_string(), |t| t.format("%Y-%m-%d").to_string())
}

/// `2026-11-24 09:30 UTC`, or an em dash for none.
pub fn datetime(ts: Option<i64>) -> String {
    ts.and_then(|t| DateTime::from_timestamp(t, 0))
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "—".to_owned())
}

/// When a page is rendered, `2026-11-24 09:30 UTC`, for its footer (a cached copy keeps it, and
/// the render cache fills in how long ago that was).
pub fn rendered_at() -> String {
    datetime(Some(chrono::Utc::now().timestamp()))
}

/// [`rendered_at`] for a `<time datetime>`: `2026-11-24T09:30:00Z`.
pub fn rendered_at_iso() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `3 min ago`, `5 h ago`, `2 d ago` relative to `now`.
pub fn ago(ts: Option<i64>, now: i64) -> String {
    match ts {
        None => "never".to_owned(),
        Some(t) => format!("{} ago", duration((now - t).max(0))),
    }
}

/// A duration in the largest sensible unit: `45 s`, `12 min`, `5.5 h`, `3.0 d`, `2.1 y`.
pub fn duration(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{:.1} h", s as f64 / 3600.0),
        s if s < 365 * 86_400 => format!("{:.1} d", s as f64 / 86_400.0),
        s => format!("{:.1} y", s as f64 / (365.25 * 86_400.0)),
    }
}

/// A quantile as a duration: `4.0 d`, `> 70.0 d` (only a lower bound is known), `—` (none).
pub fn quantile(q: Option<Quantile>) -> String {
    match q {
        None => "—".to_owned(),
        Some(Quantile::Exactly(s)) => duration(s),
        Some(Quantile::MoreThan(s)) => format!("> {}", duration(s)),
    }
}

/// An optional duration: `3.0 d`, or `—`.
pub fn seconds(s: Option<i64>) -> String {
    s.map_or_else(|| "—".to_owned(), duration)
}

/// A ratio with two decimals: `0.85`, or `—`.
pub fn ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "—".to_owned(), |r| format!("{r:.2}"))
}

/// A share as a whole percentage: `42%`, or `—`.
pub fn percent(r: Option<f64>) -> String {
    r.map_or_else(|| "—".to_owned(), |r| format!("{:.0}%", r * 100.0))
}

/// A link target from GitHub data, only if it is http(s): a hostile `javascript:` URL would run
/// even though the text is escaped.
pub fn safe_link(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| url.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_links_are_kept() {
        assert_eq!(safe_link("https://github.com/o/r").as_deref(), Some("https://github.com/o/r"));
        assert_eq!(safe_link(" JavaScript:alert(1)"), None);
        assert_eq!(safe_link("data:text/html,x"), None);
    }

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(duration(42), "42 s");
        assert_eq!(duration(600), "10 min");
        assert_eq!(duration(5400), "1.5 h");
        assert_eq!(duration(3 * 86_400), "3.0 d");
        assert_eq!(duration(800 * 86_400), "2.2 y");
        assert_eq!(datetime(Some(0)), "1970-01-01 00:00 UTC");
        assert_eq!(datetime(None), "—");
        assert_eq!(ago(Some(100), 160), "1 min ago");
    }
}
