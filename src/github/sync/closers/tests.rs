//! The closers step's bound, against the simulator: with more referenced closed issues than the
//! bound, exactly the bound is asked, the step ends `pending` (the warning says so), and the next
//! pass asks the ones not yet asked first. (End to end, with a grant configured: `tests/it/grants.rs`.)

use std::sync::Arc;

use upkeep_sim::{Scale, SimOptions, SimServer};

use super::{RepoHandle, RepoRefs, StepStatus, closers};
use crate::config::Config;
use crate::github::sync::{Collector, RunOptions};

const ROUTE: &str = "GET /repos/{o}/{r}/issues/{n}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_bound_the_step_is_pending_and_the_rest_come_first_next_time() {
    let mut opts = SimOptions::new(7, Scale::Small);
    opts.retry_after_secs = 0;
    let sim = SimServer::start(opts, 0).await.unwrap();
    let scratch = crate::scratch::Scratch::new().await.unwrap();
    let mut config = Config::default();
    config.github.api_url = sim.url().parse().unwrap();
    config.funding.open_collective_url = format!("{}/opencollective/graphql/v2", sim.url()).parse().unwrap();
    config.sources.repos = vec!["upkeep-sim/atlas".parse().unwrap()];
    config.collector.reserve = 0;
    let c = Collector::with_token(Arc::new(config), scratch.db.clone(), None).unwrap();
    let run = RunOptions { only_repo: None, trigger: "test".to_owned(), show_progress: false, timeout: None };
    c.run(&run).await.unwrap();
    assert_eq!(sim.stats().by_route.get(ROUTE), None, "no grant is configured: no closer is asked");

    let closed: Vec<i64> = sim
        .item_states("atlas")
        .iter()
        .filter(|s| !s.is_pull_request && !s.open)
        .take(5)
        .map(|s| s.number as i64)
        .collect();
    assert_eq!(closed.len(), 5);
    let refs = RepoRefs { numbers: closed.clone(), ..RepoRefs::default() };
    let repo = crate::db::repos::find_tracked_repository(&c.db.pool, "upkeep-sim/atlas").await.unwrap().unwrap();
    let handle = RepoHandle { repo_id: repo.id, api_name: repo.full_name };

    sim.reset_stats();
    assert_eq!(closers(&c, &handle, &refs, 2).await.unwrap(), (StepStatus::Pending, 2));
    assert_eq!(sim.stats().by_route.get(ROUTE), Some(&2), "exactly the bound is asked");
    let (numbers, titles, labels) = refs.json();
    let next = crate::db::grants::list_closers_to_ask(&c.db.pool, repo.id, &numbers, &titles, &labels, 3).await;
    let next: Vec<i64> = next.unwrap().iter().map(|w| w.number).collect();
    assert_eq!(next, closed[2..], "the three not yet asked are first in line");
    sim.reset_stats();
    let (status, fresh) = closers(&c, &handle, &refs, 10).await.unwrap();
    assert_eq!((status, fresh), (StepStatus::Ok, 3));
    let asked = sim.stats().by_route.get(ROUTE).copied().unwrap_or(0);
    assert!((3..=5).contains(&asked), "the three, plus any null closer revalidated: {asked}");
    sim.stop().await;
}
