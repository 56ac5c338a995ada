//! The newcomer pages over a small hand-designed dataset: the finder (claims, mentors, filters,
//! sorts, bad input, JSON), the Atom feeds, the widget and the project page (checklist, cohorts,
//! Newcomer Experience, outcomes). HTML is read through CSS selectors, Atom through a small XML
//! reader that fails on anything not well-formed.
//!
//! # Dataset (times relative to `now`; "d" days, "h" hours)
//!
//! `acme/onboard` (Rust, repo 300; community profile: README yes, CONTRIBUTING **no**) and
//! `beta/tool` (Python, repo 400; no profile). `maint` is OWNER of both and authors every
//! newcomer issue, so issues add no contributors.
//!
//! | #  | repo   | labels                          | opened | situation                                          | finder (default / claimed=show)           |
//! |----|--------|---------------------------------|--------|----------------------------------------------------|-------------------------------------------|
//! | 1  | acme   | good-first-issue                | −1 d   | nothing                                            | listed                                    |
//! | 2  | acme   | good first issue                | −2 d   | assigned to bob                                    | hidden / "assigned to @bob"               |
//! | 3  | acme   | easy                            | −3 d   | open PR #12 says "Closes #3"                       | hidden / "PR #12 open"                    |
//! | 4  | acme   | good first issue                | −4 d   | carol: "I'd like to work on this" at −3 d          | hidden / "@carol claimed it 3 days ago"   |
//! | 5  | acme   | help wanted                     | −60 d  | dan: "Can I take this?" at −45 d, nothing since    | listed, note "@dan claimed it 45 days ago, nothing since" |
//! | 6  | acme   | good first issue, mentor: @alice| −6 d   | assigned to alice (its mentor); erin asks at −5 d, alice answers 6 h later | listed, mentor @alice, replies in 6.0 h |
//! | 7  | acme   | bug                             | −3 d   | not a newcomer label                               | never                                     |
//! | 8  | acme   | good first issue                | −7 d   | assigned to the hostile login                      | hidden / "assigned to @<img …>"           |
//! | 9  | beta   | Good First Issue                | −8 d   | hostile title                                      | listed                                    |
//! | 10 | beta   | beginner                        | −100 d | last activity −100 d                               | listed                                    |
//! | 21 | acme   | good first issue                | −40 d  | closed −19 d, assigned to frank (PR #20 fixed it)  | (closed)                                  |
//!
//! Default order (newest first): 1, 6, 9, 5, 10; with claimed=show: 1, 2, 3, 4, 6, 8, 9, 5, 10.
//! Filters: `label=good-first-issue` → 1, 6, 9; `repo=beta/tool` and `language=python` → 9, 10;
//! `mentored=true` → 6; `freshness=30` (last activity within 30 d; #5 −45 d, #10 −100 d) → 1, 6, 9.
//!
//! First-timers' pull requests (last 365 d): acme #20 by frank (−20 d, maint answers +2 h, merged
//! −19 d) and #33 by kim (−150 d, maint answers +3 d, open): S(2 h) = ½ → **2.0 h**, merge rate
//! **100%**; beta #5 by gina (−30 d, answered +3 d, closed unmerged −20 d): **3.0 d**, **0%**.
//! `sort=responsive` → acme first: 1, 6, 5, 9, 10. Last maintainer activity: maint's newest
//! item, acme #1 (**1.0 d ago**), beta #9 (**8.0 d ago**). CONTRIBUTING: acme **no**, beta **unknown**.
//! Widget acme: 3 unclaimed (1, 5, 6): `3 open · replies in 2 h`.
//!
//! # acme/onboard, default window (365 d)
//!
//! Non-maintainer contributors (first → second engagement): hana issue #30 −200 d → comment on
//! ivan's #31 at −150 d (50 d: **returned**); ivan issue #31 −200 d + 1 h (none: did not); jo
//! issue #32 −180 d (none: did not); kim PR #33 −150 d → issue #34 −10 d (140 d: did not);
//! frank PR #20 −20 d → issue #35 −5 d (**pending**: his 90 days are not over). Share 1 ÷ 4 = **25%**, `1 of 4 first-timers · 1 pending`;
//! median time to second **50.0 d**. Cohorts: those five by calendar month of their first contribution.
//! First-timer TTFR: #20 2 h, #30 1 d (maint), #33 3 d, #31 50 d (hana), #32 censored 180 d:
//! S = 4/5, 3/5, 2/5 → **3.0 d**. First-timer merge rate: #20 merged, #33 open: **100%**,
//! `1 merged, 0 closed unmerged, 1 open`.
//! Outcomes by label: good first issue (1, 2, 4, 6, 8, 21) 6 issues, 1 closed, 1 by a first-timer
//! (frank: assigned, first contribution a PR merged before the close), who came back (15 d
//! later), time to close 21.0 d; easy 1; help wanted 1. By mentor: alice 1, (no mentor) 7.

