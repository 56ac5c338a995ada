//! The configuration's type, [`Config`], and its operational sections (`[github]`, `[database]`,
//! `[server]`, `[sources]`, `[collector]`, `[people]`): each setting's type, default and meaning,
//! documented on its field. The audiences' sections have their own files
//! (`newcomers_section.rs`, `funding_section.rs`); loading and validation are in `load.rs`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::Url;

use super::funding_section::FundingConfig;
use super::newcomers_section::NewcomersConfig;
use super::repo_name::RepoName;
use super::values::{
    cron_schedule, database_url, header_text, http_url, logins, maintainer_map, non_empty_path, optional_path,
    positive, socket_addr,
};

/// The whole configuration. `Config::default()` is what an empty file gives.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub github: GithubConfig,
    pub database: DatabaseConfig,
    pub server: ServerConfig,
    pub sources: SourcesConfig,
    pub collector: CollectorConfig,
    pub people: PeopleConfig,
    pub newcomers: NewcomersConfig,
    pub funding: FundingConfig,
}

/// `[github]`: how to reach the GitHub API. The token and an App's key are not settings: see
/// [`super::Credentials`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct GithubConfig {
    /// REST API base: `https://api.github.com` (default), `https://HOST/api/v3` for GitHub
    /// Enterprise Server, `http://127.0.0.1:PORT` for the simulator. http(s), with a host.
    /// Note `Url` normalizes a bare host to end in `/`.
    #[serde(with = "http_url")]
    pub api_url: Url,
    /// GraphQL endpoint; unset (default) means derived from `api_url`, see [`Self::graphql_url`].
    #[serde(with = "http_url::optional", skip_serializing_if = "Option::is_none")]
    pub graphql_url: Option<Url>,
    /// Timeout of one HTTP request, in seconds (default 30, at least 1).
    #[serde(deserialize_with = "positive")]
    pub timeout_secs: u64,
    /// `User-Agent` header sent with every request; GitHub rejects requests without one
    /// (default `upkeep/<version>`).
    #[serde(deserialize_with = "header_text")]
    pub user_agent: String,
    /// A GitHub App's id (default unset). With `installation_id`, the collector authenticates as
    /// that installation; the private key comes from `UPKEEP_GITHUB_APP_KEY` (the PEM text) or
    /// `UPKEEP_GITHUB_APP_KEY_FILE` (its path), never from this file. Both or neither.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<u64>,
    /// The App installation to act as (default unset); the number at the end of the
    /// installation's settings URL. Both or neither with `app_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub installation_id: Option<u64>,
}

/// `[database]`: where the data lives.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// SQLite file, created if missing; relative to the working directory (default `upkeep.db`).
    /// A shorthand for `url = "sqlite://PATH"`.
    #[serde(deserialize_with = "non_empty_path")]
    pub path: PathBuf,
    /// The database as a URL: `sqlite://PATH` or `postgres://USER@HOST/DB` (a preview: see the
    /// README's "Running at scale"). Default unset: `path`. A password belongs in `PGPASSWORD`
    /// or in the URL given by `UPKEEP_DATABASE__URL`, never in the file.
    #[serde(default, deserialize_with = "database_url", skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl DatabaseConfig {
    /// Where the data lives: `url` when set, else the SQLite file at `path`. A URL the store
    /// cannot open is an error naming the key (loading checks it, so only a configuration built
    /// in code can have one).
    pub fn location(&self) -> Result<crate::db::Location, String> {
        match &self.url {
            Some(url) => crate::db::Location::parse(url).map_err(|why| format!("database.url: {why}")),
            None => Ok(crate::db::Location::Sqlite(self.path.clone())),
        }
    }
}

/// `[server]`: the web dashboard served by `upkeep serve`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address and port to listen on, `IP:PORT` (default `127.0.0.1:8080`; port 0 picks one).
    #[serde(deserialize_with = "socket_addr")]
    pub bind: SocketAddr,
    /// The address readers use to reach the dashboard, `https://upkeep.example.org` (default
    /// unset: `http://` and the address the server listens on). The only source of absolute links
    /// (feeds, README embeds, the Markdown report): a request's `Host`, `X-Forwarded-*` and
    /// `Forwarded` headers never are. Its host is also accepted in `Host` (see [`Self::allows_host`]).
    #[serde(with = "http_url::optional", skip_serializing_if = "Option::is_none")]
    pub public_url: Option<Url>,
}

impl ServerConfig {
    /// The base of absolute links, without a trailing `/`: `public_url` when set, else `http://`
    /// and `listening` (the bound address; `localhost` for an unspecified IP such as `0.0.0.0`).
    pub fn base_url(&self, listening: SocketAddr) -> String {
        match &self.public_url {
            Some(url) => url.as_str().trim_end_matches('/').to_owned(),
            None if listening.ip().is_unspecified() => format!("http://localhost:{}", listening.port()),
            None => format!("http://{listening}"),
        }
    }

