-- Contributor weeks are recounted from the earliest authored time a sync changed (src/db/commits.rs):
-- an index range instead of a scan of the repository's whole history.
CREATE INDEX commits_repo_authored ON commits (repo_id, authored_at);
