//! Loading: reads `config.toml`, lays `UPKEEP_<SECTION>__<KEY>` environment overrides over it, and
//! validates the result into a [`Config`].
//!
//! Owns [`ConfigSource`] (which file), [`load`], [`Config::from_toml_str`], and attributing every
//! problem to exactly one key and where its value came from. The settings themselves, their
//! defaults and their validators live in the parent module and `values`; the error types in
//! `error`.
//!
//! How a load works: the file is parsed into a `toml::Table` and, separately, into `toml`'s spanned
//! document to learn each key's line. Unknown sections and keys are rejected; environment values are
//! converted to TOML using the type of the key's default, then laid over the file. Each key is then
//! checked on its own, by deserializing the defaults with just that key replaced, so every error is
//! attributed to exactly one key and its origin, and all of them are reported at once. Last, keys
//! that only make sense together (`[github] app_id` and `installation_id`) are checked as a pair:
//! the one that is set is reported, naming the missing one.

use std::collections::HashMap;
use std::path::PathBuf;

use toml::{Table, Value};
use url::Url;

use super::credentials::{APP_KEY_FILE_VAR, APP_KEY_VAR};
use super::error::{ConfigError, Origin, Problem, ProblemKind};
use super::sections::Config;
use crate::metrics::affiliation::{Affiliations, MAX_FILE_BYTES, Source};

#[cfg(test)]
mod tests;

/// Prefix of every environment override: `UPKEEP_<SECTION>__<KEY>`.
const ENV_PREFIX: &str = "UPKEEP_";

/// Which file to read: `--config FILE` (explicit: must exist) or `config.toml` in the working
/// directory (may be absent, meaning all defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSource {
    pub path: PathBuf,
    pub explicit: bool,
}

impl ConfigSource {
    /// From the `--config` argument, if any.
    pub fn from_arg(path: Option<PathBuf>) -> Self {
        match path {
            Some(path) => Self { path, explicit: true },
            None => Self { path: PathBuf::from("config.toml"), explicit: false },
        }
    }
}

/// Reads the file named by `source`, applies `UPKEEP_*` overrides from `env` (`main` passes
/// `std::env::vars()`), and validates the result.
pub fn load(source: &ConfigSource, env: &[(String, String)]) -> Result<Config, ConfigError> {
    let path = &source.path;
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !source.explicit => String::new(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ConfigError::NotFound { path: path.clone() });
        }
        Err(source) => {
            return Err(ConfigError::Read { path: path.clone(), source });
        }
    };
    let base = path.parent().unwrap_or(std::path::Path::new(""));
    build_in(&text, &path.display().to_string(), env, base)
}

impl Config {
    /// Parses and validates TOML text without environment overrides; `origin` names it in errors.
    /// A relative `[people] affiliations` path is read from the working directory.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Config, ConfigError> {
        build(text, origin, &[])
    }
}

fn build(text: &str, file: &str, env: &[(String, String)]) -> Result<Config, ConfigError> {
    build_in(text, file, env, std::path::Path::new(""))
}

/// [`build`], reading a relative affiliations file from `base`.
fn build_in(text: &str, file: &str, env: &[(String, String)], base: &std::path::Path) -> Result<Config, ConfigError> {
    let mut layers = Layers::parse(text, file)?;
    let (schema, defaults) = (schema(), Table::try_from(Config::default()).expect("serializes"));
    layers.drop_unknown_file_keys(&schema);
    layers.overlay_env(env, &schema, &defaults);
    layers.check_values(&defaults);
    layers.check_pairs();
    layers.check_database();
    let affiliations_origin = match layers.from_env.get(&("people".to_owned(), "affiliations".to_owned())) {
        Some(var) => Origin::Env { var: var.clone() },
        None => layers.file_origin(&["people", "affiliations"]),
    };
    let Layers { values, mut problems, .. } = layers;
    if !problems.is_empty() {
        problems.sort_by_key(|p| match &p.origin {
            Origin::File { line, .. } => (0, line.unwrap_or(0), String::new()),
            Origin::Env { var } => (1, 0, var.clone()),
        });
        return Err(ConfigError::Invalid { problems });
    }
    // Each key passed on its own and keys are independent, so this cannot fail.
    let mut config: Config = values.try_into().expect("checked key by key");
    if let Some(path) = &config.people.affiliations {
        match read_affiliations(&base.join(path)) {
            Ok(table) => config.people.affiliation_table = table,
            Err(why) => {
                let problems = why
                    .into_iter()
                    .map(|why| Problem {
                        origin: affiliations_origin.clone(),
                        key: "people.affiliations".to_owned(),
                        kind: ProblemKind::InvalidValue(why),
                    })
                    .collect();
                return Err(ConfigError::Invalid { problems });
            }
        }
    }
    Ok(config)
}

