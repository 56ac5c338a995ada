//! JSON shapes of pull requests (`pull-request-simple` for listings, the full object for one),
//! reviews and review comments, as in GitHub's REST examples.
//!
//! `head` and `base` embed whole repository objects (GitHub does, which is why `/pulls` pages
//! are heavy): the organisation's repository for maintainers' branches, the author's fork for
//! everyone else's.

use serde::Serialize;

use super::accounts::{ORG, UserKind};
use super::labels::{LabelJson, labels};
use super::render::{Ctx, MilestoneJson, Time, UserJson, milestone, time};
use super::render_repo::{RepoJson, repo_json};
use super::text;
use super::util::{mix, node_id};
use super::world::{Item, Repo, Review, ReviewComment};

#[derive(Serialize)]
pub struct Href {
    href: String,
}

fn href(href: String) -> Href {
    Href { href }
}

#[derive(Serialize)]
pub struct Branch<'a> {
    label: String,
    #[serde(rename = "ref")]
    name: String,
    sha: String,
    user: UserJson<'a>,
    repo: RepoJson<'a>,
}

#[derive(Serialize)]
pub struct PullLinks {
    #[serde(rename = "self")]
    this: Href,
    html: Href,
    issue: Href,
    comments: Href,
    review_comments: Href,
    review_comment: Href,
    commits: Href,
    statuses: Href,
}

#[derive(Serialize)]
pub struct PullJson<'a> {
    url: String,
    id: u64,
    node_id: String,
    html_url: String,
    diff_url: String,
    patch_url: String,
    issue_url: String,
    commits_url: String,
    review_comments_url: String,
    review_comment_url: String,
    comments_url: String,
    statuses_url: String,
    number: u32,
    state: &'static str,
    locked: bool,
    title: String,
    user: UserJson<'a>,
    body: String,
    labels: Vec<LabelJson<'a>>,
    milestone: Option<MilestoneJson<'a>>,
    active_lock_reason: Option<&'static str>,
    created_at: Time,
    updated_at: Time,
    closed_at: Option<Time>,
    merged_at: Option<Time>,
    merge_commit_sha: Option<String>,
    assignee: Option<UserJson<'a>>,
    assignees: Vec<UserJson<'a>>,
    requested_reviewers: Vec<UserJson<'a>>,
    requested_teams: Vec<()>,
    head: Branch<'a>,
    base: Branch<'a>,
    _links: PullLinks,
    author_association: &'static str,
    auto_merge: Option<()>,
    draft: bool,
}

/// The full pull request of `GET /repos/{o}/{r}/pulls/{n}`.
#[derive(Serialize)]
pub struct PullFullJson<'a> {
    #[serde(flatten)]
    simple: PullJson<'a>,
    merged: bool,
    mergeable: Option<bool>,
    rebaseable: Option<bool>,
    mergeable_state: &'static str,
    merged_by: Option<UserJson<'a>>,
    comments: u32,
    review_comments: u32,
    maintainer_can_modify: bool,
    commits: u16,
    additions: u64,
    deletions: u64,
    changed_files: u64,
}

fn branch<'a>(ctx: &Ctx<'a>, repo: &'a Repo, item: &Item, head: bool) -> Branch<'a> {
    let pull_id = item.pull.as_ref().map_or(0, |p| p.id);
    let from_fork = head && !repo.is_maintainer(item.author) && ctx.world.user(item.author).kind != UserKind::Bot;
    let owner = if from_fork { item.author } else { 0 };
    let name = if head { format!("topic-{}", item.number) } else { "main".to_owned() };
    Branch {
        label: format!("{}:{name}", if from_fork { &*ctx.world.user(owner).login } else { ORG }),
        sha: text::sha(if head { pull_id } else { mix(repo.id, item.created as u64) }),
        name,
        user: ctx.user(owner),
        repo: repo_json(ctx, repo, from_fork.then_some(owner)),
    }
}

pub fn pull<'a>(ctx: &Ctx<'a>, repo: &'a Repo, item: &'a Item) -> PullJson<'a> {
    let pull = item.pull.as_ref().expect("a pull request");
    let api = ctx.repo_api(repo);
    let (url, web) = (format!("{api}/pulls/{}", item.number), format!("{}/pull/{}", ctx.repo_web(repo), item.number));
    let issue_url = format!("{api}/issues/{}", item.number);
    let head_sha = text::sha(pull.id);
    let statuses_url = format!("{api}/statuses/{head_sha}");
    let by_bot = ctx.world.user(item.author).kind == UserKind::Bot;
    PullJson {
        id: pull.id,
        node_id: node_id("PullRequest", pull.id),
        html_url: web.clone(),
        diff_url: format!("{web}.diff"),
        patch_url: format!("{web}.patch"),
        issue_url: issue_url.clone(),
        commits_url: format!("{url}/commits"),
        review_comments_url: format!("{url}/comments"),
        review_comment_url: format!("{api}/pulls/comments{{/number}}"),
        comments_url: format!("{issue_url}/comments"),
        statuses_url: statuses_url.clone(),
        number: item.number,
        state: if item.is_open() { "open" } else { "closed" },
        locked: item.locked,
        title: text::title(repo.id, item.number, item.rev, item.labels, true, by_bot),
        user: ctx.user(item.author),
        body: text::item_body(repo.id, item),
        labels: labels(ctx.world, &ctx.repo_api(repo), repo, item),
        milestone: item.milestone.map(|m| milestone(ctx, repo, m)),
        active_lock_reason: item.locked.then_some("resolved"),
        created_at: Time(item.created),
        updated_at: Time(item.updated),
        closed_at: time(item.closed),
        merged_at: time(pull.merged.map(|(at, _)| at)),
        merge_commit_sha: Some(text::sha(pull.id ^ 0x3e39e)),
        assignee: item.assignee.map(|u| ctx.user(u)),
        assignees: ctx.users(item.assignee),
        requested_reviewers: ctx.users(pull.requested_reviewer),
        requested_teams: Vec::new(),
        head: branch(ctx, repo, item, true),
        base: branch(ctx, repo, item, false),
        _links: PullLinks {
            this: href(url.clone()),
            html: href(web),
            issue: href(issue_url.clone()),
            comments: href(format!("{issue_url}/comments")),
            review_comments: href(format!("{url}/comments")),
            review_comment: href(format!("{api}/pulls/comments{{/number}}")),
            commits: href(format!("{url}/commits")),
            statuses: href(statuses_url),
        },
        url,
        author_association: item.assoc.as_str(),
        auto_merge: None,
        draft: pull.is_draft(),
    }
}

