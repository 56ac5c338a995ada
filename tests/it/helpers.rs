//! Shared test helpers: a simulated GitHub, a fresh database per test, a collector pointed at
//! the simulator, the web app on port 0, and table digests for comparing databases.

use std::sync::Arc;
use std::time::Duration;

use upkeep::{
    app::Application,
    config::Config,
    db::{Db, Location, digest},
    github::sync::{CollectSummary, Collector, RunOptions},
    scratch::Scratch,
};
use upkeep_sim::{Scale, SimOptions, SimServer};

/// A simulated `upkeep-sim` organisation at small scale (deterministic: seed 7, fixed epoch).
pub fn sim_options() -> SimOptions {
    let mut opts = SimOptions::new(7, Scale::Small);
    opts.retry_after_secs = 0;
    opts.slow_ms = 20;
    opts
}

pub async fn start_sim(opts: SimOptions) -> SimServer {
    SimServer::start(opts, 0).await.expect("the simulated GitHub starts")
}

/// A configuration that collects the whole simulated org into `db_path`, with fast retries.
pub fn config_for(sim_url: &str, db_path: &std::path::Path) -> Config {
    let mut config = Config::default();
    config.github.api_url = sim_url.parse().expect("sim URL");
    config.funding.open_collective_url = format!("{sim_url}/opencollective/graphql/v2").parse().expect("OC URL");
    config.sources.orgs = vec!["upkeep-sim".to_owned()];
    config.sources.include_archived = true;
    config.database.path = db_path.to_owned();
    config.collector.reserve = 0;
    config.collector.max_retries = 10;
    config.collector.backoff_base_ms = 1;
    config.collector.backoff_max_secs = 1;
    config.github.timeout_secs = 5;
    config
}

/// A fresh database: SQLite, or PostgreSQL when `UPKEEP_TEST_POSTGRES_URL` names a server
/// (`upkeep::scratch`).
pub struct Store {
    pub db: Db,
    scratch: Scratch,
    /// A folder for the test's own files (and the SQLite file, on SQLite).
    pub dir: tempfile::TempDir,
}

impl Store {
    pub async fn new() -> Store {
        Self::from(Scratch::new().await.expect("database opens"))
    }

    /// A SQLite database whatever the environment says: for tests of SQLite's own rules.
    pub async fn sqlite() -> Store {
        Self::from(Scratch::sqlite().await.expect("database opens"))
    }

    fn from(scratch: Scratch) -> Store {
        Store { db: scratch.db.clone(), scratch, dir: tempfile::tempdir().expect("temp dir") }
    }

    /// The SQLite file; on PostgreSQL a file name that is never created (for `config_for`). A test
    /// that hands the database to an `upkeep` process gives it [`Store::url`].
    pub fn path(&self) -> std::path::PathBuf {
        self.scratch.sqlite_path().unwrap_or_else(|| self.dir.path().join("not-used-on-postgres.db"))
    }

    /// The database as `[database] url` and `UPKEEP_DATABASE__URL` take it, on either backend:
    /// `sqlite://PATH`, or the scratch PostgreSQL database's URL. How a test hands this store to
    /// an `upkeep` process it spawns.
    pub fn url(&self) -> String {
        match self.db.location() {
            Location::Sqlite(path) => sqlite_url(path),
            Location::Postgres(url) => url.clone(),
        }
    }

    pub fn collector(&self, sim: &SimServer) -> Collector {
        self.collector_with(config_for(&sim.url(), &self.path()))
    }

    pub fn collector_with(&self, config: Config) -> Collector {
        Collector::with_token(Arc::new(config), self.db.clone(), None).expect("collector")
    }

    pub async fn digests(&self) -> Vec<(String, u64, String)> {
        digest::table_digests(&self.db.pool).await.expect("digest")
    }

    pub async fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        upkeep::db::sql::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&self.db.pool).await.expect("count")
    }
}

/// A SQLite file as a database URL (`sqlite://PATH`), for tests about SQLite files themselves.
pub fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}", path.display())
}

