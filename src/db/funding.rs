//! Funding data: funding links, funding.json manifests and FUNDING.yml files (with their issues)
//! per repository (current state), the GitHub Sponsors and Open Collective snapshot series with
//! Open Collective's transactions, and each sponsorable login's sponsorship history (current
//! state: replaced on every fetch).
//!
//! Snapshot series hold change points: [`record_sponsors_snapshot`] and
//! [`record_open_collective_snapshot`] write a new row only when a figure changed since the latest
//! one, otherwise they move that row's `last_seen_at`. What the figures mean, and the money types
//! they turn into, live in [`crate::funding`]; fetching them is `github::sync::funding` (and
//! `github::sync::funding_yml`).

mod open_collective;

use sqlx::{AnyConnection, AnyExecutor, FromRow};

pub use open_collective::*;

/// One entry of a repository's `fundingLinks`; `platform` is GitHub's code (`GITHUB`, `CUSTOM`, …).
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct FundingLinkRow {
    pub repo_id: i64,
    pub seq: i64,
    pub platform: String,
    pub url: String,
}

/// Replaces a repository's funding links.
pub async fn replace_funding_links(tx: &mut AnyConnection, repo_id: i64, rows: &[FundingLinkRow]) -> sqlx::Result<()> {
    crate::db::sql::query("DELETE FROM funding_links WHERE repo_id = ?").bind(repo_id).execute(&mut *tx).await?;
    for r in rows {
        crate::db::sql::query("INSERT INTO funding_links (repo_id, seq, platform, url) VALUES (?,?,?,?)")
            .bind(r.repo_id)
            .bind(r.seq)
            .bind(&r.platform)
            .bind(&r.url)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

pub async fn list_funding_links<'e>(ex: impl AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<Vec<FundingLinkRow>> {
    crate::db::sql::query_as("SELECT * FROM funding_links WHERE repo_id = ? ORDER BY seq")
        .bind(repo_id)
        .fetch_all(ex)
        .await
}

/// One point of a sponsorable account's GitHub Sponsors series. Amounts are USD cents (GitHub
/// Sponsors' currency); `recurring_monthly_cents` is only meaningful when `amounts_visible`.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct SponsorsSnapshotRow {
    pub login: String,
    pub fetched_at: i64,
    pub last_seen_at: i64,
    pub source: String,
    #[sqlx(try_from = "crate::db::Flag")]
    pub has_listing: bool,
    pub listing_name: Option<String>,
    pub goal_kind: Option<String>,
    pub goal_target: Option<i64>,
    pub goal_percent: Option<i64>,
    pub goal_title: Option<String>,
    /// JSON array of `{"name", "monthly_cents", "one_time"}`.
    pub tiers: String,
    pub sponsor_count: i64,
    /// JSON array of the sponsors' logins the token can see.
    pub sponsor_logins: String,
    pub active_sponsorships: i64,
    pub recurring_monthly_cents: i64,
    pub currency: String,
    #[sqlx(try_from = "crate::db::Flag")]
    pub amounts_visible: bool,
}

impl SponsorsSnapshotRow {
    /// Whether `other` carries the same figures (times aside).
    fn same_figures(&self, other: &Self) -> bool {
        let times = |r: &Self| Self { fetched_at: 0, last_seen_at: 0, ..r.clone() };
        times(self) == times(other)
    }
}

/// Records a fetch: a new point if any figure changed since the login's latest one (returns
/// `true`), else moves the latest point's `last_seen_at`.
pub async fn record_sponsors_snapshot(tx: &mut AnyConnection, row: &SponsorsSnapshotRow) -> sqlx::Result<bool> {
    let latest: Option<SponsorsSnapshotRow> =
        crate::db::sql::query_as("SELECT * FROM sponsors_snapshots WHERE login = ? ORDER BY fetched_at DESC LIMIT 1")
            .bind(&row.login)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(latest) = latest.filter(|l| l.same_figures(row) || l.fetched_at >= row.fetched_at) {
        crate::db::sql::query("UPDATE sponsors_snapshots SET last_seen_at = ? WHERE login = ? AND fetched_at = ?")
            .bind(row.last_seen_at.max(latest.last_seen_at))
            .bind(&latest.login)
            .bind(latest.fetched_at)
            .execute(&mut *tx)
            .await?;
        return Ok(false);
    }
    let inserted = crate::db::sql::query(
        "INSERT INTO sponsors_snapshots (login, fetched_at, last_seen_at, source, has_listing, listing_name,
             goal_kind, goal_target, goal_percent, goal_title, tiers, sponsor_count, sponsor_logins,
             active_sponsorships, recurring_monthly_cents, currency, amounts_visible)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
         ON CONFLICT (login, fetched_at) DO NOTHING",
    )
    .bind(&row.login)
    .bind(row.fetched_at)
    .bind(row.last_seen_at)
    .bind(&row.source)
    .bind(i64::from(row.has_listing))
    .bind(&row.listing_name)
    .bind(&row.goal_kind)
    .bind(row.goal_target)
    .bind(row.goal_percent)
    .bind(&row.goal_title)
    .bind(&row.tiers)
    .bind(row.sponsor_count)
    .bind(&row.sponsor_logins)
    .bind(row.active_sponsorships)
    .bind(row.recurring_monthly_cents)
    .bind(&row.currency)
    .bind(i64::from(row.amounts_visible))
    .execute(&mut *tx)
    .await?;
    // Another collector (on PostgreSQL, several sync at once and share maintainers) may have
    // recorded this login in the same second: its point stands, and this fetch adds nothing.
    Ok(inserted.rows_affected() > 0)
}

