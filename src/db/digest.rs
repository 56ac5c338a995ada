//! A content digest of every data table, for checking that two syncs stored the same thing
//! (incremental vs. full, faulty vs. fault-free, killed-and-rerun vs. clean).
//!
//! Sync bookkeeping (`sync_*`, `tracked_repos`, `run_lease`, `quarantined_items`) is excluded: it
//! records how data arrived, not what it is. Rollups are included (`issues` carries the derived
//! first-response facts too). `upkeep db digest` prints this as JSON. Rows are read in primary-key order, so the digest is independent of insertion order.

use sha2::{Digest, Sha256};
use sqlx::{AnyExecutor, Column, Row, ValueRef, any::AnyRow};

/// The tables that hold GitHub data, with the order that makes their rows canonical.
pub const DATA_TABLES: &[(&str, &str)] = &[
    ("repositories", "id"),
    ("accounts", "id"),
    ("issues", "id"),
    ("comments", "id"),
    ("reviews", "id"),
    ("review_comments", "id"),
    ("releases", "id"),
    ("commits", "repo_id, sha"),
    ("contributor_weeks", "repo_id, account_id, week"),
    // Rollups and derived facts are data too: an incremental sync must build the same ones.
    // (`week_slices` is not: it is a copy of rows of these tables, in JSON whose element order
    // SQLite does not fix.)
    ("repo_weeks", "repo_id, week"),
    ("person_weeks", "repo_id, week, account_id"),
    ("repo_people", "repo_id, account_id"),
    ("community_profiles", "repo_id"),
    ("issue_timeline", "issue_id, seq"),
    ("newcomer_issues", "issue_id"),
    ("newcomer_claims", "issue_id, seq"),
    // Funding links, manifests and FUNDING.yml files are current state, identical however they
    // arrived. The Sponsors and Open Collective series and the sponsorship histories
    // (`sponsorships`) are left out: their rows carry fetch times and depend on when
    // `[funding] refresh_hours` let a run ask, not only on GitHub's state.
    ("funding_links", "repo_id, seq"),
    ("funding_manifests", "repo_id"),
    ("funding_manifest_issues", "repo_id, seq"),
    ("funding_yml_files", "repo_id"),
    ("funding_yml_issues", "repo_id, seq"),
];

/// One hex digest per data table, plus its row count.
pub async fn table_digests(pool: &sqlx::AnyPool) -> sqlx::Result<Vec<(String, u64, String)>> {
    let mut out = Vec::new();
    for (table, order) in DATA_TABLES {
        let (rows, hex) = digest_table(pool, table, order).await?;
        out.push(((*table).to_owned(), rows, hex));
    }
    Ok(out)
}

async fn digest_table<'e>(ex: impl AnyExecutor<'e>, table: &str, order: &str) -> sqlx::Result<(u64, String)> {
    let sql = format!("SELECT * FROM {table} ORDER BY {order}");
    let rows: Vec<AnyRow> = crate::db::sql::query(sqlx::AssertSqlSafe(sql)).fetch_all(ex).await?;
    let mut hasher = Sha256::new();
    for row in &rows {
        for (i, column) in row.columns().iter().enumerate() {
            hasher.update(column.name().as_bytes());
            hasher.update(b"=");
            hasher.update(cell_text(row, i).as_bytes());
            hasher.update(b"\x1f");
        }
        hasher.update(b"\x1e");
    }
    let hex = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((rows.len() as u64, hex))
}

fn cell_text(row: &AnyRow, i: usize) -> String {
    if row.try_get_raw(i).map(|v| v.is_null()).unwrap_or(true) {
        return "NULL".to_owned();
    }
    if let Ok(v) = row.try_get::<i64, _>(i) {
        return v.to_string();
    }
    if let Ok(v) = row.try_get::<String, _>(i) {
        return v;
    }
    row.try_get::<f64, _>(i).map(|v| v.to_string()).unwrap_or_default()
}
