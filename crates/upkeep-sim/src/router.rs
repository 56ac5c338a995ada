//! The route table: a request path to a [`Route`] and the label it is counted under in
//! [`super::SimStats::by_route`] (`"GET /repos/{o}/{r}/issues"`).
//!
//! A hand-written match rather than actix routing, so one pipeline (`pipeline.rs`) can count,
//! rate-limit and fault every request the same way before dispatching. Repository routes exist
//! twice, by name (`/repos/{o}/{r}/…`) and by id (`/repositories/{id}/…`, where a renamed
//! repository's `301` points).

use actix_web::http::Method;

use super::ratelimit::Resource;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoKey {
    Name { owner: String, name: String },
    Id(u64),
}

/// What of a repository is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepoPart {
    Repo,
    Issues,
    Issue(u32),
    CommentsOf(u32),
    IssueComments,
    Pulls,
    Pull(u32),
    Reviews(u32),
    ReviewComments,
    Releases,
    /// `GET /repos/{o}/{r}/milestones`.
    Milestones,
    StatsContributors,
    Contributors,
    /// `commits`: the default branch's history (`contrib::commits`).
    Commits,
    CommunityProfile,
    /// `contents/funding.json` (`funding_json.rs`).
    FundingJson,
    /// `contents/.github/FUNDING.yml` (`funding_yml.rs`).
    FundingYml,
    /// `contents/.github/upkeep-affiliations.toml` (`self_declared.rs`).
    SelfDeclared,
}

impl RepoPart {
    fn parse(rest: &[&str]) -> Option<RepoPart> {
        let number = |s: &str| s.parse::<u32>().ok();
        Some(match rest {
            [] => RepoPart::Repo,
            ["issues"] => RepoPart::Issues,
            ["issues", "comments"] => RepoPart::IssueComments,
            ["issues", n] => RepoPart::Issue(number(n)?),
            ["issues", n, "comments"] => RepoPart::CommentsOf(number(n)?),
            ["pulls"] => RepoPart::Pulls,
            ["pulls", "comments"] => RepoPart::ReviewComments,
            ["pulls", n] => RepoPart::Pull(number(n)?),
            ["pulls", n, "reviews"] => RepoPart::Reviews(number(n)?),
            ["releases"] => RepoPart::Releases,
            ["milestones"] => RepoPart::Milestones,
            ["stats", "contributors"] => RepoPart::StatsContributors,
            ["contributors"] => RepoPart::Contributors,
            ["commits"] => RepoPart::Commits,
            ["community", "profile"] => RepoPart::CommunityProfile,
            ["contents", "funding.json"] => RepoPart::FundingJson,
            ["contents", ".github", "FUNDING.yml"] => RepoPart::FundingYml,
            ["contents", ".github", "upkeep-affiliations.toml"] => RepoPart::SelfDeclared,
            _ => return None,
        })
    }

    fn label(self) -> &'static str {
        match self {
            RepoPart::Repo => "",
            RepoPart::Issues => "/issues",
            RepoPart::Issue(_) => "/issues/{n}",
            RepoPart::CommentsOf(_) => "/issues/{n}/comments",
            RepoPart::IssueComments => "/issues/comments",
            RepoPart::Pulls => "/pulls",
            RepoPart::Pull(_) => "/pulls/{n}",
            RepoPart::Reviews(_) => "/pulls/{n}/reviews",
            RepoPart::ReviewComments => "/pulls/comments",
            RepoPart::Releases => "/releases",
            RepoPart::Milestones => "/milestones",
            RepoPart::StatsContributors => "/stats/contributors",
            RepoPart::Contributors => "/contributors",
            RepoPart::Commits => "/commits",
            RepoPart::CommunityProfile => "/community/profile",
            RepoPart::FundingJson | RepoPart::FundingYml | RepoPart::SelfDeclared => "/contents/{path}",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Org(String),
    OrgRepos(String),
    User(String),
    UserRepos(String),
    Repo(RepoKey, RepoPart),
    RateLimit,
    Graphql,
    /// `POST /app/installations/{id}/access_tokens`: a GitHub App asks for an installation token
    /// with a JWT (`app_auth.rs`); free of budget.
    AccessTokens(u64),
    /// `POST /opencollective/graphql/v2`: Open Collective, not GitHub (no GitHub budget or token).
    OpenCollective,
    /// `GET /manifests/{name}/funding.json`: repository `name`'s funding.json as a plain file on a
    /// website, not GitHub (no GitHub budget or token), for `[funding] manifests`.
    Manifest(String),
    /// `/_sim/{name}`: the simulator's own controls.
    Control(String),
    Unknown,
}

impl Route {
    /// The rate-limit bucket a request spends from; `None` for free requests.
    pub fn resource(&self) -> Option<Resource> {
        match self {
            Route::RateLimit
            | Route::Control(_)
            | Route::OpenCollective
            | Route::Manifest(_)
            | Route::AccessTokens(_) => None,
            Route::Graphql => Some(Resource::Graphql),
            _ => Some(Resource::Core),
        }
    }

