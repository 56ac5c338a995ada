-- Core schema: what the collector copies from GitHub, and what it records about its own runs.
-- Conventions: primary keys are GitHub's numeric ids; timestamps are BIGINT unix seconds (UTC),
-- so they sort, compare and bucket by week cheaply, and identically on SQLite; lists from GitHub
-- (labels, assignees) are JSON arrays of strings in TEXT. Accounts are referenced by GitHub id.
-- PostgreSQL form of migrations/20261124000001_core.sql (same columns, same order). 0/1 flags
-- stay BIGINT, as SQLite's INTEGER. The SQLite schema's REFERENCES clauses are not enforced there
-- (the pool runs with foreign_keys off, src/db/mod.rs), so here they are comments: PostgreSQL
-- would enforce them and refuse writes SQLite accepts.
--
-- SQLite's NOCASE collation, so that `COLLATE NOCASE` means the same in every statement and key
-- on both backends: equal ignoring case (ICU, case-insensitive, non-deterministic). GitHub's logins
-- and repository names are ASCII, where it agrees with SQLite's; only the order of punctuation
-- in `ORDER BY … COLLATE NOCASE` differs (ICU's order, not ASCII's).
CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

CREATE TABLE repositories (
    id              BIGINT  PRIMARY KEY,          -- GitHub repository id
    owner           TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    full_name       TEXT    NOT NULL,
    description     TEXT,
    html_url        TEXT    NOT NULL,
    language        TEXT,
    default_branch  TEXT,
    is_private      BIGINT  NOT NULL DEFAULT 0,
    is_fork         BIGINT  NOT NULL DEFAULT 0,
    is_archived     BIGINT  NOT NULL DEFAULT 0,
    stargazers      BIGINT  NOT NULL DEFAULT 0,
    forks           BIGINT  NOT NULL DEFAULT 0,
    open_issues     BIGINT  NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    pushed_at       BIGINT
);
CREATE UNIQUE INDEX repositories_full_name ON repositories (full_name COLLATE nocase);

CREATE TABLE accounts (
    id          BIGINT  PRIMARY KEY,              -- GitHub account id
    login       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,                 -- User | Bot | Organization | Mannequin
    name        TEXT,
    is_bot      BIGINT  NOT NULL DEFAULT 0        -- kind = Bot, or matched by [people] bots/bot_patterns
);
CREATE INDEX accounts_login ON accounts (login COLLATE nocase);

-- Issues and pull requests share GitHub's numbering and the /issues listing.
CREATE TABLE issues (
    id                  BIGINT  PRIMARY KEY,      -- GitHub issue id
    repo_id             BIGINT  NOT NULL,         -- repositories (id)
    number              BIGINT  NOT NULL,
    node_id             TEXT    NOT NULL,
    is_pull_request     BIGINT  NOT NULL,
    title               TEXT    NOT NULL,
    state               TEXT    NOT NULL,         -- open | closed
    state_reason        TEXT,                     -- completed | not_planned | reopened | NULL
    author_id           BIGINT,                   -- accounts (id)
    author_association  TEXT    NOT NULL,
    labels              TEXT    NOT NULL DEFAULT '[]',
    assignees           TEXT    NOT NULL DEFAULT '[]',
    milestone           TEXT,
    comments            BIGINT  NOT NULL DEFAULT 0,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL,
    closed_at           BIGINT,
    -- pull request details (from /pulls and the GraphQL batch)
    draft               BIGINT  NOT NULL DEFAULT 0,
    merged_at           BIGINT,
    merged_by_id        BIGINT,
    ready_for_review_at BIGINT,                   -- last time a draft was marked ready
    -- derived by the collector after each sync (see db::derived)
    first_response_at   BIGINT,                   -- first comment/review/review comment by a human non-author
    first_response_by   BIGINT,
    first_response_association TEXT,
    UNIQUE (repo_id, number)
);
CREATE INDEX issues_repo_updated ON issues (repo_id, updated_at);
CREATE INDEX issues_repo_created ON issues (repo_id, is_pull_request, created_at);
CREATE INDEX issues_open_backlog ON issues (repo_id, state, is_pull_request, created_at);
CREATE INDEX issues_unanswered ON issues (repo_id, state, first_response_at);
CREATE INDEX issues_author_created ON issues (author_id, created_at);

-- Conversation comments on issues and pull requests (GET /repos/{o}/{r}/issues/comments).
CREATE TABLE comments (
    id                  BIGINT  PRIMARY KEY,
    repo_id             BIGINT  NOT NULL,         -- repositories (id)
    issue_number        BIGINT  NOT NULL,
    author_id           BIGINT,                   -- accounts (id)
    author_association  TEXT    NOT NULL,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL
);
CREATE INDEX comments_issue ON comments (repo_id, issue_number, created_at);
CREATE INDEX comments_author_created ON comments (author_id, created_at);
CREATE INDEX comments_repo_created ON comments (repo_id, created_at);

