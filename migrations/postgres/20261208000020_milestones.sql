-- Grant pages (issue #15). GitHub milestones of each tracked repository, as listed by
-- `GET /repos/{o}/{r}/milestones?state=all` (replaced whole on each changed listing), and the
-- expenses paid from a project's Open Collective (GraphQL v2 `expenses`), which count as spent
-- from the grants covering the project.

CREATE TABLE milestones (
    id              BIGINT  PRIMARY KEY,           -- GitHub milestone id
    repo_id         BIGINT  NOT NULL,             -- repositories (id)
    number          BIGINT  NOT NULL,
    title           TEXT    NOT NULL,
    state           TEXT    NOT NULL,             -- open | closed
    due_on          BIGINT,
    open_issues     BIGINT  NOT NULL DEFAULT 0,
    closed_issues   BIGINT  NOT NULL DEFAULT 0,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (repo_id, number)
);

CREATE TABLE open_collective_expenses (
    slug            TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    paid_at         BIGINT  NOT NULL,             -- when it was paid (else created)
    amount_cents    BIGINT  NOT NULL,
    currency        TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    fetched_at      BIGINT  NOT NULL,
    PRIMARY KEY (slug, id)
);
