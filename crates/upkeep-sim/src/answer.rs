//! [`Answer`]: what a handler produces before the pipeline adds rate-limit headers, an ETag or a
//! fault. Plus GitHub's error bodies (`404`, `301`, `422`), so every handler answers errors in
//! the same words GitHub uses.

use actix_web::http::StatusCode;
use serde::Serialize;

use super::render::{DOCS, ErrorJson};

pub const JSON: &str = "application/json; charset=utf-8";

#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Vec<u8>,
    pub content_type: &'static str,
    /// Extra headers: `link`, `location`, `retry-after`.
    pub headers: Vec<(&'static str, String)>,
}

impl Answer {
    /// A JSON answer. Serialising our own structs cannot fail; if it ever did, a `500` says so.
    pub fn json(status: StatusCode, value: &impl Serialize) -> Answer {
        match serde_json::to_vec(value) {
            Ok(body) => Answer { status, body, content_type: JSON, headers: Vec::new() },
            Err(e) => Answer::error(StatusCode::INTERNAL_SERVER_ERROR, &format!("render failed: {e}")),
        }
    }

    pub fn ok(value: &impl Serialize) -> Answer {
        Answer::json(StatusCode::OK, value)
    }

    /// A `basic-error` body: `{"message", "documentation_url", "status"}`.
    pub fn error(status: StatusCode, message: &str) -> Answer {
        let body = ErrorJson { message, documentation_url: DOCS, status: Some(status.as_u16().to_string()) };
        let body = serde_json::to_vec(&body).unwrap_or_default();
        Answer { status, body, content_type: JSON, headers: Vec::new() }
    }

    pub fn not_found() -> Answer {
        Answer::error(StatusCode::NOT_FOUND, "Not Found")
    }

    /// `301` for a renamed repository.
    pub fn moved(location: String) -> Answer {
        #[derive(Serialize)]
        struct Moved<'a> {
            message: &'a str,
            url: &'a str,
            documentation_url: &'a str,
        }
        let body = Moved { message: "Moved Permanently", url: &location, documentation_url: DOCS };
        let mut answer = Answer::json(StatusCode::MOVED_PERMANENTLY, &body);
        answer.headers.push(("location", location));
        answer
    }

    /// `422 Validation Failed` naming the bad parameter, as GitHub does.
    pub fn invalid(resource: &str, field: &str) -> Answer {
        #[derive(Serialize)]
        struct Invalid<'a> {
            message: &'a str,
            errors: [InvalidField<'a>; 1],
            documentation_url: &'a str,
            status: &'a str,
        }
        #[derive(Serialize)]
        struct InvalidField<'a> {
            resource: &'a str,
            field: &'a str,
            code: &'a str,
        }
        let errors = [InvalidField { resource, field, code: "invalid" }];
        let body = Invalid { message: "Validation Failed", errors, documentation_url: DOCS, status: "422" };
        Answer::json(StatusCode::UNPROCESSABLE_ENTITY, &body)
    }

    /// `400 Problems parsing JSON`.
    pub fn bad_json() -> Answer {
        Answer::error(StatusCode::BAD_REQUEST, "Problems parsing JSON")
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Answer {
        self.headers.push((name, value));
        self
    }
}
