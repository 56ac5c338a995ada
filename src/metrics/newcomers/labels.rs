//! Newcomer labels and mentor labels: recognising `good first issue` under all its spellings.
//!
//! Projects spell the same idea many ways (`Good First Issue`, `good-first-issue`,
//! `🐣 good first issue`, `difficulty: beginner`). [`normalize_label`] maps them to one key and
//! [`NewcomerLabels`] matches a repository's labels against a configured list, answering with the
//! list's own spelling so pages group `good-first-issue` and `Good First Issue` under one name.
//!
//! [`mentor_from_label`] reads the "who will help" conventions: `mentor: @login`, `Mentor - @login`
//! and internetarchive/openlibrary's `Lead: @login`.
//!
//! Pure string work: which labels a repository has comes from `db`, the configured list from `config`.

use serde::Serialize;

/// Newcomer labels recognised when the configuration names none (`[newcomers] labels`).
pub const DEFAULT_NEWCOMER_LABELS: &[&str] = &crate::config::DEFAULT_NEWCOMER_LABELS;

/// GitHub's limit on the length of a login.
const MAX_LOGIN_LEN: usize = 39;

/// The comparison key of a label: lowercase letters and digits, every run of anything else
/// (spaces, `-`, `_`, punctuation, emoji) a single space, trimmed. Apostrophes vanish without a
/// space, so `beginner's` and `beginners` agree.
pub fn normalize_label(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut gap = false;
    for c in label.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            out.push(c);
            gap = false;
        } else if !matches!(c, '\'' | '’') {
            gap = true;
        }
    }
    out
}

/// The configured newcomer labels, deduplicated by their normalised key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewcomerLabels {
    /// `(key, display name)`: the first configured spelling of each key, trimmed.
    entries: Vec<(String, String)>,
}

impl Default for NewcomerLabels {
    /// [`DEFAULT_NEWCOMER_LABELS`].
    fn default() -> Self {
        let names: Vec<String> = DEFAULT_NEWCOMER_LABELS.iter().map(|s| (*s).to_owned()).collect();
        Self::new(&names)
    }
}

impl NewcomerLabels {
    /// A matcher for exactly `configured` (an empty list matches nothing; use [`Default`] for the
    /// built-in list). Spellings with the same key collapse to the first one given.
    pub fn new(configured: &[String]) -> Self {
        let mut entries: Vec<(String, String)> = Vec::new();
        for name in configured {
            let key = normalize_label(name);
            if !key.is_empty() && !entries.iter().any(|(k, _)| *k == key) {
                entries.push((key, name.trim().to_owned()));
            }
        }
        Self { entries }
    }

    /// The canonical display name when `label` is a newcomer label. A scoped label
    /// (`difficulty: easy`, `level/beginner`, GitLab's `level::beginner`) also matches on the part
    /// after its last `:` or `/`.
    pub fn matches(&self, label: &str) -> Option<&str> {
        let scoped = label.rsplit([':', '/']).next().filter(|s| s.len() < label.len());
        [Some(label), scoped].into_iter().flatten().find_map(|candidate| {
            let key = normalize_label(candidate);
            self.entries.iter().find(|(k, _)| *k == key).map(|(_, name)| name.as_str())
        })
    }

    /// The name to group `label` under: its canonical name if it is a newcomer label, else its
    /// normalised key.
    pub fn canonical(&self, label: &str) -> String {
        self.matches(label).map_or_else(|| normalize_label(label), str::to_owned)
    }

    /// The canonical newcomer labels among an issue's labels, each once, in the issue's order.
    pub fn of_issue(&self, labels: &[String]) -> Vec<&str> {
        let mut found: Vec<&str> = Vec::new();
        for name in labels.iter().filter_map(|l| self.matches(l)) {
            if !found.contains(&name) {
                found.push(name);
            }
        }
        found
    }

    /// The canonical names, in configured order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(_, name)| name.as_str())
    }
}

/// The mentor named by a label: `mentor: @login`, `mentor:login`, `Mentor - @login`,
/// `lead: @login` (case-insensitive keyword). After a `:` the `@` is optional; after a bare `-` or
/// space it is required, so labels such as `mentor-needed` or `lead-time` name nobody. The login
/// is returned without `@` and must follow GitHub's rules: ASCII letters, digits and `-`, at most
/// 39 characters, not starting with `-`.
pub fn mentor_from_label(label: &str) -> Option<String> {
    let label = label.trim();
    let rest = ["mentor", "lead"].iter().find_map(|kw| {
        let head = label.get(..kw.len())?;
        head.eq_ignore_ascii_case(kw).then(|| &label[kw.len()..])
    })?;
    let login_start = rest.find(|c: char| !matches!(c, ':' | '-' | '–' | '—' | '=') && !c.is_whitespace())?;
    let separator = &rest[..login_start];
    if separator.is_empty() {
        return None; // `mentored`, `leader`
    }
    let login = match rest[login_start..].strip_prefix('@') {
        Some(login) => login,
        None if separator.contains(':') => &rest[login_start..],
        None => return None,
    };
    is_github_login(login).then(|| login.to_owned())
}

