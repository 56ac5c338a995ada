//! What every GraphQL operation shares: who asks ([`Viewer`]), the `rateLimit` object, and
//! GitHub's `errors` answer. A leaf under `graphql.rs` (the operation table) and the files of
//! operations (`graphql_funding.rs`, `graphql_newcomers.rs`), so they need not import the table.

use serde::Serialize;

use super::answer::Answer;
use super::render::Time;

/// Who asks. GitHub shows sponsorship amounts and private sponsors only to the sponsored
/// account itself; here that is whoever carries [`super::SimOptions::sponsor_token`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Anyone,
    Maintainer,
}

/// The `rateLimit` object every answer carries.
#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitJson {
    pub cost: u32,
    pub remaining: u32,
    pub reset_at: Time,
}

/// GitHub's `200` with an `errors` array, of type `kind`.
pub fn error(kind: &str, message: &str) -> Answer {
    #[derive(Serialize)]
    struct Errors<'a> {
        errors: [ErrorJson<'a>; 1],
    }
    #[derive(Serialize)]
    struct ErrorJson<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        message: &'a str,
    }
    Answer::ok(&Errors { errors: [ErrorJson { kind, message }] })
}
