//! JSON shapes of repositories, the organisation, full user profiles and releases, as in
//! GitHub's REST examples.
//!
//! The repository object is large (some 40 URL templates); it is written through one ordered
//! map so the key order matches GitHub's. `full` adds the `organization` that only
//! `GET /repos/{o}/{r}` has.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::accounts::{ORG, UserKind};
use super::render::{Ctx, Time, UserJson, WEB, login_path};
use super::text;
use super::util::{DAY, mix, node_id};
use super::world::{Release, Repo};

const LINKS_A: [(&str, &str); 17] = [
    ("archive_url", "/{archive_format}{/ref}"),
    ("assignees_url", "/assignees{/user}"),
    ("blobs_url", "/git/blobs{/sha}"),
    ("branches_url", "/branches{/branch}"),
    ("collaborators_url", "/collaborators{/collaborator}"),
    ("comments_url", "/comments{/number}"),
    ("commits_url", "/commits{/sha}"),
    ("compare_url", "/compare/{base}...{head}"),
    ("contents_url", "/contents/{+path}"),
    ("contributors_url", "/contributors"),
    ("deployments_url", "/deployments"),
    ("downloads_url", "/downloads"),
    ("events_url", "/events"),
    ("forks_url", "/forks"),
    ("git_commits_url", "/git/commits{/sha}"),
    ("git_refs_url", "/git/refs{/sha}"),
    ("git_tags_url", "/git/tags{/sha}"),
];
const LINKS_B: [(&str, &str); 11] = [
    ("issue_comment_url", "/issues/comments{/number}"),
    ("issue_events_url", "/issues/events{/number}"),
    ("issues_url", "/issues{/number}"),
    ("keys_url", "/keys{/key_id}"),
    ("labels_url", "/labels{/name}"),
    ("languages_url", "/languages"),
    ("merges_url", "/merges"),
    ("milestones_url", "/milestones{/number}"),
    ("notifications_url", "/notifications{?since,all,participating}"),
    ("pulls_url", "/pulls{/number}"),
    ("releases_url", "/releases{/id}"),
];
const LINKS_C: [(&str, &str); 7] = [
    ("stargazers_url", "/stargazers"),
    ("statuses_url", "/statuses/{sha}"),
    ("subscribers_url", "/subscribers"),
    ("subscription_url", "/subscription"),
    ("tags_url", "/tags"),
    ("teams_url", "/teams"),
    ("trees_url", "/git/trees{/sha}"),
];

/// A repository: the organisation's own, or (with `fork_owner`) a contributor's fork of it.
pub struct RepoJson<'a> {
    ctx: Ctx<'a>,
    repo: &'a Repo,
    fork_owner: Option<u32>,
    full: bool,
}

pub fn repo_json<'a>(ctx: &Ctx<'a>, repo: &'a Repo, fork_owner: Option<u32>) -> RepoJson<'a> {
    RepoJson { ctx: *ctx, repo, fork_owner, full: false }
}

pub fn repo_full<'a>(ctx: &Ctx<'a>, repo: &'a Repo) -> RepoJson<'a> {
    RepoJson { ctx: *ctx, repo, fork_owner: None, full: true }
}

#[derive(serde::Serialize)]
struct Permissions {
    admin: bool,
    push: bool,
    pull: bool,
}

#[derive(serde::Serialize)]
struct License {
    key: &'static str,
    name: &'static str,
    spdx_id: &'static str,
    url: String,
    node_id: String,
    html_url: String,
}

/// `(key, name, spdx_id, node number)` of a repository's licence.
pub fn license_of(repo: &Repo) -> (&'static str, &'static str, &'static str, u64) {
    match repo.id % 3 {
        0 => ("mit", "MIT License", "MIT", 13),
        1 => ("apache-2.0", "Apache License 2.0", "Apache-2.0", 2),
        _ => ("bsd-3-clause", "BSD 3-Clause \"New\" or \"Revised\" License", "BSD-3-Clause", 5),
    }
}

