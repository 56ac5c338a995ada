//! Tests of the generated world and of `advance`: determinism, the invariants the collector
//! relies on, and the character of each repository. The `large` sizes and the measurements are
//! `#[ignore]`d (run them with `cargo test --release -- --ignored sim::tests_world`).

use std::collections::HashSet;

use sha2::{Digest, Sha256};

use super::advance::advance;
use super::generate::generate;
use super::render::{Ctx, issue};
use super::util::DAY;
use super::world::{Assoc, StateReason, World};
use super::{DEFAULT_EPOCH, Scale};

fn small() -> World {
    generate(42, Scale::Small, DEFAULT_EPOCH)
}

/// Every broken invariant, described.
pub fn broken_invariants(w: &World) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            out.push(what);
        }
    };
    for r in w.repos.iter().filter(|r| !r.deleted) {
        let mut counts = vec![0u32; r.items.len()];
        for (ix, c) in r.comments.iter().enumerate() {
            let parent = &r.items[c.item as usize];
            counts[c.item as usize] += 1;
            check(c.created <= c.updated && c.updated <= w.now, format!("{} comment {} times", r.name, c.id));
            check(
                parent.updated >= c.updated && c.created >= parent.created,
                format!("{} comment {} vs parent", r.name, c.id),
            );
            let prev = ix.checked_sub(1).map(|p| (r.comments[p].created, r.comments[p].id));
            check(prev.is_none_or(|p| p < (c.created, c.id)), format!("{} comments out of order at {ix}", r.name));
        }
        for (ix, item) in r.items.iter().enumerate() {
            let id = item.number;
            check(item.number as usize == ix + 1, format!("{} number {id}", r.name));
            check(item.created <= item.updated && item.updated <= w.now, format!("{} #{id} times", r.name));
            check(
                item.comments == counts[ix],
                format!("{} #{id} comments {} != {}", r.name, item.comments, counts[ix]),
            );
            check(
                item.closed.is_none_or(|c| c >= item.created && c <= item.updated),
                format!("{} #{id} closed", r.name),
            );
            let Some(pull) = &item.pull else { continue };
            check(pull.merged.is_none_or(|(at, _)| item.closed == Some(at)), format!("{} #{id} merged", r.name));
            let events = pull.draft_events.iter().map(|e| e.1);
            check(
                events.clone().all(|at| at >= item.created && at <= item.updated),
                format!("{} #{id} drafts", r.name),
            );
        }
        let mut assignee = vec![None; r.items.len()];
        for a in &r.assignments {
            let item = &r.items[a.item as usize];
            check(a.at >= item.created && a.at <= item.updated, format!("{} #{} assigned at", r.name, item.number));
            let now = &mut assignee[a.item as usize];
            *now = if a.assigned { Some(a.user) } else { now.filter(|u| *u != a.user) };
        }
        for (ix, item) in r.items.iter().enumerate() {
            check(assignee[ix] == item.assignee, format!("{} #{} assignee vs events", r.name, item.number));
            let Some(link) = item.pull.as_ref().and_then(|p| p.link) else { continue };
            let issue = r.items.get(link.issue as usize - 1);
            check(issue.is_some_and(|i| i.pull.is_none()), format!("{} #{} links an issue", r.name, item.number));
        }
        for rv in &r.reviews {
            check(r.items[rv.item as usize].updated >= rv.submitted, format!("{} review {}", r.name, rv.id));
        }
        for c in &r.review_comments {
            let parent = &r.items[c.item as usize];
            check(parent.updated >= c.updated && c.updated <= w.now, format!("{} review comment {}", r.name, c.id));
            check(r.reviews[c.review as usize].item == c.item, format!("{} review comment {} review", r.name, c.id));
        }
    }
    out
}

/// Ids are unique within each kind, org-wide.
fn duplicate_ids(w: &World) -> usize {
    let repos = || w.repos.iter();
    let kinds: [Vec<u64>; 5] = [
        repos().flat_map(|r| r.items.iter().map(|i| i.id)).collect(),
        repos().flat_map(|r| r.items.iter().filter_map(|i| i.pull.as_ref().map(|p| p.id))).collect(),
        repos().flat_map(|r| r.comments.iter().map(|c| c.id)).collect(),
        repos().flat_map(|r| r.reviews.iter().map(|c| c.id)).collect(),
        repos().flat_map(|r| r.review_comments.iter().map(|c| c.id)).collect(),
    ];
    kinds.iter().map(|ids| ids.len() - ids.iter().collect::<HashSet<_>>().len()).sum()
}

