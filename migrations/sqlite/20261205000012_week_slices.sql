-- Per repository, kind and week: the rows a dashboard reads (items opened, items closed, pull
-- requests opened or closed, people's weekly contributions), as one JSON array of arrays, so a
-- page reads one row per week of its window instead of one per item. Rebuilt with the rollups
-- (src/db/slices.rs says what each kind holds).
CREATE TABLE week_slices (
    repo_id INTEGER NOT NULL,
    kind    TEXT    NOT NULL,
    week    INTEGER NOT NULL,
    rows    TEXT    NOT NULL,
    PRIMARY KEY (repo_id, kind, week)
) WITHOUT ROWID;
