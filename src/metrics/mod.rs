//! Project-health metrics as pure functions: rows and `now` in, numbers out.
//!
//! Each submodule computes one family of metrics and is named after its definition, the CHAOSS one
//! where there is one (the formula text and a link travel with every result, see [`Definition`]).
//! The shared vocabulary lives in two leaves that every family imports (`time.rs`, `definition.rs`;
//! re-exported here):
//! - timestamps are `i64` unix seconds UTC and durations are `i64` seconds;
//! - a [`Window`] is half-open, `[from, to)`;
//! - weeks start on Sunday 00:00 UTC, as in GitHub's contributor statistics ([`week_start`]);
//! - one quantile definition everywhere, nearest rank, generalised to right-censored data by
//!   Kaplan–Meier ([`quantile`]);
//! - ratios are `Option<f64>`, `None` when the denominator is zero, so no NaN reaches a page;
//! - every result has an `explain()` that returns an [`Explain`]: the name, the formula and the
//!   inputs it used, which is what a "how is this computed?" disclosure prints.
//!
//! It deliberately does no IO, reads no clock and formats nothing for display: `db` loads the rows
//! (and decides who is a bot or a maintainer), `web` turns the results into pages and JSON.
//!
//! The families: [`response`] (Time to First Response, Issue Response Time), [`closing`] (Time to
//! Close/Merge, Change Request Closure and Acceptance Ratios), [`backlog`], [`absence`]
//! (Contributor Absence Factor), [`load`] (maintainer load), [`burnout`] (Project Burnout trace
//! signals), [`inactive`] (Inactive Contributors), [`release`] (Release Frequency, lifecycle),
//! [`elephant`] (Elephant Factor, over [`affiliation`]'s dated affiliations) and [`unfunded`] (the
//! unfunded share of maintainer work).

pub mod absence;
pub mod affiliation;
pub mod backlog;
pub mod burnout;
pub mod closing;
pub mod definition;
pub mod elephant;
pub mod inactive;
pub mod load;
pub mod newcomers;
pub mod quantile;
pub mod release;
pub mod response;
pub mod time;
pub mod unfunded;

pub use definition::{Definition, Explain};
pub(crate) use definition::{fmt_ts, fmt_window};
pub use quantile::{Quantile, nearest_rank};
pub use time::{DAY, WEEK, Window, week_start};
