-- Items GitHub sent that could not be read or placed (a missing required field, a comment whose
-- parent is neither an issue number nor an issue id of the repository): kept raw with the reason,
-- counted in the run, listed on /status and in `collect --json`, never dropped silently. One row
-- per (scope, resource, item_key); a later run that reads or places the item removes its row.
CREATE TABLE quarantined_items (
    scope       TEXT    NOT NULL,   -- owner/name, or org:LOGIN
    resource    TEXT    NOT NULL,   -- the sync step: issues, issue_comments, review_comments, ...
    item_key    TEXT    NOT NULL,   -- the GitHub id when readable, else 'sha256:' of the raw JSON
    reason      TEXT    NOT NULL,
    raw         TEXT    NOT NULL,   -- the item's JSON, cut at 64 KiB
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    PRIMARY KEY (scope, resource, item_key)
);
CREATE INDEX quarantined_items_last_seen ON quarantined_items (last_seen);