use scraper::{ElementRef, Html, Selector};
use upkeep::db::{
    self,
    accounts::AccountRow,
    activity::CommentRow,
    issues::{IssueRow, PullDetails},
    newcomers::{CommunityProfileRow, TimelineRow},
    repos::{RepoOutcome, RepositoryRow},
};

use crate::helpers::{Store, config_for, select, spawn_app, text};

pub(crate) const HOUR: i64 = 3_600;
pub(crate) const DAY: i64 = 86_400;
const ACME: i64 = 300;
pub(crate) const BETA: i64 = 400;
pub(crate) const HOSTILE_LOGIN: &str = "<img src=x onerror=alert(1)>";
pub(crate) const HOSTILE_TITLE: &str = r#"<script>alert("x")</script> & "quotes" ]]>"#;
pub(crate) const CONTRIBUTING_DOCS: &str = "https://docs.github.com/en/communities/setting-up-your-project-for-healthy-contributions/setting-guidelines-for-repository-contributors";

// Accounts.
pub(crate) const MAINT: i64 = 1;
const HANA: i64 = 2;
const IVAN: i64 = 3;
const JO: i64 = 4;
const KIM: i64 = 5;
const FRANK: i64 = 6;
const GINA: i64 = 7;

/// One issue or pull request.
pub(crate) struct Item {
    pub(crate) repo: i64,
    pub(crate) number: i64,
    pub(crate) author: i64,
    pub(crate) association: &'static str,
    pub(crate) created: i64,
    pub(crate) updated: i64,
    pub(crate) title: &'static str,
    pub(crate) labels: &'static [&'static str],
    pub(crate) assignees: &'static [&'static str],
    pub(crate) pr: bool,
    pub(crate) closed: Option<i64>,
    pub(crate) merged: Option<i64>,
}

impl Item {
    pub(crate) fn new(repo: i64, number: i64, author: i64, created: i64) -> Item {
        let association = if author == MAINT { "OWNER" } else { "NONE" };
        Item {
            repo,
            number,
            author,
            association,
            created,
            updated: created,
            title: "an ordinary issue",
            labels: &[],
            assignees: &[],
            pr: false,
            closed: None,
            merged: None,
        }
    }
}

fn issue_id(repo: i64, number: i64) -> i64 {
    repo * 1000 + number
}

pub(crate) async fn insert(store: &Store, i: Item) {
    let closed_at = i.closed.or(i.merged);
    let row = IssueRow {
        id: issue_id(i.repo, i.number),
        repo_id: i.repo,
        number: i.number,
        node_id: format!("N_{}_{}", i.repo, i.number),
        is_pull_request: i.pr,
        title: i.title.to_owned(),
        state: if closed_at.is_some() { "closed" } else { "open" }.to_owned(),
        state_reason: closed_at.map(|_| "completed".to_owned()),
        author_id: Some(i.author),
        author_association: i.association.to_owned(),
        labels: serde_json::to_string(i.labels).unwrap(),
        assignees: serde_json::to_string(i.assignees).unwrap(),
        milestone: None,
        comments: 0,
        created_at: i.created,
        updated_at: i.updated.max(closed_at.unwrap_or(i.created)),
        closed_at,
        draft: false,
        merged_at: i.merged,
    };
    db::issues::upsert_issue(&store.db.pool, &row).await.expect("issue");
    if i.pr {
        let details = PullDetails {
            repo_id: i.repo,
            number: i.number,
            draft: false,
            merged_at: i.merged,
            merged_by_id: i.merged.map(|_| MAINT),
            ready_for_review_at: None,
        };
        db::issues::update_pull_details(&store.db.pool, &details).await.expect("pull details");
    }
}

async fn comment(store: &Store, id: i64, repo: i64, number: i64, author: i64, at: i64) {
    let association = if author == MAINT { "OWNER" } else { "CONTRIBUTOR" };
    let row = CommentRow {
        id,
        repo_id: repo,
        issue_number: number,
        author_id: Some(author),
        author_association: association.to_owned(),
        created_at: at,
        updated_at: at,
    };
    db::activity::upsert_comment(&store.db.pool, &row).await.expect("comment");
}

