//! Injected faults: the ways a real API misbehaves, decided per request from a seeded RNG.
//!
//! With `fault_rate` > 0 a request may get (in roughly equal shares) a 500, 502 (HTML body) or
//! 503; a secondary-rate-limit 403 or a 429, both with `retry-after`; a slow answer; a body cut
//! in half; or a connection reset mid-body. `/stats/contributors` may also answer `202` (still
//! computing), as GitHub does. Faults never touch world state, `304`s or `/_sim/*`; the
//! pipeline rolls once per counted request, so serial requests see a deterministic sequence.

use actix_web::http::StatusCode;
use rand::{Rng, SeedableRng, rngs::StdRng};

use super::answer::Answer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    ServerError,
    BadGateway,
    Unavailable,
    SecondaryLimit,
    TooManyRequests,
    Slow,
    Truncated,
    Reset,
    /// `202 Accepted` with an empty body: only for statistics endpoints.
    Accepted,
}

const KINDS: [Fault; 9] = [
    Fault::ServerError,
    Fault::BadGateway,
    Fault::Unavailable,
    Fault::SecondaryLimit,
    Fault::TooManyRequests,
    Fault::Slow,
    Fault::Truncated,
    Fault::Reset,
    Fault::Accepted,
];

pub struct FaultDice {
    rng: StdRng,
    rate: f64,
}

impl FaultDice {
    pub fn new(seed: u64, rate: f64) -> FaultDice {
        let mut dice = FaultDice { rng: StdRng::seed_from_u64(seed), rate: 0.0 };
        dice.set_rate(rate);
        dice
    }

    pub fn set_rate(&mut self, rate: f64) {
        self.rate = if rate.is_nan() { 0.0 } else { rate.clamp(0.0, 1.0) };
    }

    /// One decision; always draws the same amount of randomness, faulted or not.
    pub fn roll(&mut self, stats_route: bool) -> Option<Fault> {
        let hit = self.rng.gen_bool(self.rate);
        let kinds = if stats_route { KINDS.len() } else { KINDS.len() - 1 };
        let kind = KINDS[self.rng.gen_range(0..kinds)];
        hit.then_some(kind)
    }
}

/// How an answer is delivered.
pub enum Delivery {
    Normal,
    Slow,
    Truncated,
    Reset,
}

const SECONDARY: &str = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. \
If you reach out to GitHub Support for help, please include the request ID 0000:0000:SIM.";
const SECONDARY_DOCS: &str =
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";
const UNICORN: &str = "<!DOCTYPE html>\n<html><head><title>Unicorn! · GitHub</title></head>\
<body><h1>502 Bad Gateway</h1><p>We had issues producing the response to your request.</p></body></html>\n";

/// Applies `fault` to `answer`: either replaces it (error faults) or says how to deliver it.
/// The flag tells whether the original answer (and so its ETag) survives.
pub fn apply(fault: Fault, answer: Answer, retry_after: u64) -> (Answer, Delivery, bool) {
    let retry = |status: StatusCode| {
        #[derive(serde::Serialize)]
        struct Limited<'a> {
            message: &'a str,
            documentation_url: &'a str,
        }
        let body = Limited { message: SECONDARY, documentation_url: SECONDARY_DOCS };
        Answer::json(status, &body).with_header("retry-after", retry_after.to_string())
    };
    match fault {
        Fault::ServerError => {
            (Answer::error(StatusCode::INTERNAL_SERVER_ERROR, "Server Error"), Delivery::Normal, false)
        }
        Fault::BadGateway => {
            let html = Answer {
                status: StatusCode::BAD_GATEWAY,
                body: UNICORN.into(),
                content_type: "text/html; charset=utf-8",
                headers: vec![],
            };
            (html, Delivery::Normal, false)
        }
        Fault::Unavailable => {
            (Answer::error(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable"), Delivery::Normal, false)
        }
        Fault::SecondaryLimit => (retry(StatusCode::FORBIDDEN), Delivery::Normal, false),
        Fault::TooManyRequests => (retry(StatusCode::TOO_MANY_REQUESTS), Delivery::Normal, false),
        Fault::Accepted => {
            let accepted = Answer {
                status: StatusCode::ACCEPTED,
                body: Vec::new(),
                content_type: super::answer::JSON,
                headers: vec![],
            };
            (accepted, Delivery::Normal, false)
        }
        Fault::Slow => (answer, Delivery::Slow, true),
        Fault::Truncated => (answer, Delivery::Truncated, true),
        Fault::Reset => (answer, Delivery::Reset, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_rolls_the_same_faults_in_mixed_kinds() {
        let rolls = |seed| {
            let mut dice = FaultDice::new(seed, 0.5);
            (0..400).map(|_| dice.roll(false)).collect::<Vec<_>>()
        };
        let a = rolls(9);
        assert_eq!(a, rolls(9));
        let faults: Vec<Fault> = a.iter().flatten().copied().collect();
        assert!((150..250).contains(&faults.len()), "about half: {}", faults.len());
        for kind in &KINDS[..8] {
            assert!(faults.contains(kind), "{kind:?} occurs");
        }
        assert!(!faults.contains(&Fault::Accepted), "202 only on statistics");
    }
}
