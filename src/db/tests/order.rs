//! `db/order.rs`: lists of repository names come out in one order on both backends, SQLite's
//! `NOCASE` (ASCII case folded, then bytes) with ties broken by the bytes, whatever order
//! PostgreSQL's ICU `nocase` collation would give punctuation, digits and case.

use super::{add_repository, fresh, support_ops::process};
use crate::db::{
    order::by_name,
    repos::{
        RepoOutcome, list_repositories, list_repositories_of_source, list_tracked, list_tracked_repositories,
        record_repo_outcome, track_repository,
    },
    rounds::{begin_run, claim, done_elsewhere, live_runs, prepare, release, unfinished},
};

/// The rule's order, written out by hand: `-` (0x2d) < `.` (0x2e) < `/` (0x2f) < digits < `_`
/// (0x5f) < letters, each letter as its lower case.
const ORDERED: [&str; 15] = [
    "0/x", "9lives/x", "o-x/a", "o.x/a", "o/a-b", "o/a.b", "o/a0", "o/a9", "o/A_b", "o/aB", "o/B", "O/z", "o/Z9",
    "o_x/a", "oX/a",
];

/// [`ORDERED`] shuffled: the order the rows are written in.
fn shuffled() -> Vec<String> {
    [7, 14, 0, 11, 3, 9, 1, 13, 5, 10, 2, 12, 6, 8, 4].iter().map(|&i| ORDERED[i].to_owned()).collect()
}

#[test]
fn by_name_folds_ascii_case_then_compares_bytes_and_breaks_ties_by_the_bytes() {
    let mut names = vec!["ab", "a_b", "aB", "a/b", "AB", "a.b", "Ab", "a-b", "a1"];
    names.sort_by(|a, b| by_name(a, b));
    assert_eq!(names, ["a-b", "a.b", "a/b", "a1", "a_b", "AB", "Ab", "aB", "ab"]);
    // Only ASCII folds, as in SQLite: `É` (0xc3 0x89) stays after every ASCII letter.
    assert!(by_name("É", "z").is_gt());
    assert!(by_name("é", "É").is_gt());
}

#[tokio::test]
async fn repository_lists_come_out_in_the_rule_order_on_both_backends() {
    let f = fresh().await;
    let p = &f.db.pool;
    for (i, name) in shuffled().iter().enumerate() {
        let id = i as i64 + 1;
        add_repository(&f.db, id, name).await;
        track_repository(p, name, "org:o").await.unwrap();
        let outcome = RepoOutcome { condition: "ok", message: None, repo_id: Some(id), at: 10 };
        record_repo_outcome(p, name, &outcome).await.unwrap();
    }
    let repositories: Vec<String> = list_repositories(p).await.unwrap().into_iter().map(|r| r.full_name).collect();
    assert_eq!(repositories, ORDERED);
    let tracked: Vec<String> = list_tracked(p).await.unwrap().into_iter().map(|t| t.full_name).collect();
    assert_eq!(tracked, ORDERED);
    let listed: Vec<String> = list_tracked_repositories(p).await.unwrap().into_iter().map(|r| r.full_name).collect();
    assert_eq!(listed, ORDERED);
    assert_eq!(list_repositories_of_source(p, "org:o").await.unwrap(), ORDERED);
}

#[tokio::test]
async fn claim_lists_come_out_in_the_rule_order_on_both_backends() {
    let f = fresh().await;
    let p = &f.db.pool;
    let repos = shuffled();
    prepare(p, &repos).await.unwrap();
    let (a, b) = (process("run-a", 1), process("run-b", 2));
    let (run_a, round) = begin_run(p, &a, "cli", 1000, 90, true).await.unwrap();
    let (run_b, _) = begin_run(p, &b, "cli", 1000, 90, true).await.unwrap();
    let left: Vec<String> =
        unfinished(p, round, &a.holder, &repos).await.unwrap().into_iter().map(|c| c.repo).collect();
    assert_eq!(left, ORDERED);

    // b holds two repositories at once: the one `/status` names is the first by the rule
    // ("o/a-b" before "o/A_b"; ICU's `nocase` puts "o/A_b" first).
    for name in ["o/A_b", "o/a-b"] {
        let only = vec![name.to_owned()];
        assert!(claim(p, &b, run_b, round, &only, 1001, 90).await.unwrap().is_some());
    }
    let live = live_runs(p, 1002, 90).await.unwrap();
    let held: Vec<(i64, Option<&str>)> = live.iter().map(|r| (r.run_id, r.repo.as_deref())).collect();
    assert_eq!(held, [(run_a, None), (run_b, Some("o/a-b"))]);

    // b syncs every repository; a finds them all done by another run, in the rule's order.
    for name in &repos {
        let only = vec![name.clone()];
        claim(p, &b, run_b, round, &only, 1003, 90).await.unwrap();
        assert!(release(p, &b.holder, name, Some((round, run_b)), 1004).await.unwrap());
    }
    assert_eq!(done_elsewhere(p, round.unwrap(), run_a, &repos).await.unwrap(), ORDERED);
}
