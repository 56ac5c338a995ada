//! The primary rate limit: a budget of requests per window, per resource (`core`, `graphql`),
//! per caller ([`RateBook`]: each token, App installation and the anonymous caller has its own),
//! on the real wall clock as GitHub's `x-ratelimit-reset` is.
//!
//! A window opens with the first request and lasts `rate_window_secs`; every counted request
//! spends one; a `304` spends nothing (GitHub's rule, enforced by `pipeline.rs`, which decides
//! what to spend). Methods take `now` so tests need no clock.

use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Core,
    Graphql,
}

impl Resource {
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Core => "core",
            Resource::Graphql => "graphql",
        }
    }
}

/// What the `x-ratelimit-*` headers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Snapshot {
    pub limit: u32,
    pub remaining: u32,
    pub used: u32,
    pub reset: u64,
}

#[derive(Debug, Clone)]
struct Bucket {
    used: u32,
    /// When the current window ends; `None` before the first request.
    reset: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct RateLimits {
    limit: u32,
    window: u64,
    core: Bucket,
    graphql: Bucket,
}

pub fn wall_clock() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Every caller's [`RateLimits`], opened on a caller's first request.
#[derive(Debug, Clone)]
pub struct RateBook {
    limit: u32,
    /// Budgets of given callers, instead of `limit`.
    limits: std::collections::BTreeMap<String, u32>,
    window: u64,
    callers: std::collections::HashMap<String, RateLimits>,
}

impl RateBook {
    pub fn new(limit: u32, limits: std::collections::BTreeMap<String, u32>, window_secs: u64) -> RateBook {
        RateBook { limit, limits, window: window_secs, callers: std::collections::HashMap::new() }
    }

    /// `caller`'s buckets (a token, `installation <id>`, or `""`).
    pub fn of(&mut self, caller: &str) -> &mut RateLimits {
        let limit = self.limits.get(caller).copied().unwrap_or(self.limit);
        let window = self.window;
        self.callers.entry(caller.to_owned()).or_insert_with(|| RateLimits::new(limit, window))
    }
}

impl RateLimits {
    pub fn new(limit: u32, window_secs: u64) -> RateLimits {
        let fresh = Bucket { used: 0, reset: None };
        RateLimits { limit, window: window_secs.max(1), core: fresh.clone(), graphql: fresh }
    }

    /// The bucket for `resource`, its window opened (or renewed) as of `now`.
    fn bucket(&mut self, resource: Resource, now: u64) -> &mut Bucket {
        let window = self.window;
        let bucket = match resource {
            Resource::Core => &mut self.core,
            Resource::Graphql => &mut self.graphql,
        };
        if bucket.reset.is_none_or(|reset| now >= reset) {
            *bucket = Bucket { used: 0, reset: Some(now + window) };
        }
        bucket
    }

    pub fn snapshot(&mut self, resource: Resource, now: u64) -> Snapshot {
        let limit = self.limit;
        let bucket = self.bucket(resource, now);
        let used = bucket.used.min(limit);
        Snapshot { limit, remaining: limit - used, used, reset: bucket.reset.unwrap_or(now) }
    }

    pub fn exhausted(&mut self, resource: Resource, now: u64) -> bool {
        self.snapshot(resource, now).remaining == 0
    }

    pub fn spend(&mut self, resource: Resource, now: u64) {
        let bucket = self.bucket(resource, now);
        bucket.used = bucket.used.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_runs_out_and_renews_after_the_window() {
        let mut limits = RateLimits::new(2, 60);
        assert_eq!(limits.snapshot(Resource::Core, 1_000).reset, 1_060);
        limits.spend(Resource::Core, 1_000);
        limits.spend(Resource::Core, 1_001);
        assert!(limits.exhausted(Resource::Core, 1_059));
        assert!(!limits.exhausted(Resource::Graphql, 1_059), "buckets are separate");
        let renewed = limits.snapshot(Resource::Core, 1_060);
        assert_eq!((renewed.remaining, renewed.reset), (2, 1_120));
    }

    #[test]
    fn every_caller_has_its_own_budget() {
        let mut book = RateBook::new(1, [("c".to_owned(), 3)].into(), 60);
        book.of("a").spend(Resource::Core, 1_000);
        assert!(book.of("a").exhausted(Resource::Core, 1_001));
        assert!(!book.of("b").exhausted(Resource::Core, 1_001));
        assert!(!book.of("").exhausted(Resource::Core, 1_001));
        assert_eq!(book.of("c").snapshot(Resource::Core, 1_001).limit, 3, "a caller's own limit");
    }
}
