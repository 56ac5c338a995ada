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
mod tests;
