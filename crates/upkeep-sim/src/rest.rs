//! REST handlers for a repository's issues, pull requests and their comments and reviews.
//!
//! Each handler reads its parameters (`params.rs`), picks a sorted view (`views.rs`), narrows
//! and pages it (`paging.rs`) and renders the page (`render*.rs`). Errors come back as the
//! `Err` side of the same [`Answer`] type. Repository metadata, releases, contributors and the
//! org-level routes live in `rest_repo.rs`, the community profile in `community.rs`,
//! `funding.json` in `funding_json.rs`, `.github/FUNDING.yml` in `funding_yml.rs`.

use super::accounts::ORG;
use super::answer::Answer;
use super::community;
use super::funding_json;
use super::funding_yml;
use super::labels;
use super::paging::{self, Direction};
use super::params;
use super::render;
use super::render_pull;
use super::render_repo::repo_full;
use super::rest_repo;
use super::router::{RepoKey, RepoPart};
use super::util::{DAY, Ts};
use super::world::Repo;

use super::request::{Handled, Request};

/// Routes `/repos/{o}/{r}/…` and `/repositories/{id}/…`.
pub fn repo(req: &Request, key: &RepoKey, part: RepoPart) -> Handled {
    let repo = &req.ctx.world.repos[resolve(req, key)?];
    match part {
        RepoPart::Repo => Ok(Answer::ok(&repo_full(&req.ctx, repo))),
        RepoPart::Issues => issues(req, repo),
        RepoPart::Issue(n) => Ok(Answer::ok(&render::issue(&req.ctx, repo, item(repo, n, false)?))),
        RepoPart::CommentsOf(n) => comments_of(req, repo, n),
        RepoPart::IssueComments => issue_comments(req, repo),
        RepoPart::Pulls => pulls(req, repo),
        RepoPart::Pull(n) => Ok(Answer::ok(&render_pull::pull_full(&req.ctx, repo, item(repo, n, true)?))),
        RepoPart::Reviews(n) => reviews(req, repo, n),
        RepoPart::ReviewComments => review_comments(req, repo),
        RepoPart::Releases => rest_repo::releases(req, repo),
        RepoPart::Milestones => rest_repo::milestones(req, repo),
        RepoPart::StatsContributors => Ok(rest_repo::stats(req, repo)),
        RepoPart::Contributors => rest_repo::contributors(req, repo),
        RepoPart::Commits => rest_repo::commits(req, repo),
        RepoPart::CommunityProfile => Ok(Answer::ok(&community::profile(&req.ctx, repo))),
        RepoPart::FundingJson => funding_json::contents(&req.ctx, repo).ok_or_else(Answer::not_found),
        RepoPart::FundingYml => funding_yml::contents(&req.ctx, repo).ok_or_else(Answer::not_found),
        RepoPart::SelfDeclared => super::self_declared::contents(&req.ctx, repo).ok_or_else(Answer::not_found),
    }
}

/// The live repository `key` names; `301` to `/repositories/{id}` for an old name.
fn resolve(req: &Request, key: &RepoKey) -> Result<usize, Answer> {
    let world = req.ctx.world;
    match key {
        RepoKey::Id(id) => world.repo_by_id(*id).ok_or_else(Answer::not_found),
        RepoKey::Name { owner, .. } if !owner.eq_ignore_ascii_case(ORG) => Err(Answer::not_found()),
        RepoKey::Name { name, .. } => {
            if let Some(ix) = world.repo_index(name) {
                return Ok(ix);
            }
            let id = world.renamed.get(name).filter(|id| world.repo_by_id(**id).is_some());
            let id = id.ok_or_else(Answer::not_found)?;
            let rest: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).skip(3).collect();
            let mut location = format!("{}/repositories/{id}", req.ctx.api);
            for segment in rest {
                location = format!("{location}/{segment}");
            }
            if !req.raw_query.is_empty() {
                location = format!("{location}?{}", req.raw_query);
            }
            Err(Answer::moved(location))
        }
    }
}

/// Item number `n` (numbers are dense: item `n` is at index `n - 1`).
fn item(repo: &Repo, n: u32, pull: bool) -> Result<&super::world::Item, Answer> {
    let item = n.checked_sub(1).and_then(|i| repo.items.get(i as usize));
    item.filter(|i| !pull || i.pull.is_some()).ok_or_else(Answer::not_found)
}

/// `GET /repos/{o}/{r}/issues`: issues and pull requests.
fn issues(req: &Request, repo: &Repo) -> Handled {
    let q = &req.query;
    let state = params::state(q, "Issue")?;
    let sort = params::sort(q, "Issue", &["created", "updated", "comments"])?;
    let dir = params::direction(q, "Issue", Direction::Desc)?;
    let (since, page) = (params::since(q, "Issue")?, params::page(q, "Issue")?);
    let labels = params::labels(q).map(|text| labels::resolve(req.ctx.world, repo, text));
    let views = &repo.views;
    let items = &repo.items;
    let list = match sort {
        "created" => views.issues_created.get(state),
        "updated" => views.issues_updated.get(state),
        _ => views.issues_comments.get(state),
    };
    let (list, since) = narrow(list, since, sort == "updated", |i| items[i as usize].updated);
    let keep = |i: u32| {
        let item = &items[i as usize];
        since.is_none_or(|s| item.updated >= s) && labels.is_none_or(|l| l.is_some_and(|filter| filter.matches(item)))
    };
    let filtered = since.is_some() || labels.is_some();
    Ok(req.page(list, filtered.then_some(&keep as _), dir, page, |i| render::issue(&req.ctx, repo, &items[i as usize])))
}

