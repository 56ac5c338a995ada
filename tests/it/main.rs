//! Upkeep's integration tests, one binary: the simulated GitHub on 127.0.0.1 → the collector →
//! SQLite (and PostgreSQL where `UPKEEP_TEST_POSTGRES_URL` says) → the web server on port 0.
//! Nothing here reaches the network.

mod helpers;

mod affiliations;
mod backends;
mod browser;
mod cli;
mod collector;
mod collector_faults;
mod collectors;
mod commits;
mod copy;
mod dashboards;
mod dashboards_site;
mod demo;
mod exit_codes;
mod forms;
mod funding;
mod funding_files;
mod funding_hostile;
mod funding_pages;
mod grants;
mod graphql_schema;
mod hostile;
mod hostile_answers;
mod hostile_collect;
mod newcomers;
mod newcomers_e2e;
mod newcomers_finder;
mod newcomers_project;
mod present;
mod print;
mod private_data;
mod profiles;
mod render_cache;
mod replay;
mod replay_bounds;
mod replay_quarantine;
mod report_seed;
mod reports;
mod rollups;
mod run_lease;
mod seed;
mod seed_ids;
mod self_declared;
mod servers;
mod slices;
mod tokens;
mod web;
mod web_http;
mod wire_examples;
