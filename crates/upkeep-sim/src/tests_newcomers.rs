//! Tests of the newcomer data: every onboarding situation at small scale (judged from the world,
//! not from how it was staged), closed issues fixed by first-timers, `advance` moving newcomer
//! issues along, and the claim controls. HTTP answers (community profile, GraphQL) are in
//! `tests_newcomers_http.rs`.

use std::collections::{BTreeMap, HashSet};

use super::advance::advance;
use super::generate::generate;
use super::newcomers::Case;
use super::onboarding::{claim_issue, is_newcomer_issue, newcomer_issues};
use super::reindex::{comments_of, linking};
use super::tests_world::broken_invariants;
use super::text::CLAIMS;
use super::util::DAY;
use super::world::{Assoc, LinkKind, Repo, Role, World};
use super::{DEFAULT_EPOCH, Scale};

fn world(seed: u64) -> World {
    generate(seed, Scale::Small, DEFAULT_EPOCH)
}

/// `(case, issue number)` for every situation an open newcomer issue of `repo` is in.
pub fn situations(w: &World, repo: &Repo) -> Vec<(Case, u32)> {
    let mut out = Vec::new();
    let maintainer = |u: u32| repo.is_maintainer(u);
    for (ix, item) in repo.items.iter().enumerate().filter(|(_, i)| i.is_open() && is_newcomer_issue(i)) {
        let thread: Vec<_> = comments_of(repo, ix as u32).iter().map(|c| &repo.comments[*c as usize]).collect();
        let claims: Vec<_> =
            thread.iter().filter(|c| matches!(c.role, Role::Claim(_)) && !maintainer(c.author)).collect();
        let links = linking(repo, item.number);
        let mentor = item.mentor.map(|k| repo.maintainers[k as usize].0);
        let last_claim = claims.last().map(|c| c.created);
        let mut case = |yes: bool, case: Case| {
            if yes {
                out.push((case, item.number));
            }
        };
        let unassigned = item.assignee.is_none();
        case(thread.is_empty() && unassigned && links.is_empty(), Case::Unclaimed);
        let by = |u: u32| claims.iter().any(|c| c.author == u);
        case(item.assignee.is_some_and(|u| !maintainer(u) && by(u)), Case::Assigned);
        case(item.assignee.is_some() && item.assignee == mentor && claims.is_empty(), Case::MentorAssigned);
        case(unassigned && last_claim.is_some_and(|t| t >= w.now - 14 * DAY), Case::RecentClaim);
        let last_is_claim = thread.last().is_some_and(|c| matches!(c.role, Role::Claim(_)) && !maintainer(c.author));
        let stale = last_claim.is_some_and(|t| t < w.now - 30 * DAY);
        case(unassigned && links.is_empty() && last_is_claim && stale, Case::Abandoned);
        let open_pr = |p: u32| {
            let pr = &repo.items[p as usize];
            pr.is_open() && pr.pull.as_ref().and_then(|p| p.link).is_some_and(|l| l.kind != LinkKind::Manual)
        };
        case(links.iter().any(|(_, p)| open_pr(*p)), Case::LinkedPr);
        case(thread.iter().any(|c| matches!(c.role, Role::Offer(_)) && maintainer(c.author)), Case::Mentored);
        let answered = thread.iter().enumerate().any(|(k, q)| {
            matches!(q.role, Role::Question(_))
                && !maintainer(q.author)
                && thread[k + 1..].iter().any(|a| matches!(a.role, Role::Answer(_)) && maintainer(a.author))
        });
        case(answered, Case::Answered);
    }
    out
}

/// Repository name -> case -> issue numbers.
fn table(w: &World) -> BTreeMap<String, BTreeMap<String, Vec<u32>>> {
    let mut t: BTreeMap<String, BTreeMap<String, Vec<u32>>> = BTreeMap::new();
    for repo in &w.repos {
        for (case, number) in situations(w, repo) {
            t.entry(repo.name.clone()).or_default().entry(format!("{case:?}")).or_default().push(number);
        }
    }
    t
}

const CASES: [Case; 8] = [
    Case::Unclaimed,
    Case::Assigned,
    Case::MentorAssigned,
    Case::RecentClaim,
    Case::Abandoned,
    Case::LinkedPr,
    Case::Mentored,
    Case::Answered,
];

#[test]
fn every_onboarding_situation_occurs_several_times_at_small_scale() {
    for seed in [7, 42] {
        let w = world(seed);
        let t = table(&w);
        for (repo, cases) in &t {
            eprintln!("seed {seed} {repo}: {cases:?}");
        }
        for case in CASES {
            let name = format!("{case:?}");
            let n: usize = t.values().filter_map(|c| c.get(&name)).map(Vec::len).sum();
            assert!(n >= 3, "seed {seed}: {name} occurs {n} times");
            let comet = t["comet"].get(&name).map_or(0, Vec::len);
            assert!(seed != 7 || comet >= 1, "seed {seed}: comet has {name}");
        }
        for name in ["comet", "atlas", "nebula", "docs", "quasar"] {
            assert!(t.contains_key(name), "seed {seed}: {name} has newcomer issues");
        }
        let open = |name: &str| t[name].values().flatten().collect::<HashSet<_>>().len();
        assert!(["atlas", "nebula", "docs", "quasar"].iter().all(|r| open("comet") > open(r)), "comet has the most");
        assert_eq!(broken_invariants(&w), Vec::<String>::new());
    }
}

