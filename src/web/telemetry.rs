//! `/metrics` in Prometheus text format (0.0.4): the collector's runs, requests, 304s, errors and
//! the last success per repository (read from the database at each scrape), the render cache's
//! counters, and HTTP latency per route (recorded here by a middleware, in memory since the
//! process started).
//!
//! The text is written by `prometheus-client` (names, label escaping, cumulative buckets). Each
//! scrape builds a fresh registry from a [`Snapshot`] plus the live latency family, so numbers
//! that live in the database are never kept twice. The metric names and labels are a public
//! interface (dashboards and alerts are built on them): a counter registered as `x` is exposed as
//! `x_total`, as it always was. Imports only the web's leaves (`state`, `error`, `cache`), never
//! `web/mod.rs`, which imports this module for its route.

use std::{sync::atomic::Ordering, time::Instant};

use actix_web::{
    HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
    web::Data,
};
use prometheus_client::{
    encoding::{EncodeLabelSet, prometheus_text},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

use crate::db;
use crate::web::{cache::PageCache, error::WebError, state::AppState};

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: [f64; 11] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// The labels of one latency series. Route patterns, not paths, so the number of series stays
/// bounded whatever URLs clients send.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    status: u16,
}

type Latency = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// Request latencies keyed by (route pattern, status code).
#[derive(Debug)]
pub struct HttpMetrics {
    latency: Latency,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        HttpMetrics { latency: Family::new_with_constructor(|| Histogram::new(BUCKETS)) }
    }
}

impl HttpMetrics {
    pub fn observe(&self, route: &str, status: u16, seconds: f64) {
        self.latency.get_or_create(&RouteLabels { route: route.to_owned(), status }).observe(seconds);
    }
}

/// Middleware: times every request and records it under its route pattern.
pub async fn record_latency(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let metrics = req.app_data::<Data<HttpMetrics>>().cloned();
    let response = next.call(req).await?;
    if let Some(metrics) = metrics {
        metrics.observe(&route, response.status().as_u16(), started.elapsed().as_secs_f64());
    }
    Ok(response)
}

/// What one scrape reads outside this module: the render cache's counters and the database.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// (outcome, answers) per way the render cache served a cached route.
    pub cache: Vec<(&'static str, u64)>,
    /// (final status, runs) per collector run status.
    pub runs: Vec<(String, u64)>,
    pub requests: u64,
    pub not_modified: u64,
    pub items_written: u64,
    pub failed_steps: u64,
    /// (repository, Unix seconds of its last successful sync, 0 for never).
    pub last_success: Vec<(String, i64)>,
    /// The decoded week slices held in memory ([`db::slices::cache_stats`]).
    pub slices: db::slices::CacheStats,
}

/// `GET /metrics`.
pub async fn prometheus(
    state: Data<AppState>,
    http: Data<HttpMetrics>,
    cache: Data<PageCache>,
) -> Result<HttpResponse, WebError> {
    let pool = &state.db.pool;
    let c = cache.counters();
    let cache = [
        ("fresh", &c.fresh),
        ("stale", &c.stale),
        ("joined", &c.joined),
        ("rendered", &c.rendered),
        ("refreshed", &c.refreshed),
    ];
    let totals = db::runs::run_totals(pool).await?;
    let sum = |f: fn(&db::runs::RunStatusTotals) -> i64| count(totals.iter().map(f).sum());
    let snapshot = Snapshot {
        cache: cache.iter().map(|(outcome, n)| (*outcome, n.load(Ordering::Relaxed))).collect(),
        runs: totals.iter().map(|t| (t.status.clone(), count(t.runs))).collect(),
        requests: sum(|t| t.requests),
        not_modified: sum(|t| t.not_modified),
        items_written: sum(|t| t.items_written),
        failed_steps: count(db::runs::count_failed_steps(pool).await?),
        last_success: db::repos::list_tracked(pool)
            .await?
            .into_iter()
            .map(|t| (t.full_name, t.last_success_at.unwrap_or(0)))
            .collect(),
        slices: db::slices::cache_stats(),
    };
    let body = encode(&snapshot, &http)
        .map_err(|e| WebError::Internal(anyhow::Error::new(e).context("writing the Prometheus text")))?;
    Ok(HttpResponse::Ok().content_type(prometheus_text::CONTENT_TYPE).body(body))
}

/// A count from SQL as a counter value (a negative count cannot happen; it reads as 0).
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// One label per series: `{name="value"}`.
type OneLabel = [(&'static str, String); 1];

/// A counter family with one label, from (label value, count) pairs.
fn counters(label: &'static str, series: &[(impl ToString, u64)]) -> Family<OneLabel, Counter> {
    let family = Family::<OneLabel, Counter>::default();
    for (value, n) in series {
        family.get_or_create(&[(label, value.to_string())]).inc_by(*n);
    }
    family
}

fn counter(n: u64) -> Counter {
    let c = Counter::default();
    c.inc_by(n);
    c
}

/// The Prometheus text of a scrape. Help texts are given without their final full stop, which
/// the crate adds.
pub fn encode(s: &Snapshot, http: &HttpMetrics) -> Result<String, std::fmt::Error> {
    let mut r = Registry::default();
    let help = "Cached routes' answers, by how the render cache served them";
    r.register("upkeep_render_cache", help, counters("outcome", &s.cache));
    r.register("upkeep_sync_runs", "Collector runs, by final status", counters("status", &s.runs));
    r.register("upkeep_sync_requests", "Requests sent to GitHub by the collector", counter(s.requests));
    let help = "Requests answered 304 Not Modified (free of quota)";
    r.register("upkeep_sync_not_modified", help, counter(s.not_modified));
    r.register("upkeep_sync_items_written", "Rows written by the collector", counter(s.items_written));
    r.register("upkeep_sync_errors", "Sync steps that failed", counter(s.failed_steps));
    let last = Family::<OneLabel, Gauge>::default();
    for (repo, at) in &s.last_success {
        last.get_or_create(&[("repo", repo.clone())]).set(*at);
    }
    let help = "Last successful sync per tracked repository";
    r.register("upkeep_repo_last_success_timestamp_seconds", help, last);
    let slices = &s.slices;
    let reads = [("hit", slices.hits), ("miss", slices.misses), ("evicted", slices.evicted)];
    let help = "Week slices a page needed, by whether memory held them (and those dropped past the budget)";
    r.register("upkeep_slice_cache", help, counters("outcome", &reads));
    let bytes = Gauge::<i64>::default();
    bytes.set(i64::try_from(slices.bytes).unwrap_or(i64::MAX));
    r.register("upkeep_slice_cache_bytes", "Bytes of decoded week slices held in memory (estimated)", bytes);
    let help = "Time to answer HTTP requests, by route and status";
    r.register("upkeep_http_request_duration_seconds", help, http.latency.clone());
    let mut out = String::new();
    prometheus_text::encode(&mut out, &r)?;
    Ok(out)
}

#[cfg(test)]
mod tests;
