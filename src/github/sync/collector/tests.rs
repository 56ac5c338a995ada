//! What a run's workers keep to themselves: the accounts each wrote (so one worker never relies
//! on another's uncommitted write, and a failed repository's are forgotten), and the logins asked
//! for Sponsors data, shared by the run.

use std::sync::Arc;

use super::{Collector, forget_written_accounts, with_account_cache};
use crate::config::Config;
use crate::github::wire::User;

fn user(login: &str, id: i64) -> User {
    User { login: login.to_owned(), id, kind: Some("User".to_owned()), name: None }
}

#[tokio::test]
async fn each_worker_writes_an_account_once_and_forgets_them_when_its_repository_fails() {
    let scratch = crate::scratch::Scratch::new().await.unwrap();
    let c = Collector::with_token(Arc::new(Config::default()), scratch.db.clone(), None).unwrap();
    let (ada, bob) = (user("ada", 1), user("bob", 2));
    let fresh = |users: &[&User]| c.fresh_accounts(users.iter().copied()).len();

    assert_eq!((fresh(&[&ada]), fresh(&[&ada])), (1, 1), "outside a worker, every time");
    let (first, second) = tokio::join!(
        with_account_cache(async { (fresh(&[&ada, &bob]), fresh(&[&ada, &bob])) }),
        with_account_cache(async { fresh(&[&ada]) })
    );
    assert_eq!(first, (2, 0), "once per worker");
    assert_eq!(second, 1, "the other worker writes its own: the first's transaction may not commit");

    let after_failure = with_account_cache(async {
        fresh(&[&ada]);
        forget_written_accounts();
        fresh(&[&ada])
    })
    .await;
    assert_eq!(after_failure, 1, "a failed repository's accounts are written again");

    let renamed = User { name: Some("Ada L.".to_owned()), ..ada.clone() };
    let changed = with_account_cache(async { (fresh(&[&ada]), fresh(&[&renamed])) }).await;
    assert_eq!(changed, (1, 1), "a changed account is written again");
}

#[tokio::test]
async fn a_login_is_asked_for_sponsors_data_once_per_run_whatever_its_case() {
    let scratch = crate::scratch::Scratch::new().await.unwrap();
    let c = Collector::with_token(Arc::new(Config::default()), scratch.db.clone(), None).unwrap();
    assert!(c.first_to_ask_sponsors("Ada"));
    assert!(!c.first_to_ask_sponsors("ada"), "a maintainer of two repositories is asked by the first");
    assert!(c.first_to_ask_sponsors("bob"));
}
