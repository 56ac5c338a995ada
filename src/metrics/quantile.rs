//! The one quantile definition used by every metric, and its right-censored generalisation.
//!
//! **Nearest rank.** The `q`-quantile of `n` observed values is the smallest observed value `v`
//! such that at least a fraction `q` of the values are `≤ v`, i.e. `x₍⌈q·n⌉₎` of the sorted values
//! (rank clamped to `1..=n`). So the median of `[1, 2, 3, 4]` is 2 and its p90 is 4. Always an
//! observed value, never an interpolation.
//!
//! **Kaplan–Meier** for durations that may still be running (an issue nobody has answered yet).
//! Each observation has a duration and an event flag (`false` = censored: still waiting at `now`).
//! At each distinct event time `t`, with `n` observations still at risk (duration `≥ t`, so items
//! censored at `t` count as at risk at `t`) and `d` events, `S(t) = S(t⁻) · (1 − d/n)`. The
//! `q`-quantile is the smallest event time `t` with `S(t) ≤ 1 − q`. Without censoring `S` after the
//! `k`-th value is `1 − k/n`, so this is exactly nearest rank. If `S` never gets that low, the
//! quantile lies beyond everything observed: [`Quantile::MoreThan`] the longest duration seen, which
//! pages print as "> 12 d".
//!
//! Float comparisons use a tolerance of 1e-9 so that `0.9 × 10` is rank 9 and a survival of
//! `0.75 × 2/3` counts as 0.5. No IO and nothing metric-specific lives here; callers are in the
//! sibling modules.

use serde::Serialize;

/// Tolerance for rank and survival comparisons; far below `1/n` for any realistic `n`.
const EPS: f64 = 1e-9;

/// The nearest-rank `q`-quantile of already **sorted** values; `None` when there are none.
pub fn nearest_rank(sorted: &[i64], q: f64) -> Option<i64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    // NaN saturates to 0 in the cast and is then clamped to rank 1.
    let rank = ((q.clamp(0.0, 1.0) * n as f64 - EPS).ceil() as usize).clamp(1, n);
    Some(sorted[rank - 1])
}

/// The median and p90 of unsorted values by nearest rank.
pub fn median_and_p90(mut values: Vec<i64>) -> (Option<i64>, Option<i64>) {
    values.sort_unstable();
    (nearest_rank(&values, 0.5), nearest_rank(&values, 0.9))
}

/// A quantile of possibly censored durations, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "secs", rename_all = "snake_case")]
pub enum Quantile {
    /// The quantile is this observed duration.
    Exactly(i64),
    /// The survival curve never fell to `1 − q`: the quantile is more than this, the longest
    /// duration observed (answered or still waiting).
    MoreThan(i64),
}

impl Quantile {
    /// The number of seconds: the value itself, or the lower bound.
    pub fn secs(self) -> i64 {
        match self {
            Self::Exactly(s) | Self::MoreThan(s) => s,
        }
    }

    pub fn is_exact(self) -> bool {
        matches!(self, Self::Exactly(_))
    }

    /// For disclosures: `3.5 d` or `> 12.0 d`.
    pub(crate) fn describe(self) -> String {
        match self {
            Self::Exactly(s) => super::definition::fmt_days(s),
            Self::MoreThan(s) => format!("> {}", super::definition::fmt_days(s)),
        }
    }
}

/// One duration: how long it ran, and whether it ended (`event`) or is still running (censored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Observation {
    pub duration: i64,
    pub event: bool,
}

/// One step of the Kaplan–Meier curve, at an event time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurvivalStep {
    pub time: i64,
    pub at_risk: usize,
    pub events: usize,
    /// `S(time)`: the estimated fraction still waiting just after `time`.
    pub survival: f64,
}

/// The Kaplan–Meier survival curve of a set of observations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurvivalCurve {
    pub steps: Vec<SurvivalStep>,
    /// The longest duration observed, event or censored; `None` for no observations.
    pub max_observed: Option<i64>,
}

impl SurvivalCurve {
    pub fn kaplan_meier(observations: &[Observation]) -> Self {
        let mut obs = observations.to_vec();
        obs.sort_unstable_by_key(|o| o.duration);
        let n = obs.len();
        let mut steps = Vec::new();
        let mut survival = 1.0;
        let mut i = 0;
        while i < n {
            let time = obs[i].duration;
            let group = obs[i..].iter().take_while(|o| o.duration == time);
            let (size, events) = group.fold((0, 0), |(s, e), o| (s + 1, e + usize::from(o.event)));
            if events > 0 {
                let at_risk = n - i;
                survival *= 1.0 - events as f64 / at_risk as f64;
                steps.push(SurvivalStep { time, at_risk, events, survival });
            }
            i += size;
        }
        Self { steps, max_observed: obs.last().map(|o| o.duration) }
    }

