//! Grant pages end to end: the demo's grant (three milestones built from the simulated atlas's
//! items, so one is done, one late and one on track whatever today is) plus a fourth milestone
//! with a hostile title and references to nothing, over the synced simulated org; the page, its
//! JSON, CSV and Markdown, the API, the links from the ledger and the impact report, and errors.

use upkeep::demo::{DEMO_GRANT_ID, demo_grant};
use upkeep::funding::Grant;
use upkeep::funding::grants::{Milestone, WorkRef, plan};

use crate::helpers::{Store, collect, config_for, get, json, page, select, sim_options, spawn_app, start_sim, text};

const HOSTILE: &str = "<script>alert(1)</script> | *v2* [x](javascript:y) =cmd()";

fn grant(atlas: &[upkeep_sim::ItemState]) -> Grant {
    let today = chrono::Utc::now().date_naive();
    let mut grant = demo_grant(today, atlas);
    let work: Vec<WorkRef> = vec![
        plan::parse_item_ref("upkeep-sim/atlas#99999").unwrap(),
        plan::parse_label_ref("upkeep-sim/atlas:no-such-label").unwrap(),
        plan::parse_milestone_ref("upkeep-sim/nowhere:v1").unwrap(),
        plan::parse_milestone_ref("upkeep-sim/atlas:No such milestone").unwrap(),
    ];
    grant.plan.milestones.push(Milestone { title: HOSTILE.to_owned(), due: grant.end, amount: None, work });
    grant
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_grant_page_json_csv_and_markdown_show_milestones_work_and_money() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let mut config = config_for(&sim.url(), &store.path());
    let grant = grant(&sim.item_states("atlas"));
    config.funding.grants = vec![grant.clone()];
    collect(&store.collector_with(config.clone())).await;
    let milestones: u64 = sim.totals().iter().map(|t| t.milestones).sum();
    assert!(milestones > 0);
    assert_eq!(store.count("milestones").await as u64, milestones, "every GitHub milestone is collected");
    let app = spawn_app(config, store.db.clone()).await;
    // Spent: the demo's 50.00 + 75.00 USD of budget_spent, plus atlas's paid Open Collective
    // expenses dated within the grant and up to now, read back from the store.
    let now = chrono::Utc::now().timestamp();
    let period = grant.period();
    let stored =
        upkeep::db::funding::list_open_collective_expenses(&store.db.pool, "upkeep-atlas", period.from, now, 1_000);
    let oc: i64 = stored.await.unwrap().iter().map(|e| e.amount_cents).sum();
    assert!(oc > 0, "atlas's collective paid expenses during the grant");
    let (spent, unspent) = (1_250_000 + oc, 6_000_000 - 1_250_000 - oc);
    let usd = |cents: i64| upkeep::funding::Money::new(cents, upkeep::funding::Currency::USD).to_string();
    let path = format!("/funding/upkeep-sim/atlas/grants/{DEMO_GRANT_ID}");

    // The page: four milestones with their statuses, linked items, money, rules and notes.
    let doc = page(&format!("{app}{path}")).await;
    let statuses: Vec<&str> =
        select(&doc, "#milestones-table .status").iter().filter_map(|s| s.value().attr("data-status")).collect();
    assert_eq!(statuses, ["done", "late", "on_track", "at_risk"]);
    let done: Vec<String> = select(&doc, "#milestones-table td.num").iter().map(text).collect();
    assert_eq!(done, ["3 of 3", "1 of 2", "3 of 4", "0 of 0"]);
    assert_eq!(select(&doc, "#milestone-1 tbody tr").len(), 3, "the done milestone's three items");
    let first_item = text(&select(&doc, "#milestone-1 tbody tr")[0]);
    assert!(first_item.contains("upkeep-sim/atlas#"), "{first_item}");
    assert!(text(&select(&doc, "#status-rules")[0]).contains("At risk: not done, not late"));
    let money: Vec<String> = select(&doc, "#money-table td").iter().map(text).collect();
    assert_eq!(money[0], "60,000.00 USD", "budget");
    assert_eq!(money[2], usd(spent), "spent");
    assert_eq!(money[3], usd(unspent), "unspent");
    assert!(!select(&doc, "#expenses-table tbody tr").is_empty(), "the expenses counted are listed");
    // The hostile title is text, never markup; the three dangling references are notes.
    let titles: Vec<String> = select(&doc, "#milestones-table th[scope=row] a").iter().map(text).collect();
    assert_eq!(titles[3], HOSTILE);
    let html = crate::helpers::get(&format!("{app}{path}")).await.1;
    assert!(!html.contains("<script>alert"), "the title is escaped");
    let notes: Vec<String> = select(&doc, "#notes li").iter().map(text).collect();
    assert_eq!(notes.len(), 4, "{notes:?}");
    assert!(notes[0].starts_with("upkeep-sim/atlas#99999: no such issue"), "{notes:?}");
    assert!(notes[2].contains("upkeep-sim/nowhere is not tracked"), "{notes:?}");
    assert!(notes[3].contains("no GitHub milestone titled \"No such milestone\" was collected"), "{notes:?}");
    let summary = text(&select(&doc, "#summary p")[0]);
    assert!(summary.starts_with("Demo Foundation granted 60,000.00 USD for Maintenance and triage"), "{summary}");
    assert!(summary.contains("1 of 4 milestones are done, 1 on track, 1 at risk and 1 late"), "{summary}");

    // JSON, from the page's format and the API: the names scripts rely on.
    let api = json(&format!("{app}/api/v1{path}")).await;
    assert_eq!(api, json(&format!("{app}{path}?format=json")).await, "same answer");
    let ms = api["milestones"].as_array().unwrap();
    let keys: Vec<(&str, u64, u64, usize)> = ms
        .iter()
        .map(|m| {
            let n = |k: &str| m[k].as_u64().unwrap();
            (m["status"].as_str().unwrap(), n("done_items"), n("total_items"), m["items"].as_array().unwrap().len())
        })
        .collect();
    assert_eq!(keys, [("done", 3, 3, 3), ("late", 1, 2, 2), ("on_track", 3, 4, 4), ("at_risk", 0, 0, 0)]);
    assert_eq!(ms[0]["due"].as_str().map(str::len), Some(10));
    let states: Vec<(&str, &str, bool)> = ms[1]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap(), i["state"].as_str().unwrap(), i["done"].as_bool().unwrap()))
        .filter(|(_, state, _)| *state == "open")
        .collect();
    assert_eq!(states, [("issue", "open", false)], "the late milestone's open issue");
    let amount = |k: &str| (api["money"][k][0]["currency"].clone(), api["money"][k][0]["cents"].clone());
    assert_eq!(amount("budget"), ("USD".into(), 6_000_000.into()));
    assert_eq!(amount("spent"), ("USD".into(), spent.into()));
    assert_eq!(amount("unspent"), ("USD".into(), unspent.into()));
    let listed: i64 =
        api["open_collective_expenses"].as_array().unwrap().iter().map(|e| e["cents"].as_i64().unwrap()).sum();
    assert_eq!(listed, oc);
    assert_eq!(api["money"]["received"][0]["currency"], "USD");
    assert_eq!(api["milestones"][3]["title"], HOSTILE);

    // CSV: a row per milestone, per item of each, per money figure, per note; formulas defused.
    let (status, csv) = get(&format!("{app}{path}?format=csv")).await;
    assert_eq!(status, 200);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("section,milestone,due,status,done_items,total_items,reference"), "{}", lines[0]);
    let count = |section: &str| lines.iter().filter(|l| l.starts_with(&format!("{section},"))).count();
    assert_eq!((count("milestone"), count("item"), count("money"), count("note")), (4, 9, 4, 4));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("money,")
                && l.ends_with(&format!("unspent,USD,{}.{:02}", unspent / 100, unspent % 100))),
        "{csv}"
    );

    // Markdown for a funder's form: the table, each item, the money; the hostile title defused.
    let (status, md) = get(&format!("{app}{path}?format=md")).await;
    assert_eq!(status, 200);
    assert!(md.starts_with("# Grant progress: Demo Foundation, upkeep-sim/atlas\n"), "{md}");
    assert!(md.contains("| Triage the issue backlog | "), "{md}");
    assert!(md.contains("| done | 3 of 3 |"), "{md}");
    assert!(md.contains(&format!("| Unspent | {} |", usd(unspent))), "{md}");
    assert!(md.contains(r"\<script\>alert(1)\</script\> \| \*v2\* \[x\](javascript:y)"), "{md}");
    assert!(!md.contains("<script>"), "{md}");

    // The ledger and the impact report link the page.
    let ledger = page(&format!("{app}/funding/upkeep-sim/atlas")).await;
    assert_eq!(select(&ledger, &format!("#grant-pages a[href=\"{path}\"]")).len(), 1);
    let ledger_json = json(&format!("{app}/api/v1/funding/upkeep-sim/atlas")).await;
    assert_eq!(ledger_json["grant_pages"][0]["path"], path.as_str());
    let report = page(&format!("{app}/reports/upkeep-sim/atlas")).await;
    assert_eq!(select(&report, &format!("#grants a[href=\"{path}\"]")).len(), 1);

    // Errors: an unknown id or repository is a 404, a bad format a 400; the API answers JSON.
    assert_eq!(get(&format!("{app}/funding/upkeep-sim/atlas/grants/nope")).await.0, 404);
    assert_eq!(get(&format!("{app}/funding/upkeep-sim/pulsar/grants/{DEMO_GRANT_ID}")).await.0, 404);
    assert_eq!(get(&format!("{app}{path}?format=pdf")).await.0, 400);
    let (status, body) = get(&format!("{app}/api/v1{path}?format=csv")).await;
    assert_eq!(status, 400);
    assert!(serde_json::from_str::<serde_json::Value>(&body).is_ok(), "{body}");
    sim.stop().await;
}

