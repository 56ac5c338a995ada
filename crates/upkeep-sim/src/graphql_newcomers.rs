//! `UpkeepNewcomerIssues($ids)`: issues by node id with what the onboarding pages need, in
//! GitHub's GraphQL shapes: state, assignees, labels (as the REST answers name them) and a
//! timeline of cross-references, connections, (un)assignments and comments.
//!
//! The timeline is derived from the world, so it agrees with REST: a pull request whose body
//! says `Closes #N` is a `CrossReferencedEvent` with `willCloseTarget: true` on issue N (a
//! hand-made link adds a `ConnectedEvent` and does not close), assignment events replay to the
//! REST `assignees`, and comment bodies are the REST bodies. A pull request's id answers with
//! its `__typename` only (the query's fragment is on `Issue`), an unknown id with `null`.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use super::accounts::{ORG, UserKind};
use super::answer::Answer;
use super::graphql_envelope::{RateLimitJson, Viewer, error};
use super::labels;
use super::reindex::{comments_of, linking};
use super::render::{Ctx, Time, comment_body};
use super::util::{Ts, parse_node_id};
use super::world::{Item, LinkKind, Repo, World};

/// At most this many timeline items per issue, as the query asks.
const TIMELINE_PAGE: usize = 100;

#[derive(Serialize)]
#[serde(untagged)]
enum Node<'a> {
    Issue(IssueNode<'a>),
    Other {
        #[serde(rename = "__typename")]
        typename: &'static str,
    },
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IssueNode<'a> {
    #[serde(rename = "__typename")]
    typename: &'static str,
    database_id: u64,
    number: u32,
    state: &'static str,
    updated_at: Time,
    assignees: Nodes<Login<'a>>,
    labels: Nodes<Name<'a>>,
    timeline_items: Timeline<'a>,
}

#[derive(Serialize)]
struct Nodes<T> {
    nodes: Vec<T>,
}

#[derive(Serialize)]
struct Login<'a> {
    login: &'a str,
}

#[derive(Serialize)]
struct Name<'a> {
    name: Cow<'a, str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Timeline<'a> {
    total_count: usize,
    nodes: Vec<Event<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Event<'a> {
    CrossReferenced {
        #[serde(rename = "__typename")]
        typename: &'static str,
        #[serde(rename = "createdAt")]
        created_at: Time,
        #[serde(rename = "willCloseTarget")]
        will_close_target: bool,
        source: PullSource<'a>,
    },
    Connected {
        #[serde(rename = "__typename")]
        typename: &'static str,
        #[serde(rename = "createdAt")]
        created_at: Time,
        subject: PullSubject,
    },
    Assignment {
        #[serde(rename = "__typename")]
        typename: &'static str,
        #[serde(rename = "createdAt")]
        created_at: Time,
        assignee: Assignee<'a>,
    },
    Comment(CommentNode<'a>),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PullSource<'a> {
    #[serde(rename = "__typename")]
    typename: &'static str,
    number: u32,
    state: &'static str,
    author: Option<Login<'a>>,
    repository: RepositoryRef,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RepositoryRef {
    name_with_owner: String,
}

#[derive(Serialize)]
struct PullSubject {
    #[serde(rename = "__typename")]
    typename: &'static str,
    number: u32,
    state: &'static str,
}

#[derive(Serialize)]
struct Assignee<'a> {
    #[serde(rename = "__typename")]
    typename: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    login: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CommentNode<'a> {
    #[serde(rename = "__typename")]
    typename: &'static str,
    database_id: u64,
    created_at: Time,
    body: String,
    author_association: &'static str,
    author: Option<Login<'a>>,
}

/// The operation (see the module doc).
pub fn newcomer_issues(ctx: &Ctx, variables: &Value, rate: RateLimitJson, _: Viewer) -> Answer {
    let Some(ids) = variables.get("ids").and_then(Value::as_array) else {
        return error("INVALID_VARIABLES", "Variable $ids of type [ID!]! was provided invalid value");
    };
    if ids.len() > 100 {
        return error("EXCESSIVE_NODES", "You may not request more than 100 nodes at once");
    }
    let nodes: Vec<Option<Node>> = ids.iter().map(|id| id.as_str().and_then(|id| node(ctx, id))).collect();
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Data<'a> {
        rate_limit: RateLimitJson,
        nodes: Vec<Option<Node<'a>>>,
    }
    #[derive(Serialize)]
    struct Body<'a> {
        data: Data<'a>,
    }
    Answer::ok(&Body { data: Data { rate_limit: rate, nodes } })
}

