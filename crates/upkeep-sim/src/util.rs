//! Small deterministic helpers shared by the simulator: hashing, GitHub node ids, timestamps and
//! sampling of times from an activity curve.
//!
//! Everything here is pure: no clock, no global state. Texts and derived numbers are computed from
//! ids with [`mix`], so the world stores ids and small enums instead of strings.

use chrono::{DateTime, NaiveDate, Utc};
use rand::Rng;

/// Unix seconds. All simulated times are whole seconds, as GitHub's REST timestamps are.
pub type Ts = i64;

pub const DAY: Ts = 86_400;
pub const WEEK: Ts = 7 * DAY;

/// One round of splitmix64 over two inputs: a cheap, well-spread deterministic hash.
pub fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Picks one entry of `options` by hash.
pub fn pick<T: Copy>(options: &[T], h: u64) -> T {
    options[(h % options.len() as u64) as usize]
}

/// A GitHub legacy global node id: base64 of `0{len}:{Type}{id}`, e.g. `MDQ6VXNlcjE=` for user 1.
pub fn node_id(kind: &str, id: u64) -> String {
    base64(format!("0{}:{}{}", kind.len(), kind, id).as_bytes())
}

/// The inverse of [`node_id`]: `(Type, id)` if `node` is a legacy node id.
pub fn parse_node_id(node: &str) -> Option<(String, u64)> {
    let raw = unbase64(node)?;
    let text = String::from_utf8(raw).ok()?;
    let (_, rest) = text.split_once(':')?;
    let digits = rest.find(|c: char| c.is_ascii_digit())?;
    let id = rest[digits..].parse().ok()?;
    Some((rest[..digits].to_owned(), id))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (no crate for a dozen lines).
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            let c = if i <= chunk.len() { B64[(n >> (18 - 6 * i) & 63) as usize] } else { b'=' };
            out.push(c as char);
        }
    }
    out
}

fn unbase64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = B64.iter().position(|b| *b == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the form GitHub's REST API uses.
pub fn rfc3339(ts: Ts) -> String {
    let t = DateTime::<Utc>::from_timestamp(ts, 0).unwrap_or_default();
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parses a `since`-style ISO 8601 time (RFC 3339, or a bare date) to whole seconds.
/// A fractional time rounds up so that "updated_at >= since" stays exact on whole seconds.
pub fn parse_time(text: &str) -> Option<Ts> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        let secs = t.timestamp();
        return Some(if t.timestamp_subsec_nanos() > 0 { secs + 1 } else { secs });
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
}

/// The Sunday 00:00 UTC that starts the week containing `ts` (GitHub's `w` in contributor stats).
pub fn week_start(ts: Ts) -> Ts {
    // 1970-01-01 was a Thursday; the Sunday before it is day -4.
    let days = ts.div_euclid(DAY) + 4;
    (days - days.rem_euclid(7) - 4) * DAY
}

/// A piecewise-constant activity curve over `[start, end)`, sampled by inverse CDF.
pub struct Profile {
    start: Ts,
    span: f64,
    cumulative: Vec<f64>,
}

impl Profile {
    /// `density(x)` gives relative activity at `x` in `0.0..1.0` of the span.
    pub fn new(start: Ts, end: Ts, density: impl Fn(f64) -> f64) -> Profile {
        const BUCKETS: usize = 128;
        let mut total = 0.0;
        let cumulative = (0..BUCKETS)
            .map(|i| {
                total += density((i as f64 + 0.5) / BUCKETS as f64).max(0.0);
                total
            })
            .collect();
        Profile { start, span: (end - start).max(1) as f64, cumulative }
    }

    pub fn sample(&self, rng: &mut impl Rng) -> Ts {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let u = rng.gen_range(0.0..total);
        let bucket = self.cumulative.partition_point(|c| *c <= u);
        let width = 1.0 / self.cumulative.len() as f64;
        let x = (bucket as f64 + rng.gen_range(0.0..1.0)) * width;
        self.start + (x * self.span) as Ts
    }
}

/// A heavy-tailed count with the given mean: a geometric body with an occasional long tail.
pub fn heavy_count(rng: &mut impl Rng, mean: f64) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    let tail = rng.gen_bool(0.08);
    let m = if tail { mean * 3.5 } else { mean * 0.78 };
    let p = 1.0 / (1.0 + m);
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    (u.ln() / (1.0 - p).ln()).floor().min(2_000.0) as u32
}

/// A positive delay in seconds, log-normally spread around `median_hours`.
pub fn delay(rng: &mut impl Rng, median_hours: f64) -> Ts {
    let normal: f64 = (0..6).map(|_| rng.gen_range(-1.0..1.0)).sum::<f64>() / 1.4;
    let hours = median_hours * (normal * 1.1).exp();
    (hours * 3600.0).max(60.0) as Ts
}

/// Rounds `x` up or down at random so that the expectation is `x`.
pub fn stochastic_round(rng: &mut impl Rng, x: f64) -> u64 {
    let floor = x.floor();
    floor as u64 + u64::from(rng.gen_bool((x - floor).clamp(0.0, 1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_match_githubs_legacy_format() {
        assert_eq!(node_id("User", 1), "MDQ6VXNlcjE=");
        assert_eq!(node_id("PullRequest", 1), "MDExOlB1bGxSZXF1ZXN0MQ==");
        assert_eq!(node_id("IssueComment", 1), "MDEyOklzc3VlQ29tbWVudDE=");
        assert_eq!(parse_node_id("MDExOlB1bGxSZXF1ZXN0MQ=="), Some(("PullRequest".into(), 1)));
        assert_eq!(parse_node_id("not base64!"), None);
    }

    #[test]
    fn weeks_start_on_sunday_midnight() {
        // 2026-11-01 is a Sunday.
        let sunday = parse_time("2026-11-01T00:00:00Z").unwrap();
        assert_eq!(week_start(sunday), sunday);
        assert_eq!(week_start(sunday + 6 * DAY + 3600), sunday);
        assert_eq!(week_start(sunday - 1), sunday - WEEK);
    }

    #[test]
    fn fractional_since_rounds_up() {
        let t = parse_time("2026-01-01T00:00:00Z").unwrap();
        assert_eq!(parse_time("2026-01-01T00:00:00.250Z"), Some(t + 1));
        assert_eq!(parse_time("2026-01-01"), Some(t));
        assert_eq!(rfc3339(t), "2026-01-01T00:00:00Z");
        assert_eq!(parse_time("yesterday"), None);
    }
}
