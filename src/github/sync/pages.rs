//! Walking a paginated listing ([`Pages`], made by [`Collector::pages`]): one page per call,
//! items decoded from the page's text (an item that does not decode is quarantined), bounded
//! against runaway listings; and how a walk ended ([`Walk`]).

use std::sync::OnceLock;

use serde::de::DeserializeOwned;

use super::collector::{Collector, SyncError, hashed_key, item_key};
use crate::db;
use crate::github::client::Page;
use crate::github::{Fetched, GhError};

/// A cursor over a paginated listing: follows `Link: rel="next"` one page per call.
///
/// Each page is decoded from its text in one pass; when an item does not decode, the page is
/// read as JSON values and decoded item by item: that item is quarantined (stored raw with the
/// reason, `db::quarantine`) and the rest of the page goes on. An item quarantined earlier that
/// now decodes is released. A page's JSON values are built only when asked for ([`RawItems`]). The walk is bounded: it stops with
/// [`GhError::Runaway`] when a `next` link repeats a page already read, when
/// [`STALE_PAGES`] pages in a row bring only items already seen, or past `[collector] max_pages`.
/// A 404 on a later page says the listing changed under the walk, not that the repository went.
pub struct Pages<'a, T> {
    c: &'a Collector,
    scope: String,
    resource: String,
    next: Option<String>,
    etag: Option<String>,
    pages: u64,
    /// Every URL read in this listing (bounded by `max_pages`).
    visited: std::collections::HashSet<String>,
    /// Item identities of the last few pages, to notice pages that repeat them.
    recent: std::collections::VecDeque<std::collections::HashSet<String>>,
    stale: u32,
    /// Keys of this step's items in quarantine, loaded with the first page.
    quarantined: Option<std::collections::HashSet<String>>,
    /// The raw JSON of the items last returned, index for index.
    raw: RawItems,
    /// How the walk went: `NotModified`/`Pending` on the first page, else `Done` with its ETag.
    pub outcome: Walk,
    _items: std::marker::PhantomData<T>,
}

/// Pages in a row with no item not already seen before a walk stops.
pub const STALE_PAGES: u32 = 3;
/// Pages whose item ids are remembered for that check.
const RECENT_PAGES: usize = 10;

