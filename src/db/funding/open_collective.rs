//! Open Collective's side of the funding data: each account's snapshot series (change points,
//! as [`super::record_sponsors_snapshot`] keeps GitHub Sponsors') and its transactions.

use sqlx::{AnyConnection, AnyExecutor, FromRow};

/// One point of an Open Collective account's series; each amount in cents with its currency.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct OpenCollectiveSnapshotRow {
    pub slug: String,
    pub fetched_at: i64,
    pub last_seen_at: i64,
    pub source: String,
    pub name: Option<String>,
    pub currency: String,
    pub balance_cents: i64,
    pub balance_currency: String,
    pub yearly_budget_cents: i64,
    pub yearly_budget_currency: String,
    pub total_received_cents: i64,
    pub total_received_currency: String,
    pub transactions_total: i64,
}

/// As [`record_sponsors_snapshot`], for an Open Collective account.
pub async fn record_open_collective_snapshot(
    tx: &mut AnyConnection,
    row: &OpenCollectiveSnapshotRow,
) -> sqlx::Result<bool> {
    let latest: Option<OpenCollectiveSnapshotRow> = crate::db::sql::query_as(
        "SELECT * FROM open_collective_snapshots WHERE slug = ? ORDER BY fetched_at DESC LIMIT 1",
    )
    .bind(&row.slug)
    .fetch_optional(&mut *tx)
    .await?;
    let times =
        |r: &OpenCollectiveSnapshotRow| OpenCollectiveSnapshotRow { fetched_at: 0, last_seen_at: 0, ..r.clone() };
    if let Some(latest) = latest.filter(|l| times(l) == times(row) || l.fetched_at >= row.fetched_at) {
        crate::db::sql::query(
            "UPDATE open_collective_snapshots SET last_seen_at = ? WHERE slug = ? AND fetched_at = ?",
        )
        .bind(row.last_seen_at.max(latest.last_seen_at))
        .bind(&latest.slug)
        .bind(latest.fetched_at)
        .execute(&mut *tx)
        .await?;
        return Ok(false);
    }
    crate::db::sql::query(
        "INSERT INTO open_collective_snapshots (slug, fetched_at, last_seen_at, source, name, currency,
             balance_cents, balance_currency, yearly_budget_cents, yearly_budget_currency,
             total_received_cents, total_received_currency, transactions_total)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
    )
    .bind(&row.slug)
    .bind(row.fetched_at)
    .bind(row.last_seen_at)
    .bind(&row.source)
    .bind(&row.name)
    .bind(&row.currency)
    .bind(row.balance_cents)
    .bind(&row.balance_currency)
    .bind(row.yearly_budget_cents)
    .bind(&row.yearly_budget_currency)
    .bind(row.total_received_cents)
    .bind(&row.total_received_currency)
    .bind(row.transactions_total)
    .execute(&mut *tx)
    .await?;
    Ok(true)
}

/// A collective's series, oldest first.
pub async fn list_open_collective_snapshots<'e>(
    ex: impl AnyExecutor<'e>,
    slug: &str,
) -> sqlx::Result<Vec<OpenCollectiveSnapshotRow>> {
    crate::db::sql::query_as("SELECT * FROM open_collective_snapshots WHERE slug = ? ORDER BY fetched_at")
        .bind(slug)
        .fetch_all(ex)
        .await
}

/// One credit transaction (money received by the collective).
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct OpenCollectiveTransactionRow {
    pub slug: String,
    /// A hash of (slug, created_at, amount, currency, from_slug): the query gives no stable id.
    pub id: String,
    pub created_at: i64,
    pub amount_cents: i64,
    pub currency: String,
    pub from_slug: Option<String>,
    pub from_name: Option<String>,
    pub fetched_at: i64,
}

pub async fn upsert_open_collective_transaction<'e>(
    ex: impl AnyExecutor<'e>,
    t: &OpenCollectiveTransactionRow,
) -> sqlx::Result<()> {
    crate::db::sql::query(
        "INSERT INTO open_collective_transactions (slug, id, created_at, amount_cents, currency, from_slug,
             from_name, fetched_at)
         VALUES (?,?,?,?,?,?,?,?)
         ON CONFLICT (slug, id) DO UPDATE SET from_name = excluded.from_name, fetched_at = excluded.fetched_at",
    )
    .bind(&t.slug)
    .bind(&t.id)
    .bind(t.created_at)
    .bind(t.amount_cents)
    .bind(&t.currency)
    .bind(&t.from_slug)
    .bind(&t.from_name)
    .bind(t.fetched_at)
    .execute(ex)
    .await?;
    Ok(())
}

/// A collective's transactions, newest first.
pub async fn list_open_collective_transactions<'e>(
    ex: impl AnyExecutor<'e>,
    slug: &str,
) -> sqlx::Result<Vec<OpenCollectiveTransactionRow>> {
    crate::db::sql::query_as("SELECT * FROM open_collective_transactions WHERE slug = ? ORDER BY created_at DESC, id")
        .bind(slug)
        .fetch_all(ex)
        .await
}

/// One expense paid from a collective (Open Collective GraphQL v2 `expenses`, status `PAID`).
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct OpenCollectiveExpenseRow {
    pub slug: String,
    /// Open Collective's expense id.
    pub id: String,
    /// When the expense was submitted (`createdAt`): the v2 API gives no payment date.
    pub paid_at: i64,
    pub amount_cents: i64,
    pub currency: String,
    pub description: String,
    pub fetched_at: i64,
}

pub async fn upsert_open_collective_expense<'e>(
    ex: impl AnyExecutor<'e>,
    e: &OpenCollectiveExpenseRow,
) -> sqlx::Result<()> {
    crate::db::sql::query(
        "INSERT INTO open_collective_expenses (slug, id, paid_at, amount_cents, currency, description, fetched_at)
         VALUES (?,?,?,?,?,?,?)
         ON CONFLICT (slug, id) DO UPDATE SET paid_at = excluded.paid_at, amount_cents = excluded.amount_cents,
             currency = excluded.currency, description = excluded.description, fetched_at = excluded.fetched_at",
    )
    .bind(&e.slug)
    .bind(&e.id)
    .bind(e.paid_at)
    .bind(e.amount_cents)
    .bind(&e.currency)
    .bind(&e.description)
    .bind(e.fetched_at)
    .execute(ex)
    .await?;
    Ok(())
}

/// A collective's paid expenses in `[from, to)`, oldest first, at most `limit`.
pub async fn list_open_collective_expenses<'e>(
    ex: impl AnyExecutor<'e>,
    slug: &str,
    from: i64,
    to: i64,
    limit: i64,
) -> sqlx::Result<Vec<OpenCollectiveExpenseRow>> {
    crate::db::sql::query_as(
        "SELECT * FROM open_collective_expenses WHERE slug = ? AND paid_at >= ? AND paid_at < ?
         ORDER BY paid_at, id LIMIT ?",
    )
    .bind(slug)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(ex)
    .await
}
