//! The web shell: health, overview before and after the first sync, the status page and its
//! JSON, error pages for bad input, and escaping of text from GitHub. HTML is checked through
//! CSS selectors, never substring matching.

use scraper::{Html, Selector};
use upkeep::db;

use crate::helpers::{Store, collect, config_for, get, get_until, select, sim_options, spawn_app, start_sim, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_answers_before_any_sync_and_the_overview_lists_repos_after_the_first() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let config = config_for(&sim.url(), &store.path());
    let app = spawn_app(config.clone(), store.db.clone()).await;

    let (status, body) = get(&format!("{app}/healthz")).await;
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["status"], "ok");
    let (status, body) = get(&format!("{app}/")).await;
    assert_eq!(status, 200);
    let doc = Html::parse_document(&body);
    assert_eq!(select(&doc, "#first-sync").len(), 1, "says the first sync is pending");

    collect(&store.collector_with(config)).await;
    // The first answer after the sync may be the page rendered before it, served while the new
    // one renders; the new one follows within seconds.
    let body = get_until(&format!("{app}/"), "the overview lists the synced repositories", |b| {
        !b.contains("id=\"first-sync\"")
    })
    .await;
    let doc = Html::parse_document(&body);
    let rows = select(&doc, "#repos tbody tr");
    assert_eq!(rows.len(), 12);
    assert!(rows.iter().any(|r| text(r).contains("upkeep-sim/legacy-tools") && text(r).contains("archived")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_page_and_its_json_show_each_repo_and_the_run_numbers() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let mut config = config_for(&sim.url(), &store.path());
    config.sources.repos = vec!["upkeep-sim/gone".parse().unwrap()];
    let summary = collect(&store.collector_with(config.clone())).await;
    let app = spawn_app(config, store.db.clone()).await;

    let (status, body) = get(&format!("{app}/status")).await;
    assert_eq!(status, 200);
    let doc = Html::parse_document(&body);
    let tracked = select(&doc, "#tracked tbody tr");
    assert_eq!(tracked.len(), 13);
    let gone = tracked.iter().find(|r| text(r).starts_with("upkeep-sim/gone")).expect("the missing repo is listed");
    assert!(text(gone).contains("not_found") && text(gone).contains("404"), "{}", text(gone));

    let run = &select(&doc, "#runs tbody tr")[0];
    let cells: Vec<String> = run.select(&Selector::parse("td").unwrap()).map(|c| text(&c)).collect();
    assert_eq!(cells[4], "partial");
    assert_eq!(cells[6], summary.requests.to_string());
    assert_eq!(cells[8], summary.items_written.to_string());
    assert!(!select(&doc, "#resources tbody tr").is_empty());

    let (status, body) = get(&format!("{app}/api/v1/status")).await;
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["runs"][0]["requests"], summary.requests);
    assert_eq!(json["runs"][0]["items_written"], summary.items_written);
    assert_eq!(json["tracked"].as_array().unwrap().len(), 13);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_4xx_page_never_a_500() {
    let store = Store::new().await;
    let config = config_for("http://127.0.0.1:9", &store.path());
    let app = spawn_app(config, store.db.clone()).await;
    let cases = [
        ("/no/such/page", 404),
        ("/status?run=abc", 400),
        ("/status?run=99999", 404),
        ("/status?colour=blue", 400),
        ("/status?run=%ff%fe", 400),
        ("/api/v1/status?run=-1", 404),
    ];
    for (path, expected) in cases {
        let (status, body) = get(&format!("{app}{path}")).await;
        assert_eq!(status, expected, "{path}: {body}");
        if !path.starts_with("/api/") {
            let doc = Html::parse_document(&body);
            let message = select(&doc, ".error-message");
            assert_eq!(message.len(), 1, "{path} renders the error page");
            assert!(!text(&message[0]).is_empty());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_from_github_is_escaped() {
    let store = Store::new().await;
    let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let row = db::repos::RepositoryRow {
        id: 1,
        owner: "evil".into(),
        name: "repo".into(),
        full_name: "evil/<b>repo</b>".into(),
        description: Some(hostile.into()),
        html_url: "javascript:alert(3)".into(),
        language: Some("<i>Rust</i>".into()),
        default_branch: None,
        is_private: false,
        is_fork: false,
        is_archived: false,
        stargazers: 0,
        forks: 0,
        open_issues: 0,
        created_at: 0,
        updated_at: 0,
        pushed_at: None,
    };
    db::repos::upsert_repository(&store.db.pool, &row).await.unwrap();
    db::repos::track_repository(&store.db.pool, &row.full_name, "config").await.unwrap();
    let outcome = db::repos::RepoOutcome { condition: "ok", message: None, repo_id: Some(1), at: 0 };
    db::repos::record_repo_outcome(&store.db.pool, &row.full_name, &outcome).await.unwrap();
    db::runs::start_run(&store.db.pool, "test", 0).await.unwrap();
    db::runs::close_interrupted_runs(&store.db.pool, 0, 90, |_, _| false).await.unwrap();
    upkeep::db::sql::query("UPDATE sync_runs SET finished_at = 1").execute(&store.db.pool).await.unwrap();
    let app = spawn_app(config_for("http://127.0.0.1:9", &store.path()), store.db.clone()).await;

    let (status, body) = get(&format!("{app}/")).await;
    assert_eq!(status, 200);
    let doc = Html::parse_document(&body);
    assert!(select(&doc, "main script").is_empty(), "no script element was injected");
    assert!(select(&doc, "main img").is_empty());
    assert!(select(&doc, "main b, main i").is_empty());
    assert!(select(&doc, "main a[href^='javascript']").is_empty(), "a javascript: URL is never a link");
    let row = &select(&doc, "#repos tbody tr")[0];
    assert!(text(row).contains("evil/<b>repo</b>"), "the name is shown literally: {}", text(row));
}
