//! The rows of `db::dashboard` and `db::slices` as comparable, sorted tuples (the row types have
//! no `PartialEq`, and neither the reference queries nor the slices promise an order within a
//! window), shared by their tests.

use crate::db::dashboard::{ChangeRequestRow, ClosedItemRow, PersonWeekRow, ResponseItemRow};

/// A response item as a comparable tuple (created, clock, first response, by role, author's first
/// contribution, author maintainer, author bot; is_pull_request first).
pub(crate) type Item = (bool, i64, i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, bool, bool);

pub(crate) fn items(rows: Vec<ResponseItemRow>) -> Vec<Item> {
    let mut out: Vec<Item> = rows
        .into_iter()
        .map(|r| {
            (
                r.is_pull_request,
                r.created_at,
                r.clock_start,
                r.first_response_at,
                r.first_maintainer_response_at,
                r.first_community_response_at,
                r.first_bot_response_at,
                r.author_first_at,
                r.author_is_maintainer,
                r.author_is_bot,
            )
        })
        .collect();
    // By creation, then the whole row: items created in the same second come in no set order.
    out.sort_by(|a, b| (a.1, a).cmp(&(b.1, b)));
    out
}

pub(crate) fn closed(rows: Vec<ClosedItemRow>) -> Vec<(bool, i64, i64, Option<i64>, bool)> {
    let mut out: Vec<_> = rows
        .into_iter()
        .map(|r| (r.is_pull_request, r.created_at, r.closed_at, r.merged_at, r.author_is_bot))
        .collect();
    out.sort_unstable();
    out
}

pub(crate) fn changes(rows: Vec<ChangeRequestRow>) -> Vec<(i64, Option<i64>, Option<i64>, bool)> {
    let mut out: Vec<_> = rows.into_iter().map(|r| (r.created_at, r.closed_at, r.merged_at, r.author_is_bot)).collect();
    out.sort_unstable();
    out
}

/// A person's week: week, login, bot, maintainer, then issues, PRs opened, PRs merged, merges,
/// comments, responses, reviews, triage.
pub(crate) type PersonWeek = (i64, String, bool, bool, [i64; 8]);

pub(crate) fn people(rows: &[PersonWeekRow]) -> Vec<PersonWeek> {
    rows.iter()
        .map(|r| {
            let counts =
                [r.issues_opened, r.prs_opened, r.prs_merged, r.merges, r.comments, r.responses, r.reviews, r.triage];
            (r.week, r.login.clone(), r.is_bot, r.is_maintainer, counts)
        })
        .collect()
}
