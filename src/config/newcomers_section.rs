//! `[newcomers]`: the mentored-issue finder's settings and the newcomer labels recognised by
//! default ([`DEFAULT_NEWCOMER_LABELS`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::repo_name::RepoName;
use super::values::{maintainer_map, positive};

/// `[newcomers]`: the mentored-issue finder and newcomer metrics.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewcomersConfig {
    /// Labels that mark an issue for newcomers. Compared after normalising case, spaces, dashes
    /// and underscores, so `Good First Issue` and `good-first-issue` are one label (default: the
    /// common ones, see [`DEFAULT_NEWCOMER_LABELS`]).
    pub labels: Vec<String>,
    /// How many days a claim comment ("I'd like to work on this", "/assign") keeps an issue
    /// claimed; older claims with no follow-up count as abandoned (default 14, at least 1).
    #[serde(deserialize_with = "positive")]
    pub claim_days: u64,
    /// Mentors per repository, `"owner/name" = ["login", ...]` (default none; mentors also come
    /// from `mentor: @login` labels and maintainers who offer help in the thread).
    #[serde(deserialize_with = "maintainer_map")]
    pub mentors: BTreeMap<RepoName, Vec<String>>,
}

/// The newcomer labels recognised by default.
pub const DEFAULT_NEWCOMER_LABELS: [&str; 14] = [
    "good first issue",
    "good-first-issue",
    "beginner",
    "easy",
    "first-timers-only",
    "help wanted",
    "up-for-grabs",
    "mentored",
    "starter",
    "low-hanging-fruit",
    "first issue",
    "newcomer",
    "beginner-friendly",
    "good for beginners",
];

impl Default for NewcomersConfig {
    fn default() -> Self {
        Self { labels: DEFAULT_NEWCOMER_LABELS.map(String::from).to_vec(), claim_days: 14, mentors: BTreeMap::new() }
    }
}
