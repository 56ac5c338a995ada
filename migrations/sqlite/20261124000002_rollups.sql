-- Rollups the collector maintains after each sync of a changed repository, so dashboard pages
-- read a few hundred rows instead of scanning a repository's history.

-- First responses by responder role (the overall first human response stays in first_response_*).
ALTER TABLE issues ADD COLUMN first_maintainer_response_at INTEGER;
ALTER TABLE issues ADD COLUMN first_community_response_at INTEGER;
ALTER TABLE issues ADD COLUMN first_bot_response_at INTEGER;

CREATE INDEX issues_repo_created_at ON issues (repo_id, created_at);
CREATE INDEX issues_repo_closed ON issues (repo_id, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX comments_repo_updated ON comments (repo_id, updated_at);
CREATE INDEX review_comments_repo_updated ON review_comments (repo_id, updated_at);

-- Per repository and week (weeks start Sunday 00:00 UTC): the backlog's inflow and outflow.
-- `bot_*` columns count the part authored by bots, so pages can exclude bots by subtraction.
CREATE TABLE repo_weeks (
    repo_id             INTEGER NOT NULL,
    week                INTEGER NOT NULL,
    opened_issues       INTEGER NOT NULL DEFAULT 0,
    closed_issues       INTEGER NOT NULL DEFAULT 0,
    opened_prs          INTEGER NOT NULL DEFAULT 0,
    closed_prs          INTEGER NOT NULL DEFAULT 0,
    merged_prs          INTEGER NOT NULL DEFAULT 0,
    bot_opened_issues   INTEGER NOT NULL DEFAULT 0,
    bot_closed_issues   INTEGER NOT NULL DEFAULT 0,
    bot_opened_prs      INTEGER NOT NULL DEFAULT 0,
    bot_closed_prs      INTEGER NOT NULL DEFAULT 0,
    bot_merged_prs      INTEGER NOT NULL DEFAULT 0,
    releases            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (repo_id, week)
) WITHOUT ROWID;

-- Per repository, week and person: contributions by kind.
--   responses: conversation and review comments on items someone else opened
--   triage:    items where this person gave the first human response
--   merges:    pull requests this person merged; prs_merged: their own PRs that were merged
CREATE TABLE person_weeks (
    repo_id         INTEGER NOT NULL,
    week            INTEGER NOT NULL,
    account_id      INTEGER NOT NULL,
    issues_opened   INTEGER NOT NULL DEFAULT 0,
    prs_opened      INTEGER NOT NULL DEFAULT 0,
    prs_merged      INTEGER NOT NULL DEFAULT 0,
    merges          INTEGER NOT NULL DEFAULT 0,
    comments        INTEGER NOT NULL DEFAULT 0,
    responses       INTEGER NOT NULL DEFAULT 0,
    reviews         INTEGER NOT NULL DEFAULT 0,
    review_comments INTEGER NOT NULL DEFAULT 0,
    triage          INTEGER NOT NULL DEFAULT 0,
    commits         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (repo_id, week, account_id)
) WITHOUT ROWID;

-- Per repository and person: first and last contribution, and whether GitHub ever showed them
-- as OWNER, MEMBER or COLLABORATOR there (the inferred maintainer set).
CREATE TABLE repo_people (
    repo_id         INTEGER NOT NULL,
    account_id      INTEGER NOT NULL,
    first_at        INTEGER NOT NULL,
    last_at         INTEGER NOT NULL,
    contributions   INTEGER NOT NULL,
    is_maintainer   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (repo_id, account_id)
) WITHOUT ROWID;
