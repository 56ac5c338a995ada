//! Upkeep: an open-source sustainability and funding dashboard in one binary and one SQLite file.
//!
//! `ARCHITECTURE.md` at the repository's root has the bird's-eye view, the code map with what
//! each module may import, the invariants and recipes for adding a metric, a page or a
//! collector step.
//!
//! The crate map, in the order data flows:
//! - [`config`]: the typed configuration (`config.toml` plus `UPKEEP_*` overrides), validated once.
//! - [`github`]: the GitHub client (base URL, auth, ETags, rate limits, retries), wire types and
//!   one sync step per resource. It writes through [`db`] and never renders.
//! - [`db`]: the store's pools (SQLite, or PostgreSQL at scale), migrations and every SQL
//!   statement, one file per table.
//! - [`metrics`]: project-health metrics as pure functions (rows and `now` in, numbers out).
//! - [`funding`]: the money side as pure functions (manifests, links, ledger, currencies).
//! - [`newcomers`]: the finder's facts per open newcomer issue, computed by the collector and
//!   read by the finder in SQL.
//! - [`scheduler`]: the cron loop that runs the collector inside `upkeep serve`.
//! - [`web`]: the actix-web handlers, routes grouped by audience, askama templates.
//! - [`app`]: assembles the server around [`web::state::AppState`].
//! - [`demo`]: `upkeep demo`, the whole product offline.
//! - [`cli`]: the clap commands; `main.rs` only wires them together.
//! - [`scratch`]: throwaway databases on either backend, for tests and benchmarks.
//! - The simulated GitHub used by tests, benchmarks and `upkeep demo` is its own crate,
//!   `upkeep-sim` (`crates/upkeep-sim`), which depends on nothing here.

pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod funding;
pub mod github;
pub mod metrics;
pub mod newcomers;
pub mod scheduler;
pub mod scratch;
pub mod web;
