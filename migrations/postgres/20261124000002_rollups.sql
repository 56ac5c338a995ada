-- Rollups the collector maintains after each sync of a changed repository, so dashboard pages
-- read a few hundred rows instead of scanning a repository's history.

-- First responses by responder role (the overall first human response stays in first_response_*).
ALTER TABLE issues ADD COLUMN first_maintainer_response_at BIGINT;
ALTER TABLE issues ADD COLUMN first_community_response_at BIGINT;
ALTER TABLE issues ADD COLUMN first_bot_response_at BIGINT;

CREATE INDEX issues_repo_created_at ON issues (repo_id, created_at);
CREATE INDEX issues_repo_closed ON issues (repo_id, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX comments_repo_updated ON comments (repo_id, updated_at);
CREATE INDEX review_comments_repo_updated ON review_comments (repo_id, updated_at);

-- Per repository and week (weeks start Sunday 00:00 UTC): the backlog's inflow and outflow.
-- `bot_*` columns count the part authored by bots, so pages can exclude bots by subtraction.
CREATE TABLE repo_weeks (
    repo_id             BIGINT  NOT NULL,
    week                BIGINT  NOT NULL,
    opened_issues       BIGINT  NOT NULL DEFAULT 0,
    closed_issues       BIGINT  NOT NULL DEFAULT 0,
    opened_prs          BIGINT  NOT NULL DEFAULT 0,
    closed_prs          BIGINT  NOT NULL DEFAULT 0,
    merged_prs          BIGINT  NOT NULL DEFAULT 0,
    bot_opened_issues   BIGINT  NOT NULL DEFAULT 0,
    bot_closed_issues   BIGINT  NOT NULL DEFAULT 0,
    bot_opened_prs      BIGINT  NOT NULL DEFAULT 0,
    bot_closed_prs      BIGINT  NOT NULL DEFAULT 0,
    bot_merged_prs      BIGINT  NOT NULL DEFAULT 0,
    releases            BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (repo_id, week)
);

-- Per repository, week and person: contributions by kind.
--   responses: conversation and review comments on items someone else opened
--   triage:    items where this person gave the first human response
--   merges:    pull requests this person merged; prs_merged: their own PRs that were merged
CREATE TABLE person_weeks (
    repo_id         BIGINT  NOT NULL,
    week            BIGINT  NOT NULL,
    account_id      BIGINT  NOT NULL,
    issues_opened   BIGINT  NOT NULL DEFAULT 0,
    prs_opened      BIGINT  NOT NULL DEFAULT 0,
    prs_merged      BIGINT  NOT NULL DEFAULT 0,
    merges          BIGINT  NOT NULL DEFAULT 0,
    comments        BIGINT  NOT NULL DEFAULT 0,
    responses       BIGINT  NOT NULL DEFAULT 0,
    reviews         BIGINT  NOT NULL DEFAULT 0,
    review_comments BIGINT  NOT NULL DEFAULT 0,
    triage          BIGINT  NOT NULL DEFAULT 0,
    commits         BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (repo_id, week, account_id)
);

-- Per repository and person: first and last contribution, and whether GitHub ever showed them
-- as OWNER, MEMBER or COLLABORATOR there (the inferred maintainer set).
CREATE TABLE repo_people (
    repo_id         BIGINT  NOT NULL,
    account_id      BIGINT  NOT NULL,
    first_at        BIGINT  NOT NULL,
    last_at         BIGINT  NOT NULL,
    contributions   BIGINT  NOT NULL,
    is_maintainer   BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (repo_id, account_id)
);
