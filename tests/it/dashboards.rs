//! The maintainer dashboards over the hand-designed dataset of [`crate::seed`]: every number on
//! the repo page, its JSON and CSV mirrors, the bot toggle and windows, the overview, the org page,
//! bad input, hostile text, badges and `/metrics`. Expected values are the hand computations in
//! `seed.rs`; HTML is read through CSS selectors.

use scraper::{Html, Selector};

use crate::helpers::{Store, config_for, get, json, page, select, spawn_app, text};
use crate::seed::{self, DAY, HOSTILE_LABEL, HOSTILE_LOGIN, HOSTILE_TITLE};

/// A fresh store with the seeded dataset and the app serving it; keep the store alive.
pub(crate) async fn seeded_app() -> (Store, String) {
    let store = Store::new().await;
    seed::seed(&store).await;
    let app = spawn_app(config_for("http://127.0.0.1:9", &store.path()), store.db.clone()).await;
    (store, app)
}

pub(crate) fn sel(css: &str) -> Selector {
    Selector::parse(css).expect("selector")
}

pub(crate) fn one(doc: &Html, css: &str) -> String {
    let found = select(doc, css);
    assert_eq!(found.len(), 1, "exactly one {css}");
    text(&found[0])
}

/// The message of an error answer: `{"error": ...}` under `/api/`, else the error page's text.
pub(crate) fn error_message(path: &str, body: &str) -> String {
    if path.starts_with("/api/") {
        let json: serde_json::Value = serde_json::from_str(body).expect("API errors are JSON");
        json["error"].as_str().expect("an error message").to_owned()
    } else {
        one(&Html::parse_document(body), ".error-message")
    }
}

/// A card's `.value` and `.detail`.
pub(crate) fn card(doc: &Html, id: &str) -> (String, String) {
    (one(doc, &format!("section.card#card-{id} .value")), one(doc, &format!("section.card#card-{id} .detail")))
}

/// The body rows of a table, each as its cells' text.
pub(crate) fn rows(doc: &Html, table: &str) -> Vec<Vec<String>> {
    let cell = sel("td, th");
    select(doc, &format!("{table} tbody tr")).iter().map(|r| r.select(&cell).map(|c| text(&c)).collect()).collect()
}

/// The row of `table` whose first cells are `key`.
pub(crate) fn row_starting(doc: &Html, table: &str, key: &[&str]) -> Vec<String> {
    rows(doc, table)
        .into_iter()
        .find(|r| r.len() >= key.len() && r.iter().zip(key).all(|(a, b)| a.as_str() == *b))
        .unwrap_or_else(|| panic!("no row {key:?} in {table}"))
}

/// Item numbers of the unanswered queue, in page order (`#12` out of `issue #12: title`).
fn queue(doc: &Html) -> Vec<i64> {
    rows(doc, "#unanswered-table")
        .iter()
        .map(|r| r[1].split_once('#').and_then(|(_, rest)| rest.split(':').next()).unwrap().parse().unwrap())
        .collect()
}

/// RFC 4180 CSV: quoted fields with doubled quotes, CRLF line ends.
fn parse_csv(body: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in body.split("\r\n").filter(|l| !l.is_empty()) {
        let (mut fields, mut field, mut quoted, mut chars) =
            (Vec::new(), String::new(), false, line.chars().peekable());
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => fields.push(std::mem::take(&mut field)),
                (c, _) => field.push(c),
            }
        }
        fields.push(field);
        out.push(fields);
    }
    out
}

async fn csv(url: &str) -> Vec<Vec<String>> {
    let (status, body) = get(url).await;
    assert_eq!(status, 200, "{url}: {body}");
    parse_csv(&body)
}

/// GET returning the status, the content type and the body (badges are sent whole, not chunked).
pub(crate) async fn get_typed(url: &str) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let uri: http::Uri = url.parse().expect("uri");
    let authority = uri.authority().expect("authority").as_str().to_owned();
    let mut stream = tokio::net::TcpStream::connect(&authority).await.expect("connect");
    let request = format!("GET {} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n", uri.path());
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").expect("a head");
    let header = |name: &str| {
        head.lines()
            .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)))
            .map(|(_, v)| v.trim().to_owned())
    };
    assert_eq!(header("transfer-encoding"), None, "{url} is sent with a length");
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, header("content-type").unwrap_or_default(), body.to_owned())
}

