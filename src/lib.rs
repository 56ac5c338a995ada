//! Upkeep: an open-source sustainability and funding dashboard in one binary and one SQLite file.
//!
//! The crate map, in the order data flows:
//! - [`config`]: the typed configuration (`config.toml` plus `UPKEEP_*` overrides), validated once.
//! - [`github`]: the GitHub client (base URL, auth, ETags, rate limits, retries), wire types and
//!   one sync step per resource. It writes through [`db`] and never renders.
//! - [`db`]: the SQLite pool, migrations and every SQL statement, one file per table.
//! - [`scheduler`]: the cron loop that runs the collector inside `upkeep serve`.
//! - [`web`]: the actix-web application, routes grouped by audience, askama templates.
//! - [`sim`]: the simulated GitHub used by tests, benchmarks and `upkeep demo`.
//! - [`cli`]: the clap commands; `main.rs` only wires them together.

pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod funding;
pub mod github;
pub mod metrics;
pub mod scheduler;
pub mod sim;
pub mod web;
