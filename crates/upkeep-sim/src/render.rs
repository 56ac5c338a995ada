//! JSON shapes of accounts, labels, milestones, issues and issue comments, field for field as
//! in GitHub's REST examples (`tests/fixtures/github/rest-examples`), in GitHub's key order.
//!
//! Renderers are thin borrowed views (`*Json<'a>`) over the world, serialised straight into the
//! response body; texts come from `text.rs`. API URLs point at this simulator (so a client that
//! follows one stays on the machine); `html_url`s point at github.com as on the real API.
//! Pull requests, reviews and repositories have their own files (`render_pull.rs`,
//! `render_repo.rs`), labels theirs (`labels.rs`).

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::accounts::{ORG, User, UserKind};
use super::labels::{LabelJson, labels};
use super::text;
use super::util::{Ts, node_id, rfc3339};
use super::world::{Comment, Item, Repo, World};

pub const WEB: &str = "https://github.com";
pub const DOCS: &str = "https://docs.github.com/rest";

/// What every renderer needs: the world and this server's base URL.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub world: &'a World,
    pub api: &'a str,
}

impl<'a> Ctx<'a> {
    /// `{api}/repos/upkeep-sim/{name}`.
    pub fn repo_api(&self, repo: &Repo) -> String {
        format!("{}/repos/{ORG}/{}", self.api, repo.name)
    }

    pub fn repo_web(&self, repo: &Repo) -> String {
        format!("{WEB}/{ORG}/{}", repo.name)
    }

    pub fn user(&self, ix: u32) -> UserJson<'a> {
        UserJson { ctx: *self, user: self.world.user(ix) }
    }

    pub fn users(&self, ixs: impl IntoIterator<Item = u32>) -> Vec<UserJson<'a>> {
        ixs.into_iter().map(|u| self.user(u)).collect()
    }
}

/// A timestamp rendered as `YYYY-MM-DDTHH:MM:SSZ`.
#[derive(Clone, Copy)]
pub struct Time(pub Ts);

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&rfc3339(self.0))
    }
}

pub fn time(ts: Option<Ts>) -> Option<Time> {
    ts.map(Time)
}

/// A login as it appears in a URL path (`dependabot[bot]` -> `dependabot%5Bbot%5D`).
pub fn login_path(login: &str) -> String {
    login.replace('[', "%5B").replace(']', "%5D")
}

/// The `simple-user` object embedded everywhere.
pub struct UserJson<'a> {
    pub ctx: Ctx<'a>,
    pub user: &'a User,
}

const USER_LINKS: [(&str, &str); 9] = [
    ("followers_url", "/followers"),
    ("following_url", "/following{/other_user}"),
    ("gists_url", "/gists{/gist_id}"),
    ("starred_url", "/starred{/owner}{/repo}"),
    ("subscriptions_url", "/subscriptions"),
    ("organizations_url", "/orgs"),
    ("repos_url", "/repos"),
    ("events_url", "/events{/privacy}"),
    ("received_events_url", "/received_events"),
];

impl UserJson<'_> {
    pub fn kind(&self) -> &'static str {
        match self.user.kind {
            UserKind::User => "User",
            UserKind::Bot => "Bot",
            UserKind::Organization => "Organization",
        }
    }

    pub fn html_url(&self) -> String {
        match self.user.kind {
            UserKind::Bot => format!("{WEB}/apps/{}", self.user.login.trim_end_matches("[bot]")),
            _ => format!("{WEB}/{}", self.user.login),
        }
    }

    pub fn avatar_url(&self) -> String {
        let kind = if self.user.kind == UserKind::Bot { "in" } else { "u" };
        format!("https://avatars.githubusercontent.com/{kind}/{}?v=4", self.user.id)
    }

    /// Entries shared by the embedded and the full user objects.
    pub fn entries<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        let user = self.user;
        let url = format!("{}/users/{}", self.ctx.api, login_path(&user.login));
        m.serialize_entry("login", &*user.login)?;
        m.serialize_entry("id", &user.id)?;
        m.serialize_entry("node_id", &node_id(self.kind(), user.id))?;
        m.serialize_entry("avatar_url", &self.avatar_url())?;
        m.serialize_entry("gravatar_id", "")?;
        m.serialize_entry("url", &url)?;
        m.serialize_entry("html_url", &self.html_url())?;
        for (key, suffix) in USER_LINKS {
            m.serialize_entry(key, &format!("{url}{suffix}"))?;
        }
        m.serialize_entry("type", self.kind())?;
        m.serialize_entry("site_admin", &false)
    }
}

