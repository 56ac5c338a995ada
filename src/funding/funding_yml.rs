//! [`validate_funding_yml`]: every problem in a repository's `.github/FUNDING.yml`, checked
//! against GitHub's documented format, each named by its top-level key (and its line and column).
//!
//! GitHub reads the file itself and gives the dashboard only what it understood
//! (`Repository.fundingLinks`): a file it cannot parse shows no links and no message, so these
//! issues are the only way a maintainer learns why their sponsor button is missing.
//!
//! Errors are what GitHub cannot use: text that is not YAML, a top level that is not a mapping, a
//! value of the wrong type (a mapping, a number where a name is expected, a list where the key
//! takes one value), more than [`MAX_ENTRIES`] entries for `github` or `custom`. Warnings are kept
//! but doubtful: a key GitHub does not document (it may be a platform added since), a `tidelift`
//! value that is not `platform/package` on a known platform, a `custom` entry that is not an
//! http(s) URL, a key given twice, an alias. Empty values are fine: GitHub's template ships every
//! key empty, and an empty file or one of comments only has nothing wrong with it.
//!
//! [`count_entries`] tells how many accounts a file names, for comparing with GitHub's links.
//!
//! Parsing (`funding_yml/tree.rs`) drives yaml-rust2's event parser one event at a time into a
//! tree no deeper than the format needs ([`MAX_DEPTH`]) with each node's position: its own loader
//! recurses once per nesting level and expands aliases, so hostile text could exhaust the stack
//! or the memory. Only the first document counts. No IO: the collector fetches (`github::sync::funding_yml`), `db` stores,
//! `web::funding::entries` turns issues into notes.

use std::fmt;

use serde::Serialize;
use yaml_rust2::scanner::ScanError;

use super::validate::Severity;

mod tree;

pub use tree::MAX_DEPTH;
use tree::{Kind, Node, Value, parse};

/// The keys GitHub documents, in its template's order.
pub const KEYS: &[&str] = &[
    "github",
    "patreon",
    "open_collective",
    "ko_fi",
    "tidelift",
    "community_bridge",
    "liberapay",
    "issuehunt",
    "lfx_crowdfunding",
    "polar",
    "buy_me_a_coffee",
    "thanks_dev",
    "custom",
];

/// Keys that take a list as well as a single value.
const LIST_KEYS: &[&str] = &["github", "custom"];

/// At most this many usernames (`github`) or URLs (`custom`).
pub const MAX_ENTRIES: usize = 4;

/// Tidelift's package platforms, the part before the `/`.
pub const TIDELIFT_PLATFORMS: &[&str] = &["npm", "pypi", "rubygems", "maven", "packagist", "nuget"];

/// Larger files are not checked: a FUNDING.yml is a dozen short lines.
pub const MAX_BYTES: usize = 64 * 1024;

/// At most this many issues are listed, then one saying how many more there were.
pub const MAX_ISSUES: usize = 25;

/// One problem: which top-level key (empty for the whole file), what, in words, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundingYmlIssue {
    pub severity: Severity,
    pub key: String,
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// `` `github`: 5 entries… ``, or `line 3, column 5: …` for the whole file.
impl fmt::Display for FundingYmlIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) if self.key.is_empty() => {
                write!(f, "line {line}, column {column}: {}", self.message)
            }
            _ if self.key.is_empty() => f.write_str(&self.message),
            _ => write!(f, "`{}`: {}", self.key, self.message),
        }
    }
}

/// Every issue of `text`, in document order; empty when GitHub can use all of it.
pub fn validate_funding_yml(text: &str) -> Vec<FundingYmlIssue> {
    if text.len() > MAX_BYTES {
        let message = format!("{} bytes is too large for a FUNDING.yml; it was not checked", text.len());
        return vec![FundingYmlIssue {
            severity: Severity::Warning,
            key: String::new(),
            message,
            line: None,
            column: None,
        }];
    }
    let root = match parse(text) {
        Ok(root) => root,
        Err(e) => return vec![syntax(&e)],
    };
    let mut issues = Issues::default();
    match root {
        None => {}
        Some(Node { value: Value::Scalar(Kind::Null, _), .. }) => {}
        Some(Node { value: Value::Map(entries), .. }) => {
            let mut seen: Vec<&str> = Vec::new();
            for (key, value) in &entries {
                check_entry(&mut issues, &mut seen, key, value);
            }
        }
        Some(other) => issues.error(
            "",
            &other,
            format!(
                "the file is {}, not a mapping of platforms to accounts (`github: octocat`); \
                 GitHub shows no funding links from it",
                other.value.what()
            ),
        ),
    }
    issues.finish()
}

/// How many accounts or URLs `text` names under keys GitHub documents (each list entry counts);
/// 0 for text that is not a YAML mapping. What GitHub's `fundingLinks` should then not be empty of.
pub fn count_entries(text: &str) -> usize {
    let Ok(Some(Node { value: Value::Map(entries), .. })) = parse(text) else { return 0 };
    let named = |node: &Node| !matches!(node.value, Value::Scalar(Kind::Null, _));
    (entries.iter())
        .filter(|(key, _)| matches!(&key.value, Value::Scalar(_, name) if KEYS.contains(&name.as_str())))
        .map(|(_, value)| match &value.value {
            Value::List(items) => items.iter().filter(|i| named(i)).count(),
            _ => usize::from(named(value)),
        })
        .sum()
}

