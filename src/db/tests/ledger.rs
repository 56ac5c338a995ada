//! `db/ledger.rs`: each funding step's latest outcome for a repository (skipped attempts are
//! not outcomes) and the latest Sponsors point of many logins at once.

use super::{
    fresh,
    support_ops::{sponsors, step},
};
use crate::db::{
    Db,
    funding::{SponsorsSnapshotRow, record_sponsors_snapshot},
    ledger::{FUNDING_RESOURCES, StepOutcomeRow, latest_funding_outcomes, latest_sponsors_snapshots},
    runs::{RunResourceRow, record_run_resource, start_run},
};

fn outcome(resource: &str, status: &str, started_at: i64, error: Option<&str>) -> StepOutcomeRow {
    StepOutcomeRow {
        resource: resource.to_owned(),
        status: status.to_owned(),
        started_at,
        error: error.map(str::to_owned),
    }
}

async fn record(db: &Db, row: &SponsorsSnapshotRow) {
    let mut tx = db.begin_write().await.unwrap();
    record_sponsors_snapshot(&mut tx, row).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_repository_with_no_funding_steps_has_no_outcomes() {
    let f = fresh().await;
    assert!(latest_funding_outcomes(&f.db.pool, "o/a").await.unwrap().is_empty());
    assert_eq!(FUNDING_RESOURCES.len(), 5);
}

#[tokio::test]
async fn each_funding_step_shows_its_latest_attempt_that_was_not_skipped() {
    let f = fresh().await;
    let p = &f.db.pool;
    let (r1, r2, r3) = (
        start_run(p, "cli", 100).await.unwrap(),
        start_run(p, "cli", 200).await.unwrap(),
        start_run(p, "cli", 300).await.unwrap(),
    );
    for s in [
        // funding: failed, then fixed, then skipped (inside the refresh interval).
        RunResourceRow { error: Some("502".to_owned()), ..step(r1, "o/a", "funding", "failed", 101) },
        step(r2, "o/a", "funding", "ok", 201),
        step(r3, "o/a", "funding", "skipped", 301),
        // manifest: ok, then failed.
        step(r1, "o/a", "manifest", "ok", 102),
        RunResourceRow { error: Some("404".to_owned()), ..step(r3, "o/a", "manifest", "failed", 302) },
        // open_collective: only ever skipped.
        step(r3, "o/a", "open_collective", "skipped", 303),
        step(r2, "o/a", "sponsorable", "not_modified", 202),
        // Not funding steps.
        step(r3, "o/a", "issues", "failed", 304),
        // Another repository.
        step(r3, "o/b", "funding_yml", "failed", 305),
    ] {
        record_run_resource(p, &s).await.unwrap();
    }

    assert_eq!(
        latest_funding_outcomes(p, "o/a").await.unwrap(),
        [
            outcome("funding", "ok", 201, None),
            outcome("manifest", "failed", 302, Some("404")),
            outcome("sponsorable", "not_modified", 202, None),
        ]
    );
    assert_eq!(latest_funding_outcomes(p, "O/B").await.unwrap(), [outcome("funding_yml", "failed", 305, None)]);
}

#[tokio::test]
async fn the_latest_outcome_is_the_latest_runs_even_when_it_started_earlier() {
    let f = fresh().await;
    let p = &f.db.pool;
    let (r1, r2) = (start_run(p, "cli", 100).await.unwrap(), start_run(p, "cli", 200).await.unwrap());
    record_run_resource(p, &step(r1, "o/a", "funding_yml", "ok", 500)).await.unwrap();
    record_run_resource(p, &step(r2, "o/a", "funding_yml", "failed", 201)).await.unwrap();
    assert_eq!(latest_funding_outcomes(p, "o/a").await.unwrap(), [outcome("funding_yml", "failed", 201, None)]);
}

#[tokio::test]
async fn latest_sponsors_snapshots_gives_each_asked_logins_newest_point_in_login_order() {
    let f = fresh().await;
    record(&f.db, &sponsors("bob", 100, 1)).await;
    record(&f.db, &sponsors("bob", 200, 2)).await;
    record(&f.db, &sponsors("Ann", 150, 5)).await;
    record(&f.db, &sponsors("carol", 300, 7)).await;

    let got = latest_sponsors_snapshots(&f.db.pool, r#"["bob","ann","dave"]"#).await.unwrap();
    assert_eq!(got, [sponsors("Ann", 150, 5), sponsors("bob", 200, 2)]);
    assert!(latest_sponsors_snapshots(&f.db.pool, "[]").await.unwrap().is_empty());
}

#[tokio::test]
async fn latest_sponsors_snapshots_takes_the_point_last_changed_not_last_seen() {
    let f = fresh().await;
    record(&f.db, &sponsors("bob", 100, 1)).await;
    record(&f.db, &sponsors("bob", 200, 2)).await;
    // Seen again unchanged: the 200 point's last_seen_at moves, no new point.
    record(&f.db, &sponsors("bob", 400, 2)).await;
    let got = latest_sponsors_snapshots(&f.db.pool, r#"["bob"]"#).await.unwrap();
    assert_eq!(got, [SponsorsSnapshotRow { last_seen_at: 400, ..sponsors("bob", 200, 2) }]);
}
