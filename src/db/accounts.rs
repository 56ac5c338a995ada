//! Accounts (users, bots, organizations) and their bot flag.

use sqlx::{AnyExecutor, FromRow};

/// A row of `accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub login: String,
    /// `User`, `Bot`, `Organization` or `Mannequin`.
    pub kind: String,
    pub name: Option<String>,
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_bot: bool,
}

/// Inserts or refreshes an account. A missing display name never erases a known one.
pub async fn upsert_account<'e>(ex: impl AnyExecutor<'e>, a: &AccountRow) -> sqlx::Result<()> {
    upsert_accounts(ex, std::slice::from_ref(a)).await
}

/// [`upsert_account`] for many, in one statement; a row that would change nothing is not written.
/// Rows are written in id order, so two writers lock shared accounts in the same order.
/// An account listed twice ends as if written one entry at a time (PostgreSQL refuses to update
/// one row twice in a statement, so the entries are merged here first).
pub async fn upsert_accounts<'e>(ex: impl AnyExecutor<'e>, rows: &[AccountRow]) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut merged: Vec<AccountRow> = Vec::with_capacity(rows.len());
    let mut at: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for a in rows {
        match at.get(&a.id) {
            Some(&i) => {
                let name = a.name.clone().or_else(|| merged[i].name.take());
                merged[i] = AccountRow { name, ..a.clone() };
            }
            None => {
                at.insert(a.id, merged.len());
                merged.push(a.clone());
            }
        }
    }
    let tuples: Vec<_> = merged.iter().map(|a| (a.id, &a.login, &a.kind, &a.name, i64::from(a.is_bot))).collect();
    crate::db::sql::query(
        "INSERT INTO accounts (id, login, kind, name, is_bot)
         SELECT CAST(value->>0 AS BIGINT), value->>1, value->>2, value->>3, CAST(value->>4 AS BIGINT)
         FROM json_each(?) WHERE true ORDER BY CAST(value->>0 AS BIGINT)
         ON CONFLICT (id) DO UPDATE SET login = excluded.login, kind = excluded.kind,
             name = COALESCE(excluded.name, accounts.name), is_bot = excluded.is_bot
         WHERE accounts.login IS DISTINCT FROM excluded.login OR accounts.kind IS DISTINCT FROM excluded.kind
            OR accounts.is_bot IS DISTINCT FROM excluded.is_bot
            OR (excluded.name IS NOT NULL AND accounts.name IS DISTINCT FROM excluded.name)",
    )
    .bind(super::activity::rows_json(&tuples)?)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn list_accounts<'e>(ex: impl AnyExecutor<'e>) -> sqlx::Result<Vec<AccountRow>> {
    crate::db::sql::query_as("SELECT * FROM accounts ORDER BY id").fetch_all(ex).await
}

pub async fn set_bot_flag<'e>(ex: impl AnyExecutor<'e>, id: i64, is_bot: bool) -> sqlx::Result<()> {
    crate::db::sql::query("UPDATE accounts SET is_bot = ? WHERE id = ?")
        .bind(i64::from(is_bot))
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}
