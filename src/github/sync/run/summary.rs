//! What a run reports: its summary (`upkeep collect --json`), why it stopped everything, and
//! why it could not start or finish.

use serde::Serialize;

use crate::db::lease;

/// Why a run stopped everything: the error that every repository would have hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stopped {
    /// 401, or the host cannot be reached: exit code 4.
    GitHub,
    /// The rate limit is spent and may not be waited for: what is left is pending.
    Quota,
}

/// The end-of-run summary; its JSON form is `upkeep collect --json`'s output.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CollectSummary {
    pub repos: u64,
    /// Repositories whose every step finished.
    pub synced: u64,
    pub items_written: u64,
    pub requests: u64,
    pub not_modified: u64,
    /// `owner/name` of each repository that failed, `org:LOGIN` for a failed owner listing.
    pub failed_repos: Vec<String>,
    /// Repositories with data still to come: statistics GitHub was still computing, or not
    /// reached because the rate limit was spent.
    pub pending: Vec<String>,
    /// Repositories the run's deadline cut or never reached.
    pub timed_out: Vec<String>,
    /// `owner/name resource` of each failed step of a repository that otherwise synced
    /// (funding sources, the community profile): the last good data is kept and shown stale.
    pub failed_steps: Vec<String>,
    /// Items GitHub sent that could not be read or placed, kept on `/status`.
    pub quarantined: u64,
    /// The round this run belonged to (`db::rounds`; none for a run of one named repository).
    pub round: Option<i64>,
    /// Repositories of this run synced in the same round by another collector (PostgreSQL),
    /// neither synced nor missing here.
    pub synced_elsewhere: Vec<String>,
    /// What stopped the run, or why repositories failed, in one message.
    pub error: Option<String>,
    /// Set when a fatal error stopped the run (not in the JSON: the exit code says it).
    #[serde(skip)]
    pub stopped: Option<Stopped>,
    pub seconds: f64,
}

impl CollectSummary {
    /// Whether everything asked for is stored.
    pub fn complete(&self) -> bool {
        self.failed_repos.is_empty()
            && self.pending.is_empty()
            && self.timed_out.is_empty()
            && self.failed_steps.is_empty()
            && self.stopped.is_none()
    }
}

/// Why a run could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "a sync is already running (pid {} on {}, since {} UTC); this one did not start",
        .0.pid, .0.host, clock(.0.started_at)
    )]
    Busy(lease::LeaseRow),
    /// The store failed (open, locked, full, corrupt); no `#[source]`, printed once.
    #[error("{0}")]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for RunError {
    fn from(e: sqlx::Error) -> Self {
        RunError::Db(e)
    }
}

fn clock(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(|| t.to_string(), |d| d.format("%Y-%m-%d %H:%M:%S").to_string())
}
