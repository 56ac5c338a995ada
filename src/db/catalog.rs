//! Any table of the schema, found in the backend's catalog rather than named in code, and read in
//! primary-key order, a page at a time: what `db copy` and the full-table digest
//! ([`super::digest::full_digest`]) walk. A table a later migration adds is read without a change
//! here.

use sqlx::{Row, TypeInfo, ValueRef, any::AnyRow};

use crate::db::backend::{self, Backend};
use crate::db::backend_bulk::{self, ValueKind};

/// A table: its columns in the catalog's order, its primary key, and the tables it references.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// The primary key's columns, in the key's order.
    pub key: Vec<String>,
    /// Tables this one's foreign keys name (other than itself).
    pub references: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: ValueKind,
}

/// One stored value, as both backends hand it over.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Table {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Every table of the schema on `conn` (sqlx's `_sqlx_migrations` and SQLite's own tables
/// excepted), by name.
pub async fn tables(conn: &mut sqlx::AnyConnection) -> sqlx::Result<Vec<Table>> {
    let engine = backend::backend_of(conn);
    let rows = backend_bulk::catalog_columns(&mut *conn).await?;
    let references = backend_bulk::catalog_references(&mut *conn).await?;
    let mut tables: Vec<Table> = Vec::new();
    let mut keys: Vec<Vec<(i64, String)>> = Vec::new();
    for (table, column, declared, key_position) in rows {
        if tables.last().is_none_or(|t| t.name != table) {
            tables.push(Table { name: table.clone(), columns: Vec::new(), key: Vec::new(), references: Vec::new() });
            keys.push(Vec::new());
        }
        let (last, key) = (tables.last_mut().expect("pushed"), keys.last_mut().expect("pushed"));
        if key_position > 0 {
            key.push((key_position, column.clone()));
        }
        last.columns.push(Column { name: column, kind: backend_bulk::value_kind(engine, &declared) });
    }
    for (table, mut key) in tables.iter_mut().zip(keys) {
        key.sort();
        table.key = key.into_iter().map(|(_, name)| name).collect();
        table.references = references
            .iter()
            .filter(|(from, to)| *from == table.name && *to != table.name)
            .map(|(_, to)| to.clone())
            .collect();
    }
    Ok(tables)
}

/// `tables` in an order that writes every table after the tables it references (by name among
/// equals); tables in a cycle of references come last, by name.
pub fn parents_first(tables: &[Table]) -> Vec<&Table> {
    let mut left: Vec<&Table> = tables.iter().collect();
    left.sort_by(|a, b| a.name.cmp(&b.name));
    let mut ordered: Vec<&Table> = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let ready = left.iter().position(|t| {
            t.references.iter().all(|r| ordered.iter().any(|o| &o.name == r) || !left.iter().any(|l| &l.name == r))
        });
        // A cycle: take the first by name; the rest follow.
        ordered.push(left.remove(ready.unwrap_or(0)));
    }
    ordered
}

/// The number of rows in `table`.
pub async fn count_rows(conn: &mut sqlx::AnyConnection, table: &Table) -> sqlx::Result<u64> {
    let sql = format!("SELECT COUNT(*) FROM {}", backend_bulk::quoted(&table.name));
    let n: i64 = crate::db::sql::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(conn).await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Whether `table` has at least one row.
pub async fn has_rows(conn: &mut sqlx::AnyConnection, table: &Table) -> sqlx::Result<bool> {
    let sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM {} LIMIT 1) AS any_row", backend_bulk::quoted(&table.name));
    let n: i64 = crate::db::sql::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(conn).await?;
    Ok(n > 0)
}

/// Binds `cell` to `query`; a NULL is typed by the column's `kind` (PostgreSQL checks a NULL's
/// type against the column's).
pub fn bind_cell<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    cell: Cell,
    kind: &ValueKind,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    match cell {
        Cell::Integer(v) => query.bind(v),
        Cell::Real(v) => query.bind(v),
        Cell::Text(v) => query.bind(v),
        Cell::Blob(v) => query.bind(v),
        Cell::Null => match kind {
            ValueKind::Integer | ValueKind::Boolean => query.bind(None::<i64>),
            ValueKind::Real => query.bind(None::<f64>),
            ValueKind::Blob => query.bind(None::<Vec<u8>>),
            ValueKind::Text | ValueKind::Other(_) => query.bind(None::<String>),
        },
    }
}

