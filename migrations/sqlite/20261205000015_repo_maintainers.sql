-- A scope's maintainers (src/db/dashboard.rs, list_maintainers) are read on every dashboard: a
-- partial index holds just them, instead of a walk over every contributor of the repository
-- (51,000 for the largest simulated one).
CREATE INDEX repo_people_maintainers ON repo_people (repo_id, account_id) WHERE is_maintainer = 1;
