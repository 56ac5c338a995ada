//! A hand-designed dataset for the impact report: `acme/widget` with a grant, Open Collective
//! money in two currencies and history on both sides of the grant's start, and `acme/gadget`
//! without a grant. Inserted with the `db::` upserts, then first responses and rollups derived
//! exactly as the collector does. Every expected number of `reports.rs` is computed here.
//!
//! Times are whole days before `T`, today's midnight UTC: `d120` is `T − 120 days`, `d120+4h`
//! four hours after it. Pages compute against the wall clock, and nothing sits near an edge.
//!
//! # The grant and the windows
//!
//! Grant "Hostile <Fund> & Co", 12,000 USD for `acme/widget`, from `d120` to `d31` inclusive: the
//! period is `[d120, d30)`, 90 days, over by now, so the "during" window is the period and the
//! "before" window is `[d210, d120)`.
//!
//! # People
//!
//! alice (OWNER), bob and gina (MEMBER): the maintainer roster. carol, frank: contributors from
//! before the period. dave, erin and the hostile login `<img src=x onerror=alert(1)>`: first
//! contributions in the period. `dependabot[bot]`: a bot.
//!
//! # Issues (repo 100)
//!
//! | #  | author  | opened | first human response     | closed |
//! |----|---------|--------|--------------------------|--------|
//! | 1  | carol   | d300   | alice d299               | open   |
//! | 2  | alice   | d250   | bob d250+3h              | d100   |
//! | 3  | carol   | d200   | alice d198 (2 d)         | d190   |
//! | 4  | frank   | d150   | bob d146 (4 d)           | d40    |
//! | 5  | carol   | d130   | alice d124 (6 d); gina d123 | d60 |
//! | 6  | carol   | d110   | bob d110+2h (2 h)        | d10    |
//! | 7  | hostile | d70    | none                     | open   |
//! | 8  | bot     | d80    | none                     | d75    |
//!
//! hostile also comments on #1 at d10 (after the period: their second engagement).
//!
//! # Pull requests
//!
//! | #  | author | opened | first response           | end                    |
//! |----|--------|--------|--------------------------|------------------------|
//! | 20 | carol  | d112   | alice review d112+4h (4 h) | merged d110 by alice |
//! | 21 | dave   | d100   | alice review d99 (1 d)   | merged d95 by bob      |
//! | 22 | erin   | d60    | bob review d58 (2 d)     | merged d58 by alice    |
//! | 23 | bot    | d52    | none                     | merged d50 by alice    |
//! | 24 | carol  | d230   | alice review d229        | merged d200 by alice   |
//! | 25 | carol  | d160   | alice review d157 (3 d)  | merged d150 by alice   |
//! | 27 | frank  | d140   | bob review d135 (5 d)    | closed unmerged d134   |
//! | 28 | dave   | d40    | none                     | open                   |
//! | 29 | carol  | d20    | alice review d19         | merged d15 by alice    |
//!
//! Releases: v1.9 d150, v2.0 d100, v2.1 d45 (its name is hostile), draft v2.2 d35, v2.3 d5.
//! Open Collective (`widget-oc`): 999.00 EUR d150, 150.00 EUR d100, 50.00 EUR d50, 25.00 USD d40,
//! 77.00 USD d10. funding.json: stored but unreadable, at a hostile URL, with one hostile issue.
//!
//! # Expected numbers, default period (the grant)
//!
//! - **Merged PRs 3**: #20 d110, #21 d95, #22 d58 (#23 is a bot's, #24/#25 before, #29 after).
//! - **Closed issues 3**: #2 d100, #5 d60, #4 d40 (#8 is a bot's, #3 before, #6 after).
//! - **Releases 2**: v2.0, v2.1 (v2.2 is a draft, v1.9 before, v2.3 after).
//! - **New contributors 3**: dave (#21 d100), erin (#22 d60), hostile (#7 d70); gina's first is
//!   d123 and frank's d150, before the period. **Came back 1**: dave (#28 at d40, before d30);
//!   erin never did; hostile's second (d10) is after the period.
//! - **First response** before: #3 2 d, #25 3 d, #4 4 d, #27 5 d, #5 6 d, all answered: median
//!   (rank 3 of 5) **4 d = 345600 s**. During: #6 2 h, #20 4 h, #21 1 d, #22 2 d, #7 and #28 still
//!   unanswered: Kaplan–Meier S = 5/6, 4/6, 3/6 ≤ ½ at 1 d: **1 d = 86400 s**. Improved.
//! - **Open issues** at d210: #1, #2 = **2**; at d120: #1, #2, #4, #5 = **4**; at d30: #1, #6, #7
//!   = **3**. Before 2 → 4, during 4 → 3 (a drop of 1 > 5% of 4: improved).
//! - **Closure ratio** before: opened #25, #27 (2), closed #24, #25, #27 (3): **1.50**. During:
//!   opened #20, #21, #22, #28 (4), closed #20, #21, #22 (3): **0.75** (#23 is a bot's).
//! - **Active maintainers** before: alice, bob, gina = **3**; during: alice, bob = **2**. Every
//!   activity sits at least a week inside its window, so week starts fall in the same window.
//! - **Money**: Open Collective 150 + 50 = **200.00 EUR** and **25.00 USD**; grants **12,000.00
//!   USD** (the whole grant: its span is the period).
//!
//! `?from=d210&to=d121` (the before window as the period): merged PRs #24 d200, #25 d150 = 2;
//! closed issues #3 = 1; releases v1.9 = 1; new contributors frank (d150), gina (d123) = 2.