    /// Whether a request's `Host` (the host part; any port) may be served: `public_url`'s host,
    /// `localhost`, a loopback IP, or the bound IP. Anything else is a request meant for another
    /// site (or a DNS-rebinding attempt) and gets 421. An unspecified bind (`0.0.0.0`) accepts
    /// any IP literal (clients reach it by one of the machine's addresses) but still only the
    /// configured host name.
    pub fn allows_host(&self, host: &str) -> bool {
        // `host[:port]`, `[v6][:port]`: parsed as a URL's authority, which rejects anything else.
        let Ok(url) = Url::parse(&format!("http://{}/", host.trim())) else { return false };
        if url.path() != "/" || !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        let public = self.public_url.as_ref().and_then(|u| u.host_str()).map(|h| h.trim_end_matches('.'));
        match url.host() {
            None => false,
            Some(url::Host::Domain(d)) => {
                let d = d.trim_end_matches('.');
                d.eq_ignore_ascii_case("localhost") || public.is_some_and(|p| p.eq_ignore_ascii_case(d))
            }
            Some(url::Host::Ipv4(ip)) => {
                let ip = std::net::IpAddr::V4(ip);
                ip.is_loopback()
                    || ip == self.bind.ip()
                    || self.bind.ip().is_unspecified()
                    || public.is_some_and(|p| p == ip.to_string())
            }
            Some(url::Host::Ipv6(ip)) => {
                let ip = std::net::IpAddr::V6(ip);
                ip.is_loopback()
                    || ip == self.bind.ip()
                    || self.bind.ip().is_unspecified()
                    || public.is_some_and(|p| p.trim_matches(['[', ']']) == ip.to_string())
            }
        }
    }
}

/// `[sources]`: which repositories to collect. The union of `repos` and the expanded `orgs`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SourcesConfig {
    /// Repositories as `owner/name` (default none; the shipped `config.toml` lists the core
    /// scientific Python stack).
    pub repos: Vec<RepoName>,
    /// Organization or user logins, expanded to their public repositories (default none).
    #[serde(deserialize_with = "logins")]
    pub orgs: Vec<String>,
    /// Also take forks when expanding `orgs` (default false).
    pub include_forks: bool,
    /// Also take archived repositories when expanding `orgs` (default false).
    pub include_archived: bool,
    /// Also take private repositories the token can see when expanding `orgs` (default false).
    pub include_private: bool,
}

/// `[collector]`: when and how politely the collector syncs from GitHub.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CollectorConfig {
    /// When `serve` syncs: cron with seconds first, `sec min hour day-of-month month
    /// day-of-week [year]`, or a macro such as `@hourly` (default `0 0 * * * *`, hourly).
    /// Day-of-week 1 is Sunday; prefer names (`Mon-Fri`). Use [`Self::schedule()`].
    #[serde(with = "cron_schedule")]
    pub schedule: cron::Schedule,
    /// Rate-limit requests left untouched; the collector waits for the reset below this
    /// (default 200).
    pub reserve: u32,
    /// Retries of one failed request (5xx, secondary rate limit, network) before giving up
    /// (default 6).
    pub max_retries: u32,
    /// First retry delay in milliseconds, doubled on each retry (default 500).
    pub backoff_base_ms: u64,
    /// Longest retry delay in seconds (default 60, at least 1).
    #[serde(deserialize_with = "positive")]
    pub backoff_max_secs: u64,
    /// Run one sync when `serve` starts, before the first scheduled one (default true).
    pub sync_on_start: bool,
    /// A sync still running after this many minutes is cancelled (default 120, at least 1).
    #[serde(deserialize_with = "positive")]
    pub run_timeout_mins: u64,
    /// Largest response body read from GitHub or a funding host, in bytes, enforced while
    /// streaming; a larger answer is cut off and reported (default 64 MiB, at least 1).
    #[serde(deserialize_with = "positive")]
    pub max_response_bytes: u64,
    /// Most pages followed in one listing before it stops with an error (default 100,000: 10
    /// million items at 100 a page, room for the biggest real repositories; at least 1).
    #[serde(deserialize_with = "positive")]
    pub max_pages: u64,
}

/// `[people]`: who counts as a bot or a maintainer in the metrics.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PeopleConfig {
    /// Logins always treated as bots, compared case-insensitively (default none). Accounts of
    /// GitHub type `Bot` are bots anyway.
    pub bots: Vec<String>,
    /// Login patterns for bots, `*` matching any run of characters, case-insensitive
    /// (default `["*[bot]", "*-bot", "*_bot"]`).
    pub bot_patterns: Vec<String>,
    /// Maintainers per repository, `"owner/name" = ["login", ...]`, replacing the inferred ones
    /// for that repository (default none: inferred from author association OWNER, MEMBER or
    /// COLLABORATOR).
    #[serde(deserialize_with = "maintainer_map")]
    pub maintainers: BTreeMap<RepoName, Vec<String>>,
    /// The affiliations file: who worked for which organisation when, and who is paid for their
    /// open-source time (default unset: every affiliation unknown). Relative to the config file's
    /// folder; read and checked when the configuration loads (see
    /// [`crate::metrics::affiliation`]), its problems reported under this key.
    #[serde(default, deserialize_with = "optional_path", skip_serializing_if = "Option::is_none")]
    pub affiliations: Option<PathBuf>,
    /// The affiliations file's checked entries, filled in by loading (never a setting).
    #[serde(skip)]
    pub affiliation_table: crate::metrics::affiliation::Affiliations,
    /// Days a collected GitHub profile `company` (an undated hint of a person's organisation) is
    /// kept before it is asked again (default 30; 0: every run).
    pub profile_refresh_days: u32,
    /// Most profiles asked per repository per run, 50 per GraphQL request, maintainers and
    /// never-asked people first; the rest wait for the next run, and a run that hits it says so
    /// in its log (default 5,000, at most 100 requests: a large repository's active people fit in
    /// one run, so later runs inside the interval ask nothing; 0: profiles are not collected).
    pub profile_max_logins: u32,
}

