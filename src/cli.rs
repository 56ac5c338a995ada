//! The command line: `serve` (the default), `collect`, `db digest`, `db copy`, `sim` and `demo`.
//!
//! Parsing lives here, and each command is a short function that wires configuration, the
//! store, the collector and the web server together; the logic lives in those modules.

mod copy_progress;

use std::{path::PathBuf, process::ExitCode, sync::Arc};

use clap::{Parser, Subcommand};

use crate::config::{Config, RepoName};
use crate::github::sync::{CollectSummary, Collector, RunError, RunOptions, run::Stopped};
use crate::{
    app::Application,
    db::{Db, collector_connections},
    scheduler,
};
use upkeep_sim::{Scale, SimOptions};

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
    ///
    /// Exit codes: 0 everything synced; 1 some repositories (or steps) failed, are pending or
    /// timed out; 2 configuration error; 3 the database cannot be used; 4 GitHub cannot be
    /// reached or rejected the token; 5 another sync is running on this database.
    Collect {
        /// Only this repository (owner/name)
        #[arg(long, value_name = "OWNER/NAME")]
        repo: Option<RepoName>,
        /// Print one JSON summary object instead of a progress bar and text
        #[arg(long)]
        json: bool,
        /// Stop after this many minutes [default: collector.run_timeout_mins]; what finished is
        /// kept and the next run resumes
        #[arg(long, value_name = "MINUTES", value_parser = clap::value_parser!(u64).range(1..))]
        timeout: Option<u64>,
    },
    /// Database tools
    #[command(subcommand)]
    Db(DbCommand),
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

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Print the data digest as one JSON object: table → {"rows": N, "sha256": "…"}, rollups
    /// included (sync bookkeeping excluded), to check that two databases hold the same data
    Digest,
    /// Copy every table of one database into another: SQLite or PostgreSQL, either way
    ///
    /// The target must hold nothing (it is created and migrated), or exactly the source's data:
    /// then nothing is done. It is written in one transaction and checked against a digest of
    /// every table of the source before it is committed, so a copy that stops part-way leaves
    /// it as it was. Give a PostgreSQL password in PGPASSWORD or ~/.pgpass rather than in the URL.
    ///
    /// Exit codes: 0 copied, or the target already held the same data; 1 the copy's digest
    /// differed from the source's (rolled back); 2 a bad URL; 3 a database cannot be used, is at
    /// another schema version than this upkeep, or the target holds other data (nothing written).
    Copy {
        /// The database to copy: sqlite://PATH or postgres://USER@HOST/DB
        #[arg(long, value_name = "URL")]
        from: String,
        /// The database to copy into: sqlite://PATH or postgres://USER@HOST/DB
        #[arg(long, value_name = "URL")]
        to: String,
    },
}

/// `upkeep collect`'s exit codes (documented in `--help` and the README).
pub mod exit {
    pub const SYNCED: u8 = 0;
    pub const INCOMPLETE: u8 = 1;
    pub const CONFIG: u8 = 2;
    pub const DATABASE: u8 = 3;
    pub const GITHUB: u8 = 4;
    pub const BUSY: u8 = 5;
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
    /// (see crates/upkeep-sim/src/hostile.rs)
    #[arg(long, value_name = "MODES", value_delimiter = ',', value_parser = hostile_mode)]
    pub hostile: Vec<upkeep_sim::hostile::Hostility>,
    /// The simulated "now" (unix seconds) that the generated history ends at
    /// [default: the current hour, so dashboards' recent windows are full]
    #[arg(long)]
    pub epoch: Option<i64>,
    /// Repositories in the organisation: more than the 12 standard ones are copies of their
    /// shapes named `<name>-2`, `<name>-3`, … (for benchmarks of several collectors)
    #[arg(long, default_value_t = 12)]
    pub portfolio: usize,
    /// Milliseconds added to every answer, as the round trip to api.github.com adds them
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Tokens the simulator accepts, comma-separated, each with its own rate-limit budget; when
    /// given, any other token (and none) gets 401 Bad credentials
    #[arg(long, value_delimiter = ',')]
    pub tokens: Vec<String>,
}

fn hostile_mode(s: &str) -> Result<upkeep_sim::hostile::Hostility, String> {
    let mut modes = upkeep_sim::hostile::Hostility::parse_list(s)?;
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
        Command::Collect { repo, json, timeout } => collect(config, repo, json, timeout).await,
        Command::Db(DbCommand::Digest) => digest(config).await,
        Command::Db(DbCommand::Copy { from, to }) => copy(&from, &to).await,
        Command::Sim(args) => sim(args).await,
        Command::Demo { port, scale, tick_secs } => crate::demo::run(config, port, scale, tick_secs).await,
    }
}

