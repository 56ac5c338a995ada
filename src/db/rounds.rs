//! Several collectors, one database: rounds and per-repository claims
//! (`migrations/…19_repo_leases.sql`).
//!
//! - A **round** is one pass over the tracked repositories. [`begin_run`] opens a run inside the
//!   open round when a live run works on it, and otherwise closes that round (its collectors died)
//!   and opens a new one; [`end_run`] closes the round when no other run of it still runs. Both
//!   hold the round lock (`backend::exclusive`), so collectors starting or ending together agree.
//! - A **claim** gives one repository to one run: [`claim`] takes the first of the caller's
//!   repositories that is not done in the round and not held by a live run, with
//!   `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (a row another collector is claiming at that
//!   moment is passed over, not waited for). [`heartbeat`] renews a run's claims; [`release`] ends
//!   a claim, marking the repository done in the round or handing it back.
//! - A claim or run whose heartbeat is older than the caller's `stale_secs` belongs to a dead
//!   process; so does one on the caller's own host whose process is gone ([`reap`], with the
//!   caller's check). Either is taken over, and the sync resumes from the stored watermarks.

use sqlx::{AnyPool, FromRow};

use super::{backend, lease::LeaseRow, order, runs};

/// The key of the round lock (`backend::exclusive`).
const ROUND_LOCK: i64 = 0x7570_6b65_6572; // "upkeer"

/// A repository's claim as [`claim`] and [`unfinished`] see it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Claim {
    pub repo: String,
    pub holder: Option<String>,
    pub pid: Option<i64>,
    pub host: Option<String>,
    pub heartbeat_at: Option<i64>,
}

/// Opens a run held by `me`: inside the open round when `in_round` and a run whose heartbeat is
/// newer than `stale_secs` works on it, else in a new round (closing the abandoned one). A run
/// outside rounds (`in_round` false: one repository asked for by name) gets `None`.
pub async fn begin_run(
    pool: &AnyPool,
    me: &LeaseRow,
    trigger: &str,
    now: i64,
    stale_secs: i64,
    in_round: bool,
) -> sqlx::Result<(i64, Option<i64>)> {
    let mut tx = backend::begin_write(pool).await?;
    backend::exclusive(&mut tx, ROUND_LOCK).await?;
    let mut round = None;
    if in_round {
        let open: Option<(i64, crate::db::Flag)> = crate::db::sql::query_as(
            "SELECT r.id, EXISTS (SELECT 1 FROM sync_runs s WHERE s.round_id = r.id AND s.status = 'running'
                                  AND s.heartbeat_at >= ?)
             FROM sync_rounds r WHERE r.finished_at IS NULL ORDER BY r.id DESC LIMIT 1",
        )
        .bind(now - stale_secs)
        .fetch_optional(&mut *tx)
        .await?;
        round = match open {
            Some((id, live)) if bool::from(live) => Some(id),
            _ => {
                crate::db::sql::query("UPDATE sync_rounds SET finished_at = ? WHERE finished_at IS NULL")
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                Some(
                    crate::db::sql::query_scalar("INSERT INTO sync_rounds (started_at) VALUES (?) RETURNING id")
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?,
                )
            }
        };
    }
    let run = runs::start_run_as(&mut *tx, trigger, now, Some((me, round))).await?;
    tx.commit().await?;
    Ok((run, round))
}

/// Closes `round` once no run of it but `run` (ending now) still runs. Called after the run's
/// totals are written; under the round lock, so of two runs ending together the second closes it.
pub async fn end_run(pool: &AnyPool, round: i64, run: i64, now: i64) -> sqlx::Result<bool> {
    let mut tx = backend::begin_write(pool).await?;
    backend::exclusive(&mut tx, ROUND_LOCK).await?;
    let closed = crate::db::sql::query(
        "UPDATE sync_rounds SET finished_at = ? WHERE id = ? AND finished_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM sync_runs WHERE round_id = ? AND status = 'running' AND id <> ?)",
    )
    .bind(now)
    .bind(round)
    .bind(round)
    .bind(run)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(closed == 1)
}

/// Gives every repository of `repos` (`owner/name`) a claim row, free, if it has none.
pub async fn prepare(pool: &AnyPool, repos: &[String]) -> sqlx::Result<()> {
    let list = serde_json::to_string(repos).expect("names serialise");
    crate::db::sql::query(
        "INSERT INTO repo_leases (repo) SELECT DISTINCT value FROM json_each(?) WHERE value IS NOT NULL
         ON CONFLICT (repo) DO NOTHING",
    )
    .bind(list)
    .execute(pool)
    .await?;
    Ok(())
}

