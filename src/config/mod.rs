//! Typed configuration: `config.toml`, then `UPKEEP_<SECTION>__<KEY>` environment overrides,
//! validated once at start-up.
//!
//! This module owns [`token_from_env`] and re-exports the rest, which is split by concern. `main` loads one [`Config`] with [`load()`] and passes it down;
//! nothing else reads the file or `UPKEEP_*` variables. The rest is split by concern:
//! - `load`: reading the file, the environment overlay and per-key validation ([`load()`],
//!   [`ConfigSource`], [`Config::from_toml_str`]).
//! - `error`: what a failed load reports ([`ConfigError`], [`Problem`], [`ProblemKind`],
//!   [`Origin`]), naming the key and where its value came from (`config.toml:14` or the variable).
//! - `repo_name`: [`RepoName`], a checked `owner/name`.
//! - `sections`: [`Config`] and its operational sections, each setting's type, default and
//!   meaning documented on its field; `newcomers_section` and `funding_section` the audiences'.
//! - `values`: the serde validators and (de)serializers the fields use.
//!
//! Deliberately not a setting: the GitHub token. It comes only from `GITHUB_TOKEN`/`GH_TOKEN` through
//! [`token_from_env`], as a `SecretString`, so printing the effective `Config` cannot leak it.
//! Acting on settings belongs to the neighbours: `github` (API URLs, retries), `scheduler`
//! (schedule), `db` (path), `app` (bind address).
//!
//! To add a setting: add a documented field to its section struct and to that struct's `Default`,
//! then describe it in `config.toml` and in the README's table. Env support follows by itself.

mod error;
mod funding_section;
mod load;
mod newcomers_section;
mod repo_name;
mod sections;
mod values;

#[cfg(test)]
mod tests;

use secrecy::SecretString;

pub use error::{ConfigError, Origin, Problem, ProblemKind};
pub use load::{ConfigSource, load};
pub use repo_name::{RepoName, RepoNameError};

pub use funding_section::FundingConfig;
pub use newcomers_section::{DEFAULT_NEWCOMER_LABELS, NewcomersConfig};
pub use sections::{CollectorConfig, Config, DatabaseConfig, GithubConfig, PeopleConfig, ServerConfig, SourcesConfig};

/// The GitHub token from `GITHUB_TOKEN`, else `GH_TOKEN`; empty values count as unset.
pub fn token_from_env() -> Option<SecretString> {
    token_from(|name| std::env::var(name).ok())
}

/// Which variable [`token_from_env`] took the token from, for messages about a rejected token.
pub fn token_var_from_env() -> Option<&'static str> {
    ["GITHUB_TOKEN", "GH_TOKEN"].into_iter().find(|name| std::env::var(name).is_ok_and(|v| !v.trim().is_empty()))
}

fn token_from(var: impl Fn(&str) -> Option<String>) -> Option<SecretString> {
    ["GITHUB_TOKEN", "GH_TOKEN"]
        .into_iter()
        .filter_map(var)
        .map(|value| value.trim().to_owned())
        .find(|value| !value.is_empty())
        .map(SecretString::from)
}