/// The issue for text that is not YAML.
fn syntax(e: &ScanError) -> FundingYmlIssue {
    FundingYmlIssue {
        severity: Severity::Error,
        key: String::new(),
        message: format!("not valid YAML ({}); GitHub shows no funding links from a file it cannot parse", e.info()),
        line: Some(e.marker().line()),
        // yaml-rust2 counts columns from 0 (its own messages add 1).
        column: Some(e.marker().col() + 1),
    }
}

/// One top-level `key: value`.
fn check_entry<'a>(issues: &mut Issues, seen: &mut Vec<&'a str>, key: &'a Node, value: &Node) {
    let name = match &key.value {
        Value::Scalar(_, text) => text.as_str(),
        _ => {
            let message = format!("a key is {}; keys are platform names such as `github`", key.value.what());
            return issues.error("", key, message);
        }
    };
    if seen.contains(&name) {
        issues.warn(name, key, "given more than once; only one of them can count".into());
    }
    seen.push(name);
    if !KEYS.contains(&name) {
        return issues.warn(name, key, unknown_key(name));
    }
    let takes_list = LIST_KEYS.contains(&name);
    match &value.value {
        Value::Scalar(Kind::Null, _) => {}
        Value::List(items) if takes_list => {
            if items.len() > MAX_ENTRIES {
                let message = format!("{} entries; GitHub allows at most {MAX_ENTRIES}", items.len());
                issues.error(name, value, message);
            }
            for (i, item) in items.iter().enumerate() {
                check_value(issues, name, item, Some(i + 1));
            }
        }
        Value::List(_) => {
            issues.error(name, value, format!("a list, but `{name}` takes a single {}", expected(name)));
        }
        _ => check_value(issues, name, value, None),
    }
}

/// One value of `key` (entry `nth` of its list, counted from 1, if it is one).
fn check_value(issues: &mut Issues, key: &str, node: &Node, nth: Option<usize>) {
    let which = nth.map_or(String::new(), |n| format!("entry {n}: "));
    let text = match &node.value {
        Value::Scalar(Kind::Null, _) => return,
        Value::Scalar(Kind::Text, text) => text.trim(),
        Value::Alias => {
            let message = format!("{which}an alias (`*name`), which this check does not follow");
            return issues.warn(key, node, message);
        }
        other => {
            let message = format!("{which}{}, but GitHub expects a {}", other.what(), expected(key));
            return issues.error(key, node, message);
        }
    };
    match key {
        "tidelift" => {
            let known = text.split_once('/').is_some_and(|(platform, package)| {
                TIDELIFT_PLATFORMS.contains(&platform) && !package.trim().is_empty()
            });
            if !known {
                let message = format!(
                    "{which}{} is not `platform-name/package-name` with a platform among {}",
                    quoted(text),
                    TIDELIFT_PLATFORMS.join(", ")
                );
                issues.warn(key, node, message);
            }
        }
        "custom" if !is_web_url(text) => {
            issues.warn(key, node, format!("{which}{} is not an http(s) URL", quoted(text)));
        }
        _ => {}
    }
}

/// What `key` takes, in words.
fn expected(key: &str) -> &'static str {
    match key {
        "github" | "patreon" | "ko_fi" | "liberapay" | "issuehunt" | "polar" | "buy_me_a_coffee" => "username",
        "tidelift" => "platform-name/package-name",
        "custom" => "URL",
        _ => "name",
    }
}

fn unknown_key(name: &str) -> String {
    let normal = name.trim().to_ascii_lowercase().replace('-', "_");
    match KEYS.iter().find(|k| **k == normal) {
        Some(k) => format!("not a key GitHub knows; did you mean `{k}`?"),
        None => "not a platform GitHub documents; it may be newer than this check, or GitHub ignores it".to_owned(),
    }
}

fn is_web_url(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// A value from the file, quoted and cut short, for a message.
fn quoted(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{:?}…", &text[..end]),
        None => format!("{text:?}"),
    }
}

/// Collects issues, up to [`MAX_ISSUES`].
#[derive(Default)]
struct Issues {
    list: Vec<FundingYmlIssue>,
    dropped: usize,
}

impl Issues {
    fn push(&mut self, severity: Severity, key: &str, at: &Node, message: String) {
        if self.list.len() == MAX_ISSUES {
            self.dropped += 1;
            return;
        }
        let (line, column) = (Some(at.line), Some(at.column));
        self.list.push(FundingYmlIssue { severity, key: key.to_owned(), message, line, column });
    }

    fn error(&mut self, key: &str, at: &Node, message: String) {
        self.push(Severity::Error, key, at, message);
    }

    fn warn(&mut self, key: &str, at: &Node, message: String) {
        self.push(Severity::Warning, key, at, message);
    }

    fn finish(mut self) -> Vec<FundingYmlIssue> {
        if self.dropped > 0 {
            self.list.push(FundingYmlIssue {
                severity: Severity::Warning,
                key: String::new(),
                message: format!("{} more issues are not listed", self.dropped),
                line: None,
                column: None,
            });
        }
        self.list
    }
}

#[cfg(test)]
mod tests;
