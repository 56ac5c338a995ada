//! One REST request as the handlers see it ([`Request`]: the context, the parsed query, the
//! path) and what a handler returns ([`Handled`]), with the paged JSON answer every listing
//! gives. A leaf under `rest.rs` and `rest_repo.rs`, so neither imports the other for it.

use serde::Serialize;

use super::answer::Answer;
use super::paging::{self, Direction, PageReq};
use super::params::Query;
use super::render::Ctx;

/// A handler's answer: `Err` is an error answer, returned early with `?`.
pub type Handled = Result<Answer, Answer>;

/// One request as handlers see it.
pub struct Request<'a> {
    pub ctx: Ctx<'a>,
    pub query: Query,
    /// The raw request path, for `Link` and `Location` URLs.
    pub path: &'a str,
    pub raw_query: &'a str,
}

impl Request<'_> {
    /// A JSON page of `list` (after `keep`), with its `Link` header.
    pub fn page<T: Serialize>(
        &self,
        list: &[u32],
        keep: Option<&dyn Fn(u32) -> bool>,
        dir: Direction,
        req: PageReq,
        render: impl Fn(u32) -> T,
    ) -> Answer {
        let (ixs, total) = paging::select(list, keep, dir, req);
        let body: Vec<T> = ixs.into_iter().map(render).collect();
        let answer = Answer::ok(&body);
        match paging::link(self.ctx.api, self.path, self.query.pairs(), req, total) {
            Some(link) => answer.with_header("link", link),
            None => answer,
        }
    }
}
