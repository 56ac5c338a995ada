//! Statements written once for both backends. They are written with SQLite's placeholders (`?`
//! and `?N`), which PostgreSQL does not read; [`query`], [`query_as`] and [`query_scalar`] (used
//! instead of sqlx's functions of the same names everywhere) hand sqlx the statement with `$N`
//! placeholders, which both backends read, numbered by SQLite's own rule. A fixed statement is
//! rewritten once and kept; a built one (`AssertSqlSafe(String)`) on every call.

use std::{
    collections::HashMap,
    sync::{LazyLock, RwLock},
};

use sqlx::{
    Any, AssertSqlSafe, FromRow, SqlSafeStr, SqlStr,
    any::{AnyArguments, AnyRow},
    query::{Query, QueryAs, QueryScalar},
};

/// A statement's text: a fixed `&'static str` or a built `AssertSqlSafe(String)`.
pub trait Statement {
    /// The text with `$N` placeholders.
    fn portable(self) -> SqlStr;
}

impl Statement for &'static str {
    fn portable(self) -> SqlStr {
        static REWRITTEN: LazyLock<RwLock<HashMap<(usize, usize), &'static str>>> = LazyLock::new(Default::default);
        if !self.contains('?') {
            return self.into_sql_str();
        }
        let key = (self.as_ptr() as usize, self.len());
        if let Some(done) = REWRITTEN.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return done.into_sql_str();
        }
        // Leaked once per fixed statement: there are a few hundred, all in the binary already.
        let done: &'static str = Box::leak(numbered(self).into_boxed_str());
        REWRITTEN.write().unwrap_or_else(|e| e.into_inner()).insert(key, done);
        done.into_sql_str()
    }
}

impl Statement for AssertSqlSafe<String> {
    fn portable(self) -> SqlStr {
        AssertSqlSafe(numbered(&self.0)).into_sql_str()
    }
}

/// [`sqlx::query()`] for a statement written once for both backends.
pub fn query<'q>(sql: impl Statement) -> Query<'q, Any, AnyArguments> {
    sqlx::query(sql.portable())
}

/// [`sqlx::query_as`] for a statement written once for both backends.
pub fn query_as<'q, O>(sql: impl Statement) -> QueryAs<'q, Any, O, AnyArguments>
where
    O: for<'r> FromRow<'r, AnyRow>,
{
    sqlx::query_as(sql.portable())
}

/// [`sqlx::query_scalar`] for a statement written once for both backends.
pub fn query_scalar<'q, O>(sql: impl Statement) -> QueryScalar<'q, Any, O, AnyArguments>
where
    (O,): for<'r> FromRow<'r, AnyRow>,
{
    sqlx::query_scalar(sql.portable())
}

/// `sql` with each `?N` written `$N` and each bare `?` numbered as SQLite numbers it (one more
/// than the largest number so far). Quoted text, quoted names and comments are left alone.
pub fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut chars = sql.char_indices().peekable();
    let mut largest = 0u32;
    while let Some((_, c)) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                // To the closing quote; a doubled quote inside is an escaped one and is copied
                // by the next round of this loop as a new quoted run.
                for (_, inner) in chars.by_ref() {
                    out.push(inner);
                    if inner == c {
                        break;
                    }
                }
            }
            '-' if chars.peek().is_some_and(|&(_, n)| n == '-') => {
                out.push(c);
                for (_, inner) in chars.by_ref() {
                    out.push(inner);
                    if inner == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek().is_some_and(|&(_, n)| n == '*') => {
                out.push(c);
                let mut previous = ' ';
                for (_, inner) in chars.by_ref() {
                    out.push(inner);
                    if previous == '*' && inner == '/' {
                        break;
                    }
                    previous = inner;
                }
            }
            '?' => {
                let mut digits = String::new();
                while let Some(&(_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                    digits.push(d);
                    chars.next();
                }
                let n = digits.parse().unwrap_or(largest + 1);
                largest = largest.max(n);
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}
