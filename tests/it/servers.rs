//! Web servers that agree (issue #14): two `upkeep serve` processes on one PostgreSQL database,
//! their render caches warm, and a sync finished by a third process, `upkeep collect`. Both
//! servers must show the new data within a bounded wait: each re-reads the data version
//! (`db::runs::data_version`, which moves when any process starts or finishes a run, and with
//! each repository it finishes) at most once per `VERSION_CHECK` (1 s) when asked for a page, and
//! its refresher looks every 2 s and re-renders the pages it holds. And a repository synced by a
//! collector killed before its run ends reaches a cached page all the same (both backends).
//!
//! PostgreSQL is reached through `UPKEEP_TEST_POSTGRES_URL` (`.ci/postgres.sh start` prints it;
//! `.ci/run` sets it). Without it the two-server test says so and passes: the README's
//! `cargo test` needs no server.

use std::{
    process::Stdio,
    time::{Duration, Instant},
};

use tokio::io::{AsyncBufReadExt, BufReader};

use crate::helpers::{
    Store, collect, collect_command, config_for, get, select, sim_options, spawn_app, start_sim, wait_for,
};

const REPO: &str = "upkeep-sim/comet";
/// How long a server may take to show a sync another process finished: the version check (1 s),
/// the refresher's look (2 s) and a re-render, with room for a loaded CI machine.
const AGREE_WITHIN: Duration = Duration::from_secs(20);

/// A running `upkeep serve`, killed when dropped; its log is printed if the test fails.
struct Server {
    url: String,
    log: std::path::PathBuf,
    _child: tokio::process::Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!("--- the last lines of {}:", self.log.display());
            for line in tail.into_iter().rev() {
                eprintln!("{line}");
            }
        }
    }
}

/// `upkeep --config CONFIG serve` on a free port; waits (at most 60 s) for the line naming its
/// address.
async fn serve(config: &std::path::Path, log: std::path::PathBuf) -> Server {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_upkeep"))
        .args(["--config", config.to_str().expect("a UTF-8 path"), "serve"])
        .env("RUST_LOG", "upkeep=info")
        .env_remove("GITHUB_TOKENS")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("a log file"))
        .kill_on_drop(true)
        .spawn()
        .expect("upkeep serve starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("serve names its address within 60 s")
        .expect("stdout reads")
        .expect("a first line");
    let url = first.split("serving on ").nth(1).expect("the address").trim().to_owned();
    // Keep draining stdout so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Server { url, log, _child: child }
}

/// `upkeep_render_cache_total{outcome="…"}` from `/metrics`.
async fn cache_counter(app: &str, outcome: &str) -> u64 {
    let (status, body) = get(&format!("{app}/metrics")).await;
    assert_eq!(status, 200);
    let prefix = format!("upkeep_render_cache_total{{outcome=\"{outcome}\"}} ");
    body.lines().find_map(|l| l.strip_prefix(&prefix)).and_then(|v| v.parse().ok()).expect("the counter is exported")
}

/// The repositories the overview lists.
async fn overview_repos(app: &str) -> Vec<String> {
    let (status, body) = get(&format!("{app}/")).await;
    assert_eq!(status, 200, "{body}");
    let doc = scraper::Html::parse_document(&body);
    select(&doc, "#repos tbody tr td:first-child a")
        .iter()
        .map(|a| a.text().collect::<String>().trim().to_owned())
        .collect()
}

