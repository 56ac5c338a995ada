//! `db/lease.rs`: the run lease is taken when free, refused while a live holder beats, taken
//! over from a dead one, renewed and released only by its holder.

use super::{fresh, support_ops::process};
use crate::db::lease::{Acquired, LeaseRow, acquire, current, heartbeat, release};

const STALE: i64 = 90;

/// `p` as the lease row it becomes when it takes the lease at `at`.
fn holding(p: &LeaseRow, at: i64) -> LeaseRow {
    LeaseRow { started_at: at, heartbeat_at: at, ..p.clone() }
}

fn alive(_: &LeaseRow) -> bool {
    false
}

#[tokio::test]
async fn a_free_lease_is_taken_and_current_names_its_holder() {
    let f = fresh().await;
    let a = process("run-a", 100);
    assert_eq!(current(&f.db.pool).await.unwrap(), None);

    let got = acquire(&f.db.pool, &a, 1000, STALE, alive).await.unwrap();
    assert_eq!(got, Acquired::Taken { from_dead: None });
    // The row's times are `now`, not the ones the caller passed.
    assert_eq!(current(&f.db.pool).await.unwrap(), Some(holding(&a, 1000)));
}

#[tokio::test]
async fn a_lease_whose_heartbeat_is_exactly_stale_secs_old_is_still_held() {
    let f = fresh().await;
    let (a, b) = (process("run-a", 100), process("run-b", 200));
    acquire(&f.db.pool, &a, 1000, STALE, alive).await.unwrap();

    let got = acquire(&f.db.pool, &b, 1000 + STALE, STALE, alive).await.unwrap();
    assert_eq!(got, Acquired::Held(holding(&a, 1000)));
    assert_eq!(current(&f.db.pool).await.unwrap(), Some(holding(&a, 1000)));
}

#[tokio::test]
async fn a_lease_one_second_past_stale_secs_is_taken_over_naming_the_dead_holder() {
    let f = fresh().await;
    let (a, b) = (process("run-a", 100), process("run-b", 200));
    acquire(&f.db.pool, &a, 1000, STALE, alive).await.unwrap();

    let got = acquire(&f.db.pool, &b, 1000 + STALE + 1, STALE, alive).await.unwrap();
    assert_eq!(got, Acquired::Taken { from_dead: Some(holding(&a, 1000)) });
    assert_eq!(current(&f.db.pool).await.unwrap(), Some(holding(&b, 1091)));
}

#[tokio::test]
async fn a_recent_lease_is_taken_over_when_the_dead_check_says_its_process_is_gone() {
    let f = fresh().await;
    let (a, b) = (process("run-a", 100), process("run-b", 200));
    acquire(&f.db.pool, &a, 1000, STALE, alive).await.unwrap();

    let got = acquire(&f.db.pool, &b, 1010, STALE, |r: &LeaseRow| r.pid == 100).await.unwrap();
    assert_eq!(got, Acquired::Taken { from_dead: Some(holding(&a, 1000)) });
    assert_eq!(current(&f.db.pool).await.unwrap(), Some(holding(&b, 1010)));
}

#[tokio::test]
async fn the_holder_taking_its_own_lease_again_restarts_it_and_names_no_dead_holder() {
    let f = fresh().await;
    let a = process("run-a", 100);
    acquire(&f.db.pool, &a, 1000, STALE, alive).await.unwrap();

    // Even a dead check that condemns everyone does not make the holder its own dead predecessor.
    let got = acquire(&f.db.pool, &a, 1050, STALE, |_: &LeaseRow| true).await.unwrap();
    assert_eq!(got, Acquired::Taken { from_dead: None });
    assert_eq!(current(&f.db.pool).await.unwrap(), Some(holding(&a, 1050)));
}

#[tokio::test]
async fn heartbeats_keep_the_lease_alive_past_stale_secs_from_its_start() {
    let f = fresh().await;
    let (a, b) = (process("run-a", 100), process("run-b", 200));
    acquire(&f.db.pool, &a, 1000, STALE, alive).await.unwrap();
    assert!(heartbeat(&f.db.pool, "run-a", 1080).await.unwrap());
    let renewed = LeaseRow { heartbeat_at: 1080, ..holding(&a, 1000) };
    assert_eq!(current(&f.db.pool).await.unwrap(), Some(renewed.clone()));

    // 1150 - 90 = 1060 <= 1080: still alive, though started 150 s ago.
    let got = acquire(&f.db.pool, &b, 1150, STALE, alive).await.unwrap();
    assert_eq!(got, Acquired::Held(renewed));
}

#[tokio::test]
async fn heartbeat_answers_false_when_the_lease_is_someone_elses_or_nobodys() {
    let f = fresh().await;
    assert!(!heartbeat(&f.db.pool, "run-a", 1000).await.unwrap());

    let (a, b) = (process("run-a", 100), process("run-b", 200));
    acquire(&f.db.pool, &a, 1000, STALE, alive).await.unwrap();
    acquire(&f.db.pool, &b, 2000, STALE, alive).await.unwrap(); // a's heartbeat stopped: taken over
    assert!(!heartbeat(&f.db.pool, "run-a", 2010).await.unwrap());
    assert_eq!(current(&f.db.pool).await.unwrap(), Some(holding(&b, 2000)));
}

#[tokio::test]
async fn release_gives_back_only_the_callers_own_lease() {
    let f = fresh().await;
    let (a, b) = (process("run-a", 100), process("run-b", 200));
    release(&f.db.pool, "run-a").await.unwrap(); // nothing to release: no error

    acquire(&f.db.pool, &a, 1000, STALE, alive).await.unwrap();
    release(&f.db.pool, "run-b").await.unwrap();
    assert_eq!(current(&f.db.pool).await.unwrap(), Some(holding(&a, 1000)));

    release(&f.db.pool, "run-a").await.unwrap();
    assert_eq!(current(&f.db.pool).await.unwrap(), None);
    // Released, not dead: the next holder takes it from nobody, at once.
    let got = acquire(&f.db.pool, &b, 1001, STALE, alive).await.unwrap();
    assert_eq!(got, Acquired::Taken { from_dead: None });
}

#[tokio::test]
async fn of_many_processes_asking_at_once_exactly_one_takes_the_lease() {
    let f = fresh().await;
    let asks = (0..8).map(|i| {
        let pool = f.db.pool.clone();
        tokio::spawn(async move {
            let me = process(&format!("run-{i}"), 100 + i);
            acquire(&pool, &me, 1000, STALE, alive).await.unwrap()
        })
    });
    let mut taken = 0;
    for ask in asks.collect::<Vec<_>>() {
        if matches!(ask.await.unwrap(), Acquired::Taken { .. }) {
            taken += 1;
        }
    }
    assert_eq!(taken, 1);
}