/// Claims, for `run` of `me`, the first repository of `repos` (in their order) that is neither
/// done in `round` (any state when `round` is `None`) nor held by a run whose heartbeat is newer
/// than `stale_secs`. Returns the claim as it was before (a holder there is a dead one taken over),
/// or `None` when none is free now.
pub async fn claim(
    pool: &AnyPool,
    me: &LeaseRow,
    run: i64,
    round: Option<i64>,
    repos: &[String],
    now: i64,
    stale_secs: i64,
) -> sqlx::Result<Option<Claim>> {
    let list = serde_json::to_string(repos).expect("names serialise");
    let cutoff = now - stale_secs;
    let free: Vec<String> = crate::db::sql::query_scalar(
        "SELECT repo FROM repo_leases WHERE repo IN (SELECT value FROM json_each(?))
             AND (CAST(? AS BIGINT) IS NULL OR done_round IS NULL OR done_round < ?)
             AND (holder IS NULL OR heartbeat_at < ?)",
    )
    .bind(&list)
    .bind(round)
    .bind(round)
    .bind(cutoff)
    .fetch_all(pool)
    .await?;
    let position = |name: &str| repos.iter().position(|r| r.eq_ignore_ascii_case(name)).unwrap_or(usize::MAX);
    let mut free: Vec<(usize, String)> = free.into_iter().map(|f| (position(&f), f)).collect();
    free.sort();
    let lock = match backend::of(pool) {
        backend::Backend::Postgres => {
            "SELECT repo, holder, pid, host, heartbeat_at FROM repo_leases WHERE repo = ?
                 AND (CAST(? AS BIGINT) IS NULL OR done_round IS NULL OR done_round < ?)
                 AND (holder IS NULL OR heartbeat_at < ?)
             FOR UPDATE SKIP LOCKED"
        }
        // One writer at a time (`BEGIN IMMEDIATE`): nothing to skip.
        backend::Backend::Sqlite => {
            "SELECT repo, holder, pid, host, heartbeat_at FROM repo_leases WHERE repo = ?
                 AND (CAST(? AS BIGINT) IS NULL OR done_round IS NULL OR done_round < ?)
                 AND (holder IS NULL OR heartbeat_at < ?)"
        }
    };
    for (_, repo) in free {
        let mut tx = backend::begin_write(pool).await?;
        let Some(before) = crate::db::sql::query_as::<Claim>(lock)
            .bind(&repo)
            .bind(round)
            .bind(round)
            .bind(cutoff)
            .fetch_optional(&mut *tx)
            .await?
        else {
            // Another collector claimed or is claiming it: the next one.
            continue;
        };
        crate::db::sql::query(
            "UPDATE repo_leases SET holder = ?, pid = ?, host = ?, run_id = ?, heartbeat_at = ? WHERE repo = ?",
        )
        .bind(&me.holder)
        .bind(me.pid)
        .bind(&me.host)
        .bind(run)
        .bind(now)
        .bind(&repo)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(Some(before));
    }
    Ok(None)
}

