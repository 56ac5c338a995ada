//! A project's newcomer page, computed: the onboarding checklist from its community profile,
//! Newcomer Experience (CHAOSS) over the window, and outcomes per newcomer label and per mentor.
//!
//! Pure: [`ProjectRows`] + window + `now` in, [`Project`] out (also the page's JSON). Who is a
//! first-timer is decided in `db` (`repo_people`) and by `metrics::response::AuthorClass::of`;
//! the formulas are `metrics::newcomers`'.

use std::collections::BTreeMap;

use serde::Serialize;

use super::load::{ProjectRows, parse_list};
use crate::db::newcomers::{ClosingPrRow, CommunityProfileRow, TimelineRow};
use crate::metrics::newcomers::experience::RETURN_WITHIN_DAYS;
use crate::metrics::newcomers::{
    Contributor, FirstTimerPr, LabelledIssue, NewcomerExperience, NewcomerInput, NewcomerLabels, NewcomerOutcomes,
    newcomer_experience, newcomer_outcomes,
};
use crate::metrics::response::{AuthorClass, ResponseItem};
use crate::metrics::{DAY, Window};
use crate::newcomers::thread;
use crate::web::inputs::author_class;

/// One entry of the onboarding checklist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChecklistItem {
    pub key: &'static str,
    pub name: &'static str,
    pub present: bool,
    /// GitHub's guide to adding it.
    pub docs: &'static str,
}

/// The community profile as a checklist; `None` when no profile was collected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checklist {
    pub health_percentage: i64,
    pub items: Vec<ChecklistItem>,
    pub contributing_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    pub repo: String,
    pub html_url: String,
    pub now: i64,
    pub window: Window,
    pub checklist: Option<Checklist>,
    pub experience: NewcomerExperience,
    pub outcomes: NewcomerOutcomes,
}

pub fn compute(
    rows: &ProjectRows,
    labels: &NewcomerLabels,
    configured: &[String],
    window: Window,
    now: i64,
) -> Project {
    Project {
        repo: rows.repo.full_name.clone(),
        html_url: rows.repo.html_url.clone(),
        now,
        window,
        checklist: rows.profile.as_ref().map(checklist),
        experience: experience(rows, window, now),
        outcomes: newcomer_outcomes(&labelled_issues(rows, labels, configured, now), window, now),
    }
}

pub fn checklist(p: &CommunityProfileRow) -> Checklist {
    let item = |key, name, present, docs| ChecklistItem { key, name, present, docs };
    Checklist {
        health_percentage: p.health_percentage,
        contributing_url: p.contributing_url.clone(),
        items: vec![
            item(
                "readme",
                "README",
                p.has_readme,
                "https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-readmes",
            ),
            item(
                "contributing",
                "CONTRIBUTING",
                p.has_contributing,
                "https://docs.github.com/en/communities/setting-up-your-project-for-healthy-contributions/setting-guidelines-for-repository-contributors",
            ),
            item(
                "code_of_conduct",
                "CODE_OF_CONDUCT",
                p.has_code_of_conduct,
                "https://docs.github.com/en/communities/setting-up-your-project-for-healthy-contributions/adding-a-code-of-conduct-to-your-project",
            ),
            item(
                "issue_template",
                "Issue templates",
                p.has_issue_template,
                "https://docs.github.com/en/communities/using-templates-to-encourage-useful-issues-and-pull-requests/configuring-issue-templates-for-your-repository",
            ),
            item(
                "pull_request_template",
                "Pull request template",
                p.has_pull_request_template,
                "https://docs.github.com/en/communities/using-templates-to-encourage-useful-issues-and-pull-requests/creating-a-pull-request-template-for-your-repository",
            ),
            item(
                "license",
                "Licence",
                p.has_license,
                "https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/licensing-a-repository",
            ),
        ],
    }
}

/// GitHub's overview of community health files, for when no profile was collected.
pub const COMMUNITY_DOCS: &str = "https://docs.github.com/en/communities/setting-up-your-project-for-healthy-contributions/about-community-profiles-for-public-repositories";

fn experience(rows: &ProjectRows, window: Window, now: i64) -> NewcomerExperience {
    let contributors: Vec<Contributor> = rows
        .contributors
        .iter()
        .map(|c| Contributor { login: c.login.clone(), first_at: c.first_at, second_at: c.second_at })
        .collect();
    let prs: Vec<FirstTimerPr> = rows
        .first_timer_prs
        .iter()
        .map(|p| FirstTimerPr { created_at: p.created_at, merged_at: p.merged_at, closed_at: p.closed_at })
        .collect();
    let (mut first_timer_items, mut regular_items) = (Vec::new(), Vec::new());
    for r in rows.response_items.iter().filter(|r| !r.author_is_bot) {
        let item = ResponseItem { clock_start: r.clock_start, first_response_at: r.first_response_at };
        match author_class(r) {
            AuthorClass::FirstTimer => first_timer_items.push(item),
            AuthorClass::Returning | AuthorClass::Maintainer => regular_items.push(item),
        }
    }
    let input = NewcomerInput {
        contributors: &contributors,
        first_timer_prs: &prs,
        first_timer_items: &first_timer_items,
        regular_items: &regular_items,
    };
    newcomer_experience(&input, window, now)
}

/// The newcomer-labelled issues of the rows, with their mentor and how they were closed.
fn labelled_issues(rows: &ProjectRows, labels: &NewcomerLabels, configured: &[String], now: i64) -> Vec<LabelledIssue> {
    let mut timelines: BTreeMap<i64, Vec<&TimelineRow>> = BTreeMap::new();
    for t in &rows.timelines {
        timelines.entry(t.issue_id).or_default().push(t);
    }
    let mut closing: BTreeMap<i64, Vec<&ClosingPrRow>> = BTreeMap::new();
    for p in rows.closing_prs.iter().filter(|p| p.by_first_timer) {
        closing.entry(p.issue_id).or_default().push(p);
    }
    rows.labelled
        .iter()
        .filter_map(|issue| {
            let raw = parse_list(&issue.labels);
            let canonical: Vec<String> = labels.of_issue(&raw).into_iter().map(str::to_owned).collect();
            if canonical.is_empty() {
                return None;
            }
            let timeline = timelines.get(&issue.id).map_or(&[][..], Vec::as_slice);
            let mentor = thread::read(timeline, &raw, &rows.maintainers, configured).mentor.map(|m| m.login);
            let by_first_timer = closing.get(&issue.id).map_or(&[][..], Vec::as_slice);
            Some(LabelledIssue {
                labels: canonical,
                mentor,
                created_at: issue.created_at,
                closed_at: issue.closed_at,
                first_response_at: issue.first_response_at,
                closed_by_first_timer_pr: issue.closed_at.is_some() && !by_first_timer.is_empty(),
                first_timer_returned: by_first_timer.iter().any(|p| came_back(p, now)),
            })
        })
        .collect()
}

/// Whether the first-timer behind a closing pull request contributed again within 90 days.
fn came_back(pr: &ClosingPrRow, now: i64) -> bool {
    match (pr.author_first_at, pr.author_second_at) {
        (Some(first), Some(second)) => second <= now && (0..=RETURN_WITHIN_DAYS * DAY).contains(&(second - first)),
        _ => false,
    }
}
