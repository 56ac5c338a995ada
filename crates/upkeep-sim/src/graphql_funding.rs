//! `UpkeepFunding($owner, $name)` (a repository's `fundingLinks` and its owner's Sponsors
//! listing) and `UpkeepSponsorable($login)` (a user's own listing), in GitHub's GraphQL shapes.
//!
//! What a viewer sees follows GitHub: the listing, its published tiers and goal are public;
//! `sponsors` lists public sponsors only, unless the viewer is the sponsored account (here:
//! [`Viewer::Maintainer`]), who also sees private ones; `sponsorshipsAsMaintainer(includePrivate:
//! false)` counts public active sponsorships, and its `totalRecurringMonthlyPriceInCents` sums
//! only "what you can view", 0 for anyone but the maintainer. An account without a listing
//! answers `hasSponsorsListing: false`, `sponsorsListing: null` and empty connections.
//! The aliased `history` (`sponsorshipsAsMaintainer(activeOnly: false, orderBy: CREATED_AT DESC)`)
//! lists the newest 100 public sponsorships from the listing's model, ended and one-time ones
//! included, with each `tier` visible to the maintainer only.
//! Unknown repositories and users are `null` with GitHub's `NOT_FOUND` error beside the data.

use serde::Serialize;
use serde_json::{Value, json};

use super::accounts::{ORG, UserKind};
use super::answer::Answer;
use super::funding::{self, Listing, goal_title, recurring_cents};
use super::graphql_envelope::{RateLimitJson, Viewer, error};
use super::render::Ctx;
use super::util::rfc3339;
use super::world::World;

/// `owner` of `UpkeepFunding`, or the user of `UpkeepSponsorable` (without `__typename`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Sponsorable {
    #[serde(rename = "__typename", skip_serializing_if = "Option::is_none")]
    typename: Option<&'static str>,
    login: String,
    has_sponsors_listing: bool,
    sponsors_listing: Option<ListingJson>,
    sponsors: Sponsors,
    sponsorships_as_maintainer: Totals,
    /// The aliased `history: sponsorshipsAsMaintainer(activeOnly: false, …)`.
    history: Nodes<SponsorshipJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Sponsors {
    total_count: usize,
    nodes: Vec<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Totals {
    total_count: usize,
    total_recurring_monthly_price_in_cents: u64,
}

/// The operation `UpkeepFunding`.
pub fn funding(ctx: &Ctx, variables: &Value, rate: RateLimitJson, viewer: Viewer) -> Answer {
    let (Some(owner), Some(name)) = (text(variables, "owner"), text(variables, "name")) else {
        return error("INVALID_VARIABLES", "Variable $owner and $name of type String! were provided invalid values");
    };
    let world = ctx.world;
    let repo = owner
        .eq_ignore_ascii_case(ORG)
        .then(|| {
            let renamed = world.renamed.get(name).and_then(|id| world.repo_by_id(*id));
            world.repo_index(name).or(renamed)
        })
        .flatten();
    let Some(repo) = repo.map(|ix| &world.repos[ix]) else {
        let message = format!("Could not resolve to a Repository with the name '{owner}/{name}'.");
        return not_found(rate, "repository", &message);
    };
    let funding_links = funding::links(world, repo).into_iter().map(|l| LinkJson { platform: l.platform, url: l.url });
    let mut owner = account(world, 0, viewer, true);
    owner.typename = Some("Organization");
    let repository = RepositoryJson { funding_links: funding_links.collect(), owner };
    Answer::ok(&Body { data: Data { rate_limit: rate, repository: Some(repository), user: None } })
}

#[derive(Serialize)]
struct Body {
    data: Data,
}

/// `repository` for `UpkeepFunding`, `user` for `UpkeepSponsorable` (the other is left out).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    rate_limit: RateLimitJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    repository: Option<RepositoryJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<Sponsorable>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RepositoryJson {
    funding_links: Vec<LinkJson>,
    owner: Sponsorable,
}

#[derive(Serialize)]
struct LinkJson {
    platform: &'static str,
    url: String,
}

/// The operation `UpkeepSponsorable`.
pub fn sponsorable(ctx: &Ctx, variables: &Value, rate: RateLimitJson, viewer: Viewer) -> Answer {
    let Some(login) = text(variables, "login") else {
        return error("INVALID_VARIABLES", "Variable $login of type String! was provided invalid value");
    };
    let world = ctx.world;
    let user = world.user_by_login(login).filter(|u| world.user(*u).kind == UserKind::User);
    let Some(user) = user else {
        return not_found(rate, "user", &format!("Could not resolve to a User with the login of '{login}'."));
    };
    let user = Some(account(world, user, viewer, false));
    Answer::ok(&Body { data: Data { rate_limit: rate, repository: None, user } })
}

