//! [`PerVersion`]: a value every request of a page shares, computed once per data version
//! ([`crate::db::runs::data_version`]) and at most every [`TTL`] (values that depend on the
//! clock, such as waits, age with it), by one request at a time: concurrent requests wait for
//! that one computation and share its result.
//!
//! The finder's project signals and the funding overview's summaries are kept this way; both
//! are computed when the server starts, and the render cache's refresher recomputes them after
//! each sync when it re-renders the main pages.

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use crate::web::error::WebError;

/// How long a computed value is used while the data is unchanged (the render cache's TTL).
pub const TTL: Duration = super::cache::TTL;

/// The value of the current data version, once computed.
pub struct PerVersion<T> {
    slot: tokio::sync::Mutex<Option<(i64, Instant, Arc<T>)>>,
}

impl<T> Default for PerVersion<T> {
    fn default() -> Self {
        Self { slot: tokio::sync::Mutex::new(None) }
    }
}

impl<T> PerVersion<T> {
    /// The value at data version `version`: the shared one, or `compute`'s (awaited once
    /// however many ask at the same time; the others wait for it and share its result).
    pub async fn get_or_compute(
        &self,
        version: i64,
        compute: impl Future<Output = Result<T, WebError>>,
    ) -> Result<Arc<T>, WebError> {
        let mut slot = self.slot.lock().await;
        if let Some((v, at, value)) = slot.as_ref()
            && *v == version
            && at.elapsed() < TTL
        {
            return Ok(value.clone());
        }
        let value = Arc::new(compute.await?);
        *slot = Some((version, Instant::now(), value.clone()));
        Ok(value)
    }
}
