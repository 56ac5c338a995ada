//! Shields.io-style flat badges as SVG strings, and the three health badges the routes serve.
//!
//! [`badge`] draws the familiar two-part badge: a grey label and a coloured message, widths from
//! a Verdana 11px character-width table (as shields does; no font engine), a rounded clip, a soft
//! gradient and text with a shadow. Both texts are escaped with [`charts::escape`]: badges are
//! served as images *and* inlined with `|safe`. Ids are hashed from the content, so several
//! badges inlined on one page do not share a clip path.
//!
//! The helpers map a metric to a message and colour: [`first_response_badge`] by the LFX
//! Insights bands, [`bus_factor_badge`] by contributor absence factor, [`backlog_badge`] by
//! backlog growth. Computing the metrics themselves belongs to `metrics`, not here.

use std::fmt::Write;

use super::charts::{self, escape};

/// Shields' named colours. `Grey` is shields' `lightgrey` (`#9f9f9f`), which shields uses for
/// "no data": its darker `grey` would vanish against the label's `#555`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadgeColor {
    Green,
    YellowGreen,
    Yellow,
    Orange,
    Red,
    Blue,
    /// GitHub Sponsors' pink.
    Pink,
    Grey,
}

impl BadgeColor {
    pub fn hex(self) -> &'static str {
        match self {
            BadgeColor::Green => "#97ca00",
            BadgeColor::YellowGreen => "#a4a61d",
            BadgeColor::Yellow => "#dfb317",
            BadgeColor::Orange => "#fe7d37",
            BadgeColor::Red => "#e05d44",
            BadgeColor::Blue => "#007ec6",
            BadgeColor::Pink => "#bf3989",
            BadgeColor::Grey => "#9f9f9f",
        }
    }
}

/// Widths of ASCII 32..=126 in Verdana at 11px, after shields' table.
const VERDANA_11: [f64; 95] = [
    3.87, 4.33, 5.05, 9.0, 7.0, 11.84, 7.99, 2.95, 4.99, 4.99, 7.0, 9.0, 4.0, 4.99, 4.0, 4.99, // ' '..'/'
    7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 4.99, 4.99, 9.0, 9.0, 9.0, 6.0, 11.0, // '0'..'@'
    7.52, 7.54, 7.68, 8.48, 6.96, 6.32, 8.53, 8.27, 4.63, 5.0, 7.62, 6.12, 9.27, 8.23, 8.66, 6.63,
    8.66, // 'A'..'Q'
    7.65, 7.52, 6.78, 8.05, 7.52, 10.88, 7.54, 6.77, 7.54, 4.99, 4.99, 4.99, 9.0, 7.0, 7.0, // 'R'..'`'
    6.61, 6.85, 5.73, 6.85, 6.55, 3.87, 6.85, 6.96, 3.02, 3.79, 6.51, 3.02, 10.7, 6.96, 6.68, 6.85, // 'a'..'p'
    6.85, 4.69, 5.73, 4.33, 6.96, 6.51, 9.0, 6.51, 6.51, 5.79, 6.98, 4.99, 6.98, 9.0, // 'q'..'~'
];

/// Approximate rendered width of `s` in Verdana 11px.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| match c {
            ' '..='~' => VERDANA_11[c as usize - 32],
            '\u{2E80}'.. => 11.0, // CJK and wider scripts: about one em
            _ => 7.5,             // arrows, accents and other symbols: about a digit
        })
        .sum()
}

/// Width of one badge half: the text plus 5px padding each side; nothing for empty text.
fn part_width(s: &str) -> u32 {
    if s.is_empty() { 0 } else { text_width(s).round() as u32 + 10 }
}

/// A flat 20px-high badge `label | message`; an empty label draws the message alone.
pub fn badge(label: &str, message: &str, color: BadgeColor) -> String {
    let (lw, mw) = (part_width(label), part_width(message));
    let total = lw + mw;
    let id = charts::stable_id("badge-", &[label, message, color.hex()]);
    let alt = if label.is_empty() { escape(message) } else { escape(&format!("{label}: {message}")) };
    let mut out = format!(
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" viewBox="0 0 {total} 20" "##,
            r##"role="img" aria-label="{alt}"><title>{alt}</title>"##,
            r##"<linearGradient id="{id}-s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>"##,
            r##"<stop offset="1" stop-opacity=".1"/></linearGradient>"##,
            r##"<clipPath id="{id}-r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>"##,
            r##"<g clip-path="url(#{id}-r)"><rect width="{lw}" height="20" fill="#555"/>"##,
            r##"<rect x="{lw}" width="{mw}" height="20" fill="{hex}"/>"##,
            r##"<rect width="{total}" height="20" fill="url(#{id}-s)"/></g>"##,
            r##"<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" "##,
            r##"text-rendering="geometricPrecision" font-size="110">"##
        ),
        total = total,
        alt = alt,
        id = id,
        lw = lw,
        mw = mw,
        hex = color.hex(),
    );
    shadowed_text(&mut out, 0, lw, label);
    shadowed_text(&mut out, lw, mw, message);
    out.push_str("</g></svg>");
    out
}

