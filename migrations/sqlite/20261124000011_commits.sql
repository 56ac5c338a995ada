-- The default branch's history, one row per commit (GET /repos/{o}/{r}/commits), replacing
-- /stats/contributors as the source of commit activity: that listing names only the top 100
-- contributors, answers 202 on first asking, and cannot be synced incrementally.
-- `contributor_weeks` is rebuilt from this table (commits per linked account and week); the
-- commits listing carries no line counts, so its `additions`/`deletions` are 0 from now on.
CREATE TABLE commits (
    repo_id       INTEGER NOT NULL,
    sha           TEXT    NOT NULL,
    author_id     INTEGER,            -- the GitHub account GitHub links the commit to
    author_hash   TEXT,               -- without one: sha256 of the lowercased author e-mail, to tell
                                      -- unlinked authors apart without storing their address
    authored_at   INTEGER NOT NULL,
    committed_at  INTEGER NOT NULL,
    PRIMARY KEY (repo_id, sha)
) WITHOUT ROWID;
CREATE INDEX commits_repo_committed ON commits (repo_id, committed_at);

-- Weeks written from /stats/contributors carried GitHub's line counts and only the top 100
-- contributors; the commits step rebuilds them from complete history.
DELETE FROM contributor_weeks;
DELETE FROM sync_state WHERE resource = 'stats';
