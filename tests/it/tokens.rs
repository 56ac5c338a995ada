//! Several tokens and GitHub Apps against the simulator: the work spread over tokens within
//! each one's budget, waiting only when all are spent, a rejected token dropped by its
//! position, ETags sent only with the token that fetched them, and an App's installation
//! tokens asked for, renewed and refused.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use upkeep::config::{AppCredentials, Config, Credentials};
use upkeep::github::sync::{CollectSummary, Collector, RunOptions};
use upkeep_sim::{SimApp, SimOptions, SimServer};

use crate::helpers::{Store, collect, config_for, sim_options, start_sim};

const GOOD: [&str; 3] = ["ghp_tokenAAAAAAAAAAAA", "ghp_tokenBBBBBBBBBBBB", "ghp_tokenCCCCCCCCCCCC"];
const PRIVATE_KEY: &str = include_str!("../fixtures/github-app/test-app-key.pem");
const PUBLIC_KEY: &str = include_str!("../fixtures/github-app/test-app-key.pub.pem");
const OTHER_KEY: &str = include_str!("../fixtures/github-app/other-key.pem");

fn tokens(list: &[&str]) -> Credentials {
    Credentials::Tokens { var: "GITHUB_TOKENS", tokens: list.iter().map(|t| SecretString::from(*t)).collect() }
}

fn sim_with_tokens(limit: u32, window_secs: u64) -> SimOptions {
    let mut opts = sim_options();
    opts.tokens = GOOD.iter().map(|t| (*t).to_owned()).collect();
    opts.rate_limit = limit;
    opts.rate_window_secs = window_secs;
    opts
}

fn collector(store: &Store, config: Config, credentials: Credentials) -> Collector {
    Collector::with_credentials(Arc::new(config), store.db.clone(), credentials).expect("collector")
}

/// A run that may not wait past `secs` seconds: a rate-limit wait longer than that stops it.
async fn collect_within(collector: &Collector, secs: u64) -> CollectSummary {
    let opts = RunOptions {
        only_repo: None,
        trigger: "test".to_owned(),
        show_progress: false,
        timeout: Some(Duration::from_secs(secs)),
    };
    collector.run(&opts).await.expect("the run is recorded")
}

/// Requests each caller made, in `GOOD`'s order.
fn by_token(sim: &SimServer) -> Vec<u64> {
    let stats = sim.stats();
    GOOD.iter().map(|t| stats.by_caller.get(*t).copied().unwrap_or(0)).collect()
}

