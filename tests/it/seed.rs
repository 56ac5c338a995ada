//! A small, hand-designed dataset for the maintainer dashboards: `acme/widget` (the one every
//! number below is about) and `acme/gadget` (for the overview and the org page), inserted with the
//! `db::` upserts, then the first responses and rollups derived exactly as the collector does.
//!
//! Timestamps are relative to `now` (the wall clock at seeding), because pages compute against
//! `Utc::now()`. Nothing sits near a window edge: the default 90-day window starts 89–90 days
//! before now (at a midnight), the 30-day one 29–30 days before, and every weekly rollup row that
//! should count is at most 70 days old.
//!
//! # People (accounts)
//!
//! | id | login                          | kind | association in the data                |
//! |----|--------------------------------|------|----------------------------------------|
//! | 1  | alice                          | User | OWNER                                   |
//! | 2  | bob                            | User | MEMBER                                  |
//! | 3  | carol                          | User | CONTRIBUTOR (community)                 |
//! | 4  | dave                           | User | FIRST_TIME_CONTRIBUTOR (first item: #2) |
//! | 5  | dependabot[bot]                | Bot  | is_bot = true                           |
//! | 6  | `<img src=x onerror=alert(1)>` | User | NONE (hostile login)                    |
//!
//! # acme/widget (repo id 100, https://github.com/acme/widget)
//!
//! Times in days (d) / hours (h) relative to now; "+" is after the item was opened.
//!
//! | #  | kind  | author  | opened | replies (who, when; ✗ = ignored for TTFR)                        | end                        | TTFR  |
//! |----|-------|---------|--------|-------------------------------------------------------------------|----------------------------|-------|
//! | 1  | issue | carol   | −60 d  | alice +2 h                                                        | closed −50 d (10 d)        | 2 h   |
//! | 2  | issue | dave    | −40 d  | bot +10 min ✗, dave (author) +1 h ✗, bob +1 d                     | closed −37 d (3 d)         | 1 d   |
//! | 3  | issue | carol   | −27 d  | carol (author) +1 h ✗, hostile +6 h (community)                   | open                       | 6 h   |
//! | 4  | issue | dave    | −20 d  | none                                                              | open                       | cens. |
//! | 5  | issue | hostile | −10 d  | none; title `<script>alert("x")</script> & "quotes"`, hostile label | open                     | cens. |
//! | 6  | issue | carol   | −70 d  | alice +3 d                                                        | reopened: open, no closed_at | 3 d |
//! | 7  | issue | alice   | −25 d  | bob +4 h                                                          | closed +12 h               | 4 h   |
//! | 8  | issue | bot     | −5 d   | none                                                              | open (bot: only with bots) | —     |
//! | 9  | issue | carol   | −200 d | bob +5 d                                                          | closed −150 d (50 d)       | 5 d   |
//! | 10 | issue | carol   | −120 d | none                                                              | open                       | cens. |
//! | 11 | PR    | carol   | −45 d  | alice review +2 h                                                 | merged −43 d by alice (2 d)| 2 h   |
//! | 12 | PR    | dave    | −35 d draft, ready −30 d | bob comment +1 h while draft ✗, alice review ready +5 h | merged −28 d by bob (7 d) | 5 h |
//! | 13 | PR    | carol   | −22 d  | bot +30 min ✗, carol (author) +1 h ✗, bob review +12 h            | closed unmerged −20 d      | 12 h  |
//! | 14 | PR    | bot     | −15 d  | alice review +1 h                                                 | merged −14 d by alice (1 d)| —     |
//! | 15 | PR    | dave    | −8 d   | none                                                              | open                       | cens. |
//! | 16 | PR    | carol   | −3 d   | none; still a draft                                               | open draft                 | —     |
//! | 17 | PR    | bob     | −115 d | alice review +1 d                                                 | merged −110 d by alice (5 d)| 1 d  |
//!
//! Releases: v1.0 at −60 d, v1.1 at −20 d, and a draft v1.2 at −2 d (drafts never count).
//!
//! # acme/gadget (repo id 200, html_url `javascript:alert(document.cookie)`)
//!
//! | # | kind  | author | opened | replies           | end                      |
//! |---|-------|--------|--------|-------------------|--------------------------|
//! | 1 | issue | dave   | −12 d  | none              | open (unanswered)        |
//! | 2 | PR    | bob    | −6 d   | alice review +1 h | merged −5 d by alice (1 d) |
//!
//! # Expected numbers, acme/widget, default window (90 days, bots excluded)
//!
//! - **Issue TTFR** (Kaplan–Meier over issues opened in the window: #1 2 h, #2 1 d, #3 6 h,
//!   #6 3 d, #7 4 h answered; #4 ≈20 d and #5 ≈10 d censored; n = 7). S falls 6/7, 5/7, 4/7 at
//!   2 h, 4 h, 6 h, then 3/7 ≤ ½ at 1 d: **median 1.0 d**. S never reaches 0.1: **p90 > 20.0 d**
//!   (the longest wait, #4). Card detail `p90 > 20.0 d · 2 unanswered of 7`. Counting the bot's
//!   10 min or dave's own 1 h on #2 would make the median 6.0 h.
//! - Splits: maintainer responders: #1 2 h, #7 4 h, #2 1 d, #6 3 d; #3 (27 d), #4, #5 censored:
//!   **median 3.0 d, p90 > 27.0 d, 4 answered, 3 unanswered**. Bot responders: only #2
//!   (10 min): **> 70.0 d, 1 answered, 6 unanswered**. First-timer authors: #2 only: **1.0 d**.
//!   Returning authors: #1 2 h, #3 6 h, #6 3 d, #4/#5 censored: **median 3.0 d, p90 > 20.0 d,
//!   3 answered, 2 unanswered**. Maintainer authors: #7: **4.0 h**.
//! - **PR TTFR** (#11 2 h, #12 5 h from ready, #13 12 h, #15 ≈8 d censored; #14 is a bot's,
//!   #16 still a draft): S = 3/4, 2/4 → **median 5.0 h**, **p90 > 8.0 d**,
//!   `p90 > 8.0 d · 1 unanswered of 4`. With the clock at creation #12 would be 1 h (bob's draft
//!   comment) and the median 2.0 h; counting carol's own or the bot's reply on #13 likewise moves it.
//! - **All items** (the overview's column and the first-response badge): the 7 issues and 4 PRs,
//!   events 2 h, 2 h, 4 h, 5 h, 6 h, 12 h, …: S(12 h) = 5/11 ≤ ½ → **12.0 h** (badge `12 h`).
//! - **Time to close** (issues closed in the window: #7 12 h, #2 3 d, #1 10 d; #6 is open again):
//!   nearest rank, **median 3.0 d**, **p90 10.0 d**, `p90 10.0 d · 3 closed`.
//! - **Time to merge** (#11 2 d, #12 7 d; #14 is a bot's): **2.0 d**, `p90 7.0 d · 2 merged`.
//! - **Closure ratio**: opened in the window #11, #12, #13, #15, #16 (drafts count) = 5; closed
//!   #11, #12 merged and #13 unmerged = 3: **0.60**, `3 closed / 5 opened`.
//! - **Acceptance ratio**: 2 ÷ 3 = **67%**, `2 merged, 1 closed unmerged`.
//! - **Contributor Absence Factor**, merged PRs by author: carol 1, dave 1; 1 is not more than
//!   half of 2, so **2**. Reviews: alice 3 (#11, #12, #14), bob 1: 3 > 2 → 1. Issue comments:
//!   bob 3, alice 2, carol 2, `<img…>` 1, dave 1 (total 9): 3 ≤ 4.5, 5 > 4.5 → 2. No commit
//!   statistics → —. Detail `commits — · reviews 1 · comments 2`.
//! - **Maintainer load**: roster alice, bob (OWNER/MEMBER). Responses are conversation and review
//!   comments on someone else's item (the `person_weeks.responses` rollup; reviews count apart):
//!   bob 3 (#2, #7, #12 while a draft), alice 2 (#1, #6), `<img…>` 1; 6 in all. Reviews alice 3,
//!   bob 1; merges alice 2 (#11, #14), bob 1 (#12); triage (first responder) alice 5 (#1, #6,
//!   #11, #12, #14), bob 3 (#2, #7, #13). **2 active maintainers**, `top responder bob gave 50%`
//!   (3 of 6). The load table's share should be of all 6 human responses: bob 50%, alice 33%.
//! - **Backlog**: open issues #3, #4, #5, #6, #10 = 5; open PRs #15, #16 = 2: **7**,
//!   `5 issues · 2 PRs · 2 stale`. Ageing: issues new 0 / staling 3 (#3 27 d, #4, #5) / stale 2
//!   (#6 70 d, #10 120 d); PRs new 1 (#16) / staling 1 (#15) / stale 0.
//! - Backlog series: every week of the window, the open counts before it being the running sum
//!   (1 open issue, #10). The 12-week change compares the end of the last week (5 issues, 2 PRs)
//!   with the end of the week 11 weeks before; that week ends 70–77 days ago, before #6 opened,
//!   so 1 was open: **+6**, overview `7 ↑6`, badge `backlog: 7 open ↑6`.
//! - **Unanswered**: open, no human non-author response, not a draft: #10 (120 d), #4 (20 d),
//!   #5 (10 d), #15 (8 d): **4**, oldest first in that order.
//! - Inactive contributors: alice, bob, carol, dave, `<img…>` all active; none drifting or away.
//! - Releases: **2 in the last 365 days, 40 days apart, the last 20 days ago**; lifecycle
//!   **active** (a release in the last 90 days).
//!
//! With **bots=include**: #8 and #14 count. Backlog 8 (`6 issues · 2 PRs · 2 stale`), unanswered
//! 5 (#8 last), closure `4 closed / 6 opened` (0.67), acceptance 75% (`3 merged, 1 closed
//! unmerged`), time to merge `p90 7.0 d · 3 merged` (1 d, 2 d, 7 d: median still 2.0 d).
//!
//! With **window=30** (from 29–30 days ago): time to close only #7: **12.0 h**,
//! `p90 12.0 h · 1 closed`; closure: opened #13, #15, #16, closed #12, #13: `2 closed / 3 opened`;
//! issue TTFR over #3 6 h, #7 4 h, #4, #5 censored: **6.0 h**.
//! With **window=365**: time to close adds #9 (50 d): 12 h, 3 d, 10 d, 50 d → **3.0 d**,
//! `p90 50.0 d · 4 closed`; time to merge adds #17 (5 d): 2 d, 5 d, 7 d → **5.0 d**; closure
//! `4 closed / 6 opened`; issue TTFR adds #9 (5 d) and #10 (censored 120 d): **3.0 d**.
//!
//! # acme/gadget and the org
//!
//! gadget: backlog 1 (`1 ↑1`: nothing was open 11 weeks before the last), unanswered 1, first response 1.0 h (#2 1 h, #1 censored: S = ½ at 1 h),
//! absence factor 1 (bob's one merged PR), 1 active maintainer (alice), lifecycle stable.
//! Org `acme`: unanswered 5, backlog 8 (`6 issues · 2 PRs · 2 stale`), closure
//! `4 closed / 6 opened`, time to merge 1 d, 2 d, 7 d → `2.0 d`, `p90 7.0 d · 3 merged`.

