//! The render cache's store: entries with their data version and age, the byte budget, the
//! data-version check, the per-key render locks and the queue of stale keys ([`PageCache`]).
//! A leaf under `cache.rs` (the middleware that answers from it) and `cache/refresh.rs` (which
//! re-renders what it queues), so neither imports the other for it.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use actix_web::{HttpResponse, dev::ServiceRequest, http::header, web::Bytes};

use crate::{db, web::format};

/// How long a cached page is fresh while the data is unchanged.
pub const TTL: Duration = Duration::from_secs(300);
/// How long a page may be served stale (while its new render is computed). Past this it is
/// rendered before it is served.
pub const MAX_STALE: Duration = Duration::from_secs(3600);
/// How often the data version is re-read from the database.
pub const VERSION_CHECK: Duration = Duration::from_secs(1);
/// How long the data-version read may take before the last known version is used.
pub(super) const VERSION_TIMEOUT: Duration = Duration::from_secs(2);
/// Bytes of rendered responses kept at most; the cache is cleared when a new entry would pass it,
/// so clients asking for many distinct URLs cannot grow memory without bound.
pub(super) const MAX_BYTES: usize = 32 * 1024 * 1024;
/// Where a page's age goes: base.html's footer renders `<!--age-->just now<!--/age-->`, and a
/// cached copy is served with the text between the markers replaced by its age.
pub(super) const AGE_OPEN: &[u8] = b"<!--age-->";
pub(super) const AGE_CLOSE: &[u8] = b"<!--/age-->";

/// One rendered response.
#[derive(Clone)]
pub(super) struct Entry {
    pub(super) version: i64,
    pub(super) stored: Instant,
    /// Every header of the rendered response (content type, a download's file name, validators).
    pub(super) headers: header::HeaderMap,
    pub(super) body: Bytes,
    /// The byte range of the age text in `body`, for HTML pages.
    pub(super) age: Option<(usize, usize)>,
}

impl Entry {
    pub(super) fn new(version: i64, headers: header::HeaderMap, body: Bytes) -> Entry {
        let html = headers.get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
        let age = html.then(|| age_range(&body)).flatten();
        Entry { version, stored: Instant::now(), headers, body, age }
    }

    /// The response, its age text saying how long ago it was rendered. The weak ETag stays: a
    /// page that differs only in "updated N min ago" is the same page.
    pub(super) fn response(&self) -> HttpResponse {
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
pub(super) fn age_range(body: &[u8]) -> Option<(usize, usize)> {
    let find_last = |needle: &[u8]| body.windows(needle.len()).rposition(|w| w == needle);
    let close = find_last(AGE_CLOSE)?;
    let open = find_last(AGE_OPEN)? + AGE_OPEN.len();
    (open <= close).then_some((open, close))
}

/// "just now" under a minute, else "3 min ago".
pub(super) fn age_text(age: Duration) -> String {
    match age.as_secs() {
        s if s < 60 => "just now".to_owned(),
        s => format!("{} ago", format::duration(s as i64)),
    }
}

/// What the cache holds for a key at a data version.
pub(super) enum Lookup {
    Fresh(Entry),
    Stale(Entry),
    Miss,
}

#[derive(Default)]
pub(super) struct Entries {
    pub(super) map: HashMap<String, Entry>,
    /// Total body bytes held in `map`.
    pub(super) bytes: usize,
}

/// The last data version read, and the connection it is read on.
pub(super) struct Version {
    pub(super) pool: sqlx::AnyPool,
    pub(super) last: Mutex<Option<(Instant, i64)>>,
    /// Set while one request re-reads the version.
    pub(super) reading: AtomicBool,
}

pub struct PageCache {
    pub(super) entries: Mutex<Entries>,
    pub(super) version: Version,
    /// One lock per key being rendered: the single flight.
    pub(super) flights: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    pub(super) counters: Counters,
    /// Stale keys to re-render, for [`refresh`]; full means already plenty queued.
    pub(super) queue: tokio::sync::mpsc::Sender<String>,
    pub(super) queued: Mutex<Option<tokio::sync::mpsc::Receiver<String>>>,
    /// The value of [`REFRESH_HEADER`] that makes a request render (only [`refresh`] knows it).
    pub(super) token: String,
}

/// A request carrying this header with the cache's token is rendered and stored, never served
/// from the cache: how [`refresh`] re-renders a stale page. Without the token it means nothing.
pub const REFRESH_HEADER: &str = "x-upkeep-refresh";
/// Stale keys waiting for a re-render at most.
pub(super) const QUEUE: usize = 256;

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

    pub(super) fn is_refresh(&self, req: &ServiceRequest) -> bool {
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

    pub(super) fn lookup(&self, key: &str, version: i64) -> Lookup {
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

    pub(super) fn put(&self, key: String, entry: Entry) {
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

    pub(super) fn forget(&self, key: &str) {
        let mut entries = self.entries.lock().expect("cache lock");
        if let Some(old) = entries.map.remove(key) {
            entries.bytes -= old.body.len();
        }
    }

    /// The render lock of `key`.
    pub(super) fn flight(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.flights.lock().expect("cache lock").entry(key.to_owned()).or_default().clone()
    }

    /// Forgets the render lock of `key` when no one else holds or waits for it.
    pub(super) fn land(&self, key: &str, flight: Arc<tokio::sync::Mutex<()>>) {
        let mut flights = self.flights.lock().expect("cache lock");
        // Ours and the map's: nobody else has it, and nobody can take it without this lock.
        if Arc::strong_count(&flight) <= 2 {
            flights.remove(key);
        }
    }
}

/// A 200 response with exactly these headers and body.
pub(super) fn with_headers(headers: &header::HeaderMap, body: Bytes) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    for (name, value) in headers.iter() {
        response.append_header((name.clone(), value.clone()));
    }
    response.body(body)
}
