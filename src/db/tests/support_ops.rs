//! Small builders for the operational and funding tests: runs and their steps, the lease, people
//! and issues with the fewest fields, and funding snapshots. Each gives a row with plain defaults
//! that a test changes with struct update syntax.

use crate::db::{
    Db,
    accounts::{AccountRow, upsert_account},
    funding::{OpenCollectiveSnapshotRow, SponsorsSnapshotRow},
    lease::LeaseRow,
    runs::RunResourceRow,
};

/// A finished, successful step of `run_id` for `scope`/`resource`, started at `started_at`.
pub(crate) fn step(run_id: i64, scope: &str, resource: &str, status: &str, started_at: i64) -> RunResourceRow {
    RunResourceRow {
        run_id,
        scope: scope.to_owned(),
        resource: resource.to_owned(),
        started_at,
        finished_at: Some(started_at + 5),
        status: status.to_owned(),
        requests: 1,
        not_modified: 0,
        items_written: 0,
        error: None,
    }
}

/// A process that wants the lease (its `started_at`/`heartbeat_at` are ignored by `acquire`).
pub(crate) fn process(holder: &str, pid: i64) -> LeaseRow {
    LeaseRow { holder: holder.to_owned(), pid, host: "box".to_owned(), started_at: 0, heartbeat_at: 0 }
}

/// Stores an account `login` of `kind` (`User`, `Bot`, `Organization`), flagged as a bot or not.
pub(crate) async fn add_account(db: &Db, id: i64, login: &str, kind: &str, is_bot: bool) -> i64 {
    let row = AccountRow { id, login: login.to_owned(), kind: kind.to_owned(), name: None, is_bot };
    upsert_account(&db.pool, &row).await.expect("account stored");
    id
}

/// Stores a `repo_people` row, as the rollups would: `account_id` contributed `contributions`
/// times to `repo_id`, and is a maintainer there or not.
pub(crate) async fn add_person(db: &Db, repo_id: i64, account_id: i64, contributions: i64, is_maintainer: bool) {
    let first = super::at("2024-01-01", "00:00:00");
    crate::db::sql::query(
        "INSERT INTO repo_people (repo_id, account_id, first_at, last_at, contributions, is_maintainer)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(repo_id)
    .bind(account_id)
    .bind(first)
    .bind(first)
    .bind(contributions)
    .bind(i64::from(is_maintainer))
    .execute(&db.pool)
    .await
    .expect("person stored");
}

/// Stores an open issue `number` of `repo_id`, opened and updated at `at`, by nobody; its id.
pub(crate) async fn add_issue(db: &Db, repo_id: i64, number: i64, at: i64) -> i64 {
    super::builders::IssueBuilder::issue(repo_id, number).opened(at).store(db).await
}

/// A Sponsors snapshot of `login` fetched (and last seen) at `at`, with `sponsors` sponsors.
pub(crate) fn sponsors(login: &str, at: i64, sponsors: i64) -> SponsorsSnapshotRow {
    SponsorsSnapshotRow {
        login: login.to_owned(),
        fetched_at: at,
        last_seen_at: at,
        source: "github_sponsors".to_owned(),
        has_listing: true,
        listing_name: Some(login.to_owned()),
        goal_kind: None,
        goal_target: None,
        goal_percent: None,
        goal_title: None,
        tiers: "[]".to_owned(),
        sponsor_count: sponsors,
        sponsor_logins: "[]".to_owned(),
        active_sponsorships: sponsors,
        recurring_monthly_cents: 0,
        currency: "USD".to_owned(),
        amounts_visible: false,
    }
}

/// An Open Collective snapshot of `slug` fetched (and last seen) at `at` with a balance in USD cents.
pub(crate) fn collective(slug: &str, at: i64, balance_cents: i64) -> OpenCollectiveSnapshotRow {
    OpenCollectiveSnapshotRow {
        slug: slug.to_owned(),
        fetched_at: at,
        last_seen_at: at,
        source: "open_collective".to_owned(),
        name: Some(slug.to_owned()),
        currency: "USD".to_owned(),
        balance_cents,
        balance_currency: "USD".to_owned(),
        yearly_budget_cents: 0,
        yearly_budget_currency: "USD".to_owned(),
        total_received_cents: 0,
        total_received_currency: "USD".to_owned(),
        transactions_total: 0,
    }
}

/// How many rows of `table` belong to `repo_id` (a table with a `repo_id` column).
pub(crate) async fn rows_of(db: &Db, table: &str, repo_id: i64) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE repo_id = ?");
    crate::db::sql::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(repo_id)
        .fetch_one(&db.pool)
        .await
        .expect("rows counted")
}
