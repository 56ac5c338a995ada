-- Several collectors, one database (issue #14). The repositories of a sync are shared out one at
-- a time: a collector claims a repository's row in `repo_leases` (on PostgreSQL with
-- `SELECT … FOR UPDATE SKIP LOCKED`), renews `heartbeat_at` every 15 s while it syncs it, and on
-- finishing records the round it was done in. A claim whose heartbeat is older than 90 s (or whose
-- process is gone from its host) belongs to a collector that died and is taken over; the sync
-- resumes from the stored watermarks. On SQLite one collector runs at a time (`run_lease`).

-- A round: one pass over the tracked repositories, shared by every collector that joins it while
-- it is open. A collector joins the open round when a live run works on it, else opens a new one.
CREATE TABLE sync_rounds (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER
);

CREATE TABLE repo_leases (
    repo          TEXT    NOT NULL PRIMARY KEY COLLATE NOCASE,   -- owner/name
    holder        TEXT,                 -- the holding run's token, NULL when free
    pid           INTEGER,
    host          TEXT,
    run_id        INTEGER,              -- sync_runs (id) of the holder
    heartbeat_at  INTEGER,
    done_round    INTEGER,              -- the last round in which a sync of it ended
    done_run      INTEGER,              -- the run that ended it
    done_at       INTEGER
);

-- Who runs each run, for closing the runs of dead collectors only, and the round it belongs to.
ALTER TABLE sync_runs ADD COLUMN round_id INTEGER;
ALTER TABLE sync_runs ADD COLUMN holder TEXT;
ALTER TABLE sync_runs ADD COLUMN pid INTEGER;
ALTER TABLE sync_runs ADD COLUMN host TEXT;
ALTER TABLE sync_runs ADD COLUMN heartbeat_at INTEGER;