/// Reads and checks the affiliations file, at most [`MAX_FILE_BYTES`] of it.
fn read_affiliations(path: &std::path::Path) -> Result<Affiliations, Vec<String>> {
    use std::io::Read as _;
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| vec![format!("cannot read {shown}: {e}")])?;
    let mut text = String::new();
    let read = file.take(MAX_FILE_BYTES + 1).read_to_string(&mut text);
    read.map_err(|e| vec![format!("cannot read {shown}: {e}")])?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(vec![format!("{shown} is larger than {MAX_FILE_BYTES} bytes")]);
    }
    Affiliations::parse(&text, Source::File)
        .map_err(|problems| problems.into_iter().map(|p| format!("{shown}: {p}")).collect())
}

/// Every key with a value of its type: the defaults, plus optional keys filled in.
fn schema() -> Table {
    let mut full = Config::default();
    full.github.graphql_url = Some(Url::parse("https://api.github.com/graphql").expect("valid"));
    full.server.public_url = Some(Url::parse("https://upkeep.example.org").expect("valid"));
    full.github.app_id = Some(1);
    full.github.installation_id = Some(1);
    full.database.url = Some("sqlite://upkeep.db".to_owned());
    full.people.affiliations = Some(PathBuf::from("affiliations.toml"));
    Table::try_from(full).expect("config serializes")
}

/// The settings being assembled: values by section and key, and where each came from.
struct Layers<'a> {
    file: &'a str,
    values: Table,
    /// Line (1-based) of every key, array element and table entry in the file, by path.
    lines: HashMap<Vec<String>, usize>,
    /// (section, key) set from the environment → the variable.
    from_env: HashMap<(String, String), String>,
    problems: Vec<Problem>,
}

impl<'a> Layers<'a> {
    fn parse(text: &str, file: &'a str) -> Result<Self, ConfigError> {
        let syntax = |e: toml::de::Error| {
            let line = e.span().map(|span| line_of(text, span.start));
            let context = line.and_then(|n| text.lines().nth(n - 1)).map(str::trim);
            let message = match context {
                Some(context) if !context.is_empty() => format!("{}, in `{context}`", e.message()),
                _ => e.message().to_owned(),
            };
            ConfigError::Syntax { origin: Origin::File { file: file.to_owned(), line }, message }
        };
        let document = toml::de::DeTable::parse(text).map_err(syntax)?;
        let mut lines = HashMap::new();
        for (key, value) in document.get_ref() {
            index_lines(text, vec![key.get_ref().to_string()], key.span(), value, &mut lines);
        }
        let values = toml::from_str(text).map_err(syntax)?;
        Ok(Self { file, values, lines, from_env: HashMap::new(), problems: Vec::new() })
    }

    fn problem(&mut self, origin: Origin, key: String, kind: ProblemKind) {
        self.problems.push(Problem { origin, key, kind });
    }

    /// The file's origin for `path`, falling back to the enclosing key's line.
    fn file_origin(&self, path: &[&str]) -> Origin {
        let line = (1..=path.len()).rev().find_map(|len| {
            let prefix: Vec<String> = path[..len].iter().map(|p| p.to_string()).collect();
            self.lines.get(&prefix).copied()
        });
        Origin::File { file: self.file.to_owned(), line }
    }

    /// Reports and removes file sections and keys that `Config` does not have.
    fn drop_unknown_file_keys(&mut self, schema: &Table) {
        for section in self.values.keys().cloned().collect::<Vec<_>>() {
            let origin = self.file_origin(&[&section]);
            let Some(known) = schema.get(&section).and_then(Value::as_table) else {
                self.values.remove(&section);
                let expected = keys_of(schema);
                self.problem(origin, section, ProblemKind::UnknownSection { expected });
                continue;
            };
            let Some(table) = self.values.get_mut(&section).and_then(Value::as_table_mut) else {
                self.values.remove(&section);
                let why = format!("must be a table, written [{section}]");
                self.problem(origin, section, ProblemKind::InvalidValue(why));
                continue;
            };
            let unknown: Vec<String> = table.keys().filter(|key| !known.contains_key(*key)).cloned().collect();
            for key in &unknown {
                table.remove(key);
            }
            for key in unknown {
                let kind = secret_key(&section, &key).unwrap_or(ProblemKind::UnknownKey { expected: keys_of(known) });
                let origin = self.file_origin(&[&section, &key]);
                self.problem(origin, format!("{section}.{key}"), kind);
            }
        }
    }

