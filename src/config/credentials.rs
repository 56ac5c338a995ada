//! The GitHub credentials, read from the environment only ([`Credentials::from_env`]): never
//! from the config file, never logged, never stored.
//!
//! Which credentials a collector uses, first match wins:
//! 1. a GitHub App installation, when `[github] app_id` and `installation_id` are set: the
//!    private key from `UPKEEP_GITHUB_APP_KEY` (the PEM text) or the file named in
//!    `UPKEEP_GITHUB_APP_KEY_FILE` (tokens set as well are ignored, and the log says so);
//! 2. `GITHUB_TOKENS`: comma-separated tokens, trimmed, empty entries ignored, repeats dropped;
//!    each keeps its position (`GITHUB_TOKENS entry 2`) for messages;
//! 3. `GITHUB_TOKEN`, else `GH_TOKEN`;
//! 4. none (60 requests an hour).

use secrecy::{ExposeSecret, SecretString};

use super::sections::GithubConfig;

/// The variables [`Credentials::from_env`] reads; none of them is a `UPKEEP_<SECTION>__<KEY>`
/// override, though the App's look like one.
pub const APP_KEY_VAR: &str = "UPKEEP_GITHUB_APP_KEY";
pub const APP_KEY_FILE_VAR: &str = "UPKEEP_GITHUB_APP_KEY_FILE";
pub const TOKENS_VAR: &str = "GITHUB_TOKENS";
const SINGLE_TOKEN_VARS: [&str; 2] = ["GITHUB_TOKEN", "GH_TOKEN"];

/// What requests to GitHub authenticate with.
pub enum Credentials {
    None,
    /// One or more tokens; `var` is where they came from. Positions in `tokens` are the entries'
    /// (1-based in messages).
    Tokens {
        var: &'static str,
        tokens: Vec<SecretString>,
    },
    App(AppCredentials),
}

/// A GitHub App installation: its ids and private key (PEM, not yet parsed).
pub struct AppCredentials {
    pub app_id: u64,
    pub installation_id: u64,
    pub key_pem: SecretString,
    /// The variable the key came from, for messages about it.
    pub key_var: &'static str,
}

