//! Query strings as browsers send them: the one place they are parsed.
//!
//! A submitted form sends every field, so an untouched optional field arrives as `repo=` or
//! `from=`. An empty (or blank) value therefore means "not given", everywhere: the pair is dropped
//! before the page's query type (`DashboardQuery`, `FinderQuery`, …) sees it, and each type keeps
//! its own rules for what it accepts. A malformed query is a 400 that names the problem: the
//! error page, or `{"error": ...}` under `/api/`.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload};
use serde::de::DeserializeOwned;

use super::error::{self, WebError};

/// An extractor like `web::Query<T>`, with empty values dropped (see the module doc).
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<T> std::ops::Deref for Params<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Params<T> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Params).map_err(|e| {
            if req.path().starts_with("/api/") {
                let response = error::json_error(&e);
                actix_web::error::InternalError::from_response(e, response).into()
            } else {
                e.into()
            }
        }))
    }
}

/// Parses a raw query string into `T`, dropping pairs whose value is empty or blank.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, WebError> {
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish();
    actix_web::web::Query::<T>::from_query(&query)
        .map(actix_web::web::Query::into_inner)
        .map_err(|e| WebError::BadRequest(format!("bad query parameter: {e}")))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Q {
        repo: Option<String>,
        days: Option<String>,
    }

    #[test]
    fn empty_and_blank_values_mean_not_given() {
        let q: Q = parse("repo=&days=+").unwrap();
        assert_eq!(q, Q { repo: None, days: None });
        let q: Q = parse("repo=a%2Fb&days=").unwrap();
        assert_eq!(q.repo.as_deref(), Some("a/b"));
    }

    #[test]
    fn unknown_and_repeated_parameters_are_still_errors() {
        let message = |q: &str| match parse::<Q>(q) {
            Err(WebError::BadRequest(m)) => m,
            other => panic!("expected a 400 for {q:?}, got {other:?}"),
        };
        assert!(message("colour=red").contains("unknown field"));
        assert!(message("repo=a&repo=b").contains("duplicate field"));
        // An unknown parameter with no value is dropped like any empty one: it cannot change the answer.
        assert!(parse::<Q>("colour=").is_ok());
    }
}
