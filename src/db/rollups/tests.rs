//! The incremental statements' query plans, on an empty database with every migration: the
//! planner's choice is what makes a rebuild of a few weeks or people cheap, and twice it chose a
//! plan that read the whole repository once per person or per issue. (That the incremental
//! results equal a rebuild is checked in `tests/it/rollups.rs`.)

use super::statements::{ENGAGEMENTS_OF, ITEM_WEEKS_OF_PEOPLE, PEOPLE_IN_WEEKS, PERSON_WEEKS, REPO_PEOPLE_OF};

async fn plan(sql: &str, binds: &[Option<&str>]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::db::Db::open(&dir.path().join("plan.db")).await.unwrap();
    let explain = format!("EXPLAIN QUERY PLAN {sql}");
    let mut query = crate::db::sql::query_as::<(i64, i64, i64, String)>(sqlx::AssertSqlSafe(explain));
    for bind in binds {
        query = query.bind(*bind);
    }
    query.fetch_all(&db.pool).await.unwrap().into_iter().map(|row| row.3).collect()
}

#[tokio::test]
async fn a_dirty_persons_rows_are_read_through_the_author_indexes() {
    // With the number of branches read through an author index: issues, comments, reviews and
    // review comments; the three engagements; the items.
    for (sql, binds, branches) in [
        (REPO_PEOPLE_OF, &[Some("1"), Some("[1]"), None][..], 4),
        (ENGAGEMENTS_OF, &[Some("1"), Some("[1]")][..], 3),
        (ITEM_WEEKS_OF_PEOPLE, &[Some("1"), Some("[1]")][..], 1),
    ] {
        let steps = plan(sql, binds).await;
        let searches: Vec<&String> = steps
            .iter()
            .filter(|s| {
                s.starts_with("SEARCH")
                    && ["issues ", "comments ", "reviews ", "review_comments ", "c ", "r "]
                        .iter()
                        .any(|t| s.starts_with(&format!("SEARCH {t}")))
            })
            .filter(|s| !s.contains("(repo_id=? AND number=?)") && !s.contains("merged_at"))
            .collect();
        assert_eq!(searches.len(), branches, "{steps:#?}");
        for step in searches {
            assert!(step.contains("_author_") && step.contains("(author_id=?"), "{step} in {steps:#?}");
        }
    }
}

#[tokio::test]
async fn a_dirty_weeks_rows_are_read_through_time_ranges() {
    for (sql, branches, binds) in [
        (PERSON_WEEKS, 8, &[Some("1"), Some("0"), Some("[0]"), Some("604800")][..]),
        (PEOPLE_IN_WEEKS, 6, &[Some("1"), Some("0"), Some("[0]"), Some("[1]"), None, Some("604800")][..]),
    ] {
        let steps = plan(sql, binds).await;
        let searches: Vec<&String> = steps
            .iter()
            .filter(|s| s.starts_with("SEARCH") && !s.contains("(repo_id=? AND number=?)") && !s.contains("accounts"))
            .collect();
        assert_eq!(searches.len(), branches, "{steps:#?}");
        for step in searches {
            assert!(step.contains(">?") && step.contains("<?)"), "a range on the week's column: {step} in {steps:#?}");
        }
    }
}

/// The load roster reads only the maintainers' entries of the partial index (SQLite once walked
/// every contributor of the repository through the primary key instead).
#[tokio::test]
async fn the_maintainer_roster_is_read_through_the_partial_index() {
    let steps = plan(crate::db::dashboard::MAINTAINERS, &[Some("[1]")]).await;
    assert!(
        steps.iter().any(|s| s.starts_with("SEARCH rp USING COVERING INDEX repo_people_maintainers")),
        "{steps:#?}"
    );
}

#[test]
fn weeks_are_read_as_one_range_per_run_of_nearby_weeks() {
    use super::weeks::{WeekRun, Weeks};
    const W: i64 = 604_800;
    let weeks = Weeks::Some([10 * W, 12 * W, 17 * W, 40 * W, 41 * W, 400 * W].into_iter().collect());
    let run = |from: i64, to: i64, weeks: &str| WeekRun { from, to, weeks: Some(weeks.to_owned()) };
    assert_eq!(
        weeks.runs(),
        vec![
            // The first run starts at the first week rebuilt; later ones a week before their own.
            run(10 * W, 18 * W, &format!("[{},{},{}]", 10 * W, 12 * W, 17 * W)),
            run(39 * W, 42 * W, &format!("[{},{}]", 40 * W, 41 * W)),
            run(399 * W, 401 * W, &format!("[{}]", 400 * W)),
        ]
    );
    assert_eq!(Weeks::Some(Default::default()).runs(), Vec::new());
    assert_eq!(Weeks::All.runs(), vec![WeekRun { from: i64::MIN, to: i64::MAX, weeks: None }]);
    // Extreme keys neither overflow nor split wrongly.
    let extremes = Weeks::Some([i64::MIN, i64::MAX].into_iter().collect()).runs();
    assert_eq!(extremes.len(), 2);
    assert_eq!((extremes[0].from, extremes[1].to), (i64::MIN, i64::MAX));
}
