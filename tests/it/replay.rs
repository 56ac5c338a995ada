//! The collector against recorded real GitHub traffic: a replay server on 127.0.0.1 answers with
//! exchanges recorded from api.github.com (`@octokit/fixtures`, octocrab's test resources) and
//! with bodies in GitHub's documented older shapes (`tests/fixtures/replay/README.md` says where
//! each file comes from). Status codes and headers are replayed as recorded, including the
//! millisecond `x-ratelimit-reset` those recordings carry; `https://api.github.com` in bodies and
//! `Link`/`Location` headers is rewritten to the replay's own address. A request with no
//! recording is answered 404 and remembered, so a test can assert what the collector asked.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Value, json};
use upkeep::{
    config::Config,
    github::sync::{CollectSummary, RunOptions},
};

use crate::helpers::Store;

/// One recorded answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Exchange {
    pub fn json(status: u16, body: &Value) -> Exchange {
        Exchange { status, headers: Vec::new(), body: body.to_string() }
    }
}

/// Answers by `METHOD path?query` first, then by `METHOD path`; several answers for one key are
/// given in turn, the last repeating.
#[derive(Default)]
struct Table {
    routes: HashMap<String, Vec<Exchange>>,
    served: HashMap<String, usize>,
    unmatched: Vec<String>,
    asked: Vec<String>,
}

pub struct Replay {
    pub url: String,
    table: Arc<Mutex<Table>>,
    handle: actix_web::dev::ServerHandle,
}

impl Replay {
    pub async fn start() -> Replay {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let table = Arc::new(Mutex::new(Table::default()));
        let data = web::Data::new((table.clone(), url.clone()));
        let server = HttpServer::new(move || App::new().app_data(data.clone()).default_service(web::to(answer)))
            .workers(1)
            .disable_signals()
            .shutdown_timeout(1)
            .listen(listener)
            .expect("listen")
            .run();
        let handle = server.handle();
        tokio::spawn(server);
        Replay { url, table, handle }
    }

    /// Sets the answer for `METHOD path` (any query) or `METHOD path?query` (that query only),
    /// replacing any earlier one.
    pub fn on(&self, method: &str, path: &str, exchange: Exchange) -> &Self {
        let key = format!("{} {path}", method.to_uppercase());
        self.table.lock().unwrap().routes.insert(key, vec![exchange]);
        self
    }

    /// Adds an answer after those already set for the key: given in turn, the last repeating.
    pub fn then(&self, method: &str, path: &str, exchange: Exchange) -> &Self {
        let key = format!("{} {path}", method.to_uppercase());
        self.table.lock().unwrap().routes.entry(key).or_default().push(exchange);
        self
    }

    /// Adds every exchange of an `@octokit/fixtures` normalized fixture, by method, path and
    /// query as recorded (and, for a path recorded once, by path alone too).
    pub fn octokit(&self, file: &str) -> &Self {
        let recorded: Vec<Value> = serde_json::from_str(&fixture(&format!("octokit/{file}"))).expect("fixture JSON");
        for x in recorded {
            let method = x["method"].as_str().unwrap().to_uppercase();
            let path = x["path"].as_str().unwrap().to_owned();
            let headers = x["headers"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "content-length" | "transfer-encoding" | "connection"))
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect();
            let body = match &x["response"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let exchange = Exchange { status: x["status"].as_u64().unwrap() as u16, headers, body };
            self.then(&method, &path, exchange.clone());
            if let Some((bare, _)) = path.split_once('?') {
                let key = format!("{method} {bare}");
                self.table.lock().unwrap().routes.entry(key).or_insert_with(|| vec![exchange]);
            }
        }
        self
    }

    /// `METHOD path?query` of every request the replay had no recording for.
    pub fn unmatched(&self) -> Vec<String> {
        self.table.lock().unwrap().unmatched.clone()
    }

