//! The `open_collective` step: the repository's collective (configured, else its
//! `OPEN_COLLECTIVE` funding link), a snapshot of its figures, its newest transactions and its
//! newest 100 paid expenses (spent from the grants covering the project) from
//! Open Collective's GraphQL v2, asked through a foreign client (`foreign.rs`) at most once per
//! `[funding] refresh_hours`. Part of the funding steps (`funding.rs`).

use sha2::{Digest, Sha256};

use super::collector::{Collector, StepStatus, SyncError, now};
use super::context::RepoHandle;
use super::foreign::foreign_client;
use super::repo_file::fresh;
use crate::db::{funding as store, sync_state};
use crate::funding::{self, Currency, Money, Platform};
use crate::github::{GhError, graphql};

/// The repository's collective: `[funding] open_collective`, else its `OPEN_COLLECTIVE` link.
pub(super) async fn collective_slug(c: &Collector, scope: &str, repo: &RepoHandle) -> sqlx::Result<Option<String>> {
    if let Some(slug) = c.config.funding.open_collective_slug(scope, &repo.api_name) {
        return Ok(Some(slug.to_owned()));
    }
    let links = store::list_funding_links(&c.db.pool, repo.repo_id).await?;
    Ok(links
        .iter()
        .filter(|l| Platform::parse(&l.platform) == Platform::OpenCollective)
        .find_map(|l| funding::open_collective_slug(&l.url)))
}

/// `UpkeepOpenCollective`: a snapshot of the collective's figures and its newest transactions.
pub(super) async fn open_collective(
    c: &Collector,
    scope: &str,
    slug: Option<String>,
) -> Result<(StepStatus, u64), SyncError> {
    let Some(slug) = slug else { return Ok((StepStatus::Skipped, 0)) };
    if fresh(c, scope, "open_collective").await? {
        return Ok((StepStatus::Skipped, 0));
    }
    let client = foreign_client(c, &c.config.funding.open_collective_url)?;
    let variables = serde_json::json!({ "slug": slug });
    let data: graphql::OpenCollectiveData = match client.graphql(graphql::OPEN_COLLECTIVE_QUERY, variables).await {
        // Open Collective's 401 (or an outage there) is not GitHub's: it must not stop the run.
        Err(GhError::Unauthorized { .. }) => return Err(GhError::Graphql("Open Collective answered 401".into()).into()),
        Err(e @ (GhError::Unreachable { .. } | GhError::QuotaExhausted { .. })) => {
            return Err(GhError::Foreign {
                url: c.config.funding.open_collective_url.to_string(),
                problem: e.to_string(),
            }
            .into());
        }
        other => other?,
    };
    let Some(account) = data.account else {
        let said = client.take_problems();
        let said = if said.is_empty() { String::new() } else { format!(" ({})", said.join("; ")) };
        return Err(GhError::Graphql(format!("no Open Collective account {slug:?}{said}")).into());
    };
    let t = now();
    let (snapshot, transactions) = collective_rows(&slug, &account, t).map_err(GhError::Graphql)?;
    let mut tx = c.db.begin_write().await?;
    let mut written = u64::from(store::record_open_collective_snapshot(&mut tx, &snapshot).await?);
    for row in &transactions {
        store::upsert_open_collective_transaction(&mut *tx, row).await?;
        written += 1;
    }
    for row in &expense_rows(&slug, &account.currency, data.expenses.as_ref(), t).map_err(GhError::Graphql)? {
        store::upsert_open_collective_expense(&mut *tx, row).await?;
        written += 1;
    }
    sync_state::save_sync_state(&mut *tx, scope, "open_collective", None, None, t).await?;
    tx.commit().await?;
    Ok((StepStatus::Ok, written))
}

/// An amount in cents with its currency (the account's when Open Collective leaves it out).
fn money(amount: &graphql::OpenCollectiveAmount, fallback: &str) -> Result<Money, String> {
    let code = amount.currency.as_deref().unwrap_or(fallback);
    let currency = Currency::new(code).map_err(|e| format!("Open Collective currency {code:?}: {e}"))?;
    Ok(Money::new(amount.value_in_cents.unwrap_or(0.0).round() as i64, currency))
}

/// The paid expenses as rows, each in its own currency (the collective's when left out).
fn expense_rows(
    slug: &str,
    fallback: &str,
    expenses: Option<&graphql::OpenCollectiveExpenses>,
    at: i64,
) -> Result<Vec<store::OpenCollectiveExpenseRow>, String> {
    let nodes = expenses.map_or(&[][..], |e| &e.nodes[..]);
    nodes
        .iter()
        .map(|e| {
            let code = e.currency.as_deref().unwrap_or(fallback);
            let currency = Currency::new(code).map_err(|err| format!("Open Collective currency {code:?}: {err}"))?;
            Ok(store::OpenCollectiveExpenseRow {
                slug: slug.to_owned(),
                id: e.id.clone(),
                paid_at: e.created_at.timestamp(),
                amount_cents: e.amount,
                currency: currency.to_string(),
                description: e.description.clone().unwrap_or_default(),
                fetched_at: at,
            })
        })
        .collect()
}

type CollectiveRows = (store::OpenCollectiveSnapshotRow, Vec<store::OpenCollectiveTransactionRow>);

fn collective_rows(slug: &str, a: &graphql::OpenCollectiveAccount, at: i64) -> Result<CollectiveRows, String> {
    let stats = &a.stats;
    let (balance, budget) = (money(&stats.balance, &a.currency)?, money(&stats.yearly_budget, &a.currency)?);
    let received = money(&stats.total_amount_received, &a.currency)?;
    let snapshot = store::OpenCollectiveSnapshotRow {
        slug: slug.to_owned(),
        fetched_at: at,
        last_seen_at: at,
        source: "open_collective".to_owned(),
        name: a.name.clone(),
        currency: a.currency.clone(),
        balance_cents: balance.cents,
        balance_currency: balance.currency.to_string(),
        yearly_budget_cents: budget.cents,
        yearly_budget_currency: budget.currency.to_string(),
        total_received_cents: received.cents,
        total_received_currency: received.currency.to_string(),
        transactions_total: a.transactions.total_count,
    };
    let mut rows = Vec::new();
    for t in &a.transactions.nodes {
        let amount = money(&t.amount, &a.currency)?;
        let from = t.from_account.as_ref();
        let from_slug = from.and_then(|f| f.slug.clone());
        let key = format!(
            "{slug}|{}|{}|{}|{}",
            t.created_at.to_rfc3339(),
            amount.cents,
            amount.currency,
            from_slug.as_deref().unwrap_or("")
        );
        let id: String = Sha256::digest(key.as_bytes()).iter().take(16).map(|b| format!("{b:02x}")).collect();
        rows.push(store::OpenCollectiveTransactionRow {
            slug: slug.to_owned(),
            id,
            created_at: t.created_at.timestamp(),
            amount_cents: amount.cents,
            currency: amount.currency.to_string(),
            from_slug,
            from_name: from.and_then(|f| f.name.clone()),
            fetched_at: at,
        });
    }
    Ok((snapshot, rows))
}