async fn serve(config: Config) -> anyhow::Result<ExitCode> {
    let config = Arc::new(config);
    let location = config.database.location().map_err(anyhow::Error::msg)?;
    let db = Db::connect(&location, collector_connections(location.backend())).await?;
    let collector = Arc::new(Collector::from_config(config.clone(), db.clone())?);
    let app = Application::build(config.clone(), db, config.server.bind)
        .await
        .map_err(|e| anyhow::anyhow!("{e} (choose another address with server.bind or UPKEEP_SERVER__BIND)"))?;
    tracing::info!("Upkeep is serving on http://{}", app.address());
    println!("Upkeep is serving on http://{}", app.address());
    let jobs = scheduler::spawn(collector, &config.collector);
    let result = app.run_until_stopped().await;
    jobs.abort();
    result?;
    Ok(ExitCode::SUCCESS)
}

async fn collect(config: Config, repo: Option<RepoName>, json: bool, timeout: Option<u64>) -> anyhow::Result<ExitCode> {
    let config = Arc::new(config);
    let fail = |code: u8, message: String| {
        eprintln!("upkeep: {message}");
        if json {
            let summary = CollectSummary { error: Some(message), ..Default::default() };
            println!("{}", serde_json::to_string(&summary).unwrap_or_default());
        }
        Ok(ExitCode::from(code))
    };
    if repo.is_none() && config.sources.repos.is_empty() && config.sources.orgs.is_empty() {
        return fail(exit::CONFIG, NOTHING_CONFIGURED.to_owned());
    }
    let location = match config.database.location() {
        Ok(location) => location,
        Err(e) => return fail(exit::CONFIG, e),
    };
    let db = match Db::connect(&location, collector_connections(location.backend())).await {
        Ok(db) => db,
        Err(e) => return fail(exit::DATABASE, format!("{e}. {DATABASE_HINT}")),
    };
    let collector = match Collector::from_config(config.clone(), db) {
        Ok(c) => c,
        Err(e) => return fail(exit::CONFIG, e.to_string()),
    };
    let show_progress = !json && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let timeout = std::time::Duration::from_secs(60 * timeout.unwrap_or(config.collector.run_timeout_mins));
    let opts = RunOptions {
        only_repo: repo.map(|r| r.to_string()),
        trigger: "cli".to_owned(),
        show_progress,
        timeout: Some(timeout),
    };
    let summary = match collector.run(&opts).await {
        Ok(summary) => summary,
        Err(e @ RunError::Busy(_)) => return fail(exit::BUSY, e.to_string()),
        Err(RunError::Db(e)) => return fail(exit::DATABASE, database_message(&location, &e.to_string())),
    };
    let nothing = summary.repos == 0 && summary.error.is_none();
    let summary = if nothing { CollectSummary { error: Some(NOTHING_FOUND.to_owned()), ..summary } } else { summary };
    if json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        println!("{}", summary_text(&summary));
    }
    Ok(ExitCode::from(match () {
        _ if nothing => exit::INCOMPLETE,
        _ if summary.stopped == Some(Stopped::GitHub) => exit::GITHUB,
        _ if summary.complete() => exit::SYNCED,
        _ => exit::INCOMPLETE,
    }))
}

/// `collect` with no `[sources]` at all (exit 2).
const NOTHING_CONFIGURED: &str = "nothing to sync: [sources] repos and orgs are both empty. List repositories \
     (repos = [\"owner/name\"]) or organisations (orgs = [\"login\"]) in config.toml, or set \
     UPKEEP_SOURCES__REPOS / UPKEEP_SOURCES__ORGS";

/// `collect` whose organisations list no repository to take (exit 1).
const NOTHING_FOUND: &str = "nothing to sync: the configured organisations list no repository to collect \
     (forks, archived and private repositories are left out unless sources.include_forks, \
     include_archived or include_private is set)";

/// What to do about a database that cannot be used.
const DATABASE_HINT: &str = "Free disk space or fix its permissions; if it is damaged, restore it from a backup, \
                             or delete it and collect again";

/// A database problem during a run, naming the file once, with what to do.
fn database_message(location: &crate::db::Location, cause: &str) -> String {
    format!("cannot use the database {}: {cause}. {DATABASE_HINT}", location.redacted())
}

