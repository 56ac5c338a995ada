//! Decoded week slices kept in memory between renders. Each is held under its repository, kind and
//! week with its stamp (`week_slices.built`, a random number written with the rows and new at every
//! rebuild of them), so a page reads the stamps of its window's weeks (an index, not the rows),
//! takes the weeks held here under the same stamp, and reads and decodes only the others: after a
//! sync, the weeks it rebuilt, which replace their old rows here. A stamp names one content, so the
//! cache is shared by every database of the process (tests open many) without mixing them up.
//!
//! Bounded: at most [`BUDGET`] bytes (the slices' JSON plus their decoded rows, estimated). Past it
//! the least recently used slices are dropped down to three quarters of it; [`stats`] counts them
//! (`/metrics`), and the first time it happens is logged.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Bytes of slices kept at most. The 90-day windows of all 12 repositories of the simulator's
/// `large` scale (atlas: 110k issues and PRs) hold about 10 MB of them.
pub const BUDGET: usize = 128 * 1024 * 1024;

/// `(repository, kind, week, stamp)`.
type Key = (i64, &'static str, i64, i64);

/// `(repository, kind, week)`: where a slice is held, whatever its stamp.
type Place = (i64, &'static str, i64);

/// One decoded slice: its stamp, its rows (a `Vec` of the kind's tuple type), their estimated
/// size, and when it was last used.
struct Entry {
    built: i64,
    rows: Arc<dyn Any + Send + Sync>,
    bytes: usize,
    used: u64,
}

#[derive(Default)]
struct Inner {
    map: HashMap<Place, Entry, foldhash::fast::RandomState>,
    bytes: usize,
    tick: u64,
    stats: Stats,
}

/// What the cache holds and has done since the process started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub slices: usize,
    pub bytes: usize,
    pub hits: u64,
    pub misses: u64,
    pub evicted: u64,
}

/// The process's cache.
fn cache() -> &'static Mutex<Inner> {
    static CACHE: OnceLock<Mutex<Inner>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn lock() -> std::sync::MutexGuard<'static, Inner> {
    // A panic while holding the lock leaves a consistent map (every change is one statement).
    cache().lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The decoded rows of the slice `key`, if held under its stamp (and of type `T`).
pub(super) fn get<T: Send + Sync + 'static>((repo, kind, week, built): Key) -> Option<Arc<Vec<T>>> {
    let mut inner = lock();
    inner.tick += 1;
    let tick = inner.tick;
    let found = inner.map.get_mut(&(repo, kind, week)).filter(|e| e.built == built).and_then(|e| {
        e.used = tick;
        Arc::clone(&e.rows).downcast::<Vec<T>>().ok()
    });
    if found.is_some() {
        inner.stats.hits += 1
    } else {
        inner.stats.misses += 1
    }
    found
}

/// Keeps the decoded rows of the slice `key`, read from `text_bytes` bytes of JSON, in place of
/// the week's rows held under another stamp.
pub(super) fn put<T: Send + Sync + 'static>((repo, kind, week, built): Key, rows: Arc<Vec<T>>, text_bytes: usize) {
    let bytes = text_bytes + rows.len() * std::mem::size_of::<T>() + std::mem::size_of::<Entry>();
    let mut inner = lock();
    inner.tick += 1;
    let used = inner.tick;
    if let Some(old) = inner.map.insert((repo, kind, week), Entry { built, rows, bytes, used }) {
        inner.bytes -= old.bytes;
    }
    inner.bytes += bytes;
    if inner.bytes > BUDGET {
        evict(&mut inner);
    }
}

/// Drops the least recently used slices until three quarters of [`BUDGET`] are used.
fn evict(inner: &mut Inner) {
    let mut by_use: Vec<(u64, Place)> = inner.map.iter().map(|(k, e)| (e.used, *k)).collect();
    by_use.sort_unstable_by_key(|&(used, _)| used);
    let first = inner.stats.evicted == 0;
    let mut dropped = 0;
    for (_, key) in by_use {
        if inner.bytes <= BUDGET / 4 * 3 {
            break;
        }
        if let Some(e) = inner.map.remove(&key) {
            inner.bytes -= e.bytes;
            dropped += 1;
        }
    }
    inner.stats.evicted += dropped;
    if first {
        tracing::info!(
            budget_mib = BUDGET >> 20,
            dropped,
            "the decoded week slices reached their memory budget: the least recently used are dropped"
        );
    }
}

/// What the cache holds and has done.
pub fn stats() -> Stats {
    let inner = lock();
    Stats { slices: inner.map.len(), bytes: inner.bytes, ..inner.stats }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_is_found_under_its_own_stamp_and_type_only_and_a_rebuild_replaces_it() {
        // Keys of a repository no database has (negative ids), so other tests never meet them.
        put((-7, "items", 1, 11), Arc::new(vec![1_i64, 2]), 10);
        assert_eq!(get::<i64>((-7, "items", 1, 11)).as_deref(), Some(&vec![1, 2]));
        assert_eq!(get::<i64>((-7, "items", 1, 12)), None, "another stamp is another content");
        assert_eq!(get::<u8>((-7, "items", 1, 11)), None, "another type is not this kind's rows");
        // The week rebuilt: its new rows take the old ones' place.
        put((-7, "items", 1, 12), Arc::new(vec![3_i64]), 5);
        assert_eq!(get::<i64>((-7, "items", 1, 12)).as_deref(), Some(&vec![3]));
        assert_eq!(get::<i64>((-7, "items", 1, 11)), None);
        assert_eq!(lock().map.keys().filter(|k| k.0 == -7).count(), 1);
    }

    #[test]
    fn past_the_budget_the_least_recently_used_go_first() {
        let mut inner = Inner::default();
        let size = BUDGET / 4;
        for (week, used) in [(1, 5), (2, 1), (3, 9), (4, 3), (5, 7)] {
            let rows = Arc::new(Vec::<i64>::new());
            inner.map.insert((-8, "people", week), Entry { built: 1, rows, bytes: size, used });
            inner.bytes += size;
        }
        evict(&mut inner);
        let mut left: Vec<i64> = inner.map.keys().map(|k| k.2).collect();
        left.sort_unstable();
        // 5 quarters held; down to 3 quarters: the two least recently used (weeks 2 and 4) go.
        assert_eq!(left, vec![1, 3, 5]);
        assert_eq!((inner.bytes, inner.stats.evicted), (3 * size, 2));
    }
}
