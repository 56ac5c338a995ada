//! The funding ledger: entries from every source in one shape, and the sums a funder page shows.
//!
//! An [`Entry`] is one fact about money: a payment received at an instant ([`Timing::At`]), a
//! commitment that recurs over a span (a sponsorship: `amount` per [`Frequency`] interval), or a
//! lump spread over a span (a grant, a funding.json history year: total `amount`, frequency
//! [`Frequency::OneTime`]). Every entry keeps its [`Source`] and freshness (`fetched_at`, `stale`)
//! so a page can label each figure (librariesio/libraries.io #1744).
//!
//! The sums: [`monthly_estimate`] (with [`MONTHLY_ESTIMATE`] and [`explain_monthly_estimate`]),
//! [`monthly_ask`], [`received_in`] and [`funding_per_active_maintainer`]. Goals are in `goal`.
//! Timestamps are unix seconds UTC; spans are half-open `[from, to)` as in [`crate::metrics`].
//! No IO and no clock: the collectors build entries, `now` is passed in.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::money::{Money, Totals, div_round};
use crate::metrics::{DAY, Definition, Explain, Window, fmt_ts};

/// The average month used everywhere here: a 365-day year over twelve (30.42 days).
pub const MONTH: i64 = 365 * DAY / 12;

/// How often an amount recurs (funding.json's plan frequencies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Frequency {
    OneTime,
    Weekly,
    Fortnightly,
    Monthly,
    Yearly,
    /// A cadence the source does not state; never normalised to a month.
    Other,
}

impl Frequency {
    /// From funding.json's spelling (`one-time`, `monthly`, …).
    pub fn parse(s: &str) -> Option<Frequency> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
    }

    /// The monthly equivalent of one payment as `(numerator, denominator)`: weekly × 52/12,
    /// fortnightly × 26/12, monthly × 1, yearly × 1/12. `None` when not recurring or unknown.
    fn per_month(self) -> Option<(i128, i128)> {
        match self {
            Frequency::Weekly => Some((52, 12)),
            Frequency::Fortnightly => Some((26, 12)),
            Frequency::Monthly => Some((1, 1)),
            Frequency::Yearly => Some((1, 12)),
            Frequency::OneTime | Frequency::Other => None,
        }
    }

    /// The interval between payments in seconds, for recurring frequencies.
    fn interval(self) -> Option<i64> {
        match self {
            Frequency::Weekly => Some(7 * DAY),
            Frequency::Fortnightly => Some(14 * DAY),
            Frequency::Monthly => Some(MONTH),
            Frequency::Yearly => Some(365 * DAY),
            Frequency::OneTime | Frequency::Other => None,
        }
    }
}

/// Where an entry came from. The order is the display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Source {
    GitHubSponsors,
    OpenCollective,
    FundingJson,
    Grant,
    Other,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::GitHubSponsors => "GitHub Sponsors",
            Source::OpenCollective => "Open Collective",
            Source::FundingJson => "funding.json",
            Source::Grant => "grants",
            Source::Other => "other sources",
        })
    }
}

/// What an entry says about money. Only `Income` and `Grant` are money coming in; a `Budget` is
/// a source's own projection of its recurring income (Open Collective's yearly budget), which
/// counts in the monthly estimate but is never money received (the payments behind it are
/// `Income`); a `Plan` is an ask (a funding.json plan, a sponsor tier) and a `Goal` is a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EntryKind {
    Income,
    Plan,
    Grant,
    Goal,
    Budget,
}

impl EntryKind {
    fn is_money_in(self) -> bool {
        matches!(self, EntryKind::Income | EntryKind::Grant)
    }

    fn is_recurring_estimate(self) -> bool {
        matches!(self, EntryKind::Income | EntryKind::Grant | EntryKind::Budget)
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntryKind::Income => "income",
            EntryKind::Plan => "plan",
            EntryKind::Grant => "grant",
            EntryKind::Goal => "goal",
            EntryKind::Budget => "budget",
        })
    }
}

/// When an entry applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Timing {
    /// A single payment at this instant.
    At(i64),
    /// A span `[from, to)`; `to: None` means still running (an active sponsorship).
    Period { from: i64, to: Option<i64> },
}

/// One fact about money from one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub source: Source,
    pub kind: EntryKind,
    /// `None` when the source hides it (private sponsorships seen without the owner's token).
    pub amount: Option<Money>,
    pub timing: Timing,
    /// Per payment for recurring entries; `OneTime` for single payments and lumps over a span.
    pub frequency: Frequency,
    pub description: String,
    pub fetched_at: Option<i64>,
    /// The last fetch failed and this is the previous known value.
    pub stale: bool,
}

/// The monthly estimate's definition; the formula text lists every rule.
pub const MONTHLY_ESTIMATE: Definition = Definition {
    name: "Estimated monthly funding",
    formula: "Per currency, over income, grant and budget entries (Open Collective's yearly budget, its own \
              projection of recurring income) with a visible amount that are running at `now` \
              (a span with from <= now < to, or no end): a recurring amount counts at its monthly equivalent \
              (weekly x 52/12, fortnightly x 26/12, monthly x 1, yearly / 12); a lump over a span (a grant) \
              counts amount x (365/12 days) / span length, for the months its span covers. Single payments, \
              unknown cadences, plans (asks) and goals are not recurring income and are left out. Stale \
              entries count with their last known value. Currencies are never added together.",
    source: "Upkeep (no CHAOSS money-flow metric exists; see CHAOSS Funding Impact Measurement WG)",
};