impl Serialize for UserJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(18))?;
        self.entries(&mut m)?;
        m.end()
    }
}

#[derive(serde::Serialize)]
pub struct MilestoneJson<'a> {
    url: String,
    html_url: String,
    labels_url: String,
    id: u64,
    node_id: String,
    number: u8,
    state: &'static str,
    title: &'a str,
    description: String,
    creator: UserJson<'a>,
    open_issues: u32,
    closed_issues: u32,
    created_at: Time,
    updated_at: Time,
    closed_at: Option<Time>,
    due_on: Option<Time>,
}

pub fn milestone<'a>(ctx: &Ctx<'a>, repo: &'a Repo, number: u8) -> MilestoneJson<'a> {
    let m = &repo.milestones[number as usize - 1];
    let (open, closed) = repo.views.milestone_counts.get(number as usize - 1).copied().unwrap_or_default();
    let closed_at = m.closed;
    let url = format!("{}/milestones/{number}", ctx.repo_api(repo));
    MilestoneJson {
        html_url: format!("{}/milestone/{number}", ctx.repo_web(repo)),
        labels_url: format!("{url}/labels"),
        url,
        id: m.id,
        node_id: node_id("Milestone", m.id),
        number,
        state: if closed_at.is_some() { "closed" } else { "open" },
        title: &m.title,
        description: format!("Work planned for {}", m.title),
        creator: ctx.user(m.creator),
        open_issues: open,
        closed_issues: closed,
        created_at: Time(m.created),
        updated_at: Time(closed_at.unwrap_or(m.created)),
        closed_at: time(closed_at),
        due_on: time(super::grant_data::due_on(m)),
    }
}

/// The `pull_request` key of a pull request listed among issues.
#[derive(serde::Serialize)]
pub struct PullMarker {
    url: String,
    html_url: String,
    diff_url: String,
    patch_url: String,
    merged_at: Option<Time>,
}

/// An item of `/issues` (issue or pull request).
#[derive(serde::Serialize)]
pub struct IssueJson<'a> {
    id: u64,
    node_id: String,
    url: String,
    repository_url: String,
    labels_url: String,
    comments_url: String,
    events_url: String,
    html_url: String,
    number: u32,
    state: &'static str,
    title: String,
    body: String,
    user: UserJson<'a>,
    pinned_comment: Option<()>,
    labels: Vec<LabelJson<'a>>,
    assignee: Option<UserJson<'a>>,
    assignees: Vec<UserJson<'a>>,
    milestone: Option<MilestoneJson<'a>>,
    locked: bool,
    active_lock_reason: Option<&'static str>,
    comments: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pull_request: Option<PullMarker>,
    #[serde(skip_serializing_if = "Option::is_none")]
    draft: Option<bool>,
    closed_at: Option<Time>,
    created_at: Time,
    updated_at: Time,
    closed_by: Option<UserJson<'a>>,
    author_association: &'static str,
    state_reason: Option<&'static str>,
}

/// The node id of an item: pull requests carry their pull request node id even in `/issues`,
/// as on GitHub, so it can be passed to GraphQL's `nodes(ids:)`.
pub fn item_node_id(item: &Item) -> String {
    match &item.pull {
        Some(pull) => node_id("PullRequest", pull.id),
        None => node_id("Issue", item.id),
    }
}

