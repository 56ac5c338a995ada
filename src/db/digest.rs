//! A content digest of every data table, for checking that two syncs stored the same thing
//! (incremental vs. full, faulty vs. fault-free, killed-and-rerun vs. clean).
//!
//! Sync bookkeeping (`sync_*`, `tracked_repos`, `run_lease`, `quarantined_items`) is excluded: it
//! records how data arrived, not what it is. Rollups are included (`issues` carries the derived
//! first-response facts too). `upkeep db digest` prints this as JSON. Rows are read in primary-key order, so the digest is independent of insertion order.
//!
//! [`full_digest`] covers every table instead, bookkeeping included, found in the catalog: what
//! `upkeep db copy` checks a copy against.

use sha2::{Digest, Sha256};
use sqlx::{AnyExecutor, Column, Row, ValueRef, any::AnyRow};

use crate::db::{
    backend,
    catalog::{Cell, Pages, Table},
};

/// The tables that hold GitHub data, with the order that makes their rows canonical.
pub const DATA_TABLES: &[(&str, &str)] = &[
    ("repositories", "id"),
    ("accounts", "id"),
    ("issues", "id"),
    ("comments", "id"),
    ("reviews", "id"),
    ("review_comments", "id"),
    ("releases", "id"),
    ("milestones", "id"),
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
    // A repository's self-declared affiliations file and its committers: current state too.
    ("self_declared_affiliations", "repo_id"),
];

/// Columns of the data tables left out of their digest: a profile's `company` on `accounts` and
/// when it was asked depend on when `[people] profile_refresh_days` and
/// `[people] profile_max_logins` let a run ask, not only on GitHub's state; so does when a
/// self-declared file was read.
const FETCH_DEPENDENT: &[(&str, &str)] =
    &[("accounts", "company"), ("accounts", "company_fetched_at"), ("self_declared_affiliations", "fetched_at")];

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
            if FETCH_DEPENDENT.contains(&(table, column.name())) {
                continue;
            }
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

/// Rows read per statement by [`full_digest`].
const FULL_DIGEST_PAGE: usize = 2_000;

/// One table's digest over all its columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableDigest {
    pub table: String,
    pub rows: u64,
    /// 64 hex digits; all zeros for a table without rows.
    pub sum: String,
}

/// Every table's [`TableDigest`], by name, and one SHA-256 of them all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullDigest {
    pub tables: Vec<TableDigest>,
    pub combined: String,
}

impl FullDigest {
    /// The rows of all tables.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }

    /// The tables whose digests differ between `self` and `other` (or that only one has).
    pub fn differences(&self, other: &FullDigest) -> Vec<String> {
        let mut names: Vec<&String> = self.tables.iter().chain(&other.tables).map(|t| &t.table).collect();
        names.sort();
        names.dedup();
        let find = |d: &FullDigest, name: &str| d.tables.iter().find(|t| t.table == name).cloned();
        names.into_iter().filter(|n| find(self, n) != find(other, n)).cloned().collect()
    }
}

/// The digest of every table in `tables` (from [`crate::db::catalog::tables`]) on `conn`: per
/// table its row count and the sum, modulo 2^256, of one SHA-256 per row over its columns by name
/// (each name with its value, typed and length-prefixed). A sum does not depend on the order rows
/// come in, so it is the same on SQLite and PostgreSQL whatever each orders text by, and the
/// tables are read a page at a time. `read` is told how many rows each page brought.
pub async fn full_digest(
    conn: &mut sqlx::AnyConnection,
    tables: &[Table],
    read: &mut dyn FnMut(u64),
) -> sqlx::Result<FullDigest> {
    let engine = backend::backend_of(conn);
    let mut digests = Vec::with_capacity(tables.len());
    for table in tables {
        let mut by_name: Vec<usize> = (0..table.columns.len()).collect();
        by_name.sort_by(|&a, &b| table.columns[a].name.cmp(&table.columns[b].name));
        let mut pages = Pages::new(table, engine, FULL_DIGEST_PAGE).map_err(sqlx::Error::Protocol)?;
        let (mut rows, mut sum) = (0u64, [0u8; 32]);
        loop {
            let page = pages.next_page(&mut *conn).await?;
            if page.is_empty() {
                break;
            }
            read(page.len() as u64);
            for row in &page {
                let mut hasher = Sha256::new();
                for &i in &by_name {
                    hash_part(&mut hasher, table.columns[i].name.as_bytes());
                    hash_cell(&mut hasher, &row[i]);
                }
                add_into(&mut sum, &hasher.finalize().into());
                rows += 1;
            }
        }
        digests.push(TableDigest { table: table.name.clone(), rows, sum: hex(&sum) });
    }
    digests.sort_by(|a, b| a.table.cmp(&b.table));
    let mut all = Sha256::new();
    for d in &digests {
        all.update(format!("{} {} {}\n", d.table, d.rows, d.sum).as_bytes());
    }
    Ok(FullDigest { tables: digests, combined: hex(&all.finalize().into()) })
}

/// Feeds `bytes` with its length first, so no two sequences of parts hash alike.
fn hash_part(hasher: &mut Sha256, bytes: &[u8]) {
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

fn hash_cell(hasher: &mut Sha256, cell: &Cell) {
    match cell {
        Cell::Null => hasher.update(b"n"),
        Cell::Integer(v) => {
            hasher.update(b"i");
            hasher.update(v.to_le_bytes());
        }
        Cell::Real(v) => {
            hasher.update(b"r");
            hasher.update(v.to_bits().to_le_bytes());
        }
        Cell::Text(v) => {
            hasher.update(b"t");
            hash_part(hasher, v.as_bytes());
        }
        Cell::Blob(v) => {
            hasher.update(b"b");
            hash_part(hasher, v);
        }
    }
}

/// `sum += x`, both 256-bit big-endian numbers, modulo 2^256.
fn add_into(sum: &mut [u8; 32], x: &[u8; 32]) {
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let total = u16::from(sum[i]) + u16::from(x[i]) + carry;
        sum[i] = (total & 0xff) as u8;
        carry = total >> 8;
    }
}

fn hex(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