    /// The smallest event time with `S(t) ≤ 1 − q`, else more than the longest duration observed;
    /// `None` when there are no observations at all.
    pub fn quantile(&self, q: f64) -> Option<Quantile> {
        let max = self.max_observed?;
        let target = 1.0 - q.clamp(0.0, 1.0);
        Some(
            self.steps
                .iter()
                .find(|s| s.survival <= target + EPS)
                .map_or(Quantile::MoreThan(max), |s| Quantile::Exactly(s.time)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(durations: &[i64]) -> Vec<Observation> {
        durations.iter().map(|&duration| Observation { duration, event: true }).collect()
    }

    #[test]
    fn the_median_of_one_to_four_is_two_and_the_p90_is_four() {
        assert_eq!(nearest_rank(&[1, 2, 3, 4], 0.5), Some(2));
        assert_eq!(nearest_rank(&[1, 2, 3, 4], 0.9), Some(4));
    }

    #[test]
    fn the_p90_of_one_to_ten_is_nine_despite_float_rounding() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(&v, 0.9), Some(9));
        assert_eq!(nearest_rank(&v, 0.5), Some(5));
    }

    #[test]
    fn quantiles_of_nothing_are_none_and_extreme_q_stay_in_range() {
        assert_eq!(nearest_rank(&[], 0.5), None);
        assert_eq!(nearest_rank(&[7, 9], 0.0), Some(7));
        assert_eq!(nearest_rank(&[7, 9], 1.0), Some(9));
        assert_eq!(nearest_rank(&[7, 9], f64::NAN), Some(7));
        assert_eq!(SurvivalCurve::kaplan_meier(&[]).quantile(0.5), None);
    }

    #[test]
    fn kaplan_meier_equals_nearest_rank_without_censoring() {
        let samples: [&[i64]; 4] = [&[5, 1, 4, 2, 3], &[1, 2, 3, 4], &[3, 3, 3, 8, 8, 1], &[0]];
        for sample in samples {
            let mut sorted = sample.to_vec();
            sorted.sort_unstable();
            let curve = SurvivalCurve::kaplan_meier(&events(sample));
            for q in [0.1, 0.25, 0.5, 0.75, 0.9, 1.0] {
                assert_eq!(curve.quantile(q), nearest_rank(&sorted, q).map(Quantile::Exactly), "{sample:?} q={q}");
            }
        }
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(SurvivalCurve::kaplan_meier(&events(&ten)).quantile(0.9), Some(Quantile::Exactly(9)));
    }

    #[test]
    fn kaplan_meier_with_one_censored_item_matches_the_hand_computation() {
        // 1, 2, 3 (still waiting), 4, 5: S(1) = 0.8, S(2) = 0.6, S(4) = 0.6 × 1/2 = 0.3, S(5) = 0.
        let mut obs = events(&[1, 2, 4, 5]);
        obs.push(Observation { duration: 3, event: false });
        let curve = SurvivalCurve::kaplan_meier(&obs);
        let s: Vec<(i64, f64)> = curve.steps.iter().map(|s| (s.time, s.survival)).collect();
        let expected = [(1, 0.8), (2, 0.6), (4, 0.3), (5, 0.0)];
        for ((t, got), (et, want)) in s.iter().zip(expected) {
            assert_eq!(*t, et);
            assert!((got - want).abs() < 1e-12, "S({t}) = {got}, want {want}");
        }
        assert_eq!(curve.quantile(0.5), Some(Quantile::Exactly(4)));
        assert_eq!(curve.quantile(0.9), Some(Quantile::Exactly(5)));
    }

    #[test]
    fn the_quantile_is_more_than_the_longest_wait_when_survival_stays_high() {
        // 1 answered, 3 still waiting at 10, 20, 30: S never drops below 0.75.
        let obs = [
            Observation { duration: 1, event: true },
            Observation { duration: 10, event: false },
            Observation { duration: 20, event: false },
            Observation { duration: 30, event: false },
        ];
        let curve = SurvivalCurve::kaplan_meier(&obs);
        assert_eq!(curve.quantile(0.25), Some(Quantile::Exactly(1)));
        assert_eq!(curve.quantile(0.5), Some(Quantile::MoreThan(30)));
        assert_eq!(Quantile::MoreThan(30).secs(), 30);
        assert!(!Quantile::MoreThan(30).is_exact());
    }

    #[test]
    fn items_censored_at_an_event_time_are_still_at_risk_then() {
        // Event at 2 with 2 at risk (the censored 2 included): S(2) = 0.5, so the median is 2.
        let obs = [Observation { duration: 2, event: true }, Observation { duration: 2, event: false }];
        let curve = SurvivalCurve::kaplan_meier(&obs);
        assert_eq!(curve.steps[0].at_risk, 2);
        assert_eq!(curve.quantile(0.5), Some(Quantile::Exactly(2)));
    }

    #[test]
    fn a_quantile_serializes_with_its_kind_so_pages_can_print_more_than() {
        let json = serde_json::to_value([Quantile::Exactly(5), Quantile::MoreThan(9)]).unwrap();
        assert_eq!(json, serde_json::json!([{"kind": "exactly", "secs": 5}, {"kind": "more_than", "secs": 9}]));
    }
}
