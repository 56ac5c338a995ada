//! Stored rows turned into the pure metrics' inputs, for every audience: the maintainer
//! dashboards, the funders' pages and reports, and the newcomer pages read the same rows the same
//! way, so a number means the same thing on each.

use crate::db::dashboard::{PersonWeekRow, ResponseItemRow};
use crate::metrics::{
    elephant::ContributionWeek,
    load::{ActivityRef, ActivityWeek},
    response::{AuthorClass, ResponderTimes, ResponseItem},
    unfunded::{GrantCover, WorkWeek},
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
    weeks
        .map(|w| {
            let [responses, reviews, merges, triage] = activity_kinds(w);
            ActivityWeek { week: w.week, login: w.login.clone(), responses, reviews, merges, triage }
        })
        .collect()
}

/// A person-week's [`activity`], borrowed (no login is copied).
pub fn activity_ref(w: &PersonWeekRow) -> ActivityRef<'_> {
    (w.week, w.login.as_str(), activity_kinds(w))
}

/// A person-week's four kinds of maintainer activity, in [`ActivityWeek`]'s order (responses,
/// reviews, merges, triage), negative counts as 0.
fn activity_kinds(w: &PersonWeekRow) -> [u64; 4] {
    [w.responses, w.reviews, w.merges, w.triage].map(|v| v.max(0) as u64)
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

/// Commits, merged pull requests, reviews and issue comments of a person-week: the contribution
/// types of the absence and elephant factors. Negative counts read as zero.
pub fn contributions(w: &PersonWeekRow) -> [u64; 4] {
    [w.commits, w.prs_merged, w.reviews, w.comments].map(|v| v.max(0) as u64)
}

/// Each human person-week's contributions, for the Elephant Factor.
pub fn contribution_weeks<'a>(weeks: impl Iterator<Item = &'a PersonWeekRow>) -> Vec<ContributionWeek<'a>> {
    weeks
        .filter(|w| !w.is_bot)
        .map(|w| ContributionWeek { week: w.week, login: &w.login, counts: contributions(w) })
        .collect()
}

/// Each human maintainer's week of maintenance work ([`activity`]'s four kinds together), for
/// the unfunded share.
pub fn maintainer_work<'a>(weeks: impl Iterator<Item = &'a PersonWeekRow>) -> Vec<WorkWeek> {
    activity(weeks.filter(|w| !w.is_bot && w.is_maintainer))
        .into_iter()
        .map(|a| WorkWeek { week: a.week, work: a.responses + a.reviews + a.merges + a.triage, login: a.login })
        .collect()
}

/// The grants that name people and cover one of `repos` (`owner/name`), as periods that fund them.
pub fn grant_covers(grants: &[crate::funding::Grant], repos: &[String]) -> Vec<GrantCover> {
    grants
        .iter()
        .filter(|g| !g.people.is_empty() && repos.iter().any(|r| g.covers(r)))
        .map(|g| {
            let period = g.period();
            GrantCover { funder: g.funder.clone(), people: g.people.clone(), from: period.from, to: period.to }
        })
        .collect()
}
