//! Sorted indexes over one repository, so listings never sort per request.
//!
//! Each view is a `Vec<u32>` of indexes in ascending `(key, id)` order, split by state where the
//! endpoint filters by state. A request picks a view, narrows it (binary search for `since` on
//! an `updated` view, a scan only for filters no view covers) and slices a page; descending
//! order walks the same view backwards. Views are rebuilt (`reindex.rs`) by `generate.rs` and after
//! every `advance`, never by a handler. This file holds only the indexes, so `world.rs` can store
//! them in a repository without importing what builds them.

/// `state=open|closed|all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    Open,
    Closed,
    All,
}

/// One ordering, for each state filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ByState {
    all: Vec<u32>,
    open: Vec<u32>,
    closed: Vec<u32>,
}

impl ByState {
    /// Splits `order` by state; `is_open` tells an index's state.
    pub fn split(order: Vec<u32>, is_open: impl Fn(u32) -> bool) -> ByState {
        let (open, closed) = order.iter().partition(|i| is_open(**i));
        ByState { all: order, open, closed }
    }

    pub fn get(&self, state: StateFilter) -> &[u32] {
        match state {
            StateFilter::Open => &self.open,
            StateFilter::Closed => &self.closed,
            StateFilter::All => &self.all,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Views {
    pub issues_created: ByState,
    pub issues_updated: ByState,
    pub issues_comments: ByState,
    pub pulls_created: ByState,
    pub pulls_updated: ByState,
    pub pulls_popularity: ByState,
    /// Issue comments by `(created, id)`: storage order, as a list to page over.
    pub comments_created: Vec<u32>,
    pub comments_updated: Vec<u32>,
    /// Issue comments by `(item, created, id)`, for one issue's comments.
    pub comments_by_item: Vec<u32>,
    pub review_comments_created: Vec<u32>,
    pub review_comments_updated: Vec<u32>,
    /// Reviews by `(item, submitted, id)`, for one pull request's reviews.
    pub reviews_by_item: Vec<u32>,
    /// `(issue number, pull request index)` of every pull request linking an issue, sorted.
    pub links: Vec<(u32, u32)>,
    /// `(open, closed)` items per milestone, by milestone index.
    pub milestone_counts: Vec<(u32, u32)>,
    pub open_items: u32,
    /// The latest item update or release.
    pub last_activity: i64,
}
