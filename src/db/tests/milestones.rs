//! `db::milestones`: a listing replaces the repository's milestones whole; others are untouched.

use super::{add_repository, at, fresh};
use crate::db::milestones::{self, MilestoneRow};

fn milestone(id: i64, repo_id: i64, number: i64, title: &str, state: &str) -> MilestoneRow {
    let t = at("2026-01-02", "10:00:00");
    MilestoneRow {
        id,
        repo_id,
        number,
        title: title.to_owned(),
        state: state.to_owned(),
        due_on: (number == 1).then_some(t + 86_400),
        open_issues: 2,
        closed_issues: number,
        updated_at: t,
    }
}

#[tokio::test]
async fn a_listing_replaces_the_milestones_of_its_repository_only() {
    let f = fresh().await;
    let (a, b) = (add_repository(&f.db, 1, "acme/widgets").await, add_repository(&f.db, 2, "acme/other").await);
    let mut tx = f.db.begin_write().await.unwrap();
    milestones::replace_milestones(
        &mut tx,
        a,
        &[milestone(11, a, 1, "v1", "closed"), milestone(12, a, 2, "v2", "open")],
    )
    .await
    .unwrap();
    milestones::replace_milestones(&mut tx, b, &[milestone(21, b, 1, "v1", "open")]).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = f.db.begin_write().await.unwrap();
    let renamed = MilestoneRow { title: "v2.0".into(), ..milestone(12, a, 2, "v2", "closed") };
    milestones::replace_milestones(&mut tx, a, std::slice::from_ref(&renamed)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(milestones::list_milestones(&f.db.pool, a).await.unwrap(), [renamed]);
    assert_eq!(milestones::list_milestones(&f.db.pool, b).await.unwrap(), [milestone(21, b, 1, "v1", "open")]);
}
