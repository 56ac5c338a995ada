//! Affiliations with dates: who a person worked for, when, and whether that employer paid for
//! their open-source time. The affiliations file (`[people] affiliations`), parsed and checked
//! here ([`Affiliations::parse`]), and the resolver ([`Affiliations::at`]): a login (or one of its
//! aliases) and a day in, the person's organisation, kind, paid flag and where that came from out.
//!
//! The file is a list of `[[affiliation]]` tables:
//!
//! ```toml
//! [[affiliation]]
//! login = "mara-okafor"
//! aliases = ["mokafor-work"]   # other logins of the same person (optional)
//! org = "Acme Corp"
//! kind = "employer"            # employer, academic, foundation, independent or unknown
//! from = "2024-01-01"          # inclusive; omitted means "since always"
//! to = "2025-06-30"            # inclusive; omitted means "still"
//! paid_for_oss = true          # the employer pays for this person's open-source time (optional)
//! ```
//!
//! Sources, strongest first: the person's own `.github/upkeep-affiliations.toml`
//! (`self-declared`, only for logins that committed that file: [`Affiliations::with_self_declared`]),
//! then the configured file (`file`), then GitHub's free-text profile `company`, which is undated
//! and only a hint (`profile (undated)`, [`Affiliations::with_profile_hint`]). Nothing found is
//! `unknown`, which callers show as its own slice and never drop.
//!
//! Pure: text and rows in, values out. Logins compare case-insensitively, as on GitHub.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Largest affiliations file read, in bytes (a self-declared file is held to the same bound).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// Most entries one file may hold.
pub const MAX_ENTRIES: usize = 10_000;

/// What kind of organisation an affiliation is with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Employer,
    Academic,
    Foundation,
    Independent,
    Unknown,
}

/// Where an affiliation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Source {
    #[serde(rename = "file")]
    File,
    #[serde(rename = "self-declared")]
    SelfDeclared,
    #[serde(rename = "profile (undated)")]
    Profile,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::File => "file",
            Source::SelfDeclared => "self-declared",
            Source::Profile => "profile (undated)",
        }
    }
}

/// One checked entry: a person's affiliation over an inclusive range of days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub login: String,
    pub aliases: Vec<String>,
    /// Empty for `independent` and `unknown` entries that name none.
    pub org: String,
    pub kind: Kind,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub paid_for_oss: bool,
    pub source: Source,
}

impl Entry {
    fn covers(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= day) && self.to.is_none_or(|t| day <= t)
    }

    fn overlaps(&self, o: &Entry) -> bool {
        let starts_before_other_ends = match (self.from, o.to) {
            (Some(f), Some(t)) => f <= t,
            _ => true,
        };
        let other_starts_before_this_ends = match (o.from, self.to) {
            (Some(f), Some(t)) => f <= t,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_this_ends
    }
}

/// An entry as written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryWire {
    login: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    org: String,
    kind: Kind,
    #[serde(default)]
    from: Option<toml::Value>,
    #[serde(default)]
    to: Option<toml::Value>,
    #[serde(default)]
    paid_for_oss: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileWire {
    #[serde(default)]
    affiliation: Vec<toml::Value>,
}

/// What the resolver says about one person on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolved {
    /// The canonical login (aliases merged).
    pub person: String,
    /// `None` when unknown.
    pub org: Option<String>,
    pub kind: Kind,
    pub paid_for_oss: bool,
    /// `None` when unknown.
    pub source: Option<Source>,
}

/// The checked affiliations: entries, and every alias's canonical login.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Affiliations {
    entries: Vec<Entry>,
    /// lowercased login or alias → canonical login as written.
    canonical: HashMap<String, String>,
    /// lowercased canonical login → GitHub profile `company`.
    profile: HashMap<String, String>,
}

/// A login as the file may name it: 1 to 100 visible characters without spaces.
fn check_name(name: &str) -> Result<(), String> {
    match !name.is_empty() && name.len() <= 100 && name.chars().all(|c| !c.is_whitespace() && !c.is_control()) {
        true => Ok(()),
        false => Err(format!("{name:?} is not a login (1 to 100 characters, no spaces)")),
    }
}

fn date(value: &Option<toml::Value>) -> Result<Option<NaiveDate>, String> {
    let text = match value {
        None => return Ok(None),
        Some(toml::Value::String(s)) => s.clone(),
        Some(toml::Value::Datetime(d)) if d.time.is_none() && d.offset.is_none() => d.to_string(),
        Some(other) => return Err(format!("expected a date like \"2024-01-31\", found {other}")),
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("expected a date like \"2024-01-31\", found {text:?}"))
}