#[test]
fn claims_use_every_phrasing_and_labels_need_normalising() {
    let w = world(7);
    let claims: HashSet<u8> = w
        .repos
        .iter()
        .flat_map(|r| r.comments.iter())
        .filter_map(|c| if let Role::Claim(k) = c.role { Some(k) } else { None })
        .collect();
    assert_eq!(claims.len(), CLAIMS.len(), "{claims:?}");
    let ctx = super::render::Ctx { world: &w, api: "http://sim" };
    let mut names = HashSet::new();
    for repo in &w.repos {
        for item in repo.items.iter().filter(|i| is_newcomer_issue(i) || i.mentor.is_some()) {
            let labels =
                serde_json::to_value(super::labels::labels(ctx.world, &ctx.repo_api(repo), repo, item)).unwrap();
            names.extend(labels.as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap().to_owned()));
        }
    }
    let wanted = ["good first issue", "good-first-issue", "Good First Issue", "beginner", "easy"];
    for name in wanted.iter().chain(&["first-timers-only", "help wanted", "up-for-grabs"]) {
        assert!(names.contains(*name), "{name} in {names:?}");
    }
    let mentors: Vec<&String> = names.iter().filter(|n| n.starts_with("mentor: @")).collect();
    assert!(mentors.len() >= 3, "{mentors:?}");
    for repo in &w.repos {
        for item in repo.items.iter().filter(|i| i.mentor.is_some()) {
            assert!(repo.maintainers.get(item.mentor.unwrap() as usize).is_some(), "mentors are maintainers");
        }
    }
}

#[test]
fn closed_newcomer_issues_were_fixed_by_first_timers_some_of_whom_return() {
    let w = world(7);
    let (mut fixed, mut returned) = (0, 0);
    for repo in &w.repos {
        for pr in repo.items.iter().filter(|i| i.pull.as_ref().is_some_and(|p| p.merged.is_some())) {
            let Some(link) = pr.pull.as_ref().and_then(|p| p.link) else { continue };
            let issue = &repo.items[link.issue as usize - 1];
            if !is_newcomer_issue(issue) || issue.is_open() {
                continue;
            }
            assert!(matches!(pr.assoc, Assoc::FirstTimer | Assoc::FirstTimeContributor), "{:?}", pr.assoc);
            assert_eq!(issue.assignee, Some(pr.author));
            fixed += 1;
            let merged = pr.pull.as_ref().unwrap().merged.unwrap().0;
            returned += usize::from(repo.items.iter().any(|i| i.author == pr.author && i.created > merged));
        }
    }
    eprintln!("{fixed} closed newcomer issues fixed by first-timers, {returned} of whom came back");
    assert!(fixed >= 15 && returned >= 2, "{fixed} fixed, {returned} returned");
}

#[test]
fn advancing_claims_links_merges_and_files_newcomer_issues() {
    let (mut a, mut b) = (world(7), world(7));
    let count = |w: &World| {
        let repos = || w.repos.iter();
        let claims = repos().flat_map(|r| r.comments.iter()).filter(|c| matches!(c.role, Role::Claim(_))).count();
        let links = repos().flat_map(|r| r.items.iter()).filter(|i| i.pull.as_ref().is_some_and(|p| p.link.is_some()));
        let merged = links.clone().filter(|i| i.pull.as_ref().unwrap().merged.is_some()).count();
        let issues = repos().flat_map(|r| r.items.iter()).filter(|i| is_newcomer_issue(i)).count();
        let unassigned = repos().flat_map(|r| r.assignments.iter()).filter(|a| !a.assigned).count();
        [claims, links.count(), merged, issues, unassigned]
    };
    let before = count(&a);
    for _ in 0..4 {
        advance(&mut a, 7.0, 0.05);
        advance(&mut b, 7.0, 0.05);
    }
    assert!(a == b, "deterministic");
    let after = count(&a);
    eprintln!("claims, linked PRs, merged, newcomer issues, unassignments: {before:?} -> {after:?}");
    assert!(before.iter().zip(&after).all(|(b, a)| a > b), "{before:?} -> {after:?}");
    assert_eq!(broken_invariants(&a), Vec::<String>::new());
    for name in ["comet", "atlas"] {
        assert!(!newcomer_issues(&a, name).is_empty(), "{name} still has unclaimed issues");
    }
}

#[test]
fn claiming_bumps_the_issue_and_takes_it_off_the_unclaimed_list() {
    let mut w = world(7);
    let open = newcomer_issues(&w, "comet");
    assert!(open.len() >= 3, "{open:?}");
    let comet = w.repo_index("comet").unwrap();
    let number = open[0];
    let (updated, comments) = {
        let item = &w.repos[comet].items[number as usize - 1];
        (item.updated, item.comments)
    };
    w.now += 3_600;
    assert!(claim_issue(&mut w, "upkeep-sim/comet", number, "brand-new-person"));
    let item = &w.repos[comet].items[number as usize - 1];
    assert!(item.updated > updated && item.updated == w.now);
    assert_eq!(item.comments, comments + 1);
    assert!(!newcomer_issues(&w, "comet").contains(&number));
    let repo = &w.repos[comet];
    let last = &repo.comments[*comments_of(repo, number as u32 - 1).last().unwrap() as usize];
    assert_eq!((last.role, last.created, last.assoc), (Role::Claim(0), w.now, Assoc::None));
    assert_eq!(w.user(last.author).login.as_ref(), "brand-new-person");
    assert_eq!(broken_invariants(&w), Vec::<String>::new());
    let maintainer = w.user(w.repos[comet].maintainers[0].0).login.to_string();
    assert!(!claim_issue(&mut w, "comet", open[1], &maintainer), "maintainers do not claim");
    assert!(!claim_issue(&mut w, "comet", 999_999, "someone"));
    assert!(!claim_issue(&mut w, "no-such-repo", 1, "someone"));
    let pull = w.repos[comet].items.iter().find(|i| i.pull.is_some()).unwrap().number;
    assert!(!claim_issue(&mut w, "comet", u64::from(pull), "someone"), "pull requests are not claimed");
}