use upkeep::db::{
    self,
    accounts::AccountRow,
    activity::{CommentRow, ReleaseRow, ReviewRow},
    issues::{IssueRow, PullDetails},
    repos::{RepoOutcome, RepositoryRow},
};

use crate::helpers::Store;

pub use crate::seed_ids::*;

/// Seeds both repositories, derives first responses and rollups, records a finished run.
/// Returns the `now` every timestamp is relative to.
pub async fn seed(store: &Store) -> i64 {
    let now = chrono::Utc::now().timestamp();
    let pool = &store.db.pool;
    for (id, login, kind, is_bot) in [
        (ALICE, "alice", "User", false),
        (BOB, "bob", "User", false),
        (CAROL, "carol", "User", false),
        (DAVE, "dave", "User", false),
        (BOT, "dependabot[bot]", "Bot", true),
        (HOSTILE, HOSTILE_LOGIN, "User", false),
    ] {
        let row = AccountRow { id, login: login.to_owned(), kind: kind.to_owned(), name: None, is_bot };
        db::accounts::upsert_account(pool, &row).await.expect("account");
    }
    repository(store, WIDGET, "widget", "https://github.com/acme/widget", now).await;
    repository(store, GADGET, "gadget", HOSTILE_URL, now).await;
    widget(store, now).await;
    gadget(store, now).await;
    for repo_id in [WIDGET, GADGET] {
        let mut tx = store.db.begin_write().await.expect("write transaction");
        db::responses::recompute_responses(&mut tx, repo_id, 0, None).await.expect("first responses");
        db::rollups::rebuild_rollups(&mut tx, repo_id, None).await.expect("rollups");
        tx.commit().await.expect("commit");
    }
    let run = db::runs::start_run(pool, "test", now).await.expect("run");
    let totals =
        db::runs::RunTotals { status: "ok", repos: 2, requests: 0, not_modified: 0, items_written: 0, error: None };
    db::runs::finish_run(pool, run, &totals, now).await.expect("finish run");
    now
}

