//! The affiliations a page applies: the configured ones (`[people] affiliations`) with what the
//! collector stored for the page's repositories applied on top — each self-declared file
//! (`.github/upkeep-affiliations.toml`) to the logins that committed it only
//! ([`Affiliations::with_self_declared`]), each profile company as an undated hint — and the
//! data-quality notes on those files. One home for the maintainer pages
//! ([`super::maintainers::people`]) and the impact report ([`super::reports`]).

use serde::Serialize;

use crate::db::dashboard::scope_json;
use crate::metrics::affiliation::{Affiliations, Source};
use crate::web::error::WebError;
use crate::web::state::AppState;

/// A data-quality note on a repository's self-declared affiliations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AffiliationNote {
    /// `owner/name`.
    pub repo: String,
    pub message: String,
}

/// What the collector stored for the scope's people, to apply on top of the configured
/// affiliations: the self-declared files, and the profiles' companies.
#[derive(Debug, Clone, Default)]
pub struct Declared {
    pub files: Vec<crate::db::self_declared::SelfDeclaredFile>,
    /// `(login, company)`.
    pub companies: Vec<(String, String)>,
}

/// The self-declared files and profile companies stored for `repo_ids`.
pub async fn declared(state: &AppState, repo_ids: &[i64]) -> Result<Declared, WebError> {
    let scope = scope_json(repo_ids);
    let (files, companies) = tokio::try_join!(
        crate::db::self_declared::list_self_declared(&state.db.pool, &scope),
        crate::db::profiles::list_companies(&state.db.pool, &scope),
    )?;
    Ok(Declared { files, companies })
}

/// The configured affiliations with each self-declared file applied to its committers and each
/// profile company as an undated hint, and the notes on the files (see the module doc). The
/// configured table is copied only when something was stored.
pub fn affiliations<'a>(
    configured: &'a Affiliations,
    declared: &Declared,
) -> (std::borrow::Cow<'a, Affiliations>, Vec<AffiliationNote>) {
    if declared.files.is_empty() && declared.companies.is_empty() {
        return (std::borrow::Cow::Borrowed(configured), Vec::new());
    }
    let mut notes = Vec::new();
    let mut note = |repo: &str, message: String| notes.push(AffiliationNote { repo: repo.to_owned(), message });
    let mut table = configured.clone();
    for f in &declared.files {
        let (repo, file) = (f.full_name.as_str(), &f.file);
        if file.too_large {
            note(repo, format!("{SELF_DECLARED} is larger than GitHub serves (1 MB) and was not read."));
            continue;
        }
        if let Err(problems) = Affiliations::parse(&file.raw, Source::SelfDeclared) {
            note(repo, format!("{SELF_DECLARED} does not parse and was not applied: {}", problems.join("; ")));
            continue;
        }
        let committers = file.committer_logins();
        if file.committers_truncated {
            note(repo, format!("{SELF_DECLARED} has more commits than were read: only their newest committers count."));
        }
        let Ok((next, refused)) = table.clone().with_self_declared(&file.raw, &committers) else { continue };
        table = next;
        if !refused.is_empty() {
            note(
                repo,
                format!(
                    "{SELF_DECLARED}: the entries for {} were refused: they did not commit the file.",
                    refused.join(", ")
                ),
            );
        }
    }
    for (login, company) in &declared.companies {
        table = table.with_profile_hint(login, company);
    }
    (std::borrow::Cow::Owned(table), notes)
}

/// The self-declared file, as the notes name it.
const SELF_DECLARED: &str = ".github/upkeep-affiliations.toml";

#[cfg(test)]
mod tests {
    use super::*;

    fn file(repo: &str, raw: &str, committers: &[&str]) -> crate::db::self_declared::SelfDeclaredFile {
        crate::db::self_declared::SelfDeclaredFile {
            full_name: repo.to_owned(),
            file: crate::db::self_declared::SelfDeclaredRow {
                repo_id: 1,
                path: String::new(),
                raw: raw.to_owned(),
                too_large: false,
                committers: serde_json::to_string(committers).unwrap(),
                committers_truncated: false,
                fetched_at: 0,
            },
        }
    }

    #[test]
    fn each_file_applies_to_its_committers_and_everything_else_is_a_note() {
        let configured = Affiliations::parse(
            "[[affiliation]]\nlogin = \"ana\"\naliases = [\"ana2\"]\norg = \"Acme\"\nkind = \"employer\"\n",
            Source::File,
        )
        .unwrap();
        let own = "[[affiliation]]\nlogin = \"ana\"\norg = \"Beta\"\nkind = \"academic\"\n\n[[affiliation]]\nlogin = \"bo\"\nkind = \"independent\"\n";
        let mut big = file("o/big", "", &["ana"]);
        big.file.too_large = true;
        let mut cut = file("o/cut", "", &["zed"]);
        cut.file.committers_truncated = true;
        let declared = Declared {
            files: vec![file("o/a", own, &["ana2"]), file("o/bad", "[[affiliation]\n", &["ana"]), big, cut],
            companies: vec![("ana".to_owned(), "Gamma".to_owned()), ("cy".to_owned(), "@delta ".to_owned())],
        };
        let (table, notes) = affiliations(&configured, &declared);
        let day = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        // ana2 committed it and is ana: ana's own entry replaces the configured one; bo's is refused.
        let ana = table.at("ana", day);
        assert_eq!((ana.org.as_deref(), ana.source), (Some("Beta"), Some(Source::SelfDeclared)));
        assert_eq!(table.at("bo", day).source, None);
        // A profile's company is a hint where nothing dated covers the day.
        let cy = table.at("cy", day);
        assert_eq!((cy.org.as_deref(), cy.source), (Some("delta"), Some(Source::Profile)));
        let notes: Vec<(&str, &str)> = notes.iter().map(|n| (n.repo.as_str(), n.message.as_str())).collect();
        assert_eq!(notes.len(), 4, "{notes:?}");
        assert!(notes[0].0 == "o/a" && notes[0].1.contains("entries for bo were refused"), "{notes:?}");
        assert!(notes[1].0 == "o/bad" && notes[1].1.contains("does not parse"), "{notes:?}");
        assert!(notes[2].0 == "o/big" && notes[2].1.contains("larger than"), "{notes:?}");
        assert!(notes[3].0 == "o/cut" && notes[3].1.contains("more commits than were read"), "{notes:?}");
        // The configured table is untouched when nothing is declared.
        let (same, notes) = affiliations(&configured, &Declared::default());
        assert!(matches!(same, std::borrow::Cow::Borrowed(_)) && *same == configured && notes.is_empty());
    }
}
