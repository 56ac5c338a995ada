//! Rollups: per-week and per-person aggregates the collector rebuilds after syncing a changed
//! repository. Dashboard pages read these instead of scanning a repository's history.
//!
//! A repository's first rollup is one grouped pass over its rows (a few seconds for a repository
//! with half a million comments). After that, triggers record in `rollup_dirty` which weeks and
//! people the rows written since touched (migration `20261205000013`), and [`update_rollups`]
//! rebuilds only those: the same statements, restricted to the dirty weeks or people. A test
//! checks that incremental rollups equal a rebuild from scratch after simulated days of change.
//! Weeks start Sunday 00:00 UTC, like GitHub's contributor statistics.

#[macro_use]
pub(super) mod statements;
mod people;
pub(super) mod weeks;

use std::collections::BTreeSet;

use sqlx::AnyExecutor;

use super::dashboard::json_list as json;
use statements::{
    ENGAGEMENTS_ALL, ITEM_WEEKS_OF_PEOPLE, PERSON_WEEKS, REPO_PEOPLE_ALL, REPO_WEEKS, WEEK_CONTRIBUTIONS,
};
use weeks::Weeks;

/// What the rows written since a repository's last rollup touched (its `rollup_dirty` rows).
#[derive(Debug, Default, PartialEq)]
pub struct Dirty {
    /// Weeks whose contributions or flow counts changed.
    pub event: BTreeSet<i64>,
    /// Creation weeks of items whose slice columns changed.
    pub created: BTreeSet<i64>,
    /// Close weeks (old and new) of items whose closing changed.
    pub closed: BTreeSet<i64>,
    /// People with changed or deleted rows: recounted.
    pub people: BTreeSet<i64>,
    /// People with new rows only (in the `event` weeks): brought up to date from those.
    pub added: BTreeSet<i64>,
    /// An account was renamed or its bot flag changed: rebuild the repository whole.
    pub accounts: bool,
}

impl Dirty {
    pub fn is_empty(&self) -> bool {
        self.event.is_empty()
            && self.created.is_empty()
            && self.closed.is_empty()
            && self.people.is_empty()
            && self.added.is_empty()
            && !self.accounts
    }
}

/// The repository's dirty parts.
pub async fn read_dirty<'e>(ex: impl AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<Dirty> {
    let rows: Vec<(String, i64)> = crate::db::sql::query_as("SELECT part, key FROM rollup_dirty WHERE repo_id = ?")
        .bind(repo_id)
        .fetch_all(ex)
        .await?;
    let mut dirty = Dirty::default();
    for (part, key) in rows {
        match part.as_str() {
            "event" => dirty.event.insert(key),
            "created" => dirty.created.insert(key),
            "closed" => dirty.closed.insert(key),
            "person" => dirty.people.insert(key),
            "added" => dirty.added.insert(key),
            _ => {
                dirty.accounts = true;
                true
            }
        };
    }
    Ok(dirty)
}

/// How a rollup step went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rebuilt {
    /// Nothing was dirty.
    Nothing,
    /// Only the dirty weeks and people were rebuilt.
    Dirty,
    /// The whole repository was rebuilt.
    Whole,
}

/// Rebuilds `repo_weeks`, `person_weeks`, `repo_people` and the week slices for one repository,
/// from scratch, and clears its dirty marks.
pub async fn rebuild_rollups(
    tx: &mut sqlx::AnyConnection,
    repo_id: i64,
    maintainers: Option<&str>,
) -> sqlx::Result<()> {
    for table in ["repo_weeks", "person_weeks", "repo_people", "rollup_dirty"] {
        let sql = format!("DELETE FROM {table} WHERE repo_id = ?");
        crate::db::sql::query(sqlx::AssertSqlSafe(sql)).bind(repo_id).execute(&mut *tx).await?;
    }
    let all = Weeks::All;
    rebuild_weeks(&mut *tx, REPO_WEEKS, repo_id, &all).await?;
    rebuild_weeks(&mut *tx, PERSON_WEEKS, repo_id, &all).await?;
    let people = crate::db::sql::query(REPO_PEOPLE_ALL).bind(repo_id).bind(None::<String>).bind(maintainers);
    people.execute(&mut *tx).await?;
    crate::db::sql::query(ENGAGEMENTS_ALL).bind(repo_id).execute(&mut *tx).await?;
    // The statements below join the rows just written: on PostgreSQL, plan them for those rows.
    super::backend::analyze_tables(&mut *tx, &["person_weeks", "repo_people"]).await?;
    rebuild_weeks(&mut *tx, WEEK_CONTRIBUTIONS, repo_id, &all).await?;
    // Last: the slices read `repo_people` (first contribution, maintainer) and `person_weeks`.
    super::slices::rebuild(&mut *tx, repo_id).await?;
    Ok(())
}

