//! The `profiles` step against the simulated GitHub: profile companies of the people the pages
//! class, 50 logins a GraphQL request, stored as GitHub sends them (the hostile one too: escaping
//! is the pages' job), not asked again inside `[people] profile_refresh_days`, and bounded by
//! `[people] profile_max_logins` per repository and run.

use crate::funding::{collect_one, latest_step_row};
use crate::helpers::{Store, config_for, sim_options, start_sim};

const STEP: &str = "profiles";

async fn asked(store: &Store) -> i64 {
    upkeep::db::sql::query_scalar("SELECT COUNT(*) FROM accounts WHERE company_fetched_at IS NOT NULL")
        .fetch_one(&store.db.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn companies_are_collected_in_batches_once_per_interval() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let collector = store.collector(&sim);
    let before = sim.stats().graphql;
    collect_one(&collector, "orbit").await;
    let (status, error, requests) = latest_step_row(&store, "orbit", STEP).await;
    assert_eq!((status.as_str(), error), ("ok", None));
    let people = asked(&store).await;
    assert!(people > 0, "orbit's maintainers and contributors were asked");
    assert_eq!(requests, (people as u64).div_ceil(50) as i64, "50 logins a request");
    assert!(sim.stats().graphql - before >= requests as u64);
    let hostile: Vec<String> = upkeep::db::sql::query_scalar("SELECT login FROM accounts WHERE company = ?")
        .bind(upkeep_sim::HOSTILE_COMPANY)
        .fetch_all(&store.db.pool)
        .await
        .unwrap();
    assert_eq!(hostile.len(), 1, "orbit's lead, stored as sent");
    let with_company: i64 = upkeep::db::sql::query_scalar("SELECT COUNT(*) FROM accounts WHERE company IS NOT NULL")
        .fetch_one(&store.db.pool)
        .await
        .unwrap();
    assert!(with_company <= people);

    let again = collect_one(&collector, "orbit").await;
    assert_eq!(again.requests, again.not_modified, "inside the interval nothing is asked");
    assert_eq!(latest_step_row(&store, "orbit", STEP).await.2, 0);
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_asks_at_most_profile_max_logins_and_the_rest_wait_for_the_next() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let mut config = config_for(&sim.url(), &store.path());
    config.people.profile_max_logins = 2;
    let collector = store.collector_with(config);
    collect_one(&collector, "orbit").await;
    assert_eq!(asked(&store).await, 2);
    assert_eq!(latest_step_row(&store, "orbit", STEP).await.2, 1);
    collect_one(&collector, "orbit").await;
    assert_eq!(asked(&store).await, 4, "the next run asks the next two");
    sim.stop().await;
}

#[test]
fn a_bad_profile_setting_exits_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    for (line, key) in [
        ("profile_refresh_days = -1", "people.profile_refresh_days: "),
        ("profile_max_logins = \"many\"", "people.profile_max_logins: "),
    ] {
        std::fs::write(&config, format!("[people]\n{line}\n")).unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_upkeep"));
        cmd.args(["--config", config.to_str().unwrap(), "collect"]).env_remove("GITHUB_TOKEN").env_remove("GH_TOKEN");
        for (name, _) in std::env::vars().filter(|(k, _)| k.starts_with("UPKEEP_")) {
            cmd.env_remove(name);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(&format!("config.toml:2: {key}")), "{stderr}");
    }
}
