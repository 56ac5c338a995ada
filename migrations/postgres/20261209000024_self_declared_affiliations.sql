-- Self-declared affiliations (issue #15): each tracked repository's
-- `.github/upkeep-affiliations.toml` as read through the contents API, and the logins that
-- committed it (`GET commits?path=`), whose own entries the file may set (the trust rule,
-- `metrics::affiliation::Affiliations::with_self_declared`). A file that disappears (404) deletes
-- its row.

-- path is where it was read (the file's html_url, else the API path); raw is the text ('' when
-- too_large: GitHub sends no content above 1 MB); committers is a JSON array of logins, newest
-- commit first, without repeats; committers_truncated: the commits listing had more pages than read.
CREATE TABLE self_declared_affiliations (
    repo_id                 BIGINT  PRIMARY KEY,
    path                    TEXT    NOT NULL,
    raw                     TEXT    NOT NULL,
    too_large               BIGINT  NOT NULL DEFAULT 0,
    committers              TEXT    NOT NULL DEFAULT '[]',
    committers_truncated    BIGINT  NOT NULL DEFAULT 0,
    fetched_at              BIGINT  NOT NULL
);