/// The cells of `row`, each by the type of its value (SQLite's values carry their own type).
fn cells(row: &AnyRow) -> sqlx::Result<Vec<Cell>> {
    (0..row.len())
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(Cell::Null);
            }
            let kind = raw.type_info().kind();
            Ok(match kind {
                k if k.is_integer() => Cell::Integer(row.try_get(i)?),
                sqlx::any::AnyTypeInfoKind::Bool => Cell::Integer(i64::from(row.try_get::<bool, _>(i)?)),
                sqlx::any::AnyTypeInfoKind::Real => Cell::Real(f64::from(row.try_get::<f32, _>(i)?)),
                sqlx::any::AnyTypeInfoKind::Double => Cell::Real(row.try_get(i)?),
                sqlx::any::AnyTypeInfoKind::Blob => Cell::Blob(row.try_get(i)?),
                sqlx::any::AnyTypeInfoKind::Text => Cell::Text(row.try_get(i)?),
                _ => {
                    let what = format!("a value of type {} that cannot be copied", raw.type_info().name());
                    return Err(sqlx::Error::Decode(what.into()));
                }
            })
        })
        .collect()
}

/// Reads one table in primary-key order, `page` rows a statement: each page starts after the
/// last key of the one before (`WHERE (key) > (last) ORDER BY key LIMIT page`), so every
/// statement is a short index range, whatever the table's size.
pub struct Pages<'t> {
    table: &'t Table,
    /// The statements' text: the first page, and every page after a key.
    first: String,
    next: String,
    /// Where each key column sits among the selected columns.
    key_at: Vec<usize>,
    after: Option<Vec<Cell>>,
    page: usize,
    done: bool,
}

impl<'t> Pages<'t> {
    /// Pages of `page` rows of `table` on a `backend` database. Fails for a table without a
    /// primary key (there is no order to page in; the schema has none).
    pub fn new(table: &'t Table, backend: Backend, page: usize) -> Result<Pages<'t>, String> {
        let page = page.max(1);
        if table.key.is_empty() {
            return Err(format!("the table {} has no primary key to read it in order", table.name));
        }
        let key_at = table
            .key
            .iter()
            .map(|k| table.columns.iter().position(|c| &c.name == k))
            .collect::<Option<Vec<usize>>>()
            .ok_or_else(|| format!("the table {}'s primary key names a column it does not have", table.name))?;
        let select: Vec<String> =
            table.columns.iter().map(|c| backend_bulk::select_expression(backend, &c.name, &c.kind)).collect();
        let key: Vec<String> = table.key.iter().map(|k| backend_bulk::quoted(k)).collect();
        let (select, key, name) = (select.join(", "), key.join(", "), backend_bulk::quoted(&table.name));
        let marks = vec!["?"; key_at.len()].join(", ");
        Ok(Pages {
            table,
            first: format!("SELECT {select} FROM {name} ORDER BY {key} LIMIT {page}"),
            next: format!("SELECT {select} FROM {name} WHERE ({key}) > ({marks}) ORDER BY {key} LIMIT {page}"),
            key_at,
            after: None,
            page,
            done: false,
        })
    }

    /// The next page (empty at the end).
    pub async fn next_page(&mut self, conn: &mut sqlx::AnyConnection) -> sqlx::Result<Vec<Vec<Cell>>> {
        if self.done {
            return Ok(Vec::new());
        }
        let rows = match self.after.take() {
            None => crate::db::sql::query(sqlx::AssertSqlSafe(self.first.clone())).fetch_all(conn).await?,
            Some(after) => {
                let mut query = crate::db::sql::query(sqlx::AssertSqlSafe(self.next.clone()));
                for (cell, &at) in after.into_iter().zip(&self.key_at) {
                    query = bind_cell(query, cell, &self.table.columns[at].kind);
                }
                query.fetch_all(conn).await?
            }
        };
        let page = rows.iter().map(cells).collect::<sqlx::Result<Vec<Vec<Cell>>>>()?;
        // A short page is the last one.
        self.done = page.len() < self.page;
        if let Some(last) = page.last() {
            self.after = Some(self.key_at.iter().map(|&at| last[at].clone()).collect());
        }
        Ok(page)
    }
}