fn is_github_login(login: &str) -> bool {
    (1..=MAX_LOGIN_LEN).contains(&login.len())
        && !login.starts_with('-')
        && login.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn every_spelling_of_good_first_issue_normalizes_the_same() {
        for spelling in
            ["Good First Issue", "good-first-issue", "good_first_issue", "🐣 good first issue", "GOOD  FIRST--issue!"]
        {
            assert_eq!(normalize_label(spelling), "good first issue", "{spelling}");
        }
        assert_eq!(normalize_label("beginner's"), "beginners");
        assert_eq!(normalize_label("✨"), "");
    }

    #[test]
    fn the_default_list_matches_with_its_first_spelling_as_the_canonical_name() {
        let l = NewcomerLabels::default();
        assert_eq!(l.matches("Good-First-Issue"), Some("good first issue"));
        assert_eq!(l.matches("good_first_issue 🐣"), Some("good first issue"));
        assert_eq!(l.matches("First Timers Only"), Some("first-timers-only"));
        assert_eq!(l.matches("Help Wanted"), Some("help wanted"));
        assert_eq!(l.matches("bug"), None);
        assert_eq!(l.names().count(), DEFAULT_NEWCOMER_LABELS.len() - 1);
    }

    #[test]
    fn a_scoped_label_matches_on_its_last_part() {
        let l = NewcomerLabels::default();
        assert_eq!(l.matches("difficulty: easy"), Some("easy"));
        assert_eq!(l.matches("level::beginner"), Some("beginner"));
        assert_eq!(l.matches("status/help-wanted"), Some("help wanted"));
        assert_eq!(l.matches("priority: low"), None);
    }

    #[test]
    fn a_configured_list_replaces_the_defaults_and_keeps_its_own_spelling() {
        let l = NewcomerLabels::new(&labels(&["  E-Easy ", "e easy", "Good First Issue"]));
        assert_eq!(l.matches("e-easy"), Some("E-Easy"));
        assert_eq!(l.matches("good first issue"), Some("Good First Issue"));
        assert_eq!(l.matches("beginner"), None);
        assert_eq!(NewcomerLabels::new(&[]).matches("good first issue"), None);
    }

    #[test]
    fn canonical_falls_back_to_the_normalized_label() {
        let l = NewcomerLabels::default();
        assert_eq!(l.canonical("Up For Grabs"), "up-for-grabs");
        assert_eq!(l.canonical("Needs Triage"), "needs triage");
    }

    #[test]
    fn an_issues_newcomer_labels_are_listed_once_each() {
        let l = NewcomerLabels::default();
        let found = l.of_issue(&labels(&["bug", "Good First Issue", "good-first-issue", "easy"]));
        assert_eq!(found, ["good first issue", "easy"]);
    }

    #[test]
    fn mentor_labels_name_the_login_in_every_convention() {
        assert_eq!(mentor_from_label("mentor: @alice").as_deref(), Some("alice"));
        assert_eq!(mentor_from_label("mentor:bob-2").as_deref(), Some("bob-2"));
        assert_eq!(mentor_from_label("Mentor - @Carol").as_deref(), Some("Carol"));
        assert_eq!(mentor_from_label("Lead: @cdrini").as_deref(), Some("cdrini"));
        assert_eq!(mentor_from_label("lead: @mekarpeles ").as_deref(), Some("mekarpeles"));
    }

    #[test]
    fn labels_that_only_look_like_mentor_labels_name_nobody() {
        for label in [
            "mentored",
            "mentor",
            "mentor-needed",
            "lead-time",
            "leader: @x",
            "mentor: @",
            "mentor: @-bad",
            "mentor: two words",
            "lead: @a_b",
        ] {
            assert_eq!(mentor_from_label(label), None, "{label}");
        }
        let forty = format!("mentor: @{}", "a".repeat(40));
        assert_eq!(mentor_from_label(&forty), None);
        let thirty_nine = format!("mentor: @{}", "a".repeat(39));
        assert_eq!(mentor_from_label(&thirty_nine).map(|l| l.len()), Some(39));
    }
}