/// A hash of the first 100-item page of atlas's issues, rendered against a fixed base URL.
fn page_hash(w: &World) -> String {
    let ctx = Ctx { world: w, api: "http://sim" };
    let repo = &w.repos[0];
    let page: Vec<_> = repo.items.iter().rev().take(100).map(|i| issue(&ctx, repo, i)).collect();
    let digest = Sha256::digest(serde_json::to_vec(&page).unwrap());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_same_seed_makes_the_same_world_and_bytes() {
    let (a, b) = (small(), small());
    assert!(a == b, "two worlds from one seed are equal");
    assert_eq!(page_hash(&a), page_hash(&b));
    assert_ne!(page_hash(&a), page_hash(&generate(43, Scale::Small, DEFAULT_EPOCH)));
}

#[test]
fn the_small_world_keeps_every_invariant() {
    let w = small();
    assert_eq!(broken_invariants(&w), Vec::<String>::new());
    assert_eq!(duplicate_ids(&w), 0);
    let items: usize = w.repos.iter().map(|r| r.items.len()).sum();
    let comments: usize = w.repos.iter().map(|r| r.comments.len()).sum();
    assert!((2_000..=3_000).contains(&items), "{items} items");
    assert!((6_500..=10_000).contains(&comments), "{comments} comments");
    assert!(w.repos.iter().map(|r| r.items.len()).max() <= Some(600));
}

#[test]
fn advancing_bumps_parents_keeps_invariants_and_is_deterministic() {
    let (mut a, mut b) = (small(), small());
    let before: usize = a.repos.iter().map(|r| r.comments.len()).sum();
    let summary = advance(&mut a, 2.0, 0.05);
    advance(&mut b, 2.0, 0.05);
    assert!(a == b, "the same call sequence gives the same world");
    assert_eq!(a.now, DEFAULT_EPOCH + 2 * DAY);
    assert!(summary.new_issues > 0 && summary.closed > 0 && summary.merged > 0 && summary.edited > 0, "{summary:?}");
    let after: usize = a.repos.iter().map(|r| r.comments.len()).sum();
    assert_eq!((after - before) as u64, summary.new_comments);
    for _ in 0..3 {
        advance(&mut a, 1.5, 0.03);
    }
    assert_eq!(broken_invariants(&a), Vec::<String>::new());
    assert_eq!(duplicate_ids(&a), 0);
    let touched = a.repos[0].items.iter().filter(|i| i.updated > DEFAULT_EPOCH).count();
    assert!(touched > 20, "advance touched existing items: {touched}");
}

#[test]
fn repositories_have_their_characters() {
    let w = small();
    let repo = |name: &str| &w.repos[w.repo_index(name).unwrap()];
    let halo = repo("halo");
    let last = halo.items.iter().map(|i| i.updated).max().unwrap();
    assert!(last <= DEFAULT_EPOCH - 14 * 30 * DAY, "halo is inert for 14 months");
    assert!(repo("legacy-tools").archived);
    assert_eq!(repo("stardust").created, DEFAULT_EPOCH - 61 * DAY);
    let comet = repo("comet");
    let gfi = comet.items.iter().filter(|i| i.labels & super::spec::GOOD_FIRST_ISSUE != 0).count();
    assert!(gfi * 5 > comet.items.iter().filter(|i| i.pull.is_none()).count(), "comet is newcomer-friendly");
    let unanswered = |name: &str| {
        let r = repo(name);
        let answered: HashSet<u32> =
            r.comments.iter().filter(|c| c.author != r.items[c.item as usize].author).map(|c| c.item).collect();
        let issues = r.items.iter().enumerate().filter(|(_, i)| i.pull.is_none());
        let (n, total) =
            issues.fold((0, 0), |(n, t), (ix, _)| (n + usize::from(!answered.contains(&(ix as u32))), t + 1));
        n as f64 / total as f64
    };
    assert!(unanswered("pulsar") > 0.4 && unanswered("atlas") < 0.15, "pulsar leaves issues unanswered");
    let ion = repo("ion");
    assert_eq!(ion.maintainers.len(), 1);
}

#[test]
fn quasar_has_a_hero_who_burns_out() {
    let w = small();
    let quasar = &w.repos[w.repo_index("quasar").unwrap()];
    let hero = quasar.maintainers[0].0;
    let by_staff = |from: i64, to: i64| {
        let staff =
            quasar.comments.iter().filter(|c| quasar.is_maintainer(c.author) && c.created >= from && c.created < to);
        let (hero_n, all) = staff.fold((0, 0), |(h, a), c| (h + usize::from(c.author == hero), a + 1));
        hero_n as f64 / all.max(1) as f64
    };
    let epoch = DEFAULT_EPOCH;
    assert!(by_staff(0, epoch - 170 * DAY) > 0.7, "the hero does most of the work");
    assert!(by_staff(epoch - 21 * DAY, epoch) < 0.4, "then stops");
}

#[test]
fn people_and_events_cover_what_the_collector_must_handle() {
    let w = small();
    let items = || w.repos.iter().flat_map(|r| r.items.iter());
    let assocs: HashSet<Assoc> =
        items().map(|i| i.assoc).chain(w.repos.iter().flat_map(|r| r.comments.iter().map(|c| c.assoc))).collect();
    assert_eq!(assocs.len(), 7, "every author_association occurs: {assocs:?}");
    let login = |u: u32| w.user(u).login.as_ref();
    assert!(items().any(|i| login(i.author) == "dependabot[bot]"));
    let commenters: HashSet<&str> = w.repos.iter().flat_map(|r| r.comments.iter().map(|c| login(c.author))).collect();
    assert!(commenters.contains("github-actions[bot]") && commenters.contains("upkeep-ci"));
    assert!(items().any(|i| i.reason == Some(StateReason::Reopened)));
    assert!(items().any(|i| i.reason == Some(StateReason::NotPlanned)));
    assert!(items().any(|i| i.pull.as_ref().is_some_and(|p| p.is_draft())));
    assert!(items().any(|i| i.pull.as_ref().is_some_and(|p| !p.draft_events.is_empty() && !p.is_draft())));
    assert!(items().any(|i| i.pull.as_ref().is_some_and(|p| p.merged.is_none()) && !i.is_open()));
    assert!(items().any(|i| i.assignee.is_some() && i.milestone.is_some()));
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb =
        status.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok());
    kb.unwrap_or(0.0) / 1024.0
}

