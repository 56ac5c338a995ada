//! Builds the web server on a `TcpListener`, so tests and the demo bind port 0 and read the
//! real port back (zero-to-production's `Application::build`).

use std::{net::SocketAddr, sync::Arc};

use actix_web::{App, HttpServer, dev::Server, middleware, web::Data};

use crate::{config::Config, db::Db, web};

/// State every handler can read. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
}

pub struct Application {
    address: SocketAddr,
    server: Server,
}

impl Application {
    pub async fn build(config: Arc<Config>, db: Db, bind: SocketAddr) -> anyhow::Result<Application> {
        let listener = std::net::TcpListener::bind(bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e} (set server.bind or UPKEEP_SERVER__BIND)"))?;
        let address = listener.local_addr()?;
        let state = AppState { db, config };
        let http_metrics = Data::new(web::telemetry::HttpMetrics::default());
        let page_cache = Data::new(web::cache::PageCache::default());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(Data::new(state.clone()))
                .app_data(http_metrics.clone())
                .app_data(page_cache.clone())
                .app_data(web::query_config())
                .app_data(web::path_config())
                .wrap(middleware::from_fn(web::cache::serve_cached))
                .wrap(middleware::from_fn(web::telemetry::record_latency))
                .wrap(middleware::NormalizePath::trim())
                .wrap(middleware::Logger::new("%r %s %Dms").log_target("upkeep::http"))
                .configure(web::routes)
        })
        .workers(2)
        .listen(listener)?
        .run();
        Ok(Application { address, server })
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
        self.server.await
    }
}
