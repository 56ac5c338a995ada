//! Funding goal progress: how far a target (a monthly amount or a number of sponsors) is met.
//!
//! The two kinds mirror GitHub Sponsors goals (`MONTHLY_SPONSORSHIP_AMOUNT`,
//! `TOTAL_SPONSORS_COUNT`); a funding.json plan's amount can be used as a monthly target too.
//! A money goal is compared only with money in the same currency: the current value comes from
//! the [`Totals`] line for the target's currency, never from a sum of currencies.

use serde::Serialize;

use super::money::{Currency, Money, Totals};

/// What a goal counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum GoalKind {
    /// Recurring money per month, in cents of this currency.
    MonthlyAmount(Currency),
    /// Number of sponsors.
    SponsorCount,
}

/// Progress towards one goal. `target` and `current` are cents for a money goal, a count otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GoalProgress {
    pub kind: GoalKind,
    pub target: i64,
    pub current: i64,
    /// `floor(current × 100 / target)`, not capped at 100 (a goal can be exceeded); `None` when
    /// the target is not positive.
    pub percent: Option<u32>,
}

impl GoalProgress {
    /// The percentage for a progress bar: at most 100.
    pub fn bar_percent(&self) -> Option<u32> {
        self.percent.map(|p| p.min(100))
    }
}

fn progress(kind: GoalKind, target: i64, current: i64) -> GoalProgress {
    let percent = (target > 0).then(|| (current.max(0) as i128 * 100 / target as i128).min(u32::MAX as i128) as u32);
    GoalProgress { kind, target, current, percent }
}

/// Progress of a monthly money goal against a monthly estimate; no line in the goal's currency
/// means zero progress, whatever other currencies hold.
pub fn monthly_goal_progress(target: Money, monthly: &Totals) -> GoalProgress {
    let current = monthly.get(target.currency).map_or(0, |m| m.cents);
    progress(GoalKind::MonthlyAmount(target.currency), target.cents, current)
}

/// Progress of a sponsor-count goal.
pub fn sponsor_goal_progress(target: u64, sponsors: u64) -> GoalProgress {
    progress(GoalKind::SponsorCount, target.min(i64::MAX as u64) as i64, sponsors.min(i64::MAX as u64) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_money_goal_counts_only_its_own_currency() {
        let monthly: Totals =
            [Money::new(30_000, Currency::USD), Money::new(99_999, Currency::EUR)].into_iter().collect();
        let progress = monthly_goal_progress(Money::new(120_000, Currency::USD), &monthly);
        assert_eq!(progress.current, 30_000);
        assert_eq!(progress.percent, Some(25));
    }

    #[test]
    fn an_exceeded_goal_reports_over_a_hundred_but_its_bar_stops_at_a_hundred() {
        let progress = sponsor_goal_progress(40, 50);
        assert_eq!(progress.percent, Some(125));
        assert_eq!(progress.bar_percent(), Some(100));
    }

    #[test]
    fn a_zero_target_has_no_percentage() {
        assert_eq!(sponsor_goal_progress(0, 3).percent, None);
        assert_eq!(monthly_goal_progress(Money::new(0, Currency::USD), &Totals::new()).percent, None);
    }
}
