-- Core schema: what the collector copies from GitHub, and what it records about its own runs.
-- Conventions: primary keys are GitHub's numeric ids; timestamps are INTEGER unix seconds (UTC),
-- so they sort, compare and bucket by week cheaply; lists from GitHub (labels, assignees) are
-- JSON arrays of strings. Accounts are referenced by GitHub id.

CREATE TABLE repositories (
    id              INTEGER PRIMARY KEY,          -- GitHub repository id
    owner           TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    full_name       TEXT    NOT NULL,
    description     TEXT,
    html_url        TEXT    NOT NULL,
    language        TEXT,
    default_branch  TEXT,
    is_private      INTEGER NOT NULL DEFAULT 0,
    is_fork         INTEGER NOT NULL DEFAULT 0,
    is_archived     INTEGER NOT NULL DEFAULT 0,
    stargazers      INTEGER NOT NULL DEFAULT 0,
    forks           INTEGER NOT NULL DEFAULT 0,
    open_issues     INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    pushed_at       INTEGER
);
CREATE UNIQUE INDEX repositories_full_name ON repositories (full_name COLLATE NOCASE);

CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY,              -- GitHub account id
    login       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,                 -- User | Bot | Organization | Mannequin
    name        TEXT,
    is_bot      INTEGER NOT NULL DEFAULT 0        -- kind = Bot, or matched by [people] bots/bot_patterns
);
CREATE INDEX accounts_login ON accounts (login COLLATE NOCASE);