    pub fn is_stats(&self) -> bool {
        matches!(self, Route::Repo(_, RepoPart::StatsContributors))
    }
}

/// A parsed request: the route and its stats label.
pub struct Parsed {
    pub route: Route,
    pub label: String,
}

pub fn parse(method: &Method, path: &str) -> Parsed {
    let segments: Vec<String> = path.split('/').filter(|s| !s.is_empty()).map(percent_decode).collect();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let get = method == Method::GET;
    let (route, label) = match segs.as_slice() {
        ["_sim", name] => (Route::Control((*name).to_owned()), String::new()),
        ["graphql"] if method == Method::POST => (Route::Graphql, "POST /graphql".to_owned()),
        ["opencollective", "graphql", "v2"] if method == Method::POST => {
            (Route::OpenCollective, "POST /opencollective/graphql/v2".to_owned())
        }
        ["manifests", name, "funding.json"] if get => {
            (Route::Manifest((*name).to_owned()), "GET /manifests/{name}/funding.json".to_owned())
        }
        ["app", "installations", id, "access_tokens"] if method == Method::POST => match id.parse() {
            Ok(id) => (Route::AccessTokens(id), "POST /app/installations/{id}/access_tokens".to_owned()),
            Err(_) => unknown(method),
        },
        ["rate_limit"] if get => (Route::RateLimit, "GET /rate_limit".to_owned()),
        ["orgs", org] if get => (Route::Org((*org).to_owned()), "GET /orgs/{org}".to_owned()),
        ["orgs", org, "repos"] if get => (Route::OrgRepos((*org).to_owned()), "GET /orgs/{org}/repos".to_owned()),
        ["users", user] if get => (Route::User((*user).to_owned()), "GET /users/{u}".to_owned()),
        ["users", user, "repos"] if get => (Route::UserRepos((*user).to_owned()), "GET /users/{u}/repos".to_owned()),
        ["repos", owner, name, rest @ ..] if get => repo_route(
            RepoKey::Name { owner: (*owner).to_owned(), name: (*name).to_owned() },
            rest,
            "GET /repos/{o}/{r}",
        ),
        ["repositories", id, rest @ ..] if get => match id.parse() {
            Ok(id) => repo_route(RepoKey::Id(id), rest, "GET /repositories/{id}"),
            Err(_) => unknown(method),
        },
        _ => unknown(method),
    };
    Parsed { route, label }
}

fn repo_route(key: RepoKey, rest: &[&str], prefix: &str) -> (Route, String) {
    match RepoPart::parse(rest) {
        Some(part) => (Route::Repo(key, part), format!("{prefix}{}", part.label())),
        None => unknown(&Method::GET),
    }
}

fn unknown(method: &Method) -> (Route, String) {
    (Route::Unknown, format!("{method} (unknown route)"))
}

/// Decodes `%XX` escapes in one path segment (invalid escapes are kept as they are).
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_routes_parse_by_name_and_by_id() {
        let p = parse(&Method::GET, "/repos/upkeep-sim/atlas/issues/comments");
        assert_eq!(p.label, "GET /repos/{o}/{r}/issues/comments");
        let p = parse(&Method::GET, "/repositories/42/pulls/7/reviews");
        assert_eq!(p.route, Route::Repo(RepoKey::Id(42), RepoPart::Reviews(7)));
        assert_eq!(parse(&Method::GET, "/repos/o/r/issues/x").route, Route::Unknown);
        assert_eq!(parse(&Method::POST, "/repos/o/r").route, Route::Unknown);
        let p = parse(&Method::GET, "/repos/upkeep-sim/atlas/contents/funding.json");
        assert_eq!(
            (p.route, p.label.as_str()),
            (
                Route::Repo(RepoKey::Name { owner: "upkeep-sim".into(), name: "atlas".into() }, RepoPart::FundingJson),
                "GET /repos/{o}/{r}/contents/{path}"
            )
        );
        let p = parse(&Method::GET, "/repos/upkeep-sim/halo/contents/.github/FUNDING.yml");
        assert_eq!(p.label, "GET /repos/{o}/{r}/contents/{path}");
        assert!(matches!(p.route, Route::Repo(_, RepoPart::FundingYml)));
        assert_eq!(parse(&Method::GET, "/repos/o/r/contents/README.md").route, Route::Unknown);
        assert_eq!(parse(&Method::POST, "/opencollective/graphql/v2").route, Route::OpenCollective);
        let p = parse(&Method::GET, "/manifests/atlas/funding.json");
        assert_eq!(
            (p.route, p.label.as_str()),
            (Route::Manifest("atlas".into()), "GET /manifests/{name}/funding.json")
        );
        assert_eq!(Route::Manifest("atlas".into()).resource(), None, "not GitHub's budget");
    }

    #[test]
    fn bot_logins_decode() {
        let p = parse(&Method::GET, "/users/dependabot%5Bbot%5D");
        assert_eq!(p.route, Route::User("dependabot[bot]".into()));
        assert_eq!(percent_decode("a%zzb%41"), "a%zzbA");
    }
}
