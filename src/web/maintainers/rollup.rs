//! What a dashboard's cards show ([`super::views::cards`]), as [`CardMeasures`]: taken from a
//! whole [`Dashboard`], or computed alone for the overview's rollup (all repositories together)
//! from each repository's window rows as they were read. Computed alone, nothing is merged into
//! one scope and nothing else of a dashboard is computed (the weekly maintainer shares, response
//! times by author class and by responder role, the backlog series), by the same functions. The
//! `present` integration test checks every value against the whole dashboard's.

use super::dashboard::{Dashboard, contributions_by_type};
use super::present::Present;
use super::rows::ScopeRows;
use crate::db::dashboard::PersonWeekRow;
use crate::metrics::{
    Explain, Window,
    absence::{AbsenceFactors, absence_factors},
    backlog::BacklogAgeing,
    closing::{
        AcceptanceRatio, ChangeRequest, Closable, ClosureRatio, DurationSummary, change_request_acceptance_ratio,
        change_request_closure_ratio, time_to_close, time_to_merge,
    },
    load::{TopShare, active_maintainers, load_explain, lowercase, roster, top_responder},
    response::{ResponderTimes, ResponseSummary, first_response_overall},
};
use crate::web::inputs::{activity_ref, responder_times};

/// The measures a dashboard's cards show.
#[derive(Debug, Clone, PartialEq)]
pub struct CardMeasures {
    pub window: Window,
    /// Time to first response (overall) of issues, and of pull requests.
    pub issues: ResponseSummary,
    pub pulls: ResponseSummary,
    pub time_to_close: DurationSummary,
    pub time_to_merge: DurationSummary,
    pub closure: ClosureRatio,
    pub acceptance: AcceptanceRatio,
    pub absence: AbsenceFactors,
    /// The maintainer load's roster size, active maintainers and top share.
    pub maintainers: usize,
    pub active_maintainers: usize,
    pub top_responder: Option<TopShare>,
    pub open_issues: usize,
    pub open_prs: usize,
    pub issue_ageing: BacklogAgeing,
    pub stale: usize,
    pub unanswered_count: i64,
}

impl CardMeasures {
    /// The cards' measures of a whole dashboard.
    pub fn of(d: &Dashboard) -> CardMeasures {
        CardMeasures {
            window: d.window,
            issues: d.issues.by_responder.overall.clone(),
            pulls: d.pulls.by_responder.overall.clone(),
            time_to_close: d.time_to_close.clone(),
            time_to_merge: d.time_to_merge.clone(),
            closure: d.closure.clone(),
            acceptance: d.acceptance.clone(),
            absence: d.absence.clone(),
            maintainers: d.load.maintainers,
            active_maintainers: d.load.active_maintainer_count,
            top_responder: d.load.top_responder.clone(),
            open_issues: d.open_issues,
            open_prs: d.open_prs,
            issue_ageing: d.issue_ageing,
            stale: d.issue_ageing.stale + d.pr_ageing.stale,
            unanswered_count: d.unanswered_count,
        }
    }

    /// The cards' measures of the repositories whose window rows are `parts` (read with
    /// [`super::rows::Parts::Window`]) taken together, with their present state `present`: what
    /// [`CardMeasures::of`] gives for the dashboard of [`ScopeRows::merge`] of them.
    pub fn compute(parts: &[ScopeRows], present: &Present, window: Window, include_bots: bool, now: i64) -> Self {
        let keep = |is_bot: bool| include_bots || !is_bot;
        let times = |pr: bool| -> Vec<ResponderTimes> {
            (parts.iter().flat_map(|p| &p.response_items))
                .filter(|r| keep(r.author_is_bot) && r.is_pull_request == pr)
                .map(responder_times)
                .collect()
        };
        let closed: Vec<Closable> = (parts.iter().flat_map(|p| &p.closed_items))
            .filter(|r| keep(r.author_is_bot) && !r.is_pull_request)
            .map(|r| Closable { created_at: r.created_at, closed_at: Some(r.closed_at) })
            .collect();
        let prs: Vec<ChangeRequest> = (parts.iter().flat_map(|p| &p.change_requests))
            .filter(|r| keep(r.author_is_bot))
            .map(|r| ChangeRequest { created_at: r.created_at, closed_at: r.closed_at, merged_at: r.merged_at })
            .collect();
        // The person-weeks of every repository unmerged: the absence factors add each login's
        // counts, and the top share each person's responses, in any order.
        let humans = || parts.iter().flat_map(|p| &p.person_weeks).filter(|w| !w.is_bot);
        let mut maintainers: Vec<String> = parts.iter().flat_map(|p| p.maintainers.iter().cloned()).collect();
        maintainers.sort();
        maintainers.dedup();
        let roster = roster(&maintainers);
        // The roster's rows in the merged order (by week, login, account), whose first spelling
        // of a week names an active maintainer.
        let mut theirs: Vec<&PersonWeekRow> =
            humans().filter(|w| roster.contains(lowercase(&w.login).as_ref())).collect();
        theirs.sort_by(|a, b| (a.week, &a.login, a.account_id).cmp(&(b.week, &b.login, b.account_id)));
        CardMeasures {
            window,
            issues: first_response_overall(&times(false), now),
            pulls: first_response_overall(&times(true), now),
            time_to_close: time_to_close(&closed, window),
            time_to_merge: time_to_merge(&prs, window),
            closure: change_request_closure_ratio(&prs, window),
            acceptance: change_request_acceptance_ratio(&prs, window),
            absence: absence_factors(&contributions_by_type(humans())),
            maintainers: roster.len(),
            active_maintainers: active_maintainers(theirs.into_iter().map(activity_ref), &roster, window).len(),
            top_responder: top_responder(humans().map(activity_ref), window),
            open_issues: present.issue_ageing.total,
            open_prs: present.pr_ageing.total,
            issue_ageing: present.issue_ageing,
            stale: present.issue_ageing.stale + present.pr_ageing.stale,
            unanswered_count: present.unanswered_count,
        }
    }

    /// The maintainer load's explanation, of the measures the cards show of it.
    pub fn load_explain(&self) -> Explain {
        load_explain(self.window, self.maintainers, self.active_maintainers, self.top_responder.as_ref())
    }
}
