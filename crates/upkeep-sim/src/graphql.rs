//! `POST /graphql`: a table of the operations the collector sends, recognised by operation name.
//!
//! There is no GraphQL parser: each operation's answer shape is fixed by the one query text the
//! collector sends for it. To add an operation, write a function with the [`Operation`]
//! signature and add a row to [`OPERATIONS`] (`graphql_newcomers.rs` holds the newcomer
//! issues' operation, `graphql_funding.rs` the sponsors' ones). Anything else gets GitHub's `200` with an
//! `errors` array. Node ids are GitHub's legacy ids (`util::node_id`), the same the REST
//! answers carry, and a review's `databaseId` is its REST `id`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::accounts::UserKind;
use super::answer::Answer;
use super::graphql_envelope::{RateLimitJson, Viewer, error};
use super::graphql_funding;
use super::graphql_newcomers;
use super::ratelimit::Snapshot;
use super::render::{Ctx, Time};
use super::util::{base64, node_id, parse_node_id};
use super::world::{DraftEvent, Repo};

/// An operation: variables in, the whole `{"data": …}` answer out.
type Operation = fn(&Ctx, &Value, RateLimitJson, Viewer) -> Answer;

const OPERATIONS: &[(&str, Operation)] = &[
    ("UpkeepPullRequests", pull_requests),
    ("UpkeepNewcomerIssues", graphql_newcomers::newcomer_issues),
    ("UpkeepFunding", graphql_funding::funding),
    ("UpkeepSponsorable", graphql_funding::sponsorable),
    ("UpkeepProfiles", super::profiles::profiles),
];

#[derive(Deserialize)]
struct GraphqlRequest {
    query: String,
    #[serde(default)]
    variables: Value,
    #[serde(rename = "operationName", default)]
    operation_name: Option<String>,
}

pub fn handle(ctx: &Ctx, body: &[u8], budget: Option<Snapshot>, viewer: Viewer) -> Answer {
    let Ok(request) = serde_json::from_slice::<GraphqlRequest>(body) else {
        return Answer::bad_json();
    };
    let name = request.operation_name.clone().or_else(|| operation_name(&request.query));
    let budget = budget.unwrap_or(Snapshot { limit: 5_000, remaining: 5_000, used: 0, reset: 0 });
    let rate =
        RateLimitJson { cost: 1, remaining: budget.remaining.saturating_sub(1), reset_at: Time(budget.reset as i64) };
    match OPERATIONS.iter().find(|(op, _)| Some(*op) == name.as_deref()) {
        Some((_, run)) => run(ctx, &request.variables, rate, viewer),
        None => error("UNKNOWN_QUERY", &format!("The simulator does not know the operation {name:?}")),
    }
}

/// The name after the first `query` keyword.
fn operation_name(query: &str) -> Option<String> {
    let mut words = query.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty());
    words.find(|w| *w == "query")?;
    words.next().map(str::to_owned)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Actor<'a> {
    #[serde(rename = "__typename")]
    typename: &'static str,
    login: &'a str,
    database_id: u64,
}

fn actor<'a>(ctx: &Ctx<'a>, user: u32) -> Actor<'a> {
    let u = ctx.world.user(user);
    let kind = if u.kind == UserKind::Bot { "Bot" } else { "User" };
    Actor { typename: kind, login: &u.login, database_id: u.id }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReviewNode<'a> {
    database_id: u64,
    state: &'static str,
    submitted_at: Time,
    author_association: &'static str,
    author: Actor<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Reviews<'a> {
    total_count: usize,
    page_info: PageInfo,
    nodes: Vec<ReviewNode<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TimelineNode {
    #[serde(rename = "__typename")]
    typename: &'static str,
    created_at: Time,
}

#[derive(Serialize)]
struct Timeline {
    nodes: Vec<TimelineNode>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PullNode<'a> {
    #[serde(rename = "__typename")]
    typename: &'static str,
    id: String,
    database_id: u64,
    number: u32,
    is_draft: bool,
    merged_at: Option<Time>,
    merged_by: Option<Actor<'a>>,
    reviews: Reviews<'a>,
    timeline_items: Timeline,
}

/// `UpkeepPullRequests($ids)`: pull requests by node id, `null` for unknown ids.
fn pull_requests(ctx: &Ctx, variables: &Value, rate: RateLimitJson, _: Viewer) -> Answer {
    let Some(ids) = variables.get("ids").and_then(Value::as_array) else {
        return error("INVALID_VARIABLES", "Variable $ids of type [ID!]! was provided invalid value");
    };
    if ids.len() > 100 {
        return error("EXCESSIVE_NODES", "You may not request more than 100 nodes at once");
    }
    let nodes: Vec<Option<PullNode>> = ids.iter().map(|id| id.as_str().and_then(|id| pull_node(ctx, id))).collect();
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Data<'a> {
        rate_limit: RateLimitJson,
        nodes: Vec<Option<PullNode<'a>>>,
    }
    #[derive(Serialize)]
    struct Body<'a> {
        data: Data<'a>,
    }
    Answer::ok(&Body { data: Data { rate_limit: rate, nodes } })
}

fn pull_node<'a>(ctx: &Ctx<'a>, node: &str) -> Option<PullNode<'a>> {
    let (kind, id) = parse_node_id(node)?;
    let at = ctx.world.pulls.get(&id).filter(|_| kind == "PullRequest")?;
    let repo = ctx.world.repos.get(at.repo as usize).filter(|r| !r.deleted)?;
    let item = &repo.items[at.item as usize];
    let pull = item.pull.as_ref()?;
    let timeline = pull.draft_events.iter().map(|(event, at)| TimelineNode {
        typename: match event {
            DraftEvent::ReadyForReview => "ReadyForReviewEvent",
            DraftEvent::ConvertToDraft => "ConvertToDraftEvent",
        },
        created_at: Time(*at),
    });
    Some(PullNode {
        typename: "PullRequest",
        id: node_id("PullRequest", pull.id),
        database_id: pull.id,
        number: item.number,
        is_draft: pull.is_draft(),
        merged_at: pull.merged.map(|(at, _)| Time(at)),
        merged_by: pull.merged.map(|(_, by)| actor(ctx, by)),
        reviews: reviews(ctx, repo, at.item),
        timeline_items: Timeline { nodes: timeline.collect() },
    })
}

/// The first 100 reviews, chronological.
fn reviews<'a>(ctx: &Ctx<'a>, repo: &'a Repo, ix: u32) -> Reviews<'a> {
    let by_item = &repo.views.reviews_by_item;
    let start = by_item.partition_point(|r| repo.reviews[*r as usize].item < ix);
    let end = by_item.partition_point(|r| repo.reviews[*r as usize].item <= ix);
    let all = &by_item[start..end];
    let first = &all[..all.len().min(100)];
    let nodes: Vec<ReviewNode> = first
        .iter()
        .map(|r| {
            let review = &repo.reviews[*r as usize];
            ReviewNode {
                database_id: review.id,
                state: review.state.as_str(),
                submitted_at: Time(review.submitted),
                author_association: review.assoc.as_str(),
                author: actor(ctx, review.author),
            }
        })
        .collect();
    let end_cursor = (!nodes.is_empty()).then(|| base64(format!("cursor:v2:{}", nodes.len()).as_bytes()));
    Reviews { total_count: all.len(), page_info: PageInfo { has_next_page: all.len() > 100, end_cursor }, nodes }
}
