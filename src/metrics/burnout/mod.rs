//! Project Burnout (CHAOSS DEI) trace-data signals, each returned with its evidence, never a bare label.
//!
//! CHAOSS asks to look for an "abrupt drop off after an extended contribution time" and a "large
//! number of contributions by a very small group". Three detectors, one file each, with their
//! thresholds as named constants that the evidence text quotes:
//! - [`abrupt_drop_offs`] ([`drop_off`]): sustained contributors who suddenly went quiet;
//! - [`response_concentration`] ([`concentration`]): one person answering most of everything,
//!   week after week;
//! - [`rising_response_times`] ([`rising`]): answers getting slower while demand stays flat.
//!
//! Shared conventions: the **recent period** is the [`RECENT_WEEKS`] complete weeks before the
//! current one (weeks start Sunday 00:00 UTC), so a Monday never looks like a drop-off; rows are
//! humans only (bots removed by the caller); logins compare case-insensitively. The input rows are
//! shared with [`super::load`] and [`super::response`]. [`burnout_signals`] runs all three.

use serde::Serialize;

use super::definition::{Explain, fmt_window};
use super::load::ActivityWeek;
use super::response::ResponseItem;

pub mod concentration;
pub mod drop_off;
mod period;
pub mod rising;

pub use concentration::{Concentration, WeekShare, response_concentration};
pub use drop_off::{ContributionWeek, DropOff, abrupt_drop_offs};
pub use period::RECENT_WEEKS;
pub use rising::{RisingResponseTimes, rising_response_times};

/// One burnout signal with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "signal", rename_all = "snake_case")]
pub enum BurnoutSignal {
    DropOff(DropOff),
    Concentration(Concentration),
    RisingResponseTimes(RisingResponseTimes),
}

impl BurnoutSignal {
    /// The evidence in one sentence, thresholds included.
    pub fn evidence(&self) -> &str {
        match self {
            Self::DropOff(s) => &s.evidence,
            Self::Concentration(s) => &s.evidence,
            Self::RisingResponseTimes(s) => &s.evidence,
        }
    }

    pub fn explain(&self) -> Explain {
        let (def, period) = match self {
            Self::DropOff(s) => {
                (&drop_off::DROP_OFF, format!("history {}; recent {}", fmt_window(s.history), fmt_window(s.recent)))
            }
            Self::Concentration(s) => (&concentration::CONCENTRATION, format!("{} counted weeks", s.weeks.len())),
            Self::RisingResponseTimes(s) => (
                &rising::RISING_RESPONSE_TIMES,
                format!("baseline {}; recent {}", fmt_window(s.baseline), fmt_window(s.recent)),
            ),
        };
        def.explain(vec![("period", period), ("evidence", self.evidence().to_owned())])
    }
}

/// Everything the three detectors read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BurnoutInput<'a> {
    /// Contributions of any kind per person and week, for drop-offs.
    pub contributions: &'a [ContributionWeek],
    /// Human responses per person and week, for concentration.
    pub activity: &'a [ActivityWeek],
    /// Issues or pull requests with their first human response, for response times.
    pub response_items: &'a [ResponseItem],
}

/// All signals: drop-offs first, then concentration runs, then rising response times.
pub fn burnout_signals(input: &BurnoutInput<'_>, now: i64) -> Vec<BurnoutSignal> {
    let mut out: Vec<BurnoutSignal> =
        abrupt_drop_offs(input.contributions, now).into_iter().map(BurnoutSignal::DropOff).collect();
    out.extend(response_concentration(input.activity).into_iter().map(BurnoutSignal::Concentration));
    out.extend(rising_response_times(input.response_items, now).map(BurnoutSignal::RisingResponseTimes));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::burnout::period::weeks_before;
    use crate::metrics::time::{WEEK, Window};

    const SUNDAY: i64 = 1_704_585_600; // 2024-01-07

    #[test]
    fn the_recent_period_is_the_complete_weeks_before_the_current_one() {
        let now = SUNDAY + 16 * WEEK + 2 * 86_400;
        assert_eq!(weeks_before(now, 0, RECENT_WEEKS), Window::new(SUNDAY + 12 * WEEK, SUNDAY + 16 * WEEK));
        assert_eq!(weeks_before(now, RECENT_WEEKS, 12), Window::new(SUNDAY, SUNDAY + 12 * WEEK));
    }

    #[test]
    fn an_empty_repo_shows_no_burnout_signals() {
        let input = BurnoutInput { contributions: &[], activity: &[], response_items: &[] };
        assert!(burnout_signals(&input, SUNDAY).is_empty());
    }

    #[test]
    fn every_signal_explains_itself_with_its_evidence() {
        let contributions: Vec<ContributionWeek> = (0..12)
            .map(|w| ContributionWeek { week: SUNDAY + w * WEEK, login: "ann".to_owned(), contributions: 5 })
            .collect();
        let input = BurnoutInput { contributions: &contributions, activity: &[], response_items: &[] };
        let signals = burnout_signals(&input, SUNDAY + 16 * WEEK);
        assert_eq!(signals.len(), 1);
        let e = signals[0].explain();
        assert_eq!(e.name, drop_off::DROP_OFF.name);
        assert!(
            e.inputs.iter().any(|(k, v)| *k == "evidence" && v.starts_with("ann was active in 12 of the 12 weeks"))
        );
    }
}
