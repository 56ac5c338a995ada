//! `db/funding.rs`, the series: GitHub Sponsors and Open Collective snapshots (change points
//! only), Open Collective transactions (upserted by their hash) and a login's sponsorship
//! history (replaced on every fetch).

use super::{
    at, fresh,
    support_ops::{collective, sponsors},
};
use crate::db::{
    Db,
    funding::{
        OpenCollectiveSnapshotRow, OpenCollectiveTransactionRow, SponsorsSnapshotRow, SponsorshipRow,
        get_sponsors_last_seen, list_open_collective_snapshots, list_open_collective_transactions,
        list_sponsors_snapshots, list_sponsorships, record_open_collective_snapshot, record_sponsors_snapshot,
        replace_sponsorships, upsert_open_collective_transaction,
    },
};

async fn record(db: &Db, row: &SponsorsSnapshotRow) -> bool {
    let mut tx = db.begin_write().await.unwrap();
    let new = record_sponsors_snapshot(&mut tx, row).await.unwrap();
    tx.commit().await.unwrap();
    new
}

async fn record_oc(db: &Db, row: &OpenCollectiveSnapshotRow) -> bool {
    let mut tx = db.begin_write().await.unwrap();
    let new = record_open_collective_snapshot(&mut tx, row).await.unwrap();
    tx.commit().await.unwrap();
    new
}

async fn history(db: &Db, login: &str, rows: &[SponsorshipRow]) {
    let mut tx = db.begin_write().await.unwrap();
    replace_sponsorships(&mut tx, login, rows).await.unwrap();
    tx.commit().await.unwrap();
}

fn sponsorship(login: &str, created_at: i64, seq: i64, is_active: bool, monthly_cents: Option<i64>) -> SponsorshipRow {
    SponsorshipRow {
        login: login.to_owned(),
        created_at,
        seq,
        is_active,
        one_time: false,
        monthly_cents,
        fetched_at: 900,
    }
}

fn credit(
    slug: &str,
    id: &str,
    created_at: i64,
    amount_cents: i64,
    from_name: Option<&str>,
) -> OpenCollectiveTransactionRow {
    OpenCollectiveTransactionRow {
        slug: slug.to_owned(),
        id: id.to_owned(),
        created_at,
        amount_cents,
        currency: "USD".to_owned(),
        from_slug: Some("backer".to_owned()),
        from_name: from_name.map(str::to_owned),
        fetched_at: 900,
    }
}

#[tokio::test]
async fn a_sponsors_fetch_adds_a_point_only_when_a_figure_changed() {
    let f = fresh().await;
    let (d1, d2, d3) = (at("2024-03-01", "00:00:00"), at("2024-03-02", "00:00:00"), at("2024-03-03", "00:00:00"));
    assert!(record(&f.db, &sponsors("ann", d1, 3)).await);
    assert!(!record(&f.db, &sponsors("ann", d2, 3)).await);
    let goal = SponsorsSnapshotRow { goal_percent: Some(40), ..sponsors("ann", d3, 3) };
    assert!(record(&f.db, &goal).await);

    let series = list_sponsors_snapshots(&f.db.pool, "ann").await.unwrap();
    assert_eq!(series, [SponsorsSnapshotRow { last_seen_at: d2, ..sponsors("ann", d1, 3) }, goal]);
    assert_eq!(get_sponsors_last_seen(&f.db.pool, "ann").await.unwrap(), Some(d3));
}

#[tokio::test]
async fn a_fetch_no_newer_than_the_latest_point_adds_nothing_and_moves_nothing_back() {
    let f = fresh().await;
    assert!(record(&f.db, &sponsors("ann", 100, 3)).await);
    assert!(!record(&f.db, &sponsors("ann", 200, 3)).await); // seen again at 200
    // Answers fetched at the latest point's own time, or before it, with other figures.
    assert!(!record(&f.db, &sponsors("ann", 100, 9)).await);
    assert!(!record(&f.db, &sponsors("ann", 50, 9)).await);

    let series = list_sponsors_snapshots(&f.db.pool, "ann").await.unwrap();
    assert_eq!(series, [SponsorsSnapshotRow { last_seen_at: 200, ..sponsors("ann", 100, 3) }]);
}

