//! Incremental rollups against a rebuild from scratch. On the seeded dataset, each kind of change
//! a sync can write (a close, a reopen, a deleted comment, a new person, an association that makes
//! someone a maintainer, a moved first response, a known person's new answer, commit weeks, a
//! rename) is made in SQL; the triggers' dirty
//! marks are checked by hand for the first, and after each the incremental update must leave
//! `repo_weeks`, `person_weeks`, `repo_people` and every week slice exactly as a rebuild does.
//! (`commits.rs` checks the same after simulated days of syncing.)

use std::collections::BTreeMap;

use upkeep::db::{self, rollups::Rebuilt, slices::OPEN_WEEK};
use upkeep::metrics::week_start;

use crate::helpers::Store;
use crate::seed::{self, BOB, CAROL, DAY, WIDGET};

/// The rollup tables' digests and every week slice, its rows sorted (a slice's order within a
/// week is not part of its meaning).
pub async fn rollup_state(
    pool: &sqlx::AnyPool,
) -> (Vec<(String, u64, String)>, BTreeMap<(i64, String, i64), Vec<String>>) {
    let tables = db::digest::table_digests(pool)
        .await
        .expect("digest")
        .into_iter()
        .filter(|t| ["repo_weeks", "person_weeks", "repo_people"].contains(&t.0.as_str()))
        .collect();
    let rows: Vec<(i64, String, i64, String)> =
        upkeep::db::sql::query_as("SELECT repo_id, kind, week, rows FROM week_slices")
            .fetch_all(pool)
            .await
            .expect("slices");
    let slices = rows
        .into_iter()
        .map(|(repo, kind, week, text)| {
            let parsed: Vec<serde_json::Value> = serde_json::from_str(&text).expect("slice JSON");
            let mut rows: Vec<String> = parsed.iter().map(ToString::to_string).collect();
            rows.sort();
            ((repo, kind, week), rows)
        })
        .collect();
    (tables, slices)
}

async fn exec(store: &Store, sql: &str) {
    upkeep::db::sql::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(&store.db.pool).await.expect(sql);
}

/// Runs the incremental update for both repositories, then checks a rebuild changes nothing.
async fn update_and_compare(store: &Store, what: &str) -> Rebuilt {
    let mut how = Rebuilt::Nothing;
    for repo in [WIDGET, seed::GADGET] {
        let mut tx = store.db.begin_write().await.unwrap();
        db::responses::recompute_responses(&mut tx, repo, 0, None).await.expect("first responses");
        let done = db::rollups::update_rollups(&mut tx, repo, None).await.unwrap();
        tx.commit().await.unwrap();
        if done != Rebuilt::Nothing {
            how = done;
        }
    }
    assert!(!db::rollups::has_dirty(&store.db.pool, WIDGET).await.unwrap(), "{what}: marks cleared");
    let incremental = rollup_state(&store.db.pool).await;
    for repo in [WIDGET, seed::GADGET] {
        let mut tx = store.db.begin_write().await.unwrap();
        db::rollups::rebuild_rollups(&mut tx, repo, None).await.unwrap();
        tx.commit().await.unwrap();
    }
    let rebuilt = rollup_state(&store.db.pool).await;
    assert_eq!(incremental.0, rebuilt.0, "{what}: rollup tables");
    for (key, rows) in &rebuilt.1 {
        assert_eq!(incremental.1.get(key), Some(rows), "{what}: slice {key:?}");
    }
    assert_eq!(incremental.1.len(), rebuilt.1.len(), "{what}: the same slices exist");
    how
}

fn week(t: i64) -> i64 {
    week_start(t)
}

