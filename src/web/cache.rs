//! An in-memory cache of rendered responses, stale-while-revalidate, one render per key at a time.
//!
//! Pages change only when the collector writes, so a rendered page is *fresh* while the data
//! version ([`db::runs::data_version`]: it moves when a sync run starts or finishes) is the one it
//! was rendered at and it is younger than [`TTL`] (relative ages, "waiting 3 d", and day-aligned
//! windows move with the clock). A page that is no longer fresh but younger than [`MAX_STALE`] is
//! *stale*: the visitor gets it at once, marked with its age ("updated 3 min ago" in the footer),
//! and its key goes to [`refresh`], which renders the new page in the background (a request of
//! its own, marked with a per-process token). So no visitor waits for a sync, and [`refresh`]
//! also re-renders the main pages after each sync before anyone asks.
//!
//! Concurrent misses on one key wait for a single render (a per-key lock, then a second look). The data version is read at most once per
//! [`VERSION_CHECK`], on a connection of its own, by one request at a time: the others use the
//! last value, so the check never queues behind a slow page. Only successful GETs of the cached
//! routes are kept, keyed by path and query, within [`MAX_BYTES`].

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
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

use crate::{db, web::format};

pub mod refresh;

/// How long a cached page is fresh while the data is unchanged.
pub const TTL: Duration = Duration::from_secs(300);
/// How long a page may be served stale (while its new render is computed). Past this it is
/// rendered before it is served.
pub const MAX_STALE: Duration = Duration::from_secs(3600);
/// How often the data version is re-read from the database.
pub const VERSION_CHECK: Duration = Duration::from_secs(1);
/// How long a request waits for another request's render of the same page before rendering it
/// itself (a render that long has a problem; the visitor should not share it).
const RENDER_WAIT: Duration = Duration::from_secs(20);
/// How long the data-version read may take before the last known version is used.
const VERSION_TIMEOUT: Duration = Duration::from_secs(2);
/// Bytes of rendered responses kept at most; the cache is cleared when a new entry would pass it,
/// so clients asking for many distinct URLs cannot grow memory without bound.
const MAX_BYTES: usize = 32 * 1024 * 1024;
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
/// Where a page's age goes: base.html's footer renders `<!--age-->just now<!--/age-->`, and a
/// cached copy is served with the text between the markers replaced by its age.
const AGE_OPEN: &[u8] = b"<!--age-->";
const AGE_CLOSE: &[u8] = b"<!--/age-->";

/// One rendered response.
#[derive(Clone)]
struct Entry {
    version: i64,
    stored: Instant,
    /// Every header of the rendered response (content type, a download's file name, validators).
    headers: header::HeaderMap,
    body: Bytes,
    /// The byte range of the age text in `body`, for HTML pages.
    age: Option<(usize, usize)>,
}

impl Entry {
    fn new(version: i64, headers: header::HeaderMap, body: Bytes) -> Entry {
        let html = headers.get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
        let age = html.then(|| age_range(&body)).flatten();
        Entry { version, stored: Instant::now(), headers, body, age }
    }

    /// The response, its age text saying how long ago it was rendered. The weak ETag stays: a
    /// page that differs only in "updated N min ago" is the same page.
    fn response(&self) -> HttpResponse {
        let body = match self.age {
            Some((start, end)) => {
                let text = age_text(self.stored.elapsed());
                let mut b = Vec::with_capacity(self.body.len() + text.len());
                b.extend_from_slice(&self.body[..start]);
                b.extend_from_slice(text.as_bytes());
                b.extend_from_slice(&self.body[end..]);
                Bytes::from(b)
            }
            None => self.body.clone(),
        };
        with_headers(&self.headers, body)
    }
}

/// The range between the last age markers of a page, if it has them.
fn age_range(body: &[u8]) -> Option<(usize, usize)> {
    let find_last = |needle: &[u8]| body.windows(needle.len()).rposition(|w| w == needle);
    let close = find_last(AGE_CLOSE)?;
    let open = find_last(AGE_OPEN)? + AGE_OPEN.len();
    (open <= close).then_some((open, close))
}

/// "just now" under a minute, else "3 min ago".
fn age_text(age: Duration) -> String {
    match age.as_secs() {
        s if s < 60 => "just now".to_owned(),
        s => format!("{} ago", format::duration(s as i64)),
    }
}

/// What the cache holds for a key at a data version.
enum Lookup {
    Fresh(Entry),
    Stale(Entry),
    Miss,
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Entry>,
    /// Total body bytes held in `map`.
    bytes: usize,
}

/// The last data version read, and the connection it is read on.
struct Version {
    pool: sqlx::SqlitePool,
    last: Mutex<Option<(Instant, i64)>>,
    /// Set while one request re-reads the version.
    reading: AtomicBool,
}

pub struct PageCache {
    entries: Mutex<Entries>,
    version: Version,
    /// One lock per key being rendered: the single flight.
    flights: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    counters: Counters,
    /// Stale keys to re-render, for [`refresh`]; full means already plenty queued.
    queue: tokio::sync::mpsc::Sender<String>,
    queued: Mutex<Option<tokio::sync::mpsc::Receiver<String>>>,
    /// The value of [`REFRESH_HEADER`] that makes a request render (only [`refresh`] knows it).
    token: String,
}

/// A request carrying this header with the cache's token is rendered and stored, never served
/// from the cache: how [`refresh`] re-renders a stale page. Without the token it means nothing.
pub const REFRESH_HEADER: &str = "x-upkeep-refresh";
/// Stale keys waiting for a re-render at most.
const QUEUE: usize = 256;