#[tokio::test]
async fn sponsors_series_are_kept_per_login_and_last_seen_ignores_case() {
    let f = fresh().await;
    record(&f.db, &sponsors("Ann", 100, 3)).await;
    record(&f.db, &sponsors("bob", 300, 1)).await;
    assert_eq!(get_sponsors_last_seen(&f.db.pool, "ann").await.unwrap(), Some(100));
    assert_eq!(get_sponsors_last_seen(&f.db.pool, "BOB").await.unwrap(), Some(300));
    assert_eq!(get_sponsors_last_seen(&f.db.pool, "carol").await.unwrap(), None);
    assert!(list_sponsors_snapshots(&f.db.pool, "carol").await.unwrap().is_empty());
    assert_eq!(list_sponsors_snapshots(&f.db.pool, "bob").await.unwrap(), [sponsors("bob", 300, 1)]);
}

#[tokio::test]
async fn a_logins_series_and_history_are_found_whatever_the_case_it_is_asked_in() {
    // GitHub logins ignore case: the collector stores GitHub's spelling ("Ann"), a FUNDING.yml
    // link may say "ann", and the funding page asks with the link's spelling.
    let f = fresh().await;
    record(&f.db, &sponsors("Ann", 100, 3)).await;
    history(&f.db, "Ann", &[sponsorship("Ann", 50, 0, true, None)]).await;
    assert_eq!(list_sponsors_snapshots(&f.db.pool, "ann").await.unwrap(), [sponsors("Ann", 100, 3)]);
    assert_eq!(list_sponsorships(&f.db.pool, "ANN").await.unwrap(), [sponsorship("Ann", 50, 0, true, None)]);
}

#[tokio::test]
async fn an_open_collective_fetch_adds_a_point_only_when_a_figure_changed() {
    let f = fresh().await;
    assert!(record_oc(&f.db, &collective("astro", 100, 5000)).await);
    assert!(!record_oc(&f.db, &collective("astro", 200, 5000)).await);
    assert!(record_oc(&f.db, &collective("astro", 300, 7500)).await);
    assert!(!record_oc(&f.db, &collective("astro", 250, 9999)).await); // older than the latest point
    let renamed = OpenCollectiveSnapshotRow { name: Some("Astro Fund".to_owned()), ..collective("astro", 400, 7500) };
    assert!(record_oc(&f.db, &renamed).await);
    assert!(record_oc(&f.db, &collective("other", 100, 1)).await);

    let series = list_open_collective_snapshots(&f.db.pool, "astro").await.unwrap();
    assert_eq!(
        series,
        [
            OpenCollectiveSnapshotRow { last_seen_at: 200, ..collective("astro", 100, 5000) },
            OpenCollectiveSnapshotRow { last_seen_at: 300, ..collective("astro", 300, 7500) },
            renamed,
        ]
    );
    assert!(list_open_collective_snapshots(&f.db.pool, "nobody").await.unwrap().is_empty());
}

#[tokio::test]
async fn a_transaction_seen_again_only_refreshes_its_donor_name_and_fetch_time() {
    let f = fresh().await;
    let p = &f.db.pool;
    upsert_open_collective_transaction(p, &credit("astro", "h1", 100, 500, None)).await.unwrap();
    let again = OpenCollectiveTransactionRow {
        amount_cents: 999, // the hash covers the amount: a changed one cannot come back under h1
        from_slug: Some("someone-else".to_owned()),
        fetched_at: 950,
        ..credit("astro", "h1", 100, 500, Some("A Backer"))
    };
    upsert_open_collective_transaction(p, &again).await.unwrap();
    let expected =
        OpenCollectiveTransactionRow { fetched_at: 950, ..credit("astro", "h1", 100, 500, Some("A Backer")) };
    assert_eq!(list_open_collective_transactions(p, "astro").await.unwrap(), [expected]);
}