impl RepoJson<'_> {
    fn id(&self) -> u64 {
        match self.fork_owner {
            Some(owner) => 700_000_000 + mix(self.repo.id, self.ctx.world.user(owner).id) % 100_000_000,
            None => self.repo.id,
        }
    }

    fn owner_login(&self) -> &str {
        self.ctx.world.user(self.fork_owner.unwrap_or(0)).login.as_ref()
    }

    fn license(&self) -> License {
        let (key, name, spdx_id, n) = license_of(self.repo);
        let url = format!("{}/licenses/{key}", self.ctx.api);
        License { key, name, spdx_id, url, node_id: node_id("License", n), html_url: format!("{WEB}/licenses/{key}") }
    }

    fn urls<M: SerializeMap>(&self, m: &mut M, api: &str, web: &str, full_name: &str) -> Result<(), M::Error> {
        for (key, suffix) in LINKS_A {
            m.serialize_entry(key, &format!("{api}{suffix}"))?;
        }
        m.serialize_entry("git_url", &format!("git://github.com/{full_name}.git"))?;
        for (key, suffix) in LINKS_B {
            m.serialize_entry(key, &format!("{api}{suffix}"))?;
        }
        m.serialize_entry("ssh_url", &format!("git@github.com:{full_name}.git"))?;
        for (key, suffix) in LINKS_C {
            m.serialize_entry(key, &format!("{api}{suffix}"))?;
        }
        m.serialize_entry("clone_url", &format!("{web}.git"))?;
        m.serialize_entry("mirror_url", &None::<()>)?;
        m.serialize_entry("hooks_url", &format!("{api}/hooks"))?;
        m.serialize_entry("svn_url", web)
    }

    fn counts<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        let (repo, fork) = (self.repo, self.fork_owner.is_some());
        let stars = if fork { 0 } else { repo.spec.stars };
        let forks = if fork { 0 } else { stars / 8 };
        m.serialize_entry("homepage", &None::<()>)?;
        m.serialize_entry("language", &repo.spec.language)?;
        m.serialize_entry("forks_count", &forks)?;
        m.serialize_entry("stargazers_count", &stars)?;
        m.serialize_entry("watchers_count", &stars)?;
        m.serialize_entry("size", &(repo.items.len() * 13 + 200))?;
        m.serialize_entry("default_branch", "main")?;
        m.serialize_entry("open_issues_count", &repo.views.open_items)?;
        m.serialize_entry("is_template", &false)?;
        m.serialize_entry("topics", repo.spec.topics)?;
        for key in ["has_issues", "has_projects", "has_wiki"] {
            m.serialize_entry(key, &true)?;
        }
        m.serialize_entry("has_pages", &false)?;
        m.serialize_entry("has_downloads", &true)?;
        m.serialize_entry("has_discussions", &false)?;
        m.serialize_entry("archived", &repo.archived)?;
        m.serialize_entry("disabled", &false)?;
        m.serialize_entry("visibility", "public")
    }

    fn times<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        let pushed = self.repo.last_activity();
        m.serialize_entry("pushed_at", &Time(pushed))?;
        m.serialize_entry("created_at", &Time(self.repo.created))?;
        m.serialize_entry("updated_at", &Time(pushed.max(self.repo.created)))?;
        m.serialize_entry("permissions", &Permissions { admin: false, push: false, pull: true })
    }

    /// Merge settings, counts and licence; `full` (one repository's own answer) adds the
    /// organisation.
    fn full_entries<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        let stars = if self.fork_owner.is_some() { 0 } else { self.repo.spec.stars };
        m.serialize_entry("forks", &(stars / 8))?;
        m.serialize_entry("watchers", &stars)?;
        m.serialize_entry("open_issues", &self.repo.views.open_items)?;
        m.serialize_entry("allow_rebase_merge", &true)?;
        m.serialize_entry("template_repository", &None::<()>)?;
        m.serialize_entry("temp_clone_token", &None::<()>)?;
        m.serialize_entry("allow_squash_merge", &true)?;
        m.serialize_entry("allow_auto_merge", &false)?;
        m.serialize_entry("delete_branch_on_merge", &true)?;
        m.serialize_entry("allow_merge_commit", &true)?;
        m.serialize_entry("allow_forking", &true)?;
        m.serialize_entry("subscribers_count", &(stars / 20 + 3))?;
        m.serialize_entry("network_count", &(stars / 8))?;
        m.serialize_entry("license", &self.license())?;
        if self.full {
            m.serialize_entry("organization", &self.ctx.user(0))?;
        }
        Ok(())
    }
}

impl Serialize for RepoJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (ctx, repo) = (&self.ctx, self.repo);
        let full_name = format!("{}/{}", self.owner_login(), repo.name);
        let api = format!("{}/repos/{}/{}", ctx.api, login_path(self.owner_login()), repo.name);
        let web = format!("{WEB}/{full_name}");
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &self.id())?;
        m.serialize_entry("node_id", &node_id("Repository", self.id()))?;
        m.serialize_entry("name", &repo.name)?;
        m.serialize_entry("full_name", &full_name)?;
        m.serialize_entry("owner", &ctx.user(self.fork_owner.unwrap_or(0)))?;
        m.serialize_entry("private", &repo.private)?;
        m.serialize_entry("html_url", &web)?;
        m.serialize_entry("description", repo.spec.description)?;
        m.serialize_entry("fork", &self.fork_owner.is_some())?;
        m.serialize_entry("url", &api)?;
        self.urls(&mut m, &api, &web, &full_name)?;
        self.counts(&mut m)?;
        self.times(&mut m)?;
        self.full_entries(&mut m)?;
        m.end()
    }
}

/// `GET /orgs/{org}`: the public part of the organisation object.
pub struct OrgJson<'a>(pub Ctx<'a>);

