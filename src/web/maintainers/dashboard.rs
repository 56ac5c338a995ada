//! The maintainer dashboard of one scope (a repository or an org), computed from its rows by the
//! pure functions in `metrics`. The same [`Dashboard`] value feeds the HTML page, the JSON API
//! and the CSV exports, so every number on the page is also in `/api/v1`.

use serde::Serialize;

use super::present::{self, Present};
use super::rows::ScopeRows;
use crate::db::dashboard::{PersonWeekRow, ResponseItemRow, UnansweredRow};
use crate::metrics::{
    Window,
    absence::{AbsenceFactors, ContributionsByType, absence_factors, contributor_absence_factor},
    backlog::{BacklogAgeing, BacklogSeries, WeekRollup, backlog_series},
    burnout::BurnoutSignal,
    closing::{
        AcceptanceRatio, ChangeRequest, Closable, ClosureRatio, DurationSummary, change_request_acceptance_ratio,
        change_request_closure_ratio, time_to_close, time_to_merge,
    },
    inactive::InactiveContributors,
    load::{ActivityRef, MaintainerLoad, active_maintainers, maintainer_load_of, roster},
    release::{Lifecycle, ReleaseFrequency},
    response::{
        AuthorClass, AuthorClassSplit, ResponderSplit, ResponderTimes, ResponseItem, ResponseSummary,
        issue_response_time, response_by_author_class, response_by_responder, time_to_first_response,
    },
    week_start,
};
use crate::web::inputs::{activity_ref, author_class, responder_times, response_times};

/// Response times of one kind of item (issues, or pull requests).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Responsiveness {
    pub by_responder: ResponderSplit,
    pub by_author: AuthorClassSplit,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    pub window: Window,
    pub include_bots: bool,
    pub generated_at: i64,
    /// The time the parts that do not depend on the window (lifecycle, releases, open backlog,
    /// burnout signals, inactive contributors, unanswered items) are as of: `generated_at`, or
    /// up to [`super::present::MAX_AGE`] before it when they were computed ahead.
    pub present_at: i64,
    pub lifecycle: Lifecycle,
    pub releases: ReleaseFrequency,
    pub issues: Responsiveness,
    pub pulls: Responsiveness,
    pub issue_response_time: ResponseSummary,
    /// Time to First Response over issues and pull requests together (the overview's column).
    pub all_items: ResponseSummary,
    pub time_to_close: DurationSummary,
    pub time_to_merge: DurationSummary,
    pub closure: ClosureRatio,
    pub acceptance: AcceptanceRatio,
    pub backlog: BacklogSeries,
    pub open_issues: usize,
    pub open_prs: usize,
    pub issue_ageing: BacklogAgeing,
    pub pr_ageing: BacklogAgeing,
    pub absence: AbsenceFactors,
    pub load: MaintainerLoad,
    pub burnout: Vec<BurnoutSignal>,
    pub inactive: InactiveContributors,
    pub unanswered_count: i64,
    pub unanswered: Vec<UnansweredRow>,
}

/// Computes the dashboard. `archived` is true when every repository of the scope is archived.
pub fn compute(rows: &ScopeRows, window: Window, include_bots: bool, archived: bool, now: i64) -> Dashboard {
    assemble(rows, &present::compute(rows, archived, include_bots, now), window, include_bots, now)
}

/// The dashboard of `rows`' window with `present`: the parts that do not depend on the window,
/// computed from these rows or before ([`present::PresentCache`]); `rows` then need only the
/// window's ([`super::rows::Parts::Window`]).
pub fn assemble(rows: &ScopeRows, present: &Present, window: Window, include_bots: bool, now: i64) -> Dashboard {
    let keep = |is_bot: bool| include_bots || !is_bot;
    let items: Vec<&ResponseItemRow> = rows.response_items.iter().filter(|r| keep(r.author_is_bot)).collect();
    let (issue_rows, pr_rows): (Vec<&ResponseItemRow>, Vec<&ResponseItemRow>) =
        items.iter().partition(|r| !r.is_pull_request);
    let issue_items: Vec<ResponseItem> = issue_rows.iter().map(|r| responder_times(r).overall()).collect();

    let closed: Vec<Closable> = rows
        .closed_items
        .iter()
        .filter(|r| keep(r.author_is_bot) && !r.is_pull_request)
        .map(|r| Closable { created_at: r.created_at, closed_at: Some(r.closed_at) })
        .collect();
    let prs: Vec<ChangeRequest> = rows
        .change_requests
        .iter()
        .filter(|r| keep(r.author_is_bot))
        .map(|r| ChangeRequest { created_at: r.created_at, closed_at: r.closed_at, merged_at: r.merged_at })
        .collect();
    let humans = |w: &&PersonWeekRow| !w.is_bot;
    let maintainers = &rows.maintainers;
    let present = present.clone();
    // The people's measures on a second core while this one computes the items' (a large
    // organisation's window holds tens of thousands of person-weeks).
    let ((absence, load), responses) = alongside(
        || {
            let weeks = || rows.person_weeks.iter().filter(humans);
            let activity: Vec<ActivityRef<'_>> = weeks().map(activity_ref).collect();
            (absence_factors(&contributions_by_type(weeks())), maintainer_load_of(&activity, maintainers, window))
        },
        || {
            (
                responsiveness(&issue_rows, now),
                responsiveness(&pr_rows, now),
                issue_response_time(&issue_items, now),
                time_to_first_response(&response_times(&rows.response_items, include_bots), now),
            )
        },
    );
    let (issues, pulls, issue_response_time, all_items) = responses;

    Dashboard {
        window,
        include_bots,
        generated_at: now,
        present_at: present.at,
        lifecycle: present.lifecycle,
        releases: present.releases,
        issues,
        pulls,
        issue_response_time,
        all_items,
        time_to_close: time_to_close(&closed, window),
        time_to_merge: time_to_merge(&prs, window),
        closure: change_request_closure_ratio(&prs, window),
        acceptance: change_request_acceptance_ratio(&prs, window),
        backlog: backlog(rows, window, include_bots),
        open_issues: present.issue_ageing.total,
        open_prs: present.pr_ageing.total,
        issue_ageing: present.issue_ageing,
        pr_ageing: present.pr_ageing,
        absence,
        load,
        burnout: present.burnout,
        inactive: present.inactive,
        unanswered_count: present.unanswered_count,
        unanswered: present.unanswered,
    }
}

