//! Rate limits: what each response's `x-ratelimit-*` headers say, the reserve kept back, the
//! wait for a reset (and when a reset is no plausible time), and the jittered backoff between
//! retries.

use std::time::Duration;

use http::HeaderMap;
use rand::Rng;

use super::transport::{header_str, utc_clock};
use super::types::*;
use crate::github::error::GhError;

/// When a rate-limit window resets, judged against now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reset {
    /// Already past: no wait.
    Past,
    /// A plausible epoch second within the next window.
    At(i64),
    /// Milliseconds, or more than a window ahead: unknown, so at most one window.
    Implausible,
}

impl GitHubClient {
    pub(super) fn record_limits(&self, headers: &HeaderMap) {
        let number = |name| header_str(headers, name).and_then(|v| v.trim().parse::<i64>().ok());
        let (Some(remaining), Some(reset)) = (number("x-ratelimit-remaining"), number("x-ratelimit-reset")) else {
            return;
        };
        let limit = number("x-ratelimit-limit").and_then(|l| u64::try_from(l).ok());
        let bucket = header_str(headers, "x-ratelimit-resource").unwrap_or_else(|| "core".to_owned());
        let quota = Quota { remaining: u64::try_from(remaining).unwrap_or(0), limit, reset };
        *self.limits.lock().expect("limits lock").slot(&bucket) = Some(quota);
    }

    /// Marks a bucket as spent (a GraphQL `RATE_LIMITED`), keeping the reset already known.
    pub(super) fn mark_spent(&self, bucket: &str) {
        let mut limits = self.limits.lock().expect("limits lock");
        let slot = limits.slot(bucket);
        let reset = slot.map_or(chrono::Utc::now().timestamp() + WINDOW_SECS, |q| q.reset);
        *slot = Some(Quota { remaining: 0, limit: slot.and_then(|q| q.limit), reset });
    }

    /// Waits for the window to reset while the remaining quota is at or below the reserve.
    pub(super) async fn wait_for_quota(&self, bucket: &str) -> Result<(), GhError> {
        let Some(quota) = *self.limits.lock().expect("limits lock").slot(bucket) else { return Ok(()) };
        let reserve = effective_reserve(self.settings.reserve, quota.limit);
        if quota.remaining > reserve {
            return Ok(());
        }
        let now = chrono::Utc::now().timestamp();
        let until = match judge_reset(quota.reset, now) {
            Reset::Past => None,
            Reset::At(reset) => Some(reset + 1),
            Reset::Implausible => {
                tracing::warn!(
                    bucket,
                    reset = quota.reset,
                    "x-ratelimit-reset is not a plausible time (milliseconds, or over an hour ahead);                      treating it as unknown and waiting at most one window (3600 s)"
                );
                Some(now + WINDOW_SECS)
            }
        };
        if let Some(until) = until {
            let wait = Duration::from_secs((until - now).max(0) as u64);
            let limit = quota.limit.map_or_else(|| "?".to_owned(), |l| l.to_string());
            if !self.authenticated && wait > UNAUTHENTICATED_MAX_WAIT {
                return Err(GhError::QuotaExhausted {
                    bucket: bucket.to_owned(),
                    until: utc_clock(until),
                    hint: format!(
                        "without a token GitHub allows {limit} requests an hour; set GITHUB_TOKEN or GH_TOKEN                          (a token with no scopes is enough) and run again: what is left stays pending"
                    ),
                });
            }
            self.check_deadline(&format!("the {bucket} rate limit to reset"), bucket, wait)?;
            tracing::warn!(
                bucket,
                remaining = quota.remaining,
                limit = %limit,
                reserve,
                "waiting for the rate limit until {} (UTC)",
                utc_clock(until)
            );
            let observer = self.wait_observer.lock().expect("observer lock").clone();
            if let Some(observer) = &observer {
                observer(Some(RateWait { bucket: bucket.to_owned(), until }));
            }
            tokio::time::sleep(wait).await;
            if let Some(observer) = &observer {
                observer(None);
            }
        }
        *self.limits.lock().expect("limits lock").slot(bucket) = None;
        Ok(())
    }

    /// Exponential backoff with full jitter in [50%, 100%] of the step, capped.
    pub(super) fn backoff(&self, attempt: u32) -> Duration {
        let base = self.settings.backoff_base.as_secs_f64() * 2f64.powi(attempt.min(20) as i32);
        let capped = base.min(self.settings.backoff_max.as_secs_f64());
        Duration::from_secs_f64(capped * rand::thread_rng().gen_range(0.5..=1.0))
    }
}

pub(super) fn judge_reset(reset: i64, now: i64) -> Reset {
    if reset <= now {
        Reset::Past
    } else if reset > now + WINDOW_SECS {
        Reset::Implausible
    } else {
        Reset::At(reset)
    }
}

/// The reserve for a window of `limit` requests: the configured one is written for 5,000, so it
/// scales with the limit and always leaves at least one request usable.
pub(super) fn effective_reserve(reserve: u64, limit: Option<u64>) -> u64 {
    match limit {
        Some(limit) if limit > 0 => (reserve.saturating_mul(limit) / REFERENCE_LIMIT).min(limit - 1),
        Some(_) => 0,
        None => reserve,
    }
}