#[tokio::test]
async fn incremental_rollups_equal_a_rebuild_after_each_kind_of_change() {
    let store = Store::new().await;
    let now = seed::seed(&store).await;
    let pool = &store.db.pool;
    assert!(!db::rollups::has_dirty(pool, WIDGET).await.unwrap(), "a rebuild leaves no marks");

    // Closing widget #4 (dave's issue, opened 20 days ago) dirties its close week (counts, the
    // closed slices and spans) and its creation week (the items slice), and no one's totals.
    let created: i64 =
        upkeep::db::sql::query_scalar("SELECT created_at FROM issues WHERE repo_id = 100 AND number = 4")
            .fetch_one(pool)
            .await
            .unwrap();
    let closed_at = now - 2 * DAY;
    exec(
        &store,
        &format!("UPDATE issues SET state = 'closed', closed_at = {closed_at} WHERE repo_id = 100 AND number = 4"),
    )
    .await;
    exec(&store, "UPDATE issues SET title = 'only the title changed' WHERE repo_id = 100 AND number = 5").await;
    let dirty = db::rollups::read_dirty(pool, WIDGET).await.unwrap();
    assert_eq!(dirty.closed.iter().copied().collect::<Vec<_>>(), [week(closed_at)]);
    assert_eq!(dirty.created.iter().copied().collect::<Vec<_>>(), [week(created)]);
    assert!(dirty.event.is_empty() && dirty.people.is_empty() && !dirty.accounts, "{dirty:?}");
    assert!(week(closed_at) != OPEN_WEEK);
    assert_eq!(update_and_compare(&store, "a close").await, Rebuilt::Dirty);

    // Reopening an issue closed long ago (widget #9, closed 150 days ago).
    exec(&store, "UPDATE issues SET state = 'open' WHERE repo_id = 100 AND number = 9").await;
    assert_eq!(update_and_compare(&store, "a reopen").await, Rebuilt::Dirty);

    // A deleted comment: bob's answer on #2 was its first response, which moves to nobody.
    exec(&store, &format!("DELETE FROM comments WHERE id = 4 AND author_id = {BOB}")).await;
    let dirty = db::rollups::read_dirty(pool, WIDGET).await.unwrap();
    assert!(dirty.people.contains(&BOB) && !dirty.event.is_empty(), "{dirty:?}");
    assert_eq!(update_and_compare(&store, "a deleted first response").await, Rebuilt::Dirty);

    // carol's comment now carries MEMBER: she becomes a maintainer by inference, which changes
    // every item she opened and every week she contributed in, far from this week.
    exec(&store, &format!("UPDATE comments SET author_association = 'MEMBER' WHERE id = 5 AND author_id = {CAROL}"))
        .await;
    assert_eq!(update_and_compare(&store, "a new maintainer").await, Rebuilt::Dirty);

    // A newcomer's first comment, on an old issue, and a new pull request by them, merged.
    exec(&store, "INSERT INTO accounts (id, login, kind, is_bot) VALUES (77, 'newcomer', 'User', 0)").await;
    let at = now - DAY;
    exec(
        &store,
        &format!(
            "INSERT INTO comments (id, repo_id, issue_number, author_id, author_association, created_at, updated_at)
             VALUES (900, 100, 10, 77, 'FIRST_TIME_CONTRIBUTOR', {at}, {at})"
        ),
    )
    .await;
    exec(
        &store,
        &format!(
            "INSERT INTO issues (id, repo_id, number, node_id, title, state, is_pull_request, author_id,
                                 author_association, created_at, updated_at, closed_at, merged_at, merged_by_id, labels)
             VALUES (9100, 100, 99, 'PR_99', 'new', 'closed', 1, 77, 'FIRST_TIME_CONTRIBUTOR', {}, {at}, {at}, {at}, 1, '[]')",
            at - DAY
        ),
    )
    .await;
    assert_eq!(update_and_compare(&store, "a newcomer").await, Rebuilt::Dirty);

    // bob answers again today: a new row only, so his totals are brought up to date from this
    // week's rows, not recounted from his whole history.
    exec(
        &store,
        &format!(
            "INSERT INTO comments (id, repo_id, issue_number, author_id, author_association, created_at, updated_at)
             VALUES (901, 100, 3, {BOB}, 'MEMBER', {now}, {now})"
        ),
    )
    .await;
    let dirty = db::rollups::read_dirty(pool, WIDGET).await.unwrap();
    assert_eq!(dirty.added.iter().copied().collect::<Vec<_>>(), [BOB], "{dirty:?}");
    assert!(dirty.people.is_empty() && dirty.event.contains(&week(now)), "{dirty:?}");
    assert_eq!(update_and_compare(&store, "a new answer by a known person").await, Rebuilt::Dirty);

    // A commit week for bob (its first commit on the Tuesday), a later first commit that week,
    // then none.
    let cw = week(now - 30 * DAY);
    exec(
        &store,
        &format!(
            "INSERT INTO contributor_weeks (repo_id, account_id, week, commits, additions, deletions, first_authored)
             VALUES (100, {BOB}, {cw}, 3, 0, 0, {})",
            cw + 2 * DAY
        ),
    )
    .await;
    assert_eq!(update_and_compare(&store, "a commit week").await, Rebuilt::Dirty);
    exec(&store, &format!("UPDATE contributor_weeks SET first_authored = {} WHERE repo_id = 100", cw + 3 * DAY)).await;
    assert_eq!(update_and_compare(&store, "a later first commit in the week").await, Rebuilt::Dirty);
    exec(&store, "DELETE FROM contributor_weeks WHERE repo_id = 100").await;
    assert_eq!(update_and_compare(&store, "commit weeks gone").await, Rebuilt::Dirty);

    // A renamed account shows under its new login everywhere: the repository is rebuilt whole.
    exec(&store, &format!("UPDATE accounts SET login = 'carol-renamed' WHERE id = {CAROL}")).await;
    assert!(db::rollups::read_dirty(pool, WIDGET).await.unwrap().accounts);
    assert_eq!(update_and_compare(&store, "a rename").await, Rebuilt::Whole);

    // Nothing changed: nothing to do.
    assert_eq!(update_and_compare(&store, "nothing").await, Rebuilt::Nothing);
}
