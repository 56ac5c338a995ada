//! Hand-computed cases of the affiliations file, its resolver, the trust rule and profile hints.
use super::*;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

const FILE: &str = r#"
[[affiliation]]
login = "mara"
aliases = ["mara-work", "MOkafor"]
org = "Acme"
kind = "employer"
from = "2024-01-01"
to = 2024-06-30
paid_for_oss = true

[[affiliation]]
login = "mara"
org = "Uni Lund"
kind = "academic"
from = "2024-07-01"

[[affiliation]]
login = "bo"
kind = "independent"
"#;

#[test]
fn a_person_is_resolved_by_login_or_alias_and_date() {
    let a = Affiliations::parse(FILE, Source::File).unwrap();
    let r = a.at("mokafor", day("2024-03-01"));
    assert_eq!(r.person, "mara");
    assert_eq!(
        (r.org.as_deref(), r.kind, r.paid_for_oss, r.source),
        (Some("Acme"), Kind::Employer, true, Some(Source::File))
    );
    // The job change: the day after `to` is the next entry's.
    let r = a.at("mara-work", day("2024-07-01"));
    assert_eq!((r.org.as_deref(), r.kind, r.paid_for_oss), (Some("Uni Lund"), Kind::Academic, false));
    // Before the first entry: unknown.
    let r = a.at("mara", day("2023-12-31"));
    assert_eq!((r.org, r.kind, r.source), (None, Kind::Unknown, None));
    let r = a.at("BO", day("2020-01-01"));
    assert_eq!((r.person.as_str(), r.org, r.kind), ("bo", None, Kind::Independent));
    assert_eq!(a.at("stranger", day("2024-01-01")).source, None);
    assert_eq!(a.people()["mara"], ["mara-work", "mokafor"]);
    assert!(a.same_person("MARA-WORK", "mara"));
}

#[test]
fn every_bad_entry_is_named_with_its_field() {
    let bad = r#"
[[affiliation]]
login = "a"
org = "X"
kind = "employee"

[[affiliation]]
login = "b"
kind = "employer"
from = "2024-13-01"

[[affiliation]]
org = "X"
kind = "academic"

[[affiliation]]
login = "c"
org = "X"
kind = "foundation"
from = "2024-05-01"
to = "2024-04-01"
"#;
    let problems = Affiliations::parse(bad, Source::File).unwrap_err();
    assert_eq!(problems.len(), 5, "{problems:?}");
    assert!(problems[0].starts_with("entry 1: kind: unknown variant `employee`"), "{}", problems[0]);
    assert!(problems[1].starts_with("entry 2: org: missing"), "{}", problems[1]);
    assert_eq!(problems[2], "entry 2: from: expected a date like \"2024-01-31\", found \"2024-13-01\"");
    assert_eq!(problems[3], "entry 3: login: missing");
    assert_eq!(problems[4], "entry 4: to: 2024-04-01 is before from 2024-05-01");
}

#[test]
fn overlapping_ranges_of_one_person_are_refused() {
    let text = r#"
[[affiliation]]
login = "a"
kind = "independent"
from = "2024-01-01"
to = "2024-06-30"

[[affiliation]]
login = "A"
kind = "independent"
from = "2024-06-30"
"#;
    let problems = Affiliations::parse(text, Source::File).unwrap_err();
    assert_eq!(problems, ["entry 2: from/to: overlaps entry 1 of the same person (a)"]);
    // Open-ended on both sides overlaps everything.
    let open = "[[affiliation]]\nlogin = \"a\"\nkind = \"unknown\"\n[[affiliation]]\nlogin = \"a\"\nkind = \"independent\"\nto = \"2000-01-01\"\n";
    assert_eq!(Affiliations::parse(open, Source::File).unwrap_err().len(), 1);
}

#[test]
fn colliding_aliases_are_refused() {
    let text = r#"
[[affiliation]]
login = "a"
aliases = ["shared"]
kind = "independent"

[[affiliation]]
login = "b"
aliases = ["SHARED", "a"]
kind = "independent"
"#;
    let problems = Affiliations::parse(text, Source::File).unwrap_err();
    assert_eq!(
        problems,
        [
            "entry 2: aliases: \"SHARED\" is already an alias of \"a\"",
            "entry 2: aliases: \"a\" is the login of entry 1 (a person is one login with its aliases)",
        ]
    );
}

#[test]
fn an_unknown_field_or_a_bad_file_is_an_error() {
    let problems =
        Affiliations::parse("[[affiliation]]\nlogin = \"a\"\nkind = \"unknown\"\npaid = true\n", Source::File)
            .unwrap_err();
    assert!(problems[0].starts_with("entry 1: unknown field `paid`"), "{problems:?}");
    assert!(Affiliations::parse("[[affiliation]\n", Source::File).is_err());
    assert!(Affiliations::parse("people = 3\n", Source::File).is_err());
    assert_eq!(Affiliations::parse("", Source::File).unwrap(), Affiliations::default());
}

