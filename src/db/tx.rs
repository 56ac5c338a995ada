//! The write transaction type, a leaf that `db`'s files import without importing `db/mod.rs`.

/// A write transaction on the store (from [`super::Db::begin_write`]).
pub type WriteTx = sqlx::Transaction<'static, sqlx::Any>;
