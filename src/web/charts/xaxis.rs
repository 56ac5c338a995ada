//! The x axis in words: tick positions and labels for weeks (`Mar 4`), months (`2026-03`) or numbers.
//!
//! Dates are unix seconds in UTC. Spans up to ~200 days tick on whole weeks counted from the first
//! data point (data are week starts, so ticks land on them); longer spans tick on month starts.
//! x values outside chrono's range fall back to number ticks rather than failing.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::scale::{nice_ticks, short, value};
use super::spec::XAxis;

const DAY: f64 = 86_400.0;
const WEEK: f64 = 7.0 * DAY;
/// Up to this span ticks fall on weeks and read `Mar 4`; beyond it, on months reading `2026-03`.
const WEEKLY_SPAN: f64 = 200.0 * DAY;

/// One labelled x position, in data units.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tick {
    pub(crate) at: f64,
    pub(crate) label: String,
}

impl XAxis {
    /// At most about `target` ticks inside `[lo, hi]`.
    pub(crate) fn ticks(self, lo: f64, hi: f64, target: usize) -> Vec<Tick> {
        match self {
            XAxis::Dates if date(lo).is_some() && date(hi).is_some() => {
                if hi - lo <= WEEKLY_SPAN {
                    week_ticks(lo, hi, target)
                } else {
                    month_ticks(lo, hi, target)
                }
            }
            _ => number_ticks(lo, hi, target),
        }
    }

    /// An x value in full, for tooltips and descriptions: `2026-03-02` or `12`.
    pub(crate) fn full_label(self, x: f64) -> String {
        match (self, date(x)) {
            (XAxis::Dates, Some(d)) => d.format("%Y-%m-%d").to_string(),
            _ => value(x),
        }
    }

    /// A short x label, its form chosen by the whole axis `span`: `Mar 2`, `2026-03` or `1.5k`.
    pub(crate) fn short_label(self, x: f64, span: f64) -> String {
        match (self, date(x)) {
            (XAxis::Dates, Some(d)) if span <= WEEKLY_SPAN => d.format("%b %-d").to_string(),
            (XAxis::Dates, Some(d)) => d.format("%Y-%m").to_string(),
            _ => short(x),
        }
    }
}

fn date(x: f64) -> Option<DateTime<Utc>> {
    if !x.is_finite() {
        return None;
    }
    DateTime::from_timestamp(x.floor() as i64, 0)
}

fn week_ticks(lo: f64, hi: f64, target: usize) -> Vec<Tick> {
    let weeks = (hi - lo) / WEEK;
    let step = [1.0, 2.0, 4.0, 8.0, 13.0, 26.0].into_iter().find(|s| weeks / s < target as f64).unwrap_or(26.0);
    (0..)
        .map(|k| lo + f64::from(k) * step * WEEK)
        .take_while(|x| *x <= hi)
        .map(|at| Tick { at, label: XAxis::Dates.short_label(at, 0.0) })
        .collect()
}

fn month_ticks(lo: f64, hi: f64, target: usize) -> Vec<Tick> {
    let (Some(first), Some(last)) = (month_index(lo), month_index(hi)) else { return Vec::new() };
    // The first month start at or after `lo`.
    let first = if month_start(first) == Some(lo) { first } else { first + 1 };
    let span = last - first;
    let target = target.max(1) as i64;
    let step =
        [1, 2, 3, 6, 12, 24, 60, 120].into_iter().find(|s| span / s < target).unwrap_or((span / target / 12 + 1) * 12);
    let mut idx = (first + step - 1).div_euclid(step) * step;
    let mut ticks = Vec::new();
    while idx <= last {
        if let Some(at) = month_start(idx) {
            ticks.push(Tick { at, label: XAxis::Dates.short_label(at, f64::INFINITY) });
        }
        idx += step;
    }
    ticks
}

/// Months since year 0: `year * 12 + month0`.
fn month_index(x: f64) -> Option<i64> {
    let d = date(x)?;
    Some(i64::from(d.year()) * 12 + i64::from(d.month0()))
}

fn month_start(idx: i64) -> Option<f64> {
    let year = i32::try_from(idx.div_euclid(12)).ok()?;
    let month = u32::try_from(idx.rem_euclid(12) + 1).ok()?;
    let start = NaiveDate::from_ymd_opt(year, month, 1)?.and_hms_opt(0, 0, 0)?;
    Some(start.and_utc().timestamp() as f64)
}

fn number_ticks(lo: f64, hi: f64, target: usize) -> Vec<Tick> {
    if hi <= lo {
        return vec![Tick { at: lo, label: short(lo) }];
    }
    let eps = (hi - lo) * 1e-9;
    nice_ticks(lo, hi, target)
        .into_iter()
        .filter(|t| *t >= lo - eps && *t <= hi + eps)
        .map(|at| Tick { at, label: short(at) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-03-02 00:00 UTC, a Monday.
    const MAR_2: f64 = 1_772_409_600.0;

    fn labels(ticks: &[Tick]) -> Vec<&str> {
        ticks.iter().map(|t| t.label.as_str()).collect()
    }

    #[test]
    fn short_spans_tick_on_weeks_as_month_and_day() {
        let ticks = XAxis::Dates.ticks(MAR_2, MAR_2 + 11.0 * WEEK, 6);
        assert_eq!(labels(&ticks), ["Mar 2", "Mar 16", "Mar 30", "Apr 13", "Apr 27", "May 11"]);
        assert_eq!(XAxis::Dates.full_label(MAR_2), "2026-03-02");
    }

    #[test]
    fn long_spans_tick_on_month_starts() {
        let ticks = XAxis::Dates.ticks(MAR_2, MAR_2 + 104.0 * WEEK, 6);
        assert_eq!(labels(&ticks), ["2026-07", "2027-01", "2027-07", "2028-01"]);
        assert!(ticks.iter().all(|t| t.at >= MAR_2));
    }

    #[test]
    fn numbers_and_out_of_range_dates_use_nice_ticks() {
        assert_eq!(labels(&XAxis::Numbers.ticks(1.0, 12.0, 6)), ["2", "4", "6", "8", "10", "12"]);
        assert_eq!(labels(&XAxis::Dates.ticks(1e30, 3e30, 2)), ["1e30", "2e30", "3e30"]);
        assert_eq!(labels(&XAxis::Numbers.ticks(7.0, 7.0, 6)), ["7"]);
    }

    #[test]
    fn a_single_date_gets_one_tick() {
        assert_eq!(labels(&XAxis::Dates.ticks(MAR_2, MAR_2, 6)), ["Mar 2"]);
    }
}