use upkeep::config::{Config, RepoName};
use upkeep::db::{
    self,
    accounts::AccountRow,
    activity::{CommentRow, ReleaseRow, ReviewRow},
    funding::{ManifestIssueRow, ManifestRow, OpenCollectiveTransactionRow},
    issues::{IssueRow, PullDetails},
    repos::{RepoOutcome, RepositoryRow},
};
use upkeep::funding::{Currency, Grant, Money};

use crate::helpers::{Store, config_for};

pub const HOUR: i64 = 3_600;
pub const DAY: i64 = 86_400;
pub const WIDGET: i64 = 100;
pub const GADGET: i64 = 200;

const ALICE: i64 = 1;
const BOB: i64 = 2;
const CAROL: i64 = 3;
const DAVE: i64 = 4;
const ERIN: i64 = 5;
const FRANK: i64 = 6;
const GINA: i64 = 7;
const BOT: i64 = 8;
const HOSTILE: i64 = 9;

pub const HOSTILE_LOGIN: &str = "<img src=x onerror=alert(1)>";
pub const HOSTILE_RELEASE: &str = r#"<script>alert("rel")</script> | [x](javascript:y)"#;
pub const HOSTILE_FUNDER: &str = "Hostile <Fund> & Co";
pub const HOSTILE_URL: &str = "https://example.org/<b>funding</b>.json";
pub const HOSTILE_ISSUE: &str = "<iframe src=x></iframe> is not allowed";

/// Today's midnight UTC, the `T` of the tables above.
pub fn today() -> i64 {
    chrono::Utc::now().timestamp().div_euclid(DAY) * DAY
}

/// `T − days`.
pub fn d(days: i64) -> i64 {
    today() - days * DAY
}

/// `YYYY-MM-DD` of a timestamp.
pub fn date(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0).unwrap().format("%Y-%m-%d").to_string()
}

