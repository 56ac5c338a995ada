//! The impact report over the dataset of [`crate::report_seed`]: every number of the page, its
//! JSON (and the `/api/v1/` mirror), CSV and Markdown against the hand computations there; the
//! default period (the latest grant, else the last twelve months) and `from`/`to`; bad input,
//! unknown repositories and hostile text. HTML is read through CSS selectors.

use scraper::Html;
use serde_json::json;

use crate::helpers::{Store, get, json, page, select, spawn_app, text};
use crate::report_seed::{self, HOSTILE_FUNDER, HOSTILE_ISSUE, HOSTILE_RELEASE, HOSTILE_URL, d, date};

const REPORT: &str = "/reports/acme/widget";
const API: &str = "/api/v1/reports/acme/widget";

/// A fresh store with the seeded dataset and the app serving it; keep the store alive.
async fn seeded_app() -> (Store, String) {
    let store = Store::new().await;
    report_seed::seed(&store, 0).await;
    let app = spawn_app(report_seed::config(&store), store.db.clone()).await;
    (store, app)
}

/// The summary paragraph, with the period's dates (see `report_seed.rs` for every number).
fn expected_summary() -> String {
    format!(
        "From {} to {}, 3 pull requests were merged, 3 issues were closed and 2 releases were published. \
         3 people made a first contribution, and 1 of them contributed again. \
         Each comparison below sets the 90 days of the period against the 90 days before it. \
         The median time to first response improved from 4.0 days before the period to 24 hours during it. \
         The open-issue backlog improved during the period, shrinking from 4 to 3 open issues; in the same length of \
         time before, it grew from 2 to 4. \
         The change request closure ratio (pull requests closed per pull request opened) fell from 1.50 before the \
         period to 0.75 during it. \
         2 maintainers were active during the period, against 3 in the same length of time before it. \
         Money received in the period: 200.00 EUR and 25.00 USD from Open Collective; 12,000.00 USD from grants.",
        date(d(120)),
        date(d(31))
    )
}

/// Texts of the elements matching `css`.
fn texts(doc: &Html, css: &str) -> Vec<String> {
    select(doc, css).iter().map(text).collect()
}