/// An SVG response for embedding: the right content type and five minutes of caching.
pub fn svg_response(mut builder: actix_web::HttpResponseBuilder, body: String) -> actix_web::HttpResponse {
    builder
        .content_type("image/svg+xml; charset=utf-8")
        .insert_header(("cache-control", "public, max-age=300"))
        .body(body)
}

/// Centred text in the part starting at `left` and `width` wide, drawn at 10× scale (as shields
/// does, for sub-pixel positioning) over a darker copy one pixel lower as its shadow.
fn shadowed_text(out: &mut String, left: u32, width: u32, text: &str) {
    if text.is_empty() {
        return;
    }
    let (x, len, text) = (left * 10 + width * 5, (width - 10) * 10, escape(text));
    let _ = write!(
        out,
        concat!(
            r##"<text aria-hidden="true" x="{x}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" "##,
            r##"textLength="{len}">{text}</text><text aria-hidden="true" x="{x}" y="140" transform="scale(.1)" "##,
            r##"fill="#fff" textLength="{len}">{text}</text>"##
        ),
        x = x,
        len = len,
        text = text
    );
}

const HOUR: i64 = 3_600;
const DAY: i64 = 24 * HOUR;

/// `first response | 2.5 h`, coloured by the LFX bands: under a day green, under 3 days
/// yellow-green, under a week yellow, under a month (30 days) orange, else red; `no data` grey.
pub fn first_response_badge(median: Option<i64>) -> String {
    let (message, color) = first_response_parts(median);
    badge("first response", &message, color)
}

fn first_response_parts(median: Option<i64>) -> (String, BadgeColor) {
    let Some(secs) = median.map(|s| s.max(0)) else { return ("no data".to_owned(), BadgeColor::Grey) };
    let color = match secs {
        s if s < DAY => BadgeColor::Green,
        s if s < 3 * DAY => BadgeColor::YellowGreen,
        s if s < 7 * DAY => BadgeColor::Yellow,
        s if s < 30 * DAY => BadgeColor::Orange,
        _ => BadgeColor::Red,
    };
    (short_duration(secs), color)
}

/// `< 1 min`, `45 min`, `2.5 h`, `3 d`, `12 d`: one decimal only while it matters.
fn short_duration(secs: i64) -> String {
    let one_decimal = |v: f64| {
        let s = format!("{v:.1}");
        s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
    };
    match secs {
        s if s < 60 => "< 1 min".to_owned(),
        s if s < HOUR => format!("{} min", s / 60),
        s if s < DAY => format!("{} h", one_decimal(s as f64 / HOUR as f64)),
        s if s < 10 * DAY => format!("{} d", one_decimal(s as f64 / DAY as f64)),
        s => format!("{} d", (s as f64 / DAY as f64).round()),
    }
}

/// `bus factor | 3`: 1 (or 0) red, 2 orange, 3–4 yellow, 5 or more green; `no data` grey.
pub fn bus_factor_badge(caf: Option<u32>) -> String {
    let (message, color) = match caf {
        None => ("no data".to_owned(), BadgeColor::Grey),
        Some(n) => (n.to_string(), bus_factor_color(n)),
    };
    badge("bus factor", &message, color)
}

fn bus_factor_color(n: u32) -> BadgeColor {
    match n {
        0 | 1 => BadgeColor::Red,
        2 => BadgeColor::Orange,
        3 | 4 => BadgeColor::Yellow,
        _ => BadgeColor::Green,
    }
}

/// `backlog | 412 open ↑12`: blue, orange when the backlog grew by more than 10% over the
/// 12 weeks `trend` covers (growth measured against the count 12 weeks ago).
pub fn backlog_badge(open: u64, trend: Option<i64>) -> String {
    let (message, color) = backlog_parts(open, trend);
    badge("backlog", &message, color)
}

fn backlog_parts(open: u64, trend: Option<i64>) -> (String, BadgeColor) {
    let change = trend.unwrap_or(0);
    let message = match change {
        c if c > 0 => format!("{open} open ↑{c}"),
        c if c < 0 => format!("{open} open ↓{}", c.unsigned_abs()),
        _ => format!("{open} open"),
    };
    // i128 so that no u64/i64 combination can overflow.
    let before = i128::from(open) - i128::from(change);
    let growing = change > 0 && (before <= 0 || i128::from(change) * 10 > before);
    (message, if growing { BadgeColor::Orange } else { BadgeColor::Blue })
}

