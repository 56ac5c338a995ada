//! What every finder page shares, computed once per data version: the filter values it knows
//! and every project's signals (a year of first-timers' pull requests, maintainer activity,
//! community profiles), which the responsive order and each listed issue need whatever a visitor
//! filters on. The issues themselves are read page by page in SQL (`finder`).
//!
//! It is kept in a [`PerVersion`] slot (once per data version, at most every
//! [`crate::web::memo::TTL`], one computation however many ask), which
//! [`AppState`](crate::web::state::AppState) carries; `current.rs` reads the data version and
//! computes into it.

use std::collections::BTreeMap;

use super::signals::ProjectSignals;
use crate::web::memo::PerVersion;

/// The signals and the filter values the finder knows.
pub struct Computed {
    /// Every tracked repository's signals, by repository id.
    pub projects: BTreeMap<i64, ProjectSignals>,
    /// Tracked repositories, `owner/name`.
    pub repos: Vec<String>,
    /// Languages of tracked repositories, sorted, each once ignoring case.
    pub languages: Vec<String>,
}

/// The finder's shared part of the current data version.
pub type SharedFinder = PerVersion<Computed>;
