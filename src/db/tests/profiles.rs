//! `db::profiles`: whose profile is due (maintainers and recent contributors, never-asked first,
//! bots and organisations never, a limit), what is recorded (a company, none, case-insensitive
//! logins), and the companies a scope's pages use.

use super::{
    add_repository, fresh,
    support_ops::{add_account, add_person},
};
use crate::db::profiles;

const DAY: i64 = 86_400;
const NOW: i64 = 1_800_000_000;

/// A `person_weeks` row of `account_id` in `repo_id`: `commits` commits and `comments` comments.
async fn week(db: &crate::db::Db, repo_id: i64, account_id: i64, week: i64, commits: i64, comments: i64) {
    crate::db::sql::query("INSERT INTO person_weeks (repo_id, week, account_id, commits, comments) VALUES (?,?,?,?,?)")
        .bind(repo_id)
        .bind(week)
        .bind(account_id)
        .bind(commits)
        .bind(comments)
        .execute(&db.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn due_profiles_are_maintainers_and_recent_contributors_not_commenters_and_not_asked_again_inside_the_interval() {
    let f = fresh().await;
    let (db, pool) = (&f.db, &f.db.pool);
    let (repo, other) = (add_repository(db, 1, "o/a").await, add_repository(db, 2, "o/b").await);
    let maint = add_account(db, 10, "Maint", "User", false).await;
    let coder = add_account(db, 11, "coder", "User", false).await;
    let talker = add_account(db, 12, "talker", "User", false).await;
    let old = add_account(db, 13, "old-coder", "User", false).await;
    let bot = add_account(db, 14, "ci-bot", "Bot", true).await;
    let org = add_account(db, 15, "an-org", "Organization", false).await;
    for (account, contributions, maintainer) in
        [(maint, 5, true), (coder, 9, false), (talker, 50, false), (old, 3, false), (bot, 99, true), (org, 1, true)]
    {
        add_person(db, repo, account, contributions, maintainer).await;
    }
    add_person(db, other, talker, 1, true).await;
    week(db, repo, coder, NOW - 10 * DAY, 2, 0).await;
    week(db, repo, talker, NOW - 10 * DAY, 0, 7).await;
    week(db, repo, old, NOW - 400 * DAY, 4, 0).await;

    let since = NOW - 365 * DAY;
    let due = profiles::list_due_profiles(pool, repo, since, NOW, 10).await.unwrap();
    assert_eq!(due, ["Maint", "coder"], "the maintainer first; commenters and old activity are not wanted");
    assert_eq!(profiles::list_due_profiles(pool, repo, since, NOW, 1).await.unwrap(), ["Maint"]);

    profiles::record_companies(pool, &[("maint".to_owned(), Some("Acme".to_owned()))], NOW - DAY).await.unwrap();
    // Asked a day ago: due again only when the interval started after that.
    assert_eq!(profiles::list_due_profiles(pool, repo, since, NOW - 2 * DAY, 10).await.unwrap(), ["coder"]);
    assert_eq!(profiles::list_due_profiles(pool, repo, since, NOW, 10).await.unwrap(), ["coder", "Maint"]);

    profiles::record_companies(pool, &[("coder".to_owned(), None), ("talker".to_owned(), Some("<T>".to_owned()))], NOW)
        .await
        .unwrap();
    assert!(profiles::list_due_profiles(pool, repo, since, NOW - 2 * DAY, 10).await.unwrap().is_empty());
    // The pages: the scope's people with a company, by login.
    let both = profiles::list_companies(pool, &format!("[{repo},{other}]")).await.unwrap();
    assert_eq!(both, [("Maint".to_owned(), "Acme".to_owned()), ("talker".to_owned(), "<T>".to_owned())]);
    let other_only = profiles::list_companies(pool, &format!("[{other}]")).await.unwrap();
    assert_eq!(other_only, [("talker".to_owned(), "<T>".to_owned())]);
    // A later answer with no company clears it.
    profiles::record_companies(pool, &[("TALKER".to_owned(), None)], NOW).await.unwrap();
    assert!(profiles::list_companies(pool, &format!("[{other}]")).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_data_digest_leaves_out_when_profiles_were_asked() {
    let f = fresh().await;
    add_account(&f.db, 10, "ana", "User", false).await;
    let before = crate::db::digest::table_digests(&f.db.pool).await.unwrap();
    profiles::record_companies(&f.db.pool, &[("ana".to_owned(), Some("Acme".to_owned()))], NOW).await.unwrap();
    assert_eq!(crate::db::digest::table_digests(&f.db.pool).await.unwrap(), before);
}
