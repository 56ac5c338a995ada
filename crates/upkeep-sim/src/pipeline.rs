//! What happens to every request, in order: route, count, authenticate (who the caller is: a
//! token, an App installation, or nobody), check the caller's budget, roll for a fault, answer,
//! turn a matching `If-None-Match` into a free `304` (ETags are the caller's own, as GitHub's
//! vary by `Authorization`), spend the caller's budget, then deliver (normally, or through the
//! fault). `POST /app/installations/{id}/access_tokens` is answered by `app_auth.rs` before any
//! of that but counting.
//!
//! This is the one place that knows GitHub's rules around a request; handlers (`rest*.rs`,
//! `graphql.rs`) only turn a request into an [`Answer`]. `/_sim/*` skips all of it; the foreign
//! hosts, Open Collective (`opencollective.rs`) and the plain funding.json files
//! (`/manifests/{name}/funding.json`), are counted and faulted but need no GitHub token or budget,
//! and a GitHub token sent to them is counted in [`super::SimStats::foreign_tokens`].

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::{Method, StatusCode, header};
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use std::hash::Hasher;

use super::answer::Answer;
use super::faults::{self, Delivery};
use super::graphql_envelope::Viewer;
use super::hostile::{self, Hostility};
use super::params::Query;
use super::ratelimit::{Resource, Snapshot, wall_clock};
use super::render::Ctx;
use super::request::Request;
use super::rest;
use super::router::{self, Route};
use super::state::Shared;
use super::util::mix;
use super::{app_auth, control, funding_json, graphql, opencollective, rest_repo};

pub async fn entry(req: HttpRequest, body: Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let parsed = router::parse(req.method(), req.path());
    if let Route::Control(name) = &parsed.route {
        return control::handle(&shared, req.method(), name, req.query_string());
    }
    let foreign = matches!(parsed.route, Route::OpenCollective | Route::Manifest(_));
    if shared.opts.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(shared.opts.latency_ms)).await;
    }
    shared.with_stats(|s| {
        s.requests += 1;
        s.graphql += u64::from(parsed.route == Route::Graphql);
        s.foreign_tokens += u64::from(foreign && req.headers().contains_key(header::AUTHORIZATION));
        *s.by_route.entry(parsed.label.clone()).or_default() += 1;
    });
    let resource = parsed.route.resource();
    let now = wall_clock();
    if let Route::AccessTokens(installation) = parsed.route {
        let answer = {
            let mut installations = shared.installations();
            app_auth::access_tokens(shared.opts.app.as_ref(), &mut installations, installation, token_of(&req), now)
        };
        shared.with_stats(|s| {
            s.installation_tokens += u64::from(answer.status == StatusCode::CREATED);
            s.unauthorized += u64::from(answer.status == StatusCode::UNAUTHORIZED);
        });
        return respond(answer, rate(&shared, "", None, now), None);
    }
    let caller = if foreign { Some(String::new()) } else { caller_of(&shared, &req, now) };
    let Some(caller) = caller else {
        shared.with_stats(|s| {
            s.unauthorized += 1;
            *s.by_caller.entry(token_of(&req).to_owned()).or_default() += 1;
        });
        let denied = Answer::error(StatusCode::UNAUTHORIZED, "Bad credentials");
        return respond(denied, rate(&shared, "", resource, now), None);
    };
    if !foreign {
        let conditional = req.headers().contains_key(header::IF_NONE_MATCH);
        let foreign_etags =
            if_none_match(&req).filter(|tag| etag_caller(tag).is_some_and(|m| m != caller_mark(&caller))).count();
        shared.with_stats(|s| {
            *s.by_caller.entry(caller.clone()).or_default() += 1;
            if conditional {
                *s.conditional_by_caller.entry(caller.clone()).or_default() += 1;
            }
            s.etags_of_another_caller += foreign_etags as u64;
        });
    }
    if resource.is_some_and(|r| shared.limits().of(&caller).exhausted(r, now)) {
        shared.with_stats(|s| s.rate_limited += 1);
        return respond(primary_limited(), rate(&shared, &caller, resource, now), None);
    }
    let fault = shared.dice().roll(parsed.route.is_stats());
    let answer = dispatch(&shared, &parsed.route, &req, &body, resource, &caller, now);
    let etag =
        (answer.status == StatusCode::OK && req.method() == Method::GET).then(|| etag_of_for(&caller, &answer.body));
    if etag.as_deref().is_some_and(|tag| matches_if_none_match(&req, tag)) {
        shared.with_stats(|s| s.not_modified += 1);
        let unchanged = Answer { status: StatusCode::NOT_MODIFIED, body: Vec::new(), ..answer };
        return respond(unchanged, rate(&shared, &caller, resource, now), etag);
    }
    if let Some(r) = resource {
        shared.limits().of(&caller).spend(r, now);
    }
    let mut limits = rate(&shared, &caller, resource, now);
    if let Some(hostile) = hostile_delivery(&shared, &parsed.route, req.path(), &mut limits) {
        shared.with_stats(|s| s.faults += 1);
        return hostile;
    }
    let answer = endless_next(&shared, req.path(), req.query_string(), answer);
    let answer = repeated_items(&shared, req.path(), answer);
    let Some(fault) = fault else { return respond(answer, limits, etag) };
    shared.with_stats(|s| s.faults += 1);
    let (answer, delivery, keep) = faults::apply(fault, answer, shared.opts.retry_after_secs);
    deliver(answer, delivery, limits, etag.filter(|_| keep), shared.opts.slow_ms).await
}

