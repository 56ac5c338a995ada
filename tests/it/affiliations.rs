//! Affiliations (#15): the Elephant Factor and the unfunded share of maintainer work over the
//! hand-designed dataset of [`crate::report_seed`], in the repository JSON, the pages, the CSV and
//! the badge; a hostile organisation name escaped everywhere it appears; a bad affiliations
//! file stopping start-up with exit 2 naming `people.affiliations`; and a stored self-declared
//! file (`.github/upkeep-affiliations.toml`) applied to its committers only, at page time.
//!
//! # Expected numbers (window: the grant period, `from = d120`, `to = d31`)
//!
//! Affiliations: carol works for the hostile organisation [`HOSTILE_ORG`]; dave (with the alias
//! erin: one person) is at "Acme University"; alice is independent, unpaid; bob has no entry but
//! the grant names him; gina and frank have none.
//!
//! - Merged pull requests in the window (author, week of the merge): #20 carol d110, #21 dave
//!   d95, #22 erin d58 (#23 is a bot's). By organisation: Acme University 2 (dave + erin, one
//!   person), the hostile organisation 1. Total 3, half 1.5: Acme University's 2 ≥ 1.5, so the
//!   **Elephant Factor is 1**, with nothing unknown; 2 people from 3 logins (1 alias merged).
//! - Maintainer work (alice, bob): alice's is all **unfunded** (known, independent, no grant
//!   names her); bob's is all **funded** by the grant; only gina's (no entry, no grant) is
//!   unknown. So the unfunded share is alice's actions ÷ (alice's + bob's + gina's), each read from
//!   the same JSON's per-maintainer rows.

use std::process::Command;

use scraper::Html;

use crate::helpers::{Store, get, json, select, spawn_app, text};
use crate::report_seed::{self, HOSTILE_FUNDER, d, date};

const HOSTILE_ORG: &str = r#"<script>alert("org")</script> & "Evil" <b>Corp</b>"#;

fn affiliations_file() -> String {
    format!(
        r#"
[[affiliation]]
login = "carol"
org = {org}
kind = "employer"

[[affiliation]]
login = "dave"
aliases = ["erin"]
org = "Acme University"
kind = "academic"

[[affiliation]]
login = "alice"
kind = "independent"
"#,
        org = toml::Value::String(HOSTILE_ORG.to_owned())
    )
}

/// The seeded store, served with the affiliations above and the grant naming bob.
async fn seeded_app() -> (Store, String) {
    let store = Store::new().await;
    report_seed::seed(&store, 0).await;
    let config = report_seed_config_with_affiliations(&store);
    let app = spawn_app(config, store.db.clone()).await;
    (store, app)
}

/// The seed's config with the affiliations above and the grant naming bob.
fn report_seed_config_with_affiliations(store: &Store) -> upkeep::config::Config {
    let mut config = report_seed::config(store);
    config.people.affiliations = Some("affiliations.toml".into());
    config.people.affiliation_table = upkeep::metrics::affiliation::Affiliations::parse(
        &affiliations_file(),
        upkeep::metrics::affiliation::Source::File,
    )
    .expect("a valid affiliations file");
    config.funding.grants[0].people = vec!["bob".to_owned()];
    config
}