/// What the cache did since the process started (`/metrics`).
#[derive(Default)]
pub struct Counters {
    /// Fresh pages served.
    pub fresh: AtomicU64,
    /// Stale pages served while (or after starting) their re-render.
    pub stale: AtomicU64,
    /// Requests that waited for another request's render of the same page and were served it.
    pub joined: AtomicU64,
    /// Pages rendered for a visitor who had to wait (nothing servable was cached).
    pub rendered: AtomicU64,
    /// Pages re-rendered in the background ([`refresh`]: after a stale answer, after a sync).
    pub refreshed: AtomicU64,
}

impl PageCache {
    /// A cache that reads the data version through `db`, a pool of its own.
    pub fn new(db: db::Db) -> PageCache {
        let (queue, queued) = tokio::sync::mpsc::channel(QUEUE);
        let token: [u8; 16] = rand::random();
        PageCache {
            entries: Mutex::default(),
            version: Version { pool: db.pool, last: Mutex::default(), reading: AtomicBool::new(false) },
            flights: Mutex::default(),
            counters: Counters::default(),
            queue,
            queued: Mutex::new(Some(queued)),
            token: token.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }

    /// The stale keys to re-render, once (the refresher takes them).
    pub fn take_queue(&self) -> Option<tokio::sync::mpsc::Receiver<String>> {
        self.queued.lock().expect("cache lock").take()
    }

    /// The token of [`REFRESH_HEADER`].
    pub fn token(&self) -> &str {
        &self.token
    }

    fn is_refresh(&self, req: &ServiceRequest) -> bool {
        req.headers().get(REFRESH_HEADER).is_some_and(|v| v.as_bytes() == self.token.as_bytes())
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// The current data version, re-read at most once per [`VERSION_CHECK`] by one caller at a
    /// time; the others (and a read that fails or takes over [`VERSION_TIMEOUT`]) get the last
    /// value. `None` only before any read has succeeded.
    pub async fn version(&self) -> Option<i64> {
        let last = *self.version.last.lock().expect("cache lock");
        match last {
            Some((at, v)) if at.elapsed() < VERSION_CHECK => return Some(v),
            Some((_, v)) if self.version.reading.swap(true, Ordering::AcqRel) => return Some(v),
            _ => {}
        }
        // Cleared however this ends, even if the caller's future is dropped mid-read.
        struct Reading<'a>(&'a AtomicBool);
        impl Drop for Reading<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        let _reading = Reading(&self.version.reading);
        let read = tokio::time::timeout(VERSION_TIMEOUT, db::runs::data_version(&self.version.pool)).await;
        match read {
            Ok(Ok(v)) => {
                *self.version.last.lock().expect("cache lock") = Some((Instant::now(), v));
                Some(v)
            }
            Ok(Err(e)) => {
                tracing::warn!("render cache: cannot read the data version: {e}");
                last.map(|(_, v)| v)
            }
            Err(_) => last.map(|(_, v)| v),
        }
    }

    fn lookup(&self, key: &str, version: i64) -> Lookup {
        let entries = self.entries.lock().expect("cache lock");
        match entries.map.get(key) {
            Some(e) if e.version == version && e.stored.elapsed() < TTL => Lookup::Fresh(e.clone()),
            Some(e) if e.stored.elapsed() < MAX_STALE => Lookup::Stale(e.clone()),
            _ => Lookup::Miss,
        }
    }

    /// Whether `key` holds a fresh page at `version` (for the refresher).
    pub fn is_fresh(&self, key: &str, version: i64) -> bool {
        matches!(self.lookup(key, version), Lookup::Fresh(_))
    }

    /// The keys held, those rendered longest ago first, at most `limit`.
    pub fn keys_not_at(&self, version: i64, limit: usize) -> Vec<String> {
        let entries = self.entries.lock().expect("cache lock");
        let mut keys: Vec<(&String, Instant)> =
            entries.map.iter().filter(|(_, e)| e.version != version).map(|(k, e)| (k, e.stored)).collect();
        keys.sort_by_key(|(_, stored)| *stored);
        keys.into_iter().take(limit).map(|(k, _)| k.clone()).collect()
    }

    fn put(&self, key: String, entry: Entry) {
        let mut entries = self.entries.lock().expect("cache lock");
        if entries.bytes + entry.body.len() > MAX_BYTES {
            entries.map.clear();
            entries.bytes = 0;
        }
        entries.bytes += entry.body.len();
        if let Some(old) = entries.map.insert(key, entry) {
            entries.bytes -= old.body.len();
        }
    }

    fn forget(&self, key: &str) {
        let mut entries = self.entries.lock().expect("cache lock");
        if let Some(old) = entries.map.remove(key) {
            entries.bytes -= old.body.len();
        }
    }

    /// The render lock of `key`.
    fn flight(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.flights.lock().expect("cache lock").entry(key.to_owned()).or_default().clone()
    }

    /// Forgets the render lock of `key` when no one else holds or waits for it.
    fn land(&self, key: &str, flight: Arc<tokio::sync::Mutex<()>>) {
        let mut flights = self.flights.lock().expect("cache lock");
        // Ours and the map's: nobody else has it, and nobody can take it without this lock.
        if Arc::strong_count(&flight) <= 2 {
            flights.remove(key);
        }
    }
}

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

/// A 200 response with exactly these headers and body.
fn with_headers(headers: &header::HeaderMap, body: Bytes) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    for (name, value) in headers.iter() {
        response.append_header((name.clone(), value.clone()));
    }
    response.body(body)
}

#[cfg(test)]
mod tests;
