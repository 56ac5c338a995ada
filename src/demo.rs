//! `upkeep demo`: the whole product offline. Starts the simulated GitHub on a free loopback
//! port, collects from it into a fresh database, serves the dashboards, and keeps the simulated
//! organisation alive: every tick it advances one simulated day and syncs again.

use std::{process::ExitCode, sync::Arc, time::Duration};

use crate::metrics::affiliation::Source;
use crate::{app::Application, config::Config, db::Db, github::sync::Collector, scheduler};
use upkeep_sim::{Scale, SimOptions, SimServer, hostile::Hostility};

pub async fn run(mut config: Config, port: u16, scale: Scale, tick_secs: u64) -> anyhow::Result<ExitCode> {
    let mut stop = StopSignal::install();
    let mut opts = SimOptions::new(42, scale);
    // History ends "now", so the dashboards' recent windows are full.
    opts.epoch = chrono::Utc::now().timestamp() / 3600 * 3600;
    // Misbehaviour recorded from real GitHub and proxies that a sync must survive without losing
    // data: resets sent in milliseconds, and GraphQL's 200 "Something went wrong" on every third
    // query (retried). The demo keeps exercising both.
    opts.hostile = vec![Hostility::MillisReset, Hostility::GraphqlErrors];
    let sim = SimServer::start(opts, 0).await?;

    let db_path = std::env::temp_dir().join(format!("upkeep-demo-{}.db", std::process::id()));
    // Removes the database however this function ends: stopped, or failed to start.
    let removal = RemoveOnDrop(db_path.clone());
    removal.remove();
    demo_config(&mut config, &sim.url(), &db_path, port)?;
    if config.funding.grants.is_empty() {
        let (items, milestones) = (sim.item_states("atlas"), sim.milestone_states("atlas"));
        config.funding.grants = vec![demo_grant(chrono::Utc::now().date_naive(), &items, &milestones)];
    }
    let config = Arc::new(config);
    let db = Db::open(&config.database.path).await?;
    let collector = Arc::new(Collector::from_config(config.clone(), db.clone())?);
    let app = Application::build(config.clone(), db.clone(), config.server.bind)
        .await
        .map_err(|e| anyhow::anyhow!("{e} (choose another port with `upkeep demo --port P`)"))?;

    println!("Upkeep demo: open http://{}/", app.address());
    println!("  funders: http://{}/funding (atlas has a demo grant; pulsar has no funding)", app.address());
    println!("  the demo grant's milestones: http://{}/funding/upkeep-sim/atlas/grants/{DEMO_GRANT_ID}", app.address());
    println!(
        "  simulated GitHub at {} (organisation upkeep-sim, scale {scale:?}; it sends rate-limit resets in \
         milliseconds and fails every third GraphQL query, as real servers sometimes do)",
        sim.url()
    );
    println!("  database {} (fresh; deleted when the demo stops)", db_path.display());
    println!("  every {tick_secs} s one simulated day passes and Upkeep syncs again. Ctrl-C stops.");

    let ticker = tokio::spawn(async move {
        let timeout = Duration::from_secs(600);
        scheduler::run_once(&collector, "demo", timeout).await;
        loop {
            tokio::time::sleep(Duration::from_secs(tick_secs)).await;
            sim.advance(1.0, 0.002);
            scheduler::run_once(&collector, "demo", timeout).await;
        }
    });
    let server = app.run_until_stopped();
    let served = tokio::select! {
        r = server => r,
        _ = stop.wait() => {
            println!("\nStopping the demo.");
            Ok(())
        }
    };
    ticker.abort();
    let _ = ticker.await;
    close(&db).await;
    removal.remove();
    println!("Deleted the demo database {}.", db_path.display());
    served?;
    Ok(ExitCode::SUCCESS)
}

/// Closes the pool (SQLite checkpoints and removes its `-wal` and `-shm` files on the last close).
async fn close(db: &Db) {
    db.pool.close().await;
}

/// Ctrl-C or SIGTERM (a service manager, `kill`). Installed before the demo announces itself,
/// so a signal sent as soon as the database path is printed is caught, not fatal.
struct StopSignal {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl StopSignal {
    fn install() -> StopSignal {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = signal(SignalKind::interrupt()).ok().zip(signal(SignalKind::terminate()).ok());
            StopSignal { signals }
        }
        #[cfg(not(unix))]
        StopSignal {}
    }

