//! The client against hostile servers: a raw TCP server on 127.0.0.1 answers each request from a
//! script, byte by byte where it matters (a body that trickles, a body without end, a rate-limit
//! reset in milliseconds, GraphQL error bodies, a port nobody listens on). Every case must end
//! within its bound with the error a user can act on.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};
use upkeep::github::{ClientSettings, Fetched, GhError, GitHubClient};

/// One scripted answer.
#[derive(Clone)]
pub(crate) enum Reply {
    /// A whole answer at once.
    Full { status: u16, headers: Vec<(String, String)>, body: String },
    /// Announces `len` bytes, then sends one every `every`.
    Trickle { len: usize, every: Duration },
    /// A chunked body that never ends (until the client hangs up).
    Endless,
    /// An answer made from the request body.
    ByBody(fn(&str) -> Reply),
}

pub(crate) fn json(status: u16, body: &str) -> Reply {
    Reply::Full { status, headers: vec![], body: body.to_owned() }
}

fn with_headers(status: u16, headers: &[(&str, String)], body: &str) -> Reply {
    let headers = headers.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    Reply::Full { status, headers, body: body.to_owned() }
}

/// A server that answers request N with `script[N]` (the last entry repeats) and counts requests.
pub(crate) struct Hostile {
    pub(crate) url: String,
    pub(crate) requests: Arc<Mutex<u32>>,
    pub(crate) heads: Arc<Mutex<Vec<String>>>,
}

impl Hostile {
    pub(crate) async fn start(script: Vec<Reply>) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(0u32));
        let counter = requests.clone();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let n = {
                    let mut c = counter.lock().unwrap();
                    *c += 1;
                    *c as usize - 1
                };
                let reply = script[n.min(script.len() - 1)].clone();
                tokio::spawn(answer(stream, reply, seen.clone()));
            }
        });
        Hostile { url, requests, heads }
    }

    pub(crate) fn requests(&self) -> u32 {
        *self.requests.lock().unwrap()
    }
}

async fn answer(mut stream: TcpStream, reply: Reply, heads: Arc<Mutex<Vec<String>>>) {
    let Some((head, body)) = read_request(&mut stream).await else { return };
    heads.lock().unwrap().push(head);
    let reply = match reply {
        Reply::ByBody(make) => make(&body),
        other => other,
    };
    let _ = match reply {
        Reply::ByBody(_) => unreachable!("made above"),
        Reply::Full { status, headers, body } => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes()).await.ok();
            stream.write_all(body.as_bytes()).await
        }
        Reply::Trickle { len, every } => {
            let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len}\r\n\r\n");
            stream.write_all(head.as_bytes()).await.ok();
            for _ in 0..len {
                if stream.write_all(b" ").await.is_err() {
                    return;
                }
                tokio::time::sleep(every).await;
            }
            Ok(())
        }
        Reply::Endless => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            stream.write_all(head.as_bytes()).await.ok();
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
            // Bounded so a broken client cannot keep the test alive: 4 GiB at most.
            for _ in 0..65_536 {
                if stream.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
            }
            Ok(())
        }
    };
}

/// Reads one request's head and body (by content-length); `None` if the client went away.
async fn read_request(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1024];
    let head_end = loop {
        let n = stream.read(&mut byte).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&byte[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
    };
    let raw_head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let head = raw_head.to_lowercase();
    let len = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = stream.read(&mut byte).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&byte[..n]);
    }
    Some((raw_head, String::from_utf8_lossy(&buf[head_end..]).into_owned()))
}

pub(crate) fn settings(url: &str) -> ClientSettings {
    ClientSettings {
        api_url: url.to_owned(),
        graphql_url: format!("{url}/graphql"),
        user_agent: "upkeep-test".into(),
        timeout: Duration::from_secs(1),
        reserve: 200,
        max_retries: 2,
        backoff_base: Duration::from_millis(1),
        backoff_max: Duration::from_millis(10),
        max_response_bytes: 1 << 20,
    }
}

pub(crate) fn token() -> Option<secrecy::SecretString> {
    Some(secrecy::SecretString::from("test-token-never-shown".to_owned()))
}

#[tokio::test]
async fn a_body_that_trickles_is_cut_at_the_exchange_deadline_and_retried_then_given_up() {
    let server = Hostile::start(vec![Reply::Trickle { len: 1_000, every: Duration::from_millis(100) }]).await;
    let client = GitHubClient::new(settings(&server.url), None).unwrap();
    let started = Instant::now();
    let err = client.get::<Vec<i64>>("/repos/o/r/issues", None).await.unwrap_err();
    let took = started.elapsed();
    // Three attempts (max_retries 2) of one second each, not 100 s per attempt.
    assert!(took < Duration::from_secs(6), "took {took:?}");
    assert_eq!(server.requests(), 3);
    let text = err.to_string();
    assert!(text.contains("no complete answer within 1 s"), "{text}");
}

#[tokio::test]
async fn a_body_without_end_is_cut_at_the_size_cap_and_nothing_is_returned() {
    let server = Hostile::start(vec![Reply::Endless]).await;
    let client = GitHubClient::new(settings(&server.url), None).unwrap();
    let started = Instant::now();
    let err = client.get::<Vec<i64>>("/repos/o/r/issues", None).await.unwrap_err();
    assert!(matches!(err, GhError::TooLarge { limit, .. } if limit == 1 << 20), "{err}");
    assert_eq!(server.requests(), 1, "a body over the cap is not asked again");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(err.to_string().contains("larger than 1048576 bytes"), "{err}");
}

