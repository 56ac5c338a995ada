//! Numbers to positions and back to words: a linear scale, "nice" 1-2-5 ticks, compact number text.
//!
//! Pure arithmetic shared by every chart; it knows nothing about SVG. Date ticks live in `xaxis`.

/// Maps a domain interval onto an interval of user units; a zero-width domain maps to the middle,
/// so a single point or all-equal values never divide by zero.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Linear {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Linear {
    pub(crate) fn new((d0, d1): (f64, f64), r0: f64, r1: f64) -> Self {
        Linear { d0, d1, r0, r1 }
    }

    pub(crate) fn map(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if !span.is_finite() || span == 0.0 {
            return (self.r0 + self.r1) / 2.0;
        }
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }
}

/// The smallest and largest finite value, if any.
pub(crate) fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| Some(acc.map_or((v, v), |(lo, hi): (f64, f64)| (lo.min(v), hi.max(v)))))
}

/// Ticks on a 1-2-5 step covering `[lo, hi]` with about `target` intervals; the first tick is
/// at or below `lo`, the last at or above `hi` (0–87 gives 0, 20, …, 100).
pub(crate) fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let span = hi - lo;
    if !span.is_finite() || span <= 0.0 {
        return vec![lo, hi];
    }
    let raw = span / target.max(1) as f64;
    let exp = raw.log10().floor() as i32;
    let norm = raw / 10f64.powi(exp);
    let nice = [1.0, 2.0, 5.0, 10.0].into_iter().find(|n| norm <= n + 1e-9).unwrap_or(10.0);
    // Dividing by an exact power of ten keeps 0.1-steps free of 0.30000000000000004.
    let at = |i: i64| if exp >= 0 { i as f64 * nice * 10f64.powi(exp) } else { i as f64 * nice / 10f64.powi(-exp) };
    let step = at(1);
    let first = (lo / step + 1e-9).floor() as i64;
    let last = (hi / step - 1e-9).ceil() as i64;
    let ticks: Vec<f64> = (first..=last).map(at).filter(|t| t.is_finite()).collect();
    if ticks.len() < 2 { vec![lo, hi] } else { ticks }
}

/// Y ticks for `values`, including zero when `from_zero`; the first and last tick are the
/// domain. `None` when there is no finite value at all.
pub(crate) fn y_ticks(values: impl IntoIterator<Item = f64>, from_zero: bool, target: usize) -> Option<Vec<f64>> {
    let (lo, hi) = extent(values)?;
    let (lo, hi) = if from_zero { (lo.min(0.0), hi.max(0.0)) } else { (lo, hi) };
    let (lo, hi) = widen(lo, hi);
    Some(nice_ticks(lo, hi, target))
}

/// An interval too narrow to divide (all values equal) widened around its value.
fn widen(lo: f64, hi: f64) -> (f64, f64) {
    if hi - lo > lo.abs().max(hi.abs()) * 1e-9 {
        (lo, hi)
    } else if lo == 0.0 {
        (0.0, 1.0)
    } else {
        (lo - lo.abs() * 0.1, hi + hi.abs() * 0.1)
    }
}

/// A coordinate: at most one decimal, trailing zeros trimmed, never `-0`.
pub(crate) fn num(v: f64) -> String {
    fixed(v, 1)
}

/// `v` with at most `decimals` decimals, trailing zeros trimmed, never `-0`.
pub(crate) fn fixed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let trimmed = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    if trimmed == "-0" { "0".to_owned() } else { trimmed.to_owned() }
}

/// Tick text: `87`, `2.5k`, `1.25M`, `3B`, `4T`, then scientific (`1.2e15`).
pub(crate) fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e15 {
        return format!("{v:.1e}").replace(".0e", "e");
    }
    for (unit, suffix) in [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")] {
        if a >= unit {
            return format!("{}{suffix}", fixed(v / unit, 2));
        }
    }
    fixed(v, 2)
}

/// A value in a tooltip or description: exact to two decimals, compact from a million on.
pub(crate) fn value(v: f64) -> String {
    if v.abs() >= 1e6 { short(v) } else { fixed(v, 2) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_step_by_one_two_or_five() {
        assert_eq!(nice_ticks(0.0, 87.0, 5), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(0.0, 10.0, 5), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(nice_ticks(0.0, 0.3, 3), [0.0, 0.1, 0.2, 0.3]);
        assert_eq!(nice_ticks(-12.0, 40.0, 5), [-20.0, 0.0, 20.0, 40.0]);
        assert_eq!(nice_ticks(0.0, 2_400_000.0, 5), [0.0, 500_000.0, 1e6, 1.5e6, 2e6, 2.5e6]);
    }

    #[test]
    fn y_ticks_start_at_zero_unless_told_otherwise() {
        assert_eq!(y_ticks([40.0, 87.0], true, 5).unwrap(), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(y_ticks([40.0, 87.0], false, 5).unwrap(), [40.0, 50.0, 60.0, 70.0, 80.0, 90.0]);
        assert_eq!(y_ticks([], true, 5), None);
        assert_eq!(y_ticks([f64::NAN, f64::INFINITY], true, 5), None);
    }

    #[test]
    fn equal_values_still_get_a_usable_range() {
        assert_eq!(y_ticks([0.0, 0.0], true, 5).unwrap(), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        let ticks = y_ticks([5.0, 5.0], false, 5).unwrap();
        assert!(ticks[0] < 5.0 && *ticks.last().unwrap() > 5.0, "{ticks:?}");
        let flat = Linear::new((3.0, 3.0), 0.0, 100.0);
        assert_eq!(flat.map(3.0), 50.0);
    }

    #[test]
    fn numbers_are_short_and_never_negative_zero() {
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(-0.04), "0");
        assert_eq!(short(87.0), "87");
        assert_eq!(short(2500.0), "2.5k");
        assert_eq!(short(1_250_000.0), "1.25M");
        assert_eq!(short(-3e9), "-3B");
        assert_eq!(short(0.25), "0.25");
        assert_eq!(short(1.2e16), "1.2e16");
        assert_eq!(value(1234.567), "1234.57");
    }
}