/// Applies `since` by binary search when `list` is sorted by `updated`; otherwise hands it
/// back for a scan.
fn narrow(list: &[u32], since: Option<Ts>, by_updated: bool, updated: impl Fn(u32) -> Ts) -> (&[u32], Option<Ts>) {
    if by_updated { (paging::since_suffix(list, since, updated), None) } else { (list, since) }
}

/// `GET /repos/{o}/{r}/issues/comments`: every issue comment of the repository.
fn issue_comments(req: &Request, repo: &Repo) -> Handled {
    let q = &req.query;
    let sort = params::sort(q, "IssueComment", &["created", "updated"])?;
    let dir = params::direction(q, "IssueComment", Direction::Asc)?;
    let (since, page) = (params::since(q, "IssueComment")?, params::page(q, "IssueComment")?);
    let comments = &repo.comments;
    let list = if sort == "updated" { &repo.views.comments_updated } else { &repo.views.comments_created };
    let (list, since) = narrow(list, since, sort == "updated", |i| comments[i as usize].updated);
    let keep = |i: u32| since.is_none_or(|s| comments[i as usize].updated >= s);
    let render = |i: u32| render::comment(&req.ctx, repo, &comments[i as usize]);
    Ok(req.page(list, since.is_some().then_some(&keep as _), dir, page, render))
}

/// `GET /repos/{o}/{r}/issues/{n}/comments`: one issue's comments, oldest first.
fn comments_of(req: &Request, repo: &Repo, n: u32) -> Handled {
    let ix = item(repo, n, false)?.number - 1;
    let (since, page) = (params::since(&req.query, "IssueComment")?, params::page(&req.query, "IssueComment")?);
    let comments = &repo.comments;
    let by_item = &repo.views.comments_by_item;
    let start = by_item.partition_point(|c| comments[*c as usize].item < ix);
    let end = by_item.partition_point(|c| comments[*c as usize].item <= ix);
    let keep = |i: u32| since.is_none_or(|s| comments[i as usize].updated >= s);
    let render = |i: u32| render::comment(&req.ctx, repo, &comments[i as usize]);
    Ok(req.page(&by_item[start..end], since.is_some().then_some(&keep as _), Direction::Asc, page, render))
}

/// `GET /repos/{o}/{r}/pulls` (no `since`, as on GitHub).
fn pulls(req: &Request, repo: &Repo) -> Handled {
    let q = &req.query;
    let state = params::state(q, "PullRequest")?;
    let sort = params::sort(q, "PullRequest", &["created", "updated", "popularity", "long-running"])?;
    let default_dir = if sort == "created" { Direction::Desc } else { Direction::Asc };
    let (dir, page) = (params::direction(q, "PullRequest", default_dir)?, params::page(q, "PullRequest")?);
    let views = &repo.views;
    let list = match sort {
        "updated" => views.pulls_updated.get(state),
        "popularity" => views.pulls_popularity.get(state),
        _ => views.pulls_created.get(state),
    };
    let items = &repo.items;
    let month_ago = req.ctx.world.now - 30 * DAY;
    let long_running = |i: u32| items[i as usize].created <= month_ago && items[i as usize].updated >= month_ago;
    let keep = (sort == "long-running").then_some(&long_running as _);
    Ok(req.page(list, keep, dir, page, |i| render_pull::pull(&req.ctx, repo, &items[i as usize])))
}

/// `GET /repos/{o}/{r}/pulls/{n}/reviews`: chronological.
fn reviews(req: &Request, repo: &Repo, n: u32) -> Handled {
    let ix = item(repo, n, true)?.number - 1;
    let page = params::page(&req.query, "PullRequestReview")?;
    let (reviews, by_item) = (&repo.reviews, &repo.views.reviews_by_item);
    let start = by_item.partition_point(|r| reviews[*r as usize].item < ix);
    let end = by_item.partition_point(|r| reviews[*r as usize].item <= ix);
    let render = |i: u32| render_pull::review(&req.ctx, repo, &reviews[i as usize]);
    Ok(req.page(&by_item[start..end], None, Direction::Asc, page, render))
}

/// `GET /repos/{o}/{r}/pulls/comments`: every review comment of the repository.
fn review_comments(req: &Request, repo: &Repo) -> Handled {
    let q = &req.query;
    let sort = params::sort(q, "PullRequestReviewComment", &["created", "updated"])?;
    let dir = params::direction(q, "PullRequestReviewComment", Direction::Asc)?;
    let since = params::since(q, "PullRequestReviewComment")?;
    let page = params::page(q, "PullRequestReviewComment")?;
    let comments = &repo.review_comments;
    let views = &repo.views;
    let list = if sort == "updated" { &views.review_comments_updated } else { &views.review_comments_created };
    let (list, since) = narrow(list, since, sort == "updated", |i| comments[i as usize].updated);
    let keep = |i: u32| since.is_none_or(|s| comments[i as usize].updated >= s);
    let render = |i: u32| render_pull::review_comment(&req.ctx, repo, &comments[i as usize]);
    Ok(req.page(list, since.is_some().then_some(&keep as _), dir, page, render))
}
