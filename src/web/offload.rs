//! Page computations run off the HTTP workers.
//!
//! A cold page reads thousands of rows and computes over them for tens to hundreds of
//! milliseconds. On an HTTP worker that time would stall every other connection the worker
//! holds, cached pages included. So the heavy part of a page (load and compute) runs as a task
//! on the process's main runtime ([`AppState::renderer`]), and the worker only awaits it and
//! renders the template: a cache hit never queues behind a render.

use std::future::Future;

use crate::web::error::WebError;
use crate::web::state::AppState;

/// Runs `work(state)` on the renderer runtime and waits for it.
pub async fn off_workers<T, F>(state: &AppState, work: impl FnOnce(AppState) -> F) -> Result<T, WebError>
where
    F: Future<Output = Result<T, WebError>> + Send + 'static,
    T: Send + 'static,
{
    let task = state.renderer.spawn(work(state.clone()));
    task.await.map_err(|e| WebError::Internal(anyhow::anyhow!("a page computation stopped: {e}")))?
}