/// The measures of an overview row that depend on the window: what [`assemble`] computes for
/// them, by the same functions, and nothing else (a dashboard's other measures cost more than
/// these together).
#[derive(Debug, Clone, PartialEq)]
pub struct RowMeasures {
    pub backlog: BacklogSeries,
    pub all_items: ResponseSummary,
    pub merged_prs_absence: Option<usize>,
    pub active_maintainers: usize,
}

impl RowMeasures {
    /// The row's measures of a whole dashboard.
    pub fn of(d: &Dashboard) -> RowMeasures {
        RowMeasures {
            backlog: d.backlog.clone(),
            all_items: d.all_items.clone(),
            merged_prs_absence: d.absence.merged_prs.factor,
            active_maintainers: d.load.active_maintainer_count,
        }
    }

    /// The row's measures of `rows`' window alone.
    pub fn compute(rows: &ScopeRows, window: Window, include_bots: bool, now: i64) -> RowMeasures {
        let items = response_times(&rows.response_items, include_bots);
        let weeks = || rows.person_weeks.iter().filter(|w| !w.is_bot);
        RowMeasures {
            backlog: backlog(rows, window, include_bots),
            all_items: time_to_first_response(&items, now),
            merged_prs_absence: {
                // The merged-PR column of `contributions_by_type` unsummed (the factor sums per login).
                let merged = weeks().map(|w| (w, crate::web::inputs::contributions(w)[1])).filter(|(_, n)| *n > 0);
                let counts: Vec<(String, u64)> = merged.map(|(w, n)| (w.login.clone(), n)).collect();
                contributor_absence_factor(&counts).factor
            },
            active_maintainers: {
                active_maintainers(weeks().map(activity_ref), &roster(&rows.maintainers), window).len()
            },
        }
    }
}

/// `a()` on another thread while this one runs `b()`: two halves of one page's computation on
/// two cores. A panic in `a` carries on here.
pub fn alongside<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|s| {
        let other = s.spawn(a);
        let b = b();
        (other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), b)
    })
}

fn responsiveness(rows: &[&ResponseItemRow], now: i64) -> Responsiveness {
    let times: Vec<ResponderTimes> = rows.iter().map(|r| responder_times(r)).collect();
    let classed: Vec<(AuthorClass, ResponseItem)> =
        rows.iter().map(|r| (author_class(r), responder_times(r).overall())).collect();
    Responsiveness {
        by_responder: response_by_responder(&times, now),
        by_author: response_by_author_class(&classed, now),
    }
}

/// Weekly open backlog over the window; the open counts before it are the running sum before.
fn backlog(rows: &ScopeRows, window: Window, include_bots: bool) -> BacklogSeries {
    let first_week = week_start(window.from);
    let flows = |r: &crate::db::dashboard::RepoWeekRow| -> [i64; 4] {
        let all = [r.opened_issues, r.closed_issues, r.opened_prs, r.closed_prs];
        let bots = [r.bot_opened_issues, r.bot_closed_issues, r.bot_opened_prs, r.bot_closed_prs];
        if include_bots { all } else { std::array::from_fn(|i| all[i] - bots[i]) }
    };
    let (mut open_issues, mut open_prs) = (0i64, 0i64);
    let mut in_window = Vec::new();
    for r in &rows.repo_weeks {
        let [oi, ci, op, cp] = flows(r);
        if r.week < first_week {
            open_issues += oi - ci;
            open_prs += op - cp;
        } else if r.week < window.to {
            let u = |v: i64| v.max(0) as u64;
            in_window.push(WeekRollup {
                week: r.week,
                opened_issues: u(oi),
                closed_issues: u(ci),
                opened_prs: u(op),
                closed_prs: u(cp),
            });
        }
    }
    // Quiet weeks have no rollup row; the series still covers every week of the window.
    let mut week = first_week;
    while week < window.to {
        if !in_window.iter().any(|r| r.week == week) {
            in_window.push(WeekRollup { week, opened_issues: 0, closed_issues: 0, opened_prs: 0, closed_prs: 0 });
        }
        week += crate::metrics::WEEK;
    }
    in_window.sort_by_key(|r| r.week);
    backlog_series(&in_window, open_issues.max(0) as u64, open_prs.max(0) as u64)
}

pub(super) fn contributions_by_type<'a>(weeks: impl Iterator<Item = &'a PersonWeekRow>) -> ContributionsByType {
    // Hashed: each column's order does not matter (the absence factor ranks them).
    let mut sums: foldhash::HashMap<&str, [u64; 4]> = Default::default();
    for w in weeks {
        let e = sums.entry(w.login.as_str()).or_default();
        for (slot, v) in e.iter_mut().zip(crate::web::inputs::contributions(w)) {
            *slot += v;
        }
    }
    let column =
        |i: usize| sums.iter().filter(|(_, v)| v[i] > 0).map(|(login, v)| ((*login).to_owned(), v[i])).collect();
    ContributionsByType { commits: column(0), merged_prs: column(1), reviews: column(2), issue_comments: column(3) }
}