/// `upkeep --config CONFIG collect ARGS` against the simulator at `api_url`, into the database at
/// `db_url` ([`Store::url`], or [`sqlite_url`] of a file), with no credentials from the
/// developer's environment (tests add their own with `.env`).
pub fn collect_command(
    config: &std::path::Path,
    api_url: &str,
    db_url: &str,
    args: &[&str],
) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_upkeep"));
    cmd.args(["--config", config.to_str().expect("a UTF-8 path"), "collect"])
        .args(args)
        .env("UPKEEP_GITHUB__API_URL", api_url)
        .env("UPKEEP_FUNDING__OPEN_COLLECTIVE_URL", format!("{api_url}/opencollective/graphql/v2"))
        .env("UPKEEP_SOURCES__ORGS", "upkeep-sim")
        .env("UPKEEP_SOURCES__REPOS", "")
        .env("UPKEEP_DATABASE__URL", db_url)
        .env_remove("UPKEEP_DATABASE__PATH")
        .env("UPKEEP_COLLECTOR__RESERVE", "0")
        .env("UPKEEP_COLLECTOR__BACKOFF_BASE_MS", "1")
        .env("UPKEEP_COLLECTOR__BACKOFF_MAX_SECS", "1")
        .env_remove("GITHUB_TOKENS")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .env_remove("UPKEEP_GITHUB_APP_KEY")
        .env_remove("UPKEEP_GITHUB_APP_KEY_FILE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    cmd
}

pub async fn collect(collector: &Collector) -> CollectSummary {
    let opts = RunOptions { only_repo: None, trigger: "test".to_owned(), show_progress: false, timeout: None };
    collector.run(&opts).await.expect("collect runs")
}

/// The web app on a free port; returns its base URL.
pub async fn spawn_app(config: Config, db: Db) -> String {
    let app = Application::build(Arc::new(config), db, "127.0.0.1:0".parse().unwrap()).await.expect("app builds");
    let url = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());
    url
}

