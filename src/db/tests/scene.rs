//! One small, hand-countable history of two repositories, rolled up as the collector does, for
//! the tests of functions that read rollups and slices (`dashboard`, `slices`, `report`,
//! `rollups`). Every expected number in those tests is counted from the list below.
//!
//! Weeks start on Sunday: `W` is 2024-03-03, `W2` a week later. `T` is Monday 2024-03-04 09:00.
//!
//! `numfocus/atlas` (id 1):
//! - #1 issue by ada (NONE) at T, labelled; dependabot\[bot\] comments at T+30m, bob (MEMBER) at
//!   T+1h; closed at T+7d (Monday of W2).
//! - #2 pull request by carol (CONTRIBUTOR) at T+1d; bob (MEMBER) approves at T+1d+2h; merged by
//!   bob at T+7d+1h.
//! - #3 pull request by dependabot\[bot\] (NONE) at T+2d, open, unanswered.
//! - #5 pull request by ada (NONE) at T+3d, still a draft, open.
//! - #4 issue by carol (CONTRIBUTOR) at T+8d (Tuesday of W2), open, unanswered.
//! - release v1.0 published at T+9d; v2.0 a draft.
//!
//! `numfocus/gadget` (id 2):
//! - #1 issue by ada (NONE) at T+2h, open, unanswered.
//! - #2 issue by eve (OWNER) at T+3h, closed at T+4h.

use super::builders::{IssueBuilder, Person, ReleaseBuilder, roll_up};
use super::{add_repository, at};
use crate::db::Db;

pub(crate) const ATLAS: i64 = 1;
pub(crate) const GADGET: i64 = 2;
pub(crate) const HOUR: i64 = 3600;
pub(crate) const DAY: i64 = 86_400;

/// Sunday 2024-03-03 00:00 UTC.
pub(crate) fn w() -> i64 {
    at("2024-03-03", "00:00:00")
}

/// The week after [`w`].
pub(crate) fn w2() -> i64 {
    w() + 7 * DAY
}

/// Monday 2024-03-04 09:00 UTC.
pub(crate) fn t() -> i64 {
    at("2024-03-04", "09:00:00")
}

pub(crate) fn id(login: &str) -> i64 {
    super::builders::account_id(login)
}

/// Stores the scene and rolls both repositories up (maintainers inferred).
pub(crate) async fn store(db: &Db) {
    let t = t();
    add_repository(db, ATLAS, "numfocus/atlas").await;
    add_repository(db, GADGET, "numfocus/gadget").await;
    let bot = Person::bot("dependabot[bot]");
    IssueBuilder::issue(ATLAS, 1)
        .opened(t)
        .by("ada")
        .label("good first issue")
        .comment_by(&bot, t + HOUR / 2, "NONE")
        .comment_by("bob", t + HOUR, "MEMBER")
        .closed(t + 7 * DAY)
        .store(db)
        .await;
    IssueBuilder::pull(ATLAS, 2)
        .opened(t + DAY)
        .by("carol")
        .association("CONTRIBUTOR")
        .review_by("bob", t + DAY + 2 * HOUR, "APPROVED", "MEMBER")
        .merged(t + 7 * DAY + HOUR)
        .merged_by("bob")
        .store(db)
        .await;
    IssueBuilder::pull(ATLAS, 3).opened(t + 2 * DAY).by(&bot).store(db).await;
    IssueBuilder::pull(ATLAS, 5).opened(t + 3 * DAY).by("ada").draft().store(db).await;
    IssueBuilder::issue(ATLAS, 4).opened(t + 8 * DAY).by("carol").association("CONTRIBUTOR").store(db).await;
    ReleaseBuilder::new(ATLAS, 501, "v1.0", t + 9 * DAY).named("One").by("bob").store(db).await;
    ReleaseBuilder::new(ATLAS, 502, "v2.0", t + 10 * DAY).draft().store(db).await;
    IssueBuilder::issue(GADGET, 1).opened(t + 2 * HOUR).by("ada").store(db).await;
    IssueBuilder::issue(GADGET, 2)
        .opened(t + 3 * HOUR)
        .by("eve")
        .association("OWNER")
        .closed(t + 4 * HOUR)
        .store(db)
        .await;
    roll_up(db, ATLAS).await;
    roll_up(db, GADGET).await;
}

