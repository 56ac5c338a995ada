//! Tests of loading: the file, `UPKEEP_*` overrides and their precedence, and error messages that
//! name the key and where its value came from, all problems at once.

use super::*;
use crate::config::RepoName;

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn with_env(text: &str, pairs: &[(&str, &str)]) -> Config {
    build(text, "config.toml", &vars(pairs)).unwrap()
}

fn error(text: &str, pairs: &[(&str, &str)]) -> String {
    build(text, "config.toml", &vars(pairs)).unwrap_err().to_string()
}

#[test]
fn the_effective_config_prints_as_toml_that_loads_back() {
    let mut config = with_env(
        "[people.maintainers]\n\"numpy/numpy\" = [\"seberg\"]\n",
        &[("UPKEEP_GITHUB__GRAPHQL_URL", "http://localhost:9/gql")],
    );
    config.sources.repos.push("dask/dask".parse().unwrap());
    let printed = toml::to_string(&config).unwrap();
    assert_eq!(Config::from_toml_str(&printed, "printed").unwrap(), config);
}

#[test]
fn env_overrides_strings_lists_bools_ints_and_maps() {
    let file = "[github]\napi_url = \"https://file.example\"\n[people]\nbots = [\"x\"]\n";
    let config = with_env(
        file,
        &[
            ("UPKEEP_GITHUB__API_URL", "http://127.0.0.1:4000"),
            ("UPKEEP_SOURCES__REPOS", " numpy/numpy , dask/dask,"),
            ("UPKEEP_PEOPLE__BOTS", ""),
            ("UPKEEP_COLLECTOR__SYNC_ON_START", "0"),
            ("UPKEEP_SOURCES__INCLUDE_FORKS", "TRUE"),
            ("UPKEEP_COLLECTOR__RESERVE", "1000"),
            ("UPKEEP_PEOPLE__MAINTAINERS", r#"{ "numpy/numpy" = ["seberg", "rgommers"] }"#),
            ("UPKEEP_CONFIG", "ignored: not an override"),
            ("PATH", "/bin"),
        ],
    );
    assert_eq!(config.github.api_url.as_str(), "http://127.0.0.1:4000/");
    assert_eq!(config.github.graphql_url(), "http://127.0.0.1:4000/graphql");
    let repos: Vec<String> = config.sources.repos.iter().map(RepoName::to_string).collect();
    assert_eq!(repos, ["numpy/numpy", "dask/dask"]);
    assert!(config.people.bots.is_empty());
    assert!(!config.collector.sync_on_start && config.sources.include_forks);
    assert_eq!(config.collector.reserve, 1000);
    let numpy: RepoName = "numpy/numpy".parse().unwrap();
    assert_eq!(config.people.maintainers[&numpy], ["seberg", "rgommers"]);
}

#[test]
fn an_empty_env_value_unsets_an_optional_key() {
    let file = "[github]\ngraphql_url = \"https://example.com/gql\"\n";
    let config = with_env(file, &[("UPKEEP_GITHUB__GRAPHQL_URL", "")]);
    assert_eq!(config.github.graphql_url, None);
}

#[test]
fn a_bad_cron_expression_names_the_key_the_file_and_the_line() {
    let file = "# comment\n[collector]\nreserve = 1\nschedule = \"*/5 * * * *\"\n";
    assert_eq!(
        error(file, &[]),
        r#"config.toml:4: collector.schedule: invalid cron expression "*/5 * * * *": needs six fields with seconds first, e.g. "0 */5 * * * *""#
    );
    let weekday = error("[collector]\nschedule = \"0 9 * * 1\"", &[]);
    assert!(weekday.contains("day-of-week 1 is Sunday"), "{weekday}");
    let garbage = error("[collector]\nschedule = \"every hour\"", &[]);
    assert!(garbage.starts_with("config.toml:2: collector.schedule: invalid cron"), "{garbage}");
    let never = error("[collector]\nschedule = \"0 0 0 1 1 * 2001\"", &[]);
    assert!(never.ends_with("never fires"), "{never}");
}

#[test]
fn a_bad_env_value_names_the_variable() {
    let message = error("", &[("UPKEEP_COLLECTOR__SCHEDULE", "*/5 * * * *")]);
    assert!(message.starts_with(r#"UPKEEP_COLLECTOR__SCHEDULE: invalid cron expression "*/5"#), "{message}");
    let message = error("", &[("UPKEEP_COLLECTOR__SYNC_ON_START", "yes")]);
    assert_eq!(message, r#"UPKEEP_COLLECTOR__SYNC_ON_START: expected true, false, 1 or 0, found "yes""#);
    let message = error("", &[("UPKEEP_COLLECTOR__RESERVE", "lots")]);
    assert_eq!(message, r#"UPKEEP_COLLECTOR__RESERVE: expected an integer, found "lots""#);
    let message = error("", &[("UPKEEP_COLLECTOR__RESERVE", "-1")]);
    assert!(message.starts_with("UPKEEP_COLLECTOR__RESERVE: invalid value"), "{message}");
    let message = error("", &[("UPKEEP_PEOPLE__MAINTAINERS", "numpy")]);
    assert!(message.starts_with("UPKEEP_PEOPLE__MAINTAINERS: expected an inline"), "{message}");
    let message = error("", &[("UPKEEP_SOURCES__REPOS", "numpy/numpy,scipy")]);
    assert!(message.starts_with(r#"UPKEEP_SOURCES__REPOS: invalid repository name "scipy""#), "{message}");
}

#[test]
fn the_environment_wins_over_the_file_and_takes_the_blame() {
    let file = "[server]\nbind = \"127.0.0.1:1\"\n";
    assert_eq!(with_env(file, &[("UPKEEP_SERVER__BIND", "0.0.0.0:80")]).server.bind.port(), 80);
    let message = error(file, &[("UPKEEP_SERVER__BIND", "localhost")]);
    assert!(message.starts_with("UPKEEP_SERVER__BIND: invalid socket address"), "{message}");
}

#[test]
fn bad_urls_are_rejected_with_their_key_and_line() {
    for (url, why) in [
        ("ftp://example.com", "must start with http:// or https://"),
        ("not a url", "relative URL without a base"),
        ("https://user:pw@example.com", "must not contain credentials"),
        ("https://example.com/?q=1", "must not have a query"),
    ] {
        let message = error(&format!("[github]\n\napi_url = \"{url}\"\n"), &[]);
        let expected = format!("config.toml:3: github.api_url: invalid URL {url:?}: {why}");
        assert!(message.starts_with(&expected), "{message}");
    }
    let message = error("[github]\ngraphql_url = \"file:///x\"\n", &[]);
    assert!(message.starts_with("config.toml:2: github.graphql_url: invalid URL"), "{message}");
}

#[test]
fn a_bad_repo_name_points_at_its_own_line() {
    let file = "[sources]\nrepos = [\n  \"numpy/numpy\",\n  \"scipy\",\n]\n";
    assert_eq!(
        error(file, &[]),
        r#"config.toml:4: sources.repos: invalid repository name "scipy": expected owner/name"#
    );
    let file = "[people.maintainers]\n\"numpy/numpy\" = [\"a\"]\n\"numpy\" = [\"b\"]\n";
    let message = error(file, &[]);
    assert!(message.starts_with("config.toml:3: people.maintainers: invalid repository"));
}

#[test]
fn other_bad_values_name_the_key_and_line() {
    let cases = [
        ("[server]\nbind = \"localhost:8080\"", "config.toml:2: server.bind: invalid socket"),
        ("[collector]\nreserve = \"many\"", "config.toml:2: collector.reserve: invalid type"),
        ("[github]\ntimeout_secs = 0", "config.toml:2: github.timeout_secs: must be at least 1"),
        ("[github]\nuser_agent = \"\"", "config.toml:2: github.user_agent: invalid header"),
        ("[database]\npath = \"\"", "config.toml:2: database.path: must not be empty"),
        ("[sources]\norgs = [\"-x\"]", "config.toml:2: sources.orgs: invalid login \"-x\""),
        ("[sources]\ninclude_forks = 1", "config.toml:2: sources.include_forks: invalid type"),
        ("github = 3", "config.toml:1: github: must be a table"),
    ];
    for (file, start) in cases {
        let message = error(file, &[]);
        assert!(message.starts_with(start), "{message}");
    }
}

#[test]
fn unknown_keys_in_the_file_are_named_with_the_expected_ones() {
    assert_eq!(
        error("[github]\ntokn = \"x\"\n", &[]),
        "config.toml:2: unknown key github.tokn (expected one of api_url, app_id, graphql_url, \
         installation_id, timeout_secs, user_agent)"
    );
    let message = error("[githb]\napi_url = \"x\"\n", &[]);
    assert!(message.starts_with("config.toml:1: unknown section githb (expected one of"));
}

#[test]
fn a_token_in_the_file_is_rejected_in_favour_of_the_environment() {
    let message = error("[github]\ntoken = \"ghp_secret\"\n", &[]);
    assert!(message.starts_with("config.toml:2: github.token cannot be configured here"));
    assert!(message.contains("GITHUB_TOKEN") && !message.contains("ghp_secret"));
    let message = error("", &[("UPKEEP_GITHUB__TOKEN", "ghp_secret")]);
    assert!(message.starts_with("UPKEEP_GITHUB__TOKEN: github.token cannot be configured"));
}

#[test]
fn a_private_key_in_the_file_is_refused_without_showing_it() {
    for key in ["private_key", "private_key_file", "key"] {
        let message = error(&format!("[github]\napp_id = 1\ninstallation_id = 2\n{key} = \"-----BEGIN RSA\"\n"), &[]);
        assert!(message.starts_with(&format!("config.toml:4: github.{key} cannot be configured here")), "{message}");
        assert!(message.contains("UPKEEP_GITHUB_APP_KEY") && !message.contains("BEGIN"), "{message}");
    }
    let message = error("", &[("UPKEEP_GITHUB__PRIVATE_KEY", "-----BEGIN RSA")]);
    assert!(message.starts_with("UPKEEP_GITHUB__PRIVATE_KEY: github.private_key cannot be configured"), "{message}");
}

#[test]
fn app_id_and_installation_id_go_together() {
    let message = error("[github]\napp_id = 12\n", &[]);
    assert_eq!(
        message,
        "config.toml:2: github.app_id: needs github.installation_id as well: a GitHub App acts as one of its \
         installations, so set both (or neither)"
    );
    let message = error("", &[("UPKEEP_GITHUB__INSTALLATION_ID", "5")]);
    assert!(message.starts_with("UPKEEP_GITHUB__INSTALLATION_ID: needs github.app_id as well"), "{message}");
    let config = with_env("[github]\napp_id = 12\n", &[("UPKEEP_GITHUB__INSTALLATION_ID", "5")]);
    assert_eq!((config.github.app_id, config.github.installation_id), (Some(12), Some(5)));
    let message = error("[github]\napp_id = \"twelve\"\ninstallation_id = 5\n", &[]);
    assert!(message.starts_with("config.toml:2: github.app_id:"), "{message}");
}

#[test]
fn the_app_key_variables_are_not_taken_for_misspelt_overrides() {
    let config = with_env("", &[("UPKEEP_GITHUB_APP_KEY", "pem"), ("UPKEEP_GITHUB_APP_KEY_FILE", "/k.pem")]);
    assert_eq!(config, Config::default());
}

#[test]
fn unknown_env_overrides_are_named() {
    let message = error("", &[("UPKEEP_GITHUB__TOKN", "x")]);
    assert!(message.starts_with("UPKEEP_GITHUB__TOKN: unknown key github.tokn (expected"));
    let message = error("", &[("UPKEEP_GITHB__API_URL", "x")]);
    assert!(message.starts_with("UPKEEP_GITHB__API_URL: unknown section githb"));
    let message = error("", &[("UPKEEP_GITHUB_API_URL", "x")]);
    assert!(message.ends_with("did you mean UPKEEP_GITHUB__API_URL?"), "{message}");
}

#[test]
fn toml_syntax_errors_carry_the_line() {
    let message = error("[github]\napi_url = \"https://x\"\napi_url = \"https://y\"\n", &[]);
    assert!(message.starts_with("config.toml:3: invalid TOML: "), "{message}");
    let message = error("[github]\ntimeout_secs = \n", &[]);
    assert!(message.starts_with("config.toml:2: invalid TOML: "), "{message}");
}

#[test]
fn all_problems_are_reported_at_once_file_lines_first() {
    let file = "[server]\nbind = \"x\"\n[collector]\nschedule = \"x\"\n";
    let err = build(file, "config.toml", &vars(&[("UPKEEP_PEOPLE__X", "1")])).unwrap_err();
    let ConfigError::Invalid { problems } = err else { panic!("{err}") };
    let origins: Vec<String> = problems.iter().map(|p| p.origin.to_string()).collect();
    assert_eq!(origins, ["config.toml:2", "config.toml:4", "UPKEEP_PEOPLE__X"]);
}

#[test]
fn an_explicit_missing_file_is_an_error_and_an_implicit_one_means_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.toml");
    let explicit = ConfigSource { path: path.clone(), explicit: true };
    let err = load(&explicit, &[]).unwrap_err();
    assert!(matches!(err, ConfigError::NotFound { .. }));
    assert!(err.to_string().contains("nope.toml"), "{err}");
    let implicit = ConfigSource { path, explicit: false };
    assert_eq!(load(&implicit, &[]).unwrap(), Config::default());
}

#[test]
fn load_reads_the_file_and_names_it_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upkeep.toml");
    std::fs::write(&path, "[collector]\nreserve = 7\n").unwrap();
    let source = ConfigSource::from_arg(Some(path.clone()));
    assert_eq!(load(&source, &[]).unwrap().collector.reserve, 7);
    std::fs::write(&path, "\n[collector]\nreserve = -7\n").unwrap();
    let message = load(&source, &[]).unwrap_err().to_string();
    assert!(message.starts_with(&format!("{}:3: collector.reserve", path.display())));
}

#[test]
fn the_schema_knows_every_key_including_optional_ones() {
    let schema = schema();
    assert_eq!(keys_of(&schema).len(), 8);
    let funding = schema["funding"].as_table().unwrap();
    assert_eq!(keys_of(funding), ["grants", "manifests", "open_collective", "open_collective_url", "refresh_hours"]);
    assert_eq!(keys_of(schema["newcomers"].as_table().unwrap()), ["claim_days", "labels", "mentors"]);
    let github = schema["github"].as_table().unwrap();
    assert_eq!(keys_of(github), ["api_url", "app_id", "graphql_url", "installation_id", "timeout_secs", "user_agent"]);
    assert_eq!(schema["collector"].as_table().unwrap().len(), 9);
}

#[test]
fn manifest_urls_are_http_urls_per_repository_named_in_errors() {
    let file = "[funding.manifests]\n\"numpy/numpy\" = \"https://numpy.org/funding.json\"\n";
    let config = with_env(file, &[]);
    let url = config.funding.manifest_url("NumPy/numpy", "numpy/numpy").expect("found ignoring case");
    assert_eq!(url.as_str(), "https://numpy.org/funding.json");
    assert_eq!(config.funding.manifest_url("dask/dask", "dask/dask"), None);
    let printed = toml::to_string(&config).unwrap();
    assert_eq!(Config::from_toml_str(&printed, "printed").unwrap(), config);
    let env = with_env("", &[("UPKEEP_FUNDING__MANIFESTS", r#"{ "dask/dask" = "http://127.0.0.1:9/f.json" }"#)]);
    assert_eq!(env.funding.manifests.len(), 1);

    let message = error("[funding.manifests]\n\"numpy/numpy\" = \"ftp://numpy.org/funding.json\"\n", &[]);
    assert!(message.starts_with("config.toml:2: funding.manifests"), "{message}");
    assert!(message.contains("must start with http:// or https://") && message.contains("numpy/numpy"), "{message}");
    let message = error("[funding.manifests]\n\"numpy/numpy\" = \"https://u:p@numpy.org/funding.json\"\n", &[]);
    assert!(message.contains("must not contain credentials"), "{message}");
    let message = error("[funding.manifests]\n\"numpy\" = \"https://numpy.org/funding.json\"\n", &[]);
    assert!(message.contains("funding.manifests") && message.contains("\"numpy\""), "{message}");
}

#[test]
fn public_url_can_be_set_from_the_environment() {
    let config = with_env("", &[("UPKEEP_SERVER__PUBLIC_URL", "https://upkeep.example.org")]);
    assert_eq!(config.server.public_url.unwrap().as_str(), "https://upkeep.example.org/");
    let message = error("", &[("UPKEEP_SERVER__PUBLIC_URL", "not a url")]);
    assert!(message.starts_with("UPKEEP_SERVER__PUBLIC_URL"), "{message}");
}

#[test]
fn the_database_is_a_path_or_a_url_and_the_url_names_its_backend() {
    use crate::db::Location;
    assert_eq!(with_env("", &[]).database.location(), Ok(Location::Sqlite("upkeep.db".into())));
    let by_url = with_env("[database]\nurl = \"sqlite:///var/lib/upkeep/u.db\"\n", &[]);
    assert_eq!(by_url.database.location(), Ok(Location::Sqlite("/var/lib/upkeep/u.db".into())));
    let pg = with_env("", &[("UPKEEP_DATABASE__URL", "postgres://upkeep:s3cret@db.internal/upkeep")]);
    assert_eq!(pg.database.location().map(|l| l.redacted()), Ok("postgres://upkeep:***@db.internal/upkeep".into()));
    let message = error("[database]\nurl = \"mysql://u@h/d\"\n", &[]);
    assert!(message.starts_with("config.toml:2: database.url: expected sqlite://PATH or postgres://"), "{message}");
}

#[test]
fn a_database_password_in_the_file_is_refused_without_showing_it() {
    let message = error("[database]\nurl = \"postgres://upkeep:s3cret@db/upkeep\"\n", &[]);
    assert!(message.starts_with("config.toml:2: database.url: holds a password"), "{message}");
    assert!(message.contains("PGPASSWORD") && !message.contains("s3cret"), "{message}");
    // Without a password, or with it in the environment's URL, the file is fine.
    assert!(with_env("[database]\nurl = \"postgres://upkeep@db/upkeep\"\n", &[]).database.url.is_some());
}

#[test]
fn the_database_is_named_once() {
    let message = error("[database]\npath = \"a.db\"\nurl = \"sqlite://b.db\"\n", &[]);
    assert!(message.starts_with("config.toml:3: database.url: names the database a second time"), "{message}");
    let both = [("UPKEEP_DATABASE__PATH", "a.db"), ("UPKEEP_DATABASE__URL", "sqlite://b.db")];
    let message = error("", &both);
    assert!(message.starts_with("UPKEEP_DATABASE__URL: names the database a second time"), "{message}");
    // A URL in the environment overrides the file's path (the shipped config.toml sets one).
    let over = with_env("[database]\npath = \"a.db\"\n", &[("UPKEEP_DATABASE__URL", "sqlite://b.db")]);
    assert_eq!(over.database.location(), Ok(crate::db::Location::Sqlite("b.db".into())));
}
