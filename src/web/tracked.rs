//! [`TrackedRepo`]: the tracked repository that a route's `{owner}/{name}` names. The extractor
//! answers 404 itself (as JSON under `/api/`, as the error page elsewhere), so a handler that
//! takes one never sees an untracked name; [`find`] is the same rule for code that has the name
//! as text.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, error::InternalError, web::Data};
use sqlx::AnyPool;

use super::error::WebError;
use super::error::json_error;
use super::state::AppState;
use crate::db::{self, repos::RepositoryRow};

/// The tracked repository of the request's `{owner}/{name}`.
#[derive(Debug, Clone)]
pub struct TrackedRepo(pub RepositoryRow);

/// `owner/name` (any case) among the tracked repositories, or a 404 that says so.
pub async fn find(pool: &AnyPool, owner: &str, name: &str) -> Result<RepositoryRow, WebError> {
    find_named(pool, &format!("{owner}/{name}")).await
}

/// As [`find`], for `owner/name` as one string.
pub async fn find_named(pool: &AnyPool, full: &str) -> Result<RepositoryRow, WebError> {
    db::repos::find_tracked_repository(pool, full)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("Upkeep does not track a repository named {full}.")))
}

impl FromRequest for TrackedRepo {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let param = |key: &str| req.match_info().get(key).unwrap_or_default().to_owned();
        let (owner, name) = (param("owner"), param("name"));
        let api = req.path().starts_with("/api/");
        let state = req.app_data::<Data<AppState>>().cloned();
        Box::pin(async move {
            let found = match state {
                Some(state) => find(&state.db.pool, &owner, &name).await,
                None => Err(WebError::Internal(anyhow::anyhow!("the application state is missing"))),
            };
            found.map(TrackedRepo).map_err(|e| {
                if api {
                    let response = json_error(&e);
                    InternalError::from_response(e, response).into()
                } else {
                    e.into()
                }
            })
        })
    }
}
