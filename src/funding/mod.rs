//! Funding: the money side of the dashboard, as pure functions over parsed data.
//!
//! What it owns, by file:
//! - [`money`]: [`Money`], the ISO 4217 [`Currency`] newtype, per-currency [`Totals`] (currencies
//!   are never summed together) and explicit conversion with a [`Rates`] table;
//! - [`manifest`] and [`validate`](mod@validate): funding.json v1 (fundingjson.org) as serde types that keep
//!   unknown fields, [`parse_manifest`], and every problem named by its JSON path;
//! - [`funding_yml`]: `.github/FUNDING.yml` checked against GitHub's documented keys
//!   ([`validate_funding_yml`]), since GitHub silently drops what it cannot parse;
//! - [`links`]: GitHub's `fundingLinks` platforms, Open Collective slugs and Sponsors logins;
//! - [`ledger`]: entries from every source in one shape, the monthly estimate (a [`Definition`](crate::metrics::Definition)),
//!   money received in a period by source, funding per active maintainer;
//! - [`carriers`]: maintainers who carry load without visible funding;
//! - [`goal`]: progress towards a monthly-amount or sponsor-count goal;
//! - [`grants`]: configured grants ([`Grant`]), their milestones and spending, and their validation;
//! - [`grant_progress`]: a grant page's milestone statuses, money and summary;
//! - [`report`]: the impact report's default period, before/after windows and summary paragraph.
//!
//! It deliberately does no IO and reads no clock: `github` and the funding collectors fetch, `db`
//! stores, `config` embeds the grants, `web` renders. Amounts are integer cents; `now` and
//! timestamps are unix seconds UTC, windows half-open as in [`crate::metrics`].

pub mod carriers;
pub mod funding_yml;
pub mod goal;
pub mod grant_progress;
pub mod grants;
pub mod ledger;
pub mod links;
pub mod manifest;
pub mod money;
pub mod report;
pub mod validate;

pub use funding_yml::{FundingYmlIssue, validate_funding_yml};
pub use goal::{GoalKind, GoalProgress, monthly_goal_progress, sponsor_goal_progress};
pub use grants::Grant;
pub use ledger::{
    Entry, EntryKind, Frequency, MONTHLY_ESTIMATE, Source, Timing, explain_monthly_estimate,
    funding_per_active_maintainer, monthly_ask, monthly_estimate, received_in,
};
pub use links::{FundingLink, Platform, github_sponsor_login, open_collective_slug};
pub use manifest::Manifest;
pub use money::{Converted, Currency, Money, MoneyError, Rates, Totals, convert};
pub use report::{ReportNumbers, before_after, default_period, summary_paragraph};
pub use validate::parse_manifest;
pub use validate::{ManifestIssue, Severity};
