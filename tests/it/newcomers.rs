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

use std::collections::BTreeMap;

use chrono::DateTime;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use upkeep::db::{
    self,
    accounts::AccountRow,
    activity::CommentRow,
    issues::{IssueRow, PullDetails},
    newcomers::{CommunityProfileRow, TimelineRow},
    repos::{RepoOutcome, RepositoryRow},
};

use crate::helpers::{Store, config_for, get, json, page, select, spawn_app, text};

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
const ACME: i64 = 300;
const BETA: i64 = 400;
const HOSTILE_LOGIN: &str = "<img src=x onerror=alert(1)>";
const HOSTILE_TITLE: &str = r#"<script>alert("x")</script> & "quotes" ]]>"#;
const CONTRIBUTING_DOCS: &str = "https://docs.github.com/en/communities/setting-up-your-project-for-healthy-contributions/setting-guidelines-for-repository-contributors";

// Accounts.
const MAINT: i64 = 1;
const HANA: i64 = 2;
const IVAN: i64 = 3;
const JO: i64 = 4;
const KIM: i64 = 5;
const FRANK: i64 = 6;
const GINA: i64 = 7;

/// One issue or pull request.
struct Item {
    repo: i64,
    number: i64,
    author: i64,
    association: &'static str,
    created: i64,
    updated: i64,
    title: &'static str,
    labels: &'static [&'static str],
    assignees: &'static [&'static str],
    pr: bool,
    closed: Option<i64>,
    merged: Option<i64>,
}

