//! A minimal HTTP/1.1 client for the simulator's own tests (the crate has no HTTP client to
//! spare, and tests must see raw behaviour: cut-short bodies, dropped connections).
//!
//! One request per connection (`Connection: close`); a body shorter than its `content-length`
//! is an error, as in a real client.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The URL of `rel` in the `Link` header.
    pub fn link(&self, rel: &str) -> Option<String> {
        let link = self.header("link")?;
        let part = link.split(", ").find(|p| p.ends_with(&format!("rel=\"{rel}\"")))?;
        Some(part.split(['<', '>']).nth(1)?.to_owned())
    }
}

pub async fn get(url: &str) -> io::Result<Reply> {
    request("GET", url, &[], "").await
}

pub async fn get_with(url: &str, headers: &[(&str, &str)]) -> io::Result<Reply> {
    request("GET", url, headers, "").await
}

pub async fn post(url: &str, body: &str) -> io::Result<Reply> {
    request("POST", url, &[("content-type", "application/json")], body).await
}

pub async fn request(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> io::Result<Reply> {
    let url = url::Url::parse(url).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let host = format!("{}:{}", url.host_str().unwrap_or("127.0.0.1"), url.port().unwrap_or(80));
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let mut head = format!("{method} {target} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    let mut stream = TcpStream::connect(&host).await?;
    stream.write_all(head.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    parse(&raw)
}

fn parse(raw: &[u8]) -> io::Result<Reply> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::UnexpectedEof, what.to_owned());
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| bad("no header end"))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status =
        lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).ok_or_else(|| bad("status"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let body = raw[split + 4..].to_vec();
    let reply = Reply { status, headers, body };
    let announced = reply.header("content-length").and_then(|l| l.parse::<usize>().ok());
    if announced.is_some_and(|len| reply.body.len() < len) {
        return Err(bad("connection closed before the body was complete"));
    }
    Ok(reply)
}