async fn repository(store: &Store, id: i64, name: &str, html_url: &str, now: i64) {
    let full_name = format!("acme/{name}");
    let row = RepositoryRow {
        id,
        owner: "acme".into(),
        name: name.into(),
        full_name: full_name.clone(),
        description: None,
        html_url: html_url.into(),
        language: Some("Rust".into()),
        default_branch: Some("main".into()),
        is_private: false,
        is_fork: false,
        is_archived: false,
        stargazers: 0,
        forks: 0,
        open_issues: 0,
        created_at: now - 400 * DAY,
        updated_at: now,
        pushed_at: Some(now),
    };
    let pool = &store.db.pool;
    db::repos::upsert_repository(pool, &row).await.expect("repository");
    db::repos::track_repository(pool, &full_name, "org:acme").await.expect("track");
    let outcome = RepoOutcome { condition: "ok", message: None, repo_id: Some(id), at: now };
    db::repos::record_repo_outcome(pool, &full_name, &outcome).await.expect("outcome");
}

/// One issue or pull request: how it was opened and how (if) it ended.
struct Item {
    number: i64,
    pr: bool,
    author: i64,
    association: &'static str,
    created: i64,
    title: &'static str,
    /// Closed at, for an item closed without merge.
    closed: Option<i64>,
    /// Merged at and by whom.
    merged: Option<(i64, i64)>,
    state_reason: Option<&'static str>,
    labels: &'static [&'static str],
    /// Opened as a draft; `Some(t)` when marked ready for review at `t`.
    draft: Option<Option<i64>>,
}

