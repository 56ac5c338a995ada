//! The site-wide maintainer pages over the dataset of [`crate::seed`]: the overview and its sorting,
//! the org page, 404s for unknown or untracked repositories, bad input, hostile text, badges and
//! `/metrics`. The repo page itself is tested in `dashboards.rs`, whose helpers these share.

use crate::dashboards::{REPO, card, error_message, get_typed, one, row_starting, rows, seeded_app, sel};
use crate::helpers::{get, json, page, select, text};
use crate::seed::{HOSTILE_LOGIN, HOSTILE_TITLE};
use scraper::Html;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_lists_both_repos_and_its_sort_links_reorder_them() {
    let (_store, app) = seeded_app().await;
    let doc = page(&format!("{app}/")).await;
    let table = rows(&doc, "#repos");
    let names: Vec<&str> = table.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["acme/gadget", "acme/widget"], "by name by default");
    let widget: Vec<&str> = table[1].iter().map(String::as_str).collect();
    assert_eq!(
        [widget[1], widget[2], widget[4], widget[5], widget[6], widget[7]],
        ["active", "7 ↑6", "12.0 h", "2", "2", "4"]
    );
    let gadget: Vec<&str> = table[0].iter().map(String::as_str).collect();
    assert_eq!(
        [gadget[1], gadget[2], gadget[4], gadget[5], gadget[6], gadget[7]],
        ["stable", "1 ↑1", "1.0 h", "1", "1", "1"]
    );
    assert_eq!(card(&doc, "unanswered").0, "5", "the rollup adds both repositories");

    let sort_link = select(&doc, "#repos thead a")
        .into_iter()
        .find(|a| text(a) == "Unanswered")
        .and_then(|a| a.value().attr("href"))
        .unwrap()
        .to_owned();
    assert_eq!(sort_link, "/?window=90&bots=exclude&sort=unanswered&dir=asc");
    let ascending = page(&format!("{app}{sort_link}")).await;
    let names: Vec<String> = rows(&ascending, "#repos").into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(names, ["acme/gadget", "acme/widget"]);
    let descending = page(&format!("{app}/?sort=unanswered&dir=desc")).await;
    let names: Vec<String> = rows(&descending, "#repos").into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(names, ["acme/widget", "acme/gadget"]);

    let api = json(&format!("{app}/api/v1/overview?sort=backlog&dir=desc")).await;
    let summary: Vec<(String, i64, i64)> = api
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["repo"].as_str().unwrap().to_owned(),
                r["open_backlog"].as_i64().unwrap(),
                r["unanswered"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(summary, [("acme/widget".to_owned(), 7, 4), ("acme/gadget".to_owned(), 1, 1)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_org_page_aggregates_both_repositories() {
    let (_store, app) = seeded_app().await;
    let doc = page(&format!("{app}/orgs/acme")).await;
    assert_eq!(one(&doc, "h1").split_whitespace().next(), Some("acme"));
    assert_eq!(card(&doc, "unanswered").0, "5");
    assert_eq!(card(&doc, "backlog"), ("8".into(), "6 issues · 2 PRs · 2 stale".into()));
    assert_eq!(card(&doc, "closure-ratio"), ("0.67".into(), "4 closed / 6 opened".into()));
    assert_eq!(card(&doc, "time-to-merge"), ("2.0 d".into(), "p90 7.0 d · 3 merged".into()));
    assert_eq!(card(&doc, "active-maintainers").0, "2");
    let repos: Vec<String> = select(&doc, "header.page-head p a").iter().map(text).collect();
    assert_eq!(repos, ["acme/gadget", "acme/widget"]);
    let queued: Vec<String> = rows(&doc, "#unanswered-table").into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(queued.iter().filter(|r| *r == "acme/gadget").count(), 1);
    assert_eq!(queued.len(), 5);

    let api = json(&format!("{app}/api/v1/orgs/acme")).await;
    assert_eq!(api["unanswered_count"], 5);
    assert_eq!((api["open_issues"].as_i64(), api["open_prs"].as_i64()), (Some(6), Some(2)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_repos_and_orgs_get_a_404_page() {
    let (_store, app) = seeded_app().await;
    for path in ["/repos/acme/nope", "/orgs/nobody", "/api/v1/repos/acme/nope", "/api/v1/orgs/nobody"] {
        let (status, body) = get(&format!("{app}{path}")).await;
        assert_eq!(status, 404, "{path}");
        assert!(!error_message(path, &body).is_empty(), "{path} says why");
    }
    let (_, body) = get(&format!("{app}/repos/acme/nope")).await;
    assert_eq!(
        one(&Html::parse_document(&body), ".error-message"),
        "Upkeep does not track a repository named acme/nope."
    );
}

/// A repository still stored but no longer tracked (taken out of the configuration) is shown by
/// no page: each answers the same 404 as for a name never seen (JSON under `/api/`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_repository_that_is_no_longer_tracked_gets_a_404_everywhere() {
    let (store, app) = seeded_app().await;
    let name: String = upkeep::db::sql::query_scalar("SELECT full_name FROM repositories ORDER BY id LIMIT 1")
        .fetch_one(&store.db.pool)
        .await
        .unwrap();
    // (Another window than the one asked for below: that page is not in the render cache.)
    let (status, _) = get(&format!("{app}/repos/{name}?window=30")).await;
    assert_eq!(status, 200, "tracked: shown");
    upkeep::db::sql::query(
        "DELETE FROM tracked_repos WHERE repo_id = (SELECT id FROM repositories WHERE full_name = ?)",
    )
    .bind(&name)
    .execute(&store.db.pool)
    .await
    .unwrap();
    for path in [
        format!("/repos/{name}"),
        format!("/api/v1/repos/{name}"),
        format!("/reports/{name}"),
        format!("/api/v1/reports/{name}"),
        format!("/funding/{name}"),
        format!("/api/v1/funding/{name}"),
        format!("/newcomers/{name}"),
    ] {
        let (status, body) = get(&format!("{app}{path}")).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(error_message(&path, &body), format!("Upkeep does not track a repository named {name}."), "{path}");
    }
    let (status, _) = get(&format!("{app}/badges/{name}/backlog.svg")).await;
    assert_eq!(status, 404, "the badge says it is not tracked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_query_parameters_get_a_400_with_a_message_never_a_500() {
    let (_store, app) = seeded_app().await;
    let cases = [
        (format!("{REPO}?window=7"), "30, 90 or 365"),
        (format!("{REPO}?window=abc"), "number of days"),
        (format!("{REPO}?from=2026-99-01"), "from must be a date"),
        (format!("{REPO}?from=2026-02-01&to=2026-01-01"), "before"),
        (format!("{REPO}?window=30&from=2026-01-01"), "not both"),
        (format!("{REPO}?sort=drop%20table"), "cannot sort"),
        (format!("{REPO}?format=xml"), "format must be"),
        (format!("{REPO}?bots=maybe"), "include or exclude"),
        (format!("{REPO}?dir=sideways"), "asc or desc"),
        (format!("{REPO}?table=secrets&format=csv"), "unknown table"),
        (format!("{REPO}?table=load"), "only applies with format=csv"),
        (format!("{REPO}?colour=blue"), "colour"),
        (format!("{REPO}?window=%ff"), ""),
        ("/orgs/acme?window=7".to_owned(), "30, 90 or 365"),
        ("/api/v1/repos/acme/widget?sort=drop%20table".to_owned(), "cannot sort"),
        ("/?sort=age".to_owned(), "cannot sort"),
        ("/api/v1/overview?colour=blue".to_owned(), "colour"),
    ];
    for (path, says) in cases {
        let (status, body) = get(&format!("{app}{path}")).await;
        assert_eq!(status, 400, "{path}: {body}");
        let message = error_message(&path, &body);
        assert!(message.contains(says), "{path}: {message:?} should mention {says:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_titles_labels_logins_and_urls_are_shown_literally_and_never_run() {
    let (_store, app) = seeded_app().await;
    for path in ["/", REPO, "/repos/acme/gadget", "/orgs/acme", "/?bots=include"] {
        let doc = page(&format!("{app}{path}")).await;
        assert!(select(&doc, "main script").is_empty(), "{path}: no script element was injected");
        assert!(select(&doc, "main img").is_empty(), "{path}: no img element was injected");
        assert!(select(&doc, "main b[onmouseover]").is_empty(), "{path}: no label markup");
        assert!(select(&doc, "[onerror], [onmouseover]").is_empty(), "{path}: no event handler attributes");
        for a in select(&doc, "a[href]") {
            let href = a.value().attr("href").unwrap().trim().to_ascii_lowercase();
            assert!(!href.starts_with("javascript:"), "{path}: a javascript: URL became a link");
        }
    }

    let doc = page(&format!("{app}{REPO}")).await;
    let row = row_starting(&doc, "#unanswered-table", &["acme/widget", &format!("issue #5: {HOSTILE_TITLE}")]);
    assert_eq!(row[2], HOSTILE_LOGIN, "the login is shown literally");
    let title = select(&doc, "#unanswered-table tbody td a")
        .into_iter()
        .find(|a| a.value().attr("href") == Some("https://github.com/acme/widget/issues/5"))
        .expect("the hostile issue links to GitHub");
    assert_eq!(text(&title), HOSTILE_TITLE);
    let top = select(&doc, "ol.top li").iter().map(text).collect::<Vec<_>>();
    assert!(top.contains(&format!("{HOSTILE_LOGIN}: 1 (11%)")), "{top:?}");

    let gadget = page(&format!("{app}/repos/acme/gadget")).await;
    assert!(select(&gadget, "h1 a").is_empty(), "the javascript: repository URL is not linked");
    assert_eq!(one(&gadget, "#unanswered-table tbody td:nth-child(2)"), "issue #1: an ordinary item");
    assert!(select(&gadget, "#unanswered-table tbody a").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn badges_are_svg_images_whose_text_matches_the_page() {
    let (_store, app) = seeded_app().await;
    let title = |svg: &str| {
        let doc = Html::parse_fragment(svg);
        let titles: Vec<String> = doc.select(&sel("svg > title")).map(|t| text(&t)).collect();
        assert_eq!(titles.len(), 1, "{svg}");
        titles[0].clone()
    };
    let expected = [
        ("bus-factor", "bus factor: 2"),
        ("first-response", "first response: 12 h"),
        ("backlog", "backlog: 7 open ↑6"),
    ];
    for (badge, says) in expected {
        let (status, content_type, body) = get_typed(&format!("{app}/badges/acme/widget/{badge}.svg")).await;
        assert_eq!(status, 200, "{badge}");
        assert!(content_type.starts_with("image/svg+xml"), "{badge}: {content_type}");
        assert_eq!(title(&body), says);
    }
    let doc = page(&format!("{app}{REPO}")).await;
    assert_eq!(format!("bus factor: {}", card(&doc, "bus-factor").0), expected[0].1);

    let (status, content_type, body) = get_typed(&format!("{app}/badges/acme/nope/bus-factor.svg")).await;
    assert_eq!(status, 404);
    assert!(content_type.starts_with("image/svg+xml"), "{content_type}");
    assert_eq!(title(&body), "upkeep: repo not tracked");
    let (status, _) = get(&format!("{app}/badges/acme/widget/stars.svg")).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_metrics_endpoint_times_the_repo_page_under_its_route_pattern() {
    let (_store, app) = seeded_app().await;
    page(&format!("{app}{REPO}")).await;
    let (status, body) = get(&format!("{app}/metrics")).await;
    assert_eq!(status, 200);
    let series =
        r#"upkeep_http_request_duration_seconds_bucket{route="/repos/{owner}/{name}",status="200",le="+Inf"} 1"#;
    assert!(body.lines().any(|l| l == series), "{body}");
    assert!(!body.contains("acme/widget\",status"), "paths never become labels");
}
