//! GraphQL queries the collector sends, and their response types.
//!
//! GraphQL is used where REST would cost one request per item: reviews, `mergedBy` and
//! ready-for-review events of changed pull requests, fetched 50 at a time by node id.
//! Every query here is validated against GitHub's public schema in `tests/it/graphql_schema.rs`.

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// How many pull requests one `UpkeepPullRequests` request covers.
pub const PULL_BATCH: usize = 50;

pub const PULL_REQUESTS_QUERY: &str = include_str!("queries/pull_requests.graphql");

/// Timelines of open newcomer-labelled issues: assignments, linked pull requests and comments
/// (claims, help offers), 50 issues at a time. Only issues that changed are asked for.
pub const NEWCOMER_ISSUES_QUERY: &str = include_str!("queries/newcomer_issues.graphql");

/// Every query the collector can send, for the schema-validation test.
pub const ALL_QUERIES: &[(&str, &str)] = &[
    ("UpkeepPullRequests", PULL_REQUESTS_QUERY),
    ("UpkeepNewcomerIssues", NEWCOMER_ISSUES_QUERY),
    ("UpkeepFunding", FUNDING_QUERY),
    ("UpkeepSponsorable", SPONSORABLE_QUERY),
    ("UpkeepProfiles", PROFILES_QUERY),
];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueNode {
    #[serde(rename = "__typename")]
    pub typename: String,
    pub database_id: Option<i64>,
    pub number: Option<i64>,
    pub timeline_items: Option<IssueTimeline>,
}

#[derive(Debug, Deserialize)]
pub struct IssueTimeline {
    pub nodes: Vec<Option<IssueTimelineItem>>,
}

/// One timeline item; which fields are set depends on `__typename`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueTimelineItem {
    #[serde(rename = "__typename")]
    pub typename: String,
    pub created_at: Option<DateTime<Utc>>,
    pub will_close_target: Option<bool>,
    pub source: Option<LinkedPullRequest>,
    pub subject: Option<LinkedPullRequest>,
    pub assignee: Option<Login>,
    pub body: Option<String>,
    pub author_association: Option<String>,
    pub author: Option<Login>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkedPullRequest {
    #[serde(rename = "__typename")]
    pub typename: String,
    pub number: Option<i64>,
    pub state: Option<String>,
    pub author: Option<Login>,
    pub repository: Option<RepositoryName>,
}