/// A timeline comment (only in `issue_timeline`, as the newcomer pass stores it).
fn said(issue: i64, seq: i64, login: &str, association: &str, body: &str, at: i64) -> TimelineRow {
    TimelineRow {
        issue_id: issue,
        seq,
        kind: "comment".into(),
        at,
        login: Some(login.into()),
        association: Some(association.into()),
        body: Some(body.into()),
        pr_number: None,
        pr_state: None,
        will_close: false,
    }
}

fn closing_pr(issue: i64, number: i64, state: &str, at: i64) -> TimelineRow {
    TimelineRow {
        kind: "cross_reference".into(),
        body: None,
        association: None,
        pr_number: Some(number),
        pr_state: Some(state.into()),
        will_close: true,
        ..said(issue, 0, "someone", "", "", at)
    }
}

async fn timeline(store: &Store, issue: i64, rows: &[TimelineRow]) {
    let mut tx = store.db.begin_write().await.expect("write transaction");
    db::newcomers::replace_timeline(&mut tx, issue, rows).await.expect("timeline");
    tx.commit().await.expect("commit");
}

async fn repository(store: &Store, id: i64, owner: &str, name: &str, language: &str, now: i64) {
    let full_name = format!("{owner}/{name}");
    let row = RepositoryRow {
        id,
        owner: owner.into(),
        name: name.into(),
        full_name: full_name.clone(),
        description: None,
        html_url: format!("https://github.com/{full_name}"),
        language: Some(language.into()),
        default_branch: Some("main".into()),
        is_private: false,
        is_fork: false,
        is_archived: false,
        stargazers: 0,
        forks: 0,
        open_issues: 0,
        created_at: now - 800 * DAY,
        updated_at: now,
        pushed_at: Some(now),
    };
    let pool = &store.db.pool;
    db::repos::upsert_repository(pool, &row).await.expect("repository");
    db::repos::track_repository(pool, &full_name, &format!("org:{owner}")).await.expect("track");
    let outcome = RepoOutcome { condition: "ok", message: None, repo_id: Some(id), at: now };
    db::repos::record_repo_outcome(pool, &full_name, &outcome).await.expect("outcome");
}

/// Seeds the dataset of the module doc; returns `now`.
async fn seed(store: &Store) -> i64 {
    let now = chrono::Utc::now().timestamp();
    let pool = &store.db.pool;
    for (id, login) in
        [(MAINT, "maint"), (HANA, "hana"), (IVAN, "ivan"), (JO, "jo"), (KIM, "kim"), (FRANK, "frank"), (GINA, "gina")]
    {
        let row = AccountRow { id, login: login.into(), kind: "User".into(), name: None, is_bot: false };
        db::accounts::upsert_account(pool, &row).await.expect("account");
    }
    repository(store, ACME, "acme", "onboard", "Rust", now).await;
    repository(store, BETA, "beta", "tool", "Python", now).await;
    newcomer_issues(store, now).await;
    contributors(store, now).await;
    let profile = CommunityProfileRow {
        repo_id: ACME,
        health_percentage: 50,
        has_readme: true,
        has_license: true,
        updated_at: Some(now),
        ..Default::default()
    };
    db::newcomers::upsert_community_profile(pool, &profile).await.expect("profile");
    for repo in [ACME, BETA] {
        let mut tx = store.db.begin_write().await.expect("write transaction");
        db::responses::recompute_responses(&mut tx, repo, 0, None).await.expect("first responses");
        db::rollups::rebuild_rollups(&mut tx, repo, None).await.expect("rollups");
        tx.commit().await.expect("commit");
    }
    now
}