pub fn issue<'a>(ctx: &Ctx<'a>, repo: &'a Repo, item: &'a Item) -> IssueJson<'a> {
    let api = ctx.repo_api(repo);
    let url = format!("{api}/issues/{}", item.number);
    let kind = if item.pull.is_some() { "pull" } else { "issues" };
    let by_bot = ctx.world.user(item.author).kind == UserKind::Bot;
    IssueJson {
        id: item.id,
        node_id: item_node_id(item),
        repository_url: api.clone(),
        labels_url: format!("{url}/labels{{/name}}"),
        comments_url: format!("{url}/comments"),
        events_url: format!("{url}/events"),
        html_url: format!("{}/{kind}/{}", ctx.repo_web(repo), item.number),
        url,
        number: item.number,
        state: if item.is_open() { "open" } else { "closed" },
        title: text::title(repo.id, item.number, item.rev, item.labels, item.pull.is_some(), by_bot),
        body: text::item_body(repo.id, item),
        user: ctx.user(item.author),
        pinned_comment: None,
        labels: labels(ctx.world, &ctx.repo_api(repo), repo, item),
        assignee: item.assignee.map(|u| ctx.user(u)),
        assignees: ctx.users(item.assignee),
        milestone: item.milestone.map(|m| milestone(ctx, repo, m)),
        locked: item.locked,
        active_lock_reason: item.locked.then_some(if item.id.is_multiple_of(3) { "too heated" } else { "resolved" }),
        comments: item.comments,
        pull_request: item.pull.as_ref().map(|pull| PullMarker {
            url: format!("{api}/pulls/{}", item.number),
            html_url: format!("{}/pull/{}", ctx.repo_web(repo), item.number),
            diff_url: format!("{}/pull/{}.diff", ctx.repo_web(repo), item.number),
            patch_url: format!("{}/pull/{}.patch", ctx.repo_web(repo), item.number),
            merged_at: time(pull.merged.map(|(at, _)| at)),
        }),
        draft: item.pull.as_ref().map(|p| p.is_draft()),
        closed_at: time(item.closed),
        created_at: Time(item.created),
        updated_at: Time(item.updated),
        closed_by: super::grant_data::closer(item).map(|u| ctx.user(u)),
        author_association: item.assoc.as_str(),
        state_reason: item.reason.map(|r| r.as_str()),
    }
}

#[derive(serde::Serialize)]
pub struct CommentJson<'a> {
    id: u64,
    node_id: String,
    url: String,
    html_url: String,
    body: String,
    user: UserJson<'a>,
    created_at: Time,
    updated_at: Time,
    issue_url: String,
    author_association: &'static str,
    minimized: Option<()>,
}

pub fn comment<'a>(ctx: &Ctx<'a>, repo: &'a Repo, c: &'a Comment) -> CommentJson<'a> {
    let api = ctx.repo_api(repo);
    let number = repo.items[c.item as usize].number;
    let kind = if repo.items[c.item as usize].pull.is_some() { "pull" } else { "issues" };
    CommentJson {
        id: c.id,
        node_id: node_id("IssueComment", c.id),
        url: format!("{api}/issues/comments/{}", c.id),
        html_url: format!("{}/{kind}/{number}#issuecomment-{}", ctx.repo_web(repo), c.id),
        body: comment_body(ctx.world, repo, c),
        user: ctx.user(c.author),
        created_at: Time(c.created),
        updated_at: Time(c.updated),
        issue_url: format!("{api}/issues/{number}"),
        author_association: c.assoc.as_str(),
        minimized: None,
    }
}

/// The body of an issue comment (REST and GraphQL alike).
pub fn comment_body(world: &World, repo: &Repo, c: &Comment) -> String {
    let author = world.user(c.author);
    match author.kind {
        UserKind::Bot => text::bot_comment(c.id, &author.login),
        _ if repo.ci == Some(c.author) => text::bot_comment(c.id, &author.login),
        _ => text::human_comment(c.id, c.updated, c.role),
    }
}

/// GitHub's `basic-error` body.
#[derive(serde::Serialize)]
pub struct ErrorJson<'a> {
    pub message: &'a str,
    pub documentation_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}