impl Affiliations {
    /// Parses and checks an affiliations file. Errors name the entry (1-based) and the field:
    /// `entry 3: kind: unknown variant …`. Checks: each field's type, dates, `to` not before
    /// `from`, an `org` for employer, academic and foundation entries, no two entries of one person
    /// overlapping in time, and no alias claimed by two people or equal to another person's login.
    pub fn parse(text: &str, source: Source) -> Result<Affiliations, Vec<String>> {
        let file: FileWire = toml::from_str(text).map_err(|e| vec![e.message().to_owned()])?;
        if file.affiliation.len() > MAX_ENTRIES {
            return Err(vec![format!("{} entries, more than the {MAX_ENTRIES} allowed", file.affiliation.len())]);
        }
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        for (i, value) in file.affiliation.into_iter().enumerate() {
            let n = i + 1;
            let wire: EntryWire = match value.try_into() {
                Ok(wire) => wire,
                Err(e) => {
                    problems.push(format!("entry {n}: {}", field_message(&e)));
                    continue;
                }
            };
            match check_entry(wire, source) {
                Ok(entry) => entries.push(entry),
                Err(why) => problems.extend(why.into_iter().map(|w| format!("entry {n}: {w}"))),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let affiliations = Affiliations::from_entries(entries)?;
        Ok(affiliations)
    }

    /// Checks entries across each other (aliases, overlaps) and builds the alias map.
    fn from_entries(entries: Vec<Entry>) -> Result<Affiliations, Vec<String>> {
        let mut problems = Vec::new();
        let mut canonical: HashMap<String, String> = HashMap::new();
        let logins: HashMap<String, usize> =
            entries.iter().enumerate().map(|(i, e)| (e.login.to_lowercase(), i)).collect();
        for (i, e) in entries.iter().enumerate() {
            canonical.insert(e.login.to_lowercase(), e.login.clone());
            for alias in &e.aliases {
                let key = alias.to_lowercase();
                if key == e.login.to_lowercase() {
                    continue;
                }
                if let Some(&j) = logins.get(&key) {
                    problems.push(format!(
                        "entry {}: aliases: {alias:?} is the login of entry {} (a person is one login with its \
                         aliases)",
                        i + 1,
                        j + 1
                    ));
                    continue;
                }
                match canonical.get(&key) {
                    Some(owner) if !owner.eq_ignore_ascii_case(&e.login) => {
                        problems.push(format!("entry {}: aliases: {alias:?} is already an alias of {owner:?}", i + 1))
                    }
                    _ => {
                        canonical.insert(key, e.login.clone());
                    }
                }
            }
        }
        for (i, a) in entries.iter().enumerate() {
            for (j, b) in entries.iter().enumerate().skip(i + 1) {
                if a.login.eq_ignore_ascii_case(&b.login) && a.overlaps(b) {
                    problems.push(format!(
                        "entry {}: from/to: overlaps entry {} of the same person ({})",
                        j + 1,
                        i + 1,
                        a.login
                    ));
                }
            }
        }
        match problems.is_empty() {
            true => Ok(Affiliations { entries, canonical, profile: HashMap::new() }),
            false => Err(problems),
        }
    }

    /// Whether there is nothing at all to resolve from.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.profile.is_empty()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The canonical login of `login` (itself when it is nobody's alias).
    pub fn person(&self, login: &str) -> String {
        self.canonical.get(lowercase(login).as_ref()).cloned().unwrap_or_else(|| login.to_owned())
    }

    /// Whether two logins are the same person.
    pub fn same_person(&self, a: &str, b: &str) -> bool {
        self.person(a).eq_ignore_ascii_case(&self.person(b))
    }

    /// A person's affiliation on `day`: a self-declared entry covering it, else a file entry,
    /// else the profile's company (undated, a hint), else unknown.
    pub fn at(&self, login: &str, day: NaiveDate) -> Resolved {
        self.at_person(self.person(login), day)
    }

    /// [`Affiliations::at`] of the canonical login `person` ([`Affiliations::person`]).
    fn at_person(&self, person: String, day: NaiveDate) -> Resolved {
        let covering = |source: Source| {
            self.entries.iter().find(|e| e.source == source && e.login.eq_ignore_ascii_case(&person) && e.covers(day))
        };
        // A person who declared themselves is read from their own file only.
        let declared =
            self.entries.iter().any(|e| e.source == Source::SelfDeclared && e.login.eq_ignore_ascii_case(&person));
        let entry = if declared { covering(Source::SelfDeclared) } else { covering(Source::File) };
        if let Some(e) = entry {
            let org = (!e.org.is_empty()).then(|| e.org.clone());
            return Resolved { person, org, kind: e.kind, paid_for_oss: e.paid_for_oss, source: Some(e.source) };
        }
        if let Some(company) = self.profile.get(lowercase(&person).as_ref()) {
            let org = Some(company.clone());
            return Resolved { person, org, kind: Kind::Unknown, paid_for_oss: false, source: Some(Source::Profile) };
        }
        Resolved { person, org: None, kind: Kind::Unknown, paid_for_oss: false, source: None }
    }

    /// [`Affiliations::at`] when it is the same on every day: the person has no dated entry (their
    /// affiliation is the profile's hint or unknown). `None` when it may depend on the day.
    pub fn undated(&self, login: &str) -> Option<Resolved> {
        let person = self.person(login);
        let dated = self.entries.iter().any(|e| e.login.eq_ignore_ascii_case(&person));
        (!dated).then(|| self.at_person(person, NaiveDate::MIN))
    }

    /// Adds a repository's self-declared file, under the trust rule: an entry applies only when
    /// one of the logins that committed that file is the entry's `login` (or one of its aliases
    /// in the configured file); the logins of the others are returned, not applied. Aliases in a
    /// self-declared file are ignored (otherwise anyone could merge someone else's work into
    /// theirs): aliases come from the configured file only. For a person it applies to, the
    /// self-declared entries replace the configured ones (a maintainer corrects themselves).
    pub fn with_self_declared(
        mut self,
        text: &str,
        committers: &[String],
    ) -> Result<(Affiliations, Vec<String>), Vec<String>> {
        let declared = Affiliations::parse(text, Source::SelfDeclared)?;
        let committed = |e: &Entry| committers.iter().any(|c| self.same_person(c, &e.login));
        let (trusted, refused): (Vec<Entry>, Vec<Entry>) = declared.entries.into_iter().partition(committed);
        let trusted: Vec<Entry> =
            trusted.into_iter().map(|e| Entry { login: self.person(&e.login), aliases: Vec::new(), ..e }).collect();
        self.entries.extend(trusted);
        Ok((self, refused.into_iter().map(|e| e.login).collect()))
    }

    /// Records a GitHub profile's free-text `company` for `login`: used only when no dated entry
    /// covers a day, and marked "from profile, undated". Blank companies are ignored.
    pub fn with_profile_hint(mut self, login: &str, company: &str) -> Affiliations {
        let company = company.trim().trim_start_matches('@').trim();
        if !company.is_empty() {
            self.profile.insert(self.person(login).to_lowercase(), company.to_owned());
        }
        self
    }

    /// Each canonical person and their aliases, for disclosures.
    pub fn people(&self) -> BTreeMap<String, Vec<String>> {
        let mut people: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (alias, login) in &self.canonical {
            let aliases = people.entry(login.clone()).or_default();
            if !alias.eq_ignore_ascii_case(login) {
                aliases.push(alias.clone());
            }
        }
        people.values_mut().for_each(|a| a.sort());
        people
    }
}

/// `text.to_lowercase()`, copied only when it is not lowercase ASCII already (a login usually is;
/// an organisation's window looks up thousands).
fn lowercase(text: &str) -> std::borrow::Cow<'_, str> {
    if text.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.to_lowercase())
    }
}