/// Renews the heartbeat of run `run` and of every claim `holder` holds.
pub async fn heartbeat(pool: &AnyPool, holder: &str, run: i64, now: i64) -> sqlx::Result<()> {
    let mut tx = backend::begin_write(pool).await?;
    crate::db::sql::query("UPDATE sync_runs SET heartbeat_at = ? WHERE id = ?")
        .bind(now)
        .bind(run)
        .execute(&mut *tx)
        .await?;
    crate::db::sql::query("UPDATE repo_leases SET heartbeat_at = ? WHERE holder = ?")
        .bind(now)
        .bind(holder)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Ends `holder`'s claim on `repo`: done in `done` (round, run) when its sync ended, or handed back
/// for another run when `done` is `None`. `false` when the claim was no longer `holder`'s
/// (another collector took it over).
pub async fn release(
    pool: &AnyPool,
    holder: &str,
    repo: &str,
    done: Option<(Option<i64>, i64)>,
    now: i64,
) -> sqlx::Result<bool> {
    let (round, run) = done.map_or((None, None), |(round, run)| (round, Some(run)));
    let released = crate::db::sql::query(
        "UPDATE repo_leases SET holder = NULL, pid = NULL, host = NULL, run_id = NULL, heartbeat_at = NULL,
             done_round = CASE WHEN CAST(? AS BIGINT) IS NULL THEN done_round ELSE ? END,
             done_run = CASE WHEN CAST(? AS BIGINT) IS NULL THEN done_run ELSE ? END,
             done_at = CASE WHEN CAST(? AS BIGINT) IS NULL THEN done_at ELSE ? END
         WHERE repo = ? AND holder = ?",
    )
    .bind(round)
    .bind(round)
    .bind(run)
    .bind(run)
    .bind(run)
    .bind(now)
    .bind(repo)
    .bind(holder)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(released == 1)
}

/// Hands back every claim `holder` still holds (a run ending early), not done.
pub async fn release_all(pool: &AnyPool, holder: &str) -> sqlx::Result<u64> {
    Ok(crate::db::sql::query(
        "UPDATE repo_leases SET holder = NULL, pid = NULL, host = NULL, run_id = NULL, heartbeat_at = NULL
         WHERE holder = ?",
    )
    .bind(holder)
    .execute(pool)
    .await?
    .rows_affected())
}

/// The repositories of `repos` not done in `round`, with their holders (none when free), by name
/// ([`super::order`]). With no round, those held by another holder than `me`.
pub async fn unfinished(pool: &AnyPool, round: Option<i64>, me: &str, repos: &[String]) -> sqlx::Result<Vec<Claim>> {
    let list = serde_json::to_string(repos).expect("names serialise");
    let mut claims: Vec<Claim> = crate::db::sql::query_as(
        "SELECT repo, holder, pid, host, heartbeat_at FROM repo_leases WHERE repo IN (SELECT value FROM json_each(?))
             AND CASE WHEN CAST(? AS BIGINT) IS NULL THEN holder IS NOT NULL AND holder <> ?
                      ELSE done_round IS NULL OR done_round < ? END",
    )
    .bind(list)
    .bind(round)
    .bind(me)
    .bind(round)
    .fetch_all(pool)
    .await?;
    order::sort_by_name(&mut claims, |c| &c.repo);
    Ok(claims)
}

/// The repositories of `repos` done in `round` by another run than `run`, by name
/// ([`super::order`]).
pub async fn done_elsewhere(pool: &AnyPool, round: i64, run: i64, repos: &[String]) -> sqlx::Result<Vec<String>> {
    let list = serde_json::to_string(repos).expect("names serialise");
    let mut names: Vec<String> = crate::db::sql::query_scalar(
        "SELECT repo FROM repo_leases WHERE repo IN (SELECT value FROM json_each(?))
             AND done_round = ? AND done_run <> ?",
    )
    .bind(list)
    .bind(round)
    .bind(run)
    .fetch_all(pool)
    .await?;
    order::sort_by_name(&mut names, String::as_str);
    Ok(names)
}

/// Makes the claims held on `host` by processes that `dead` says are gone stale at once, so the
/// next [`claim`] takes them over without waiting for their heartbeat to age. Returns how many.
pub async fn reap(pool: &AnyPool, host: &str, dead: impl Fn(i64) -> bool) -> sqlx::Result<u64> {
    let held: Vec<(String, String, i64)> = crate::db::sql::query_as(
        "SELECT repo, holder, pid FROM repo_leases WHERE holder IS NOT NULL AND host = ? AND pid IS NOT NULL",
    )
    .bind(host)
    .fetch_all(pool)
    .await?;
    let mut reaped = 0;
    for (repo, holder, _) in held.into_iter().filter(|(_, _, pid)| dead(*pid)) {
        reaped += crate::db::sql::query("UPDATE repo_leases SET heartbeat_at = 0 WHERE repo = ? AND holder = ?")
            .bind(repo)
            .bind(holder)
            .execute(pool)
            .await?
            .rows_affected();
    }
    Ok(reaped)
}

/// Forgets the claim row of a repository whose data is purged (a private one): its name is
/// private data too.
pub async fn forget<'e>(ex: impl sqlx::AnyExecutor<'e>, repo: &str) -> sqlx::Result<()> {
    crate::db::sql::query("DELETE FROM repo_leases WHERE repo = ?").bind(repo).execute(ex).await?;
    Ok(())
}

/// A run in progress, for `/status`: who runs it and the repository it holds now, if any.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct LiveRun {
    pub run_id: i64,
    pub pid: Option<i64>,
    pub host: Option<String>,
    pub started_at: i64,
    pub heartbeat_at: Option<i64>,
    pub repo: Option<String>,
}

/// The runs still `running` whose heartbeat is newer than `stale_secs` (or that record none:
/// written by an older version), oldest first, each with the repository it holds (the
/// alphabetically first if several).
pub async fn live_runs(pool: &AnyPool, now: i64, stale_secs: i64) -> sqlx::Result<Vec<LiveRun>> {
    // One row per run and repository it holds; the first name ([`super::order`]) is kept below.
    let rows: Vec<LiveRun> = crate::db::sql::query_as(
        "SELECT s.id AS run_id, s.pid, s.host, s.started_at, s.heartbeat_at, l.repo
         FROM sync_runs s LEFT JOIN repo_leases l ON l.run_id = s.id AND l.holder = s.holder
         WHERE s.status = 'running' AND (s.heartbeat_at IS NULL OR s.heartbeat_at >= ?)
         ORDER BY s.id",
    )
    .bind(now - stale_secs)
    .fetch_all(pool)
    .await?;
    let mut runs: Vec<LiveRun> = Vec::new();
    for row in rows {
        match runs.last_mut() {
            Some(run) if run.run_id == row.run_id => {
                if let Some(repo) = row.repo
                    && run.repo.as_deref().is_none_or(|held| order::by_name(&repo, held).is_lt())
                {
                    run.repo = Some(repo);
                }
            }
            _ => runs.push(row),
        }
    }
    Ok(runs)
}
