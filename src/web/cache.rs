//! An in-memory cache of rendered dashboard responses.
//!
//! Dashboards change only when the collector writes, so a rendered page stays valid until a sync
//! run starts or finishes ([`db::runs::data_version`]), and at most [`TTL`] so that relative ages
//! ("waiting 3 d") and day-aligned windows stay fresh. Only successful GETs of the dashboard,
//! API and badge routes are cached, keyed by path and query. The data version is read from the
//! database at most once per [`VERSION_CHECK`], so a `collect` run in another process is seen
//! within that second, and a cache hit touches no database at all.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use actix_web::{
    HttpResponse,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{Method, StatusCode, header},
    middleware::Next,
    web::{Bytes, Data},
};

use crate::{app::AppState, db};

/// How long a cached page may be served while the data is unchanged.
pub const TTL: Duration = Duration::from_secs(300);
/// How often the data version is re-read from the database.
pub const VERSION_CHECK: Duration = Duration::from_secs(1);
/// Bytes of rendered responses kept at most; the cache is cleared when a new entry would pass it,
/// so clients asking for many distinct URLs cannot grow memory without bound.
const MAX_BYTES: usize = 32 * 1024 * 1024;
/// Route prefixes whose GET responses are cached.
const CACHED: [&str; 10] = [
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
];

struct Entry {
    version: i64,
    stored: Instant,
    /// Every header of the rendered response (content type, a download's file name, caching).
    headers: header::HeaderMap,
    body: Bytes,
}

#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<String, Entry>>,
    /// Total body bytes held in `entries`.
    bytes: Mutex<usize>,
    /// The last data version read, and when.
    version: Mutex<Option<(Instant, i64)>>,
}

impl PageCache {
    /// The current data version, re-read from the database at most once per [`VERSION_CHECK`].
    async fn version(&self, pool: &sqlx::SqlitePool) -> sqlx::Result<i64> {
        if let Some((at, v)) = *self.version.lock().expect("cache lock") {
            if at.elapsed() < VERSION_CHECK {
                return Ok(v);
            }
        }
        let v = db::runs::data_version(pool).await?;
        *self.version.lock().expect("cache lock") = Some((Instant::now(), v));
        Ok(v)
    }

    fn get(&self, key: &str, version: i64) -> Option<(header::HeaderMap, Bytes)> {
        let entries = self.entries.lock().expect("cache lock");
        let e = entries.get(key)?;
        (e.version == version && e.stored.elapsed() < TTL).then(|| (e.headers.clone(), e.body.clone()))
    }

    fn put(&self, key: String, version: i64, headers: header::HeaderMap, body: Bytes) {
        let mut entries = self.entries.lock().expect("cache lock");
        let mut bytes = self.bytes.lock().expect("cache lock");
        if *bytes + body.len() > MAX_BYTES {
            entries.clear();
            *bytes = 0;
        }
        *bytes += body.len();
        let entry = Entry { version, stored: Instant::now(), headers, body };
        if let Some(old) = entries.insert(key, entry) {
            *bytes -= old.body.len();
        }
    }
}

fn cacheable(req: &ServiceRequest) -> bool {
    req.method() == Method::GET && (req.path() == "/" || CACHED.iter().any(|p| req.path().starts_with(p)))
}

/// Middleware: answer from the cache when the data has not changed, else render and remember.
pub async fn serve_cached(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let (Some(cache), Some(state)) =
        (req.app_data::<Data<PageCache>>().cloned(), req.app_data::<Data<AppState>>().cloned())
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !cacheable(&req) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let Ok(version) = cache.version(&state.db.pool).await else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = req.uri().to_string();
    if let Some((headers, body)) = cache.get(&key, version) {
        return Ok(req.into_response(with_headers(&headers, body)));
    }
    let response = next.call(req).await?;
    if response.status() != StatusCode::OK {
        return Ok(response.map_into_boxed_body());
    }
    let (req, res) = response.into_parts();
    let headers = res.headers().clone();
    let body = actix_web::body::to_bytes(res.into_body())
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("could not read a rendered page"))?;
    if headers.contains_key(header::CONTENT_TYPE) {
        cache.put(key, version, headers.clone(), body.clone());
    }
    Ok(ServiceResponse::new(req, with_headers(&headers, body)))
}

/// A 200 response with exactly these headers and body.
fn with_headers(headers: &header::HeaderMap, body: Bytes) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    for (name, value) in headers.iter() {
        response.append_header((name.clone(), value.clone()));
    }
    response.body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html() -> header::HeaderMap {
        let mut headers = header::HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/html"));
        headers
    }

    #[test]
    fn an_entry_is_served_only_for_the_data_version_it_was_rendered_at() {
        let cache = PageCache::default();
        cache.put("/repos/o/n".into(), 7, html(), Bytes::from_static(b"page"));
        assert_eq!(cache.get("/repos/o/n", 7).map(|(_, b)| b), Some(Bytes::from_static(b"page")));
        assert!(cache.get("/repos/o/n", 8).is_none(), "a sync run since then makes it stale");
        assert!(cache.get("/repos/o/other", 7).is_none());
    }

    #[test]
    fn the_cache_never_holds_more_than_its_byte_budget() {
        let cache = PageCache::default();
        let big = Bytes::from(vec![b'x'; MAX_BYTES / 3 + 1]);
        for i in 0..10 {
            cache.put(format!("/repos/o/{i}"), 1, html(), big.clone());
            assert!(*cache.bytes.lock().unwrap() <= MAX_BYTES);
        }
        cache.put("/repos/o/9".into(), 1, html(), Bytes::from_static(b"small"));
        let held: usize = cache.entries.lock().unwrap().values().map(|e| e.body.len()).sum();
        assert_eq!(held, *cache.bytes.lock().unwrap(), "the byte count tracks replaced entries");
    }
}
