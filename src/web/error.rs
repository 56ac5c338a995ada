//! The one web error type: renders `error.html` (or JSON under `/api/`), never leaks internals,
//! and logs the cause chain of internal errors once.

use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use askama::Template;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for WebError {
    fn from(e: sqlx::Error) -> Self {
        WebError::Internal(e.into())
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let message = match self {
            WebError::Internal(e) => {
                tracing::error!(error = %format!("{e:#}"), "internal error while serving a page");
                "Something went wrong on our side. The error has been logged.".to_owned()
            }
            other => other.to_string(),
        };
        let title = status.canonical_reason().unwrap_or("Error");
        let page = ErrorPage { status: status.as_u16(), title, message: &message };
        match page.render() {
            Ok(html) => HttpResponse::build(status).content_type("text/html; charset=utf-8").body(html),
            Err(_) => HttpResponse::build(status).content_type("text/plain; charset=utf-8").body(message),
        }
    }
}

/// JSON errors for `/api/`: `{"error": "..."}` with the same status codes.
pub fn json_error(e: &WebError) -> HttpResponse {
    let message = match e {
        WebError::Internal(_) => "internal error".to_owned(),
        other => other.to_string(),
    };
    HttpResponse::build(e.status_code()).json(serde_json::json!({ "error": message }))
}