fn window() -> String {
    format!("from={}&to={}", date(d(120)), date(d(31)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_repository_json_carries_the_elephant_factor_and_the_unfunded_share() {
    let (_store, app) = seeded_app().await;
    let api = json(&format!("{app}/api/v1/repos/acme/widget?{}", window())).await;

    let ef = &api["elephant_factor"];
    let merged = &ef["merged_prs"];
    assert_eq!(merged["factor"], 1, "{merged}");
    assert_eq!((&merged["total"], &merged["unknown"]), (&3.into(), &0.into()), "{merged}");
    let slices: Vec<(String, u64, u64)> = merged["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (o["org"].as_str().unwrap().to_owned(), o["contributions"].as_u64().unwrap(), o["people"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(slices, [("Acme University".to_owned(), 2, 1), (HOSTILE_ORG.to_owned(), 1, 1)]);
    assert_eq!(ef["definition"]["name"], "Elephant Factor");
    for kind in ["commits", "reviews", "issue_comments"] {
        let f = &ef[kind];
        let sum: u64 =
            f["organisations"].as_array().unwrap().iter().map(|o| o["contributions"].as_u64().unwrap()).sum();
        assert_eq!(f["total"].as_u64().unwrap(), sum, "{kind}: no slice is dropped: {f}");
    }
    assert!(ef["aliases_merged"].as_u64().unwrap() >= 1, "erin is dave: {ef}");

    let u = &api["unfunded_share"];
    let person = |login: &str| u["maintainers"].as_array().unwrap().iter().find(|m| m["login"] == login).cloned();
    let alice = person("alice").expect("alice maintained in the window");
    let bob = person("bob").expect("bob maintained in the window");
    let (a, b) = (alice["unfunded"].as_u64().unwrap(), bob["funded"].as_u64().unwrap());
    assert!(a > 0 && b > 0, "{u}");
    assert_eq!(
        (&alice["funded"], &alice["unknown"], &bob["unfunded"], &bob["unknown"]),
        (&0.into(), &0.into(), &0.into(), &0.into())
    );
    assert_eq!(bob["funded_by"], serde_json::json!([HOSTILE_FUNDER]));
    // gina (no entry, no grant) is unknown; her one action at d123 falls in the window only when
    // d120's week starts three or more days before it, depending on the weekday of today.
    let gina = person("gina").map_or(0, |g| g["unknown"].as_u64().unwrap());
    let total = &u["total"];
    assert_eq!(
        (total["funded"].as_u64(), total["unfunded"].as_u64(), total["unknown"].as_u64()),
        (Some(b), Some(a), Some(gina))
    );
    let share = total["unfunded_share"].as_f64().unwrap();
    assert!((share - a as f64 / (a + b + gina) as f64).abs() < 1e-9, "{total}");
    // The weekly series adds up to the window's totals.
    let weeks = u["weeks"].as_array().unwrap();
    assert!(!weeks.is_empty());
    let sum = |k: &str| weeks.iter().map(|w| w[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!((sum("funded"), sum("unfunded"), sum("unknown")), (b, a, gina));

    // The dashboard's own fields are still there.
    assert!(api["absence"].is_object() && api["load"].is_object());

    // The organisation (acme/widget and acme/gadget) has the same fields; gadget has no merged
    // pull requests in the window, so the factor over both is the same one.
    let org = json(&format!("{app}/api/v1/orgs/acme?{}", window())).await;
    let merged = &org["elephant_factor"]["merged_prs"];
    assert_eq!((&merged["factor"], &merged["total"]), (&1.into(), &3.into()), "{merged}");
    assert!(org["unfunded_share"]["weeks"].is_array());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_organisation_name_is_escaped_on_every_page_it_appears_on() {
    let (_store, app) = seeded_app().await;
    for path in ["/repos/acme/widget", "/orgs/acme"] {
        let (status, body) = get(&format!("{app}{path}?{}", window())).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains(HOSTILE_ORG) && !body.contains("<script>alert"), "{path}: raw organisation name");
        let doc = Html::parse_document(&body);
        assert!(select(&doc, "main script").is_empty() && select(&doc, "main b").is_empty(), "{path}");
        let cells: Vec<String> = select(&doc, "table.org-shares td").iter().map(text).collect();
        assert!(cells.iter().any(|c| c == HOSTILE_ORG), "{path}: the name reads as text: {cells:?}");
        // In the SVG chart too: as text, never as markup.
        let titles: Vec<String> = select(&doc, "svg.chart-share rect title").iter().map(text).collect();
        assert!(titles.iter().any(|t| t.starts_with(HOSTILE_ORG)), "{path}: {titles:?}");
        assert!(!select(&doc, "#trust-rule").is_empty(), "{path}: the trust rule is stated");
        assert!(!select(&doc, "#unfunded-share").is_empty(), "{path}");
    }
    let (status, csv) = get(&format!("{app}/repos/acme/widget?{}&format=csv&table=organisations", window())).await;
    assert_eq!(status, 200);
    assert!(csv.contains("merged pull requests,1,Acme University,academic,1,2,0.6667"), "{csv}");
    let (status, csv) = get(&format!("{app}/repos/acme/widget?{}&format=csv&table=unfunded", window())).await;
    assert_eq!(status, 200);
    assert!(csv.contains("week,funded,unfunded,unknown,unfunded_share,unknown_share"), "{csv}");
    let (status, svg) = get(&format!("{app}/badges/acme/widget/elephant-factor.svg")).await;
    assert_eq!(status, 200);
    assert!(svg.contains("elephant factor"), "{svg}");
}

#[test]
fn a_bad_affiliations_file_exits_2_naming_the_key_and_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[people]\naffiliations = \"affiliations.toml\"\n").unwrap();
    let cases: &[(&str, &str)] = &[
        ("[[affiliation]]\nlogin = \"a\"\norg = \"X\"\nkind = \"boss\"\n", "entry 1: kind: unknown variant `boss`"),
        (
            "[[affiliation]]\nlogin = \"a\"\nkind = \"independent\"\n\n[[affiliation]]\nlogin = \"b\"\naliases = [\"a\"]\nkind = \"independent\"\n",
            "entry 2: aliases: \"a\" is the login of entry 1",
        ),
        (
            "[[affiliation]]\nlogin = \"a\"\nkind = \"independent\"\nfrom = \"2024-01-01\"\n\n[[affiliation]]\nlogin = \"a\"\nkind = \"independent\"\nfrom = \"2025-01-01\"\n",
            "entry 2: from/to: overlaps entry 1",
        ),
        (
            "[[affiliation]]\nlogin = \"a\"\nkind = \"independent\"\nto = \"2024-02-30\"\n",
            "entry 1: to: expected a date",
        ),
    ];
    for (file, expected) in cases {
        std::fs::write(dir.path().join("affiliations.toml"), file).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_upkeep"));
        cmd.args(["--config", config.to_str().unwrap(), "collect"]).env_remove("GITHUB_TOKEN").env_remove("GH_TOKEN");
        for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("UPKEEP_")) {
            cmd.env_remove(key);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("config.toml:2: people.affiliations: "), "{stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_impact_report_shows_the_unfunded_share_of_its_period() {
    let (_store, app) = seeded_app().await;
    // The report's period is the grant's; it counts maintainer weeks that start inside it.
    let api = json(&format!("{app}/api/v1/reports/acme/widget")).await;
    let u = &api["unfunded_share"];
    let person = |login: &str| u["maintainers"].as_array().unwrap().iter().find(|m| m["login"] == login).cloned();
    let (alice, bob) = (person("alice").expect("alice"), person("bob").expect("bob"));
    let (a, b) = (alice["unfunded"].as_u64().unwrap(), bob["funded"].as_u64().unwrap());
    assert!(a > 0 && b > 0 && alice["funded"] == 0 && bob["unfunded"] == 0, "{u}");
    let t = &u["total"];
    let all = t["funded"].as_u64().unwrap() + t["unfunded"].as_u64().unwrap() + t["unknown"].as_u64().unwrap();
    assert_eq!(t["unfunded"].as_u64().unwrap(), a, "{t}");
    assert!((t["unfunded_share"].as_f64().unwrap() - a as f64 / all as f64).abs() < 1e-9, "{t}");
    // The report's own fields are still there.
    assert_eq!(api["repo"], "acme/widget");

    let (status, body) = get(&format!("{app}/reports/acme/widget")).await;
    assert_eq!(status, 200);
    let doc = Html::parse_document(&body);
    let rows: Vec<String> = select(&doc, "#unfunded-people tr").iter().map(text).collect();
    assert!(rows.iter().any(|r| r.starts_with("bob") && r.ends_with(HOSTILE_FUNDER)), "{rows:?}");
    assert!(!body.contains("<Fund>"), "the funder's name is escaped");
    assert!(select(&doc, "#unfunded-share").len() == 1);
}

/// alice's own file, committed by her: an employer that pays for her open-source time since
/// before any seeded week, so all of her maintainer work becomes funded.
const ALICE_PAID_FILE: &str = r#"
[[affiliation]]
login = "alice"
org = "Paying Co"
kind = "employer"
from = "2000-01-01"
paid_for_oss = true
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_declared_paid_employer_funds_that_maintainer_in_the_report_and_on_the_page() {
    let (store, app) = seeded_app().await;
    let alice_of = |u: &serde_json::Value| {
        u["maintainers"].as_array().unwrap().iter().find(|m| m["login"] == "alice").cloned().expect("alice")
    };
    let before = alice_of(&json(&format!("{app}/api/v1/reports/acme/widget")).await["unfunded_share"]);
    let actions = before["unfunded"].as_u64().unwrap();
    assert!(actions > 0 && before["funded"] == 0, "{before}");
    store_declared(&store, ALICE_PAID_FILE, r#"["alice"]"#).await;
    // The render cache holds the pages until the data changes: a new server reads them afresh.
    let app = spawn_app(report_seed_config_with_affiliations(&store), store.db.clone()).await;
    let report = json(&format!("{app}/api/v1/reports/acme/widget")).await;
    let after = alice_of(&report["unfunded_share"]);
    assert_eq!((after["funded"].as_u64(), after["unfunded"].as_u64()), (Some(actions), Some(0)), "{after}");
    let repo = json(&format!("{app}/api/v1/repos/acme/widget?{}", window())).await;
    let on_page = alice_of(&repo["unfunded_share"]);
    assert_eq!((on_page["funded"].as_u64().unwrap() > 0, on_page["unfunded"].as_u64()), (true, Some(0)), "{on_page}");
}

/// carol's own file in acme/widget, committed by carol: she moves herself to another
/// organisation (as of before the window) and, without having the right, dave too.
const CAROL_FILE: &str = r#"
[[affiliation]]
login = "carol"
org = "Carol & Daughters <Ltd>"
kind = "employer"
from = "2020-01-01"

[[affiliation]]
login = "dave"
org = "Carol & Daughters <Ltd>"
kind = "employer"
"#;

async fn store_declared(store: &Store, raw: &str, committers: &str) {
    let row = upkeep::db::self_declared::SelfDeclaredRow {
        repo_id: report_seed::WIDGET,
        path: "https://github.com/acme/widget/blob/main/.github/upkeep-affiliations.toml".to_owned(),
        raw: raw.to_owned(),
        too_large: false,
        committers: committers.to_owned(),
        committers_truncated: false,
        fetched_at: 1,
    };
    upkeep::db::self_declared::upsert_self_declared(&store.db.pool, &row).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_declared_file_changes_the_organisations_of_its_committers_only_and_is_named_as_the_source() {
    let (store, app) = seeded_app().await;
    store_declared(&store, CAROL_FILE, r#"["carol"]"#).await;
    let api = json(&format!("{app}/api/v1/repos/acme/widget?{}", window())).await;
    let merged = &api["elephant_factor"]["merged_prs"];
    let slices: Vec<(String, u64, Vec<String>)> = merged["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let sources = o["sources"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect();
            (o["org"].as_str().unwrap().to_owned(), o["contributions"].as_u64().unwrap(), sources)
        })
        .collect();
    // carol's merged pull request (#20) moves from the configured hostile organisation to hers;
    // dave's entry is refused (he did not commit the file), so dave + erin stay at Acme University.
    assert_eq!(
        slices,
        [
            ("Acme University".to_owned(), 2, vec!["file".to_owned()]),
            ("Carol & Daughters <Ltd>".to_owned(), 1, vec!["self-declared".to_owned()]),
        ]
    );
    let notes = api["affiliation_notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["repo"], "acme/widget");
    let message = notes[0]["message"].as_str().unwrap();
    assert!(message.contains("dave") && message.contains("refused") && !message.contains("carol"), "{message}");

    // The page: the source column, the note, and the declared name as text.
    let (status, body) = get(&format!("{app}/repos/acme/widget?{}", window())).await;
    assert_eq!(status, 200);
    assert!(!body.contains("<Ltd>"), "the declared organisation is escaped");
    let doc = Html::parse_document(&body);
    let rows: Vec<String> = select(&doc, "table.org-shares tr").iter().map(text).collect();
    assert!(rows.iter().any(|r| r.starts_with("Carol & Daughters <Ltd>") && r.ends_with("self-declared")), "{rows:?}");
    assert!(rows.iter().any(|r| r.starts_with("Acme University") && r.ends_with("file")), "{rows:?}");
    let notes: Vec<String> = select(&doc, "#affiliation-notes li").iter().map(text).collect();
    assert!(notes.len() == 1 && notes[0].starts_with("acme/widget:") && notes[0].contains("dave"), "{notes:?}");
    let rule = select(&doc, "#trust-rule").iter().map(text).collect::<String>();
    assert!(rule.contains("committed it") && rule.contains("refused"), "{rule}");
    let (_, csv) = get(&format!("{app}/repos/acme/widget?{}&format=csv&table=organisations", window())).await;
    assert!(csv.contains("merged pull requests,1,Carol & Daughters <Ltd>,employer,1,1,0.3333,self-declared"), "{csv}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_declared_file_that_does_not_parse_is_a_note_naming_the_repository_not_an_error() {
    let (store, app) = seeded_app().await;
    store_declared(&store, "[[affiliation]]\nlogin = \"carol\nkind = \"employer\"\n", r#"["carol"]"#).await;
    let api = json(&format!("{app}/api/v1/repos/acme/widget?{}", window())).await;
    let notes = api["affiliation_notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["repo"], "acme/widget");
    assert!(notes[0]["message"].as_str().unwrap().contains("does not parse"), "{notes:?}");
    // Nothing of it applies: the configured organisations stand.
    assert_eq!(api["elephant_factor"]["merged_prs"]["factor"], 1);
    let (status, body) = get(&format!("{app}/orgs/acme?{}", window())).await;
    assert_eq!(status, 200);
    let doc = Html::parse_document(&body);
    let notes: Vec<String> = select(&doc, "#affiliation-notes li").iter().map(text).collect();
    assert!(notes.len() == 1 && notes[0].starts_with("acme/widget:"), "{notes:?}");
}

/// A company with markup, as a profile may name one.
const HOSTILE_COMPANY: &str = r#"<img src=x onerror=alert(1)> "Bob's" & <i>Co</i>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_company_is_an_undated_hint_for_people_without_an_entry_and_is_escaped() {
    // Before: the same data without companies (pages are cached until the next collection run).
    let (_plain, plain_app) = seeded_app().await;
    let before = json(&format!("{plain_app}/api/v1/repos/acme/widget?{}", window())).await;
    let (store, app) = seeded_app().await;
    // bob has no entry in the file; carol has one, which wins over her profile.
    let companies =
        [("bob".to_owned(), Some(HOSTILE_COMPANY.to_owned())), ("carol".to_owned(), Some("Other".to_owned()))];
    upkeep::db::profiles::record_companies(&store.db.pool, &companies, 1).await.unwrap();
    let after = json(&format!("{app}/api/v1/repos/acme/widget?{}", window())).await;
    let mut moved = 0;
    for kind in ["commits", "merged_prs", "reviews", "issue_comments"] {
        let (b, a) = (&before["elephant_factor"][kind], &after["elephant_factor"][kind]);
        let slice = a["organisations"].as_array().unwrap().iter().find(|o| o["org"] == HOSTILE_COMPANY);
        let hinted = slice.map_or(0, |o| {
            assert_eq!((&o["kind"], &o["sources"]), (&"unknown".into(), &serde_json::json!(["profile (undated)"])));
            o["contributions"].as_u64().unwrap()
        });
        // bob's contributions leave the unknown slice for his profile's company, nothing else moves.
        assert_eq!(b["unknown"].as_u64().unwrap() - a["unknown"].as_u64().unwrap(), hinted, "{kind}: {a}");
        assert_eq!(a["total"], b["total"], "{kind}");
        assert!(!a["organisations"].as_array().unwrap().iter().any(|o| o["org"] == "Other"), "carol's entry wins");
        moved += hinted;
    }
    assert!(moved > 0, "bob contributed in the window: {after}");
    // A hint says nothing of pay: bob's maintainer work stays funded by the grant, not by a hint.
    assert_eq!(after["unfunded_share"]["total"], before["unfunded_share"]["total"]);

    for path in ["/repos/acme/widget", "/orgs/acme"] {
        let (status, body) = get(&format!("{app}{path}?{}", window())).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains(HOSTILE_COMPANY) && !body.contains("<img src=x"), "{path}: raw company");
        let doc = Html::parse_document(&body);
        assert!(select(&doc, "main img").is_empty() && select(&doc, "main i").is_empty(), "{path}");
        let rows: Vec<String> = select(&doc, "table.org-shares tr").iter().map(text).collect();
        assert!(
            rows.iter().any(|r| r.starts_with(HOSTILE_COMPANY) && r.ends_with("profile (undated)")),
            "{path}: {rows:?}"
        );
    }
}