/// The answer of a hostile mode (`hostile.rs`) that applies to this request, if any; a
/// milliseconds reset only rewrites `limits`.
fn hostile_delivery(
    shared: &Shared,
    route: &Route,
    path: &str,
    limits: &mut (Resource, Snapshot),
) -> Option<HttpResponse> {
    let modes = &shared.opts.hostile;
    if modes.contains(&Hostility::MillisReset) {
        limits.1.reset *= 1000;
    }
    if *route == Route::Graphql && modes.contains(&Hostility::GraphqlErrors) {
        let mut nth = 0;
        shared.with_stats(|s| nth = s.graphql);
        if nth % 3 == 1 {
            let answer = Answer {
                status: StatusCode::OK,
                body: hostile::GRAPHQL_WENT_WRONG.into(),
                content_type: super::answer::JSON,
                headers: vec![],
            };
            return Some(respond(answer, *limits, None));
        }
    }
    let probe = Answer { status: StatusCode::OK, body: Vec::new(), content_type: super::answer::JSON, headers: vec![] };
    if modes.iter().any(|m| *m == Hostility::Trickle && m.targets(path)) {
        let body = hostile::Trickle::new(10_000, Duration::from_millis(100));
        return Some(builder(&probe, *limits, &None).body(body));
    }
    if modes.iter().any(|m| *m == Hostility::Oversize && m.targets(path)) {
        return Some(builder(&probe, *limits, &None).body(hostile::Endless::new()));
    }
    None
}

/// With `endless-next`, a release listing links a next page whatever it holds.
fn endless_next(shared: &Shared, path: &str, query: &str, answer: Answer) -> Answer {
    let on = shared.opts.hostile.iter().any(|m| *m == Hostility::EndlessNext && m.targets(path));
    if !on || answer.status != StatusCode::OK {
        return answer;
    }
    let page = Query::parse(query).get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1);
    let link = format!("<{}{path}?per_page=100&page={}>; rel=\"next\"", shared.base, page + 1);
    let headers: Vec<_> = answer.headers.iter().filter(|(n, _)| !n.eq_ignore_ascii_case("link")).cloned().collect();
    Answer { headers, ..answer }.with_header("link", link)
}

