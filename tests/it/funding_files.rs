//! The funding steps that read files, against the simulated GitHub: FUNDING.yml (stored with its
//! issues, forgotten when gone, asked again after the interval), a configured funding.json URL
//! (never sent the token), grants in the configuration, and every simulated FUNDING.yml validated.
//! Sponsors and Open Collective are in `funding.rs`, whose helpers these share.

use crate::funding::{collect_one, latest_step, latest_step_row, repo_id};
use crate::helpers::{Store, config_for, sim_options, start_sim};
use upkeep::config::Config;
use upkeep::db::funding as store;
use upkeep::github::sync::Collector;

/// `(status, requests)` of a step in the latest run.
async fn latest_step_requests(store: &Store, scope: &str, resource: &str) -> (String, i64) {
    let (status, _, requests) = latest_step_row(store, scope, resource).await;
    (status, requests)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn funding_yml_files_are_stored_with_their_issues_and_a_resync_is_all_304s() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let collector = store.collector(&sim);
    let repos = ["atlas", "stardust", "halo", "pulsar"];
    for repo in repos {
        let summary = collect_one(&collector, repo).await;
        assert!(summary.failed_repos.is_empty(), "{summary:?}");
    }
    let pool = &store.db.pool;

    let atlas = repo_id(&store, "atlas").await;
    let file = store::get_funding_yml(pool, atlas).await.unwrap().expect("atlas has a FUNDING.yml");
    assert!(file.valid && file.raw.contains("\ngithub: upkeep-sim\n"), "{file:?}");
    assert!(file.path.ends_with("/upkeep-sim/atlas/blob/main/.github/FUNDING.yml"), "{}", file.path);
    assert_eq!(store::list_funding_yml_issues(pool, atlas).await.unwrap(), vec![]);
    assert_eq!(latest_step_requests(&store, "atlas", "funding_yml").await, ("ok".to_owned(), 1));

    let stardust = repo_id(&store, "stardust").await;
    assert!(store::get_funding_yml(pool, stardust).await.unwrap().expect("stored").valid, "warnings only");
    let issues = store::list_funding_yml_issues(pool, stardust).await.unwrap();
    let found: Vec<(&str, &str)> = issues.iter().map(|i| (i.severity.as_str(), i.key.as_str())).collect();
    assert_eq!(found, [("warning", "otechie")]);

    let halo = repo_id(&store, "halo").await;
    let broken = store::get_funding_yml(pool, halo).await.unwrap().expect("stored even though not YAML");
    assert!(!broken.valid && broken.raw.contains("lighting rig fund: https://"), "{broken:?}");
    let issues = store::list_funding_yml_issues(pool, halo).await.unwrap();
    assert_eq!(issues.len(), 1, "{issues:?}");
    let issue = &issues[0];
    assert_eq!((issue.severity.as_str(), issue.key.as_str()), ("error", ""));
    assert_eq!((issue.line, issue.col), (Some(4), Some(40)), "the `: ` inside the custom value");
    assert!(issue.message.starts_with("not valid YAML"), "{}", issue.message);
    assert!(store::list_funding_links(pool, halo).await.unwrap().is_empty(), "GitHub shows no links for it");

    let pulsar = repo_id(&store, "pulsar").await;
    assert!(store::get_funding_yml(pool, pulsar).await.unwrap().is_none());
    assert_eq!(latest_step_requests(&store, "pulsar", "funding_yml").await, ("ok".to_owned(), 1), "a 404");

    for repo in repos {
        let again = collect_one(&collector, repo).await;
        assert_eq!(again.requests, again.not_modified, "{repo}: inside refresh_hours only 304s");
        assert_eq!(again.items_written, 0, "{repo}");
    }
    assert_eq!(latest_step_requests(&store, "atlas", "funding_yml").await, ("not_modified".to_owned(), 1));
    assert_eq!(latest_step_requests(&store, "halo", "funding_yml").await, ("not_modified".to_owned(), 1));
    assert_eq!(latest_step_requests(&store, "pulsar", "funding_yml").await, ("skipped".to_owned(), 0));
    assert_eq!(store::get_funding_yml(pool, halo).await.unwrap(), Some(broken));
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_funding_yml_that_is_gone_is_forgotten_and_a_missing_one_is_asked_again_after_the_interval() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let mut config = config_for(&sim.url(), &store.path());
    config.funding.refresh_hours = 0;
    let collector = store.collector_with(config);
    collect_one(&collector, "pulsar").await;
    let pulsar = repo_id(&store, "pulsar").await;
    // A copy from when pulsar had a file: GitHub now answers 404 for it.
    let row = store::FundingYmlRow { repo_id: pulsar, path: "old".into(), raw: "github: [a\n".into(), valid: false };
    let issue = store::FundingYmlIssueRow {
        repo_id: pulsar,
        seq: 0,
        severity: "error".into(),
        key: String::new(),
        message: "not valid YAML".into(),
        line: Some(1),
        col: Some(11),
    };
    let mut tx = store.db.begin_write().await.unwrap();
    store::replace_funding_yml(&mut tx, &row, &[issue]).await.unwrap();
    tx.commit().await.unwrap();

    collect_one(&collector, "pulsar").await;
    assert_eq!(latest_step_requests(&store, "pulsar", "funding_yml").await, ("ok".to_owned(), 1));
    assert!(store::get_funding_yml(&store.db.pool, pulsar).await.unwrap().is_none(), "the copy is deleted");
    assert!(store::list_funding_yml_issues(&store.db.pool, pulsar).await.unwrap().is_empty());
    collect_one(&collector, "pulsar").await;
    assert_eq!(latest_step_requests(&store, "pulsar", "funding_yml").await, ("ok".to_owned(), 1), "asked again");
    sim.stop().await;
}