    /// Every request, in order.
    pub fn asked(&self) -> Vec<String> {
        self.table.lock().unwrap().asked.clone()
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

async fn answer(req: HttpRequest, data: web::Data<(Arc<Mutex<Table>>, String)>) -> HttpResponse {
    let (table, base) = data.get_ref();
    let method = req.method().as_str().to_owned();
    let full = match req.query_string() {
        "" => req.path().to_owned(),
        q => format!("{}?{q}", req.path()),
    };
    let mut t = table.lock().unwrap();
    t.asked.push(format!("{method} {full}"));
    let key =
        [format!("{method} {full}"), format!("{method} {}", req.path())].into_iter().find(|k| t.routes.contains_key(k));
    let Some(key) = key else {
        t.unmatched.push(format!("{method} {full}"));
        return HttpResponse::NotFound()
            .content_type("application/json")
            .body(r#"{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}"#);
    };
    let n = *t.served.get(&key).unwrap_or(&0);
    t.served.insert(key.clone(), n + 1);
    let answers = &t.routes[&key];
    let x = answers[n.min(answers.len() - 1)].clone();
    drop(t);
    let rewrite = |s: &str| s.replace("https://api.github.com", base);
    let mut response = HttpResponse::build(actix_web::http::StatusCode::from_u16(x.status).expect("recorded status"));
    let mut typed = false;
    for (k, v) in &x.headers {
        typed |= k.eq_ignore_ascii_case("content-type");
        response.insert_header((k.as_str(), rewrite(v)));
    }
    if !typed {
        response.insert_header(("content-type", "application/json; charset=utf-8"));
    }
    response.body(rewrite(&x.body))
}

/// A file under `tests/fixtures/replay/`.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/replay/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A configuration that collects `repo` from the replay, with fast retries.
pub fn config(replay: &Replay, store: &Store, repo: &str) -> Config {
    let mut config = Config::default();
    config.github.api_url = replay.url.parse().unwrap();
    config.funding.open_collective_url = format!("{}/opencollective/graphql/v2", replay.url).parse().unwrap();
    config.sources.repos = vec![repo.parse().unwrap()];
    config.database.path = store.path();
    config.collector.reserve = 200;
    config.collector.max_retries = 2;
    config.collector.backoff_base_ms = 1;
    config.collector.backoff_max_secs = 1;
    config.github.timeout_secs = 5;
    config
}

/// One run, bounded: a replay must never make the collector wait (the recordings' resets are in
/// milliseconds and would be a 1.8-trillion-second wait if believed).
pub async fn collect(store: &Store, config: Config) -> CollectSummary {
    let collector = store.collector_with(config);
    let opts = RunOptions { only_repo: None, trigger: "test".into(), show_progress: false, timeout: None };
    tokio::time::timeout(std::time::Duration::from_secs(60), collector.run(&opts))
        .await
        .expect("the run ends within 60 s")
        .expect("the run completes")
}

/// Answers for a repository's listings the recording does not cover: empty, as GitHub answers
/// for a repository without them.
pub fn empty_listings(replay: &Replay, repo: &str) {
    for listing in ["issues/comments", "pulls/comments", "pulls", "releases", "milestones", "commits"] {
        replay.on("GET", &format!("/repos/{repo}/{listing}"), Exchange::json(200, &json!([])));
    }
    replay.on(
        "GET",
        &format!("/repos/{repo}/community/profile"),
        Exchange::json(404, &json!({"message": "Not Found"})),
    );
    for file in ["funding.json", ".github/FUNDING.yml"] {
        replay.on(
            "GET",
            &format!("/repos/{repo}/contents/{file}"),
            Exchange::json(404, &json!({"message": "Not Found"})),
        );
    }
    replay.on("POST", "/graphql", Exchange::json(200, &json!({"data": {"repository": null, "nodes": []}})));
}

async fn rows(store: &Store, sql: &str) -> Vec<(i64, i64)> {
    upkeep::db::sql::query_as(sqlx::AssertSqlSafe(sql.to_owned())).fetch_all(&store.db.pool).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_pagination_with_millisecond_resets_stores_every_issue_across_repositories_paths() {
    let replay = Replay::start().await;
    replay.octokit("get-repository.json").octokit("paginate-issues.json");
    // The recording paginates /repos/…/paginate-issues/issues; the collector asks with its own
    // query, so the first page answers the repository's issue listing whatever the query.
    let first = {
        let t = replay.table.lock().unwrap();
        t.routes["GET /repos/octokit-fixture-org/paginate-issues/issues"][0].clone()
    };
    replay.on("GET", "/repos/octokit-fixture-org/hello-world/issues", first);
    empty_listings(&replay, "octokit-fixture-org/hello-world");
    let store = Store::new().await;
    let started = std::time::Instant::now();
    let summary = collect(&store, config(&replay, &store, "octokit-fixture-org/hello-world")).await;
    assert!(started.elapsed().as_secs() < 30, "no rate-limit wait was planned from a millisecond reset");
    assert_eq!(summary.failed_repos, Vec::<String>::new(), "{summary:?}\nunmatched: {:?}", replay.unmatched());
    // Pages 2-5 are /repositories/1000/issues?…&page=N: followed from the Link header as sent.
    let asked = replay.asked();
    for page in 2..=5 {
        let wanted = format!("GET /repositories/1000/issues?per_page=3&page={page}");
        assert!(asked.contains(&wanted), "{wanted} in {asked:?}");
    }
    let stored = rows(&store, "SELECT number, is_pull_request FROM issues ORDER BY number").await;
    let recorded: usize = (1..=5)
        .map(|p| {
            let key = if p == 1 {
                "GET /repos/octokit-fixture-org/paginate-issues/issues".to_owned()
            } else {
                format!("GET /repositories/1000/issues?per_page=3&page={p}")
            };
            let t = replay.table.lock().unwrap();
            serde_json::from_str::<Vec<Value>>(&t.routes[&key][0].body).unwrap().len()
        })
        .sum();
    assert_eq!(stored.len(), recorded, "every recorded issue is stored once: {stored:?}");
    assert!(stored.iter().all(|(_, pr)| *pr == 0), "none of them is a pull request");
    let repo: (String, String) = upkeep::db::sql::query_as("SELECT full_name, html_url FROM repositories")
        .fetch_one(&store.db.pool)
        .await
        .unwrap();
    assert_eq!(
        repo,
        ("octokit-fixture-org/hello-world".into(), "https://github.com/octokit-fixture-org/hello-world".into())
    );
    replay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_301_for_a_renamed_repository_is_followed_and_reported_as_moved() {
    let replay = Replay::start().await;
    replay.octokit("rename-repository.json");
    empty_listings(&replay, "octokit-fixture-org/rename-repository-newname");
    replay.on("GET", "/repos/octokit-fixture-org/rename-repository-newname/issues", Exchange::json(200, &json!([])));
    let store = Store::new().await;
    let summary = collect(&store, config(&replay, &store, "octokit-fixture-org/rename-repository")).await;
    assert!(summary.failed_repos.is_empty(), "{summary:?}\nunmatched: {:?}", replay.unmatched());
    let tracked = upkeep::db::repos::list_tracked(&store.db.pool).await.unwrap();
    assert_eq!(tracked[0].condition, "moved", "{tracked:?}");
    assert_eq!(tracked[0].message.as_deref(), Some("octokit-fixture-org/rename-repository-newname"));
    assert!(replay.asked().contains(&"GET /repositories/1000".to_owned()), "{:?}", replay.asked());
    replay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn octocrabs_recorded_releases_pulls_review_comments_and_commits_are_read() {
    let replay = Replay::start().await;
    replay.octokit("get-repository.json");
    let repo = "octokit-fixture-org/hello-world";
    let body = |file: &str| Exchange { status: 200, headers: Vec::new(), body: fixture(&format!("octocrab/{file}")) };
    empty_listings(&replay, repo);
    // The pull request of pull_requests_list.json, as /issues lists it.
    let issue = json!([{
        "id": 1347, "node_id": "MDU6SXNzdWUx", "number": 1347, "title": "Amazing new feature", "state": "open",
        "user": {"login": "octocat", "id": 1, "type": "User"}, "labels": [], "comments": 0,
        "created_at": "2011-01-26T19:01:12Z", "updated_at": "2011-01-26T19:01:12Z",
        "html_url": "https://github.com/octocat/Hello-World/pull/1347",
        "pull_request": {"url": "https://api.github.com/repos/octocat/Hello-World/pulls/1347",
                         "html_url": "https://github.com/octocat/Hello-World/pull/1347"}
    }]);
    replay.on("GET", &format!("/repos/{repo}/issues"), Exchange::json(200, &issue));
    replay.on("GET", &format!("/repos/{repo}/releases"), body("repos_releases_list.json"));
    replay.on("GET", &format!("/repos/{repo}/pulls"), body("pull_requests_list.json"));
    replay.on("GET", &format!("/repos/{repo}/pulls/comments"), body("get_pull_request_review_comments.json"));
    replay.on("GET", &format!("/repos/{repo}/commits"), body("repos_list_commits.json"));
    let store = Store::new().await;
    let summary = collect(&store, config(&replay, &store, repo)).await;
    assert!(summary.failed_repos.is_empty(), "{summary:?}\nunmatched: {:?}", replay.unmatched());
    assert_eq!(rows(&store, "SELECT number, is_pull_request FROM issues").await, vec![(1347, 1)]);
    let releases: Vec<(String, Option<String>)> =
        upkeep::db::sql::query_as("SELECT tag_name, name FROM releases ORDER BY tag_name")
            .fetch_all(&store.db.pool)
            .await
            .unwrap();
    let tags: Vec<&str> = releases.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(tags, ["v0.37.0", "v0.38.0"], "{releases:?}");
    assert_eq!(rows(&store, "SELECT pr_number, COALESCE(review_id, 0) FROM review_comments").await, vec![(1, 42)]);
    let commits: Vec<(String, Option<i64>, Option<String>)> =
        upkeep::db::sql::query_as("SELECT sha, author_id, author_hash FROM commits")
            .fetch_all(&store.db.pool)
            .await
            .unwrap();
    assert_eq!(commits, vec![("24606b5f326a1356f031dd06431cfb0beddd475f".to_owned(), Some(8_143_842), None)]);
    // Commit activity per account and week comes from the history, not /stats/contributors.
    assert_eq!(rows(&store, "SELECT account_id, commits FROM contributor_weeks").await, vec![(8_143_842, 1)]);
    replay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn githubs_2012_shapes_are_stored_truly_and_what_cannot_be_placed_is_quarantined() {
    let replay = Replay::start().await;
    let repo = "oldorg/oldrepo";
    let mut meta: Value = serde_json::from_str(&fixture("octokit/get-repository.json")).unwrap();
    let mut meta = meta[0]["response"].take();
    meta["name"] = json!("oldrepo");
    meta["full_name"] = json!(repo);
    meta["owner"]["login"] = json!("oldorg");
    replay.on("GET", &format!("/repos/{repo}"), Exchange::json(200, &meta));
    empty_listings(&replay, repo);
    let file = |name: &str| Exchange { status: 200, headers: Vec::new(), body: fixture(&format!("docs/{name}")) };
    replay.on("GET", &format!("/repos/{repo}/issues"), file("issues-2012.json"));
    replay.on("GET", &format!("/repos/{repo}/issues/comments"), file("issue-comments-2012.json"));
    replay.on("GET", &format!("/repos/{repo}/pulls/comments"), file("review-comments.json"));
    let store = Store::new().await;
    let summary = collect(&store, config(&replay, &store, repo)).await;
    assert!(summary.failed_repos.is_empty(), "one odd item fails no repository: {summary:?}");

    // Issue or PR by a pull_request that carries a URL, never by the key alone.
    assert_eq!(
        rows(&store, "SELECT number, is_pull_request FROM issues ORDER BY number").await,
        vec![(1, 0), (2, 1), (3, 0)]
    );
    let deleted_author: Option<i64> = upkeep::db::sql::query_scalar("SELECT author_id FROM issues WHERE number = 1")
        .fetch_one(&store.db.pool)
        .await
        .unwrap();
    assert_eq!(deleted_author, None, "user: null is a deleted account, stored without an author");
    // A comment's issue_url ending in the issue's id lands on that issue; one ending in a number
    // on that number; one naming neither, and one that cannot be read, are quarantined.
    assert_eq!(
        rows(&store, "SELECT id, issue_number FROM comments ORDER BY id").await,
        vec![(7_000_001, 1), (7_000_002, 2)]
    );
    // A review comment without pull_request_url is placed by its html_url; one with no link at
    // all is quarantined and the rest of its page is kept.
    assert_eq!(rows(&store, "SELECT id, pr_number FROM review_comments").await, vec![(8_000_001, 2)]);
    let quarantined: Vec<(String, String, String)> =
        upkeep::db::sql::query_as("SELECT resource, item_key, reason FROM quarantined_items ORDER BY item_key")
            .fetch_all(&store.db.pool)
            .await
            .unwrap();
    let keys: Vec<(&str, &str)> = quarantined.iter().map(|(r, k, _)| (r.as_str(), k.as_str())).collect();
    assert_eq!(
        keys,
        vec![("issue_comments", "7000003"), ("issue_comments", "7000004"), ("review_comments", "8000002")]
    );
    assert!(quarantined[0].2.contains("neither an issue number nor an issue id"), "{quarantined:?}");
    assert!(quarantined[1].2.contains("missing field `created_at`"), "{quarantined:?}");
    assert_eq!(summary.quarantined, 3);

    // /status lists them, escaped.
    let app = crate::helpers::spawn_app(config(&replay, &store, repo), store.db.clone()).await;
    let (status, page) = crate::helpers::get(&format!("{app}/status")).await;
    assert_eq!(status, 200);
    assert!(page.contains("7000004") && page.contains("missing field"), "listed on /status");
    assert!(!page.contains("<script>alert(1)</script>") && page.contains("&#60;script&#62;"), "escaped");
    let api = crate::helpers::json(&format!("{app}/api/v1/status")).await;
    assert_eq!(api["quarantined_total"], 3);

    // A second run reads the same listing: nothing is duplicated, the quarantine stays as it is.
    let again = collect(&store, config(&replay, &store, repo)).await;
    assert!(again.failed_repos.is_empty(), "{again:?}");
    assert_eq!(rows(&store, "SELECT id, issue_number FROM comments ORDER BY id").await.len(), 2);
    let count: i64 = upkeep::db::sql::query_scalar("SELECT COUNT(*) FROM quarantined_items")
        .fetch_one(&store.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 3);
    replay.stop().await;
}
