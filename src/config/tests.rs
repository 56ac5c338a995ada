//! Tests of [`Config`]'s defaults (in code and in the shipped `config.toml`), its helper methods and
//! the token lookup. Loading, the environment overlay and error messages are tested in `load`.

use std::path::PathBuf;
use std::time::Duration;

use secrecy::ExposeSecret;

use super::sections::glob_matches;
use super::values::http_url;
use super::*;

#[test]
fn an_empty_file_gives_the_defaults() {
    let config = Config::from_toml_str("", "config.toml").unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.github.api_url.as_str(), "https://api.github.com/");
    assert_eq!(config.github.graphql_url(), "https://api.github.com/graphql");
    assert_eq!(config.github.timeout(), Duration::from_secs(30));
    assert_eq!(config.github.user_agent, format!("upkeep/{}", env!("CARGO_PKG_VERSION")));
    assert_eq!(config.database.path, PathBuf::from("upkeep.db"));
    assert_eq!(config.server.bind.to_string(), "127.0.0.1:8080");
    assert!(config.sources.repos.is_empty() && config.sources.orgs.is_empty());
    assert!(!config.sources.include_forks && !config.sources.include_archived);
    assert!(!config.sources.include_private);
    assert_eq!(config.collector.schedule().source(), "0 0 * * * *");
    let c = &config.collector;
    assert_eq!((c.reserve, c.max_retries, c.backoff_base_ms), (200, 6, 500));
    assert_eq!((c.backoff_max_secs, c.sync_on_start, c.run_timeout_mins), (60, true, 120));
    assert_eq!(config.people.bot_patterns, ["*[bot]", "*-bot", "*_bot"]);
    assert!(config.people.bots.is_empty() && config.people.maintainers.is_empty());
}

#[test]
fn missing_keys_keep_their_defaults() {
    let config = Config::from_toml_str("[collector]\nreserve = 50\n", "c.toml").unwrap();
    assert_eq!(config.collector.reserve, 50);
    assert_eq!(config.collector.max_retries, 6);
    assert_eq!(config.github, GithubConfig::default());
}

#[test]
fn the_shipped_config_toml_gives_the_defaults_plus_the_sci_python_repos() {
    let mut config = Config::from_toml_str(include_str!("../../config.toml"), "config.toml").unwrap();
    let repos: Vec<String> = config.sources.repos.iter().map(RepoName::to_string).collect();
    assert_eq!(repos.len(), 9);
    assert_eq!(repos[0], "numpy/numpy");
    assert!(repos.contains(&"pandas-dev/pandas".to_owned()));
    config.sources.repos.clear();
    assert_eq!(config, Config::default());
}

#[test]
fn graphql_url_is_derived_from_the_api_url() {
    let derived = |api: &str| {
        let github = GithubConfig { api_url: http_url::parse(api).unwrap(), ..Default::default() };
        github.graphql_url()
    };
    assert_eq!(derived("https://api.github.com"), "https://api.github.com/graphql");
    assert_eq!(derived("https://ghe.corp/api/v3"), "https://ghe.corp/api/graphql");
    assert_eq!(derived("https://ghe.corp/api/v3/"), "https://ghe.corp/api/graphql");
    assert_eq!(derived("http://127.0.0.1:4321"), "http://127.0.0.1:4321/graphql");
    assert_eq!(derived("http://127.0.0.1:4321/gh"), "http://127.0.0.1:4321/gh/graphql");
    let file = "[github]\napi_url = \"https://ghe.corp/api/v3\"\ngraphql_url = \"https://g.corp/q\"";
    let config = Config::from_toml_str(file, "c.toml").unwrap();
    assert_eq!(config.github.graphql_url(), "https://g.corp/q");
}

#[test]
fn bots_are_known_by_type_list_or_pattern_ignoring_case() {
    let people = PeopleConfig { bots: vec!["Mergify".into()], ..Default::default() };
    assert!(people.is_bot("anyone", "Bot"));
    assert!(people.is_bot("mergify", "User"));
    assert!(people.is_bot("dependabot[bot]", "User"));
    assert!(people.is_bot("Pre-Commit-CI[BOT]", "User"));
    assert!(people.is_bot("meeseeks-bot", "User"));
    assert!(people.is_bot("numpy_BOT", "User"));
    assert!(!people.is_bot("robot", "User"));
    assert!(!people.is_bot("seberg", "User"));
    assert!(!people.is_bot("bot-maker", "Organization"));
}

#[test]
fn globs_match_stars_anywhere() {
    assert!(glob_matches("*", ""));
    assert!(glob_matches("a*b*c", "aXXbYbc"));
    assert!(glob_matches("*-bot", "my-bot-bot"));
    assert!(!glob_matches("a*b", "aXXbc"));
    assert!(!glob_matches("abc", "ab"));
    assert!(glob_matches("ci-*", "CI-runner"));
}

