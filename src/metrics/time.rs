//! Time in the metrics: unix seconds UTC, days and weeks, weeks starting on Sunday 00:00 UTC
//! (as in GitHub's contributor statistics), and the half-open [`Window`]. A leaf that every metric
//! family imports; `metrics/mod.rs` re-exports it for the rest of the crate.

use serde::Serialize;

/// One day in seconds.
pub const DAY: i64 = 86_400;
/// One week in seconds.
pub const WEEK: i64 = 7 * DAY;
/// 1970-01-04 00:00 UTC, the first Sunday of the epoch.
const FIRST_SUNDAY: i64 = 3 * DAY;

/// The start (Sunday 00:00 UTC) of the week containing `ts`.
pub fn week_start(ts: i64) -> i64 {
    ts - (ts - FIRST_SUNDAY).rem_euclid(WEEK)
}

/// A half-open time range `[from, to)` in unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    pub from: i64,
    pub to: i64,
}

impl Window {
    pub fn new(from: i64, to: i64) -> Self {
        Self { from, to }
    }

    /// The `len` seconds up to and including `now`: `[now - len, now + 1)`. Rows stamped by the
    /// same clock that produced `now` may carry exactly `now`, and they belong to "the last N days".
    pub fn trailing(now: i64, len: i64) -> Self {
        Self { from: now - len, to: now + 1 }
    }

    pub fn contains(&self, ts: i64) -> bool {
        self.from <= ts && ts < self.to
    }

    /// Length in seconds (zero for an inverted window).
    pub fn duration(&self) -> i64 {
        (self.to - self.from).max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_sunday_of_the_epoch_starts_its_own_week() {
        assert_eq!(week_start(FIRST_SUNDAY), FIRST_SUNDAY);
        assert_eq!(week_start(FIRST_SUNDAY + WEEK - 1), FIRST_SUNDAY);
    }

    #[test]
    fn a_saturday_night_belongs_to_the_week_that_began_the_sunday_before() {
        // 1970-01-03 23:59:59 is in the week of Sunday 1969-12-28.
        assert_eq!(week_start(FIRST_SUNDAY - 1), FIRST_SUNDAY - WEEK);
        assert_eq!(week_start(0), FIRST_SUNDAY - WEEK);
    }

    #[test]
    fn a_modern_wednesday_maps_to_its_sunday() {
        // Sunday 2024-01-07 00:00 UTC = 1_704_585_600; Wednesday 2024-01-10 12:00 UTC.
        assert_eq!(week_start(1_704_585_600 + 3 * DAY + 12 * 3600), 1_704_585_600);
    }

    #[test]
    fn a_window_includes_its_start_and_excludes_its_end() {
        let w = Window::new(10, 20);
        assert!(w.contains(10) && w.contains(19));
        assert!(!w.contains(20) && !w.contains(9));
        assert_eq!(w.duration(), 10);
    }

    #[test]
    fn a_trailing_window_includes_now() {
        let w = Window::trailing(1000, 100);
        assert!(w.contains(1000) && w.contains(900) && !w.contains(899));
    }
}
