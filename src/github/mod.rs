//! Everything that talks to GitHub: the HTTP client, wire types, and the sync steps.
//!
//! `client` owns transport policy (ETags, rate limits, retries); `wire` the JSON shapes;
//! `convert` maps wire items to `db` rows; `sync` runs one collection over all tracked
//! repositories. Pages never call into this module; the collector never renders.

pub mod client;
pub mod convert;
pub mod error;
pub mod graphql;
pub mod sync;
pub mod wire;

pub use client::{ClientSettings, Fetched, GitHubClient};
pub use error::GhError;
