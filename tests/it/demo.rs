//! `upkeep demo` as a user runs it (the debug binary, on a free port, offline): after the first
//! sync the funder pages show a funded project and an unfunded one with trends, and as simulated
//! days pass the sponsor count moves.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{get, get_until, json, wait_for};

/// Stops the demo when the test ends, pass or fail: SIGTERM first (so it deletes its
/// database), then a kill if it has not exited within 10 s.
struct Demo(Child);

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `upkeep demo` on a free port, a simulated day every `tick_secs`, stdout piped.
fn spawn_demo(tick_secs: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_upkeep"))
        .args(["demo", "--port", "0", "--tick-secs", tick_secs])
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("upkeep demo starts")
}

fn start_demo() -> (Demo, String) {
    let mut child = spawn_demo("1");
    let stdout = child.stdout.take().expect("stdout");
    let demo = Demo(child);
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    let url = first.split("open ").nth(1).expect("the demo prints its URL").trim_end_matches('/').to_owned();
    // Keep draining stdout so the demo never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (demo, url)
}

fn project<'a>(v: &'a serde_json::Value, repo: &str) -> &'a serde_json::Value {
    let projects = v["projects"].as_array().expect("projects");
    projects.iter().find(|p| p["repo"] == repo).unwrap_or_else(|| panic!("{repo} listed"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_shows_a_funded_and_an_unfunded_project_whose_sponsor_count_moves() {
    let (_demo, url) = start_demo();
    let api = format!("{url}/api/v1/funding");
    wait_for("the first finished sync", Duration::from_secs(180), async || {
        let (status, body) = get(&format!("{url}/api/v1/status")).await;
        let v: serde_json::Value = serde_json::from_str(&body).ok().filter(|_| status == 200)?;
        let runs = v["runs"].as_array()?.clone();
        runs.iter().any(|r| r["status"] == "ok").then_some(())
    })
    .await;
    let first = json(&api).await;
    assert_eq!(first["projects"].as_array().map(Vec::len), Some(12));

    let atlas = project(&first, "upkeep-sim/atlas");
    let estimate = atlas["monthly_estimate"].as_array().expect("estimate");
    assert!(estimate.iter().any(|m| m["currency"] == "USD" && m["cents"].as_i64() > Some(0)), "{atlas}");
    assert!(atlas["sources"].as_array().unwrap().iter().any(|s| s["kind"] == "grant"), "the demo grant");
    let months: Vec<u64> = atlas["new_sponsorships"]
        .as_array()
        .expect("history")
        .iter()
        .map(|m| m["active"].as_u64().unwrap() + m["ended"].as_u64().unwrap())
        .collect();
    assert!(months.iter().filter(|n| **n > 0).count() >= 3, "new sponsors in several months: {months:?}");
    assert!(months.iter().min() != months.iter().max(), "the trend is not flat: {months:?}");

    let pulsar = project(&first, "upkeep-sim/pulsar");
    assert!(pulsar["sources"].as_array().unwrap().is_empty(), "{pulsar}");
    assert!(pulsar["monthly_estimate"].as_array().unwrap().is_empty());
    assert!(!pulsar["load_carriers"].as_array().unwrap().is_empty(), "someone carries pulsar unfunded");

    // The demo grant's page: one milestone done, one late, one on track (built from atlas's items).
    let grant = json(&format!("{url}/api/v1/funding/upkeep-sim/atlas/grants/{}", upkeep::demo::DEMO_GRANT_ID)).await;
    let statuses: Vec<&str> =
        grant["milestones"].as_array().unwrap().iter().filter_map(|m| m["status"].as_str()).collect();
    assert_eq!(statuses, ["done", "late", "on_track"], "{grant}");

    // Every tick is a simulated day and refreshes Sponsors: the count moves within a few weeks.
    wait_for("a second sponsor-count point", Duration::from_secs(240), async || {
        let v = json(&api).await;
        let trend = project(&v, "upkeep-sim/atlas")["sponsor_trend"].as_array()?.clone();
        (trend.len() >= 2).then_some(())
    })
    .await;
    // The ledger may first answer with its render from before the second point (pages are
    // re-rendered in the background after each sync).
    get_until(&format!("{url}/funding/upkeep-sim/atlas"), "the count line is drawn", |page| {
        page.contains("Public sponsors of upkeep-sim/atlas, as fetched")
    })
    .await;
}

/// SIGTERM (and Ctrl-C, the same path) stops the demo and deletes its database.
#[cfg(unix)]
#[test]
fn a_stopped_demo_deletes_its_database() {
    let mut child = spawn_demo("600");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut db = None;
    for line in lines.by_ref().take(8) {
        let line = line.unwrap();
        if let Some(rest) = line.trim().strip_prefix("database ") {
            db = rest.split(" (").next().map(std::path::PathBuf::from);
            break;
        }
    }
    let db = db.expect("the demo prints its database path");
    let start = Instant::now();
    while !db.exists() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(db.exists(), "{} exists while the demo runs", db.display());
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let exit = child.wait().unwrap();
    assert!(exit.success(), "the demo exits cleanly: {exit:?}");
    assert!(rest.iter().any(|l| l.contains("Deleted the demo database")), "{rest:?}");
    for suffix in ["", "-wal", "-shm", ".lock"] {
        let file = format!("{}{suffix}", db.display());
        assert!(!std::path::Path::new(&file).exists(), "{file} is left behind");
    }
}