pub fn pull_full<'a>(ctx: &Ctx<'a>, repo: &'a Repo, item: &'a Item) -> PullFullJson<'a> {
    let pull = item.pull.as_ref().expect("a pull request");
    let h = mix(pull.id, 0xd1ff);
    let additions = 1 + h % 400;
    PullFullJson {
        simple: self::pull(ctx, repo, item),
        merged: pull.merged.is_some(),
        mergeable: item.is_open().then_some(!h.is_multiple_of(5)),
        rebaseable: item.is_open().then_some(!h.is_multiple_of(7)),
        mergeable_state: if item.is_open() { "clean" } else { "unknown" },
        merged_by: pull.merged.map(|(_, by)| ctx.user(by)),
        comments: item.comments,
        review_comments: pull.review_comments,
        maintainer_can_modify: false,
        commits: pull.commits,
        additions,
        deletions: (h >> 16) % (additions + 1),
        changed_files: 1 + (h >> 32) % 12,
    }
}

#[derive(Serialize)]
pub struct ReviewLinks {
    html: Href,
    pull_request: Href,
}

#[derive(Serialize)]
pub struct ReviewJson<'a> {
    id: u64,
    node_id: String,
    user: UserJson<'a>,
    body: String,
    state: &'static str,
    html_url: String,
    pull_request_url: String,
    _links: ReviewLinks,
    submitted_at: Time,
    commit_id: String,
    author_association: &'static str,
}

pub fn review<'a>(ctx: &Ctx<'a>, repo: &'a Repo, r: &'a Review) -> ReviewJson<'a> {
    let number = repo.items[r.item as usize].number;
    let html_url = format!("{}/pull/{number}#pullrequestreview-{}", ctx.repo_web(repo), r.id);
    let pull_request_url = format!("{}/pulls/{number}", ctx.repo_api(repo));
    ReviewJson {
        id: r.id,
        node_id: node_id("PullRequestReview", r.id),
        user: ctx.user(r.author),
        body: text::review_body(r.id),
        state: r.state.as_str(),
        _links: ReviewLinks { html: href(html_url.clone()), pull_request: href(pull_request_url.clone()) },
        html_url,
        pull_request_url,
        submitted_at: Time(r.submitted),
        commit_id: text::sha(r.id),
        author_association: r.assoc.as_str(),
    }
}

#[derive(Serialize)]
pub struct ReviewCommentLinks {
    #[serde(rename = "self")]
    this: Href,
    html: Href,
    pull_request: Href,
}

#[derive(Serialize)]
pub struct ReviewCommentJson<'a> {
    url: String,
    pull_request_review_id: u64,
    id: u64,
    node_id: String,
    diff_hunk: String,
    path: &'static str,
    position: u16,
    original_position: u16,
    commit_id: String,
    original_commit_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    in_reply_to_id: Option<u64>,
    user: UserJson<'a>,
    body: String,
    created_at: Time,
    updated_at: Time,
    html_url: String,
    pull_request_url: String,
    author_association: &'static str,
    _links: ReviewCommentLinks,
    start_line: Option<u16>,
    original_start_line: Option<u16>,
    start_side: Option<&'static str>,
    line: u16,
    original_line: u16,
    side: &'static str,
}

pub fn review_comment<'a>(ctx: &Ctx<'a>, repo: &'a Repo, c: &'a ReviewComment) -> ReviewCommentJson<'a> {
    let number = repo.items[c.item as usize].number;
    let api = ctx.repo_api(repo);
    let url = format!("{api}/pulls/comments/{}", c.id);
    let html_url = format!("{}/pull/{number}#discussion_r{}", ctx.repo_web(repo), c.id);
    let pull_request_url = format!("{api}/pulls/{number}");
    let thread = c.reply_to.map_or(c, |top| &repo.review_comments[top as usize]);
    ReviewCommentJson {
        pull_request_review_id: repo.reviews[c.review as usize].id,
        id: c.id,
        node_id: node_id("PullRequestReviewComment", c.id),
        diff_hunk: format!("@@ -{0},7 +{0},8 @@ fn example() {{", thread.line),
        path: text::path(thread.id),
        position: thread.line,
        original_position: thread.line,
        commit_id: text::sha(c.id),
        original_commit_id: text::sha(thread.id),
        in_reply_to_id: c.reply_to.map(|_| thread.id),
        user: ctx.user(c.author),
        body: text::review_comment(c.id, c.updated),
        created_at: Time(c.created),
        updated_at: Time(c.updated),
        _links: ReviewCommentLinks {
            this: href(url.clone()),
            html: href(html_url.clone()),
            pull_request: href(pull_request_url.clone()),
        },
        url,
        html_url,
        pull_request_url,
        author_association: c.assoc.as_str(),
        start_line: None,
        original_start_line: None,
        start_side: None,
        line: thread.line,
        original_line: thread.line,
        side: "RIGHT",
    }
}
