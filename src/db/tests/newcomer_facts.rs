//! `db::newcomer_facts`: the finder's stored facts, replaced per repository; the open labelled
//! issues they are computed from; and the finder's filters, claim rule, counts, order and pages
//! in SQL, checked against hand-computed lists.
//!
//! # Data (`now` = t + 100 d; claim period 14 d)
//!
//! | # | repo | opened | facts | claimed at `now`? |
//! |---|---|---|---|---|
//! | 1 | atlas | −1 d | good first issue | no |
//! | 2 | atlas | −2 d | assigned to bob | yes (rule 1) |
//! | 3 | atlas | −3 d | PR #12 open | yes (rule 2) |
//! | 4 | atlas | −4 d | carol claims at −3 d | yes (rule 3) |
//! | 5 | atlas | −60 d, updated −45 d | dan claims at −45 d | no (abandoned) |
//! | 6 | atlas | −6 d | good first issue + easy; mentor alice (label), asked −5 d, answered 6 h later | no |
//! | 7 | atlas | −20 d | erin claims exactly 14 d ago | yes (the period's last second) |
//! | 8 | atlas | −21 d | finn's claim is dated 1 h after `now` | no (not yet) |
//! | 9 | beta | −8 d | good first issue | no |
//! | 10 | beta | −100 d | beginner; mentor Alice (configured), asked −50 d, no answer | no |
//! | 11 | attic (archived) | −1 d | mentor alice, asked | never listed |
//! | 12 | untracked | −1 d | | never listed |
//!
//! atlas is Rust, beta and attic Python. Newest first: 1, 2, 3, 4, 6, 9, 7, 8, 5, 10; claimed:
//! 2, 3, 4, 7.

use super::builders::IssueBuilder;
use super::scene::{DAY, HOUR, t};
use super::{fresh, repository};
use crate::db::{
    Db,
    newcomer_facts::{self as nf, ClaimRow, FactsRow, FinderQuery, Replace},
    repos::{self, RepoOutcome},
};

const ATLAS: i64 = 1;
const ATTIC: i64 = 2;
const UNTRACKED: i64 = 3;
const BETA: i64 = 4;

fn now() -> i64 {
    t() + 100 * DAY
}

fn id(repo: i64, number: i64) -> i64 {
    repo * 1_000_000 + number
}

fn fact(repo: i64, number: i64, opened_days_ago: i64) -> FactsRow {
    let created = now() - opened_days_ago * DAY;
    FactsRow {
        issue_id: id(repo, number),
        repo_id: repo,
        created_at: created,
        updated_at: created,
        labels: r#"["good first issue"]"#.into(),
        mentor_login: None,
        mentor_source: None,
        mentors: "[]".into(),
        assigned_claimer: None,
        linked_pr: None,
        mentor_asked_at: None,
        mentor_replied_at: None,
    }
}

fn claim(repo: i64, number: i64, login: &str, at: i64) -> ClaimRow {
    ClaimRow { issue_id: id(repo, number), seq: 0, login: login.into(), at }
}

async fn store_repository(db: &Db, id: i64, name: &str, language: &str, archived: bool, tracked: bool) {
    let mut row = repository(id, name);
    row.language = Some(language.into());
    row.is_archived = archived;
    repos::upsert_repository(&db.pool, &row).await.unwrap();
    if tracked {
        repos::track_repository(&db.pool, name, "config").await.unwrap();
        let outcome = RepoOutcome { condition: "ok", message: None, repo_id: Some(id), at: t() };
        repos::record_repo_outcome(&db.pool, name, &outcome).await.unwrap();
    }
}

async fn replace(db: &Db, repo: i64, settings: &str, facts: &[FactsRow], claims: &[ClaimRow]) {
    let mut tx = db.begin_write().await.unwrap();
    nf::replace_repo_facts(&mut tx, repo, Replace::Whole { settings }, facts, claims, now()).await.unwrap();
    tx.commit().await.unwrap();
}

