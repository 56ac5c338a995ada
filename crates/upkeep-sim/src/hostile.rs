//! Hostile modes: the ways real servers and proxies misbehave that a random fault cannot stand
//! in for, each switched on by name (`upkeep sim --hostile trickle,oversize`) so `demo`, the
//! benches and the acceptance tests can point the collector at them.
//!
//! | mode | what the simulator does |
//! |---|---|
//! | `millis-reset` | every `x-ratelimit-reset` is sent in milliseconds, as some proxies do |
//! | `trickle` | release listings trickle one byte every 100 ms (a read timeout that restarts with every byte never fires) |
//! | `oversize` | release listings are a body without end (chunked, no length; stops at 1 GiB) |
//! | `graphql-errors` | every third GraphQL answer is GitHub's 200 "Something went wrong … timeout" |
//! | `endless-next` | release listings always link a next page (`page=N+1`), for ever |
//! | `repeated-items` | every page of the issue, pull, comment and commit listings lists its first item again at its end, as a walk sees an item that moved between pages while it read them |
//!
//! The modes touch only delivery, never the world, so a collector that copes stores exactly
//! what it would from a well-behaved server, except what the mode withholds.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BodySize, MessageBody};
use actix_web::web::Bytes;

/// One hostile mode; see the module table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostility {
    MillisReset,
    Trickle,
    Oversize,
    GraphqlErrors,
    EndlessNext,
    RepeatedItems,
}

impl Hostility {
    pub const ALL: [Hostility; 6] = [
        Hostility::MillisReset,
        Hostility::Trickle,
        Hostility::Oversize,
        Hostility::GraphqlErrors,
        Hostility::EndlessNext,
        Hostility::RepeatedItems,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Hostility::MillisReset => "millis-reset",
            Hostility::Trickle => "trickle",
            Hostility::Oversize => "oversize",
            Hostility::GraphqlErrors => "graphql-errors",
            Hostility::EndlessNext => "endless-next",
            Hostility::RepeatedItems => "repeated-items",
        }
    }

    /// Parses a comma-separated list of mode names.
    pub fn parse_list(s: &str) -> Result<Vec<Hostility>, String> {
        s.split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| {
                Hostility::ALL.into_iter().find(|h| h.name() == n).ok_or_else(|| {
                    let names: Vec<&str> = Hostility::ALL.iter().map(|h| h.name()).collect();
                    format!("unknown hostile mode {n:?}; expected one of {}", names.join(", "))
                })
            })
            .collect()
    }

    /// Whether a mode that targets one kind of listing applies to this path.
    pub fn targets(self, path: &str) -> bool {
        match self {
            Hostility::Trickle | Hostility::Oversize | Hostility::EndlessNext => path.ends_with("/releases"),
            Hostility::RepeatedItems => {
                ["/issues", "/pulls", "/comments", "/commits"].iter().any(|end| path.ends_with(end))
            }
            Hostility::MillisReset | Hostility::GraphqlErrors => false,
        }
    }
}

/// GitHub's answer when a GraphQL query times out on its side (HTTP 200, `data: null`).
pub const GRAPHQL_WENT_WRONG: &str = r#"{"data":null,"errors":[{"message":"Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include `0000:SIM:HOSTILE` when reporting this issue."}]}"#;

/// A body that announces `len` bytes and sends one every `every`.
pub struct Trickle {
    left: u64,
    size: u64,
    every: Duration,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Trickle {
    pub fn new(len: u64, every: Duration) -> Trickle {
        Trickle { left: len, size: len, every, sleep: None }
    }
}

impl MessageBody for Trickle {
    type Error = std::io::Error;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.size)
    }

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Self::Error>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let every = self.every;
        let sleep = self.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep(every)));
        match sleep.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => {
                self.sleep = None;
                self.left -= 1;
                Poll::Ready(Some(Ok(Bytes::from_static(b" "))))
            }
        }
    }
}

/// A chunked body with no announced length, 64 KiB a chunk, ending after 1 GiB.
pub struct Endless {
    sent: u64,
}

/// Where [`Endless`] stops, so a client that never hangs up cannot keep the simulator busy.
const ENDLESS_LIMIT: u64 = 1 << 30;
const CHUNK: usize = 64 * 1024;

impl Endless {
    pub fn new() -> Endless {
        Endless { sent: 0 }
    }
}

impl Default for Endless {
    fn default() -> Endless {
        Endless::new()
    }
}

impl MessageBody for Endless {
    type Error = std::io::Error;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Bytes, Self::Error>>> {
        if self.sent >= ENDLESS_LIMIT {
            return Poll::Ready(None);
        }
        self.sent += CHUNK as u64;
        static SPACES: [u8; CHUNK] = [b' '; CHUNK];
        Poll::Ready(Some(Ok(Bytes::from_static(&SPACES))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_by_name_and_unknown_ones_are_named() {
        assert_eq!(Hostility::parse_list("trickle, oversize").unwrap(), vec![Hostility::Trickle, Hostility::Oversize]);
        assert_eq!(Hostility::parse_list("").unwrap(), vec![]);
        let e = Hostility::parse_list("trickle,slowloris").unwrap_err();
        assert!(e.contains("\"slowloris\"") && e.contains("millis-reset"), "{e}");
    }
}
