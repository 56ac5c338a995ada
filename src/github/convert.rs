//! Wire items to database rows: the one place where GitHub's shapes meet our schema.

use chrono::{DateTime, Utc};

use super::wire;
use crate::config::PeopleConfig;
use crate::db::{
    accounts::AccountRow,
    activity::{CommentRow, ReleaseRow, ReviewCommentRow, ReviewRow},
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
        is_pull_request: i.is_pull_request(),
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
        merged_at: i.pull_request.as_ref().filter(|_| i.is_pull_request()).and_then(|p| p.merged_at).map(ts),
    }
}

/// A comment on issue or pull request `issue_number` (resolved by the caller from `issue_url`,
/// which ends in the parent's number, or in 2012-era bodies its id).
pub fn comment(repo_id: i64, issue_number: i64, c: &wire::IssueComment) -> CommentRow {
    CommentRow {
        id: c.id,
        repo_id,
        issue_number,
        author_id: c.user.as_ref().map(|u| u.id),
        author_association: c.author_association.clone(),
        created_at: ts(c.created_at),
        updated_at: ts(c.updated_at),
    }
}

pub fn review_comment(repo_id: i64, c: &wire::ReviewComment) -> Option<ReviewCommentRow> {
    Some(ReviewCommentRow {
        id: c.id,
        repo_id,
        pr_number: c.pr_number()?,
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

pub fn milestone(repo_id: i64, m: &wire::MilestoneListed) -> crate::db::milestones::MilestoneRow {
    crate::db::milestones::MilestoneRow {
        id: m.id,
        repo_id,
        number: m.number,
        title: m.title.clone(),
        state: m.state.clone(),
        due_on: m.due_on.map(ts),
        open_issues: m.open_issues,
        closed_issues: m.closed_issues,
        updated_at: ts(m.updated_at),
    }
}

/// A commit as a row: linked to its GitHub account when GitHub links one, else to a hash of the
/// author's e-mail (never the address itself). `None` without an author or committer date.
pub fn commit(repo_id: i64, c: &wire::Commit) -> Option<crate::db::commits::CommitRow> {
    use sha2::{Digest, Sha256};
    let authored = c.commit.author.as_ref().and_then(|a| a.date);
    let committed = c.commit.committer.as_ref().and_then(|p| p.date).or(authored)?;
    let author_hash = match (&c.author, c.commit.author.as_ref().and_then(|a| a.email.as_deref())) {
        (None, Some(email)) => {
            let digest = Sha256::digest(email.trim().to_lowercase().as_bytes());
            Some(digest.iter().map(|b| format!("{b:02x}")).collect())
        }
        _ => None,
    };
    Some(crate::db::commits::CommitRow {
        repo_id,
        sha: c.sha.clone(),
        author_id: c.author.as_ref().map(|u| u.id),
        author_hash,
        authored_at: ts(authored.unwrap_or(committed)),
        committed_at: ts(committed),
    })
}

/// A community profile as a row (the caller sets `repo_id`).
pub fn community_profile(p: &wire::CommunityProfile) -> crate::db::newcomers::CommunityProfileRow {
    let f = &p.files;
    crate::db::newcomers::CommunityProfileRow {
        repo_id: 0,
        health_percentage: p.health_percentage,
        has_readme: f.readme.is_some(),
        has_contributing: f.contributing.is_some(),
        has_code_of_conduct: f.code_of_conduct.is_some() || f.code_of_conduct_file.is_some(),
        has_license: f.license.is_some(),
        has_issue_template: f.issue_template.is_some(),
        has_pull_request_template: f.pull_request_template.is_some(),
        contributing_url: f.contributing.as_ref().and_then(|c| c.html_url.clone()),
        updated_at: p.updated_at.map(ts),
    }
}

/// Longest comment body kept for claim and help-offer detection.
const BODY_LIMIT: usize = 2000;

/// The timeline of a newcomer issue as rows, in GitHub's order.
pub fn timeline(issue_id: i64, node: &super::graphql::IssueNode) -> Vec<crate::db::newcomers::TimelineRow> {
    let items = node.timeline_items.iter().flat_map(|t| t.nodes.iter().flatten());
    items
        .filter_map(|item| {
            let at = ts(item.created_at?);
            let pr = item.source.as_ref().or(item.subject.as_ref()).filter(|p| p.typename == "PullRequest");
            let (kind, login) = match item.typename.as_str() {
                "IssueComment" => ("comment", item.author.as_ref().and_then(|a| a.login.clone())),
                "AssignedEvent" => ("assigned", item.assignee.as_ref().and_then(|a| a.login.clone())),
                "UnassignedEvent" => ("unassigned", item.assignee.as_ref().and_then(|a| a.login.clone())),
                "CrossReferencedEvent" if pr.is_some() => {
                    ("cross_reference", pr?.author.as_ref().and_then(|a| a.login.clone()))
                }
                "ConnectedEvent" if pr.is_some() => ("connected", None),
                _ => return None,
            };
            Some((kind, login, at, item, pr))
        })
        .enumerate()
        .map(|(seq, (kind, login, at, item, pr))| crate::db::newcomers::TimelineRow {
            issue_id,
            seq: seq as i64,
            kind: kind.to_owned(),
            at,
            login,
            association: item.author_association.clone(),
            body: item.body.as_ref().map(|b| b.chars().take(BODY_LIMIT).collect()),
            pr_number: pr.and_then(|p| p.number),
            pr_state: pr.and_then(|p| p.state.clone()),
            will_close: item.will_close_target.unwrap_or(kind == "connected"),
        })
        .collect()
}

fn json_list(items: &[&str]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}
