//! `db::rollups` (with `rollups/people.rs` and `rollups/statements.rs`, through the public
//! functions): first responses by role, the dirty marks, and the rollups rebuilt whole or
//! incrementally. The incremental result is compared with a rebuild from scratch, table by table
//! and slice by slice.

use crate::db::Flag;
use std::collections::BTreeSet;

use super::builders::{IssueBuilder, Person, derive, derive_with, roll_up};
use super::scene::{ATLAS, DAY, GADGET, HOUR, fresh_scene, id, t, w, w2};
use super::{add_repository, fresh};
use crate::db::{
    Db, accounts,
    rollups::{self, Dirty, Rebuilt},
};

type Roles = (Option<i64>, Option<i64>, Option<i64>);

async fn roles(pool: &sqlx::AnyPool, issue_id: i64) -> Roles {
    crate::db::sql::query_as(
        "SELECT first_maintainer_response_at, first_community_response_at, first_bot_response_at FROM issues WHERE id = ?",
    )
    .bind(issue_id)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// `repo_weeks`: week, opened/closed issues, opened/closed/merged PRs, bot-opened PRs, releases,
/// contributions.
type RepoWeek = (i64, i64, i64, i64, i64, i64, i64, i64, i64);

async fn repo_weeks(pool: &sqlx::AnyPool, repo: i64) -> Vec<RepoWeek> {
    crate::db::sql::query_as(
        "SELECT week, opened_issues, closed_issues, opened_prs, closed_prs, merged_prs, bot_opened_prs, releases,
                contributions FROM repo_weeks WHERE repo_id = ? ORDER BY week",
    )
    .bind(repo)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// `person_weeks`: week, account, issues, PRs opened, PRs merged, merges, comments, responses,
/// reviews, triage.
type PersonWeekCols = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

/// `repo_people`: account, first, last, contributions, maintainer, second engagement.
type RepoPerson = (i64, i64, i64, i64, Flag, Option<i64>);

async fn repo_people(pool: &sqlx::AnyPool, repo: i64) -> Vec<RepoPerson> {
    crate::db::sql::query_as(
        "SELECT account_id, first_at, last_at, contributions, is_maintainer, second_at FROM repo_people
         WHERE repo_id = ? ORDER BY first_at",
    )
    .bind(repo)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// Every rollup row and week slice of the database, as text, for comparing two builds.
pub(super) async fn rollup_state(pool: &sqlx::AnyPool) -> Vec<String> {
    let mut out = Vec::new();
    for (table, order) in [
        ("repo_weeks", "repo_id, week"),
        ("person_weeks", "repo_id, week, account_id"),
        ("repo_people", "repo_id, account_id"),
    ] {
        let sql = format!("SELECT * FROM {table} ORDER BY {order}");
        let rows: Vec<sqlx::any::AnyRow> =
            crate::db::sql::query(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await.unwrap();
        for row in rows {
            use sqlx::Row;
            let cells: Vec<String> =
                (0..row.len()).map(|i| format!("{:?}", row.try_get::<Option<i64>, _>(i).ok().flatten())).collect();
            out.push(format!("{table}: {}", cells.join(",")));
        }
    }
    let slices: Vec<(i64, String, i64, String)> =
        crate::db::sql::query_as("SELECT repo_id, kind, week, rows FROM week_slices ORDER BY repo_id, kind, week")
            .fetch_all(pool)
            .await
            .unwrap();
    for (repo, kind, week, text) in slices {
        let parsed: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        let mut rows: Vec<String> = parsed.iter().map(ToString::to_string).collect();
        rows.sort();
        out.push(format!("slice {repo} {kind} {week}: {}", rows.join(" ")));
    }
    out
}

async fn update(db: &Db, repo: i64) -> Rebuilt {
    derive_with(db, repo, None).await;
    let mut tx = db.begin_write().await.unwrap();
    let done = rollups::update_rollups(&mut tx, repo, None).await.unwrap();
    tx.commit().await.unwrap();
    done
}

async fn rebuild(db: &Db, repo: i64, maintainers: Option<&str>) {
    let mut tx = db.begin_write().await.unwrap();
    rollups::rebuild_rollups(&mut tx, repo, maintainers).await.unwrap();
    tx.commit().await.unwrap();
}

/// Runs the incremental update, then checks that a rebuild from scratch changes nothing.
async fn update_equals_rebuild(db: &Db, repo: i64) -> Rebuilt {
    let done = update(db, repo).await;
    assert!(!rollups::has_dirty(&db.pool, repo).await.unwrap(), "the marks are cleared");
    let incremental = rollup_state(&db.pool).await;
    rebuild(db, repo, None).await;
    assert_eq!(incremental, rollup_state(&db.pool).await);
    done
}

#[tokio::test]
async fn role_responses_split_inferred_maintainers_community_and_bots() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = t();
    let id = IssueBuilder::issue(repo, 1)
        .opened(t)
        .by("ada")
        .comment_by("ada", t + 10, "OWNER") // the author: never a response
        .comment_by("dependabot[bot]", t + 30, "MEMBER") // a bot, whatever its association
        .comment_by("bob", t + 60, "COLLABORATOR")
        .comment_by("carol", t + 120, "NONE")
        .review_comment_by("dave", t + 90, "CONTRIBUTOR")
        .store(&f.db)
        .await;
    let untouched = IssueBuilder::issue(repo, 2).opened(t).by("ada").store(&f.db).await;
    derive(&f.db, repo).await;
    assert_eq!(roles(&f.db.pool, id).await, (Some(t + 60), Some(t + 90), Some(t + 30)));
    assert_eq!(roles(&f.db.pool, untouched).await, (None, None, None));
}

#[tokio::test]
async fn role_responses_with_configured_maintainers_match_logins_case_insensitively() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = t();
    let id = IssueBuilder::issue(repo, 1)
        .opened(t)
        .by("ada")
        .comment_by("bob", t + 60, "MEMBER")
        .comment_by("Carol", t + 120, "NONE")
        .comment_by("renovate[bot]", t + 180, "NONE")
        .store(&f.db)
        .await;
    derive_with(&f.db, repo, Some(r#"["carol", "renovate[bot]"]"#)).await;
    assert_eq!(roles(&f.db.pool, id).await, (Some(t + 120), Some(t + 60), Some(t + 180)));
}

#[tokio::test]
async fn role_responses_before_a_drafts_clock_starts_do_not_count_and_are_cleared_when_gone() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = t();
    let pr = IssueBuilder::pull(repo, 1).opened(t).by("ada").ready_at(t + 100).comment_by("bob", t + 200, "MEMBER");
    let item = pr.clone().comment_by("carol", t + 50, "NONE").store(&f.db).await;
    derive_with(&f.db, repo, None).await;
    assert_eq!(roles(&f.db.pool, item).await, (Some(t + 200), None, None));
    // Bob's comment moves to another item: nobody answered any more.
    let moved = crate::db::activity::CommentRow {
        id: item * 100 + 1,
        repo_id: repo,
        issue_number: 9,
        author_id: Some(id("bob")),
        author_association: "MEMBER".into(),
        created_at: t + 200,
        updated_at: t + 300,
    };
    crate::db::activity::upsert_comment(&f.db.pool, &moved).await.unwrap();
    derive_with(&f.db, repo, None).await;
    assert_eq!(roles(&f.db.pool, item).await, (None, None, None));
}

#[tokio::test]
async fn role_responses_revisit_only_items_updated_since_and_leave_unchanged_items_clean() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    let t = t();
    let old = IssueBuilder::issue(repo, 1).opened(t).by("ada").comment_by("bob", t + 60, "MEMBER").store(&f.db).await;
    roll_up(&f.db, repo).await;
    // Bob becomes a bot; only items updated from `since` on are revisited.
    accounts::set_bot_flag(&f.db.pool, id("bob"), true).await.unwrap();
    crate::db::sql::query("DELETE FROM rollup_dirty").execute(&f.db.pool).await.unwrap();
    let mut tx = f.db.begin_write().await.unwrap();
    crate::db::responses::recompute_responses(&mut tx, repo, t + 61, None).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(roles(&f.db.pool, old).await, (Some(t + 60), None, None));
    assert!(!rollups::has_dirty(&f.db.pool, repo).await.unwrap(), "an item whose values stay is not written");
    let mut tx = f.db.begin_write().await.unwrap();
    crate::db::responses::recompute_responses(&mut tx, repo, t + 60, None).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(roles(&f.db.pool, old).await, (None, None, Some(t + 60)));
    assert!(rollups::has_dirty(&f.db.pool, repo).await.unwrap());
}

#[test]
fn dirty_is_empty_only_when_no_part_is_marked() {
    assert!(Dirty::default().is_empty());
    let one = BTreeSet::from([1]);
    for dirty in [
        Dirty { event: one.clone(), ..Dirty::default() },
        Dirty { created: one.clone(), ..Dirty::default() },
        Dirty { closed: one.clone(), ..Dirty::default() },
        Dirty { people: one.clone(), ..Dirty::default() },
        Dirty { added: one.clone(), ..Dirty::default() },
        Dirty { accounts: true, ..Dirty::default() },
    ] {
        assert!(!dirty.is_empty(), "{dirty:?}");
    }
}

#[tokio::test]
async fn read_dirty_names_the_weeks_and_people_a_new_item_touched_in_its_repository_only() {
    let f = fresh().await;
    let repo = add_repository(&f.db, 1, "numfocus/atlas").await;
    add_repository(&f.db, 2, "numfocus/gadget").await;
    assert_eq!(rollups::read_dirty(&f.db.pool, repo).await.unwrap(), Dirty::default());
    assert!(!rollups::has_dirty(&f.db.pool, repo).await.unwrap());
    IssueBuilder::issue(repo, 1).opened(t()).by("ada").closed(t() + 7 * DAY).store(&f.db).await;
    let expected = Dirty {
        event: BTreeSet::from([w()]),
        created: BTreeSet::from([w()]),
        closed: BTreeSet::from([w2()]),
        people: BTreeSet::new(),
        added: BTreeSet::from([id("ada")]),
        accounts: false,
    };
    assert_eq!(rollups::read_dirty(&f.db.pool, repo).await.unwrap(), expected);
    assert!(rollups::has_dirty(&f.db.pool, repo).await.unwrap());
    assert_eq!(rollups::read_dirty(&f.db.pool, 2).await.unwrap(), Dirty::default());
    assert!(!rollups::has_dirty(&f.db.pool, 2).await.unwrap());
}

#[tokio::test]
async fn rebuild_rollups_counts_the_scenes_weeks_and_people_and_clears_the_marks() {
    let f = fresh_scene().await;
    let (w, w2, t) = (w(), w2(), t());
    assert!(!rollups::has_dirty(&f.db.pool, ATLAS).await.unwrap());
    // W: #1 opened; #2, #3 (a bot's) and the draft #5 opened; humans: ada 2, bob 2 (comment,
    // review), carol 1. W2: #4 opened, #1 closed, #2 closed and merged, v1.0; carol 1, bob 1 (merge).
    assert_eq!(repo_weeks(&f.db.pool, ATLAS).await, [(w, 1, 0, 3, 0, 0, 1, 0, 5), (w2, 1, 1, 0, 1, 1, 0, 1, 2)]);
    assert_eq!(repo_weeks(&f.db.pool, GADGET).await, [(w, 2, 1, 0, 0, 0, 0, 0, 2)]);
    assert_eq!(
        repo_people(&f.db.pool, ATLAS).await,
        [
            (id("ada"), t, t + 3 * DAY, 2, Flag(false), Some(t + 3 * DAY)),
            (id("dependabot[bot]"), t + HOUR / 2, t + 2 * DAY, 2, Flag(false), Some(t + 2 * DAY)),
            (id("bob"), t + HOUR, t + 7 * DAY + HOUR, 3, Flag(true), Some(t + DAY + 2 * HOUR)),
            (id("carol"), t + DAY, t + 8 * DAY, 2, Flag(false), Some(t + 8 * DAY)),
        ]
    );
    let person_weeks: Vec<PersonWeekCols> = crate::db::sql::query_as(
        "SELECT week, account_id, issues_opened, prs_opened, prs_merged, merges, comments, responses, reviews, triage
         FROM person_weeks WHERE repo_id = 1 AND account_id = ? ORDER BY week",
    )
    .bind(id("bob"))
    .fetch_all(&f.db.pool)
    .await
    .unwrap();
    assert_eq!(person_weeks, [(w, id("bob"), 0, 0, 0, 0, 1, 1, 1, 2), (w2, id("bob"), 0, 0, 0, 1, 0, 0, 0, 0)]);
}

#[tokio::test]
async fn rebuild_rollups_with_configured_maintainers_uses_the_list_not_associations() {
    let f = fresh_scene().await;
    rebuild(&f.db, ATLAS, Some(r#"["Carol"]"#)).await;
    let maint: Vec<(i64, bool)> = repo_people(&f.db.pool, ATLAS).await.into_iter().map(|p| (p.0, p.4.into())).collect();
    assert_eq!(maint, [(id("ada"), false), (id("dependabot[bot]"), false), (id("bob"), false), (id("carol"), true)]);
}

#[tokio::test]
async fn update_rollups_with_nothing_dirty_does_nothing() {
    let f = fresh_scene().await;
    let before = rollup_state(&f.db.pool).await;
    let mut tx = f.db.begin_write().await.unwrap();
    assert_eq!(rollups::update_rollups(&mut tx, ATLAS, None).await.unwrap(), Rebuilt::Nothing);
    tx.commit().await.unwrap();
    assert_eq!(rollup_state(&f.db.pool).await, before);
}

#[tokio::test]
async fn update_rollups_after_new_rows_equals_a_rebuild() {
    let f = fresh_scene().await;
    let t = t();
    // A new person answers #4, a known one opens an issue, #3 gets closed.
    IssueBuilder::issue(ATLAS, 4)
        .opened(t + 8 * DAY)
        .by("carol")
        .association("CONTRIBUTOR")
        .comment_by("frank", t + 8 * DAY + HOUR, "NONE")
        .store(&f.db)
        .await;
    IssueBuilder::issue(ATLAS, 6).opened(t + 9 * DAY).by("bob").association("MEMBER").store(&f.db).await;
    IssueBuilder::pull(ATLAS, 3)
        .opened(t + 2 * DAY)
        .by(Person::bot("dependabot[bot]"))
        .closed(t + 9 * DAY)
        .store(&f.db)
        .await;
    assert_eq!(update_equals_rebuild(&f.db, ATLAS).await, Rebuilt::Dirty);
    let frank = repo_people(&f.db.pool, ATLAS).await.into_iter().find(|p| p.0 == id("frank"));
    assert_eq!(frank, Some((id("frank"), t + 8 * DAY + HOUR, t + 8 * DAY + HOUR, 1, Flag(false), None)));
}

#[tokio::test]
async fn update_rollups_after_an_association_change_equals_a_rebuild() {
    let f = fresh_scene().await;
    // Carol's pull request now shows her as a collaborator: she becomes a maintainer.
    IssueBuilder::pull(ATLAS, 2)
        .opened(t() + DAY)
        .by("carol")
        .association("COLLABORATOR")
        .review_by("bob", t() + DAY + 2 * HOUR, "APPROVED", "MEMBER")
        .merged(t() + 7 * DAY + HOUR)
        .merged_by("bob")
        .store(&f.db)
        .await;
    assert_eq!(update_equals_rebuild(&f.db, ATLAS).await, Rebuilt::Dirty);
    let carol = repo_people(&f.db.pool, ATLAS).await.into_iter().find(|p| p.0 == id("carol")).unwrap();
    assert!(carol.4.0, "carol is a maintainer now");
}

#[tokio::test]
async fn update_rollups_after_a_bot_flag_change_rebuilds_the_whole_repository() {
    let f = fresh_scene().await;
    accounts::set_bot_flag(&f.db.pool, id("carol"), true).await.unwrap();
    assert!(rollups::read_dirty(&f.db.pool, ATLAS).await.unwrap().accounts);
    assert!(rollups::read_dirty(&f.db.pool, GADGET).await.unwrap().is_empty(), "carol never contributed there");
    assert_eq!(update_equals_rebuild(&f.db, ATLAS).await, Rebuilt::Whole);
    // W lost carol's pull request from the human contributions: 5 - 1.
    assert_eq!(repo_weeks(&f.db.pool, ATLAS).await[0].8, 4);
}

#[test]
fn laps_name_each_part_with_its_milliseconds_in_order() {
    let mut laps = crate::db::laps::Laps::start();
    laps.lap("weeks");
    laps.lap("people");
    let text = laps.to_string();
    let parts: Vec<&str> = text.split(", ").collect();
    assert_eq!(parts.len(), 2, "{text}");
    for (part, name) in parts.iter().zip(["weeks", "people"]) {
        let ms = part.strip_prefix(name).and_then(|r| r.strip_prefix(' ')).expect("the part's name first");
        assert!(ms.parse::<f64>().is_ok_and(|v| v >= 0.0), "{text}");
    }
}