/// With `repeated-items`, a listing's page names its first item again at its end.
fn repeated_items(shared: &Shared, path: &str, answer: Answer) -> Answer {
    let on = shared.opts.hostile.iter().any(|m| *m == Hostility::RepeatedItems && m.targets(path));
    if !on || answer.status != StatusCode::OK {
        return answer;
    }
    let Ok(serde_json::Value::Array(mut items)) = serde_json::from_slice::<serde_json::Value>(&answer.body) else {
        return answer;
    };
    let Some(first) = items.first().cloned() else { return answer };
    items.push(first);
    Answer { body: serde_json::to_vec(&items).unwrap_or(answer.body.clone()), ..answer }
}

/// The handler's answer (world read-locked only while rendering).
fn dispatch(
    shared: &Shared,
    route: &Route,
    req: &HttpRequest,
    body: &[u8],
    resource: Option<Resource>,
    caller: &str,
    now: u64,
) -> Answer {
    if *route == Route::RateLimit {
        let mut book = shared.limits();
        let limits = book.of(caller);
        return rest_repo::rate_limit(limits.snapshot(Resource::Core, now), limits.snapshot(Resource::Graphql, now));
    }
    let world = shared.world();
    let ctx = Ctx { world: &world, api: &shared.base };
    let request =
        Request { ctx, query: Query::parse(req.query_string()), path: req.path(), raw_query: req.query_string() };
    let handled = match route {
        Route::Org(login) => rest_repo::org(&request, login),
        Route::OrgRepos(login) | Route::UserRepos(login) => rest_repo::org_repos(&request, login),
        Route::User(login) => rest_repo::user(&request, login),
        Route::Repo(key, part) => rest::repo(&request, key, *part),
        Route::Graphql => {
            let budget = resource.map(|r| shared.limits().of(caller).snapshot(r, now));
            let sponsor = shared.opts.sponsor_token.as_deref().is_some_and(|t| token_of(req) == t);
            Ok(graphql::handle(&ctx, body, budget, if sponsor { Viewer::Maintainer } else { Viewer::Anyone }))
        }
        Route::OpenCollective => Ok(opencollective::handle(&world, body)),
        Route::Manifest(name) => funding_json::raw(&world, name).ok_or_else(Answer::not_found),
        Route::RateLimit | Route::Control(_) | Route::AccessTokens(_) | Route::Unknown => Err(Answer::not_found()),
    };
    handled.unwrap_or_else(|error| error)
}

/// Who a GitHub request is from: its token, `installation <id>` for a live installation token,
/// `""` without one; `None` (401) for an expired installation token, or, when the simulator
/// knows its tokens (`require_token`, `tokens`, `app`), for any other token or none.
fn caller_of(shared: &Shared, req: &HttpRequest, now: u64) -> Option<String> {
    let token = token_of(req);
    if let Some(installation) = shared.installations().caller(token, now) {
        return installation.ok();
    }
    let opts = &shared.opts;
    let known = opts.require_token.as_deref() == Some(token) || opts.tokens.iter().any(|t| t == token);
    let open = opts.require_token.is_none() && opts.tokens.is_empty() && opts.app.is_none();
    (open || known).then(|| token.to_owned())
}

/// The token of `Authorization: Bearer <token>` (or `token <token>`), `""` if none.
fn token_of(req: &HttpRequest) -> &str {
    let given = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
    given.strip_prefix("Bearer ").or_else(|| given.strip_prefix("token ")).unwrap_or("").trim()
}

fn primary_limited() -> Answer {
    #[derive(serde::Serialize)]
    struct Limited<'a> {
        message: &'a str,
        documentation_url: &'a str,
    }
    let body = Limited {
        message: "API rate limit exceeded for user ID 31337. If you reach out to GitHub Support for help, \
                  please include the request ID 0000:0000:SIM.",
        documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
    };
    Answer::json(StatusCode::FORBIDDEN, &body)
}

/// The caller's bucket's state for the headers; free requests report `core`.
fn rate(shared: &Shared, caller: &str, resource: Option<Resource>, now: u64) -> (Resource, Snapshot) {
    let resource = resource.unwrap_or(Resource::Core);
    (resource, shared.limits().of(caller).snapshot(resource, now))
}

