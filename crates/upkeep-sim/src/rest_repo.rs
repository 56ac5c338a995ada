//! REST handlers for the organisation, accounts, repositories' metadata, releases and
//! contributors, and `/rate_limit`.
//!
//! Listings here are small (a dozen repositories, a few hundred releases), so sorting the
//! repositories per request is fine; the big listings are in `rest.rs`.

use super::accounts::ORG;
use super::answer::Answer;
use super::contrib::{self, ContributorJson};
use super::paging::Direction;
use super::params;
use super::ratelimit::Snapshot;
use super::render::milestone;
use super::render_repo::{OrgJson, UserFullJson, release, repo_json};
use super::request::{Handled, Request};
use super::views::StateFilter;
use super::world::Repo;

pub fn org(req: &Request, login: &str) -> Handled {
    if !login.eq_ignore_ascii_case(ORG) {
        return Err(Answer::not_found());
    }
    Ok(Answer::ok(&OrgJson(req.ctx)))
}

/// `GET /users/{u}`: people, bots and the organisation itself.
pub fn user(req: &Request, login: &str) -> Handled {
    let world = req.ctx.world;
    let ix = world.user_by_login(login).or_else(|| login.eq_ignore_ascii_case(ORG).then_some(0));
    let ix = ix.ok_or_else(Answer::not_found)?;
    Ok(Answer::ok(&UserFullJson(req.ctx.user(ix))))
}

/// `GET /orgs/upkeep-sim/repos` (and `/users/upkeep-sim/repos`).
pub fn org_repos(req: &Request, login: &str) -> Handled {
    if !login.eq_ignore_ascii_case(ORG) {
        return Err(Answer::not_found());
    }
    let q = &req.query;
    let kind = q.get("type").unwrap_or("all");
    if !["all", "public", "private", "forks", "sources", "member", "owner"].contains(&kind) {
        return Err(Answer::invalid("Repository", "type"));
    }
    let sort = params::sort(q, "Repository", &["created", "updated", "pushed", "full_name"])?;
    let default_dir = if sort == "full_name" { Direction::Asc } else { Direction::Desc };
    let (dir, page) = (params::direction(q, "Repository", default_dir)?, params::page(q, "Repository")?);
    let repos = &req.ctx.world.repos;
    let listed = |r: &Repo| match kind {
        "forks" => false,
        "private" => !r.deleted && r.private,
        "public" => !r.deleted && !r.private,
        _ => !r.deleted,
    };
    let mut order: Vec<u32> = (0..repos.len() as u32).filter(|i| listed(&repos[*i as usize])).collect();
    order.sort_by(|a, b| {
        let (a, b) = (&repos[*a as usize], &repos[*b as usize]);
        match sort {
            "full_name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            "created" => (a.created, a.id).cmp(&(b.created, b.id)),
            _ => (a.last_activity(), a.id).cmp(&(b.last_activity(), b.id)),
        }
    });
    Ok(req.page(&order, None, dir, page, |i| repo_json(&req.ctx, &repos[i as usize], None)))
}

/// `GET /repos/{o}/{r}/releases`: newest first.
pub fn releases(req: &Request, repo: &Repo) -> Handled {
    let page = params::page(&req.query, "Release")?;
    let order: Vec<u32> = (0..repo.releases.len() as u32).collect();
    Ok(req.page(&order, None, Direction::Desc, page, |i| release(&req.ctx, repo, &repo.releases[i as usize])))
}

/// `GET /repos/{o}/{r}/milestones`: `state` open (GitHub's default), closed or all; by due date,
/// soonest first (GitHub's default sort), which is creation order here.
pub fn milestones(req: &Request, repo: &Repo) -> Handled {
    let page = params::page(&req.query, "Milestone")?;
    let state = params::state(&req.query, "Milestone")?;
    let wanted = |ix: u32| {
        let closed = repo.milestones[ix as usize].closed.is_some();
        match state {
            StateFilter::Open => !closed,
            StateFilter::Closed => closed,
            StateFilter::All => true,
        }
    };
    let order: Vec<u32> = (0..repo.milestones.len() as u32).collect();
    Ok(req.page(&order, Some(&wanted), Direction::Asc, page, |i| milestone(&req.ctx, repo, i as u8 + 1)))
}

/// `GET /repos/{o}/{r}/stats/contributors`.
pub fn stats(req: &Request, repo: &Repo) -> Answer {
    Answer::ok(&contrib::stats(&req.ctx, repo))
}

/// `GET /repos/{o}/{r}/contributors`: most commits first.
pub fn contributors(req: &Request, repo: &Repo) -> Handled {
    let page = params::page(&req.query, "Contributor")?;
    let all = contrib::contributions(req.ctx.world, repo);
    let order: Vec<u32> = (0..all.len() as u32).collect();
    Ok(req.page(&order, None, Direction::Asc, page, |i| {
        let c = &all[i as usize];
        ContributorJson { user: req.ctx.user(c.user), contributions: c.total }
    }))
}

/// `GET /repos/{o}/{r}/commits`: the default branch, newest first; `since`/`until` keep commits
/// committed in `[since, until]`. `sha` may name only the default branch. With `path`, the commits
/// that touched that file (`self_declared.rs`).
pub fn commits(req: &Request, repo: &Repo) -> Handled {
    let q = &req.query;
    if let Some(path) = q.get("path").filter(|p| !p.is_empty()) {
        return super::self_declared::commits_of_path(req, repo, path);
    }
    let page = params::page(q, "Commit")?;
    let since = params::since(q, "Commit")?;
    let until = match q.get("until") {
        None | Some("") => None,
        Some(t) => Some(super::util::parse_time(t).ok_or_else(|| Answer::invalid("Commit", "until"))?),
    };
    if q.get("sha").is_some_and(|b| !b.is_empty() && b != "main") {
        return Err(Answer::not_found());
    }
    let all = contrib::commits(req.ctx.world, repo);
    let kept = |c: &contrib::Commit| since.is_none_or(|s| c.committed >= s) && until.is_none_or(|u| c.committed <= u);
    let order: Vec<u32> = (0..all.len() as u32).filter(|i| kept(&all[*i as usize])).collect();
    Ok(req.page(&order, None, Direction::Asc, page, |i| contrib::CommitJson {
        ctx: req.ctx,
        repo,
        commit: &all[i as usize],
    }))
}

/// `GET /rate_limit` (free, as on GitHub).
pub fn rate_limit(core: Snapshot, graphql: Snapshot) -> Answer {
    #[derive(serde::Serialize)]
    struct Resources {
        core: Snapshot,
        graphql: Snapshot,
        search: Snapshot,
    }
    #[derive(serde::Serialize)]
    struct RateLimitJson {
        resources: Resources,
        rate: Snapshot,
    }
    let search = Snapshot { limit: 30, remaining: 30, used: 0, reset: core.reset };
    Answer::ok(&RateLimitJson { resources: Resources { core, graphql, search }, rate: core })
}
