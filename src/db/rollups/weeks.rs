//! The weeks a rollup or slice rebuild touches, and the index ranges it reads them through: the
//! rollups (`super`) and the week slices (`db::slices`) both rebuild by them.

use std::collections::BTreeSet;

use crate::db::dashboard::json_list as json;

/// The weeks a statement rebuilds.
pub(in crate::db) enum Weeks {
    All,
    Some(BTreeSet<i64>),
}

/// Weeks of one run ([`Weeks::runs`]) further apart than this are read as two index ranges.
const RUN_GAP_WEEKS: i64 = 8;
const WEEK_SECS: i64 = 604_800;

/// One index range of a rebuild: rows from `from` to before `to` whose week is in `weeks`.
#[derive(Debug, PartialEq)]
pub(in crate::db) struct WeekRun {
    pub from: i64,
    pub to: i64,
    /// The weeks, a JSON array; NULL for every week.
    pub weeks: Option<String>,
}

impl Weeks {
    /// `?2` (the first week, for an index range) and `?3` (the weeks as a JSON array, or NULL for
    /// all) of the statements below.
    pub(in crate::db) fn bounds(&self) -> (i64, Option<String>) {
        match self {
            Weeks::All => (i64::MIN, None),
            Weeks::Some(weeks) => (weeks.first().copied().unwrap_or(i64::MAX), Some(json(weeks))),
        }
    }

    /// The weeks as index ranges (`?2` to `?4`, with `?3` their weeks): one per run of weeks less
    /// than [`RUN_GAP_WEEKS`] apart, so a rebuild reads the rows of its weeks, not every row from
    /// the first one on (one old item edited made a 1% re-sync read years of rows). A row's
    /// week starts less than a week from its time either way (times before 1970-01-04 fall in a
    /// later week), so a run reads from a week before its first, never before the first week
    /// rebuilt: together the runs select exactly the rows `bounds` selects, each once.
    pub(in crate::db) fn runs(&self) -> Vec<WeekRun> {
        let Weeks::Some(weeks) = self else { return vec![WeekRun { from: i64::MIN, to: i64::MAX, weeks: None }] };
        let Some(&first) = weeks.first() else { return Vec::new() };
        let mut runs: Vec<Vec<i64>> = Vec::new();
        for &week in weeks {
            match runs.last_mut() {
                Some(run) if run.last().is_some_and(|&last| week.saturating_sub(last) < RUN_GAP_WEEKS * WEEK_SECS) => {
                    run.push(week)
                }
                _ => runs.push(vec![week]),
            }
        }
        runs.into_iter()
            .filter_map(|run| {
                let (lo, hi) = (*run.first()?, *run.last()?);
                Some(WeekRun {
                    from: lo.saturating_sub(WEEK_SECS).max(first),
                    to: hi.saturating_add(WEEK_SECS),
                    weeks: Some(json(&run)),
                })
            })
            .collect()
    }
}