impl Item {
    fn new(repo: i64, number: i64, author: i64, created: i64) -> Item {
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

async fn insert(store: &Store, i: Item) {
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

async fn seeded_app() -> (Store, String, i64) {
    let store = Store::new().await;
    let now = seed(&store).await;
    let app = spawn_app(config_for("http://127.0.0.1:9", &store.path()), store.db.clone()).await;
    (store, app, now)
}

// ---- reading pages ----

fn texts(doc: &Html, css: &str) -> Vec<String> {
    select(doc, css).iter().map(text).collect()
}

fn within(row: &ElementRef<'_>, css: &str) -> Vec<String> {
    row.select(&Selector::parse(css).expect("selector")).map(|e| text(&e)).collect()
}

/// The finder's rows as `(repo, number)`.
fn listed(doc: &Html) -> Vec<(String, i64)> {
    select(doc, "#finder tbody tr.newcomer-issue")
        .iter()
        .map(|r| {
            let attr = |name| r.value().attr(name).expect("data attribute").to_owned();
            (attr("data-repo"), attr("data-number").parse().unwrap())
        })
        .collect()
}

fn numbers(doc: &Html) -> Vec<i64> {
    listed(doc).into_iter().map(|(_, n)| n).collect()
}

/// The finder row of issue `number`.
fn row<'a>(doc: &'a Html, number: i64) -> ElementRef<'a> {
    select(doc, &format!("#finder tbody tr[data-number=\"{number}\"]")).into_iter().next().expect("row")
}

// ---- the finder ----

#[tokio::test]
async fn the_finder_lists_unclaimed_newcomer_issues_newest_first_and_hides_claimed_ones() {
    let (_store, app, _) = seeded_app().await;
    let doc = page(&format!("{app}/newcomers")).await;
    assert_eq!(numbers(&doc), [1, 6, 9, 5, 10]);
    assert!(select(&doc, "#finder tr.claimed").is_empty());
    assert_eq!(texts(&doc, "#show-claimed"), ["4 claimed issues hidden"]);
    let one = row(&doc, 1);
    assert_eq!(within(&one, ".repo"), ["acme/onboard"]);
    assert_eq!(within(&one, ".newcomer-label"), ["good first issue"]);
    let link = one.select(&Selector::parse("a.title").unwrap()).next().unwrap();
    assert_eq!(link.value().attr("href"), Some("https://github.com/acme/onboard/issues/1"));
    assert_eq!(within(&one, ".first-timer-response"), ["2.0 h"]);
    assert_eq!(within(&one, ".merge-rate"), ["100%"]);
    assert_eq!(within(&one, ".maintainer-activity"), ["1.0 d ago"]);
    assert_eq!(within(&one, ".contributing"), ["no"]);
    let nine = row(&doc, 9);
    let cells = [".first-timer-response", ".merge-rate", ".maintainer-activity", ".contributing"];
    let found: Vec<String> = cells.iter().flat_map(|c| within(&nine, c)).collect();
    assert_eq!(found, ["3.0 d", "0%", "8.0 d ago", "unknown"]);
}

#[tokio::test]
async fn claimed_issues_are_shown_on_request_with_the_reason_they_are_claimed() {
    let (_store, app, _) = seeded_app().await;
    let doc = page(&format!("{app}/newcomers?claimed=show")).await;
    assert_eq!(numbers(&doc), [1, 2, 3, 4, 6, 8, 9, 5, 10]);
    let reasons: Vec<(i64, Vec<String>)> =
        [2, 3, 4, 8].iter().map(|n| (*n, within(&row(&doc, *n), ".claim-reason"))).collect();
    assert_eq!(
        reasons,
        [
            (2, vec!["assigned to @bob".to_owned()]),
            (3, vec!["PR #12 open".to_owned()]),
            (4, vec!["@carol claimed it 3 days ago".to_owned()]),
            (8, vec![format!("assigned to @{HOSTILE_LOGIN}")]),
        ]
    );
    let claimed: Vec<i64> = select(&doc, "#finder tr.claimed")
        .iter()
        .map(|r| r.value().attr("data-number").unwrap().parse().unwrap())
        .collect();
    assert_eq!(claimed, [2, 3, 4, 8]);
}

#[tokio::test]
async fn an_abandoned_claim_is_available_with_a_note_and_a_mentor_assignment_is_no_claim() {
    let (_store, app, _) = seeded_app().await;
    let doc = page(&format!("{app}/newcomers")).await;
    let five = row(&doc, 5);
    assert!(within(&five, ".claim-reason").is_empty());
    assert_eq!(within(&five, ".claim-note"), ["Available again: @dan claimed it 45 days ago, nothing since"]);
    let six = row(&doc, 6);
    assert!(!six.value().classes().any(|c| c == "claimed"));
    assert_eq!(within(&six, ".mentor-login"), ["@alice"]);
    assert_eq!(within(&six, ".mentor-source"), ["(mentor label)"]);
    assert_eq!(within(&six, ".mentor-response"), ["replies in 6.0 h"]);
}

#[tokio::test]
async fn filters_narrow_the_list_as_predicted() {
    let (_store, app, _) = seeded_app().await;
    for (query, expected) in [
        ("label=good first issue", vec![1, 6, 9]),
        ("label=good-first-issue", vec![1, 6, 9]),
        ("label=help%20wanted", vec![5]),
        ("repo=beta/tool", vec![9, 10]),
        ("language=python", vec![9, 10]),
        ("language=Rust", vec![1, 6, 5]),
        ("mentored=true", vec![6]),
        ("freshness=30", vec![1, 6, 9]),
        ("freshness=30&label=good-first-issue&repo=acme/onboard", vec![1, 6]),
        ("sort=responsive", vec![1, 6, 5, 9, 10]),
        ("repo=acme/onboard&claimed=show&mentored=true", vec![6]),
    ] {
        let doc = page(&format!("{app}/newcomers?{}", query.replace(' ', "%20"))).await;
        assert_eq!(numbers(&doc), expected, "{query}");
    }
}

#[tokio::test]
async fn bad_filter_values_are_400s_that_say_what_is_wrong() {
    let (_store, app, _) = seeded_app().await;
    for (query, says) in [
        ("repo=acme/nope", "unknown repo"),
        ("label=bug", "not a newcomer label"),
        ("language=COBOL", "unknown language"),
        ("freshness=0", "whole number of days"),
        ("freshness=soon", "whole number of days"),
        ("sort=oldest", "newest or responsive"),
        ("mentored=yes", "true or false"),
        ("claimed=all", "show or hide"),
        ("colour=red", "unknown field"),
        ("format=xml", "html or json"),
    ] {
        let (status, body) = get(&format!("{app}/newcomers?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        let doc = Html::parse_document(&body);
        let message = texts(&doc, ".error-message").join(" ");
        assert!(message.contains(says), "{query}: {message}");
    }
    let (status, body) = get(&format!("{app}/api/v1/newcomers?label=bug")).await;
    assert_eq!(status, 400);
    let error: Value = serde_json::from_str(&body).expect("a JSON error");
    assert!(error["error"].as_str().unwrap().contains("not a newcomer label"));
}

#[tokio::test]
async fn the_json_mirrors_the_html_list_with_the_same_filters() {
    let (_store, app, _) = seeded_app().await;
    for query in ["claimed=show", "label=good-first-issue", "sort=responsive", ""] {
        let doc = page(&format!("{app}/newcomers?{query}")).await;
        let api = json(&format!("{app}/api/v1/newcomers?{query}")).await;
        let mirrored = json(&format!("{app}/newcomers?{query}&format=json")).await;
        let from_json: Vec<(String, i64)> = api["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["repo"].as_str().unwrap().to_owned(), i["number"].as_i64().unwrap()))
            .collect();
        assert_eq!(from_json, listed(&doc), "{query}");
        assert_eq!(api["count"].as_u64(), Some(from_json.len() as u64));
        assert_eq!(api["issues"], mirrored["issues"], "{query}");
    }
    let api = json(&format!("{app}/api/v1/newcomers?claimed=show")).await;
    let by_number = |n: i64| api["issues"].as_array().unwrap().iter().find(|i| i["number"] == n).unwrap().clone();
    assert_eq!(
        by_number(3)["claim"],
        serde_json::json!({"status": "claimed", "reason": "linked_pull_request", "number": 12})
    );
    assert_eq!(by_number(6)["mentor"]["login"], "alice");
    assert_eq!(by_number(6)["mentor"]["source"], "label");
    assert_eq!(by_number(5)["abandoned_claims"][0]["age_days"], 45);
    assert_eq!(by_number(9)["title"], HOSTILE_TITLE);
    let acme = api["projects"].as_array().unwrap().iter().find(|p| p["repo"] == "acme/onboard").unwrap().clone();
    assert_eq!(acme["first_timer_pr_response"]["median"], serde_json::json!({"kind": "exactly", "secs": 2 * HOUR}));
    assert_eq!(acme["has_contributing"], false);
}

#[tokio::test]
async fn hostile_titles_and_logins_are_text_not_markup() {
    let (_store, app, _) = seeded_app().await;
    let doc = page(&format!("{app}/newcomers?claimed=show")).await;
    for tag in ["script", "img", "b"] {
        assert!(select(&doc, &format!("main {tag}")).is_empty(), "an injected <{tag}> in main");
    }
    assert_eq!(within(&row(&doc, 9), ".title"), [HOSTILE_TITLE.split_whitespace().collect::<Vec<_>>().join(" ")]);
    assert_eq!(within(&row(&doc, 8), ".claim-reason"), [format!("assigned to @{HOSTILE_LOGIN}")]);
}

#[tokio::test]
async fn the_nav_links_to_the_finder() {
    let (_store, app, _) = seeded_app().await;
    let doc = page(&format!("{app}/status")).await;
    let links: Vec<String> =
        select(&doc, "header.site nav a").iter().filter_map(|a| a.value().attr("href").map(str::to_owned)).collect();
    assert!(links.contains(&"/newcomers".to_owned()), "{links:?}");
}

// ---- feeds and the widget ----

/// A parsed XML element; parsing fails (panics) on anything not well-formed.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn all<'a>(&'a self, name: &str) -> Vec<&'a Element> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    fn one(&self, name: &str) -> &Element {
        let found = self.all(name);
        assert_eq!(found.len(), 1, "exactly one <{name}> in <{}>", self.name);
        found[0]
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').expect("an entity ends with ;") + at;
        let entity = &rest[at + 1..end];
        out.push(match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            e if e.starts_with("#x") => char::from_u32(u32::from_str_radix(&e[2..], 16).unwrap()).unwrap(),
            e if e.starts_with('#') => char::from_u32(e[1..].parse().unwrap()).unwrap(),
            other => panic!("unknown entity &{other};"),
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn parse_xml(doc: &str) -> Element {
    let body = doc.trim_start().strip_prefix("<?xml").and_then(|r| r.split_once("?>")).map_or(doc, |(_, r)| r);
    let mut stack = vec![Element::default()];
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        assert!(!text.contains("]]>"), "]]> in text");
        stack.last_mut().unwrap().text.push_str(&unescape(text));
        let close = rest[open..].find('>').expect("a tag ends with >") + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let done = stack.pop().expect("an open element");
            assert_eq!(done.name, name.trim(), "mismatched closing tag");
            stack.last_mut().expect("a parent").children.push(done);
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, mut attrs_text) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        let mut element = Element { name: name.to_owned(), ..Default::default() };
        while let Some((key, after)) = attrs_text.trim_start().split_once("=\"") {
            let (value, next) = after.split_once('"').expect("a quoted attribute");
            assert!(!value.contains('<'), "< in an attribute");
            assert!(element.attrs.insert(key.to_owned(), unescape(value)).is_none(), "duplicate attribute");
            attrs_text = next;
        }
        assert!(attrs_text.trim().is_empty(), "unparsed attribute text {attrs_text:?}");
        if self_closing {
            stack.last_mut().unwrap().children.push(element);
        } else {
            stack.push(element);
        }
    }
    assert!(rest.trim().is_empty(), "text after the root");
    let mut document = stack.pop().expect("the document");
    assert!(stack.is_empty(), "unclosed elements");
    assert_eq!(document.children.len(), 1, "one root element");
    document.children.pop().unwrap()
}

#[tokio::test]
async fn the_atom_feed_is_well_formed_and_lists_unclaimed_issues_newest_first() {
    let (_store, app, now) = seeded_app().await;
    let (status, body) = get(&format!("{app}/newcomers.atom")).await;
    assert_eq!(status, 200, "{body}");
    let feed = parse_xml(&body);
    assert_eq!(
        (feed.name.as_str(), feed.attrs.get("xmlns").map(String::as_str)),
        ("feed", Some("http://www.w3.org/2005/Atom"))
    );
    for required in ["id", "title", "updated", "author"] {
        feed.one(required);
    }
    let entries = feed.all("entry");
    let titles: Vec<String> = entries.iter().map(|e| e.one("title").text.clone()).collect();
    assert_eq!(
        titles,
        [
            "acme/onboard#1: an ordinary issue".to_owned(),
            "acme/onboard#6: an ordinary issue".to_owned(),
            format!("beta/tool#9: {HOSTILE_TITLE}"),
            "acme/onboard#5: an ordinary issue".to_owned(),
            "beta/tool#10: an ordinary issue".to_owned(),
        ]
    );
    assert_eq!(entries[0].one("id").text, "https://github.com/acme/onboard/issues/1");
    assert_eq!(entries[0].one("link").attrs["href"], "https://github.com/acme/onboard/issues/1");
    let expected_updated =
        DateTime::from_timestamp(now - DAY, 0).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(entries[0].one("updated").text, expected_updated);
    let (status, _) = get(&format!("{app}/newcomers.atom?claimed=show")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_project_feed_holds_only_that_project_and_unknown_projects_are_404() {
    let (_store, app, _) = seeded_app().await;
    let (status, body) = get(&format!("{app}/newcomers/beta/tool.atom")).await;
    assert_eq!(status, 200, "{body}");
    let feed = parse_xml(&body);
    let ids: Vec<String> = feed.all("entry").iter().map(|e| e.one("id").text.clone()).collect();
    assert_eq!(ids, ["https://github.com/beta/tool/issues/9", "https://github.com/beta/tool/issues/10"]);
    let (status, body) = get(&format!("{app}/newcomers/acme/onboard.atom?label=help-wanted")).await;
    assert_eq!(status, 200);
    assert_eq!(parse_xml(&body).all("entry").len(), 1);
    assert_eq!(get(&format!("{app}/newcomers/acme/nope.atom")).await.0, 404);
}

#[tokio::test]
async fn the_widget_is_an_svg_badge_with_a_title() {
    let (_store, app, _) = seeded_app().await;
    let (status, body) = get(&format!("{app}/newcomers/acme/onboard/widget.svg")).await;
    assert_eq!(status, 200);
    let svg = parse_xml(&body);
    assert_eq!(svg.name, "svg");
    assert_eq!(svg.one("title").text, "good first issues: 3 open · replies in 2 h");
    let (status, body) = get(&format!("{app}/newcomers/acme/nope/widget.svg")).await;
    assert_eq!((status, parse_xml(&body).one("title").text.as_str()), (404, "good first issues: repo not tracked"));
}

// ---- the project page ----

/// Expected cohorts: month → (first-timers, returned, did not return, pending), from the module doc.
fn expected_cohorts(now: i64) -> BTreeMap<String, [u64; 4]> {
    let month = |ts: i64| DateTime::from_timestamp(ts, 0).unwrap().format("%Y-%m").to_string();
    let mut out: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    for (first, outcome) in [
        (now - 200 * DAY, 1),
        (now - 200 * DAY + HOUR, 2),
        (now - 180 * DAY, 2),
        (now - 150 * DAY, 2),
        (now - 20 * DAY, 3),
    ] {
        let e = out.entry(month(first)).or_default();
        e[0] += 1;
        e[outcome] += 1;
    }
    out
}

#[tokio::test]
async fn the_project_page_shows_the_checklist_experience_cohorts_and_outcomes() {
    let (_store, app, now) = seeded_app().await;
    let doc = page(&format!("{app}/newcomers/acme/onboard")).await;
    assert_eq!(
        texts(&doc, "#checklist li.missing .name"),
        ["CONTRIBUTING", "CODE_OF_CONDUCT", "Issue templates", "Pull request template"]
    );
    let docs: Vec<&str> =
        select(&doc, "#check-contributing.missing a.docs").iter().filter_map(|a| a.value().attr("href")).collect();
    assert_eq!(docs, [CONTRIBUTING_DOCS]);
    assert_eq!(texts(&doc, "#checklist li.present .name"), ["README", "Licence"]);

    let card = |id: &str| (texts(&doc, &format!("#card-{id} .value")), texts(&doc, &format!("#card-{id} .detail")));
    assert_eq!(card("second-contribution"), (vec!["25%".into()], vec!["1 of 4 first-timers · 1 pending".into()]));
    assert_eq!(card("time-to-second").0, ["50.0 d"]);
    assert_eq!(card("ttfr-first-timers").0, ["3.0 d"]);
    assert_eq!(
        card("first-timer-merge-rate"),
        (vec!["100%".into()], vec!["1 merged, 0 closed unmerged, 1 open".into()])
    );
    assert_eq!(select(&doc, "section.card details.explain").len(), 5, "every card explains itself");

    let cohorts: BTreeMap<String, [u64; 4]> = select(&doc, "#cohort-table tbody tr")
        .iter()
        .map(|r| within(r, "td"))
        .filter(|cells| cells[1] != "0")
        .map(|cells| (cells[0].clone(), [1, 2, 3, 4].map(|i| cells[i].parse().unwrap())))
        .collect();
    assert_eq!(cohorts, expected_cohorts(now));
    assert_eq!(select(&doc, "figure.chart svg").len(), 1);

    let table = |id: &str| -> Vec<Vec<String>> {
        select(&doc, &format!("#{id} tbody tr")).iter().map(|r| within(r, "td").into_iter().take(6).collect()).collect()
    };
    assert_eq!(
        table("outcomes-by-label"),
        [
            ["good first issue", "6", "1", "1", "1", "21.0 d"].map(String::from).to_vec(),
            ["easy", "1", "0", "0", "0", "—"].map(String::from).to_vec(),
            ["help wanted", "1", "0", "0", "0", "—"].map(String::from).to_vec(),
        ]
    );
    let mentors: Vec<(String, String)> =
        table("outcomes-by-mentor").into_iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    assert_eq!(mentors, [("alice".to_owned(), "1".to_owned()), ("(no mentor)".to_owned(), "7".to_owned())]);
}

#[tokio::test]
async fn a_project_without_a_community_profile_says_so() {
    let (_store, app, _) = seeded_app().await;
    let doc = page(&format!("{app}/newcomers/beta/tool")).await;
    assert_eq!(select(&doc, "#no-profile").len(), 1);
    assert!(select(&doc, "#checklist").is_empty());
}

#[tokio::test]
async fn the_project_json_mirrors_the_page_and_bad_requests_fail_cleanly() {
    let (_store, app, _) = seeded_app().await;
    let p = json(&format!("{app}/newcomers/acme/onboard?format=json")).await;
    let conversion = &p["experience"]["second_contribution"]["conversion"];
    assert_eq!([&conversion["returned"], &conversion["did_not_return"], &conversion["pending"]], [1, 3, 1]);
    assert_eq!(p["experience"]["second_contribution"]["median_time_to_second"], 50 * DAY);
    assert_eq!(p["checklist"]["items"][1]["key"], "contributing");
    assert_eq!(p["checklist"]["items"][1]["present"], false);
    // Items still waiting are censored at `now`, so two answers a second apart differ by a
    // second: compare an API answer and a page answer taken within the same second.
    let mut pair = None;
    for _ in 0..5 {
        let before = chrono::Utc::now().timestamp();
        let api = json(&format!("{app}/api/v1/newcomers/acme/onboard")).await;
        let page = json(&format!("{app}/newcomers/acme/onboard?format=json")).await;
        if chrono::Utc::now().timestamp() == before {
            pair = Some((api, page));
            break;
        }
    }
    let (api, page) = pair.expect("two answers within one second");
    assert_eq!((&api["checklist"], &api["outcomes"]), (&page["checklist"], &page["outcomes"]));
    let short = json(&format!("{app}/newcomers/acme/onboard?window=30&format=json")).await;
    assert_eq!(short["experience"]["second_contribution"]["conversion"]["first_timers"], 1, "only frank in 30 days");
    let (status, body) = get(&format!("{app}/newcomers/acme/onboard?window=7")).await;
    assert_eq!(status, 400);
    assert!(texts(&Html::parse_document(&body), ".error-message")[0].contains("30, 90 or 365"));
    let (status, body) = get(&format!("{app}/newcomers/acme/nope")).await;
    assert_eq!(status, 404);
    assert_eq!(select(&Html::parse_document(&body), ".error-message").len(), 1);
}

/// The seeded data plus 120 older unclaimed issues in beta/tool: 125 unclaimed in all.
async fn paged_app() -> (Store, String) {
    let (store, app, now) = seeded_app().await;
    for k in 0..120 {
        let old = Item { labels: &["good first issue"], ..Item::new(BETA, 100 + k, MAINT, now - (200 + k) * DAY) };
        insert(&store, old).await;
    }
    (store, app)
}

/// The `href` of the element `css`, if there is one.
fn href(doc: &Html, css: &str) -> Option<String> {
    select(doc, css).first().and_then(|e| e.value().attr("href")).map(str::to_owned)
}

#[tokio::test]
async fn the_finder_pages_fifty_issues_at_a_time_with_links_that_keep_the_filters() {
    let (_store, app) = paged_app().await;
    let mut seen = Vec::new();
    let mut next = Some("/newcomers".to_owned());
    let mut pages = 0;
    while let Some(path) = next {
        let doc = page(&format!("{app}{path}")).await;
        pages += 1;
        let count = texts(&doc, "#finder-count").concat();
        assert!(count.starts_with(&format!("125 issues (page {pages} of 3)")), "{count}");
        let rows = numbers(&doc);
        assert_eq!(rows.len(), if pages < 3 { 50 } else { 25 }, "page {pages}");
        seen.extend(rows);
        let prev = href(&doc, "#prev-page");
        assert_eq!(prev.is_some(), pages > 1, "page {pages}: {prev:?}");
        next = href(&doc, "#next-page");
    }
    assert_eq!(pages, 3);
    // Every issue once, in the order of one long list: newest first.
    let mut distinct = seen.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!((seen.len(), distinct.len()), (125, 125));
    assert_eq!(&seen[..5], [1, 6, 9, 5, 10]);
    assert_eq!(&seen[5..8], [100, 101, 102]);

    // The links keep every filter, and the claimed toggle.
    let doc = page(&format!("{app}/newcomers?repo=beta/tool&label=good-first-issue&claimed=show")).await;
    assert_eq!(
        href(&doc, "#next-page").as_deref(),
        Some("/newcomers?repo=beta%2Ftool&label=good+first+issue&claimed=show&page=2")
    );
    let doc = page(&format!("{app}/newcomers?repo=beta/tool&label=good-first-issue&claimed=show&page=2")).await;
    assert_eq!(
        href(&doc, "#prev-page").as_deref(),
        Some("/newcomers?repo=beta%2Ftool&label=good+first+issue&claimed=show")
    );
    assert_eq!(numbers(&doc).len(), 50);
    let doc = page(&format!("{app}/newcomers?repo=beta/tool&label=good-first-issue&claimed=show&page=3")).await;
    assert_eq!(numbers(&doc).len(), 121 - 100, "beta's #9 and the 120 added, on three pages");
    assert_eq!(href(&doc, "#next-page"), None);

    // Past the last page: an empty page that says so; not a page number: a 400.
    let doc = page(&format!("{app}/newcomers?page=4")).await;
    assert!(numbers(&doc).is_empty());
    assert!(texts(&doc, "#no-issues").concat().contains("There is no page 4"), "{:?}", texts(&doc, "#no-issues"));
    for bad in ["0", "-1", "two", "10001"] {
        let (status, body) = get(&format!("{app}/newcomers?page={bad}")).await;
        assert_eq!(status, 400, "page={bad}: {body}");
    }
}

#[tokio::test]
async fn the_finder_json_and_feed_page_the_same_way() {
    let (_store, app) = paged_app().await;
    let mut all = Vec::new();
    for n in 1..=3 {
        let v = json(&format!("{app}/api/v1/newcomers?page={n}")).await;
        assert_eq!(
            (v["count"].as_i64(), v["page"].as_i64(), v["per_page"].as_i64(), v["pages"].as_i64()),
            (Some(125), Some(n), Some(50), Some(3))
        );
        all.extend(v["issues"].as_array().unwrap().iter().map(|i| i["number"].as_i64().unwrap()));
    }
    assert_eq!(all.len(), 125);
    let html: Vec<i64> = numbers(&page(&format!("{app}/newcomers?page=2")).await);
    assert_eq!(html, all[50..100], "the JSON's page 2 is the page's page 2");

    let (status, body) = get(&format!("{app}/newcomers.atom")).await;
    assert_eq!(status, 200);
    let feed = parse_xml(&body);
    assert_eq!(feed.all("entry").len(), 50);
    let next: Vec<String> =
        feed.all("link").iter().filter(|l| l.attrs["rel"] == "next").map(|l| l.attrs["href"].clone()).collect();
    assert_eq!(next.len(), 1, "{next:?}");
    assert!(next[0].ends_with("/newcomers.atom?page=2"), "{next:?}");
    let (_, last) = get(&format!("{app}/newcomers.atom?page=3")).await;
    let last = parse_xml(&last);
    assert_eq!(last.all("entry").len(), 25);
    assert!(last.all("link").iter().all(|l| l.attrs["rel"] != "next"), "no next link on the last page");
}
