-- The repository's .github/FUNDING.yml as fetched through the contents API, and its problems.
-- GitHub only hands out the links it could parse (`funding_links`); a file it could not parse
-- shows none, so the file itself is kept to tell the maintainer why.

-- path is where it was read (the file's html_url, else the API path); valid: no error-level issue.
CREATE TABLE funding_yml_files (
    repo_id     INTEGER PRIMARY KEY,
    path        TEXT    NOT NULL,
    raw         TEXT    NOT NULL,
    valid       INTEGER NOT NULL DEFAULT 0
);

-- Every issue of a stored FUNDING.yml, in document order. severity: error | warning; key is the
-- top-level key it concerns, empty for the whole file (text that is not YAML, a top level that is
-- not a mapping); line and col count from 1.
CREATE TABLE funding_yml_issues (
    repo_id     INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    severity    TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    line        INTEGER,
    col         INTEGER,
    PRIMARY KEY (repo_id, seq)
) WITHOUT ROWID;