impl Serialize for OrgJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (ctx, org) = (self.0, self.0.world.org());
        let url = format!("{}/orgs/{ORG}", ctx.api);
        let public_repos = ctx.world.repos.iter().filter(|r| !r.deleted).count();
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("login", ORG)?;
        m.serialize_entry("id", &org.id)?;
        m.serialize_entry("node_id", &node_id("Organization", org.id))?;
        m.serialize_entry("url", &url)?;
        for (key, suffix) in [("repos_url", "/repos"), ("events_url", "/events"), ("hooks_url", "/hooks")] {
            m.serialize_entry(key, &format!("{url}{suffix}"))?;
        }
        m.serialize_entry("issues_url", &format!("{url}/issues"))?;
        m.serialize_entry("members_url", &format!("{url}/members{{/member}}"))?;
        m.serialize_entry("public_members_url", &format!("{url}/public_members{{/member}}"))?;
        m.serialize_entry("avatar_url", &ctx.user(0).avatar_url())?;
        m.serialize_entry("description", "A simulated open-source organisation for Upkeep")?;
        m.serialize_entry("name", "Upkeep Simulation")?;
        m.serialize_entry("company", &None::<()>)?;
        m.serialize_entry("blog", "https://example.org/upkeep-sim")?;
        m.serialize_entry("location", "The Internet")?;
        m.serialize_entry("email", &None::<()>)?;
        m.serialize_entry("twitter_username", &None::<()>)?;
        m.serialize_entry("is_verified", &false)?;
        m.serialize_entry("has_organization_projects", &true)?;
        m.serialize_entry("has_repository_projects", &true)?;
        m.serialize_entry("public_repos", &public_repos)?;
        m.serialize_entry("public_gists", &0)?;
        m.serialize_entry("followers", &1_234)?;
        m.serialize_entry("following", &0)?;
        m.serialize_entry("html_url", &format!("{WEB}/{ORG}"))?;
        m.serialize_entry("created_at", &Time(org.created))?;
        m.serialize_entry("updated_at", &Time(org.created + 400 * DAY))?;
        m.serialize_entry("archived_at", &None::<()>)?;
        m.serialize_entry("type", "Organization")?;
        m.end()
    }
}

/// `GET /users/{u}`: a public profile.
pub struct UserFullJson<'a>(pub UserJson<'a>);

impl Serialize for UserFullJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let user = self.0.user;
        // Bots and organisations have no personal profile.
        let person = user.kind == UserKind::User;
        let (name, location, bio) = match person.then(|| text::profile(&user.login, user.id)) {
            Some((name, _, location, bio)) => (Some(name), Some(location), Some(bio)),
            None => (None, None, None),
        };
        let company = super::profiles::company(self.0.ctx.world, user);
        let h = if person { mix(user.id, 0xf0110) } else { 0 };
        let mut m = s.serialize_map(None)?;
        self.0.entries(&mut m)?;
        m.serialize_entry("name", &name)?;
        m.serialize_entry("company", &company)?;
        m.serialize_entry("blog", "")?;
        m.serialize_entry("location", &location)?;
        m.serialize_entry("email", &None::<()>)?;
        m.serialize_entry("hireable", &None::<()>)?;
        m.serialize_entry("bio", &bio)?;
        m.serialize_entry("twitter_username", &None::<()>)?;
        m.serialize_entry("public_repos", &(h % 60))?;
        m.serialize_entry("public_gists", &(h % 7))?;
        m.serialize_entry("followers", &((h >> 8) % 500))?;
        m.serialize_entry("following", &((h >> 16) % 80))?;
        m.serialize_entry("created_at", &Time(user.created))?;
        m.serialize_entry("updated_at", &Time(user.created + (h % 900) as i64 * DAY))?;
        m.end()
    }
}

#[derive(serde::Serialize)]
pub struct ReleaseJson<'a> {
    url: String,
    html_url: String,
    assets_url: String,
    upload_url: String,
    tarball_url: String,
    zipball_url: String,
    id: u64,
    node_id: String,
    tag_name: String,
    target_commitish: &'static str,
    name: String,
    body: String,
    draft: bool,
    prerelease: bool,
    immutable: bool,
    created_at: Time,
    published_at: Time,
    author: UserJson<'a>,
    assets: Vec<()>,
}

pub fn release<'a>(ctx: &Ctx<'a>, repo: &'a Repo, r: &'a Release) -> ReleaseJson<'a> {
    let (major, minor, patch) = r.version;
    let pre = if r.prerelease { "-rc.1" } else { "" };
    let tag = format!("v{major}.{minor}.{patch}{pre}");
    let api = ctx.repo_api(repo);
    let url = format!("{api}/releases/{}", r.id);
    ReleaseJson {
        html_url: format!("{}/releases/tag/{tag}", ctx.repo_web(repo)),
        assets_url: format!("{url}/assets"),
        upload_url: format!("{url}/assets{{?name,label}}"),
        tarball_url: format!("{api}/tarball/{tag}"),
        zipball_url: format!("{api}/zipball/{tag}"),
        url,
        id: r.id,
        node_id: node_id("Release", r.id),
        name: format!("{} {tag}", repo.name),
        tag_name: tag,
        target_commitish: "main",
        body: text::release_body(r.id),
        draft: false,
        prerelease: r.prerelease,
        immutable: false,
        created_at: Time(r.created - 600),
        published_at: Time(r.created),
        author: ctx.user(r.author),
        assets: Vec::new(),
    }
}
