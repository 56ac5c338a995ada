//! Grant pages end to end: the demo's grant (three milestones built from the simulated atlas's
//! items, so one is done, one late and one on track whatever today is) plus a fourth milestone
//! with a hostile title and references to nothing, over the synced simulated org; the page, its
//! JSON, CSV and Markdown, the API, the links from the ledger and the impact report, and errors.
//! Also who closed each issue: the collector asks only for the closed issues a grant references,
//! re-syncs with `304`s only, forgets a reopened issue's closer; a hostile closer login is text.

use upkeep::demo::{DEMO_GRANT_ID, demo_grant};
use upkeep::funding::Grant;
use upkeep::funding::grants::{Milestone, WorkRef, plan};

use crate::helpers::{Store, collect, config_for, get, json, page, select, sim_options, spawn_app, start_sim, text};

const HOSTILE: &str = "<script>alert(1)</script> | *v2* [x](javascript:y) =cmd()";

fn grant(atlas: &[upkeep_sim::ItemState], milestones: &[upkeep_sim::MilestoneState]) -> Grant {
    let today = chrono::Utc::now().date_naive();
    let mut grant = demo_grant(today, atlas, milestones);
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
    let (atlas, github) = (sim.item_states("atlas"), sim.milestone_states("atlas"));
    let grant = grant(&atlas, &github);
    config.funding.grants = vec![grant.clone()];
    collect(&store.collector_with(config.clone())).await;
    // The late milestone names atlas's latest closed GitHub milestone, with its items: its
    // figures, counted from the simulator (a pull request closed unmerged counts in neither).
    let tied = github.iter().filter(|m| m.closed).max_by_key(|m| (m.due_on.is_some(), m.due_on)).unwrap();
    let late_refs: Vec<u64> = match &grant.plan.milestones[1].work[..] {
        [WorkRef::GithubMilestone { title, .. }, rest @ ..] => {
            assert_eq!(title, &tied.title);
            let mut numbers: Vec<u64> = tied.items.clone();
            numbers.extend(rest.iter().filter_map(|r| match r {
                WorkRef::Item { number, .. } => Some(*number as u64),
                _ => None,
            }));
            numbers.sort_unstable();
            numbers.dedup();
            numbers
        }
        other => panic!("the late milestone names its GitHub milestone first: {other:?}"),
    };
    let late_items: Vec<&upkeep_sim::ItemState> = atlas.iter().filter(|s| late_refs.contains(&s.number)).collect();
    let counted: Vec<&&upkeep_sim::ItemState> =
        late_items.iter().filter(|s| !(s.is_pull_request && !s.open && !s.done)).collect();
    let late = (counted.iter().filter(|s| s.done).count(), counted.len(), late_items.len());
    assert!(late.0 < late.1, "the late milestone has an open issue");
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
    assert_eq!(
        done,
        ["3 of 3".to_owned(), format!("{} of {}", late.0, late.1), "3 of 4".to_owned(), "0 of 0".to_owned()]
    );
    // The late milestone's GitHub milestone, next to its due date: state, due date, counts.
    let shown: Vec<String> = select(&doc, "#milestones-table .github-milestone").iter().map(text).collect();
    let due =
        tied.due_on.map_or("no due date".to_owned(), |d| format!("due {}", upkeep::funding::grant_progress::day_of(d)));
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].starts_with(&format!("GitHub upkeep-sim/atlas:{}: closed, {due}; ", tied.title)), "{shown:?}");
    let counts = format!(
        "{} open, {} closed",
        tied.items.iter().filter(|n| atlas[**n as usize - 1].open).count(),
        tied.items.iter().filter(|n| !atlas[**n as usize - 1].open).count()
    );
    assert!(shown[0].ends_with(&counts), "{shown:?} vs {counts}");
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
    assert_eq!(notes.len(), 5, "{notes:?}");
    let mismatch = format!(
        "\"Release automation\": the GitHub milestone upkeep-sim/atlas:{} is closed, but the grant milestone has only {} of {} items done.",
        tied.title, late.0, late.1
    );
    assert_eq!(notes[4], mismatch, "closed on GitHub while its work is not done");
    // Who closed or merged each finished item; open ones name nobody.
    let closers: Vec<String> = select(&doc, "#milestone-1 td.closer").iter().map(text).collect();
    assert_eq!(closers.len(), 3);
    assert!(closers.iter().all(|c| !c.is_empty()), "every done item names who finished it: {closers:?}");
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
    let (d, t, n) = (late.0 as u64, late.1 as u64, late.2);
    assert_eq!(keys, [("done", 3, 3, 3), ("late", d, t, n), ("on_track", 3, 4, 4), ("at_risk", 0, 0, 0)]);
    let github_json = &ms[1]["github_milestones"];
    assert_eq!(github_json.as_array().map(Vec::len), Some(1), "{github_json}");
    assert_eq!(github_json[0]["repo"], "upkeep-sim/atlas");
    assert_eq!(github_json[0]["title"], tied.title.as_str());
    assert_eq!(github_json[0]["state"], "closed");
    assert_eq!(github_json[0]["due_on"].as_str().map(str::len), tied.due_on.map(|_| 10));
    let on_github = github_json[0]["open_issues"].as_u64().unwrap() + github_json[0]["closed_issues"].as_u64().unwrap();
    assert_eq!(on_github, tied.items.len() as u64);
    assert_eq!(ms[0]["github_milestones"], serde_json::json!([]));
    // Every closed issue has a closed_by key (a login, or null when GitHub did not say), and
    // merged pull requests keep merged_by.
    let all_items: Vec<&serde_json::Value> = ms.iter().flat_map(|m| m["items"].as_array().unwrap()).collect();
    assert!(all_items.iter().all(|i| i.get("closed_by").is_some()));
    assert!(all_items.iter().any(|i| i["kind"] == "issue" && i["closed_by"].is_string()), "a closer is shown");
    assert!(all_items.iter().filter(|i| i["state"] == "open").all(|i| i["closed_by"].is_null()));
    assert_eq!(ms[0]["due"].as_str().map(str::len), Some(10));
    let states: Vec<(&str, &str, bool)> = ms[1]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap(), i["state"].as_str().unwrap(), i["done"].as_bool().unwrap()))
        .filter(|(_, state, _)| *state == "open")
        .collect();
    assert!(states.contains(&("issue", "open", false)), "the late milestone's open issue: {states:?}");
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
    assert!(lines[0].ends_with(",measure,currency,amount,closed_by"), "{}", lines[0]);
    assert_eq!((count("milestone"), count("item"), count("money"), count("note")), (4, 7 + late.2, 4, 5));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("money,")
                && l.ends_with(&format!("unspent,USD,{}.{:02},", unspent / 100, unspent % 100))),
        "{csv}"
    );

    // Markdown for a funder's form: the table, each item, the money; the hostile title defused.
    let (status, md) = get(&format!("{app}{path}?format=md")).await;
    assert_eq!(status, 200);
    assert!(md.starts_with("# Grant progress: Demo Foundation, upkeep-sim/atlas\n"), "{md}");
    assert!(md.contains("| Triage the issue backlog | "), "{md}");
    assert!(md.contains("| done | 3 of 3 |"), "{md}");
    assert!(md.contains(&format!("GitHub milestone upkeep-sim/atlas:{}: closed, {due}; ", tied.title)), "{md}");
    assert!(md.contains(" by "), "who closed or merged an item: {md}");
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

