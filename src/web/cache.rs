//! An in-memory cache of rendered responses, stale-while-revalidate, one render per key at a time.
//!
//! Pages change only when the collector writes, so a rendered page is *fresh* while the data
//! version ([`db::runs::data_version`]: it moves when a sync run starts or finishes and when each
//! repository's sync ends) is the one it was rendered at and it is younger than [`TTL`] (relative ages, "waiting 3 d", and day-aligned
//! windows move with the clock). A page that is no longer fresh but younger than [`MAX_STALE`] is
//! *stale*: the visitor gets it at once, marked with its age ("updated 3 min ago" in the footer),
//! and its key goes to [`refresh`], which renders the new page in the background (a request of
//! its own, marked with a per-process token). So no visitor waits for a sync, and [`refresh`]
//! also re-renders the main pages after each sync before anyone asks.
//!
//! Concurrent misses on one key wait for a single render (a per-key lock, then a second look). The data version is read at most once per
//! [`VERSION_CHECK`], on a connection of its own, by one request at a time: the others use the
//! last value, so the check never queues behind a slow page. Only successful GETs of the cached
//! routes are kept, keyed by path and query, within `MAX_BYTES` (the store, `cache/store.rs`).

use std::{sync::atomic::Ordering, time::Duration};

use actix_web::{
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{Method, StatusCode, header},
    middleware::Next,
    web::Data,
};

pub mod refresh;
mod store;

pub use store::{Counters, MAX_STALE, PageCache, REFRESH_HEADER, TTL, VERSION_CHECK};
use store::{Entry, Lookup, with_headers};

/// How long a request waits for another request's render of the same page before rendering it
/// itself (a render that long has a problem; the visitor should not share it).
const RENDER_WAIT: Duration = Duration::from_secs(20);
/// Route prefixes whose GET responses are cached (besides `/` itself).
const CACHED: [&str; 14] = [
    "/repos/",
    "/orgs/",
    "/api/v1/repos/",
    "/api/v1/orgs/",
    "/api/v1/overview",
    "/badges/",
    "/funding",
    "/api/v1/funding",
    "/reports/",
    "/api/v1/reports/",
    "/newcomers",
    "/api/v1/newcomers",
    "/status",
    "/api/v1/status",
];
fn cacheable(req: &ServiceRequest) -> bool {
    req.method() == Method::GET && (req.path() == "/" || CACHED.iter().any(|p| req.path().starts_with(p)))
}

/// Middleware: answer from the cache when the page is fresh; serve a stale page and render its
/// successor in the background; render a missing page once however many ask for it.
pub async fn serve_cached(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(cache) = req.app_data::<Data<PageCache>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !cacheable(&req) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let Some(version) = cache.version().await else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = req.uri().to_string();
    match cache.lookup(&key, version) {
        Lookup::Fresh(hit) => {
            cache.counters.fresh.fetch_add(1, Ordering::Relaxed);
            Ok(req.into_response(hit.response()))
        }
        Lookup::Stale(hit) if !cache.is_refresh(&req) => {
            cache.counters.stale.fetch_add(1, Ordering::Relaxed);
            // The refresher renders its successor; a full queue has plenty to do already and
            // the next stale answer asks again.
            let _ = cache.queue.try_send(key);
            Ok(req.into_response(hit.response()))
        }
        Lookup::Stale(_) | Lookup::Miss => {
            let refresh = cache.is_refresh(&req);
            let flight = cache.flight(&key);
            let guard = tokio::time::timeout(RENDER_WAIT, flight.clone().lock_owned()).await.ok();
            // Whoever held the lock may have rendered it meanwhile.
            if guard.is_some()
                && let Lookup::Fresh(hit) = cache.lookup(&key, version)
            {
                drop(guard);
                cache.land(&key, flight);
                cache.counters.joined.fetch_add(1, Ordering::Relaxed);
                return Ok(req.into_response(hit.response()));
            }
            let counter = if refresh { &cache.counters.refreshed } else { &cache.counters.rendered };
            counter.fetch_add(1, Ordering::Relaxed);
            let result = render(&cache, key.clone(), version, next, req).await;
            drop(guard);
            cache.land(&key, flight);
            result
        }
    }
}

/// Renders `req` and keeps a successful answer under `key` at `version` (the version read before
/// the render started, so data written during the render makes it stale, not wrongly fresh).
async fn render(
    cache: &PageCache,
    key: String,
    version: i64,
    next: Next<impl MessageBody + 'static>,
    req: ServiceRequest,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(req).await?;
    if response.status() != StatusCode::OK {
        // A page that now fails (its repository untracked, say) is not served stale either.
        cache.forget(&key);
        return Ok(response.map_into_boxed_body());
    }
    let (req, res) = response.into_parts();
    let headers = res.headers().clone();
    let body = actix_web::body::to_bytes(res.into_body())
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("could not read a rendered page"))?;
    if !headers.contains_key(header::CONTENT_TYPE) {
        return Ok(ServiceResponse::new(req, with_headers(&headers, body)));
    }
    let entry = Entry::new(version, headers, body);
    cache.put(key, entry.clone());
    Ok(ServiceResponse::new(req, entry.response()))
}

#[cfg(test)]
mod tests;
