-- PostgreSQL form of migrations/sqlite/20261210000029_data_generation.sql: each SQLite trigger is
-- a PL/pgSQL function and a row trigger of the same name, with the same WHEN condition.
--
-- The data version web servers compare to know that their cached pages are stale
-- (`db::runs::data_version`): one counter, moved by triggers in the same transaction as each
-- write that changes what the pages show. A run's start and its end (as the count of runs and
-- finished runs did), and each repository's recorded outcome, the last write of its sync
-- (`db::repos::record_repo_outcome`, `mark_removed`): so a repository synced an hour into a
-- long run, or by a collector killed before its run ends, is shown without waiting for the
-- run's end or the cache's TTL. Reading it is one row by key, however many runs there were.
-- Several collectors move it at once: the upsert takes the row's lock, so no move is lost, and
-- it is each transaction's last lock, so it makes no deadlock.
--
-- No row until the first move (the version is 0 then): `db copy` copies into an empty database.
CREATE TABLE data_generation (
    id  BIGINT  PRIMARY KEY CHECK (id = 1),
    n   BIGINT  NOT NULL
);

CREATE FUNCTION sync_runs_started_data() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO data_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = data_generation.n + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER sync_runs_started_data AFTER INSERT ON sync_runs
    FOR EACH ROW EXECUTE FUNCTION sync_runs_started_data();

CREATE FUNCTION sync_runs_finished_data() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO data_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = data_generation.n + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER sync_runs_finished_data AFTER UPDATE OF finished_at ON sync_runs
    FOR EACH ROW WHEN (OLD.finished_at IS NULL AND NEW.finished_at IS NOT NULL)
    EXECUTE FUNCTION sync_runs_finished_data();

CREATE FUNCTION tracked_repos_outcome_data() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO data_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = data_generation.n + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER tracked_repos_outcome_data AFTER UPDATE OF last_attempt_at ON tracked_repos
    FOR EACH ROW EXECUTE FUNCTION tracked_repos_outcome_data();

CREATE FUNCTION tracked_repos_removed_data() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO data_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = data_generation.n + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER tracked_repos_removed_data AFTER INSERT ON tracked_repos
    FOR EACH ROW WHEN (NEW.last_attempt_at IS NOT NULL)
    EXECUTE FUNCTION tracked_repos_removed_data();
