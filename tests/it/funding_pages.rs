//! The funder pages end to end: the simulated org synced, then `/funding`, the ledger, the goal
//! widget, the sponsors badge and their `/api/v1/` mirrors; a broken manifest or FUNDING.yml and a
//! failing Open Collective become notes while everything else still shows.

use upkeep::config::Config;
use upkeep::funding::Grant;

use crate::helpers::{Store, collect, config_for, get, json, page, select, sim_options, start_sim, text};

fn grant() -> Grant {
    let toml = "funder = \"Sovereign Tech Fund\"\namount = 120000\ncurrency = \"EUR\"\nstart = \"2026-01-01\"\n\
                end = \"2026-12-31\"\nrepos = [\"upkeep-sim/atlas\"]\npurpose = \"Security & <maintenance>\"\n";
    toml::from_str(toml).expect("grant")
}

fn config(sim_url: &str, store: &Store) -> Config {
    let mut config = config_for(sim_url, &store.path());
    config.funding.grants = vec![grant()];
    config
}

fn row_text(doc: &scraper::Html, repo: &str) -> String {
    let rows = select(doc, &format!("#projects tr[data-repo=\"upkeep-sim/{repo}\"]"));
    assert_eq!(rows.len(), 1, "one row for {repo}");
    text(&rows[0])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn funded_and_unfunded_projects_their_ledgers_widgets_and_notes() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let config = config(&sim.url(), &store);
    collect(&store.collector_with(config.clone())).await;
    // A FUNDING.yml that names an account while GitHub lists no link for pulsar.
    let pulsar_id: i64 =
        upkeep::db::sql::query_scalar("SELECT id FROM repositories WHERE full_name = 'upkeep-sim/pulsar'")
            .fetch_one(&store.db.pool)
            .await
            .unwrap();
    let raw = "github: upkeep-sim\n".to_owned();
    let file = upkeep::db::funding::FundingYmlRow { repo_id: pulsar_id, path: "p".into(), raw, valid: true };
    let mut tx = store.db.begin_write().await.unwrap();
    upkeep::db::funding::replace_funding_yml(&mut tx, &file, &[]).await.unwrap();
    tx.commit().await.unwrap();
    let app = crate::helpers::spawn_app(config, store.db.clone()).await;

    // The overview: every tracked repository, funded ones first.
    let doc = page(&format!("{app}/funding")).await;
    let rows = select(&doc, "#projects tbody tr");
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[0].value().attr("class"), Some("funded"), "funded first: {}", text(&rows[0]));
    let atlas = row_text(&doc, "atlas");
    assert!(atlas.contains("GitHub Sponsors @upkeep-sim"), "{atlas}");
    assert!(atlas.contains("Grant: Sovereign Tech Fund"), "{atlas}");
    // The grant: 120,000 EUR over 2026 (365 days) → 120,000 × (365/12) / 365 = 10,000 EUR a month;
    // Open Collective's yearly budget adds a USD line: the currencies stay apart.
    assert!(atlas.contains("10,000.00 EUR"), "{atlas}");
    assert!(atlas.contains("USD"), "{atlas}");
    let spark = select(&doc, "#projects tr[data-repo=\"upkeep-sim/atlas\"] td.spark svg");
    assert_eq!(spark.len(), 1, "atlas has a sponsor trend");
    let pulsar = row_text(&doc, "pulsar");
    assert!(pulsar.contains("none found"), "{pulsar}");
    // A project whose data has problems says so in its row, linking to the notes.
    assert!(row_text(&doc, "orbit").contains("data note"), "orbit's funding.json is not JSON");
    assert!(!row_text(&doc, "comet").contains("data note"));
    let unfunded = select(&doc, "#projects tr.unfunded");
    assert!(unfunded.iter().any(|r| r.value().attr("data-repo") == Some("upkeep-sim/pulsar")));
    assert!(!select(&doc, "nav a[href=\"/funding\"]").is_empty(), "the Funders link is live");

    // The ledger of atlas: sources, goal, tiers, Open Collective, the grant and a trend chart.
    let doc = page(&format!("{app}/funding/upkeep-sim/atlas")).await;
    let body = text(&select(&doc, "main")[0]);
    assert!(body.contains("Open Collective"), "{body}");
    assert!(!select(&doc, "#goals li").is_empty(), "the org's Sponsors goal");
    assert!(!select(&doc, "#collective").is_empty());
    let sponsors = text(&select(&doc, "p.sponsor-logins")[0]);
    assert!(sponsors.starts_with("Public sponsors: @"), "the org's public sponsors are named: {sponsors}");
    assert!(!select(&doc, "figure.received-chart svg").is_empty(), "money received per month");
    // One sync already shows a trend: GitHub's sponsorship history, per month.
    assert!(!select(&doc, "figure.sponsor-chart svg").is_empty(), "new sponsorships per month");
    let ledger = text(&select(&doc, "#ledger")[0]);
    assert!(ledger.contains("Sovereign Tech Fund: Security & <maintenance>"), "escaped, shown as text: {ledger}");
    assert!(ledger.contains("120,000.00 EUR"));
    // Without the maintainer's token the amounts are hidden, and the page says so.
    assert!(body.contains("visible only with @upkeep-sim's own token"), "{body}");

    // Malformed manifests are notes; the rest of the page still shows.
    let doc = page(&format!("{app}/funding/upkeep-sim/orbit")).await;
    let notes = text(&select(&doc, "#notes")[0]);
    assert!(notes.contains("could not be read"), "{notes}");
    assert!(text(&select(&doc, "#source-list")[0]).contains("Patreon"));
    let doc = page(&format!("{app}/funding/upkeep-sim/nebula")).await;
    let notes = text(&select(&doc, "#notes")[0]);
    assert!(notes.contains("currency"), "{notes}");

    // A FUNDING.yml that is not YAML is an error note with its place; the rest of the page shows.
    let doc = page(&format!("{app}/funding/upkeep-sim/halo")).await;
    let errors: Vec<String> = select(&doc, "#notes li.note-error").iter().map(text).collect();
    assert!(
        errors.iter().any(|n| n.starts_with("FUNDING.yml at line 4, column 40: not valid YAML")
            && n.contains("GitHub shows no funding links")),
        "{errors:?}"
    );
    for section in ["#monthly", "#sponsors", "#ask", "#no-sources"] {
        assert_eq!(select(&doc, section).len(), 1, "halo's ledger still shows {section}");
    }
    let body = text(&select(&doc, "main")[0]);
    assert!(body.contains("Who carries the load") && body.contains("Ledger"), "{body}");
    let v = json(&format!("{app}/api/v1/funding/upkeep-sim/halo")).await;
    assert!(v.to_string().contains("FUNDING.yml at line 4, column 40"), "in the JSON too: {v}");
    // An unknown key is a warning named by its key; stardust's sources still show.
    let doc = page(&format!("{app}/funding/upkeep-sim/stardust")).await;
    let warnings: Vec<String> = select(&doc, "#notes li.note-warning").iter().map(text).collect();
    assert!(warnings.iter().any(|n| n.starts_with("FUNDING.yml `otechie`: not a platform")), "{warnings:?}");
    assert!(text(&select(&doc, "#source-list")[0]).contains("Polar"));
    // A file that names accounts while GitHub lists no link.
    let doc = page(&format!("{app}/funding/upkeep-sim/pulsar")).await;
    let notes = text(&select(&doc, "#notes")[0]);
    assert!(notes.contains("FUNDING.yml names 1 funding account, but GitHub lists no funding links"), "{notes}");
    // Files without problems add no note.
    let doc = page(&format!("{app}/funding/upkeep-sim/comet")).await;
    assert!(!select(&doc, "#notes li").iter().map(text).any(|n| n.contains("FUNDING.yml")));

    // Widgets.
    let (status, svg) = get(&format!("{app}/funding/upkeep-sim/atlas/goal.svg")).await;
    assert_eq!(status, 200);
    assert!(svg.starts_with("<svg") && svg.contains("% of"), "{svg}");
    let (status, svg) = get(&format!("{app}/badges/upkeep-sim/atlas/sponsors.svg")).await;
    assert_eq!(status, 200);
    assert!(svg.contains("sponsors: "), "{svg}");
    let (status, svg) = get(&format!("{app}/badges/upkeep-sim/pulsar/sponsors.svg")).await;
    assert_eq!((status, svg.contains("no listing")), (200, true));
    assert_eq!(get(&format!("{app}/funding/upkeep-sim/nope/goal.svg")).await.0, 404);

    // The API mirrors.
    let v = json(&format!("{app}/api/v1/funding")).await;
    let projects = v["projects"].as_array().expect("projects");
    assert_eq!(projects.len(), 12);
    let atlas = projects.iter().find(|p| p["repo"] == "upkeep-sim/atlas").expect("atlas");
    assert!(atlas["monthly_estimate"].as_array().unwrap().iter().any(|m| m["currency"] == "EUR"));
    let v = json(&format!("{app}/api/v1/funding/upkeep-sim/atlas")).await;
    assert!(v["entries"].as_array().unwrap().iter().any(|e| e["source"] == "OpenCollective"));
    assert!(!v["received_by_month"].as_array().unwrap().is_empty());
    let (status, body) = get(&format!("{app}/api/v1/funding/upkeep-sim/nope")).await;
    assert_eq!(status, 404);
    assert!(body.contains("\"error\""));
    assert_eq!(get(&format!("{app}/funding/upkeep-sim/nope")).await.0, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_open_collective_leaves_its_last_figures_marked_stale() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let mut config = config(&sim.url(), &store);
    config.funding.refresh_hours = 0;
    collect(&store.collector_with(config.clone())).await;
    // Open Collective now answers 404 everywhere.
    config.funding.open_collective_url = format!("{}/opencollective/gone", sim.url()).parse().unwrap();
    collect(&store.collector_with(config.clone())).await;
    let app = crate::helpers::spawn_app(config, store.db.clone()).await;

    let doc = page(&format!("{app}/funding/upkeep-sim/atlas")).await;
    let notes = text(&select(&doc, "#notes")[0]);
    assert!(notes.contains("Stale: Open Collective could not be refreshed"), "{notes}");
    let collective = text(&select(&doc, "#collective")[0]);
    assert!(collective.contains("stale") && collective.contains("USD"), "{collective}");
    let doc = page(&format!("{app}/funding")).await;
    assert!(row_text(&doc, "atlas").contains("stale"));
}