impl Default for GithubConfig {
    fn default() -> Self {
        Self {
            api_url: Url::parse("https://api.github.com").expect("valid default URL"),
            graphql_url: None,
            timeout_secs: 30,
            user_agent: concat!("upkeep/", env!("CARGO_PKG_VERSION")).to_owned(),
            app_id: None,
            installation_id: None,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self { path: PathBuf::from("upkeep.db"), url: None }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self { bind: SocketAddr::from(([127, 0, 0, 1], 8080)), public_url: None }
    }
}

impl Default for CollectorConfig {
    fn default() -> Self {
        Self {
            schedule: cron_schedule::parse("0 0 * * * *").expect("valid default schedule"),
            reserve: 200,
            max_retries: 6,
            backoff_base_ms: 500,
            backoff_max_secs: 60,
            sync_on_start: true,
            run_timeout_mins: 120,
            max_response_bytes: 64 * 1024 * 1024,
            max_pages: 100_000,
        }
    }
}

impl Default for PeopleConfig {
    fn default() -> Self {
        Self {
            bots: Vec::new(),
            bot_patterns: ["*[bot]", "*-bot", "*_bot"].map(String::from).to_vec(),
            maintainers: BTreeMap::new(),
            affiliations: None,
            affiliation_table: Default::default(),
            profile_refresh_days: 30,
            profile_max_logins: 5000,
        }
    }
}

impl GithubConfig {
    /// The GraphQL endpoint: `graphql_url` if set, else derived from `api_url` the way GitHub lays
    /// them out (`https://HOST/api/v3` → `https://HOST/api/graphql`, otherwise `{api_url}/graphql`).
    pub fn graphql_url(&self) -> String {
        if let Some(url) = &self.graphql_url {
            return url.to_string();
        }
        let base = self.api_url.as_str().trim_end_matches('/');
        match base.strip_suffix("/api/v3") {
            Some(host) => format!("{host}/api/graphql"),
            None => format!("{base}/graphql"),
        }
    }

    /// Whether `api_url` is on this machine (the simulator, a replay): no token is expected there.
    pub fn is_loopback(&self) -> bool {
        match self.api_url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            None => false,
        }
    }

    /// [`Self::timeout_secs`] as a `Duration`.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs)
    }
}

impl CollectorConfig {
    /// The sync schedule, validated at load (it parses and fires at least once more).
    pub fn schedule(&self) -> cron::Schedule {
        self.schedule.clone()
    }

    /// [`Self::backoff_base_ms`] as a `Duration`.
    pub fn backoff_base(&self) -> Duration {
        Duration::from_millis(self.backoff_base_ms)
    }

    /// [`Self::backoff_max_secs`] as a `Duration`.
    pub fn backoff_max(&self) -> Duration {
        Duration::from_secs(self.backoff_max_secs)
    }

    /// [`Self::run_timeout_mins`] as a `Duration`.
    pub fn run_timeout(&self) -> Duration {
        Duration::from_secs(self.run_timeout_mins * 60)
    }
}

impl PeopleConfig {
    /// Whether an account is a bot: GitHub says so (`account_type` "Bot"), it is listed in `bots`,
    /// or it matches one of `bot_patterns`. Case-insensitive throughout.
    pub fn is_bot(&self, login: &str, account_type: &str) -> bool {
        account_type.eq_ignore_ascii_case("Bot")
            || self.bots.iter().any(|bot| bot.eq_ignore_ascii_case(login))
            || self.bot_patterns.iter().any(|pattern| glob_matches(pattern, login))
    }
}

/// `*` matches any run of characters (including none); every other character matches itself,
/// ignoring case. Backtracks only to the last `*`, which is enough for `*`-only globs.
pub(super) fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut last_star: Option<(usize, usize)> = None;
    while t < text.len() {
        if pattern.get(p) == Some(&'*') {
            last_star = Some((p, t));
            p += 1;
        } else if pattern.get(p) == Some(&text[t]) {
            p += 1;
            t += 1;
        } else if let Some((star, matched)) = last_star {
            // Let that `*` swallow one more character and retry from there.
            last_star = Some((star, matched + 1));
            p = star + 1;
            t = matched + 1;
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}
