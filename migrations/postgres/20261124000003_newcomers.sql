-- Newcomer onboarding: community profiles, the timeline facts of open newcomer-labelled issues
-- (claims, assignments, linked pull requests, help offers), and each person's second engagement.

CREATE TABLE community_profiles (
    repo_id                     BIGINT  PRIMARY KEY,
    health_percentage           BIGINT  NOT NULL DEFAULT 0,
    has_readme                  BIGINT  NOT NULL DEFAULT 0,
    has_contributing            BIGINT  NOT NULL DEFAULT 0,
    has_code_of_conduct         BIGINT  NOT NULL DEFAULT 0,
    has_license                 BIGINT  NOT NULL DEFAULT 0,
    has_issue_template          BIGINT  NOT NULL DEFAULT 0,
    has_pull_request_template   BIGINT  NOT NULL DEFAULT 0,
    contributing_url            TEXT,
    updated_at                  BIGINT
);

-- One row per timeline item of an open newcomer-labelled issue, replaced whenever the issue
-- changes. kind: comment | assigned | unassigned | cross_reference | connected.
-- Comment bodies are kept (truncated) only here, so claim and help-offer detection can improve
-- without re-fetching.
CREATE TABLE issue_timeline (
    issue_id        BIGINT  NOT NULL,
    seq             BIGINT  NOT NULL,
    kind            TEXT    NOT NULL,
    at              BIGINT  NOT NULL,
    login           TEXT,
    association     TEXT,
    body            TEXT,
    pr_number       BIGINT,
    pr_state        TEXT,
    will_close      BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (issue_id, seq)
);

-- Second engagement: the next issue or pull request a person opened, or their next comment or
-- review on someone else's item, after their first contribution.
ALTER TABLE repo_people ADD COLUMN second_at BIGINT;