async fn newcomer_issues(store: &Store, now: i64) {
    let ago = |days: i64| now - days * DAY;
    let gfi: &[&str] = &["good first issue"];
    insert(store, Item { labels: &["good-first-issue"], ..Item::new(ACME, 1, MAINT, ago(1)) }).await;
    insert(store, Item { labels: gfi, assignees: &["bob"], ..Item::new(ACME, 2, MAINT, ago(2)) }).await;
    insert(store, Item { labels: &["easy"], ..Item::new(ACME, 3, MAINT, ago(3)) }).await;
    timeline(store, issue_id(ACME, 3), &[closing_pr(issue_id(ACME, 3), 12, "OPEN", ago(2))]).await;
    insert(store, Item { labels: gfi, updated: ago(3), ..Item::new(ACME, 4, MAINT, ago(4)) }).await;
    let claim = said(issue_id(ACME, 4), 0, "carol", "NONE", "I'd like to work on this", ago(3));
    timeline(store, issue_id(ACME, 4), &[claim]).await;
    insert(store, Item { labels: &["help wanted"], updated: ago(45), ..Item::new(ACME, 5, MAINT, ago(60)) }).await;
    timeline(store, issue_id(ACME, 5), &[said(issue_id(ACME, 5), 0, "dan", "NONE", "Can I take this?", ago(45))]).await;
    let mentored = Item {
        labels: &["good first issue", "mentor: @alice"],
        assignees: &["alice"],
        updated: ago(5) + 6 * HOUR,
        ..Item::new(ACME, 6, MAINT, ago(6))
    };
    insert(store, mentored).await;
    let thread = [
        said(issue_id(ACME, 6), 0, "erin", "NONE", "How do I build this?", ago(5)),
        said(issue_id(ACME, 6), 1, "alice", "MEMBER", "Run cargo build; ping me if you get stuck.", ago(5) + 6 * HOUR),
    ];
    timeline(store, issue_id(ACME, 6), &thread).await;
    insert(store, Item { labels: &["bug"], ..Item::new(ACME, 7, MAINT, ago(3)) }).await;
    insert(store, Item { labels: gfi, assignees: &[HOSTILE_LOGIN], ..Item::new(ACME, 8, MAINT, ago(7)) }).await;
    let hostile = Item { labels: &["Good First Issue"], title: HOSTILE_TITLE, ..Item::new(BETA, 9, MAINT, ago(8)) };
    insert(store, hostile).await;
    insert(store, Item { labels: &["beginner"], ..Item::new(BETA, 10, MAINT, ago(100)) }).await;
    // Fixed by frank's PR #20: assigned to him (the collector keeps no timeline of closed issues).
    let fixed =
        Item { labels: gfi, assignees: &["Frank"], closed: Some(ago(19)), ..Item::new(ACME, 21, MAINT, ago(40)) };
    insert(store, fixed).await;
}

async fn contributors(store: &Store, now: i64) {
    let ago = |days: i64| now - days * DAY;
    insert(store, Item::new(ACME, 30, HANA, ago(200))).await;
    comment(store, 1, ACME, 30, MAINT, ago(200) + DAY).await;
    insert(store, Item::new(ACME, 31, IVAN, ago(200) + HOUR)).await;
    comment(store, 2, ACME, 31, HANA, ago(150)).await;
    insert(store, Item::new(ACME, 32, JO, ago(180))).await;
    insert(store, Item { pr: true, ..Item::new(ACME, 33, KIM, ago(150)) }).await;
    comment(store, 3, ACME, 33, MAINT, ago(150) + 3 * DAY).await;
    insert(store, Item::new(ACME, 34, KIM, ago(10))).await;
    insert(store, Item { pr: true, merged: Some(ago(19)), ..Item::new(ACME, 20, FRANK, ago(20)) }).await;
    comment(store, 4, ACME, 20, MAINT, ago(20) + 2 * HOUR).await;
    insert(store, Item::new(ACME, 35, FRANK, ago(5))).await;
    insert(store, Item { pr: true, closed: Some(ago(20)), ..Item::new(BETA, 5, GINA, ago(30)) }).await;
    comment(store, 5, BETA, 5, MAINT, ago(30) + 3 * DAY).await;
}

pub(crate) async fn seeded_app() -> (Store, String, i64) {
    let store = Store::new().await;
    let now = seed(&store).await;
    let app = spawn_app(config_for("http://127.0.0.1:9", &store.path()), store.db.clone()).await;
    (store, app, now)
}

// ---- reading pages ----

pub(crate) fn texts(doc: &Html, css: &str) -> Vec<String> {
    select(doc, css).iter().map(text).collect()
}

pub(crate) fn within(row: &ElementRef<'_>, css: &str) -> Vec<String> {
    row.select(&Selector::parse(css).expect("selector")).map(|e| text(&e)).collect()
}

/// The finder's rows as `(repo, number)`.
pub(crate) fn listed(doc: &Html) -> Vec<(String, i64)> {
    select(doc, "#finder tbody tr.newcomer-issue")
        .iter()
        .map(|r| {
            let attr = |name| r.value().attr(name).expect("data attribute").to_owned();
            (attr("data-repo"), attr("data-number").parse().unwrap())
        })
        .collect()
}

pub(crate) fn numbers(doc: &Html) -> Vec<i64> {
    listed(doc).into_iter().map(|(_, n)| n).collect()
}

/// The finder row of issue `number`.
pub(crate) fn row<'a>(doc: &'a Html, number: i64) -> ElementRef<'a> {
    select(doc, &format!("#finder tbody tr[data-number=\"{number}\"]")).into_iter().next().expect("row")
}

/// The `href` of the element `css`, if there is one.
pub(crate) fn href(doc: &Html, css: &str) -> Option<String> {
    select(doc, css).first().and_then(|e| e.value().attr("href")).map(str::to_owned)
}