/// A login's Sponsors series, oldest first.
pub async fn list_sponsors_snapshots<'e>(
    ex: impl AnyExecutor<'e>,
    login: &str,
) -> sqlx::Result<Vec<SponsorsSnapshotRow>> {
    crate::db::sql::query_as("SELECT * FROM sponsors_snapshots WHERE login = ? COLLATE NOCASE ORDER BY fetched_at")
        .bind(login)
        .fetch_all(ex)
        .await
}

/// When the login's latest Sponsors point was last confirmed, if it has one.
pub async fn get_sponsors_last_seen<'e>(ex: impl AnyExecutor<'e>, login: &str) -> sqlx::Result<Option<i64>> {
    crate::db::sql::query_scalar("SELECT MAX(last_seen_at) FROM sponsors_snapshots WHERE login = ? COLLATE NOCASE")
        .bind(login)
        .fetch_one(ex)
        .await
}

/// The repository's human maintainers (`repo_people.is_maintainer`, accounts of kind `User` that
/// are not bots), at most `limit`, most contributions first: whose Sponsors data to fetch.
pub async fn list_sponsorable_maintainers<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<String>> {
    crate::db::sql::query_scalar(
        "SELECT a.login FROM repo_people rp JOIN accounts a ON a.id = rp.account_id
         WHERE rp.repo_id = ? AND rp.is_maintainer = 1 AND a.is_bot = 0 AND a.kind = 'User'
         ORDER BY rp.contributions DESC, a.login LIMIT ?",
    )
    .bind(repo_id)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// A repository's funding.json as fetched.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct ManifestRow {
    pub repo_id: i64,
    /// Where it was read (the contents API path's `html_url`, or the API path).
    pub url: String,
    pub raw: String,
    /// The parsed document re-serialised, unknown fields kept; `None` when it did not parse.
    pub parsed: Option<String>,
    /// No error-level issue.
    #[sqlx(try_from = "crate::db::Flag")]
    pub valid: bool,
}

/// One problem of a stored manifest (see [`crate::funding::ManifestIssue`]).
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct ManifestIssueRow {
    pub repo_id: i64,
    pub seq: i64,
    /// `error` or `warning`.
    pub severity: String,
    pub path: String,
    pub message: String,
    pub line: Option<i64>,
    pub col: Option<i64>,
}