#[test]
#[ignore = "large: run with --release"]
fn large_scale_is_big_fast_and_lean() {
    let (start, rss) = (std::time::Instant::now(), rss_mb());
    let w = generate(42, Scale::Large, DEFAULT_EPOCH);
    let (took, grown) = (start.elapsed(), rss_mb() - rss);
    let atlas = &w.repos[0];
    eprintln!(
        "large: generated in {took:?}, RSS +{grown:.0} MB; atlas {} items, {} comments",
        atlas.items.len(),
        atlas.comments.len()
    );
    assert!(atlas.items.len() >= 100_000 && atlas.comments.len() >= 500_000);
    let t = std::time::Instant::now();
    let hash = page_hash(&w);
    eprintln!("large: one 100-item issues page rendered and hashed in {:?} ({hash:.8})", t.elapsed());
    assert_eq!(broken_invariants(&w), Vec::<String>::new());
}

/// Generation time, RSS growth and per-repository counts; run one scale per process for an
/// honest RSS: `cargo test --release --lib sim::tests_world::measure_small -- --ignored --nocapture`.
fn measure(scale: Scale) {
    let (start, rss) = (std::time::Instant::now(), rss_mb());
    let w = generate(42, scale, DEFAULT_EPOCH);
    eprintln!("{scale:?}: generated in {:?}, RSS +{:.1} MB", start.elapsed(), rss_mb() - rss);
    for r in &w.repos {
        let pulls = r.items.iter().filter(|i| i.pull.is_some()).count();
        let (items, comments, reviews) = (r.items.len(), r.comments.len(), r.reviews.len());
        let (rcs, rels) = (r.review_comments.len(), r.releases.len());
        eprintln!(
            "  {:13} {items:6} items ({pulls:5} PRs) {comments:6} comments {rcs:5} review comments {reviews:5} reviews {rels:3} releases",
            r.name
        );
    }
}

#[test]
#[ignore = "measurement"]
fn measure_small() {
    measure(Scale::Small);
}

#[test]
#[ignore = "measurement"]
fn measure_medium() {
    measure(Scale::Medium);
}
