//! Wire types: the subset of GitHub's REST JSON the collector reads, as our own serde structs.
//!
//! Deliberately not octocrab's models (stack.md §2.7): those require every `*_url` field and fail a
//! whole page when GitHub adds an enum variant. Here unknown fields are ignored, optional fields
//! may be missing or null, and a test deserializes every example body in
//! `tests/fixtures/github/rest-examples` that the collector relies on. Conversion to database rows lives
//! in `github::convert`; nothing outside `github/` sees these types.

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// An account as embedded in other objects (`user`, `author`, `assignees`, `merged_by`).
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    pub login: String,
    pub id: i64,
    /// `User`, `Bot` or `Organization`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// Labels come as objects; GitHub's schema also allows bare strings.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Label {
    Object { name: String },
    Name(String),
}

impl Label {
    pub fn name(&self) -> &str {
        match self {
            Label::Object { name } | Label::Name(name) => name,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Milestone {
    pub title: String,
}

/// The `pull_request` object of an item of `/issues`. Only one that carries a URL marks a pull
/// request: bodies of 2012 gave every plain issue `{"html_url": null, "diff_url": null, …}`.
#[derive(Debug, Clone, Deserialize)]
pub struct PullRequestMarker {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub merged_at: Option<DateTime<Utc>>,
}

/// An item of `GET /repos/{o}/{r}/issues` (issues and pull requests).
#[derive(Debug, Clone, Deserialize)]
pub struct Issue {
    pub id: i64,
    #[serde(default)]
    pub node_id: String,
    pub number: i64,
    pub title: String,
    pub state: String,
    #[serde(default)]
    pub state_reason: Option<String>,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default = "none_association")]
    pub author_association: String,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub assignees: Option<Vec<User>>,
    #[serde(default)]
    pub milestone: Option<Milestone>,
    #[serde(default)]
    pub comments: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub draft: Option<bool>,
    #[serde(default)]
    pub pull_request: Option<PullRequestMarker>,
    #[serde(default)]
    pub html_url: Option<String>,
}

impl Issue {
    /// A pull request when its `pull_request` object carries a URL, or its own `html_url` is a
    /// `/pull/` page; never by the key alone (see [`PullRequestMarker`]).
    pub fn is_pull_request(&self) -> bool {
        let marked = self.pull_request.as_ref().is_some_and(|p| p.url.is_some() || p.html_url.is_some());
        marked || self.html_url.as_deref().is_some_and(|u| u.contains("/pull/"))
    }
}

/// An item of `GET /repos/{o}/{r}/issues/comments`.
#[derive(Debug, Clone, Deserialize)]
pub struct IssueComment {
    pub id: i64,
    /// `…/repos/{o}/{r}/issues/{number}`: the only link to the parent.
    pub issue_url: String,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default = "none_association")]
    pub author_association: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An item of `GET /repos/{o}/{r}/pulls/comments`.
#[derive(Debug, Clone, Deserialize)]
pub struct ReviewComment {
    pub id: i64,
    /// `…/repos/{o}/{r}/pulls/{number}`; missing from some bodies, when `html_url`
    /// (`…/pull/{number}#discussion_r…`) or `_links.pull_request.href` tell the number instead.
    #[serde(default)]
    pub pull_request_url: Option<String>,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default, rename = "_links")]
    pub links: Option<ReviewCommentLinks>,
    #[serde(default)]
    pub pull_request_review_id: Option<i64>,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default = "none_association")]
    pub author_association: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReviewCommentLinks {
    #[serde(default)]
    pub pull_request: Option<Href>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Href {
    pub href: String,
}

impl ReviewComment {
    /// The pull request's number: from `pull_request_url`, else `_links.pull_request.href`, else
    /// the `/pull/{number}` of `html_url`.
    pub fn pr_number(&self) -> Option<i64> {
        let link = self.links.as_ref().and_then(|l| l.pull_request.as_ref()).map(|h| h.href.as_str());
        if let Some(n) = self.pull_request_url.as_deref().or(link).and_then(trailing_number) {
            return Some(n);
        }
        let after = self.html_url.as_deref()?.split("/pull/").nth(1)?;
        after.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
    }
}

/// An item of `GET /repos/{o}/{r}/pulls` (the `pull-request-simple` shape).
#[derive(Debug, Clone, Deserialize)]
pub struct PullRequest {
    pub id: i64,
    pub number: i64,
    pub state: String,
    #[serde(default)]
    pub draft: Option<bool>,
    #[serde(default)]
    pub merged_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// An item of `GET /repos/{o}/{r}/pulls/{n}/reviews`.
#[derive(Debug, Clone, Deserialize)]
pub struct Review {
    pub id: i64,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default = "none_association")]
    pub author_association: String,
    pub state: String,
    #[serde(default)]
    pub submitted_at: Option<DateTime<Utc>>,
}