/// GET a URL on the loopback test server; returns status and body.
/// Calls `probe` every 500 ms until it gives a value, at most `limit`.
pub async fn wait_for<T>(what: &str, limit: Duration, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(start.elapsed() < limit, "timed out after {limit:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// GETs `url` until it answers 200 with a body `check` accepts, at most 30 s; that body. After a
/// sync, a cached page is first served as rendered before it (stale-while-revalidate) while its
/// successor renders in the background.
pub async fn get_until(url: &str, what: &str, check: impl Fn(&str) -> bool) -> String {
    wait_for(what, Duration::from_secs(30), async || {
        let (status, body) = get(url).await;
        (status == 200 && check(&body)).then_some(body)
    })
    .await
}

pub async fn get(url: &str) -> (u16, String) {
    let uri: http::Uri = url.parse().expect("uri");
    let authority = uri.authority().expect("authority").as_str().to_owned();
    let path = uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
    let mut stream = tokio::net::TcpStream::connect(&authority).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
    (status, if chunked { dechunk(body) } else { body.to_owned() })
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { break };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// The page lower bound of a full sync: every listing's pages at 100 per page (milestones too) (an empty listing
/// still costs one request), plus one request each for repo metadata, the commits probe and the
/// community profile, plus `contents/funding.json`, `contents/.github/FUNDING.yml` and
/// `contents/.github/upkeep-affiliations.toml` (one request each, a 404 where there is none), and
/// one page of `commits?path=` for each self-declared affiliations file sent. The second number is the GraphQL review batches
/// (50 PRs each); the funding GraphQL requests (`UpkeepFunding`, `UpkeepSponsorable`) are in the
/// simulator's GraphQL count, not here.
pub fn page_lower_bound(sim: &SimServer) -> (u64, u64) {
    let pages = |n: u64| n.div_ceil(100).max(1);
    let totals = sim.totals();
    let mut bound = pages(totals.len() as u64); // the org listing
    let mut reviews = 0;
    for t in &totals {
        bound += 1 + pages(t.issues_and_prs) + pages(t.issue_comments) + pages(t.review_comments) + pages(t.pulls);
        // Releases, milestones, the commits probe and its pages, the community profile and
        // funding.json and FUNDING.yml.
        bound += pages(t.releases) + pages(t.milestones) + 1 + t.commits.div_ceil(100) + 1 + 2;
        // The self-declared affiliations file, and its commits where it was sent.
        bound += 1 + u64::from(t.self_declared_file);
        reviews += t.pulls.div_ceil(50);
    }
    (bound, reviews)
}

/// GET a page that must answer 200, parsed as HTML.
pub async fn page(url: &str) -> scraper::Html {
    let (status, body) = get(url).await;
    assert_eq!(status, 200, "{url}: {body}");
    scraper::Html::parse_document(&body)
}

/// GET a JSON answer that must be 200.
pub async fn json(url: &str) -> serde_json::Value {
    let (status, body) = get(url).await;
    assert_eq!(status, 200, "{url}: {body}");
    serde_json::from_str(&body).expect("JSON")
}

/// Elements of `doc` matching a CSS selector.
pub fn select<'a>(doc: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&scraper::Selector::parse(css).expect("selector")).collect()
}

/// An element's text with whitespace collapsed.
pub fn text(el: &scraper::ElementRef<'_>) -> String {
    el.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn on_path(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

/// Chromium: `$UPKEEP_CHROMIUM`, else the first of the usual names on `PATH`.
pub fn chromium() -> std::path::PathBuf {
    if let Some(p) = std::env::var_os("UPKEEP_CHROMIUM") {
        let p = std::path::PathBuf::from(p);
        assert!(p.is_file(), "UPKEEP_CHROMIUM names {}, which does not exist", p.display());
        return p;
    }
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        .iter()
        .find_map(|name| on_path(name))
        .unwrap_or_else(|| {
            panic!(
                "headless Chromium is needed for the print and browser tests but none was found (tried $UPKEEP_CHROMIUM, \
                 chromium, chromium-browser, google-chrome): install it, e.g. `apt-get install chromium` \
                 (.ci/run does this)"
            )
        })
}

/// Runs headless Chromium on `url` with `extra` flags (a fresh profile under `profile`, no
/// background networking, a time limit) and returns its output; panics naming `what` on a timeout.
pub async fn run_chromium(url: &str, profile: &std::path::Path, extra: &[String], what: &str) -> std::process::Output {
    const LIMIT: std::time::Duration = std::time::Duration::from_secs(120);
    let mut command = tokio::process::Command::new(chromium());
    command
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic"])
        .args(["--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn().expect("chromium starts");
    tokio::time::timeout(LIMIT, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("chromium did not finish {what} within {LIMIT:?}"))
        .expect("chromium runs")
}

/// The simulated organisation synced into a fresh store (configured by `edit`), served on a
/// free port: (app URL, simulator, store). Keep the simulator and store alive while testing.
pub async fn synced_app(edit: impl FnOnce(&mut Config)) -> (String, SimServer, Store) {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let mut config = config_for(&sim.url(), &store.path());
    edit(&mut config);
    collect(&store.collector_with(config.clone())).await;
    let app = spawn_app(config, store.db.clone()).await;
    (app, sim, store)
}

/// A raw HTTP/1.1 exchange with `app` (`http://host:port`): status, lower-cased headers, body
/// bytes (de-chunked). `extra` headers may replace `Host`.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

pub async fn request(app: &str, method: &str, path: &str, extra: &[(&str, &str)]) -> Answer {
    let authority = app.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(authority).await.expect("connect");
    let has_host = extra.iter().any(|(k, _)| k.eq_ignore_ascii_case("host"));
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !has_host {
        head.push_str(&format!("Host: {authority}\r\n"));
    }
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    tokio::io::AsyncWriteExt::write_all(&mut stream, head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("headers");
    let text = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = text.split("\r\n");
    let status = lines.next().unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")) {
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
            let n = usize::from_str_radix(String::from_utf8_lossy(&rest[..end]).trim(), 16).unwrap_or(0);
            rest = &rest[end + 2..];
            if n == 0 || rest.len() < n {
                break;
            }
            out.extend_from_slice(&rest[..n]);
            rest = &rest[(n + 2).min(rest.len())..];
        }
        body = out;
    }
    Answer { status, headers, body }
}