/// The trigger of the newest run `/api/v1/status` lists.
async fn newest_run_trigger(app: &str) -> Option<String> {
    let (status, body) = get(&format!("{app}/api/v1/status")).await;
    let json: serde_json::Value = serde_json::from_str(&body).ok().filter(|_| status == 200)?;
    json["runs"][0]["trigger"].as_str().map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_database_both_show_a_sync_another_process_finished() {
    if upkeep::scratch::postgres_url().is_none() {
        eprintln!("not run: UPKEEP_TEST_POSTGRES_URL names no PostgreSQL server (.ci/run sets it)");
        return;
    }
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let first = collect(&store.collector_with(config_for(&sim.url(), &store.path()))).await;
    assert!(first.complete(), "{first:?}");

    // Two servers on the store: no sync at start, and a schedule that never fires in this test.
    let config = store.dir.path().join("serve.toml");
    let sim_url = sim.url();
    std::fs::write(
        &config,
        format!(
            "[github]\napi_url = \"{sim_url}\"\n[funding]\nopen_collective_url = \
             \"{sim_url}/opencollective/graphql/v2\"\n[sources]\norgs = [\"upkeep-sim\"]\ninclude_archived = true\n\
             [database]\nurl = \"{}\"\n[server]\nbind = \"127.0.0.1:0\"\n[collector]\nsync_on_start = false\n\
             schedule = \"0 0 0 1 1 * 2099\"\n",
            store.url()
        ),
    )
    .unwrap();
    let servers = [
        serve(&config, store.dir.path().join("serve-a.log")).await,
        serve(&config, store.dir.path().join("serve-b.log")).await,
    ];

    // Warm both caches: the overview, comet's page and the status answer, each asked twice; the
    // second answer of the overview comes from the cache.
    for server in &servers {
        let app = &server.url;
        assert!(overview_repos(app).await.iter().any(|r| r == REPO), "{app} lists {REPO}");
        assert_eq!(get(&format!("{app}/repos/{REPO}")).await.0, 200);
        assert_eq!(newest_run_trigger(app).await.as_deref(), Some("test"));
        let fresh = cache_counter(app, "fresh").await;
        assert!(overview_repos(app).await.iter().any(|r| r == REPO));
        assert_eq!(cache_counter(app, "fresh").await, fresh + 1, "{app} answered the overview from its cache");
    }

    // The data changes (comet turns private), and a third process syncs it.
    sim.set_private("comet", true);
    let mut cmd = collect_command(&config, &sim_url, &store.url(), &["--json"]);
    cmd.env("UPKEEP_SOURCES__INCLUDE_ARCHIVED", "true");
    let out = tokio::time::timeout(Duration::from_secs(120), cmd.output()).await.expect("collect ends").expect("runs");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json prints one object");
    assert_eq!(out.status.code(), Some(0), "{summary}\n{}", String::from_utf8_lossy(&out.stderr));
    let synced = Instant::now();

    // Both servers show it, within the bound; each measured from the collect's exit.
    for server in &servers {
        let app = &server.url;
        wait_for(&format!("{app} to show the sync"), AGREE_WITHIN, async || {
            let gone = !overview_repos(app).await.iter().any(|r| r == REPO);
            let page = get(&format!("{app}/repos/{REPO}")).await.0;
            let run = newest_run_trigger(app).await;
            (gone && page == 404 && run.as_deref() == Some("cli")).then_some(())
        })
        .await;
        eprintln!("{app} showed the sync {:.1} s after the collect exited", synced.elapsed().as_secs_f64());
    }
    // And both list the same repositories.
    let [a, b] = &servers;
    let listed = overview_repos(&a.url).await;
    assert_eq!(listed.len(), 11, "{listed:?}");
    assert_eq!(listed, overview_repos(&b.url).await);
}

/// `open_issues` of a repository's JSON on `app`.
async fn open_issues(app: &str, repo: &str) -> i64 {
    let (status, body) = get(&format!("{app}/api/v1/repos/{repo}")).await;
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    json["open_issues"].as_i64().expect("open_issues")
}

/// A collector killed mid-run never finishes its run, but the repositories it finished before
/// reach a server's cached pages without the cache's 5 minutes: the data version moves with each
/// repository's recorded outcome, not only with a run's start and end. The run is kept open by a
/// simulated GitHub that answers slowly (`latency_ms`), and the collector (another process) is
/// killed once the page has changed, its run still `running`. On both backends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repository_synced_in_a_run_that_never_finishes_reaches_a_cached_page() {
    const ATLAS: &str = "upkeep-sim/atlas";
    let fast = start_sim(sim_options()).await;
    let store = Store::new().await;
    let config = config_for(&fast.url(), &store.path());
    let first = collect(&store.collector_with(config.clone())).await;
    assert!(first.complete(), "{first:?}");
    let app = spawn_app(config, store.db.clone()).await;
    let before = open_issues(&app, ATLAS).await;
    let fresh = cache_counter(&app, "fresh").await;
    assert_eq!(open_issues(&app, ATLAS).await, before);
    assert_eq!(cache_counter(&app, "fresh").await, fresh + 1, "the answer is cached");

    // The same GitHub (same seed), slow, where an issue of atlas was reopened a day later: atlas
    // is the newest update, so the listing (sorted by update) puts it first in the run, and the
    // other eleven repositories keep the run open for several seconds more.
    let mut opts = sim_options();
    opts.latency_ms = 150;
    let slow = start_sim(opts).await;
    slow.advance(1.0, 0.0);
    let closed = slow.item_states("atlas").into_iter().find(|i| !i.is_pull_request && i.done).expect("a closed issue");
    assert!(slow.reopen_issue("atlas", closed.number));

    let config_file = store.dir.path().join("collect.toml");
    std::fs::write(&config_file, "[sources]\ninclude_archived = true\n").unwrap();
    let mut collector = collect_command(&config_file, &slow.url(), &store.url(), &[]).spawn().expect("collect starts");
    let started = Instant::now();
    wait_for("the page to show atlas's reopened issue", AGREE_WITHIN, async || {
        (open_issues(&app, ATLAS).await == before + 1).then_some(())
    })
    .await;
    let open_runs: i64 = upkeep::db::sql::query_scalar("SELECT COUNT(*) FROM sync_runs WHERE finished_at IS NULL")
        .fetch_one(&store.db.pool)
        .await
        .unwrap();
    collector.start_kill().expect("kill -9");
    let _ = collector.wait().await;
    eprintln!(
        "the page changed {:.1} s after the collect started, its run still open",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(open_runs, 1, "the change was seen while the run was still running");
    let run: (String, Option<i64>) =
        upkeep::db::sql::query_as("SELECT status, finished_at FROM sync_runs ORDER BY id DESC LIMIT 1")
            .fetch_one(&store.db.pool)
            .await
            .unwrap();
    assert_eq!(run, ("running".to_owned(), None), "killed: the run never finished");
}
