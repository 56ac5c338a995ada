//! The burnout signals' shared period and source: the recent period ([`RECENT_WEEKS`] complete
//! weeks before the current one), the windows counted back from it, and the definition they cite.
//! A leaf under `burnout/mod.rs` and its three signals, which import it instead of their parent.

use crate::metrics::time::{WEEK, Window, week_start};

/// The recent period, in complete weeks before the current one.
pub const RECENT_WEEKS: i64 = 4;

pub(super) const SOURCE: &str = "https://chaoss.community/kb/metric-project-burnout/";

/// The `weeks` complete weeks ending `offset` weeks before the start of the current week.
pub(super) fn weeks_before(now: i64, offset: i64, weeks: i64) -> Window {
    let end = week_start(now) - offset * WEEK;
    Window::new(end - weeks * WEEK, end)
}
