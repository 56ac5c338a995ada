//! The `upkeep` binary: parse the command line, load the configuration, start tracing, and hand
//! over to [`upkeep::cli::run`]. A configuration error exits with code 2.

use std::process::ExitCode;

use clap::Parser;
use upkeep::{
    cli::{Cli, Command},
    config::{self, ConfigSource},
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let env: Vec<(String, String)> = std::env::vars().collect();
    let config = match config::load(&ConfigSource::from_arg(cli.config.clone()), &env) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("upkeep: configuration error\n{e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("upkeep: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    match runtime.block_on(upkeep::cli::run(command, config)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("upkeep: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr; `RUST_LOG` selects levels (default: info for upkeep, warn elsewhere; the
/// per-request access log is `upkeep::http=info`).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,upkeep=info,upkeep::http=warn"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi).init();
}
