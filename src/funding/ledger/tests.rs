//! Tests of the ledger: entries, frequencies, windows and totals on hand-computed cases.

use super::*;
use crate::funding::money::Currency;

const USD: Currency = Currency::USD;
/// 2026-01-01 00:00 UTC.
const JAN_2026: i64 = 1_767_225_600;
/// 2026-07-01 00:00 UTC (181 days later).
const JUL_2026: i64 = JAN_2026 + 181 * DAY;
/// 2027-01-01 00:00 UTC.
const JAN_2027: i64 = JAN_2026 + 365 * DAY;

fn entry(kind: EntryKind, cents: i64, timing: Timing, frequency: Frequency) -> Entry {
    Entry {
        source: Source::GitHubSponsors,
        kind,
        amount: Some(Money::new(cents, USD)),
        timing,
        frequency,
        description: String::new(),
        fetched_at: None,
        stale: false,
    }
}

fn ongoing(from: i64) -> Timing {
    Timing::Period { from, to: None }
}

fn usd(totals: &Totals) -> Option<i64> {
    totals.get(USD).map(|m| m.cents)
}

#[test]
fn recurring_sponsorships_count_at_their_monthly_equivalent() {
    let entries = [
        entry(EntryKind::Income, 500, ongoing(JAN_2026), Frequency::Monthly),
        entry(EntryKind::Income, 12_000, ongoing(JAN_2026), Frequency::Yearly),
        entry(EntryKind::Income, 300, ongoing(JAN_2026), Frequency::Weekly),
    ];
    // 5.00 + 120.00/12 + 3.00 × 52/12 = 5.00 + 10.00 + 13.00.
    assert_eq!(usd(&monthly_estimate(&entries, JUL_2026)), Some(2_800));
}

#[test]
fn one_time_income_is_not_recurring() {
    let entries = [
        entry(EntryKind::Income, 10_000, Timing::At(JAN_2026), Frequency::OneTime),
        entry(EntryKind::Income, 700, ongoing(JAN_2026), Frequency::Other),
    ];
    assert_eq!(monthly_estimate(&entries, JUL_2026), Totals::new());
}

#[test]
fn a_grant_is_spread_evenly_and_counts_only_while_its_period_covers_now() {
    let grant = Entry {
        source: Source::Grant,
        ..entry(EntryKind::Grant, 1_200_000, Timing::Period { from: JAN_2026, to: Some(JAN_2027) }, Frequency::OneTime)
    };
    let entries = [grant];
    assert_eq!(usd(&monthly_estimate(&entries, JUL_2026)), Some(100_000));
    assert_eq!(usd(&monthly_estimate(&entries, JAN_2027)), None);
    assert_eq!(usd(&monthly_estimate(&entries, JAN_2026 - 1)), None);
}

#[test]
fn plans_and_goals_are_asks_not_income_but_a_yearly_plan_asks_a_twelfth_a_month() {
    let entries = [
        entry(EntryKind::Plan, 120_000, ongoing(JAN_2026), Frequency::Yearly),
        entry(EntryKind::Goal, 50_000, ongoing(JAN_2026), Frequency::Monthly),
    ];
    assert_eq!(monthly_estimate(&entries, JUL_2026), Totals::new());
    assert_eq!(usd(&monthly_ask(&entries, JUL_2026)), Some(10_000));
}

#[test]
fn a_budget_counts_in_the_estimate_but_is_never_money_received() {
    let budget = Entry {
        source: Source::OpenCollective,
        ..entry(EntryKind::Budget, 1_200_000, ongoing(JAN_2026), Frequency::Yearly)
    };
    let entries = [budget];
    assert_eq!(usd(&monthly_estimate(&entries, JUL_2026)), Some(100_000));
    assert!(received_in(&entries, JAN_2026, JAN_2027).is_empty());
}

#[test]
fn the_estimate_explains_hidden_and_stale_entries() {
    let hidden = Entry { amount: None, ..entry(EntryKind::Income, 0, ongoing(JAN_2026), Frequency::Monthly) };
    let stale = Entry { stale: true, ..entry(EntryKind::Income, 500, ongoing(JAN_2026), Frequency::Monthly) };
    let explain = explain_monthly_estimate(&[hidden, stale], JUL_2026);
    assert_eq!(explain.name, "Estimated monthly funding");
    assert_eq!(
        explain.inputs,
        [
            ("now", "2026-07-01 00:00 UTC".to_owned()),
            ("entries counted", "1".to_owned()),
            ("stale entries counted", "1".to_owned()),
            ("entries without a visible amount", "1".to_owned()),
            ("estimate", "5.00 USD".to_owned()),
        ]
    );
}

#[test]
fn a_grant_is_prorated_by_the_days_a_period_overlaps_it() {
    // 36,500.00 over 365 days; the window covers Jul–Dec 2026, 184 of them → 18,400.00.
    let grant = Entry {
        source: Source::Grant,
        ..entry(EntryKind::Grant, 3_650_000, Timing::Period { from: JAN_2026, to: Some(JAN_2027) }, Frequency::OneTime)
    };
    let received = received_in(&[grant], JUL_2026, JUL_2026 + 365 * DAY);
    assert_eq!(received.len(), 1);
    assert_eq!(usd(&received[&Source::Grant]), Some(1_840_000));
}

#[test]
fn received_money_is_grouped_by_source_and_counts_payments_inside_the_window() {
    let oc = Entry {
        source: Source::OpenCollective,
        ..entry(EntryKind::Income, 2_500, Timing::At(JUL_2026), Frequency::OneTime)
    };
    let outside = Entry {
        source: Source::OpenCollective,
        ..entry(EntryKind::Income, 9_900, Timing::At(JAN_2027), Frequency::OneTime)
    };
    // A monthly 10.00 sponsorship over the 181 days Jan–Jun: 10.00 × 181 days / (365/12 days) = 59.51.
    let sponsor = entry(EntryKind::Income, 1_000, ongoing(JAN_2026), Frequency::Monthly);
    let received = received_in(&[oc, outside, sponsor], JAN_2026, JUL_2026 + 1);
    assert_eq!(usd(&received[&Source::OpenCollective]), Some(2_500));
    assert_eq!(usd(&received[&Source::GitHubSponsors]), Some(5_951));
}

#[test]
fn funding_per_maintainer_is_none_without_maintainers() {
    let totals: Totals = [Money::new(100_000, USD)].into_iter().collect();
    assert_eq!(funding_per_active_maintainer(&totals, 0), None);
    assert_eq!(usd(&funding_per_active_maintainer(&totals, 3).unwrap()), Some(33_333));
}

#[test]
fn frequencies_parse_from_funding_json_spelling() {
    assert_eq!(Frequency::parse("one-time"), Some(Frequency::OneTime));
    assert_eq!(Frequency::parse("fortnightly"), Some(Frequency::Fortnightly));
    assert_eq!(Frequency::parse("daily"), None);
}