    async fn wait(&mut self) {
        #[cfg(unix)]
        if let Some((interrupt, terminate)) = &mut self.signals {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The demo's database, its WAL files and its lock file, deleted when dropped (and on [`Self::remove`]).
struct RemoveOnDrop(std::path::PathBuf);

impl RemoveOnDrop {
    fn remove(&self) {
        for suffix in ["", "-wal", "-shm", ".lock"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        self.remove();
    }
}

/// Points a configuration at the simulator: its org only, archived repos included, a demo database.
fn demo_config(config: &mut Config, sim_url: &str, db_path: &std::path::Path, port: u16) -> anyhow::Result<()> {
    config.github.api_url = sim_url.parse()?;
    config.github.graphql_url = None;
    config.funding.open_collective_url = format!("{sim_url}/opencollective/graphql/v2").parse()?;
    config.sources.repos.clear();
    config.sources.orgs = vec!["upkeep-sim".to_owned()];
    config.sources.include_archived = true;
    // The simulated org's CI account has no `[bot]` suffix: only configuration can say it's a bot.
    if !config.people.bots.iter().any(|b| b.eq_ignore_ascii_case("upkeep-ci")) {
        config.people.bots.push("upkeep-ci".to_owned());
    }
    config.database.path = db_path.to_owned();
    config.database.url = None;
    config.server.bind = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    config.collector.backoff_base_ms = 50;
    config.collector.backoff_max_secs = 2;
    // Each tick is a simulated day: refresh Sponsors and Open Collective every tick, so their
    // series move while the demo runs.
    config.funding.refresh_hours = 0;
    if config.people.affiliations.is_none() {
        let text = demo_affiliations(chrono::Utc::now().date_naive());
        config.people.affiliation_table = crate::metrics::affiliation::Affiliations::parse(&text, Source::File)
            .map_err(|problems| anyhow::anyhow!("the demo's affiliations: {}", problems.join("; ")))?;
    }
    Ok(())
}

/// The demo's affiliations file, dated around `today`: a job change half a year ago (paid by the
/// first employer, not by the university after), an alias that merges two logins into one person,
/// paid and unpaid employers, a foundation, an independent, one entry of kind `unknown`, and the
/// other contributors left without an entry (unknown).
fn demo_affiliations(today: chrono::NaiveDate) -> String {
    let change = today.checked_sub_months(chrono::Months::new(6)).unwrap_or(today);
    let before = change - chrono::Days::new(1);
    format!(
        r#"
[[affiliation]]
login = "txu"
org = "Acme Cloud"
kind = "employer"
to = "{before}"
paid_for_oss = true

[[affiliation]]
login = "txu"
org = "University of Lund"
kind = "academic"
from = "{change}"

[[affiliation]]
login = "chen_achebe9"
aliases = ["nmendes"]
org = "Hooli"
kind = "employer"
paid_for_oss = true

[[affiliation]]
login = "dweber"
org = "Initech"
kind = "employer"

[[affiliation]]
login = "wcastro"
org = "University of Lund"
kind = "academic"

[[affiliation]]
login = "noor-petrov"
org = "Open Science Foundation"
kind = "foundation"
paid_for_oss = true

[[affiliation]]
login = "ularsen"
org = "Initech"
kind = "employer"

[[affiliation]]
login = "hugo_yilmaz0"
kind = "independent"

[[affiliation]]
login = "yara-horvat"
org = "Ruritania Institute of Technology"
kind = "academic"

[[affiliation]]
login = "dara-brandt"
kind = "unknown"
"#
    )
}

/// The demo grant's page id.
pub const DEMO_GRANT_ID: &str = "demo-2026";

/// A year-long grant of 60,000 USD to atlas that started six months ago (the funded side of the
/// demo, and the default period of its impact report), with three milestones built from atlas's
/// items as they are (`atlas`, from the simulator) so that, whatever today is: "Triage the issue
/// backlog" (due four months ago, three done items) is done; "Release automation" (due a month
/// ago, one done and the oldest open issue) is late; "Documentation overhaul" (due at the end,
/// three done items and the second-oldest open issue: 3/4 done against half the time elapsed) is
/// on track. Two spending entries and a milestone amount each. "Release automation" also names
/// atlas's latest closed GitHub milestone (`milestones`, from the simulator), with its items: the
/// page shows that milestone's own state, due date and counts, and notes the mismatch (closed on
/// GitHub while the grant milestone's oldest open issue is not done).
pub fn demo_grant(
    today: chrono::NaiveDate,
    atlas: &[upkeep_sim::ItemState],
    milestones: &[upkeep_sim::MilestoneState],
) -> crate::funding::Grant {
    use crate::funding::grants::{GrantPlan, Milestone, Spend, WorkRef};
    use crate::funding::{Currency, Money};
    let months_ago = |n: u32| today.checked_sub_months(chrono::Months::new(n)).unwrap_or(today);
    let start = months_ago(6);
    let end = start.checked_add_months(chrono::Months::new(12)).unwrap_or(today) - chrono::Days::new(1);
    let usd = |units: i64| Money::new(units * 100, Currency::USD);
    let item =
        |s: &upkeep_sim::ItemState| WorkRef::Item { repo: "upkeep-sim/atlas".to_owned(), number: s.number as i64 };
    let done: Vec<WorkRef> = atlas.iter().filter(|s| s.done).take(7).map(item).collect();
    let open: Vec<WorkRef> = atlas.iter().filter(|s| s.open && !s.is_pull_request).take(2).map(item).collect();
    let pick = |from: &[WorkRef], range: std::ops::Range<usize>| from.get(range).unwrap_or_default().to_vec();
    let milestone =
        |title: &str, due, work| Milestone { title: title.to_owned(), due, amount: Some(usd(20_000)), work };
    let closed = milestones.iter().filter(|m| m.closed);
    let latest = closed.max_by_key(|m| (m.due_on.is_some(), m.due_on));
    let on_github: Vec<WorkRef> = latest
        .map(|m| WorkRef::GithubMilestone { repo: "upkeep-sim/atlas".to_owned(), title: m.title.clone() })
        .into_iter()
        .collect();
    crate::funding::Grant {
        funder: "Demo Foundation".to_owned(),
        amount: usd(60_000),
        start,
        end,
        repos: vec!["upkeep-sim/atlas".to_owned()],
        purpose: "Maintenance and triage".to_owned(),
        people: vec!["hugo_yilmaz0".to_owned()],
        plan: GrantPlan {
            id: Some(DEMO_GRANT_ID.to_owned()),
            milestones: vec![
                milestone("Triage the issue backlog", months_ago(4), pick(&done, 0..3)),
                milestone(
                    "Release automation",
                    months_ago(1),
                    [on_github, pick(&done, 3..4), pick(&open, 0..1)].concat(),
                ),
                milestone("Documentation overhaul", end, [pick(&done, 4..7), pick(&open, 1..2)].concat()),
            ],
            budget_spent: vec![
                Spend { date: months_ago(5), amount: usd(5_000), note: "Contractor, first month".to_owned() },
                Spend { date: months_ago(2), amount: usd(7_500), note: "Release tooling".to_owned() },
            ],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::affiliation::{Affiliations, Kind};

    #[test]
    fn the_demo_affiliations_parse_with_a_job_change_an_alias_and_unknowns() {
        let today: chrono::NaiveDate = "2026-12-06".parse().unwrap();
        let a = Affiliations::parse(&demo_affiliations(today), Source::File).unwrap();
        let on = |login: &str, day: &str| a.at(login, day.parse().unwrap());
        assert_eq!(on("txu", "2026-06-05").org.as_deref(), Some("Acme Cloud"));
        assert!(on("txu", "2026-06-05").paid_for_oss);
        assert_eq!(on("txu", "2026-06-06").kind, Kind::Academic);
        assert_eq!(on("nmendes", "2026-01-01").person, "chen_achebe9");
        assert_eq!(on("dara-brandt", "2026-01-01").kind, Kind::Unknown);
        assert_eq!(on("ada33", "2026-01-01").source, None);
        assert_eq!(demo_grant(today, &[], &[]).people, ["hugo_yilmaz0"]);
    }
}
