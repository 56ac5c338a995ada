//! Builds a repository's sorted views (`views.rs`) from its stored items, and answers the two
//! lookups that go through them (a thread's comments, the pull requests linking an issue).
//! `generate.rs`, `advance.rs` and `onboarding.rs` call [`views`] after changing a repository.

use super::views::{ByState, Views};
use super::world::{Item, Repo};

/// The views of `repo`, built from its items, comments, reviews and releases.
pub fn views(repo: &Repo) -> Views {
    let items = &repo.items;
    let all: Vec<u32> = (0..items.len() as u32).collect();
    let pulls: Vec<u32> = all.iter().copied().filter(|i| items[*i as usize].pull.is_some()).collect();
    let item = |i: &u32| &items[*i as usize];
    let by = |list: &[u32], key: &dyn Fn(&Item) -> (i64, u64)| {
        let mut v = list.to_vec();
        v.sort_by_key(|i| key(item(i)));
        by_state(v, items)
    };
    let comments = &repo.comments;
    let review_comments = &repo.review_comments;
    Views {
        issues_created: by_state(all.clone(), items),
        issues_updated: by(&all, &|it| (it.updated, it.id)),
        issues_comments: by(&all, &|it| (i64::from(it.comments), it.id)),
        pulls_created: by_state(pulls.clone(), items),
        pulls_updated: by(&pulls, &|it| (it.updated, it.id)),
        pulls_popularity: by(&pulls, &|it| (i64::from(it.comments), it.id)),
        comments_created: (0..comments.len() as u32).collect(),
        comments_updated: sorted(comments.len(), |i| (comments[i].updated, comments[i].id)),
        comments_by_item: sorted(comments.len(), |i| (i64::from(comments[i].item), comments[i].id)),
        review_comments_created: (0..review_comments.len() as u32).collect(),
        review_comments_updated: sorted(review_comments.len(), |i| (review_comments[i].updated, review_comments[i].id)),
        reviews_by_item: sorted(repo.reviews.len(), |i| (i64::from(repo.reviews[i].item), repo.reviews[i].id)),
        links: links(repo),
        milestone_counts: milestone_counts(repo),
        open_items: items.iter().filter(|i| i.is_open()).count() as u32,
        last_activity: last_activity(repo),
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

fn by_state(order: Vec<u32>, items: &[Item]) -> ByState {
    ByState::split(order, |i| items[i as usize].is_open())
}
