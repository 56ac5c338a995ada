//! The HTTP layer as a security review and a browser see it: HEAD on every GET route, the
//! security headers, Host checking and absolute links from `[server] public_url` only,
//! compression, validators with 304, and the content-hashed stylesheet.

use std::io::Read;

use crate::helpers::{request, synced_app};

/// Every GET route, with a path that exists in the synced simulator.
const GET_ROUTES: &[&str] = &[
    "/",
    "/repos/upkeep-sim/atlas",
    "/orgs/upkeep-sim",
    "/badges/upkeep-sim/atlas/backlog.svg",
    "/api/v1/overview",
    "/api/v1/repos/upkeep-sim/atlas",
    "/api/v1/orgs/upkeep-sim",
    "/newcomers",
    "/newcomers.atom",
    "/newcomers/upkeep-sim/atlas.atom",
    "/newcomers/upkeep-sim/atlas/widget.svg",
    "/newcomers/upkeep-sim/atlas",
    "/api/v1/newcomers",
    "/api/v1/newcomers/upkeep-sim/atlas",
    "/reports/upkeep-sim/atlas",
    "/api/v1/reports/upkeep-sim/atlas",
    "/funding",
    "/api/v1/funding",
    "/funding/upkeep-sim/atlas/goal.svg",
    "/funding/upkeep-sim/atlas",
    "/api/v1/funding/upkeep-sim/atlas",
    "/healthz",
    "/static/style.css",
    "/status",
    "/api/v1/status",
    "/metrics",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_answers_every_get_route_with_its_headers_and_no_body() {
    let (app, _sim, _store) = synced_app(|_| {}).await;
    for path in GET_ROUTES {
        let get = request(&app, "GET", path, &[]).await;
        assert_eq!(get.status, 200, "GET {path}");
        let head = request(&app, "HEAD", path, &[]).await;
        assert_eq!(head.status, 200, "HEAD {path}");
        assert!(head.body.is_empty(), "HEAD {path} sent a body");
        assert_eq!(head.header("content-type"), get.header("content-type"), "HEAD {path}");
    }
    assert_eq!(request(&app, "HEAD", "/no/such/page", &[]).await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_forbid_scripts_and_framing_while_badges_stay_embeddable() {
    let (app, _sim, _store) = synced_app(|_| {}).await;
    for path in ["/", "/repos/upkeep-sim/atlas", "/newcomers", "/no/such/page"] {
        let a = request(&app, "GET", path, &[]).await;
        let csp = a.header("content-security-policy").unwrap_or_else(|| panic!("{path}: no CSP"));
        for needle in ["default-src 'none'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"] {
            assert!(csp.contains(needle), "{path}: {needle} missing from {csp}");
        }
        assert!(!csp.contains("script-src") && !csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(a.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(a.header("referrer-policy"), Some("same-origin"), "{path}");
        assert_eq!(a.header("x-frame-options"), Some("DENY"), "{path}");
        // No inline style attribute survives under `style-src 'self'`.
        assert!(!String::from_utf8_lossy(&a.body).contains(" style=\""), "{path} has an inline style");
    }
    for path in ["/badges/upkeep-sim/atlas/backlog.svg", "/funding/upkeep-sim/atlas/goal.svg"] {
        let a = request(&app, "GET", path, &[]).await;
        let csp = a.header("content-security-policy").unwrap();
        assert!(!csp.contains("frame-ancestors"), "{path}: an image stays embeddable: {csp}");
        assert!(a.header("x-frame-options").is_none(), "{path}");
        assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
    }
    let api = request(&app, "GET", "/api/v1/overview", &[]).await;
    assert!(api.header("content-security-policy").unwrap().contains("default-src 'none'"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_host_gets_421_and_forwarding_headers_never_make_links() {
    let (app, _sim, _store) = synced_app(|c| {
        c.server.public_url = Some("https://upkeep.example.org".parse().unwrap());
    })
    .await;
    let port = app.rsplit(':').next().unwrap().to_owned();
    for host in ["evil.example", "evil.example:80", "attacker.test"] {
        let a = request(&app, "GET", "/", &[("Host", host)]).await;
        assert_eq!(a.status, 421, "Host {host}");
    }
    for host in ["localhost".to_owned(), format!("127.0.0.1:{port}"), "upkeep.example.org".to_owned()] {
        assert_eq!(request(&app, "GET", "/healthz", &[("Host", &host)]).await.status, 200, "Host {host}");
    }
    // A poisoning attempt first: the Markdown's link still uses public_url, and so does the
    // cached copy the next reader gets.
    let md = "/reports/upkeep-sim/atlas?format=md";
    let forged = [("X-Forwarded-Host", "evil.example"), ("Forwarded", "host=evil.example;proto=http")];
    let first = String::from_utf8(request(&app, "GET", md, &forged).await.body).unwrap();
    let second = String::from_utf8(request(&app, "GET", md, &[]).await.body).unwrap();
    for text in [&first, &second] {
        assert!(!text.contains("evil.example"), "{text}");
        assert!(text.contains("https://upkeep.example.org/reports/upkeep-sim/atlas"), "{text}");
    }
    let atom = String::from_utf8(request(&app, "GET", "/newcomers.atom", &forged).await.body).unwrap();
    assert!(!atom.contains("evil.example") && atom.contains("https://upkeep.example.org/newcomers"), "{atom}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_compressed_and_revalidate_with_304() {
    let (app, _sim, _store) = synced_app(|_| {}).await;
    let zipped = request(&app, "GET", "/repos/upkeep-sim/atlas", &[("Accept-Encoding", "gzip")]).await;
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    let mut html = String::new();
    flate2::read::GzDecoder::new(&zipped.body[..]).read_to_string(&mut html).expect("gzip");
    assert!(html.contains("<!doctype html>"));
    let plain = request(&app, "GET", "/repos/upkeep-sim/atlas", &[]).await;
    assert!(zipped.body.len() * 3 < plain.body.len(), "{} vs {}", zipped.body.len(), plain.body.len());

    for path in ["/repos/upkeep-sim/atlas", "/api/v1/repos/upkeep-sim/atlas", "/newcomers", "/status"] {
        let first = request(&app, "GET", path, &[]).await;
        let etag = first.header("etag").unwrap_or_else(|| panic!("{path}: no ETag")).to_owned();
        let modified = first.header("last-modified").unwrap_or_else(|| panic!("{path}: no Last-Modified")).to_owned();
        let again = request(&app, "GET", path, &[("If-None-Match", &etag)]).await;
        // `/status` shows relative times, so its body (and ETag) may change between two reads;
        // when it did not, the answer is 304.
        if path != "/status" {
            assert_eq!(again.status, 304, "{path} with If-None-Match");
            assert!(again.body.is_empty());
            assert_eq!(again.header("etag"), Some(etag.as_str()));
        }
        let since = request(&app, "GET", path, &[("If-Modified-Since", &modified)]).await;
        if path != "/status" && path != "/newcomers" {
            assert_eq!(since.status, 304, "{path} with If-Modified-Since");
        }
        let stale = request(&app, "GET", path, &[("If-None-Match", "W/\"0000\"")]).await;
        assert_eq!(stale.status, 200, "{path} with a stale ETag");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stylesheet_has_a_content_hashed_name_cached_for_a_year() {
    let (app, _sim, _store) = synced_app(|_| {}).await;
    let page = String::from_utf8(request(&app, "GET", "/", &[]).await.body).unwrap();
    let href = page.split("rel=\"stylesheet\" href=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert!(href.starts_with("/static/style.") && href.ends_with(".css") && href.len() > "/static/style.css".len());
    let css = request(&app, "GET", &href, &[]).await;
    assert_eq!(css.status, 200);
    assert_eq!(css.header("cache-control"), Some("public, max-age=31536000, immutable"));
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    let old = request(&app, "GET", "/static/style.css", &[]).await;
    assert_eq!(old.body, css.body, "the unhashed name serves the same sheet");
    assert_eq!(old.header("cache-control"), Some("public, max-age=300"));
    assert_eq!(request(&app, "GET", "/static/style.0000.css", &[]).await.status, 404);
    assert_eq!(request(&app, "GET", "/static/../Cargo.toml", &[]).await.status, 404);
}