-- Issues and pull requests share GitHub's numbering and the /issues listing.
CREATE TABLE issues (
    id                  INTEGER PRIMARY KEY,      -- GitHub issue id
    repo_id             INTEGER NOT NULL REFERENCES repositories (id),
    number              INTEGER NOT NULL,
    node_id             TEXT    NOT NULL,
    is_pull_request     INTEGER NOT NULL,
    title               TEXT    NOT NULL,
    state               TEXT    NOT NULL,         -- open | closed
    state_reason        TEXT,                     -- completed | not_planned | reopened | NULL
    author_id           INTEGER REFERENCES accounts (id),
    author_association  TEXT    NOT NULL,
    labels              TEXT    NOT NULL DEFAULT '[]',
    assignees           TEXT    NOT NULL DEFAULT '[]',
    milestone           TEXT,
    comments            INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    closed_at           INTEGER,
    -- pull request details (from /pulls and the GraphQL batch)
    draft               INTEGER NOT NULL DEFAULT 0,
    merged_at           INTEGER,
    merged_by_id        INTEGER,
    ready_for_review_at INTEGER,                  -- last time a draft was marked ready
    -- derived by the collector after each sync (see db::derived)
    first_response_at   INTEGER,                  -- first comment/review/review comment by a human non-author
    first_response_by   INTEGER,
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
    id                  INTEGER PRIMARY KEY,
    repo_id             INTEGER NOT NULL REFERENCES repositories (id),
    issue_number        INTEGER NOT NULL,
    author_id           INTEGER REFERENCES accounts (id),
    author_association  TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX comments_issue ON comments (repo_id, issue_number, created_at);
CREATE INDEX comments_author_created ON comments (author_id, created_at);
CREATE INDEX comments_repo_created ON comments (repo_id, created_at);

-- Pull request reviews (GraphQL batch, REST fallback).
CREATE TABLE reviews (
    id                  INTEGER PRIMARY KEY,
    repo_id             INTEGER NOT NULL REFERENCES repositories (id),
    pr_number           INTEGER NOT NULL,
    author_id           INTEGER REFERENCES accounts (id),
    author_association  TEXT    NOT NULL,
    state               TEXT    NOT NULL,         -- APPROVED | CHANGES_REQUESTED | COMMENTED | DISMISSED | PENDING
    submitted_at        INTEGER
);
CREATE INDEX reviews_pr ON reviews (repo_id, pr_number, submitted_at);
CREATE INDEX reviews_author_submitted ON reviews (author_id, submitted_at);
CREATE INDEX reviews_repo_submitted ON reviews (repo_id, submitted_at);

-- Pull request review (diff) comments (GET /repos/{o}/{r}/pulls/comments).
CREATE TABLE review_comments (
    id                  INTEGER PRIMARY KEY,
    repo_id             INTEGER NOT NULL REFERENCES repositories (id),
    pr_number           INTEGER NOT NULL,
    review_id           INTEGER,
    author_id           INTEGER REFERENCES accounts (id),
    author_association  TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX review_comments_pr ON review_comments (repo_id, pr_number, created_at);
CREATE INDEX review_comments_author_created ON review_comments (author_id, created_at);

CREATE TABLE releases (
    id              INTEGER PRIMARY KEY,
    repo_id         INTEGER NOT NULL REFERENCES repositories (id),
    tag_name        TEXT    NOT NULL,
    name            TEXT,
    draft           INTEGER NOT NULL DEFAULT 0,
    prerelease      INTEGER NOT NULL DEFAULT 0,
    author_id       INTEGER REFERENCES accounts (id),
    created_at      INTEGER NOT NULL,
    published_at    INTEGER
);
CREATE INDEX releases_repo_published ON releases (repo_id, published_at);

-- Weekly commit statistics per contributor (GET /repos/{o}/{r}/stats/contributors).
CREATE TABLE contributor_weeks (
    repo_id     INTEGER NOT NULL REFERENCES repositories (id),
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    week        INTEGER NOT NULL,                 -- week start, unix seconds (Sunday 00:00 UTC)
    commits     INTEGER NOT NULL,
    additions   INTEGER NOT NULL,
    deletions   INTEGER NOT NULL,
    PRIMARY KEY (repo_id, account_id, week)
) WITHOUT ROWID;
CREATE INDEX contributor_weeks_repo_week ON contributor_weeks (repo_id, week);

-- Where each resource's sync stands. `scope` is `owner/name` for a repository, or `org:LOGIN`.
CREATE TABLE sync_state (
    scope           TEXT    NOT NULL,
    resource        TEXT    NOT NULL,             -- repo | issues | issue_comments | review_comments | pulls | reviews | releases | stats | derived | repos
    watermark       INTEGER,                      -- max updated_at fully stored
    etag            TEXT,                         -- for the conditional probe of this resource
    last_success_at INTEGER,
    PRIMARY KEY (scope, resource)
) WITHOUT ROWID;

CREATE TABLE sync_runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    status          TEXT    NOT NULL,             -- running | ok | partial | failed | interrupted
    trigger         TEXT    NOT NULL,             -- cli | schedule | startup | demo
    repos           INTEGER NOT NULL DEFAULT 0,
    requests        INTEGER NOT NULL DEFAULT 0,
    not_modified    INTEGER NOT NULL DEFAULT 0,
    items_written   INTEGER NOT NULL DEFAULT 0,
    error           TEXT
);

CREATE TABLE sync_run_resources (
    run_id          INTEGER NOT NULL REFERENCES sync_runs (id),
    scope           TEXT    NOT NULL,
    resource        TEXT    NOT NULL,
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    status          TEXT    NOT NULL,             -- running | ok | not_modified | failed | skipped
    requests        INTEGER NOT NULL DEFAULT 0,
    not_modified    INTEGER NOT NULL DEFAULT 0,
    items_written   INTEGER NOT NULL DEFAULT 0,
    error           TEXT,
    PRIMARY KEY (run_id, scope, resource)
) WITHOUT ROWID;

-- The latest known condition of each tracked repository as the collector sees it; the status page
-- reads this. A repository that 404s has no row in `repositories`, hence a table of its own.
CREATE TABLE tracked_repos (
    full_name       TEXT    PRIMARY KEY COLLATE NOCASE,
    repo_id         INTEGER,
    source          TEXT    NOT NULL,             -- config | org:LOGIN
    condition       TEXT    NOT NULL DEFAULT 'pending', -- pending | ok | failed | not_found | moved | unauthorized | skipped
    message         TEXT,
    last_attempt_at INTEGER,
    last_success_at INTEGER
) WITHOUT ROWID;