fn node<'a>(ctx: &Ctx<'a>, id: &str) -> Option<Node<'a>> {
    let world = ctx.world;
    match parse_node_id(id)? {
        (kind, id) if kind == "Issue" => {
            let (r, ix) = find_issue(world, id)?;
            Some(Node::Issue(issue(world, &world.repos[r], ix)))
        }
        (kind, id) if kind == "PullRequest" => {
            let at = world.pulls.get(&id)?;
            world.repos.get(at.repo as usize).filter(|r| !r.deleted)?;
            Some(Node::Other { typename: "PullRequest" })
        }
        _ => None,
    }
}

/// `(repository, item index)` of the issue with database id `id`. Items are numbered in
/// creation order, so ids grow with the index: a binary search, then a scan to be sure.
fn find_issue(world: &World, id: u64) -> Option<(usize, u32)> {
    let live = || world.repos.iter().enumerate().filter(|(_, r)| !r.deleted);
    let is_issue = |item: &Item| item.id == id && item.pull.is_none();
    let found = live().find_map(|(r, repo)| {
        let k = repo.items.partition_point(|i| i.id < id);
        repo.items.get(k).filter(|i| is_issue(i)).map(|_| (r, k as u32))
    });
    found.or_else(|| live().find_map(|(r, repo)| Some((r, repo.items.iter().position(is_issue)? as u32))))
}

fn login<'a>(world: &'a World, user: u32) -> Login<'a> {
    Login { login: &world.user(user).login }
}

fn pull_state(item: &Item) -> &'static str {
    match &item.pull {
        Some(pull) if pull.merged.is_some() => "MERGED",
        _ if item.is_open() => "OPEN",
        _ => "CLOSED",
    }
}

fn issue<'a>(world: &'a World, repo: &'a Repo, ix: u32) -> IssueNode<'a> {
    let item = &repo.items[ix as usize];
    let names = labels::names(world, repo, item).into_iter().take(30).map(|name| Name { name }).collect();
    let mut events = timeline(world, repo, ix);
    let total_count = events.len();
    events.truncate(TIMELINE_PAGE);
    IssueNode {
        typename: "Issue",
        database_id: item.id,
        number: item.number,
        state: if item.is_open() { "OPEN" } else { "CLOSED" },
        updated_at: Time(item.updated),
        assignees: Nodes { nodes: item.assignee.map(|u| login(world, u)).into_iter().collect() },
        labels: Nodes { nodes: names },
        timeline_items: Timeline { total_count, nodes: events },
    }
}

/// Every timeline item of issue `ix`, oldest first (at equal times: references, connections,
/// comments, then assignments).
fn timeline<'a>(world: &'a World, repo: &'a Repo, ix: u32) -> Vec<Event<'a>> {
    let mut events: Vec<(Ts, u8, Event)> = Vec::new();
    let number = repo.items[ix as usize].number;
    for (_, p) in linking(repo, number) {
        let pr = &repo.items[*p as usize];
        let Some(link) = pr.pull.as_ref().and_then(|pull| pull.link) else { continue };
        let source = PullSource {
            typename: "PullRequest",
            number: pr.number,
            state: pull_state(pr),
            author: Some(login(world, pr.author)),
            repository: RepositoryRef { name_with_owner: format!("{ORG}/{}", repo.name) },
        };
        let will_close_target = link.kind != LinkKind::Manual;
        let at = Time(pr.created);
        events.push((
            pr.created,
            0,
            Event::CrossReferenced { typename: "CrossReferencedEvent", created_at: at, will_close_target, source },
        ));
        if link.kind == LinkKind::Manual {
            let subject = PullSubject { typename: "PullRequest", number: pr.number, state: pull_state(pr) };
            events.push((pr.created, 1, Event::Connected { typename: "ConnectedEvent", created_at: at, subject }));
        }
    }
    for c in comments_of(repo, ix).iter().map(|c| &repo.comments[*c as usize]) {
        let node = CommentNode {
            typename: "IssueComment",
            database_id: c.id,
            created_at: Time(c.created),
            body: comment_body(world, repo, c),
            author_association: c.assoc.as_str(),
            author: Some(login(world, c.author)),
        };
        events.push((c.created, 2, Event::Comment(node)));
    }
    let start = repo.assignments.partition_point(|a| a.item < ix);
    for a in repo.assignments[start..].iter().take_while(|a| a.item == ix) {
        let user = world.user(a.user);
        let (typename, login) = match user.kind {
            UserKind::User => ("User", Some(&*user.login)),
            UserKind::Bot => ("Bot", None),
            UserKind::Organization => ("Organization", None),
        };
        let kind = if a.assigned { "AssignedEvent" } else { "UnassignedEvent" };
        let assignee = Assignee { typename, login };
        events.push((a.at, 3, Event::Assignment { typename: kind, created_at: Time(a.at), assignee }));
    }
    events.sort_by_key(|(at, order, _)| (*at, *order));
    events.into_iter().map(|(_, _, event)| event).collect()
}
