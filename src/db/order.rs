//! The order of lists of repository names, the same on both backends: SQLite's `NOCASE` (ASCII
//! `A`-`Z` folded to `a`-`z`, then byte order), ties broken by the names' own bytes, so the
//! order is total. PostgreSQL's `nocase` collation (an ICU one, `migrations/postgres/PORTING.md`)
//! orders punctuation differently (`a-b`, `a.b`, `a/b`, `a_b`), so these lists are sorted here,
//! after they are read, instead of by an `ORDER BY … COLLATE NOCASE`.

use std::cmp::Ordering;

/// `a` against `b`: ASCII case folded first, then byte by byte.
pub(super) fn by_name(a: &str, b: &str) -> Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase())).then_with(|| a.cmp(b))
}

/// Sorts `rows` by the name `name` gives each, in [`by_name`] order.
pub(super) fn sort_by_name<T>(rows: &mut [T], name: impl Fn(&T) -> &str) {
    rows.sort_by(|a, b| by_name(name(a), name(b)));
}
