//! Tests of the render cache: freshness, the byte budget, the age in the footer, one render per
//! key, and stale answers queued for the refresher.

use std::sync::{Arc, atomic::AtomicU64};

use actix_web::{HttpResponse, test::TestRequest, web::Bytes};

use super::store::*;
use super::*;
use crate::db;

fn html() -> header::HeaderMap {
    let mut headers = header::HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/html; charset=utf-8"));
    headers
}

async fn cache() -> PageCache {
    let dir = tempfile::tempdir().unwrap();
    let db = db::Db::open(&dir.path().join("c.db")).await.unwrap();
    std::mem::forget(dir);
    PageCache::new(db)
}

fn entry(version: i64, body: &'static [u8]) -> Entry {
    Entry::new(version, html(), Bytes::from_static(body))
}

#[tokio::test]
async fn an_entry_is_fresh_only_at_the_data_version_it_was_rendered_at_and_stale_after() {
    let cache = cache().await;
    cache.put("/repos/o/n".into(), entry(7, b"page"));
    assert!(matches!(cache.lookup("/repos/o/n", 7), Lookup::Fresh(e) if e.body == "page"));
    assert!(matches!(cache.lookup("/repos/o/n", 8), Lookup::Stale(_)), "a sync since makes it stale");
    assert!(matches!(cache.lookup("/repos/o/other", 7), Lookup::Miss));
    assert_eq!(cache.keys_not_at(8, 10), ["/repos/o/n"]);
    assert!(cache.keys_not_at(7, 10).is_empty());
}

#[tokio::test]
async fn the_cache_never_holds_more_than_its_byte_budget() {
    let cache = cache().await;
    let big = Bytes::from(vec![b'x'; MAX_BYTES / 3 + 1]);
    for i in 0..10 {
        cache.put(format!("/repos/o/{i}"), Entry::new(1, html(), big.clone()));
        assert!(cache.entries.lock().unwrap().bytes <= MAX_BYTES);
    }
    cache.put("/repos/o/9".into(), entry(1, b"small"));
    let entries = cache.entries.lock().unwrap();
    let held: usize = entries.map.values().map(|e| e.body.len()).sum();
    assert_eq!(held, entries.bytes, "the byte count tracks replaced entries");
}

#[test]
fn a_served_page_says_how_old_it_is() {
    let mut e = entry(1, b"<p>x</p><footer>Updated <!--age-->just now<!--/age-->.</footer>");
    assert_eq!(
        actix_web::body::MessageBody::try_into_bytes(e.response().into_body()).unwrap(),
        "<p>x</p><footer>Updated <!--age-->just now<!--/age-->.</footer>"
    );
    e.stored -= Duration::from_secs(7 * 60 + 5);
    let old = actix_web::body::MessageBody::try_into_bytes(e.response().into_body()).unwrap();
    assert_eq!(old, "<p>x</p><footer>Updated <!--age-->7 min ago<!--/age-->.</footer>");
    // JSON and pages without the markers are served as rendered.
    let mut json = header::HeaderMap::new();
    json.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    assert!(Entry::new(1, json, Bytes::from_static(b"{\"a\":\"<!--age-->x<!--/age-->\"}")).age.is_none());
    assert!(entry(1, b"<p>no marker</p>").age.is_none());
}

/// An app whose one cached route counts its renders and takes 50 ms each.
macro_rules! counting_app {
    ($cache:expr, $renders:expr) => {{
        use actix_web::{App, test, web};
        let renders = $renders.clone();
        test::init_service(
            App::new().app_data($cache.clone()).wrap(actix_web::middleware::from_fn(serve_cached)).route(
                "/repos/o/n",
                web::get().to(move || {
                    let renders = renders.clone();
                    async move {
                        let n = renders.fetch_add(1, Ordering::SeqCst) + 1;
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        HttpResponse::Ok()
                            .content_type("text/html")
                            .body(format!("render {n} <footer><!--age-->just now<!--/age--></footer>"))
                    }
                }),
            ),
        )
        .await
    }};
}

macro_rules! body_of {
    ($app:expr) => {{
        let req = actix_web::test::TestRequest::get().uri("/repos/o/n").to_request();
        let res = actix_web::test::call_service(&$app, req).await;
        assert_eq!(res.status(), 200);
        String::from_utf8(actix_web::test::read_body(res).await.to_vec()).unwrap()
    }};
}

#[actix_web::test]
async fn concurrent_misses_on_one_page_wait_for_a_single_render() {
    let cache = Data::new(cache().await);
    let renders = Arc::new(AtomicU64::new(0));
    let app = counting_app!(cache, renders);
    let one = async || body_of!(app);
    let bodies = tokio::join!(one(), one(), one(), one(), one(), one(), one(), one());
    let bodies = [bodies.0, bodies.1, bodies.2, bodies.3, bodies.4, bodies.5, bodies.6, bodies.7];
    assert_eq!(renders.load(Ordering::SeqCst), 1, "one render for eight visitors");
    assert!(bodies.iter().all(|b| b.starts_with("render 1 ")), "{bodies:?}");
    assert_eq!(cache.counters().joined.load(Ordering::Relaxed), 7);
}

#[actix_web::test]
async fn after_the_data_changes_the_old_page_is_served_and_queued_for_one_new_render() {
    let cache = Data::new(cache().await);
    let mut queue = cache.take_queue().expect("the queue");
    let renders = Arc::new(AtomicU64::new(0));
    let app = counting_app!(cache, renders);
    assert!(body_of!(app).starts_with("render 1 "));
    // A sync run starts: the data version moves.
    db::runs::start_run(&cache.version.pool, "test", 0).await.unwrap();
    *cache.version.last.lock().unwrap() = None;
    let one = async || body_of!(app);
    let stale = tokio::join!(one(), one(), one(), one());
    let stale = [stale.0, stale.1, stale.2, stale.3];
    assert!(stale.iter().all(|b| b.starts_with("render 1 ")), "served at once, stale: {stale:?}");
    assert_eq!(renders.load(Ordering::SeqCst), 1, "no visitor rendered");
    assert_eq!(queue.try_recv().ok().as_deref(), Some("/repos/o/n"), "queued for the refresher");

    // A header without the token is nobody's business; with it, the page renders.
    let forged = TestRequest::get().uri("/repos/o/n").insert_header((REFRESH_HEADER, "guess")).to_request();
    let body = actix_web::test::read_body(actix_web::test::call_service(&app, forged).await).await;
    assert!(body.starts_with(b"render 1 "), "a forged refresh gets the stale page");
    let refresh = TestRequest::get().uri("/repos/o/n").insert_header((REFRESH_HEADER, cache.token())).to_request();
    let body = actix_web::test::read_body(actix_web::test::call_service(&app, refresh).await).await;
    assert!(body.starts_with(b"render 2 "));
    assert!(body_of!(app).starts_with("render 2 "), "then everyone gets the new page");
    assert_eq!(renders.load(Ordering::SeqCst), 2);
    assert_eq!(cache.counters().refreshed.load(Ordering::Relaxed), 1);
    assert_eq!(cache.counters().stale.load(Ordering::Relaxed), 5);
}

#[tokio::test]
async fn a_render_lock_is_forgotten_once_nobody_holds_it() {
    let cache = cache().await;
    let a = cache.flight("/k");
    let b = cache.flight("/k");
    cache.land("/k", a);
    assert_eq!(cache.flights.lock().unwrap().len(), 1, "b still holds it");
    cache.land("/k", b);
    assert!(cache.flights.lock().unwrap().is_empty());
}
