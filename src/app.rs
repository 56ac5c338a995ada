//! Builds the web server on a `TcpListener`, so tests and the demo bind port 0 and read the
//! real port back (zero-to-production's `Application::build`).

use std::{net::SocketAddr, sync::Arc};

use actix_web::{App, HttpServer, dev::Server, middleware, web::Data};

use crate::{config::Config, db::Db, web};

pub use crate::web::state::AppState;

pub struct Application {
    address: SocketAddr,
    server: Server,
    /// Re-renders the main pages after each sync ([`web::cache::refresh`]); stopped with the server.
    refresher: tokio::task::JoinHandle<()>,
}

/// Read connections for `workers` web workers: four each (a page runs its independent reads at
/// once), between 4 and 16.
fn read_pool_size(workers: usize) -> u32 {
    (4 * workers).clamp(4, 16) as u32
}

impl Application {
    /// Binds `bind` and builds the server. A bind error names the address only: the caller adds
    /// how to choose another (the flag or setting that applies to its command).
    pub async fn build(config: Arc<Config>, db: Db, bind: SocketAddr) -> anyhow::Result<Application> {
        let listener =
            std::net::TcpListener::bind(bind).map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
        let address = listener.local_addr()?;
        let base_url = config.server.base_url(address).into();
        // The finder reads facts the collector stores; those computed under other newcomer
        // settings (a changed config) or never (a database from before them) are recomputed now,
        // so the finder never lists by stale settings while waiting for a sync.
        let now = chrono::Utc::now().timestamp();
        let refreshed = crate::newcomers::refresh_stale(&db, &config.newcomers, now).await?;
        if refreshed > 0 {
            tracing::info!(
                repositories = refreshed,
                "recomputed the finder's facts under the current newcomer settings"
            );
        }
        // The web reads through its own pools, never the collector's (`db`): one per page
        // render in flight, and one for the render cache's data-version check alone, so that
        // check never queues behind a slow page.
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let reader = db.reader(read_pool_size(workers)).await?;
        let page_cache = Data::new(web::cache::PageCache::new(db.reader(1).await?));
        // The main pages' present state, computed before the server listens so that no first
        // visitor pays for it (then after each sync, by the refresher).
        let present = Arc::new(web::maintainers::present::PresentCache::default());
        let started = std::time::Instant::now();
        match present.rebuild(&reader.pool, chrono::Utc::now().timestamp()).await {
            Ok(n) => tracing::info!(
                scopes = n,
                ms = started.elapsed().as_millis() as u64,
                "computed the dashboards' present state"
            ),
            Err(e) => tracing::warn!("cannot compute the dashboards' present state ahead (pages compute it): {e}"),
        }
        let refresher = web::cache::refresh::spawn(page_cache.clone(), reader.clone(), address, present.clone());
        let renderer = tokio::runtime::Handle::current();
        let state = AppState {
            db: reader,
            config,
            base_url,
            finder: Arc::default(),
            funding: Arc::default(),
            renderer,
            present: present.clone(),
        };
        // The finder's and the funding overview's shared parts too, for the same reason.
        if let Err(e) = web::newcomers::current::finder(&state).await {
            tracing::warn!("cannot compute the finder's project signals ahead (the finder computes them): {e}");
        }
        if let Err(e) = web::funding::overview::summaries(&state).await {
            tracing::warn!("cannot compute the funding overview ahead (the page computes it): {e}");
        }
        let http_metrics = Data::new(web::telemetry::HttpMetrics::default());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(Data::new(state.clone()))
                .app_data(http_metrics.clone())
                .app_data(page_cache.clone())
                .app_data(web::path_config())
                // Innermost first. Validators are added inside the cache (a cached page keeps
                // them) and compared outside it (a cache hit answers 304 too); see `web::http`.
                .wrap(middleware::from_fn(web::http::tag))
                .wrap(middleware::from_fn(web::cache::serve_cached))
                .wrap(middleware::from_fn(web::http::conditional))
                .wrap(middleware::from_fn(web::http::security_headers))
                .wrap(middleware::Compress::default())
                .wrap(middleware::from_fn(web::telemetry::record_latency))
                .wrap(middleware::NormalizePath::trim())
                .wrap(middleware::from_fn(web::http::head_as_get))
                .wrap(middleware::from_fn(web::http::guard_host))
                .wrap(middleware::Logger::new("%r %s %Dms").log_target("upkeep::http"))
                .configure(web::routes)
        })
        // actix's default: one worker per core.
        .listen(listener)?
        .run();
        Ok(Application { address, server, refresher })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.refresher.abort();
        result
    }
}