/// Replaces a repository's manifest and its issues.
pub async fn replace_manifest(
    tx: &mut AnyConnection,
    row: &ManifestRow,
    issues: &[ManifestIssueRow],
) -> sqlx::Result<()> {
    delete_manifest(tx, row.repo_id).await?;
    crate::db::sql::query("INSERT INTO funding_manifests (repo_id, url, raw, parsed, valid) VALUES (?,?,?,?,?)")
        .bind(row.repo_id)
        .bind(&row.url)
        .bind(&row.raw)
        .bind(&row.parsed)
        .bind(i64::from(row.valid))
        .execute(&mut *tx)
        .await?;
    for i in issues {
        crate::db::sql::query(
            "INSERT INTO funding_manifest_issues (repo_id, seq, severity, path, message, line, col)
             VALUES (?,?,?,?,?,?,?)",
        )
        .bind(i.repo_id)
        .bind(i.seq)
        .bind(&i.severity)
        .bind(&i.path)
        .bind(&i.message)
        .bind(i.line)
        .bind(i.col)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Forgets a repository's manifest (it was removed).
pub async fn delete_manifest(tx: &mut AnyConnection, repo_id: i64) -> sqlx::Result<()> {
    crate::db::sql::query("DELETE FROM funding_manifests WHERE repo_id = ?").bind(repo_id).execute(&mut *tx).await?;
    crate::db::sql::query("DELETE FROM funding_manifest_issues WHERE repo_id = ?")
        .bind(repo_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub async fn get_manifest<'e>(ex: impl AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<Option<ManifestRow>> {
    crate::db::sql::query_as("SELECT * FROM funding_manifests WHERE repo_id = ?").bind(repo_id).fetch_optional(ex).await
}

pub async fn list_manifest_issues<'e>(ex: impl AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<Vec<ManifestIssueRow>> {
    crate::db::sql::query_as("SELECT * FROM funding_manifest_issues WHERE repo_id = ? ORDER BY seq")
        .bind(repo_id)
        .fetch_all(ex)
        .await
}

/// One sponsorship of a sponsorable login's history, as a third party sees it (public ones only).
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct SponsorshipRow {
    pub login: String,
    /// When the sponsorship started (unix seconds).
    pub created_at: i64,
    /// Position in GitHub's answer, newest first; breaks ties of `created_at`.
    pub seq: i64,
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_active: bool,
    #[sqlx(try_from = "crate::db::Flag")]
    pub one_time: bool,
    /// The tier's price in USD cents (a one-time payment's amount); `None` when the token may not
    /// see tiers, which is anyone's but the sponsored account's.
    pub monthly_cents: Option<i64>,
    pub fetched_at: i64,
}

/// Replaces `login`'s sponsorship history (GitHub gives no stable id to upsert by).
///
/// Another collector replacing the same login's history at once (on PostgreSQL) may have written
/// the same rows first: those are kept, not a key conflict.
pub async fn replace_sponsorships(tx: &mut AnyConnection, login: &str, rows: &[SponsorshipRow]) -> sqlx::Result<()> {
    crate::db::sql::query("DELETE FROM sponsorships WHERE login = ?").bind(login).execute(&mut *tx).await?;
    for r in rows {
        crate::db::sql::query(
            "INSERT INTO sponsorships (login, created_at, seq, is_active, one_time, monthly_cents, fetched_at)
             VALUES (?,?,?,?,?,?,?)
             ON CONFLICT (login, created_at, seq) DO NOTHING",
        )
        .bind(&r.login)
        .bind(r.created_at)
        .bind(r.seq)
        .bind(i64::from(r.is_active))
        .bind(i64::from(r.one_time))
        .bind(r.monthly_cents)
        .bind(r.fetched_at)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// A login's sponsorship history as last fetched, oldest first.
pub async fn list_sponsorships<'e>(ex: impl AnyExecutor<'e>, login: &str) -> sqlx::Result<Vec<SponsorshipRow>> {
    crate::db::sql::query_as("SELECT * FROM sponsorships WHERE login = ? COLLATE NOCASE ORDER BY created_at, seq DESC")
        .bind(login)
        .fetch_all(ex)
        .await
}

/// A repository's `.github/FUNDING.yml` as fetched.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct FundingYmlRow {
    pub repo_id: i64,
    /// Where it was read (the contents API's `html_url`, or the API path).
    pub path: String,
    pub raw: String,
    /// No error-level issue.
    #[sqlx(try_from = "crate::db::Flag")]
    pub valid: bool,
}

/// One problem of a stored FUNDING.yml (see [`crate::funding::FundingYmlIssue`]).
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct FundingYmlIssueRow {
    pub repo_id: i64,
    pub seq: i64,
    /// `error` or `warning`.
    pub severity: String,
    /// The top-level key it concerns; empty for the whole file.
    pub key: String,
    pub message: String,
    pub line: Option<i64>,
    pub col: Option<i64>,
}

/// Replaces a repository's FUNDING.yml and its issues.
pub async fn replace_funding_yml(
    tx: &mut AnyConnection,
    row: &FundingYmlRow,
    issues: &[FundingYmlIssueRow],
) -> sqlx::Result<()> {
    delete_funding_yml(tx, row.repo_id).await?;
    crate::db::sql::query("INSERT INTO funding_yml_files (repo_id, path, raw, valid) VALUES (?,?,?,?)")
        .bind(row.repo_id)
        .bind(&row.path)
        .bind(&row.raw)
        .bind(i64::from(row.valid))
        .execute(&mut *tx)
        .await?;
    for i in issues {
        crate::db::sql::query(
            "INSERT INTO funding_yml_issues (repo_id, seq, severity, key, message, line, col) VALUES (?,?,?,?,?,?,?)",
        )
        .bind(i.repo_id)
        .bind(i.seq)
        .bind(&i.severity)
        .bind(&i.key)
        .bind(&i.message)
        .bind(i.line)
        .bind(i.col)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Forgets a repository's FUNDING.yml (it was removed).
pub async fn delete_funding_yml(tx: &mut AnyConnection, repo_id: i64) -> sqlx::Result<()> {
    crate::db::sql::query("DELETE FROM funding_yml_files WHERE repo_id = ?").bind(repo_id).execute(&mut *tx).await?;
    crate::db::sql::query("DELETE FROM funding_yml_issues WHERE repo_id = ?").bind(repo_id).execute(&mut *tx).await?;
    Ok(())
}

pub async fn get_funding_yml<'e>(ex: impl AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<Option<FundingYmlRow>> {
    crate::db::sql::query_as("SELECT * FROM funding_yml_files WHERE repo_id = ?").bind(repo_id).fetch_optional(ex).await
}

pub async fn list_funding_yml_issues<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
) -> sqlx::Result<Vec<FundingYmlIssueRow>> {
    crate::db::sql::query_as("SELECT * FROM funding_yml_issues WHERE repo_id = ? ORDER BY seq")
        .bind(repo_id)
        .fetch_all(ex)
        .await
}
