-- Newcomer onboarding: community profiles, the timeline facts of open newcomer-labelled issues
-- (claims, assignments, linked pull requests, help offers), and each person's second engagement.

CREATE TABLE community_profiles (
    repo_id                     INTEGER PRIMARY KEY,
    health_percentage           INTEGER NOT NULL DEFAULT 0,
    has_readme                  INTEGER NOT NULL DEFAULT 0,
    has_contributing            INTEGER NOT NULL DEFAULT 0,
    has_code_of_conduct         INTEGER NOT NULL DEFAULT 0,
    has_license                 INTEGER NOT NULL DEFAULT 0,
    has_issue_template          INTEGER NOT NULL DEFAULT 0,
    has_pull_request_template   INTEGER NOT NULL DEFAULT 0,
    contributing_url            TEXT,
    updated_at                  INTEGER
);

-- One row per timeline item of an open newcomer-labelled issue, replaced whenever the issue
-- changes. kind: comment | assigned | unassigned | cross_reference | connected.
-- Comment bodies are kept (truncated) only here, so claim and help-offer detection can improve
-- without re-fetching.
CREATE TABLE issue_timeline (
    issue_id        INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    at              INTEGER NOT NULL,
    login           TEXT,
    association     TEXT,
    body            TEXT,
    pr_number       INTEGER,
    pr_state        TEXT,
    will_close      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (issue_id, seq)
) WITHOUT ROWID;

-- Second engagement: the next issue or pull request a person opened, or their next comment or
-- review on someone else's item, after their first contribution.
ALTER TABLE repo_people ADD COLUMN second_at INTEGER;