/// A fresh database holding the scene.
pub(crate) async fn fresh_scene() -> super::Fresh {
    let f = super::fresh().await;
    store(&f.db).await;
    f
}

/// Every statement of the rollups, the slices and the dashboard's aggregates whose text the
/// PostgreSQL port (#14) changed beyond casts and aliases, by name.
fn ported_statements() -> Vec<(String, &'static str)> {
    use crate::db::rollups::statements::*;
    let mut all: Vec<(String, &'static str)> = vec![
        ("REPO_WEEKS".into(), REPO_WEEKS),
        ("PERSON_WEEKS".into(), PERSON_WEEKS),
        ("WEEK_CONTRIBUTIONS".into(), WEEK_CONTRIBUTIONS),
        ("repo_people(all_rows)".into(), REPO_PEOPLE_ALL),
        ("repo_people(rows_of_people)".into(), REPO_PEOPLE_OF),
        ("PEOPLE_IN_WEEKS".into(), PEOPLE_IN_WEEKS),
        ("PEOPLE_TOTALS".into(), PEOPLE_TOTALS),
        ("engagements(everyone)".into(), ENGAGEMENTS_ALL),
        ("engagements(among)".into(), ENGAGEMENTS_OF),
        ("ITEM_WEEKS_OF_PEOPLE".into(), ITEM_WEEKS_OF_PEOPLE),
        ("dashboard::SCOPE_PERSON_WEEKS".into(), crate::db::dashboard::SCOPE_PERSON_WEEKS),
        ("dashboard::MAINTAINERS".into(), crate::db::dashboard::MAINTAINERS),
        ("report::FIRST_TIMERS".into(), crate::db::report::FIRST_TIMERS),
        ("slices::SPANS".into(), crate::db::slices::SPANS),
    ];
    for (i, sql) in crate::db::responses::STATEMENTS.into_iter().enumerate() {
        all.push((format!("responses::STATEMENTS[{i}]"), sql));
    }
    for (kind, sql) in crate::db::slices::WEEKLY.into_iter().chain(crate::db::slices::WHOLE) {
        all.push((format!("slices::{kind}"), sql));
    }
    all
}

/// Prints SQLite's `EXPLAIN QUERY PLAN` of every [`ported_statements`] on the scene database
/// (`db/tests/scene.rs`), to the file `UPKEEP_PLANS_OUT` names: run before and after a change
/// to the statements' text and compare the two files. Parameters are bound as NULL (SQLite plans
/// without looking at them).
#[tokio::test]
#[ignore = "a tool: writes the plans to the file UPKEEP_PLANS_OUT names"]
async fn print_the_ported_statements_plans() {
    let out = std::env::var("UPKEEP_PLANS_OUT").expect("UPKEEP_PLANS_OUT names the output file");
    let f = super::fresh_sqlite().await;
    store(&f.db).await;
    let mut text = String::new();
    for (name, sql) in ported_statements() {
        let numbered = crate::db::sql::numbered(sql);
        let params = (1..=99).rev().find(|n| numbered.contains(&format!("${n}"))).unwrap_or(0);
        let mut query = crate::db::sql::query_as::<(i64, i64, i64, String)>(sqlx::AssertSqlSafe(format!(
            "EXPLAIN QUERY PLAN {sql}"
        )));
        for _ in 0..params {
            query = query.bind(None::<i64>);
        }
        let rows = query.fetch_all(&f.db.pool).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        text.push_str(&format!("== {name}\n"));
        for (id, parent, _, detail) in rows {
            text.push_str(&format!("{id:>4} {parent:>4} {detail}\n"));
        }
    }
    std::fs::write(&out, text).expect("plans written");
}