    /// Lays `UPKEEP_<SECTION>__<KEY>` variables over the file. `UPKEEP_` variables without `__`
    /// are left to others (the CLI may use some), unless they look like a misspelt override.
    fn overlay_env(&mut self, env: &[(String, String)], schema: &Table, defaults: &Table) {
        for (var, raw) in env {
            let Some(rest) = var.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if [APP_KEY_VAR, APP_KEY_FILE_VAR].contains(&var.as_str()) {
                // The App's key (read by `credentials`), not an override.
                continue;
            }
            let rest = rest.to_ascii_lowercase();
            let origin = Origin::Env { var: var.clone() };
            let Some((section, key)) = rest.split_once("__") else {
                if let Some(section) = schema.keys().find(|s| rest.starts_with(&format!("{s}_"))) {
                    let key = &rest[section.len() + 1..];
                    let why = format!(
                        "not a setting: overrides are named UPKEEP_<SECTION>__<KEY>, with two \
                         underscores; did you mean {ENV_PREFIX}{}__{}?",
                        section.to_ascii_uppercase(),
                        key.to_ascii_uppercase()
                    );
                    self.problem(origin, rest.clone(), ProblemKind::InvalidValue(why));
                }
                continue;
            };
            let Some(known) = schema.get(section).and_then(Value::as_table) else {
                let expected = keys_of(schema);
                self.problem(origin, section.to_owned(), ProblemKind::UnknownSection { expected });
                continue;
            };
            let Some(example) = known.get(key) else {
                let kind = secret_key(section, key).unwrap_or(ProblemKind::UnknownKey { expected: keys_of(known) });
                self.problem(origin, format!("{section}.{key}"), kind);
                continue;
            };
            let optional = !defaults[section].as_table().is_some_and(|t| t.contains_key(key));
            match env_value(raw, example, optional) {
                Ok(value) => {
                    let table = self.values.entry(section).or_insert(Value::Table(Table::new()));
                    let table = table.as_table_mut().expect("sections are tables by now");
                    match value {
                        Some(value) => table.insert(key.to_owned(), value),
                        None => table.remove(key),
                    };
                    self.from_env.insert((section.to_owned(), key.to_owned()), var.clone());
                }
                Err(why) => self.problem(origin, format!("{section}.{key}"), ProblemKind::InvalidValue(why)),
            }
        }
    }

    /// Checks each key on its own, so that each error belongs to exactly one key and origin.
    fn check_values(&mut self, defaults: &Table) {
        let mut found = Vec::new();
        for (section, table) in &self.values {
            for (key, value) in table.as_table().into_iter().flatten() {
                if let Some((why, item)) = check_value(defaults, section, key, value) {
                    found.push((section.clone(), key.clone(), item, why));
                }
            }
        }
        for (section, key, item, why) in found {
            let origin = match self.from_env.get(&(section.clone(), key.clone())) {
                Some(var) => Origin::Env { var: var.clone() },
                None => {
                    let path: Vec<&str> = [&*section, &*key].into_iter().chain(item.as_deref()).collect();
                    self.file_origin(&path)
                }
            };
            // An array of tables (`[[funding.grants]]`) names the table at fault by its index.
            let tables = self.values[&section]
                .get(&key)
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().all(Value::is_table));
            let name = match (&item, tables) {
                (Some(i), true) => format!("{section}.{key}[{i}]"),
                _ => format!("{section}.{key}"),
            };
            self.problem(origin, name, ProblemKind::InvalidValue(why));
        }
    }
}

/// Keys that would hold a secret: the token, or a GitHub App's private key (or its file). Both
/// come from the environment only.
fn secret_key(section: &str, key: &str) -> Option<ProblemKind> {
    const KEY_NAMES: [&str; 8] =
        ["private_key", "app_key", "key", "pem", "private_key_file", "private_key_path", "app_key_file", "key_file"];
    match (section, key) {
        ("github", "token" | "tokens") => Some(ProblemKind::TokenNotAllowed),
        ("github", key) if KEY_NAMES.contains(&key) => Some(ProblemKind::PrivateKeyNotAllowed),
        _ => None,
    }
}

impl Layers<'_> {
    /// Both or neither of `[github] app_id` and `installation_id`: the one set names the missing one.
    fn check_pairs(&mut self) {
        let github = self.values.get("github").and_then(Value::as_table);
        let set = |key: &str| github.is_some_and(|t| t.contains_key(key));
        let (given, missing) = match (set("app_id"), set("installation_id")) {
            (true, false) => ("app_id", "installation_id"),
            (false, true) => ("installation_id", "app_id"),
            _ => return,
        };
        let origin = match self.from_env.get(&("github".to_owned(), given.to_owned())) {
            Some(var) => Origin::Env { var: var.clone() },
            None => self.file_origin(&["github", given]),
        };
        let why = format!(
            "needs github.{missing} as well: a GitHub App acts as one of its installations, so set both (or neither)"
        );
        self.problem(origin, format!("github.{given}"), ProblemKind::InvalidValue(why));
    }
}

