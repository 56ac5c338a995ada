//! Pages over sorted views, and GitHub's RFC 5988 `Link` header.
//!
//! A view is ascending; a descending page walks it from the end, so both directions cost
//! `O(per_page)` without copying the view. `since` narrows an `updated` view by binary search.
//! Only filters that no view covers (labels, `since` on a non-`updated` order) scan.

use super::util::Ts;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageReq {
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
}

/// The page `req` of `list` (ascending) read in direction `dir`.
pub fn slice(list: &[u32], dir: Direction, req: PageReq) -> Vec<u32> {
    let start = (req.page - 1).saturating_mul(req.per_page);
    if start >= list.len() {
        return Vec::new();
    }
    let end = (start + req.per_page).min(list.len());
    match dir {
        Direction::Asc => list[start..end].to_vec(),
        Direction::Desc => (start..end).map(|i| list[list.len() - 1 - i]).collect(),
    }
}

/// The suffix of `list` (ascending by `updated`) with `updated >= since`: inclusive.
pub fn since_suffix(list: &[u32], since: Option<Ts>, updated: impl Fn(u32) -> Ts) -> &[u32] {
    match since {
        Some(since) => &list[list.partition_point(|i| updated(*i) < since)..],
        None => list,
    }
}

/// A page of `list` after an optional filter; returns the page and the filtered total.
pub fn select(list: &[u32], keep: Option<&dyn Fn(u32) -> bool>, dir: Direction, req: PageReq) -> (Vec<u32>, usize) {
    match keep {
        None => (slice(list, dir, req), list.len()),
        Some(keep) => {
            let kept: Vec<u32> = list.iter().copied().filter(|i| keep(*i)).collect();
            (slice(&kept, dir, req), kept.len())
        }
    }
}

pub fn last_page(total: usize, per_page: usize) -> usize {
    total.div_ceil(per_page).max(1)
}

/// `Link: <…page=2>; rel="next", <…page=5>; rel="last"` with absolute URLs, in GitHub's order
/// (prev, next, last, first). `None` when everything fits on page 1. `query` is the request's
/// decoded query string, in request order (`params::Query::pairs`).
pub fn link(base: &str, path: &str, query: &[(String, String)], req: PageReq, total: usize) -> Option<String> {
    let last = last_page(total, req.per_page);
    if req.page == 1 && last == 1 {
        return None;
    }
    let mut rels = Vec::new();
    if req.page > 1 {
        rels.push(("prev", req.page - 1));
    }
    if req.page < last {
        rels.push(("next", req.page + 1));
        rels.push(("last", last));
    }
    if req.page > 1 {
        rels.push(("first", 1));
    }
    let parts: Vec<String> =
        rels.iter().map(|(rel, page)| format!("<{}>; rel=\"{rel}\"", page_url(base, path, query, *page))).collect();
    Some(parts.join(", "))
}

/// The request's URL with `page` set (in place if present, else appended).
fn page_url(base: &str, path: &str, query: &[(String, String)], page: usize) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    let mut replaced = false;
    for (k, v) in query {
        if k == "page" {
            if !replaced {
                out.append_pair("page", &page.to_string());
                replaced = true;
            }
        } else {
            out.append_pair(k, v);
        }
    }
    if !replaced {
        out.append_pair("page", &page.to_string());
    }
    format!("{base}{path}?{}", out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Query;

    const REQ: PageReq = PageReq { page: 1, per_page: 2 };

    #[test]
    fn descending_pages_walk_the_view_backwards() {
        let list = [10, 11, 12, 13, 14];
        assert_eq!(slice(&list, Direction::Asc, REQ), [10, 11]);
        assert_eq!(slice(&list, Direction::Desc, REQ), [14, 13]);
        assert_eq!(slice(&list, Direction::Desc, PageReq { page: 3, per_page: 2 }), [10]);
        assert!(slice(&list, Direction::Desc, PageReq { page: 4, per_page: 2 }).is_empty());
    }

    #[test]
    fn since_is_inclusive() {
        let updated = [5, 7, 7, 9];
        let list = [0, 1, 2, 3];
        assert_eq!(since_suffix(&list, Some(7), |i| updated[i as usize]), [1, 2, 3]);
        assert_eq!(since_suffix(&list, Some(10), |i| updated[i as usize]), [] as [u32; 0]);
    }

    #[test]
    fn link_header_follows_github() {
        let q = Query::parse("state=all&per_page=2");
        let first = link("http://h", "/x", q.pairs(), REQ, 5).unwrap();
        assert_eq!(
            first,
            "<http://h/x?state=all&per_page=2&page=2>; rel=\"next\", <http://h/x?state=all&per_page=2&page=3>; rel=\"last\""
        );
        let q = Query::parse("page=3&per_page=2");
        let last = link("http://h", "/x", q.pairs(), PageReq { page: 3, per_page: 2 }, 5).unwrap();
        assert_eq!(last, "<http://h/x?page=2&per_page=2>; rel=\"prev\", <http://h/x?page=1&per_page=2>; rel=\"first\"");
        assert_eq!(link("http://h", "/x", q.pairs(), REQ, 2), None);
    }
}
