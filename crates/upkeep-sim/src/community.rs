//! `GET /repos/{o}/{r}/community/profile`: which community health files a repository has
//! ([`super::spec::Community`]), in the shape of GitHub's example; a missing file is `null`.
//!
//! `health_percentage` counts seven things, as GitHub's checklist does: a description, a
//! README, a code of conduct, contributing guidelines, a licence, an issue template and a pull
//! request template. Every repository has a description and a licence (its metadata names
//! one), so the least healthy score 42.

use serde::Serialize;

use super::accounts::ORG;
use super::render::{Ctx, Time, WEB};
use super::render_repo::license_of;
use super::util::{DAY, mix, node_id};
use super::world::Repo;

#[derive(Serialize)]
pub struct ProfileJson {
    health_percentage: u32,
    description: &'static str,
    documentation: Option<String>,
    files: Files,
    updated_at: Time,
    content_reports_enabled: bool,
}

#[derive(Serialize)]
struct Files {
    code_of_conduct: Option<CodeOfConduct>,
    code_of_conduct_file: Option<File>,
    contributing: Option<File>,
    issue_template: Option<File>,
    pull_request_template: Option<File>,
    license: Option<License>,
    readme: Option<File>,
}

#[derive(Serialize)]
struct CodeOfConduct {
    name: &'static str,
    key: &'static str,
    url: String,
    html_url: String,
}

#[derive(Serialize)]
struct File {
    url: String,
    html_url: String,
}

#[derive(Serialize)]
struct License {
    name: &'static str,
    key: &'static str,
    spdx_id: &'static str,
    url: String,
    html_url: String,
    node_id: String,
}

pub fn profile(ctx: &Ctx, repo: &Repo) -> ProfileJson {
    let c = repo.spec.community;
    let web = format!("{WEB}/{ORG}/{}", repo.name);
    let file = |present: bool, path: &str| {
        present.then(|| File {
            url: format!("{}/contents/{path}", ctx.repo_api(repo)),
            html_url: format!("{web}/blob/main/{path}"),
        })
    };
    let (key, name, spdx_id, n) = license_of(repo);
    let license = License {
        name,
        key,
        spdx_id,
        url: format!("{}/licenses/{key}", ctx.api),
        html_url: format!("{web}/blob/main/LICENSE"),
        node_id: node_id("License", n),
    };
    let code_of_conduct = c.code_of_conduct.then(|| CodeOfConduct {
        name: "Contributor Covenant",
        key: "contributor_covenant",
        url: format!("{}/codes_of_conduct/contributor_covenant", ctx.api),
        html_url: format!("{web}/blob/main/CODE_OF_CONDUCT.md"),
    });
    let present = [c.readme, c.code_of_conduct, c.contributing, c.issue_template, c.pull_request_template];
    let score = 2 + present.iter().filter(|p| **p).count() as u32;
    ProfileJson {
        health_percentage: score * 100 / 7,
        description: repo.spec.description,
        documentation: c.docs_site.then(|| format!("https://{}.upkeep-sim.dev/docs", repo.name)),
        files: Files {
            code_of_conduct,
            code_of_conduct_file: file(c.code_of_conduct, "CODE_OF_CONDUCT.md"),
            contributing: file(c.contributing, "CONTRIBUTING.md"),
            issue_template: file(c.issue_template, ".github/ISSUE_TEMPLATE/bug_report.md"),
            pull_request_template: file(c.pull_request_template, ".github/PULL_REQUEST_TEMPLATE.md"),
            license: Some(license),
            readme: file(c.readme, "README.md"),
        },
        updated_at: Time(files_updated(ctx, repo)),
        content_reports_enabled: c.content_reports,
    }
}

/// When the community files last changed: some day in the first half of the repository's
/// active life (fixed, so the profile never changes as time passes).
fn files_updated(ctx: &Ctx, repo: &Repo) -> i64 {
    let end = ctx.world.epoch - repo.spec.quiet_days * DAY;
    let half = ((end - repo.created) / 2).max(DAY);
    repo.created + DAY + (mix(repo.id, 0xc0de_c0c0) % half as u64) as i64
}
