//! Sorted indexes over one repository, so listings never sort per request.
//!
//! Each view is a `Vec<u32>` of indexes in ascending `(key, id)` order, split by state where the
//! endpoint filters by state. A request picks a view, narrows it (binary search for `since` on
//! an `updated` view, a scan only for filters no view covers) and slices a page; descending
//! order walks the same view backwards. Views are rebuilt by `generate.rs` and after every
//! `advance`, never by a handler.

use super::world::{Item, Repo};

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
    fn build(order: Vec<u32>, items: &[Item]) -> ByState {
        let (open, closed) = order.iter().partition(|i| items[**i as usize].is_open());
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

impl Views {
    pub fn build(repo: &Repo) -> Views {
        let items = &repo.items;
        let all: Vec<u32> = (0..items.len() as u32).collect();
        let pulls: Vec<u32> = all.iter().copied().filter(|i| items[*i as usize].pull.is_some()).collect();
        let item = |i: &u32| &items[*i as usize];
        let by = |list: &[u32], key: &dyn Fn(&Item) -> (i64, u64)| {
            let mut v = list.to_vec();
            v.sort_by_key(|i| key(item(i)));
            ByState::build(v, items)
        };
        let comments = &repo.comments;
        let review_comments = &repo.review_comments;
        Views {
            issues_created: ByState::build(all.clone(), items),
            issues_updated: by(&all, &|it| (it.updated, it.id)),
            issues_comments: by(&all, &|it| (i64::from(it.comments), it.id)),
            pulls_created: ByState::build(pulls.clone(), items),
            pulls_updated: by(&pulls, &|it| (it.updated, it.id)),
            pulls_popularity: by(&pulls, &|it| (i64::from(it.comments), it.id)),
            comments_created: (0..comments.len() as u32).collect(),
            comments_updated: sorted(comments.len(), |i| (comments[i].updated, comments[i].id)),
            comments_by_item: sorted(comments.len(), |i| (i64::from(comments[i].item), comments[i].id)),
            review_comments_created: (0..review_comments.len() as u32).collect(),
            review_comments_updated: sorted(review_comments.len(), |i| {
                (review_comments[i].updated, review_comments[i].id)
            }),
            reviews_by_item: sorted(repo.reviews.len(), |i| (i64::from(repo.reviews[i].item), repo.reviews[i].id)),
            links: links(repo),
            milestone_counts: milestone_counts(repo),
            open_items: items.iter().filter(|i| i.is_open()).count() as u32,
            last_activity: last_activity(repo),
        }
    }
}

/// `0..n` sorted by `key` (stable, so equal keys keep storage order).
fn sorted(n: usize, key: impl Fn(usize) -> (i64, u64)) -> Vec<u32> {
    let mut v: Vec<u32> = (0..n as u32).collect();
    v.sort_by_key(|i| key(*i as usize));
    v
}

fn links(repo: &Repo) -> Vec<(u32, u32)> {
    let linking = repo.items.iter().enumerate();
    let mut links: Vec<(u32, u32)> =
        linking.filter_map(|(ix, i)| Some((i.pull.as_ref()?.link?.issue, ix as u32))).collect();
    links.sort_unstable();
    links
}

/// The pull requests (indexes) linking issue `number`, oldest first.
pub fn linking(repo: &Repo, number: u32) -> &[(u32, u32)] {
    let links = &repo.views.links;
    let start = links.partition_point(|(n, _)| *n < number);
    let end = links.partition_point(|(n, _)| *n <= number);
    &links[start..end]
}

/// The comments (indexes) of item `ix`, oldest first.
pub fn comments_of(repo: &Repo, ix: u32) -> &[u32] {
    let (comments, by_item) = (&repo.comments, &repo.views.comments_by_item);
    let start = by_item.partition_point(|c| comments[*c as usize].item < ix);
    let end = by_item.partition_point(|c| comments[*c as usize].item <= ix);
    &by_item[start..end]
}

fn milestone_counts(repo: &Repo) -> Vec<(u32, u32)> {
    let mut counts = vec![(0, 0); repo.milestones.len()];
    for item in &repo.items {
        let Some(m) = item.milestone else { continue };
        let slot = &mut counts[m as usize - 1];
        if item.is_open() { slot.0 += 1 } else { slot.1 += 1 }
    }
    counts
}

fn last_activity(repo: &Repo) -> i64 {
    let items = repo.items.iter().map(|i| i.updated).max();
    let releases = repo.releases.last().map(|r| r.created);
    items.into_iter().chain(releases).max().unwrap_or(repo.created)
}
