//! The funder pages: `/funding` (every project's sources and estimates), `/funding/{owner}/{name}`
//! (the ledger), the goal widget and sponsors badge, and their `/api/v1/` mirrors. The impact
//! report, which reads the same ledger entries, is [`crate::web::reports`].
//!
//! Loading is in [`load`], the row → ledger conversion in [`entries`]; money maths lives in
//! [`crate::funding`], activity metrics in [`crate::metrics`].

pub mod entries;
pub mod grant;
pub mod grant_export;
pub mod ledger;
pub mod load;
pub mod overview;
pub mod summary;
pub mod widgets;