-- Pull request reviews (GraphQL batch, REST fallback).
CREATE TABLE reviews (
    id                  BIGINT  PRIMARY KEY,
    repo_id             BIGINT  NOT NULL,         -- repositories (id)
    pr_number           BIGINT  NOT NULL,
    author_id           BIGINT,                   -- accounts (id)
    author_association  TEXT    NOT NULL,
    state               TEXT    NOT NULL,         -- APPROVED | CHANGES_REQUESTED | COMMENTED | DISMISSED | PENDING
    submitted_at        BIGINT
);
CREATE INDEX reviews_pr ON reviews (repo_id, pr_number, submitted_at);
CREATE INDEX reviews_author_submitted ON reviews (author_id, submitted_at);
CREATE INDEX reviews_repo_submitted ON reviews (repo_id, submitted_at);

-- Pull request review (diff) comments (GET /repos/{o}/{r}/pulls/comments).
CREATE TABLE review_comments (
    id                  BIGINT  PRIMARY KEY,
    repo_id             BIGINT  NOT NULL,         -- repositories (id)
    pr_number           BIGINT  NOT NULL,
    review_id           BIGINT,
    author_id           BIGINT,                   -- accounts (id)
    author_association  TEXT    NOT NULL,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL
);
CREATE INDEX review_comments_pr ON review_comments (repo_id, pr_number, created_at);
CREATE INDEX review_comments_author_created ON review_comments (author_id, created_at);

CREATE TABLE releases (
    id              BIGINT  PRIMARY KEY,
    repo_id         BIGINT  NOT NULL,             -- repositories (id)
    tag_name        TEXT    NOT NULL,
    name            TEXT,
    draft           BIGINT  NOT NULL DEFAULT 0,
    prerelease      BIGINT  NOT NULL DEFAULT 0,
    author_id       BIGINT,                       -- accounts (id)
    created_at      BIGINT  NOT NULL,
    published_at    BIGINT
);
CREATE INDEX releases_repo_published ON releases (repo_id, published_at);

-- Weekly commit statistics per contributor (GET /repos/{o}/{r}/stats/contributors).
CREATE TABLE contributor_weeks (
    repo_id     BIGINT  NOT NULL,                 -- repositories (id)
    account_id  BIGINT  NOT NULL,                 -- accounts (id)
    week        BIGINT  NOT NULL,                 -- week start, unix seconds (Sunday 00:00 UTC)
    commits     BIGINT  NOT NULL,
    additions   BIGINT  NOT NULL,
    deletions   BIGINT  NOT NULL,
    PRIMARY KEY (repo_id, account_id, week)
);
CREATE INDEX contributor_weeks_repo_week ON contributor_weeks (repo_id, week);

-- Where each resource's sync stands. `scope` is `owner/name` for a repository, or `org:LOGIN`.
CREATE TABLE sync_state (
    scope           TEXT    NOT NULL,
    resource        TEXT    NOT NULL,             -- repo | issues | issue_comments | review_comments | pulls | reviews | releases | stats | derived | repos
    watermark       BIGINT,                       -- max updated_at fully stored
    etag            TEXT,                         -- for the conditional probe of this resource
    last_success_at BIGINT,
    PRIMARY KEY (scope, resource)
);

-- SQLite assigns the id (AUTOINCREMENT; `INSERT ... RETURNING id` in src/db/runs.rs): an
-- identity column here.
CREATE TABLE sync_runs (
    id              BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    started_at      BIGINT  NOT NULL,
    finished_at     BIGINT,
    status          TEXT    NOT NULL,             -- running | ok | partial | failed | interrupted
    trigger         TEXT    NOT NULL,             -- cli | schedule | startup | demo
    repos           BIGINT  NOT NULL DEFAULT 0,
    requests        BIGINT  NOT NULL DEFAULT 0,
    not_modified    BIGINT  NOT NULL DEFAULT 0,
    items_written   BIGINT  NOT NULL DEFAULT 0,
    error           TEXT
);

CREATE TABLE sync_run_resources (
    run_id          BIGINT  NOT NULL,             -- sync_runs (id)
    scope           TEXT    NOT NULL,
    resource        TEXT    NOT NULL,
    started_at      BIGINT  NOT NULL,
    finished_at     BIGINT,
    status          TEXT    NOT NULL,             -- running | ok | not_modified | failed | skipped
    requests        BIGINT  NOT NULL DEFAULT 0,
    not_modified    BIGINT  NOT NULL DEFAULT 0,
    items_written   BIGINT  NOT NULL DEFAULT 0,
    error           TEXT,
    PRIMARY KEY (run_id, scope, resource)
);

-- The latest known condition of each tracked repository as the collector sees it; the status page
-- reads this. A repository that 404s has no row in `repositories`, hence a table of its own.
CREATE TABLE tracked_repos (
    full_name       TEXT    PRIMARY KEY COLLATE nocase,
    repo_id         BIGINT,
    source          TEXT    NOT NULL,             -- config | org:LOGIN
    condition       TEXT    NOT NULL DEFAULT 'pending', -- pending | ok | failed | not_found | moved | unauthorized | skipped
    message         TEXT,
    last_attempt_at BIGINT,
    last_success_at BIGINT
);
