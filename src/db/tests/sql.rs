//! `db/sql.rs`: SQLite's placeholders written as `$N`, numbered by SQLite's rule, outside quoted
//! text and comments; and `db/scratch.rs`'s SQLite scratch databases.

use crate::{
    db::{Backend, sql::numbered},
    scratch::Scratch,
};

#[test]
fn bare_placeholders_are_numbered_in_order_and_numbered_ones_keep_their_number() {
    assert_eq!(numbered("SELECT ? , ?"), "SELECT $1 , $2");
    assert_eq!(numbered("x = ?1 AND y = ?2 OR z = ?1"), "x = $1 AND y = $2 OR z = $1");
    // SQLite: a bare ? is one more than the largest number so far.
    assert_eq!(numbered("?3, ?, ?1, ?"), "$3, $4, $1, $5");
    assert_eq!(numbered("no placeholders"), "no placeholders");
}

#[test]
fn quoted_text_names_and_comments_keep_their_question_marks() {
    assert_eq!(numbered("SELECT '?', \"a?\", ? -- why?\n, ?"), "SELECT '?', \"a?\", $1 -- why?\n, $2");
    assert_eq!(numbered("SELECT 'it''s ?', ? /* ? */ , ?"), "SELECT 'it''s ?', $1 /* ? */ , $2");
    assert_eq!(numbered("SELECT value->>'$[0][4]' FROM json_each(?)"), "SELECT value->>'$[0][4]' FROM json_each($1)");
}

#[tokio::test]
async fn fixed_and_built_statements_run_with_their_arguments() {
    let scratch = Scratch::sqlite().await.unwrap();
    assert_eq!(scratch.db.backend(), Backend::Sqlite);
    assert!(scratch.sqlite_path().unwrap().exists());
    assert!(scratch.dir().unwrap().exists());
    let fixed: (i64, i64, i64) = crate::db::sql::query_as("SELECT ?, ?2 * 10, ?")
        .bind(1_i64)
        .bind(2_i64)
        .bind(3_i64)
        .fetch_one(&scratch.db.pool)
        .await
        .unwrap();
    assert_eq!(fixed, (1, 20, 3));
    let built = sqlx::AssertSqlSafe(format!("SELECT ? + {}", 40));
    let sum: i64 = crate::db::sql::query_scalar(built).bind(2_i64).fetch_one(&scratch.db.pool).await.unwrap();
    assert_eq!(sum, 42);
}