/// The app's configuration: the grant for acme/widget and its Open Collective slug.
pub fn config(store: &Store) -> Config {
    let mut config = config_for("http://127.0.0.1:9", &store.path());
    let day = |ts: i64| chrono::DateTime::from_timestamp(ts, 0).unwrap().date_naive();
    config.funding.grants = vec![Grant {
        funder: HOSTILE_FUNDER.to_owned(),
        amount: Money::new(1_200_000, Currency::USD),
        start: day(d(120)),
        end: day(d(31)),
        repos: vec!["acme/widget".to_owned()],
        purpose: "Release automation".to_owned(),
        people: vec![],
        plan: Default::default(),
    }];
    config.funding.open_collective.insert("acme/widget".parse::<RepoName>().unwrap(), "widget-oc".to_owned());
    config
}

/// Seeds both repositories; `extra_releases` more releases in the period (for a long report).
pub async fn seed(store: &Store, extra_releases: i64) {
    let pool = &store.db.pool;
    let people = [
        (ALICE, "alice", false),
        (BOB, "bob", false),
        (CAROL, "carol", false),
        (DAVE, "dave", false),
        (ERIN, "erin", false),
        (FRANK, "frank", false),
        (GINA, "gina", false),
        (BOT, "dependabot[bot]", true),
        (HOSTILE, HOSTILE_LOGIN, false),
    ];
    for (id, login, is_bot) in people {
        let kind = if is_bot { "Bot" } else { "User" }.to_owned();
        let row = AccountRow { id, login: login.to_owned(), kind, name: None, is_bot };
        db::accounts::upsert_account(pool, &row).await.expect("account");
    }
    repository(store, WIDGET, "widget").await;
    repository(store, GADGET, "gadget").await;
    widget(store, extra_releases).await;
    money(store).await;
    // gadget: one issue in the last twelve months, answered after 2 h.
    issue(store, GADGET, 1, CAROL, "CONTRIBUTOR", d(50), None).await;
    comment(store, 900, GADGET, 1, ALICE, "OWNER", d(50) + 2 * HOUR).await;
    for repo_id in [WIDGET, GADGET] {
        let mut tx = store.db.begin_write().await.expect("write transaction");
        db::responses::recompute_responses(&mut tx, repo_id, 0, None).await.expect("first responses");
        db::rollups::rebuild_rollups(&mut tx, repo_id, None).await.expect("rollups");
        tx.commit().await.expect("commit");
    }
}

async fn repository(store: &Store, id: i64, name: &str) {
    let full_name = format!("acme/{name}");
    let row = RepositoryRow {
        id,
        owner: "acme".into(),
        name: name.into(),
        full_name: full_name.clone(),
        description: None,
        html_url: format!("https://github.com/{full_name}"),
        language: Some("Rust".into()),
        default_branch: Some("main".into()),
        is_private: false,
        is_fork: false,
        is_archived: false,
        stargazers: 0,
        forks: 0,
        open_issues: 0,
        created_at: d(400),
        updated_at: d(0),
        pushed_at: Some(d(0)),
    };
    let pool = &store.db.pool;
    db::repos::upsert_repository(pool, &row).await.expect("repository");
    db::repos::track_repository(pool, &full_name, "config").await.expect("track");
    let outcome = RepoOutcome { condition: "ok", message: None, repo_id: Some(id), at: d(0) };
    db::repos::record_repo_outcome(pool, &full_name, &outcome).await.expect("outcome");
}

async fn item(store: &Store, repo_id: i64, number: i64, pr: bool, author: (i64, &str), created: i64, end: End) {
    let (closed_at, merged) = match end {
        End::Open => (None, None),
        End::Closed(at) => (Some(at), None),
        End::Merged(at, by) => (Some(at), Some((at, by))),
    };
    let row = IssueRow {
        id: repo_id * 1000 + number,
        repo_id,
        number,
        node_id: format!("N_{repo_id}_{number}"),
        is_pull_request: pr,
        title: if author.0 == HOSTILE { HOSTILE_LOGIN.to_owned() } else { format!("item {number}") },
        state: if closed_at.is_some() { "closed" } else { "open" }.to_owned(),
        state_reason: closed_at.map(|_| "completed".to_owned()),
        author_id: Some(author.0),
        author_association: author.1.to_owned(),
        labels: "[]".to_owned(),
        assignees: "[]".to_owned(),
        milestone: None,
        comments: 0,
        created_at: created,
        updated_at: closed_at.unwrap_or(created) + HOUR,
        closed_at,
        draft: false,
        merged_at: merged.map(|(at, _)| at),
    };
    db::issues::upsert_issue(&store.db.pool, &row).await.expect("issue");
    if pr {
        let details = PullDetails {
            repo_id,
            number,
            draft: false,
            merged_at: merged.map(|(at, _)| at),
            merged_by_id: merged.map(|(_, by)| by),
            ready_for_review_at: None,
        };
        db::issues::update_pull_details(&store.db.pool, &details).await.expect("pull details");
    }
}