/// A serde error inside one entry, as `field: why` where serde names the field.
fn field_message(e: &toml::de::Error) -> String {
    let message = e.message().trim().to_owned();
    match message.strip_prefix("missing field ") {
        Some(field) => format!("{}: missing", field.trim_matches('`')),
        None if message.starts_with("unknown variant") => format!("kind: {message}"),
        None => message,
    }
}

fn check_entry(w: EntryWire, source: Source) -> Result<Entry, Vec<String>> {
    let mut problems = Vec::new();
    if let Err(why) = check_name(&w.login) {
        problems.push(format!("login: {why}"));
    }
    for alias in &w.aliases {
        if let Err(why) = check_name(alias) {
            problems.push(format!("aliases: {why}"));
        }
    }
    let org = w.org.trim().to_owned();
    if org.chars().count() > 200 {
        problems.push("org: longer than 200 characters".to_owned());
    }
    if org.is_empty() && matches!(w.kind, Kind::Employer | Kind::Academic | Kind::Foundation) {
        problems.push(format!("org: missing (a kind = {:?} entry names its organisation)", kind_name(w.kind)));
    }
    let from = date(&w.from).map_err(|why| problems.push(format!("from: {why}"))).ok().flatten();
    let to = date(&w.to).map_err(|why| problems.push(format!("to: {why}"))).ok().flatten();
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        problems.push(format!("to: {t} is before from {f}"));
    }
    if w.paid_for_oss && matches!(w.kind, Kind::Unknown) {
        problems.push("paid_for_oss: an unknown affiliation cannot say who pays".to_owned());
    }
    match problems.is_empty() {
        true => Ok(Entry {
            login: w.login,
            aliases: w.aliases,
            org,
            kind: w.kind,
            from,
            to,
            paid_for_oss: w.paid_for_oss,
            source,
        }),
        false => Err(problems),
    }
}

/// The kind as the file writes it.
pub fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Employer => "employer",
        Kind::Academic => "academic",
        Kind::Foundation => "foundation",
        Kind::Independent => "independent",
        Kind::Unknown => "unknown",
    }
}

#[cfg(test)]
mod tests;