/// Rebuilds only what the repository's dirty marks name (or everything, after a rename or a
/// changed bot flag), then clears them. The result equals [`rebuild_rollups`]'s.
pub async fn update_rollups(
    tx: &mut sqlx::AnyConnection,
    repo_id: i64,
    maintainers: Option<&str>,
) -> sqlx::Result<Rebuilt> {
    let dirty = read_dirty(&mut *tx, repo_id).await?;
    if dirty.accounts {
        rebuild_rollups(tx, repo_id, maintainers).await?;
        return Ok(Rebuilt::Whole);
    }
    if dirty.is_empty() {
        return Ok(Rebuilt::Nothing);
    }
    tracing::debug!(
        repo_id,
        event = dirty.event.len(),
        first_event = dirty.event.first(),
        created = dirty.created.len(),
        closed = dirty.closed.len(),
        first_closed = dirty.closed.first(),
        people = dirty.people.len(),
        added = dirty.added.len(),
        "rollups: rebuilding dirty weeks and people"
    );
    let mut laps = super::laps::Laps::start();
    // Flow counts change with openings, merges and releases (event) and with closings.
    let flow = Weeks::Some(dirty.event.union(&dirty.closed).copied().collect());
    let events = Weeks::Some(dirty.event.clone());
    delete_weeks(&mut *tx, "repo_weeks", repo_id, &flow).await?;
    delete_weeks(&mut *tx, "person_weeks", repo_id, &events).await?;
    rebuild_weeks(&mut *tx, REPO_WEEKS, repo_id, &flow).await?;
    rebuild_weeks(&mut *tx, PERSON_WEEKS, repo_id, &events).await?;
    rebuild_weeks(&mut *tx, WEEK_CONTRIBUTIONS, repo_id, &flow).await?;
    laps.lap("weeks");
    let changed =
        people::update_people(&mut *tx, repo_id, maintainers, &dirty.people, &dirty.added, &dirty.event).await?;
    laps.lap("people");
    // A person whose first contribution or maintainer status changed shows differently in every
    // item they opened and every week they contributed in.
    let mut items = dirty.created.clone();
    let mut people = dirty.event.clone();
    if !changed.is_empty() {
        let ids = json(&changed);
        items.extend(
            crate::db::sql::query_scalar::<i64>(ITEM_WEEKS_OF_PEOPLE)
                .bind(repo_id)
                .bind(&ids)
                .fetch_all(&mut *tx)
                .await?,
        );
        people.extend(
            crate::db::sql::query_scalar::<i64>(
                "SELECT DISTINCT week FROM person_weeks WHERE repo_id = ?1 AND account_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?2))",
            )
            .bind(repo_id)
            .bind(&ids)
            .fetch_all(&mut *tx)
            .await?,
        );
    }
    laps.lap("changed people");
    let weeks = super::slices::SliceWeeks { items, prs: dirty.created, closed: dirty.closed, people };
    super::slices::rebuild_weeks(&mut *tx, repo_id, &weeks).await?;
    crate::db::sql::query("DELETE FROM rollup_dirty WHERE repo_id = ?").bind(repo_id).execute(&mut *tx).await?;
    laps.lap("slices");
    tracing::debug!(repo_id, laps = %laps, "rollups: milliseconds by part");
    Ok(Rebuilt::Dirty)
}

/// Whether the repository has rows written since its last rollup.
pub async fn has_dirty<'e>(ex: impl AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<bool> {
    crate::db::sql::query_scalar::<crate::db::Flag>("SELECT EXISTS (SELECT 1 FROM rollup_dirty WHERE repo_id = ?)")
        .bind(repo_id)
        .fetch_one(ex)
        .await
        .map(bool::from)
}

async fn delete_weeks(tx: &mut sqlx::AnyConnection, table: &str, repo_id: i64, weeks: &Weeks) -> sqlx::Result<()> {
    let (_, list) = weeks.bounds();
    let sql =
        format!("DELETE FROM {table} WHERE repo_id = ?1 AND week IN (SELECT CAST(value AS BIGINT) FROM json_each(?2))");
    crate::db::sql::query(sqlx::AssertSqlSafe(sql)).bind(repo_id).bind(list).execute(&mut *tx).await?;
    Ok(())
}

async fn rebuild_weeks(
    tx: &mut sqlx::AnyConnection,
    sql: &'static str,
    repo_id: i64,
    weeks: &Weeks,
) -> sqlx::Result<()> {
    for run in weeks.runs() {
        crate::db::sql::query(sql).bind(repo_id).bind(run.from).bind(run.weeks).bind(run.to).execute(&mut *tx).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
