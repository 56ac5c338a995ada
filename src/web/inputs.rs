//! Stored rows turned into the pure metrics' inputs, for every audience: the maintainer
//! dashboards, the funders' pages and reports, and the newcomer pages read the same rows the same
//! way, so a number means the same thing on each.

use crate::db::dashboard::{PersonWeekRow, ResponseItemRow};
use crate::metrics::{
    load::ActivityWeek,
    response::{AuthorClass, ResponderTimes, ResponseItem},
};

/// The response clocks of `rows`' items, bots' items left out unless `include_bots`.
pub fn response_times<'a>(
    rows: impl IntoIterator<Item = &'a ResponseItemRow>,
    include_bots: bool,
) -> Vec<ResponseItem> {
    rows.into_iter().filter(|r| include_bots || !r.author_is_bot).map(|r| responder_times(r).overall()).collect()
}

/// The class of an item's author ([`AuthorClass::of`]), from its row.
pub fn author_class(r: &ResponseItemRow) -> AuthorClass {
    AuthorClass::of(r.author_is_maintainer, r.author_first_at, r.created_at)
}

/// Each person-week's maintenance activity (responses, reviews, merges, triage), for the load
/// and burnout metrics. Negative counts (never stored) read as zero.
pub fn activity<'a>(weeks: impl Iterator<Item = &'a PersonWeekRow>) -> Vec<ActivityWeek> {
    let u = |v: i64| v.max(0) as u64;
    weeks
        .map(|w| ActivityWeek {
            week: w.week,
            login: w.login.clone(),
            responses: u(w.responses),
            reviews: u(w.reviews),
            merges: u(w.merges),
            triage: u(w.triage),
        })
        .collect()
}

/// The response clocks of one item.
pub fn responder_times(r: &ResponseItemRow) -> ResponderTimes {
    ResponderTimes {
        clock_start: r.clock_start,
        first_maintainer_response_at: r.first_maintainer_response_at,
        first_community_response_at: r.first_community_response_at,
        first_bot_response_at: r.first_bot_response_at,
    }
}