/// GET returning status, headers (lowercase names) and body; the answer must not be chunked.
async fn get_with_headers(url: &str) -> (u16, Vec<(String, String)>, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let uri: http::Uri = url.parse().expect("uri");
    let authority = uri.authority().expect("authority").as_str().to_owned();
    let path = uri.path_and_query().expect("path").as_str().to_owned();
    let mut stream = tokio::net::TcpStream::connect(&authority).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let raw = String::from_utf8(raw).expect("UTF-8");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a head");
    let headers: Vec<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    assert!(!headers.iter().any(|(k, _)| k == "transfer-encoding"), "{url} is sent with a length");
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, headers, body.to_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_the_hand_computed_outputs_comparisons_money_and_summary() {
    let (_store, app) = seeded_app().await;
    let doc = page(&format!("{app}{REPORT}")).await;

    let period = format!("{} – {}", date(d(120)), date(d(31)));
    let period_text = texts(&doc, "#period").join("");
    assert!(period_text.starts_with(&format!("Period: {period}, the latest grant")), "{period_text}");
    assert!(period_text.contains(&format!("12,000.00 USD from {HOSTILE_FUNDER} (Release automation)")));
    let windows = format!("before {} – {}; during {period}", date(d(210)), date(d(121)));
    assert!(texts(&doc, "#windows")[0].contains(&windows), "{:?}", texts(&doc, "#windows"));
    assert_eq!(texts(&doc, ".report-summary"), [expected_summary()]);

    for (id, value) in [
        ("merged-prs", "3"),
        ("closed-issues", "3"),
        ("releases", "2"),
        ("new-contributors", "3"),
        ("returning-first-timers", "1"),
    ] {
        assert_eq!(texts(&doc, &format!("#output-{id} td.num")), [value], "{id}");
    }
    let compare =
        |id: &str| (texts(&doc, &format!("#compare-{id} .value")), texts(&doc, &format!("#compare-{id} .detail")));
    // 4 d before (5 answered items), 1 d during (Kaplan–Meier over 6 items, 2 unanswered).
    assert_eq!(
        compare("first-response"),
        (vec!["4.0 d".into(), "1.0 d".into()], vec!["5 items, 0 unanswered".into(), "6 items, 2 unanswered".into()])
    );
    assert_eq!(compare("open-issues").0, ["2 → 4", "4 → 3"]);
    assert_eq!(
        compare("closure-ratio"),
        (vec!["1.50".into(), "0.75".into()], vec!["3 closed, 2 opened".into(), "3 closed, 4 opened".into()])
    );
    assert_eq!(
        compare("active-maintainers"),
        (vec!["3".into(), "2".into()], vec!["alice, bob, gina".into(), "alice, bob".into()])
    );
    assert_eq!(select(&doc, "details.explain").len(), 11, "5 outputs, 4 comparisons, unfunded work, money");

    let money: Vec<Vec<String>> =
        select(&doc, "#money-table tbody tr").iter().map(|r| r.child_elements().map(|c| text(&c)).collect()).collect();
    assert_eq!(money, [["Open Collective", "200.00 EUR and 25.00 USD"], ["grants", "12,000.00 USD"]]);

    let figures = select(&doc, "figure.report-figure");
    assert_eq!(figures.len(), 4, "one small-multiples chart per measure");
    for f in &figures {
        assert_eq!(select(&Html::parse_fragment(&f.html()), "svg.chart").len(), 1);
    }
    assert_eq!(
        texts(&doc, "#figure-first-response .figure-note")[0],
        "Figure 1 data: median 4.0 d before (5 items), 1.0 d during (6 items). Weeks without items, or where more \
         than half are still unanswered, are left blank."
    );
    let panels = texts(&doc, "#figure-open-issues .panel-title");
    assert_eq!(panels, [format!("Before: {} – {}", date(d(210)), date(d(121))), format!("During: {period}")]);

    let releases: Vec<Vec<String>> = select(&doc, "#releases-table tbody tr")
        .iter()
        .map(|r| r.child_elements().map(|c| text(&c)).collect())
        .collect();
    assert_eq!(
        releases,
        [
            vec!["v2.0".to_owned(), "v2.0".to_owned(), date(d(100))],
            vec!["v2.1".to_owned(), HOSTILE_RELEASE.to_owned(), date(d(45))]
        ]
    );
    assert!(texts(&doc, "#excluded")[0].starts_with("Issues and pull requests opened by bots are not counted"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_is_escaped_in_the_page_and_the_markdown() {
    let (_store, app) = seeded_app().await;
    let doc = page(&format!("{app}{REPORT}")).await;
    for tag in ["script", "iframe", "img", "b"] {
        assert!(select(&doc, &format!("main {tag}")).is_empty(), "no <{tag}> element comes from data");
    }
    let notes = texts(&doc, "#notes li.note");
    assert!(notes.iter().any(|n| n.contains(HOSTILE_URL)), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains(HOSTILE_ISSUE)), "{notes:?}");
    assert!(texts(&doc, "#grants li")[0].starts_with(HOSTILE_FUNDER));

    let (status, md) = get(&format!("{app}{REPORT}?format=md")).await;
    assert_eq!(status, 200);
    assert!(!md.replace(r"\<", "").contains('<'), "every < is escaped in the Markdown:\n{md}");
    assert!(!md.contains("[x](javascript"), "no link opens:\n{md}");
    assert!(md.contains(r#"- v2.1 ("#), "{md}");
    assert!(md.contains(r#"\<script\>alert("rel")\</script\> \| \[x\](javascript:y)"#), "{md}");
    assert!(md.contains(r"Hostile \<Fund\> \& Co"), "{md}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_and_its_api_mirror_carry_the_same_numbers() {
    let (_store, app) = seeded_app().await;
    // Waits still open grow with the clock: compare two answers generated in the same second. Both
    // are asked for at once, so only a second's edge (or a loaded machine) can part them; then ask again.
    let (api_url, page_url) = (format!("{app}{API}"), format!("{app}{REPORT}?format=json"));
    let (mut api, mut page_json) = (json!(null), json!(null));
    for _ in 0..20 {
        (api, page_json) = tokio::join!(json(&api_url), json(&page_url));
        if api["generated_at"] == page_json["generated_at"] {
            break;
        }
    }
    assert_eq!(api["generated_at"], page_json["generated_at"], "twenty tries straddled a second");
    api["generated_at"] = json!(null);
    page_json["generated_at"] = json!(null);
    assert_eq!(api, page_json);

    let day = |n| json!(date(d(n)));
    assert_eq!(api["repo"], "acme/widget");
    assert_eq!(api["period"], json!({"from": day(120), "to": day(31)}));
    assert_eq!((&api["basis"], &api["running"]), (&json!("grant"), &json!(false)));
    assert_eq!(api["grant"]["funder"], HOSTILE_FUNDER);
    assert_eq!((&api["grant"]["amount"], &api["grant"]["currency"]), (&json!(12000.0), &json!("USD")));
    assert_eq!(
        api["windows"],
        json!({"before": {"from": day(210), "to": day(121)}, "after": {"from": day(120), "to": day(31)}})
    );
    assert_eq!(
        api["outputs"],
        json!({"merged_prs": 3, "closed_issues": 3, "releases": 2, "new_contributors": 3, "returning_first_timers": 1})
    );
    let expected = json!({
        "first_response_median": {
            "before": {"seconds": 345_600, "lower_bound": false},
            "after": {"seconds": 86_400, "lower_bound": false}
        },
        "open_issues": {"before": {"start": 2, "end": 4}, "after": {"start": 4, "end": 3}},
        "change_request_closure_ratio": {"before": 1.5, "after": 0.75},
        "active_maintainers": {"before": 3, "after": 2}
    });
    for (key, value) in expected.as_object().unwrap() {
        assert_eq!(&api["before_after"][key], value, "{key}");
    }
    assert_eq!(
        api["money_received"],
        json!([
            {"source": "open_collective", "label": "Open Collective", "currency": "EUR", "cents": 20_000, "amount": "200.00"},
            {"source": "open_collective", "label": "Open Collective", "currency": "USD", "cents": 2_500, "amount": "25.00"},
            {"source": "grants", "label": "grants", "currency": "USD", "cents": 1_200_000, "amount": "12000.00"}
        ])
    );
    let both = |before: serde_json::Value, after: serde_json::Value| json!({"before": before, "after": after});
    let details = &api["before_after"];
    assert_eq!(
        details["first_response_items"],
        both(json!({"items": 5, "unanswered": 0}), json!({"items": 6, "unanswered": 2}))
    );
    assert_eq!(details["pull_requests"], both(json!({"opened": 2, "closed": 3}), json!({"opened": 4, "closed": 3})));
    assert_eq!(details["active_maintainer_logins"], both(json!(["alice", "bob", "gina"]), json!(["alice", "bob"])));
    // The charts' points: open issues at each window's ends, weekly pull requests adding up to the
    // window's counts.
    for (side, ends, opened, closed) in [("before", [(210, 2), (120, 4)], 2, 3), ("after", [(120, 4), (30, 3)], 4, 3)] {
        let weekly = &api["weekly"][side];
        let open = weekly["open_issues"].as_array().unwrap();
        assert_eq!(open[0], json!({"at": day(ends[0].0), "open": ends[0].1}), "{side}");
        assert_eq!(open[open.len() - 1], json!({"at": day(ends[1].0), "open": ends[1].1}), "{side}");
        let prs = weekly["pull_requests"].as_array().unwrap();
        let sum = |key: &str| prs.iter().map(|w| w[key].as_u64().unwrap()).sum::<u64>();
        assert_eq!((sum("opened"), sum("closed")), (opened, closed), "{side}");
        assert_eq!(weekly["first_response_median"].as_array().unwrap().len(), prs.len());
    }
    assert_eq!(api["grants"].as_array().map(Vec::len), Some(1));
    assert_eq!(api["money_window"], api["period"]);
    assert_eq!(api["summary"], expected_summary());
    assert_eq!(
        api["releases"][1],
        json!({"tag": "v2.1", "name": HOSTILE_RELEASE, "published_on": day(45), "prerelease": false})
    );
    let notes = api["notes"].as_array().expect("notes");
    assert!(notes.iter().all(|n| n["level"] == "error") && notes.len() == 2, "{notes:?}");
    assert!(api["excluded"].as_str().unwrap().starts_with("Issues and pull requests opened by bots"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_has_a_header_and_one_row_per_figure() {
    let (_store, app) = seeded_app().await;
    let (status, headers, body) = get_with_headers(&format!("{app}{REPORT}?format=csv")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(header(&headers, "content-type"), "text/csv; charset=utf-8");
    let file = format!("report-acme-widget-{}-{}.csv", date(d(120)), date(d(31)));
    assert_eq!(header(&headers, "content-disposition"), format!("attachment; filename=\"{file}\""));
    let (from, to, before_from, before_to) = (date(d(120)), date(d(31)), date(d(210)), date(d(121)));
    let expected = [
        "section,measure,unit,before,value".to_owned(),
        format!("period,from,date,,{from}"),
        format!("period,to,date,,{to}"),
        "period,basis,text,,grant".to_owned(),
        format!("window,from,date,{before_from},{from}"),
        format!("window,to,date,{before_to},{to}"),
        "outputs,merged_prs,count,,3".to_owned(),
        "outputs,closed_issues,count,,3".to_owned(),
        "outputs,releases,count,,2".to_owned(),
        "outputs,new_contributors,count,,3".to_owned(),
        "outputs,returning_first_timers,count,,1".to_owned(),
        "before_after,first_response_median,seconds,345600,86400".to_owned(),
        "before_after,open_issues_at_window_start,count,2,4".to_owned(),
        "before_after,open_issues_at_window_end,count,4,3".to_owned(),
        "before_after,change_request_closure_ratio,ratio,1.50,0.75".to_owned(),
        "before_after,active_maintainers,count,3,2".to_owned(),
        "money_received,open_collective,EUR,,200.00".to_owned(),
        "money_received,open_collective,USD,,25.00".to_owned(),
        "money_received,grants,USD,,12000.00".to_owned(),
    ];
    assert_eq!(body.split("\r\n").filter(|l| !l.is_empty()).collect::<Vec<_>>(), expected);
    // The second request is answered from the render cache with the same headers.
    let (status, again, cached) = get_with_headers(&format!("{app}{REPORT}?format=csv")).await;
    assert_eq!((status, cached), (200, body));
    assert_eq!(header(&again, "content-disposition"), format!("attachment; filename=\"{file}\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_is_ready_to_paste_into_a_grant_report() {
    let (_store, app) = seeded_app().await;
    let (status, headers, md) = get_with_headers(&format!("{app}{REPORT}?format=md")).await;
    assert_eq!(status, 200, "{md}");
    assert_eq!(header(&headers, "content-type"), "text/markdown; charset=utf-8");
    let file = format!("report-acme-widget-{}-{}.md", date(d(120)), date(d(31)));
    assert_eq!(header(&headers, "content-disposition"), format!("attachment; filename=\"{file}\""));
    assert!(md.starts_with("# Impact report: acme/widget\n\n**Period:** "), "{md}");
    let before = format!("before {} – {}", date(d(210)), date(d(121)));
    let (summary, source) = (expected_summary(), format!("Source: Upkeep impact report, {app}{REPORT}, generated "));
    for expected in [
        before.as_str(),
        summary.as_str(),
        "## Outputs in the period",
        "| Merged pull requests | 3 |",
        "| Closed issues | 3 |",
        "| Releases | 2 |",
        "| New contributors | 3 |",
        "| First-timers who came back | 1 |",
        "## Before and during the period",
        "| Median time to first response | 4.0 d | 1.0 d |",
        "| Open issues (window start → end) | 2 → 4 | 4 → 3 |",
        "| Change request closure ratio | 1.50 | 0.75 |",
        "| Active maintainers | 3 | 2 |",
        "## Money received",
        "| Open Collective | 200.00 EUR and 25.00 USD |",
        "| grants | 12,000.00 USD |",
        "## Data notes",
        "- Issues and pull requests opened by bots are not counted",
        source.as_str(),
    ] {
        assert!(md.contains(expected), "missing {expected:?} in\n{md}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_grant_the_period_is_the_last_twelve_months_and_dates_override_the_default() {
    let (_store, app) = seeded_app().await;
    let gadget = json(&format!("{app}/api/v1/reports/acme/gadget")).await;
    let now = chrono::Utc::now();
    let year_ago = now.checked_sub_months(chrono::Months::new(12)).unwrap();
    assert_eq!(gadget["basis"], "last_12_months");
    assert_eq!(
        gadget["period"],
        json!({"from": year_ago.format("%Y-%m-%d").to_string(), "to": now.format("%Y-%m-%d").to_string()})
    );
    assert!(gadget["grant"].is_null());
    assert_eq!(gadget["before_after"]["first_response_median"]["after"]["seconds"], 7_200, "gadget #1, 2 h");

    // The window before the grant as the period: see the end of `report_seed.rs`.
    let (from, to) = (date(d(210)), date(d(121)));
    let url = format!("{app}{API}?from={from}&to={to}");
    let widget = json(&url).await;
    assert_eq!((&widget["basis"], &widget["period"]), (&json!("requested"), &json!({"from": from, "to": to})));
    assert_eq!(
        widget["outputs"],
        json!({"merged_prs": 2, "closed_issues": 1, "releases": 1, "new_contributors": 2, "returning_first_timers": 1})
    );
    assert_eq!(widget["windows"]["before"], json!({"from": date(d(300)), "to": date(d(211))}));
    let doc = page(&format!("{app}{REPORT}?from={from}&to={to}")).await;
    let href = |id: &str| select(&doc, id)[0].value().attr("href").unwrap_or_default().to_owned();
    assert_eq!(href("#export-csv"), format!("{REPORT}?from={from}&to={to}&format=csv"), "links keep the dates");
    assert_eq!(href("#export-json"), format!("{API}?from={from}&to={to}"));

    // A period that has not started: every format answers, and says there is nothing to compare.
    let future = json(&format!("{app}{API}?from=2099-01-01&to=2099-01-31")).await;
    assert!(
        future["summary"]
            .as_str()
            .unwrap()
            .contains("The period starts on 2099-01-01, so there is nothing to compare yet.")
    );
    assert_eq!(future["windows"]["after"], json!({"from": "2099-01-01", "to": null}));
    for format in ["html", "csv", "md"] {
        let (status, body) = get(&format!("{app}{REPORT}?from=2099-01-01&to=2099-01-31&format={format}")).await;
        assert_eq!(status, 200, "{format}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_parameters_are_400_and_unknown_repositories_404_in_html_and_json() {
    let (_store, app) = seeded_app().await;
    let cases = [
        ("?from=2026-13-01", "from must be a date like 2026-01-31"),
        ("?from=2026-02-01&to=2026-01-01", "from (2026-02-01) must not be after to (2026-01-01)"),
        ("?to=1999-12-31", "to must be between 2000 and 2100"),
        ("?format=xml", "format must be html, csv, json or md, not \"xml\""),
        ("?colour=red", "bad query parameter"),
    ];
    for (query, message) in cases {
        let (status, body) = get(&format!("{app}{REPORT}{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        let doc = Html::parse_document(&body);
        assert!(texts(&doc, ".error-message")[0].contains(message), "{query}: {body}");

        let (status, body) = get(&format!("{app}{API}{query}")).await;
        assert_eq!(status, 400, "API {query}: {body}");
        let error: serde_json::Value = serde_json::from_str(&body).expect("API errors are JSON");
        assert!(error["error"].as_str().unwrap().contains(message), "API {query}: {body}");
    }
    let (status, body) = get(&format!("{app}{API}?format=csv")).await;
    assert_eq!(status, 400);
    assert!(body.contains("the API answers JSON only; for format=csv use /reports/acme/widget"), "{body}");

    let (status, body) = get(&format!("{app}/reports/acme/nope")).await;
    assert_eq!(status, 404);
    let doc = Html::parse_document(&body);
    assert_eq!(texts(&doc, ".error-message"), ["Upkeep does not track a repository named acme/nope."]);
    let (status, body) = get(&format!("{app}/api/v1/reports/acme/nope")).await;
    assert_eq!(status, 404);
    let error: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(error, json!({"error": "Upkeep does not track a repository named acme/nope."}));
}
