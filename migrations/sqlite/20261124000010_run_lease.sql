-- One collector at a time per database: the run lease. A collector takes the single row in one
-- transaction, renews `heartbeat_at` every 15 s while it runs, and deletes the row when done. A
-- row whose heartbeat is older than 90 s belongs to a process that died and may be taken over.
CREATE TABLE run_lease (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    holder        TEXT    NOT NULL,   -- a random token of the holding process's run
    pid           INTEGER NOT NULL,
    host          TEXT    NOT NULL,
    started_at    INTEGER NOT NULL,
    heartbeat_at  INTEGER NOT NULL
);

-- While a run waits for the rate limit: until when (unix seconds), for /status.
ALTER TABLE sync_runs ADD COLUMN waiting_until INTEGER;
