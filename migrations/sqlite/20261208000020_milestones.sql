-- Grant pages (issue #15). GitHub milestones of each tracked repository, as listed by
-- `GET /repos/{o}/{r}/milestones?state=all` (replaced whole on each changed listing), and the
-- expenses paid from a project's Open Collective (GraphQL v2 `expenses`), which count as spent
-- from the grants covering the project.

CREATE TABLE milestones (
    id              INTEGER PRIMARY KEY,          -- GitHub milestone id
    repo_id         INTEGER NOT NULL REFERENCES repositories (id),
    number          INTEGER NOT NULL,
    title           TEXT    NOT NULL,
    state           TEXT    NOT NULL,             -- open | closed
    due_on          INTEGER,
    open_issues     INTEGER NOT NULL DEFAULT 0,
    closed_issues   INTEGER NOT NULL DEFAULT 0,
    updated_at      INTEGER NOT NULL,
    UNIQUE (repo_id, number)
);

CREATE TABLE open_collective_expenses (
    slug            TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    paid_at         INTEGER NOT NULL,             -- when it was paid (else created)
    amount_cents    INTEGER NOT NULL,
    currency        TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    fetched_at      INTEGER NOT NULL,
    PRIMARY KEY (slug, id)
) WITHOUT ROWID;
