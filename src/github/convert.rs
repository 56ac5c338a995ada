//! Wire items to database rows: the one place where GitHub's shapes meet our schema.

use chrono::{DateTime, Utc};

use super::wire;
use crate::config::PeopleConfig;
use crate::db::{
    accounts::AccountRow,
    activity::{CommentRow, ContributorWeekRow, ReleaseRow, ReviewCommentRow, ReviewRow},
    issues::IssueRow,
    repos::RepositoryRow,
};

pub fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub fn account(u: &wire::User, people: &PeopleConfig) -> AccountRow {
    let kind = u.kind.clone().unwrap_or_else(|| "User".to_owned());
    AccountRow { id: u.id, login: u.login.clone(), is_bot: people.is_bot(&u.login, &kind), kind, name: u.name.clone() }
}

pub fn repository(r: &wire::Repository) -> RepositoryRow {
    let created = r.created_at.map(ts).unwrap_or(0);
    RepositoryRow {
        id: r.id,
        owner: r.owner.login.clone(),
        name: r.name.clone(),
        full_name: r.full_name.clone(),
        description: r.description.clone(),
        html_url: r.html_url.clone(),
        language: r.language.clone(),
        default_branch: r.default_branch.clone(),
        is_private: r.private,
        is_fork: r.fork,
        is_archived: r.archived,
        stargazers: r.stargazers_count,
        forks: r.forks_count,
        open_issues: r.open_issues_count,
        created_at: created,
        updated_at: r.updated_at.map(ts).unwrap_or(created),
        pushed_at: r.pushed_at.map(ts),
    }
}

pub fn issue(repo_id: i64, i: &wire::Issue) -> IssueRow {
    let labels: Vec<&str> = i.labels.iter().map(wire::Label::name).collect();
    let assignees: Vec<&str> = i.assignees.iter().flatten().map(|u| u.login.as_str()).collect();
    IssueRow {
        id: i.id,
        repo_id,
        number: i.number,
        node_id: i.node_id.clone(),
        is_pull_request: i.pull_request.is_some(),
        title: i.title.clone(),
        state: i.state.clone(),
        state_reason: i.state_reason.clone(),
        author_id: i.user.as_ref().map(|u| u.id),
        author_association: i.author_association.clone(),
        labels: json_list(&labels),
        assignees: json_list(&assignees),
        milestone: i.milestone.as_ref().map(|m| m.title.clone()),
        comments: i.comments,
        created_at: ts(i.created_at),
        updated_at: ts(i.updated_at),
        closed_at: i.closed_at.map(ts),
        draft: i.draft.unwrap_or(false),
        merged_at: i.pull_request.as_ref().and_then(|p| p.merged_at).map(ts),
    }
}

/// `None` when the parent number cannot be read from `issue_url` (a malformed item is skipped).
pub fn comment(repo_id: i64, c: &wire::IssueComment) -> Option<CommentRow> {
    Some(CommentRow {
        id: c.id,
        repo_id,
        issue_number: wire::trailing_number(&c.issue_url)?,
        author_id: c.user.as_ref().map(|u| u.id),
        author_association: c.author_association.clone(),
        created_at: ts(c.created_at),
        updated_at: ts(c.updated_at),
    })
}

pub fn review_comment(repo_id: i64, c: &wire::ReviewComment) -> Option<ReviewCommentRow> {
    Some(ReviewCommentRow {
        id: c.id,
        repo_id,
        pr_number: wire::trailing_number(&c.pull_request_url)?,
        review_id: c.pull_request_review_id,
        author_id: c.user.as_ref().map(|u| u.id),
        author_association: c.author_association.clone(),
        created_at: ts(c.created_at),
        updated_at: ts(c.updated_at),
    })
}

pub fn review(repo_id: i64, pr_number: i64, r: &wire::Review) -> ReviewRow {
    ReviewRow {
        id: r.id,
        repo_id,
        pr_number,
        author_id: r.user.as_ref().map(|u| u.id),
        author_association: r.author_association.clone(),
        state: r.state.clone(),
        submitted_at: r.submitted_at.map(ts),
    }
}

pub fn release(repo_id: i64, r: &wire::Release) -> ReleaseRow {
    ReleaseRow {
        id: r.id,
        repo_id,
        tag_name: r.tag_name.clone(),
        name: r.name.clone(),
        draft: r.draft,
        prerelease: r.prerelease,
        author_id: r.author.as_ref().map(|u| u.id),
        created_at: ts(r.created_at),
        published_at: r.published_at.map(ts),
    }
}

/// Weeks with no commits and no changed lines are not stored: GitHub lists every week since
/// the repository's creation for every contributor.
pub fn contributor_weeks(repo_id: i64, s: &wire::ContributorStats) -> Vec<ContributorWeekRow> {
    let Some(author) = &s.author else { return Vec::new() };
    s.weeks
        .iter()
        .filter(|w| w.c != 0 || w.a != 0 || w.d != 0)
        .map(|w| ContributorWeekRow {
            repo_id,
            account_id: author.id,
            week: w.w,
            commits: w.c,
            additions: w.a,
            deletions: w.d,
        })
        .collect()
}

fn json_list(items: &[&str]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}
