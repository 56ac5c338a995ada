//! `GET /repos/{o}/{r}/contents/{path}` for the files the simulator serves (`funding.json` in
//! `funding_json.rs`, `.github/FUNDING.yml` in `funding_yml.rs`, `.github/upkeep-affiliations.toml`
//! in `self_declared.rs`): one file in the shape of
//! GitHub's contents API, base64 `content` wrapped at 60 characters, `encoding: "base64"`,
//! `sha`, `size` and its URLs. The pipeline adds the ETag (and its `304`); a file a repository
//! does not have is the caller's `404`.

use serde::Serialize;

use super::accounts::ORG;
use super::answer::Answer;
use super::render::{Ctx, WEB};
use super::util::{base64, mix};
use super::world::Repo;

#[derive(Serialize)]
struct ContentJson<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    encoding: &'static str,
    size: usize,
    name: &'a str,
    path: &'a str,
    content: String,
    sha: String,
    url: String,
    git_url: String,
    html_url: String,
    download_url: String,
    _links: Links,
}

#[derive(Serialize)]
struct Links {
    git: String,
    #[serde(rename = "self")]
    this: String,
    html: String,
}

/// The contents answer for the file at `path` (from the repository root) holding `text`.
pub fn file(ctx: &Ctx, repo: &Repo, path: &str, text: &str) -> Answer {
    let encoded = base64(text.as_bytes());
    let mut content = String::with_capacity(encoded.len() + encoded.len() / 60 + 1);
    for line in encoded.as_bytes().chunks(60) {
        content.push_str(std::str::from_utf8(line).unwrap_or_default());
        content.push('\n');
    }
    answer(ctx, repo, path, (text.len(), sha_of(text.as_bytes())), "base64", content)
}

/// The contents answer for a file of `size` bytes above the 1 MB GitHub sends through this API:
/// `encoding: "none"` and an empty `content` (its bytes come only from the blob or raw URLs).
pub fn too_large(ctx: &Ctx, repo: &Repo, path: &str, size: usize) -> Answer {
    answer(ctx, repo, path, (size, sha_of(format!("{path}:{size}").as_bytes())), "none", String::new())
}

fn answer(
    ctx: &Ctx,
    repo: &Repo,
    path: &str,
    (size, sha): (usize, String),
    encoding: &'static str,
    content: String,
) -> Answer {
    let api = ctx.repo_api(repo);
    let url = format!("{api}/contents/{path}");
    let git_url = format!("{api}/git/blobs/{sha}");
    let html_url = format!("{WEB}/{ORG}/{}/blob/main/{path}", repo.name);
    Answer::ok(&ContentJson {
        kind: "file",
        encoding,
        size,
        name: path.rsplit('/').next().unwrap_or(path),
        path,
        content,
        sha,
        _links: Links { git: git_url.clone(), this: url.clone(), html: html_url.clone() },
        url,
        git_url,
        download_url: format!("https://raw.githubusercontent.com/{ORG}/{}/main/{path}", repo.name),
        html_url,
    })
}

/// 40 hex digits that change with the text (not git's SHA-1 of the blob).
pub fn sha_of(bytes: &[u8]) -> String {
    let mut h = bytes.len() as u64;
    for chunk in bytes.chunks(8) {
        h = mix(h, chunk.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b)));
    }
    format!("{:016x}{:016x}{:08x}", h, mix(h, 1), mix(h, 2) >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sha_is_forty_hex_digits_that_change_with_the_text() {
        assert_ne!(sha_of(b"a"), sha_of(b"b"));
        assert_eq!(sha_of(b"a").len(), 40);
        assert!(sha_of(b"a").chars().all(|c| c.is_ascii_hexdigit()));
    }
}
