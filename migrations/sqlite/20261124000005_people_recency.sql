-- Contributors by recency, for the inactive-contributor groups (most recent first, per group).
CREATE INDEX repo_people_last ON repo_people (repo_id, last_at);