/// How many requests one token's full sync of the simulated org takes.
async fn one_token_sync_requests() -> u64 {
    let sim = start_sim(sim_with_tokens(100_000, 3_600)).await;
    let store = Store::new().await;
    let summary = collect(&collector(&store, config_for(&sim.url(), &store.path()), tokens(&GOOD[..1]))).await;
    assert!(summary.complete(), "{summary:?}");
    assert_eq!(by_token(&sim)[0], summary.requests, "the sim counted what the collector did");
    summary.requests
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_tokens_share_a_full_sync_each_within_its_own_budget_without_waiting() {
    let one = one_token_sync_requests().await;
    // Each token alone could do about 40% of the sync; the three together can do all of it.
    let limit = (one * 2 / 5) as u32;
    let sim = start_sim(sim_with_tokens(limit, 3_600)).await;
    let store = Store::new().await;
    let summary = collect_within(&collector(&store, config_for(&sim.url(), &store.path()), tokens(&GOOD)), 120).await;

    assert!(summary.complete(), "no wait was needed (one would pass the deadline): {summary:?}");
    let used = by_token(&sim);
    eprintln!("one token: {one} requests; three tokens (limit {limit} each): {used:?}");
    assert!(used.iter().all(|&n| n > 0 && n <= u64::from(limit)), "each within its limit {limit}: {used:?}");
    assert_eq!(used.iter().sum::<u64>(), one, "the same requests as one token's sync, spread");
    assert_eq!(summary.requests, one);
    assert_eq!(sim.stats().rate_limited, 0, "no request was refused for the budget");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_token_is_spent_the_run_waits_for_the_earliest_reset_or_stops_at_its_deadline() {
    // Windows of 1 s: the run waits for resets and completes.
    let sim = start_sim(sim_with_tokens(40, 1)).await;
    let store = Store::new().await;
    let summary =
        collect_within(&collector(&store, config_for(&sim.url(), &store.path()), tokens(&GOOD[..2])), 120).await;
    assert!(summary.complete(), "{summary:?}");
    assert!(summary.requests > 80, "more than both budgets: the run waited for resets ({})", summary.requests);
    assert_eq!(sim.stats().rate_limited, 0, "it waited rather than spend past the budget");

    // Windows of an hour: the wait would pass the deadline, so the run stops and says until when.
    let sim = start_sim(sim_with_tokens(40, 3_600)).await;
    let store = Store::new().await;
    let started = std::time::Instant::now();
    let summary =
        collect_within(&collector(&store, config_for(&sim.url(), &store.path()), tokens(&GOOD[..2])), 60).await;
    assert!(started.elapsed() < Duration::from_secs(60), "it did not sleep: {:?}", started.elapsed());
    let error = summary.error.clone().unwrap_or_default();
    assert!(error.contains("rate limit is spent until"), "{summary:?}");
    let used = by_token(&sim);
    assert!(used[0] >= 40 && used[1] >= 40, "both core budgets were used up first (GraphQL has its own): {used:?}");
    assert_eq!(sim.stats().rate_limited, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_is_named_by_position_and_the_sync_goes_on_with_the_others() {
    let sim = start_sim(sim_with_tokens(100_000, 3_600)).await;
    let store = Store::new().await;
    let bad = "ghp_revokedXXXXXXXXXX";
    let config = config_for(&sim.url(), &store.path());
    let collector = collector(&store, config, tokens(&[GOOD[0], bad, GOOD[1]]));
    let summary = collect(&collector).await;

    assert!(summary.complete(), "{summary:?}");
    let stats = sim.stats();
    assert_eq!(stats.unauthorized, 1, "the bad token was tried once, then left out");
    assert_eq!(stats.by_caller.get(bad), Some(&1));
    let rotation = collector_rotation(&collector);
    assert_eq!(rotation[1], ("GITHUB_TOKENS entry 2".to_owned(), true), "{rotation:?}");
    assert!(!rotation[0].1 && !rotation[2].1);

    // Out of rotation for that run only: the next run may try it once again (an unchanged
    // re-sync asks each resource of the token that holds its ETag, so it may not) and goes on.
    let again = collect(&collector).await;
    assert!(again.complete(), "{again:?}");
    let tried_again = sim.stats().unauthorized == 2;
    assert_eq!(collector_rotation(&collector)[1].1, tried_again, "rejected again only if tried again");

    // Every token rejected: the run stops with the clear message, naming the variable only.
    let store = Store::new().await;
    let all_bad = collector_for_bad_tokens(&sim, &store);
    let summary = collect(&all_bad).await;
    let error = summary.error.unwrap_or_default();
    assert!(error.contains("every token in GITHUB_TOKENS was rejected"), "{error}");
    assert!(error.contains("GITHUB_TOKENS entry 2"), "{error}");
    assert!(!error.contains("ghp_"), "no token value in the message: {error}");
}

fn collector_rotation(collector: &Collector) -> Vec<(String, bool)> {
    collector.credential_use().into_iter().map(|(label, _, rejected)| (label, rejected)).collect()
}

fn collector_for_bad_tokens(sim: &SimServer, store: &Store) -> Collector {
    collector(store, config_for(&sim.url(), &store.path()), tokens(&["ghp_wrongOne", "ghp_wrongTwo"]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_names_a_rejected_token_by_position_and_never_shows_a_token() {
    let mut opts = sim_with_tokens(100_000, 3_600);
    opts.scale = upkeep_sim::Scale::Small;
    let sim = start_sim(opts).await;
    let bad = "ghp_revokedYYYYYYYYYY";
    let list = format!(" {}, {bad},,{} ,{}", GOOD[0], GOOD[1], GOOD[0]);
    let (first, second) = (Store::new().await, Store::new().await);
    let (code, stderr) = run_cli(&sim.url(), &first.url(), &[("GITHUB_TOKENS", &list)]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("3 tokens from GITHUB_TOKENS"), "trimmed, empties and repeats dropped: {stderr}");
    assert!(stderr.contains("GITHUB_TOKENS entry 2"), "{stderr}");
    for token in [bad, GOOD[0], GOOD[1]] {
        assert!(!stderr.contains(token), "a token value in the log: {stderr}");
    }

    // GITHUB_TOKENS wins over GITHUB_TOKEN, and the log says which variable was used.
    let (code, stderr) = run_cli(&sim.url(), &second.url(), &[("GITHUB_TOKENS", GOOD[2]), ("GITHUB_TOKEN", bad)]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("the token in GITHUB_TOKENS"), "{stderr}");
    assert_eq!(sim.stats().by_caller.get(bad), Some(&1), "only the first run's one try of the bad token");
}

/// `upkeep collect` against `api_url` into the database at `db_url` ([`Store::url`]), with only
/// `env` for credentials; (exit code, stderr, the log included).
async fn run_cli(api_url: &str, db_url: &str, env: &[(&str, &str)]) -> (i32, String) {
    run_cli_with(api_url, db_url, "", env).await
}

async fn run_cli_with(api_url: &str, db_url: &str, config: &str, env: &[(&str, &str)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(&file, config).unwrap();
    let mut cmd = crate::helpers::collect_command(&file, api_url, db_url, &[]);
    cmd.env("RUST_LOG", "upkeep=info").envs(env.iter().copied());
    let out = tokio::time::timeout(Duration::from_secs(120), cmd.output()).await.expect("ends").expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_resync_with_two_tokens_is_all_304_and_no_etag_goes_with_another_token() {
    let sim = start_sim(sim_with_tokens(100_000, 3_600)).await;
    let store = Store::new().await;
    let collector = collector(&store, config_for(&sim.url(), &store.path()), tokens(&GOOD[..2]));
    let first = collect(&collector).await;
    assert!(first.complete(), "{first:?}");
    let used = by_token(&sim);
    assert!(used[0] > 0 && used[1] > 0, "both tokens worked: {used:?}");

    sim.reset_stats();
    let again = collect(&collector).await;
    let stats = sim.stats();
    eprintln!("re-sync with two tokens: {} requests, {} answered 304", again.requests, again.not_modified);
    assert!(again.requests > 0);
    assert_eq!(again.requests, again.not_modified, "every request of an unchanged re-sync is a 304");
    assert_eq!(stats.etags_of_another_caller, 0, "an ETag went out with a token that did not fetch it");
    let conditional: u64 = stats.conditional_by_caller.values().sum();
    assert_eq!(conditional, again.requests);

    // The stored ETags name their token by fingerprint, never by value.
    let etags: Vec<String> = sqlx::query_scalar("SELECT etag FROM sync_state WHERE etag LIKE 'tok:%'")
        .fetch_all(&store.db.pool)
        .await
        .unwrap();
    assert!(!etags.is_empty());
    assert!(etags.iter().all(|e| !GOOD.iter().any(|t| e.contains(t))));

    // With one of the two tokens gone, its ETags are not sent with the other: those resources
    // are fetched again, never asked conditionally with the wrong token.
    let store_b = Collector::with_credentials(
        Arc::new(config_for(&sim.url(), &store.path())),
        store.db.clone(),
        tokens(&GOOD[1..2]),
    )
    .unwrap();
    sim.reset_stats();
    let third = collect(&store_b).await;
    assert!(third.complete(), "{third:?}");
    let stats = sim.stats();
    assert_eq!(stats.etags_of_another_caller, 0);
    assert!(third.not_modified > 0 && third.not_modified < third.requests, "{third:?}");
}

fn app_sim(lifetime_secs: u64) -> SimOptions {
    let mut opts = sim_options();
    opts.app = Some(SimApp {
        app_id: 77,
        installation_id: 5,
        public_key_pem: PUBLIC_KEY.to_owned(),
        token_lifetime_secs: lifetime_secs,
    });
    opts
}

fn app_credentials(app_id: u64, key: &str) -> Credentials {
    Credentials::App(AppCredentials {
        app_id,
        installation_id: 5,
        key_pem: SecretString::from(key),
        key_var: "UPKEEP_GITHUB_APP_KEY",
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_syncs_on_installation_tokens_and_renews_them_before_they_expire_and_after_a_401() {
    // Tokens live 302 s: with 300 s kept in hand, each is renewed after 2 s.
    let sim = start_sim(app_sim(302)).await;
    let store = Store::new().await;
    let collector = collector(&store, config_for(&sim.url(), &store.path()), app_credentials(77, PRIVATE_KEY));
    let first = collect(&collector).await;
    assert!(first.complete(), "{first:?}");
    let stats = sim.stats();
    assert!(stats.installation_tokens >= 1);
    assert_eq!(stats.unauthorized, 0);
    let callers: Vec<&String> = stats.by_caller.keys().collect();
    assert_eq!(callers, ["installation 5"], "every GitHub request went with an installation token");

    tokio::time::sleep(Duration::from_secs(3)).await;
    sim.reset_stats();
    let second = collect(&collector).await;
    assert!(second.complete(), "{second:?}");
    let stats = sim.stats();
    assert!(stats.installation_tokens >= 1, "the token near its end was renewed before use");
    assert_eq!(stats.unauthorized, 0, "renewed before it expired, not after a 401");

    // Revoked early: the 401 renews it once and the run goes on.
    sim.revoke_installation_tokens();
    sim.reset_stats();
    let third = collect(&collector).await;
    assert!(third.complete(), "{third:?}");
    let stats = sim.stats();
    assert_eq!(stats.unauthorized, 1, "one 401, then a new token");
    assert!(stats.installation_tokens >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upkeep_collect_runs_as_the_app_with_its_key_from_a_file_and_says_the_tokens_are_ignored() {
    let sim = start_sim(app_sim(3_600)).await;
    let store = Store::new().await;
    let key_file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/github-app/test-app-key.pem");
    let env = [
        ("UPKEEP_GITHUB__APP_ID", "77"),
        ("UPKEEP_GITHUB__INSTALLATION_ID", "5"),
        ("UPKEEP_GITHUB_APP_KEY_FILE", key_file),
        ("GITHUB_TOKENS", GOOD[0]),
    ];
    let (code, stderr) = run_cli(&sim.url(), &store.url(), &env).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("it is used, and GITHUB_TOKENS ignored"), "{stderr}");
    assert!(stderr.contains("GitHub App 77 installation 5 (private key from UPKEEP_GITHUB_APP_KEY_FILE)"), "{stderr}");
    assert!(stderr.contains("renewed the GitHub App's installation token"), "{stderr}");
    assert!(!stderr.contains("BEGIN") && !stderr.contains(GOOD[0]) && !stderr.contains("ghs_"), "{stderr}");
    let stats = sim.stats();
    assert_eq!(stats.by_caller.keys().collect::<Vec<_>>(), ["installation 5"]);
    assert_eq!(stats.installation_tokens, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_or_app_id_stops_the_run_with_a_clear_error_and_a_bad_pem_never_starts() {
    let sim = start_sim(app_sim(3_600)).await;
    for (app_id, key) in [(77, OTHER_KEY), (78, PRIVATE_KEY)] {
        let store = Store::new().await;
        let collector = collector(&store, config_for(&sim.url(), &store.path()), app_credentials(app_id, key));
        let summary = collect(&collector).await;
        let error = summary.error.unwrap_or_default();
        assert!(error.contains(&format!("GitHub would not give GitHub App {app_id} a token")), "{error}");
        assert!(error.contains("UPKEEP_GITHUB_APP_KEY") && !error.contains("BEGIN"), "{error}");
        assert_eq!(summary.synced, 0);
    }
    assert_eq!(sim.stats().installation_tokens, 0);

    let store = Store::new().await;
    let config = Arc::new(config_for(&sim.url(), &store.path()));
    let not_pem = "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n";
    let err = Collector::with_credentials(config, store.db.clone(), app_credentials(77, not_pem)).err().unwrap();
    let message = err.to_string();
    assert!(message.contains("UPKEEP_GITHUB_APP_KEY: the GitHub App's private key"), "{message}");
    assert!(!message.contains("bm90IGEga2V5"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_settings_come_in_pairs_and_keys_only_from_the_environment_exit_2() {
    let store = Store::new().await;
    let db = store.url();
    let (code, stderr) = run_cli(BAD_URL, &db, &[("UPKEEP_GITHUB__APP_ID", "77")]).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("UPKEEP_GITHUB__APP_ID: needs github.installation_id as well"), "{stderr}");

    let (code, stderr) = run_cli_with(BAD_URL, &db, "[github]\nprivate_key = \"-----BEGIN RSA\"\n", &[]).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("github.private_key cannot be configured here") && !stderr.contains("BEGIN"), "{stderr}");

    let ids = [("UPKEEP_GITHUB__APP_ID", "77"), ("UPKEEP_GITHUB__INSTALLATION_ID", "5")];
    let (code, stderr) = run_cli(BAD_URL, &db, &ids).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("neither UPKEEP_GITHUB_APP_KEY"), "{stderr}");

    let missing = store.dir.path().join("missing.pem");
    let env = [ids[0], ids[1], ("UPKEEP_GITHUB_APP_KEY_FILE", missing.to_str().unwrap())];
    let (code, stderr) = run_cli(BAD_URL, &db, &env).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("UPKEEP_GITHUB_APP_KEY_FILE: cannot read"), "{stderr}");
}

/// No server: these runs stop at the configuration.
const BAD_URL: &str = "http://127.0.0.1:9";
