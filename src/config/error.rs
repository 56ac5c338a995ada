//! What a failed load reports: [`ConfigError`], and for invalid settings every [`Problem`] found,
//! each naming its key and the [`Origin`] of the value (`config.toml:14` or the variable).
//!
//! Owns the types and their `Display`, which is the whole message the user sees. Finding the
//! problems is `load`'s job; deciding what is valid is `values`' and `repo_name`'s.

use std::fmt;
use std::path::PathBuf;

/// Where a value came from, as errors show it: `config.toml:14`, `config.toml`, or the variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File { file: String, line: Option<usize> },
    Env { var: String },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File { file, line: Some(line) } => write!(f, "{file}:{line}"),
            Origin::File { file, line: None } => write!(f, "{file}"),
            Origin::Env { var } => write!(f, "{var}"),
        }
    }
}

/// One thing wrong with one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub origin: Origin,
    /// `section.key`, or the section alone.
    pub key: String,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    UnknownSection {
        expected: Vec<String>,
    },
    UnknownKey {
        expected: Vec<String>,
    },
    /// `github.token`: the token is only ever read from the environment.
    TokenNotAllowed,
    /// `github.private_key` and the like: a GitHub App's key is only ever read from the environment.
    PrivateKeyNotAllowed,
    /// The value does not fit the key; the message says why.
    InvalidValue(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = &self.key;
        write!(f, "{}: ", self.origin)?;
        match &self.kind {
            ProblemKind::UnknownSection { expected } => {
                write!(f, "unknown section {key} (expected one of {})", expected.join(", "))
            }
            ProblemKind::UnknownKey { expected } => {
                write!(f, "unknown key {key} (expected one of {})", expected.join(", "))
            }
            ProblemKind::TokenNotAllowed => write!(
                f,
                "{key} cannot be configured here: set the GitHub token in the GITHUB_TOKEN (or \
                 GH_TOKEN) environment variable instead"
            ),
            ProblemKind::PrivateKeyNotAllowed => write!(
                f,
                "{key} cannot be configured here: put the GitHub App's private key in the \
                 UPKEEP_GITHUB_APP_KEY environment variable (the PEM text), or its path in \
                 UPKEEP_GITHUB_APP_KEY_FILE"
            ),
            // An `UPKEEP_*` variable already names its key.
            ProblemKind::InvalidValue(why) if matches!(self.origin, Origin::Env { .. }) => {
                write!(f, "{why}")
            }
            ProblemKind::InvalidValue(why) => write!(f, "{key}: {why}"),
        }
    }
}

/// Why the configuration could not be loaded. `Display` is the whole message for the user.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {} not found", .path.display())]
    NotFound { path: PathBuf },
    #[error("cannot read config file {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin}: invalid TOML: {message}")]
    Syntax { origin: Origin, message: String },
    /// Every problem found, one per line: files in line order, then variables.
    #[error("{}", .problems.iter().map(Problem::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid { problems: Vec<Problem> },
}
