//! `/_sim/*`: the simulator's controls over HTTP, for a benchmark that runs it as a separate
//! process. Mirrors the Rust API of [`super::SimServer`]:
//!
//! - `GET /_sim/stats`, `GET /_sim/totals`, `GET /_sim/now`
//! - `POST /_sim/advance?days=1&fraction=0.01`, `POST /_sim/reset` (stats),
//!   `POST /_sim/faults?rate=0.2`, `POST /_sim/rename?from=a&to=b`, `POST /_sim/delete?name=a`
//! - `POST /_sim/claim?repo=comet&number=12&login=new-person` (`{"ok": true}`, or `422`),
//!   `GET /_sim/newcomers?repo=comet` (unclaimed newcomer issue numbers)
//!
//! Control requests are not counted, not rate-limited and never faulted.

use actix_web::HttpResponse;
use actix_web::http::{Method, StatusCode};
use serde::Serialize;

use super::answer::{Answer, JSON};
use super::params::Query;
use super::state::Shared;

pub fn handle(shared: &Shared, method: &Method, name: &str, query: &str) -> HttpResponse {
    let q = Query::parse(query);
    let answer = match (method.as_str(), name) {
        ("GET", "stats") => Answer::ok(&shared.stats()),
        ("GET", "totals") => Answer::ok(&shared.totals()),
        ("GET", "now") => Answer::ok(&Now { now: shared.now() }),
        ("POST", "advance") => advance(shared, &q),
        ("POST", "reset") => {
            shared.reset_stats();
            Answer::ok(&shared.stats())
        }
        ("POST", "faults") => match number(&q, "rate") {
            Some(rate) if (0.0..=1.0).contains(&rate) => {
                shared.set_fault_rate(rate);
                Answer::ok(&Done { ok: true })
            }
            _ => Answer::invalid("Simulator", "rate"),
        },
        ("POST", "rename") => match (q.get("from"), q.get("to")) {
            (Some(from), Some(to)) if !to.is_empty() => {
                shared.rename_repo(from, to);
                Answer::ok(&Done { ok: true })
            }
            _ => Answer::invalid("Simulator", "to"),
        },
        ("POST", "claim") => claim(shared, &q),
        ("GET", "newcomers") => Answer::ok(&shared.newcomer_issues(q.get("repo").unwrap_or_default())),
        ("POST", "delete") => {
            shared.delete_repo(q.get("name").unwrap_or_default());
            Answer::ok(&Done { ok: true })
        }
        _ => Answer::not_found(),
    };
    HttpResponse::build(answer.status).content_type(JSON).body(answer.body)
}

#[derive(Serialize)]
struct Now {
    now: i64,
}

#[derive(Serialize)]
struct Done {
    ok: bool,
}

fn number(q: &Query, key: &str) -> Option<f64> {
    q.get(key)?.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn claim(shared: &Shared, q: &Query) -> Answer {
    let number = q.get("number").and_then(|n| n.parse::<u64>().ok());
    match (q.get("repo"), number, q.get("login")) {
        (Some(repo), Some(number), Some(login)) if shared.claim_issue(repo, number, login) => {
            Answer::ok(&Done { ok: true })
        }
        (Some(_), Some(_), Some(_)) => Answer::invalid("Simulator", "number"),
        (_, None, _) => Answer::invalid("Simulator", "number"),
        (None, ..) => Answer::invalid("Simulator", "repo"),
        _ => Answer::invalid("Simulator", "login"),
    }
}

fn advance(shared: &Shared, q: &Query) -> Answer {
    let days = number(q, "days").unwrap_or(1.0);
    let fraction = number(q, "fraction").unwrap_or(0.01);
    if !(0.0..=3_650.0).contains(&days) {
        return Answer::invalid("Simulator", "days");
    }
    if !(0.0..=1.0).contains(&fraction) {
        return Answer::invalid("Simulator", "fraction");
    }
    let summary = shared.advance(days, fraction);
    Answer::json(StatusCode::OK, &summary)
}
