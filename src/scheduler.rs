//! The scheduler inside `upkeep serve`: a readable table of jobs with cron expressions.
//!
//! | job     | when                                   | what                                  |
//! |---------|----------------------------------------|---------------------------------------|
//! | collect | `[collector] schedule` (default hourly, `0 0 * * * *`: sec min hour dom mon dow) | one collector run over every tracked repository |
//! | collect | at start-up when `sync_on_start`       | the same, so a fresh install fills at once |
//!
//! Runs are serial by construction (one loop awaits each run), so ticks missed while a run
//! overruns are skipped rather than queued. A run longer than `run_timeout_mins` is cancelled;
//! its transactions roll back and the next run resumes from the stored watermarks.

use std::sync::Arc;

use chrono::Utc;

use crate::config::CollectorConfig;
use crate::github::sync::{Collector, RunError, RunOptions};

/// Starts the collect job; abort the handle to stop it.
pub fn spawn(collector: Arc<Collector>, cfg: &CollectorConfig) -> tokio::task::JoinHandle<()> {
    let schedule = cfg.schedule();
    let timeout = cfg.run_timeout();
    let on_start = cfg.sync_on_start;
    tokio::spawn(async move {
        if on_start {
            run_once(&collector, "startup", timeout).await;
        }
        loop {
            let Some(next) = schedule.upcoming(Utc).next() else {
                tracing::warn!("the collector schedule has no future run; scheduler stopped");
                return;
            };
            tracing::info!(next = %next.to_rfc3339(), "next scheduled sync");
            tokio::time::sleep((next - Utc::now()).to_std().unwrap_or_default()).await;
            run_once(&collector, "schedule", timeout).await;
        }
    })
}

/// One guarded run: errors and time-outs are logged, never fatal to the server. The run's own
/// deadline (`timeout`) ends it cleanly; a hard stop a minute later is the backstop. A tick that
/// finds another collector running on the database (a `collect` from cron) is skipped.
pub async fn run_once(collector: &Collector, trigger: &str, timeout: std::time::Duration) {
    let opts =
        RunOptions { only_repo: None, trigger: trigger.to_owned(), show_progress: false, timeout: Some(timeout) };
    let backstop = timeout + std::time::Duration::from_secs(60);
    match tokio::time::timeout(backstop, collector.run(&opts)).await {
        Ok(Ok(s)) => tracing::info!(
            repos = s.repos,
            synced = s.synced,
            items = s.items_written,
            requests = s.requests,
            not_modified = s.not_modified,
            failed = s.failed_repos.len(),
            pending = s.pending.len(),
            timed_out = s.timed_out.len(),
            quarantined = s.quarantined,
            seconds = s.seconds,
            "sync finished"
        ),
        Ok(Err(e @ RunError::Busy(_))) => tracing::warn!("skipping this sync: {e}"),
        Ok(Err(e)) => tracing::error!(error = %e, "sync failed: the database could not be used"),
        Err(_) => tracing::error!(minutes = timeout.as_secs() / 60, "sync cancelled: it ran past run_timeout_mins"),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    #[test]
    fn default_schedule_is_hourly_on_the_hour() {
        let s = crate::config::CollectorConfig::default().schedule();
        let times: Vec<_> = s.upcoming(chrono::Utc).take(2).collect();
        assert_eq!((times[1] - times[0]).num_minutes(), 60);
        assert_eq!(times[0].format("%M:%S").to_string(), "00:00");
    }

    #[test]
    fn five_field_crontab_lines_are_rejected_by_the_cron_crate() {
        assert!(cron::Schedule::from_str("*/30 * * * *").is_err());
        assert!(cron::Schedule::from_str("0 */30 * * * *").is_ok());
    }
}
