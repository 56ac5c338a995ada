//! The `upkeep` binary as users run it: configuration errors exit with 2 and name the key,
//! `collect --json` prints the documented object, and every command has `--help`.

use std::process::Command;

use crate::helpers::{Store, sim_options, start_sim};

fn upkeep() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_upkeep"));
    cmd.env_remove("GITHUB_TOKEN").env_remove("GH_TOKEN");
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("UPKEEP_")) {
        cmd.env_remove(key);
    }
    cmd
}

/// Runs `upkeep --config <file with text> collect` and returns (exit code, stderr).
fn with_config(text: &str, env: &[(&str, &str)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, text).unwrap();
    let out =
        upkeep().args(["--config", path.to_str().unwrap(), "collect"]).envs(env.iter().copied()).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn every_bad_configuration_value_exits_with_2_and_names_the_key_and_the_line() {
    let cases: &[(&str, &[&str])] = &[
        ("[collector]\nschedule = \"*/5 * * * *\"\n", &["bad.toml:2", "collector.schedule"]),
        ("[github]\napi_url = \"not a url\"\n", &["bad.toml:2", "github.api_url"]),
        ("[sources]\nrepos = [\"numpy\"]\n", &["bad.toml:2", "sources.repos"]),
        ("[github]\ntokn = \"x\"\n", &["bad.toml:2", "github.tokn"]),
        ("[githb]\napi_url = \"https://x\"\n", &["bad.toml", "githb"]),
        ("[server]\nbind = \"localhost\"\n", &["bad.toml:2", "server.bind"]),
        ("[github]\ntoken = \"ghp_x\"\n", &["bad.toml:2", "GITHUB_TOKEN"]),
    ];
    for (text, expected) in cases {
        let (code, stderr) = with_config(text, &[]);
        assert_eq!(code, 2, "{text:?} → {stderr}");
        for needle in *expected {
            assert!(stderr.contains(needle), "{text:?}: {needle:?} missing from {stderr:?}");
        }
    }
}

#[test]
fn bad_environment_overrides_exit_with_2_and_name_the_variable() {
    let cases = [
        ("UPKEEP_COLLECTOR__SCHEDULE", "every hour"),
        ("UPKEEP_GITHUB__API_URL", "ftp://example.com"),
        ("UPKEEP_SOURCES__REPOS", "numpy/numpy, not a repo"),
        ("UPKEEP_COLLECTOR__RESERVE", "lots"),
        ("UPKEEP_GITHUB__NO_SUCH_KEY", "1"),
    ];
    for (var, value) in cases {
        let (code, stderr) = with_config("", &[(var, value)]);
        assert_eq!(code, 2, "{var}={value} → {stderr}");
        assert!(stderr.contains(var), "{var} missing from {stderr:?}");
    }
}

#[test]
fn a_missing_explicit_config_file_is_an_error_naming_it() {
    let out = upkeep().args(["--config", "/nonexistent/upkeep.toml", "collect"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/upkeep.toml"));
}

#[test]
fn every_command_has_help() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["collect", "--help"],
        &["sim", "--help"],
        &["demo", "--help"],
        &["db", "copy", "--help"],
    ] {
        let out = upkeep().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"), "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_json_prints_exactly_the_documented_summary() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let db = store.url();
    let config = store.dir.path().join("empty.toml");
    std::fs::write(&config, "").unwrap();
    let url = sim.url();
    let out = tokio::task::spawn_blocking(move || {
        upkeep()
            .args(["--config", config.to_str().unwrap(), "collect", "--json", "--repo", "upkeep-sim/comet"])
            .env("UPKEEP_FUNDING__OPEN_COLLECTIVE_URL", format!("{url}/opencollective/graphql/v2"))
            .env("UPKEEP_GITHUB__API_URL", url)
            .env("UPKEEP_DATABASE__URL", db)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object on stdout");
    let mut keys: Vec<&str> = summary.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "error",
            "failed_repos",
            "failed_steps",
            "items_written",
            "not_modified",
            "pending",
            "quarantined",
            "repos",
            "requests",
            "round",
            "seconds",
            "synced",
            "synced_elsewhere",
            "timed_out"
        ]
    );
    assert_eq!((summary["synced"].as_u64(), summary["quarantined"].as_u64()), (Some(1), Some(0)));
    assert!(summary["error"].is_null(), "{summary}");
    assert_eq!(summary["repos"], 1);
    assert!(summary["items_written"].as_u64().unwrap() > 0);
    assert!(summary["seconds"].is_f64());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn db_digest_prints_every_table_with_rows_and_hash_equal_to_the_library_digest() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    crate::helpers::collect(&store.collector(&sim)).await;
    let url = store.url();
    let out = tokio::task::spawn_blocking(move || {
        upkeep().args(["db", "digest"]).env("UPKEEP_DATABASE__URL", url).output().unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let expected = store.digests().await;
    assert_eq!(printed.as_object().unwrap().len(), expected.len());
    for (table, rows, sha) in expected {
        assert_eq!(printed[&table]["rows"], rows, "{table}");
        assert_eq!(printed[&table]["sha256"], sha, "{table}");
    }
    for rollup in ["repo_weeks", "person_weeks", "repo_people", "commits"] {
        assert!(printed[rollup]["rows"].as_u64().unwrap() > 0, "{rollup} is covered");
    }

    // A SQLite file that is not there is not created (on every backend: it is about a file).
    let missing = tempfile::tempdir().unwrap();
    let out =
        upkeep().args(["db", "digest"]).env("UPKEEP_DATABASE__PATH", missing.path().join("none.db")).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database at"));
}

#[test]
fn collect_with_no_sources_says_so_and_exits_non_zero() {
    // It stops before it opens the database (the file is never created), so on SQLite only.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.toml");
    std::fs::write(&path, format!("[database]\npath = \"{}\"\n", dir.path().join("u.db").display())).unwrap();
    let out = upkeep().args(["--config", path.to_str().unwrap(), "collect", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nothing to sync") && stderr.contains("UPKEEP_SOURCES__REPOS"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json still prints one object");
    assert!(json["error"].as_str().unwrap().contains("nothing to sync"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_port_names_the_setting_or_flag_of_the_command_used() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    // `serve` opens the database before it binds: the store's, on either backend.
    let store = Store::new().await;
    let path = store.dir.path().join("c.toml");
    std::fs::write(&path, format!("[database]\nurl = \"{}\"\n[server]\nbind = \"127.0.0.1:{port}\"\n", store.url()))
        .unwrap();
    let serve = upkeep().args(["--config", path.to_str().unwrap(), "serve"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&serve.stderr);
    assert!(!serve.status.success());
    assert!(stderr.contains("server.bind") && stderr.contains("UPKEEP_SERVER__BIND"), "{stderr}");
    let demo = upkeep().args(["demo", "--port", &port.to_string()]).output().unwrap();
    let stderr = String::from_utf8_lossy(&demo.stderr);
    assert!(!demo.status.success());
    assert!(stderr.contains("--port") && !stderr.contains("UPKEEP_SERVER__BIND"), "{stderr}");
}