#[tokio::test]
async fn an_announced_oversized_body_is_refused_before_it_is_read() {
    let big = " ".repeat(2 << 20);
    let server = Hostile::start(vec![json(200, &big)]).await;
    let client = GitHubClient::new(settings(&server.url), None).unwrap();
    let err = client.get::<Vec<i64>>("/x", None).await.unwrap_err();
    assert!(matches!(err, GhError::TooLarge { .. }), "{err}");
}

#[tokio::test]
async fn a_reset_in_milliseconds_never_plans_a_trillion_second_wait() {
    let now = chrono::Utc::now().timestamp();
    let spent = |reset: i64| {
        with_headers(
            200,
            &[
                ("x-ratelimit-limit", "5000".into()),
                ("x-ratelimit-remaining", "0".into()),
                ("x-ratelimit-reset", reset.to_string()),
            ],
            "[]",
        )
    };
    // Authenticated, with a run deadline 5 s away: the unknown reset means "at most one window",
    // which passes the deadline, so the client stops at once and says why.
    let server = Hostile::start(vec![spent(now * 1000), json(200, "[1]")]).await;
    let client = GitHubClient::new(settings(&server.url), token()).unwrap();
    client.set_deadline(Some(tokio::time::Instant::now() + Duration::from_secs(5)));
    let started = Instant::now();
    assert!(matches!(client.get::<Vec<i64>>("/a", None).await.unwrap(), Fetched::Fresh { .. }));
    let err = client.get::<Vec<i64>>("/b", None).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "no wait was started");
    assert!(matches!(err, GhError::QuotaExhausted { .. }), "{err}");
    assert!(err.to_string().contains("deadline"), "{err}");
    assert!(err.is_fatal(), "a spent quota ends the run; what is left stays pending");

    // A reset already in the past means no wait at all.
    let server = Hostile::start(vec![spent(now - 10), json(200, "[1]")]).await;
    let client = GitHubClient::new(settings(&server.url), token()).unwrap();
    let started = Instant::now();
    client.get::<Vec<i64>>("/a", None).await.unwrap();
    let Fetched::Fresh { value, .. } = client.get::<Vec<i64>>("/b", None).await.unwrap() else { panic!() };
    assert_eq!(value, vec![1]);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn without_a_token_a_spent_quota_stops_at_once_and_says_how_to_set_one() {
    let reset = chrono::Utc::now().timestamp() + 3_000;
    let limited = with_headers(
        200,
        &[
            ("x-ratelimit-limit", "60".into()),
            ("x-ratelimit-remaining", "2".into()),
            ("x-ratelimit-reset", reset.to_string()),
        ],
        "[]",
    );
    let server = Hostile::start(vec![limited]).await;
    let client = GitHubClient::new(settings(&server.url), None).unwrap();
    client.get::<Vec<i64>>("/a", None).await.unwrap();
    let started = Instant::now();
    let err = client.get::<Vec<i64>>("/b", None).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1), "never an hour's silent stall");
    let text = err.to_string();
    assert!(text.contains("60 requests an hour") && text.contains("GITHUB_TOKEN or GH_TOKEN"), "{text}");
    assert!(text.contains("stays pending"), "{text}");

    // With 59 of 60 left, the reserve (200, scaled to 2 of 60) does not pause at all.
    let roomy = with_headers(
        200,
        &[
            ("x-ratelimit-limit", "60".into()),
            ("x-ratelimit-remaining", "59".into()),
            ("x-ratelimit-reset", reset.to_string()),
        ],
        "[]",
    );
    let server = Hostile::start(vec![roomy]).await;
    let client = GitHubClient::new(settings(&server.url), None).unwrap();
    client.get::<Vec<i64>>("/a", None).await.unwrap();
    client.get::<Vec<i64>>("/b", None).await.unwrap();
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_rate_limit_wait_is_told_to_the_observer_with_its_end() {
    // Far enough ahead that the reset is still to come when the second request is made, even on a
    // loaded machine.
    let reset = chrono::Utc::now().timestamp() + 3;
    let spent = with_headers(
        200,
        &[
            ("x-ratelimit-limit", "5000".into()),
            ("x-ratelimit-remaining", "0".into()),
            ("x-ratelimit-reset", reset.to_string()),
        ],
        "[]",
    );
    let server = Hostile::start(vec![spent, json(200, "[]")]).await;
    let client = GitHubClient::new(settings(&server.url), token()).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    client.set_wait_observer(Some(Arc::new(move |w| log.lock().unwrap().push(w))));
    client.get::<Vec<i64>>("/a", None).await.unwrap();
    client.get::<Vec<i64>>("/b", None).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    let first = seen[0].as_ref().expect("a wait started");
    assert_eq!((first.bucket.as_str(), first.until), ("core", reset + 1));
    assert!(seen[1].is_none(), "and ended");
}

#[tokio::test]
async fn a_host_nobody_listens_on_is_unreachable_within_seconds_and_named() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut s = settings(&url);
    s.max_retries = 6;
    s.backoff_max = Duration::from_secs(60);
    let client = GitHubClient::new(s, None).unwrap();
    let started = Instant::now();
    let err = client.get::<Vec<i64>>("/repos/o/r", None).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert!(err.is_fatal(), "{err}");
    let text = err.to_string();
    assert!(text.contains(&format!("cannot reach {url}/repos/o/r")), "{text}");
    assert!(text.to_lowercase().contains("refused"), "the cause is named: {text}");
}