#[test]
fn the_token_comes_from_github_token_then_gh_token_ignoring_empty_values() {
    let token = |github: Option<&str>, gh: Option<&str>| {
        let found = Credentials::from_vars(&GithubConfig::default(), |name| match name {
            "GITHUB_TOKEN" => github.map(String::from),
            "GH_TOKEN" => gh.map(String::from),
            _ => None,
        });
        match found.expect("tokens need no file") {
            Credentials::Tokens { tokens, .. } => Some(tokens[0].expose_secret().to_owned()),
            _ => None,
        }
    };
    assert_eq!(token(Some("a"), Some("b")).as_deref(), Some("a"));
    assert_eq!(token(Some(""), Some("b")).as_deref(), Some("b"));
    assert_eq!(token(None, Some(" b\n")).as_deref(), Some("b"));
    assert_eq!(token(Some(" "), None), None);
}

#[test]
fn only_a_loopback_api_url_goes_without_the_no_token_warning() {
    let mut github = GithubConfig::default();
    assert!(!github.is_loopback(), "api.github.com wants a token");
    for (url, loopback) in [
        ("http://127.0.0.1:9", true),
        ("http://[::1]:9", true),
        ("http://localhost:9", true),
        ("https://ghe.example.com/api/v3", false),
    ] {
        github.api_url = url.parse().unwrap();
        assert_eq!(github.is_loopback(), loopback, "{url}");
    }
}

#[test]
fn absolute_links_come_from_public_url_or_the_listening_address() {
    let mut server = ServerConfig::default();
    let listening: std::net::SocketAddr = "127.0.0.1:4321".parse().unwrap();
    assert_eq!(server.base_url(listening), "http://127.0.0.1:4321");
    assert_eq!(server.base_url("0.0.0.0:8080".parse().unwrap()), "http://localhost:8080");
    server.public_url = Some(url::Url::parse("https://upkeep.example.org/").unwrap());
    assert_eq!(server.base_url(listening), "https://upkeep.example.org");
}

#[test]
fn only_the_configured_host_localhost_and_the_bound_ip_are_served() {
    let mut server = ServerConfig::default();
    for ok in ["127.0.0.1:8080", "localhost", "LOCALHOST:80", "localhost.", "[::1]:8080", "127.0.0.2"] {
        assert!(server.allows_host(ok), "{ok}");
    }
    for refused in ["evil.example", "evil.example:8080", "10.0.0.5", "", "a b", "user@localhost", "localhost/x"] {
        assert!(!server.allows_host(refused), "{refused}");
    }
    server.public_url = Some(url::Url::parse("https://Upkeep.Example.org").unwrap());
    assert!(server.allows_host("upkeep.example.org"));
    assert!(server.allows_host("upkeep.example.org:443"));
    assert!(!server.allows_host("example.org"));
    server.bind = "0.0.0.0:8080".parse().unwrap();
    assert!(server.allows_host("192.168.1.20:8080"));
    assert!(!server.allows_host("rebound.attacker.example"));
}

#[test]
fn public_url_must_be_an_http_url() {
    let err = Config::from_toml_str("[server]\npublic_url = \"ftp://x\"\n", "config.toml").unwrap_err().to_string();
    assert!(err.contains("server.public_url"), "{err}");
    let ok = Config::from_toml_str("[server]\npublic_url = \"https://upkeep.example.org\"\n", "config.toml").unwrap();
    assert_eq!(ok.server.public_url.unwrap().as_str(), "https://upkeep.example.org/");
}

#[test]
fn the_affiliations_file_is_read_next_to_the_config_file_and_its_problems_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("config.toml");
    std::fs::write(&config_path, "[people]\naffiliations = \"people/affiliations.toml\"\n").unwrap();
    std::fs::create_dir(dir.path().join("people")).unwrap();
    let file = dir.path().join("people/affiliations.toml");
    std::fs::write(&file, "[[affiliation]]\nlogin = \"ana\"\norg = \"Acme\"\nkind = \"employer\"\n").unwrap();
    let source = ConfigSource { path: config_path.clone(), explicit: true };
    let config = load(&source, &[]).unwrap();
    assert_eq!(config.people.affiliation_table.entries().len(), 1);

    std::fs::write(&file, "[[affiliation]]\nlogin = \"ana\"\n\n[[affiliation]]\nlogin = \"bo\"\nkind = \"boss\"\n")
        .unwrap();
    let err = load(&source, &[]).unwrap_err().to_string();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with(&format!("{}:2: people.affiliations: ", config_path.display())), "{err}");
    assert!(lines[0].ends_with("affiliations.toml: entry 1: kind: missing"), "{err}");
    assert!(lines[1].contains("entry 2: kind: unknown variant `boss`"), "{err}");

    std::fs::remove_file(&file).unwrap();
    let err = load(&source, &[]).unwrap_err().to_string();
    assert!(err.contains("people.affiliations: cannot read"), "{err}");
}
