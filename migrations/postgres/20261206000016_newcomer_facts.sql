-- The finder's facts, one row per open newcomer-labelled issue, written by the collector after
-- each repository's sync (src/newcomers/facts.rs computes them; src/db/newcomer_facts.rs stores
-- and reads them). The finder filters, sorts, counts and pages these rows in SQL, so a page
-- reads rows in proportion to what it shows, not every open issue and its thread.
--
-- Every column holds a fact that does not depend on the clock: whether a claim comment is still
-- recent is decided when the page is read, from `newcomer_claims`.
CREATE TABLE newcomer_issues (
    issue_id          BIGINT  PRIMARY KEY,
    repo_id           BIGINT  NOT NULL,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL,
    -- The issue's canonical newcomer labels, each once (JSON array of strings; never empty).
    labels            TEXT NOT NULL,
    mentor_login      TEXT,
    -- `label`, `configured` or `offered`; NULL when there is no mentor.
    mentor_source     TEXT,
    -- Everyone whose assignment is no claim: the mentor and the configured mentors (JSON).
    mentors           TEXT NOT NULL,
    -- The first assignee who is not a mentor (claim rule 1); NULL when none.
    assigned_claimer  TEXT,
    -- The first open pull request that says it closes the issue (claim rule 2); NULL when none.
    linked_pr         BIGINT,
    -- The mentor's reply to the first newcomer who spoke: when they asked, when the mentor
    -- answered (NULL: not yet). Both NULL when no newcomer spoke.
    mentor_asked_at   BIGINT,
    mentor_replied_at BIGINT
);
CREATE INDEX newcomer_issues_newest ON newcomer_issues (created_at DESC, issue_id DESC);
CREATE INDEX newcomer_issues_repo ON newcomer_issues (repo_id);
CREATE INDEX newcomer_issues_mentor ON newcomer_issues (mentor_login COLLATE nocase) WHERE mentor_login IS NOT NULL;

-- Claim comments by people who are not maintainers (claim rule 3 and abandoned claims).
CREATE TABLE newcomer_claims (
    issue_id BIGINT  NOT NULL,
    repo_id  BIGINT  NOT NULL,
    seq      BIGINT  NOT NULL,
    login    TEXT NOT NULL,
    at       BIGINT  NOT NULL,
    PRIMARY KEY (issue_id, seq)
);
CREATE INDEX newcomer_claims_at ON newcomer_claims (issue_id, at);
CREATE INDEX newcomer_claims_repo ON newcomer_claims (repo_id);

-- Per repository, what its facts were computed under besides the rows: the newcomer settings
-- (labels, mentors) and the repository's maintainers. Facts computed under others are
-- recomputed whole before they are used.
CREATE TABLE newcomer_facts_state (
    repo_id  BIGINT  PRIMARY KEY,
    settings TEXT NOT NULL,
    built_at BIGINT  NOT NULL
);

-- Facts that may be out of date: the issues whose row or timeline was written since. Marked by
-- triggers on every write path of what facts are computed from, in the transaction that writes it, and
-- cleared in the transaction that stores the recomputed facts; so a sync killed between the two
-- leaves the mark, and the next run recomputes.
-- (Triggers as in the rollup_dirty migration: a function and a row trigger of the same name.)
CREATE TABLE newcomer_dirty (
    repo_id  BIGINT  NOT NULL,
    issue_id BIGINT  NOT NULL,
    PRIMARY KEY (repo_id, issue_id)
);

CREATE FUNCTION newcomer_dirty_issue_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO newcomer_dirty (repo_id, issue_id) VALUES (NEW.repo_id, NEW.id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER newcomer_dirty_issue_insert AFTER INSERT ON issues FOR EACH ROW
    WHEN (NEW.is_pull_request = 0 AND NEW.labels <> '[]')
    EXECUTE FUNCTION newcomer_dirty_issue_insert();

CREATE FUNCTION newcomer_dirty_issue_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO newcomer_dirty (repo_id, issue_id) VALUES (NEW.repo_id, NEW.id), (OLD.repo_id, OLD.id)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER newcomer_dirty_issue_update AFTER UPDATE OF id, repo_id, state, labels, assignees, created_at, updated_at ON issues FOR EACH ROW
    WHEN (NEW.is_pull_request = 0 AND (NEW.labels <> '[]' OR OLD.labels <> '[]'))
    EXECUTE FUNCTION newcomer_dirty_issue_update();

CREATE FUNCTION newcomer_dirty_issue_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO newcomer_dirty (repo_id, issue_id) VALUES (OLD.repo_id, OLD.id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER newcomer_dirty_issue_delete AFTER DELETE ON issues FOR EACH ROW
    WHEN (OLD.is_pull_request = 0 AND OLD.labels <> '[]')
    EXECUTE FUNCTION newcomer_dirty_issue_delete();

CREATE FUNCTION newcomer_dirty_timeline_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO newcomer_dirty (repo_id, issue_id) SELECT repo_id, id FROM issues WHERE id = NEW.issue_id
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER newcomer_dirty_timeline_insert AFTER INSERT ON issue_timeline FOR EACH ROW
    EXECUTE FUNCTION newcomer_dirty_timeline_insert();

CREATE FUNCTION newcomer_dirty_timeline_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO newcomer_dirty (repo_id, issue_id) SELECT repo_id, id FROM issues WHERE id = OLD.issue_id
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER newcomer_dirty_timeline_delete AFTER DELETE ON issue_timeline FOR EACH ROW
    EXECUTE FUNCTION newcomer_dirty_timeline_delete();