/// A milestone reference that cannot be parsed stops `upkeep` with exit code 2, naming the grant,
/// the milestone and the reference; an unparseable spending entry likewise.
#[test]
fn a_bad_milestone_or_spending_entry_exits_with_2_and_names_the_key() {
    let grant = "[[funding.grants]]\nid = \"stf\"\nfunder = \"STF\"\namount = 100\ncurrency = \"USD\"\n\
                 start = \"2026-01-01\"\nend = \"2026-12-31\"\n";
    let cases = [
        (
            "[[funding.grants.milestones]]\ntitle = \"One\"\ndue = \"2026-03-31\"\nitems = [\"a/b#1\", \"a/b#one\"]\n",
            "milestones[0].items[1]: \"a/b#one\" is not owner/name#number",
        ),
        (
            "[[funding.grants.milestones]]\ntitle = \"One\"\ndue = \"2026-03-31\"\ngithub_milestone = \"v1\"\n",
            "milestones[0].github_milestone: \"v1\" is not owner/name:Milestone title",
        ),
        (
            "[[funding.grants.budget_spent]]\ndate = \"2026-02-01\"\namount = 5\ncurrency = \"usd\"\n",
            "budget_spent[0].currency",
        ),
    ];
    for (table, needle) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grants.toml");
        std::fs::write(&path, format!("{grant}{table}")).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_upkeep"))
            .args(["--config", path.to_str().unwrap(), "collect"])
            .env_remove("GITHUB_TOKEN")
            .env_remove("GH_TOKEN")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("grants.toml:1: funding.grants[0]: grant from \"STF\""), "{stderr}");
        assert!(stderr.contains(needle), "{needle:?} missing from {stderr}");
    }
}
