//! The `self_declared` step against the simulated GitHub: `.github/upkeep-affiliations.toml`
//! stored with the logins that committed it (atlas: two commits, one with no linked account),
//! stored as it is when it does not parse (quasar), stored empty as too large (nebula: GitHub's
//! `encoding: "none"`), absent (pulsar: a `404`), forgotten when it disappears, and an unchanged
//! re-sync that is all `304`s (the commits are listed only when the file changed).

use crate::funding::{collect_one, latest_step_row, repo_id};
use crate::helpers::{Store, config_for, sim_options, start_sim};
use upkeep::db::{self_declared as store, sync_state};
use upkeep::metrics::affiliation::{Affiliations, Source};

const STEP: &str = "self_declared";

/// `(status, requests)` of the step in the latest run of `repo`.
async fn step(store: &Store, repo: &str) -> (String, i64) {
    let (status, error, requests) = latest_step_row(store, repo, STEP).await;
    assert_eq!(error, None, "{repo}");
    (status, requests)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_stored_with_their_committers_and_an_unchanged_resync_is_all_304s() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let collector = store.collector(&sim);
    let repos = ["atlas", "quasar", "nebula", "pulsar"];
    for repo in repos {
        let summary = collect_one(&collector, repo).await;
        assert!(summary.failed_repos.is_empty(), "{summary:?}");
    }
    let pool = &store.db.pool;

    // atlas: the file, and its one committer with an account (the other commit has none).
    let atlas = store::get_self_declared(pool, repo_id(&store, "atlas").await).await.unwrap().expect("atlas's file");
    assert!(atlas.path.ends_with("/upkeep-sim/atlas/blob/main/.github/upkeep-affiliations.toml"), "{}", atlas.path);
    assert!(!atlas.too_large && !atlas.committers_truncated);
    let committers = atlas.committer_logins();
    assert_eq!(committers.len(), 1, "{committers:?}");
    // The committer is the file's first entry; its second entry names someone who did not commit.
    let (applied, refused) = Affiliations::default().with_self_declared(&atlas.raw, &committers).expect("it parses");
    assert_eq!(applied.entries().len(), 1);
    assert_eq!(applied.entries()[0].login, committers[0]);
    assert_eq!(applied.entries()[0].source, Source::SelfDeclared);
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_ne!(refused[0], committers[0]);
    assert_eq!(step(&store, "atlas").await, ("ok".to_owned(), 2), "the file and one page of its commits");

    // quasar: not TOML, stored as it is (the page says so), with its committer.
    let quasar = store::get_self_declared(pool, repo_id(&store, "quasar").await).await.unwrap().expect("stored");
    assert!(Affiliations::parse(&quasar.raw, Source::SelfDeclared).is_err(), "{}", quasar.raw);
    assert_eq!(quasar.committer_logins().len(), 1);

    // nebula: larger than the contents API sends; stored empty, its commits not listed.
    let nebula = store::get_self_declared(pool, repo_id(&store, "nebula").await).await.unwrap().expect("stored");
    assert!(nebula.too_large && nebula.raw.is_empty() && nebula.committer_logins().is_empty(), "{nebula:?}");
    assert_eq!(step(&store, "nebula").await, ("ok".to_owned(), 1));

    // pulsar: none (a 404).
    assert_eq!(store::get_self_declared(pool, repo_id(&store, "pulsar").await).await.unwrap(), None);
    assert_eq!(step(&store, "pulsar").await, ("ok".to_owned(), 1));

    for repo in repos {
        let again = collect_one(&collector, repo).await;
        assert_eq!(again.requests, again.not_modified, "{repo}: inside refresh_hours only 304s");
        assert_eq!(again.items_written, 0, "{repo}");
    }
    assert_eq!(step(&store, "atlas").await, ("not_modified".to_owned(), 1), "the commits are not listed again");
    assert_eq!(step(&store, "nebula").await, ("not_modified".to_owned(), 1));
    assert_eq!(step(&store, "pulsar").await, ("skipped".to_owned(), 0));
    assert_eq!(store::get_self_declared(pool, atlas.repo_id).await.unwrap(), Some(atlas));
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_disappears_is_forgotten() {
    let sim = start_sim(sim_options()).await;
    let store = Store::new().await;
    let collector = store.collector_with(config_for(&sim.url(), &store.path()));
    collect_one(&collector, "pulsar").await;
    let pulsar = repo_id(&store, "pulsar").await;
    // A copy from when pulsar had a file, with the ETag it came with: GitHub now answers 404.
    let row = store::SelfDeclaredRow {
        repo_id: pulsar,
        path: "old".into(),
        raw: "[[affiliation]]\nlogin = \"x\"\nkind = \"independent\"\n".into(),
        too_large: false,
        committers: "[\"x\"]".into(),
        committers_truncated: false,
        fetched_at: 1,
    };
    store::upsert_self_declared(&store.db.pool, &row).await.unwrap();
    sync_state::save_sync_state(&store.db.pool, "upkeep-sim/pulsar", STEP, None, Some("\"old\""), 1).await.unwrap();

    collect_one(&collector, "pulsar").await;
    assert_eq!(step(&store, "pulsar").await, ("ok".to_owned(), 1));
    assert_eq!(store::get_self_declared(&store.db.pool, pulsar).await.unwrap(), None, "the copy is deleted");
    sim.stop().await;
}
