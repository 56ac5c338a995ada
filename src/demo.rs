//! `upkeep demo`: the whole product offline. Starts the simulated GitHub on a free loopback
//! port, collects from it into a fresh database, serves the dashboards, and keeps the simulated
//! organisation alive: every tick it advances one simulated day and syncs again.

use std::{process::ExitCode, sync::Arc, time::Duration};

use crate::{app::Application, config::Config, db::Db, github::sync::Collector, scheduler};
use upkeep_sim::{Scale, SimOptions, SimServer, hostile::Hostility};

pub async fn run(mut config: Config, port: u16, scale: Scale, tick_secs: u64) -> anyhow::Result<ExitCode> {
    let mut stop = StopSignal::install();
    let mut opts = SimOptions::new(42, scale);
    // History ends "now", so the dashboards' recent windows are full.
    opts.epoch = chrono::Utc::now().timestamp() / 3600 * 3600;
    // Misbehaviour recorded from real GitHub and proxies that a sync must survive without losing
    // data: resets sent in milliseconds, and GraphQL's 200 "Something went wrong" on every third
    // query (retried). The demo keeps exercising both.
    opts.hostile = vec![Hostility::MillisReset, Hostility::GraphqlErrors];
    let sim = SimServer::start(opts, 0).await?;

    let db_path = std::env::temp_dir().join(format!("upkeep-demo-{}.db", std::process::id()));
    // Removes the database however this function ends: stopped, or failed to start.
    let removal = RemoveOnDrop(db_path.clone());
    removal.remove();
    demo_config(&mut config, &sim.url(), &db_path, port)?;
    let config = Arc::new(config);
    let db = Db::open(&config.database.path).await?;
    let collector = Arc::new(Collector::from_config(config.clone(), db.clone())?);
    let app = Application::build(config.clone(), db.clone(), config.server.bind)
        .await
        .map_err(|e| anyhow::anyhow!("{e} (choose another port with `upkeep demo --port P`)"))?;

    println!("Upkeep demo: open http://{}/", app.address());
    println!("  funders: http://{}/funding (atlas has a demo grant; pulsar has no funding)", app.address());
    println!(
        "  simulated GitHub at {} (organisation upkeep-sim, scale {scale:?}; it sends rate-limit resets in \
         milliseconds and fails every third GraphQL query, as real servers sometimes do)",
        sim.url()
    );
    println!("  database {} (fresh; deleted when the demo stops)", db_path.display());
    println!("  every {tick_secs} s one simulated day passes and Upkeep syncs again. Ctrl-C stops.");

    let ticker = tokio::spawn(async move {
        let timeout = Duration::from_secs(600);
        scheduler::run_once(&collector, "demo", timeout).await;
        loop {
            tokio::time::sleep(Duration::from_secs(tick_secs)).await;
            sim.advance(1.0, 0.002);
            scheduler::run_once(&collector, "demo", timeout).await;
        }
    });
    let server = app.run_until_stopped();
    let served = tokio::select! {
        r = server => r,
        _ = stop.wait() => {
            println!("\nStopping the demo.");
            Ok(())
        }
    };
    ticker.abort();
    let _ = ticker.await;
    close(&db).await;
    removal.remove();
    println!("Deleted the demo database {}.", db_path.display());
    served?;
    Ok(ExitCode::SUCCESS)
}

/// Closes the pool (SQLite checkpoints and removes its `-wal` and `-shm` files on the last close).
async fn close(db: &Db) {
    db.pool.close().await;
}

/// Ctrl-C or SIGTERM (a service manager, `kill`). Installed before the demo announces itself,
/// so a signal sent as soon as the database path is printed is caught, not fatal.
struct StopSignal {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl StopSignal {
    fn install() -> StopSignal {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = signal(SignalKind::interrupt()).ok().zip(signal(SignalKind::terminate()).ok());
            StopSignal { signals }
        }
        #[cfg(not(unix))]
        StopSignal {}
    }

    async fn wait(&mut self) {
        #[cfg(unix)]
        if let Some((interrupt, terminate)) = &mut self.signals {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The demo's database, its WAL files and its lock file, deleted when dropped (and on [`Self::remove`]).
struct RemoveOnDrop(std::path::PathBuf);

impl RemoveOnDrop {
    fn remove(&self) {
        for suffix in ["", "-wal", "-shm", ".lock"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        self.remove();
    }
}

/// Points a configuration at the simulator: its org only, archived repos included, a demo database.
fn demo_config(config: &mut Config, sim_url: &str, db_path: &std::path::Path, port: u16) -> anyhow::Result<()> {
    config.github.api_url = sim_url.parse()?;
    config.github.graphql_url = None;
    config.funding.open_collective_url = format!("{sim_url}/opencollective/graphql/v2").parse()?;
    config.sources.repos.clear();
    config.sources.orgs = vec!["upkeep-sim".to_owned()];
    config.sources.include_archived = true;
    // The simulated org's CI account has no `[bot]` suffix: only configuration can say it's a bot.
    if !config.people.bots.iter().any(|b| b.eq_ignore_ascii_case("upkeep-ci")) {
        config.people.bots.push("upkeep-ci".to_owned());
    }
    config.database.path = db_path.to_owned();
    config.database.url = None;
    config.server.bind = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    config.collector.backoff_base_ms = 50;
    config.collector.backoff_max_secs = 2;
    // Each tick is a simulated day: refresh Sponsors and Open Collective every tick, so their
    // series move while the demo runs.
    config.funding.refresh_hours = 0;
    if config.funding.grants.is_empty() {
        config.funding.grants = vec![demo_grant(chrono::Utc::now().date_naive())];
    }
    Ok(())
}

/// A year-long grant to atlas that started six months ago: the funded side of the demo, and the
/// default period of its impact report.
fn demo_grant(today: chrono::NaiveDate) -> crate::funding::Grant {
    let start = today.checked_sub_months(chrono::Months::new(6)).unwrap_or(today);
    let end = start.checked_add_months(chrono::Months::new(12)).unwrap_or(today) - chrono::Days::new(1);
    crate::funding::Grant {
        funder: "Demo Foundation".to_owned(),
        amount: crate::funding::Money::new(6_000_000, crate::funding::Currency::USD),
        start,
        end,
        repos: vec!["upkeep-sim/atlas".to_owned()],
        purpose: "Maintenance and triage".to_owned(),
        plan: Default::default(),
    }
}
