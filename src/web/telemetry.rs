//! `/metrics` in Prometheus text format: the collector's runs, requests, 304s, errors and the
//! last success per repository (from the database), and HTTP latency per route (recorded here
//! by a middleware, in memory since the process started).

use std::{
    collections::BTreeMap,
    sync::{Mutex, atomic::Ordering},
    time::Instant,
};

use actix_web::{
    HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
    web::Data,
};

use super::{WebError, cache::PageCache};
use crate::db;
use crate::web::state::AppState;

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: [f64; 11] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Request latencies keyed by (route pattern, status code). Route patterns, not paths, so the
/// number of series stays bounded whatever URLs clients send.
#[derive(Debug, Default)]
pub struct HttpMetrics {
    routes: Mutex<BTreeMap<(String, u16), Histogram>>,
}

impl HttpMetrics {
    pub fn observe(&self, route: &str, status: u16, seconds: f64) {
        let mut routes = self.routes.lock().expect("metrics lock");
        let h = routes.entry((route.to_owned(), status)).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    fn render(&self, out: &mut String) {
        out.push_str(
            "# HELP upkeep_http_request_duration_seconds Time to answer HTTP requests, by route and status.\n",
        );
        out.push_str("# TYPE upkeep_http_request_duration_seconds histogram\n");
        let routes = self.routes.lock().expect("metrics lock").clone();
        for ((route, status), h) in routes {
            let labels = format!("route=\"{}\",status=\"{status}\"", label(&route));
            for (bound, count) in BUCKETS.iter().zip(h.counts) {
                out.push_str(&format!(
                    "upkeep_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}\n"
                ));
            }
            out.push_str(&format!("upkeep_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n", h.count));
            out.push_str(&format!("upkeep_http_request_duration_seconds_sum{{{labels}}} {:.6}\n", h.sum));
            out.push_str(&format!("upkeep_http_request_duration_seconds_count{{{labels}}} {}\n", h.count));
        }
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

pub async fn prometheus(
    state: Data<AppState>,
    http: Data<HttpMetrics>,
    cache: Data<PageCache>,
) -> Result<HttpResponse, WebError> {
    let mut out = String::new();
    let c = cache.counters();
    metric(
        &mut out,
        "upkeep_render_cache_total",
        "counter",
        "Cached routes' answers, by how the render cache served them.",
    );
    for (outcome, n) in [
        ("fresh", &c.fresh),
        ("stale", &c.stale),
        ("joined", &c.joined),
        ("rendered", &c.rendered),
        ("refreshed", &c.refreshed),
    ] {
        out.push_str(&format!("upkeep_render_cache_total{{outcome=\"{outcome}\"}} {}\n", n.load(Ordering::Relaxed)));
    }
    let totals = db::runs::run_totals(&state.db.pool).await?;
    metric(&mut out, "upkeep_sync_runs_total", "counter", "Collector runs, by final status.");
    for t in &totals {
        out.push_str(&format!("upkeep_sync_runs_total{{status=\"{}\"}} {}\n", label(&t.status), t.runs));
    }
    let sum = |f: fn(&db::runs::RunStatusTotals) -> i64| totals.iter().map(f).sum::<i64>();
    let counters: [(&str, &str, i64); 3] = [
        ("upkeep_sync_requests_total", "Requests sent to GitHub by the collector.", sum(|t| t.requests)),
        (
            "upkeep_sync_not_modified_total",
            "Requests answered 304 Not Modified (free of quota).",
            sum(|t| t.not_modified),
        ),
        ("upkeep_sync_items_written_total", "Rows written by the collector.", sum(|t| t.items_written)),
    ];
    for (name, help, value) in counters {
        metric(&mut out, name, "counter", help);
        out.push_str(&format!("{name} {value}\n"));
    }
    metric(&mut out, "upkeep_sync_errors_total", "counter", "Sync steps that failed.");
    out.push_str(&format!("upkeep_sync_errors_total {}\n", db::runs::count_failed_steps(&state.db.pool).await?));
    metric(
        &mut out,
        "upkeep_repo_last_success_timestamp_seconds",
        "gauge",
        "Last successful sync per tracked repository.",
    );
    for t in db::repos::list_tracked(&state.db.pool).await? {
        let value = t.last_success_at.unwrap_or(0);
        out.push_str(&format!(
            "upkeep_repo_last_success_timestamp_seconds{{repo=\"{}\"}} {value}\n",
            label(&t.full_name)
        ));
    }
    http.render(&mut out);
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(out))
}

fn metric(out: &mut String, name: &str, kind: &str, help: &str) {
    out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
}

/// Escapes a Prometheus label value.
fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_labels_are_escaped() {
        let m = HttpMetrics::default();
        m.observe("/repos/{owner}/{name}", 200, 0.003);
        m.observe("/repos/{owner}/{name}", 200, 0.02);
        let mut out = String::new();
        m.render(&mut out);
        assert!(out.contains(r#"route="/repos/{owner}/{name}",status="200",le="0.001"} 0"#));
        assert!(out.contains(r#"le="0.005"} 1"#));
        assert!(out.contains(r#"le="0.025"} 2"#));
        assert!(out.contains(r#"le="+Inf"} 2"#));
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