impl Item {
    fn new(number: i64, pr: bool, author: i64, association: &'static str, created: i64) -> Item {
        Item {
            number,
            pr,
            author,
            association,
            created,
            title: "an ordinary item",
            closed: None,
            merged: None,
            state_reason: None,
            labels: &[],
            draft: None,
        }
    }
}

async fn insert(store: &Store, repo_id: i64, item: Item) {
    let closed_at = item.closed.or(item.merged.map(|(at, _)| at));
    let still_draft = matches!(item.draft, Some(None));
    let row = IssueRow {
        id: repo_id * 1000 + item.number,
        repo_id,
        number: item.number,
        node_id: format!("N_{repo_id}_{}", item.number),
        is_pull_request: item.pr,
        title: item.title.to_owned(),
        state: if closed_at.is_some() { "closed" } else { "open" }.to_owned(),
        state_reason: item.state_reason.map(str::to_owned).or(closed_at.map(|_| "completed".to_owned())),
        author_id: Some(item.author),
        author_association: item.association.to_owned(),
        labels: serde_json::to_string(item.labels).unwrap(),
        assignees: "[]".to_owned(),
        milestone: None,
        comments: 0,
        created_at: item.created,
        updated_at: closed_at.unwrap_or(item.created) + HOUR,
        closed_at,
        draft: still_draft,
        merged_at: item.merged.map(|(at, _)| at),
    };
    db::issues::upsert_issue(&store.db.pool, &row).await.expect("issue");
    if item.pr {
        let details = PullDetails {
            repo_id,
            number: item.number,
            draft: still_draft,
            merged_at: item.merged.map(|(at, _)| at),
            merged_by_id: item.merged.map(|(_, by)| by),
            ready_for_review_at: item.draft.flatten(),
        };
        db::issues::update_pull_details(&store.db.pool, &details).await.expect("pull details");
    }
}

/// Comment ids are unique across both repositories.
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

async fn review(store: &Store, id: i64, repo_id: i64, number: i64, author: i64, state: &str, at: i64) {
    let row = ReviewRow {
        id,
        repo_id,
        pr_number: number,
        author_id: Some(author),
        author_association: if author == ALICE { "OWNER" } else { "MEMBER" }.to_owned(),
        state: state.to_owned(),
        submitted_at: Some(at),
    };
    db::activity::upsert_review(&store.db.pool, &row).await.expect("review");
}

