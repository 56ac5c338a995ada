//! [`RepoName`]: a repository as `owner/name`, checked against GitHub's naming rules.
//!
//! Owns the parsing, display and (de)serialization of repository names, and the login rule
//! ([`check_login`]) that `values` also applies to `sources.orgs` and `people.maintainers`.
//! Does not know which repositories exist; that is for `github` to find out.

use std::fmt;
use std::str::FromStr;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A repository as `owner/name`, checked against GitHub's naming rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepoName {
    pub owner: String,
    pub name: String,
}

/// Why a string is not a valid `owner/name`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid repository name {input:?}: {reason}")]
pub struct RepoNameError {
    input: String,
    reason: String,
}

impl FromStr for RepoName {
    type Err = RepoNameError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let error = |reason: String| RepoNameError { input: input.to_owned(), reason };
        let (owner, name) = input.split_once('/').ok_or_else(|| error("expected owner/name".to_owned()))?;
        check_login(owner).map_err(|reason| error(format!("owner {reason}")))?;
        let name_chars = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if name.is_empty() || name.len() > 100 || !name.chars().all(name_chars) {
            return Err(error("name must be 1 to 100 letters, digits, '.', '_' or '-'".to_owned()));
        }
        if name == "." || name == ".." {
            return Err(error("name cannot be '.' or '..'".to_owned()));
        }
        Ok(Self { owner: owner.to_owned(), name: name.to_owned() })
    }
}

impl fmt::Display for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

impl Serialize for RepoName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RepoName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(D::Error::custom)
    }
}

/// A user or organization login: letters, digits and `-`, up to 39, not starting with `-`.
pub(super) fn check_login(login: &str) -> Result<(), &'static str> {
    let valid = !login.is_empty()
        && login.len() <= 39
        && !login.starts_with('-')
        && login.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    match valid {
        true => Ok(()),
        false => Err("must be 1 to 39 letters, digits or '-', not starting with '-'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_names_follow_github_rules() {
        let repo: RepoName = "scikit-learn/scikit-learn".parse().unwrap();
        assert_eq!((repo.owner.as_str(), repo.name.as_str()), ("scikit-learn", "scikit-learn"));
        assert_eq!(repo.to_string(), "scikit-learn/scikit-learn");
        let long_owner = format!("{}/x", "a".repeat(39));
        let long_name = format!("o/{}", "n".repeat(100));
        for ok in ["a/b", "A-1/.github", "o/x_y.z-w", "o/..x", &long_owner, &long_name] {
            assert!(ok.parse::<RepoName>().is_ok(), "{ok}");
        }
        let too_long_owner = format!("{}/x", "a".repeat(40));
        let too_long_name = format!("o/{}", "n".repeat(101));
        for bad in ["numpy", "/x", "o/", "-o/x", "o_o/x", "o/.", "o/..", "o/a/b", "o/a b"] {
            assert!(bad.parse::<RepoName>().is_err(), "{bad}");
        }
        assert!(too_long_owner.parse::<RepoName>().is_err());
        assert!(too_long_name.parse::<RepoName>().is_err());
        let err = "-o/x".parse::<RepoName>().unwrap_err().to_string();
        assert_eq!(
            err,
            r#"invalid repository name "-o/x": owner must be 1 to 39 letters, digits or '-', not starting with '-'"#
        );
    }
}