#[derive(Debug, Deserialize)]
pub struct Login {
    pub login: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryName {
    pub name_with_owner: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PullNode {
    #[serde(rename = "__typename")]
    pub typename: String,
    pub number: Option<i64>,
    pub is_draft: Option<bool>,
    pub merged_at: Option<DateTime<Utc>>,
    pub merged_by: Option<Actor>,
    pub reviews: Option<ReviewConnection>,
    pub timeline_items: Option<TimelineConnection>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    #[serde(rename = "__typename")]
    pub typename: String,
    pub login: String,
    pub database_id: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewConnection {
    pub total_count: i64,
    pub page_info: PageInfo,
    pub nodes: Vec<Option<ReviewNode>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewNode {
    pub database_id: Option<i64>,
    pub state: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub author_association: String,
    pub author: Option<Actor>,
}

#[derive(Debug, Deserialize)]
pub struct TimelineConnection {
    pub nodes: Vec<Option<TimelineNode>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineNode {
    #[serde(rename = "__typename")]
    pub typename: String,
    pub created_at: Option<DateTime<Utc>>,
}

impl PullNode {
    /// The first time the pull request was marked ready for review, if it ever was a draft.
    pub fn first_ready_for_review(&self) -> Option<DateTime<Utc>> {
        let items = self.timeline_items.as_ref()?;
        items.nodes.iter().flatten().filter(|n| n.typename == "ReadyForReviewEvent").filter_map(|n| n.created_at).min()
    }
}

impl Actor {
    /// The account as a REST-shaped user, when GitHub gave its numeric id.
    pub fn to_user(&self) -> Option<super::wire::User> {
        Some(super::wire::User {
            login: self.login.clone(),
            id: self.database_id?,
            kind: Some(self.typename.clone()),
            name: None,
        })
    }
}

/// A repository's `fundingLinks` and its owner's GitHub Sponsors listing, goal, tiers, sponsors
/// and totals. `totalRecurringMonthlyPriceInCents` is 0 for anyone but the sponsored account.
/// `history` is the newest 100 public sponsorships (one page, GitHub's maximum; older ones are not
/// fetched), ended and one-time ones included; their `tier` only for the sponsored account.
pub const FUNDING_QUERY: &str = include_str!("queries/funding.graphql");

/// A user's own Sponsors listing and sponsorship history (a maintainer of the repository, or an
/// account named in a `GITHUB` funding link); the same selection as [`FUNDING_QUERY`]'s owner.
pub const SPONSORABLE_QUERY: &str = include_str!("queries/sponsorable.graphql");

/// Open Collective's GraphQL v2 (not GitHub's, so not in [`ALL_QUERIES`]): an account's figures
/// and its newest 100 credit transactions.
pub const OPEN_COLLECTIVE_QUERY: &str = include_str!("queries/open_collective.graphql");

/// `data` of `UpkeepFunding`; `repository` is `None` when GitHub answered NOT_FOUND.
#[derive(Debug, Deserialize)]
pub struct FundingData {
    pub repository: Option<FundingRepository>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FundingRepository {
    #[serde(default)]
    pub funding_links: Vec<crate::funding::FundingLink>,
    pub owner: SponsorableNode,
}

/// `data` of `UpkeepSponsorable`.
#[derive(Debug, Deserialize)]
pub struct SponsorableData {
    pub user: Option<SponsorableNode>,
}

/// A `Sponsorable` account; fields are absent for an owner that is not sponsorable.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SponsorableNode {
    pub login: String,
    #[serde(default)]
    pub has_sponsors_listing: bool,
    pub sponsors_listing: Option<SponsorsListing>,
    pub sponsors: Option<SponsorConnection>,
    pub sponsorships_as_maintainer: Option<SponsorshipTotals>,
    /// The aliased `history: sponsorshipsAsMaintainer(activeOnly: false, …)`, newest first.
    pub history: Option<SponsorshipHistory>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SponsorsListing {
    pub name: Option<String>,
    pub active_goal: Option<SponsorsGoal>,
    pub tiers: Option<TierConnection>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SponsorsGoal {
    /// `TOTAL_SPONSORS_COUNT` or `MONTHLY_SPONSORSHIP_AMOUNT`.
    pub kind: String,
    pub target_value: i64,
    pub percent_complete: i64,
    pub title: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct TierConnection {
    pub nodes: Vec<Option<SponsorsTier>>,
}

#[derive(Debug, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SponsorsTier {
    pub name: String,
    pub monthly_price_in_cents: i64,
    pub is_one_time: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SponsorConnection {
    pub total_count: i64,
    pub nodes: Vec<Option<Login>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SponsorshipTotals {
    pub total_count: i64,
    pub total_recurring_monthly_price_in_cents: i64,
}

#[derive(Debug, Deserialize)]
pub struct SponsorshipHistory {
    pub nodes: Vec<Option<SponsorshipNode>>,
}

/// One sponsorship as a third party sees it: `tier` is `null` unless the token is the sponsored
/// account's (GitHub hides tiers from others).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SponsorshipNode {
    pub created_at: DateTime<Utc>,
    pub is_active: bool,
    pub is_one_time_payment: bool,
    pub tier: Option<SponsorshipTier>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SponsorshipTier {
    pub monthly_price_in_cents: i64,
}

/// `data` of `UpkeepOpenCollective`.
#[derive(Debug, Deserialize)]
pub struct OpenCollectiveData {
    pub account: Option<OpenCollectiveAccount>,
    /// The collective's newest 100 paid expenses (absent from answers that predate asking).
    #[serde(default)]
    pub expenses: Option<OpenCollectiveExpenses>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenCollectiveExpenses {
    pub total_count: i64,
    pub nodes: Vec<OpenCollectiveExpense>,
}

/// An expense: `amount` is an integer in cents of `currency` (the expense's own).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenCollectiveExpense {
    pub id: String,
    #[serde(default)]
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub amount: i64,
    #[serde(default)]
    pub currency: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct OpenCollectiveAccount {
    pub slug: String,
    pub name: Option<String>,
    pub currency: String,
    pub stats: OpenCollectiveStats,
    pub transactions: OpenCollectiveTransactions,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenCollectiveStats {
    pub balance: OpenCollectiveAmount,
    pub yearly_budget: OpenCollectiveAmount,
    pub total_amount_received: OpenCollectiveAmount,
}

/// Open Collective's `Amount`: `valueInCents` is a float in its schema.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenCollectiveAmount {
    pub value_in_cents: Option<f64>,
    pub currency: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenCollectiveTransactions {
    pub total_count: i64,
    pub nodes: Vec<OpenCollectiveTransaction>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenCollectiveTransaction {
    pub created_at: DateTime<Utc>,
    pub amount: OpenCollectiveAmount,
    pub from_account: Option<OpenCollectiveAccountRef>,
}

#[derive(Debug, Deserialize)]
pub struct OpenCollectiveAccountRef {
    pub slug: Option<String>,
    pub name: Option<String>,
}

/// How many logins one `UpkeepProfiles` request asks for: its `$l0`…`$l49` (a shorter batch
/// repeats its last login in the unused ones).
pub const PROFILE_BATCH: usize = 50;

/// Profiles' `company` of up to [`PROFILE_BATCH`] logins, as aliases `u0`…`u49` of
/// `user(login:)`; a login that is no user (gone, or an organisation) is `null` with a
/// `NOT_FOUND` error, as GitHub answers.
pub const PROFILES_QUERY: &str = include_str!("queries/profiles.graphql");

/// `data` of `UpkeepProfiles`: the aliases `u0`… (and `rateLimit`, ignored).
#[derive(Debug, Deserialize)]
pub struct ProfilesData {
    #[serde(flatten)]
    pub users: std::collections::HashMap<String, serde_json::Value>,
}

/// A user's profile fields.
#[derive(Debug, Deserialize)]
pub struct ProfileNode {
    pub login: String,
    #[serde(default)]
    pub company: Option<String>,
}

impl ProfilesData {
    /// The profile answered for alias `u{i}`, if a user resolved.
    pub fn user(&self, i: usize) -> Option<ProfileNode> {
        self.users.get(&format!("u{i}")).and_then(|v| serde_json::from_value(v.clone()).ok())
    }
}