/// The last line of `collect`: how many repositories synced, and what is missing.
pub fn summary_text(s: &CollectSummary) -> String {
    let mut text = format!(
        "{} of {} repositories synced in {:.1} s: {} items written, {} requests ({} answered 304 Not Modified).",
        s.synced, s.repos, s.seconds, s.items_written, s.requests, s.not_modified
    );
    if !s.synced_elsewhere.is_empty() {
        text.push_str(&format!("\n{} synced by other collectors in this round.", s.synced_elsewhere.len()));
    }
    let lists = [
        ("failed", &s.failed_repos),
        ("pending", &s.pending),
        ("timed out", &s.timed_out),
        ("failed steps", &s.failed_steps),
    ];
    for (what, names) in lists {
        if !names.is_empty() {
            text.push_str(&format!("\n{} {what}: {}", names.len(), names.join(", ")));
        }
    }
    if s.quarantined > 0 {
        text.push_str(&format!("\n{} items could not be read and are quarantined (see /status).", s.quarantined));
    }
    if let Some(error) = &s.error {
        text.push_str(&format!("\n{error}"));
    }
    if !s.complete() {
        text.push_str("\nDetails per step: `upkeep serve` → /status. The next run goes on from what was stored.");
    }
    text
}

async fn digest(config: Config) -> anyhow::Result<ExitCode> {
    let location = match config.database.location() {
        Ok(location) => location,
        Err(e) => {
            eprintln!("upkeep: {e}");
            return Ok(ExitCode::from(exit::CONFIG));
        }
    };
    if let Some(path) = location.sqlite_path()
        && !path.exists()
    {
        eprintln!("upkeep: no database at {}: run `upkeep collect` first", path.display());
        return Ok(ExitCode::from(exit::DATABASE));
    }
    let db = match Db::connect(&location, 1).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("upkeep: {e}. {DATABASE_HINT}");
            return Ok(ExitCode::from(exit::DATABASE));
        }
    };
    let tables = crate::db::digest::table_digests(&db.pool).await?;
    let object: serde_json::Map<String, serde_json::Value> = tables
        .into_iter()
        .map(|(table, rows, sha256)| (table, serde_json::json!({ "rows": rows, "sha256": sha256 })))
        .collect();
    println!("{}", serde_json::Value::Object(object));
    Ok(ExitCode::SUCCESS)
}

/// `upkeep db copy` (exit codes in its `--help`). A URL is never echoed: it may hold a password.
async fn copy(from: &str, to: &str) -> anyhow::Result<ExitCode> {
    use crate::db::copy::{CopyError, Outcome};
    let parse = |flag: &str, url: &str| crate::db::Location::parse(url).map_err(|e| format!("--{flag}: {e}"));
    let (from, to) = match (parse("from", from), parse("to", to)) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("upkeep: {e}");
            return Ok(ExitCode::from(exit::CONFIG));
        }
    };
    let bar = copy_progress::CopyBar::new(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let started = std::time::Instant::now();
    let copied = crate::db::copy::copy(&from, &to, crate::db::copy::PAGE_ROWS, &bar).await;
    bar.finish();
    let (from, to) = (from.redacted(), to.redacted());
    match copied {
        Ok(Outcome::AlreadyEqual(digest)) => println!(
            "{to} already holds exactly the data of {from} ({} tables, {} rows, digest {}): nothing to do",
            digest.tables.len(),
            digest.rows(),
            digest.combined
        ),
        Ok(Outcome::Copied(c)) => {
            println!(
                "copied {} tables, {} rows from {from} into {to} in {:.1} s",
                c.tables.len(),
                c.rows,
                started.elapsed().as_secs_f64()
            );
            println!("digest of the source: {} ({} rows)", c.source.combined, c.source.rows());
            println!("digest of the copy:   {} ({} rows): equal", c.target.combined, c.target.rows());
        }
        Err(e) => {
            eprintln!("upkeep: {e}");
            return Ok(ExitCode::from(match e {
                CopyError::Mismatch(_) => exit::INCOMPLETE,
                CopyError::Unusable(_) | CopyError::Occupied(_) | CopyError::Failed(_) => exit::DATABASE,
            }));
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn sim(args: SimArgs) -> anyhow::Result<ExitCode> {
    let mut opts = SimOptions::new(args.seed, args.scale);
    opts.fault_rate = args.fault_rate;
    opts.rate_limit = args.rate_limit;
    opts.rate_window_secs = args.rate_window_secs;
    opts.retry_after_secs = args.retry_after_secs;
    opts.hostile = args.hostile;
    opts.portfolio = args.portfolio;
    opts.latency_ms = args.latency_ms;
    opts.tokens = args.tokens;
    opts.epoch = args.epoch.unwrap_or_else(|| chrono::Utc::now().timestamp() / 3600 * 3600);
    upkeep_sim::run(opts, args.port).await?;
    Ok(ExitCode::SUCCESS)
}
