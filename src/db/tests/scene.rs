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