/// A weak ETag over the body for `caller`, shaped like GitHub's (64 hex digits): GitHub's vary by
/// `Authorization`, so a caller's ETags do not match for another. The first 16 digits mark the
/// caller ([`caller_mark`]), so the server can tell an ETag sent by the wrong caller.
///
/// SipHash from std rather than SHA-256: std is optimised even in debug builds, where hashing
/// a 1.6 MB `/pulls` page with `sha2` would cost more than rendering it. Equal bodies give equal
/// ETags within one build, which is all a conditional request needs.
fn etag_of_for(caller: &str, body: &[u8]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(body);
    let h = hasher.finish();
    format!("W/\"{}{h:016x}{:016x}{:016x}\"", caller_mark(caller), mix(h, 1), mix(h, 2))
}

/// 16 hex digits naming a caller in its ETags.
fn caller_mark(caller: &str) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(b"caller\n");
    hasher.write(caller.as_bytes());
    format!("{:016x}", hasher.finish())
}

/// The caller mark of an ETag this server wrote (`None` for `*` or anything else).
fn etag_caller(tag: &str) -> Option<String> {
    let hex = tag.trim().trim_start_matches("W/").trim_matches('"');
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| hex[..16].to_owned())
}

/// The ETags listed in `If-None-Match`.
fn if_none_match(req: &HttpRequest) -> impl Iterator<Item = String> + '_ {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_owned())
}

/// `If-None-Match` lists the current ETag (weak comparison, `*` matches anything).
fn matches_if_none_match(req: &HttpRequest, etag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let current = strip(etag);
    if_none_match(req).any(|t| t == "*" || strip(&t) == current)
}

fn builder(answer: &Answer, (resource, snap): (Resource, Snapshot), etag: &Option<String>) -> HttpResponseBuilder {
    let mut b = HttpResponse::build(answer.status);
    b.insert_header((header::CONTENT_TYPE, answer.content_type));
    b.insert_header(("x-ratelimit-limit", snap.limit.to_string()));
    b.insert_header(("x-ratelimit-remaining", snap.remaining.to_string()));
    b.insert_header(("x-ratelimit-used", snap.used.to_string()));
    b.insert_header(("x-ratelimit-reset", snap.reset.to_string()));
    b.insert_header(("x-ratelimit-resource", resource.as_str()));
    if let Some(tag) = etag {
        b.insert_header((header::ETAG, tag.as_str()));
    }
    for (name, value) in &answer.headers {
        b.insert_header((*name, value.as_str()));
    }
    b
}

fn respond(answer: Answer, limits: (Resource, Snapshot), etag: Option<String>) -> HttpResponse {
    if answer.status == StatusCode::NOT_MODIFIED {
        return builder(&answer, limits, &etag).finish();
    }
    builder(&answer, limits, &etag).body(answer.body)
}

async fn deliver(
    mut answer: Answer,
    delivery: Delivery,
    limits: (Resource, Snapshot),
    etag: Option<String>,
    slow_ms: u64,
) -> HttpResponse {
    match delivery {
        Delivery::Normal => respond(answer, limits, etag),
        Delivery::Slow => {
            tokio::time::sleep(Duration::from_millis(slow_ms)).await;
            respond(answer, limits, etag)
        }
        Delivery::Truncated => {
            answer.body.truncate(answer.body.len() / 2);
            respond(answer, limits, etag)
        }
        Delivery::Reset => {
            let size = answer.body.len() as u64;
            let head = Bytes::copy_from_slice(&answer.body[..answer.body.len().min(16)]);
            builder(&answer, limits, &etag).body(CutOff { head: Some(head), size })
        }
    }
}

/// A body that announces its full size, sends a few bytes, then fails: the connection drops
/// mid-body, which is what a client sees when a connection is reset.
struct CutOff {
    head: Option<Bytes>,
    size: u64,
}

impl MessageBody for CutOff {
    type Error = std::io::Error;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.size)
    }

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Bytes, Self::Error>>> {
        match self.head.take() {
            Some(head) => Poll::Ready(Some(Ok(head))),
            None => Poll::Ready(Some(Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "simulated reset")))),
        }
    }
}
