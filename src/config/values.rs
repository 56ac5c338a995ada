//! Field validators and (de)serializers for the config structs, used with serde's
//! `deserialize_with` and `with` attributes.
//!
//! Owns what counts as a valid value for one key (a positive number, a printable header, an
//! `IP:PORT`, GitHub logins, an http(s) URL, alone or per repository, a six-field cron expression)
//! and the wording of the message when it is not: `load` prefixes that message with the key and
//! its origin. Does not know keys, files or variables.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use super::repo_name::{RepoName, check_login};

// Field validators, used with `deserialize_with`: their messages become the key's error.

pub(super) fn positive<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    match u64::deserialize(deserializer)? {
        0 => Err(D::Error::custom("must be at least 1")),
        n => Ok(n),
    }
}

pub(super) fn header_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = String::deserialize(deserializer)?;
    let printable = text.chars().all(|c| c == ' ' || c.is_ascii_graphic());
    match !text.trim().is_empty() && printable {
        true => Ok(text),
        false => Err(D::Error::custom(format!("invalid header value {text:?}: must be non-empty printable ASCII"))),
    }
}

pub(super) fn non_empty_path<'de, D: Deserializer<'de>>(deserializer: D) -> Result<PathBuf, D::Error> {
    let path = PathBuf::deserialize(deserializer)?;
    match path.as_os_str().is_empty() {
        true => Err(D::Error::custom("must not be empty")),
        false => Ok(path),
    }
}

/// An optional path that, when given, is not empty.
pub(super) fn optional_path<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<PathBuf>, D::Error> {
    non_empty_path(deserializer).map(Some)
}

/// A database URL the store can open (`crate::db::Location::parse` says what it accepts).
pub(super) fn database_url<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let text = String::deserialize(deserializer)?;
    crate::db::Location::parse(&text).map_err(D::Error::custom)?;
    Ok(Some(text.trim().to_owned()))
}

pub(super) fn socket_addr<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SocketAddr, D::Error> {
    let text = String::deserialize(deserializer)?;
    text.trim().parse().map_err(|_| {
        D::Error::custom(format!(
            "invalid socket address {text:?}: expected IP:PORT, e.g. 127.0.0.1:8080 or [::1]:8080"
        ))
    })
}

pub(super) fn logins<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let logins = Vec::<String>::deserialize(deserializer)?;
    for login in &logins {
        check_login(login).map_err(|reason| D::Error::custom(format!("invalid login {login:?}: {reason}")))?;
    }
    Ok(logins)
}

pub(super) fn maintainer_map<'de, D>(deserializer: D) -> Result<BTreeMap<RepoName, Vec<String>>, D::Error>
where
    D: Deserializer<'de>,
{
    let map = BTreeMap::<RepoName, Vec<String>>::deserialize(deserializer)?;
    for (repo, login) in map.iter().flat_map(|(repo, ls)| ls.iter().map(move |l| (repo, l))) {
        check_login(login)
            .map_err(|reason| D::Error::custom(format!("invalid login {login:?} for {repo}: {reason}")))?;
    }
    Ok(map)
}

/// (De)serializes a base URL as a string; only http(s) with a host and no query, fragment or
/// credentials (those would end up in logs).
pub(super) mod http_url {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};
    use url::Url;

    pub fn parse(text: &str) -> Result<Url, String> {
        let invalid = |why: &str| format!("invalid URL {text:?}: {why}");
        let url = Url::parse(text.trim()).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("must start with http:// or https://"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("has no host"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("must not have a query or fragment"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("must not contain credentials"));
        }
        Ok(url)
    }

    pub fn serialize<S: Serializer>(url: &Url, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(url.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Url, D::Error> {
        parse(&String::deserialize(deserializer)?).map_err(D::Error::custom)
    }

    pub mod optional {
        use super::*;

        pub fn serialize<S: Serializer>(url: &Option<Url>, serializer: S) -> Result<S::Ok, S::Error> {
            match url {
                Some(url) => super::serialize(url, serializer),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D>(deserializer: D) -> Result<Option<Url>, D::Error>
        where
            D: Deserializer<'de>,
        {
            super::deserialize(deserializer).map(Some)
        }
    }

    /// A table of URLs per repository, `"owner/name" = "https://…"`, each checked as above.
    pub mod per_repo {
        use std::collections::BTreeMap;

        use super::*;
        use crate::config::RepoName;

        pub fn serialize<S: Serializer>(map: &BTreeMap<RepoName, Url>, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_map(map.iter().map(|(repo, url)| (repo, url.as_str())))
        }

        pub fn deserialize<'de, D>(deserializer: D) -> Result<BTreeMap<RepoName, Url>, D::Error>
        where
            D: Deserializer<'de>,
        {
            let map = BTreeMap::<RepoName, String>::deserialize(deserializer)?;
            map.into_iter()
                .map(|(repo, text)| match parse(&text) {
                    Ok(url) => Ok((repo, url)),
                    Err(e) => Err(D::Error::custom(format!("{e} for {repo}"))),
                })
                .collect()
        }
    }
}

/// (De)serializes a `cron::Schedule` as its expression, refusing five-field crontab lines and
/// schedules that never fire again (the scheduler would have nothing to wait for).
pub(super) mod cron_schedule {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::str::FromStr;

    pub fn parse(expr: &str) -> Result<cron::Schedule, String> {
        let expr = expr.trim();
        let fields: Vec<&str> = expr.split_whitespace().collect();
        if fields.len() == 5 {
            // A crontab line: suggest the same with seconds, warning where crontab differs.
            let weekday = match fields[4] {
                "*" | "?" => "",
                _ => " (and note day-of-week 1 is Sunday here; names like Mon-Fri avoid doubt)",
            };
            return Err(format!(
                "invalid cron expression {expr:?}: needs six fields with seconds first, e.g. {:?}{weekday}",
                format!("0 {expr}")
            ));
        }
        let schedule = cron::Schedule::from_str(expr).map_err(|e| {
            // The crate's message repeats the expression and a caret line before the reason.
            let text = e.to_string();
            let reason = text.split_once('^').map_or(&*text, |(_, reason)| reason).trim();
            let reason = if reason.is_empty() { String::new() } else { format!("{reason} ") };
            format!(
                "invalid cron expression {expr:?}: {reason}expected \"sec min hour day-of-month \
                 month day-of-week [year]\" (day-of-week 1 = Sunday) or a macro like @hourly"
            )
        })?;
        if schedule.upcoming(chrono::Utc).next().is_none() {
            return Err(format!("cron expression {expr:?} never fires"));
        }
        Ok(schedule)
    }

    pub fn serialize<S: Serializer>(schedule: &cron::Schedule, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(schedule.source())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<cron::Schedule, D::Error> {
        parse(&String::deserialize(d)?).map_err(D::Error::custom)
    }
}