/// The data of the module doc.
async fn seeded() -> super::Fresh {
    let f = fresh().await;
    store_repository(&f.db, ATLAS, "numfocus/atlas", "Rust", false, true).await;
    store_repository(&f.db, ATTIC, "numfocus/attic", "Python", true, true).await;
    store_repository(&f.db, UNTRACKED, "numfocus/untracked", "Rust", false, false).await;
    store_repository(&f.db, BETA, "numfocus/beta", "Python", false, true).await;
    for (repo, number) in
        [(1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8), (4, 9), (4, 10), (2, 11), (3, 12)]
    {
        let b = IssueBuilder::issue(repo, number).opened(t()).by("maint").label("good first issue");
        let b = if number == 2 { b.assignee("bob") } else { b };
        b.store(&f.db).await;
    }
    let n = now();
    let atlas = [
        fact(ATLAS, 1, 1),
        FactsRow { assigned_claimer: Some("bob".into()), ..fact(ATLAS, 2, 2) },
        FactsRow { linked_pr: Some(12), ..fact(ATLAS, 3, 3) },
        fact(ATLAS, 4, 4),
        FactsRow { updated_at: n - 45 * DAY, ..fact(ATLAS, 5, 60) },
        FactsRow {
            labels: r#"["good first issue","easy"]"#.into(),
            mentor_login: Some("alice".into()),
            mentor_source: Some("label".into()),
            mentors: r#"["alice"]"#.into(),
            mentor_asked_at: Some(n - 5 * DAY),
            mentor_replied_at: Some(n - 5 * DAY + 6 * HOUR),
            ..fact(ATLAS, 6, 6)
        },
        fact(ATLAS, 7, 20),
        fact(ATLAS, 8, 21),
    ];
    let claims = [
        claim(ATLAS, 4, "carol", n - 3 * DAY),
        claim(ATLAS, 5, "dan", n - 45 * DAY),
        claim(ATLAS, 7, "erin", n - 14 * DAY),
        claim(ATLAS, 8, "finn", n + HOUR),
    ];
    replace(&f.db, ATLAS, "s-atlas", &atlas, &claims).await;
    let beta = [
        fact(BETA, 9, 8),
        FactsRow {
            labels: r#"["beginner"]"#.into(),
            mentor_login: Some("Alice".into()),
            mentor_source: Some("configured".into()),
            mentor_asked_at: Some(n - 50 * DAY),
            ..fact(BETA, 10, 100)
        },
    ];
    replace(&f.db, BETA, "s-beta", &beta, &[]).await;
    let attic = FactsRow { mentor_login: Some("alice".into()), mentor_asked_at: Some(n - DAY), ..fact(ATTIC, 11, 1) };
    replace(&f.db, ATTIC, "s-attic", &[attic], &[]).await;
    replace(&f.db, UNTRACKED, "s-untracked", &[fact(UNTRACKED, 12, 1)], &[]).await;
    f
}

fn query() -> FinderQuery<'static> {
    FinderQuery { now: now(), claim_secs: 14 * DAY, limit: 50, ..Default::default() }
}

async fn numbers(db: &Db, q: &FinderQuery<'_>) -> Vec<i64> {
    nf::list_finder_page(&db.pool, q).await.unwrap().iter().map(|r| r.number).collect()
}

#[tokio::test]
async fn the_default_list_is_unclaimed_issues_newest_first_and_counts_the_claimed_apart() {
    let f = seeded().await;
    assert_eq!(numbers(&f.db, &query()).await, [1, 6, 9, 8, 5, 10]);
    assert_eq!(nf::count_finder(&f.db.pool, &query()).await.unwrap(), (10, 4));
    let all = FinderQuery { show_claimed: true, ..query() };
    assert_eq!(numbers(&f.db, &all).await, [1, 2, 3, 4, 6, 9, 7, 8, 5, 10]);
    // One minute later erin's claim is past its period, and finn's is still ahead.
    let later = FinderQuery { now: now() + 60, ..query() };
    assert_eq!(numbers(&f.db, &later).await, [1, 6, 9, 7, 8, 5, 10]);
    // An hour later finn's claim counts (2, 3, 4 and 8 are claimed), and erin's is long past.
    let finn = FinderQuery { now: now() + HOUR, ..query() };
    assert_eq!(nf::count_finder(&f.db.pool, &finn).await.unwrap(), (10, 4));
    assert_eq!(numbers(&f.db, &finn).await, [1, 6, 9, 7, 5, 10]);
}

#[tokio::test]
async fn a_listed_row_carries_its_facts_its_issue_and_its_repository() {
    let f = seeded().await;
    let q = FinderQuery { label: Some("easy"), ..query() };
    let rows = nf::list_finder_page(&f.db.pool, &q).await.unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!((r.repo.as_str(), r.repo_html_url.as_str()), ("numfocus/atlas", "https://github.com/numfocus/atlas"));
    assert_eq!((r.language.as_deref(), r.number, r.title.as_str()), (Some("Rust"), 6, "Item 6"));
    assert_eq!((r.author.as_deref(), r.assignees.as_str()), (Some("maint"), "[]"));
    assert_eq!(r.facts.mentor_login.as_deref(), Some("alice"));
    assert_eq!(r.facts.mentor_replied_at, Some(now() - 5 * DAY + 6 * HOUR));
}

