//! The maintainers' audience: project health and maintainer load, per repository, per org and
//! for every tracked repository at once.
//!
//! `params` validates the shared query string, `rows` loads through `db::dashboard`, `dashboard`
//! computes with `metrics`, `views` formats, `pages`/`overview` render, `export` writes CSV/JSON,
//! `badges` serves shields-style SVG.

pub mod badges;
pub mod dashboard;
pub mod export;
pub mod overview;
pub mod pages;
pub mod people;
pub mod present;
pub mod rollup;
pub mod rows;
pub mod views;