#[cfg(test)]
mod tests {
    use super::super::charts::testkit::{assert_safe, assert_well_formed};
    use super::*;

    fn width_of(svg: &str) -> u32 {
        svg.split("width=\"").nth(1).and_then(|w| w.split('"').next()).and_then(|w| w.parse().ok()).unwrap()
    }

    #[test]
    fn a_badge_is_an_accessible_rounded_svg() {
        let svg = badge("build", "passing", BadgeColor::Green);
        assert_well_formed(&svg);
        for needle in [r#"role="img""#, r#"aria-label="build: passing""#, "<title>build: passing</title>", "viewBox"] {
            assert!(svg.contains(needle), "missing {needle}");
        }
        assert!(svg.contains(r#"rx="3""#) && svg.contains("#97ca00"));
        assert_eq!(width_of(&svg), part_width("build") + part_width("passing"));
        assert_eq!(badge("build", "passing", BadgeColor::Green), svg, "deterministic");
    }

    #[test]
    fn width_grows_with_text() {
        let short = width_of(&badge("ci", "ok", BadgeColor::Blue));
        let long = width_of(&badge("continuous integration", "passing on all platforms", BadgeColor::Blue));
        assert!(long > short + 100, "{short} vs {long}");
        assert!(text_width("WWW") > text_width("iii"));
        assert_eq!(part_width(""), 0);
    }

    #[test]
    fn hostile_texts_are_escaped() {
        let svg = badge("<script>alert(1)</script>", "\"onload='x'", BadgeColor::Red);
        assert_well_formed(&svg);
        assert_safe(&svg);
        assert!(svg.contains("&lt;script&gt;"));
    }

    #[test]
    fn message_only_badges_skip_the_label() {
        let svg = badge("", "v1.2", BadgeColor::Grey);
        assert_well_formed(&svg);
        assert!(svg.contains(r#"aria-label="v1.2""#) && svg.contains(r#"<rect width="0""#));
    }

    #[test]
    fn first_response_follows_the_lfx_bands() {
        assert_eq!(first_response_parts(Some(9_000)), ("2.5 h".to_owned(), BadgeColor::Green));
        assert_eq!(first_response_parts(Some(DAY)).1, BadgeColor::YellowGreen);
        assert_eq!(first_response_parts(Some(3 * DAY)), ("3 d".to_owned(), BadgeColor::Yellow));
        assert_eq!(first_response_parts(Some(7 * DAY)).1, BadgeColor::Orange);
        assert_eq!(first_response_parts(Some(45 * DAY)), ("45 d".to_owned(), BadgeColor::Red));
        assert_eq!(first_response_parts(None), ("no data".to_owned(), BadgeColor::Grey));
        assert_eq!(first_response_parts(Some(-5)).0, "< 1 min");
        assert!(first_response_badge(Some(600)).contains("first response: 10 min"));
    }

    #[test]
    fn bus_factor_colours_by_band() {
        let colors: Vec<BadgeColor> = [0, 1, 2, 3, 4, 5, 9].into_iter().map(bus_factor_color).collect();
        use BadgeColor::*;
        assert_eq!(colors, [Red, Red, Orange, Yellow, Yellow, Green, Green]);
        assert!(bus_factor_badge(None).contains("bus factor: no data") && bus_factor_badge(None).contains("#9f9f9f"));
        assert!(bus_factor_badge(Some(2)).contains("#fe7d37"));
    }

    #[test]
    fn backlog_turns_orange_when_growing_more_than_ten_percent() {
        assert_eq!(backlog_parts(412, Some(12)), ("412 open ↑12".to_owned(), BadgeColor::Blue));
        assert_eq!(backlog_parts(412, Some(-5)), ("412 open ↓5".to_owned(), BadgeColor::Blue));
        assert_eq!(backlog_parts(110, Some(10)).1, BadgeColor::Blue, "exactly 10% is not more than 10%");
        assert_eq!(backlog_parts(111, Some(11)).1, BadgeColor::Orange);
        assert_eq!(backlog_parts(5, Some(5)).1, BadgeColor::Orange, "from zero");
        assert_eq!(backlog_parts(7, None), ("7 open".to_owned(), BadgeColor::Blue));
        assert_eq!(backlog_parts(u64::MAX, Some(i64::MIN)).1, BadgeColor::Blue);
        assert_well_formed(&backlog_badge(412, Some(12)));
    }
}
