//! `.github/upkeep-affiliations.toml` (self-declared affiliations, upkeep issue #15) through the
//! contents API, and `GET /repos/{o}/{r}/commits?path=` listing the commits that touched it:
//!
//! - atlas: its lead maintainer declares themselves (an employer that pays for their open-source
//!   time since two years before the epoch) and committed the file; the file also has an entry
//!   for atlas's second maintainer, who never committed it (upkeep refuses that entry). Its two
//!   commits: the lead's (author linked to the account) and one whose e-mail GitHub links to no
//!   account (`author` and `committer` `null`), which gives no login;
//! - quasar: a file that is not TOML (an unterminated string);
//! - nebula: a file larger than the contents API sends (1 MB: `encoding: "none"`, empty
//!   `content`, as GitHub answers above 1 MB), whose commits are never listed;
//! - every other repository: none, `404`; `commits?path=` of any other path is an empty list.
//!
//! Pure functions of the world (logins, the epoch); the files never change.

use super::answer::Answer;
use super::contents;
use super::contrib::{Commit, CommitJson};
use super::paging::Direction;
use super::params;
use super::render::Ctx;
use super::request::{Handled, Request};
use super::util::{DAY, mix};
use super::world::{Repo, World};

/// Where upkeep reads self-declared affiliations.
pub const PATH: &str = ".github/upkeep-affiliations.toml";

/// The organisation atlas's lead declares.
pub const DECLARED_ORG: &str = "Atlas Mapping Co-op";

/// The size nebula's file claims (above the contents API's 1 MB).
const TOO_LARGE: usize = 3 * 1024 * 1024;

/// The file of `repo`, if it has one: `Some(None)` for one too large to be sent.
fn file(world: &World, repo: &Repo) -> Option<Option<String>> {
    match repo.spec.name {
        "atlas" => {
            let lead = world.user(repo.maintainers.first()?.0).login.to_string();
            let other =
                repo.maintainers.get(1).map_or_else(|| "octocat".to_owned(), |m| world.user(m.0).login.to_string());
            let since = chrono::DateTime::from_timestamp(world.epoch - 730 * DAY, 0)?.date_naive();
            Some(Some(format!(
                "# Affiliations declared by the people they describe (read by upkeep).\n\n\
                 [[affiliation]]\nlogin = \"{lead}\"\norg = \"{DECLARED_ORG}\"\nkind = \"employer\"\nfrom = \"{since}\"\n\
                 paid_for_oss = true\n\n\
                 [[affiliation]]\nlogin = \"{other}\"\norg = \"{DECLARED_ORG}\"\nkind = \"employer\"\n"
            )))
        }
        "quasar" => Some(Some("[[affiliation]]\nlogin = \"nobody\nkind = \"employer\"\n".to_owned())),
        "nebula" => Some(None),
        _ => None,
    }
}

/// Whether `repo`'s file is sent (not missing, not too large): the collector then lists its commits.
pub fn sends_file(world: &World, repo: &Repo) -> bool {
    matches!(file(world, repo), Some(Some(_)))
}

/// `GET contents/.github/upkeep-affiliations.toml`.
pub fn contents(ctx: &Ctx, repo: &Repo) -> Option<Answer> {
    Some(match file(ctx.world, repo)? {
        Some(text) => contents::file(ctx, repo, PATH, &text),
        None => contents::too_large(ctx, repo, PATH, TOO_LARGE),
    })
}

/// The commits that touched the file, newest first: the lead's, then an older one of an e-mail
/// GitHub links to no account.
fn commits(world: &World, repo: &Repo) -> Vec<Commit> {
    let Some(Some(_)) = file(world, repo) else { return Vec::new() };
    let Some(&(lead, _)) = repo.maintainers.first() else { return Vec::new() };
    let sha = |k: u64| (0..5).map(|i| format!("{:08x}", mix(repo.id ^ 0xaff1, k * 8 + i) as u32)).collect::<String>();
    let at = |days: i64| world.epoch - days * DAY;
    vec![
        Commit { sha: sha(1), user: lead, authored: at(30), committed: at(30), linked: true },
        Commit { sha: sha(2), user: lead, authored: at(400), committed: at(400), linked: false },
    ]
}

/// `GET /repos/{o}/{r}/commits?path=…`: the file's commits for [`PATH`], none for another path.
pub fn commits_of_path(req: &Request, repo: &Repo, path: &str) -> Handled {
    let page = params::page(&req.query, "Commit")?;
    let all = if path.trim_start_matches('/') == PATH { commits(req.ctx.world, repo) } else { Vec::new() };
    let order: Vec<u32> = (0..all.len() as u32).collect();
    Ok(req.page(&order, None, Direction::Asc, page, |i| CommitJson { ctx: req.ctx, repo, commit: &all[i as usize] }))
}
