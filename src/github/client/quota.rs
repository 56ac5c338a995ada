//! Rate limits: what each response's `x-ratelimit-*` headers say (per credential), which
//! credential the next request goes out with ([`GitHubClient::ready`], choosing by `keys.rs`'s
//! rules), the reserve kept back, the wait for a reset when every credential is in its reserve
//! (and when a reset is no plausible time), and the jittered backoff between retries.

use std::time::Duration;

use http::HeaderMap;
use rand::Rng;

use super::keys::{Choice, Pass, Quota, split_etag};
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
    /// Records a response's `x-ratelimit-*` headers under the credential it was sent with (`slot`).
    pub(super) fn record_limits(&self, slot: usize, headers: &HeaderMap) {
        let number = |name| header_str(headers, name).and_then(|v| v.trim().parse::<i64>().ok());
        let (Some(remaining), Some(reset)) = (number("x-ratelimit-remaining"), number("x-ratelimit-reset")) else {
            return;
        };
        let limit = number("x-ratelimit-limit").and_then(|l| u64::try_from(l).ok());
        let bucket = header_str(headers, "x-ratelimit-resource").unwrap_or_else(|| "core".to_owned());
        let quota = Quota { remaining: u64::try_from(remaining).unwrap_or(0), limit, reset };
        *self.keys.lock().expect("keys lock").slots[slot].limits.slot(&bucket) = Some(quota);
    }

    /// Marks a bucket of credential `slot` as spent (a GraphQL `RATE_LIMITED`), keeping the
    /// reset already known.
    pub(super) fn mark_spent(&self, slot: usize, bucket: &str) {
        let mut keys = self.keys.lock().expect("keys lock");
        let slot = keys.slots[slot].limits.slot(bucket);
        let reset = slot.map_or(chrono::Utc::now().timestamp() + WINDOW_SECS, |q| q.reset);
        *slot = Some(Quota { remaining: 0, limit: slot.and_then(|q| q.limit), reset });
    }

    /// The credential the next request in `bucket` goes out with (see `keys.rs`): waits for the
    /// earliest reset while every live credential is in its reserve, renews an App's installation
    /// token when it is due, and fills in `If-None-Match` for the stored `etag` when the chosen
    /// credential fetched it. The request counts as in flight on its credential until the
    /// returned [`Sending`] is dropped.
    pub(super) async fn ready(&self, bucket: &str, etag: Option<&str>) -> Result<(Pass, Sending<'_>), GhError> {
        let prefer = etag.and_then(|e| split_etag(e).0);
        loop {
            let now = chrono::Utc::now().timestamp();
            let reserve = self.settings.reserve;
            let in_reserve = |q: &Quota| {
                q.remaining <= effective_reserve(reserve, q.limit) && judge_reset(q.reset, now) != Reset::Past
            };
            let choice = self.keys.lock().expect("keys lock").choose(bucket, prefer, in_reserve);
            match choice {
                Choice::Use(slot) => {
                    self.renew_if_due(slot).await?;
                    let mut keys = self.keys.lock().expect("keys lock");
                    let if_none_match = keys.etag_for(slot, etag).map(str::to_owned);
                    let chosen = &mut keys.slots[slot];
                    chosen.requests += 1;
                    *chosen.limits.sending(bucket) += 1;
                    let pass = Pass {
                        slot,
                        auth: chosen.header.clone(),
                        fingerprint: chosen.fingerprint.clone(),
                        if_none_match,
                    };
                    let graphql = bucket == "graphql";
                    return Ok((pass, Sending { client: self, slot, graphql }));
                }
                Choice::Wait(slot, quota) => self.wait_for_reset(bucket, slot, quota).await?,
                Choice::NoneLeft => {
                    return Err(GhError::Unauthorized {
                        message: "Bad credentials".to_owned(),
                        hint: format!("GitHub rejected every token in {}", self.token_var),
                    });
                }
            }
        }
    }

    /// Waits for `slot`'s window in `bucket` to reset (it was the earliest of the credentials
    /// in their reserve), then forgets that window's numbers.
    async fn wait_for_reset(&self, bucket: &str, slot: usize, quota: Quota) -> Result<(), GhError> {
        let reserve = effective_reserve(self.settings.reserve, quota.limit);
        let now = chrono::Utc::now().timestamp();
        let until = match judge_reset(quota.reset, now) {
            Reset::Past => None,
            Reset::At(reset) => Some(reset + 1),
            Reset::Implausible => {
                tracing::warn!(
                    bucket,
                    reset = quota.reset,
                    "x-ratelimit-reset is not a plausible time (milliseconds, or over an hour ahead); \
                     treating it as unknown and waiting at most one window (3600 s)"
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
                        "without a token GitHub allows {limit} requests an hour; set GITHUB_TOKEN or GH_TOKEN \
                         (a token with no scopes is enough) and run again: what is left stays pending"
                    ),
                });
            }
            self.check_deadline(&format!("the {bucket} rate limit to reset"), bucket, wait)?;
            let tokens = self.keys.lock().expect("keys lock").live();
            tracing::warn!(
                bucket,
                remaining = quota.remaining,
                limit = %limit,
                reserve,
                tokens,
                "waiting for the rate limit until {} (UTC){}",
                utc_clock(until),
                if tokens > 1 { ": every token is in its reserve" } else { "" }
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
        *self.keys.lock().expect("keys lock").slots[slot].limits.slot(bucket) = None;
        Ok(())
    }

    /// Exponential backoff with full jitter in [50%, 100%] of the step, capped.
    pub(super) fn backoff(&self, attempt: u32) -> Duration {
        let base = self.settings.backoff_base.as_secs_f64() * 2f64.powi(attempt.min(20) as i32);
        let capped = base.min(self.settings.backoff_max.as_secs_f64());
        Duration::from_secs_f64(capped * rand::thread_rng().gen_range(0.5..=1.0))
    }
}

/// A request in flight on a credential: counted against its reserve until dropped (its answer
/// is in, it failed, or it was cancelled).
pub(super) struct Sending<'a> {
    client: &'a GitHubClient,
    slot: usize,
    graphql: bool,
}

impl Drop for Sending<'_> {
    fn drop(&mut self) {
        let Ok(mut keys) = self.client.keys.lock() else { return };
        let count = keys.slots[self.slot].limits.sending(if self.graphql { "graphql" } else { "core" });
        *count = count.saturating_sub(1);
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