/// A collector that carries a GitHub token, against a simulator that requires it.
fn collector_with_token(store: &Store, config: Config) -> Collector {
    let token = secrecy::SecretString::from("github-only".to_owned());
    Collector::with_token(std::sync::Arc::new(config), store.db.clone(), Some(token)).expect("collector")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_manifest_url_replaces_the_root_file_and_never_gets_the_token() {
    let mut opts = sim_options();
    opts.require_token = Some("github-only".into());
    let sim = start_sim(opts).await;
    let store = Store::new().await;
    let mut config = config_for(&sim.url(), &store.path());
    let url = |name: &str| format!("{}/manifests/{name}/funding.json", sim.url());
    config.funding.manifests.insert("upkeep-sim/pulsar".parse().unwrap(), url("atlas").parse().unwrap());
    config.funding.manifests.insert("upkeep-sim/halo".parse().unwrap(), url("orbit").parse().unwrap());
    let collector = collector_with_token(&store, config.clone());
    for repo in ["pulsar", "halo"] {
        let summary = collect_one(&collector, repo).await;
        assert!(summary.failed_repos.is_empty(), "{summary:?}");
    }
    let pool = &store.db.pool;
    let pulsar = repo_id(&store, "pulsar").await;
    let manifest = store::get_manifest(pool, pulsar).await.unwrap().expect("pulsar's configured manifest");
    assert!(manifest.valid && manifest.url == url("atlas") && manifest.raw.contains("x-fiscal-host"));
    let halo = repo_id(&store, "halo").await;
    let broken = store::get_manifest(pool, halo).await.unwrap().expect("stored even though not JSON");
    assert!(!broken.valid && broken.parsed.is_none());
    let issues = store::list_manifest_issues(pool, halo).await.unwrap();
    assert!(issues.len() == 1 && issues[0].line.is_some(), "{issues:?}");
    let stats = sim.stats();
    assert_eq!(stats.foreign_tokens, 0, "the GitHub token is never sent to another host");
    assert_eq!(stats.by_route["GET /manifests/{name}/funding.json"], 2);
    // The contents API is asked for .github/FUNDING.yml and .github/upkeep-affiliations.toml
    // alone (once each per repository), never for the root funding.json.
    let contents = stats.by_route.get("GET /repos/{o}/{r}/contents/{path}").copied();
    assert_eq!(contents, Some(4), "the root funding.json is not asked for");

    collect_one(&collector, "pulsar").await;
    assert_eq!(latest_step(&store, "pulsar", "manifest").await, ("not_modified".to_owned(), None));
    assert_eq!(sim.stats().foreign_tokens, 0);

    config.funding.manifests.insert("upkeep-sim/pulsar".parse().unwrap(), url("no-such-repo").parse().unwrap());
    let summary = collect_one(&collector_with_token(&store, config), "pulsar").await;
    assert!(summary.failed_repos.is_empty(), "the repository is not failed: {summary:?}");
    let (status, error) = latest_step(&store, "pulsar", "manifest").await;
    assert_eq!(status, "failed");
    assert!(error.as_deref().is_some_and(|e| e.contains("no-such-repo") && e.contains("404")), "{error:?}");
    assert_eq!(store::get_manifest(pool, pulsar).await.unwrap(), Some(manifest), "the last good copy stays");
    sim.stop().await;
}

#[test]
fn grants_in_the_config_are_validated_with_the_key_named() {
    let good = "[[funding.grants]]\nfunder = \"STF\"\namount = 5000\ncurrency = \"EUR\"\nstart = \"2026-01-01\"\nend = \"2026-12-31\"\n";
    let config = Config::from_toml_str(good, "config.toml").expect("a valid grant");
    assert_eq!(config.funding.grants.len(), 1);
    assert_eq!(config.funding.grants[0].amount.currency.as_str(), "EUR");
    let bad = good.replace("amount = 5000", "amount = -5");
    let message = Config::from_toml_str(&bad, "config.toml").unwrap_err().to_string();
    assert!(message.contains("funding.grants") && message.contains("amount"), "{message}");
    assert_eq!(Config::from_toml_str("", "config.toml").unwrap(), Config::default());
}

/// Every simulated FUNDING.yml, read as the collector reads it (the contents API, base64) and
/// checked by the collector's validator: halo's is not YAML, stardust's names one unknown
/// platform, every other file is clean. (The simulator's own test checks the files' text; what
/// the product makes of them is tested here, since the simulator depends on nothing of it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_simulated_funding_yml_validates_as_the_simulator_means_it() {
    use upkeep::funding::{Severity, validate_funding_yml};
    let sim = start_sim(sim_options()).await;
    let mut files = 0;
    for repo in sim.totals().iter().map(|t| t.name.clone()) {
        let url = format!("{}/repos/upkeep-sim/{repo}/contents/.github/FUNDING.yml", sim.url());
        let (status, body) = crate::helpers::get(&url).await;
        if status == 404 {
            continue;
        }
        assert_eq!(status, 200, "{repo}: {body}");
        let file: upkeep::github::wire::ContentFile = serde_json::from_str(&body).unwrap();
        let text = String::from_utf8(file.decoded().expect("base64")).unwrap();
        let issues = validate_funding_yml(&text);
        match repo.as_str() {
            "halo" => {
                assert!(issues.len() == 1 && issues[0].severity == Severity::Error, "{issues:?}");
                assert_eq!((issues[0].line, issues[0].column), (Some(4), Some(40)), "{issues:?}");
            }
            "stardust" => {
                let keys: Vec<(Severity, &str)> = issues.iter().map(|i| (i.severity, i.key.as_str())).collect();
                assert_eq!(keys, [(Severity::Warning, "otechie")]);
            }
            _ => assert_eq!(issues, vec![], "{repo}: {text:?}"),
        }
        files += 1;
    }
    assert!(files >= 4, "the simulated organisation serves FUNDING.yml files: {files}");
    sim.stop().await;
}
