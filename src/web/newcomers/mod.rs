//! The newcomers' audience: which open issues a first-time contributor can pick up today, who
//! will help, and whether the project treats newcomers well.
//!
//! `params` validates query strings (unknown values are 400s), `load` reads rows through
//! `db::newcomers`, `shared` keeps the project signals computed once per data version (`current`
//! computes them into that slot), `finder` reads one page of the finder from the facts the
//! collector stores ([`crate::newcomers`], `db::newcomer_facts`), `signals` and
//! `project` compute with `metrics::newcomers` (pure, rows + `now`), `views` formats, `pages` renders the finder and the
//! project page (and their JSON), `feed` serves the Atom feeds and the SVG widget.
//!
//! Routes (declared in [`crate::web::routes`]): `/newcomers`, `/api/v1/newcomers`,
//! `/newcomers.atom`, `/newcomers/{owner}/{name}`, `/api/v1/newcomers/{owner}/{name}`,
//! `/newcomers/{owner}/{name}.atom` and `/newcomers/{owner}/{name}/widget.svg`. Pages never call
//! GitHub; the collector fills `issue_timeline` and `community_profiles`.

pub mod current;
pub mod feed;
pub mod finder;
pub mod load;
pub mod pages;
pub mod params;
pub mod project;
pub mod shared;
pub mod signals;
pub mod views;
