//! Re-renders pages in the background: each page a visitor was served stale, and the main pages
//! after each sync, so the first visitor after a sync finds them fresh instead of paying for
//! their render.
//!
//! It renders a page by asking the server itself for it over loopback, with the cache's token in
//! [`super::store::REFRESH_HEADER`], which makes the cache render and store the page rather than serve
//! its stale copy. Stale keys arrive through the cache's queue.
//!
//! A task watches the data version ([`PageCache::version`]). When it moves, it asks the server
//! itself, over loopback, for every page still cached at an older version (pages visitors asked
//! for), oldest first, and then for each main page (the overview, the funding overview, the
//! finder, the status page, and each tracked repository's and organisation's pages), at most
//! [`MAX_PAGES`]. (When it first looks, it does the former only: nothing was visited yet that it
//! would not know of.)
//! Before the main pages, it computes the dashboards' present state again
//! ([`PresentCache::rebuild`]) when the data version moved or it is getting old.
//! It waits for each render (at most [`PAGE_WAIT`]) before asking for the next, so re-renders
//! run one at a time and leave the workers to visitors. When the version moves again
//! meanwhile, it starts over.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use actix_web::web::Data;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use super::store::PageCache;
use crate::db;
use crate::web::maintainers::present::PresentCache;

/// How often the data version is looked at.
const POLL: Duration = Duration::from_secs(2);
/// Pages re-rendered per change at most.
const MAX_PAGES: usize = 200;
/// How long one page may take (request and render).
const PAGE_WAIT: Duration = Duration::from_secs(60);
/// Bytes of an answer read at most (the body is discarded; the render is what counts).
const MAX_ANSWER: u64 = 64 * 1024 * 1024;

/// Starts the task for a server listening on `address`, reading the tracked repositories through
/// `db`. It runs until aborted.
pub fn spawn(
    cache: Data<PageCache>,
    db: db::Db,
    address: SocketAddr,
    present: Arc<PresentCache>,
) -> tokio::task::JoinHandle<()> {
    let target = loopback(address);
    let mut queue = cache.take_queue();
    tokio::spawn(async move {
        let mut seen = None;
        let mut tick = tokio::time::interval(POLL);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                Some(key) = next(&mut queue) => {
                    if let Some(version) = cache.version().await
                        && let Err(e) = render(&cache, target, &key, version).await
                    {
                        tracing::debug!("render cache: {key}: {e}");
                    }
                    continue;
                }
            }
            let Some(version) = cache.version().await else { continue };
            // The dashboards' present state first: the pages re-rendered below use it.
            let now = chrono::Utc::now().timestamp();
            if present.is_due(version, now)
                && let Err(e) = present.rebuild(&db.pool, now).await
            {
                tracing::warn!("cannot compute the dashboards' present state ahead (pages compute it): {e}");
            }
            // The main pages after a change seen here; pages cached before it in any case (the
            // change may predate the first look).
            let changed = seen.is_some_and(|s| s != version);
            if !changed && cache.keys_not_at(version, 1).is_empty() {
                seen = Some(version);
                continue;
            }
            match refresh(&cache, &db, target, version, changed).await {
                Ok(n) => {
                    tracing::debug!("render cache: {n} pages re-rendered at data version {version}");
                    seen = Some(version);
                }
                Err(e) => tracing::warn!("render cache: re-rendering after a sync stopped: {e}"),
            }
        }
    })
}

/// The next stale key, or never when there is no queue.
async fn next(queue: &mut Option<tokio::sync::mpsc::Receiver<String>>) -> Option<String> {
    match queue {
        Some(q) => q.recv().await,
        None => std::future::pending().await,
    }
}

/// Renders `page` at `version` unless it is fresh already; at most [`PAGE_WAIT`].
async fn render(cache: &PageCache, target: SocketAddr, page: &str, version: i64) -> anyhow::Result<bool> {
    if cache.is_fresh(page, version) {
        return Ok(false);
    }
    tokio::time::timeout(PAGE_WAIT, get(target, page, cache.token()))
        .await
        .map_err(|_| anyhow::anyhow!("took over {} s to render", PAGE_WAIT.as_secs()))??;
    Ok(true)
}

/// The address to reach a server bound to `address` from this machine.
fn loopback(address: SocketAddr) -> SocketAddr {
    let ip = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, address.port())
}

/// The main pages: the overviews, then each organisation's and tracked repository's pages.
pub async fn main_pages(db: &db::Db) -> sqlx::Result<Vec<String>> {
    let repos = db::repos::list_tracked_repositories(&db.pool).await?;
    let mut pages: Vec<String> = ["/", "/funding", "/newcomers", "/status"].map(str::to_owned).to_vec();
    let mut owners: Vec<&str> = repos.iter().map(|r| r.owner.as_str()).collect();
    owners.sort_unstable();
    owners.dedup();
    pages.extend(owners.iter().map(|o| format!("/orgs/{o}")));
    for r in &repos {
        for prefix in ["/repos", "/reports", "/funding", "/newcomers"] {
            pages.push(format!("{prefix}/{}", r.full_name));
        }
    }
    Ok(pages)
}

/// Re-renders the pages for `version`; the number re-rendered.
async fn refresh(
    cache: &PageCache,
    db: &db::Db,
    target: SocketAddr,
    version: i64,
    main: bool,
) -> anyhow::Result<usize> {
    // Pages visitors asked for first, then the main pages not among them.
    let mut pages = cache.keys_not_at(version, MAX_PAGES);
    if main {
        for page in main_pages(db).await? {
            if !pages.contains(&page) {
                pages.push(page);
            }
        }
    }
    if pages.len() > MAX_PAGES {
        tracing::info!(
            "render cache: {} pages to re-render after a sync; the first {MAX_PAGES} are, the rest render when visited",
            pages.len()
        );
        pages.truncate(MAX_PAGES);
    }
    let mut done = 0;
    for page in pages {
        if cache.version().await != Some(version) {
            anyhow::bail!("the data changed again; starting over");
        }
        match render(cache, target, &page, version).await {
            Ok(rendered) => done += usize::from(rendered),
            // A page that fails (a repository untracked since) is skipped.
            Err(e) => tracing::debug!("render cache: {page}: {e}"),
        }
    }
    Ok(done)
}

/// GETs `path` from the server at `target`, marked to be rendered, and reads the answer to its
/// end; an error unless 200.
async fn get(target: SocketAddr, path: &str, token: &str) -> anyhow::Result<()> {
    let mut stream = TcpStream::connect(target).await?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {target}\r\n{}: {token}\r\nConnection: close\r\n\r\n",
        super::store::REFRESH_HEADER
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.take(MAX_ANSWER).read_to_end(&mut answer).await?;
    let status = answer.get(9..12).and_then(|s| std::str::from_utf8(s).ok()).unwrap_or("???");
    anyhow::ensure!(status == "200", "answered {status}");
    Ok(())
}