impl Layers<'_> {
    /// `[database]`: `url` or `path`, not both in the same place (a `url` from the environment
    /// overrides the file's `path`, as every variable overrides the file); and no password
    /// written in the file.
    fn check_database(&mut self) {
        let database = self.values.get("database").and_then(Value::as_table);
        let Some(url) = database.and_then(|t| t.get("url")).and_then(Value::as_str).map(str::to_owned) else {
            return;
        };
        let path_env = self.from_env.contains_key(&("database".to_owned(), "path".to_owned()));
        let path_too = database.is_some_and(|t| t.contains_key("path"));
        let url_env = self.from_env.get(&("database".to_owned(), "url".to_owned())).cloned();
        let origin = match &url_env {
            Some(var) => Origin::Env { var: var.clone() },
            None => self.file_origin(&["database", "url"]),
        };
        // Both in the file, or both in the environment.
        if path_too && url_env.is_some() == path_env {
            let why = "names the database a second time: set database.url or database.path, not both".to_owned();
            self.problem(origin.clone(), "database.url".to_owned(), ProblemKind::InvalidValue(why));
        }
        let has_password = url::Url::parse(&url).is_ok_and(|u| u.password().is_some());
        if url_env.is_none() && has_password {
            let why = "holds a password: keep it out of the file, in PGPASSWORD (or ~/.pgpass), or give the \
                       whole URL in UPKEEP_DATABASE__URL"
                .to_owned();
            self.problem(origin, "database.url".to_owned(), ProblemKind::InvalidValue(why));
        }
    }
}

fn keys_of(table: &Table) -> Vec<String> {
    table.keys().cloned().collect()
}

/// Converts an environment value to TOML of the same type as `example`, the key's default.
/// `None` unsets an optional key (an empty value).
fn env_value(raw: &str, example: &Value, optional: bool) -> Result<Option<Value>, String> {
    let raw = raw.trim();
    let value = match example {
        _ if optional && raw.is_empty() => return Ok(None),
        Value::Boolean(_) => match raw.to_ascii_lowercase().as_str() {
            "true" | "1" => Value::Boolean(true),
            "false" | "0" => Value::Boolean(false),
            _ => return Err(format!("expected true, false, 1 or 0, found {raw:?}")),
        },
        Value::Integer(_) => {
            let n = raw.parse().map_err(|_| format!("expected an integer, found {raw:?}"))?;
            Value::Integer(n)
        }
        Value::Array(_) => Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| Value::String(item.to_owned()))
                .collect(),
        ),
        Value::Table(_) if raw.is_empty() => Value::Table(Table::new()),
        Value::Table(_) => match raw.parse::<Value>() {
            Ok(table @ Value::Table(_)) => table,
            _ => {
                return Err(format!(
                    r#"expected an inline TOML table like {{ "owner/name" = ["login"] }}, found {raw:?}"#
                ));
            }
        },
        _ => Value::String(raw.to_owned()),
    };
    Ok(Some(value))
}

/// Why `value` does not fit `section.key`, narrowed to the array index or table entry at fault.
fn check_value(defaults: &Table, section: &str, key: &str, value: &Value) -> Option<(String, Option<String>)> {
    let why = try_key(defaults, section, key, value.clone()).err()?;
    let culprit = match value {
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let single = Value::Array(vec![item.clone()]);
            try_key(defaults, section, key, single).err().map(|why| (why, Some(i.to_string())))
        }),
        Value::Table(entries) => entries.iter().find_map(|(name, item)| {
            let single = Value::Table(Table::from_iter([(name.clone(), item.clone())]));
            try_key(defaults, section, key, single).err().map(|why| (why, Some(name.clone())))
        }),
        _ => None,
    };
    Some(culprit.unwrap_or((why, None)))
}

/// Deserializes the defaults with `section.key` replaced by `value`.
fn try_key(defaults: &Table, section: &str, key: &str, value: Value) -> Result<(), String> {
    let mut trial = defaults.clone();
    let table = trial.get_mut(section).and_then(Value::as_table_mut);
    table.expect("every section has defaults").insert(key.to_owned(), value);
    trial.try_into::<Config>().map(drop).map_err(|e| e.message().to_owned())
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Records the line of `value`'s key at `path`, then of everything inside it.
fn index_lines(
    text: &str,
    path: Vec<String>,
    span: std::ops::Range<usize>,
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    lines: &mut HashMap<Vec<String>, usize>,
) {
    lines.insert(path.clone(), line_of(text, span.start));
    let child = |name: String| [path.clone(), vec![name]].concat();
    match value.get_ref() {
        toml::de::DeValue::Table(table) => {
            for (key, item) in table {
                index_lines(text, child(key.get_ref().to_string()), key.span(), item, lines);
            }
        }
        toml::de::DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                index_lines(text, child(i.to_string()), item.span(), item, lines);
            }
        }
        _ => {}
    }
}
