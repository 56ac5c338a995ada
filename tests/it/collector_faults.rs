//! The collector under failure: injected faults (5xx, secondary limits, slow and truncated
//! answers, dropped connections) and a `collect` process killed at random points. Either way
//! the database must end up equal to a clean sync of the same simulated state.

use std::{process::Stdio, time::Duration};

use rand::{Rng, SeedableRng};

use crate::helpers::{Store, collect, sim_options, start_sim};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_whose_listings_name_items_twice_stores_the_same_data_as_a_clean_one() {
    // A walk sees an item twice when it moves between pages as they are read; the bulk upserts
    // must take each once (PostgreSQL refuses a row updated twice in one statement).
    let clean_sim = start_sim(sim_options()).await;
    let clean = Store::new().await;
    collect(&clean.collector(&clean_sim)).await;
    let mut opts = sim_options();
    opts.hostile = vec![upkeep_sim::hostile::Hostility::RepeatedItems];
    let repeating_sim = start_sim(opts).await;
    let repeating = Store::new().await;
    let summary = collect(&repeating.collector(&repeating_sim)).await;
    assert!(summary.complete(), "{summary:?}");
    assert_eq!(repeating.digests().await, clean.digests().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_through_twenty_percent_faults_stores_the_same_data_as_a_clean_one() {
    let clean_sim = start_sim(sim_options()).await;
    let clean = Store::new().await;
    collect(&clean.collector(&clean_sim)).await;

    let mut opts = sim_options();
    opts.fault_rate = 0.2;
    opts.fault_seed = 99;
    let faulty_sim = start_sim(opts).await;
    let faulty = Store::new().await;
    let mut summary = collect(&faulty.collector(&faulty_sim)).await;

    let faults = faulty_sim.stats().faults;
    eprintln!("{faults} faults injected over {} requests", summary.requests);
    assert!(faults > 20, "faults were injected ({faults})");
    // Faults may still leave something failed or pending (a request that drew a fault on every
    // retry, a 202 that outlasted its minute): run again, as cron would, until nothing is, then
    // compare every table, rollups included. Bounded: five more runs at most.
    for _ in 0..5 {
        if summary.complete() {
            break;
        }
        eprintln!("incomplete ({:?} failed, {:?} pending); running again", summary.failed_repos, summary.pending);
        summary = collect(&faulty.collector(&faulty_sim)).await;
    }
    assert!(summary.complete(), "{summary:?}");
    assert_eq!(faulty.digests().await, clean.digests().await);
}

/// Runs `upkeep collect` against `sim_url` into the database at `db_url` as a separate process.
fn collect_command(sim_url: &str, db_url: &str, config: &std::path::Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_upkeep"));
    cmd.args(["--config", config.to_str().unwrap(), "collect", "--json"])
        .env("UPKEEP_GITHUB__API_URL", sim_url)
        .env("UPKEEP_FUNDING__OPEN_COLLECTIVE_URL", format!("{sim_url}/opencollective/graphql/v2"))
        .env("UPKEEP_SOURCES__ORGS", "upkeep-sim")
        .env("UPKEEP_SOURCES__REPOS", "")
        .env("UPKEEP_SOURCES__INCLUDE_ARCHIVED", "true")
        .env("UPKEEP_DATABASE__URL", db_url)
        .env("UPKEEP_COLLECTOR__RESERVE", "0")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_collect_at_random_points_and_running_it_again_converges_to_the_same_database() {
    let sim = start_sim(sim_options()).await;
    let clean = Store::new().await;
    collect(&clean.collector(&sim)).await;

    let killed_store = Store::new().await;
    let db_url = killed_store.url();
    let config = killed_store.dir.path().join("empty.toml");
    std::fs::write(&config, "").unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let mut killed = 0;
    for _ in 0..6 {
        let mut child = collect_command(&sim.url(), &db_url, &config).spawn().expect("spawn upkeep collect");
        let delay = Duration::from_millis(rng.gen_range(100..1500));
        tokio::select! {
            status = child.wait() => {
                // A run that finished before its kill must have finished well.
                let status = status.expect("wait");
                eprintln!("a run ended by itself before {delay:?}: {status:?}");
                assert_eq!(status.code(), Some(0), "a run that was not killed succeeds");
            }
            _ = tokio::time::sleep(delay) => {
                child.kill().await.expect("kill");
                killed += 1;
            }
        }
    }
    eprintln!("killed {killed} of 6 runs");
    // How many runs the random delays catch mid-way depends on the machine's speed (a resumed run
    // of a nearly complete database ends in well under a second); at least one must be.
    assert!(killed >= 1, "a run was killed mid-way ({killed})");
    let output = collect_command(&sim.url(), &db_url, &config).output().await.expect("final run");
    assert!(output.status.success(), "the final run succeeds");
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).expect("--json output");
    assert_eq!(summary["failed_repos"], serde_json::json!([]));

    assert_eq!(killed_store.digests().await, clean.digests().await);
    let interrupted: i64 = upkeep::db::sql::query_scalar("SELECT COUNT(*) FROM sync_runs WHERE status = 'interrupted'")
        .fetch_one(&killed_store.db.pool)
        .await
        .unwrap();
    // A run killed before it opened its record leaves none.
    assert!(
        (1..=killed as i64).contains(&interrupted),
        "killed runs are recorded as interrupted ({interrupted} of {killed})"
    );
}