/// Why the credentials could not be read; names the variable, never shows its value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CredentialsError {
    #[error(
        "[github] app_id and installation_id are set but neither {APP_KEY_VAR} (the private key's PEM text) nor {APP_KEY_FILE_VAR} (its file) is"
    )]
    NoAppKey,
    #[error("{APP_KEY_FILE_VAR}: cannot read the GitHub App's private key from {path}: {cause}")]
    KeyFile { path: String, cause: String },
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Credentials {
    /// The credentials for `github`, from the process environment.
    pub fn from_env(github: &GithubConfig) -> Result<Credentials, CredentialsError> {
        Self::from_vars(github, |name| std::env::var(name).ok())
    }

    /// As [`Self::from_env`], with the environment given (tests).
    pub fn from_vars(github: &GithubConfig, var: impl Fn(&str) -> Option<String>) -> Result<Self, CredentialsError> {
        let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        if let (Some(app_id), Some(installation_id)) = (github.app_id, github.installation_id) {
            let (key_pem, key_var) = match (set(APP_KEY_VAR), set(APP_KEY_FILE_VAR)) {
                (Some(pem), _) => (SecretString::from(pem), APP_KEY_VAR),
                (None, Some(path)) => {
                    let path = path.trim();
                    let pem = std::fs::read_to_string(path)
                        .map_err(|e| CredentialsError::KeyFile { path: path.to_owned(), cause: e.to_string() })?;
                    (SecretString::from(pem), APP_KEY_FILE_VAR)
                }
                (None, None) => return Err(CredentialsError::NoAppKey),
            };
            let ignored: Vec<&str> =
                [TOKENS_VAR].into_iter().chain(SINGLE_TOKEN_VARS).filter(|name| set(name).is_some()).collect();
            if !ignored.is_empty() {
                tracing::info!(
                    "a GitHub App is configured ([github] app_id); it is used, and {} ignored",
                    ignored.join(", ")
                );
            }
            return Ok(Credentials::App(AppCredentials { app_id, installation_id, key_pem, key_var }));
        }
        if let Some(list) = set(TOKENS_VAR) {
            let mut tokens: Vec<SecretString> = Vec::new();
            for token in list.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                if !tokens.iter().any(|t| t.expose_secret() == token) {
                    tokens.push(SecretString::from(token.to_owned()));
                }
            }
            if !tokens.is_empty() {
                return Ok(Credentials::Tokens { var: TOKENS_VAR, tokens });
            }
        }
        Ok(SINGLE_TOKEN_VARS.into_iter().find_map(|name| set(name).map(|t| (name, t))).map_or(
            Credentials::None,
            |(var, token)| Credentials::Tokens { var, tokens: vec![SecretString::from(token.trim().to_owned())] },
        ))
    }

    /// One line for the log: which variable, how many tokens; never a value.
    pub fn describe(&self) -> String {
        match self {
            Credentials::None => "no GitHub token".to_owned(),
            Credentials::Tokens { var, tokens } if tokens.len() == 1 => format!("the token in {var}"),
            Credentials::Tokens { var, tokens } => format!("{} tokens from {var}", tokens.len()),
            Credentials::App(app) => format!(
                "GitHub App {} installation {} (private key from {})",
                app.app_id, app.installation_id, app.key_var
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    }

    fn tokens(c: &Credentials) -> (&'static str, Vec<String>) {
        match c {
            Credentials::Tokens { var, tokens } => (var, tokens.iter().map(|t| t.expose_secret().to_owned()).collect()),
            other => panic!("expected tokens, got {other:?}"),
        }
    }

    #[test]
    fn github_tokens_are_trimmed_deduplicated_and_win_over_github_token() {
        let github = GithubConfig::default();
        let c = Credentials::from_vars(&github, env(&[("GITHUB_TOKENS", " a, ,b,a ,c,"), ("GITHUB_TOKEN", "z")]));
        assert_eq!(tokens(&c.unwrap()), ("GITHUB_TOKENS", vec!["a".into(), "b".into(), "c".into()]));
        let c = Credentials::from_vars(&github, env(&[("GITHUB_TOKENS", " , "), ("GH_TOKEN", " y ")]));
        assert_eq!(tokens(&c.unwrap()), ("GH_TOKEN", vec!["y".into()]));
        assert!(matches!(Credentials::from_vars(&github, env(&[])), Ok(Credentials::None)));
    }

    #[test]
    fn an_app_wins_and_its_key_comes_from_the_text_or_the_file() {
        let github = GithubConfig { app_id: Some(7), installation_id: Some(9), ..Default::default() };
        let c = Credentials::from_vars(&github, env(&[(APP_KEY_VAR, "PEM"), ("GITHUB_TOKENS", "a,b")])).unwrap();
        let Credentials::App(app) = &c else { panic!("the App wins") };
        assert_eq!((app.app_id, app.installation_id, app.key_var), (7, 9, APP_KEY_VAR));
        assert_eq!(app.key_pem.expose_secret(), "PEM");
        assert!(!format!("{c:?}").contains("PEM"), "{c:?}");

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("key.pem");
        std::fs::write(&file, "FILE PEM").unwrap();
        let path = file.display().to_string();
        let Credentials::App(app) = Credentials::from_vars(&github, env(&[(APP_KEY_FILE_VAR, &path)])).unwrap() else {
            panic!("the App")
        };
        assert_eq!((app.key_pem.expose_secret(), app.key_var), ("FILE PEM", APP_KEY_FILE_VAR));

        let missing = dir.path().join("nope.pem").display().to_string();
        let e = Credentials::from_vars(&github, env(&[(APP_KEY_FILE_VAR, &missing)])).unwrap_err();
        assert!(e.to_string().starts_with("UPKEEP_GITHUB_APP_KEY_FILE: cannot read"), "{e}");
        assert_eq!(Credentials::from_vars(&github, env(&[])).unwrap_err(), CredentialsError::NoAppKey);
    }
}