#[derive(Clone, Copy)]
enum End {
    Open,
    Closed(i64),
    Merged(i64, i64),
}

async fn issue(store: &Store, repo_id: i64, n: i64, who: i64, assoc: &str, at: i64, closed: Option<i64>) {
    item(store, repo_id, n, false, (who, assoc), at, closed.map_or(End::Open, End::Closed)).await;
}

async fn comment(store: &Store, id: i64, repo_id: i64, number: i64, author: i64, association: &str, at: i64) {
    let row = CommentRow {
        id,
        repo_id,
        issue_number: number,
        author_id: Some(author),
        author_association: association.to_owned(),
        created_at: at,
        updated_at: at,
    };
    db::activity::upsert_comment(&store.db.pool, &row).await.expect("comment");
}

async fn review(store: &Store, id: i64, number: i64, author: i64, at: i64) {
    let association = if author == ALICE { "OWNER" } else { "MEMBER" }.to_owned();
    let row = ReviewRow {
        id,
        repo_id: WIDGET,
        pr_number: number,
        author_id: Some(author),
        author_association: association,
        state: "APPROVED".to_owned(),
        submitted_at: Some(at),
    };
    db::activity::upsert_review(&store.db.pool, &row).await.expect("review");
}

async fn widget(store: &Store, extra_releases: i64) {
    let w = WIDGET;
    issue(store, w, 1, CAROL, "CONTRIBUTOR", d(300), None).await;
    comment(store, 1, w, 1, ALICE, "OWNER", d(299)).await;
    issue(store, w, 2, ALICE, "OWNER", d(250), Some(d(100))).await;
    comment(store, 2, w, 2, BOB, "MEMBER", d(250) + 3 * HOUR).await;
    issue(store, w, 3, CAROL, "CONTRIBUTOR", d(200), Some(d(190))).await;
    comment(store, 3, w, 3, ALICE, "OWNER", d(198)).await;
    issue(store, w, 4, FRANK, "CONTRIBUTOR", d(150), Some(d(40))).await;
    comment(store, 4, w, 4, BOB, "MEMBER", d(146)).await;
    issue(store, w, 5, CAROL, "CONTRIBUTOR", d(130), Some(d(60))).await;
    comment(store, 5, w, 5, ALICE, "OWNER", d(124)).await;
    comment(store, 6, w, 5, GINA, "MEMBER", d(123)).await;
    issue(store, w, 6, CAROL, "CONTRIBUTOR", d(110), Some(d(10))).await;
    comment(store, 7, w, 6, BOB, "MEMBER", d(110) + 2 * HOUR).await;
    issue(store, w, 7, HOSTILE, "NONE", d(70), None).await;
    issue(store, w, 8, BOT, "NONE", d(80), Some(d(75))).await;
    comment(store, 8, w, 1, HOSTILE, "NONE", d(10)).await;

    let pr = |n, who: (i64, &'static str), at, end| item(store, w, n, true, who, at, end);
    let carol = (CAROL, "CONTRIBUTOR");
    pr(20, carol, d(112), End::Merged(d(110), ALICE)).await;
    review(store, 20, 20, ALICE, d(112) + 4 * HOUR).await;
    pr(21, (DAVE, "FIRST_TIME_CONTRIBUTOR"), d(100), End::Merged(d(95), BOB)).await;
    review(store, 21, 21, ALICE, d(99)).await;
    pr(22, (ERIN, "FIRST_TIME_CONTRIBUTOR"), d(60), End::Merged(d(58), ALICE)).await;
    review(store, 22, 22, BOB, d(58)).await;
    pr(23, (BOT, "NONE"), d(52), End::Merged(d(50), ALICE)).await;
    pr(24, carol, d(230), End::Merged(d(200), ALICE)).await;
    review(store, 24, 24, ALICE, d(229)).await;
    pr(25, carol, d(160), End::Merged(d(150), ALICE)).await;
    review(store, 25, 25, ALICE, d(157)).await;
    pr(27, (FRANK, "CONTRIBUTOR"), d(140), End::Closed(d(134))).await;
    review(store, 27, 27, BOB, d(135)).await;
    pr(28, (DAVE, "CONTRIBUTOR"), d(40), End::Open).await;
    pr(29, carol, d(20), End::Merged(d(15), ALICE)).await;
    review(store, 29, 29, ALICE, d(19)).await;

    let mut releases = vec![
        ("v1.9".to_owned(), "v1.9".to_owned(), d(150), false),
        ("v2.0".to_owned(), "v2.0".to_owned(), d(100), false),
        ("v2.1".to_owned(), HOSTILE_RELEASE.to_owned(), d(45), false),
        ("v2.2".to_owned(), "v2.2".to_owned(), d(35), true),
        ("v2.3".to_owned(), "v2.3".to_owned(), d(5), false),
    ];
    for k in 0..extra_releases {
        releases.push((format!("v3.{k}"), format!("Maintenance release 3.{k}"), d(90) + k * HOUR, false));
    }
    for (id, (tag, name, at, draft)) in releases.into_iter().enumerate() {
        let row = ReleaseRow {
            id: id as i64 + 1,
            repo_id: w,
            tag_name: tag,
            name: Some(name),
            draft,
            prerelease: false,
            author_id: Some(ALICE),
            created_at: at,
            published_at: (!draft).then_some(at),
        };
        db::activity::upsert_release(&store.db.pool, &row).await.expect("release");
    }
}

async fn money(store: &Store) {
    let pool = &store.db.pool;
    // Cents: 999.00 EUR, 150.00 EUR, 50.00 EUR, 25.00 USD, 77.00 USD.
    let credits = [(99_900, "EUR", d(150)), (15_000, "EUR", d(100)), (5_000, "EUR", d(50)), (2_500, "USD", d(40))];
    for (k, (cents, currency, at)) in credits.into_iter().chain([(7_700, "USD", d(10))]).enumerate() {
        let row = OpenCollectiveTransactionRow {
            slug: "widget-oc".to_owned(),
            id: format!("t{k}"),
            created_at: at,
            amount_cents: cents,
            currency: currency.to_owned(),
            from_slug: Some(format!("backer-{k}")),
            from_name: Some(HOSTILE_LOGIN.to_owned()),
            fetched_at: d(1),
        };
        db::funding::upsert_open_collective_transaction(pool, &row).await.expect("transaction");
    }
    let manifest = ManifestRow {
        repo_id: WIDGET,
        url: HOSTILE_URL.to_owned(),
        raw: "{ not json".to_owned(),
        parsed: None,
        valid: false,
    };
    let problem = ManifestIssueRow {
        repo_id: WIDGET,
        seq: 0,
        severity: "error".to_owned(),
        path: String::new(),
        message: HOSTILE_ISSUE.to_owned(),
        line: Some(1),
        col: Some(3),
    };
    let mut tx = store.db.begin_write().await.expect("write transaction");
    db::funding::replace_manifest(&mut tx, &manifest, &[problem]).await.expect("manifest");
    tx.commit().await.expect("commit");
}