#[test]
fn self_declared_entries_apply_only_to_the_files_committers_and_replace_the_configured_ones() {
    let configured = Affiliations::parse(FILE, Source::File).unwrap();
    let declared = r#"
[[affiliation]]
login = "mara"
org = "Self Corp"
kind = "employer"
paid_for_oss = true

[[affiliation]]
login = "bo"
org = "Claimed For Bo"
kind = "employer"
"#;
    let (a, refused) = configured.with_self_declared(declared, &["Mara-Work".to_owned()]).unwrap();
    assert_eq!(refused, ["bo"]);
    let r = a.at("mara", day("2024-03-01"));
    assert_eq!((r.org.as_deref(), r.source), (Some("Self Corp"), Some(Source::SelfDeclared)));
    // bo did not commit the file: the configured entry stands.
    assert_eq!(a.at("bo", day("2024-03-01")).kind, Kind::Independent);
    assert_eq!(a.at("bo", day("2024-03-01")).source, Some(Source::File));
}

#[test]
fn a_self_declared_file_cannot_claim_someone_else_by_alias() {
    let configured = Affiliations::parse(FILE, Source::File).unwrap();
    // Committed by "eve", claiming bo's login as her alias; and by nobody else.
    let declared = "[[affiliation]]\nlogin = \"eve\"\naliases = [\"bo\"]\norg = \"Eve Inc\"\nkind = \"employer\"\n";
    let (a, refused) = configured.clone().with_self_declared(declared, &["eve".to_owned()]).unwrap();
    assert!(refused.is_empty());
    assert!(!a.same_person("eve", "bo"), "aliases come from the configured file only");
    assert_eq!(a.at("bo", day("2024-03-01")).kind, Kind::Independent);
    assert_eq!(a.at("eve", day("2024-03-01")).org.as_deref(), Some("Eve Inc"));
    // bo's entry written by eve does not apply.
    let declared = "[[affiliation]]\nlogin = \"bo\"\norg = \"Eve Inc\"\nkind = \"employer\"\n";
    let (a, refused) = configured.with_self_declared(declared, &["eve".to_owned()]).unwrap();
    assert_eq!(
        (refused.as_slice(), a.at("bo", day("2024-03-01")).kind),
        (["bo".to_owned()].as_slice(), Kind::Independent)
    );
    // A bad self-declared file is an error for the caller to report, not a panic.
    assert!(Affiliations::default().with_self_declared("[[affiliation]]\nkind = 1\n", &[]).is_err());
}

#[test]
fn a_profile_company_is_only_an_undated_hint() {
    let a = Affiliations::parse(FILE, Source::File)
        .unwrap()
        .with_profile_hint("mara", "@acme ")
        .with_profile_hint("zoe", "  ");
    // A dated entry wins; outside it the hint shows, marked as such.
    assert_eq!(a.at("mara", day("2024-03-01")).source, Some(Source::File));
    let r = a.at("mara", day("2023-01-01"));
    assert_eq!((r.org.as_deref(), r.kind, r.source), (Some("acme"), Kind::Unknown, Some(Source::Profile)));
    assert_eq!(a.at("zoe", day("2023-01-01")).source, None);
    assert_eq!(Source::Profile.label(), "profile (undated)");
}

#[test]
fn lowercase_is_to_lowercase_and_copies_only_what_is_not_lowercase_ascii() {
    for text in ["mara", "MOkafor", "mara-work_2", "", "Zoë", "ÀBC", "ǅungla", "straße", "ΣΑΣ"] {
        assert_eq!(lowercase(text), text.to_lowercase(), "{text}");
    }
    assert!(matches!(lowercase("mara-work_2"), std::borrow::Cow::Borrowed(_)));
    assert!(matches!(lowercase("zoë"), std::borrow::Cow::Owned(_)));
}

#[test]
fn a_login_with_capitals_resolves_as_the_same_person_with_the_same_hint() {
    let a = Affiliations::parse(FILE, Source::File).unwrap().with_profile_hint("Zoe", "Beta");
    assert_eq!(a.person("MOKAFOR"), a.person("mokafor"));
    // Nobody's alias: the person is the login as written, the hint found in any case.
    let zoe = a.undated("ZOE").unwrap();
    assert_eq!((zoe.person.as_str(), zoe.org.as_deref(), zoe.source), ("ZOE", Some("Beta"), Some(Source::Profile)));
    assert_eq!(a.at("MARA-WORK", day("2024-03-01")), a.at("mara", day("2024-03-01")));
}