impl<T: DeserializeOwned> Pages<'_, T> {
    /// The next page, or `None` when the listing is exhausted (or unchanged / not ready).
    pub async fn next(&mut self) -> Result<Option<Vec<T>>, SyncError> {
        let Some(url) = self.next.take() else { return Ok(None) };
        let first = self.pages == 0;
        self.check_bounds(&url)?;
        let etag = if first { self.etag.take() } else { None };
        let fetched = match self.c.client.get_page(&url, etag.as_deref()).await {
            Err(GhError::NotFound { url, .. }) if !first => {
                let problem = format!(
                    "page {} answered 404 Not Found: the listing changed while it was read; the next run reads it again",
                    self.pages
                );
                return Err(GhError::Runaway { url, problem }.into());
            }
            other => other?,
        };
        match fetched {
            Fetched::NotModified => self.outcome = Walk::NotModified,
            Fetched::Pending => self.outcome = Walk::Pending,
            Fetched::Fresh { value, etag, next } => {
                if first {
                    self.outcome = Walk::Done { etag };
                }
                self.check_progress(&url, &value.ids, next.is_some())?;
                self.next = next;
                return Ok(Some(self.decode(&url, value).await?));
            }
        }
        Ok(None)
    }

    /// The raw JSON of item `i` of the page last returned.
    pub fn raw(&self, i: usize) -> Option<&serde_json::Value> {
        self.raw.get(i)
    }

    /// The raw JSON of the page last returned, index for index, taken out of the cursor: a
    /// step that stores a page while the next one is fetched keeps its page's raw items this way.
    pub fn take_raw(&mut self) -> RawItems {
        std::mem::take(&mut self.raw)
    }

    fn check_bounds(&mut self, url: &str) -> Result<(), GhError> {
        let runaway = |problem: String| GhError::Runaway { url: url.to_owned(), problem };
        if !self.visited.insert(url.to_owned()) {
            return Err(runaway("its next link repeats a page already read in this listing".to_owned()));
        }
        self.pages += 1;
        let max = self.c.config.collector.max_pages;
        if self.pages > max {
            return Err(runaway(format!("the listing passed {max} pages (collector.max_pages)")));
        }
        Ok(())
    }

    /// Stops a listing whose pages keep bringing only items it has already seen.
    fn check_progress(&mut self, url: &str, items: &[Option<String>], more: bool) -> Result<(), GhError> {
        let ids: std::collections::HashSet<String> = items.iter().flatten().cloned().collect();
        // An item without an identity cannot be judged: count it as new. An empty page that still
        // links a next one brings nothing new.
        let unknown = ids.len() < items.len();
        let fresh = unknown || ids.iter().any(|id| !self.recent.iter().any(|page| page.contains(id)));
        if !fresh && (more || !ids.is_empty()) {
            self.stale += 1;
            if self.stale >= STALE_PAGES {
                let problem = format!("{STALE_PAGES} pages in a row brought only items already seen in this listing");
                return Err(GhError::Runaway { url: url.to_owned(), problem });
            }
        } else {
            self.stale = 0;
        }
        self.recent.push_back(ids);
        if self.recent.len() > RECENT_PAGES {
            self.recent.pop_front();
        }
        Ok(())
    }

    /// Decodes a page from its text; when an item does not decode, item by item from its JSON
    /// values ([`Self::decode_values`]).
    async fn decode(&mut self, url: &str, page: Page) -> Result<Vec<T>, SyncError> {
        if self.quarantined.is_none() {
            let keys = db::quarantine::keys(&self.c.db.pool, &self.scope, &self.resource).await?;
            self.quarantined = Some(keys.into_iter().collect());
        }
        let items = match serde_json::from_str::<Vec<T>>(&page.body) {
            Ok(items) if items.len() == page.ids.len() => items,
            _ => {
                // `Page::parse` read the same text as `Vec<Value>` reads it, so this is not expected
                // to fail; if it does, the answer is refused as a malformed one would be.
                let values = serde_json::from_str::<Vec<serde_json::Value>>(&page.body).map_err(|e| {
                    GhError::Malformed { url: url.to_owned(), problem: format!("unexpected shape: {e}") }
                })?;
                return self.decode_values(values).await;
            }
        };
        self.raw = RawItems::text(page.body);
        // Items quarantined earlier that decode now are released.
        let Some(quarantined) = self.quarantined.as_mut().filter(|q| !q.is_empty()) else { return Ok(items) };
        let mut released = Vec::new();
        for (i, id) in page.ids.into_iter().enumerate() {
            let Some(key) = id.or_else(|| self.raw.get(i).map(hashed_key)) else { continue };
            if quarantined.remove(&key) {
                released.push(key);
            }
        }
        for key in released {
            db::quarantine::remove(&self.c.db.pool, &self.scope, &self.resource, &key).await?;
        }
        Ok(items)
    }

    /// Decodes a page item by item, quarantining what does not decode.
    async fn decode_values(&mut self, values: Vec<serde_json::Value>) -> Result<Vec<T>, SyncError> {
        let mut items = Vec::with_capacity(values.len());
        let mut raw = Vec::with_capacity(values.len());
        for value in values {
            match T::deserialize(&value) {
                Ok(item) => {
                    let key = item_key(&value);
                    if self.quarantined.as_mut().is_some_and(|q| q.remove(&key)) {
                        db::quarantine::remove(&self.c.db.pool, &self.scope, &self.resource, &key).await?;
                    }
                    items.push(item);
                    raw.push(value);
                }
                Err(e) => {
                    let reason = format!("could not be read: {e}");
                    self.c.quarantine(&self.scope, &self.resource, &value, &reason).await?;
                }
            }
        }
        self.raw = RawItems::values(raw);
        Ok(items)
    }
}

/// The items of a page as GitHub sent them, index for index: kept as the page's text and read
/// into JSON values only when one is asked for (an item to quarantine), or already read.
#[derive(Debug, Default)]
pub struct RawItems {
    text: String,
    values: OnceLock<Vec<serde_json::Value>>,
}

impl RawItems {
    fn text(text: String) -> Self {
        RawItems { text, values: OnceLock::new() }
    }

    fn values(values: Vec<serde_json::Value>) -> Self {
        RawItems { text: String::new(), values: OnceLock::from(values) }
    }

    /// Item `i` as a JSON value.
    pub fn get(&self, i: usize) -> Option<&serde_json::Value> {
        // The text was read as such an array once already (`Page::parse`).
        self.values.get_or_init(|| serde_json::from_str(&self.text).unwrap_or_default()).get(i)
    }
}

/// Outcome of a walk over a paginated listing.
pub enum Walk {
    NotModified,
    Pending,
    Done { etag: Option<String> },
}

impl Collector {
    /// A cursor over the listing at `first` (conditional on `etag`) for step `resource` of
    /// `scope`, which its quarantined items are recorded under.
    pub(crate) fn pages<T: DeserializeOwned>(
        &self,
        scope: &str,
        resource: &str,
        first: &str,
        etag: Option<&str>,
    ) -> Pages<'_, T> {
        Pages {
            c: self,
            scope: scope.to_owned(),
            resource: resource.to_owned(),
            next: Some(first.to_owned()),
            etag: etag.map(str::to_owned),
            pages: 0,
            visited: std::collections::HashSet::new(),
            recent: std::collections::VecDeque::new(),
            stale: 0,
            quarantined: None,
            raw: RawItems::default(),
            outcome: Walk::Done { etag: None },
            _items: std::marker::PhantomData,
        }
    }
}