/// An item of `GET /repos/{o}/{r}/milestones`.
#[derive(Debug, Clone, Deserialize)]
pub struct MilestoneListed {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub state: String,
    #[serde(default)]
    pub due_on: Option<DateTime<Utc>>,
    #[serde(default)]
    pub open_issues: i64,
    #[serde(default)]
    pub closed_issues: i64,
    pub updated_at: DateTime<Utc>,
}

/// An item of `GET /repos/{o}/{r}/releases`.
#[derive(Debug, Clone, Deserialize)]
pub struct Release {
    pub id: i64,
    pub tag_name: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub prerelease: bool,
    #[serde(default)]
    pub author: Option<User>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
}

/// `GET /repos/{o}/{r}` and the items of `GET /orgs/{org}/repos`.
#[derive(Debug, Clone, Deserialize)]
pub struct Repository {
    pub id: i64,
    pub name: String,
    pub full_name: String,
    pub owner: User,
    #[serde(default)]
    pub private: bool,
    pub html_url: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub fork: bool,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub default_branch: Option<String>,
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub stargazers_count: i64,
    #[serde(default)]
    pub forks_count: i64,
    #[serde(default)]
    pub open_issues_count: i64,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub pushed_at: Option<DateTime<Utc>>,
}

/// `GET /repos/{o}/{r}/community/profile`.
#[derive(Debug, Clone, Deserialize)]
pub struct CommunityProfile {
    #[serde(default)]
    pub health_percentage: i64,
    #[serde(default)]
    pub files: CommunityFiles,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

/// Each recommended file, `null` when missing.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CommunityFiles {
    #[serde(default)]
    pub code_of_conduct: Option<serde_json::Value>,
    #[serde(default)]
    pub code_of_conduct_file: Option<serde_json::Value>,
    #[serde(default)]
    pub contributing: Option<CommunityFile>,
    #[serde(default)]
    pub issue_template: Option<serde_json::Value>,
    #[serde(default)]
    pub pull_request_template: Option<serde_json::Value>,
    #[serde(default)]
    pub license: Option<serde_json::Value>,
    #[serde(default)]
    pub readme: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommunityFile {
    #[serde(default)]
    pub html_url: Option<String>,
}

/// GitHub's error body (`basic-error`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub documentation_url: Option<String>,
}

fn none_association() -> String {
    "NONE".to_owned()
}

/// The trailing number of an API URL such as `…/issues/42` or `…/pulls/42`.
pub fn trailing_number(url: &str) -> Option<i64> {
    url.trim_end_matches('/').rsplit('/').next()?.parse().ok()
}

/// A file from `GET /repos/{o}/{r}/contents/{path}` (only what the collector reads).
#[derive(Debug, Clone, Deserialize)]
pub struct ContentFile {
    /// `file` here (a directory would be a list, a symlink `symlink`).
    #[serde(rename = "type")]
    pub kind: String,
    /// `base64` for files up to 1 MB; `none` above that (the content is then empty).
    pub encoding: Option<String>,
    #[serde(default)]
    pub content: String,
    pub html_url: Option<String>,
}

impl ContentFile {
    /// The file's bytes: `content` is base64 wrapped at 60 characters; `None` when it is not
    /// base64 (another encoding, or corrupt).
    pub fn decoded(&self) -> Option<Vec<u8>> {
        if self.encoding.as_deref() != Some("base64") {
            return None;
        }
        let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0u32);
        for c in self.content.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            };
            acc = (acc << 6) | u32::from(v);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        Some(out)
    }
}

/// An item of `GET /repos/{o}/{r}/commits`: the commit, and the accounts GitHub links to it.
#[derive(Debug, Clone, Deserialize)]
pub struct Commit {
    pub sha: String,
    pub commit: CommitDetail,
    /// The GitHub account of the author's e-mail; `null` when GitHub links none.
    #[serde(default)]
    pub author: Option<User>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommitDetail {
    #[serde(default)]
    pub author: Option<GitPerson>,
    #[serde(default)]
    pub committer: Option<GitPerson>,
}

/// A git identity as a commit records it.
#[derive(Debug, Clone, Deserialize)]
pub struct GitPerson {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub date: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests;