pub(crate) const REPO: &str = "/repos/acme/widget";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_repo_page_shows_first_response_times_that_ignore_authors_bots_and_draft_time() {
    let (_store, app) = seeded_app().await;
    let doc = page(&format!("{app}{REPO}")).await;

    assert_eq!(card(&doc, "ttfr-issues"), ("1.0 d".into(), "p90 > 20.0 d · 2 unanswered of 7".into()));
    assert_eq!(card(&doc, "ttfr-prs"), ("5.0 h".into(), "p90 > 8.0 d · 1 unanswered of 4".into()));

    let expected: [&[&str]; 7] = [
        &["Issues", "all (first human response)", "1.0 d", "> 20.0 d", "5", "2"],
        &["Issues", "responder: maintainer", "3.0 d", "> 27.0 d", "4", "3"],
        &["Issues", "responder: bot", "> 70.0 d", "> 70.0 d", "1", "6"],
        &["Issues", "author: first-timer", "1.0 d", "1.0 d", "1", "0"],
        &["Issues", "author: returning", "3.0 d", "> 20.0 d", "3", "2"],
        &["Issues", "author: maintainer", "4.0 h", "4.0 h", "1", "0"],
        &["Pull requests", "all (first human response)", "5.0 h", "> 8.0 d", "3", "1"],
    ];
    for row in expected {
        assert_eq!(row_starting(&doc, "#responses", &row[..2])[..6], *row);
    }
    assert_eq!(rows(&doc, "#responses").len(), 14, "7 splits each for issues and pull requests");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_repo_page_shows_closing_times_ratios_the_absence_factor_and_maintainer_load() {
    let (_store, app) = seeded_app().await;
    let doc = page(&format!("{app}{REPO}")).await;

    assert_eq!(card(&doc, "time-to-close"), ("3.0 d".into(), "p90 10.0 d · 3 closed".into()));
    assert_eq!(card(&doc, "time-to-merge"), ("2.0 d".into(), "p90 7.0 d · 2 merged".into()));
    assert_eq!(card(&doc, "closure-ratio"), ("0.60".into(), "3 closed / 5 opened".into()));
    assert_eq!(card(&doc, "acceptance-ratio"), ("67%".into(), "2 merged, 1 closed unmerged".into()));
    assert_eq!(card(&doc, "bus-factor"), ("2".into(), "commits — · reviews 1 · comments 2".into()));
    assert_eq!(card(&doc, "active-maintainers"), ("2".into(), "top responder bob gave 50%".into()));

    let load = rows(&doc, "#load-table");
    let counts: Vec<&[String]> = load.iter().map(|r| &r[..5]).collect();
    assert_eq!(counts, [["bob", "3", "1", "1", "3"], ["alice", "2", "3", "2", "5"]]);

    assert_eq!(row_starting(&doc, "#inactive-table", &["active"])[1], "5");
    assert_eq!(row_starting(&doc, "#inactive-table", &["drifting"])[1], "0");
    assert_eq!(row_starting(&doc, "#inactive-table", &["away"])[1], "0");
    assert_eq!(one(&doc, "#lifecycle"), "active");
    assert_eq!(
        one(&doc, "#release-frequency"),
        "2 releases in the last 365 days, a median of 40 days apart; the last one 20 days ago."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_repo_page_shows_the_open_backlog_its_ageing_and_what_waits_for_an_answer() {
    let (_store, app) = seeded_app().await;
    let doc = page(&format!("{app}{REPO}")).await;

    assert_eq!(card(&doc, "backlog"), ("7".into(), "5 issues · 2 PRs · 2 stale".into()));
    assert_eq!(
        rows(&doc, "#ageing"),
        [["new (under 7 days)", "0", "1"], ["staling (7–30 days)", "3", "1"], ["stale (over 30 days)", "2", "0"],]
    );
    assert_eq!(card(&doc, "unanswered").0, "4");

    let mut queued = rows(&doc, "#unanswered-table");
    queued.sort_by_key(|r| r[1].clone());
    let hostile = format!("issue #5: {HOSTILE_TITLE}");
    let expected = [
        ["acme/widget", "PR #15: an ordinary item", "dave", "8.0 d"],
        ["acme/widget", "issue #10: an ordinary item", "carol", "120.0 d"],
        ["acme/widget", "issue #4: an ordinary item", "dave", "20.0 d"],
        ["acme/widget", hostile.as_str(), HOSTILE_LOGIN, "10.0 d"],
    ];
    assert_eq!(queued, expected, "open, unanswered, not drafts, not bots");
    let links: Vec<String> =
        select(&doc, "#unanswered-table tbody a").iter().map(|a| a.value().attr("href").unwrap().to_owned()).collect();
    for n in [10, 4, 5, 15] {
        assert!(links.contains(&format!("https://github.com/acme/widget/issues/{n}")), "{links:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unanswered_queue_sorts_by_age_or_author_on_request() {
    let (_store, app) = seeded_app().await;
    let oldest_first = page(&format!("{app}{REPO}?sort=age&dir=desc")).await;
    assert_eq!(queue(&oldest_first), [10, 4, 5, 15]);
    let newest_first = page(&format!("{app}{REPO}?sort=age&dir=asc")).await;
    assert_eq!(queue(&newest_first), [15, 5, 4, 10]);
    // `<img…>` < carol < dave; dave's two keep the database's oldest-first order.
    let by_author = page(&format!("{app}{REPO}?sort=author&dir=asc")).await;
    assert_eq!(queue(&by_author), [5, 10, 4, 15]);

    let header: Vec<String> = select(&oldest_first, "#unanswered-table thead a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert!(header.contains(&format!("{REPO}?window=90&bots=exclude&sort=age&dir=asc#unanswered")), "{header:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unanswered_queue_lists_the_oldest_item_first_by_default() {
    let (_store, app) = seeded_app().await;
    let doc = page(&format!("{app}{REPO}")).await;
    assert_eq!(queue(&doc), [10, 4, 5, 15], "the page says: oldest first");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_load_tables_share_is_of_all_human_responses() {
    let (_store, app) = seeded_app().await;
    let doc = page(&format!("{app}{REPO}")).await;
    // bob 3 and alice 2 of the 6 human responses (the 6th is `<img…>`'s), as the card says.
    let shares: Vec<String> = rows(&doc, "#load-table").iter().map(|r| r[5].clone()).collect();
    assert_eq!(shares, ["50%", "33%"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_api_carries_the_same_numbers_as_the_page() {
    let (_store, app) = seeded_app().await;
    let d = json(&format!("{app}/api/v1/repos/acme/widget")).await;

    let issues = &d["issues"]["by_responder"]["overall"];
    assert_eq!(issues["median"], serde_json::json!({"kind": "exactly", "secs": DAY}));
    assert_eq!(issues["p90"]["kind"], "more_than");
    assert_eq!(issues["p90"]["secs"].as_i64().unwrap() / DAY, 20);
    assert_eq!((issues["answered"].as_i64(), issues["unanswered"].as_i64()), (Some(5), Some(2)));
    assert_eq!(d["pulls"]["by_responder"]["overall"]["median"]["secs"], 5 * 3600);
    assert_eq!(d["all_items"]["median"]["secs"], 12 * 3600);

    assert_eq!(
        (d["time_to_close"]["median"].as_i64(), d["time_to_close"]["p90"].as_i64()),
        (Some(3 * DAY), Some(10 * DAY))
    );
    assert_eq!(d["time_to_close"]["count"], 3);
    assert_eq!(
        (d["time_to_merge"]["median"].as_i64(), d["time_to_merge"]["p90"].as_i64()),
        (Some(2 * DAY), Some(7 * DAY))
    );
    let closure = &d["closure"];
    let counts = ["opened", "closed", "merged", "closed_unmerged"].map(|k| closure[k].as_i64().unwrap());
    assert_eq!(counts, [5, 3, 2, 1]);
    assert_eq!(closure["ratio"], 0.6);
    assert_eq!((d["acceptance"]["merged"].as_i64(), d["acceptance"]["closed_unmerged"].as_i64()), (Some(2), Some(1)));

    assert_eq!(d["absence"]["merged_prs"]["factor"], 2);
    assert_eq!(d["absence"]["reviews"]["factor"], 1);
    assert_eq!(d["absence"]["issue_comments"]["factor"], 2);
    assert!(d["absence"]["commits"]["factor"].is_null());
    assert_eq!(d["load"]["active_maintainers"], serde_json::json!(["alice", "bob"]));
    assert_eq!(
        (d["load"]["top_responder"]["responses"].as_i64(), d["load"]["top_responder"]["total"].as_i64()),
        (Some(3), Some(6))
    );

    assert_eq!((d["open_issues"].as_i64(), d["open_prs"].as_i64()), (Some(5), Some(2)));
    assert_eq!(d["issue_ageing"], serde_json::json!({"new": 0, "staling": 3, "stale": 2, "total": 5}));
    assert_eq!(d["pr_ageing"], serde_json::json!({"new": 1, "staling": 1, "stale": 0, "total": 2}));
    assert_eq!(d["unanswered_count"], 4);
    let numbers: Vec<i64> = d["unanswered"].as_array().unwrap().iter().map(|u| u["number"].as_i64().unwrap()).collect();
    assert_eq!(numbers, [10, 4, 5, 15], "the database lists the oldest first");
    let hostile = &d["unanswered"][2];
    assert_eq!((hostile["title"].as_str(), hostile["author"].as_str()), (Some(HOSTILE_TITLE), Some(HOSTILE_LOGIN)));
    let labels: Vec<String> = serde_json::from_str(hostile["labels"].as_str().unwrap()).unwrap();
    assert_eq!(labels, [HOSTILE_LABEL, "security"]);
    assert_eq!(d["include_bots"], false);
    assert_eq!((d["window"]["to"].as_i64().unwrap() - d["window"]["from"].as_i64().unwrap()) / DAY, 90);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_csv_table_parses_with_its_header_and_the_expected_rows() {
    let (_store, app) = seeded_app().await;
    let url = |table: &str| format!("{app}{REPO}?format=csv&table={table}");

    let unanswered = csv(&url("unanswered")).await;
    assert_eq!(unanswered[0], ["repo", "number", "kind", "title", "author", "age_seconds", "url"]);
    let numbers: Vec<&str> = unanswered[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(numbers, ["10", "4", "5", "15"], "oldest first");
    let hostile = &unanswered[3];
    assert_eq!(
        (hostile[2].as_str(), hostile[3].as_str(), hostile[4].as_str()),
        ("issue", HOSTILE_TITLE, HOSTILE_LOGIN)
    );
    assert_eq!(hostile[5].parse::<i64>().unwrap() / DAY, 10);
    assert_eq!(hostile[6], "https://github.com/acme/widget/issues/5");

    let responses = csv(&url("responses")).await;
    assert_eq!(responses[0], ["kind", "split", "median", "p90", "answered", "unanswered"]);
    assert_eq!(responses[1], ["Issues", "all (first human response)", "1.0 d", "> 20.0 d", "5", "2"]);
    assert_eq!(responses.len(), 15);

    let load = csv(&url("load")).await;
    assert_eq!(load[0], ["login", "responses", "reviews", "merges", "triage", "share_of_responses"]);
    assert_eq!(load[1][..5], ["bob", "3", "1", "1", "3"]);
    assert_eq!(load[2][..5], ["alice", "2", "3", "2", "5"]);

    let backlog = csv(&url("backlog")).await;
    assert_eq!(
        backlog[0],
        ["week", "opened_issues", "closed_issues", "opened_prs", "closed_prs", "open_issues", "open_prs"]
    );
    let last = backlog.last().unwrap();
    assert_eq!((last[5].as_str(), last[6].as_str()), ("5", "2"), "the week #16 opened ends with 5 + 2 open");
    assert!(backlog[1][0].ends_with("00:00 UTC"), "weeks start at midnight: {:?}", backlog[1]);

    let contributors = csv(&url("contributors")).await;
    assert_eq!(contributors[0], ["contribution", "absence_factor", "login", "contributions", "share"]);
    let merged: Vec<&Vec<String>> = contributors.iter().filter(|r| r[0] == "merged pull requests").collect();
    assert_eq!(merged.len(), 2);
    assert_eq!(merged[0][..], ["merged pull requests", "2", "carol", "1", "0.5000"]);
    assert_eq!(merged[1][..], ["merged pull requests", "2", "dave", "1", "0.5000"]);
    assert!(contributors.iter().any(|r| r[..] == ["reviews", "1", "alice", "3", "0.7500"]));

    let inactive = csv(&url("inactive")).await;
    assert_eq!(inactive[0], ["status", "login", "last_contribution"]);
    let mut active: Vec<&str> = inactive[1..].iter().map(|r| r[1].as_str()).collect();
    active.sort_unstable();
    assert_eq!(active, [HOSTILE_LOGIN, "alice", "bob", "carol", "dave"]);
    assert!(inactive[1..].iter().all(|r| r[0] == "active"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn including_bots_counts_the_bot_items_and_the_toggle_keeps_the_window() {
    let (_store, app) = seeded_app().await;
    let doc = page(&format!("{app}{REPO}?window=90&bots=include")).await;

    assert_eq!(card(&doc, "backlog"), ("8".into(), "6 issues · 2 PRs · 2 stale".into()));
    assert_eq!(card(&doc, "unanswered").0, "5");
    assert_eq!(card(&doc, "closure-ratio"), ("0.67".into(), "4 closed / 6 opened".into()));
    assert_eq!(card(&doc, "acceptance-ratio"), ("75%".into(), "3 merged, 1 closed unmerged".into()));
    assert_eq!(card(&doc, "time-to-merge"), ("2.0 d".into(), "p90 7.0 d · 3 merged".into()));
    assert_eq!(card(&doc, "bus-factor").0, "2", "the absence factor never counts bots");
    let sorted = page(&format!("{app}{REPO}?bots=include&sort=age&dir=desc")).await;
    assert_eq!(queue(&sorted), [10, 4, 5, 15, 8]);
    let bot_row = row_starting(&sorted, "#unanswered-table", &["acme/widget", "issue #8: an ordinary item"]);
    assert_eq!(bot_row[2], "dependabot[bot]");

    let toggle = select(&doc, "#bots-toggle");
    assert_eq!(text(&toggle[0]), "exclude bots");
    assert_eq!(toggle[0].value().attr("href"), Some("/repos/acme/widget?window=90&bots=exclude"));

    let month = page(&format!("{app}{REPO}?window=30")).await;
    let toggle = select(&month, "#bots-toggle");
    assert_eq!(text(&toggle[0]), "include bots");
    assert_eq!(toggle[0].value().attr("href"), Some("/repos/acme/widget?window=30&bots=include"));
    let included = page(&format!("{app}{}", toggle[0].value().attr("href").unwrap())).await;
    assert_eq!(one(&included, "nav.controls strong[aria-current]"), "30 days", "the window is kept");
    // The bot's #14 (opened 15 days ago, merged 14 days ago) joins #13, #15, #16 and #12, #13.
    assert_eq!(card(&included, "closure-ratio").1, "3 closed / 4 opened");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_30_day_and_a_365_day_window_change_the_counts_as_predicted() {
    let (_store, app) = seeded_app().await;

    let month = page(&format!("{app}{REPO}?window=30")).await;
    assert_eq!(card(&month, "time-to-close"), ("12.0 h".into(), "p90 12.0 h · 1 closed".into()));
    assert_eq!(card(&month, "time-to-merge"), ("7.0 d".into(), "p90 7.0 d · 1 merged".into()));
    assert_eq!(card(&month, "closure-ratio"), ("0.67".into(), "2 closed / 3 opened".into()));
    assert_eq!(card(&month, "ttfr-issues"), ("6.0 h".into(), "p90 > 20.0 d · 2 unanswered of 4".into()));
    assert_eq!(card(&month, "backlog").0, "7", "the backlog does not depend on the window");
    assert_eq!(card(&month, "unanswered").0, "4");

    let year = page(&format!("{app}{REPO}?window=365")).await;
    assert_eq!(card(&year, "time-to-close"), ("3.0 d".into(), "p90 50.0 d · 4 closed".into()));
    assert_eq!(card(&year, "time-to-merge"), ("5.0 d".into(), "p90 7.0 d · 3 merged".into()));
    assert_eq!(card(&year, "closure-ratio"), ("0.67".into(), "4 closed / 6 opened".into()));
    assert_eq!(card(&year, "ttfr-issues"), ("3.0 d".into(), "p90 > 120.0 d · 3 unanswered of 9".into()));

    let links: Vec<(String, Option<String>)> = select(&year, "nav.controls a, nav.controls strong")
        .iter()
        .map(|e| (text(e), e.value().attr("href").map(str::to_owned)))
        .collect();
    assert!(links.contains(&("30 days".into(), Some(format!("{REPO}?window=30&bots=exclude")))), "{links:?}");
    assert!(links.contains(&("365 days".into(), None)), "the current window is not a link");
}