#[tokio::test]
async fn transactions_are_listed_newest_first_then_by_id_for_one_collective() {
    let f = fresh().await;
    let p = &f.db.pool;
    assert!(list_open_collective_transactions(p, "astro").await.unwrap().is_empty());
    for t in [
        credit("astro", "b", 100, 1, None),
        credit("astro", "c", 300, 2, None),
        credit("astro", "a", 100, 3, None),
        credit("other", "z", 500, 4, None),
    ] {
        upsert_open_collective_transaction(p, &t).await.unwrap();
    }
    let ids: Vec<String> =
        list_open_collective_transactions(p, "astro").await.unwrap().into_iter().map(|t| t.id).collect();
    assert_eq!(ids, ["c", "a", "b"]);
}

#[tokio::test]
async fn a_sponsorship_history_is_replaced_whole_and_listed_oldest_first() {
    let f = fresh().await;
    let p = &f.db.pool;
    assert!(list_sponsorships(p, "ann").await.unwrap().is_empty());
    // GitHub's order is newest first (seq 0); two started in the same second.
    let first = [
        sponsorship("ann", 300, 0, true, Some(500)),
        sponsorship("ann", 200, 1, true, None),
        sponsorship("ann", 200, 2, false, Some(100)),
    ];
    history(&f.db, "ann", &first).await;
    history(&f.db, "bob", &[sponsorship("bob", 10, 0, true, None)]).await;
    assert_eq!(list_sponsorships(p, "ann").await.unwrap(), [first[2].clone(), first[1].clone(), first[0].clone()]);

    let second = [SponsorshipRow { one_time: true, ..sponsorship("ann", 400, 0, false, Some(2500)) }];
    history(&f.db, "ann", &second).await;
    assert_eq!(list_sponsorships(p, "ann").await.unwrap(), second);
    assert_eq!(list_sponsorships(p, "bob").await.unwrap(), [sponsorship("bob", 10, 0, true, None)]);

    history(&f.db, "ann", &[]).await;
    assert!(list_sponsorships(p, "ann").await.unwrap().is_empty());
}

#[tokio::test]
async fn open_collective_expenses_are_upserted_and_listed_by_collective_and_period() {
    use crate::db::funding::{OpenCollectiveExpenseRow, list_open_collective_expenses, upsert_open_collective_expense};
    let f = fresh().await;
    let p = &f.db.pool;
    let expense = |slug: &str, id: &str, paid_at: i64, cents: i64| OpenCollectiveExpenseRow {
        slug: slug.to_owned(),
        id: id.to_owned(),
        paid_at,
        amount_cents: cents,
        currency: "USD".to_owned(),
        description: format!("Expense {id}"),
        fetched_at: 900,
    };
    for e in [expense("astro", "b", 200, 1_000), expense("astro", "a", 100, 500), expense("astro", "c", 300, 700)] {
        upsert_open_collective_expense(p, &e).await.unwrap();
    }
    upsert_open_collective_expense(p, &expense("other", "z", 150, 9)).await.unwrap();
    let edited = OpenCollectiveExpenseRow {
        description: "Hosting".into(),
        fetched_at: 950,
        ..expense("astro", "b", 200, 1_200)
    };
    upsert_open_collective_expense(p, &edited).await.unwrap();
    let listed = list_open_collective_expenses(p, "astro", 100, 300, 10).await.unwrap();
    assert_eq!(listed, [expense("astro", "a", 100, 500), edited]);
    assert_eq!(list_open_collective_expenses(p, "astro", 0, 1_000, 1).await.unwrap().len(), 1, "bounded");
    assert!(list_open_collective_expenses(p, "nobody", 0, 1_000, 10).await.unwrap().is_empty());
}
