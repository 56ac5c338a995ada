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
        ("slices::SPANS_OPEN".into(), crate::db::slices::SPANS_OPEN),
    ];
    for (i, sql) in crate::db::responses::STATEMENTS.into_iter().enumerate() {
        all.push((format!("responses::STATEMENTS[{i}]"), sql));
    }
    for (kind, sql) in crate::db::slices::WEEKLY.into_iter().chain(crate::db::slices::WHOLE) {
        all.push((format!("slices::{kind}"), sql));
    }
    all
}

/// SQLite's `EXPLAIN QUERY PLAN` of every [`ported_statements`] on the scene database, one line per
/// step indented by depth, for comparing plans before and after a change to the statements' text:
/// the text of the statement changes, the plan must not. A subquery is named by its order (SQLite
/// numbers those without an alias and names the others by it). Parameters are bound as NULL
/// (SQLite plans without looking at them, and without statistics the scene's plans are any
/// database's: nothing runs `ANALYZE`).
///
/// `UPKEEP_PLANS_OUT=before.txt cargo test --lib print_the_ported -- --ignored` on the old text,
/// then `UPKEEP_PLANS_BEFORE=before.txt` on the new one fails on any plan that changed.
#[tokio::test]
#[ignore = "a tool: writes the plans to UPKEEP_PLANS_OUT, compares them with UPKEEP_PLANS_BEFORE"]
async fn print_the_ported_statements_plans() {
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
        let (mut depths, mut subqueries) = (std::collections::HashMap::new(), Vec::<String>::new());
        for (id, parent, _, detail) in rows {
            let depth = depths.get(&parent).map_or(0, |d| d + 1);
            depths.insert(id, depth);
            if let Some(name) = detail.strip_prefix("CO-ROUTINE ").or_else(|| detail.strip_prefix("MATERIALIZE ")) {
                subqueries.push(name.to_owned());
            }
            let words: Vec<String> = detail
                .split(' ')
                .map(|w| subqueries.iter().position(|s| s == w).map_or(w.to_owned(), |k| format!("<subquery {k}>")))
                .collect();
            text.push_str(&format!("{}{}\n", "  ".repeat(depth), words.join(" ")));
        }
    }
    if let Ok(out) = std::env::var("UPKEEP_PLANS_OUT") {
        std::fs::write(&out, &text).expect("plans written");
    }
    if let Ok(before) = std::env::var("UPKEEP_PLANS_BEFORE") {
        let before = std::fs::read_to_string(&before).expect("the plans from before");
        let sections = |t: &str| -> Vec<String> { t.split("== ").map(str::to_owned).collect() };
        let (old, new) = (sections(&before), sections(&text));
        let changed: Vec<&String> = new.iter().filter(|s| !old.contains(s)).collect();
        assert!(
            changed.is_empty() && old.len() == new.len(),
            "plans changed:\n{}",
            changed.iter().map(|s| s.as_str()).collect::<String>()
        );
    }
}