const ISSUE_ROUTE: &str = "GET /repos/{o}/{r}/issues/{n}";

/// Who closed each issue, end to end over atlas: a grant referencing six closed issues, a merged
/// pull request and an open issue. The first sync asks the six (not the pull request, whose
/// merger comes with `/pulls`, nor the open issue) and nothing else; an unchanged re-sync is all
/// `304`s, and asks again only the issues GitHub gave no closer for; after an issue is reopened,
/// its closer is forgotten and shown nowhere. A hostile closer login is text on the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closers_are_asked_for_grant_issues_only_revalidated_with_304s_and_forgotten_when_reopened() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let mut config = config_for(&sim.url(), &store.path());
    config.sources.orgs = Vec::new();
    config.sources.repos = vec!["upkeep-sim/atlas".parse().unwrap()];
    let atlas = sim.item_states("atlas");
    let closed: Vec<u64> =
        atlas.iter().filter(|s| !s.is_pull_request && !s.open).map(|s| s.number).rev().take(6).collect();
    let merged = atlas.iter().find(|s| s.is_pull_request && s.done).unwrap().number;
    let open = atlas.iter().find(|s| !s.is_pull_request && s.open).unwrap().number;
    let item = |n: u64| WorkRef::Item { repo: "upkeep-sim/atlas".to_owned(), number: n as i64 };
    let mut grant = demo_grant(chrono::Utc::now().date_naive(), &atlas, &[]);
    let work: Vec<WorkRef> = closed.iter().chain([&merged, &open]).map(|n| item(*n)).collect();
    grant.plan.milestones = vec![Milestone { title: "Closers".to_owned(), due: grant.end, amount: None, work }];
    config.funding.grants = vec![grant];
    let collector = store.collector_with(config.clone());

    collect(&collector).await;
    assert_eq!(sim.stats().by_route.get(ISSUE_ROUTE), Some(&6), "the six closed issues, nothing else");
    // A web app per look at the data: each has its own page cache, and the writes below that do
    // not come from a sync run would not move the data version the cache is keyed by.
    let grant_page = async |api: &str| {
        let app = spawn_app(config.clone(), store.db.clone()).await;
        format!("{app}{api}/funding/upkeep-sim/atlas/grants/{DEMO_GRANT_ID}")
    };
    let path = grant_page("/api/v1").await;
    let closers = |page: &serde_json::Value| -> Vec<(u64, serde_json::Value)> {
        let items = page["milestones"][0]["items"].as_array().unwrap().clone();
        items.iter().map(|i| (i["number"].as_u64().unwrap(), i["closed_by"].clone())).collect()
    };
    let first = closers(&json(&path).await);
    assert_eq!(first.len(), 8);
    let named = first.iter().filter(|(n, c)| closed.contains(n) && c.is_string()).count();
    let unknown = first.iter().filter(|(n, c)| closed.contains(n) && c.is_null()).count();
    assert_eq!(named + unknown, 6);
    assert!(named > 0, "GitHub names most closers: {first:?}");
    assert!(first.iter().filter(|(n, _)| !closed.contains(n)).all(|(_, c)| c.is_null()), "{first:?}");

    // Unchanged: every request a 304; only the closers GitHub did not name are asked again.
    sim.reset_stats();
    let again = collect(&collector).await;
    eprintln!(
        "closers re-sync: {} requests, {} answered 304, {unknown} closer(s) GitHub left null",
        again.requests, again.not_modified
    );
    assert_eq!(again.requests, again.not_modified, "an unchanged re-sync is answered by 304s only");
    assert_eq!(sim.stats().by_route.get(ISSUE_ROUTE).copied().unwrap_or(0), unknown as u64);
    assert_eq!(closers(&json(&grant_page("/api/v1").await).await), first, "the closers stay");

    // Reopened: the listing brings it back open, and its old closer is gone everywhere.
    let (reopened, _) = first.iter().find(|(n, c)| closed.contains(n) && c.is_string()).unwrap().clone();
    sim.advance(1.0, 0.0); // a day passes with no change: the reopening is the newest update
    assert!(sim.reopen_issue("atlas", reopened));
    collect(&collector).await;
    let after = closers(&json(&grant_page("/api/v1").await).await);
    assert!(after.iter().any(|(n, c)| *n == reopened && c.is_null()), "{after:?}");
    let repo = upkeep::db::repos::find_tracked_repository(&store.db.pool, "upkeep-sim/atlas").await.unwrap().unwrap();
    let numbers = format!("[{reopened}]");
    let stored = upkeep::db::grants::list_closers_to_ask(&store.db.pool, repo.id, &numbers, "[]", "[]", 1);
    assert!(stored.await.unwrap().is_empty(), "open: nothing to ask");
    let html = get(&grant_page("").await).await.1;
    let doc = scraper::Html::parse_document(&html);
    let row = select(&doc, "#milestone-1 tbody tr")
        .into_iter()
        .find(|r| text(r).contains(&format!("upkeep-sim/atlas#{reopened}")))
        .unwrap();
    assert!(text(&row).contains("open"), "{}", text(&row));
    let closer = row.select(&scraper::Selector::parse("td.closer").unwrap()).next().unwrap();
    assert_eq!(text(&closer), "", "no closer for an open issue");

    // A hostile closer login (as if GitHub sent one) is text in HTML and defused in Markdown.
    let (still, _) = after.iter().find(|(n, c)| closed.contains(n) && c.is_string()).unwrap().clone();
    let evil = upkeep::db::accounts::AccountRow {
        id: 987_654_321,
        login: HOSTILE.to_owned(),
        kind: "User".to_owned(),
        name: None,
        is_bot: false,
    };
    upkeep::db::accounts::upsert_account(&store.db.pool, &evil).await.unwrap();
    let numbers = format!("[{still}]");
    let stored = upkeep::db::grants::list_grant_items(&store.db.pool, repo.id, &numbers, "[]", "[]", 1);
    let row = stored.await.unwrap().remove(0);
    let answer = upkeep::db::grants::CloserAnswer { closed_by_id: Some(evil.id), closed_at: row.closed_at, etag: None };
    let checked = chrono::Utc::now().timestamp();
    upkeep::db::grants::save_closer(&store.db.pool, repo.id, still as i64, &answer, checked).await.unwrap();
    let page_url = grant_page("").await;
    let html = get(&page_url).await.1;
    assert!(!html.contains("<script>alert"), "the closer login is escaped");
    let doc = scraper::Html::parse_document(&html);
    assert!(select(&doc, "td.closer").iter().any(|c| text(c) == HOSTILE), "shown as text");
    let api = json(&page_url.replace("/funding/", "/api/v1/funding/")).await;
    assert!(closers(&api).iter().any(|(n, c)| *n == still && c == HOSTILE));
    let md = get(&format!("{page_url}?format=md")).await.1;
    assert!(!md.contains("<script>"), "{md}");
    assert!(md.contains(r"by \<script\>alert(1)\</script\>"), "{md}");
    let csv = get(&format!("{page_url}?format=csv")).await.1;
    assert!(csv.lines().any(|l| l.starts_with("item,") && l.contains("script")), "{csv}");
    sim.stop().await;
}
