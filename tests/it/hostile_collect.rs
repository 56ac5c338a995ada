//! `upkeep collect`, the real binary, against the simulator in each hostile mode
//! (`crates/upkeep-sim/src/hostile.rs`): every run ends within its bound, says what went wrong, exits non-zero
//! when data is missing, and stays far below 300 MB of memory (peak RSS read from /proc while
//! it runs).

use std::{
    process::Stdio,
    time::{Duration, Instant},
};

use upkeep_sim::hostile::Hostility;

use crate::helpers::{Store, sim_options, start_sim};

/// What one hostile run did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    seconds: f64,
    peak_rss_mb: f64,
}

async fn collect_against(modes: Vec<Hostility>, repo: &str) -> Run {
    let mut opts = sim_options();
    opts.hostile = modes;
    let sim = start_sim(opts).await;
    let store = Store::new().await;
    let config = store.dir.path().join("empty.toml");
    std::fs::write(&config, "").unwrap();
    let sim_url = sim.url();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_upkeep"))
        .args(["--config", config.to_str().unwrap(), "collect", "--json", "--repo", repo])
        .env("UPKEEP_GITHUB__API_URL", &sim_url)
        .env("UPKEEP_GITHUB__TIMEOUT_SECS", "2")
        .env("UPKEEP_FUNDING__OPEN_COLLECTIVE_URL", format!("{sim_url}/opencollective/graphql/v2"))
        .env("UPKEEP_SOURCES__REPOS", "")
        .env("UPKEEP_DATABASE__URL", store.url())
        .env("UPKEEP_COLLECTOR__RESERVE", "0")
        .env("UPKEEP_COLLECTOR__MAX_RETRIES", "2")
        .env("UPKEEP_COLLECTOR__BACKOFF_BASE_MS", "1")
        .env("UPKEEP_COLLECTOR__BACKOFF_MAX_SECS", "1")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn upkeep collect");
    let pid = child.id().expect("pid");
    let started = Instant::now();
    let mut peak_kb = 0u64;
    let status = loop {
        if let Some(kb) = peak_rss_kb(pid) {
            peak_kb = peak_kb.max(kb);
        }
        tokio::select! {
            status = child.wait() => break status.expect("wait"),
            _ = tokio::time::sleep(Duration::from_millis(50)) => {}
        }
        assert!(started.elapsed() < Duration::from_secs(120), "collect did not end within 120 s");
    };
    let output = child.wait_with_output().await.expect("output");
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        seconds: started.elapsed().as_secs_f64(),
        peak_rss_mb: peak_kb as f64 / 1024.0,
    }
}

/// `VmHWM` (peak resident set) of a live process, in KiB.
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn report(mode: &str, run: &Run) {
    eprintln!(
        "hostile {mode}: exit {:?} in {:.1} s, peak RSS {:.0} MB\n  stdout: {}",
        run.code,
        run.seconds,
        run.peak_rss_mb,
        run.stdout.trim()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn millisecond_resets_and_graphql_timeouts_are_survived_and_the_sync_completes() {
    let run = collect_against(vec![Hostility::MillisReset, Hostility::GraphqlErrors], "upkeep-sim/atlas").await;
    report("millis-reset,graphql-errors", &run);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.seconds < 60.0);
    assert!(run.peak_rss_mb < 300.0, "{:.0} MB", run.peak_rss_mb);
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).expect("--json");
    assert_eq!(summary["failed_repos"], serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickling_listing_is_cut_at_the_deadline_and_the_repository_reported_failed() {
    let run = collect_against(vec![Hostility::Trickle], "upkeep-sim/atlas").await;
    report("trickle", &run);
    // Three attempts of a 2 s exchange deadline, not 10,000 bytes at 100 ms (17 minutes) each.
    assert!(run.seconds < 40.0, "{:.1} s", run.seconds);
    assert_ne!(run.code, Some(0), "data is missing: never success");
    assert!(run.peak_rss_mb < 300.0, "{:.0} MB", run.peak_rss_mb);
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).expect("--json");
    assert_eq!(summary["failed_repos"], serde_json::json!(["upkeep-sim/atlas"]));
    assert!(run.stderr.contains("no complete answer within 2 s"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_without_end_is_cut_at_the_size_cap_and_memory_stays_bounded() {
    let run = collect_against(vec![Hostility::Oversize], "upkeep-sim/atlas").await;
    report("oversize", &run);
    assert!(run.seconds < 40.0, "{:.1} s", run.seconds);
    assert_ne!(run.code, Some(0), "data is missing: never success");
    assert!(run.peak_rss_mb < 300.0, "{:.0} MB", run.peak_rss_mb);
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).expect("--json");
    assert_eq!(summary["failed_repos"], serde_json::json!(["upkeep-sim/atlas"]));
    assert!(run.stderr.contains("larger than 67108864 bytes"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_whose_next_link_never_ends_stops_after_three_pages_of_nothing_new() {
    let run = collect_against(vec![Hostility::EndlessNext], "upkeep-sim/atlas").await;
    report("endless-next", &run);
    assert!(run.seconds < 30.0, "{:.1} s", run.seconds);
    assert_eq!(run.code, Some(1), "data is missing: never success");
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).expect("--json");
    assert_eq!(summary["failed_repos"], serde_json::json!(["upkeep-sim/atlas"]));
    assert!(run.stderr.contains("3 pages in a row brought only items already seen"), "{}", run.stderr);
    assert!(summary["requests"].as_u64().unwrap() < 200, "{summary}");
}
