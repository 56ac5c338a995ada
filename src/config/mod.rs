//! Typed configuration: `config.toml`, then `UPKEEP_<SECTION>__<KEY>` environment overrides,
//! validated once at start-up.
//!
//! This module re-exports the parts, which are split by concern. `main` loads one [`Config`] with [`load()`] and passes it down;
//! nothing else reads the file or `UPKEEP_*` variables. The rest is split by concern:
//! - `load`: reading the file, the environment overlay and per-key validation ([`load()`],
//!   [`ConfigSource`], [`Config::from_toml_str`]).
//! - `error`: what a failed load reports ([`ConfigError`], [`Problem`], [`ProblemKind`],
//!   [`Origin`]), naming the key and where its value came from (`config.toml:14` or the variable).
//! - `repo_name`: [`RepoName`], a checked `owner/name`.
//! - `sections`: [`Config`] and its operational sections, each setting's type, default and
//!   meaning documented on its field; `newcomers_section` and `funding_section` the audiences'.
//! - `values`: the serde validators and (de)serializers the fields use.
//! - `credentials`: the GitHub token(s) or App key, from the environment ([`Credentials`]).
//!
//! Deliberately not a setting: the GitHub token, or a GitHub App's private key. They come only
//! from the environment (`GITHUB_TOKENS`, `GITHUB_TOKEN`/`GH_TOKEN`, `UPKEEP_GITHUB_APP_KEY` or
//! `UPKEEP_GITHUB_APP_KEY_FILE`) through [`Credentials::from_env`], as `SecretString`s, so
//! printing the effective `Config` cannot leak them; the file refuses both.
//! Acting on settings belongs to the neighbours: `github` (API URLs, retries), `scheduler`
//! (schedule), `db` (path), `app` (bind address).
//!
//! To add a setting: add a documented field to its section struct and to that struct's `Default`,
//! then describe it in `config.toml` and in the README's table. Env support follows by itself.

mod credentials;
mod error;
mod funding_section;
mod load;
mod newcomers_section;
mod repo_name;
mod sections;
mod values;

#[cfg(test)]
mod tests;

pub use credentials::{APP_KEY_FILE_VAR, APP_KEY_VAR, AppCredentials, Credentials, CredentialsError, TOKENS_VAR};
pub use error::{ConfigError, Origin, Problem, ProblemKind};
pub use load::{ConfigSource, load};
pub use repo_name::{RepoName, RepoNameError};

pub use funding_section::FundingConfig;
pub use newcomers_section::{DEFAULT_NEWCOMER_LABELS, NewcomersConfig};
pub use sections::{CollectorConfig, Config, DatabaseConfig, GithubConfig, PeopleConfig, ServerConfig, SourcesConfig};
