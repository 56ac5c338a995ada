//! The one home of each rule the SQL applies. Every statement that needs one of these rules
//! splices in the macro here (they expand to string literals, for `concat!`), so a change to a
//! rule is one edit, and the DB-layer tests (`db/tests/rules.rs`) check each against
//! hand-computed cases. Rust code never re-derives them: it reads the columns they fill.
//!
//! | rule | here | stored in |
//! |---|---|---|
//! | an item's response clock | [`clock_start!`], [`has_response_clock!`] | (computed on read) |
//! | what counts as a response | [`responses_to!`] | `issues.first_response_*` |
//! | maintainer status | [`maintainer_association!`], [`configured_or!`] | `repo_people.is_maintainer`, `issues.first_maintainer_response_at` |
//! | unanswered | [`unanswered_where!`] | (computed on read) |
//!
//! The rules that are Rust functions instead, each fed by one query: bot status
//! (`config::PeopleConfig::is_bot`, stored in `accounts.is_bot` by the collector), backlog age
//! (`metrics::backlog::backlog_ageing`) and "claimed" (`metrics::newcomers::claim_status`).

/// When an item's response clock starts, over `issues i`: at creation, or for a pull request
/// opened as a draft, when it was first marked ready for review.
macro_rules! clock_start {
    () => {
        "COALESCE(i.ready_for_review_at, i.created_at)"
    };
}

/// Whether an item (`issues i`) has a response clock at all: every item but a pull request still
/// in draft that was never marked ready. Nobody is expected to answer a draft.
macro_rules! has_response_clock {
    () => {
        "NOT (i.is_pull_request = 1 AND i.draft = 1 AND i.ready_for_review_at IS NULL)"
    };
}

/// Whether an `author_association` makes the author a maintainer when none are configured:
/// OWNER, MEMBER or COLLABORATOR, as GitHub reports it on the comment, review or item. A 0/1
/// integer (both backends sum it, take its maximum and union it with integer columns).
macro_rules! maintainer_association {
    ($assoc:literal) => {
        concat!("(CASE WHEN ", $assoc, " IN ('OWNER', 'MEMBER', 'COLLABORATOR') THEN 1 ELSE 0 END)")
    };
}

/// Maintainer status, a 0/1 integer: when the repository has configured maintainers (`$list`, a
/// JSON array of logins, or NULL), whether `$login` is one of them, ignoring case; otherwise
/// `$inferred` (a 0/1 integer).
macro_rules! configured_or {
    ($list:literal, $login:literal, $inferred:expr) => {
        concat!(
            "(CASE WHEN ",
            $list,
            " IS NULL THEN ",
            $inferred,
            " WHEN lower(",
            $login,
            ") IN (SELECT lower(value) FROM json_each(",
            $list,
            ")) THEN 1 ELSE 0 END)"
        )
    };
}

/// Every response to the items of `$targets` (a table or CTE with `id, repo_id, number,
/// author_id, clock`), as `(issue_id, at, who, assoc)`: a conversation comment, a submitted review
/// (not pending) or a review comment, by someone other than the author, at or after the item's
/// clock start. Bots are responses here; each use decides what a bot's response counts for.
macro_rules! responses_to {
    ($targets:literal) => {
        concat!(
            "SELECT resp.issue_id, resp.at, resp.who, resp.assoc FROM (
                 SELECT t.id AS issue_id, t.author_id AS author, t.clock AS clock, c.created_at AS at,
                        c.author_id AS who, c.author_association AS assoc
                   FROM ",
            $targets,
            " t JOIN comments c ON c.repo_id = t.repo_id AND c.issue_number = t.number
                 UNION ALL
                 SELECT t.id, t.author_id, t.clock, r.submitted_at, r.author_id, r.author_association
                   FROM ",
            $targets,
            " t JOIN reviews r ON r.repo_id = t.repo_id AND r.pr_number = t.number
                  WHERE r.submitted_at IS NOT NULL AND r.state <> 'PENDING'
                 UNION ALL
                 SELECT t.id, t.author_id, t.clock, rc.created_at, rc.author_id, rc.author_association
                   FROM ",
            $targets,
            " t JOIN review_comments rc ON rc.repo_id = t.repo_id AND rc.pr_number = t.number
             ) AS resp
             WHERE resp.who IS DISTINCT FROM resp.author AND resp.at >= resp.clock"
        )
    };
}

/// "Unanswered", the one definition the dashboard's queue and its count share: open, not a draft,
/// no human response by someone other than the author (`first_response_at`, filled by the
/// response rule above); bot-authored items only when `?2` (include bots) is 1. Expects
/// `issues i` and `accounts a` (left-joined on the author) and the scope as `?1`.
macro_rules! unanswered_where {
    () => {
        "WHERE i.repo_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND i.state = 'open'
           AND i.first_response_at IS NULL AND i.draft = 0 AND (?2 = 1 OR COALESCE(a.is_bot, 0) = 0)"
    };
}