async fn widget(store: &Store, now: i64) {
    let ago = |days: i64| now - days * DAY;
    let w = WIDGET;

    // Issues.
    insert(store, w, Item { closed: Some(ago(50)), ..Item::new(1, false, CAROL, "CONTRIBUTOR", ago(60)) }).await;
    comment(store, 1, w, 1, ALICE, "OWNER", ago(60) + 2 * HOUR).await;

    insert(store, w, Item { closed: Some(ago(37)), ..Item::new(2, false, DAVE, "FIRST_TIME_CONTRIBUTOR", ago(40)) })
        .await;
    comment(store, 2, w, 2, BOT, "NONE", ago(40) + 10 * MINUTE).await;
    comment(store, 3, w, 2, DAVE, "FIRST_TIME_CONTRIBUTOR", ago(40) + HOUR).await;
    comment(store, 4, w, 2, BOB, "MEMBER", ago(40) + DAY).await;

    insert(store, w, Item::new(3, false, CAROL, "CONTRIBUTOR", ago(27))).await;
    comment(store, 5, w, 3, CAROL, "CONTRIBUTOR", ago(27) + HOUR).await;
    comment(store, 6, w, 3, HOSTILE, "NONE", ago(27) + 6 * HOUR).await;

    insert(store, w, Item::new(4, false, DAVE, "CONTRIBUTOR", ago(20))).await;

    let hostile = Item {
        title: HOSTILE_TITLE,
        labels: &[HOSTILE_LABEL, "security"],
        ..Item::new(5, false, HOSTILE, "NONE", ago(10))
    };
    insert(store, w, hostile).await;

    insert(store, w, Item { state_reason: Some("reopened"), ..Item::new(6, false, CAROL, "CONTRIBUTOR", ago(70)) })
        .await;
    comment(store, 7, w, 6, ALICE, "OWNER", ago(70) + 3 * DAY).await;

    insert(store, w, Item { closed: Some(ago(25) + 12 * HOUR), ..Item::new(7, false, ALICE, "OWNER", ago(25)) }).await;
    comment(store, 8, w, 7, BOB, "MEMBER", ago(25) + 4 * HOUR).await;

    insert(store, w, Item::new(8, false, BOT, "NONE", ago(5))).await;

    insert(store, w, Item { closed: Some(ago(150)), ..Item::new(9, false, CAROL, "CONTRIBUTOR", ago(200)) }).await;
    comment(store, 9, w, 9, BOB, "MEMBER", ago(200) + 5 * DAY).await;

    insert(store, w, Item::new(10, false, CAROL, "CONTRIBUTOR", ago(120))).await;

    // Pull requests.
    insert(store, w, Item { merged: Some((ago(43), ALICE)), ..Item::new(11, true, CAROL, "CONTRIBUTOR", ago(45)) })
        .await;
    review(store, 101, w, 11, ALICE, "APPROVED", ago(45) + 2 * HOUR).await;

    let draft = Item {
        draft: Some(Some(ago(30))),
        merged: Some((ago(28), BOB)),
        ..Item::new(12, true, DAVE, "CONTRIBUTOR", ago(35))
    };
    insert(store, w, draft).await;
    comment(store, 10, w, 12, BOB, "MEMBER", ago(35) + HOUR).await;
    review(store, 102, w, 12, ALICE, "APPROVED", ago(30) + 5 * HOUR).await;

    insert(store, w, Item { closed: Some(ago(20)), ..Item::new(13, true, CAROL, "CONTRIBUTOR", ago(22)) }).await;
    comment(store, 11, w, 13, BOT, "NONE", ago(22) + 30 * MINUTE).await;
    comment(store, 12, w, 13, CAROL, "CONTRIBUTOR", ago(22) + HOUR).await;
    review(store, 103, w, 13, BOB, "CHANGES_REQUESTED", ago(22) + 12 * HOUR).await;

    insert(store, w, Item { merged: Some((ago(14), ALICE)), ..Item::new(14, true, BOT, "CONTRIBUTOR", ago(15)) }).await;
    review(store, 104, w, 14, ALICE, "APPROVED", ago(15) + HOUR).await;

    insert(store, w, Item::new(15, true, DAVE, "CONTRIBUTOR", ago(8))).await;

    insert(store, w, Item { draft: Some(None), ..Item::new(16, true, CAROL, "CONTRIBUTOR", ago(3)) }).await;

    insert(store, w, Item { merged: Some((ago(110), ALICE)), ..Item::new(17, true, BOB, "MEMBER", ago(115)) }).await;
    review(store, 105, w, 17, ALICE, "APPROVED", ago(115) + DAY).await;

    // Releases.
    for (id, tag, at, draft) in [(1, "v1.0", ago(60), false), (2, "v1.1", ago(20), false), (3, "v1.2", ago(2), true)] {
        let row = ReleaseRow {
            id,
            repo_id: w,
            tag_name: tag.to_owned(),
            name: Some(tag.to_owned()),
            draft,
            prerelease: false,
            author_id: Some(ALICE),
            created_at: at,
            published_at: (!draft).then_some(at),
        };
        db::activity::upsert_release(&store.db.pool, &row).await.expect("release");
    }
}

async fn gadget(store: &Store, now: i64) {
    let ago = |days: i64| now - days * DAY;
    insert(store, GADGET, Item::new(1, false, DAVE, "CONTRIBUTOR", ago(12))).await;
    insert(store, GADGET, Item { merged: Some((ago(5), ALICE)), ..Item::new(2, true, BOB, "MEMBER", ago(6)) }).await;
    review(store, 201, GADGET, 2, ALICE, "APPROVED", ago(6) + HOUR).await;
}
