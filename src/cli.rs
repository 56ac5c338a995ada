//! The command line: `serve` (the default), `collect`, `sim` and `demo`.
//!
//! Parsing lives here, and each command is a short function that wires configuration, the
//! store, the collector and the web server together; the logic lives in those modules.

use std::{path::PathBuf, process::ExitCode, sync::Arc};

use clap::{Parser, Subcommand};

use crate::config::{Config, RepoName};
use crate::github::sync::{Collector, RunOptions};
use crate::sim::{Scale, SimOptions};
use crate::{app::Application, db::Db, scheduler};

#[derive(Debug, Parser)]
#[command(
    name = "upkeep",
    version,
    about = "Sustainability and funding dashboard for open-source projects",
    long_about = "Upkeep collects repositories, issues, pull requests, reviews, releases and funding data \
                  from GitHub into one SQLite file and serves dashboards for maintainers, funders and newcomers.\n\n\
                  The GitHub token is read from GITHUB_TOKEN or GH_TOKEN only. Every config key can be \
                  overridden with UPKEEP_<SECTION>__<KEY>."
)]
pub struct Cli {
    /// Configuration file [default: config.toml in the working directory, if present]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dashboards and run the collector on its cron schedule (the default)
    Serve,
    /// Sync from GitHub once, then exit
    Collect {
        /// Only this repository (owner/name)
        #[arg(long, value_name = "OWNER/NAME")]
        repo: Option<RepoName>,
        /// Print one JSON summary object instead of a progress bar and text
        #[arg(long)]
        json: bool,
    },
    /// Serve the simulated GitHub (organisation `upkeep-sim`) on 127.0.0.1
    Sim(SimArgs),
    /// Run the whole product offline: simulated GitHub, a fresh database, the dashboards
    Demo {
        /// Port for the dashboards on 127.0.0.1
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Size of the simulated organisation
        #[arg(long, value_enum, default_value_t = Scale::Small)]
        scale: Scale,
        /// Seconds between simulated days (new activity, then a sync; the next day waits for the sync)
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
        tick_secs: u64,
    },
}

#[derive(Debug, clap::Args)]
pub struct SimArgs {
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Seed of the generated organisation
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    #[arg(long, value_enum, default_value_t = Scale::Small)]
    pub scale: Scale,
    /// Fraction of requests answered with a fault (5xx, 403/429, slow, truncated, reset)
    #[arg(long, default_value_t = 0.0, value_parser = fraction)]
    pub fault_rate: f64,
    /// Primary rate-limit budget per window
    #[arg(long, default_value_t = 5000)]
    pub rate_limit: u32,
    /// Length of the rate-limit window in seconds
    #[arg(long, default_value_t = 3600)]
    pub rate_window_secs: u64,
    /// `retry-after` seconds sent with 403/429 faults
    #[arg(long, default_value_t = 1)]
    pub retry_after_secs: u64,
    /// Hostile modes, comma-separated: millis-reset, trickle, oversize, graphql-errors
    /// (see src/sim/hostile.rs)
    #[arg(long, value_name = "MODES", value_delimiter = ',', value_parser = hostile_mode)]
    pub hostile: Vec<crate::sim::hostile::Hostility>,
    /// The simulated "now" (unix seconds) that the generated history ends at
    /// [default: the current hour, so dashboards' recent windows are full]
    #[arg(long)]
    pub epoch: Option<i64>,
}

fn hostile_mode(s: &str) -> Result<crate::sim::hostile::Hostility, String> {
    let mut modes = crate::sim::hostile::Hostility::parse_list(s)?;
    modes.pop().ok_or_else(|| "an empty hostile mode".to_owned())
}

fn fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?} is not a fraction between 0 and 1")),
    }
}

/// Runs a parsed command with a loaded configuration.
pub async fn run(command: Command, config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve => serve(config).await,
        Command::Collect { repo, json } => collect(config, repo, json).await,
        Command::Sim(args) => sim(args).await,
        Command::Demo { port, scale, tick_secs } => crate::demo::run(config, port, scale, tick_secs).await,
    }
}

async fn serve(config: Config) -> anyhow::Result<ExitCode> {
    let config = Arc::new(config);
    let db = Db::open(&config.database.path).await?;
    let collector = Arc::new(Collector::from_config(config.clone(), db.clone())?);
    let app = Application::build(config.clone(), db, config.server.bind).await?;
    tracing::info!("Upkeep is serving on http://{}", app.address());
    println!("Upkeep is serving on http://{}", app.address());
    let jobs = scheduler::spawn(collector, &config.collector);
    let result = app.run_until_stopped().await;
    jobs.abort();
    result?;
    Ok(ExitCode::SUCCESS)
}

async fn collect(config: Config, repo: Option<RepoName>, json: bool) -> anyhow::Result<ExitCode> {
    let config = Arc::new(config);
    let db = Db::open_with(&config.database.path, 2).await?;
    let collector = Collector::from_config(config, db)?;
    let show_progress = !json && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let opts = RunOptions { only_repo: repo.map(|r| r.to_string()), trigger: "cli".to_owned(), show_progress };
    let summary = collector.run(&opts).await?;
    if json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        println!(
            "Synced {} repositories in {:.1} s: {} items written, {} requests ({} answered 304 Not Modified).",
            summary.repos, summary.seconds, summary.items_written, summary.requests, summary.not_modified
        );
        if !summary.failed_repos.is_empty() {
            println!("Failed: {} (see `upkeep serve` → /status for the reasons)", summary.failed_repos.join(", "));
        }
    }
    Ok(if summary.failed_repos.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

async fn sim(args: SimArgs) -> anyhow::Result<ExitCode> {
    let mut opts = SimOptions::new(args.seed, args.scale);
    opts.fault_rate = args.fault_rate;
    opts.rate_limit = args.rate_limit;
    opts.rate_window_secs = args.rate_window_secs;
    opts.retry_after_secs = args.retry_after_secs;
    opts.hostile = args.hostile;
    opts.epoch = args.epoch.unwrap_or_else(|| chrono::Utc::now().timestamp() / 3600 * 3600);
    crate::sim::run(opts, args.port).await?;
    Ok(ExitCode::SUCCESS)
}