/// The monthly equivalent of `e` at `now`, if it counts towards recurring money.
fn monthly_equivalent(e: &Entry, now: i64) -> Option<Money> {
    let amount = e.amount?;
    let Timing::Period { from, to } = e.timing else { return None };
    if now < from || to.is_some_and(|to| now >= to) {
        return None;
    }
    let cents = amount.cents as i128;
    let monthly = match (e.frequency.per_month(), to) {
        (Some((num, den)), _) => div_round(cents * num, den),
        (None, Some(to)) if e.frequency == Frequency::OneTime && to > from => {
            div_round(cents * MONTH as i128, (to - from) as i128)
        }
        _ => return None,
    };
    Some(Money::new(monthly, amount.currency))
}

/// Recurring money per month at `now`, per currency, by the rules in [`MONTHLY_ESTIMATE`].
pub fn monthly_estimate(entries: &[Entry], now: i64) -> Totals {
    entries.iter().filter(|e| e.kind.is_recurring_estimate()).filter_map(|e| monthly_equivalent(e, now)).collect()
}

/// The disclosure for [`monthly_estimate`]: how many entries counted, were hidden or were stale.
pub fn explain_monthly_estimate(entries: &[Entry], now: i64) -> Explain {
    let money_in: Vec<&Entry> = entries.iter().filter(|e| e.kind.is_recurring_estimate()).collect();
    let counted: Vec<&&Entry> = money_in.iter().filter(|e| monthly_equivalent(e, now).is_some()).collect();
    MONTHLY_ESTIMATE.explain(vec![
        ("now", fmt_ts(now)),
        ("entries counted", counted.len().to_string()),
        ("stale entries counted", counted.iter().filter(|e| e.stale).count().to_string()),
        ("entries without a visible amount", money_in.iter().filter(|e| e.amount.is_none()).count().to_string()),
        ("estimate", monthly_estimate(entries, now).to_string()),
    ])
}

/// What the plans ask for per month: recurring `Plan` entries at their monthly equivalent (a
/// yearly plan / 12) when running at `now`; one-time plans are left out.
pub fn monthly_ask(entries: &[Entry], now: i64) -> Totals {
    let plans = entries.iter().filter(|e| e.kind == EntryKind::Plan && e.frequency.per_month().is_some());
    plans.filter_map(|e| monthly_equivalent(e, now)).collect()
}

/// The part of `e` received in `w`, if any.
fn received(e: &Entry, w: Window) -> Option<Money> {
    let amount = e.amount?;
    let overlap = |from: i64, to: i64| (to.min(w.to) - from.max(w.from)).max(0) as i128;
    let cents = match (e.timing, e.frequency.interval()) {
        (Timing::At(t), _) => (w.contains(t)).then_some(amount.cents)?,
        (Timing::Period { from, to }, Some(interval)) => {
            div_round(amount.cents as i128 * overlap(from, to.unwrap_or(w.to)), interval as i128)
        }
        (Timing::Period { from, to: Some(to) }, None) if e.frequency == Frequency::OneTime && to > from => {
            div_round(amount.cents as i128 * overlap(from, to), (to - from) as i128)
        }
        (Timing::Period { from, to: None }, None) if e.frequency == Frequency::OneTime => {
            (w.contains(from)).then_some(amount.cents)?
        }
        _ => return None,
    };
    (cents != 0).then(|| Money::new(cents, amount.currency))
}

/// Money received in `[from, to)` by source, per currency. Rules: a single payment counts in
/// full when its instant is in the window; a lump over a span (a grant, a history year) counts
/// prorated by overlap, `amount × overlap / span`, and in full at its start when it has no end;
/// a recurring amount counts `amount × overlap / interval` (the payments the overlap implies).
/// Plans, goals, hidden amounts and unknown cadences count nothing; sources with nothing are absent.
pub fn received_in(entries: &[Entry], from: i64, to: i64) -> BTreeMap<Source, Totals> {
    let mut by_source: BTreeMap<Source, Totals> = BTreeMap::new();
    for e in entries.iter().filter(|e| e.kind.is_money_in()) {
        if let Some(m) = received(e, Window::new(from, to)) {
            by_source.entry(e.source).or_default().add(m);
        }
    }
    by_source
}

/// `totals` shared evenly by `maintainers` (each currency rounded to the cent); `None` for zero
/// maintainers, where a per-person figure means nothing.
pub fn funding_per_active_maintainer(totals: &Totals, maintainers: usize) -> Option<Totals> {
    totals.divided_by(maintainers as u64)
}

#[cfg(test)]
mod tests {
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
            ..entry(
                EntryKind::Grant,
                1_200_000,
                Timing::Period { from: JAN_2026, to: Some(JAN_2027) },
                Frequency::OneTime,
            )
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
            ..entry(
                EntryKind::Grant,
                3_650_000,
                Timing::Period { from: JAN_2026, to: Some(JAN_2027) },
                Frequency::OneTime,
            )
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
}