fn text<'a>(variables: &'a Value, key: &str) -> Option<&'a str> {
    variables.get(key).and_then(Value::as_str)
}

/// `{"data": {"rateLimit", field: null}, "errors": [NOT_FOUND]}`, as GitHub answers.
fn not_found(rate: RateLimitJson, field: &str, message: &str) -> Answer {
    let mut data = json!({ "rateLimit": rate });
    data[field] = Value::Null;
    let errors = json!([{ "type": "NOT_FOUND", "path": [field], "message": message }]);
    Answer::ok(&json!({ "data": data, "errors": errors }))
}

/// Account `user`'s sponsorable fields; `short` adds the listing's `shortDescription` (which
/// only `UpkeepFunding` asks for).
fn account(world: &World, user: u32, viewer: Viewer, short: bool) -> Sponsorable {
    let login = world.user(user).login.to_string();
    let Some(listing) = funding::listing(world, user) else {
        return Sponsorable {
            typename: None,
            login,
            has_sponsors_listing: false,
            sponsors_listing: None,
            sponsors: Sponsors { total_count: 0, nodes: Vec::new() },
            sponsorships_as_maintainer: Totals { total_count: 0, total_recurring_monthly_price_in_cents: 0 },
            history: Nodes { nodes: Vec::new() },
        };
    };
    let active = listing.active(world, world.now);
    let public: Vec<_> = active.iter().copied().filter(|s| !s.private).collect();
    let visible = if viewer == Viewer::Maintainer { &active } else { &public };
    let nodes = visible.iter().take(100).map(|s| sponsor_node(world, s.sponsor)).collect();
    let amount = if viewer == Viewer::Maintainer { recurring_cents(&listing, &public) } else { 0 };
    Sponsorable {
        typename: None,
        login,
        has_sponsors_listing: true,
        sponsors_listing: Some(listing_json(world, &listing, short)),
        sponsors: Sponsors { total_count: visible.len(), nodes },
        sponsorships_as_maintainer: Totals {
            total_count: public.len(),
            total_recurring_monthly_price_in_cents: amount,
        },
        history: history(world, &listing, viewer),
    }
}

/// One node of `history`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SponsorshipJson {
    created_at: String,
    is_active: bool,
    is_one_time_payment: bool,
    tier: Option<HistoryTierJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HistoryTierJson {
    monthly_price_in_cents: u32,
}

/// The newest 100 public sponsorships, ended ones included (`includePrivate: false` hides private
/// ones from everyone); each `tier` only for the maintainer, as GitHub hides tiers from others.
fn history(world: &World, listing: &Listing, viewer: Viewer) -> Nodes<SponsorshipJson> {
    let tiers = listing.spec.tiers;
    let public = listing.history(world, world.now).into_iter().filter(|s| !s.private);
    let nodes = public.take(100).map(|s| SponsorshipJson {
        created_at: rfc3339(s.start),
        is_active: s.active_at(world.now),
        is_one_time_payment: tiers[s.tier].one_time,
        tier: (viewer == Viewer::Maintainer).then(|| HistoryTierJson { monthly_price_in_cents: tiers[s.tier].cents }),
    });
    Nodes { nodes: nodes.collect() }
}

fn sponsor_node(world: &World, user: u32) -> Value {
    let u = world.user(user);
    let typename = if u.kind == UserKind::Organization { "Organization" } else { "User" };
    json!({ "__typename": typename, "login": &*u.login })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListingJson {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    short_description: Option<&'static str>,
    active_goal: GoalJson,
    tiers: Nodes<TierJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GoalJson {
    kind: &'static str,
    target_value: u32,
    percent_complete: u32,
    title: String,
}

#[derive(Serialize)]
struct Nodes<T> {
    nodes: Vec<T>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TierJson {
    name: &'static str,
    monthly_price_in_cents: u32,
    is_one_time: bool,
}

fn listing_json(world: &World, listing: &Listing, short: bool) -> ListingJson {
    let (kind, target, percent) = listing.goal(world, world.now);
    let tiers = listing.spec.tiers.iter();
    let tiers = tiers.map(|t| TierJson { name: t.name, monthly_price_in_cents: t.cents, is_one_time: t.one_time });
    ListingJson {
        name: listing.name(world),
        short_description: short.then_some(listing.spec.short_description),
        active_goal: GoalJson {
            kind: kind.as_str(),
            target_value: target,
            percent_complete: percent,
            title: goal_title(kind, target),
        },
        tiers: Nodes { nodes: tiers.collect() },
    }
}
