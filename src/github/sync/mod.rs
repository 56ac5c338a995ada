//! One collection run: resolve the tracked repositories, sync each one resource by resource,
//! and record the run.
//!
//! Order per repository (each step is recorded in `sync_run_resources`):
//! 1. `repo`: metadata, conditional on its ETag ([`repo`]);
//! 2. `probe`: `/issues?sort=updated&direction=desc&per_page=1` with the stored ETag. A `304`
//!    means no issue, PR, comment or review changed, so steps 3 to 5 are skipped at no quota
//!    cost. The probe's new ETag is saved only after steps 3 to 5 all succeed;
//! 3. `issues`, `issue_comments`, `review_comments`, `pulls` ([`conversation`]), a page per
//!    statement, written behind the reading ([`write_behind`]: the pages queued while one batch
//!    is written go in one transaction);
//! 4. `reviews`: GraphQL batches for pull requests changed since the last pass ([`reviews`]);
//! 5. `derived`: first-response facts for changed items;
//! 6. `releases`, `milestones`, `closers` (who closed the issues a grant references, [`closers`])
//!    and `commits` (the default branch's history, [`commits`]), each conditional on its
//!    own ETag ([`extras`]), then `community` and `self_declared` ([`self_declared`]; auxiliary: a
//!    failure fails only that step);
//! 7. `rollups`: weekly and per-person rollups, brought up to date for the weeks and people the
//!    written rows touched ([`repo`], `db::rollups`);
//! 8. `profiles`: GitHub profile `company` of the people the pages class, by GraphQL, once per
//!    `[people] profile_refresh_days` ([`profiles`]; auxiliary);
//! 9. `funding`, `sponsorable`, `manifest`, `funding_yml`, `open_collective` ([`funding`],
//!    [`funding_yml`]), after the rollups because `sponsorable` asks for the maintainers they
//!    infer; their failures do not fail the repository.
//!
//! Failure policy: a repository that fails is recorded and the run goes on with the next one;
//! a 401 stops the run (every repository would fail the same way).

pub mod closers;
pub mod collector;
pub mod commits;
pub mod context;
pub mod conversation;
pub mod extras;
pub mod foreign;
pub mod funding;
pub mod funding_yml;
pub mod newcomers;
pub mod open_collective;
pub mod pages;
pub mod profiles;
pub mod progress;
pub mod repo;
pub mod repo_file;
pub mod reviews;
pub mod run;
pub mod self_declared;
pub mod write_behind;

pub use collector::{Collector, OVERLAP_SECS, StepStatus, SyncError, item_key, now};
pub use pages::{Pages, STALE_PAGES, Walk};
pub use run::{CollectSummary, RunError, RunOptions};