#[tokio::test]
async fn each_filter_narrows_the_list_as_predicted() {
    let f = seeded().await;
    let db = &f.db;
    assert_eq!(numbers(db, &FinderQuery { language: Some("PYTHON"), ..query() }).await, [9, 10]);
    assert_eq!(numbers(db, &FinderQuery { repo: Some("NumFocus/Beta"), ..query() }).await, [9, 10]);
    assert_eq!(numbers(db, &FinderQuery { repo: Some("numfocus/attic"), ..query() }).await, Vec::<i64>::new());
    assert_eq!(numbers(db, &FinderQuery { label: Some("easy"), ..query() }).await, [6]);
    assert_eq!(numbers(db, &FinderQuery { label: Some("Easy"), ..query() }).await, Vec::<i64>::new(), "canonical");
    let fresh = FinderQuery { updated_since: Some(now() - 30 * DAY), ..query() };
    assert_eq!(numbers(db, &fresh).await, [1, 6, 9, 8]);
    assert_eq!(numbers(db, &FinderQuery { mentored: true, ..query() }).await, [6, 10]);
    let python = FinderQuery { language: Some("python"), show_claimed: true, ..query() };
    assert_eq!(nf::count_finder(&db.pool, &python).await.unwrap(), (2, 0));
}

#[tokio::test]
async fn ranks_order_projects_first_and_pages_are_limit_and_offset() {
    let f = seeded().await;
    let ranked = FinderQuery { ranks: Some(r#"{"4":0,"1":1}"#.into()), ..query() };
    assert_eq!(numbers(&f.db, &ranked).await, [9, 10, 1, 6, 8, 5]);
    let tied = FinderQuery { ranks: Some(r#"{"4":0,"1":0}"#.into()), ..query() };
    assert_eq!(numbers(&f.db, &tied).await, [1, 6, 9, 8, 5, 10], "equal ranks keep newest first");
    assert_eq!(numbers(&f.db, &FinderQuery { limit: 2, offset: 2, ..query() }).await, [9, 8]);
    assert_eq!(numbers(&f.db, &FinderQuery { limit: 2, offset: 6, ..query() }).await, Vec::<i64>::new());
}

#[tokio::test]
async fn claims_and_mentor_replies_are_listed_for_what_a_page_shows() {
    let f = seeded().await;
    let n = now();
    let claims = nf::list_claims(&f.db.pool, &[id(ATLAS, 7), id(ATLAS, 4), id(ATLAS, 1)]).await.unwrap();
    assert_eq!(claims, [claim(ATLAS, 4, "carol", n - 3 * DAY), claim(ATLAS, 7, "erin", n - 14 * DAY)]);
    assert!(nf::list_claims(&f.db.pool, &[]).await.unwrap().is_empty());
    // Both spellings of alice, not the archived repository's thread.
    let replies = nf::list_mentor_replies(&f.db.pool, &["alice"]).await.unwrap();
    let got: Vec<_> = replies.iter().map(|r| (r.mentor_login.as_str(), r.asked_at, r.replied_at)).collect();
    assert_eq!(got, [("alice", n - 5 * DAY, Some(n - 5 * DAY + 6 * HOUR)), ("Alice", n - 50 * DAY, None)]);
    assert!(nf::list_mentor_replies(&f.db.pool, &["bob"]).await.unwrap().is_empty());
}

#[tokio::test]
async fn facts_are_replaced_per_repository_with_the_settings_they_were_computed_with() {
    let f = seeded().await;
    for (id, want) in [(1, "s-atlas"), (2, "s-attic"), (3, "s-untracked"), (4, "s-beta")] {
        assert_eq!(nf::get_facts_settings(&f.db.pool, id).await.unwrap().as_deref(), Some(want));
    }
    assert_eq!(nf::get_facts_settings(&f.db.pool, 5).await.unwrap(), None, "never computed");
    replace(&f.db, ATLAS, "s-atlas-2", &[fact(ATLAS, 1, 1)], &[]).await;
    let all = FinderQuery { show_claimed: true, ..query() };
    assert_eq!(numbers(&f.db, &all).await, [1, 9, 10], "atlas's other facts and claims are gone");
    assert!(nf::list_claims(&f.db.pool, &[id(ATLAS, 4)]).await.unwrap().is_empty());
    assert_eq!(nf::get_facts_settings(&f.db.pool, 1).await.unwrap().as_deref(), Some("s-atlas-2"));
}

#[tokio::test]
async fn open_labelled_issues_of_one_repository_are_what_facts_are_computed_from() {
    let f = fresh().await;
    store_repository(&f.db, ATLAS, "numfocus/atlas", "Rust", false, true).await;
    store_repository(&f.db, BETA, "numfocus/beta", "Python", false, true).await;
    let t = t();
    IssueBuilder::issue(ATLAS, 2).opened(t + HOUR).label("help wanted").assignee("bob").store(&f.db).await;
    IssueBuilder::issue(ATLAS, 1).opened(t).label("good first issue").store(&f.db).await;
    IssueBuilder::issue(ATLAS, 3).opened(t).store(&f.db).await; // no labels
    IssueBuilder::issue(ATLAS, 4).opened(t).label("easy").closed(t + DAY).store(&f.db).await;
    IssueBuilder::pull(ATLAS, 5).opened(t).label("easy").store(&f.db).await;
    IssueBuilder::issue(BETA, 6).opened(t).label("easy").store(&f.db).await;
    let only = [id(ATLAS, 2), id(ATLAS, 3), id(BETA, 6)];
    let some = nf::list_open_labelled(&f.db.pool, ATLAS, Some(&only)).await.unwrap();
    assert_eq!(some.iter().map(|r| r.id).collect::<Vec<_>>(), [id(ATLAS, 2)], "only those, of this repository");
    let got = nf::list_open_labelled(&f.db.pool, ATLAS, None).await.unwrap();
    let got: Vec<_> = got.iter().map(|r| (r.id, r.labels.as_str(), r.assignees.as_str(), r.created_at)).collect();
    assert_eq!(
        got,
        [
            (id(ATLAS, 1), r#"["good first issue"]"#, "[]", t),
            (id(ATLAS, 2), r#"["help wanted"]"#, r#"["bob"]"#, t + HOUR)
        ]
    );
}

#[tokio::test]
async fn every_write_facts_are_read_from_marks_its_issue_until_facts_are_replaced() {
    let f = fresh().await;
    store_repository(&f.db, ATLAS, "numfocus/atlas", "Rust", false, true).await;
    store_repository(&f.db, BETA, "numfocus/beta", "Python", false, true).await;
    let db = &f.db;
    let issues = |repo| async move { nf::list_dirty_issues(&db.pool, repo).await.unwrap() };
    // The repositories with any mark.
    let dirty = || async {
        let mut marked = Vec::new();
        for repo in [ATLAS, BETA] {
            if !issues(repo).await.is_empty() {
                marked.push(repo);
            }
        }
        marked
    };
    let clear = |repo| async move { replace(db, repo, "s", &[], &[]).await };
    IssueBuilder::issue(ATLAS, 1).opened(t()).store(db).await;
    IssueBuilder::pull(BETA, 2).opened(t()).label("good first issue").store(db).await;
    assert!(dirty().await.is_empty(), "an unlabelled issue and a labelled pull request are no facts' input");
    let labelled = IssueBuilder::issue(ATLAS, 3).opened(t()).label("good first issue").store(db).await;
    IssueBuilder::issue(ATLAS, 4).opened(t()).label("easy").store(db).await;
    assert_eq!(dirty().await, [ATLAS]);
    assert_eq!(issues(ATLAS).await, [id(ATLAS, 3), id(ATLAS, 4)]);
    clear(ATLAS).await;
    assert!(dirty().await.is_empty(), "replacing a repository's facts clears its marks");
    // The same issue written again (as a re-listing does) marks it again.
    IssueBuilder::issue(ATLAS, 3).opened(t()).label("good first issue").assignee("bob").store(db).await;
    assert_eq!(issues(ATLAS).await, [labelled]);
    let mut tx = db.begin_write().await.unwrap();
    nf::replace_repo_facts(&mut tx, ATLAS, Replace::Issues(&[labelled]), &[fact(ATLAS, 3, 1)], &[], now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(dirty().await.is_empty(), "replacing some issues' facts clears the repository's marks too");
    let settings = nf::get_facts_settings(&db.pool, ATLAS).await.unwrap();
    assert_eq!(settings.as_deref(), Some("s"), "an issue-level replace keeps the recorded settings");
    let mut tx = db.begin_write().await.unwrap();
    crate::db::newcomers::replace_timeline(&mut tx, labelled, &[]).await.unwrap();
    tx.commit().await.unwrap();
    assert!(dirty().await.is_empty(), "an empty timeline replacing none writes nothing");
    // Rollups rewrite `repo_people` on every sync: that marks nothing (the facts compare the
    // maintainers they were computed under instead).
    IssueBuilder::issue(BETA, 5).opened(t()).by("maint").association("OWNER").store(db).await;
    super::builders::roll_up(db, BETA).await;
    assert!(dirty().await.is_empty());
}

#[tokio::test]
async fn facts_brought_up_to_date_issue_by_issue_equal_facts_computed_whole() {
    use crate::newcomers::{Scope, refresh};
    let f = fresh().await;
    let db = &f.db;
    store_repository(db, ATLAS, "numfocus/atlas", "Rust", false, true).await;
    let config = crate::config::NewcomersConfig::default();
    let t = t();
    let gfi = "good first issue";
    for n in 1..=4 {
        IssueBuilder::issue(ATLAS, n).opened(t + n).by("maint").association("OWNER").label(gfi).store(db).await;
    }
    super::builders::roll_up(db, ATLAS).await;
    assert_eq!(refresh(db, ATLAS, "numfocus/atlas", &config, Scope::Stale, now()).await.unwrap(), Some(4));
    assert_eq!(refresh(db, ATLAS, "numfocus/atlas", &config, Scope::Stale, now()).await.unwrap(), None, "fresh");
    // Issue 2 is assigned, 3 loses its label, 4 is closed, 5 is new; a claim lands on 1.
    IssueBuilder::issue(ATLAS, 2)
        .opened(t + 2)
        .by("maint")
        .association("OWNER")
        .label(gfi)
        .assignee("bob")
        .store(db)
        .await;
    IssueBuilder::issue(ATLAS, 3).opened(t + 3).by("maint").association("OWNER").store(db).await;
    IssueBuilder::issue(ATLAS, 4)
        .opened(t + 4)
        .by("maint")
        .association("OWNER")
        .label(gfi)
        .closed(t + DAY)
        .store(db)
        .await;
    IssueBuilder::issue(ATLAS, 5).opened(t + 5).by("maint").association("OWNER").label("easy").store(db).await;
    let claim = crate::db::newcomers::TimelineRow {
        issue_id: id(ATLAS, 1),
        seq: 0,
        kind: "comment".into(),
        at: t + HOUR,
        login: Some("erin".into()),
        association: Some("NONE".into()),
        body: Some("I'd like to work on this".into()),
        pr_number: None,
        pr_state: None,
        will_close: false,
    };
    let mut tx = db.begin_write().await.unwrap();
    crate::db::newcomers::replace_timeline(&mut tx, id(ATLAS, 1), &[claim]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(nf::list_dirty_issues(&db.pool, ATLAS).await.unwrap(), [1, 2, 3, 4, 5].map(|n| id(ATLAS, n)));
    // The dirty issues that are still newcomer issues: 1, 2 and 5.
    assert_eq!(refresh(db, ATLAS, "numfocus/atlas", &config, Scope::Stale, now()).await.unwrap(), Some(3));
    let incremental = crate::db::digest::table_digests(&db.pool).await.unwrap();
    assert_eq!(refresh(db, ATLAS, "numfocus/atlas", &config, Scope::Whole, now()).await.unwrap(), Some(3));
    assert_eq!(crate::db::digest::table_digests(&db.pool).await.unwrap(), incremental);
    let all = FinderQuery { show_claimed: true, now: t + 2 * HOUR, ..query() };
    assert_eq!(numbers(db, &all).await, [5, 2, 1]);
    assert_eq!(nf::count_finder(&db.pool, &all).await.unwrap(), (3, 2), "2 assigned, 1 claimed an hour ago");
    // erin becomes a maintainer (an OWNER's item): no issue is marked, but the facts were
    // computed under other maintainers, so all are recomputed, and her claim no longer counts.
    IssueBuilder::issue(ATLAS, 9).opened(t + 9).by("erin").association("OWNER").store(db).await;
    super::builders::roll_up(db, ATLAS).await;
    assert_eq!(refresh(db, ATLAS, "numfocus/atlas", &config, Scope::Stale, now()).await.unwrap(), Some(3));
    assert_eq!(nf::count_finder(&db.pool, &all).await.unwrap(), (3, 1), "only the assignment claims one now");
    assert_eq!(refresh(db, ATLAS, "numfocus/atlas", &config, Scope::Stale, now()).await.unwrap(), None);
}
